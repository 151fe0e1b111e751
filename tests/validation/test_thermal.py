"""Claims of the thermal branch (validation_thermal.csv): finite-T drift plateau speeds within
the spread of the rest-chain ones, per sign of phi0, with a Student-t tolerance that follows
from the number of runs; the solvers' agreement; no claim judged on fewer than five samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chaindrag.validation import NA
from chaindrag.validation.thermal import MIN_SAMPLES, P_ROW, check_thermal_drag, \
    check_thermal_drift, check_thermal_equilibration, check_thermal_sampler, \
    check_thermal_solvers

from .helpers import exponential_quantiles

REST_N2 = (20.5, 21.0)  # rest-chain end speeds near alpha/2 = 20 (two starting speeds)


def _standard(k):
    """k fixed numbers with mean 0 and sample standard deviation 1."""
    z = np.linspace(-1.0, 1.0, k)
    return (z - z.mean()) / z.std(ddof=1)


def _ends(thermal, phi0=2.0, rest_phi0=(2.0, -2.0), temp=25.0, seeds=None):
    """A thermal_drift_ends table: rest runs of each sign in ``rest_phi0`` near alpha/2 at
    REST_N2, and thermal runs (sign ``phi0``) ending near alpha/2 at ``thermal``."""
    rows = [dict(phi0=p, statistics="rest", omega_T=0.0, seed=0, fate="plateau", n=2, v_end=v)
            for p in rest_phi0 for v in REST_N2]
    seeds = range(len(thermal)) if seeds is None else seeds
    rows += [dict(phi0=phi0, statistics="quantum", omega_T=temp, seed=s, fate="plateau", n=2,
                  v_end=v) for s, v in zip(seeds, thermal)]
    return pd.DataFrame(rows)


def _shifted(k, shift, spread=0.3):
    """k end speeds with mean REST_N2[1] + shift and sample standard deviation ``spread``."""
    return REST_N2[1] + shift + spread * _standard(k)


def test_finite_temperature_plateau_inside_the_rest_spread_passes():
    thermal = 20.75 + 0.3 * _standard(8)
    [row] = check_thermal_drift(_ends(thermal))
    assert row["passed"] is True and "phi0 = +2" in row["claim"]


def test_finite_temperature_plateau_far_outside_the_rest_spread_fails():
    # 3 above the rest range with spread 0.3 over 8 runs: 28 standard errors
    [row] = check_thermal_drift(_ends(_shifted(8, 3.0)))
    assert row["passed"] is False


def test_drift_claim_is_judged_separately_for_each_sign():
    ends = pd.concat([_ends(20.75 + 0.3 * _standard(8), phi0=2.0),
                      _ends(_shifted(8, 3.0), phi0=-2.0, rest_phi0=())], ignore_index=True)
    verdicts = {r["claim"].split("phi0 = ")[1][:2]: r["passed"] for r in check_thermal_drift(ends)}
    assert verdicts == {"+2": True, "-2": False}


def test_a_rest_run_of_the_other_sign_does_not_set_the_range():
    # attractive thermal runs near alpha/2, but only repulsive rest runs there
    [row] = check_thermal_drift(_ends(_shifted(8, 0.0), phi0=-2.0, rest_phi0=(2.0,)))
    assert row["passed"] == NA and "rest-chain run" in row["note"]


def test_drift_tolerance_is_the_student_t_value_over_the_standard_error():
    # a shift just inside and just outside t_{k-1} s / sqrt(k) for k = 8, one line judged
    k, spread = 8, 0.3
    tol = stats.t.ppf(1 - P_ROW / 2, k - 1) * spread / np.sqrt(k)
    inside = check_thermal_drift(_ends(_shifted(k, 0.99 * tol, spread)))[0]
    outside = check_thermal_drift(_ends(_shifted(k, 1.01 * tol, spread)))[0]
    assert (inside["passed"], outside["passed"]) == (True, False)


def test_the_same_offset_fails_once_enough_runs_resolve_it():
    # an offset of 1 spread above the rest range: hidden by t_4/sqrt(5) at 5 runs, resolved
    # by t_59/sqrt(60) at 60 runs
    few = check_thermal_drift(_ends(_shifted(5, 0.3)))[0]
    many = check_thermal_drift(_ends(_shifted(60, 0.3)))[0]
    assert (few["passed"], many["passed"]) == (True, False)


def test_too_few_runs_near_a_plateau_are_not_judged():
    [row] = check_thermal_drift(_ends(_shifted(MIN_SAMPLES - 1, 3.0)))
    assert row["passed"] == NA and str(MIN_SAMPLES) in row["note"]


def test_runs_sharing_a_realization_are_not_judged():
    [row] = check_thermal_drift(_ends(_shifted(8, 3.0), seeds=[0, 0, 1, 1, 2, 2, 3, 3]))
    assert row["passed"] == NA and "realizations" in row["note"]


def _solver_table(kernel_diff, transparent_diff=None, n_transparent=960):
    values = dict(max_abs_sigma_diff=kernel_diff, max_abs_velocity_diff=0.0, velocity_scale=30.0,
                  thermal_velocity_kick=2.0, n_modes_chain=960, n_modes_kernel=960)
    if transparent_diff is not None:
        values.update(max_abs_sigma_diff_transparent=transparent_diff,
                      n_modes_transparent=n_transparent)
    return pd.DataFrame([dict(check="thermal_solver_agreement", quantity=q, value=v,
                              omega_T=1.0, statistics="classical", seed=3, v0=30.0,
                              tau_max=10.0) for q, v in values.items()])


def test_each_solver_is_judged_against_the_chain_solver_within_a_billionth_of_the_path():
    # tolerance 1e-9 x v0 tau_max = 3e-7
    rows = check_thermal_solvers(_solver_table(1e-10, 2e-10))
    assert [r["passed"] for r in rows] == [True, True]
    assert ["kernel" in rows[0]["claim"], "transparent" in rows[1]["claim"]] == [True, True]
    rows = check_thermal_solvers(_solver_table(1e-10, 1e-6))
    assert [r["passed"] for r in rows] == [True, False]
    rows = check_thermal_solvers(_solver_table(1e-10, 1e-10, n_transparent=1024))
    assert rows[1]["passed"] is False and "rings" in rows[1]["note"]


def test_a_solver_table_without_the_transparent_run_is_not_judged_for_it():
    rows = check_thermal_solvers(_solver_table(1e-10))
    assert rows[0]["passed"] is True and rows[1]["passed"] == NA


def test_sampler_tolerance_is_the_student_t_value_over_the_standard_error():
    # every sampler row (<rho^2>, <(rho'/2 pi)^2>, <rho_n rho_n+1>, and C_0(tau) at one lag)
    # is judged as |measured - closed form| <= t_{R-1} x standard error at P_ROW: an offset
    # just inside passes, just outside fails, at 16 realizations as at 5
    for seeds in (5, 16):
        se = 0.01
        tol = stats.t.ppf(1 - P_ROW / 2, seeds - 1) * se

        def verdicts(offset):
            rows = [dict(statistics="classical", omega_T=5.0, quantity=q, lag=0.0,
                         measured=e + offset, std_error=se, expected=e, seeds=seeds)
                    for q, e in (("displacement_variance", 0.5), ("velocity_variance", 5.0),
                                 ("neighbour_correlation", 0.409), ("time_correlation", 0.2))]
            return [r["passed"] for r in check_thermal_sampler(pd.DataFrame(rows))]

        assert verdicts(0.99 * tol) == [True] * 4, seeds
        assert verdicts(-1.01 * tol) == [False] * 4, seeds


# -------------------------------------------------- too few samples for a tolerance to bite
def _sampler(seeds, velocity=5.0):
    return pd.DataFrame([dict(statistics="classical", omega_T=5.0, quantity=q, lag=0.0,
                              measured=m, std_error=0.01, expected=e, seeds=seeds)
                         for q, m, e in (("displacement_variance", 0.5, 0.5),
                                         ("velocity_variance", velocity, 5.0),
                                         ("neighbour_correlation", 0.41, 0.409),
                                         ("time_correlation", 0.2, 0.2))])


def _equilibration(seeds, kinetic):
    tau = np.linspace(0.0, 100.0, 11)
    series = pd.DataFrame([dict(start="hot", seed=s, tau=t, kinetic=kinetic + 0.01 * s,
                                omega_T=2.0, statistics="classical", tau_max=100.0)
                           for s in range(seeds) for t in tau])
    # crossing energies exp(-E/T)/T distributed, scale 2 x the seed's mean kinetic energy
    q = exponential_quantiles(200)
    crossings = pd.DataFrame([dict(start="hot", seed=s, tau=60.0 + 0.2 * j, kinetic=e)
                              for s in range(seeds)
                              for j, e in enumerate((2 * kinetic + 0.01 * s) * q)])
    return series, crossings


@pytest.mark.parametrize("bad", [0.0, -0.3, np.nan])
def test_a_kinetic_energy_not_finite_and_positive_is_a_broken_run_not_a_skipped_sample(bad):
    # one sample of the last seed at tau = 100 (in the judged second half): the mean of the
    # remaining samples would still equal T/2, so only this row can say the run is broken
    series, crossings = _equilibration(5, 1.0)
    series.loc[series.index[-1], "kinetic"] = bad
    rows = check_thermal_equilibration(series, crossings)
    broken = [r for r in rows if "not finite and positive" in r["note"]]
    assert broken and all(r["passed"] is False for r in broken)


def _drag(n_samples, shift):
    return pd.DataFrame([dict(statistics="classical", omega_T=5.0, v=v, n_samples=n_samples,
                              shift=shift, shift_se=1e-4, theory_shift=0.02,
                              debye_waller_shift=0.0) for v in (25.0, 50.0)])


def test_thermal_claims_on_fewer_than_five_realizations_are_not_judged():
    # the critical value t(k - 1) at P_ROW is 13 at 5 samples, 22 at 4 and 3 183 at 2: below
    # 5 a row could pass almost anything, so it is n/a; at 5 the same errors fail
    assert [r["passed"] for r in check_thermal_sampler(_sampler(5, 5.3))] == [True, False,
                                                                               True, True]
    few = check_thermal_sampler(_sampler(MIN_SAMPLES - 1, 5.3))
    assert all(r["passed"] == NA and "fewer than 5" in r["note"] for r in few)
    assert {r["passed"] for r in check_thermal_equilibration(*_equilibration(5, 1.0))} == {True}
    assert {r["passed"] for r in check_thermal_equilibration(*_equilibration(5, 1.5))} == {False}
    few = check_thermal_equilibration(*_equilibration(4, 1.5))
    assert all(r["passed"] == NA and "4 seeds" in r["note"] for r in few)
    assert [r["passed"] for r in check_thermal_drag(_drag(5, 0.02))] == [True, True]
    assert [r["passed"] for r in check_thermal_drag(_drag(5, 0.0))] == [False, False]
    few = check_thermal_drag(_drag(4, 0.0))
    assert all(r["passed"] == NA and "4 samples" in r["note"] for r in few)
