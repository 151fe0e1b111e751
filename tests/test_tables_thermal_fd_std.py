"""thermal_single_pass.csv (tables.thermal): delta_fd_std is the standard deviation of the
loss the fluctuation-dissipation theorem predicts, sqrt(2 omega_T Delta(v0)) for classical
statistics (Var(Delta) = 2 omega_T Delta), 0 on the chain at rest."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from chaindrag import tables


def _pass(statistics, omega_T, v0, seed):
    return dict(omega_T=omega_T, statistics=statistics, seed=seed, mirror=False, particle=0,
                v0=v0, sigma0=220.0, passed=True, delta=0.01, first_order_work=0.0,
                kinetic_start=1.0, kinetic_cross=0.99, tau_cross=0.8, v_cross=v0,
                tau_max=1.8, spacing=100, n_modes=4096, alpha=40.0, phi0=2.0, lam=4.0,
                mu=1.0, omega_fast=10.0, d=60, solver="chain", chaindrag_version="test")


def test_fd_std_is_the_square_root_of_twice_temperature_times_the_rest_loss(tmp_path):
    path = tmp_path / "batch.csv"
    pd.DataFrame([_pass("classical", 4.0, 50.0, 0), _pass("classical", 4.0, 50.0, 1),
                  _pass("classical", 0.25, 80.0, 0), _pass("rest", 0.0, 50.0, 0)]
                 ).to_csv(path, index=False)
    df = tables.thermal_single_pass_table([path], tmp_path / "table.csv")
    hot = df[df["statistics"] == "classical"]
    expected = [math.sqrt(2.0 * t * d) for t, d in zip(hot["omega_T"], hot["delta_rest"])]
    assert hot["delta_fd_std"].tolist() == pytest.approx(expected, rel=1e-6)
    assert (df.loc[df["statistics"] == "rest", "delta_fd_std"] == 0.0).all()
