"""The single-pass loss as a mode sum, Eq. (25) with N -> infinity, for any pair potential.

Eq. (25) sums over the chain's modes; for an infinite chain ``(1/N) sum_j -> (1/2 pi) int dq``::

    Delta(v) = (1/2) (1/2 pi) int_{-pi}^{pi} dq [4 pi^2 omega(q) / v^2 Phi_k(2 pi omega(q) / v)]^2,

with ``omega(q)`` of Eq. (11) and ``Phi_k = int dx e^{ikx} Phi(x)``. The potential enters only
through Phi_k at the mode wave numbers ``2 pi omega / v``: :func:`band_average` takes it from
a :class:`chaindrag.interactions.Interaction` (closed form for every built-in potential, checked
quadrature for a :class:`~chaindrag.interactions.UserPotential`), for many speeds at once.
:func:`single_pass_loss_modesum` is the reference entry point; it also takes a plain callable
Phi(u) and transforms it itself (:mod:`chaindrag.analytic.fourier`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from chaindrag.interactions import Interaction
from chaindrag.params import ParameterError, require_omega_fast, require_positive, require_range

from ._common import TWO_PI, out
from ._pair import mode_weight
from .fourier import _checked_potential, _fourier_even, check_panel_count

__all__ = ["single_pass_loss_modesum", "band_average"]

_M_START = 64          # first trapezoid grid on the period (the band edges are nodes)
_M_MAX = 1 << 17       # finest grid; beyond it the q quadrature is refused, not approximated
_BLOCK = 1 << 20       # band points evaluated per call of the potential's transform


def _omega(k: np.ndarray, m: int, wf: float) -> np.ndarray:
    """omega(q) at q = 2 pi k / m (Eq. 11)."""
    return np.sqrt(1.0 + (wf * wf - 1.0) * np.sin(math.pi * k / m) ** 2)


def _sum_rows(interaction: Interaction, v: np.ndarray, k: np.ndarray, m: int, wf: float,
              weights: np.ndarray, mode_weight_fn: Callable | None = None) -> np.ndarray:
    """sum_k weights_k F(v_i, q_k) per speed, F the Eq. (25) integrand (times
    ``mode_weight_fn(omega)`` if given); bounded memory."""
    om = _omega(k, m, wf)
    if mode_weight_fn is not None:
        weights = weights * np.asarray(mode_weight_fn(om), float)
    res = np.empty(v.size)
    rows = max(1, _BLOCK // k.size)
    for s in range(0, v.size, rows):
        vv = v[s:s + rows, None]
        res[s:s + rows] = mode_weight(interaction, vv, om[None, :]) @ weights
    return res


def band_average(v: np.ndarray, interaction: Interaction, omega_fast: float,
                 rtol: float = 1e-12, mode_weight_fn: Callable | None = None) -> np.ndarray:
    """Eq. (25) with N -> infinity at every speed of a 1-d array (no validation).

    With ``mode_weight_fn`` each mode's term is multiplied by ``mode_weight_fn(omega)`` (a
    vectorised function of the mode frequency, e.g. the thermal mode energy of
    :func:`chaindrag.analytic.single_pass_noise_variance`).

    The integrand is smooth and 2 pi periodic in q, so the trapezoid rule on a full period
    converges geometrically. Every speed starts on 64 points; the grid of the speeds not yet
    converged is doubled (evaluating only the new points) until two successive results agree
    to ``rtol`` (or both vanish: the transform underflowed), at most 2^17 points. A narrow
    peak at q = 0 (slow passes: only the band bottom absorbs) is resolved this way.

    Raises
    ------
    chaindrag.params.ParameterError
        A speed whose q quadrature did not converge on 2^17 points.
    """
    m = _M_START
    k = np.arange(m // 2 + 1)
    wk = np.where((k == 0) | (k == m // 2), 1.0, 2.0)
    total = _sum_rows(interaction, v, k, m, omega_fast, wk, mode_weight_fn) / m
    active = np.arange(v.size)
    while active.size:
        m *= 2
        knew = np.arange(1, m // 2, 2)  # only the new (odd) points of the doubled grid
        new = _sum_rows(interaction, v[active], knew, m, omega_fast,
                        np.full(knew.size, 2.0), mode_weight_fn) / m
        prev = total[active]
        total[active] = cur = 0.5 * prev + new
        if not np.all(np.isfinite(cur)):
            bad = v[active[~np.isfinite(cur)]]
            raise ParameterError(f"Eq. (25) is not finite at v = {bad[0]!r}: the potential's "
                                 f"transform returned a non-finite value")
        done = np.abs(cur - prev) <= rtol * np.abs(cur)
        if m >= _M_MAX and not np.all(done):
            bad = v[active[~done]]
            raise ParameterError(
                f"the q quadrature of Eq. (25) did not converge to rtol = {rtol!r} on {m} points "
                f"at v = {bad[0]!r} ({bad.size} speeds): the transform of the potential is "
                f"not smooth enough in k there")
        active = active[~done]
    return 0.5 * total


def single_pass_loss_modesum(v, potential: Interaction | Callable, omega_fast: float = 10.0, *,
                             method: str = "contour", rtol: float = 1e-12):
    """Single-pass loss from the mode sum, Eq. (25), with N -> infinity, for any even potential.

    This is the reference implementation against which the closed form Eq. (26)
    (:func:`~chaindrag.analytic.single_pass_loss`) is tested; for an Interaction it is
    what :func:`~chaindrag.analytic.single_pass_loss` computes for a non-Gaussian potential.

    Parameters
    ----------
    v : array_like
        Speeds, > 0.
    potential : Interaction or callable
        A :class:`chaindrag.interactions.Interaction` (its own Phi_k: closed form or checked
        quadrature), or an even pair potential Phi(u) as a callable vectorised over numpy
        arrays (complex ones for ``method="contour"``), decaying to 0 at large abs(u).
    omega_fast : float
        Band top, > 1.
    method : {"contour", "real"}
        Path of the Fourier integral of a callable, see Notes (ignored for an Interaction).
    rtol : float
        Relative convergence target of the q quadrature, in [1e-15, 1e-2].

    Returns
    -------
    float or ndarray
        Delta(v).

    Raises
    ------
    chaindrag.params.ParameterError
        For bad arguments; a callable that is not even, not decaying, (for
        ``method="contour"``) not accepting complex arrays, or decaying so slowly that its
        Fourier quadrature would need more than 2^21 nodes (memory stays bounded; pass it as
        an Interaction instead, e.g. :class:`chaindrag.interactions.Lorentzian`); and when
        the q quadrature does not reach ``rtol``.

    Notes
    -----
    See the module docstring for the formula. Quadrature in q: the trapezoid rule on a full
    period, doubled until two successive results agree to ``rtol``.

    For a callable, ``Phi_hat(p) = 2 int_0^L cos(pu) Phi(u) du`` (L where
    ``abs(Phi) < 1e-18 max``) by composite 24-point Gauss-Legendre on panels no wider than
    half a period of ``cos(pu)``. ``method="real"`` integrates on the real axis: its absolute
    error ``~1e-16 abs(Phi) lam`` limits the relative accuracy of an exponentially small
    Phi_hat (for the Gaussian, about ``1e-16 e^{2 pi^2 lam^2 / v^2}``: 1e-8 needs
    ``v > ~1.05 lam``). ``method="contour"`` (default) moves the path to ``u + i eta``,
    eta minimising ``log abs(Phi(i eta)) - p eta`` (steepest descent), which gives full
    relative accuracy; it needs ``potential`` to be entire and to accept complex arrays.
    """
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_range("rtol", rtol, 1e-15, 1e-2)
    if not isinstance(method, str) or method not in ("contour", "real"):
        raise ParameterError(f"method must be 'contour' or 'real', got {method!r}")
    if isinstance(potential, Interaction):
        flat = np.atleast_1d(np.asarray(v, dtype=float)).ravel()
        return out(band_average(flat, potential, wf, float(rtol)).reshape(np.shape(v)))
    return _modesum_callable(v, potential, wf, method, float(rtol))


def _periodic_trapezoid(integrand: Callable, rtol: float) -> tuple[float, bool]:
    """(1/2 pi) int_{-pi}^{pi} F(q) dq for even, 2 pi periodic F, by the trapezoid rule.

    ``integrand(k, m)`` is F at ``q = 2 pi k / m``. The number of points m is doubled
    (evaluating only the new points) until two successive results agree to ``rtol`` or
    ``m = 2^17``; returns (result, converged).
    """
    m = 32
    k = np.arange(m // 2 + 1)
    vals = integrand(k, m)
    wk = np.where((k == 0) | (k == m // 2), 1.0, 2.0)
    total = float(np.sum(wk * vals)) / m
    while True:
        m *= 2
        knew = np.arange(1, m // 2, 2)  # only the new (odd) points of the doubled grid
        new = float(np.sum(2.0 * integrand(knew, m))) / m
        prev, total = total, 0.5 * total + new
        if abs(total - prev) <= rtol * abs(total) or m >= 2**17:
            break
    return total, abs(total - prev) <= rtol * abs(total)


def _modesum_callable(v, potential: Callable, wf: float, method: str, rtol: float):
    """Eq. (25) for a callable Phi(u): its transform by :func:`.fourier._fourier_even`."""
    scale, length = _checked_potential(potential, method)
    v_arr = np.atleast_1d(np.asarray(v, dtype=float))
    if scale != 0.0:
        check_panel_count(length, TWO_PI * wf / float(np.min(v_arr)))
    res = np.empty(v_arr.shape)
    for idx, vv in np.ndenumerate(v_arr):
        if scale == 0.0:
            res[idx] = 0.0
            continue

        def integrand(k: np.ndarray, m: int, vv=vv) -> np.ndarray:
            # the band integrand at q = 2 pi k / m
            om = _omega(k, m, wf)
            ph = _fourier_even(potential, TWO_PI * om / vv, method, scale, length)
            return (4.0 * math.pi**2 * om / vv**2 * ph) ** 2

        total, converged = _periodic_trapezoid(integrand, rtol)
        if not converged:
            raise ParameterError(
                f"the q quadrature of Eq. (25) did not converge to rtol = {rtol!r} at v = {vv!r} "
                f"(with method='real' the Fourier transform may be below its rounding floor; "
                f"use method='contour' or a larger rtol)")
        res[idx] = 0.5 * total
    return out(res.reshape(np.shape(v)))
