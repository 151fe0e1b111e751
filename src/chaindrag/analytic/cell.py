"""The chain at rest's potential along the particle's path, and the speeds over a cell (Sec. VI).

Between midpoints the particle's speed follows energy conservation over the fixed chain
masses (:func:`cell_potential`, :func:`cell_speeds`). The cell potential sums the masses
within the potential's reach: for the paper's Gaussian (``phi0, lam``) down to 1e-17 phi0
(the five nearest at lam <= 0.28 alpha, as for Fig. 9's lam = 4, alpha = 40), for any
other potential (``interaction=``) its ``reach()`` (at most 256 masses on either side).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np

from chaindrag.interactions import Interaction
from chaindrag.params import require_finite, require_int_range, require_positive

from ._common import EIGHT_PI_SQ, out, scalar
from ._pair import resolve

__all__ = ["cell_potential", "cell_speeds"]

_MAX_IMAGES = 256  # chain masses on either side summed in a general potential's cell
_GAUSSIAN_SIGMAS = math.sqrt(2.0 * math.log(1e17))  # exp(-s^2/2) = 1e-17
_CELL_NODES = 2048  # trapezoid intervals on the half cell: spectral for a smooth periodic v(x)
_COLUMNS = 256  # points per block of a cell potential's image sum (see _image_sum)


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
    """The same for any potential: masses at k alpha, |k| <= images (its unchecked Phi: the
    public one checks every block for finiteness, 15-30 % of the sum's time)."""
    return _image_sum(np.asarray(x, dtype=float), inter._phi, alpha, images)


def _images(inter: Interaction, alpha: float) -> int:
    """Masses on either side within the reach (>= 2, <= _MAX_IMAGES)."""
    return int(min(max(math.ceil(inter.reach() / alpha) + 1, 2), _MAX_IMAGES))


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


def cell_speeds(v, phi0: float | None = None, lam: float | None = None,
                alpha: float | None = None, mu: float = 1.0, *,
                interaction: Interaction | None = None, n_nodes: int = _CELL_NODES) -> tuple:
    """Cell-mean, lowest and highest speed of a particle with midpoint speed v (Sec. VI).

    Over fixed chain masses the speed follows energy conservation,
    ``v(x)^2 = v^2 - (8 pi^2/mu) [Phi_cell(x) - Phi_cell(alpha/2)]`` (:func:`cell_potential`,
    as in :func:`~chaindrag.analytic.broadened_steady_state_loss`); the cell-mean speed is
    the cell length over the crossing time, ``(alpha/2) / int_0^{alpha/2} dx / v(x)``.
    Eq. (33) assumes a constant speed: a particle whose speed swings through a cell is to
    be compared with it at this mean (Fig. 8's measured speeds are the midpoint ones, above
    it for Phi0 > 0, below it for Phi0 < 0).

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
    n_nodes : int
        Trapezoid intervals on the half cell, in [16, 2^20] (keyword only).

    Returns
    -------
    tuple of (float or ndarray)
        (mean, lowest, highest) speed over the cell; NaN where the particle cannot cross
        it. The integrand is smooth and periodic in x, so the trapezoid rule on ``n_nodes``
        (2 048) intervals of the half cell converges spectrally; the extremes are the grid's.
    """
    v_arr, phi0, lam, inter, alpha, mu = _cell_args(v, phi0, lam, alpha, mu, interaction)
    n_nodes = require_int_range("n_nodes", n_nodes, 16, 1 << 20)
    cell = _cell_function(phi0, lam, inter, alpha)
    xs = np.linspace(0.0, 0.5 * alpha, n_nodes + 1)
    dphi = cell(xs) - cell(np.array([0.5 * alpha]))[0]
    w2 = v_arr[:, None] ** 2 - (EIGHT_PI_SQ / mu) * dphi[None, :]
    passable = np.all(w2 > 0.0, axis=1)
    w = np.sqrt(np.where(passable[:, None], w2, 1.0))
    inv = 1.0 / w
    crossing = inv[:, 1:-1].sum(axis=1) + 0.5 * (inv[:, 0] + inv[:, -1])
    mean = np.where(passable, n_nodes / crossing, np.nan)
    lowest = np.where(passable, w.min(axis=1), np.nan)
    highest = np.where(passable, w.max(axis=1), np.nan)
    shape = np.shape(v)
    return tuple(out(a.reshape(shape)) for a in (mean, lowest, highest))
