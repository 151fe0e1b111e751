"""The :class:`Trajectory` record: what a solver recorded in one run (Eqs. 1-3, A2)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..params import ParameterError

ENERGY_KEYS = ("particle_kinetic", "interaction", "chain", "bias_work", "total")


@dataclass(frozen=True)
class Trajectory:
    """One recorded run of the particle(s) + chain model (Eqs. 1-3, A2).

    Attributes
    ----------
    tau : ndarray, shape (n_rec,)
        Recording times in units of t_slow = 2 pi / Omega_slow.
    sigma : ndarray, shape (n_particles, n_rec)
        Particle positions sigma_p(tau) (units of the chain's length unit; rest sites at alpha g).
    velocity : ndarray, shape (n_particles, n_rec)
        d sigma_p / d tau (central difference, see the contract).
    chain_sites : ndarray of int, shape (n_sites,)
        Site indices g of the chain masses whose displacement was recorded (may be empty).
    chain_tau : ndarray, shape (n_chain_rec,)
        Recording times of the chain displacements.
    chain_displacement : ndarray, shape (n_sites, n_chain_rec)
        rho_g(tau) for g in ``chain_sites``.
    energy : dict[str, ndarray]
        Energies over ``tau`` in units of hbar Omega_slow; keys among
        'particle_kinetic', 'interaction', 'chain', 'bias_work', 'total' (any may be absent).
    params : dict
        Every input of the run (alpha, phi0, lam, mu, v0, sigma0, bias, omega_fast, d, delta,
        tau_max, memory, solver, chaindrag_version, ...): what was computed, never how long
        it took, so the same inputs give the same params (and store bytes).
    wall_time_s : float or None
        Seconds :func:`~chaindrag.solvers.simulate` took to make this run (numba compilation
        included on a first call); None if unknown (built by hand). In memory only: not in
        ``params``, not saved by :func:`~chaindrag.stores.save_trajectory` (the run's time
        goes to the log instead), and not compared. A store written by a version that still
        kept it in its attributes gives it back here on loading.
    """

    tau: np.ndarray
    sigma: np.ndarray
    velocity: np.ndarray
    chain_sites: np.ndarray
    chain_tau: np.ndarray
    chain_displacement: np.ndarray
    energy: dict[str, np.ndarray] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    wall_time_s: float | None = field(default=None, compare=False)

    def __post_init__(self):
        tau = np.asarray(self.tau, dtype=float)
        sigma = np.atleast_2d(np.asarray(self.sigma, dtype=float))
        velocity = np.atleast_2d(np.asarray(self.velocity, dtype=float))
        raw_sites = np.asarray(self.chain_sites).reshape(-1)
        if raw_sites.size and (raw_sites.dtype.kind not in "iuf" or not np.array_equal(
                raw_sites.astype(np.int64), raw_sites)):
            raise ParameterError(f"chain_sites must be integers, got {raw_sites!r}")
        sites = raw_sites.astype(np.int64)
        chain_tau = np.asarray(self.chain_tau, dtype=float).reshape(-1)
        disp = np.asarray(self.chain_displacement, dtype=float)
        if disp.size == 0:
            disp = disp.reshape(sites.size, chain_tau.size)
        if tau.ndim != 1:
            raise ParameterError(f"tau must be one-dimensional, got shape {tau.shape}")
        if sigma.ndim != 2 or sigma.shape[1] != tau.size or velocity.shape != sigma.shape:
            raise ParameterError(
                f"sigma {sigma.shape} and velocity {velocity.shape} must both have shape "
                f"(n_particles, len(tau)={tau.size})")
        if disp.shape != (sites.size, chain_tau.size):
            raise ParameterError(
                f"chain_displacement must have shape (len(chain_sites)={sites.size}, "
                f"len(chain_tau)={chain_tau.size}), got {disp.shape}")
        energy = {}
        for key, arr in dict(self.energy).items():
            if key not in ENERGY_KEYS:
                raise ParameterError(f"energy key {key!r} not among {ENERGY_KEYS}")
            arr = np.asarray(arr, dtype=float)
            if arr.shape != tau.shape:
                raise ParameterError(
                    f"energy[{key!r}] must have shape {tau.shape}, got {arr.shape}")
            energy[key] = arr
        object.__setattr__(self, "tau", tau)
        object.__setattr__(self, "sigma", sigma)
        object.__setattr__(self, "velocity", velocity)
        object.__setattr__(self, "chain_sites", sites)
        object.__setattr__(self, "chain_tau", chain_tau)
        object.__setattr__(self, "chain_displacement", disp)
        object.__setattr__(self, "energy", energy)
        object.__setattr__(self, "params", dict(self.params))
        if self.wall_time_s is not None:
            object.__setattr__(self, "wall_time_s", float(self.wall_time_s))

    def __eq__(self, other) -> bool:
        """Equal arrays (NaN equal to NaN, dtype and shape included), energies and params;
        ``wall_time_s`` is not compared."""
        if not isinstance(other, Trajectory):
            return NotImplemented
        names = ("tau", "sigma", "velocity", "chain_sites", "chain_tau", "chain_displacement")
        pairs = [(getattr(self, n), getattr(other, n)) for n in names]
        if self.energy.keys() != other.energy.keys() or self.params != other.params:
            return False
        pairs += [(self.energy[k], other.energy[k]) for k in self.energy]
        return all(a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
                   for a, b in pairs)

    def __repr__(self) -> str:
        """A summary (numpy's array reprs of a long run fill a screen): solver, size, times,
        recorded sites and energies, the interaction and the temperature."""
        p = self.params
        span = (f"tau=[{self.tau[0]:g}, {self.tau[-1]:g}] ({self.tau.size} records)"
                if self.tau.size else "tau=[] (0 records)")
        inter = p.get("interaction_params") or {k: p[k] for k in ("phi0", "lam") if k in p}
        return (f"Trajectory(solver={p.get('solver')!r}, n_particles={self.n_particles}, "
                f"{span}, chain_sites={self.chain_sites.size}, energy={sorted(self.energy)}, "
                f"interaction={inter}, omega_T={p.get('omega_T')!r})")

    def _param(self, name: str) -> float:
        try:
            return float(self.params[name])
        except KeyError:
            raise ParameterError(f"trajectory params lack {name!r}") from None

    @property
    def n_particles(self) -> int:
        """Number of particles."""
        return self.sigma.shape[0]

    @property
    def alpha(self) -> float:
        """Lattice constant alpha (rest site g at alpha g)."""
        return self._param("alpha")

    @property
    def phi0(self) -> float:
        """Interaction strength phi0 (>0 repulsive, <0 attractive); Phi(0) for another potential."""
        if "phi0" not in self.params and "interaction_params" in self.params:
            return float(self.interaction.phi_at_zero)
        return self._param("phi0")

    @property
    def lam(self) -> float:
        """Interaction width lam; the force width for another potential."""
        if "lam" not in self.params and "interaction_params" in self.params:
            return float(self.interaction.width)
        return self._param("lam")

    @property
    def interaction(self):
        """The pair potential of the run (:mod:`chaindrag.interactions`), rebuilt from params."""
        from ..interactions import Gaussian, from_provenance

        prov = self.params.get("interaction_params")
        if isinstance(prov, dict):
            return from_provenance(prov)
        return Gaussian(self.phi0, self.lam)  # runs written before issue 14

    @property
    def repulsive(self) -> bool:
        """Whether the particle is slowed on approaching a mass (Phi(0) >= 0)."""
        if "interaction_params" not in self.params:
            return self.phi0 >= 0
        return float(self.interaction.potential(0.0)) >= 0

    @property
    def barrier(self) -> float:
        """max(Phi_max, -Phi_min): |phi0| for the Gaussian; the energy scale of a pass."""
        if "interaction_params" not in self.params:
            return abs(self.phi0)
        inter = self.interaction
        return max(float(inter.phi_max), -float(inter.phi_min))

    @property
    def mu(self) -> float:
        """Particle-to-chain mass ratio mu."""
        return self._param("mu")

    @property
    def kinetic_energy(self) -> np.ndarray:
        """Particle kinetic energy mu/2 (v/2pi)^2 per particle, shape (n_particles, n_rec)."""
        return 0.5 * self.mu * (self.velocity / (2.0 * math.pi)) ** 2
