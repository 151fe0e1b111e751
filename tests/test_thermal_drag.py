"""Eq. (33) on a thermal chain (analytic.thermal_drag) against drive mode on thermal chains.

The theory: second order in phi0, the Debye-Waller factor exact in the thermal
displacement, multi-phonon absorption to every order in its correlation (two and three
phonons by density-of-states sums, the rest by convolution). The drive runs average each
realization with its mirror image and both signs of phi0 (the terms odd in rho^H or in
phi0 cancel); their deviation is judged in units of the sample's standard error against the
Student-t quantile for a two-sided false-alarm probability of 1e-3.
"""

import math
import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import brentq

from chaindrag import analytic
from chaindrag.interactions import (Gaussian, LennardJones, Lorentzian, Morse, UserPotential,
                                    interaction_from_config, negated)
from chaindrag.params import ParameterError, SeriesTruncationWarning
from chaindrag.jobs.thermal import thermal_drag_sample
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


def _averaged(inter, s2):
    """``inter`` averaged over a displacement rho ~ N(0, s2) in real space (Gauss-Hermite)."""
    z, wz = np.polynomial.hermite_e.hermegauss(40)
    shifts, wz = math.sqrt(s2) * z, wz / wz.sum()

    def phi(x):
        return np.sum(wz * inter.potential(np.asarray(x, dtype=float)[..., None] - shifts),
                      axis=-1)

    def dphi(x):
        return -np.sum(wz * inter.force(np.asarray(x, dtype=float)[..., None] - shifts),
                       axis=-1)

    return UserPotential(phi, dphi, length=inter.scales[1], label="thermally averaged")


@pytest.mark.parametrize("inter", [Morse.channel(), LennardJones.channel()],
                         ids=["morse", "lennard-jones"])
def test_debye_waller_part_of_any_potential_is_eq33_for_its_thermal_average(inter):
    s2 = float(displacement_variance(5.0, "classical"))
    v = np.array([15.0, 30.0, 50.0])
    np.testing.assert_allclose(
        analytic.debye_waller_loss(v, alpha=40.0, omega_T=5.0, statistics="classical",
                                   interaction=inter),
        analytic.steady_state_loss(v, alpha=40.0, interaction=_averaged(inter, s2)),
        rtol=1e-10)  # measured 1e-14


def test_multiphonon_terms_of_a_tabulated_gaussian_match_its_closed_form():
    """A user potential's |Phi_k|^2 comes from quadrature through a spline; the Gaussian's
    from its closed form: the same multi-phonon sums."""
    lam = 4.0
    user = UserPotential(lambda x: 2.0 * np.exp(-np.asarray(x)**2 / (2 * lam**2)),
                         lambda x: -2.0 * np.asarray(x) / lam**2
                         * np.exp(-np.asarray(x)**2 / (2 * lam**2)), length=lam)
    v = np.array([25.0, 50.0])
    kw = dict(alpha=40.0, omega_T=5.0, statistics="classical")
    for part in (analytic.two_phonon_loss, analytic.three_phonon_loss):
        np.testing.assert_allclose(part(v, **kw, interaction=user),
                                   part(v, **kw, interaction=Gaussian(2.0, lam)), rtol=1e-9)


@pytest.mark.parametrize("inter", [Lorentzian(2.0, 4.0), LennardJones.channel()],
                         ids=["lorentzian", "lennard-jones"])
def test_multiphonon_orders_of_any_potential_scale_as_powers_of_temperature(inter):
    kw = dict(alpha=40.0, statistics="classical", interaction=inter)
    low, high = (analytic.three_phonon_loss(30.0, omega_T=t, **kw) for t in (0.01, 0.02))
    assert high / low == pytest.approx(4.0, rel=5e-3)
    low, high = (analytic.two_phonon_loss(30.0, omega_T=t, **kw) for t in (0.01, 0.02))
    assert high / low == pytest.approx(2.0, rel=5e-3)


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
    assert gaps[1] / gaps[0] == pytest.approx(0.1, rel=0.3)  # 1/T: 0.1 (measured 0.12)
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


@pytest.mark.parametrize("kw, name", [(dict(interaction=Lorentzian(2.0, 4.0)), "interaction"),
                                      (dict(omega_T=None), "omega_T"),
                                      (dict(alpha=None), "alpha")])
def test_thermal_drag_refuses_a_missing_or_doubled_potential_or_parameter(kw, name):
    args = dict(v=30.0, phi0=2.0, lam=4.0, alpha=40.0, omega_T=5.0, statistics="classical")
    args.update(kw)
    with pytest.raises(ParameterError, match=name):
        analytic.two_phonon_loss(**args)


# ------------------------------------------------------------ two phonons from first principles
# Golden rule for a chain driven by the particle at sigma = v tau (time t = 2 pi tau, in
# 1/Omega_slow; hbar = 1): V = sum_n Phi(sigma - alpha n - rho_n) = int dk/2pi Phi_k e^{ik sigma}
# sum_n e^{-ik alpha n} e^{-ik rho_n}, its component k oscillating at nu = k v / 2 pi. With
# rho_n = sum_q (2 N w_q)^{-1/2} e^{iqn} (a_q + a^+_{-q}) (so <rho^2> = <eps / w^2>_BZ,
# thermal.md), <e^{ik rho_j(t)} e^{-ik rho_0}> = e^{-k^2 s^2} e^{k^2 C_j(t)}, C_j(t) =
# <e^{iqj} [(n_q + 1) e^{-i w_q t} + n_q e^{i w_q t}] / 2 w_q>_q. The energy absorbed per mass
# passed, (2 pi alpha / v) sum_k nu S_k(nu), taken order by order in C (the m-th order is
# m-phonon absorption; the net rates, forward minus backward, are antisymmetric in K):
#   one phonon, net (n + 1) - n = 1 (Eq. 33 times the Debye-Waller factor):
#     D1 = pi sum_{K > 0: K v = 2 pi w(K alpha)} K^3 |Phi_K|^2 e^{-K^2 s^2}
#          / (w |v - 2 pi alpha w'|)
#   two phonons, C^2 / 2, p = K alpha - q, net (n_q + 1)(n_p + 1) - n_q n_p = e_q + e_p and
#   (n_q + 1) n_p - n_q (n_p + 1) = e_p - e_q (e = n + 1/2 = eps / w; classical: T / w):
#     D2 = (1/16) int_R dK int_{-pi}^{pi} dq K^5 |Phi_K|^2 e^{-K^2 s^2} / (w_q w_p)
#          sum_{s1, s2 = +-} (s1 e_p + s2 e_q) delta(K v - 2 pi (s1 w_q + s2 w_p)).
# The quadrature is this module's own: for each q the delta is resolved in p (K = (q + p) /
# alpha) by bisection on the pieces between the fixed p where dH/dp = 0 (w'(p) = s2 v / 2 pi
# alpha); the q integral is split at the turning points where two roots merge (H(q, p_c) = 0,
# a 1/sqrt edge of the integrand) and each piece taken by Gauss-Legendre in theta, q = a +
# (b - a)(1 - cos theta) / 2. Nothing of chaindrag is used: not its band, mode energies,
# <rho^2>, Fourier transform, weight tables or kernels.
_WF = 10.0


def _band(q):
    """w(q) = sqrt(1 + b sin^2(q/2)) and w'(q) = b sin(q) / 4 w, b = omega_fast^2 - 1."""
    b = _WF**2 - 1.0
    w = np.sqrt(1.0 + b * np.sin(0.5 * q) ** 2)
    return w, b * np.sin(q) / (4.0 * w)


def _occupation(w, temp, statistics):
    """n + 1/2 = eps / w: quantum with the zero point, classical T / w."""
    return 0.5 / np.tanh(0.5 * w / temp) if statistics == "quantum" else temp / w


def _own_variance(temp, statistics):
    """<rho^2> = <(n + 1/2) / w>_BZ (midpoint rule on the periodic integrand)."""
    q = -math.pi + 2.0 * math.pi * (np.arange(4096) + 0.5) / 4096
    w = _band(q)[0]
    return float(np.mean(_occupation(w, temp, statistics) / w))


def _gauss_phi2(k, phi0, lam):
    """|Phi_k|^2 of Phi(x) = phi0 e^{-x^2 / 2 lam^2}, Phi_k = int dx Phi(x) e^{-ikx}."""
    return 2.0 * math.pi * (phi0 * lam) ** 2 * np.exp(-(k * lam) ** 2)


def _slope_points(c):
    """The two p in (-pi, pi) with w'(p) = c, on either side of w'' = 0."""
    p_top = math.acos((_WF - 1.0) / (_WF + 1.0))  # where w' peaks
    def f(p):
        return float(_band(p)[1]) - abs(c)
    pts = [brentq(f, 0.0, p_top, xtol=1e-15), brentq(f, p_top, math.pi, xtol=1e-15)]
    return pts if c > 0 else [-p for p in pts]


def _own_one_phonon(v, phi0, lam, alpha, s2):
    def h(p):  # p = K alpha
        return p * v / alpha - 2.0 * math.pi * float(_band(p)[0])
    lo, hi = 2.0 * math.pi * alpha / v, 2.0 * math.pi * _WF * alpha / v  # w in [1, omega_fast]
    turns = [c + 2.0 * math.pi * m for c in _slope_points(v / (2.0 * math.pi * alpha))
             for m in range(int(hi / (2.0 * math.pi)) + 2)]
    edges = [lo * (1 - 1e-12)] + sorted(t for t in turns if lo < t < hi) + [hi * (1 + 1e-12)]
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        if h(a) * h(b) < 0.0:
            p = brentq(h, a, b, xtol=1e-15)
            k, (w, dw) = p / alpha, _band(p)
            total += (k**3 * _gauss_phi2(k, phi0, lam) * math.exp(-k * k * s2)
                      / (w * abs(v - 2.0 * math.pi * alpha * dw)))
    return math.pi * total


def _own_two_phonon(v, phi0, lam, alpha, temp, statistics, nodes=24):
    s2 = _own_variance(temp, statistics)
    x, wx = np.polynomial.legendre.leggauss(nodes)
    theta, w_theta = 0.5 * math.pi * (x + 1.0), 0.5 * math.pi * wx
    reach = 12.0 / lam * alpha + math.pi  # |q + p| = |K| alpha: |Phi_K|^2 < e^{-140} beyond
    total = 0.0
    for s1 in (1.0, -1.0):
        for s2_ in (1.0, -1.0):
            def big_h(q, p):
                return (q + p) * v / alpha - 2.0 * math.pi * (s1 * _band(q)[0] + s2_ * _band(p)[0])
            crit = _slope_points(s2_ * v / (2.0 * math.pi * alpha))
            span = int(reach / (2.0 * math.pi)) + 1
            cuts = np.array(sorted(c + 2.0 * math.pi * m for c in crit
                                   for m in range(-span, span + 1)))
            # turning points: H(q, p_c) = 0, on the pieces of q where dH/dq keeps its sign
            q_pieces = [-math.pi] + sorted(_slope_points(s1 * v / (2.0 * math.pi * alpha))) + [
                math.pi]
            turns = []
            for pc in cuts:
                def g(q):
                    return float(big_h(q, pc))
                turns += [brentq(g, a, b, xtol=1e-15) for a, b in zip(q_pieces[:-1], q_pieces[1:])
                          if g(a) * g(b) < 0.0]
            turns = sorted(turns)
            spans = (list(zip(turns, turns[1:] + [turns[0] + 2.0 * math.pi])) if turns
                     else [(-math.pi, math.pi)])
            q = np.concatenate([a + 0.5 * (b - a) * (1.0 - np.cos(theta)) for a, b in spans])
            wq = np.concatenate([0.5 * (b - a) * np.sin(theta) * w_theta for a, b in spans])
            q = (q + math.pi) % (2.0 * math.pi) - math.pi  # the integrand is 2 pi periodic in q
            # every root p of H(q, .) on a piece between consecutive cuts: bisection
            ha, hb = big_h(q[:, None], cuts[None, :-1]), big_h(q[:, None], cuts[None, 1:])
            iq, ip = np.nonzero(ha * hb < 0.0)
            qq, lo, hi, f_lo = q[iq], cuts[ip], cuts[ip + 1], ha[iq, ip]
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                f_mid = big_h(qq, mid)
                keep = (f_mid < 0.0) == (f_lo < 0.0)
                lo, f_lo, hi = np.where(keep, mid, lo), np.where(keep, f_mid, f_lo), np.where(
                    keep, hi, mid)
            p = 0.5 * (lo + hi)
            k = (qq + p) / alpha
            (w_q, _), (w_p, dw_p) = _band(qq), _band(p)
            rate = (s1 * _occupation(w_p, temp, statistics)
                    + s2_ * _occupation(w_q, temp, statistics))
            integrand = (k**5 * _gauss_phi2(k, phi0, lam) * np.exp(-k * k * s2) * rate
                         / (w_q * w_p * alpha * np.abs(v / alpha - 2.0 * math.pi * s2_ * dw_p)))
            total += float(np.sum(wq[iq] * integrand))
    return total / 16.0


@pytest.mark.parametrize("temp, statistics", [(5.0, "classical"), (2.0, "quantum")])
def test_two_phonon_absorption_is_the_golden_rule_rate_of_the_thermal_chain(temp, statistics):
    """The two-phonon term against its golden-rule integral, evaluated here by contour
    quadrature (module comment above), after the same route reproduces the one-phonon term."""
    v = np.array([30.0, 35.0])
    gauss = dict(phi0=2.0, lam=4.0, alpha=40.0)
    s2 = _own_variance(temp, statistics)
    # the conventions (band, Phi_k, <rho^2>, the golden-rule prefactor): one phonon is
    # Eq. (33) times the Debye-Waller factor (measured 4e-15)
    np.testing.assert_allclose(
        [_own_one_phonon(x, **gauss, s2=s2) for x in v],
        analytic.debye_waller_loss(v, **gauss, omega_T=temp, statistics=statistics), rtol=1e-12)
    # measured at 4096 cells: -2.5e-5 and -3.1e-6 of the golden-rule value (quantum -2.6e-5,
    # -3.3e-6; at v = 30, classical, 2048 cells -1.5e-4, 8192 +1.3e-5, 16384 +3e-6); the
    # golden-rule quadrature is converged to 1e-9 (24 against 64 nodes). The Debye-Waller
    # factor e^{-k^2 s^2 / 2} in the kernels' table moves the term +5.9 % (quantum +2.8 %),
    # the quantum mode energy without its zero point -21 % and -23 %
    np.testing.assert_allclose(
        analytic.two_phonon_loss(v, **gauss, omega_T=temp, statistics=statistics, grid=4096),
        [_own_two_phonon(x, **gauss, temp=temp, statistics=statistics) for x in v], rtol=3e-4)


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


def _quadruple_losses(v, temp, seeds, tau_max, pair, statistics="classical"):
    """Mean of (realization, mirror image) x (Phi, -Phi) drive losses, per seed."""
    out = []
    for seed in seeds:
        chain = ThermalChain(temp, statistics=statistics, seed=seed)
        out.append(np.mean([
            drive(alpha=40.0, v=v, tau_max=tau_max, solver="transparent", interaction=p,
                  thermal=c).delta_bar
            for p in pair for c in (chain, chain.mirrored())]))
    return np.array(out)


def test_drag_on_a_thermal_chain_is_debye_waller_weighted_eq33_plus_multiphonon_absorption():
    # low T: the three-phonon terms (order T^2) are below the runs' resolution
    v, temp, tau_max, n = 30.0, 1.0, 200.0, 12
    pair = (Gaussian(2.0, 4.0), Gaussian(-2.0, 4.0))
    rest = np.mean([drive(alpha=40.0, v=v, tau_max=tau_max, solver="transparent",
                          interaction=p).delta_bar for p in pair])
    quads = _quadruple_losses(v, temp, range(n), tau_max, pair)
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


def test_zero_point_motion_alone_changes_the_drag_as_the_quantum_theory_predicts():
    # quantum statistics at T = 0: eps_j = omega_j / 2, <rho^2> = 0.1176. Theory -1.268 %
    # of the rest loss, the Debye-Waller factor alone -1.526 %, zero-point term of the
    # multi-phonon kernels dropped -1.526 %, half the zero-point variance -0.77 %
    v, tau_max, n = 30.0, 200.0, 16
    pair = (Gaussian(2.0, 4.0), Gaussian(-2.0, 4.0))
    rest = np.mean([drive(alpha=40.0, v=v, tau_max=tau_max, solver="transparent",
                          interaction=p).delta_bar for p in pair])
    quads = _quadruple_losses(v, 0.0, range(n), tau_max, pair, statistics="quantum")
    bound = stats.t.ppf(1 - P_FALSE / 2, n - 1) * quads.std(ddof=1) / math.sqrt(n) / rest
    kw = dict(**FIG8, omega_T=0.0, statistics="quantum")
    eq33 = analytic.steady_state_loss(v, **FIG8)
    measured = quads.mean() / rest
    assert abs(measured - analytic.thermal_steady_state_loss(v, **kw) / eq33) < bound
    # the Debye-Waller value lies ~7.5 standard errors off (measured -1.263 +- 0.035 %): it
    # is rejected at the same false-alarm level (missed with probability ~3e-4)
    assert abs(measured - analytic.debye_waller_loss(v, **kw) / eq33) > bound


def test_drag_past_a_sharp_core_needs_every_order_of_the_phonon_series():
    # the Lennard-Jones channel weights k up to ~3 (the Gaussian's lam = 4 stops at ~0.5):
    # at Omega_T = 5 the Debye-Waller factor alone gives -41 %, three phonons +7.8 %, every
    # order (to 1e-6 of the loss) +15.6 %
    inter = LennardJones.channel()
    v, temp, tau_max, n = 50.0, 5.0, 200.0, 12  # measured +15.3 +- 0.5 % (theory +15.6 %)
    pair = (inter, negated(inter))
    rest = np.mean([drive(alpha=40.0, v=v, tau_max=tau_max, solver="transparent",
                          interaction=p).delta_bar for p in pair])
    quads = _quadruple_losses(v, temp, range(n), tau_max, pair)
    bound = stats.t.ppf(1 - P_FALSE / 2, n - 1) * quads.std(ddof=1) / math.sqrt(n) / rest
    kw = dict(alpha=40.0, omega_T=temp, statistics="classical", interaction=inter)
    eq33 = analytic.steady_state_loss(v, alpha=40.0, interaction=inter)
    measured = quads.mean() / rest
    assert abs(measured - analytic.thermal_steady_state_loss(v, **kw) / eq33) < bound
    with pytest.warns(SeriesTruncationWarning):
        three = analytic.thermal_steady_state_loss(v, **kw, max_phonons=3)
    assert abs(measured - three / eq33) > bound
    assert abs(measured - analytic.debye_waller_loss(v, **kw) / eq33) > 2 * bound


@pytest.mark.filterwarnings("ignore::chaindrag.params.SeriesTruncationWarning")  # cut at 3
@pytest.mark.parametrize("temp, rejected", [(2.0, "classical"), (5.0, "three phonons")])
def test_quantum_drag_past_a_sharp_core_follows_the_quantum_series_at_every_order(temp,
                                                                                   rejected):
    # quantum statistics at T > 0: thermal and zero-point parts in every multi-phonon kernel.
    # The Lennard-Jones channel at v = 50, loss relative to the rest value (theory / measured
    # +- standard error): Omega_T = 2: +10.40 / +10.35 +- 0.24 %, the classical theory +7.70 %,
    # the quantum series cut at three phonons +8.91 %; Omega_T = 5: +16.17 / +15.96 +- 0.49 %,
    # cut at three phonons +7.75 % (the classical +15.58 % is too close to tell apart)
    inter = LennardJones.channel()
    v, tau_max, n = 50.0, 200.0, 12
    pair = (inter, negated(inter))
    rest = np.mean([drive(alpha=40.0, v=v, tau_max=tau_max, solver="transparent",
                          interaction=p).delta_bar for p in pair])
    quads = _quadruple_losses(v, temp, range(n), tau_max, pair, statistics="quantum")
    bound = stats.t.ppf(1 - P_FALSE / 2, n - 1) * quads.std(ddof=1) / math.sqrt(n) / rest
    kw = dict(alpha=40.0, omega_T=temp, interaction=inter)
    eq33 = analytic.steady_state_loss(v, alpha=40.0, interaction=inter)
    measured = quads.mean() / rest
    assert abs(measured - analytic.thermal_steady_state_loss(v, **kw, statistics="quantum")
               / eq33) < bound
    other = (analytic.thermal_steady_state_loss(v, **kw, statistics="classical")
             if rejected == "classical" else
             analytic.thermal_steady_state_loss(v, **kw, statistics="quantum", max_phonons=3))
    assert abs(measured - other / eq33) > bound


def test_theory_warns_where_the_multiphonon_series_is_cut_too_early():
    kw = dict(alpha=40.0, omega_T=5.0, statistics="classical", grid=512, grid_3=24,
              max_phonons=3)
    with pytest.warns(SeriesTruncationWarning, match="four-phonon"):
        analytic.thermal_steady_state_loss(30.0, interaction=LennardJones.channel(), **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        analytic.thermal_steady_state_loss(np.array([15.0, 30.0, 50.0]), 2.0, 4.0, **kw)


# ------------------------------------------------------------------ every order of the series
@pytest.mark.filterwarnings("ignore::chaindrag.params.SeriesTruncationWarning")  # cut at 3
def test_convolved_series_reproduces_the_triangle_and_tetrahedron_sums():
    # the binned convolution against the exact density-of-states sums of m = 2 and 3, away
    # from the steps at v = alpha / n that the binning smooths over ~0.3 in v
    v = np.array([30.0, 50.0])
    kw = dict(**FIG8, omega_T=5.0, statistics="classical")
    by_convolution = analytic.higher_phonon_loss(v, **kw, first=2, max_phonons=3, terms=True,
                                                 grid_k=1024, d_omega=0.04)
    np.testing.assert_allclose(by_convolution[0], analytic.two_phonon_loss(v, **kw, grid=4096),
                               rtol=2e-3)  # measured 6e-4
    # three phonons: at v = 30 the binning still moves the convolution by ~2e-3 per halving
    # of d_omega (9.83, 9.76, 9.71 e-6 -> ~9.58 e-6 against 9.572 e-6); at v = 50 it has
    # converged (8e-4 apart)
    np.testing.assert_allclose(by_convolution[1][1],
                               analytic.three_phonon_loss(v[1], **kw, grid_3=96), rtol=5e-3)
    np.testing.assert_allclose(by_convolution[1][0],
                               analytic.three_phonon_loss(v[0], **kw, grid_3=96), rtol=4e-2)


@pytest.mark.filterwarnings("ignore::chaindrag.params.SeriesTruncationWarning")  # cut at 5
def test_m_phonon_terms_are_of_order_t_to_the_m_minus_one():
    kw = dict(alpha=40.0, statistics="classical", interaction=LennardJones.channel(),
              first=4, max_phonons=5, terms=True)
    low, high = (analytic.higher_phonon_loss(30.0, omega_T=t, **kw) for t in (0.01, 0.02))
    np.testing.assert_allclose(high / low, [8.0, 16.0], rtol=1e-2)


def test_series_beyond_three_phonons_converges_as_its_grid_is_refined():
    kw = dict(alpha=40.0, omega_T=3.0, statistics="classical",
              interaction=LennardJones.channel())
    coarse, fine = (analytic.higher_phonon_loss(30.0, **kw, grid_k=g,
                                                d_omega=d) for g, d in ((512, 0.08), (1024, 0.04)))
    np.testing.assert_allclose(coarse, fine, rtol=5e-4)  # measured 1.8e-5 (2.6e-5 to 2048)


def test_every_order_summed_is_the_default_and_a_cut_series_is_refused_or_flagged():
    kw = dict(alpha=40.0, omega_T=5.0, statistics="classical",
              interaction=LennardJones.channel())
    coarse = dict(grid_k=256, d_omega=0.16)
    full = analytic.thermal_steady_state_loss(30.0, **kw, **coarse)
    parts = [analytic.debye_waller_loss(30.0, **kw), analytic.two_phonon_loss(30.0, **kw),
             analytic.three_phonon_loss(30.0, **kw),
             analytic.higher_phonon_loss(30.0, **kw, **coarse)]
    assert full == pytest.approx(sum(parts), rel=1e-5)
    with pytest.warns(SeriesTruncationWarning, match="max_phonons = 5"):
        analytic.higher_phonon_loss(30.0, **kw, **coarse, max_phonons=5)
    with pytest.raises(ParameterError, match="max_phonons"):
        analytic.thermal_steady_state_loss(30.0, **kw, max_phonons=0)
    with pytest.raises(ParameterError, match="d_omega"):
        analytic.higher_phonon_loss(30.0, **kw, d_omega=1.0)


@pytest.mark.parametrize("spec, v", [
    ({"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0}, 50.0),
    ({"kind": "lennard_jones", "epsilon": 1.0, "s": 4.2, "h": 4.0}, 30.0)],
    ids=["morse", "lennard_jones"])
def test_a_samples_two_signs_of_a_channel_cancel_the_loss_beyond_eq33(spec, v):
    # The workflow's sample (jobs.thermal.drag) runs Phi and -Phi: the Phi^3 term of the loss
    # changes sign with Phi, so the two runs miss Eq. (33) on opposite sides and their mean
    # is left with the Phi^4 and finite-tau parts only (measured at tau = 100: Morse
    # -0.15 / +0.17 / mean +0.013 %, Lennard-Jones -0.65 / +0.79 / +0.07 %)
    rows = thermal_drag_sample(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, v=v, tau_max=100.0,
                               window=0.5, omega_T=0.0, statistics="rest", seed=0,
                               omega_fast=10.0, d=60, solver="transparent", interaction=spec)
    inter = interaction_from_config(spec)
    eq33 = analytic.steady_state_loss(v, alpha=40.0, interaction=inter)
    plus, minus = (r["delta_bar"] / eq33 - 1.0 for r in rows)
    assert [r["phi0"] for r in rows] == [inter.phi_at_zero, -inter.phi_at_zero]
    assert plus * minus < 0.0
    assert abs(0.5 * (plus + minus)) < 0.25 * min(abs(plus), abs(minus))
    assert abs(0.5 * (plus + minus)) < 2e-3
