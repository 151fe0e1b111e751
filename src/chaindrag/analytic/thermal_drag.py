"""Eq. (33) on a thermal chain: the Debye-Waller factor and multi-phonon absorption.

A particle dragged at constant speed v through a chain in free thermal motion rho^H feels
the masses where they are, sigma - alpha n - rho_n. To second order in the interaction
(Eq. 33's order) and to every order in rho^H, with rho^H Gaussian, the energy it gives the
chain per mass passed is::

    Delta_bar(v, T) = (1/2 pi) sum_j int_0^inf dt G_j(t) int dk k^3 |Phi_k|^2
                      exp(-k^2 D_j(t)) sin(k (v t - alpha j)),

with G_j(t) = 2 pi <e^{i q j} sin(2 pi omega_q t) / omega_q>_BZ the chain's response to a
force (Eq. 15 without the mass), and D_j(t) = s^2 - C_j(t) half the mean-square relative
displacement of two masses j apart and t apart: s^2 = <rho^2> and C_j(t) =
<cos(q j) cos(2 pi omega_q t) epsilon_q / omega_q^2>_BZ (``../shared/thermal.md``). At
rest (D = 0) it is Eq. (33). Writing exp(-k^2 D) = exp(-k^2 s^2) (1 + k^2 C + ...):

- exp(-k^2 s^2) is the Debye-Waller factor: Eq. (33) for the potential averaged over the
  displacement, Phi smeared by a Gaussian of variance s^2. For the Gaussian, phi0 lam /
  lam_T and lam_T = sqrt(lam^2 + s^2): the resonances stay where they are and lose weight.
- k^2 C is two-phonon absorption: the force on a mass, modulated by its thermal motion,
  puts energy into a mode q while a thermal mode p = k alpha - q is absorbed (omega_q -
  omega_p) or emitted (omega_q + omega_p), wherever k v = 2 pi (omega_q +- omega_p). The
  sum over both branches is a continuum that fills in between Eq. (33)'s spikes::

      Delta_2ph = (pi/2) int dk k^5 |Phi_k|^2 exp(-k^2 s^2) <sum_+- delta(2 pi (omega_q +-
                  omega_p) - k v) epsilon_p / (omega_q omega_p^2)>_q.

- (k^2 C)^2 / 2 is three-phonon absorption, kv = 2 pi (omega_q +- omega_p1 +- omega_p2)
  (:func:`three_phonon_loss`), of order T^2: it is what brings the theory onto the drive
  runs at Omega_T = 5 (a ~0.1 % residual without it).
- (k^2 C)^m / m!, m >= 3, the (m+1)-phonon terms, are of order T^m:
  :func:`~chaindrag.analytic.higher_phonon_loss` sums them by convolution
  (:mod:`chaindrag.analytic.phonon_series`); they matter for a sharp core at high T.

The delta functions are integrated over the torus of the phonon momenta (the last one
fixed by the total k alpha modulo 2 pi, one k per Brillouin zone) by the linear tetrahedron
method of densities of states: triangles for two phonons (2048^2 cells: 2e-4), tetrahedra
for three (64^3 cubes); :mod:`chaindrag.analytic._multiphonon` holds the kernels.

``epsilon`` is the mean mode energy of the statistics, as in the solvers' realizations
(:func:`chaindrag.thermal.mode_energy`): the particle is classical and rho^H a Gaussian
field with the quantum or classical spectrum. The drive-mode check is
``drive(..., omega_T=...)``: tests and ``validation_thermal.csv`` compare them.

Nothing above uses the Gaussian's shape: every function takes any pair potential as
``interaction=`` (as :func:`~chaindrag.analytic.steady_state_loss` does), its |Phi_k|^2
tabulated on the lattice of momenta the grids meet (closed forms where the interaction has
them, else a cubic spline through its quadrature, 128 points per inverse core extent).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from chaindrag.interactions import Interaction
from chaindrag.params import SeriesTruncationWarning, require_omega_fast, require_positive
from chaindrag.thermal import displacement_variance
from chaindrag.thermal.modes import check_statistics

from ._common import TWO_PI, out
from ._multiphonon import table_index_step, three_phonon, two_phonon
from ._thermal_common import MAX_PHONONS, grid_size, inputs, weight_table
from .phonon_series import higher_phonon_loss, refuse_hot
from .steady_state import _steady_any, steady_state_loss

__all__ = ["thermal_steady_state_loss", "debye_waller_loss", "two_phonon_loss",
           "three_phonon_loss", "thermal_width"]

#: With max_phonons = 3, warn when the estimated terms left out exceed this fraction of the loss.
TRUNCATION_RTOL = 1e-2
_SERIES_CAP = 64  # the highest order of max_phonons=None


def _phonon_sum(kernel, phonons: int, v: np.ndarray, inter: Interaction, alpha: float,
                temp: float, statistics: str, wf: float, s2: float, n: int):
    """``kernel`` (an m-phonon sum of :mod:`._multiphonon`) at every speed of ``v``.

    The table reaches the largest k that the kinematics allows, k v = 2 pi m omega_fast at
    the slowest speed, plus the cells' corners (m h / alpha).
    """
    if v.size == 0:
        return out(np.empty(v.shape))
    step = table_index_step(n, phonons, alpha)
    k_top = TWO_PI * phonons * wf / float(np.min(v)) + 2.0 * phonons * TWO_PI / (n * alpha)
    table = weight_table(inter, s2, 2 * phonons + 1, step, k_top)
    res = np.array([kernel(float(x), table, alpha, wf, temp, statistics == "quantum", int(n))
                    for x in v.ravel()])
    return out(res.reshape(v.shape))


def thermal_width(lam, omega_T, statistics: str = "quantum", omega_fast: float = 10.0):
    """The Gaussian seen through the thermal displacement: (amplitude factor, width lam_T).

    Phi averaged over rho^H (Gaussian, variance s^2 = <rho^2>) is the Gaussian of width
    ``lam_T = sqrt(lam^2 + s^2)`` and amplitude ``phi0 lam / lam_T``: the Debye-Waller factor
    exp(-k^2 s^2 / 2) on Phi_k. Returns ``(lam / lam_T, lam_T)``.
    """
    require_positive("lam", lam)
    s2 = float(displacement_variance(omega_T, check_statistics(statistics),
                                     require_omega_fast(omega_fast)))
    lam_t = math.sqrt(float(lam) ** 2 + s2)
    return float(lam) / lam_t, lam_t


def two_phonon_loss(v, phi0=None, lam=None, alpha=None, omega_T=None,
                    statistics: str = "quantum", omega_fast: float = 10.0, *,
                    interaction: Interaction | None = None, grid: int = 2048):
    """Two-phonon part of the loss per mass at constant speed on a thermal chain.

    Parameters
    ----------
    v : array_like
        Speed, > 0.
    phi0, lam : float
        Gaussian amplitude (either sign: the loss is even in phi0) and width, > 0.
    alpha : float
        Chain spacing, > 0 (required).
    omega_T : float
        Temperature k_B T / (hbar Omega_slow), >= 0 (required).
    statistics : {"quantum", "classical"}
        The mode energies epsilon of rho^H (quantum: with zero point, present at T = 0).
    omega_fast : float
        Band top, > 1.
    interaction : Interaction, optional
        Any pair potential of :mod:`chaindrag.interactions` instead of ``phi0, lam``
        (keyword only).
    grid : int
        Cells per side of the (q, p) grid, in [64, 16384]. At Fig. 8's parameters (v =
        15-50) 2048 cells give the value of 8192 to 2e-4 of itself, 512 to 2e-3 (~0.1 s
        and 1.5 s per speed): close to second order, irregular at the van Hove points.

    Returns
    -------
    float or numpy.ndarray
        Delta_2ph(v) in hbar Omega_slow, with the Debye-Waller factor of both forces
        included; first order in the thermal correlation C (the module docstring has the
        formula).

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges above, naming it.
    """
    v, inter, _, alpha, temp, statistics, wf, s2 = inputs(
        v, phi0, lam, alpha, omega_T, statistics, omega_fast, interaction, grid=grid)
    return _phonon_sum(two_phonon, 2, v, inter, alpha, temp, statistics, wf, s2, grid)


def three_phonon_loss(v, phi0=None, lam=None, alpha=None, omega_T=None,
                      statistics: str = "quantum", omega_fast: float = 10.0, *,
                      interaction: Interaction | None = None, grid_3: int = 64):
    """Three-phonon part of the loss per mass at constant speed on a thermal chain.

    Parameters are those of :func:`two_phonon_loss`, with ``grid_3`` cells per side of the
    (q, p1, p2) grid, in [8, 512]: the term is smooth, 48, 64 and 96 agree to 0.7 % of it
    at Fig. 8's parameters (~0.15 s a speed at 64).

    Returns
    -------
    float or numpy.ndarray
        The second order in the thermal correlation C, (k^2 C)^2 / 2: a mode excited while
        two thermal modes are absorbed or emitted, k v = 2 pi (omega_q +- omega_p1 +-
        omega_p2), q + p1 + p2 = k alpha. Of order T^2; with the Debye-Waller factor.

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges above, naming it.
    """
    v, inter, _, alpha, temp, statistics, wf, s2 = inputs(
        v, phi0, lam, alpha, omega_T, statistics, omega_fast, interaction, grid_3=grid_3)
    return _phonon_sum(three_phonon, 3, v, inter, alpha, temp, statistics, wf, s2, grid_3)


def debye_waller_loss(v, phi0=None, lam=None, alpha=None, omega_T=None,
                      statistics: str = "quantum", omega_fast: float = 10.0, *,
                      interaction: Interaction | None = None):
    """Eq. (33) for the potential averaged over the thermal displacement (the Debye-Waller part).

    Parameters are those of :func:`two_phonon_loss` (without ``grid``).

    Returns
    -------
    float or numpy.ndarray
        Eq. (33) with each resonant mode weighted by exp(-k_j^2 <rho^2>): the resonances
        where they are at rest, weakened. For the Gaussian this is
        :func:`~chaindrag.analytic.steady_state_loss` for amplitude ``phi0 lam / lam_T`` and
        width ``lam_T`` (:func:`thermal_width`).

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges of :func:`two_phonon_loss`, naming it.
    """
    v, inter, gauss, alpha, temp, statistics, wf, s2 = inputs(
        v, phi0, lam, alpha, omega_T, statistics, omega_fast, interaction)
    if gauss is not None:
        factor, lam_t = thermal_width(gauss[1], temp, statistics, wf)
        return steady_state_loss(v, gauss[0] * factor, lam_t, alpha, wf)
    flat = np.ascontiguousarray(v.ravel())
    return out(_steady_any(flat, np.full(flat.size, alpha), wf, inter, s2).reshape(v.shape))


def thermal_steady_state_loss(v, phi0=None, lam=None, alpha=None, omega_T=None,
                              statistics: str = "quantum", omega_fast: float = 10.0, *,
                              interaction: Interaction | None = None,
                              max_phonons: int | None = None, rtol: float = 1e-6,
                              grid: int = 2048, grid_3: int = 64, grid_k: int = 512,
                              d_omega: float = 0.08):
    """Eq. (33) on a thermal chain: Debye-Waller-weighted spikes plus multi-phonon absorption.

    Parameters
    ----------
    v, phi0, lam, alpha, omega_T, statistics, omega_fast, interaction, grid, grid_3
        As in :func:`two_phonon_loss` and :func:`three_phonon_loss`.
    grid_k, d_omega
        The series beyond three phonons' grid, as in
        :func:`~chaindrag.analytic.higher_phonon_loss`.
    max_phonons : int or None
        The highest number of phonons, in [1, 256]; None (the default): every order, until
        a term falls below ``rtol`` of the loss (at most 64). 1 is the Debye-Waller part
        alone, 3 the triangle and tetrahedron sums without the series beyond them.
    rtol : float
        Convergence of the series beyond three phonons, in (0, 1).

    Returns
    -------
    float or numpy.ndarray
        Delta_bar(v, T) = :func:`debye_waller_loss` + :func:`two_phonon_loss` +
        :func:`three_phonon_loss` + :func:`~chaindrag.analytic.higher_phonon_loss`. Second
        order in phi0 (as Eq. 33), every order in the thermal displacement (with
        ``max_phonons=None``); T = 0 classical is Eq. (33) itself.

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges above, naming it; with ``max_phonons`` >= 4 (or
        None), an ``omega_T`` the series cannot reach (as
        :func:`~chaindrag.analytic.higher_phonon_loss`).

    Warns
    -----
    chaindrag.params.SeriesTruncationWarning
        With ``max_phonons=3``, where the terms left out, estimated as three^2 / two (the
        series in k^2 C taken as geometric), exceed 1 % of the loss; otherwise where the
        series has not converged to ``rtol`` by ``max_phonons`` (64 when None).

    Notes
    -----
    The series is one in k^2 C: it converges fast while k^2 C is small over the k that the
    potential weights, slowly for a sharp core at high T. Terms beyond three phonons, in %
    of the loss at v = 30, alpha = 40, classical, Omega_T = 5: the Gaussian (lam = 4)
    0.003; the Morse channel 0.08; the Lennard-Jones channel (weight up to k ~ 3) 7.9 (16
    orders to 1e-6), where drive mode agrees with every order (-3.18 +- 0.62 % against
    -3.27 %) and misses three phonons by 12 standard errors (``docs/finite-temperature.md``).

    Measured against ``drive(..., omega_T=...)`` (Phi0 = +-2, lam = 4, alpha = 40, classical,
    each realization with its mirror image and both signs of phi0, so that the terms odd
    in rho^H or phi0 cancel): at Omega_T = 5 the loss falls by 10 % at v = 15 and 3.5 % at
    v = 30, the Debye-Waller factor alone would give 11 % and 6.3 %; the tests check the
    agreement within the runs' standard errors, for the Gaussian and the Lennard-Jones
    channel.

    Examples
    --------
    >>> rest = steady_state_loss(30.0, 2.0, 4.0, 40.0)
    >>> hot = thermal_steady_state_loss(30.0, 2.0, 4.0, 40.0, 5.0, "classical")
    >>> bool(0.95 < hot / rest < 0.98)
    True
    """
    if max_phonons is not None:
        grid_size("max_phonons", max_phonons, (1, MAX_PHONONS))
    top = _SERIES_CAP if max_phonons is None else max_phonons
    args = (v, phi0, lam, alpha, omega_T, statistics, omega_fast)
    kw = dict(interaction=interaction)
    if top >= 4:  # refuse a temperature the series cannot reach before the costly terms
        _, inter, _, _, temp, stats, wf, s2 = inputs(*args, interaction)
        refuse_hot(inter, temp, stats, wf, s2, rtol, 4)
    total = np.asarray(debye_waller_loss(*args, **kw))
    if top >= 2:
        two = np.asarray(two_phonon_loss(*args, **kw, grid=grid))
        total = total + two
    if top >= 3:
        three = np.asarray(three_phonon_loss(*args, **kw, grid_3=grid_3))
        total = total + three
    if top == 3:
        _warn_if_truncated(np.asarray(v, dtype=float), two, three, total)
    elif top >= 4:
        total = total + np.asarray(higher_phonon_loss(
            *args, **kw, first=4, max_phonons=top, rtol=rtol, scale=total, grid_k=grid_k,
            d_omega=d_omega))
    return out(total)


def _warn_if_truncated(v: np.ndarray, two: np.ndarray, three: np.ndarray,
                       total: np.ndarray) -> None:
    """Warn where the terms left out, estimated as three^2 / two (the series in k^2 C taken as
    geometric from its last two terms), exceed TRUNCATION_RTOL of the loss."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = np.where(two != 0.0, three * three / np.abs(two), 0.0)
        rel = np.broadcast_to(np.where(total != 0.0, np.abs(rest / total), 0.0), v.shape)
    if rel.size and np.nanmax(rel) > TRUNCATION_RTOL:
        worst = int(np.nanargmax(rel))
        warnings.warn(
            f"the multi-phonon series converges slowly: at v = {v.flat[worst]:.6g} the "
            f"three-phonon term is {abs(three.flat[worst] / two.flat[worst]):.2g} of the "
            f"two-phonon term, and the four-phonon and higher terms left out are estimated at "
            f"{rel.flat[worst]:.2g} of the loss (k^2 C is not small: max_phonons=None sums every "
            f"order)",
            SeriesTruncationWarning, stacklevel=2)
