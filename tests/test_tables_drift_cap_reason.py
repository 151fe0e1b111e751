"""The fates table's ``cap_reason`` (tables.fig8_continued_tables): only a run still
undetermined at its cap has one. It gives the tail's dv/dtau in units of the bias's free
acceleration 4 pi^2 bias / (mu alpha) (Eq. 33 with no drag), says when the run sits on an
unstable solution of Delta_bar(v) = bias (within 2%, UNSTABLE_RTOL), and otherwise names the
stable solution it relaxes towards: the next plain Eq. 33 one in its direction, passing over
those whose window is narrower than a cell's speed swing, else the broadened one (Fig. 9,
Sec. VI) of the run's own sign, with no Eq. 33 relaxation time towards it.

The runs' rows are written by hand and the solutions prescribed (synthetic drift tables);
cell-mean speeds and swings are computed here from energy conservation over the cell,
v(x)^2 = v^2 - (8 pi^2 / mu) [Phi_cell(x) - Phi_cell(alpha/2)].
"""

import math

import numpy as np
import pandas as pd
import pytest

from chaindrag import tables

ALPHA, LAM, MU, BIAS = 40.0, 4.0, 1.0, 0.01
#: a weak potential: a cell lowers v^2 by at most 8 pi^2 Phi0 / mu = 0.79, so at v ~ 30 the
#: cell-mean speed lies within 0.05% of the midpoint speed and the swing is ~0.07
P = 0.1
#: stable 20 | unstable 30 | stable 45 | unstable 60: every window far wider than the swing
SPREAD = [(20.0, True), (30.0, False), (45.0, True), (60.0, False)]


def _continued(tmp_path, solutions, runs):
    """The continued fates table of ``runs`` (dicts overriding a run of Phi0 = P, mu = 1,
    undetermined at its cap tau = 2000 > tau_max = 1000) against ``solutions``
    [(v, stable, broadened, phi0)] of Delta_bar(v) = bias."""
    pd.DataFrame([dict(v=v, stable=st, broadened=br, phi0=p) for v, st, br, p in solutions]
                 ).to_csv(tmp_path / "drift.csv", index=False)
    base = dict(phi0=P, lam=LAM, alpha=ALPHA, mu=MU, bias=BIAS, omega_fast=10.0, v0=25.0,
                tau_max=1000.0, fate="undetermined", tau_end=2000.0, tau_decided=math.nan,
                capped=True)
    pd.DataFrame([{**base, **run} for run in runs]).to_csv(tmp_path / "batch_fates.csv",
                                                           index=False)
    pd.DataFrame(columns=["phi0", "v0", "tau", "v"]).to_csv(tmp_path / "batch_long.csv",
                                                           index=False)
    out, _ = tables.fig8_continued_tables(
        [tmp_path / "batch_fates.csv"], [tmp_path / "batch_long.csv"], tmp_path / "drift.csv",
        tmp_path / "fates.csv", tmp_path / "long.csv")
    assert len(out) == len(runs)
    return out


def _reason(tmp_path, solutions, tail_v, tail_slope, phi0=P):
    """cap_reason of one capped run against plain solutions [(v, stable)]."""
    sols = [(v, st, False, abs(phi0)) for v, st in solutions]
    run = dict(phi0=phi0, tail_v=tail_v, tail_slope=tail_slope)
    return _continued(tmp_path, sols, [run])["cap_reason"].iloc[0]


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


# ------------------------------------------------------------------------- which runs, units
def test_only_a_run_undetermined_at_its_cap_carries_a_reason(tmp_path):
    # a run that ran away, one captured by a mass, one settled into drift and one still
    # relaxing at the cap, all with a finite tail speed and slope
    decided = dict(tau_end=1500.0, tau_decided=1200.0, capped=False)
    sols = [(v, st, False, P) for v, st in SPREAD]
    out = _continued(tmp_path, sols, [
        dict(v0=80.0, fate="runaway", tail_v=85.0, tail_slope=2e-3, **decided),
        dict(v0=10.0, fate="captured", tail_v=12.0, tail_slope=-1e-3, **decided),
        dict(v0=40.0, fate="drift", tail_v=44.8, tail_slope=1e-5, **decided),
        dict(v0=35.0, tail_v=38.0, tail_slope=1e-3)]).set_index("v0")
    assert (out.loc[[80.0, 10.0, 40.0], "cap_reason"] == "").all()
    assert out.loc[35.0, "cap_reason"].startswith("undetermined at the cap tau = 2000")
    # re-read: the written table says the same
    written = pd.read_csv(tmp_path / "fates.csv", keep_default_na=False).set_index("v0")
    assert (written.loc[[80.0, 10.0, 40.0], "cap_reason"] == "").all()


@pytest.mark.parametrize("mu, fraction", [(1.0, 0.5), (2.0, -0.25), (0.5, 0.1)])
def test_the_tail_slope_is_given_in_units_of_the_bias_free_acceleration(
        tmp_path, mu, fraction):
    free = 4 * math.pi**2 * BIAS / (mu * ALPHA)
    run = dict(v0=35.0, tail_v=38.0, tail_slope=fraction * free, mu=mu)
    sols = [(v, st, False, P) for v, st in SPREAD]
    reason = _continued(tmp_path, sols, [run])["cap_reason"].iloc[0]
    assert f"= {fraction:.2g} x the bias's free acceleration" in reason


# ----------------------------------------------------------------------- unstable solutions
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
    assert 30.0 - 29.98 < _swing(30.0, P) / 3 and 45.0 - 30.0 > 3 * _swing(30.0, P)
    reason = _reason(tmp_path, pair, tail_v=30.15, tail_slope=1e-3)  # cell mean ~30.12
    assert "sits on" not in reason
    assert "relaxing towards the stable solution v = 45 of" in reason


# ------------------------------------------------------------ windows narrower than a swing
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
    reason = _reason(tmp_path, sols, tail_v=30.0, tail_slope=1e-3, phi0=1.0)
    assert "relaxing towards the stable solution v = 29.74 of" in reason
    assert "sits on" not in reason  # the unstable 29.58 lies within the swing of 29.74


def test_a_stable_root_with_a_narrow_window_beyond_it_is_passed_over(tmp_path):
    # the same run; now the unstable edge lies 0.16 above the stable one, within the swing
    mean = _mean(30.0, 1.0)
    sols = [(20.0, True), (mean + 0.5, True), (mean + 0.66, False), (45.0, True)]
    assert 0.16 < _swing(mean + 0.5, 1.0) / 3
    reason = _reason(tmp_path, sols, tail_v=30.0, tail_slope=1e-3, phi0=1.0)
    assert "relaxing towards the stable solution v = 45 of" in reason


def test_a_solution_below_the_capture_speed_is_not_passed_over(tmp_path):
    # Phi0 = 2 (capture speed sqrt(16) pi = 12.57): a run slowing down at midpoint speed 20
    # (cell mean ~18.8) towards the stable solution at 10, where no cell can be crossed
    assert 10.0 < math.sqrt(8 * math.pi**2 * 2.0 / MU) < _mean(20.0, 2.0) < 25.0
    reason = _reason(tmp_path, [(10.0, True), (25.0, False)], tail_v=20.0, tail_slope=-1e-3,
                     phi0=2.0)
    assert "relaxing towards the stable solution v = 10 of" in reason


# ---------------------------------------------------------------------- broadened solutions
#: plain Eq. 33: everything below the runs (stable 20, unstable 25)
BEHIND = [(20.0, True, False, P), (25.0, False, False, P)]


def _reasons(tmp_path, solutions, phi0s):
    """cap_reason per sign of runs with tail speed 30, accelerating, undetermined at the cap."""
    runs = [dict(phi0=p, tail_v=30.0, tail_slope=1e-3) for p in phi0s]
    out = _continued(tmp_path, solutions, runs)
    return dict(zip(out["phi0"], out["cap_reason"]))


def test_with_no_eq33_solution_ahead_each_sign_heads_for_its_own_broadened_solution(
        tmp_path):
    broad = [(40.0, True, True, P), (35.0, True, True, -P)]
    reasons = _reasons(tmp_path, BEHIND + broad, [P, -P])
    repulsive, attractive = reasons[P], reasons[-P]
    assert ("relaxing towards the stable solution v = 40 of Delta_bar(v) = bias "
            "(broadened Eq. 33, Fig. 9)") in repulsive
    assert ("relaxing towards the stable solution v = 35 of Delta_bar(v) = bias "
            "(broadened Eq. 33, Fig. 9)") in attractive
    assert "v = 35" not in repulsive and "v = 40" not in attractive


@pytest.mark.parametrize("phi0", [P, -P])
def test_no_eq33_relaxation_time_is_given_towards_a_broadened_solution(tmp_path, phi0):
    # plain Eq. 33 for Phi0 = +-0.1 lies far below the bias between 30 and 40: its time to
    # get there is finite, but it is not the time to reach the broadened curve's solution
    reasons = _reasons(tmp_path, BEHIND + [(40.0, True, True, phi0)], [phi0])
    assert "broadened Eq. 33, Fig. 9" in reasons[phi0]
    assert "takes tau ~" not in reasons[phi0]


def test_an_eq33_solution_ahead_is_named_before_a_nearer_broadened_one(tmp_path):
    plain = BEHIND + [(50.0, True, False, P), (70.0, False, False, P)]
    reason = _reasons(tmp_path, plain + [(40.0, True, True, P)], [P])[P]
    assert "relaxing towards the stable solution v = 50 of Delta_bar(v) = bias (Eq. 33)" in reason
    assert "broadened" not in reason
