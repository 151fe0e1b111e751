"""Tables name what produced each row and keep chaindrag_version as their last column
(results/README.md): columns a table adds to its batches (or that one part of a
concatenation has alone) come before it; drive's own settings (sigma0, window) and the
thermal drag runs' start sigma0 reach the tables."""

from __future__ import annotations

import pandas as pd
import pytest

from chaindrag import analytic, tables
from test_tables_thermal_fd_std import _pass  # a thermal single pass row


def _last(df):
    return list(df.columns)[-1]


def test_numerical_health_ends_with_the_version_though_one_part_adds_kernel_store(tmp_path):
    energy, solvers, ts = tmp_path / "energy.csv", tmp_path / "solvers.csv", tmp_path / "ts.csv"
    pd.DataFrame([dict(check="energy_conservation", quantity="max_rel_energy_drift",
                       value=1e-9, d=60, sigma0=220.0, chaindrag_version="test")]
                 ).to_csv(energy, index=False)
    pd.DataFrame([dict(check="solver_agreement", quantity="max_abs_sigma_diff", value=1e-9,
                       d=60, sigma0=220.0, kernel_store="solver_check.zarr",
                       chaindrag_version="test")]).to_csv(solvers, index=False)
    pd.DataFrame(columns=["d"]).to_csv(ts, index=False)
    df = tables.numerical_health_table(energy, [ts], solvers, tmp_path / "health.csv")
    assert "kernel_store" in df.columns
    assert _last(df) == "chaindrag_version"
    assert _last(pd.read_csv(tmp_path / "health.csv", nrows=0)) == "chaindrag_version"


def test_thermal_single_pass_ends_with_the_version_after_its_added_columns(tmp_path):
    path = tmp_path / "batch.csv"
    pd.DataFrame([_pass("classical", 4.0, 50.0, 0), _pass("rest", 0.0, 50.0, 0)]
                 ).to_csv(path, index=False)
    df = tables.thermal_single_pass_table([path], tmp_path / "table.csv")
    assert {"delta_fd_std", "delta_thermal_shift"} <= set(df.columns)
    assert _last(df) == "chaindrag_version"


def test_thermal_equilibration_ends_with_the_version_after_equipartition(tmp_path):
    rows = pd.DataFrame(dict(omega_T=[2.0, 2.0], statistics="classical", seed=[0, 1],
                             start="hot", particle=0, tau=[0.5, 0.5], kinetic=[1.0, 2.0],
                             omega_fast=10.0, d=60, solver="chain", chaindrag_version="test"))
    path = tmp_path / "series.csv"
    rows.to_csv(path, index=False)
    s, _ = tables.thermal_equilibration_tables([path], [path], tmp_path / "s.csv",
                                               tmp_path / "c.csv")
    assert "equipartition" in s.columns
    assert _last(s) == "chaindrag_version"
    assert _last(pd.read_csv(tmp_path / "s.csv", nrows=0)) == "chaindrag_version"


def _drive_row(v):
    an = float(analytic.steady_state_loss(v, 2.0, 4.0, 40.0, 10.0))
    return dict(v=v, delta_bar_numeric=an, delta_bar_attractive=an, delta_bar_even=an,
                delta_bar_chain_energy=an, tau_start=5.0, tau_end=10.0, tau_max=10.0, d=60,
                alpha=40.0, phi0=2.0, lam=4.0, omega_fast=10.0, mu=1.0, sigma0=220.0,
                window=0.5, solver="chain", chain_solver="transparent",
                chaindrag_version="test")


def test_steady_state_drive_keeps_drives_start_and_window_before_the_version(tmp_path):
    path = tmp_path / "drive.csv"
    pd.DataFrame([_drive_row(20.0), _drive_row(40.0)]).to_csv(path, index=False)
    df = tables.steady_state_drive_table(path, tmp_path / "table.csv")
    assert df["sigma0"].tolist() == [220.0, 220.0]
    assert df["window"].tolist() == [0.5, 0.5]
    assert df["mu"].tolist() == [1.0, 1.0] and set(df["chain_solver"]) == {"transparent"}
    assert _last(df) == "chaindrag_version"


def test_thermal_drag_names_the_runs_start_sigma0(tmp_path):
    rows = []
    for statistics, temp in (("rest", 0.0), ("classical", 5.0)):
        for seed in (0, 1):
            for mirror in ([False] if statistics == "rest" else [False, True]):
                for sign in (1.0, -1.0):
                    rows.append(dict(v=25.0, omega_T=temp, statistics=statistics, seed=seed,
                                     phi0=2.0 * sign, mirror=mirror, delta_bar=0.1 + 0.01 * seed,
                                     n_sites=100, n_modes=3375, alpha=40.0, lam=4.0, mu=1.0,
                                     tau_max=300.0, window=0.5, sigma0=220.0,
                                     omega_fast=10.0, d=60, solver="transparent",
                                     chaindrag_version="test"))
    path = tmp_path / "drag.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    df = tables.thermal_drag_table([path], tmp_path / "t.csv")
    assert df["sigma0"].tolist() == pytest.approx([220.0] * len(df))
    assert _last(df) == "chaindrag_version"
