"""Eq. (33) on a thermal chain: the Debye-Waller factor and two-phonon absorption.

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

- (k^2 C)^m / m!, m >= 2, the (m+1)-phonon terms, are of order T^m: left out.

The delta function is integrated over the torus (q, p) with p = k alpha - q modulo 2 pi
(one k per Brillouin zone of q + p): linear on each triangle of a uniform grid, the
two-dimensional tetrahedron method of densities of states (second order in the grid
spacing away from the van Hove points, which are integrable; the smooth factor is
interpolated linearly on each triangle).

``epsilon`` is the mean mode energy of the statistics, as in the solvers' realizations
(:func:`chaindrag.thermal.mode_energy`): the particle is classical and rho^H a Gaussian
field with the quantum or classical spectrum. The drive-mode check is
``drive(..., omega_T=...)``: tests and ``validation_thermal.csv`` compare them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from chaindrag.params import ParameterError, require_finite, require_omega_fast, require_positive
from chaindrag.thermal import displacement_variance
from chaindrag.thermal.modes import check_statistics, check_temperature

from ._common import out
from .steady_state import steady_state_loss

__all__ = ["thermal_steady_state_loss", "debye_waller_loss", "two_phonon_loss",
           "thermal_width"]

_GRID_RANGE = (64, 16384)
#: Gaussian weights exp(-k^2 lam^2) below e^{-_CUT} of the largest are skipped.
_CUT = 80.0


@njit(cache=True)
def _delta_on_triangle(g1, f1, g2, f2, g3, f3, area):
    """Integral of f delta(g) over a triangle on which g and f are linear (vertex values).

    The zero line of g crosses two edges; the integral is the length over |grad g| (the
    density-of-states formula) times f at the segment's midpoint, exact for linear f.
    """
    if g1 > g2:
        g1, g2, f1, f2 = g2, g1, f2, f1
    if g2 > g3:
        g2, g3, f2, f3 = g3, g2, f3, f2
    if g1 > g2:
        g1, g2, f1, f2 = g2, g1, f2, f1
    if g1 >= 0.0 or g3 <= 0.0:
        return 0.0
    t13 = -g1 / (g3 - g1)
    if g2 > 0.0:  # the segment joins edges 1-2 and 1-3
        t12 = -g1 / (g2 - g1)
        f_mid = f1 + 0.5 * (t12 * (f2 - f1) + t13 * (f3 - f1))
        return 2.0 * area * (-g1) / ((g2 - g1) * (g3 - g1)) * f_mid
    t23 = -g2 / (g3 - g2)  # edges 1-3 and 2-3
    f_mid = 0.5 * (f1 + t13 * (f3 - f1) + f2 + t23 * (f3 - f2))
    return 2.0 * area * g3 / ((g3 - g1) * (g3 - g2)) * f_mid


@njit(cache=True)
def _mode_energy(omega, temp, quantum):
    if not quantum:
        return temp
    if temp == 0.0:
        return 0.5 * omega
    return 0.5 * omega / math.tanh(0.5 * omega / temp)


@njit(cache=True, inline="always")
def _smooth(k, lam, omega_q, e_p):
    """The integrand's smooth factor k^5 e^{-k^2 lam^2} epsilon_p / (omega_q omega_p^2)."""
    return k**5 * math.exp(-k * k * lam * lam) * e_p / omega_q


@njit(cache=True)
def _two_phonon(v, lam, alpha, omega_fast, temp, quantum, n):
    """(pi/2) int dk k^5 |Phi_k|^2 <...>_q for phi0 lam = 1/sqrt(2 pi) (|Phi_k|^2 = e^{-k^2 lam^2}).

    Sum over the two branches, the cells of an n x n grid of (q, p) in [-pi, pi)^2 (two
    triangles each) and every Brillouin zone G of k = (q + p + 2 pi G) / alpha whose root
    set g_G = 2 pi (omega_q +- omega_p) - k v = 0 meets the cell; the smooth factor is taken
    interpolated linearly on each triangle. dk dq / 2 pi = dq dp / (2 pi alpha).
    """
    b = omega_fast * omega_fast - 1.0
    h = 2.0 * math.pi / n
    q = np.empty(n + 1)
    w = np.empty(n + 1)
    for i in range(n + 1):
        q[i] = -math.pi + h * i
        s = math.sin(0.5 * q[i])
        w[i] = math.sqrt(1.0 + b * s * s)
    e = np.empty(n + 1)
    for i in range(n + 1):
        e[i] = _mode_energy(w[i], temp, quantum) / (w[i] * w[i])  # epsilon_p / omega_p^2
    zone = 2.0 * math.pi * v / alpha  # g_G = g_0 - G zone
    k_max = math.sqrt(_CUT) / lam
    area = 0.5 * h * h
    tot = 0.0
    for branch in (1.0, -1.0):
        for i in range(n):
            for j in range(n):
                ga = 2.0 * math.pi * (w[i] + branch * w[j]) - v * (q[i] + q[j]) / alpha
                gb = 2.0 * math.pi * (w[i + 1] + branch * w[j]) - v * (q[i + 1] + q[j]) / alpha
                gc = 2.0 * math.pi * (w[i] + branch * w[j + 1]) - v * (q[i] + q[j + 1]) / alpha
                gd = (2.0 * math.pi * (w[i + 1] + branch * w[j + 1])
                      - v * (q[i + 1] + q[j + 1]) / alpha)
                lo = min(min(ga, gb), min(gc, gd))
                hi = max(max(ga, gb), max(gc, gd))
                for g in range(int(math.ceil(lo / zone)), int(math.floor(hi / zone)) + 1):
                    k0 = (q[i] + q[j] + 2.0 * math.pi * g) / alpha  # k at corner a
                    if abs(k0) > k_max + 2.0 * h / alpha:
                        continue
                    fa = _smooth(k0, lam, w[i], e[j])
                    fb = _smooth(k0 + h / alpha, lam, w[i + 1], e[j])
                    fc = _smooth(k0 + h / alpha, lam, w[i], e[j + 1])
                    fd = _smooth(k0 + 2.0 * h / alpha, lam, w[i + 1], e[j + 1])
                    off = g * zone
                    tot += (_delta_on_triangle(ga - off, fa, gb - off, fb, gd - off, fd, area)
                            + _delta_on_triangle(ga - off, fa, gc - off, fc, gd - off, fd, area))
    return 0.5 * math.pi * tot / (2.0 * math.pi * alpha)


def _inputs(v, phi0, lam, alpha, omega_T, statistics, omega_fast, grid=None):
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
    return wf, statistics, float(temp)


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
    factor, lam_t = thermal_width(lam, temp, statistics, wf)
    amp2 = 2.0 * math.pi * (float(phi0) * float(lam)) ** 2  # |Phi_k|^2 = amp2 e^{-k^2 lam_T^2}
    v_arr = np.atleast_1d(np.asarray(v, dtype=float))
    res = np.array([amp2 * _two_phonon(float(x), lam_t, float(alpha), wf, temp,
                                       statistics == "quantum", int(grid))
                    for x in v_arr.ravel()])
    return out(res.reshape(np.shape(v)))


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
                              omega_fast: float = 10.0, *, grid: int = 2048):
    """Eq. (33) on a thermal chain: Debye-Waller-weighted spikes plus two-phonon absorption.

    Parameters are those of :func:`two_phonon_loss`.

    Returns
    -------
    float or numpy.ndarray
        Delta_bar(v, T) = :func:`debye_waller_loss` + :func:`two_phonon_loss`. Second order
        in phi0 (as Eq. 33), exact in the thermal displacement's variance, first order in
        its correlation (three-phonon terms, of order T^2, left out); T = 0 classical is
        Eq. (33) itself.

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
    return out(np.asarray(debye_waller_loss(v, phi0, lam, alpha, omega_T, statistics,
                                            omega_fast))
               + np.asarray(two_phonon_loss(v, phi0, lam, alpha, omega_T, statistics,
                                            omega_fast, grid=grid)))
