"""Measurements on thermal runs (issue 13): the single-pass noise against the
fluctuation-dissipation relation, equipartition, and the reductions and claims built on them.

Statistical tolerances come from the sample: a deviation is judged in units of its standard
error against the Student-t (or normal) quantile for a two-sided false-alarm probability of
1e-3 per assertion (stated in each test). Samples are seeded, so every run draws the same
numbers.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chaindrag import analytic
from chaindrag.jobs.thermal import pass_spacing, thermal_equilibration, thermal_single_passes
from chaindrag.params import ParameterError
from chaindrag.tables.thermal import _plateau_index, pass_samples, plateau_fractions, \
    thermal_drift_tables
from chaindrag.thermal import mode_energy
from chaindrag.validation import NotApplicable
from chaindrag.validation.thermal import check_thermal_sampler, check_thermal_single_pass
from chaindrag.validation.thermal_single_pass import shift_amplitude, speed_stats

WF = 10.0
P_FALSE = 1e-3  # two-sided false-alarm probability of every statistical assertion
FIG6 = dict(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, omega_fast=WF, d=60, solver="chain",
            run_length=2.2)


def quantile(dof=math.inf):
    q = 1 - P_FALSE / 2
    return stats.norm.ppf(q) if not math.isfinite(dof) else stats.t.ppf(q, dof)


# ------------------------------------------------------------------ Var(Delta) = 2 sum eps Delta_j
@pytest.mark.parametrize("temp", [0.5, 5.0, 50.0])
def test_classical_noise_variance_is_twice_temperature_times_eq26(temp):
    v = np.array([3.0, 13.0, 20.0, 50.0, 150.0, 1000.0])
    var = analytic.single_pass_noise_variance(v, 2.0, 4.0, temp, "classical")
    np.testing.assert_allclose(var, 2 * temp * analytic.single_pass_loss(v, 2.0, 4.0), rtol=1e-10)


def ring_sum(v, phi0, lam, temp, statistics, n=4096):
    """2 sum_j eps_j Delta_j over the modes q_j = 2 pi j / n of a ring (discrete Eq. 25)."""
    q = 2 * math.pi * np.arange(n) / n
    omega = np.sqrt(1 + (WF**2 - 1) * np.sin(q / 2) ** 2)
    amp = 4 * math.pi**2 * omega / v**2 * analytic.gaussian_fourier(2 * math.pi * omega / v,
                                                                    phi0, lam)
    delta_j = 0.5 * amp**2 / n
    return delta_j.sum(), 2 * np.sum(mode_energy(omega, temp, statistics) * delta_j)


@pytest.mark.parametrize("temp, statistics", [(0.0, "quantum"), (5.0, "quantum"),
                                              (25.0, "classical")])
@pytest.mark.parametrize("v", [8.0, 50.0, 300.0])
def test_noise_variance_equals_the_mode_sum_on_a_large_ring(v, temp, statistics):
    loss, var_ring = ring_sum(v, 2.0, 4.0, temp, statistics)
    assert loss == pytest.approx(analytic.single_pass_loss(v, 2.0, 4.0), rel=1e-10)
    var = analytic.single_pass_noise_variance(v, 2.0, 4.0, temp, statistics)
    assert var == pytest.approx(var_ring, rel=1e-10)


def test_quantum_noise_exceeds_classical_by_the_zero_point_correction_at_high_temperature():
    # eps = T + omega^2/(12 T) + O(T^-3), so Var_q - Var_c -> (1/6T) * 16 pi^5 phi0^2 lam^2 /
    # v^4 <omega^4 e^{-s^2 omega^2}>, written here with the ring sum of omega^2 Delta_j
    v, temp, n = 50.0, 200.0, 4096
    q = 2 * math.pi * np.arange(n) / n
    omega = np.sqrt(1 + (WF**2 - 1) * np.sin(q / 2) ** 2)
    delta_j = 0.5 * (4 * math.pi**2 * omega / v**2 * analytic.gaussian_fourier(
        2 * math.pi * omega / v, 2.0, 4.0)) ** 2 / n
    correction = np.sum(omega**2 * delta_j) / (6 * temp)
    diff = (analytic.single_pass_noise_variance(v, 2.0, 4.0, temp, "quantum")
            - analytic.single_pass_noise_variance(v, 2.0, 4.0, temp, "classical"))
    assert diff == pytest.approx(correction, rel=1e-3)  # next term is O(omega^2/(T^2 * 60))


@pytest.mark.parametrize("kw, name", [(dict(omega_T=-1.0), "omega_T"),
                                      (dict(statistics="boltzmann"), "statistics"),
                                      (dict(v=0.0), "v"), (dict(lam=-4.0), "lam")])
def test_noise_variance_refuses_bad_input_naming_it(kw, name):
    args = dict(v=50.0, phi0=2.0, lam=4.0, omega_T=5.0, statistics="quantum")
    args.update(kw)
    with pytest.raises(ParameterError, match=name):
        analytic.single_pass_noise_variance(**args)


# ------------------------------------------------------------------ single passes in a thermal chain
@pytest.fixture(scope="module")
def passes_v50():
    """400 classical passes at v0 = 50, omega_T = 5 (16 realizations x 25 particles) and the
    rest-chain pass."""
    rows = []
    for seed in range(16):
        rows += thermal_single_passes(v0=50.0, omega_T=5.0, statistics="classical", seed=seed,
                                      n_particles=25, **FIG6)
    rest = thermal_single_passes(v0=50.0, omega_T=0.0, statistics="rest", seed=0,
                                 n_particles=25, **FIG6)
    return pd.DataFrame(rows), rest


def test_single_pass_noise_obeys_classical_fluctuation_dissipation(passes_v50):
    # v0 = 50 is 4x the capture speed: the thermal kick (sigma ~ 0.37) is 1 % of the
    # energy above the barrier, so the first-order relation Var = 2 T Delta_rest holds far
    # below the resolution of 400 passes (7 %). A factor-2 error in the mode variance
    # would be 14 standard errors off.
    df, rest = passes_v50
    d = df["delta"].to_numpy()
    assert df["passed"].all() and d.size == 400
    var, n = d.var(ddof=1), d.size
    m4 = np.mean((d - d.mean()) ** 4)
    se = math.sqrt((m4 - var**2 * (n - 3) / (n - 1)) / n)
    for predicted in (2 * 5.0 * rest[0]["delta"],                        # the rest-chain pass
                      2 * 5.0 * analytic.single_pass_loss(50.0, 2.0, 4.0)):  # Eq. (26) at v0
        assert abs(var - predicted) <= quantile() * se, (var, predicted, se)


def test_mean_single_pass_loss_stays_on_the_rest_chain_value(passes_v50):
    df, rest = passes_v50
    d = df["delta"].to_numpy()
    se = d.std(ddof=1) / math.sqrt(d.size)
    assert abs(d.mean() - rest[0]["delta"]) <= quantile(d.size - 1) * se


def test_first_order_thermal_work_has_zero_mean_and_carries_the_single_pass_noise(passes_v50):
    df, rest = passes_v50
    d, w = df["delta"].to_numpy(), df["first_order_work"].to_numpy()
    n = d.size
    assert abs(w.mean()) <= quantile(n - 1) * w.std(ddof=1) / math.sqrt(n)
    corrected = d - w
    assert corrected.var(ddof=1) < d.var(ddof=1) / 50  # measured ~1/340 at v0 = 50
    # what remains is the rest-chain loss plus the order-phi0^2 T shift (+0.00107 here):
    # 3.29 standard errors plus 10 % of the shift (the next order in phi0 / KE = 0.06)
    shift = analytic.single_pass_thermal_shift(50.0, 2.0, 4.0, 5.0, "classical")
    se = corrected.std(ddof=1) / math.sqrt(n)
    assert abs(corrected.mean() - rest[0]["delta"] - shift) <= quantile(n - 1) * se + 0.1 * shift


def test_passes_sharing_a_realization_are_uncorrelated(passes_v50):
    # neighbouring particles sit pass_spacing sites apart, beyond each other's sound cone
    # and thermal correlation length: their losses are independent (Pearson r ~ N(0, 1/n))
    df, _ = passes_v50
    wide = df.pivot(index="seed", columns="particle", values="delta").to_numpy()
    a, b = wide[:, :-1].ravel(), wide[:, 1:].ravel()
    r = np.corrcoef(a, b)[0, 1]
    assert abs(r) <= quantile() / math.sqrt(a.size)
    assert df["spacing"].iloc[0] == pass_spacing(df["tau_max"].iloc[0], 40.0, 2.0, 4.0, 50.0, WF)


def test_rest_chain_single_pass_needs_no_temperature():
    with pytest.raises(ParameterError, match="omega_T"):
        thermal_single_passes(v0=50.0, omega_T=5.0, statistics="rest", seed=0, n_particles=1,
                              **FIG6)


@pytest.mark.parametrize("kw, name", [(dict(statistics="rest", omega_T=0.0), "mirror=True"),
                                      (dict(statistics="classical", omega_T=5.0, mirror=1),
                                       "mirror must be True or False")])
def test_single_pass_mirror_image_needs_a_thermal_chain_and_a_boolean(kw, name):
    args = dict(dict(mirror=True), **kw)
    with pytest.raises(ParameterError, match=name):
        thermal_single_passes(v0=50.0, seed=0, n_particles=1, **args, **FIG6)


# ------------------------------------------------------------------ equipartition
@pytest.mark.slow
def test_mobile_particle_started_hot_settles_at_equipartition():
    # alpha = 5, lam = 1, attractive Phi0 = -2, classical T = 2: Eq. (26) at the thermal
    # speed gives an energy relaxation time of ~2 tau; the hot start (4 x T/2) is judged
    # on tau in [30, 60], per realization (16 particles each), over 8 realizations
    temp = 2.0
    means, start_means = [], []
    for seed in range(8):
        s, c = thermal_equilibration(alpha=5.0, phi0=-2.0, lam=1.0, mu=1.0, omega_T=temp,
                                     statistics="classical", seed=seed, start="hot",
                                     v_hot=4 * math.pi * math.sqrt(temp), n_particles=16,
                                     spacing=64, tau_max=60.0, series_dtau=1.0,
                                     omega_fast=WF, d=60, solver="chain")
        means.append(s.loc[s["tau"] >= 30, "kinetic"].mean())
        start_means.append(s["kinetic"].iloc[0])
        assert set(c["direction"]) <= {-1, 1} and (c["kinetic"] >= 0).all()
    means = np.array(means)
    se = means.std(ddof=1) / math.sqrt(means.size)
    assert abs(means.mean() - temp / 2) <= quantile(means.size - 1) * se, (means.mean(), se)
    assert np.mean(start_means) > 3 * temp / 2  # it did start hot


# ------------------------------------------------------------------ reductions and claims
@pytest.mark.parametrize("v, n", [(40.0, 1), (20.0, 2), (13.4, 3), (29.0, 1), (28.0, 2),
                                  (57.0, 0), (4.0, 10)])
def test_end_speeds_bin_to_the_nearest_line_alpha_over_n_on_a_log_scale(v, n):
    # bin edges alpha/sqrt(n(n+1)): 28.28 between n = 1 and 2; above sqrt(2) alpha = 56.6: 0
    assert _plateau_index(v, 40.0) == n


def _run(statistics, temp, seed, v0, taus, speeds, directions=None, phi0=2.0):
    n = len(taus)
    return pd.DataFrame(dict(statistics=statistics, omega_T=temp, seed=seed, v0=v0, alpha=40.0,
                             phi0=phi0, lam=4.0, mu=1.0, bias=0.01, tau_max=100.0, tau=taus,
                             v=speeds, sigma=0.0, direction=directions or [1] * n,
                             omega_fast=WF, d=60, solver="chain"))


def _crossing_times(speeds, alpha=40.0, end=100.0):
    """Midpoint crossing times, the last at ``end``, of a particle whose mean speed over the
    cell before crossing k is speeds[k]."""
    t = np.concatenate([[0.0], np.cumsum(alpha / np.asarray(speeds[1:]))])
    return list(t + end - t[-1])


def test_drift_ends_are_plateau_fast_or_captured_for_either_sign(tmp_path):
    tau = list(np.linspace(0, 100, 60))
    fast = list(np.linspace(80, 95, 60))
    runs = []
    for p in (2.0, -2.0):
        runs += [_run("rest", 0.0, 0, 20.0, _crossing_times([20.5] * 60), [20.5] * 60, phi0=p),
                 _run("quantum", 25.0, 0, 90.0, _crossing_times(fast), fast, phi0=p),
                 _run("quantum", 25.0, 1, 10.0, tau, [5.0] * 60, [1, -1] * 30, phi0=p),
                 _run("quantum", 25.0, 2, 20.0, list(np.linspace(0, 100, 12)), [20.0] * 12,
                      phi0=p)]
    paths = []
    for i, r in enumerate(runs):
        paths.append(tmp_path / f"b{i}.csv")
        r.to_csv(paths[-1], index=False)
    table, ends = thermal_drift_tables(paths, tmp_path / "t.csv", tmp_path / "e.csv",
                                       tail_fraction=0.25, min_points=8)
    assert set(table["phi0"]) == set(ends["phi0"]) == {2.0, -2.0}
    for p in (2.0, -2.0):
        e = ends[ends["phi0"] == p]
        fates = dict(zip(zip(e["statistics"], e["seed"]), e["fate"]))
        assert fates == {("quantum", 0): "fast", ("quantum", 1): "captured",
                         ("quantum", 2): "undetermined", ("rest", 0): "plateau"}
    frac = plateau_fractions(ends)
    assert frac.groupby(["phi0", "statistics", "omega_T"])["fraction"].sum().tolist() == [1.0] * 4


def test_a_slow_drift_end_is_labelled_by_the_line_its_crossing_period_locks_to(tmp_path):
    # an attractive slow run: midpoint (minimum) speeds 3.5 +- 0.1, one cell every 8.003
    # (the paper preset's v0 = 2 run): alpha/8 = 5, while 3.5 is nearest alpha/11
    speeds = list(3.5 + 0.1 * np.sin(np.arange(100.0)))
    run = _run("classical", 5.0, 0, 2.0, list(8.003 * np.arange(100.0)), speeds, phi0=-2.0)
    run.to_csv(tmp_path / "b.csv", index=False)
    _, ends = thermal_drift_tables([tmp_path / "b.csv"], tmp_path / "t.csv",
                                   tmp_path / "e.csv", tail_fraction=0.25, min_points=8)
    end = ends.iloc[0]
    assert _plateau_index(end["v_end"], 40.0) == 11  # what binning the midpoint speed gave
    assert (end["fate"], end["n"]) == ("plateau", 8)
    assert end["cell_v"] == pytest.approx(40.0 / 8.003, rel=1e-12)
    with pytest.raises(ParameterError, match="min_points"):
        thermal_drift_tables([tmp_path / "b.csv"], tmp_path / "t.csv", tmp_path / "e.csv",
                             tail_fraction=0.25, min_points=1)
    with pytest.raises(ParameterError, match="tail_fraction"):
        thermal_drift_tables([tmp_path / "b.csv"], tmp_path / "t.csv", tmp_path / "e.csv",
                             tail_fraction=0.0, min_points=8)


def _pass_table(var_factor, n=400, seed=1, shift=0.0, table_shift=None, mirrored=False,
                pair_std=0.01):
    """Gaussian passes at three speeds with variance var_factor x 2 T Delta_26 about
    Delta_26 + shift, the table's delta_thermal_shift ``table_shift`` (default: ``shift``),
    and rest rows. ``mirrored``: n pairs Delta_26 + shift + c +- a, a the fluctuation
    above and c ~ N(0, pair_std) the part even in rho^H."""
    rng = np.random.default_rng(seed)
    table_shift = shift if table_shift is None else table_shift
    rows = []
    for v0 in (30.0, 50.0, 60.0):
        d26 = analytic.single_pass_loss(v0, 2.0, 4.0)
        fd = math.sqrt(2 * 5.0 * d26)
        common = dict(omega_T=5.0, v0=v0, passed=True, mu=1.0, phi0=2.0, delta_rest=d26,
                      first_order_work=0.0, particle=0)
        rows.append(dict(common, statistics="rest", omega_T=0.0, seed=0, mirror=False,
                         delta=d26, delta_fd_std=0.0, delta_thermal_shift=0.0))
        odd = rng.normal(0.0, math.sqrt(var_factor) * fd, n)
        if mirrored:
            even = d26 + shift + rng.normal(0.0, pair_std, n)
            deltas = [(i, m, e + (-o if m else o)) for i, (e, o) in enumerate(zip(even, odd))
                      for m in (False, True)]
        else:
            deltas = [(i, False, d26 + shift + o) for i, o in enumerate(odd)]
        rows += [dict(common, statistics="classical", seed=i, mirror=m, delta=x,
                      delta_fd_std=fd, delta_thermal_shift=table_shift) for i, m, x in deltas]
    return pd.DataFrame(rows)


def _verdicts(table):
    return {r["claim"][:4]: r["passed"] for r in check_thermal_single_pass(table)}


@pytest.mark.parametrize("mirrored", [False, True])
def test_fluctuation_dissipation_claim_passes_on_a_right_sample_and_fails_on_a_wrong_one(mirrored):
    right = _verdicts(_pass_table(1.0, mirrored=mirrored))
    wrong = _verdicts(_pass_table(1.5, mirrored=mirrored))
    assert right == {"mean": True, "Var(": True}
    assert wrong["Var("] is False and wrong["mean"] is True


def test_mean_claim_expects_the_rest_loss_plus_the_order_phi0_squared_t_shift():
    # a sample centred 0.15 (7-9 standard errors) above the rest loss: right when the table's
    # shift says so, wrong when the table says there is none
    assert _verdicts(_pass_table(1.0, shift=0.15))["mean"] is True
    assert _verdicts(_pass_table(1.0, shift=0.15, table_shift=0.0))["mean"] is False


def test_a_mirrored_pair_is_one_sample_with_the_pair_mean_and_the_realizations_own_loss():
    table = _pass_table(1.0, n=50, shift=0.02, mirrored=True)
    one = table[(table["statistics"] == "classical") & (table["v0"] == 50.0)]
    samples = pass_samples(one)
    plus, minus = (one[one["mirror"] == m].set_index("seed")["delta"] for m in (False, True))
    assert len(samples) == 50 and samples["passed"].all()
    np.testing.assert_allclose(samples["corrected"], ((plus + minus) / 2).to_numpy(), rtol=1e-15)
    np.testing.assert_array_equal(samples["delta"], plus.to_numpy())
    # without the mirror images every pass is its own sample
    assert len(pass_samples(one[~one["mirror"]])) == 50


def test_mirrored_pairs_resolve_a_mean_the_unpaired_passes_cannot():
    # theory 0.02 above the sample's mean: 0.05 standard errors of 400 single passes
    # (std ~0.5), 40 of 400 pairs whose odd noise cancels (the even part's std 0.01)
    paired = _verdicts(_pass_table(1.0, table_shift=0.02, mirrored=True))
    single = _verdicts(_pass_table(1.0, table_shift=0.02))
    assert paired["mean"] is False and single["mean"] is True
    assert paired["Var("] is True  # the spread is judged on the realizations' own passes


def test_shift_amplitude_fit_recovers_a_known_amplitude_across_correlated_speeds():
    # three speeds whose samples share most of their noise (one realization, rho = 0.9):
    # the fit's amplitude is within 3.29 of its standard errors of the true 0.5, and that
    # standard error is the generalised least squares one of the true covariance (0.050;
    # speeds taken as independent would give 0.069)
    rng = np.random.default_rng(11)
    n, amp, sigma, rho = 2000, 0.5, 0.01, 0.9
    speeds, shifts = np.array([30.0, 50.0, 60.0]), np.array([0.003, 0.001, 0.0006])
    common = rng.normal(size=n)
    rows = []
    for v0, sh in zip(speeds, shifts):
        d26 = analytic.single_pass_loss(v0, 2.0, 4.0)
        noise = sigma * (rho * common + math.sqrt(1 - rho**2) * rng.normal(size=n))
        rows += [dict(statistics="classical", omega_T=5.0, v0=v0, seed=i, particle=0,
                      mirror=False, delta=d26 + amp * sh + x, passed=True, mu=1.0, phi0=2.0,
                      delta_rest=d26, delta_fd_std=0.1, delta_thermal_shift=sh,
                      first_order_work=0.0) for i, x in enumerate(noise)]
    grp = pd.DataFrame(rows)
    rest = {v: analytic.single_pass_loss(v, 2.0, 4.0) for v in speeds}
    got, se = shift_amplitude(grp, speed_stats(grp, rest))
    cov = sigma**2 * ((1 - rho**2) * np.eye(3) + rho**2 * np.ones((3, 3))) / n
    se_true = 1.0 / math.sqrt(shifts @ np.linalg.solve(cov, shifts))
    assert se == pytest.approx(se_true, rel=0.1)
    assert abs(got - amp) <= 3.29 * se


def test_single_pass_claims_name_the_rerun_for_passes_written_without_first_order_work():
    stale = _pass_table(1.0)
    stale.loc[stale["statistics"] == "classical", "first_order_work"] = np.nan
    with pytest.raises(NotApplicable, match="forcerun thermal_single_pass_batch"):
        check_thermal_single_pass(stale)


def test_single_pass_claims_are_not_judged_near_capture():
    table = _pass_table(1.0)
    table["v0"] = table["v0"] / 2.2  # 13.6 - 27: kicks no longer small against KE0 - Phi0
    table["delta_rest"] = analytic.single_pass_loss(table["v0"], 2.0, 4.0)
    rows = check_thermal_single_pass(table)
    assert all(r["passed"] == "n/a" for r in rows), rows


def test_sampler_claim_fails_when_a_realization_misses_its_closed_form():
    rows = [dict(statistics="classical", omega_T=5.0, quantity=q, lag=0.0, measured=m,
                 std_error=0.01, expected=e, seeds=16)
            for q, m, e in (("displacement_variance", 0.5, 0.5), ("velocity_variance", 5.3, 5.0),
                            ("neighbour_correlation", 0.41, 0.409), ("time_correlation", 0.2, 0.2))]
    passed = [r["passed"] for r in check_thermal_sampler(pd.DataFrame(rows))]
    assert passed == [True, False, True, True]
