"""Checks of the thermal machinery: the sampler against the closed forms, and the solvers.

The sampler check sets realizations of the homogeneous part of Eq. (12) (no particle)
against the infinite chain's closed forms (:mod:`chaindrag.thermal.closed_forms`); the
solver check runs the chain, kernel and transparent solvers on one realization.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...kernel import open_store
from ...solvers import simulate
from ...stores import write_table
from ...tables._common import PathLike, _with_provenance
from ...thermal import ThermalChain, correlation, displacement_variance, velocity_variance
from ..drift import potential_arguments
from .bath import bath

_TWO_PI = 2.0 * math.pi


def _sampler_estimates(chain: ThermalChain, lags: np.ndarray, origins: np.ndarray) -> dict:
    """One realization's site-and-time averages of the closed-form statistics."""
    n = chain.n_modes
    times = (origins[:, None] + np.concatenate([[0.0], lags])[None, :]).ravel()
    rho = chain.field(0, n, times, check_ring=False).reshape(origins.size, lags.size + 1, n)
    vel = chain.field(0, n, origins, check_ring=False, kind="velocity") / _TWO_PI
    r0 = rho[:, 0]
    est = {("displacement_variance", 0.0): float(np.mean(r0 * r0)),
           ("velocity_variance", 0.0): float(np.mean(vel * vel)),
           ("neighbour_correlation", 0.0): float(np.mean(r0 * np.roll(r0, -1, axis=1)))}
    for i, lag in enumerate(lags):
        est[("time_correlation", float(lag))] = float(np.mean(rho[:, i + 1] * r0))
    return est


def _closed_form(quantity: str, lag: float, omega_T: float, statistics: str,
                 omega_fast: float) -> float:
    if quantity == "displacement_variance":
        return displacement_variance(omega_T, statistics, omega_fast)
    if quantity == "velocity_variance":
        return velocity_variance(omega_T, statistics, omega_fast)
    if quantity == "neighbour_correlation":
        return correlation(1, 0.0, omega_T, statistics, omega_fast)
    return correlation(0, lag, omega_T, statistics, omega_fast)


def run_thermal_sampler_check(out: PathLike, *, omega_T: Sequence[float],
                              statistics: Sequence[str], n_modes: int, seeds: int,
                              lags: Sequence[float], origins: int,
                              omega_fast: float) -> pd.DataFrame:
    """Realizations against the closed forms of the infinite chain (no particle).

    For every (statistics, omega_T), ``seeds`` realizations on a ring of ``n_modes`` sites,
    each averaged over all sites at ``origins`` times 1 t_slow apart: <rho^2>,
    <(rho'/2 pi)^2>, <rho_n rho_{n+1}> and C_0(tau) = <rho_n(t + tau) rho_n(t)> at each lag.
    Rows: statistics, omega_T, quantity, lag, measured (mean over seeds), std_error
    (standard deviation over seeds / sqrt(seeds): realizations are independent), expected
    (the closed form, :mod:`chaindrag.thermal.closed_forms`), seeds (the realizations are
    seeds 0 .. seeds - 1), origins, n_modes.

    Raises
    ------
    chaindrag.params.ParameterError
        When the ring is too small for the longest lag (a wave would come round).
    """
    lags = np.asarray(lags, dtype=float)
    t0 = np.arange(int(origins), dtype=float)
    rows = []
    for stats in statistics:
        for temp in omega_T:
            samples: dict[tuple[str, float], list[float]] = {}
            for seed in range(int(seeds)):
                chain = ThermalChain(temp, statistics=stats, seed=seed, n_modes=n_modes,
                                     omega_fast=omega_fast)
                chain.require_ring(float(lags.max(initial=0.0)), 2)
                for key, value in _sampler_estimates(chain, lags, t0).items():
                    samples.setdefault(key, []).append(value)
            for (quantity, lag), values in samples.items():
                x = np.asarray(values)
                rows.append(dict(statistics=stats, omega_T=float(temp), quantity=quantity,
                                 lag=lag, measured=float(x.mean()),
                                 std_error=float(x.std(ddof=1) / math.sqrt(x.size)),
                                 expected=_closed_form(quantity, lag, temp, stats, omega_fast),
                                 seeds=int(seeds), origins=int(origins),
                                 n_modes=int(n_modes)))
    df = _with_provenance(pd.DataFrame(rows), omega_fast=omega_fast)
    write_table(df, out)
    return df


def run_thermal_solver_check(out: PathLike, kernel: PathLike, *, alpha: float, mu: float,
                             v0: float, sigma0: float, tau_max: float, omega_T: float,
                             statistics: str, seed: int, phi0: float | None = None,
                             lam: float | None = None,
                             interaction: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Chain, kernel and transparent solvers on one thermal realization (same seed, ring).

    Rows (quantity, value): max_abs_sigma_diff, max_abs_velocity_diff (kernel against
    chain), max_abs_sigma_diff_transparent (transparent against chain), velocity_scale
    (max |v|), thermal_velocity_kick (max |v - v0| of the chain run), n_modes_chain,
    n_modes_kernel, n_modes_transparent; with kernel_store (the store's name), sigma0 and
    n_modes (the chain run's ring).
    """
    store = open_store(kernel)
    sim_pot, row_pot = potential_arguments(phi0, lam, interaction)
    runs = {solver: simulate(alpha=alpha, **sim_pot, mu=mu, sigma0=sigma0, v0=v0,
                             tau_max=tau_max, omega_fast=store.omega_fast, d=store.d,
                             solver=solver, kernel_store=store if solver == "kernel" else None,
                             record_sites=np.arange(0), energy=False,
                             **bath(omega_T, statistics, seed))
            for solver in ("chain", "kernel", "transparent")}
    a, b, c = runs["chain"], runs["kernel"], runs["transparent"]
    n = min(a.tau.size, b.tau.size)
    values = {"max_abs_sigma_diff": np.max(np.abs(a.sigma[0, :n] - b.sigma[0, :n])),
              "max_abs_velocity_diff": np.max(np.abs(a.velocity[0, :n] - b.velocity[0, :n])),
              "velocity_scale": np.max(np.abs(a.velocity[0, :n])),
              "thermal_velocity_kick": np.max(np.abs(a.velocity[0, :n] - v0)),
              "max_abs_sigma_diff_transparent": np.max(np.abs(a.sigma[0] - c.sigma[0])),
              "n_modes_chain": a.params.get("n_modes"), "n_modes_kernel": b.params.get("n_modes"),
              "n_modes_transparent": c.params.get("n_modes")}
    df = _with_provenance(pd.DataFrame([dict(
        check="thermal_solver_agreement", quantity=q, value=float(v), omega_T=float(omega_T),
        statistics=statistics, seed=int(seed), d=store.d, tau_max=tau_max, alpha=alpha,
        **row_pot, mu=mu, v0=v0, omega_fast=store.omega_fast,
        solver="chain|kernel|transparent", kernel_store=Path(kernel).name,
        sigma0=float(sigma0), n_modes=a.params.get("n_modes"))
        for q, v in values.items()]))
    write_table(df, out)
    return df
