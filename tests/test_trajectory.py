"""Measurements on trajectories (Secs. IV-VI, Figs. 4-8) on synthetic motions with known answers."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

from chaindrag.params import ParameterError
from chaindrag.trajectory import (Trajectory, drift_fate, midpoint_speeds, per_pass_losses,
                                  single_pass_loss, sound_cone_leak)
from chaindrag.trajectory.fates import fate_decided_at

ALPHA = 40.0
SIGMA0 = 5.5 * ALPHA  # midway between masses 5 and 6, as in the paper (220)
TWO_PI_SQ = (2 * math.pi) ** 2


def ke(v, mu=1.0):
    return 0.5 * mu * (np.asarray(v) / (2 * math.pi)) ** 2


def make_traj(tau, sigma, v, *, phi0=2.0, chain_sites=(), chain_tau=(), chain_disp=None,
              **params):
    chain_sites = np.asarray(chain_sites, dtype=int)
    chain_tau = np.asarray(chain_tau, dtype=float)
    if chain_disp is None:
        chain_disp = np.zeros((chain_sites.size, chain_tau.size))
    p = dict(alpha=ALPHA, phi0=phi0, lam=4.0, mu=1.0, sigma0=float(sigma[0]), v0=float(v[0]),
             omega_fast=10.0, bias=0.0)
    p.update(params)
    return Trajectory(tau=tau, sigma=sigma, velocity=v, chain_sites=chain_sites,
                      chain_tau=chain_tau, chain_displacement=chain_disp, params=p)


def uniform_force_motion(v0, force, tau_max, delta=1e-3, mu=1.0, sigma0=SIGMA0):
    """Particle under a constant force -force (energy per length): sigma'' = -(2pi)^2 force/mu."""
    acc = -TWO_PI_SQ * force / mu
    tau = np.arange(0.0, tau_max, delta)
    return tau, sigma0 + v0 * tau + 0.5 * acc * tau**2, v0 + acc * tau, acc


# --- Trajectory --------------------------------------------------------------------------
def test_repr_of_a_long_run_is_one_line_naming_solver_size_and_interaction():
    tau = np.linspace(0.0, 800.0, 480_001)
    t = make_traj(tau, SIGMA0 + 40.0 * tau, np.full(tau.size, 40.0), solver="transparent",
                  omega_T=5.0)
    text = repr(t)
    assert "\n" not in text and len(text) < 300
    for part in ("'transparent'", "480001 records", "tau=[0, 800]", "'phi0': 2.0", "omega_T=5.0"):
        assert part in text



def test_kinetic_energy_is_mu_half_velocity_over_two_pi_squared():
    tau = np.linspace(0, 1, 5)
    v = np.array([[2 * math.pi] * 5, [4 * math.pi] * 5])
    traj = Trajectory(tau, np.zeros((2, 5)), v, [], [], [], params={"mu": 3.0})
    assert traj.n_particles == 2
    np.testing.assert_allclose(traj.kinetic_energy[:, 0], [1.5, 6.0])


def test_trajectory_refuses_inconsistent_shapes():
    with pytest.raises(ParameterError, match="sigma"):
        Trajectory(np.arange(3.0), np.zeros(4), np.zeros(4), [], [], [])
    with pytest.raises(ParameterError, match="chain_displacement"):
        Trajectory(np.arange(3.0), np.zeros(3), np.zeros(3), [1, 2], [0.0], np.zeros((1, 1)))
    with pytest.raises(ParameterError, match="energy"):
        Trajectory(np.arange(3.0), np.zeros(3), np.zeros(3), [], [], [],
                   energy={"heat": np.zeros(3)})


# --- single pass (Sec. V, Figs. 5, 6) -----------------------------------------------------

def test_single_pass_loss_equals_work_of_known_force_up_to_displaced_midpoint():
    # decelerating particle; the mass passed (g=6) oscillates, rho_6 = eps sin(w tau)
    v0, force, eps, w = 50.0, 0.05, 0.7, 9.0
    tau, sigma, v, acc = uniform_force_motion(v0, force, 2.2 * ALPHA / v0)
    rho = eps * np.sin(w * tau)
    traj = make_traj(tau, sigma, v, chain_sites=[5, 6, 7], chain_tau=tau,
                     chain_disp=np.vstack([0 * rho, rho, 0 * rho]))
    res = single_pass_loss(traj)
    # independent: root of sigma(t) - (alpha*6 + rho_6(t)) = alpha/2 by brentq on the closed form
    f = lambda t: SIGMA0 + v0 * t + 0.5 * acc * t**2 - 6 * ALPHA - eps * np.sin(w * t) - ALPHA / 2
    t_star = brentq(f, 0.5, tau[-1], xtol=1e-14)
    v_star = v0 + acc * t_star
    assert res.passed and res.displaced_reference and res.site == 6
    # linear interpolation of rho between records: tau error <= delta^2 max|rho''| / (8 |f'|)
    # with f' = v - rho' >= v* - eps w; v and Delta inherit it through v = v0 + acc tau
    dt = (1e-3) ** 2 * eps * w**2 / 8 / (v_star - eps * w)
    assert res.tau_cross == pytest.approx(t_star, abs=dt)
    assert res.v_cross == pytest.approx(v_star, abs=abs(acc) * dt)
    assert res.delta == pytest.approx(ke(v0) - ke(v_star), abs=v_star * abs(acc) * dt / TWO_PI_SQ)
    assert abs(res.tau_cross - t_star) > 0  # the bound is not vacuous: rho really is interpolated


def test_single_pass_uses_decimated_chain_record_and_refuses_one_ending_early():
    v0, force, eps, w = 50.0, 0.05, 0.7, 9.0
    tau, sigma, v, acc = uniform_force_motion(v0, force, 2.2 * ALPHA / v0)
    f = lambda t: SIGMA0 + v0 * t + 0.5 * acc * t**2 - 6 * ALPHA - eps * np.sin(w * t) - ALPHA / 2
    t_star = brentq(f, 0.5, tau[-1], xtol=1e-14)
    step = 7  # chain recorded every 7th step; its last record precedes tau[-1]
    ct = tau[::step]
    traj = make_traj(tau, sigma, v, chain_sites=[6], chain_tau=ct,
                     chain_disp=eps * np.sin(w * ct)[None, :])
    res = single_pass_loss(traj)
    assert res.displaced_reference
    dt = (step * 1e-3) ** 2 * eps * w**2 / 8 / (v0 + acc * t_star - eps * w)
    assert res.tau_cross == pytest.approx(t_star, abs=dt)
    # a chain record that stops before the crossing cannot locate the displaced mass
    early = ct < 0.5 * t_star
    traj = make_traj(tau, sigma, v, chain_sites=[6], chain_tau=ct[early],
                     chain_disp=eps * np.sin(w * ct[early])[None, :])
    res = single_pass_loss(traj)
    assert not res.displaced_reference
    assert res.delta == pytest.approx(force * ALPHA, rel=1e-9)  # rest midpoint: one full cell


def test_single_pass_loss_without_recorded_mass_uses_rest_position_and_says_so():
    v0, force = 30.0, 0.02
    tau, sigma, v, acc = uniform_force_motion(v0, force, 2.0 * ALPHA / v0)
    res = single_pass_loss(make_traj(tau, sigma, v))
    assert res.passed and not res.displaced_reference
    # KE drop over exactly one lattice spacing under constant force is force * alpha
    assert res.delta == pytest.approx(force * ALPHA, rel=1e-9)


def test_single_pass_loss_of_leftward_particle_uses_mass_behind():
    v0, force = -30.0, -0.02  # force opposes the (leftward) motion
    tau, sigma, v, _ = uniform_force_motion(v0, force, 2.0 * ALPHA / 30.0)
    res = single_pass_loss(make_traj(tau, sigma, v))
    assert res.site == 5 and res.passed
    assert res.delta == pytest.approx(abs(force) * ALPHA, rel=1e-9)


def test_particle_turned_back_before_midpoint_has_not_passed():
    # stopping distance v0^2/(2|acc|) = alpha/4 < alpha: it turns back, i.e. is captured
    v0 = 20.0
    force = v0**2 / (2 * TWO_PI_SQ * ALPHA / 4)
    tau, sigma, v, _ = uniform_force_motion(v0, force, 3 * ALPHA / v0)
    res = single_pass_loss(make_traj(tau, sigma, v))
    assert not res.passed
    assert math.isnan(res.delta) and math.isnan(res.tau_cross)


def test_single_pass_refuses_run_too_short_to_reach_midpoint():
    tau, sigma, v, _ = uniform_force_motion(50.0, 0.0, 0.5 * ALPHA / 50.0)
    with pytest.raises(ParameterError, match="tau_max"):
        single_pass_loss(make_traj(tau, sigma, v))


# --- per pass (Fig. 7) -------------------------------------------------------------------

def test_uniform_force_removes_force_times_alpha_per_pass():
    v0, force = 120.0, 0.4
    tau, sigma, v, acc = uniform_force_motion(v0, force, 6.0, delta=1 / 600)
    table = per_pass_losses(make_traj(tau, sigma, v, phi0=60.0))
    assert len(table) >= 10
    np.testing.assert_allclose(table["delta"], force * ALPHA, rtol=1e-9)
    # speed at the n-th midpoint from energy: v_n^2 = v0^2 - 2 (2pi)^2 force n alpha / mu
    n = table["pass_index"].to_numpy()
    np.testing.assert_allclose(table["v_mid"], np.sqrt(v0**2 - 2 * TWO_PI_SQ * force * n * ALPHA),
                               rtol=1e-10)
    np.testing.assert_allclose(table["sigma_mid"], SIGMA0 + n * ALPHA)
    # passes are kept exactly while KE before the pass exceeds |phi0| = 60
    np.testing.assert_array_equal(table["keep"], ke(table["v_mid"]) > 60.0)
    assert (~table["keep"]).any() and table["keep"].any()


def test_a_leftward_pass_crosses_each_midpoint_when_energy_conservation_says():
    # the mirror image of the test above: sigma -> -sigma is a symmetry, so a particle moving
    # left against a uniform force crosses alpha (g + 1/2) below its start at the root of
    # sigma0 + v0 t + acc t^2 / 2 = sigma0 - n alpha, with v_n^2 = v0^2 - 2 (2pi)^2 |force| n alpha
    # and loses |force| alpha per pass; a leftward bias supplies |bias| per leftward pass.
    v0, force = -120.0, -0.4
    tau, sigma, v, acc = uniform_force_motion(v0, force, 6.0, delta=1 / 600)
    traj = make_traj(tau, sigma, v, phi0=60.0, bias=-0.01)
    table = per_pass_losses(traj)
    assert len(table) >= 10 and (table["direction"] == -1).all()
    n = table["pass_index"].to_numpy()
    np.testing.assert_allclose(table["delta"], abs(force) * ALPHA, rtol=1e-9)
    np.testing.assert_allclose(table["sigma_mid"], SIGMA0 - n * ALPHA)
    np.testing.assert_allclose(table["bias_work"], 0.01, rtol=1e-12)
    speeds = midpoint_speeds(traj)
    m = np.arange(len(speeds))
    t_exact = (-v0 - np.sqrt(v0**2 - 2 * acc * m * ALPHA)) / acc  # first root: the passage
    # cubic Hermite is exact for this quadratic sigma(tau), linear v exact for linear v(tau)
    np.testing.assert_allclose(speeds["tau"], t_exact, rtol=0, atol=1e-9)
    np.testing.assert_allclose(speeds["v"], np.sqrt(v0**2 - 2 * TWO_PI_SQ * abs(force) * m * ALPHA),
                               rtol=1e-10)
    np.testing.assert_allclose(speeds["sigma"], SIGMA0 - m * ALPHA)


def test_bias_work_per_forward_pass_is_bias():
    tau, sigma, v, _ = uniform_force_motion(60.0, 0.0, 3.0)
    table = per_pass_losses(make_traj(tau, sigma, v, bias=0.01))
    np.testing.assert_allclose(table["bias_work"], 0.01)
    np.testing.assert_allclose(table["delta"], 0.0, atol=1e-9)


def test_oscillation_across_midpoint_is_not_a_kept_pass():
    # captured repulsive particle rocking about the midpoint (potential minimum)
    tau = np.arange(0, 5, 1e-3)
    sigma = SIGMA0 + 5 * np.sin(2 * math.pi * tau)
    v = 10 * math.pi * np.cos(2 * math.pi * tau)
    table = per_pass_losses(make_traj(tau, sigma, v, phi0=0.1))
    assert len(table) >= 8
    assert not table["keep"].any()
    assert set(table["direction"]) == {-1, 1}


def test_per_pass_refuses_record_too_coarse_to_see_each_midpoint():
    tau = np.arange(0, 2, 0.5)
    with pytest.raises(ParameterError, match="record_every"):
        per_pass_losses(make_traj(tau, SIGMA0 + 200 * tau, np.full_like(tau, 200.0)))


# --- midpoint speeds (Fig. 8) ------------------------------------------------------------

@pytest.mark.parametrize("phi0", [2.0, -2.0])
@pytest.mark.parametrize("method", ["midpoint", "extremum"])
def test_midpoint_speeds_are_velocity_extrema_of_a_fluctuating_pass(phi0, method):
    # v = vbar + s A cos(2 pi vbar tau/alpha): maximum (s=+1, repulsive) or minimum (s=-1,
    # attractive) at the midpoints tau_k = k alpha/vbar, where v = vbar + s A
    vbar, amp, s = 30.0, 3.0, math.copysign(1.0, phi0)
    kw = 2 * math.pi * vbar / ALPHA
    tau = np.arange(0, 10.0, 1e-3)
    sigma = SIGMA0 + vbar * tau + s * amp / kw * np.sin(kw * tau)
    v = vbar + s * amp * np.cos(kw * tau)
    table = midpoint_speeds(make_traj(tau, sigma, v, phi0=phi0), method=method)
    k = np.arange(len(table))
    assert len(table) >= 6
    np.testing.assert_allclose(table["tau"], k * ALPHA / vbar, atol=1e-6)
    # documented interpolation error of v: delta^2/8 max|v''| = delta^2/8 A kw^2
    np.testing.assert_allclose(table["v"], vbar + s * amp, rtol=0, atol=1e-6 / 8 * amp * kw**2)
    np.testing.assert_allclose(table["sigma"], SIGMA0 + k * ALPHA, atol=1e-6)


def test_midpoint_speeds_rejects_unknown_method():
    tau, sigma, v, _ = uniform_force_motion(30.0, 0.0, 3.0)
    with pytest.raises(ParameterError, match="method"):
        midpoint_speeds(make_traj(tau, sigma, v), method="maxima")


@pytest.mark.parametrize("phi0", [2.0, -2.0])
def test_extremum_speed_is_the_eq16_midpoint_speed_to_third_order_in_the_step(phi0):
    # Eq. (16) on a frozen chain with overlapping Gaussians (lam = 12): started a quarter cell
    # from a mass, the particle's speed at the next midpoint follows from energy conservation,
    # v_mid^2 = v0^2 - (8 pi^2/mu) (U(midpoint) - U(sigma0)), U = sum_g Phi(sigma - alpha g).
    # The parabola through the extreme sample and its neighbours errs by O(dt^3).
    from scipy.integrate import solve_ivp

    lam, mu, v0, s0 = 12.0, 1.0, 20.0, 5.25 * ALPHA
    g = np.arange(0, 20)

    def potential(s):
        return phi0 * np.exp(-0.5 * ((s - ALPHA * g) / lam) ** 2).sum()

    def rhs(t, y):
        x = y[0] - ALPHA * g
        return [y[1], TWO_PI_SQ / mu * (x / lam**2 * phi0 * np.exp(-0.5 * (x / lam) ** 2)).sum()]

    v_mid = math.sqrt(v0**2 - 2 * TWO_PI_SQ / mu * (potential(6.5 * ALPHA) - potential(s0)))
    errors = []
    for dt in (1 / 60, 1 / 120):
        tau = np.arange(0.0, 6.0, dt)
        sol = solve_ivp(rhs, (0, tau[-1]), [s0, v0], method="DOP853", t_eval=tau, rtol=1e-12,
                        atol=1e-12)
        traj = make_traj(tau, sol.y[0], sol.y[1], phi0=phi0, lam=lam, mu=mu)
        table = midpoint_speeds(traj, method="extremum")
        assert len(table) >= 2  # each cell symmetric: the same extremum at every midpoint
        errors.append(np.max(np.abs(table["v"] / v_mid - 1.0)))
        # the crossing of the same traverse is kept alongside
        crossings = midpoint_speeds(traj, method="midpoint").set_index("tau")
        np.testing.assert_array_equal(table["v_midpoint"], crossings.loc[table["tau_midpoint"],
                                                                         "v"])
    # 6e-9 measured at dt = 1/60; the crossing speed's linear interpolation errs ~1e-5 there
    assert errors[0] < 1e-7
    assert errors[1] < errors[0] / 4  # converges faster than second order in dt


# --- drift fate (Sec. VI, Fig. 8) --------------------------------------------------------

def series(v_of_tau, tau_stop=800.0, direction=None):
    """Midpoint table of a particle whose midpoint speed follows v_of_tau (one per cell)."""
    t, out = 0.0, []
    while t < tau_stop:
        vt = v_of_tau(t)
        out.append((t, vt))
        t += ALPHA / vt
    df = pd.DataFrame(out, columns=["tau", "v"])
    if direction is not None:
        df["direction"] = direction(np.arange(len(df)))
    return df


def test_steadily_accelerating_particle_is_runaway():
    table = series(lambda t: 86.0 + 0.01 * t)
    assert drift_fate(table, ALPHA, 0.01, tau_end=800.0)["fate"] == "runaway"


def test_rising_speed_without_bias_is_not_called_runaway():
    table = series(lambda t: 86.0 + 0.01 * t)
    assert drift_fate(table, ALPHA, 0.0, tau_end=800.0)["fate"] != "runaway"


def test_plateau_near_alpha_over_two_is_drift_with_n_two():
    rng = np.random.default_rng(1)
    table = series(lambda t: 21.05 + 3.0 * math.exp(-t / 50.0) + 0.02 * rng.standard_normal())
    fate = drift_fate(table, ALPHA, 0.01, tau_end=800.0)
    assert fate["fate"] == "drift"
    assert fate["n"] == 2
    assert fate["plateau_v"] == pytest.approx(21.05, abs=0.01)
    assert fate["offset"] == pytest.approx(1.05, abs=0.01)


def test_a_speed_still_rising_by_two_percent_without_bias_is_no_plateau():
    # without a bias nothing bounds the tail's slope but the plateau's own 1 % limit on the
    # relative change of the tail speeds: v = 80 + 0.01 tau rises by 2 over the last quarter,
    # 2.3 % of its mean 87 (its scatter about the mean only 0.66 %): still changing; a rise
    # ten times slower is a plateau
    rising = drift_fate(series(lambda t: 80.0 + 0.01 * t), ALPHA, 0.0, tau_end=800.0)
    assert rising["tail_slope"] == pytest.approx(0.01, rel=1e-6)
    assert rising["tail_v"] == pytest.approx(87.0, rel=1e-3)
    assert rising["fate"] == "undetermined"
    flat = drift_fate(series(lambda t: 80.0 + 0.001 * t), ALPHA, 0.0, tau_end=800.0)
    assert flat["fate"] == "drift" and flat["criterion"] == "plateau"


def test_relaxing_toward_plateau_from_below_is_not_runaway():
    table = series(lambda t: 20.5 - 6.0 * math.exp(-t / 400.0))
    assert drift_fate(table, ALPHA, 0.01, tau_end=800.0)["fate"] != "runaway"


def test_particle_that_stops_crossing_midpoints_is_captured():
    table = series(lambda t: 20.0 - 0.02 * t, tau_stop=300.0)
    assert drift_fate(table, ALPHA, 0.01, tau_end=800.0)["fate"] == "captured"


def test_a_particle_slowed_to_alpha_over_8_is_still_drifting_between_two_crossings():
    # started at 30, it relaxes onto the alpha/8 = 5 line (one cell per 8 tau): judged 7 tau
    # after its last crossing it is between two crossings, not captured (capture is silence
    # for gap_cells = 4 cells at its present speed, 32 tau, not at its initial one, 5.3 tau)
    table = series(lambda t: 5.0 + 25.0 * math.exp(-t / 20.0))
    end = float(table["tau"].iloc[-1]) + 7.0
    fate = drift_fate(table, ALPHA, 0.01, tau_end=end)
    assert fate["fate"] == "drift" and fate["n"] == 8
    assert drift_fate(table, ALPHA, 0.01, tau_end=end + 26.0)["fate"] == "captured"


def test_a_short_record_of_a_particle_still_crossing_one_way_is_undetermined_not_captured():
    # three midpoints crossed at constant speed, the last just before the record ends:
    # nothing says the particle is held; with the crossings stopping, or turning, it is
    table = series(lambda t: 20.0, tau_stop=6.0)
    assert table["tau"].size < 8
    end = float(table["tau"].iloc[-1]) + 1.0
    assert drift_fate(table, ALPHA, 0.01, tau_end=end)["fate"] == "undetermined"
    assert drift_fate(table, ALPHA, 0.01, tau_end=end + 8.0)["fate"] == "captured"
    turned = series(lambda t: 20.0, tau_stop=6.0, direction=lambda i: np.where(i % 2, -1, 1))
    assert drift_fate(turned, ALPHA, 0.01, tau_end=end)["fate"] == "captured"


def test_particle_rocking_across_a_midpoint_is_captured():
    table = series(lambda t: 13.0, direction=lambda i: np.where(i % 2, -1, 1))
    assert drift_fate(table, ALPHA, 0.01, tau_end=800.0)["fate"] == "captured"


def test_drift_fate_of_trajectory_at_constant_speed_alpha_over_three():
    v0 = ALPHA / 3
    tau = np.arange(0, 60.0, 2e-3)
    traj = make_traj(tau, SIGMA0 + v0 * tau, np.full_like(tau, v0), bias=0.01)
    fate = drift_fate(traj)
    assert fate["fate"] == "drift" and fate["n"] == 3
    assert fate["offset"] == pytest.approx(0.0, abs=1e-9)


def test_slow_relaxation_at_a_few_percent_of_the_free_acceleration_is_not_a_plateau():
    # near an unstable solution of Delta_bar = bias the mean force is small but not zero: a
    # speed changing at 3% of the bias's free acceleration 4 pi^2 bias/(mu alpha) is flat
    # to 1e-4 over the tail, yet undetermined; at 0.3% the force balances: a plateau
    free = 4 * math.pi**2 * 0.01 / ALPHA
    leaving = drift_fate(series(lambda t: 68.0 + 0.03 * free * t), ALPHA, 0.01, tau_end=800.0)
    assert leaving["fate"] == "undetermined"
    assert leaving["tail_slope"] == pytest.approx(0.03 * free, rel=1e-6)
    settled = drift_fate(series(lambda t: 68.0 + 0.003 * free * t), ALPHA, 0.01, tau_end=800.0)
    assert settled["fate"] == "drift" and settled["criterion"] == "plateau"


def test_locked_mean_speed_with_oscillating_extremum_speed_is_a_drift():
    # one cell every 8 tau (mean speed alpha/8 = 5) while the speed at the midpoints wobbles
    # by +-3%: the extrema scatter too much for a plateau, the crossing period does not
    n = 101
    tau = 8.0 * np.arange(n)
    wobble = 3.5 + 0.1 * (-1.0) ** np.arange(n)
    fate = drift_fate(pd.DataFrame(dict(tau=tau, v=wobble)), ALPHA, 0.01, tau_end=tau[-1])
    assert fate["fate"] == "drift" and fate["criterion"] == "locked period"
    assert fate["plateau_v"] == pytest.approx(3.5, abs=0.01)
    # n is the period's, not the extremum's: the midpoint speed 3.5 lies nearest alpha/11
    assert fate["cell_v"] == pytest.approx(ALPHA / 8, rel=1e-12) and fate["n"] == 8
    assert fate["offset"] == pytest.approx(0.0, abs=1e-9)
    # a crossing period that keeps growing (slowing down at 2% per cell) is no drift
    growing = pd.DataFrame(dict(tau=8.0 * np.arange(n) * (1 + 0.002 * np.arange(n)), v=wobble))
    assert drift_fate(growing, ALPHA, 0.01, tau_end=growing["tau"].iloc[-1])["fate"] \
        == "undetermined"


def test_decision_time_of_an_exponential_approach_lies_where_the_residual_force_fades():
    # v = 21.05 + 3 exp(-t/50): dv/dtau = -(3/50) exp(-t/50) falls below 1% of the free
    # acceleration at t_1 = 50 ln(0.06 / (0.01 free)); the fit over the last quarter
    # [0.75 T, T] first qualifies between T = t_1 and T = t_1/0.75
    free = 4 * math.pi**2 * 0.01 / ALPHA
    table = series(lambda t: 21.05 + 3.0 * math.exp(-t / 50.0), tau_stop=2000.0)
    fate = drift_fate(table, ALPHA, 0.01, tau_end=2000.0)
    assert fate["fate"] == "drift"
    decided = fate_decided_at(table, "drift", ALPHA, 0.01, tau_end=2000.0, n_grid=400)
    t1 = 50.0 * math.log(0.06 / (0.01 * free))
    assert t1 <= decided <= t1 / 0.75 + 5.0
    assert math.isnan(fate_decided_at(table, "runaway", ALPHA, 0.01, tau_end=2000.0))


def test_a_particle_is_judged_captured_from_gap_cells_cell_times_after_its_last_crossing():
    # crossings at constant speed 20 (one cell per 2 tau) stop at t_last: drift_fate calls the
    # run captured once 4 alpha / 20 = 8 tau pass without a crossing, so of the judged times
    # tau_end k/n_grid the decision is the first beyond t_last + 8, exactly (until then: drift)
    table = series(lambda t: 20.0, tau_stop=300.0)
    t_last = float(table["tau"].iloc[-1])
    silent = t_last + 4.0 * ALPHA / 20.0
    step = 800.0 / 200
    decided = fate_decided_at(table, "captured", ALPHA, 0.01, tau_end=800.0, n_grid=200)
    assert decided == pytest.approx(step * (math.floor(silent / step) + 1), abs=1e-9)
    assert drift_fate(table, ALPHA, 0.01, tau_end=decided - step)["fate"] == "drift"


# --- sound cone (Fig. 3) -----------------------------------------------------------------

def test_sound_cone_leak_sees_only_displacements_outside_the_cone():
    omega_fast, margin = 10.0, 2.0
    c = math.pi * (omega_fast - 1)
    sites = np.arange(0, 250)
    chain_tau = np.linspace(0, 2, 201)
    dist_sites = np.abs(ALPHA * sites - SIGMA0)[:, None] / ALPHA
    inside = dist_sites <= c * chain_tau[None, :] + margin
    disp = np.where(inside, 0.8, 0.0)
    i, j = np.argwhere(~inside)[len(np.argwhere(~inside)) // 2]
    disp[i, j] = -3e-4  # a single leak outside the cone
    tau = np.arange(0, 2, 1e-3)
    traj = make_traj(tau, SIGMA0 + 100 * tau, np.full_like(tau, 100.0), phi0=20.0,
                     chain_sites=sites, chain_tau=chain_tau, chain_disp=disp)
    assert sound_cone_leak(traj, omega_fast, margin=margin) == pytest.approx(3e-4)
    disp[i, j] = 0.0
    traj = make_traj(tau, SIGMA0 + 100 * tau, np.full_like(tau, 100.0), phi0=20.0,
                     chain_sites=sites, chain_tau=chain_tau, chain_disp=disp)
    assert sound_cone_leak(traj, omega_fast, margin=margin) == 0.0


# --- a real (conservative) motion: frozen chain, Eq. (17) --------------------------------

@pytest.mark.parametrize("phi0", [2.0, -2.0])
def test_frozen_chain_conserves_particle_energy_from_midpoint_to_midpoint(phi0):
    # Eq. (17): with the chain masses held at rest the motion is dissipationless, so every
    # measured loss must vanish and every midpoint speed equal v0 (symmetric cells).
    from scipy.integrate import solve_ivp

    lam, mu, v0 = 4.0, 1.0, 20.0
    g = np.arange(0, 20)

    def rhs(t, y):
        x = y[0] - ALPHA * g
        dphi = -x / lam**2 * phi0 * np.exp(-0.5 * (x / lam) ** 2)
        return [y[1], -TWO_PI_SQ / mu * dphi.sum()]

    tau = np.arange(0.0, 8.0, 1 / 600)
    sol = solve_ivp(rhs, (0, tau[-1]), [SIGMA0, v0], method="DOP853", t_eval=tau,
                    rtol=1e-12, atol=1e-12)
    traj = make_traj(tau, sol.y[0], sol.y[1], phi0=phi0, lam=lam, mu=mu)
    tol = 1e-8 * ke(v0)
    assert abs(single_pass_loss(traj).delta) < tol
    passes = per_pass_losses(traj)
    assert len(passes) >= 3 and passes["keep"].all()
    np.testing.assert_allclose(passes["delta"], 0.0, atol=tol)
    for method in ("midpoint", "extremum"):
        np.testing.assert_allclose(midpoint_speeds(traj, method=method)["v"], v0, rtol=1e-8)


# --- Fig. 8 drift runs, continued until their fate is decided (chaindrag.jobs) ------------

def _drift_run(phi0, v0):
    return dict(alpha=ALPHA, phi0=phi0, lam=4.0, mu=1.0, bias=0.01, sigma0=SIGMA0,
                omega_fast=10.0, d=60, solver="chain", v0=v0)


def test_continued_drift_run_repeats_the_shorter_run_and_settles_near_an_eq33_solution(tmp_path):
    # Phi0 = +2, v0 = 14 is still relaxing at tau = 200 and locks near alpha/3 by tau = 300.
    # The rerun is the same deterministic dynamics, so it repeats the first 200 exactly;
    # its plateau lies within a cell's speed spread of Eq. 33's stable solution near alpha/3.
    from chaindrag import analytic, jobs, tables

    paths = {k: tmp_path / f"batch_{k}.csv" for k in ("midpoints", "fates", "long")}
    jobs.run_drift(paths["midpoints"], paths["fates"], paths["long"],
                   runs=[_drift_run(2.0, 14.0), _drift_run(-2.0, 20.0)], tau_max=200.0,
                   continuation=dict(solver="chain", stages=[300.0], tau_cap=400.0))
    fates = pd.read_csv(paths["fates"]).set_index("v0")
    panel, long = pd.read_csv(paths["midpoints"]), pd.read_csv(paths["long"])
    relaxed = fates.loc[14.0]
    assert relaxed["fate"] == "drift" and relaxed["tau_end"] == 300.0
    assert 200.0 < relaxed["tau_decided"] <= 300.0 and not relaxed["capped"]
    same = panel[panel["v0"] == 14.0].merge(long[long["v0"] == 14.0], on="tau")
    assert len(same) >= 3 and (same["tau"] <= 200.0).all()
    np.testing.assert_array_equal(same["v_x"], same["v_y"])  # bit for bit
    drift = analytic.drift_velocities(0.01, 2.0, 4.0, ALPHA, 10.0)
    stable = drift[drift["stable"]]["v"].to_numpy()
    near = stable[np.argmin(np.abs(stable - relaxed["plateau_v"]))]
    spread = relaxed["plateau_v"] - float(analytic.extremum_speed(relaxed["plateau_v"], 2.0))
    assert round(ALPHA / near) == relaxed["n"] == 3
    assert abs(relaxed["plateau_v"] - near) <= spread
    # Phi0 = -2, v0 = 20 still approaches alpha/2 at the cap: capped, and the reduction says why
    assert fates.loc[20.0, "capped"] and fates.loc[20.0, "tau_end"] == 400.0
    assert math.isnan(fates.loc[20.0, "tau_decided"])
    drift.to_csv(tmp_path / "drift.csv", index=False)
    out, lg = tables.fig8_continued_tables([paths["fates"]], [paths["long"]],
                                           tmp_path / "drift.csv", tmp_path / "fates.csv",
                                           tmp_path / "long.csv")
    # the reason names the stable solution of Eq. 33 the run relaxes towards (the next one
    # from its cell-mean speed in the direction of its tail dv/dtau)
    capped = out.set_index("v0").loc[20.0]
    mean = float(analytic.cell_speeds(capped["tail_v"], -2.0, 4.0, ALPHA)[0])
    ahead = stable[(stable - mean) * np.sign(capped["tail_slope"]) > 0]
    target = ahead[np.argmin(np.abs(ahead - mean))]
    assert "tau = 400" in capped["cap_reason"]
    assert f"stable solution v = {target:.4g}" in capped["cap_reason"]
    assert "wall_time_s" not in out.columns and set(lg["v0"]) == {14.0, 20.0}
    # the panels' table of the same runs, not continued: the reason says what continues them
    _, panel_fates = tables.fig8_tables([paths["midpoints"]], [paths["fates"]],
                                        tmp_path / "drift.csv", tmp_path / "mid.csv",
                                        tmp_path / "panel_fates.csv")
    assert set(panel_fates["v0"]) == {14.0, 20.0}


def test_a_run_undetermined_at_tau_max_is_said_to_relax_towards_the_next_stable_solution(
        tmp_path):
    # A run slowing down at v = 30 (dv/dtau < 0) with Eq. 33's Delta_bar > bias all the way
    # down to the stable solution near alpha/2: the panels' table names that solution, the
    # time Eq. 33's mean force takes to bring the speed there, and the target that
    # continues the run.
    from chaindrag import analytic, tables

    drift = analytic.drift_velocities(0.01, 2.0, 4.0, ALPHA, 10.0)
    drift.to_csv(tmp_path / "drift.csv", index=False)
    row = dict(phi0=2.0, lam=4.0, alpha=ALPHA, mu=1.0, bias=0.01, omega_fast=10.0, v0=50.0,
               tau_max=800.0, fate="undetermined", tail_v=30.0, tail_slope=-0.005, tau_end=800.0,
               tau_decided=math.nan, capped=True, wall_time_s=1.0)  # as an older batch had
    pd.DataFrame([row]).to_csv(tmp_path / "batch_fates.csv", index=False)
    pd.DataFrame(columns=["phi0", "v0", "tau"]).to_csv(tmp_path / "batch_mid.csv", index=False)
    _, out = tables.fig8_tables([tmp_path / "batch_mid.csv"], [tmp_path / "batch_fates.csv"],
                                tmp_path / "drift.csv", tmp_path / "mid.csv",
                                tmp_path / "fates.csv")
    stable = drift[drift["stable"]]["v"].to_numpy()
    target = stable[stable < 30.0].max()
    reason = out["cap_reason"].iloc[0]
    assert "tau_max = 800" in reason and "`fates`" in reason
    assert f"stable solution v = {target:.4g}" in reason
    # Eq. 33 holds the speed constant: it runs from the cell-mean speed (below the midpoint
    # speed 30 for a repulsive potential)
    mean = float(analytic.cell_speeds(30.0, 2.0, 4.0, ALPHA)[0])
    assert mean < 30.0 and f"cell mean {mean:.4g}" in reason
    eta = analytic.relaxation_time(mean, 1.01 * target, 0.01, 2.0, 4.0, ALPHA)
    assert f"Eq. 33 takes tau ~ {eta:.2g} from the cell-mean speed to within 1% of it" in reason


def _cap_reason_of(tmp_path, phi0, tail_v, tail_slope):
    """The panels' cap_reason of one undetermined paper-preset run (Eq. 33 from analytic)."""
    from chaindrag import analytic, tables

    drift = analytic.drift_velocities(0.01, 2.0, 4.0, ALPHA, 10.0)  # Eq. 33: phi0^2 only
    drift.to_csv(tmp_path / "drift.csv", index=False)
    row = dict(phi0=phi0, lam=4.0, alpha=ALPHA, mu=1.0, bias=0.01, omega_fast=10.0, v0=70.0,
               tau_max=800.0, fate="undetermined", tail_v=tail_v, tail_slope=tail_slope,
               tau_end=800.0, tau_decided=math.nan, capped=True, wall_time_s=1.0)
    pd.DataFrame([row]).to_csv(tmp_path / "batch_fates.csv", index=False)
    pd.DataFrame(columns=["phi0", "v0", "tau"]).to_csv(tmp_path / "batch_mid.csv", index=False)
    _, out = tables.fig8_tables([tmp_path / "batch_mid.csv"], [tmp_path / "batch_fates.csv"],
                                tmp_path / "drift.csv", tmp_path / "mid.csv",
                                tmp_path / "fates.csv")
    return out["cap_reason"].iloc[0], drift


@pytest.mark.parametrize("phi0", [2.0, -2.0])
def test_an_accelerating_run_is_not_said_to_settle_in_a_window_its_speed_swings_across(
        tmp_path, phi0):
    # Eq. 33's fast-resonance spikes above v = 70 give stable solutions 3e-5 to 0.2 below an
    # unstable one, while a cell swings the speed by ~0.4 (the lone-mass dip of Eq. 16
    # at v ~ 80, halved); the paper preset's runs accelerating there run away. The reason
    # must name the first stable solution whose window above is wider than that swing.
    from chaindrag import analytic

    reason, drift = _cap_reason_of(tmp_path, phi0, 81.25, 0.0019)
    sols = np.sort(drift["v"].to_numpy())
    stable = drift[drift["stable"]]["v"].to_numpy()

    def window_above(u):
        return sols[sols > u].min() - u if np.any(sols > u) else math.inf

    def swing(u):
        return 0.5 * abs(u - float(analytic.extremum_speed(u, phi0)))

    narrow = [u for u in stable if 81.25 < u and window_above(u) < swing(u)]
    wide = [u for u in stable if 81.25 < u and window_above(u) >= swing(u)]
    assert narrow and wide
    assert "relaxing towards the stable solution v = " + f"{min(wide):.4g}" in reason
    assert not any(f"v = {u:.4g}" in reason for u in narrow)


def test_an_attracted_run_just_above_alpha_over_2_is_said_to_settle_at_alpha_over_2(tmp_path):
    # Phi0 = -2: the measured (midpoint) speed is the slowest of a cell; at 19.89 the
    # cell-mean speed is ~20.8, above the stable solution just below alpha/2, which a run
    # slowing down there reaches (the paper preset's runs settle at midpoint speed ~19.04).
    reason, drift = _cap_reason_of(tmp_path, -2.0, 19.89, -0.019)
    stable = drift[drift["stable"]]["v"].to_numpy()
    target = stable[np.argmin(np.abs(stable - ALPHA / 2))]
    assert target < ALPHA / 2 < 20.8
    assert f"stable solution v = {target:.4g}" in reason


def test_a_relaxing_run_slows_down_in_the_time_eq33s_mean_force_takes():
    # Phi0 = +2, v0 = 30 slows towards the stable edge below alpha/2. Its (far-from-mass)
    # speed should fall from 29 to 25 in the time Eq. 33's dv/dtau takes. Eq. 33 holds the
    # speed constant over a cell, while here v^2 dips by 8 pi^2 Phi0 / mu (9% at v = 30) at
    # each mass; the paper preset's continued runs take 0.89-0.92 (Phi0 = +2) and 1.08-1.15
    # (Phi0 = -2) of Eq. 33's time between such speeds, so 20% is the tolerance.
    from chaindrag import analytic
    from chaindrag.solvers import simulate

    traj = simulate(**dict(_drift_run(2.0, 30.0), solver="transparent"), tau_max=900.0,
                    record_sites=np.arange(0), energy=False)
    speeds = midpoint_speeds(traj, method="extremum")
    t, v = speeds["tau"].to_numpy(), speeds["v"].to_numpy()
    measured = t[np.argmax(v < 25.0)] - t[np.argmax(v < 29.0)]
    assert (v < 25.0).any()
    predicted = analytic.relaxation_time(29.0, 25.0, 0.01, 2.0, 4.0, ALPHA)
    assert measured == pytest.approx(predicted, rel=0.2)


def test_continuation_tries_the_stages_between_tau_max_and_the_cap_then_the_cap():
    from chaindrag.jobs.drift import Continuation

    cont = Continuation("chain", (5000.0, 500.0, 2000.0, 20000.0), 10000.0)
    assert cont.ends(800.0) == [2000.0, 5000.0, 10000.0]
    assert Continuation("chain", (), 800.0).ends(800.0) == []  # cap at tau_max: no rerun
    with pytest.raises(ParameterError, match="tau_cap"):
        Continuation("chain", (), -1.0)


def test_one_run_ended_by_its_fate_judges_as_the_staged_reruns_do(tmp_path):
    # The transparent solver continues in one run, ended at the first stage that decides;
    # the chain solver reruns from tau = 0 to each stage. Same dynamics, same verdicts.
    from chaindrag import jobs

    runs = [dict(_drift_run(2.0, 14.0), solver="transparent"),
            dict(_drift_run(-2.0, 20.0), solver="transparent")]
    out = {}
    for solver in ("chain", "transparent"):
        paths = [tmp_path / f"{solver}_{k}.csv" for k in ("midpoints", "fates", "long")]
        jobs.run_drift(*paths, runs=runs, tau_max=200.0,
                       continuation=dict(solver=solver, stages=[300.0], tau_cap=400.0))
        out[solver] = pd.read_csv(paths[1]).set_index("v0")
    cols = ["fate", "tau_end", "tau_decided", "capped", "plateau_v", "n"]
    pd.testing.assert_frame_equal(out["chain"][cols], out["transparent"][cols])
    assert out["transparent"].loc[14.0, "tau_end"] == 300.0  # decided at the first stage


def test_a_run_of_another_potential_reports_phi0_as_phi_at_zero_and_lam_as_its_width():
    from chaindrag.interactions import Morse
    from chaindrag.solvers import simulate

    inter = Morse.channel()
    traj = simulate(alpha=ALPHA, interaction=inter, sigma0=SIGMA0, v0=40.0, tau_max=0.2,
                    energy=False)
    assert "phi0" not in traj.params and "lam" not in traj.params
    assert traj.phi0 == inter.phi_at_zero and traj.lam == inter.width
    assert traj.interaction == inter
