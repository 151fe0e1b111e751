"""Resonance and spike speeds of the single-pass and steady-state losses (Secs. V, VI).

Eq. (33) diverges where the line ``-x v / alpha`` is tangent to the band ``omega(x)``: two
roots of Eq. (32) are born there. The band-bottom tangencies lie just below the slow
resonances ``alpha / n`` (the spikes of Fig. 8c), the band-top tangencies near the fast
resonances ``2 alpha omega_fast / (2l + 1)`` that also enhance the single-pass loss of
Fig. 7.
"""

from __future__ import annotations

import math

import numpy as np

from chaindrag.params import (ParameterError, require_int_range, require_omega_fast,
                              require_positive)

from ._common import TWO_PI, scalar

__all__ = ["spike_speeds", "fast_resonance_speeds", "slow_resonance_speeds"]

#: The most resonance speeds listed (n_max, l_max) or searched for at once (2^20).
MAX_SPIKES = 1 << 20


def _tangency_points(index: np.ndarray, omega_fast: float, band_edge: str) -> np.ndarray:
    """x_t with omega(x_t) = x_t omega'(x_t) on the falling half [-m - 1/2, -m], m = index.

    g(x) = omega - x omega' has g' = -x omega'', so it rises on the convex part (band bottom
    side) and falls on the concave part (band top side); a zero exists on each part iff g < 0
    at the inflection point. Vectorised bisection; NaN where there is no tangency.
    """
    a = omega_fast**2 - 1.0
    dxi = math.acos((omega_fast - 1.0) / (omega_fast + 1.0)) / TWO_PI
    m = index.astype(float)
    xi = -m - dxi

    def g(x):
        w = np.sqrt(1.0 + a * np.sin(math.pi * x) ** 2)
        return w - x * a * math.pi * np.sin(TWO_PI * x) / (2.0 * w)

    if band_edge == "bottom":
        lo, hi = xi.copy(), -m  # g(lo) < 0 < g(hi) = 1
    else:
        lo, hi = -m - 0.5, xi.copy()  # g(lo) = omega_fast > 0 > g(hi)
    exists = g(xi) < 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        neg = g(mid) < 0.0
        if band_edge == "bottom":
            lo, hi = np.where(neg, mid, lo), np.where(neg, hi, mid)
        else:
            lo, hi = np.where(neg, lo, mid), np.where(neg, mid, hi)
    return np.where(exists, 0.5 * (lo + hi), np.nan)


# x_t of indices first..N per (omega_fast, band_edge), extended as needed: each element's
# bisection is independent of the others, so a slice equals a fresh computation bit for bit
# (the broadened loss asks for the same points on every call of a root search)
_POINTS: dict[tuple[float, str], np.ndarray] = {}
_POINTS_KEYS = 8  # at most 8 x 8 MB (MAX_SPIKES points each)


def _cached_points(n_max: int, omega_fast: float, band_edge: str) -> np.ndarray:
    """_tangency_points of indices (1 or 0)..n_max, from the cache (read-only)."""
    first = 1 if band_edge == "bottom" else 0
    key = (float(omega_fast), band_edge)
    have = _POINTS.get(key, np.empty(0))
    if have.size < n_max + 1 - first:
        more = _tangency_points(np.arange(first + have.size, n_max + 1), omega_fast, band_edge)
        if key not in _POINTS and len(_POINTS) >= _POINTS_KEYS:
            _POINTS.pop(next(iter(_POINTS)))
        have = np.concatenate([have, more])
        have.flags.writeable = False
        _POINTS[key] = have
    return have[:n_max + 1 - first]


def _tangencies(alpha: float, omega_fast: float, n_max: int, band_edge: str):
    """(v_c, omega at the tangency) for one family, see :func:`spike_speeds`."""
    xt = _cached_points(n_max, omega_fast, band_edge)
    w = np.sqrt(1.0 + (omega_fast**2 - 1.0) * np.sin(math.pi * xt) ** 2)
    return -alpha * w / xt, w


def _all_tangencies(alpha: float, omega_fast: float, v_lo: float, v_hi: float):
    """Both families of tangency speeds in [v_lo, v_hi]: (speeds, band_edge labels, omega_t)."""
    if alpha * omega_fast / v_lo + 2 > MAX_SPIKES:
        raise ParameterError(
            f"speeds down to v = {v_lo:.6g} cross ~{alpha * omega_fast / v_lo:.3g} tangency "
            f"speeds of Eq. (33) (alpha omega_fast / v), more than {MAX_SPIKES}: the slowest "
            f"speed must be >= {alpha * omega_fast / (MAX_SPIKES - 2):.4g}")
    bot, w_bot = _tangencies(alpha, omega_fast, int(alpha / v_lo) + 2, "bottom")
    top, w_top = _tangencies(alpha, omega_fast, int(alpha * omega_fast / v_lo) + 2, "top")
    speeds = np.concatenate([bot, top])
    omega_t = np.concatenate([w_bot, w_top])
    edge = np.array(["bottom"] * bot.size + ["top"] * top.size)
    keep = np.isfinite(speeds) & (speeds >= v_lo) & (speeds <= v_hi)
    order = np.argsort(speeds[keep])
    return speeds[keep][order], edge[keep][order], omega_t[keep][order]


def spike_speeds(alpha: float, omega_fast: float = 10.0, n_max: int = 10,
                 band_edge: str = "bottom") -> np.ndarray:
    """Exact speeds where Eq. (33) has its spikes: the line -x v/alpha is tangent to omega(x).

    Parameters
    ----------
    alpha : float
        Chain spacing, > 0.
    omega_fast : float
        Band top, > 1.
    n_max : int
        Number of band-bottom spikes (n = 1..n_max), or largest l of the band-top family,
        in [1, 2^20] (:data:`MAX_SPIKES`: spike n lies near alpha / n, and below
        ~4e-6 alpha Eq. (33) is refused, see :func:`steady_state_loss`).
    band_edge : {"bottom", "top"}
        Which family.

    Returns
    -------
    ndarray
        Tangency speeds v_c, in the order of n (or l); NaN where no tangency exists (l = 0).

    Notes
    -----
    ``band_edge="bottom"`` (the spikes of Fig. 8c): tangency near ``x = -n``. With
    ``y = x + n``, ``omega ~ 1 + c y^2``, ``c = (omega_fast^2 - 1) pi^2 / 2``, two extra
    roots of Eq. (32) exist iff ``n v/alpha >= 1 - (v/alpha)^2 / (4c)``; so ``v_c,n`` lies
    just *below* alpha/n (``v_c ~ (alpha/n)(1 - 1/(4 n^2 c))``). Delta_bar diverges like
    ``(v - v_c)^{-1/2}`` for ``v -> v_c+`` and is finite below: a jump.

    ``band_edge="top"``: tangency on the concave cap near ``x = -(l + 1/2)``, close to the
    fast resonances ``2 alpha omega_fast/(2l + 1)`` of Sec. V; there the extra roots exist
    for ``v < v_c``, so Delta_bar diverges for ``v -> v_c-`` (weighted by
    ``e^{-4 pi^2 lam^2 omega_fast^2 / v^2}``, tiny at small v).

    Solved exactly (to rounding) from ``omega(x_t) = x_t omega'(x_t)``,
    ``v_c = -alpha omega(x_t) / x_t``.
    """
    wf = require_omega_fast(omega_fast)
    alpha = scalar("alpha", alpha, require_positive)
    n_max = require_int_range("n_max", n_max, 1, MAX_SPIKES)
    if band_edge not in ("bottom", "top"):
        raise ParameterError(f"band_edge must be 'bottom' or 'top', got {band_edge!r}")
    return _tangencies(alpha, wf, n_max, band_edge)[0]


def fast_resonance_speeds(alpha, omega_fast: float = 10.0, l_max: int = 10) -> np.ndarray:
    """Speeds of enhanced single-pass loss from the band top (Sec. V, Fig. 7).

    Parameters
    ----------
    alpha : float
        Chain spacing, > 0.
    omega_fast : float
        Band top, > 1.
    l_max : int
        Largest l, >= 0.

    Returns
    -------
    ndarray
        ``2 alpha omega_fast / (2l + 1)``, l = 0..l_max.
    """
    wf = require_omega_fast(omega_fast)
    alpha = scalar("alpha", alpha, require_positive)
    l_max = require_int_range("l_max", l_max, 0, MAX_SPIKES)
    return 2.0 * alpha * wf / (2.0 * np.arange(l_max + 1) + 1.0)


def slow_resonance_speeds(alpha, n_max: int = 10) -> np.ndarray:
    """Band-bottom resonance speeds (Secs. V, VI; lines of Figs. 8, 9).

    Parameters
    ----------
    alpha : float
        Chain spacing, > 0.
    n_max : int
        Largest n, >= 1.

    Returns
    -------
    ndarray
        ``alpha / n``, n = 1..n_max.
    """
    alpha = scalar("alpha", alpha, require_positive)
    n_max = require_int_range("n_max", n_max, 1, MAX_SPIKES)
    return alpha / np.arange(1, n_max + 1)
