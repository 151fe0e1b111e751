"""Trajectory jobs: one unbiased run (Figs. 3, 4a/b, 7) or one biased run (Fig. 8) to a store."""

from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd

from ..solvers import simulate
from ..stores import save_trajectory, write_table
from ..tables._common import PathLike, _delta, _with_provenance
from ..trajectory import Trajectory, midpoint_speeds
from .progress import ProgressLog

log = logging.getLogger(__name__)


def run_trajectory(out: PathLike, *, alpha: float, phi0: float, lam: float, mu: float,
                   v0: float, sigma0: float, tau_max: float, omega_fast: float, d: int,
                   solver: str, n_sites: int, chain_record_dtau: float) -> Trajectory:
    """Simulate one unbiased trajectory and save it as a zarr store (Figs. 3, 4a/b, 7).

    Chain masses g = 0..n_sites-1 are recorded every ``chain_record_dtau`` (heat map of Fig. 3);
    the particle is recorded every step (per-pass losses need full resolution).
    """
    delta = _delta(omega_fast, d)
    every = max(1, round(chain_record_dtau / delta)) if n_sites else 1
    t0 = time.perf_counter()
    traj = simulate(alpha=alpha, phi0=phi0, lam=lam, mu=mu, sigma0=sigma0, v0=v0,
                    tau_max=tau_max, omega_fast=omega_fast, d=d, bias=0.0, solver=solver,
                    record_sites=np.arange(n_sites), chain_record_every=every,
                    progress=ProgressLog(f"trajectory phi0={phi0:+g}"))
    log.info("simulated tau_max=%g in %.1f s", tau_max, time.perf_counter() - t0)
    save_trajectory(traj, out)
    return traj


def run_drift(store: PathLike, midpoints: PathLike, *, alpha: float, phi0: float, lam: float,
              mu: float, bias: float, sigma0: float, omega_fast: float, d: int, solver: str,
              tau_max: float, store_dtau: float, v0: float) -> pd.DataFrame:
    """One biased run of Fig. 8: midpoint speeds at full resolution, then a decimated store.

    Writes ``midpoints`` (columns phi0, lam, alpha, mu, bias, v0, tau_max, tau, v, sigma,
    direction, omega_fast, d, solver, chaindrag_version) and the trajectory store ``store``
    keeping one record every ``store_dtau`` (the midpoints need every step, the store does not).
    """
    t0 = time.perf_counter()
    traj = simulate(alpha=alpha, phi0=phi0, lam=lam, mu=mu, sigma0=sigma0, v0=v0,
                    tau_max=tau_max, omega_fast=omega_fast, d=d, bias=bias, solver=solver,
                    record_sites=np.arange(0), energy=False,
                    progress=ProgressLog(f"drift v0={v0:g}"))
    log.info("simulated tau_max=%g in %.1f s", tau_max, time.perf_counter() - t0)
    mids = midpoint_speeds(traj)
    df = _with_provenance(pd.DataFrame({
        "phi0": phi0, "lam": lam, "alpha": alpha, "mu": mu, "bias": bias, "v0": v0,
        "tau_max": tau_max, "tau": mids["tau"], "v": mids["v"], "sigma": mids["sigma"],
        "direction": mids["direction"]}), omega_fast=omega_fast, d=d, solver=solver)
    write_table(df, midpoints)
    save_trajectory(traj, store, decimate=max(1, round(store_dtau / _delta(omega_fast, d))))
    return df
