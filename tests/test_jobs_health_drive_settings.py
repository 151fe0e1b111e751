"""The drive check's rows (jobs.health.run_drive_check) name drive()'s own settings as drive
reported them for the run: its start sigma0, its window, mu, solver and chain_solver, so that
steady_state_drive.csv copied on its own tells how the loss was measured."""

from __future__ import annotations

from types import SimpleNamespace

from chaindrag.jobs import health


def test_each_row_names_the_start_window_and_solvers_drive_ran(monkeypatch, tmp_path):
    def drive(**kw):
        sign = 1.0 if kw.get("phi0", 1.0) > 0 else -1.0
        return SimpleNamespace(
            delta_bar=0.1 * sign + 0.2, delta_bar_chain_energy=0.1, tau_start=5.0,
            tau_end=10.0,
            params=dict(mu=1.0, sigma0=5.5 * kw["alpha"], window=0.37, solver="drive",
                        chain_solver="transparent"))

    monkeypatch.setattr(health, "drive", drive)
    df = health.run_drive_check(tmp_path / "drive.csv", alpha=40.0, v=[20.0, 40.0],
                                tau_max=10.0, omega_fast=10.0, d=60, phi0=2.0, lam=4.0)
    assert df["sigma0"].tolist() == [220.0, 220.0]
    assert df["window"].tolist() == [0.37, 0.37]
    assert df["mu"].tolist() == [1.0, 1.0]
    assert set(df["solver"]) == {"drive"} and set(df["chain_solver"]) == {"transparent"}
