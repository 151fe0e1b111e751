"""Single-pass reductions (tables.single_pass): the row order does not depend on the batch
order even for runs that differ only in d, and Fig. 4(c)'s analytic extremum of an attractive
pass is the speed maximum over the well (energy conservation with Phi(0) < 0)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chaindrag import tables


def _row(v0, phi0, d):
    return dict(alpha=40.0, phi0=phi0, lam=4.0, mu=1.0, v0=v0, sigma0=220.0, omega_fast=10.0,
                d=d, solver="chain", tau_max=2.2 * 40 / v0, passed=True,
                delta_numeric=0.01 * d / 60, delta_analytic=0.01, rel_error=0.0,
                tau_cross=40 / v0, v_cross=v0, v_ext_numeric=v0 + 1.0,
                displaced_reference=True, bias=0.0, chaindrag_version="test")


def test_fig6_table_is_byte_identical_whatever_the_order_of_runs_differing_only_in_d(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    pd.DataFrame([_row(50.0, 2.0, 120), _row(50.0, 2.0, 60)]).to_csv(a, index=False)
    pd.DataFrame([_row(50.0, 2.0, 60), _row(50.0, 2.0, 120)]).to_csv(b, index=False)
    tables.fig6_table([a], tmp_path / "ta.csv")
    tables.fig6_table([b], tmp_path / "tb.csv")
    assert (tmp_path / "ta.csv").read_bytes() == (tmp_path / "tb.csv").read_bytes()


def test_fig4c_attractive_pass_speeds_up_over_the_well_by_energy_conservation(tmp_path):
    path = tmp_path / "batch.csv"
    pd.DataFrame([_row(50.0, -20.0, 60), _row(80.0, -20.0, 60)]).to_csv(path, index=False)
    df = tables.fig4c_table([path], tmp_path / "fig4c.csv")
    v0 = df["v0"].to_numpy()
    # mu v_ext^2 = mu v0^2 - 8 pi^2 Phi(0): Phi(0) = -20 < 0 gives v_ext > v0
    v_ext = np.sqrt(v0**2 + 8 * math.pi**2 * 20.0)
    np.testing.assert_allclose(df["v_ext_analytic"], v_ext, rtol=1e-12)
    assert (df["fluctuation_analytic"] < 0).all()
