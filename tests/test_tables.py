"""Reductions (chaindrag.tables): tidy, order-independent tables with analytic columns."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from chaindrag import analytic, tables


def _batch_rows(v0s, phi0):
    rows = []
    for v0 in v0s:
        an = float(analytic.single_pass_loss(v0, phi0, 4.0, 10.0))
        rows.append(dict(alpha=40.0, phi0=phi0, lam=4.0, mu=1.0, v0=v0, sigma0=220.0,
                         omega_fast=10.0, d=60, solver="chain", tau_max=2.2 * 40 / v0,
                         passed=True, delta_numeric=an * 1.01, delta_analytic=an,
                         rel_error=0.01, tau_cross=40 / v0, v_cross=v0 - 0.1,
                         v_ext_numeric=math.sqrt(v0**2 - 8 * math.pi**2 * phi0),
                         displaced_reference=True, wall_time_s=0.1,
                         chaindrag_version="test"))
    return pd.DataFrame(rows)


def test_collected_table_is_byte_identical_whatever_the_batch_order(tmp_path):
    batches = []
    for i, (v0s, phi0) in enumerate([([20.0, 30.0], 2.0), ([25.0, 15.0], -2.0),
                                      ([45.0], 2.0)]):
        path = tmp_path / f"batch_{i}.csv"
        _batch_rows(v0s, phi0).to_csv(path, index=False)
        batches.append(path)
    tables.fig6_table(batches, tmp_path / "a.csv")
    tables.fig6_table(batches[::-1], tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    df = pd.read_csv(tmp_path / "a.csv")
    assert "wall_time_s" not in df.columns  # volatile: stays in the batch tables only
    assert list(df["v0"]) == [15.0, 25.0, 20.0, 30.0, 45.0]  # by sign, then speed


def test_fig4c_analytic_fluctuation_is_the_energy_conservation_extremum(tmp_path):
    path = tmp_path / "batch.csv"
    _batch_rows([50.0, 80.0], 20.0).to_csv(path, index=False)
    df = tables.fig4c_table([path], tmp_path / "fig4c.csv")
    # v_ext^2 = v0^2 - 8 pi^2 phi0 / mu (Sec. IV A): kinetic energy traded for Phi0 at the mass
    v0 = df["v0"].to_numpy()
    expected = v0 - np.sqrt(v0**2 - 8 * math.pi**2 * 20.0)
    np.testing.assert_allclose(df["fluctuation_analytic"], expected, rtol=1e-12)
