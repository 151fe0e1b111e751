"""Thermal equilibration: mobile particles started hot or cold in one thermal realization.

Equipartition of the mobile particle: its mean kinetic energy mu/2 (sigma'/2 pi)^2 in blocks
of time, and every midpoint crossing, for particles started fast (hot) or at rest at the
bottom of the potential of the chain at rest (cold, :func:`cell_minimum`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ...analytic import cell_potential
from ...interactions import Interaction
from ...params import ParameterError
from ...solvers import simulate
from ...stores import write_table
from ...tables._common import PathLike, _with_provenance
from ...trajectory import midpoint_speeds
from ..drift import potential_arguments
from ..progress import ProgressLog
from .bath import bath

_TWO_PI = 2.0 * math.pi


def _kinetic(v, mu: float):
    return 0.5 * mu * (np.asarray(v, dtype=float) / _TWO_PI) ** 2


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
    from scipy.optimize import minimize_scalar  # imported on use: a slow import

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
