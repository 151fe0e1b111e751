"""potentials_single_pass.csv (tables.potentials): a simulated pass carries Eq. (25) at its v0
as delta_eq25, and a label whose runs and curves were made on different chains is refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chaindrag import tables
from chaindrag.params import ParameterError

SPEC = '{"kind":"gaussian","lam":4.0,"phi0":2.0}'


def _inputs(tmp_path, curve_omega_fast=10.0):
    runs = pd.DataFrame(dict(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, v0=[50.0, 60.0],
                             sigma0=220.0, omega_fast=10.0, d=60, solver="chain",
                             tau_max=1.8, passed=True, delta_numeric=[0.0101, 0.0082],
                             delta_analytic=[0.0100, 0.0080], rel_error=[0.01, 0.025],
                             tau_cross=0.8, v_cross=49.0, v_ext_numeric=48.0,
                             displaced_reference=True, bias=0.0, label="gauss",
                             interaction=SPEC, chaindrag_version="test"))
    curves = pd.DataFrame(dict(label="gauss", kind="gaussian", interaction=SPEC,
                               curve=["eq25", "eq33"], v=[50.0, 50.0], delta=[1.0, 2.0],
                               delta_eq26=[1.0, np.nan], phi_max=2.0, phi_min=0.0,
                               capture_speed=12.6, alpha=40.0, mu=1.0,
                               omega_fast=curve_omega_fast, chaindrag_version="test"))
    b, c = tmp_path / "b.csv", tmp_path / "c.csv"
    runs.to_csv(b, index=False)
    curves.to_csv(c, index=False)
    return [b], [c]


def test_simulated_passes_carry_their_eq25_value_as_delta_eq25(tmp_path):
    df = tables.potentials_table(*_inputs(tmp_path), tmp_path / "p.csv")
    sim = df[df["curve"] == "simulation"].set_index("v")
    assert sim["delta_eq25"].tolist() == [0.0100, 0.0080]
    assert sim["delta"].tolist() == [0.0101, 0.0082]
    assert sim["rel_error"].tolist() == pytest.approx(
        (sim["delta"] / sim["delta_eq25"] - 1.0).tolist(), rel=1e-9)


def test_refuses_a_label_whose_curves_were_made_for_another_omega_fast(tmp_path):
    with pytest.raises(ParameterError, match="different omega_fast"):
        tables.potentials_table(*_inputs(tmp_path, curve_omega_fast=20.0), tmp_path / "p.csv")
