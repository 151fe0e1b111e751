"""The mean single-pass loss on a thermal chain moves off the rest-chain loss at order
Phi0^2 T (analytic.single_pass_thermal_shift), as mirrored thermal pairs measure it.

The simulated statement uses a realization and its mirror image (their mean has no part odd
in rho^H) and subtracts, as a control variate, the pair's first-order thermal work along the
straight path, int Phi'(x - rho^H) rho^H' dtau (trajectory.first_order_thermal_work), whose
mean is exactly zero. Tolerances come from the sample: a two-sided false-alarm probability of
1e-3 (3.29 standard errors).
"""

import math

import numpy as np
import pytest
from scipy import stats

from chaindrag import analytic, simulate
from chaindrag.interactions import Gaussian, UserPotential
from chaindrag.jobs.thermal import pass_spacing
from chaindrag.params import ParameterError
from chaindrag.thermal import ThermalChain
from chaindrag.trajectory import first_order_thermal_work, single_pass_loss

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


def test_mean_single_pass_loss_on_a_thermal_chain_shifts_as_order_phi0_squared_t_predicts():
    alpha, phi0, lam, v0, temp, n = 40.0, 2.0, 4.0, 40.0, 5.0, 25
    tau_max = 2.2 * alpha / v0
    g = 5 + pass_spacing(tau_max, alpha, phi0, lam, v0, 10.0) * np.arange(n)
    kw = dict(alpha=alpha, phi0=phi0, lam=lam, tau_max=tau_max, solver="transparent",
              energy=False, chain_record_every=1)
    rest = simulate(**kw, sigma0=alpha * 5.5, v0=v0, record_sites=[6])
    gauss = Gaussian(phi0, lam)
    pairs, work = [], []
    for seed in range(40):
        chain = ThermalChain(temp, statistics="classical", seed=seed)
        runs = [simulate(**kw, sigma0=alpha * (g + 0.5), v0=np.full(n, v0), record_sites=g + 1,
                         thermal=c) for c in (chain, chain.mirrored())]
        sized = ThermalChain(temp, statistics="classical", seed=seed,
                             n_modes=runs[0].params["n_modes"])
        pairs.append(np.mean([[single_pass_loss(r, particle=k).delta for k in range(n)]
                              for r in runs], axis=0))
        work.append(0.5 * (first_order_thermal_work(sized, gauss, g + 1, alpha, v0)
                           + first_order_thermal_work(sized.mirrored(), gauss, g + 1, alpha, v0)))
    pairs, work = np.concatenate(pairs), np.concatenate(work)
    se = lambda a: a.std(ddof=1) / math.sqrt(a.size)  # noqa: E731
    assert abs(work.mean()) <= Z * se(work)  # the control variate has mean zero
    measured = pairs - work
    got, err = measured.mean() - single_pass_loss(rest).delta, se(measured)
    assert se(measured) < se(pairs) / 4  # what the control variate is for
    theory = shift(v0, phi0, lam, temp, "classical")
    # 3.29 standard errors, plus the next order in phi0 / KE = 0.1 of the theory
    assert abs(got - theory) <= Z * err + 0.1 * abs(theory)
    assert abs(got) > Z * err  # the first-order statement (no shift) fails on the same sample
