"""A realization's free motion as the solvers' step advances it, at fixed sites, step by step.

The chain and transparent solvers advance free motion with the two-step map
rho(b+1) = 2 C rho(b) - rho(b-1) (:func:`chaindrag.solvers._common.propagator_stencils`),
whose stencil is truncated at 1e-14: mode q turns by theta~_q = arccos C_q per step, not by
the exact 2 pi omega_q delta (they differ by ~1e-13 rad a step, ~5e-8 of rho^H over a
480 000-step run). The chain solver starts its segment in the realization's state at steps
0 and -1 (:func:`~chaindrag.solvers.thermal_state.chain_start`) and sweeps it, so its
rho^H is each ring mode continued from those two steps with theta~_q:

    h_j(b) = U_j cos(theta~_j b) + B_j sin(theta~_j b),
    B_j = (U_j (cos theta~_j - cos theta_j) + V_j sin theta_j) / sin theta~_j,

(U_j, V_j the realization's half spectrum, theta_j = 2 pi omega_j delta). The transparent
solver feeds exactly that motion in through its ends (:mod:`chaindrag.solvers.transparent`),
so the two solvers agree to rounding. At a fixed site n it is a sum of N/2 sinusoids of
non-uniform frequency on a uniform grid of steps, rho(n, b) = Re sum_j F_j(n) e^{i theta~_j b}:
a type-1 non-uniform FFT (FINUFFT; Barnett, Magland & af Klinteberg, SIAM J. Sci. Comput.
41, C479 (2019)), cost ~ (N/2 + n_steps log n_steps) per site instead of N/2 x n_steps.
"""

from __future__ import annotations

import math

import finufft
import numpy as np

from ..params import ParameterError
from .modes import mode_weights, site_waves
from .realization import ThermalChain

#: Requested relative precision of the non-uniform FFT (of sum_j |F_j|; FINUFFT's floor
#: is ~1e-15): measured 4e-11 of max |rho| against a swept 4 000-site ring after 30 000 steps.
NUFFT_EPS = 1e-14
#: One thread: the workflow runs jobs in parallel, and the sums keep one order (the same
#: bytes on every run). The default upsampling (2): at 1.25, 25 % faster, FINUFFT's widest
#: kernel (16) reaches only ~1e-9.
_NUFFT_OPTS = dict(eps=NUFFT_EPS, isign=1, modeord=0, nthreads=1)


def swept_frequencies(c: np.ndarray, n_modes: int) -> np.ndarray:
    """theta~_j = arccos C(q_j), j = 0..N//2, of the half-stencil ``c`` (c[0] the site itself)."""
    q = 2.0 * math.pi * np.arange(n_modes // 2 + 1) / n_modes
    cq = c[0] + 2.0 * sum(c[j] * np.cos(j * q) for j in range(1, c.size))
    return np.arccos(cq)


class SweptMotion:
    """rho^H of ``thermal`` as the solvers' step with half-stencil ``c`` and step ``delta`` has it.

    Parameters
    ----------
    thermal : ThermalChain
        A sized realization.
    c : ndarray
        Half-stencil of C (:func:`~chaindrag.solvers._common.propagator_stencils`).
    delta : float
        Time step.
    """

    def __init__(self, thermal: ThermalChain, c: np.ndarray, delta: float):
        omega, u, v = thermal.half_spectrum()  # refuses an unsized chain
        n = self.n_modes = thermal.n_modes
        self.theta = swept_frequencies(np.asarray(c, dtype=float), n)
        exact = 2.0 * math.pi * omega * delta
        b_coef = (u * (np.cos(self.theta) - np.cos(exact)) + v * np.sin(exact)) \
            / np.sin(self.theta)
        weight = 0.5 * mode_weights(n)
        self._u, self._b = u, b_coef
        # U cos + B sin = (U - iB)/2 e^{i theta b} + (U + iB)/2 e^{-i theta b}, and Re(X e^{-ix})
        # = Re(conj(X) e^{ix}): rho = Re sum_j [(U - iB) w e^{iqn} + conj((U + iB) w e^{iqn})]
        # e^{i theta b} with w = mode_weights / 2
        self._plus, self._minus = weight * (u - 1j * b_coef), weight * (u + 1j * b_coef)

    def _phase(self, b: int) -> np.ndarray:
        """theta~_j b mod 2 pi in extended precision (theta b reaches ~1e6 rad in a long run)."""
        return np.remainder(self.theta.astype(np.longdouble) * b,
                            2.0 * np.longdouble(math.pi)).astype(float)

    def on_ring(self, b: int) -> np.ndarray:
        """rho^H of every ring site 0 .. N-1 at step b: one inverse real FFT of length N."""
        from scipy.fft import irfft  # imported on use: a slow import

        phase = self._phase(b)
        return irfft(self._u * np.cos(phase) + self._b * np.sin(phase), n=self.n_modes) \
            * math.sqrt(self.n_modes)

    def at_sites(self, sites, b0: int, n_steps: int) -> np.ndarray:
        """rho^H of ``sites`` at steps b0 .. b0 + n_steps - 1, shape (len(sites), n_steps)."""
        sites = np.atleast_1d(np.asarray(sites, dtype=np.int64))
        if n_steps < 1:
            raise ParameterError(f"n_steps must be >= 1, got {n_steps}")
        half = self.theta.size
        wave = site_waves(sites % self.n_modes, self.n_modes)
        mid = b0 + n_steps // 2  # output m = -(n_steps // 2) .. runs over b = b0 ..
        f = (self._plus * wave + np.conj(self._minus * wave)) * np.exp(1j * self._phase(mid))
        # two real outputs in one complex transform: rho_a + i rho_b is the sum over
        # theta of (F_a + i F_b)/2 and over -theta of (conj F_a + i conj F_b)/2
        if sites.size % 2:
            f = np.vstack([f, np.zeros(half)])
        a, b = f[0::2], f[1::2]
        strengths = 0.5 * np.hstack([a + 1j * b, np.conj(a) + 1j * np.conj(b)])
        points = np.concatenate([self.theta, -self.theta])
        out = np.atleast_2d(finufft.nufft1d1(points, strengths, n_steps, **_NUFFT_OPTS))
        rho = np.empty((2 * out.shape[0], n_steps))
        rho[0::2], rho[1::2] = out.real, out.imag
        return rho[:sites.size]
