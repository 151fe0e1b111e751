"""Numerical-health jobs: energy conservation, chain vs kernel solver, drive mode vs Eq. (33)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..kernel import open_store
from ..solvers import drive, simulate
from ..stores import write_table
from ..tables._common import PathLike, _delta, _with_provenance
from .. import analytic
from ..interactions import interaction_from_config, negated
from .drift import potential_arguments
from .progress import ProgressLog

log = logging.getLogger(__name__)


def run_energy_check(out: PathLike, *, alpha: float, mu: float, v0: float, sigma0: float,
                     tau_max: float, omega_fast: float, d: Sequence[int], solver: str,
                     phi0: float | None = None, lam: float | None = None,
                     interaction: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Energy conservation without bias (Fig. 3 set-up) at each time step d.

    The potential is the Gaussian ``phi0, lam`` or an ``interaction`` spec of config.yaml.
    Rows: quantity 'max_rel_energy_drift' = max |E(tau) - E(0)| / KE(0) and
    'final_rel_energy_drift' = |E(tau_max) - E(0)| / KE(0), with the set-up and sigma0 (the
    start, before chaindrag_version).
    """
    sim_pot, row_pot = potential_arguments(phi0, lam, interaction)
    rows = []
    for dd in d:
        traj = simulate(alpha=alpha, **sim_pot, mu=mu, sigma0=sigma0, v0=v0,
                        tau_max=tau_max, omega_fast=omega_fast, d=int(dd), bias=0.0,
                        solver=solver, record_sites=np.arange(0),
                        progress=ProgressLog(f"energy check d={dd}"))
        total = traj.energy["total"]
        ke0 = traj.energy["particle_kinetic"][0]
        dev = np.abs(total - total[0]) / ke0
        for quantity, value in (("max_rel_energy_drift", float(dev.max())),
                                ("final_rel_energy_drift", float(dev[-1]))):
            rows.append(dict(check="energy_conservation", quantity=quantity, value=value,
                             d=int(dd), delta=_delta(omega_fast, int(dd)), tau_max=tau_max,
                             alpha=alpha, **row_pot, mu=mu, v0=v0,
                             omega_fast=omega_fast, solver=solver))
    df = _with_provenance(pd.DataFrame(rows), sigma0=float(sigma0))
    write_table(df, out)
    return df


def run_solver_check(out: PathLike, kernel: PathLike, *, alpha: float, mu: float, v0: float,
                     sigma0: float, tau_max: float, phi0: float | None = None,
                     lam: float | None = None,
                     interaction: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Chain solver against the kernel and transparent solvers (same set-up, same time step)
    on the Fig. 3 set-up.

    The potential is the Gaussian ``phi0, lam`` or an ``interaction`` spec of config.yaml.
    Rows per pair (``solver`` = "chain|kernel", "chain|transparent"): max |sigma_chain -
    sigma_other|, max |v_chain - v_other|, the largest value of |v| (scale) over the run and
    both final positions; the kernel solver reads the precomputed store ``kernel``. Every
    row carries sigma0 (the start) and kernel_store (the store's name) before
    chaindrag_version.
    """
    sim_pot, row_pot = potential_arguments(phi0, lam, interaction)
    store = open_store(kernel)
    runs = {}
    for solver in ("chain", "kernel", "transparent"):
        runs[solver] = simulate(alpha=alpha, **sim_pot, mu=mu, sigma0=sigma0, v0=v0,
                                tau_max=tau_max, omega_fast=store.omega_fast, d=store.d,
                                bias=0.0, solver=solver,
                                kernel_store=store if solver == "kernel" else None,
                                record_sites=np.arange(0),
                                progress=ProgressLog(f"solver check {solver}"))
    a = runs["chain"]
    records = []
    for other in ("kernel", "transparent"):
        b = runs[other]
        n = min(a.tau.size, b.tau.size)
        rows = [("max_abs_sigma_diff", np.max(np.abs(a.sigma[0, :n] - b.sigma[0, :n]))),
                ("max_abs_velocity_diff", np.max(np.abs(a.velocity[0, :n] - b.velocity[0, :n]))),
                ("velocity_scale", np.max(np.abs(a.velocity[0, :n]))),
                ("final_sigma_chain", a.sigma[0, n - 1]),
                (f"final_sigma_{other}", b.sigma[0, n - 1])]
        records += [dict(check="solver_agreement", quantity=q, value=float(v), d=store.d,
                         delta=_delta(store.omega_fast, store.d), tau_max=tau_max, alpha=alpha,
                         **row_pot, mu=mu, v0=v0, omega_fast=store.omega_fast,
                         solver=f"chain|{other}") for q, v in rows]
    df = _with_provenance(pd.DataFrame(records), sigma0=float(sigma0),
                          kernel_store=Path(kernel).name)
    write_table(df, out)
    return df


def _drive_signs(phi0, lam, interaction: Mapping[str, Any] | None) -> dict[float, dict]:
    """{sign: drive() keywords of the potential}: +-phi0, or the spec's Phi and -Phi
    (:func:`~chaindrag.interactions.negated`: for morse and lennard_jones the sign flipped)."""
    if interaction is None:
        return {sign: dict(phi0=sign * abs(phi0), lam=lam) for sign in (1.0, -1.0)}
    inter = interaction_from_config(interaction)
    return {1.0: dict(interaction=inter), -1.0: dict(interaction=negated(inter))}


#: drive()'s own settings a row names: the start and window it chose, its mode and solver
_DRIVE_SETTINGS = ("mu", "sigma0", "window", "solver", "chain_solver")


def run_drive_check(out: PathLike, *, alpha: float, v: Sequence[float], tau_max: float,
                    omega_fast: float, d: int, phi0: float | None = None,
                    lam: float | None = None,
                    interaction: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Particle dragged at constant speed: measured mean loss per site vs Eq. (33) (Sec. VI).

    Each speed is run at +phi0 and -phi0. Eq. (33) is the O(phi0^2) term of the loss; the
    next term is odd in phi0, so the mean of the two signs (``delta_bar_even``) isolates the
    term Eq. (33) predicts, while each sign alone carries the O(phi0^3) correction. With an
    ``interaction`` spec the two signs are Phi and -Phi (the amplitude negated where the kind
    has one, else the sign flipped: :func:`~chaindrag.interactions.negated`), and the rows
    carry ``delta_bar_analytic`` (Eq. 33 of the potential) and its JSON in ``interaction``.
    """
    signs = _drive_signs(phi0, lam, interaction)
    _, row_pot = potential_arguments(phi0, lam, interaction)
    inter = signs[1.0].get("interaction")
    rows = []
    for speed in v:
        t0 = time.perf_counter()
        res = {sign: drive(alpha=alpha, **pot, v=float(speed), tau_max=tau_max,
                           omega_fast=omega_fast, d=d) for sign, pot in signs.items()}
        rep = res[1.0].delta_bar
        att = res[-1.0].delta_bar
        log.info("drive v=%g: Delta_bar=%.6g (phi0>0), %.6g (phi0<0) in %.1f s", speed, rep,
                 att, time.perf_counter() - t0)
        row = dict(v=float(speed), delta_bar_numeric=rep, delta_bar_attractive=att,
                   delta_bar_even=0.5 * (rep + att),
                   delta_bar_chain_energy=res[1.0].delta_bar_chain_energy,
                   tau_start=res[1.0].tau_start, tau_end=res[1.0].tau_end,
                   tau_max=tau_max, d=d, alpha=alpha, phi0=abs(row_pot["phi0"]),
                   lam=row_pot["lam"], omega_fast=omega_fast,
                   **{k: res[1.0].params[k] for k in _DRIVE_SETTINGS})
        if inter is not None:
            row["delta_bar_analytic"] = float(analytic.steady_state_loss(
                float(speed), alpha=alpha, omega_fast=omega_fast, interaction=inter))
            row["interaction"] = row_pot["interaction"]
        rows.append(row)
    df = _with_provenance(pd.DataFrame(rows))
    write_table(df, out)
    return df
