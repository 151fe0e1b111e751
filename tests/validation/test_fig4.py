"""Fig. 4 claims on the exact loss-free pass: Eq. (16) profile, extremum speed, capture."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chaindrag import analytic, validation

from .helpers import fig4c_table, loss_free_pass, verdicts

NA = validation.NA


def test_fig4_profile_and_extremum_pass_on_the_loss_free_motion():
    df = pd.concat([loss_free_pass(20.0), loss_free_pass(-20.0)], ignore_index=True)
    rows = validation.check_fig4_pass(df)
    assert len(rows) == 4 and all(p is True for p in verdicts(rows))


def test_fig4_profile_fails_without_the_dip_and_extremum_fails_when_off():
    flat = loss_free_pass(20.0).assign(v=50.0)  # no velocity fluctuation at all
    assert verdicts(validation.check_fig4_pass(flat), "profile") == [False]
    deep = loss_free_pass(20.0)
    deep["v"] = 50.0 - 1.6 * (50.0 - deep["v"])  # a dip 60% too deep
    rows = validation.check_fig4_pass(deep)
    assert verdicts(rows, "extremum") == [False] and verdicts(rows, "profile") == [False]


def test_fig4_no_pass_is_not_applicable_only_where_the_particle_may_stop():
    stuck = loss_free_pass(20.0).assign(tau_pass=np.nan)
    # v0 = 50 > capture speed 39.7 with KE0 - Phi0 = 11.7 >= 2 Delta_26 = 2.7: must pass
    assert verdicts(validation.check_fig4_pass(stuck)) == [False, False]
    assert verdicts(validation.check_fig4_pass(stuck.assign(v0=39.0))) == [NA, NA]  # < capture
    assert verdicts(validation.check_fig4_pass(stuck.assign(v0=41.0))) == [NA, NA]  # margin 1.3


def test_fig4_both_rows_always_present():
    sparse = loss_free_pass(20.0).iloc[::2000]  # a handful of samples: too few near the pass
    rows = validation.check_fig4_pass(sparse)
    assert verdicts(rows, "profile") == [NA] and verdicts(rows, "extremum") == [NA]


def _fig4c_signed(kept):
    """fig4c table whose extremum kinetic energy is KE0 - Phi0 - kept x Delta_26(v0)
    (kept < 0: energy gained)."""
    df = fig4c_table(1.0)
    d = analytic.single_pass_loss(df["v0"], df["phi0"], 4.0, 10.0)
    v2 = df["v_ext_numeric"] ** 2 - 8 * math.pi**2 * kept * d
    return df.assign(v_ext_numeric=np.sqrt(np.maximum(v2, 0.0)))


def test_fig4c_extremum_speeds_pass_when_right_and_fail_when_off():
    ext = "largest fluctuation"
    assert verdicts(validation.check_fig4c(fig4c_table(1.0)), ext) == [True, True]
    assert verdicts(validation.check_fig4c(fig4c_table(0.9)), ext) == [False, False]
    # the measured runs keep 0.24-0.53 of a pass loss short of KE0 - Phi0: right
    assert verdicts(validation.check_fig4c(_fig4c_signed(0.5)), ext) == [True, True]
    # a solver that gains half a pass loss instead (within the old |mismatch| tolerance)
    assert verdicts(validation.check_fig4c(_fig4c_signed(-0.5)), ext) == [False, False]
    # one that loses twice the pass loss before the mass
    assert verdicts(validation.check_fig4c(_fig4c_signed(2.0)), ext) == [False, False]


def test_fig4c_runs_clear_of_the_barrier_must_pass():
    clear = "clearing the barrier"
    df = fig4c_table(1.0)
    assert verdicts(validation.check_fig4c(df), clear) == [True, True]
    near = df.copy()  # v0 = 42 (KE0 - Phi0 = 2.3 < 2 Delta_26 = 3.2) may stop at the barrier
    near.loc[(near.phi0 == 20.0) & (near.v0 == 42.0), ["passed", "v_ext_numeric"]] = [False,
                                                                                      np.nan]
    assert verdicts(validation.check_fig4c(near), clear) == [True, True]
    far = df.copy()  # v0 = 96 clears it by 97 >> 1.4: stopping there is a failure
    far.loc[(far.phi0 == 20.0) & (far.v0 == 96.0), ["passed", "v_ext_numeric"]] = [False, np.nan]
    assert verdicts(validation.check_fig4c(far), clear) == [False, True]
    captures_all = df.assign(passed=False, v_ext_numeric=np.nan)
    rows = validation.check_fig4c(captures_all)
    assert verdicts(rows, clear) == [False, False]
    assert verdicts(rows, "largest fluctuation") == [NA, NA]
    # slow attractive runs may be trapped by the well (KE0 = 0.46 < 2 Delta_26(v_ext) = 3.4)
    slow = df.copy()
    slow.loc[(slow.phi0 == -20.0) & (slow.v0 == 6.0), ["passed", "v_ext_numeric"]] = [False,
                                                                                      np.nan]
    assert verdicts(validation.check_fig4c(slow), clear) == [True, True]


def test_capture_claim_passes_fails_and_is_not_applicable():
    below = pd.DataFrame(dict(phi0=[20.0, 20.0, -20.0], v0=[30.0, 39.0, 30.0],
                              passed=[False, False, True], mu=1.0))
    assert verdicts(validation.check_capture(below, None, None, None)) == [True]
    below.loc[1, "passed"] = True
    assert verdicts(validation.check_capture(below, None, None, None)) == [False]
    fates = pd.DataFrame(dict(phi0=[2.0, 2.0], v0=[10.0, 30.0], bias=0.01,
                              fate=["drift", "drift"]))
    assert verdicts(validation.check_capture(None, None, fates, None)) == [False]
    above = pd.DataFrame(dict(phi0=[20.0], v0=[60.0], passed=[True]))
    assert verdicts(validation.check_capture(above, None, None, None)) == [NA]
