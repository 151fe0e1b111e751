"""The broadened Delta_bar of Fig. 9 (Sec. VI) is a qualitative illustration and differs
between a repulsive and an attractive potential: a capped run's ``cap_reason`` names a
broadened solution only when plain Eq. 33 has none ahead of the run, then the one of the
run's own sign, and gives no Eq. 33 relaxation time towards it.

The solutions are prescribed (a synthetic drift table), the potential weak (|Phi0| = 0.1):
at v ~ 30 the cell-mean speed lies within 0.05% of the midpoint speed, the swing is ~0.07.
"""

import math

import pandas as pd
import pytest

from chaindrag import tables

ALPHA, LAM, MU, BIAS, P = 40.0, 4.0, 1.0, 0.01, 0.1


def _reasons(tmp_path, solutions, phi0s):
    """cap_reason per sign of runs with tail speed 30, accelerating, undetermined at the cap,
    against solutions [(v, stable, broadened, phi0)] (plain ones carry +Phi0)."""
    pd.DataFrame([dict(v=v, stable=st, broadened=br, phi0=p) for v, st, br, p in solutions]
                 ).to_csv(tmp_path / "drift.csv", index=False)
    pd.DataFrame([dict(phi0=p, lam=LAM, alpha=ALPHA, mu=MU, bias=BIAS, omega_fast=10.0,
                       v0=25.0, tau_max=1000.0, fate="undetermined", tail_v=30.0,
                       tail_slope=1e-3, tau_end=2000.0, tau_decided=math.nan, capped=True)
                  for p in phi0s]).to_csv(tmp_path / "batch_fates.csv", index=False)
    pd.DataFrame(columns=["phi0", "v0", "tau", "v"]).to_csv(tmp_path / "batch_long.csv",
                                                           index=False)
    out, _ = tables.fig8_continued_tables(
        [tmp_path / "batch_fates.csv"], [tmp_path / "batch_long.csv"], tmp_path / "drift.csv",
        tmp_path / "fates.csv", tmp_path / "long.csv")
    assert sorted(out["phi0"]) == sorted(phi0s)
    return dict(zip(out["phi0"], out["cap_reason"]))


# plain Eq. 33: everything below the runs (stable 20, unstable 25)
BEHIND = [(20.0, True, False, P), (25.0, False, False, P)]


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
