"""Thermal drift: Fig. 8's biased runs in a thermal realization, and their midpoint speeds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...solvers import simulate
from ...stores import write_table
from ...tables._common import PathLike, _with_provenance
from ...trajectory import midpoint_speeds
from ..drift import potential_arguments
from ..progress import ProgressLog
from .bath import bath


def thermal_drift(*, alpha: float, mu: float, bias: float,
                  sigma0: float, v0: float, omega_T: float, statistics: str, seed: int,
                  tau_max: float, omega_fast: float, d: int, solver: str,
                  phi0: float | None = None, lam: float | None = None,
                  interaction: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One biased run (Fig. 8 set-up) in one realization: its midpoint speeds.

    Columns: omega_T, statistics, seed, phi0, lam[, interaction], alpha, mu, bias, v0,
    tau_max, n_modes, tau, v, sigma, direction, the provenance and sigma0.
    """
    sim_pot, row_pot = potential_arguments(phi0, lam, interaction)
    traj = simulate(alpha=alpha, **sim_pot, mu=mu, sigma0=sigma0, v0=v0,
                    tau_max=tau_max, omega_fast=omega_fast, d=d, bias=bias, solver=solver,
                    record_sites=np.arange(0), energy=False,
                    progress=ProgressLog(f"thermal drift T={omega_T:g} v0={v0:g} seed={seed}"),
                    **bath(omega_T, statistics, seed))
    m = midpoint_speeds(traj)
    return _with_provenance(pd.DataFrame(dict(
        omega_T=float(omega_T), statistics=statistics, seed=int(seed), **row_pot,
        alpha=alpha, mu=mu, bias=bias, v0=float(v0), tau_max=tau_max,
        n_modes=traj.params.get("n_modes"), tau=m["tau"], v=m["v"], sigma=m["sigma"],
        direction=m["direction"])), omega_fast=omega_fast, d=d, solver=solver, sigma0=sigma0)


def run_thermal_drift_batch(runs: Sequence[Mapping[str, Any]], out: PathLike) -> pd.DataFrame:
    """Run :func:`thermal_drift` for every keyword dict in ``runs``; write one table."""
    df = pd.concat([thermal_drift(**run) for run in runs], ignore_index=True)
    write_table(df, out)
    return df
