"""Eq. (33) broadened over the speeds taken between two chain masses (Sec. VI, Fig. 9).

Between midpoints the particle's speed follows energy conservation over the fixed chain
masses (:func:`~chaindrag.analytic.cell_potential`); :func:`broadened_steady_state_loss`
averages Eq. (33) over that speed, weighted by the time spent at each.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np

from chaindrag.interactions import Interaction
from chaindrag.params import require_int_range, require_omega_fast, require_positive

from ._common import EIGHT_PI_SQ, TWO_PI, out, scalar
from .cell import _cell_args, _cell_function
from .resonances import _all_tangencies
from .steady_state import steady_state_loss

__all__ = ["broadened_steady_state_loss"]

MAX_POINTS = 4096  # the largest n_points (see broadened_steady_state_loss)

_STEP = 0.125  # the first tanh-sinh step (see _time_average)
_HALVINGS = 4  # of the step at most: 1/128
_SETTLED = 1e-7  # relative change on halving the step below which a speed is done
_NEAR_TANGENCY = 1e-15  # nodes this close to a tangency speed are dropped (relative: ~5 ulps)


def _tanh_sinh(t, h: float):
    """tanh-sinh nodes at the t's of step h on [0, 1] as (distance from 0, distance from 1,
    weight)."""
    u = 0.5 * math.pi * np.sinh(t)
    with np.errstate(over="ignore"):  # far nodes: distance 0, weight 0
        left = 1.0 / (1.0 + np.exp(-2.0 * u))  # = (1 + tanh u)/2, accurate near 0
        right = 1.0 / (1.0 + np.exp(2.0 * u))  # = (1 - tanh u)/2, accurate near 1
        wts = h * 0.5 * math.pi * np.cosh(t) / (2.0 * np.cosh(u) ** 2)
    return left, right, wts


def _speed2(x, vv, *, cell: Callable, kin, phi_mid):
    """v(x)^2 at x from the chain mass for midpoint speed vv (energy conservation)."""
    return vv**2 - kin * (cell(np.ravel(x)).reshape(np.shape(x)) - phi_mid)


def _log_weight(w, om, lam):
    """Log of the Gaussian weight of one Eq. (33) term with mode omega at speed w."""
    return 2.0 * np.log(om) - (TWO_PI * lam * om / w) ** 2 - 4.0 * np.log(w)


def _log_weight_any(w, om, inter: Interaction):
    """Log of the weight of one Eq. (33) term, (omega / w^2 Phi_k(2 pi omega / w))^2."""
    with np.errstate(divide="ignore", under="ignore"):
        return 2.0 * (np.log(om) + np.log(np.abs(inter.fourier(TWO_PI * om / w)))
                      - 2.0 * np.log(w))


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


def _half_cell_cuts(vv, w_row, xs, tang, omega_t, speed2: Callable, log_weight: Callable,
                    alpha):
    """(ends of the pieces of [0, alpha/2], tangency speeds in reach) for one midpoint speed:
    split where v(x) crosses a tangency speed whose term weighs above 1e-18 of the cell's
    largest; every tangency speed within the grid's speeds (+-1e-6) is returned."""
    lo_w, hi_w = np.min(w_row), np.max(w_row)
    floor = np.max(log_weight(w_row, 1.0)) - 41.0
    inside = (tang > lo_w) & (tang < hi_w)
    tc = tang[inside & (log_weight(tang, omega_t) > floor)]
    cuts = [0.0, 0.5 * alpha]
    if tc.size:
        cuts.extend(_crossings(vv, w_row, xs, tc, speed2))
    return np.unique(cuts), tang[(tang > lo_w * (1 - 1e-6)) & (tang < hi_w * (1 + 1e-6))]


def _half_cell_nodes(vv, piece, speed2: Callable, alpha, rule):
    """Quadrature nodes of one midpoint speed: (speeds v(x), weights dx / v(x)).

    ``piece`` is (cuts, tangency speeds) of :func:`_half_cell_cuts`. Each piece between the
    cuts gets the tanh-sinh ``rule``; dropped are nodes within 1e-13 alpha of a cut and
    nodes whose speed lies within _NEAR_TANGENCY (relative) of a tangency speed, where
    float64 no longer resolves Eq. (33)'s spike: a node there rounds onto the tangency
    (where v(x) crosses it with a small slope, one such node gave Delta_bar ~ 1e12).
    """
    cuts, tang = piece
    left, right, wts = rule
    a, b = cuts[:-1, None], cuts[1:, None]
    dl, dr = (b - a) * left[None, :], (b - a) * right[None, :]
    x = np.where(dl < dr, a + dl, b - dr)
    ok = np.minimum(dl, dr) > 1e-13 * alpha
    wx = np.sqrt(np.maximum(speed2(x[ok], vv), 0.0))
    wt = ((b - a) * wts[None, :])[ok] / wx
    if tang.size:  # the nearest tangency speeds below and above (_all_tangencies sorts them)
        j = np.searchsorted(tang, wx)
        below, above = tang[np.maximum(j - 1, 0)], tang[np.minimum(j, tang.size - 1)]
        keep = np.minimum(np.abs(wx / below - 1.0), np.abs(wx / above - 1.0)) > _NEAR_TANGENCY
        wx, wt = wx[keep], wt[keep]
    return wx, wt


def _sums(rows, pieces, v_arr, speed2: Callable, alpha, rule, loss):
    """(int Delta_bar(v(x)) dx / v(x), int dx / v(x)) by ``rule`` for the speeds ``rows``."""
    nodes = [(i, *_half_cell_nodes(v_arr[i], pieces[i], speed2, alpha, rule)) for i in rows]
    own = np.concatenate([np.full(wx.size, i) for i, wx, _ in nodes])
    w_all = np.concatenate([wx for _, wx, _ in nodes])
    wt_all = np.concatenate([wt for _, _, wt in nodes])
    return (np.bincount(own, weights=wt_all * loss(w_all), minlength=v_arr.size),
            np.bincount(own, weights=wt_all, minlength=v_arr.size))


def _time_average(v_arr, passable, pieces, speed2: Callable, alpha, n_points, loss, atol):
    """The time-weighted mean of Eq. (33) over the half cell, step halved until it settles.

    Tanh-sinh with step h over |t| <= n_points/8 (h = 1/8 first): its error falls like
    e^{-c/h}, c set by how near the real axis the integrand's singularities lie against
    the piece's length (a Morse or Lennard-Jones channel offset h = 4 against the half
    cell: 1e-7 to 1e-6 at h = 1/8). Halving h keeps the old nodes (their sums halved) and
    adds the odd ones; a speed stops once the change is below :data:`_SETTLED` relative or
    ``atol`` absolute (the new error ~ its square), or after :data:`_HALVINGS` halvings.
    """
    rows = np.nonzero(passable)[0]
    h = _STEP
    num, den = _sums(rows, pieces, v_arr, speed2, alpha,
                     _tanh_sinh(h * np.arange(-n_points, n_points + 1), h), loss)
    for level in range(1, _HALVINGS + 1):
        h, n_half = 0.5 * h, n_points * 2**level
        n_new, d_new = _sums(rows, pieces, v_arr, speed2, alpha,
                             _tanh_sinh(h * np.arange(1 - n_half, n_half, 2), h), loss)
        old = num[rows] / den[rows]
        num[rows] = 0.5 * num[rows] + n_new[rows]
        den[rows] = 0.5 * den[rows] + d_new[rows]
        new = num[rows] / den[rows]
        rows = rows[np.abs(new - old) > np.maximum(_SETTLED * np.abs(new), atol)]
        if rows.size == 0:
            break
    return np.where(passable, num / np.where(den > 0, den, 1.0), np.nan)


def _pair_functions(phi0, lam, inter, alpha: float, wf: float):
    """(cell potential, log weight, Eq. 33) for the Gaussian or any potential."""
    cell = _cell_function(phi0, lam, inter, alpha)
    if inter is None:
        return (cell, partial(_log_weight, lam=lam),
                lambda w: steady_state_loss(w, phi0, lam, alpha, wf))
    return (cell, partial(_log_weight_any, inter=inter),
            lambda w: steady_state_loss(w, alpha=alpha, omega_fast=wf, interaction=inter))


def broadened_steady_state_loss(v, phi0: float | None = None, lam: float | None = None,
                                alpha: float | None = None, mu: float = 1.0,
                                omega_fast: float = 10.0, n_points: int = 32, *,
                                interaction: Interaction | None = None, atol: float = 0.0):
    """Eq. (33) averaged over the speeds taken between two midpoints (Sec. VI, Fig. 9).

    Parameters
    ----------
    v : array_like
        Midpoint speed, > 0.
    phi0, lam : float
        Gaussian amplitude (any sign) and width (> 0).
    alpha : float
        Chain spacing, > 0 (required).
    mu : float
        Mass ratio, > 0.
    omega_fast : float
        Band top, > 1.
    n_points : int
        The tanh-sinh range |t| <= n_points/8 per piece of the half cell, in [8, 4096]
        (:data:`MAX_POINTS`; beyond ~50 the nodes already sit on the piece's ends in
        float64, with weights that underflow: more add only cost).
    interaction : Interaction, optional
        Any pair potential of :mod:`chaindrag.interactions` instead of ``phi0, lam``
        (keyword only; a :class:`~chaindrag.interactions.Gaussian` takes the Gaussian path).
    atol : float
        A speed's quadrature also stops once a halving changes it by at most ``atol`` (>= 0,
        absolute, Delta_bar's units; keyword only): for a scan that needs only the side of
        a level far above most of the curve (:func:`~chaindrag.analytic.drift_velocities`).

    Returns
    -------
    float or ndarray
        The broadened Delta_bar(v); NaN where the particle cannot cross the cell (``v^2``
        below ``8 pi^2 max_x [Phi_cell(x) - Phi_cell(alpha/2)] / mu``, the capture speed of
        the cell).

    Raises
    ------
    chaindrag.params.ParameterError
        For bad arguments: alpha missing, neither or both of (phi0, lam) and ``interaction``.

    Notes
    -----
    Between the midpoints the particle's speed follows energy conservation over fixed chain
    masses, ``v(x)^2 = v^2 - (8 pi^2/mu) [Phi_cell(x) - Phi_cell(alpha/2)]``, x measured
    from the chain mass. For the Gaussian
    ``Phi_cell(x) = sum_{k=-2..2} phi0 exp(-(x - k alpha)^2 / (2 lam^2))``; for any other
    potential the sum runs over ``|k| <= K``, K the masses within its reach (>= 2, at most
    256): the masses beyond come in pairs +-k whose first-order terms cancel, leaving
    ``Phi''(k alpha) (x^2 - alpha^2/4)``, negligible there (for a Lorentzian tail
    ~1e-9 of v^2). The time spent in dx is ``dx / v(x)``, so the time-weighted
    distribution of speeds gives::

        Delta_bar_broad(v) = int_0^{alpha/2} dx Delta_bar(v(x)) / v(x)
                             / int_0^{alpha/2} dx / v(x)

    (the cell is symmetric about the chain mass, so half a cell suffices). This is the
    "probability distribution of speeds" weighting of Sec. VI, a qualitative illustration.
    Where the extreme speed of the cell passes a tangency speed, the broadened curve jumps
    (the inverse-square-root spike of Eq. 33 is integrated over a quadratic speed
    extremum, which gives a finite step).

    Quadrature: Delta_bar(v(x)) jumps and has inverse-square-root singularities where v(x)
    crosses a tangency speed (:func:`~chaindrag.analytic.spike_speeds`, both band edges).
    ``[0, alpha/2]`` is split at every such crossing whose Eq. (33) term weighs above
    ``e^{-41}`` of the cell's largest (located on a 4001-point grid, refined by bisection)
    and each piece is integrated with a tanh-sinh rule (step 1/8, halved up to 4 times
    until the result changes by < 1e-7 relative or ``atol``), which handles algebraic
    end-point singularities. Nodes within 1e-13 alpha of a crossing, or whose speed lies
    within 1e-15 (relative, a few ulps) of a tangency speed, are dropped: there v(x)
    rounds onto the tangency speed and Eq. (33) is rounding noise. That costs a relative
    error of order 1e-6; more where the midpoint speed lies eps (relative) past a tangency
    speed on its divergent side, so that v(x) meets it next to the midpoint with a
    vanishing slope: up to ~sqrt(1e-15/eps) there (measured 3e-6, 6e-5 and 7e-4 at
    eps = 1e-5, 1e-7 and 1e-9, Gaussian potentials, against a quadrature that cancels
    the singularities by substitution), so a jump of the curve is smoothed over ~1e-13.
    """
    v_arr, phi0, lam, inter, alpha, mu = _cell_args(v, phi0, lam, alpha, mu, interaction)
    wf = require_omega_fast(omega_fast)
    n_points = require_int_range("n_points", n_points, 8, MAX_POINTS)
    atol = scalar("atol", atol, require_positive, allow_zero=True)

    cell, log_weight, loss = _pair_functions(phi0, lam, inter, alpha, wf)
    kin = EIGHT_PI_SQ / mu
    phi_mid = cell(np.array([0.5 * alpha]))[0]
    speed2 = partial(_speed2, cell=cell, kin=kin, phi_mid=phi_mid)
    xs = np.linspace(0.0, 0.5 * alpha, 4001)
    dphi = cell(xs) - phi_mid
    w2_grid = v_arr[:, None] ** 2 - kin * dphi[None, :]
    passable = np.all(w2_grid > 0.0, axis=1)
    w_grid = np.sqrt(np.abs(w2_grid))
    if np.any(passable):  # widened: a node's speed may pass the grid's extremes a little
        tang, _, omega_t = _all_tangencies(alpha, wf, float(np.min(w_grid[passable])) * 0.999,
                                           float(np.max(w_grid[passable])) * 1.001)
    else:
        tang = omega_t = np.empty(0)
    pieces = {i: _half_cell_cuts(v_arr[i], w_grid[i], xs, tang, omega_t, speed2, log_weight,
                               alpha) for i in np.nonzero(passable)[0]}
    res = (_time_average(v_arr, passable, pieces, speed2, alpha, n_points, loss, atol)
           if np.any(passable) else np.full(v_arr.size, np.nan))
    return out(res.reshape(np.shape(v)))

