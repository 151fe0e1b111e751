"""numerical_health.csv and steady_state_drive.csv: each relative error compares the quantity
its name says with the reference its name says (tables.health)."""

from __future__ import annotations

import pandas as pd
import pytest

from chaindrag import analytic, tables


def _drive_rows(v, factors):
    """Drive-check rows (jobs.health.run_drive_check's columns) whose repulsive, attractive
    and sign-averaged losses are the given multiples of Eq. (33)."""
    an = float(analytic.steady_state_loss(v, 2.0, 4.0, 40.0, 10.0))
    rep, att = factors
    return dict(v=v, delta_bar_numeric=rep * an, delta_bar_attractive=att * an,
                delta_bar_even=0.5 * (rep + att) * an, delta_bar_chain_energy=rep * an,
                tau_start=5.0, tau_end=10.0, tau_max=10.0, d=60, alpha=40.0, phi0=2.0,
                lam=4.0, omega_fast=10.0, solver="drive", chaindrag_version="test")


def test_even_relative_error_is_that_of_the_sign_average_not_of_the_repulsive_run(tmp_path):
    # the O(phi0^3) term is odd in phi0: +10 % and -10 % average to Eq. (33) itself
    path = tmp_path / "drive.csv"
    pd.DataFrame([_drive_rows(20.0, (1.1, 0.9)), _drive_rows(40.0, (1.2, 0.8))]).to_csv(
        path, index=False)
    df = tables.steady_state_drive_table(path, tmp_path / "table.csv")
    assert df["rel_error_even"].abs().max() < 1e-12
    assert df["rel_error"].tolist() == pytest.approx([0.1, 0.2], rel=1e-9)
    assert df["rel_error_attractive"].tolist() == pytest.approx([-0.1, -0.2], rel=1e-9)


def _timestep_row(d, delta_numeric, v0=50.0, phi0=2.0):
    return dict(alpha=40.0, phi0=phi0, lam=4.0, mu=1.0, v0=v0, sigma0=220.0, omega_fast=10.0,
                d=d, solver="chain", tau_max=1.76, passed=True, delta_numeric=delta_numeric,
                delta_analytic=1.0, rel_error=0.0, chaindrag_version="test")


def _health(tmp_path, timestep_rows):
    energy = tmp_path / "energy.csv"
    solvers = tmp_path / "solvers.csv"
    pd.DataFrame([dict(check="energy_conservation", quantity="max_rel_energy_drift",
                       value=1e-9, d=60)]).to_csv(energy, index=False)
    pd.DataFrame([dict(check="solver_agreement", quantity="max_abs_sigma_diff",
                       value=1e-9, d=60)]).to_csv(solvers, index=False)
    ts = tmp_path / "timestep.csv"
    pd.DataFrame(timestep_rows).to_csv(ts, index=False)
    df = tables.numerical_health_table(energy, [ts], solvers, tmp_path / "health.csv")
    return df[df["quantity"] == "rel_change_halved_delta"]


def test_halved_step_change_is_relative_to_the_finer_step_and_needs_only_two_steps(tmp_path):
    # d = 60 and d = 120 (delta halved): |1.0 - 1.25| / 1.25, the finer run the reference
    rel = _health(tmp_path, [_timestep_row(120, 1.25), _timestep_row(60, 1.0)])
    assert len(rel) == 1
    row = rel.iloc[0]
    assert row["value"] == pytest.approx(0.25 / 1.25, rel=1e-12)
    assert row["d"] == 60  # the row names the coarse step whose error it measures
