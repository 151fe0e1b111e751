"""The mean single-pass loss on a thermal chain moves off the rest-chain loss at order
Phi0^2 T (analytic.single_pass_thermal_shift), as mirrored thermal pairs measure it.

The simulated statement runs the thermal study's single-pass job on realizations and their
mirror images (a pair's mean has no part odd in rho^H, half its difference is that odd part)
and subtracts, as a control variate, the pair's first-order thermal work along the straight
path, int Phi'(x - rho^H) rho^H' dtau (trajectory.first_order_thermal_work), whose mean is
exactly zero. Tolerances come from the sample: a two-sided false-alarm probability of 1e-3
(3.29 standard errors).
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chaindrag import analytic
from chaindrag.interactions import UserPotential
from chaindrag.jobs.thermal import thermal_single_passes
from chaindrag.params import ParameterError
from chaindrag.tables.thermal import pass_samples

Z = stats.norm.ppf(1 - 1e-3 / 2)
shift = analytic.single_pass_thermal_shift


def test_gaussian_closed_form_equals_the_fourier_route_of_a_tabulated_gaussian():
    phi0, lam = 2.0, 4.0
    user = UserPotential(lambda x: phi0 * np.exp(-x**2 / (2 * lam**2)),
                         lambda x: -phi0 * x / lam**2 * np.exp(-x**2 / (2 * lam**2)), length=lam)
    v = np.array([20.0, 40.0, 70.0])
    for statistics in ("classical", "quantum"):
        closed = shift(v, phi0, lam, 5.0, statistics, parts=True)
        quad = shift(v, omega_T=5.0, statistics=statistics, interaction=user, parts=True)
        for part in ("displacement", "chain_feedback", "recoil"):
            np.testing.assert_allclose(getattr(quad, part), getattr(closed, part), rtol=1e-7)


@pytest.mark.parametrize("statistics", ["classical", "quantum"])
def test_each_part_of_the_shift_equals_its_frequency_space_form(statistics):
    # The tau integrals done in frequency space instead: with F(a) = int_0^inf X cos(a tau)
    # = (1/(2 v^2)) (a/v)^4 Phi_{a/v}^2 and, on Brillouin-zone averages <.>, G-dot and C
    # cosine sums, G and C' sine sums, products of two become F at the sum and difference
    # frequencies and int tau X sin(a tau) = -F'(a):
    #   displacement   (2 pi)^2 <<eps_2/w_2^2 [F(w_1 - w_2)/2 + F(w_1 + w_2)/2 - F(w_1)]>>
    #   chain feedback -(2 pi)^2 <<eps_2/(w_1 w_2) [F(w_1 - w_2) - F(w_1 + w_2)]/2>>
    #   recoil         (2 pi)^3 / mu <eps F'(w)/w>           (F at 2 pi x the frequencies)
    # eps written here: T, or (w/2) coth(w/2T). Smooth integrands: Gauss-Legendre in theta.
    phi0, lam, v, temp, mu, wf = 2.0, 4.0, 40.0, 5.0, 1.3, 10.0
    c = math.pi * phi0**2 * lam**2 / v**6  # F(a) = c a^4 e^{-a^2 lam^2 / v^2} (Gaussian)

    def f(a):
        return c * a**4 * np.exp(-(a * lam / v) ** 2)

    def f_prime(a):
        return c * np.exp(-(a * lam / v) ** 2) * (4 * a**3 - 2 * a**5 * lam**2 / v**2)

    theta, w = np.polynomial.legendre.leggauss(300)
    theta, w = 0.25 * math.pi * (theta + 1.0), w / 2.0  # <g> = (2/pi) int_0^{pi/2} g dtheta
    om = np.sqrt(1.0 + (wf**2 - 1.0) * np.sin(theta) ** 2)
    eps = temp * np.ones_like(om) if statistics == "classical" else \
        0.5 * om / np.tanh(0.5 * om / temp)
    tp = 2.0 * math.pi
    w1, w2 = om[:, None], om[None, :]
    e2 = eps[None, :]
    ww = w[:, None] * w[None, :]
    diff, total = f(tp * (w1 - w2)), f(tp * (w1 + w2))
    expected = dict(
        displacement=tp**2 * np.sum(ww * e2 / w2**2 * (0.5 * diff + 0.5 * total - f(tp * w1))),
        chain_feedback=-tp**2 * np.sum(ww * e2 / (w1 * w2) * 0.5 * (diff - total)),
        recoil=tp**3 / mu * np.sum(w * eps * f_prime(tp * om) / om))
    got = shift(v, phi0, lam, temp, statistics, mu=mu, parts=True)
    for part, value in expected.items():
        assert getattr(got, part) == pytest.approx(value, rel=1e-9), part  # measured 4e-13


def test_classical_shift_is_linear_in_temperature_even_in_phi0_and_its_recoil_goes_as_one_over_mu():
    v = np.array([25.0, 40.0, 60.0])
    one = shift(v, 2.0, 4.0, 1.0, "classical", parts=True)
    np.testing.assert_allclose(shift(v, 2.0, 4.0, 7.0, "classical"), 7.0 * one.total, rtol=1e-9)
    np.testing.assert_allclose(shift(v, -2.0, 4.0, 1.0, "classical"), one.total, rtol=1e-12)
    assert np.all(shift(v, 2.0, 4.0, 0.0, "classical") == 0.0)  # the chain at rest
    heavy = shift(v, 2.0, 4.0, 1.0, "classical", mu=4.0, parts=True)
    np.testing.assert_allclose(heavy.recoil, one.recoil / 4.0, rtol=1e-9)
    np.testing.assert_allclose(heavy.displacement, one.displacement, rtol=1e-9)


def test_quantum_shift_approaches_the_classical_one_at_high_temperature():
    # eps = T + omega^2 / (12 T) + ...: the relative difference falls as 1/T^2
    gaps = [abs(shift(40.0, 2.0, 4.0, t, "quantum") / shift(40.0, 2.0, 4.0, t, "classical") - 1)
            for t in (10.0, 20.0, 40.0)]
    assert gaps[0] < 0.05
    assert gaps[1] == pytest.approx(gaps[0] / 4, rel=0.1)
    assert gaps[2] == pytest.approx(gaps[0] / 16, rel=0.1)


@pytest.mark.parametrize("kw, name", [
    (dict(mu=0.0), "mu"), (dict(v=-1.0), "v"), (dict(omega_T=None), "omega_T"),
    (dict(rtol=1e-2), "rtol"), (dict(parts=1), "parts"), (dict(lam=0.0), "lam"),
    (dict(statistics="bose"), "statistics")])
def test_thermal_shift_refuses_bad_input_naming_it(kw, name):
    args = dict(v=40.0, phi0=2.0, lam=4.0, omega_T=5.0, statistics="classical")
    args.update(kw)
    with pytest.raises(ParameterError, match=name):
        shift(**args)


KW = dict(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, v0=40.0, n_particles=25, omega_fast=10.0,
          d=60, solver="transparent", run_length=2.2)
TEMP = 5.0


@pytest.fixture(scope="module")
def mirrored_passes():
    """The thermal study's single-pass job on 40 classical realizations and their mirror
    images (1 000 pairs), and the rest-chain pass."""
    passes = pd.DataFrame([row for seed in range(40) for mirror in (False, True)
                           for row in thermal_single_passes(**KW, omega_T=TEMP, seed=seed,
                                                            statistics="classical",
                                                            mirror=mirror)])
    rest = thermal_single_passes(**KW, omega_T=0.0, statistics="rest", seed=0)[0]["delta"]
    return passes, rest


def _se(a):
    return a.std(ddof=1) / math.sqrt(a.size)


def test_mean_single_pass_loss_on_a_thermal_chain_shifts_as_order_phi0_squared_t_predicts(
        mirrored_passes):
    passes, rest = mirrored_passes
    samples = pass_samples(passes)
    assert len(samples) == 1000 and samples["passed"].all()
    pair = passes.groupby(["seed", "particle"])[["delta", "first_order_work"]].mean()
    work, measured = pair["first_order_work"].to_numpy(), samples["corrected"].to_numpy()
    assert abs(work.mean()) <= Z * _se(work)  # the control variate has mean zero
    got, err = measured.mean() - rest, _se(measured)
    assert err < _se(pair["delta"].to_numpy()) / 4  # what the control variate is for
    theory = shift(KW["v0"], KW["phi0"], KW["lam"], TEMP, "classical")
    # 3.29 standard errors, plus the next order in phi0 / KE = 0.1 of the theory
    assert abs(got - theory) <= Z * err + 0.1 * abs(theory)
    assert abs(got) > Z * err  # the first-order statement (no shift) fails on the same sample


def test_half_the_difference_of_a_mirrored_pair_has_the_fluctuation_dissipation_variance(
        mirrored_passes):
    # the mirror image negates rho^H: half a pair's difference is the loss's odd part, the
    # first-order noise, with zero mean and the variance 2 sum_j eps_j Delta_j
    image = mirrored_passes[0].pivot(index=["seed", "particle"], columns="mirror",
                                     values="delta")
    odd = 0.5 * (image[False] - image[True]).to_numpy()
    var, n = odd.var(ddof=1), odd.size
    se_var = math.sqrt((np.mean((odd - odd.mean()) ** 4) - var**2 * (n - 3) / (n - 1)) / n)
    fd = analytic.single_pass_noise_variance(KW["v0"], KW["phi0"], KW["lam"], omega_T=TEMP,
                                             statistics="classical")
    assert n == 1000
    assert abs(var - fd) <= Z * se_var
    assert abs(odd.mean()) <= Z * _se(odd)


def test_shift_at_a_speed_near_the_potential_width_equals_its_frequency_space_form():
    # v ~ lam on a wide band: the pass spans ~200 fast periods, so the Brillouin-zone rule
    # has thousands of nodes (nodes x panels; an eigenvalue-based Gauss-Legendre rule took
    # over a minute and ~1 GB here, scipy's O(n) one ~6 s). Same frequency-space form as
    # above, theta by scipy's Gauss-Legendre with 1000 nodes (converged to 1e-12).
    from scipy.special import roots_legendre
    phi0, lam, v, temp, mu, wf = 0.3, 1.2, 1.0, 1.0, 1.0, 27.0
    c = math.pi * phi0**2 * lam**2 / v**6

    def f(a):
        return c * a**4 * np.exp(-(a * lam / v) ** 2)

    def f_prime(a):
        return c * np.exp(-(a * lam / v) ** 2) * (4 * a**3 - 2 * a**5 * lam**2 / v**2)

    theta, w = roots_legendre(1000)
    theta, w = 0.25 * math.pi * (theta + 1.0), w / 2.0
    om = np.sqrt(1.0 + (wf**2 - 1.0) * np.sin(theta) ** 2)
    eps = temp * np.ones_like(om)
    tp = 2.0 * math.pi
    w1, w2, ww = om[:, None], om[None, :], w[:, None] * w[None, :]
    diff, total = f(tp * (w1 - w2)), f(tp * (w1 + w2))
    displacement = tp**2 * np.sum(ww * eps[None, :] / w2**2 * (0.5 * diff + 0.5 * total
                                                               - f(tp * w1)))
    feedback = -tp**2 * np.sum(ww * eps[None, :] / (w1 * w2) * 0.5 * (diff - total))
    recoil = tp**3 / mu * np.sum(w * eps * f_prime(tp * om) / om)  # ~1e-21: e^{-(2 pi lam)^2}
    got = shift(v, phi0, lam, temp, "classical", wf, mu=mu, parts=True)
    assert got.displacement == pytest.approx(displacement, rel=1e-9)  # measured 4e-12
    assert got.chain_feedback == pytest.approx(feedback, rel=1e-9)
    assert abs(got.recoil - recoil) < 1e-9 * abs(displacement)  # at the rtol floor of the sum
