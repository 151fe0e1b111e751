"""Numerical-health reductions: drive-mode Delta_bar vs Eq. (33), energy/time-step/solver checks."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from .. import analytic
from ..stores import write_table
from ._common import PathLike, _delta, _read_all, _sorted, _version_last, _with_provenance


def steady_state_drive_table(drive: PathLike, table: PathLike) -> pd.DataFrame:
    """steady_state_drive.csv: drive-mode Delta_bar next to Eq. (33) and its script variant.

    Runs of another pair potential (an ``interaction`` column) keep the job's
    ``delta_bar_analytic`` (Eq. 33 of that potential) and their ``interaction``; the script
    variant, the Gaussian's only, is NaN for them.
    """
    df = pd.read_csv(drive)
    other = "interaction" in df.columns and df["interaction"].notna().any()
    if other:
        df["delta_bar_script"] = math.nan
    else:
        args = (df["v"].to_numpy(), df["phi0"].to_numpy(), df["lam"].to_numpy(),
                df["alpha"].to_numpy(), float(df["omega_fast"].iloc[0]))
        df["delta_bar_analytic"] = analytic.steady_state_loss(*args)
        df["delta_bar_script"] = analytic.steady_state_loss_script_variant(*args)
    df["rel_error"] = df["delta_bar_numeric"] / df["delta_bar_analytic"] - 1.0
    df["rel_error_attractive"] = df["delta_bar_attractive"] / df["delta_bar_analytic"] - 1.0
    df["rel_error_even"] = df["delta_bar_even"] / df["delta_bar_analytic"] - 1.0
    df["rel_error_script"] = df["delta_bar_even"] / df["delta_bar_script"] - 1.0
    cols = ["v", "delta_bar_numeric", "delta_bar_attractive", "delta_bar_even",
            "delta_bar_analytic", "delta_bar_script", "rel_error", "rel_error_attractive",
            "rel_error_even", "rel_error_script", "delta_bar_chain_energy", "tau_start",
            "tau_end", "tau_max", "d", "alpha", "phi0", "lam", "omega_fast", "solver"]
    # drive's own settings (batches written before they were recorded lack them)
    cols += [c for c in ("chain_solver", "mu", "sigma0", "window") if c in df.columns]
    df = _sorted(df[cols + (["interaction"] if other else []) + ["chaindrag_version"]], ["v"])
    write_table(df, table)
    return df


def numerical_health_table(energy: PathLike, timestep: Sequence[PathLike], solvers: PathLike,
                           table: PathLike) -> pd.DataFrame:
    """numerical_health.csv: energy drift at d and 2d, single-pass losses under halved delta,
    chain vs kernel and chain vs transparent solver agreement. One row per (check, quantity,
    d, run, solver pair), each with the run's sigma0 (the start) and, for the solver pairs,
    kernel_store (the kernel solver's store) before chaindrag_version."""
    parts = [pd.read_csv(energy), pd.read_csv(solvers)]
    ts = _read_all(timestep)
    if len(ts):
        ts = ts.sort_values(["phi0", "v0", "d"], kind="mergesort")
        ts_rows = [dict(check="timestep_convergence", quantity="single_pass_loss",
                        value=r.delta_numeric, d=int(r.d), delta=_delta(r.omega_fast, r.d),
                        tau_max=r.tau_max, alpha=r.alpha, phi0=r.phi0, lam=r.lam, mu=r.mu,
                        v0=r.v0, omega_fast=r.omega_fast, solver=r.solver,
                        sigma0=getattr(r, "sigma0", math.nan))
                   for r in ts.itertuples()]
        for (phi0, v0), grp in ts.groupby(["phi0", "v0"], sort=True):
            grp = grp.sort_values("d")
            if len(grp) >= 2:
                coarse, fine = grp.iloc[0], grp.iloc[-1]
                ts_rows.append(dict(
                    check="timestep_convergence", quantity="rel_change_halved_delta",
                    value=abs(coarse.delta_numeric - fine.delta_numeric) / abs(fine.delta_numeric),
                    d=int(coarse.d), delta=_delta(coarse.omega_fast, coarse.d),
                    tau_max=coarse.tau_max, alpha=coarse.alpha, phi0=phi0, lam=coarse.lam,
                    mu=coarse.mu, v0=v0, omega_fast=coarse.omega_fast, solver=coarse.solver,
                    sigma0=coarse.get("sigma0", math.nan)))
        parts.append(_with_provenance(pd.DataFrame(ts_rows)))
    df = _version_last(pd.concat(parts, ignore_index=True))
    write_table(df, table)
    return df
