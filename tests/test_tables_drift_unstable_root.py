"""A run capped near an unstable solution of Delta_bar(v) = bias sits where the mean force
vanishes: the fates table's ``cap_reason`` says so only within 2% of it (UNSTABLE_RTOL),
only for an unstable solution, and not where the cell's speed swing crosses it.

The solutions are prescribed (a synthetic drift table), the potential weak (Phi0 = 0.1): a
cell lowers v^2 by at most 8 pi^2 Phi0 / mu = 0.79, so at v ~ 30 the cell-mean speed lies
within 0.013 (0.05%) of the midpoint speed and the swing is ~0.066.
"""

import math

import pandas as pd
import pytest

from chaindrag import tables

ALPHA, LAM, MU, BIAS, PHI0 = 40.0, 4.0, 1.0, 0.01, 0.1


def _swing(v):
    """Half the speed spread of a cell at midpoint speed v (energy conservation, the nearest
    mass only: the neighbours add e^-12.5 of Phi0)."""
    return 0.5 * (v - math.sqrt(v * v - 8 * math.pi**2 * PHI0 / MU))


def _reason(tmp_path, solutions, tail_v, tail_slope):
    """cap_reason of a run undetermined at the cap (tau 2000 > tau_max 1000) whose tail
    speed is tail_v, against plain Eq. 33 solutions [(v, stable)]."""
    pd.DataFrame([dict(v=v, stable=st, broadened=False, phi0=PHI0) for v, st in solutions]
                 ).to_csv(tmp_path / "drift.csv", index=False)
    pd.DataFrame([dict(phi0=PHI0, lam=LAM, alpha=ALPHA, mu=MU, bias=BIAS, omega_fast=10.0,
                       v0=25.0, tau_max=1000.0, fate="undetermined", tail_v=tail_v,
                       tail_slope=tail_slope, tau_end=2000.0, tau_decided=math.nan,
                       capped=True)]).to_csv(tmp_path / "batch_fates.csv", index=False)
    pd.DataFrame(columns=["phi0", "v0", "tau", "v"]).to_csv(tmp_path / "batch_long.csv",
                                                           index=False)
    out, _ = tables.fig8_continued_tables(
        [tmp_path / "batch_fates.csv"], [tmp_path / "batch_long.csv"], tmp_path / "drift.csv",
        tmp_path / "fates.csv", tmp_path / "long.csv")
    assert len(out) == 1
    return out["cap_reason"].iloc[0]


# stable 20 | unstable 30 | stable 45 | unstable 60: every window far wider than the swing
SPREAD = [(20.0, True), (30.0, False), (45.0, True), (60.0, False)]


def test_a_run_capped_on_the_unstable_root_says_so(tmp_path):
    reason = _reason(tmp_path, SPREAD, tail_v=30.3, tail_slope=1e-4)  # 1% above it
    assert reason.startswith("undetermined at the cap tau = 2000")
    assert "sits on the unstable solution v = 30 of Delta_bar(v) = bias" in reason
    assert "zero mean force there" in reason
    assert "relaxing" not in reason


@pytest.mark.parametrize("tail_v, target", [(31.5, "45"), (28.5, "20")])
def test_a_run_five_percent_off_the_unstable_root_relaxes_away_from_it(
        tmp_path, tail_v, target):
    # 5% off 30 is outside the 2% window: the run is on its way to the next stable root in
    # the direction it moves (up from 31.5, down from 28.5)
    slope = 1e-3 if tail_v > 30.0 else -1e-3
    reason = _reason(tmp_path, SPREAD, tail_v=tail_v, tail_slope=slope)
    assert "sits on" not in reason
    assert f"relaxing towards the stable solution v = {target} of" in reason


def test_a_run_capped_at_a_stable_root_is_not_said_to_sit_on_an_unstable_one(tmp_path):
    # 0.7% above the stable 45, nothing stable above it: no solution to name at all
    reason = _reason(tmp_path, SPREAD, tail_v=45.3, tail_slope=1e-4)
    assert "sits on" not in reason and "unstable" not in reason
    assert "solution v =" not in reason


def test_an_unstable_root_nearer_its_stable_neighbour_than_the_swing_is_passed_over(
        tmp_path):
    # a narrow spike pair: stable 29.98 just below the unstable 30, both inside one swing.
    # The run's speed swings across the pair, so it does not sit on 30 but heads for 45.
    pair = [(20.0, True), (29.98, True), (30.0, False), (45.0, True), (60.0, False)]
    assert 30.0 - 29.98 < _swing(30.0) / 3 and 45.0 - 30.0 > 3 * _swing(30.0)
    reason = _reason(tmp_path, pair, tail_v=30.15, tail_slope=1e-3)  # cell mean ~30.12
    assert "sits on" not in reason
    assert "relaxing towards the stable solution v = 45 of" in reason
