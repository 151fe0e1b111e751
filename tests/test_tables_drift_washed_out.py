"""Which plain Eq. 33 solutions a capped run's ``cap_reason`` passes over: over a cell the
speed swings by half the cell's spread about its mean, so a stable solution approached from
below is passed over when the next solution above it lies within that swing, and only then
(the window behind the run does not matter); where no cell can be crossed (a repulsive
potential below its capture speed) there is no swing and nothing is passed over.

The solutions are prescribed; the cell-mean speed and the swing are computed here from
energy conservation over the cell, v(x)^2 = v^2 - (8 pi^2 / mu) [Phi_cell(x) - Phi_cell(alpha/2)].
"""

import math

import numpy as np
import pandas as pd

from chaindrag import tables

ALPHA, LAM, MU, BIAS = 40.0, 4.0, 1.0, 0.01


def _cell_speed(v, phi0):
    """Speed over the half cell x in [0, alpha/2] (mass at 0) of midpoint speed v."""
    x = np.linspace(0.0, ALPHA / 2, 4001)

    def phi(y):
        return sum(phi0 * np.exp(-(y - k * ALPHA) ** 2 / (2 * LAM**2)) for k in range(-2, 3))

    return x, np.sqrt(v * v - 8 * math.pi**2 / MU * (phi(x) - phi(ALPHA / 2)))


def _mean(v, phi0):
    x, speed = _cell_speed(v, phi0)
    return (ALPHA / 2) / np.trapezoid(1.0 / speed, x)


def _swing(v, phi0):
    _, speed = _cell_speed(v, phi0)
    return 0.5 * (speed.max() - speed.min())


def _reason(tmp_path, phi0, solutions, tail_v, tail_slope):
    """cap_reason of a run undetermined at the cap against plain solutions [(v, stable)]."""
    pd.DataFrame([dict(v=v, stable=st, broadened=False, phi0=abs(phi0)) for v, st in solutions]
                 ).to_csv(tmp_path / "drift.csv", index=False)
    pd.DataFrame([dict(phi0=phi0, lam=LAM, alpha=ALPHA, mu=MU, bias=BIAS, omega_fast=10.0,
                       v0=25.0, tau_max=1000.0, fate="undetermined", tail_v=tail_v,
                       tail_slope=tail_slope, tau_end=2000.0, tau_decided=math.nan,
                       capped=True)]).to_csv(tmp_path / "batch_fates.csv", index=False)
    pd.DataFrame(columns=["phi0", "v0", "tau", "v"]).to_csv(tmp_path / "batch_long.csv",
                                                           index=False)
    out, _ = tables.fig8_continued_tables(
        [tmp_path / "batch_fates.csv"], [tmp_path / "batch_long.csv"], tmp_path / "drift.csv",
        tmp_path / "fates.csv", tmp_path / "long.csv")
    return out["cap_reason"].iloc[0]


def test_a_stable_root_with_a_wide_window_beyond_it_is_reached_however_narrow_the_one_behind(
        tmp_path):
    # Phi0 = 1: a run of midpoint speed 30 has cell mean ~29.66 and swings by ~0.67. It
    # accelerates inside a narrow window (29.58 unstable, 29.74 stable) with 5 of room above
    # the stable edge before the next (unstable) solution at 34.74.
    mean = _mean(30.0, 1.0)
    low, stable = 29.58, 29.74
    sols = [(20.0, True), (low, False), (stable, True), (34.74, False)]
    assert low < mean < stable
    assert stable - low < _swing(stable, 1.0) / 3 and 34.74 - stable > 3 * _swing(stable, 1.0)
    reason = _reason(tmp_path, 1.0, sols, tail_v=30.0, tail_slope=1e-3)
    assert "relaxing towards the stable solution v = 29.74 of" in reason
    assert "sits on" not in reason  # the unstable 29.58 lies within the swing of 29.74


def test_a_stable_root_with_a_narrow_window_beyond_it_is_passed_over(tmp_path):
    # the same run; now the unstable edge lies 0.16 above the stable one, within the swing
    mean = _mean(30.0, 1.0)
    sols = [(20.0, True), (mean + 0.5, True), (mean + 0.66, False), (45.0, True)]
    assert 0.16 < _swing(mean + 0.5, 1.0) / 3
    reason = _reason(tmp_path, 1.0, sols, tail_v=30.0, tail_slope=1e-3)
    assert "relaxing towards the stable solution v = 45 of" in reason


def test_a_solution_below_the_capture_speed_is_not_passed_over(tmp_path):
    # Phi0 = 2 (capture speed sqrt(16) pi = 12.57): a run slowing down at midpoint speed 20
    # (cell mean ~18.8) towards the stable solution at 10, where no cell can be crossed
    assert 10.0 < math.sqrt(8 * math.pi**2 * 2.0 / MU) < _mean(20.0, 2.0) < 25.0
    reason = _reason(tmp_path, 2.0, [(10.0, True), (25.0, False)], tail_v=20.0,
                     tail_slope=-1e-3)
    assert "relaxing towards the stable solution v = 10 of" in reason
