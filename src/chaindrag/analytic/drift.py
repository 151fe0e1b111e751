"""Broadened steady-state loss and steady drift speeds under a bias (Sec. VI, Figs. 8, 9).

A biased particle drifts at a speed where the energy the bias supplies per lattice spacing
equals the loss to the chain. :func:`drift_velocities` finds these speeds on Eq. (33)
(Fig. 8) or on its broadened form :func:`broadened_steady_state_loss`, which averages Eq. (33)
over the speeds the particle takes between two chain masses (Fig. 9).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from chaindrag._version import __version__
from chaindrag.params import (ParameterError, require_finite, require_int_range,
                              require_omega_fast, require_positive)

from ._common import EIGHT_PI_SQ, TWO_PI, out, scalar
from .resonances import _all_tangencies
from .single_pass import capture_speed
from .steady_state import steady_state_loss

__all__ = ["broadened_steady_state_loss", "drift_velocities"]


# --------------------------------------------------------------------------- broadening (Fig. 9)
def _tanh_sinh(n_half: int, h: float):
    """tanh-sinh nodes on [0, 1] as (distance from 0, distance from 1, weight)."""
    t = h * np.arange(-n_half, n_half + 1)
    u = 0.5 * math.pi * np.sinh(t)
    left = 1.0 / (1.0 + np.exp(-2.0 * u))  # = (1 + tanh u)/2, accurate near 0
    right = 1.0 / (1.0 + np.exp(2.0 * u))  # = (1 - tanh u)/2, accurate near 1
    wts = h * 0.5 * math.pi * np.cosh(t) / (2.0 * np.cosh(u) ** 2)
    return left, right, wts


def _cell_potential(x, phi0, lam, alpha):
    """Fixed-chain potential seen between two chain masses, masses at k alpha, k = -2..2."""
    k = np.arange(-2, 3)[:, None]
    return np.sum(phi0 * np.exp(-0.5 * ((np.asarray(x)[None, :] - k * alpha) / lam) ** 2), axis=0)


def _speed2(x, vv, *, phi0, lam, alpha, kin, phi_mid):
    """v(x)^2 at x from the chain mass for midpoint speed vv (energy conservation)."""
    return vv**2 - kin * (_cell_potential(np.ravel(x), phi0, lam, alpha).reshape(np.shape(x))
                          - phi_mid)


def _log_weight(w, om, lam):
    """Log of the Gaussian weight of one Eq. (33) term with mode omega at speed w."""
    return 2.0 * np.log(om) - (TWO_PI * lam * om / w) ** 2 - 4.0 * np.log(w)


def _crossings(vv, w_row, xs, tc, speed2: Callable) -> np.ndarray:
    """Every x in the half cell where v(x) crosses a speed of ``tc``.

    Sign changes of ``w_row - tc`` on the grid ``xs`` are refined by a vectorised bisection
    of ``v(x)^2 = tc^2``.
    """
    sign = np.sign(w_row[None, :] - tc[:, None])
    kk, jj = np.nonzero(sign[:, :-1] * sign[:, 1:] < 0)
    lo, hi, target = xs[jj], xs[jj + 1], tc[kk] ** 2
    s_lo = sign[kk, jj]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        same = np.sign(speed2(mid, vv) - target) == s_lo
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def _half_cell_nodes(vv, w_row, xs, tang, omega_t, speed2: Callable, lam, alpha, rule):
    """Quadrature nodes of one midpoint speed: (speeds v(x), weights dx / v(x)).

    [0, alpha/2] is split where v(x) crosses a tangency speed whose term weighs above 1e-18
    of the cell's largest, and each piece gets the tanh-sinh ``rule``; nodes within
    1e-13 alpha of a cut are dropped.
    """
    left, right, wts = rule
    lo_w, hi_w = np.min(w_row), np.max(w_row)
    floor = np.max(_log_weight(w_row, 1.0, lam)) - 41.0
    tc = tang[(tang > lo_w) & (tang < hi_w) & (_log_weight(tang, omega_t, lam) > floor)]
    cuts = [0.0, 0.5 * alpha]
    if tc.size:
        cuts.extend(_crossings(vv, w_row, xs, tc, speed2))
    cuts = np.unique(cuts)
    a, b = cuts[:-1, None], cuts[1:, None]
    dl, dr = (b - a) * left[None, :], (b - a) * right[None, :]
    x = np.where(dl < dr, a + dl, b - dr)
    ok = np.minimum(dl, dr) > 1e-13 * alpha
    wx = np.sqrt(np.maximum(speed2(x[ok], vv), 0.0))
    return wx, ((b - a) * wts[None, :])[ok] / wx


def broadened_steady_state_loss(v, phi0: float, lam: float, alpha: float, mu: float = 1.0,
                                omega_fast: float = 10.0, n_points: int = 32):
    """Eq. (33) averaged over the speeds taken between two midpoints (Sec. VI, Fig. 9).

    Parameters
    ----------
    v : array_like
        Midpoint speed, > 0.
    phi0, lam : float
        Gaussian amplitude (any sign) and width (> 0).
    alpha : float
        Chain spacing, > 0.
    mu : float
        Mass ratio, > 0.
    omega_fast : float
        Band top, > 1.
    n_points : int
        Half the number of tanh-sinh nodes per piece of the half cell, >= 8.

    Returns
    -------
    float or ndarray
        The broadened Delta_bar(v); NaN where the particle cannot cross the cell (repulsive
        phi0 with ``v^2`` below ``8 pi^2 (Phi(0) - Phi(alpha/2)) / mu``, i.e. below the
        capture speed of the cell).

    Notes
    -----
    Between the midpoints the particle's speed follows energy conservation over fixed chain
    masses, ``v(x)^2 = v^2 - (8 pi^2/mu) [Phi(x) - Phi(alpha/2)]`` with
    ``Phi(x) = sum_{k=-2..2} phi0 exp(-(x - k alpha)^2 / (2 lam^2))``, x measured from the
    chain mass. The time spent in dx is ``dx / v(x)``, so the time-weighted distribution of
    speeds gives::

        Delta_bar_broad(v) = int_0^{alpha/2} dx Delta_bar(v(x)) / v(x)
                             / int_0^{alpha/2} dx / v(x)

    (the cell is symmetric about the chain mass, so half a cell suffices). This is the
    "probability distribution of speeds" weighting of Sec. VI, a qualitative illustration.
    Where the extreme speed of the cell (v itself for ``phi0 > 0``, ``v(0)`` for
    ``phi0 < 0``) passes a tangency speed, the broadened curve jumps (the
    inverse-square-root spike of Eq. 33 is integrated over a quadratic speed maximum, which
    gives a finite step).

    Quadrature: Delta_bar(v(x)) jumps and has inverse-square-root singularities where v(x)
    crosses a tangency speed (:func:`~chaindrag.analytic.spike_speeds`, both band edges).
    ``[0, alpha/2]`` is split at every such crossing (located on a 4001-point grid, refined
    by bisection) and each piece is integrated with a tanh-sinh rule (``2 n_points + 1``
    nodes, step 1/8), which handles algebraic end-point singularities; nodes within
    1e-13 alpha of a crossing (where v(x) rounds to the tangency speed) are dropped, a
    relative error of order 1e-6.
    """
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    phi0 = scalar("phi0", phi0, require_finite)
    lam = scalar("lam", lam, require_positive)
    alpha = scalar("alpha", alpha, require_positive)
    mu = scalar("mu", mu, require_positive)
    n_points = require_int_range("n_points", n_points, 8)
    v_arr = np.atleast_1d(np.asarray(v, dtype=float)).ravel()

    kin = EIGHT_PI_SQ / mu
    phi_mid = _cell_potential(np.array([0.5 * alpha]), phi0, lam, alpha)[0]
    speed2 = partial(_speed2, phi0=phi0, lam=lam, alpha=alpha, kin=kin, phi_mid=phi_mid)
    xs = np.linspace(0.0, 0.5 * alpha, 4001)
    dphi = _cell_potential(xs, phi0, lam, alpha) - phi_mid
    w2_grid = v_arr[:, None] ** 2 - kin * dphi[None, :]
    passable = np.all(w2_grid > 0.0, axis=1)
    w_grid = np.sqrt(np.abs(w2_grid))
    if np.any(passable):
        tang, _, omega_t = _all_tangencies(alpha, wf, float(np.min(w_grid[passable])),
                                           float(np.max(w_grid[passable])))
    else:
        tang = omega_t = np.empty(0)
    rule = _tanh_sinh(n_points, 0.125)

    nodes_w, nodes_wt, owner = [], [], []
    for i in np.nonzero(passable)[0]:
        wx, wt = _half_cell_nodes(v_arr[i], w_grid[i], xs, tang, omega_t, speed2, lam, alpha,
                                  rule)
        nodes_w.append(wx)
        nodes_wt.append(wt)
        owner.append(np.full(wx.size, i))
    res = np.full(v_arr.size, np.nan)
    if nodes_w:
        w_all = np.concatenate(nodes_w)
        wt_all = np.concatenate(nodes_wt)
        own = np.concatenate(owner)
        loss = steady_state_loss(w_all, phi0, lam, alpha, wf)
        num = np.bincount(own, weights=wt_all * loss, minlength=v_arr.size)
        den = np.bincount(own, weights=wt_all, minlength=v_arr.size)
        res = np.where(passable, num / np.where(den > 0, den, 1.0), np.nan)
    return out(res.reshape(np.shape(v)))


# --------------------------------------------------------------------------- drift velocities
def _which_spike(v: float, stable: bool, kind: str, tang: np.ndarray, edge: np.ndarray) -> str:
    """Band edge ('slow' = bottom, 'fast' = top) of the spike a drift solution belongs to.

    An edge is its own tangency. A stable root (loss rising through the bias) belongs to the
    next band-top spike above it (those diverge on their low side); an unstable root (loss
    falling through the bias) to the next band-bottom spike below it (diverging on its high
    side). 'none' if there is no such spike.
    """
    if kind == "spike_edge":
        if not tang.size:
            return "none"
        j = np.argmin(np.abs(tang - v))
        return "fast" if edge[j] == "top" else "slow"
    if stable:
        return "fast" if np.any((edge == "top") & (tang >= v)) else "none"
    return "slow" if np.any((edge == "bottom") & (tang <= v)) else "none"


def _default_v_max(bias, phi0, lam, v_min, tang_all, loss: Callable) -> float:
    """Top of the scan: above every tangency and the large-v root, where loss < bias."""
    v_max = 2.0 * (16.0 * math.pi**5 * phi0**2 * lam**2 / max(bias, 1e-300)) ** 0.25
    v_max = max(v_max, 1.1 * float(np.max(tang_all, initial=v_min)), 2.0 * v_min)
    while bias > 0 and not loss(v_max) < bias and v_max < 1e12:
        v_max *= 2.0
    return v_max


def _scan_grid(loss: Callable, bias, v_min, v_max, n_grid, tang, broadened) -> np.ndarray:
    """Geometric grid on [v_min, v_max], refined around every resolvable spike."""
    grid = [np.geomspace(v_min, v_max, n_grid if not broadened else max(n_grid // 8, 16))]
    if not broadened and tang.size:
        # refine only around spikes that are resolvable: loss > bias next to v_c
        near = loss(np.concatenate([tang * (1.0 - 1e-9), tang * (1.0 + 1e-9)]))
        sharp = tang[np.maximum(near[:tang.size], near[tang.size:]) > bias]
        offs = 10.0 ** -np.array([3.0, 5.0, 7.0, 9.0])
        grid += [sharp[:, None] * (1.0 - offs), sharp[:, None] * (1.0 + offs)]
    grid = np.unique(np.concatenate([g.ravel() for g in grid]))
    return grid[(grid >= v_min) & (grid <= v_max)]


def _bisect_crossing(loss: Callable, bias, lo, hi, s_lo) -> tuple[float, str]:
    """Speed and kind ('root' or 'spike_edge') of a sign change of bias - loss in [lo, hi]."""
    for _ in range(50):  # bisection to 1e-15 relative
        mid = 0.5 * (lo + hi)
        if np.sign(bias - loss(mid)) == s_lo:
            lo = mid
        else:
            hi = mid
    # a continuous crossing ends with both sides at the bias; a jump does not
    ends = loss(np.array([lo, hi]))
    jump = bool(np.min(np.abs(ends - bias)) > 1e-3 * bias)
    return 0.5 * (lo + hi), "spike_edge" if jump else "root"


def _solutions(loss: Callable, bias, v_min, v_max, n_grid, tang, broadened) -> list[tuple]:
    """(v, stable, kind) of every sign change of bias - loss on the scan grid."""
    rows: list[tuple] = []
    grid = _scan_grid(loss, bias, v_min, v_max, n_grid, tang, broadened)
    sign = np.sign(bias - loss(grid))
    for j in np.nonzero(sign[:-1] * sign[1:] < 0)[0]:
        lo, hi = grid[j], grid[j + 1]
        stable = bool(sign[j] > 0)
        inside = tang[(tang > lo) & (tang < hi)]
        if inside.size and not broadened:
            rows.append((float(inside[0]), stable, "spike_edge"))
        else:
            v, kind = _bisect_crossing(loss, bias, lo, hi, sign[j])
            rows.append((v, stable, kind))
    return rows


def _broadened_probe(table: pd.DataFrame, phi0, lam, alpha, mu) -> np.ndarray:
    """The speed of the cell whose tangency crossing makes each broadened solution.

    A broadened curve jumps when the cell's extreme speed crosses a tangency: the fastest
    speed of the cell for a bottom spike, the slowest for a top spike.
    """
    vmid = table["v"].to_numpy()
    vx = np.sqrt(vmid**2 - EIGHT_PI_SQ * phi0 / mu * (1.0 - math.exp(
        -alpha**2 / (8.0 * lam**2))))  # speed at the chain mass (nearest mass only)
    probe = np.where(table["stable"], np.minimum(vmid, vx), np.maximum(vmid, vx))
    return np.where(table["kind"] == "spike_edge",
                    np.where(table["stable"], np.maximum(vmid, vx), np.minimum(vmid, vx)),
                    probe)


_COLUMNS = ["v", "stable", "kind", "resonance", "n", "offset"]


def _labelled(rows: list[tuple], tang, edge, phi0, lam, alpha, mu,
              broadened) -> pd.DataFrame:
    """Table of the solutions with their spike (resonance), nearest alpha/n and offset."""
    table = pd.DataFrame(rows, columns=["v", "stable", "kind"])
    if not len(table):
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            _COLUMNS, [float, bool, object, object, int, float])})
    if broadened:
        probe = _broadened_probe(table, phi0, lam, alpha, mu)
    else:
        probe = table["v"].to_numpy()
    table["resonance"] = [_which_spike(vv, st, kd, tang, edge)
                          for vv, st, kd in zip(probe, table["stable"], table["kind"])]
    n = np.maximum(np.rint(alpha / table["v"].to_numpy()), 1).astype(int)
    table["n"] = n
    table["offset"] = table["v"] - alpha / n
    return table[_COLUMNS]


def drift_velocities(bias: float, phi0: float, lam: float, alpha: float,
                     omega_fast: float = 10.0, v_max: float | None = None,
                     broadened: bool = False, mu: float = 1.0, v_min: float | None = None,
                     n_grid: int = 4000) -> pd.DataFrame:
    """Steady drift speeds under a bias: solutions of Delta_bar(v) = bias (Sec. VI, Figs. 8, 9).

    Parameters
    ----------
    bias : float
        Energy gained per lattice spacing, >= 0 (0 gives an empty table).
    phi0, lam, alpha, omega_fast, mu : float
        As everywhere (Gaussian amplitude and width, spacing, band top, mass ratio).
    v_max : float, optional
        Top of the scan; default: above every tangency speed and
        ``2 (16 pi^5 phi0^2 lam^2 / bias)^{1/4}`` (the single-root large-v form of Eq. 33),
        raised until ``Delta_bar < bias`` there.
    broadened : bool
        Use the Fig. 9 curve (:func:`~chaindrag.analytic.broadened_steady_state_loss`)
        instead of Eq. (33).
    v_min : float, optional
        Bottom of the scan; default ``max(0.5, 1.001 x capture speed)``.
    n_grid : int
        Number of scan points, >= 16.

    Returns
    -------
    pandas.DataFrame
        One row per solution, sorted by v, with columns v, stable, kind, resonance (the
        spike the solution belongs to: 'slow' for the band-bottom spikes just below
        alpha/n, 'fast' for the band-top spikes near ``2 alpha omega_fast/(2l+1)``, 'none'),
        n (nearest alpha/n), offset (``v - alpha/n``), and the provenance columns bias,
        phi0, lam, alpha, omega_fast, mu, broadened, chaindrag_version.

    Notes
    -----
    Per pass the bias adds ``bias`` and the chain takes Delta_bar(v), so dv/dt has the sign
    of ``bias - Delta_bar(v)``. A speed where this changes sign from + to - with increasing
    v is stable, from - to + unstable. Two kinds of solutions:

    * ``kind="spike_edge"``: the jump of Delta_bar at a tangency speed v_c
      (:func:`~chaindrag.analytic.spike_speeds`). At a band-bottom spike Delta_bar is
      finite below v_c and diverges above, so if ``Delta_bar(v_c-) < bias``, v_c is a
      *stable* drift speed just below alpha/n. (At a band-top spike the divergence is on
      the low side; the edge is unstable.)
    * ``kind="root"``: a continuous crossing, found by bisection; e.g. the unstable speed
      where Delta_bar falls through the bias above each band-bottom spike.

    The sign of ``bias - Delta_bar`` is scanned on a geometric grid of ``n_grid`` speeds in
    ``[v_min, v_max]`` merged with ``v_c (1 +- 10^-k)``, k = 3, 5, 7, 9, at every tangency
    speed (edges are reported when the sign differs across ``v_c (1 -+ 1e-9)``; spike
    regions narrower than that are not resolved). With ``broadened=True`` the curve is
    continuous, so only roots occur, and the grid is ``n_grid // 8`` points.
    """
    wf = require_omega_fast(omega_fast)
    bias = scalar("bias", bias, require_positive, allow_zero=True)
    phi0 = scalar("phi0", phi0, require_finite)
    lam = scalar("lam", lam, require_positive)
    alpha = scalar("alpha", alpha, require_positive)
    mu = scalar("mu", mu, require_positive)
    n_grid = require_int_range("n_grid", n_grid, 16)
    if v_min is None:
        v_min = max(0.5, 1.001 * capture_speed(phi0, mu))
    v_min = scalar("v_min", v_min, require_positive)

    def loss(v):
        if broadened:
            return broadened_steady_state_loss(v, phi0, lam, alpha, mu, wf)
        return steady_state_loss(v, phi0, lam, alpha, wf)

    if v_max is None:
        v_max = _default_v_max(bias, phi0, lam, v_min,
                               _all_tangencies(alpha, wf, v_min, math.inf)[0], loss)
    v_max = scalar("v_max", v_max, require_positive)
    if v_max <= v_min:
        raise ParameterError(f"v_max must exceed v_min = {v_min!r}, got {v_max!r}")
    tang, edge, _ = _all_tangencies(alpha, wf, v_min, v_max)
    rows = _solutions(loss, bias, v_min, v_max, n_grid, tang, broadened) if bias > 0 else []
    table = _labelled(rows, tang, edge, phi0, lam, alpha, mu, broadened)
    for name, val in (("bias", bias), ("phi0", phi0), ("lam", lam), ("alpha", alpha),
                      ("omega_fast", wf), ("mu", mu), ("broadened", bool(broadened)),
                      ("chaindrag_version", __version__)):
        table[name] = val
    return table.sort_values("v", ignore_index=True)
