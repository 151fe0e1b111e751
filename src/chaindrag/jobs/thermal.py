"""Thermal-chain jobs (issue 13): single passes, equilibration, biased drift, sampler and solvers.

Every job here runs one realization (one ``seed``) or a batch of them and writes one table
atomically. ``statistics="rest"`` (with ``omega_T = 0``) is the chain at rest of the paper;
``"quantum"`` and ``"classical"`` are the free thermal motion of :mod:`chaindrag.thermal`
added by the solvers (quantum ``omega_T = 0`` is the zero-point motion, not the rest chain).

Several particles share one realization. In the single-pass job they are spaced by
:func:`pass_spacing` sites, beyond which neither one particle's wake nor the thermal
correlations (to e^-36) connect two particles during the run: each is an independent pass,
and one solver call (one ring, one segment) serves them all.

The potential of a job is the Gaussian shorthand ``phi0, lam`` or an ``interaction`` spec of
config.yaml (:func:`chaindrag.interactions.interaction_from_config`); with a spec the rows'
phi0 and lam are Phi(0) and the force width, and its JSON is in the ``interaction`` column
(:func:`chaindrag.jobs.drift.potential_arguments`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from ..analytic import cell_potential
from ..interactions import Interaction
from ..kernel import open_store
from ..params import GaussianInteraction, ParameterError
from ..solvers import simulate
from ..stores import write_table
from ..tables._common import PathLike, _with_provenance
from ..thermal import (ThermalChain, airy_margin, correlation, displacement_variance,
                       front_speed, velocity_variance)
from ..trajectory import first_order_thermal_work, midpoint_speeds, single_pass_loss
from .drift import potential_arguments
from .progress import ProgressLog

log = logging.getLogger(__name__)

#: The chain at rest of the paper, in the ``statistics`` column of the thermal tables.
REST = "rest"
_TWO_PI = 2.0 * math.pi


def bath(omega_T: float, statistics: str, seed: int) -> dict:
    """The thermal keyword arguments of :func:`~chaindrag.solvers.simulate` (none at rest)."""
    if statistics == REST:
        if omega_T != 0:
            raise ParameterError(f"statistics='rest' is the chain at rest: omega_T must be 0, "
                                 f"got {omega_T!r}")
        return {}
    return dict(omega_T=float(omega_T), statistics=statistics, seed=int(seed))


def pass_spacing(tau_max: float, alpha: float, phi0: float | None, lam: float | None,
                 v0: float, omega_fast: float, *,
                 interaction: Interaction | None = None) -> int:
    """Sites between particles that make their passes independent during ``tau_max``.

    pi (omega_fast - 1) tau_max + airy_margin(tau_max) (the sound cone with its Airy tail
    and the e^-36 decay of the static correlations, :func:`chaindrag.thermal.airy_margin`)
    plus the particle's travel and twice the interaction's reach (the Gaussian ``phi0,
    lam``'s, or the ``reach()`` of another potential given as ``interaction``).
    """
    cutoff = (GaussianInteraction(phi0, lam).cutoff() if interaction is None
              else interaction.reach())
    reach = math.ceil(cutoff / alpha)
    travel = math.ceil(abs(v0) * tau_max / alpha) + 2
    return math.ceil(front_speed(omega_fast) * tau_max + airy_margin(tau_max, omega_fast)) \
        + travel + 2 * reach + 2


def _kinetic(v, mu: float):
    return 0.5 * mu * (np.asarray(v, dtype=float) / _TWO_PI) ** 2


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


def _block_means(x: np.ndarray, every: int) -> np.ndarray:
    """Means of ``x`` over consecutive blocks of ``every`` samples along the last axis."""
    n = x.shape[-1] // every
    return x[..., :n * every].reshape(*x.shape[:-1], n, every).mean(axis=-1)


def cell_minimum(interaction: Interaction, alpha: float) -> float:
    """Where a particle rests in the chain at rest: the minimum of the cell potential.

    Parameters
    ----------
    interaction : Interaction
        The pair potential Phi.
    alpha : float
        Chain spacing, > 0.

    Returns
    -------
    float
        x in [0, alpha/2] minimising sum_n Phi(x - n alpha) (the cell potential of Fig. 9's
        broadening, even about 0 and alpha/2; its mirror alpha - x is the same minimum):
        the smallest of 2 001 grid values, refined by a bounded scalar minimization between
        its grid neighbours (to ~1e-10 alpha).
    """
    cell = partial(cell_potential, alpha=alpha, interaction=interaction)
    x = np.linspace(0.0, 0.5 * alpha, 2001)
    k = int(np.argmin(cell(x)))
    lo, hi = x[max(k - 1, 0)], x[min(k + 1, x.size - 1)]
    res = minimize_scalar(cell, bounds=(lo, hi), method="bounded",
                          options=dict(xatol=1e-10 * alpha))
    return float(res.x) if res.fun < cell(x[k]) else float(x[k])


def thermal_equilibration(*, alpha: float, mu: float,
                          omega_T: float, statistics: str, seed: int, start: str, v_hot: float,
                          n_particles: int, spacing: int, tau_max: float, series_dtau: float,
                          omega_fast: float, d: int, solver: str, phi0: float | None = None,
                          lam: float | None = None,
                          interaction: Mapping[str, Any] | None = None
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mobile particles in one thermal realization, started hot or cold (equipartition).

    ``start="hot"``: midway between masses with speed ``v_hot``; ``"cold"``: at rest at the
    bottom of the potential of the chain at rest (the Gaussian: on a mass for phi0 < 0,
    midway for phi0 > 0; another potential: :func:`cell_minimum`). Particles sit
    ``spacing`` sites apart (they share the realization, so the statistics are taken over
    seeds). Returns the series (the particles' mean kinetic
    energy mu/2 (sigma'/2 pi)^2 averaged over blocks of ``series_dtau``: start, seed, tau,
    kinetic) and the crossings (every midpoint crossing of every particle: start, seed,
    particle, tau, v, direction, kinetic), both with the set-up and provenance.
    """
    if start not in ("hot", "cold"):
        raise ParameterError(f"start must be 'hot' or 'cold', got {start!r}")
    sim_pot, row_pot = potential_arguments(phi0, lam, interaction)
    g = 5 + spacing * np.arange(int(n_particles))
    hot = start == "hot"
    if hot:
        sigma0 = alpha * (g + 0.5)
    elif "interaction" in sim_pot:
        sigma0 = alpha * g + cell_minimum(sim_pot["interaction"], alpha)
    else:
        sigma0 = alpha * (g + 0.5) if phi0 > 0 else alpha * g.astype(float)
    v0 = np.full(g.size, float(v_hot) if hot else 0.0)
    traj = simulate(alpha=alpha, **sim_pot, mu=mu, sigma0=sigma0, v0=v0,
                    tau_max=tau_max, omega_fast=omega_fast, d=d, solver=solver,
                    record_sites=np.arange(0), energy=False,
                    progress=ProgressLog(f"equilibration {start} seed={seed}"),
                    **bath(omega_T, statistics, seed))
    every = max(1, round(series_dtau / traj.params["delta"]))
    kin = _block_means(_kinetic(traj.velocity, mu).mean(axis=0), every)
    tau = _block_means(traj.tau, every)
    common = dict(omega_T=float(omega_T), statistics=statistics, seed=int(seed), start=start,
                  alpha=alpha, **row_pot, mu=mu, n_particles=int(g.size),
                  v_hot=float(v_hot), tau_max=tau_max, n_modes=traj.params.get("n_modes"))
    inputs = dict(spacing=int(spacing), series_dtau=float(series_dtau))
    s = _with_provenance(pd.DataFrame(dict(common, tau=tau, kinetic=kin)), **inputs,
                         omega_fast=omega_fast, d=d, solver=solver)
    frames = []
    for k in range(g.size):
        m = midpoint_speeds(traj, particle=k)
        frames.append(pd.DataFrame(dict(common, particle=k, tau=m["tau"], v=m["v"],
                                        direction=m["direction"], kinetic=_kinetic(m["v"], mu))))
    c = _with_provenance(pd.concat(frames, ignore_index=True), **inputs,
                         omega_fast=omega_fast, d=d, solver=solver)
    return s, c


def run_thermal_equilibration_batch(runs: Sequence[Mapping[str, Any]], series: PathLike,
                                    crossings: PathLike) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run :func:`thermal_equilibration` for every keyword dict in ``runs``; write both tables."""
    out = [thermal_equilibration(**run) for run in runs]
    s = pd.concat([o[0] for o in out], ignore_index=True)
    c = pd.concat([o[1] for o in out], ignore_index=True)
    write_table(s, series)
    write_table(c, crossings)
    return s, c


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
    (the closed form, :mod:`chaindrag.thermal.closed_forms`), seeds, n_modes.

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
                                 seeds=int(seeds), n_modes=int(n_modes)))
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
    n_modes_kernel, n_modes_transparent; with sigma0 and n_modes (the chain run's ring).
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
        solver="chain|kernel|transparent", sigma0=float(sigma0),
        n_modes=a.params.get("n_modes"))
        for q, v in values.items()]))
    write_table(df, out)
    return df
