"""Eq. (33) broadened over the speeds taken between two chain masses (Sec. VI, Fig. 9).

Between midpoints the particle's speed follows energy conservation over the fixed chain
masses (:func:`cell_potential`); :func:`broadened_steady_state_loss` averages Eq. (33) over
that speed, weighted by the time spent at each. The cell potential sums the masses within
the potential's reach: for the paper's Gaussian (``phi0, lam``) down to 1e-17 phi0 (the
five nearest at lam <= 0.28 alpha, as for Fig. 9's lam = 4, alpha = 40), for any other
potential (``interaction=``) its ``reach()`` (at most 256 masses on either side, see the
function's notes).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np

from chaindrag.interactions import Interaction
from chaindrag.params import require_finite, require_int_range, require_omega_fast, \
    require_positive

from ._common import EIGHT_PI_SQ, TWO_PI, out, scalar
from ._pair import resolve
from .resonances import _all_tangencies
from .steady_state import steady_state_loss

__all__ = ["broadened_steady_state_loss", "cell_potential", "cell_speeds"]

MAX_POINTS = 4096  # the largest n_points (see broadened_steady_state_loss)

_MAX_IMAGES = 256  # chain masses on either side summed in a general potential's cell
_GAUSSIAN_SIGMAS = math.sqrt(2.0 * math.log(1e17))  # exp(-s^2/2) = 1e-17
_CELL_NODES = 2048  # trapezoid intervals on the half cell: spectral for a smooth periodic v(x)
_COLUMNS = 256  # points per block of a cell potential's image sum (see _image_sum)
_STEP = 0.125  # the first tanh-sinh step (see _time_average)
_HALVINGS = 4  # of the step at most: 1/128
_SETTLED = 1e-7  # relative change on halving the step below which a speed is done


def _tanh_sinh(t, h: float):
    """tanh-sinh nodes at the t's of step h on [0, 1] as (distance from 0, distance from 1,
    weight)."""
    u = 0.5 * math.pi * np.sinh(t)
    with np.errstate(over="ignore"):  # far nodes: distance 0, weight 0
        left = 1.0 / (1.0 + np.exp(-2.0 * u))  # = (1 + tanh u)/2, accurate near 0
        right = 1.0 / (1.0 + np.exp(2.0 * u))  # = (1 - tanh u)/2, accurate near 1
        wts = h * 0.5 * math.pi * np.cosh(t) / (2.0 * np.cosh(u) ** 2)
    return left, right, wts


def _image_sum(x, pair: Callable, alpha: float, images: int) -> np.ndarray:
    """sum_{|k| <= images} pair(x - k alpha) at each point of the 1-d x.

    _COLUMNS points at a time, so that the temporaries of 2 images + 1 rows stay in cache
    (the 12 000 nodes of a 256-image Lorentzian cell at once made 50 MB temporaries on
    fresh pages: 0.3 s against 0.02 s). Each column sums in the same order either way.
    """
    ka = np.arange(-images, images + 1)[:, None] * alpha
    res = np.empty(x.size)
    for lo in range(0, x.size, _COLUMNS):
        res[lo:lo + _COLUMNS] = np.sum(pair(x[None, lo:lo + _COLUMNS] - ka), axis=0)
    return res


def _cell_potential(x, phi0, lam, alpha, images: int):
    """Fixed-chain potential seen between two chain masses, masses at k alpha, |k| <= images."""
    return _image_sum(np.asarray(x, dtype=float), lambda u: phi0 * np.exp(-0.5 * (u / lam) ** 2),
                      alpha, images)


def _gaussian_images(lam: float, alpha: float) -> int:
    """Masses on either side whose Gaussian term can exceed 1e-17 phi0 in the cell (>= 2):
    the nearest one left out is (images + 1/2) alpha >= _GAUSSIAN_SIGMAS lam away."""
    return int(min(max(math.ceil(_GAUSSIAN_SIGMAS * lam / alpha - 0.5), 2), _MAX_IMAGES))


def _cell_potential_any(x, inter: Interaction, alpha: float, images: int):
    """The same for any potential: masses at k alpha, |k| <= images."""
    return _image_sum(np.asarray(x, dtype=float), inter.potential, alpha, images)


def _images(inter: Interaction, alpha: float) -> int:
    """Masses on either side within the reach (>= 2, <= _MAX_IMAGES)."""
    return int(min(max(math.ceil(inter.reach() / alpha) + 1, 2), _MAX_IMAGES))


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
    """Ends of the pieces of [0, alpha/2] for one midpoint speed: split where v(x) crosses a
    tangency speed whose term weighs above 1e-18 of the cell's largest."""
    lo_w, hi_w = np.min(w_row), np.max(w_row)
    floor = np.max(log_weight(w_row, 1.0)) - 41.0
    tc = tang[(tang > lo_w) & (tang < hi_w) & (log_weight(tang, omega_t) > floor)]
    cuts = [0.0, 0.5 * alpha]
    if tc.size:
        cuts.extend(_crossings(vv, w_row, xs, tc, speed2))
    return np.unique(cuts)


def _half_cell_nodes(vv, cuts, speed2: Callable, alpha, rule):
    """Quadrature nodes of one midpoint speed: (speeds v(x), weights dx / v(x)).

    Each piece between ``cuts`` gets the tanh-sinh ``rule``; nodes within 1e-13 alpha of a
    cut are dropped.
    """
    left, right, wts = rule
    a, b = cuts[:-1, None], cuts[1:, None]
    dl, dr = (b - a) * left[None, :], (b - a) * right[None, :]
    x = np.where(dl < dr, a + dl, b - dr)
    ok = np.minimum(dl, dr) > 1e-13 * alpha
    wx = np.sqrt(np.maximum(speed2(x[ok], vv), 0.0))
    return wx, ((b - a) * wts[None, :])[ok] / wx


def _sums(rows, cuts, v_arr, speed2: Callable, alpha, rule, loss):
    """(int Delta_bar(v(x)) dx / v(x), int dx / v(x)) by ``rule`` for the speeds ``rows``."""
    nodes = [(i, *_half_cell_nodes(v_arr[i], cuts[i], speed2, alpha, rule)) for i in rows]
    own = np.concatenate([np.full(wx.size, i) for i, wx, _ in nodes])
    w_all = np.concatenate([wx for _, wx, _ in nodes])
    wt_all = np.concatenate([wt for _, _, wt in nodes])
    return (np.bincount(own, weights=wt_all * loss(w_all), minlength=v_arr.size),
            np.bincount(own, weights=wt_all, minlength=v_arr.size))


def _time_average(v_arr, passable, cuts, speed2: Callable, alpha, n_points, loss):
    """The time-weighted mean of Eq. (33) over the half cell, step halved until it settles.

    Tanh-sinh with step h over |t| <= n_points/8 (h = 1/8 first): its error falls like
    e^{-c/h}, c set by how near the real axis the integrand's singularities lie against
    the piece's length (a Morse or Lennard-Jones channel offset h = 4 against the half
    cell: 1e-7 to 1e-6 at h = 1/8). Halving h keeps the old nodes (their sums halved) and
    adds the odd ones; a speed stops once the change is below :data:`_SETTLED` (the new
    error ~ its square), or after :data:`_HALVINGS` halvings.
    """
    rows = np.nonzero(passable)[0]
    h = _STEP
    num, den = _sums(rows, cuts, v_arr, speed2, alpha,
                     _tanh_sinh(h * np.arange(-n_points, n_points + 1), h), loss)
    for level in range(1, _HALVINGS + 1):
        h, n_half = 0.5 * h, n_points * 2**level
        n_new, d_new = _sums(rows, cuts, v_arr, speed2, alpha,
                             _tanh_sinh(h * np.arange(1 - n_half, n_half, 2), h), loss)
        old = num[rows] / den[rows]
        num[rows] = 0.5 * num[rows] + n_new[rows]
        den[rows] = 0.5 * den[rows] + d_new[rows]
        new = num[rows] / den[rows]
        rows = rows[np.abs(new - old) > _SETTLED * np.abs(new)]
        if rows.size == 0:
            break
    return np.where(passable, num / np.where(den > 0, den, 1.0), np.nan)


def _cell_args(v, phi0, lam, alpha, mu, interaction):
    """Checked (flat speeds, phi0, lam, interaction, alpha, mu) of a cell's functions."""
    phi0, lam, inter = resolve(phi0, lam, interaction)
    require_positive("v", v)
    if inter is None:
        phi0 = scalar("phi0", phi0, require_finite)
        lam = scalar("lam", lam, require_positive)
    alpha = scalar("alpha", alpha, require_positive)
    mu = scalar("mu", mu, require_positive)
    return np.atleast_1d(np.asarray(v, dtype=float)).ravel(), phi0, lam, inter, alpha, mu


def _cell_function(phi0, lam, inter, alpha: float) -> Callable:
    """The cell potential x -> Phi_cell(x) of the Gaussian or any potential, x in the cell."""
    if inter is None:
        return partial(_cell_potential, phi0=phi0, lam=lam, alpha=alpha,
                       images=_gaussian_images(lam, alpha))
    return partial(_cell_potential_any, inter=inter, alpha=alpha, images=_images(inter, alpha))


def cell_potential(x, phi0: float | None = None, lam: float | None = None,
                   alpha: float | None = None, *, interaction: Interaction | None = None):
    """The chain at rest's potential along the particle's path: sum_n Phi(x - n alpha).

    The particle's interaction energy at x with every chain mass at its rest site n alpha.
    Between two midpoints its speed follows from it by energy conservation (Sec. VI, the
    broadening of Fig. 9); its minimum is where a particle rests. Periodic (period alpha)
    and even in x.

    Parameters
    ----------
    x : array_like
        Positions along the chain, measured from a mass (any real values).
    phi0, lam : float
        The Gaussian's amplitude and width (Eq. 4); or ``interaction``.
    alpha : float
        Chain spacing, > 0.
    interaction : Interaction, optional
        Any pair potential of :mod:`chaindrag.interactions` instead of ``phi0, lam``
        (keyword only).

    Returns
    -------
    float or numpy.ndarray
        Phi_cell(x), shaped like ``x``. The masses summed are those within the potential's
        reach (a Gaussian's: down to 1e-17 phi0; at least two on either side, at most 256).
    """
    phi0, lam, inter = resolve(phi0, lam, interaction)
    if inter is None:
        phi0 = scalar("phi0", phi0, require_finite)
        lam = scalar("lam", lam, require_positive)
    alpha = scalar("alpha", alpha, require_positive)
    require_finite("x", x)
    x = np.asarray(x, dtype=float)
    cell = _cell_function(phi0, lam, inter, alpha)
    return out(cell(np.ravel(x - alpha * np.round(x / alpha))).reshape(x.shape))


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
                                interaction: Interaction | None = None):
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
    until the result changes by < 1e-7 relative), which handles algebraic end-point
    singularities; nodes within 1e-13 alpha of a
    crossing (where v(x) rounds to the tangency speed) are dropped, a relative error of
    order 1e-6.
    """
    v_arr, phi0, lam, inter, alpha, mu = _cell_args(v, phi0, lam, alpha, mu, interaction)
    wf = require_omega_fast(omega_fast)
    n_points = require_int_range("n_points", n_points, 8, MAX_POINTS)

    cell, log_weight, loss = _pair_functions(phi0, lam, inter, alpha, wf)
    kin = EIGHT_PI_SQ / mu
    phi_mid = cell(np.array([0.5 * alpha]))[0]
    speed2 = partial(_speed2, cell=cell, kin=kin, phi_mid=phi_mid)
    xs = np.linspace(0.0, 0.5 * alpha, 4001)
    dphi = cell(xs) - phi_mid
    w2_grid = v_arr[:, None] ** 2 - kin * dphi[None, :]
    passable = np.all(w2_grid > 0.0, axis=1)
    w_grid = np.sqrt(np.abs(w2_grid))
    if np.any(passable):
        tang, _, omega_t = _all_tangencies(alpha, wf, float(np.min(w_grid[passable])),
                                           float(np.max(w_grid[passable])))
    else:
        tang = omega_t = np.empty(0)
    cuts = {i: _half_cell_cuts(v_arr[i], w_grid[i], xs, tang, omega_t, speed2, log_weight,
                               alpha) for i in np.nonzero(passable)[0]}
    res = (_time_average(v_arr, passable, cuts, speed2, alpha, n_points, loss)
           if np.any(passable) else np.full(v_arr.size, np.nan))
    return out(res.reshape(np.shape(v)))


def cell_speeds(v, phi0: float | None = None, lam: float | None = None,
                alpha: float | None = None, mu: float = 1.0, *,
                interaction: Interaction | None = None) -> tuple:
    """Cell-mean, lowest and highest speed of a particle with midpoint speed v (Sec. VI).

    Over fixed chain masses the speed follows energy conservation,
    ``v(x)^2 = v^2 - (8 pi^2/mu) [Phi_cell(x) - Phi_cell(alpha/2)]`` (the cell potential of
    :func:`broadened_steady_state_loss`); the cell-mean speed is the cell length over the
    crossing time, ``(alpha/2) / int_0^{alpha/2} dx / v(x)``. Eq. (33) assumes a constant
    speed: a particle whose speed swings through a cell is to be compared with it at this
    mean (Fig. 8's measured speeds are the midpoint ones, above it for Phi0 > 0, below it
    for Phi0 < 0).

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
    interaction : Interaction, optional
        Any pair potential instead of ``phi0, lam`` (keyword only).

    Returns
    -------
    tuple of (float or ndarray)
        (mean, lowest, highest) speed over the cell; NaN where the particle cannot cross
        it. The integrand is smooth and periodic in x, so the trapezoid rule on 2 048
        intervals of the half cell converges spectrally; the extremes are the grid's.
    """
    v_arr, phi0, lam, inter, alpha, mu = _cell_args(v, phi0, lam, alpha, mu, interaction)
    cell = _cell_function(phi0, lam, inter, alpha)
    xs = np.linspace(0.0, 0.5 * alpha, _CELL_NODES + 1)
    dphi = cell(xs) - cell(np.array([0.5 * alpha]))[0]
    w2 = v_arr[:, None] ** 2 - (EIGHT_PI_SQ / mu) * dphi[None, :]
    passable = np.all(w2 > 0.0, axis=1)
    w = np.sqrt(np.where(passable[:, None], w2, 1.0))
    inv = 1.0 / w
    crossing = inv[:, 1:-1].sum(axis=1) + 0.5 * (inv[:, 0] + inv[:, -1])
    mean = np.where(passable, _CELL_NODES / crossing, np.nan)
    lowest = np.where(passable, w.min(axis=1), np.nan)
    highest = np.where(passable, w.max(axis=1), np.nan)
    shape = np.shape(v)
    return tuple(out(a.reshape(shape)) for a in (mean, lowest, highest))
