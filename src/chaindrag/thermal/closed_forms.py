"""Closed forms of the free thermal chain (infinite chain, per site), as Brillouin-zone averages.

With epsilon(theta) the mean mode energy (:func:`~chaindrag.thermal.modes.mode_energy`) and
<f>_BZ = (2/pi) int_0^{pi/2} f(theta) d theta (the average of Eq. (15)),

- C_m(tau) = <rho_{n+m}(tau) rho_n(0)> = <cos(2 m theta) cos(2 pi omega tau) epsilon/omega^2>_BZ,
- <(rho'_{n+m}(tau)/2 pi)(rho'_n(0)/2 pi)> = <cos(2 m theta) cos(2 pi omega tau) epsilon>_BZ,
- energy per site = <epsilon>_BZ.

Quadrature: the integrand is a smooth function of sin^2 theta, so the midpoint rule with M
nodes on [0, pi/2] is the trapezoidal rule of a pi-periodic analytic function and converges
geometrically. Its error is exactly an aliasing sum: the rule equals the same statistic on a
ring of 2M sites (with alternating signs of the images), so it is below rounding once
2M > pi (omega_fast - 1)|tau| + |m| + :func:`~chaindrag.thermal.modes.airy_margin`, the
condition a realization's ring obeys (:func:`~chaindrag.thermal.modes.ring_size`). The
node count follows that rule; measured against ``scipy.integrate.quad`` the error is
~1e-15 relative to C_0(0) for |tau| up to 100 and |m| up to 100.
"""

from __future__ import annotations

import math

import numpy as np

from ..params import ParameterError, require_finite, require_omega_fast
from .modes import airy_margin, band_frequency, check_statistics, check_temperature, \
    front_speed, mode_energy

#: Nodes x evaluation points handled per chunk (bounds the memory to ~10 MB).
_CHUNK = 1 << 20


def node_count(tau_max: float, m_max: int, omega_fast: float = 10.0) -> int:
    """Midpoint nodes on [0, pi/2] that make the BZ average exact to rounding.

    Parameters
    ----------
    tau_max : float
        Largest |tau| to be evaluated.
    m_max : int
        Largest site distance |m|.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    int
        ceil((pi (omega_fast - 1) tau_max + m_max + airy_margin(tau_max)) / 2) + 8, >= 32.
    """
    sites = front_speed(omega_fast) * tau_max + m_max + airy_margin(tau_max, omega_fast)
    return max(32, math.ceil(sites / 2.0) + 8)


def _check_distance(m) -> np.ndarray:
    arr = np.asarray(m)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                 or np.issubdtype(arr.dtype, np.floating)):
        raise ParameterError(f"m must be an integer site distance, got {m!r}")
    if np.issubdtype(arr.dtype, np.floating) and not (
            np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
        raise ParameterError(f"m must be an integer site distance, got {m!r}")
    return arr.astype(np.int64)


def _bz_average(weight: str, m, tau, omega_T, statistics, omega_fast):
    """<cos(2 m theta) cos(2 pi omega tau) w(theta)>_BZ with w = epsilon/omega^2 or epsilon."""
    statistics = check_statistics(statistics)
    omega_fast = require_omega_fast(omega_fast)
    temp = check_temperature(omega_T)
    require_finite("tau", tau)
    m, tau, temp = np.broadcast_arrays(_check_distance(m), np.asarray(tau, dtype=float), temp)
    shape = m.shape
    m, tau, temp = (a.ravel() for a in (m, tau, temp))
    n_nodes = node_count(float(np.max(np.abs(tau), initial=0.0)),
                         int(np.max(np.abs(m), initial=0)), omega_fast)
    theta = (np.arange(n_nodes) + 0.5) * (0.5 * math.pi / n_nodes)
    omega = band_frequency(theta, omega_fast)
    out = np.empty(m.size)
    step = max(1, _CHUNK // n_nodes)
    for start in range(0, m.size, step):
        sl = slice(start, start + step)
        f = mode_energy(omega, temp[sl, None], statistics)
        if weight == "displacement":
            f = f / omega**2
        f = f * np.cos(2.0 * m[sl, None] * theta) * np.cos((2.0 * math.pi * tau[sl, None]) * omega)
        out[sl] = f.mean(axis=1)
    return out.reshape(shape) if shape else float(out[0])


def correlation(m, tau, omega_T, statistics: str = "quantum", omega_fast: float = 10.0):
    """Displacement correlation C_m(tau) = <rho_{n+m}(tau) rho_n(0)> of the free thermal chain.

    Parameters
    ----------
    m : array_like of int
        Site distance (C is even in m).
    tau : array_like
        Time lag in t_slow (C is even in tau).
    omega_T : array_like
        Temperature k_B T / (hbar Omega_slow), >= 0. With ``"quantum"``, 0 is the zero-point
        motion; with ``"classical"``, 0 is the chain at rest.
    statistics : {"quantum", "classical"}
        Mode occupations (see :func:`~chaindrag.thermal.modes.mode_energy`).
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float or numpy.ndarray
        <cos(2 m theta) cos(2 pi omega tau) epsilon/omega^2>_BZ in l_slow^2, broadcast over
        ``m``, ``tau`` and ``omega_T``.

    Raises
    ------
    chaindrag.params.ParameterError
        ``m`` not integer, ``tau`` not finite, ``omega_T`` negative or not finite, unknown
        ``statistics``, ``omega_fast`` <= 1.

    Notes
    -----
    Classical statistics: C_m(0) = (omega_T/omega_fast) r^|m|, r = (omega_fast-1)/(omega_fast+1).
    The tail in tau decays as tau^(-1/2) (stationary phase at the band edges). The mean-square
    displacement is 2 [C_0(0) - C_0(tau)].

    Examples
    --------
    >>> round(correlation(1, 0.0, 5.0, "classical"), 12) == round(0.5 * 9 / 11, 12)
    True
    """
    return _bz_average("displacement", m, tau, omega_T, statistics, omega_fast)


def velocity_correlation(m, tau, omega_T, statistics: str = "quantum",
                         omega_fast: float = 10.0):
    """Velocity correlation <(rho'_{n+m}(tau)/2 pi)(rho'_n(0)/2 pi)> of the free thermal chain.

    Parameters
    ----------
    m : array_like of int
        Site distance.
    tau : array_like
        Time lag in t_slow.
    omega_T : array_like
        Temperature, >= 0.
    statistics : {"quantum", "classical"}
        Mode occupations.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float or numpy.ndarray
        <cos(2 m theta) cos(2 pi omega tau) epsilon>_BZ in hbar Omega_slow (rho'/2 pi is the
        momentum conjugate to rho). Classical: omega_T at m = 0, tau = 0 and 0 for m != 0.
    """
    return _bz_average("velocity", m, tau, omega_T, statistics, omega_fast)


def displacement_variance(omega_T, statistics: str = "quantum", omega_fast: float = 10.0):
    """<rho_n^2> = C_0(0) = <epsilon/omega^2>_BZ.

    Parameters
    ----------
    omega_T : array_like
        Temperature, >= 0.
    statistics : {"quantum", "classical"}
        Mode occupations.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float or numpy.ndarray
        In l_slow^2. Classical: omega_T/omega_fast. Quantum at omega_T = 0:
        K(k)/(pi omega_fast) with k = 1 - 1/omega_fast^2 (``scipy.special.ellipk``),
        0.117636 for omega_fast = 10. High omega_T: omega_T/omega_fast + 1/(12 omega_T).
    """
    return _bz_average("displacement", 0, 0.0, omega_T, statistics, omega_fast)


def velocity_variance(omega_T, statistics: str = "quantum", omega_fast: float = 10.0):
    """<(rho'_n/2 pi)^2> = <epsilon>_BZ.

    Parameters
    ----------
    omega_T : array_like
        Temperature, >= 0.
    statistics : {"quantum", "classical"}
        Mode occupations.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float or numpy.ndarray
        In hbar Omega_slow. Classical: omega_T. Quantum at omega_T = 0:
        omega_fast E(k)/pi with k = 1 - 1/omega_fast^2 (``scipy.special.ellipe``),
        3.234008 for omega_fast = 10.
    """
    return _bz_average("velocity", 0, 0.0, omega_T, statistics, omega_fast)


def energy_per_site(omega_T, statistics: str = "quantum", omega_fast: float = 10.0):
    """Mean energy per site <epsilon>_BZ, kinetic plus potential.

    Parameters
    ----------
    omega_T : array_like
        Temperature, >= 0.
    statistics : {"quantum", "classical"}
        Mode occupations.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float or numpy.ndarray
        In hbar Omega_slow. Equal to :func:`velocity_variance`: each mode's kinetic energy
        (Q'/2 pi)^2/2 is half its energy (virial theorem). Classical: omega_T.
    """
    return _bz_average("velocity", 0, 0.0, omega_T, statistics, omega_fast)


def mean_square_displacement(tau, omega_T, statistics: str = "quantum",
                             omega_fast: float = 10.0):
    """<(rho_n(tau) - rho_n(0))^2> = 2 [C_0(0) - C_0(tau)].

    Parameters
    ----------
    tau : array_like
        Time lag in t_slow.
    omega_T : array_like
        Temperature, >= 0.
    statistics : {"quantum", "classical"}
        Mode occupations.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float or numpy.ndarray
        In l_slow^2; tends to 2 <rho^2> as tau^(-1/2) (band-edge stationary phase).
    """
    c0 = _bz_average("displacement", 0, 0.0, omega_T, statistics, omega_fast)
    return 2.0 * (c0 - _bz_average("displacement", 0, tau, omega_T, statistics, omega_fast))
