"""Builders of the synthetic tables and trajectories shared by the validation tests."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chaindrag import analytic
from chaindrag.trajectory import Trajectory


def verdicts(rows, contains=""):
    """The 'passed' values of the rows whose claim contains ``contains``."""
    out = [r["passed"] for r in rows if contains in r["claim"]]
    assert out, f"no row with {contains!r} in {[r['claim'] for r in rows]}"
    return out


def fig3_traj(phi0=20.0, tau_max=125.0, trapped=True, leak=0.0, rho_scale=0.1):
    """A Fig. 3 trajectory: v = 100, then (if trapped) oscillating within one cell; a chain
    pulse inside the sound cone 9 pi tau, with an optional ``leak`` far ahead of it."""
    alpha, c = 40.0, math.pi * 9.0
    tau = np.linspace(0.0, tau_max, 4001)
    if trapped:
        v = np.where(tau < 0.8 * tau_max, 100.0, 8.0 * np.cos(2 * np.pi * (tau - 0.8 * tau_max)))
    else:
        v = np.full_like(tau, 100.0)
    sigma = 220.0 + np.concatenate([[0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * np.diff(tau))])
    sites = np.arange(250)
    ct = np.arange(0.0, min(tau_max, 30.0) + 1e-9, 0.1)
    dist = np.abs(sites[:, None] - 5.5)
    inside = dist < c * ct[None, :]
    rho = np.where(inside, rho_scale * np.exp(-((dist - 0.5 * c * ct[None, :]) / 30.0) ** 2), 0.0)
    k = int(round(sigma[-1] / alpha))
    if trapped and k < sites.size:  # the trapped particle's chain mass: |rho| grows (Sec. IV)
        rho[k, ct >= 0.8 * tau_max] = 3.0 * rho_scale
    if leak:
        rho[249, 10] = leak  # tau = 1: site 249 is ~215 sites ahead of the cone
    return Trajectory(tau=tau, sigma=sigma[None], velocity=v[None], chain_sites=sites,
                      chain_tau=ct, chain_displacement=rho,
                      params=dict(alpha=alpha, phi0=phi0, lam=4.0, mu=1.0, sigma0=220.0,
                                  v0=120.0, omega_fast=10.0, d=60, tau_max=tau_max))


def fig4c_table(factor=1.0):
    """A fig4c_fluctuation table with v_ext_numeric = factor x sqrt(v0^2 - 8 pi^2 phi0/mu)."""
    rows = []
    for phi0, vs in ((20.0, [42.0, 69.0, 96.0, 150.0]), (-20.0, [6.0, 42.0, 150.0])):
        for v0 in vs:
            v_ext = float(analytic.extremum_speed(v0, phi0))
            rows.append(dict(phi0=phi0, lam=4.0, alpha=40.0, mu=1.0, v0=v0,
                             v_ext_numeric=factor * v_ext, passed=True, omega_fast=10.0))
    return pd.DataFrame(rows)


def loss_free_pass(phi0, v0=50.0, alpha=40.0, lam=4.0, sigma0=220.0, n=20001):
    """The exact loss-free pass (energy conservation over fixed masses) as a fig4_pass table,
    sampled at ``n`` positions from sigma0 to 270."""
    s = np.linspace(sigma0, 270.0, n)
    ks = np.arange(3, 9)
    pot = lambda x: np.sum(phi0 * np.exp(-0.5 * ((x[None, :] - alpha * ks[:, None]) / lam) ** 2),
                           axis=0)
    v = np.sqrt(v0**2 - 8 * math.pi**2 * (pot(s) - pot(np.array([sigma0]))[0]))
    tau = np.concatenate([[0.0], np.cumsum(0.5 * (1 / v[1:] + 1 / v[:-1]) * np.diff(s))])
    tau_pass = float(np.interp(240.0, s, tau))
    return pd.DataFrame(dict(phi0=phi0, lam=lam, alpha=alpha, mu=1.0, v0=v0, tau=tau, sigma=s,
                             v=v, tau_pass=tau_pass, omega_fast=10.0))


def health_table(energy=(4.5e-5, 1.2e-5), timestep=3e-5, sigma=9e-3, tau=5.0, v0=None):
    """A numerical_health table: energy drifts at d = 60, 120, a time-step change, a solver
    difference over tau (of a run at speed v0, if given)."""
    rows = [dict(check="energy_conservation", quantity="max_rel_energy_drift", value=e, d=d,
                 tau_max=20.0) for e, d in zip(energy, (60, 120))]
    rows += [dict(check="timestep_convergence", quantity="rel_change_halved_delta",
                  value=timestep, d=60, phi0=2.0, v0=30.0)]
    rows += [dict(check="solver_agreement", quantity="max_abs_sigma_diff", value=sigma, d=60,
                  tau_max=tau, **({} if v0 is None else {"v0": v0}))]
    return pd.DataFrame(rows)


def exponential_quantiles(m=1000):
    """m quantiles of the standard exponential law (midpoints of m equal-probability bins),
    scaled so that their mean of logarithms is exactly its -gamma (Euler's constant); their
    mean is then 1 within 4e-4."""
    q = -np.log1p(-(np.arange(m) + 0.5) / m)
    return q * np.exp(-np.euler_gamma - np.log(q).mean())
