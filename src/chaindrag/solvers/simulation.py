"""simulate: validate, allocate, dispatch to a solver backend, assemble the Trajectory.

A solver is a backend module with a function ``SolverJob -> SolverResult``
(:mod:`chaindrag.solvers.job`) and one entry in :data:`_BACKENDS`; simulate itself knows
no solver.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .._version import __version__
from ..interactions import Interaction
from ..params import ParameterError, require_positive, require_real_scalar
from ..thermal import ThermalChain
from ..trajectory import Trajectory
from .chain import run_chain_solver
from .checks import (_check_step, _common_checks, _interaction, _n_steps, _particles,
                     _recording, check_callbacks, check_reach, check_record_memory,
                     check_resolution, check_thermal_step, check_thermal_window,
                     interaction_common, interaction_params)
from .early_stop import stop_check, stop_schedule
from .job import SolverJob, SolverResult, fill_particle_record
from .kernel_driver import run_kernel_solver
from .thermal_state import (interaction_window, mean_mode_energy, sized_for_run, start_energy,
                            thermal_chain, thermal_params, thermal_reach)
from .transparent import run_transparent_solver

_TWO_PI = 2.0 * math.pi

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Backend:
    """A solver: its run function and whether it can truncate the memory (tau_0)."""

    run: Callable[[SolverJob], SolverResult]
    memory_truncation: bool = False
    early_stop: bool = False


_BACKENDS: dict[str, _Backend] = {
    "chain": _Backend(run_chain_solver),
    "kernel": _Backend(run_kernel_solver, memory_truncation=True),
    "transparent": _Backend(run_transparent_solver, early_stop=True),
}


def _backend(solver: str, memory: float, segment, stop) -> tuple[_Backend, float]:
    """The backend of ``solver`` and the checked ``memory``; ``segment``/``stop`` allowed?"""
    if not isinstance(solver, str) or solver not in _BACKENDS:
        raise ParameterError(f"solver must be {' or '.join(map(repr, _BACKENDS))}, "
                             f"got {solver!r}")
    memory = require_real_scalar("memory", memory, "> 0 (inf for the full history)")
    if not (memory > 0):  # also catches NaN
        raise ParameterError(f"memory must be > 0 (inf for the full history), got {memory!r}")
    backend = _BACKENDS[solver]
    if not backend.memory_truncation and math.isfinite(memory):
        able = " or ".join(f"solver={k!r}" for k, b in _BACKENDS.items() if b.memory_truncation)
        raise ParameterError(f"memory (kernel truncation tau_0) is only available with "
                             f"{able}; the {solver} solver always has the full history")
    if segment is not None and solver != "transparent":
        raise ParameterError(f"segment is only for solver='transparent', got solver={solver!r}")
    if stop is not None and not backend.early_stop:
        able = " or ".join(f"solver={k!r}" for k, b in _BACKENDS.items() if b.early_stop)
        raise ParameterError(f"stop (ending a run early) is only available with {able}")
    return backend, memory


def simulate(*, alpha: float, phi0: float | None = None, lam: float | None = None,
             interaction: Interaction | None = None, mu: float = 1.0,
             sigma0: float | Sequence[float], v0: float | Sequence[float], tau_max: float,
             omega_fast: float = 10.0, d: int = 60, bias: float = 0.0,
             memory: float = math.inf, solver: str = "chain", kernel_store: Any = None,
             record_sites: Sequence[int] | np.ndarray | None = None, record_every: int = 1,
             chain_record_every: int | None = None, energy: bool = True,
             progress: Callable[[float], None] | None = None, v_runaway: float | None = None,
             kernel_first_site: int | None = None, omega_T: float | None = None,
             statistics: str = "quantum", seed: int = 0,
             thermal: ThermalChain | None = None,
             segment: tuple[int, int] | None = None,
             boundary_store: Any = None,
             stop: Callable[[Trajectory], bool] | None = None,
             stop_every: float | Sequence[float] = 100.0) -> Trajectory:
    """Mobile particles on the infinite chain with a pair interaction Phi (Eqs. 12-14, A1-A2).

    Parameters
    ----------
    alpha : float
        Lattice constant (chain mass g rests at alpha g), > 0.
    phi0, lam : float, optional
        The paper's Gaussian pair potential Phi(x) = phi0 exp(-x^2 / 2 lam^2), phi0 > 0
        repulsive: shorthand for ``interaction=Gaussian(phi0, lam)``, the same numbers.
    interaction : Interaction, optional
        Any pair potential of :mod:`chaindrag.interactions` (Gaussian, Lorentzian, Morse,
        LennardJones, Yukawa, UserPotential) instead of phi0 and lam (giving both is an
        error). One compiled force loop serves them all; the solvers visit the chain
        masses within its ``reach()``, beyond which
        ``|Phi'| < reach_floor = max(1e-20, 1e-12 max|Phi'|)`` (the Gaussian keeps the
        paper's absolute floor 1e-20; ``Morse.channel()``: 7.7e-13), and check the time step
        against its ``width``, the length over which the force changes.
        On a hot chain whose rho^H could carry a mass from beyond into the reach, the reach
        grows by 6 rms of rho^H (:func:`~chaindrag.solvers.thermal_state.thermal_reach`;
        ``params["reach"]`` is the one used).
    mu : float
        Particle-to-chain mass ratio, > 0.
    sigma0, v0 : float or sequence
        Initial positions and speeds, one per particle (particles interact only through the
        chain).
    tau_max : float
        Duration in units of t_slow; the run has floor(tau_max/delta) steps.
    omega_fast, d : float, int
        Band top (> 1) and steps per fastest period: delta = 1/(d omega_fast) (Appendix).
    bias : float
        beta, energy gained per lattice spacing: a constant force beta/alpha (Sec. VI).
    memory : float
        Kernel truncation tau_0 (kernel solver only); inf = the whole history.
    solver : {"chain", "kernel", "transparent"}
        Explicit cone-sized chain segment (:mod:`chaindrag.solvers.chain`), the paper's
        kernel algorithm (:mod:`chaindrag.solvers.kernel_driver`; needs ``kernel_store``: a
        :class:`chaindrag.kernel.KernelStore` or its path), or the chain solver's segment
        fixed in the lattice with exact transparent ends
        (:mod:`chaindrag.solvers.transparent`; cost linear in the path, not in the sound
        cone): for a biased tau = 800 run ~10x faster than ``"chain"``, ~22x with
        ``energy=True``; on a thermal chain (rho^H let in through its ends) ~7-8x.
    record_sites : int or 1-D sequence of int, optional
        Chain masses g whose displacement rho_g is recorded: row k of
        ``chain_displacement`` is the k-th site given (order kept, a repeated site gives
        identical rows). Bools, fractions, text and 2-D input are refused.
    record_every, chain_record_every : int
        Keep every k-th step of the particle record (and of the chain record; default the
        same). Measurements at midpoints need ``record_every=1``.
    energy : bool
        Chain and transparent solvers: also compute the chain's energy every step (the
        transparent solver's is its segment's energy plus what left through its ends).
        It costs: a biased tau = 800 run takes ~5x as long with the chain solver (the sum
        covers the whole sound cone, and far sites can no longer be frozen), ~2x with the
        transparent solver.
        Not for a thermal chain, whose energy is infinite (a finite segment's sum would be
        an artefact of its ends): its Trajectory has no "chain" and "total" energies.
    progress : callable, optional
        Called with the fraction of the planned work (site-updates) done, every percent of
        the steps or so: the chain solver's active width grows with the sound cone (and,
        without ``energy``, shrinks again), the kernel solver's early steps propagate
        their forces furthest, so the fraction of steps would mislead.
    v_runaway : float, optional
        Stop with :class:`SimulationError` once a particle's speed exceeds this.
    kernel_first_site : int, optional
        Kernel solver: first tracked chain mass (default: placed from sigma0 and the sign of
        v0 so the particle has room to move); the store's n_max + 1 masses are tracked.
    omega_T : float, optional
        Temperature k_B T/(hbar Omega_slow) >= 0 of the chain's free motion rho^H (Sec. II,
        Eq. 9): one realization (:class:`chaindrag.thermal.ThermalChain`) on a ring sized
        for the run, the particles' response added on top. None (the default) is the chain
        at rest: every number is then the same as without these arguments. With
        ``"quantum"`` statistics omega_T = 0 is the zero-point motion, not the chain at rest.
    statistics : {"quantum", "classical"}
        Mode occupations: Bose-Einstein with zero point, or equipartition.
    seed : int
        Seed of the realization (>= 0): the same seed gives the same realization, to the
        byte, with every solver.
    thermal : ThermalChain, optional
        A pre-built realization instead of ``omega_T``/``statistics``/``seed`` (giving both is
        an error); its omega_fast must be the run's. Unsized (``n_modes=None``) it is sized
        like the default; sized, its ring must be large enough for the run.
    segment : tuple of int, optional
        Transparent solver: the chain sites [g_lo, g_hi) between its ends, fixed for the
        run; a force coming within 16 sites of an end stops it with SimulationError (which
        names the extent needed). Default: planned from the inputs and extended exactly
        (the new sites re-run from the stored boundary history) as the particles go.
    boundary_store : path, optional
        Transparent solver: directory where the transparent-end data of (omega_fast, d)
        are computed once and kept with provenance (default: ``~/.cache/chaindrag/boundary``
        or under ``$XDG_CACHE_HOME``).
    stop : callable, optional
        Transparent solver: called as ``stop_every`` says with the particles'
        :class:`~chaindrag.trajectory.Trajectory` so far (every step, no chain record);
        returning True ends the run there (``params["tau_end"]`` says when), False goes on
        (any other answer, e.g. None or "no", is refused). For runs whose length is not
        known in advance, e.g. until a drift fate is decided (Fig. 8).
    stop_every : float or sequence of float
        Simulated time between two calls of ``stop``, > 0; or the strictly increasing
        times tau_i > 0 at which to call it (once each, with a trajectory reaching at least
        tau_i; times beyond tau_max are never reached). The run cannot end between two of
        them, so the transparent solver extends its segment at once for the particles'
        predicted path up to the next one (fewer extensions, each re-running the steps so
        far: a tau = 10^4 drift run judged at four stages extends 4 times instead of 13 and
        is 4-9 % faster).

    Returns
    -------
    Trajectory
        ``tau``, ``sigma``, ``velocity`` (central differences of sigma), recorded chain
        displacements (rho^H plus the response at finite temperature), energies
        (particle_kinetic, interaction, bias_work; with the chain or transparent solver,
        ``energy=True`` and the chain at rest also chain and total) and ``params`` (every input, the
        solver, delta, package version; the transparent solver adds
        ``segment``, ``segment_planned``, ``segment_extensions``, ``chain_site_updates``,
        ``end_flux`` and ``transparent_ends`` (k0, exponentials, compression error, store);
        ``interaction`` (the potential's kind)
        and ``interaction_params`` (its parameters), phi0 and lam for the Gaussian;
        omega_T, statistics, seed, n_modes, the interaction window and the realization's
        full provenance, None at rest). ``params`` holds no wall-clock quantity, so the
        same inputs give the same params and, saved, the same store bytes; the time the
        call took is the trajectory's ``wall_time_s`` attribute (in memory only) and is
        logged at INFO by this module's logger (``chaindrag.solvers.simulation``).

    Raises
    ------
    ParameterError
        Bad input, named with its allowed range, including a time step too coarse for the
        interaction (delta |v0| > its width, lam for the Gaussian); a merely marginal step
        gives a TimeStepWarning. Both phi0/lam and interaction, or neither. Numbers must
        be real numbers (not bools or text), scalars one number, flags True or False,
        callbacks callable. Checked before anything is allocated: records, chain segment
        or thermal ring estimated above the memory the process may use (physical memory,
        control-group limit or ``ulimit -v``: :func:`~chaindrag.params.memory_limit`), the
        estimate and its drivers named; positions |sigma0| + |v0| tau_max whose float64
        spacing exceeds 1e-8 x the interaction width
        (:data:`~chaindrag.solvers.checks.POSITION_RESOLUTION`: |sigma| < 2.7e8 for
        lam = 4; shift sigma0 by a multiple of alpha); an interaction of infinite reach.
        Thermal: omega_T negative or not finite, unknown statistics, seed not an integer
        >= 0, a ``thermal`` ring too small for the run or built for another omega_fast.
        ``segment`` with a solver other than the transparent one, or one that does not hold
        the particles' starting reach and the recorded sites. (A thermal chain runs on every
        solver, the transparent one included.)
    StoreError
        Kernel store missing, too short in n or tau, or made for another omega_fast or d.
    SimulationError
        Non-finite positions, a particle reaching delta |v| > width or ``v_runaway``,
        (kernel solver) leaving the tracked segment, (thermal) interacting with a site
        outside the window the ring was sized for, or (transparent solver with a given
        ``segment``) a force within its end margin: says when and where.

    Notes
    -----
    Thermal runs: the ring of the realization is
    :func:`~chaindrag.thermal.ring_size` (tau_max, omega_fast, window) sites, the window
    (``params["thermal_window"]``) holding every site a particle can reach within its
    energy budget (:func:`~chaindrag.solvers.thermal_state.interaction_window`), a
    function of the inputs only. The kernel solver pre-fills its tracked masses with rho^H
    (one inverse FFT per step), the chain solver starts its segment in rho^H at steps 0
    and -1 and makes it wide enough that no wave from its ends reaches the window before
    tau_max; both then agree to rounding, as at rest.

    Examples
    --------
    The Fig. 3 set-up (repulsive, v0 = 120, started midway between masses 5 and 6) for
    tau = 20, with the displacements of the first 50 chain masses every 30 steps:

    >>> import numpy as np
    >>> from chaindrag import simulate
    >>> traj = simulate(alpha=40.0, phi0=20.0, lam=4.0, sigma0=220.0, v0=120.0,
    ...                 tau_max=20.0, record_sites=np.arange(50), chain_record_every=30)
    >>> traj.sigma.shape, traj.chain_displacement.shape
    ((1, 12001), (50, 401))
    >>> bool(traj.velocity[0, -1] < 120.0)  # it has lost speed to the chain
    True
    >>> e = traj.energy["total"]
    >>> bool(abs(e[-1] - e[0]) < 1e-4 * e[0])  # total energy is conserved
    True

    How long the call took is kept beside the run, not in its params (nor in a store):

    >>> traj.wall_time_s > 0, "wall_time_s" in traj.params
    (True, False)

    The same particle in a classical chain at temperature omega_T = 2 (one realization,
    seed 7); the recorded chain now moves before the particle arrives:

    >>> hot = simulate(alpha=40.0, phi0=20.0, lam=4.0, sigma0=220.0, v0=120.0,
    ...                tau_max=2.0, record_sites=[10], omega_T=2.0,
    ...                statistics="classical", seed=7)
    >>> hot.params["omega_T"], hot.params["statistics"], hot.params["seed"]
    (2.0, 'classical', 7)
    >>> bool(abs(hot.chain_displacement[0, 0]) > 0), "total" in hot.energy
    (True, False)

    Another pair potential: the Morse channel of the potentials study (barrier ~1.95 at
    x = 0, well depth 1):

    >>> from chaindrag.interactions import Morse
    >>> morse = simulate(alpha=40.0, interaction=Morse.channel(), sigma0=220.0, v0=40.0,
    ...                  tau_max=2.0)
    >>> morse.params["interaction"], morse.params["interaction_params"]["D"]
    ('morse', 1.0)
    >>> e = morse.energy["total"]
    >>> bool(abs(e[-1] - e[0]) < 1e-4 * morse.energy["particle_kinetic"][0])
    True
    """
    t_start = time.perf_counter()
    inter = _interaction(phi0, lam, interaction)
    chain = _common_checks(alpha, inter, mu, tau_max, omega_fast, d, bias)
    sig0, vel0 = _particles(sigma0, v0)
    backend, memory = _backend(solver, memory, segment, stop)
    energy = check_callbacks(progress, stop, boundary_store, energy)
    record_every, chain_every, sites_rec = _recording(record_every, chain_record_every,
                                                      record_sites)
    if v_runaway is not None:
        require_positive("v_runaway", v_runaway, scalar=True)
    delta = chain.delta
    _check_step(delta, float(np.max(np.abs(vel0))), inter, chain.d, "v0")
    n = _n_steps(tau_max, delta)
    check_record_memory(n, sig0.size, sites_rec.size, chain_every, delta)
    check_resolution(sig0, vel0, float(tau_max), inter)
    bath = thermal_chain(omega_T, statistics, seed, thermal, chain.omega_fast)
    window, reach = None, check_reach(inter, inter.reach())
    if bath is not None:
        check_thermal_step(delta, bath, inter, chain.d)
        reach = thermal_reach(inter, float(alpha), bath)
        budget = dict(tau_max=float(tau_max), alpha=float(alpha), mu=float(mu),
                      bias=float(bias), reach=reach, well_depth=-inter.phi_min,
                      mode_energy=mean_mode_energy(bath), sites_rec=sites_rec)
        # first without the start energy: its sum over the masses in reach must fit too
        check_thermal_window(interaction_window(sig0, vel0, **budget), float(tau_max),
                             chain.omega_fast)
        window = interaction_window(sig0, vel0, **budget, start_energy=start_energy(
            inter, sig0, float(alpha), reach))
        check_thermal_window(window, float(tau_max), chain.omega_fast)
        bath = sized_for_run(bath, float(tau_max), window)

    common = interaction_common(inter, alpha=alpha, mu=mu, bias=bias, delta=delta,
                                v_runaway=v_runaway or 0.0, reach=reach)
    sig_hist = np.zeros((sig0.size, n + 2))
    sig_hist[:, 0] = sig0
    sig_lo = np.zeros_like(sig_hist)
    params = dict(alpha=float(alpha), **interaction_params(inter), mu=float(mu),
                  sigma0=float(sig0[0]) if sig0.size == 1 else sig0.tolist(),
                  v0=float(vel0[0]) if vel0.size == 1 else vel0.tolist(),
                  n_particles=int(sig0.size), bias=float(bias), omega_fast=chain.omega_fast,
                  d=chain.d, delta=delta, tau_max=float(tau_max), n_steps=n, memory=memory,
                  solver=solver, record_every=record_every, chain_record_every=chain_every,
                  force_floor=float(inter.reach_floor), reach=float(reach),
                  chaindrag_version=__version__,
                  **thermal_params(bath, window))
    next_stop = stop_schedule(stop_every, delta)
    check = stop_check(stop, sig_hist, sig_lo, vel0, delta, params)
    job = SolverJob(n=n, tau_max=float(tau_max), sig_hist=sig_hist, sig_lo=sig_lo, vel0=vel0,
                    chain=chain,
                    common=common, e_int=np.zeros(n + 1), sites_rec=sites_rec,
                    chain_every=chain_every,
                    rec_out=np.zeros((sites_rec.size, n // chain_every + 1)),
                    energy=energy and bath is None, progress=progress, memory=memory,
                    kernel_store=kernel_store, kernel_first_site=kernel_first_site,
                    thermal=bath, window=window, segment=segment,
                    boundary_store=boundary_store, stop=check,
                    next_stop=None if check is None else next_stop, interaction=inter)
    result = backend.run(job)
    if result.n_done is not None:  # ended early by stop
        job = replace(job, n=result.n_done)
        params.update(n_steps=result.n_done, tau_end=result.n_done * delta)
    return _trajectory(job, result, record_every, params, t_start)


def _particle_record(job: SolverJob, n: int, delta: float):
    """tau and the central-difference velocity of states 0..n (state n + 1 known)."""
    tau, vel = np.empty(n + 1), np.empty((job.sig_hist.shape[0], n + 1))
    tau[0], vel[:, 0] = 0.0, job.vel0
    fill_particle_record(tau, vel, job.sig_hist, job.sig_lo, 0, n, delta)
    return tau, vel


def _trajectory(job: SolverJob, result: SolverResult, record_every: int, params: dict,
                t_start: float) -> Trajectory:
    """Velocities (central differences), energies and the decimated records of a run."""
    n, sig_hist, delta = job.n, job.sig_hist, job.chain.delta
    mu, bias, alpha = job.common["mu"], job.common["bias"], job.common["alpha"]
    sig0 = sig_hist[:, 0]
    tau_all, vel = _particle_record(job, n, delta)
    keep = slice(0, n + 1, record_every)
    kinetic = 0.5 * mu * (vel / _TWO_PI) ** 2
    energies = {"particle_kinetic": kinetic.sum(axis=0)[keep],
                "interaction": job.e_int[keep],
                "bias_work": (bias / alpha
                              * (sig_hist[:, :n + 1] - sig0[:, None]).sum(axis=0))[keep]}
    if result.e_chain is not None and job.energy:
        energies["chain"] = result.e_chain[keep]
        energies["total"] = (energies["particle_kinetic"] + energies["interaction"]
                             + energies["chain"] - energies["bias_work"])
    params = dict(params, **result.extra)
    n_chain = n // job.chain_every + 1
    wall = time.perf_counter() - t_start
    log.info("simulate: solver=%s, %d particle(s), tau=%g (%d steps) in %.2f s",
             params["solver"], sig_hist.shape[0], n * delta, n, wall)
    return Trajectory(tau=tau_all[keep], sigma=sig_hist[:, :n + 1][:, keep],
                      velocity=vel[:, keep], chain_sites=job.sites_rec,
                      chain_tau=np.arange(n_chain) * job.chain_every * delta,
                      chain_displacement=job.rec_out[:, :n_chain], energy=energies,
                      params=params, wall_time_s=wall)
