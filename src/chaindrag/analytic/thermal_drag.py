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
- (k^2 C)^m / m!, m >= 3, the (m+1)-phonon terms, are of order T^m: left out.

The delta functions are integrated over the torus of the phonon momenta (the last one
fixed by the total k alpha modulo 2 pi, one k per Brillouin zone) by the linear tetrahedron
method of densities of states: triangles for two phonons (2048^2 cells: 2e-4), tetrahedra
for three (64^3 cubes); :mod:`chaindrag.analytic._multiphonon` holds the kernels.

``epsilon`` is the mean mode energy of the statistics, as in the solvers' realizations
(:func:`chaindrag.thermal.mode_energy`): the particle is classical and rho^H a Gaussian
field with the quantum or classical spectrum. The drive-mode check is
``drive(..., omega_T=...)``: tests and ``validation_thermal.csv`` compare them.
"""

from __future__ import annotations

import math

import numpy as np

from chaindrag.params import ParameterError, require_finite, require_omega_fast, require_positive
from chaindrag.thermal import displacement_variance
from chaindrag.thermal.modes import check_statistics, check_temperature

from ._common import out
from ._multiphonon import three_phonon, two_phonon
from .steady_state import steady_state_loss

__all__ = ["thermal_steady_state_loss", "debye_waller_loss", "two_phonon_loss",
           "three_phonon_loss", "thermal_width"]

_GRID_RANGE = (64, 16384)
_GRID_3_RANGE = (8, 512)


def _inputs(v, phi0, lam, alpha, omega_T, statistics, omega_fast, grid=None, grid_3=None):
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    require_positive("alpha", alpha)
    statistics = check_statistics(statistics)
    temp = check_temperature(omega_T)
    if any(np.ndim(x) != 0 for x in (phi0, lam, alpha, temp)):
        raise ParameterError("phi0, lam, alpha and omega_T must be scalars (v may be an array)")
    if grid is not None and not (isinstance(grid, (int, np.integer))
                                 and _GRID_RANGE[0] <= grid <= _GRID_RANGE[1]):
        raise ParameterError(f"grid must be an integer in [{_GRID_RANGE[0]}, {_GRID_RANGE[1]}], "
                             f"got {grid!r}")
    if grid_3 is not None and not (isinstance(grid_3, (int, np.integer))
                                   and _GRID_3_RANGE[0] <= grid_3 <= _GRID_3_RANGE[1]):
        raise ParameterError(f"grid_3 must be an integer in [{_GRID_3_RANGE[0]}, "
                             f"{_GRID_3_RANGE[1]}], got {grid_3!r}")
    return wf, statistics, float(temp)


def _phonon_sum(kernel, v, phi0, lam, alpha, temp: float, statistics: str, wf: float,
                n: int):
    """``kernel`` (a multi-phonon sum of :mod:`._multiphonon`) at every speed of ``v``.

    The kernels take |Phi_k|^2 = e^{-k^2 lam_T^2}; the Gaussian's is 2 pi (phi0 lam)^2 times
    that, the Debye-Waller factor of :func:`thermal_width` included.
    """
    lam_t = thermal_width(lam, temp, statistics, wf)[1]
    amp2 = 2.0 * math.pi * (float(phi0) * float(lam)) ** 2
    v_arr = np.atleast_1d(np.asarray(v, dtype=float))
    res = np.array([amp2 * kernel(float(x), lam_t, float(alpha), wf, temp,
                                  statistics == "quantum", int(n)) for x in v_arr.ravel()])
    return out(res.reshape(np.shape(v)))


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


def two_phonon_loss(v, phi0, lam, alpha, omega_T, statistics: str = "quantum",
                    omega_fast: float = 10.0, *, grid: int = 2048):
    """Two-phonon part of the loss per mass at constant speed on a thermal chain.

    Parameters
    ----------
    v : array_like
        Speed, > 0.
    phi0, lam : float
        Gaussian amplitude (either sign: the loss is even in phi0) and width, > 0.
    alpha : float
        Chain spacing, > 0.
    omega_T : float
        Temperature k_B T / (hbar Omega_slow), >= 0.
    statistics : {"quantum", "classical"}
        The mode energies epsilon of rho^H (quantum: with zero point, present at T = 0).
    omega_fast : float
        Band top, > 1.
    grid : int
        Cells per side of the (q, p) grid, in [64, 16384]. At Fig. 8's parameters (v =
        15-50) 2048 cells give the value of 8192 to 2e-4 of itself, 512 to 2e-3 (~0.1 s
        and 1.5 s per speed): close to second order, irregular at the van Hove points.

    Returns
    -------
    float or numpy.ndarray
        Delta_2ph(v) in hbar Omega_slow, with the Debye-Waller factor of both forces
        included (the Gaussian of :func:`thermal_width`); first order in the thermal
        correlation C (the module docstring has the formula).

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges above, naming it.
    """
    wf, statistics, temp = _inputs(v, phi0, lam, alpha, omega_T, statistics, omega_fast, grid)
    return _phonon_sum(two_phonon, v, phi0, lam, alpha, temp, statistics, wf, grid)


def three_phonon_loss(v, phi0, lam, alpha, omega_T, statistics: str = "quantum",
                      omega_fast: float = 10.0, *, grid_3: int = 64):
    """Three-phonon part of the loss per mass at constant speed on a thermal chain.

    Parameters are those of :func:`two_phonon_loss`, with ``grid_3`` cells per side of the
    (q, p1, p2) grid, in [8, 512]: the term is smooth, 48, 64 and 96 agree to 0.7 % of it
    at Fig. 8's parameters (~1.5 s a speed at 64).

    Returns
    -------
    float or numpy.ndarray
        The second order in the thermal correlation C, (k^2 C)^2 / 2: a mode excited while
        two thermal modes are absorbed or emitted, k v = 2 pi (omega_q +- omega_p1 +-
        omega_p2), q + p1 + p2 = k alpha. Of order T^2; with the Debye-Waller factor of
        :func:`thermal_width`.

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges above, naming it.
    """
    wf, statistics, temp = _inputs(v, phi0, lam, alpha, omega_T, statistics, omega_fast,
                                   grid_3=grid_3)
    return _phonon_sum(three_phonon, v, phi0, lam, alpha, temp, statistics, wf, grid_3)


def debye_waller_loss(v, phi0, lam, alpha, omega_T, statistics: str = "quantum",
                      omega_fast: float = 10.0):
    """Eq. (33) for the Gaussian averaged over the thermal displacement (the Debye-Waller part).

    Parameters are those of :func:`two_phonon_loss` (without ``grid``).

    Returns
    -------
    float or numpy.ndarray
        :func:`~chaindrag.analytic.steady_state_loss` for amplitude ``phi0 lam / lam_T`` and
        width ``lam_T`` (:func:`thermal_width`): the resonances of Eq. (33) where they are at
        rest, each weighted by exp(-k_j^2 <rho^2>).

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges of :func:`two_phonon_loss`, naming it.
    """
    wf, statistics, temp = _inputs(v, phi0, lam, alpha, omega_T, statistics, omega_fast)
    factor, lam_t = thermal_width(lam, temp, statistics, wf)
    return steady_state_loss(v, float(phi0) * factor, lam_t, float(alpha), wf)


def thermal_steady_state_loss(v, phi0, lam, alpha, omega_T, statistics: str = "quantum",
                              omega_fast: float = 10.0, *, grid: int = 2048, grid_3: int = 64):
    """Eq. (33) on a thermal chain: Debye-Waller-weighted spikes plus multi-phonon absorption.

    Parameters are those of :func:`two_phonon_loss` and :func:`three_phonon_loss`.

    Returns
    -------
    float or numpy.ndarray
        Delta_bar(v, T) = :func:`debye_waller_loss` + :func:`two_phonon_loss` +
        :func:`three_phonon_loss`. Second order in phi0 (as Eq. 33), exact in the thermal
        displacement's variance, second order in its correlation (four-phonon terms, of
        order T^3, left out); T = 0 classical is Eq. (33) itself.

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges of :func:`two_phonon_loss`, naming it.

    Notes
    -----
    Measured against ``drive(..., omega_T=...)`` (Phi0 = +-2, lam = 4, alpha = 40, classical,
    each realization with its mirror image and both signs of phi0, so that the terms odd
    in rho^H or phi0 cancel): at Omega_T = 5 the loss falls by 10 % at v = 15 and 3.5 % at
    v = 30, the Debye-Waller factor alone would give 11 % and 6.3 %; the tests check the
    agreement within the runs' standard errors.

    Examples
    --------
    >>> rest = steady_state_loss(30.0, 2.0, 4.0, 40.0)
    >>> hot = thermal_steady_state_loss(30.0, 2.0, 4.0, 40.0, 5.0, "classical")
    >>> bool(0.95 < hot / rest < 0.98)
    True
    """
    parts = (debye_waller_loss(v, phi0, lam, alpha, omega_T, statistics, omega_fast),
             two_phonon_loss(v, phi0, lam, alpha, omega_T, statistics, omega_fast, grid=grid),
             three_phonon_loss(v, phi0, lam, alpha, omega_T, statistics, omega_fast,
                               grid_3=grid_3))
    return out(sum(np.asarray(p) for p in parts))
