"""Trajectory jobs: one unbiased run (Figs. 3, 4a/b, 7) to a store; a batch of Fig. 8 drift runs."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..params import ParameterError
from ..solvers import simulate
from ..stores import save_trajectory, write_table
from ..tables._common import PathLike, _delta, _with_provenance
from ..trajectory import Trajectory
from .drift import (LONG_COLUMNS, SPEED_COLUMNS, Continuation, potential_columns,
                    potential_keywords, settle_drift_run)
from .progress import ProgressLog

log = logging.getLogger(__name__)

# the parameters naming a drift run after its potential's columns (phi0, lam[, interaction])
_IDENT = ("alpha", "mu", "bias", "v0")


def run_trajectory(out: PathLike, *, alpha: float, mu: float, v0: float, sigma0: float,
                   tau_max: float, omega_fast: float, d: int, solver: str, n_sites: int,
                   chain_record_dtau: float, phi0: float | None = None, lam: float | None = None,
                   interaction: Mapping[str, Any] | None = None) -> Trajectory:
    """Simulate one unbiased trajectory and save it as a zarr store (Figs. 3, 4a/b, 7).

    Chain masses g = 0..n_sites-1 are recorded every ``chain_record_dtau`` (heat map of Fig. 3;
    rounded to a whole number of steps, at least one);
    the particle is recorded every step (per-pass losses need full resolution). The potential
    is the Gaussian ``phi0, lam`` or an ``interaction`` spec of config.yaml
    (:func:`chaindrag.interactions.interaction_from_config`); the store's params name it.
    The run's wall time goes to the log (simulate logs it), not into the store.
    """
    delta = _delta(omega_fast, d)
    if n_sites and not chain_record_dtau >= 0.5 * delta:
        raise ParameterError(
            f"chain_record_dtau must be >= delta/2 = {0.5 * delta:.6g} (chain records are "
            f"taken every round(chain_record_dtau/delta) >= 1 steps of delta = 1/(d "
            f"omega_fast)) when n_sites > 0, got {chain_record_dtau!r}")
    every = max(1, round(chain_record_dtau / delta)) if n_sites else 1  # round(0.5) is 0
    sim_pot, label = potential_keywords(phi0, lam, interaction)
    traj = simulate(alpha=alpha, **sim_pot, mu=mu, sigma0=sigma0, v0=v0,
                    tau_max=tau_max, omega_fast=omega_fast, d=d, bias=0.0, solver=solver,
                    record_sites=np.arange(n_sites), chain_record_every=every,
                    progress=ProgressLog(f"trajectory {label}"))
    save_trajectory(traj, out)
    return traj


def run_drift(midpoints: PathLike, fates: PathLike, long: PathLike, *,
              runs: Sequence[Mapping[str, Any]], tau_max: float,
              continuation: Mapping[str, Any]) -> pd.DataFrame:
    """A batch of biased runs of Fig. 8, each settled (:func:`.drift.settle_drift_run`).

    Parameters
    ----------
    midpoints, fates, long : path
        Tables written (atomically): every run's speeds up to ``tau_max`` (columns phi0,
        lam, alpha, mu, bias, v0, tau_max, tau, v, sigma, direction, tau_midpoint,
        v_midpoint and provenance; with an ``interaction`` spec phi0 and lam are Phi(0) and
        the force width, and an ``interaction`` column follows lam; sigma0, the start,
        before chaindrag_version); one fate row per run (with sigma0, no wall time);
        the continued runs' speeds (decimated to :data:`.drift.LONG_POINTS` rows per run;
        may be empty).
    runs : sequence of mapping
        Keywords of :func:`.drift.measure_drift` except ``tau_end``, one per run.
    tau_max : float
        Run length of the figure's panels.
    continuation : mapping
        solver, stages and tau_cap of :class:`.drift.Continuation`.

    Returns
    -------
    pandas.DataFrame
        The fates of the batch.
    """
    cont = Continuation(solver=continuation["solver"], stages=tuple(continuation["stages"]),
                        tau_cap=float(continuation["tau_cap"]))
    if not runs:
        raise ParameterError("runs must hold at least one drift run, got none")
    panels, longs, rows = [], [], []
    for run in runs:
        run = dict(run)
        res = settle_drift_run(run, tau_max=float(tau_max), continuation=cont)
        ident = {**potential_columns(run), **{k: run[k] for k in _IDENT}}
        prov = dict(omega_fast=run["omega_fast"], d=run["d"])
        start = dict(sigma0=float(run["sigma0"]))  # appended before chaindrag_version
        panels.append(_with_provenance(res.panel.assign(**ident, tau_max=tau_max)[
            [*ident, "tau_max", *SPEED_COLUMNS]], **prov, solver=run["solver"], **start))
        if res.long is not None:
            longs.append(_with_provenance(res.long.assign(**ident)[[*ident, *LONG_COLUMNS]],
                                          **prov, solver=res.fate["solver"], **start))
        rows.append({**ident, "tau_max": tau_max, **res.fate, **prov, **start})
    write_table(pd.concat(panels, ignore_index=True), midpoints)
    empty = _with_provenance(pd.DataFrame(columns=[*ident, *LONG_COLUMNS]), omega_fast=None,
                             d=None, solver=None, sigma0=None)
    write_table(pd.concat(longs, ignore_index=True) if longs else empty, long)
    out = _with_provenance(pd.DataFrame(rows))
    write_table(out, fates)
    return out
