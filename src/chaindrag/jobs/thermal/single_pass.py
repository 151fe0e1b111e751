"""Thermal single passes (Sec. V protocol): many independent passes in one realization.

Several particles share one realization, spaced by :func:`pass_spacing` sites, beyond which
neither one particle's wake nor the thermal correlations (to e^-36) connect two particles
during the run: each is an independent pass, and one solver call (one ring, one segment)
serves them all. A pass's loss is KE(start) - KE(next midpoint)
(:func:`chaindrag.trajectory.single_pass_loss`), its first-order thermal work alongside.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ...interactions import Gaussian, Interaction
from ...params import ParameterError
from ...solvers import simulate
from ...stores import write_table
from ...tables._common import PathLike, _with_provenance
from ...thermal import ThermalChain, airy_margin, front_speed
from ...trajectory import first_order_thermal_work, single_pass_loss
from ..drift import potential_arguments
from ..progress import ProgressLog
from .bath import REST, bath

log = logging.getLogger(__name__)


def pass_spacing(tau_max: float, alpha: float, phi0: float | None, lam: float | None,
                 v0: float, omega_fast: float, *,
                 interaction: Interaction | None = None) -> int:
    """Sites between particles that make their passes independent during ``tau_max``.

    pi (omega_fast - 1) tau_max + airy_margin(tau_max) (the sound cone with its Airy tail
    and the e^-36 decay of the static correlations, :func:`chaindrag.thermal.airy_margin`)
    plus the particle's travel and twice the interaction's reach (the Gaussian ``phi0,
    lam``'s, or the ``reach()`` of another potential given as ``interaction``).
    """
    cutoff = (Gaussian(phi0, lam) if interaction is None else interaction).reach()
    reach = math.ceil(cutoff / alpha)
    travel = math.ceil(abs(v0) * tau_max / alpha) + 2
    return math.ceil(front_speed(omega_fast) * tau_max + airy_margin(tau_max, omega_fast)) \
        + travel + 2 * reach + 2


def thermal_single_passes(*, alpha: float, mu: float, v0: float,
                          omega_T: float, statistics: str, seed: int, n_particles: int,
                          omega_fast: float, d: int, solver: str, run_length: float,
                          phi0: float | None = None, lam: float | None = None,
                          interaction: Mapping[str, Any] | None = None,
                          max_extensions: int = 2, mirror: bool = False) -> list[dict]:
    """``n_particles`` independent single passes (Sec. V protocol) in one realization.

    Particle k starts midway between masses g_k and g_k + 1 (g_k = 5 + k * spacing) with
    speed v0; its loss is KE(start) - KE(next midpoint), measured from the displaced mass
    (:func:`chaindrag.trajectory.single_pass_loss`). The run lasts ``run_length alpha/v0``,
    doubled (up to ``max_extensions`` times, for every particle) while a particle has
    neither reached the next midpoint nor turned back. At rest one particle is enough.
    ``mirror=True`` runs the mirror image -rho^H of realization ``seed``
    (:meth:`~chaindrag.thermal.ThermalChain.mirrored`): with the unmirrored run it makes
    antithetic pairs, whose mean cancels the loss's terms odd in rho^H.

    Returns
    -------
    list of dict
        One row per pass: omega_T, statistics, seed, mirror, particle, v0, sigma0, passed, delta,
        first_order_work (:func:`~chaindrag.trajectory.first_order_thermal_work`, 0 at rest),
        kinetic_start, kinetic_cross, tau_cross, v_cross, tau_max, spacing, n_modes and the
        set-up (alpha, phi0, lam[, interaction], mu, omega_fast, d, solver).
    """
    sim_pot, row_pot = potential_arguments(phi0, lam, interaction)
    if not isinstance(mirror, (bool, np.bool_)):
        raise ParameterError(f"mirror must be True or False, got {mirror!r}")
    realization = None
    if statistics == REST:
        bath(omega_T, statistics, seed)  # refuses omega_T != 0
        if mirror:
            raise ParameterError("mirror=True needs a thermal chain: the chain at rest "
                                 "(statistics='rest') has no free motion to mirror")
    else:
        realization = ThermalChain(omega_T, statistics=statistics, seed=seed,
                                   omega_fast=omega_fast, mirror=bool(mirror))
    n = 1 if realization is None else int(n_particles)
    tau_max = run_length * alpha / v0
    for attempt in range(max_extensions + 1):
        spacing = pass_spacing(tau_max, alpha, phi0, lam, v0, omega_fast,
                               interaction=sim_pot.get("interaction"))
        g = 5 + spacing * np.arange(n)
        traj = simulate(alpha=alpha, **sim_pot, mu=mu, sigma0=alpha * (g + 0.5),
                        v0=np.full(n, float(v0)), tau_max=tau_max, omega_fast=omega_fast, d=d,
                        solver=solver, record_sites=g + 1, chain_record_every=1,
                        energy=False, thermal=realization)
        try:
            passes = [single_pass_loss(traj, particle=k) for k in range(n)]
            break
        except ParameterError as exc:
            if "too short" not in str(exc) or attempt == max_extensions:
                raise
            log.info("v0=%g omega_T=%g seed=%d: %s; doubling tau_max", v0, omega_T, seed, exc)
            tau_max *= 2.0
    work = np.zeros(n) if realization is None else first_order_thermal_work(
        replace(realization, n_modes=traj.params["n_modes"]), traj.interaction, g + 1, alpha,
        v0)
    common = dict(omega_T=float(omega_T), statistics=statistics, seed=int(seed),
                  mirror=bool(mirror), v0=float(v0),
                  tau_max=tau_max, spacing=spacing, n_modes=traj.params.get("n_modes"),
                  alpha=alpha, **row_pot, mu=mu, omega_fast=omega_fast, d=d, solver=solver)
    return [dict(common, particle=k, sigma0=float(traj.sigma[k, 0]), passed=bool(p.passed),
                 delta=p.delta, first_order_work=float(work[k]), kinetic_start=p.kinetic_start,
                 kinetic_cross=p.kinetic_cross, tau_cross=p.tau_cross, v_cross=p.v_cross)
            for k, p in enumerate(passes)]


def run_thermal_single_pass_batch(runs: Sequence[Mapping[str, Any]],
                                  out: PathLike) -> pd.DataFrame:
    """Run :func:`thermal_single_passes` for every keyword dict in ``runs``; write ``out``."""
    rows: list[dict] = []
    progress = ProgressLog(f"{len(runs)} thermal realizations of single passes", every=5.0)
    for i, run in enumerate(runs):
        rows.extend(thermal_single_passes(**run))
        progress((i + 1) / len(runs))
    df = _with_provenance(pd.DataFrame(rows))
    write_table(df, out)
    return df
