"""Eq. (33) on a thermal chain (analytic.thermal_drag) against drive mode on thermal chains.

The theory: second order in phi0, the Debye-Waller factor exact in the thermal
displacement, two- and three-phonon absorption (first and second order in its correlation). The drive runs average
each realization with its mirror image and both signs of phi0 (the terms odd in rho^H or in
phi0 cancel); their deviation is judged in units of the sample's standard error against the
Student-t quantile for a two-sided false-alarm probability of 1e-3.
"""

import math

import numpy as np
import pytest
from scipy import stats

from chaindrag import analytic
from chaindrag.interactions import UserPotential
from chaindrag.params import ParameterError
from chaindrag.solvers import drive
from chaindrag.thermal import ThermalChain, displacement_variance

P_FALSE = 1e-3
FIG8 = dict(phi0=2.0, lam=4.0, alpha=40.0)


def test_thermal_loss_at_zero_classical_temperature_is_eq33():
    v = np.array([12.0, 25.0, 30.0, 57.0])
    np.testing.assert_array_equal(
        analytic.thermal_steady_state_loss(v, 2.0, 4.0, 40.0, 0.0, "classical"),
        analytic.steady_state_loss(v, 2.0, 4.0, 40.0))
    assert analytic.two_phonon_loss(30.0, 2.0, 4.0, 40.0, 0.0, "classical") == 0.0


def test_debye_waller_part_is_eq33_for_the_potential_averaged_over_the_displacement():
    """Independent route: average Phi over rho ~ N(0, s^2) in real space (Gauss-Hermite),
    hand it to Eq. (33) as a user potential (numerical Fourier transform)."""
    temp, lam = 5.0, 4.0
    s = math.sqrt(float(displacement_variance(temp, "classical")))
    z, wz = np.polynomial.hermite_e.hermegauss(40)
    wz = wz / wz.sum()

    def phi(x):
        x = np.asarray(x, dtype=float)[..., None]
        return np.sum(wz * 2.0 * np.exp(-(x - s * z) ** 2 / (2 * lam**2)), axis=-1)

    def dphi(x):
        x = np.asarray(x, dtype=float)[..., None]
        y = x - s * z
        return np.sum(wz * -2.0 * y / lam**2 * np.exp(-y**2 / (2 * lam**2)), axis=-1)

    averaged = UserPotential(phi, dphi, length=lam, label="thermally averaged Gaussian")
    v = np.array([15.0, 30.0, 50.0])
    debye_waller = analytic.debye_waller_loss(v, 2.0, lam, 40.0, temp, "classical")
    np.testing.assert_allclose(
        debye_waller, analytic.steady_state_loss(v, alpha=40.0, interaction=averaged),
        rtol=1e-7)


def test_two_phonon_integral_converges_as_the_grid_is_refined():
    fine, mid, coarse = (analytic.two_phonon_loss(30.0, 2.0, 4.0, 40.0, 5.0, "classical", grid=g)
                         for g in (8192, 2048, 512))
    assert abs(mid - fine) < 5e-4 * fine
    assert abs(mid - fine) < abs(coarse - fine) / 4  # h^2 would give 1/16


def test_three_phonon_absorption_is_of_second_order_in_the_temperature():
    # classical: each thermal correlation carries one T; the Debye-Waller factor is held
    # fixed by comparing at small T, where it is within 1e-3 of 1 at these speeds' k
    low, high = (analytic.three_phonon_loss(50.0, **FIG8, omega_T=t, statistics="classical")
                 for t in (0.01, 0.02))
    assert high / low == pytest.approx(4.0, rel=2e-3)
    two_low, two_high = (analytic.two_phonon_loss(50.0, **FIG8, omega_T=t,
                                                  statistics="classical") for t in (0.01, 0.02))
    assert two_high / two_low == pytest.approx(2.0, rel=2e-3)


def test_three_phonon_integral_converges_as_the_grid_is_refined():
    coarse, mid, fine = (analytic.three_phonon_loss(60.0, **FIG8, omega_T=5.0,
                                                    statistics="classical", grid_3=g)
                         for g in (32, 64, 128))
    assert abs(mid - fine) < 1e-2 * fine
    assert abs(mid - fine) < abs(coarse - fine)


def test_quantum_drag_approaches_the_classical_one_at_high_temperature():
    def ratio(temp):
        return (analytic.thermal_steady_state_loss(30.0, **FIG8, omega_T=temp, statistics="quantum")
                / analytic.thermal_steady_state_loss(30.0, **FIG8, omega_T=temp,
                                                     statistics="classical"))
    # epsilon = (omega/2) coth(omega/2T) = T + omega^2/(12 T) + ...: the gap closes as 1/T
    gaps = [abs(ratio(t) - 1.0) for t in (2.0, 20.0)]
    assert gaps[1] < gaps[0] / 5
    # zero-point motion alone (T = 0) already moves the masses: <rho^2> = 0.1176
    assert analytic.thermal_steady_state_loss(30.0, **FIG8, omega_T=0.0) != pytest.approx(
        analytic.steady_state_loss(30.0, **FIG8), rel=1e-3)


@pytest.mark.parametrize("kw, name", [(dict(omega_T=-1.0), "omega_T"), (dict(grid=16), "grid"),
                                      (dict(grid_3=4), "grid_3"),
                                      (dict(grid=2048.0), "grid"), (dict(v=-3.0), "v"),
                                      (dict(statistics="bose"), "statistics"),
                                      (dict(phi0=np.array([1.0, 2.0])), "phi0")])
def test_thermal_drag_refuses_bad_input_naming_it(kw, name):
    args = dict(v=30.0, phi0=2.0, lam=4.0, alpha=40.0, omega_T=5.0, statistics="classical")
    args.update(kw)
    with pytest.raises(ParameterError, match=name):
        analytic.thermal_steady_state_loss(**args)


# ------------------------------------------------------------------ drive on a thermal chain
def test_drive_on_a_thermal_chain_is_the_same_on_both_solvers():
    runs = [drive(alpha=40.0, phi0=2.0, lam=4.0, v=30.0, tau_max=60.0, solver=solver,
                  omega_T=5.0, statistics="classical", seed=3)
            for solver in ("chain", "transparent")]
    assert runs[0].delta_bar == pytest.approx(runs[1].delta_bar, rel=1e-8)
    assert math.isnan(runs[0].delta_bar_chain_energy)
    assert runs[1].params["omega_T"] == 5.0 and runs[1].params["thermal"]["seed"] == 3


def test_drive_records_the_realization_it_ran_in():
    chain = ThermalChain(5.0, statistics="classical", seed=4)
    res = drive(alpha=40.0, phi0=2.0, lam=4.0, v=30.0, tau_max=30.0, solver="transparent",
                thermal=chain.mirrored())
    assert res.params["thermal"]["mirror"] is True
    assert res.params["statistics"] == "classical" and res.params["n_modes"] > 0
    with pytest.raises(ParameterError, match="omega_T"):
        drive(alpha=40.0, phi0=2.0, lam=4.0, v=30.0, tau_max=30.0, omega_T=-1.0)


def _quadruple_losses(v, temp, seeds, tau_max):
    """Mean of (realization, mirror image) x (phi0, -phi0) drive losses, per seed."""
    out = []
    for seed in seeds:
        chain = ThermalChain(temp, statistics="classical", seed=seed)
        out.append(np.mean([
            drive(alpha=40.0, phi0=p, lam=4.0, v=v, tau_max=tau_max, solver="transparent",
                  thermal=c).delta_bar
            for p in (2.0, -2.0) for c in (chain, chain.mirrored())]))
    return np.array(out)


def test_drag_on_a_thermal_chain_is_debye_waller_weighted_eq33_plus_multiphonon_absorption():
    # low T: the three-phonon terms (order T^2) are below the runs' resolution
    v, temp, tau_max, n = 30.0, 1.0, 200.0, 12
    rest = np.mean([drive(alpha=40.0, phi0=p, lam=4.0, v=v, tau_max=tau_max,
                          solver="transparent").delta_bar for p in (2.0, -2.0)])
    quads = _quadruple_losses(v, temp, range(n), tau_max)
    se = quads.std(ddof=1) / math.sqrt(n)
    q = stats.t.ppf(1 - P_FALSE / 2, n - 1)
    eq33 = analytic.steady_state_loss(v, **FIG8)
    full = analytic.thermal_steady_state_loss(v, **FIG8, omega_T=temp, statistics="classical")
    debye_waller = analytic.debye_waller_loss(v, **FIG8, omega_T=temp, statistics="classical")
    # the shift relative to the rest value of the same runs: finite-tau and phi0^4 parts cancel
    measured = quads.mean() / rest
    assert abs(measured - full / eq33) < q * se / rest
    # the Debye-Waller factor alone (spikes weakened, nothing else) is far off
    assert abs(measured - debye_waller / eq33) > 2 * q * se / rest
