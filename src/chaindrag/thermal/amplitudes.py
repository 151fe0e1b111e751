"""The random mode amplitudes of one realization of the chain's free thermal motion.

The homogeneous part of Eq. (12) is a superposition of travelling waves
rho_n(tau) = Re N^{-1/2} sum_j a_j exp(i q_j n - 2 pi i omega_j tau), q_j = 2 pi j / N,
omega_j from Eq. (11). Here the a_j are drawn (independent circular complex Gaussians with
E|a_j|^2 = 2 epsilon_j / omega_j^2, the thermal Wigner function; see
:class:`~chaindrag.thermal.ThermalChain`) from a seeded stream of their own, and folded into
the real field's half spectrum (U_j, V_j) that :mod:`chaindrag.thermal.synthesis` evaluates.
"""

from __future__ import annotations

import math

import numpy as np

from .modes import band_frequency, mode_energy

#: Spawn key of the thermal stream: a seed shared with other uses gives independent numbers.
_STREAM = 0x7468_6D6C
#: Peak bytes per mode while drawing a realization (draws, amplitudes, temporaries).
_BYTES_PER_MODE = 96

SAMPLING = ("Gaussian complex travelling-wave amplitudes a_j, E|a_j|^2 = 2 epsilon_j/omega_j^2 "
            "(exact Wigner function of the thermal state)")


def _sample_modes(omega_T: float, statistics: str, seed: int, omega_fast: float, n: int,
                  mirror: bool):
    """Frequencies and standing-wave coefficients (U_j, V_j), j = 0..N//2, of one realization.

    The real field's half spectrum is h_j(tau) = U_j cos(2 pi omega_j tau) + V_j sin(...),
    built from the travelling waves a_j and a_{N-j} (same frequency); ``mirror`` negates them.
    """
    j = np.arange(n)
    omega = band_frequency(math.pi * np.minimum(j, n - j) / n, omega_fast)
    second_moment = 2.0 * mode_energy(omega, omega_T, statistics) / omega**2
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAM,)))
    z = rng.standard_normal((2, n))
    a = (-1.0 if mirror else 1.0) * np.sqrt(0.5 * second_moment) * (z[0] + 1j * z[1])
    half = n // 2 + 1
    alpha, beta = a[:half], np.conj(a[(-np.arange(half)) % n])
    u, v = 0.5 * (alpha + beta), -0.5j * (alpha - beta)
    for arr in (omega, u, v):
        arr.flags.writeable = False
    return omega[:half], u, v
