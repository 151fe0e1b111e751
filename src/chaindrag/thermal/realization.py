"""One realization of the free thermal motion of the chain on a ring of N sites.

The homogeneous part of Eq. (12): a superposition of travelling waves
rho_n(tau) = Re N^{-1/2} sum_j a_j exp(i q_j n - 2 pi i omega_j tau), q_j = 2 pi j / N,
omega_j from Eq. (11). It is computed once, independently of any particle, and added to the
memory term (the chain is linear, Eq. (9)). On a ring of N sites every statistic equals the
infinite chain's to rounding while the fastest wave has not gone round,
tau < N / (pi (omega_fast - 1)); :func:`~chaindrag.thermal.modes.ring_size` sizes the ring.
:class:`ThermalChain` validates its parameters and inputs, sizes its ring and keeps its
provenance; the amplitudes are drawn by :mod:`chaindrag.thermal.amplitudes` and the field is
summed from them by :mod:`chaindrag.thermal.synthesis`.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field, replace

import numpy as np

from .._version import __version__
from ..params import (ParameterError, require_finite, require_flag, require_int_range,
                      require_memory, require_omega_fast, require_real_scalar)
from .amplitudes import SAMPLING, _BYTES_PER_MODE, _STREAM, _sample_modes
from .modes import check_statistics, check_temperature, front_speed, needed_sites, ring_size
from .synthesis import _superpose


def _as_times(tau) -> np.ndarray:
    require_finite("tau", tau)
    return np.atleast_1d(np.asarray(tau, dtype=float)).ravel()


def _as_sites(sites, name: str = "sites") -> np.ndarray:
    arr = np.atleast_1d(np.asarray(sites))
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ParameterError(f"{name} must be integer site indices (any integers, taken "
                             f"modulo n_modes), got {sites!r}")
    return arr.astype(np.int64).ravel()


@dataclass(frozen=True)
class ThermalChain:
    """One realization of the free thermal motion of the chain, on a ring of ``n_modes`` sites.

    Parameters
    ----------
    omega_T : float
        Temperature k_B T / (hbar Omega_slow), >= 0. With ``"quantum"`` statistics 0 is the
        zero-point motion (the chain still moves); with ``"classical"`` it is the chain at rest.
    statistics : {"quantum", "classical"}
        Bose-Einstein occupations with zero point, or equipartition.
    seed : int
        Non-negative seed. Numbers come from ``np.random.default_rng(SeedSequence(seed,
        spawn_key=(0x74686D6C,)))`` (PCG64): the same (seed, n_modes, omega_T, statistics,
        omega_fast, mirror) give the same bytes on every machine, different seeds independent
        ones.
    omega_fast : float
        Band top in units of Omega_slow, > 1.
    n_modes : int or None
        Ring size N >= 16 (modes q_j = 2 pi j/N, j = 0..N-1). ``None``: not yet sized; size it
        for a run with :meth:`with_ring_for` (sampling methods refuse an unsized chain).
        Drawing needs ~96 N bytes: a ring beyond the memory the process may use is
        refused.
    mirror : bool
        The mirror image -rho^H of the realization (every amplitude negated): as probable as
        rho^H itself, so averaging a measurement over both (:meth:`mirrored`, antithetic
        variates) cancels its part odd in rho^H, the first-order thermal noise, and leaves the
        mean unbiased.

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges above, naming it.

    Notes
    -----
    Sampling: each travelling wave j gets an independent circular complex Gaussian amplitude
    a_j with E|a_j|^2 = 2 <Q_j^2> = 2 epsilon_j / omega_j^2, where epsilon_j is the mean mode
    energy (quantum: <Q^2> = coth(omega/2T)/(2 omega); classical: T/omega^2), and
    rho_n(tau) = Re N^{-1/2} sum_j a_j exp(i q_j n - 2 pi i omega_j tau). Each standing
    mode then has Gaussian coordinate and momentum with <Q^2> as above,
    <(Q'/2 pi)^2> = omega^2 <Q^2> = epsilon and no cross-correlation: exactly the Wigner
    function of a thermal harmonic oscillator (classically, the Boltzmann distribution).
    The authors' Eq. (12) draws an integer n_j from a geometric distribution with a uniform
    phase, amplitude sqrt((2 n_j + 1)/omega_j): same second moments, but each mode's
    phase-space distribution is then a set of rings, not the thermal Wigner function (at
    T = 0 its <Q^4> is half the Gaussian value), which biases anything nonlinear in a single
    mode such as the per-mode energy exchange of the single-pass noise.

    Examples
    --------
    >>> chain = ThermalChain(5.0, statistics="classical", seed=1).with_ring_for(10.0, 50)
    >>> chain.field(0, 50, np.linspace(0.0, 10.0, 101)).shape
    (101, 50)
    """

    omega_T: float
    _: KW_ONLY
    statistics: str = "quantum"
    seed: int = 0
    omega_fast: float = 10.0
    n_modes: int | None = None
    mirror: bool = False
    _omega: np.ndarray | None = field(init=False, repr=False, compare=False, default=None)
    _u: np.ndarray | None = field(init=False, repr=False, compare=False, default=None)
    _v: np.ndarray | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self):
        # one real number (not True, "1" or [1.0]), then its range
        require_real_scalar("omega_T", self.omega_T, "in [0, inf) (a temperature)")
        object.__setattr__(self, "omega_T", float(check_temperature(self.omega_T)))
        check_statistics(self.statistics)
        object.__setattr__(self, "mirror", require_flag("mirror", self.mirror))
        object.__setattr__(self, "seed", require_int_range("seed", self.seed, 0))
        object.__setattr__(self, "omega_fast", require_omega_fast(self.omega_fast))
        if self.n_modes is None:
            return
        object.__setattr__(self, "n_modes", require_int_range("n_modes", self.n_modes, 16))
        require_memory(float(self.n_modes) * _BYTES_PER_MODE,
                       f"the thermal realization on a ring of n_modes = {self.n_modes} sites",
                       "the ring must hold the run's duration tau_max (pi (omega_fast - 1) "
                       "sites per unit tau) plus the window of sites it reads (the particles' "
                       "path and record_sites): shorten tau_max or record sites nearer the "
                       "particles")
        modes = _sample_modes(self.omega_T, self.statistics, self.seed, self.omega_fast,
                              self.n_modes, self.mirror)
        for name, arr in zip(("_omega", "_u", "_v"), modes):
            object.__setattr__(self, name, arr)

    # ------------------------------------------------------------------ ring size
    @property
    def wraparound_time(self) -> float:
        """N / (pi (omega_fast - 1)): when the fastest wave has gone once round the ring."""
        return self._require_sized() / front_speed(self.omega_fast)

    def with_ring_for(self, tau_max: float, window_sites: int) -> ThermalChain:
        """A copy on the smallest fast ring exact for ``tau_max`` over ``window_sites`` sites.

        The copy is another realization (the draws depend on N), sized by
        :func:`~chaindrag.thermal.modes.ring_size`.
        """
        return replace(self, n_modes=ring_size(tau_max, self.omega_fast, window_sites))

    def mirrored(self) -> ThermalChain:
        """The mirror image -rho^H of this realization (same seed and ring, ``mirror`` flipped)."""
        return replace(self, mirror=not self.mirror)

    def require_ring(self, tau_max: float, window_sites: int) -> None:
        """Raise ParameterError unless the ring is exact for ``tau_max`` over ``window_sites``.

        Parameters
        ----------
        tau_max : float
            Duration of the run (longest time lag), >= 0.
        window_sites : int
            Number of contiguous sites read, >= 1.

        Raises
        ------
        chaindrag.params.ParameterError
            When N < pi (omega_fast - 1) tau_max + airy_margin(tau_max) + window_sites: a wave
            would come round the ring into the window during the run.
        """
        n = self._require_sized()
        need = needed_sites(tau_max, self.omega_fast, window_sites)
        if n < need:
            raise ParameterError(
                f"n_modes = {n} is too small for tau_max = {float(tau_max):g} over "
                f"window_sites = {window_sites}: the fastest wave goes round the ring after "
                f"tau = {self.wraparound_time:.4g}; need n_modes >= {need} (ring_size gives "
                f"{ring_size(tau_max, self.omega_fast, window_sites)})")

    def _require_sized(self) -> int:
        if self.n_modes is None:
            raise ParameterError("n_modes is None: size the ring first, with n_modes >= 16 "
                                 "or with_ring_for(tau_max, window_sites)")
        return self.n_modes

    # ------------------------------------------------------------------ sampling
    def displacement(self, sites, tau) -> np.ndarray:
        """rho_n(tau) at the given sites and times, in l_slow.

        Parameters
        ----------
        sites : array_like of int
            Site indices, any integers (taken modulo N: the periodic ring).
        tau : array_like
            Times in t_slow (any finite values; the motion is stationary).

        Returns
        -------
        numpy.ndarray
            Shape (len(tau), len(sites)). Up to 8 distinct sites: a direct mode sum, cost
            ~ 2 N len(tau) len(sites) flops; more: an inverse real FFT of length N per time.
            Both are exact to rounding (~1e-15 relative).
        """
        return self._evaluate("displacement", _as_sites(sites), _as_times(tau))

    def velocity(self, sites, tau) -> np.ndarray:
        """d rho_n / d tau at the given sites and times, in l_slow / t_slow.

        Parameters
        ----------
        sites : array_like of int
            Site indices, taken modulo N.
        tau : array_like
            Times in t_slow.

        Returns
        -------
        numpy.ndarray
            Shape (len(tau), len(sites)); the exact derivative of :meth:`displacement`
            (the momentum is this divided by 2 pi).
        """
        return self._evaluate("velocity", _as_sites(sites), _as_times(tau))

    def field(self, first_site: int, n_sites: int, tau, *, check_ring: bool = True,
              kind: str = "displacement") -> np.ndarray:
        """rho (or d rho/d tau) on the contiguous window first_site .. first_site+n_sites-1.

        Parameters
        ----------
        first_site : int
            First site of the window (any integer, modulo N).
        n_sites : int
            Window length, 1 <= n_sites <= N.
        tau : array_like
            Times in t_slow.
        check_ring : bool
            Refuse (ParameterError) a ring on which waves wrap around into the window within
            the span of ``tau`` (see :meth:`require_ring`).
        kind : {"displacement", "velocity"}
            Which field.

        Returns
        -------
        numpy.ndarray
            Shape (len(tau), n_sites).

        Notes
        -----
        Cost: per time, N/2 complex phase rotations (one complex multiply each on a uniform
        grid of times; a complex exponential otherwise, ~2.5x slower) and one inverse real
        FFT of length N, independent of the window; memory len(tau) x n_sites plus a ~30 MB
        block. Measured (``benchmarks/thermal.py``): N = 25 000, 400 sites, 10 000 times in
        1.5 s, 150 us per time = 1.3 bare FFTs of length N.
        """
        n = self._require_sized()
        if np.ndim(first_site) != 0:
            raise ParameterError(f"first_site must be one integer site index, got {first_site!r}")
        first_site = int(_as_sites(first_site, "first_site")[0])
        n_sites = require_int_range("n_sites", n_sites, 1, n)
        if kind not in ("displacement", "velocity"):
            raise ParameterError(f"kind must be 'displacement' or 'velocity', got {kind!r}")
        tau = _as_times(tau)
        if require_flag("check_ring", check_ring):
            self.require_ring(float(np.ptp(tau)) if tau.size else 0.0, n_sites)
        return self._evaluate(kind, first_site + np.arange(n_sites, dtype=np.int64), tau)

    def _evaluate(self, kind: str, sites: np.ndarray, tau: np.ndarray) -> np.ndarray:
        n = self._require_sized()
        return _superpose(self._omega, self._u, self._v, n, kind, sites, tau)

    def half_spectrum(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(omega_j, U_j, V_j), j = 0..N//2: h_j(tau) = U_j cos(2 pi omega_j tau) + V_j sin(..)."""
        self._require_sized()
        return self._omega, self._u, self._v

    # ------------------------------------------------------------------ provenance
    def provenance(self) -> dict:
        """Everything needed to regenerate this realization bit for bit."""
        return {
            "omega_T": self.omega_T,
            "statistics": self.statistics,
            "seed": self.seed,
            "n_modes": self.n_modes,
            "omega_fast": self.omega_fast,
            "mirror": self.mirror,
            "sampling": SAMPLING,
            "bit_generator": "PCG64",
            "seed_sequence": {"entropy": self.seed, "spawn_key": [_STREAM]},
            "numpy_version": np.__version__,
            "chaindrag_version": __version__,
        }
