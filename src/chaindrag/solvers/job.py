"""What :func:`~chaindrag.solvers.simulate` hands a solver backend, and what it gets back.

A backend (one module per solver, one entry in ``simulation._BACKENDS``) receives a
:class:`SolverJob` — validated inputs and preallocated outputs, filled in place — and
returns a :class:`SolverResult`. :class:`ProgressReporter` turns work counts into the
fraction the user's ``progress`` callback sees.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..params import ChainParams


@dataclass(frozen=True)
class SolverJob:
    """Validated inputs of one run and the arrays a backend fills.

    Attributes
    ----------
    n : int
        Number of steps; states 0..n are computed.
    tau_max : float
        The requested duration (n = floor(tau_max / delta)).
    sig_hist : ndarray, shape (n_particles, n + 2)
        Particle positions sigma_p at every step; column 0 holds sigma0 on entry.
    vel0 : ndarray, shape (n_particles,)
        Initial speeds.
    chain : ChainParams
        omega_fast, d and delta = 1/(d omega_fast).
    common : dict
        The particle and its pair potential (:func:`~chaindrag.solvers.checks.interaction_common`):
        alpha, kind and params (the potential for
        :func:`chaindrag.interactions.interaction_forces`), mu, bias, delta, reach (where
        |Phi'| falls below 1e-20), dv_limit (the potential's width: the run stops when a
        particle moves more per step), width_name (how messages call it) and v_runaway
        (0 = none).
    e_int : ndarray, shape (n + 1,)
        Interaction energy at every step (output).
    sites_rec : ndarray of int64
        Chain masses whose displacement is recorded.
    chain_every : int
        Record the chain every ``chain_every`` steps into ``rec_out`` (output, shape
        (len(sites_rec), n // chain_every + 1)).
    rec_out : ndarray
        Recorded chain displacements (output).
    energy : bool
        Compute the chain's energy (chain solver).
    progress : callable or None
        The user's callback, see :class:`ProgressReporter`.
    memory : float
        Kernel truncation tau_0 (inf: the whole history).
    kernel_store : KernelStore, path or None
        Kernel solver: the precomputed Gamma_n(l delta).
    kernel_first_site : int or None
        Kernel solver: first tracked chain mass (None: placed automatically).
    thermal : ThermalChain or None
        The free thermal motion rho^H the chain starts in (sized for the run), or None for
        the chain at rest (:mod:`chaindrag.solvers.thermal_state`).
    window : tuple of int or None
        With ``thermal``: the sites [lo, hi) the particles may interact with; the ring is
        exact over them for the whole run, and a particle leaving them stops it.
    segment : tuple of int or None
        Transparent solver: the chain sites [g_lo, g_hi) between its ends, fixed for the
        run (None: planned from the inputs and extended exactly as the particles go).
    boundary_store : path or None
        Transparent solver: directory of the transparent-end data (None: the user cache).
    stop : callable or None
        Called as ``stop(n)`` with the last complete step n (state n + 1 also computed) once
        the run has passed a step of ``next_stop``; True ends the run there (transparent
        solver).
    next_stop : callable or None
        ``next_stop(b)``: the first step after b at which ``stop`` is due (the run reaches
        it before ``stop`` can end it; > ``n`` when no call is due any more).
    interaction : Interaction or None
        The pair potential of ``common`` as an object (the transparent solver plans a drift
        run's segment with its Eq. (33) loss); None where no caller gave it.
    sig_lo : ndarray, shape of ``sig_hist``
        The positions' second words: sigma_p = sig_hist + sig_lo
        (:func:`~chaindrag.solvers._common.advance_particles`); zeros when not given.
    """

    n: int
    tau_max: float
    sig_hist: np.ndarray
    vel0: np.ndarray
    chain: ChainParams
    common: dict
    e_int: np.ndarray
    sites_rec: np.ndarray
    chain_every: int
    rec_out: np.ndarray
    energy: bool = True
    progress: Callable[[float], None] | None = None
    memory: float = math.inf
    kernel_store: Any = None
    kernel_first_site: int | None = None
    thermal: Any = None
    window: tuple[int, int] | None = None
    segment: tuple[int, int] | None = None
    boundary_store: Any = None
    stop: Callable[[int], bool] | None = None
    next_stop: Callable[[int], int] | None = None
    sig_lo: np.ndarray | None = None
    interaction: Any = None

    def __post_init__(self):
        if self.sig_lo is None:
            object.__setattr__(self, "sig_lo", np.zeros_like(self.sig_hist))


@dataclass(frozen=True)
class SolverResult:
    """What a backend adds to the filled :class:`SolverJob`.

    Attributes
    ----------
    extra : dict
        Solver-specific provenance, merged into ``Trajectory.params``.
    e_chain : ndarray or None
        The chain's energy at every step, if the backend computes it.
    n_done : int or None
        The last complete step when ``stop`` ended the run early (None: all ``n`` steps).
    """

    extra: dict
    e_chain: np.ndarray | None = None
    n_done: int | None = None


class ProgressReporter:
    """Hands ``progress`` the fraction of the planned work (site-updates) done.

    The fraction is min(done / planned, 1), never decreasing (a re-plan may raise the
    planned total) and exactly 1.0 once the run is complete.
    """

    def __init__(self, callback: Callable[[float], None] | None):
        self.callback = callback
        self.fraction = 0.0

    def __call__(self, done: float, planned: float, finished: bool = False) -> None:
        if self.callback is None:
            return
        frac = 1.0 if finished or planned <= 0 else min(done / planned, 1.0)
        self.fraction = max(self.fraction, frac)
        self.callback(self.fraction)


def fill_particle_record(tau, vel, sig_hist, sig_lo, k: int, n: int, delta: float) -> None:
    """States k+1..n of a run's particle record: tau = b delta and the central difference.

    ``vel[:, b]`` = (sigma(b + 1) - sigma(b - 1)) / 2 delta (state n + 1 must be known),
    sigma in two words (``sig_hist`` + ``sig_lo``): the high words' difference is exact
    for a step within one binade, so the speed keeps all its digits. One formula for the
    final record and the record ``stop`` sees as the run goes.
    """
    tau[k + 1:n + 1] = np.arange(k + 1, n + 1) * delta
    vel[:, k + 1:n + 1] = ((sig_hist[:, k + 2:n + 2] - sig_hist[:, k:n])
                           + (sig_lo[:, k + 2:n + 2] - sig_lo[:, k:n])) / (2.0 * delta)
