"""Randomized differential and property tests of :func:`chaindrag.drive` (Sec. VI, Eq. 33).

The references here are built from the paper's formulas, not from the package:

* Eq. (33) as a resonance sum with our own root finder (scipy) and our own Phi_k (closed
  forms or scipy's Fourier quadrature of Phi(x) written out from the docstrings);
* the finite-window, order-Phi^2 energy the dragged particle feeds an infinite chain at
  rest (the step from Eq. 23 to Eq. 30, kept at finite N). With the mode amplitude
  z_q(s) = Q_q' + i omega_q Q_q the chain's energy after the particle has passed N chain
  masses completely (it is then at a midpoint) is

      E_N = int dq/2pi  2 pi^2 (k Phi_k / v)^2  sin^2(N phi/2) / sin^2(phi/2),
      k = 2 pi omega_q / v,  phi = q + alpha k,

  and the loss per mass in a window is (E_Nb - E_Na) / (Nb - Na). As N -> oo the Fejer
  kernel becomes 2 pi N sum_m delta(phi - 2 pi m), which is Eq. (32)-(33). It holds while
  Phi is negligible at half a spacing (the pulses are complete at the midpoints); it
  includes the start-up transient exactly, so short runs can be compared tightly.

drive's loss divided by phi0^2 must tend to it as phi0 -> 0: its part even in phi0 to
second order and its odd part (order phi0^3) to first order in eta = 2 pi max|Phi| /
(v width), the odd part linear in phi0. drive takes a speed (v <= 0 is refused), so the
v -> -v symmetry of Eq. (33) (q -> -q above) is not one of its properties.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, optimize, stats
from scipy.interpolate import CubicSpline

from chaindrag import analytic
from chaindrag.interactions import Gaussian, LennardJones, Lorentzian, Morse, Yukawa, negated
from chaindrag.params import ParameterError, TimeStepWarning
from chaindrag.solvers import drive, simulate
from chaindrag.solvers.early_stop import stop_schedule
from chaindrag.thermal import ThermalChain

P_FALSE = 1e-3  # two-sided false-alarm probability of the statistical assertion


# --------------------------------------------------------------------------- own physics
def _omega(q, omega_fast):
    """Eq. (11) in the paper's units, q = 2 pi x."""
    return np.sqrt(1.0 + (omega_fast**2 - 1.0) * np.sin(q / 2.0) ** 2)


def _gaussian_hat(phi0, lam):
    return lambda k: phi0 * lam * math.sqrt(2.0 * math.pi) * np.exp(-0.5 * (k * lam) ** 2)


def _lorentzian_hat(amp, b):
    return lambda k: amp * math.pi * b * np.exp(-b * np.abs(k))  # residue at x = i b


def _quad_hat(phi, k_lo, k_hi, length, nodes=600):
    """Phi_k = 2 int_0^length Phi(x) cos(kx) dx (QUADPACK's QAWO; Phi negligible beyond
    ``length``), splined on [k_lo, k_hi]."""
    ks = np.linspace(0.999 * k_lo, 1.001 * k_hi, nodes)
    vals = [2.0 * integrate.quad(phi, 0.0, length, weight="cos", wvar=k, limit=4000,
                                 epsabs=1e-13, epsrel=1e-10)[0] for k in ks]
    return CubicSpline(ks, vals)


def _morse(D, a, r0, h):
    return lambda x: D * (np.exp(-2 * a * (np.hypot(x, h) - r0))
                          - 2 * np.exp(-a * (np.hypot(x, h) - r0)))


def _yukawa(Q, ell, h):
    return lambda x: Q * np.exp(-np.hypot(x, h) / ell) / np.hypot(x, h)


def _lennard_jones(eps, s, h):
    return lambda x: 4 * eps * ((s / np.hypot(x, h)) ** 12 - (s / np.hypot(x, h)) ** 6)


def _own_eq33(v, alpha, omega_fast, hat, per_unit=4000):
    """Eq. (33): sum over the real roots of omega(x) + x v / alpha = 0.

    f' is sampled densely, its zeros polished (brentq); f is monotone between them, so each
    piece holds at most one root.
    """
    r, a = v / alpha, omega_fast**2 - 1.0

    def w(x):
        return np.sqrt(1.0 + a * np.sin(np.pi * x) ** 2)

    def f(x):
        return w(x) + r * x

    def fp(x):
        return a * np.pi * np.sin(2 * np.pi * x) / (2.0 * w(x)) + r

    lo, hi = -omega_fast / r - 1e-9, -1.0 / r + 1e-9
    xs = np.linspace(lo, hi, int((hi - lo) * per_unit) + 2)
    g = fp(xs)
    crit = [optimize.brentq(fp, xs[i], xs[i + 1], xtol=1e-15)
            for i in np.flatnonzero(g[:-1] * g[1:] < 0)]
    edges = [lo, *crit, hi]
    roots = [optimize.brentq(f, x0, x1, xtol=1e-15, rtol=1e-15)
             for x0, x1 in zip(edges[:-1], edges[1:]) if f(x0) * f(x1) < 0]
    total = 0.0
    for x in roots:
        k = 2 * np.pi * w(x) / v
        total += (0.5 * (4 * np.pi**2 * w(x) / v**2 * float(hat(k))) ** 2
                  / abs(alpha * (fp(x) - r) / v + 1.0))
    return total


def _own_window_loss(v, alpha, omega_fast, n_a, n_b, hat, m=1 << 17):
    """Order-Phi^2 energy per chain mass fed to a chain at rest between the midpoints after
    n_a and n_b complete passes (module docstring); periodic trapezoid rule in q."""
    q = 2 * np.pi * (np.arange(m) + 0.5) / m - np.pi
    k = 2 * np.pi * _omega(q, omega_fast) / v
    amp = 2 * np.pi**2 * (k * hat(k) / v) ** 2
    phi = q + alpha * k
    s2 = np.sin(phi / 2) ** 2

    def energy(n):
        with np.errstate(invalid="ignore", divide="ignore"):
            ker = np.sin(n * phi / 2) ** 2 / s2
        return np.mean(amp * np.where(s2 < 1e-300, float(n * n), ker))

    return (energy(n_b) - energy(n_a)) / (n_b - n_a)


def _window_masses(res, alpha, g0):
    """Chain masses passed completely from sigma0 = alpha (g0 + 1/2) to the window ends."""
    v = res.v
    sigma0 = res.params["sigma0"]
    ends = [round((sigma0 + v * t) / alpha - 0.5) - g0 for t in (res.tau_start, res.tau_end)]
    assert ends[1] - ends[0] == res.n_sites
    return ends


def _random_gaussian_case(rng, v_lo=8.0, v_hi=90.0):
    lam = float(rng.uniform(2.0, 5.0))
    alpha = float(rng.uniform(11.0 * lam, 60.0))  # Phi(alpha / 2) < e^{-15} phi0
    return dict(v=float(rng.uniform(v_lo, v_hi)), lam=lam, alpha=alpha,
                omega_fast=float(rng.uniform(4.0, 14.0)))


# --------------------------------------------------------------------------- Eq. (33) itself
@pytest.mark.parametrize("seed", range(6))
def test_eq33_resonance_sum_of_our_own_roots_is_the_packaged_steady_state_loss(seed):
    rng = np.random.default_rng(100 + seed)
    c = _random_gaussian_case(rng, v_lo=4.0)
    phi0 = float(rng.choice([-1, 1]) * rng.uniform(0.01, 20))
    own = _own_eq33(c["v"], c["alpha"], c["omega_fast"], _gaussian_hat(phi0, c["lam"]))
    pkg = analytic.steady_state_loss(c["v"], phi0, c["lam"], c["alpha"], c["omega_fast"])
    # closed form on both sides; measured <= 6e-14 (roots to 1e-15)
    assert own == pytest.approx(pkg, rel=1e-11)
    # the potential-independent path of the package (a Gaussian given as interaction
    # takes the closed form, so go through a Lorentzian of our own transform instead)
    amp, b = float(rng.uniform(-2, 2)), float(rng.uniform(1, 5))
    own_l = _own_eq33(c["v"], c["alpha"], c["omega_fast"], _lorentzian_hat(amp, b))
    pkg_l = analytic.steady_state_loss(c["v"], alpha=c["alpha"], omega_fast=c["omega_fast"],
                                       interaction=Lorentzian(amp, b))
    assert own_l == pytest.approx(pkg_l, rel=1e-11)


@pytest.mark.parametrize("inter, phi, length", [
    (Morse.channel(), _morse(1.0, 0.25, 8.0, 4.0), 250.0),
    (Yukawa(5.0, 3.0, 2.0), _yukawa(5.0, 3.0, 2.0), 200.0),
    (LennardJones.channel(), _lennard_jones(1.0, 4.2, 4.0), 2e4),
], ids=["Morse", "Yukawa", "LennardJones"])
def test_eq33_with_our_own_fourier_transform_of_other_potentials_is_the_packaged_one(inter, phi,
                                                                                     length):
    x = np.linspace(-30, 30, 7)
    np.testing.assert_allclose(phi(x), inter.potential(x), rtol=1e-13)  # the same potential
    rng = np.random.default_rng(7)
    for v in rng.uniform(15.0, 80.0, 2):
        alpha, wf = float(rng.uniform(30, 60)), float(rng.uniform(5, 12))
        hat = _quad_hat(phi, 2 * np.pi / v, 2 * np.pi * wf / v, length)
        own = _own_eq33(v, alpha, wf, hat)
        pkg = analytic.steady_state_loss(v, alpha=alpha, omega_fast=wf, interaction=inter)
        # two quadratures of Phi_k (ours QAWF + spline): measured <= 3e-10
        assert own == pytest.approx(pkg, rel=1e-8)


@pytest.mark.parametrize("seed", range(3))
def test_finite_window_response_tends_to_eq33_as_the_window_grows(seed):
    rng = np.random.default_rng(200 + seed)
    c = _random_gaussian_case(rng, v_lo=12.0)
    hat = _gaussian_hat(1.0, c["lam"])
    eq33 = _own_eq33(c["v"], c["alpha"], c["omega_fast"], hat)
    args = (c["v"], c["alpha"], c["omega_fast"])
    short = _own_window_loss(*args, 2, 6, hat)
    long = _own_window_loss(*args, 500, 1000, hat, m=1 << 20)
    # measured <= 4e-5 at N = 1000 over 8 random set-ups, 1e-4 .. 1e-2 at N = 50
    assert long == pytest.approx(eq33, rel=3e-4)
    assert abs(long / eq33 - 1) < abs(short / eq33 - 1)


# --------------------------------------------------------------------------- drive vs theory
def _runs(make, alpha, omega_fast, v, amps, **kw):
    """drive with the potential ``make(A)`` for each signed amplitude A, from 5.5 alpha."""
    return {amp: drive(alpha=alpha, v=v, omega_fast=omega_fast, sigma0=5.5 * alpha,
                       interaction=make(amp), **kw) for amp in amps}


def _check_second_order(runs, w_of, amp, inter, v):
    """Even part second order, odd part (the loss difference between the two signs ~ A^3)
    first order and linear in the amplitude A, convergence as A halves.

    The small parameter is eta = 2 pi max|Phi| / (v width): the wake a pass leaves (momentum
    ~ Phi / v, displacement ~ 2 pi Phi / (v omega)) over the length on which the force
    changes. The particle is dragged, so its kinetic energy plays no part.
    """
    r = {a: runs[a].delta_bar / (a * a * w_of(runs[a])) - 1.0 for a in runs}
    eta = 2 * np.pi * max(inter.phi_max, -inter.phi_min) / (v * inter.width)
    even, odd1 = 0.5 * (r[amp] + r[-amp]), 0.5 * (r[amp] - r[-amp])
    # measured |even| <= 0.11 eta^2 (Gaussian: <= 2e-9) and |odd| <= 0.36 eta; the floor:
    # the pulses' tails beyond alpha / 2 and the work's O(delta^2) quadrature
    assert abs(even) <= eta**2 + 1e-7
    assert abs(odd1) <= eta
    odd2 = 0.5 * (r[2 * amp] - r[-2 * amp])
    # order phi0^3: the odd part doubles with the amplitude (measured 1.9994-2.0002)
    assert abs(odd2 - 2 * odd1) <= 0.01 * abs(odd2) + 1e-8
    assert abs(r[amp]) <= 0.6 * abs(r[2 * amp]) + 1e-7  # converges as phi0 -> 0


@pytest.mark.parametrize("seed", range(8))
def test_weak_drag_of_either_sign_is_the_chains_linear_response_to_order_phi0_squared(seed):
    rng = np.random.default_rng(300 + seed)
    c = _random_gaussian_case(rng)
    amp = 0.01
    tau = max(12.0, 9.0 * c["alpha"] / c["v"])
    runs = {a: drive(alpha=c["alpha"], phi0=a, lam=c["lam"], v=c["v"], tau_max=tau,
                     omega_fast=c["omega_fast"], sigma0=5.5 * c["alpha"])
            for a in (amp, -amp, 2 * amp, -2 * amp)}
    hat = _gaussian_hat(1.0, c["lam"])

    def w_of(res):
        n_a, n_b = _window_masses(res, c["alpha"], 5)
        return _own_window_loss(c["v"], c["alpha"], c["omega_fast"], n_a, n_b, hat)

    _check_second_order(runs, w_of, amp, Gaussian(amp, c["lam"]), c["v"])


NARROW = [  # short-ranged potentials: < 1e-7 of their peak at half a spacing >= 20
    (lambda A: Morse(D=A, a=1.0, r0=2.0, h=1.0), lambda A: _morse(A, 1.0, 2.0, 1.0)),
    (lambda A: Yukawa(A, 1.5, 1.0), lambda A: _yukawa(A, 1.5, 1.0)),
    (lambda A: LennardJones(A, 1.0, 1.0), lambda A: _lennard_jones(A, 1.0, 1.0)),
]


@pytest.mark.parametrize("kind", range(len(NARROW)))
def test_other_potentials_and_their_mirror_images_obey_the_same_second_order_response(kind):
    make, phi = NARROW[kind]
    unit = make(1.0)
    x = np.linspace(-25, 25, 11)
    np.testing.assert_allclose(phi(1.0)(x), unit.potential(x), rtol=1e-12, atol=1e-300)
    rng = np.random.default_rng(400 + kind)
    amp = 0.01
    for _ in range(2):
        alpha, wf = float(rng.uniform(40, 60)), float(rng.uniform(4, 12))
        # delta v below 0.25 of the force width (no TimeStepWarning)
        v_max = min(90.0, 0.25 * make(1.0).width * 60 * wf)
        v = float(rng.uniform(8.0, v_max))
        hat = _quad_hat(phi(1.0), 2 * np.pi / v, 2 * np.pi * wf / v, 60.0)
        tau = max(12.0, 9.0 * alpha / v)

        def inter(a):
            return make(abs(a)) if a > 0 else negated(make(abs(a)))

        with warnings.catch_warnings():
            warnings.simplefilter("error", TimeStepWarning)
            runs = _runs(inter, alpha, wf, v, (amp, -amp, 2 * amp, -2 * amp), tau_max=tau)

        def w_of(res, alpha=alpha, wf=wf, v=v, hat=hat):
            n_a, n_b = _window_masses(res, alpha, 5)
            return _own_window_loss(v, alpha, wf, n_a, n_b, hat)

        _check_second_order(runs, w_of, amp, make(amp), v)


@pytest.mark.parametrize("seed", range(2))
def test_a_long_weak_drag_absorbs_eq33_per_site(seed):
    rng = np.random.default_rng(500 + seed)
    v, lam, alpha = float(rng.uniform(22, 60)), 4.0, 40.0
    res = drive(alpha=alpha, phi0=0.05, lam=lam, v=v, tau_max=200.0, solver="transparent")
    hat = _gaussian_hat(0.05, lam)
    eq33 = _own_eq33(v, alpha, 10.0, hat)
    window = _own_window_loss(v, alpha, 10.0, *_window_masses(res, alpha, 5), hat)
    # what is left of the start-up transient, exactly as the window response has it
    transient = abs(window / eq33 - 1)
    assert transient < 5e-3
    # drive differs from the window response by the phi0^3 term and less (measured
    # <= 3.3e-8; the transient left 5e-4 and 1e-5)
    assert res.delta_bar == pytest.approx(eq33, rel=transient + 1e-4)


def test_the_loss_does_not_depend_on_where_the_window_ends_fall_between_time_steps():
    # At v = 31.7 the midpoints fall between time steps (at v = 30 they fall on them). The
    # interaction energy with the chain at rest (order phi0) is curved there; interpolated
    # linearly it missed by O((v delta)^2 phi0) at each end, differently: the loss (order
    # phi0^2) was off by 52 % between d = 30 and 60 at lam = 8 (tails at the midpoints),
    # and by 5.1e-4 of the linear response at lam = 4, phi0 = 1e-4.
    wide = [drive(alpha=40.0, phi0=0.01, lam=8.0, v=31.7, tau_max=20.0, d=d).delta_bar
            for d in (30, 60)]
    assert wide[0] == pytest.approx(wide[1], rel=1e-4)  # measured 6.4e-6 (O(delta^2))
    weak = drive(alpha=40.0, phi0=1e-4, lam=4.0, v=31.7, tau_max=20.0, solver="transparent")
    hat = _gaussian_hat(1e-4, 4.0)
    window = _own_window_loss(31.7, 40.0, 10.0, *_window_masses(weak, 40.0, 5), hat)
    assert weak.delta_bar == pytest.approx(window, rel=2e-5)  # measured 4.9e-8


# --------------------------------------------------------------------------- bookkeeping
WIDE = [Morse.channel(), Lorentzian(1.5, 4.0), Yukawa(3.0, 3.0, 2.0), Gaussian(-2.0, 6.0),
        negated(LennardJones.channel())]


@pytest.mark.parametrize("k", range(len(WIDE)), ids=[type(i).__name__ for i in WIDE])
def test_work_done_on_the_particle_equals_the_energy_the_chain_took_up_to_order_delta_squared(
        k):
    # the potentials' tails at the midpoints make the O(delta^2) term visible above rounding
    inter, rng = WIDE[k], np.random.default_rng(1000 + k)
    alpha, wf = float(rng.uniform(30, 45)), float(rng.uniform(5, 12))
    v = float(max(rng.uniform(15, 60), 1.3 * inter.capture_speed()))
    tau = max(6.0, 6.0 * alpha / v)
    gap = []
    for d in (48, 96, 192):
        res = drive(alpha=alpha, interaction=inter, v=v, tau_max=tau, d=d, omega_fast=wf)
        gap.append(res.delta_bar_chain_energy - res.delta_bar)
    assert abs(gap[0]) <= 1e-6 * abs(res.delta_bar)  # measured 4e-9 .. 4e-7
    # doubling d quarters it: measured 3.81-4.39 (4.7-5.4 from d = 24, v delta up to 0.23
    # of the force's width, where the next order still shows)
    assert 3.3 <= gap[0] / gap[1] <= 4.7 and 3.3 <= gap[1] / gap[2] <= 4.7


def _random_setup(rng, k):
    kinds = [lambda: Gaussian(float(rng.choice([-1, 1]) * rng.uniform(0.01, 20)),
                              float(rng.uniform(2, 6))),
             lambda: Morse.channel(), lambda: negated(LennardJones.channel()),
             lambda: Lorentzian(float(rng.uniform(-2, 2)), 4.0),
             lambda: Yukawa(float(rng.uniform(-5, 5)), 3.0, 2.0)]
    inter = kinds[k % len(kinds)]()
    alpha = float(rng.uniform(30, 60))
    v = float(max(rng.uniform(12, 80), 1.2 * inter.capture_speed()))
    return dict(alpha=alpha, interaction=inter, v=v, tau_max=float(rng.uniform(8, 25)),
                sigma0=alpha * (int(rng.integers(-5, 5)) + 0.5))


@pytest.mark.parametrize("seed", range(10))
def test_transparent_ends_drag_the_same_loss_as_the_cone_sized_chain(seed):
    rng = np.random.default_rng(600 + seed)
    kw = _random_setup(rng, seed)
    chain, transparent = (drive(**kw, solver=s) for s in ("chain", "transparent"))
    scale = max(kw["interaction"].phi_max, -kw["interaction"].phi_min)
    # rounding: the ends match the infinite chain to 2e-13 of the peak (docs/solvers.md);
    # the window's work is a difference of conservative terms ~|Phi| per pass, up to 1e3 x
    # the loss at weak coupling. Measured <= 1.4e-13 relative (2.3e-11 over other seeds).
    assert transparent.delta_bar == pytest.approx(chain.delta_bar, rel=1e-9,
                                                  abs=1e-12 * scale)
    # the chain's energy adds the energy gone through the ends, integrated with Gregory's
    # corrections (~1e-8 of the outflow); measured <= 1e-9 relative (5e-9 other seeds)
    flux = transparent.params["end_flux"] / transparent.n_sites
    assert abs(transparent.delta_bar_chain_energy - chain.delta_bar_chain_energy) <= (
        1e-9 * abs(chain.delta_bar) + 1e-8 * flux)
    same = {k: v for k, v in chain.params.items() if k != "chain_solver"}
    assert {k: transparent.params[k] for k in same} == same
    assert (transparent.tau_start, transparent.tau_end, transparent.n_sites) == (
        chain.tau_start, chain.tau_end, chain.n_sites)


@pytest.mark.parametrize("seed", range(3))
def test_dragging_from_a_start_shifted_by_whole_spacings_absorbs_the_same(seed):
    rng = np.random.default_rng(700 + seed)
    kw = _random_setup(rng, seed)
    base = drive(**kw, solver="transparent")
    shift = int(rng.integers(-60, 60)) or 17
    moved = drive(**dict(kw, sigma0=kw["sigma0"] + shift * kw["alpha"]), solver="transparent")
    scale = max(kw["interaction"].phi_max, -kw["interaction"].phi_min)
    # positions are resolved to ulp(|sigma| ~ 3e3) ~ 5e-13; measured <= 3e-11 relative
    assert moved.delta_bar == pytest.approx(base.delta_bar, rel=1e-9, abs=1e-12 * scale)
    assert moved.n_sites == base.n_sites


# --------------------------------------------------------------------------- thermal chain
def test_the_same_seed_drags_through_the_same_thermal_chain_to_the_byte():
    kw = dict(alpha=40.0, phi0=2.0, lam=4.0, v=30.0, tau_max=20.0, omega_T=3.0,
              statistics="classical")
    a, b, other = (drive(**kw, seed=s, solver=solver)
                   for s, solver in ((11, "transparent"), (11, "transparent"), (12, "chain")))
    assert a.delta_bar.hex() == b.delta_bar.hex() and a.params == b.params
    assert other.delta_bar != a.delta_bar
    built = drive(**{k: v for k, v in kw.items() if k not in ("omega_T", "statistics")},
                  thermal=ThermalChain(3.0, statistics="classical", seed=11),
                  solver="transparent")
    assert built.delta_bar.hex() == a.delta_bar.hex()
    assert math.isnan(a.delta_bar_chain_energy)


def _thermal_runs(v, temp, seeds, tau_max, pair):
    """Per seed: losses in (realization, its mirror image) for Phi and -Phi."""
    out = []
    for seed in seeds:
        bath = ThermalChain(temp, statistics="classical", seed=seed)
        out.append([[drive(alpha=40.0, v=v, tau_max=tau_max, solver="transparent",
                           interaction=p, thermal=c).delta_bar for c in (bath, bath.mirrored())]
                    for p in pair])
    return np.array(out)  # (seed, sign of Phi, mirror)


def test_thermal_drag_averaged_over_seeds_is_the_thermal_theory_within_its_standard_error():
    v, temp, tau_max, n = 30.0, 5.0, 100.0, 12
    pair = (Gaussian(2.0, 4.0), Gaussian(-2.0, 4.0))
    losses = _thermal_runs(v, temp, range(n), tau_max, pair)
    rest = np.mean([drive(alpha=40.0, v=v, tau_max=tau_max, solver="transparent",
                          interaction=p).delta_bar for p in pair])
    # one realization's loss scatters by ~5x its mean here. Its mirror image reverses the
    # part odd in rho^H (the first-order noise): a pair's mean scatters 7x less (measured);
    # with -Phi too, the part linear in Phi and even in rho^H goes as well: 700x less
    spread = losses.std(ddof=1)
    q = stats.t.ppf(1 - P_FALSE / 2, n - 1)
    assert losses.mean(axis=2).std(ddof=1) < spread / 4
    odd = 0.5 * (losses[:, :, 0] - losses[:, :, 1]).mean(axis=1)
    assert abs(odd.mean()) < q * odd.std(ddof=1) / math.sqrt(n)  # its mean is zero
    quads = losses.mean(axis=(1, 2)) / rest
    assert quads.std(ddof=1) * rest < spread / 50
    # the mean loss, relative to the rest run of the same length (finite-tau and phi0^3
    # parts cancel), against Eq. (33) at this temperature relative to Eq. (33)
    se = quads.std(ddof=1) / math.sqrt(n)
    theory = (analytic.thermal_steady_state_loss(v, 2.0, 4.0, 40.0, omega_T=temp,
                                                 statistics="classical")
              / analytic.steady_state_loss(v, 2.0, 4.0, 40.0))
    assert abs(quads.mean() - theory) < q * se  # measured 0.9635 +- 0.0020 (theory 0.9657)
    assert abs(1.0 - theory) > 2 * q * se  # and the rest value is rejected (17 se off)


# --------------------------------------------------------------------------- bad input
BASE = dict(alpha=40.0, phi0=2.0, lam=4.0, v=25.0, tau_max=8.0)
BAD = [
    ("v", 0.0), ("v", -25.0), ("v", math.nan), ("v", math.inf), ("v", -math.inf), ("v", True),
    ("v", "25"), ("v", [25.0]), ("v", None), ("v", complex(25, 0)), ("v", 1e6),
    ("alpha", 0.0), ("alpha", -40.0), ("alpha", math.nan), ("alpha", True), ("alpha", "40"),
    ("phi0", math.nan), ("phi0", math.inf), ("phi0", True), ("lam", 0.0), ("lam", -4.0),
    ("lam", math.inf), ("tau_max", 0.0), ("tau_max", -1.0), ("tau_max", math.nan),
    ("tau_max", 1e-5), ("tau_max", 2.0), ("tau_max", 1e30), ("window", 0.0),
    ("window", -0.5), ("window", 1.5), ("window", math.nan), ("window", True),
    ("window", "0.5"), ("window", 0.05), ("window", 1e-6), ("omega_fast", 1.0),
    ("omega_fast", math.nan), ("d", 3), ("d", 60.5), ("d", True), ("d", "60"),
    ("mu", 0.0), ("mu", math.nan), ("sigma0", math.nan), ("sigma0", math.inf),
    ("sigma0", True), ("sigma0", [220.0]), ("sigma0", 1e20), ("solver", "kernel"),
    ("solver", None), ("omega_T", -1.0), ("omega_T", math.nan), ("omega_T", "5"),
    ("statistics", "boltzmann"), ("seed", -1), ("seed", 1.5), ("seed", True),
    ("thermal", "hot"), ("progress", 5), ("interaction", "gauss"),
]


@pytest.mark.parametrize("name, value", BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_every_parameter_out_of_range_is_refused_by_name_before_the_run(name, value):
    kw = {**BASE, "progress": _no_progress, name: value}
    if name == "interaction":
        del kw["phi0"], kw["lam"]
    if name in ("statistics", "seed"):
        kw["omega_T"] = 1.0
    with pytest.raises(ParameterError, match=rf"\b{name}\b"):
        drive(**kw)


def _no_progress(fraction):  # the run must not start for any of the inputs above
    raise AssertionError(f"the run started (progress {fraction})")


def test_a_window_holding_no_two_midpoints_is_refused_before_any_step():
    # 3.6e5 steps at v = 0.05: refused at once, naming tau_max, window and v
    with pytest.raises(ParameterError, match=r"tau_max=600\b.*window=0\.5\b.*v=0\.05\b"):
        drive(alpha=40.0, phi0=2.0, lam=4.0, v=0.05, tau_max=600.0, progress=_no_progress)


# --------------------------------------------------------------------------- early stopping
@pytest.mark.parametrize("seed", range(6))
def test_a_run_ended_by_stop_is_the_full_runs_prefix_to_the_bit(seed):
    rng = np.random.default_rng(800 + seed)
    thermal = seed % 2 == 1
    inter = (Morse.channel() if seed % 3 == 0
             else Gaussian(float(rng.choice([-1, 1]) * rng.uniform(0.5, 3)), 4.0))
    kw = dict(alpha=40.0, interaction=inter, sigma0=220.0, v0=float(rng.uniform(25, 60)),
              bias=float(rng.uniform(0, 0.05)), tau_max=float(rng.uniform(15, 30)),
              solver="transparent", record_sites=[3, 6, 9, 12], energy=not thermal)
    if thermal:
        kw.update(omega_T=float(rng.uniform(0.5, 5)), statistics="classical",
                  seed=int(rng.integers(100)))
    planned = simulate(**kw)
    t_stop = float(rng.uniform(2, kw["tau_max"] - 3))
    every = (float(rng.uniform(0.5, 4)) if seed < 3
             else sorted(rng.uniform(0.1, kw["tau_max"], 5).tolist()))
    # planned, a run with stop sizes its segment up to its next stop time and the full run
    # for its whole (predicted) path: two segments, the same chain to rounding
    stop_planned = simulate(**kw, stop=lambda tr: tr.tau[-1] >= t_stop, stop_every=every)
    m = stop_planned.tau.size
    assert np.abs(stop_planned.sigma - planned.sigma[:, :m]).max() \
        <= 1e-12 * np.abs(planned.sigma).max()
    # on one segment, stop changes no bit
    kw["segment"] = tuple(planned.params["segment"])
    full = simulate(**kw)
    seen = []
    part = simulate(**kw, stop=lambda tr: seen.append(tr.tau[-1]) or tr.tau[-1] >= t_stop,
                    stop_every=every)
    n = part.tau.size
    assert n == m
    assert n < full.tau.size and part.tau[-1] == seen[-1] >= t_stop
    assert all(t < t_stop for t in seen[:-1])  # no earlier call said yes
    for name in ("tau", "sigma", "velocity"):
        np.testing.assert_array_equal(getattr(part, name), getattr(full, name)[..., :n])
    m = part.chain_displacement.shape[1]
    np.testing.assert_array_equal(part.chain_displacement, full.chain_displacement[:, :m])
    assert part.energy.keys() == full.energy.keys()
    for key, e in part.energy.items():
        np.testing.assert_array_equal(e, full.energy[key][:n])


def test_stop_is_first_asked_once_the_run_has_reached_each_requested_time():
    # property of the schedule, over time steps of many (d, omega_fast) and requested times
    # on, just below and just above the steps' own float times k * delta
    rng = np.random.default_rng(900)
    never = np.iinfo(np.int64).max
    for _ in range(400):
        delta = 1.0 / (int(rng.integers(4, 200)) * float(rng.uniform(1.5, 20)))
        times = set()
        for k in rng.choice(np.arange(1, 10**5), 6, replace=False):
            t = [k * delta, np.nextafter(k * delta, 0), np.nextafter(k * delta, np.inf),
                 (k + rng.uniform(-1, 1)) * delta][int(rng.integers(4))]
            times.add(float(t))
        times = sorted(times)
        next_stop = stop_schedule(times, delta)
        # the first step k whose time k * delta (as the trajectory computes it) reaches t;
        # stop(k) is called at b = k + 1
        first = []
        for t in times:
            k = max(int(t / delta) - 2, 0)
            while k * delta < t:
                k += 1
            first.append(k + 1)
        for b in {0, *first, *(f - 1 for f in first)}:
            assert next_stop(b) == next((f for f in first if f > b), never)
