"""The free thermal chain: closed forms against elliptic integrals, limits and independent
quadrature; realizations against the closed forms (tolerances from the sample size), the
free equation of motion, the ring's wrap-around rule, reproducibility and bad input."""

import json
import math

import numpy as np
import pytest
from scipy.fft import next_fast_len
from scipy.integrate import quad
from scipy.special import ellipe, ellipk

from chaindrag import thermal as th
from chaindrag.params import ParameterError
from chaindrag.thermal import ThermalChain

WF = 10.0
EPS = np.finfo(float).eps


def energy(omega, temp, statistics):
    """Mean mode energy written here, not taken from the package."""
    if statistics == "classical":
        return temp
    return 0.5 * omega if temp == 0 else 0.5 * omega / math.tanh(omega / (2 * temp))


def quad_bz(m, tau, temp, statistics, power, wf=WF):
    """(2/pi) int_0^{pi/2} cos(2 m theta) cos(2 pi omega tau) eps/omega^power by adaptive
    quadrature, on subintervals short enough to hold a few oscillations each."""
    b = wf**2 - 1

    def f(t):
        w = math.sqrt(1 + b * math.sin(t) ** 2)
        return (math.cos(2 * m * t) * math.cos(2 * math.pi * w * tau)
                * energy(w, temp, statistics) / w**power)

    edges = np.linspace(0, math.pi / 2, int(8 + 2 * wf * abs(tau) + abs(m)) + 1)
    return 2 / math.pi * sum(quad(f, a, c, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
                             for a, c in zip(edges[:-1], edges[1:]))


def ring_expectation(n, m, tau, temp, statistics, wf=WF):
    """Exact ensemble average <rho_{n+m}(tau) rho_n(0)> on a ring of n sites (a sum over modes)."""
    q = 2 * np.pi * np.arange(n) / n
    w = np.sqrt(1 + (wf**2 - 1) * np.sin(q / 2) ** 2)
    e = w / 2 / np.tanh(w / (2 * temp)) if statistics == "quantum" else temp
    return float(np.mean(e / w**2 * np.cos(q * m) * np.cos(2 * np.pi * w * tau)))


# --------------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("wf", [2.0, 10.0, 30.0])
@pytest.mark.parametrize("temp", [0.5, 5.0, 25.0])
def test_classical_chain_has_variance_T_over_omega_fast_and_geometric_correlations(temp, wf):
    r = (wf - 1) / (wf + 1)
    m = np.arange(-6, 40)
    np.testing.assert_allclose(th.correlation(m, 0.0, temp, "classical", wf),
                               temp / wf * r ** np.abs(m), rtol=0, atol=1e-14 * temp / wf)
    assert th.displacement_variance(temp, "classical", wf) == pytest.approx(temp / wf, rel=1e-14)


@pytest.mark.parametrize("temp", [0.5, 5.0, 25.0])
def test_classical_velocities_are_equipartitioned_and_uncorrelated(temp):
    assert th.velocity_variance(temp, "classical") == pytest.approx(temp, rel=1e-14)
    assert th.energy_per_site(temp, "classical") == pytest.approx(temp, rel=1e-14)
    others = th.velocity_correlation(np.arange(1, 30), 0.0, temp, "classical")
    np.testing.assert_allclose(others, 0.0, atol=1e-14 * temp)


@pytest.mark.parametrize("wf", [2.0, 10.0, 30.0])
def test_zero_point_motion_is_complete_elliptic_integrals(wf):
    k = 1 - 1 / wf**2
    assert th.displacement_variance(0.0, "quantum", wf) == pytest.approx(
        ellipk(k) / (math.pi * wf), rel=1e-13)
    zero_point = wf * ellipe(k) / math.pi
    assert th.velocity_variance(0.0, "quantum", wf) == pytest.approx(zero_point, rel=1e-13)
    assert th.energy_per_site(0.0, "quantum", wf) == pytest.approx(zero_point, rel=1e-13)


def test_zero_point_values_for_omega_fast_10_and_rest_chain_when_classical():
    assert abs(th.displacement_variance(0.0) - 0.117636) < 5e-7
    assert abs(th.velocity_variance(0.0) - 3.234008) < 5e-7
    assert th.displacement_variance(0.0, "classical") == 0.0
    assert th.velocity_variance(0.0, "classical") == 0.0


def test_neighbouring_zero_point_velocities_are_anticorrelated():
    c1 = th.velocity_correlation(1, 0.0, 0.0)
    assert c1 < 0
    assert c1 == pytest.approx(quad_bz(1, 0.0, 0.0, "quantum", 0), rel=1e-12)


@pytest.mark.parametrize("temp", [50.0, 100.0, 200.0])
def test_high_temperature_variance_is_classical_plus_one_over_12T(temp):
    # coth x = 1/x + x/3 - x^3/45 + ..., alternating and decreasing for x < pi, so
    # <rho^2> - T/omega_fast - 1/(12 T) lies in [-<omega^2>/(720 T^3), 0], <omega^2> = (1 + wf^2)/2
    diff = th.displacement_variance(temp) - temp / WF - 1 / (12 * temp)
    bound = (1 + WF**2) / 2 / (720 * temp**3)
    rounding = 16 * EPS * temp / WF
    assert -bound - rounding <= diff <= rounding
    assert diff < -0.5 * bound  # the next term is really there: the test resolves it


@pytest.mark.parametrize("m, tau, temp, statistics", [
    (0, 0.3, 5.0, "quantum"), (1, 0.3, 5.0, "classical"), (0, 2.7, 0.0, "quantum"),
    (1, 2.7, 25.0, "quantum"), (0, 10.0, 5.0, "classical"), (1, 10.0, 0.0, "quantum"),
    (0, 50.0, 25.0, "quantum"), (1, 50.0, 5.0, "classical"), (7, 13.1, 5.0, "quantum"),
])
def test_time_correlation_agrees_with_independent_quadrature(m, tau, temp, statistics):
    rho_scale = th.displacement_variance(temp, statistics)
    mom_scale = th.velocity_variance(temp, statistics)
    assert abs(th.correlation(m, tau, temp, statistics) - quad_bz(m, tau, temp, statistics, 2)) \
        <= 1e-12 * rho_scale
    assert abs(th.velocity_correlation(m, tau, temp, statistics)
               - quad_bz(m, tau, temp, statistics, 0)) <= 1e-12 * mom_scale


def test_correlation_broadcasts_over_m_tau_and_temperature():
    m, tau = np.arange(3)[:, None, None], np.array([0.0, 1.5])[None, :, None]
    temp = np.array([0.0, 5.0])
    c = th.correlation(m, tau, temp)
    assert c.shape == (3, 2, 2)
    assert c[2, 1, 1] == pytest.approx(th.correlation(2, 1.5, 5.0), rel=1e-14)


@pytest.mark.parametrize("statistics, temp",
                         [("quantum", 0.0), ("quantum", 5.0), ("classical", 5.0)])
@pytest.mark.parametrize("m", [0, 1])
def test_correlation_tail_decays_as_inverse_square_root_from_band_edges(statistics, temp, m):
    # stationary phase at theta = 0 (omega ~ 1 + b theta^2/2) and pi/2 (omega ~ wf - b phi^2/2wf):
    # C_m ~ (b tau)^(-1/2)/pi [eps(1) cos(2 pi tau + pi/4)
    #                          + (-1)^m eps(wf)/wf^1.5 cos(2 pi wf tau - pi/4)]
    # with a relative correction O(1/tau); tau = 100.1 and 400.1 have the same phases.
    b = WF**2 - 1
    e0, ef = energy(1.0, temp, statistics), energy(WF, temp, statistics)

    def error(tau):
        lead = (e0 * math.cos(2 * math.pi * tau + math.pi / 4)
                + (-1) ** m * ef / WF**1.5 * math.cos(2 * math.pi * WF * tau - math.pi / 4))
        return th.correlation(m, tau, temp, statistics) - lead / (math.pi * math.sqrt(b * tau))

    amplitude = (e0 + ef / WF**1.5) / (math.pi * math.sqrt(b * 400.1))
    assert abs(error(400.1)) < 1e-3 * amplitude
    assert error(100.1) / error(400.1) == pytest.approx((400.1 / 100.1) ** 1.5, rel=0.02)


@pytest.mark.parametrize("tau", [1e-3, 3e-3])
def test_mean_square_displacement_is_ballistic_at_short_times(tau):
    # 2[C0(0) - C0(tau)] = <eps/omega^2 (2 pi omega tau)^2> (1 - O((2 pi wf tau)^2/12))
    ballistic = th.velocity_variance(5.0) * (2 * math.pi * tau) ** 2
    ratio = th.mean_square_displacement(tau, 5.0) / ballistic
    assert abs(ratio - 1) <= (2 * math.pi * WF * tau) ** 2 / 12 + 1e-9


# --------------------------------------------------------------------------- the ring
@pytest.mark.parametrize("tau, window",
                         [(0.0, 1), (0.0, 50), (10.0, 400), (100.0, 50), (800.0, 400)])
def test_ring_statistics_equal_infinite_chain_until_wraparound(tau, window):
    n = th.ring_size(tau, WF, window)
    scale = th.displacement_variance(5.0)
    exact = th.correlation(window - 1, tau, 5.0)
    # rounding: each cos(2 pi omega tau) is off by ~eps 2 pi wf tau, averaged over n modes
    rounding = 1e-14 + 8 * EPS * 2 * math.pi * WF * tau / math.sqrt(n)
    assert abs(ring_expectation(n, window - 1, tau, 5.0, "quantum") - exact) <= rounding * scale
    # a ring with only 40 sites beyond the light cone is visibly wrong (static or Airy tail)
    short = math.ceil(th.front_speed(WF) * tau + window + 40)
    assert abs(ring_expectation(short, window - 1, tau, 5.0, "quantum") - exact) > 1e-9 * scale
    if tau > 0:  # after the fastest wave has gone round: wrong at order 1e-3 or more
        wrapped = math.ceil(th.front_speed(WF) * tau / 1.5) + window
        wrong = ring_expectation(wrapped, window - 1, tau, 5.0, "quantum") - exact
        assert abs(wrong) > 1e-3 * scale


def test_long_runs_need_the_airy_margin_beyond_the_static_correlation_length():
    # at tau = 800 the front has spread over (pi tau (wf - 1)/2)^(1/3) ~ 22 sites: a ring with
    # only the static margin 36/(2 y0) beyond the light cone is wrong far above rounding
    tau, window = 800.0, 400
    exact = th.correlation(window - 1, tau, 5.0)
    static = math.ceil(th.front_speed(WF) * tau + window + 18 / th.correlation_decay(WF))
    assert abs(ring_expectation(static, window - 1, tau, 5.0, "quantum") - exact) \
        > 1e-11 * th.displacement_variance(5.0)


def test_ring_size_is_a_fast_length_covering_light_cone_and_window():
    for tau, window in [(0.0, 1), (20.0, 400), (800.0, 400)]:
        n = th.ring_size(tau, WF, window)
        assert n >= math.pi * (WF - 1) * tau + window + th.airy_margin(tau, WF)
        assert n == next_fast_len(n, real=True)
    assert th.ring_size(800.0, WF, 400) <= 25_000  # the tau = 800 ring of the benchmark


def test_too_small_ring_is_refused_and_message_names_sizes():
    chain = ThermalChain(5.0, n_modes=3000)
    chain.require_ring(50.0, 400)
    with pytest.raises(ParameterError, match=r"n_modes = 3000.*tau_max = 100.*need n_modes >= \d+"):
        chain.require_ring(100.0, 400)
    with pytest.raises(ParameterError, match="n_modes = 3000"):
        chain.field(0, 400, np.linspace(0.0, 100.0, 11))
    sized = chain.with_ring_for(100.0, 400)
    assert sized.n_modes == th.ring_size(100.0, WF, 400)
    sized.require_ring(100.0, 400)
    assert sized.wraparound_time > 100.0


def test_unsized_chain_refuses_to_sample():
    chain = ThermalChain(5.0)
    with pytest.raises(ParameterError, match="n_modes is None"):
        chain.displacement([0], [0.0])
    assert chain.with_ring_for(1.0, 10).n_modes == th.ring_size(1.0, WF, 10)


# --------------------------------------------------------------------------- realizations
N_SITES = 1 << 16
SEEDS = range(4)


def sample_error(corr, m_max, *args):
    """Standard error of the site-and-seed average of x_n y_n for Gaussian fields on the ring
    (Isserlis): Var = sum_m [Cxx_m Cyy_m + Cxy_m Cyx_m] / (N R), passed as corr(m) -> terms."""
    m = np.arange(-m_max, m_max + 1)
    return math.sqrt(np.sum(corr(m, *args)) / (N_SITES * len(SEEDS)))


@pytest.mark.parametrize("statistics, temp", [
    ("quantum", 0.0), ("quantum", 5.0), ("quantum", 25.0), ("classical", 5.0), ("classical", 25.0)])
def test_sampled_variances_of_rho_and_momentum_match_closed_forms(statistics, temp):
    rho, mom = [], []
    for seed in SEEDS:
        chain = ThermalChain(temp, statistics=statistics, seed=seed, n_modes=N_SITES)
        rho.append(chain.field(0, N_SITES, [0.37], check_ring=False)[0])
        mom.append(chain.velocity(np.arange(N_SITES), [0.37])[0] / (2 * math.pi))
    for samples, corr in ((rho, th.correlation), (mom, th.velocity_correlation)):
        expected = corr(0, 0.0, temp, statistics)
        # Var of the mean of x^2 over sites and seeds: 2 sum_m C_m^2 / (N R)
        se = sample_error(lambda m: 2 * corr(m, 0.0, temp, statistics) ** 2, 300)
        assert 5 * se < 0.05 * expected  # resolves a 5 % normalisation error
        assert abs(np.mean(np.square(samples)) - expected) <= 5 * se


@pytest.mark.parametrize("statistics", ["quantum", "classical"])
@pytest.mark.parametrize("tau", [0.05, 0.5, 2.0])
def test_sampled_time_correlation_matches_closed_form(statistics, tau):
    est = []
    for seed in SEEDS:
        rho = ThermalChain(5.0, statistics=statistics, seed=seed, n_modes=N_SITES).field(
            0, N_SITES, [0.0, tau], check_ring=False)
        est.append(np.mean(rho[1] * rho[0]))
    expected = th.correlation(0, tau, 5.0, statistics)
    m_max = int(th.front_speed(WF) * tau) + 300
    se = sample_error(lambda m: th.correlation(m, 0.0, 5.0, statistics) ** 2
                      + th.correlation(m, tau, 5.0, statistics) ** 2, m_max)
    assert 5 * se < 0.05 * th.displacement_variance(5.0, statistics)  # resolves 5 % of <rho^2>
    assert abs(np.mean(est) - expected) <= 5 * se


def test_different_seeds_are_independent():
    x = ThermalChain(5.0, seed=0, n_modes=N_SITES).field(0, N_SITES, [1.0], check_ring=False)[0]
    y = ThermalChain(5.0, seed=1, n_modes=N_SITES).field(0, N_SITES, [1.0], check_ring=False)[0]
    # independent fields: Var of the site mean of x_n y_n is sum_m C_m(0)^2 / N
    m = np.arange(-300, 301)
    se = math.sqrt(np.sum(th.correlation(m, 0.0, 5.0) ** 2) / N_SITES)
    assert abs(np.mean(x * y)) <= 5 * se


def test_same_seed_gives_identical_arrays_and_different_seed_different():
    tau = np.linspace(0.0, 2.0, 21)
    a = ThermalChain(5.0, seed=3, n_modes=2048)
    b = ThermalChain(5.0, seed=3, n_modes=2048)
    assert a == b
    np.testing.assert_array_equal(a.field(0, 200, tau), b.field(0, 200, tau))
    np.testing.assert_array_equal(a.velocity([5, 9], tau), b.velocity([5, 9], tau))
    c = ThermalChain(5.0, seed=4, n_modes=2048)
    assert a != c
    assert not np.any(a.field(0, 200, tau) == c.field(0, 200, tau))


def test_classical_chain_at_zero_temperature_is_at_rest():
    chain = ThermalChain(0.0, statistics="classical", n_modes=256)
    assert not np.any(chain.field(0, 256, [0.0, 1.0], check_ring=False))
    assert not np.any(chain.velocity([0, 3], [0.5]))


@pytest.mark.parametrize("statistics, temp", [("quantum", 0.0), ("classical", 25.0)])
def test_realization_obeys_free_equation_of_motion(statistics, temp):
    # rho''/(2 pi)^2 = -rho + K (rho_{n+1} - 2 rho_n + rho_{n-1}), K = (wf^2 - 1)/4.
    # Second difference in tau: each mode is off by a relative (2 pi omega h)^2/12 at most, so
    # the error is a Gaussian field of sd <= (2 pi wf h)^2/12 * sd(rho''/(2 pi)^2), and
    # sd(rho''/(2 pi)^2) = <omega^2 eps>^(1/2) <= wf <eps>^(1/2); 6 sd over 1024 sites, plus
    # rounding 64 eps max|rho| amplified by 4/h^2.
    n, h, tau0, k = 1024, 2e-5, 3.3, (WF**2 - 1) / 4
    chain = ThermalChain(temp, statistics=statistics, seed=7, n_modes=n)
    taus = [tau0 - h, tau0, tau0 + h]
    rho = chain.field(0, n, taus, check_ring=False)
    lap = np.roll(rho[1], -1) - 2 * rho[1] + np.roll(rho[1], 1)
    residual = (rho[2] - 2 * rho[1] + rho[0]) / h**2 / (2 * math.pi) ** 2 + rho[1] - k * lap
    sd_eps = math.sqrt(th.velocity_variance(temp, statistics))
    trunc = 6 * (2 * math.pi * WF * h) ** 2 / 12 * WF * sd_eps
    tol = trunc + 64 * EPS * np.max(np.abs(rho)) * 4 / h**2 / (2 * math.pi) ** 2
    assert tol < 1e-5 * np.std(k * lap)  # a 1e-5 error in K would fail
    assert np.max(np.abs(residual)) <= tol
    few = chain.displacement([-1, 0, 1], taus)  # direct mode sum, sites taken modulo n
    res0 = ((few[2, 1] - 2 * few[1, 1] + few[0, 1]) / h**2 / (2 * math.pi) ** 2 + few[1, 1]
            - k * (few[1, 0] - 2 * few[1, 1] + few[1, 2]))
    assert abs(res0) <= tol


@pytest.mark.parametrize("statistics, temp", [("quantum", 5.0), ("classical", 5.0)])
def test_velocity_is_time_derivative_of_displacement(statistics, temp):
    # central difference: each mode off by a relative (2 pi omega h)^2/6 at most; the error is a
    # Gaussian field of sd <= (2 pi wf h)^2/6 * 2 pi <eps>^(1/2); 6 sd plus rounding.
    n, h, tau0 = 1024, 1e-5, 0.8
    chain = ThermalChain(temp, statistics=statistics, seed=2, n_modes=n)
    rho = chain.field(0, n, [tau0 - h, tau0 + h], check_ring=False)
    fd = (rho[1] - rho[0]) / (2 * h)
    sd_v = 2 * math.pi * math.sqrt(th.velocity_variance(temp, statistics))
    tol = 6 * (2 * math.pi * WF * h) ** 2 / 6 * sd_v + 64 * EPS * np.max(np.abs(rho)) / h
    np.testing.assert_allclose(chain.field(0, n, [tau0], check_ring=False, kind="velocity")[0], fd,
                               rtol=0, atol=tol)
    np.testing.assert_allclose(chain.velocity([0, 17], [tau0])[0], fd[[0, 17]], rtol=0, atol=tol)


def test_direct_mode_sum_fft_and_time_grids_give_the_same_realization():
    # FFT (many sites) vs direct sum (few sites); uniform grid (phase table) vs single times.
    # Phase rounding bound: 2 pi wf * 16 eps * tau_max per mode, summed over N modes.
    n = 1023  # odd ring: no Nyquist mode
    chain = ThermalChain(5.0, seed=11, n_modes=n)
    tau = np.linspace(0.0, 50.0, 501)
    full = chain.field(0, n, tau, check_ring=False)
    tol = (2 * math.pi * WF * 16 * EPS * 50.0 * n + 64 * EPS) * np.max(np.abs(full))
    np.testing.assert_allclose(chain.displacement([2, 1000, -3], tau), full[:, [2, 1000, n - 3]],
                               rtol=0, atol=tol)
    for i in (0, 137, 500):
        np.testing.assert_allclose(chain.field(0, n, [tau[i]], check_ring=False)[0], full[i],
                                   rtol=0, atol=tol)
    wrapped = chain.field(1000, 50, tau[:5], check_ring=False)
    np.testing.assert_array_equal(wrapped, full[:5, (1000 + np.arange(50)) % n])


def test_provenance_names_everything_needed_to_regenerate():
    chain = ThermalChain(2.5, statistics="classical", seed=9, omega_fast=7.0, n_modes=512)
    prov = chain.provenance()
    assert {k: prov[k] for k in ("omega_T", "statistics", "seed", "n_modes", "omega_fast")} == {
        "omega_T": 2.5, "statistics": "classical", "seed": 9, "n_modes": 512, "omega_fast": 7.0}
    assert "Gaussian" in prov["sampling"] and prov["chaindrag_version"]
    json.dumps(prov)
    keys = ("omega_T", "statistics", "seed", "n_modes", "omega_fast", "mirror")
    again = ThermalChain(**{k: prov[k] for k in keys})
    np.testing.assert_array_equal(again.field(0, 10, [0.3], check_ring=False),
                                  chain.field(0, 10, [0.3], check_ring=False))


@pytest.mark.parametrize("statistics, temp", [("classical", 2.0), ("quantum", 0.0)])
def test_uniform_and_zone_boundary_modes_of_a_ring_are_thermal_oscillators_at_every_phase(
        statistics, temp):
    # On a ring of N sites the uniform mode Q_0 = N^-1/2 sum_n rho_n (q = 0, omega = 1) and,
    # N even, the zone-boundary mode Q_pi = N^-1/2 sum_n (-1)^n rho_n (q = pi, omega = wf)
    # are single harmonic oscillators (sum_m C_m = eps(1) and sum_m (-1)^m C_m = eps(wf)/wf^2:
    # classically (T/wf)(1 +- r)/(1 -/+ r)). A thermal oscillator's coordinate is Gaussian
    # with <Q^2> = eps/omega^2 at every time: at tau = 0 (coordinate), a quarter period on
    # (the momentum turned into the coordinate) and an eighth. On a small ring these two
    # modes carry a large share of <rho^2> (~50 % here; ~5 % on the 182-site ring of a
    # short run). The estimate over R seeds has relative standard error sqrt(2/R) (Q^2 of
    # a centred Gaussian): 3.29 of it at R = 600 is 19 %.
    n, seeds = 64, 600
    z = 3.29
    signs = (-1.0) ** np.arange(n)
    for omega, proj in ((1.0, np.ones(n)), (WF, signs)):
        taus = np.array([0.0, 0.125, 0.25]) / omega
        q = np.array([ThermalChain(temp, statistics=statistics, seed=s, n_modes=n).field(
            0, n, taus, check_ring=False) @ proj for s in range(seeds)]) / math.sqrt(n)
        expected = energy(omega, temp, statistics) / omega**2
        np.testing.assert_allclose(np.mean(q**2, axis=0), expected,
                                   rtol=z * math.sqrt(2 / seeds), atol=0)


def test_sampler_job_meets_the_closed_forms_with_the_isserlis_standard_error(tmp_path):
    # The thermal_sampler job (jobs.thermal.run_thermal_sampler_check) averages each
    # realization over all N sites and reports the mean over R seeds with its standard
    # error. For a Gaussian field that error is known (Isserlis): per realization
    # Var<x_n y_n>_n = (1/N) sum_m [Cxx_m Cyy_m + Cxy_m Cyx_m], so
    #   <rho^2>: 2 sum C_m(0)^2,  <(rho'/2 pi)^2>: 2 sum Cv_m(0)^2 (classical: 2 T^2),
    #   <rho_n rho_n+1>: sum C_m(0)^2 + C_m-1(0) C_m+1(0),  C_0(tau): sum C_m(0)^2 + C_m(tau)^2.
    # The job's standard error (sd over seeds / sqrt(R)) must lie in the chi^2_(R-1) band of
    # the true one (false alarm 1e-3), and its mean within 3.29 true standard errors of the
    # closed form. A standard deviation reported as the standard error (x4 at R = 16) or a
    # neighbour correlation taken along the wrong axis fails.
    from scipy import stats

    from chaindrag.jobs.thermal import run_thermal_sampler_check

    n, seeds, temp, lag, p = 4096, 16, 5.0, 0.5, 1e-3
    df = run_thermal_sampler_check(tmp_path / "sampler.csv", omega_T=[temp],
                                   statistics=["classical"], n_modes=n, seeds=seeds,
                                   lags=[lag], origins=1, omega_fast=WF)
    m = np.arange(-300, 301)
    c0, ct = th.correlation(m, 0.0, temp, "classical"), th.correlation(m, lag, temp, "classical")
    cv = th.velocity_correlation(m, 0.0, temp, "classical")
    cp, cm = (th.correlation(m + s, 0.0, temp, "classical") for s in (1, -1))
    per_seed = {"displacement_variance": 2 * np.sum(c0**2), "velocity_variance": 2 * np.sum(cv**2),
                "neighbour_correlation": np.sum(c0**2 + cp * cm),
                "time_correlation": np.sum(c0**2 + ct**2)}
    band = [math.sqrt(stats.chi2.ppf(x, seeds - 1) / (seeds - 1)) for x in (p / 2, 1 - p / 2)]
    z = stats.norm.ppf(1 - p / 2)
    assert sorted(df["quantity"]) == sorted(per_seed)
    assert (df[["seeds", "origins", "n_modes"]] == [seeds, 1, n]).all(axis=None)  # provenance
    for row in df.itertuples():
        se = math.sqrt(per_seed[row.quantity] / (n * seeds))
        assert z * se < 0.05 * th.displacement_variance(temp, "classical") \
            or z * se < 0.05 * abs(row.expected), row.quantity  # resolves 5 %
        assert abs(row.measured - row.expected) <= z * se, (row.quantity, row.measured)
        assert band[0] <= row.std_error / se <= band[1], (row.quantity, row.std_error / se)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, name", [
    (dict(omega_T=-1.0), "omega_T"), (dict(omega_T=math.nan), "omega_T"),
    (dict(omega_T=math.inf), "omega_T"), (dict(omega_T="hot"), "omega_T"),
    (dict(omega_T=[1.0, 2.0]), "omega_T"),
    (dict(omega_T=1.0, statistics="bose"), "statistics"),
    (dict(omega_T=1.0, seed=-1), "seed"), (dict(omega_T=1.0, seed=True), "seed"),
    (dict(omega_T=1.0, seed=1.5), "seed"), (dict(omega_T=1.0, seed="0"), "seed"),
    (dict(omega_T=1.0, n_modes=15), "n_modes"), (dict(omega_T=1.0, n_modes=16.5), "n_modes"),
    (dict(omega_T=1.0, n_modes=True), "n_modes"),
    (dict(omega_T=1.0, omega_fast=1.0), "omega_fast"),
    (dict(omega_T=1.0, omega_fast=math.nan), "omega_fast"),
])
def test_bad_chain_parameters_are_named(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        ThermalChain(**kwargs)


@pytest.mark.parametrize("call, name", [
    (lambda: th.displacement_variance(-0.1), "omega_T"),
    (lambda: th.velocity_variance(math.nan), "omega_T"),
    (lambda: th.energy_per_site(1.0, "boltzmann"), "statistics"),
    (lambda: th.correlation(0.5, 0.0, 1.0), "m"),
    (lambda: th.correlation(0, math.inf, 1.0), "tau"),
    (lambda: th.correlation(0, 1.0, 1.0, omega_fast=0.9), "omega_fast"),
    (lambda: th.ring_size(-1.0, WF, 10), "tau_max"),
    (lambda: th.ring_size(1.0, 1.0, 10), "omega_fast"),
    (lambda: th.ring_size(1.0, WF, 0), "window_sites"),
    (lambda: ThermalChain(1.0, n_modes=64).displacement([0.5], [0.0]), "sites"),
    (lambda: ThermalChain(1.0, n_modes=64).velocity([0], [math.nan]), "tau"),
    (lambda: ThermalChain(1.0, n_modes=64).field(0, 65, [0.0]), "n_sites"),
    (lambda: ThermalChain(1.0, n_modes=64).field(0, 0, [0.0]), "n_sites"),
    (lambda: ThermalChain(1.0, n_modes=64).field(1.5, 4, [0.0]), "first_site"),
    (lambda: ThermalChain(1.0, n_modes=64).field(0, 4, [0.0], kind="momentum"), "kind"),
])
def test_bad_arguments_are_named(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


@pytest.mark.parametrize("statistics", ["classical", "quantum"])
def test_the_mirrored_realization_is_minus_the_field(statistics):
    chain = ThermalChain(3.0, statistics=statistics, seed=4).with_ring_for(5.0, 40)
    image = chain.mirrored()
    assert image.mirror and image.provenance()["mirror"] and not chain.provenance()["mirror"]
    assert image.with_ring_for(5.0, 40).mirror and image.mirrored() == chain
    tau = np.linspace(0.0, 5.0, 7)
    np.testing.assert_array_equal(image.field(0, 40, tau), -chain.field(0, 40, tau))
    np.testing.assert_array_equal(image.velocity([3, 17], tau), -chain.velocity([3, 17], tau))


def test_mirrored_pairs_cancel_the_first_order_noise_of_the_single_pass_loss():
    # The loss of a pass in a thermal chain scatters with the fluctuation-dissipation
    # variance 2 T Delta (first order in rho^H, odd); the mean over a realization and its
    # mirror image keeps only the even, second-order part. Measured at T = 5, v0 = 40:
    # pair variance ~1/30 of the single passes'. 100 passes: the F(99, 99) ratio falls
    # below 0.25 unless the odd part cancels (independent pairs: 0.5, no mirror: 1).
    from chaindrag.jobs.thermal import pass_spacing
    from chaindrag.solvers import simulate
    from chaindrag.trajectory import single_pass_loss

    alpha, v0, n = 40.0, 40.0, 25
    tau = 2.2 * alpha / v0
    g = 5 + pass_spacing(tau, alpha, 2.0, 4.0, v0, 10.0) * np.arange(n)
    kw = dict(alpha=alpha, phi0=2.0, lam=4.0, sigma0=alpha * (g + 0.5), v0=np.full(n, v0),
              tau_max=tau, record_sites=g + 1, chain_record_every=1, energy=False)
    loss = []
    for seed in range(4):
        chain = ThermalChain(5.0, statistics="classical", seed=seed).with_ring_for(
            tau, int(g[-1]) + 200)
        loss.append([[single_pass_loss(simulate(**kw, thermal=c), k).delta for k in range(n)]
                     for c in (chain, chain.mirrored())])
    loss = np.array(loss)  # (seed, mirror, particle)
    single, pairs = loss[:, 0].ravel(), loss.mean(axis=1).ravel()
    assert np.var(pairs, ddof=1) < 0.25 * np.var(single, ddof=1)
