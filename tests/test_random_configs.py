"""Regressions found by running the quick preset under random, schema-accepted variations of
config.yaml (each test calls the failing reduction or figure directly, on small inputs)."""

from __future__ import annotations

import pandas as pd
import pytest

from chaindrag import tables


def test_fig8c_tables_with_a_barrier_above_the_steady_state_grid(tmp_path):
    # fig8.interaction: a Lennard-Jones channel passing inside its zero (h < s): a barrier
    # Phi(0) ~ 800, capture speed ~252 > steady_state.v_max = 150. The broadened scan
    # [1.001 x capture, v_max] is empty: no broadened drift speeds, not a ParameterError
    spec = {"kind": "lennard_jones", "epsilon": 1.78, "s": 5.02, "h": 3.36}
    df, dv = tables.fig8c_tables(tmp_path / "steady.csv", tmp_path / "drift.csv", alpha=40.0,
                                 phi0=2.0, lam=4.0, mu=1.0, bias=0.01, omega_fast=10.0,
                                 v_min=1.0, v_max=150.0, n_points=50, interaction=spec)
    assert len(df) == 50
    assert not dv["broadened"].astype(bool).any()
    assert (dv["v"] > 250.0).all()  # the plain Eq. (33) solutions lie above the barrier
    assert len(pd.read_csv(tmp_path / "drift.csv")) == len(dv)


def test_fig2_table_off_grid_tau_names_the_keys_and_the_nearest_steps(tmp_path):
    # kernels.fig2 with d = 91, omega_fast = 7.3 (delta = 1/664.3) and fig2.taus = [2.8]: the
    # refusal must say which keys set the grid and where its nearest points are
    from chaindrag.kernel import precompute
    from chaindrag.params import ParameterError

    store = tmp_path / "k.zarr"
    precompute(store, n_max=5, tau_max=3.0, omega_fast=7.3, d=91)
    with pytest.raises(ParameterError, match=r"fig2\.taus.*d=91.*2\.7999.*2\.8014"):
        tables.fig2_table(store, tmp_path / "t.csv", taus=[2.8], n_max=5)
    df = tables.fig2_table(store, tmp_path / "t.csv", taus=[1860 / (91 * 7.3)], n_max=5)
    assert len(df) == 6


def _fig6_rows(spec: dict, v0s) -> list[dict]:
    from chaindrag.analytic._pair import provenance_text
    from chaindrag.interactions import interaction_from_config

    inter = interaction_from_config(spec)
    return [dict(figure="fig6", alpha=40.0, phi0=inter.phi_at_zero, lam=inter.width, mu=1.0,
                 v0=v0, omega_fast=10.0, d=60, passed=True, delta_numeric=0.005,
                 delta_analytic=0.005, interaction=provenance_text(inter)) for v0 in v0s]


def test_fig6_capture_speed_of_an_interaction_is_the_repulsive_runs(tmp_path):
    # fig6.interaction: a repulsive Yukawa channel (Q > 0) and its mirror; the table lists
    # the mirror's (attractive) rows first, and the figure drew its capture speed, 0
    from chaindrag.interactions import interaction_from_config
    from chaindrag.plotting import fig6

    spec = {"kind": "yukawa", "Q": 12.71, "screening_length": 4.45, "h": 4.26}
    table = pd.DataFrame(_fig6_rows(dict(spec, Q=-12.71), [10.0, 20.0])
                         + _fig6_rows(spec, [15.0, 25.0]))
    fig = fig6.plot(table, {})
    ax = fig.axes[0]
    (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("capture speed")]
    expected = interaction_from_config(spec).capture_speed(1.0)
    assert expected > 5.0
    assert float(line.get_xdata()[0]) == pytest.approx(expected)
    assert "Q=12.71" in ax.get_title() and "mirror" in ax.get_title()


def test_fig9_capture_speed_and_bias_line_of_an_interaction():
    # fig9.interaction (a Yukawa channel and its mirror) with the section's Gaussian phi0 = 2
    # left in place: the capture line was the Gaussian's (12.57), and the bias (0.01) lay
    # below the y range of curves that stay above 0.07
    from chaindrag.analytic._pair import provenance_text
    from chaindrag.interactions import interaction_from_config
    from chaindrag.plotting import fig9

    spec = {"kind": "yukawa", "Q": 19.28, "screening_length": 2.53, "h": 1.7}
    rows = []
    for sign in (1, -1):
        inter = interaction_from_config(dict(spec, Q=sign * spec["Q"]))
        rows += [dict(phi0=inter.phi_at_zero, v=v, delta_bar_broadened=0.07 + 0.01 * v,
                      interaction=provenance_text(inter)) for v in (22.0, 40.0, 60.0)]
    cfg = dict(alpha=40.0, mu=1.0, phi0=2.0, bias=0.01, n_lines=3, v_max=60.0)
    fig = fig9.plot(pd.DataFrame(rows), cfg)
    ax = fig.axes[0]
    (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("capture speed")]
    expected = interaction_from_config(spec).capture_speed(1.0)
    assert float(line.get_xdata()[0]) == pytest.approx(expected)
    lo, hi = ax.get_ylim()
    assert lo < 0.01 < hi


def test_fig8_with_every_run_captured_at_once():
    # fig8.interaction: a Lennard-Jones channel with a barrier ~800 (capture speed ~252):
    # every run is captured in its first cell, fig8_midpoints.csv is empty. The colour scale
    # was NaN (taken from the midpoints), the capture line the section's Gaussian's (12.57)
    # and the empty top band labelled "runaway"
    from chaindrag.analytic._pair import provenance_text
    from chaindrag.interactions import interaction_from_config
    from chaindrag.plotting import fig8
    from chaindrag.plotting.style import CAPTURE

    inter = interaction_from_config({"kind": "lennard_jones", "epsilon": 1.78, "s": 5.02,
                                     "h": 3.36})
    v0s = [10.0, 50.0, 90.0]
    fates = pd.DataFrame({"phi0": inter.phi_at_zero, "v0": v0s, "fate": "captured",
                          "interaction": provenance_text(inter)})
    midpoints = pd.DataFrame({c: pd.Series(dtype=float) for c in ("phi0", "v0", "tau", "v")})
    steady = pd.DataFrame({"v": [1.0, 150.0], "delta_bar": [1e-3, 1.0],
                           "delta_bar_script": [float("nan")] * 2})
    drift = pd.DataFrame({"v": [1446.0], "stable": [False], "broadened": [False]})
    cfg = dict(alpha=40.0, mu=1.0, bias=0.01, phi0=2.0, n_lines=5, runaway_band=[85.0, 88.0],
               tau_max=60.0)
    fig = fig8.plot(midpoints, fates, steady, drift, cfg)
    colorbar = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"][0]
    assert colorbar.get_ylim() == pytest.approx((10.0, 90.0))
    main_a = fig.axes[1]
    capture = [ln for ln in main_a.get_lines() if ln.get_color() == CAPTURE]
    assert [float(ln.get_ydata()[0]) for ln in capture] == pytest.approx(
        [inter.capture_speed(1.0)])
    assert main_a.get_xlim() == (0.0, 60.0)
    assert fig.axes[0].get_ylabel() != "runaway"


def _timestep_rows(phi0_v0_value):
    return pd.DataFrame([dict(check="timestep_convergence", quantity="rel_change_halved_delta",
                              value=val, d=60, alpha=40.0, phi0=phi0, lam=4.0, mu=1.0, v0=v0)
                         for phi0, v0, val in phi0_v0_value])


def test_health_timestep_run_below_the_capture_speed_is_left_out_not_failed():
    # health.timestep.v0 = [5] with phi0 = 2 (capture speed 12.6): the repulsive run stops at
    # the barrier, its loss is NaN, and the claim failed although every loss converged
    from chaindrag import validation

    def claim(rows):
        return [r for r in validation.check_health(rows) if r["claim"].startswith("halving")][0]

    r = claim(_timestep_rows([(-2.0, 5.0, 3.7e-6), (2.0, 5.0, float("nan"))]))
    assert r["passed"] is True and "v0 = 5" in r["note"] and "capture" in r["note"]
    assert claim(_timestep_rows([(2.0, 5.0, float("nan"))]))["passed"] == "n/a"
    # a NaN above the capture speed is still a failure
    assert claim(_timestep_rows([(2.0, 30.0, float("nan"))]))["passed"] is False


def test_fig8_panel_c_without_bias_keeps_a_readable_range():
    # fig8.bias = 0: panel (c) had no x range of its own and spanned 1e-284 .. 1e13 (Eq. 33
    # is exponentially small at the slowest speeds of the grid)
    from chaindrag.plotting import fig8

    fates = pd.DataFrame({"phi0": [2.0, -2.0], "v0": [30.0, 30.0], "fate": "drift"})
    midpoints = pd.DataFrame({"phi0": [2.0, -2.0], "v0": [30.0, 30.0], "tau": [1.0, 1.0],
                              "v": [30.0, 30.0]})
    steady = pd.DataFrame({"v": [1.0, 10.0, 150.0], "delta_bar": [1e-284, 1e-3, 0.1],
                           "delta_bar_script": [1e-290, 1e-3, 0.1]})
    drift = pd.DataFrame({"v": pd.Series(dtype=float), "stable": pd.Series(dtype=bool),
                          "broadened": pd.Series(dtype=bool)})
    cfg = dict(alpha=40.0, mu=1.0, bias=0.0, phi0=2.0, n_lines=5, runaway_band=[85.0, 88.0],
               tau_max=60.0)
    fig = fig8.plot(midpoints, fates, steady, drift, cfg)
    lo, hi = fig.axes[5].get_xlim()  # (c), the lower axes
    assert lo == pytest.approx(1e-7) and hi == pytest.approx(0.2)


def test_thermal_single_pass_figure_with_the_rest_chain_only():
    # thermal.single_pass.omega_T = [0]: panel (b) (the spread at omega_T > 0) had nothing
    # drawn but the capture line, on an x range of its own (12-13)
    from chaindrag.plotting import thermal_single_pass

    table = pd.DataFrame([dict(omega_T=0.0, statistics="rest", seed=0, mirror=False, v0=v0,
                               alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, omega_fast=10.0,
                               particle=0, passed=True, delta=0.02, first_order_work=0.0,
                               delta_thermal_shift=0.0) for v0 in (20.0, 30.0, 50.0)])
    fig = thermal_single_pass.plot(table, {})
    ax_b = fig.axes[1]
    assert ax_b.get_xlim() == pytest.approx(fig.axes[0].get_xlim(), rel=0.1)
    assert any("omega_T > 0" in t.get_text() for t in ax_b.texts)


def test_fig7_says_in_the_log_when_its_inset_range_holds_no_pass(caplog):
    # fig7.inset_v outside the passes' midpoint speeds: no inset, and the log says why
    from chaindrag.plotting import fig7

    rows = [dict(phi0=-20.0, lam=4.0, alpha=40.0, mu=1.0, v0=120.0, pass_index=i, tau=0.3 * i,
                 v_mid=v, delta_numeric=0.5, delta_analytic=0.5, keep=True, omega_fast=10.0,
                 d=60) for i, v in enumerate([60.0, 70.0, 80.0])]
    with caplog.at_level("WARNING", logger="chaindrag.plotting.fig7"):
        fig = fig7.plot(pd.DataFrame(rows), {"inset_v": [200.0, 250.0]})
    assert len(fig.axes) == 1
    assert "inset_v = [200, 250] holds no kept pass" in caplog.text
