"""Reductions (chaindrag.tables): tidy, order-independent tables with analytic columns."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from chaindrag import analytic, tables


def _batch_rows(v0s, phi0):
    """Single-pass batch rows as an older version wrote them: with the run's wall_time_s
    (a batch of today has none; the reductions must read both)."""
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
    assert "wall_time_s" not in df.columns  # an older batch's wall time is not carried on
    assert list(df["v0"]) == [15.0, 25.0, 20.0, 30.0, 45.0]  # by sign, then speed


def test_fig4c_analytic_fluctuation_is_the_energy_conservation_extremum(tmp_path):
    path = tmp_path / "batch.csv"
    _batch_rows([50.0, 80.0], 20.0).to_csv(path, index=False)
    df = tables.fig4c_table([path], tmp_path / "fig4c.csv")
    # v_ext^2 = v0^2 - 8 pi^2 phi0 / mu (Sec. IV A): kinetic energy traded for Phi0 at the mass
    v0 = df["v0"].to_numpy()
    expected = v0 - np.sqrt(v0**2 - 8 * math.pi**2 * 20.0)
    np.testing.assert_allclose(df["fluctuation_analytic"], expected, rtol=1e-12)


# --- provenance: every row carries the inputs of the run it came from --------------------

def _write(tmp_path, name, df):
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


def test_single_pass_tables_carry_each_runs_sigma0_tau_max_and_bias(tmp_path):
    a, b = _batch_rows([50.0], 20.0), _batch_rows([50.0], 20.0)
    b["sigma0"], b["tau_max"] = 260.0, 9.0  # two runs differing only in the start (and length)
    a = a.drop(columns=["wall_time_s"])  # a batch as the job writes it now ...
    a["bias"] = 0.0
    paths = [_write(tmp_path, "a.csv", a), _write(tmp_path, "b.csv", b)]  # ... and an old one
    fig4c = tables.fig4c_table(paths, tmp_path / "fig4c.csv")
    assert sorted(zip(fig4c["sigma0"], fig4c["tau_max"])) == [(220.0, 2.2 * 40 / 50), (260.0, 9.0)]
    assert (fig4c["bias"] == 0.0).all()
    assert list(fig4c.columns[-4:]) == ["sigma0", "tau_max", "bias", "chaindrag_version"]
    fig6 = tables.fig6_table(paths, tmp_path / "fig6.csv")
    assert sorted(fig6["sigma0"]) == [220.0, 260.0] and (fig6["bias"] == 0.0).all()
    assert list(fig6.columns[-2:]) == ["bias", "chaindrag_version"]
    assert "wall_time_s" not in fig6.columns


def test_numerical_health_timestep_rows_carry_sigma0(tmp_path):
    ts = pd.concat([_batch_rows([50.0], 2.0).assign(d=d) for d in (30, 60)])
    ts["sigma0"] = [220.0, 220.0]
    energy = pd.DataFrame([dict(check="energy_conservation", quantity="q", value=0.0, d=60,
                                sigma0=300.0, chaindrag_version="test")])
    solvers = energy.assign(check="solver_agreement", sigma0=310.0)
    df = tables.numerical_health_table(_write(tmp_path, "e.csv", energy),
                                       [_write(tmp_path, "t.csv", ts)],
                                       _write(tmp_path, "s.csv", solvers), tmp_path / "h.csv")
    by_check = df.groupby("check")["sigma0"].agg(set).to_dict()
    assert by_check == {"energy_conservation": {300.0}, "solver_agreement": {310.0},
                        "timestep_convergence": {220.0}}


def test_potentials_table_carries_sigma0_and_bias_of_the_passes(tmp_path):
    from chaindrag.tables.potentials import POTENTIALS_COLUMNS

    runs = _batch_rows([50.0, 60.0], 2.0).drop(columns=["wall_time_s"])
    runs["sigma0"], runs["bias"], runs["label"] = [220.0, 260.0], 0.0, "gauss"
    runs["interaction"] = '{"kind":"gaussian","lam":4.0,"phi0":2.0}'
    curves = pd.DataFrame(dict(label="gauss", kind="gaussian", interaction=runs["interaction"][0],
                               curve=["eq25", "eq33"], v=[50.0, 50.0], delta=[1.0, 2.0],
                               delta_eq26=[1.0, np.nan], phi_max=2.0, phi_min=0.0,
                               capture_speed=12.6, alpha=40.0, mu=1.0, omega_fast=10.0,
                               chaindrag_version="test"))
    df = tables.potentials_table([_write(tmp_path, "b.csv", runs)],
                                 [_write(tmp_path, "c.csv", curves)], tmp_path / "p.csv")
    assert list(df.columns) == POTENTIALS_COLUMNS
    assert POTENTIALS_COLUMNS[-3:] == ["sigma0", "bias", "chaindrag_version"]
    sim = df[df["curve"] == "simulation"].set_index("v")
    assert sim.loc[50.0, "sigma0"] == 220.0 and sim.loc[60.0, "sigma0"] == 260.0
    assert (sim["bias"] == 0.0).all()
    assert df.loc[df["curve"] != "simulation", "sigma0"].isna().all()


def _drift_rows(sigma0, seed, n_modes=2500):
    tau = np.arange(0.0, 60.0, 1.0)
    return pd.DataFrame(dict(omega_T=25.0, statistics="quantum", seed=seed, phi0=2.0, lam=4.0,
                             alpha=40.0, mu=1.0, bias=0.01, v0=35.0, tau_max=60.0,
                             n_modes=n_modes, tau=tau, v=35.0, sigma=220.0 + 35.0 * tau,
                             direction=1, omega_fast=10.0, d=60, solver="transparent",
                             sigma0=sigma0, chaindrag_version="test"))


def test_thermal_drift_ends_carry_the_run_and_the_settings_that_decided_its_fate(tmp_path):
    paths = [_write(tmp_path, "a.csv", _drift_rows(220.0, 0)),
             _write(tmp_path, "b.csv", _drift_rows(300.0, 1, n_modes=3000))]
    mids, ends = tables.thermal_drift_tables(paths, tmp_path / "drift.csv",
                                             tmp_path / "ends.csv", tail_fraction=0.25,
                                             min_points=3)
    assert set(mids.groupby("seed")["sigma0"].first().items()) == {(0, 220.0), (1, 300.0)}
    ends = ends.set_index("seed")
    assert ends.loc[0, "sigma0"] == 220.0 and ends.loc[1, "sigma0"] == 300.0
    assert ends.loc[0, "n_modes"] == 2500 and ends.loc[1, "n_modes"] == 3000
    assert (ends["mu"] == 1.0).all() and (ends["tail_fraction"] == 0.25).all()
    assert (ends["min_points"] == 3).all()
    assert list(ends.columns[-6:]) == ["mu", "n_modes", "sigma0", "tail_fraction", "min_points",
                                       "chaindrag_version"]


def test_thermal_equilibration_tables_keep_the_jobs_spacing_and_series_dtau(tmp_path):
    def job(spacing, dtau, seed):
        return pd.DataFrame(dict(omega_T=25.0, statistics="quantum", seed=seed, start="hot",
                                 tau=[0.5, 1.5], kinetic=[1.0, 2.0], spacing=spacing,
                                 series_dtau=dtau, omega_fast=10.0, d=60, solver="chain",
                                 chaindrag_version="test"))
    series = [_write(tmp_path, "a.csv", job(300, 1.0, 0)),
              _write(tmp_path, "b.csv", job(400, 2.0, 1))]
    s, _ = tables.thermal_equilibration_tables(series, series, tmp_path / "s.csv",
                                               tmp_path / "c.csv")
    assert set(zip(s["seed"], s["spacing"], s["series_dtau"])) == {(0, 300, 1.0), (1, 400, 2.0)}


def test_seed_ranges_are_compact():
    from chaindrag.tables.thermal_drag import seed_ranges

    assert seed_ranges([3, 0, 1, 2, 4, 4]) == "0-4"
    assert seed_ranges([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8"
    assert seed_ranges([6]) == "6"


def test_thermal_drag_rows_name_their_seeds_modes_and_mirror_images(tmp_path):
    rows = []
    for statistics, temp, seeds, images in (("rest", 0.0, [0], [False]),
                                            ("classical", 5.0, range(5), [False, True]),
                                            ("classical", 10.0, [0, 1, 3], [False])):
        for seed in seeds:
            for mirror in images:
                for sign in (1.0, -1.0):
                    rows.append(dict(v=25.0, omega_T=temp, statistics=statistics, seed=seed,
                                     phi0=2.0 * sign, mirror=mirror, delta_bar=0.1 + 1e-3 * seed,
                                     n_sites=100,
                                     n_modes=np.nan if statistics == "rest" else 3375,
                                     alpha=40.0, lam=4.0, mu=1.0, tau_max=300.0, window=100.0,
                                     omega_fast=10.0, d=60, solver="transparent",
                                     chaindrag_version="test"))
    df = tables.thermal_drag_table([_write(tmp_path, "drag.csv", pd.DataFrame(rows))],
                                   tmp_path / "t.csv").set_index("omega_T")
    assert df.loc[5.0, "seeds"] == "0-4" and df.loc[10.0, "seeds"] == "0-1,3"
    assert df.loc[5.0, "n_samples"] == 5 and df.loc[5.0, "n_modes"] == 3375
    assert bool(df.loc[5.0, "mirror"]) and not bool(df.loc[10.0, "mirror"])
    assert list(df.columns[-4:]) == ["seeds", "n_modes", "mirror", "chaindrag_version"]
    back = pd.read_csv(tmp_path / "t.csv")
    assert list(back["seeds"]) == ["0-4", "0-1,3"]


def test_fig4_refuses_a_run_that_never_reaches_the_chain_mass_naming_tau_max(tmp_path):
    from chaindrag import simulate
    from chaindrag.params import ParameterError
    from chaindrag.stores import save_trajectory

    # from sigma0 = 30 at v0 = 40 the mass at 40 is 0.25 tau away: tau_max = 0.05 stops short
    traj = simulate(alpha=40.0, phi0=2.0, lam=4.0, sigma0=30.0, v0=40.0, tau_max=0.05)
    path = save_trajectory(traj, tmp_path / "short.zarr")
    with pytest.raises(ParameterError, match="tau_max"):
        tables.fig4_pass_table([path], tmp_path / "fig4.csv")
    assert not (tmp_path / "fig4.csv").exists()
