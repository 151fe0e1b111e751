"""Pair potentials (chaindrag.interactions) checked against closed forms, finite differences,
independent quadrature and the solvers' own Gaussian loop."""

import hashlib
import json
import math
import re
import tracemalloc

import mpmath
import numpy as np
import pytest
from numba import njit
from scipy.optimize import minimize_scalar
from scipy.special import k0

import chaindrag.interactions as ci
from chaindrag.interactions import (DEFAULTS, FORCE_FLOOR, FourierError, Gaussian, LennardJones,
                                    Lorentzian, Morse, UserPotential, Yukawa, interaction_forces,
                                    numerical_fourier, pair_energy_force)
from chaindrag.interactions._fourier import _GW, _KW, _NODES
from chaindrag.params import ParameterError

POTENTIALS = [
    Gaussian(2.0, 4.0), Gaussian(-20.0, 0.5), Lorentzian(2.0, 4.0), Lorentzian(-0.3, 0.2),
    Morse.channel(), Morse(3.0, 2.0, 1.0, 0.5), LennardJones.channel(),
    LennardJones(2.0, 1.0, 3.0), Yukawa(2.0, 8.0, 4.0), Yukawa(-1.0, 0.5, 2.0),
]
IDS = [repr(p) for p in POTENTIALS]


def gauss_phi(x):
    return 2.0 * np.exp(-x * x / 32.0)


def gauss_dphi(x):
    return -x / 16.0 * gauss_phi(x)


@pytest.fixture(scope="module")
def user_gaussian():
    return UserPotential(gauss_phi, gauss_dphi, length=4.0, label="gaussian-copy")


@njit(cache=True)
def historical_gaussian_forces(sigma, x, first_site, alpha, phi0, lam, reach, sites, forces):
    """The solvers' Gaussian loop as it was before issue 14 (verbatim), the bit-level reference."""
    n_part = sigma.size
    fpart = np.zeros(n_part)
    energy = 0.0
    count = 0
    inv_l2 = 1.0 / (lam * lam)
    g_min = 1 << 62
    g_max = -(1 << 62)
    for p in range(n_part):
        s = sigma[p]
        g_lo = int(math.floor((s - reach) / alpha))
        g_hi = int(math.ceil((s + reach) / alpha))
        if g_lo < g_min:
            g_min = g_lo
        if g_hi > g_max:
            g_max = g_hi
        for g in range(g_lo, g_hi + 1):
            i = g - first_site
            if i < 0 or i >= x.size:
                continue
            u = s - alpha * g - x[i]
            e = phi0 * math.exp(-0.5 * u * u * inv_l2)
            energy += e
            f = -u * inv_l2 * e
            if abs(f) > 1e-20:
                sites[count] = g
                forces[count] = f
                count += 1
                fpart[p] -= f
    return count, fpart, energy, g_min, g_max


# --------------------------------------------------------------------------- Phi and its force
@pytest.mark.parametrize("inter", POTENTIALS, ids=IDS)
def test_force_is_minus_centred_difference_of_potential(inter):
    short, long = inter.scales
    x = np.linspace(-6.0 * long, 6.0 * long, 2001)
    d = 1e-3 * short
    fd = -(inter.potential(x + d) - inter.potential(x - d)) / (2 * d)
    fd2 = -(inter.potential(x + d / 2) - inter.potential(x - d / 2)) / d
    top = np.max(np.abs(inter.potential(x)))
    # truncation error of the step-d difference is 4/3 |fd - fd2|; rounding eps |Phi| / d
    tol = 2.0 * np.abs(fd - fd2) + 20 * np.finfo(float).eps * top / d
    assert np.all(np.abs(fd - inter.force(x)) <= tol)


@pytest.mark.parametrize("inter", POTENTIALS, ids=IDS)
def test_kernel_energy_and_force_equal_the_vectorised_potential(inter):
    kind, params = inter.kernel_args()
    u = np.linspace(-inter.reach(), inter.reach(), 4001)
    e = np.array([pair_energy_force(kind, params, v)[0] for v in u])
    f = np.array([pair_energy_force(kind, params, v)[1] for v in u])
    np.testing.assert_allclose(e, inter.potential(u), rtol=1e-13,
                               atol=1e-15 * abs(inter.phi_at_zero) + 1e-300)
    np.testing.assert_allclose(f, -inter.force(u), rtol=1e-12,
                               atol=1e-14 * np.max(np.abs(inter.force(u))))


def _largest_force(inter):
    """max|Phi'| found here (not by force_scale): dense samples, then a bounded search."""
    short, long = inter.scales
    x = np.concatenate([np.linspace(0.0, 16.0 * long, 400001),
                        np.geomspace(1e-4 * short, 1e3 * long, 20001)])
    f = np.abs(inter.force(x))
    i = int(np.argmax(f))
    res = minimize_scalar(lambda t: -abs(float(inter.force(t))), method="bounded",
                          bounds=(x[max(i - 1, 0)], x[min(i + 1, x.size - 1)]),
                          options={"xatol": 1e-12 * short})
    return max(float(f[i]), -float(res.fun))


@pytest.mark.parametrize("inter", POTENTIALS, ids=IDS)
def test_beyond_the_reach_a_mass_feels_less_than_1e_12_of_the_largest_force(inter):
    top = _largest_force(inter)
    assert top * (1.0 - 1e-6) <= inter.force_scale <= top * (1.0 + 1e-15)
    # the paper's Gaussian keeps its absolute floor 1e-20 (its runs stay bit-identical)
    floor = FORCE_FLOOR if isinstance(inter, Gaussian) else max(FORCE_FLOOR, 1e-12 * top)
    assert inter.reach_floor == pytest.approx(floor, rel=1e-6)
    r = inter.reach()
    x = r * np.geomspace(1.0, 1e3, 4000)
    assert np.max(np.abs(inter.force(x))) < inter.reach_floor <= 1e-12 * top + FORCE_FLOOR
    # and the reach is not wasteful: the force crosses the floor within 0.2% of it
    # (Gaussian: the solvers' historical 2 lam padding)
    pad = 2.0 * inter.lam if isinstance(inter, Gaussian) else 0.0
    inner = np.linspace(0.0, r, 200001)
    crossing = inner[np.flatnonzero(np.abs(inter.force(inner)) >= inter.reach_floor)[-1]]
    assert r - pad - 1e-3 * r <= crossing <= r


# the Lorentzians' 1/x^2 tails need alpha >= 40 for the direct sums below to stay short
TAIL_CASES = [(p, a) for p in POTENTIALS if not isinstance(p, Gaussian)
              for a in ((40.0, 400.0) if isinstance(p, Lorentzian) else (5.0, 40.0, 400.0))]


def _left_out_force(inter, sigma, alpha, reach):
    """Sum of Phi' over the masses of a chain at rest that the kernels' window leaves out.

    Summed directly, out to where each side's rest is below 1% of the reach floor (the sum
    of a decreasing tail from x on is at most |Phi'(x)| + |Phi(x)| / alpha).
    """
    x_end = reach + alpha
    while (abs(inter.force(x_end)) + abs(inter.potential(x_end)) / alpha
           > 1e-2 * inter.reach_floor):
        x_end *= 2.0
    n = int(x_end / alpha) + 2
    lo, hi = math.floor((sigma - reach) / alpha), math.ceil((sigma + reach) / alpha)
    g = np.concatenate([lo - 1 - np.arange(n), hi + 1 + np.arange(n)])
    return float(np.sum(inter.force(sigma - alpha * g)))


@pytest.mark.parametrize("inter, alpha", TAIL_CASES, ids=[f"{p!r}-{a:g}" for p, a in TAIL_CASES])
def test_masses_left_out_pull_less_than_the_floor_and_do_no_work_over_a_period(inter, alpha):
    # chain at rest: the two tails are sums of one decreasing |Phi'| started within alpha
    # of each other, so they differ by less than |Phi'(R)| < reach_floor whatever alpha;
    # over a lattice period that force integrates to zero
    sigma = alpha * (1000.0 + np.arange(64) / 64.0)
    f = np.array([_left_out_force(inter, s, alpha, inter.reach()) for s in sigma])
    assert np.max(np.abs(f)) <= 1.02 * inter.reach_floor
    assert abs(np.mean(f)) <= 1e-2 * inter.reach_floor


@pytest.mark.parametrize("inter", [p for p in POTENTIALS if not isinstance(p, Gaussian)],
                         ids=[repr(p) for p in POTENTIALS if not isinstance(p, Gaussian)])
def test_kernel_cut_at_the_reach_misses_less_than_the_stated_force_on_a_displaced_chain(inter):
    # against the same kernel out to the paper's absolute floor 1e-20: at most eps F from a
    # chain at rest, plus 2 rho (|Phi''| + |Phi'| / alpha) at R - rho for displacements up
    # to rho (reach_floor's notes)
    alpha, rho = 40.0, 1.0
    rng = np.random.default_rng(np.random.SeedSequence(41))
    full, r = inter.reach(FORCE_FLOOR), inter.reach()
    n = 2 * int(full / alpha) + 64
    x, first = rng.uniform(-rho, rho, n), -(n // 2)
    kind, params = inter.kernel_args()
    sites, forces = np.zeros(n, np.int64), np.zeros(n)
    near = r - rho
    curv = abs(inter.force(near * (1 + 1e-4)) - inter.force(near * (1 - 1e-4))) / (2e-4 * near)
    rest = 2.0 * (FORCE_FLOOR + abs(inter.potential(full)) / alpha)  # beyond the full reach
    bound = inter.reach_floor + 2 * rho * (curv + abs(inter.force(near)) / alpha) + rest
    worst = 0.0
    for s in alpha * rng.uniform(-0.5, 0.5, 8):
        sigma = np.array([s])
        cut = interaction_forces(sigma, x, first, alpha, kind, params, r, sites, forces,
                                 np.zeros(1))[1]
        ref = interaction_forces(sigma, x, first, alpha, kind, params, full, sites, forces,
                                 np.zeros(1))[1]
        worst = max(worst, abs(cut[0] - ref[0]))
    assert worst <= bound + 1e-15 * inter.force_scale


@pytest.mark.parametrize("inter", POTENTIALS, ids=IDS)
def test_phi_max_is_the_largest_value_of_phi_and_sets_the_capture_speed(inter):
    short, long = inter.scales
    x = np.concatenate([np.linspace(0.0, 8 * long, 400001), np.geomspace(1e-3, 1e6, 2000)])
    sampled = max(0.0, float(np.max(inter.potential(x))))
    assert inter.phi_max == pytest.approx(sampled, rel=1e-9, abs=1e-300)
    assert inter.phi_min == pytest.approx(min(0.0, float(np.min(inter.potential(x)))), rel=1e-9,
                                          abs=1e-300)
    assert inter.phi_max >= inter.phi_at_zero or inter.phi_at_zero < 0
    # a particle of kinetic energy mu/2 (v/2pi)^2 just clears Phi_max at the capture speed
    assert 0.5 * 2.5 * (inter.capture_speed(2.5) / (2 * math.pi)) ** 2 == pytest.approx(
        inter.phi_max, rel=1e-14, abs=1e-300)


# channels on either side of where the well appears on the particle's line: Morse's well
# r = r0 is reached when h < r0 (E = e^{a (r0 - h)} > 1), Lennard-Jones' r = 2^{1/6} s when
# h < 2^{1/6} s (q = (s/h)^6 > 1/2); otherwise the deepest point is x = 0, r = h
CHANNEL_WELLS = [Morse(1.0, 0.25, 2.0, 4.0), Morse(1.0, 0.25, 4.5, 4.0),
                 LennardJones(1.0, 4.2, 4.5), LennardJones(1.0, 4.2, 4.8),
                 LennardJones(1.0, 4.2, 3.9)]


@pytest.mark.parametrize("inter", CHANNEL_WELLS, ids=repr)
def test_well_depth_of_a_channel_is_the_minimum_of_phi_along_the_channel(inter):
    # phi_min against the minimum over x found here: dense samples, then a bounded search
    # between the neighbours of the best (the well is smooth: 1e-12 relative is reached)
    short, long = inter.scales
    x = np.linspace(0.0, 8.0 * long, 200001)
    vals = inter.potential(x)
    i = int(np.argmin(vals))
    res = minimize_scalar(lambda t: float(inter.potential(t)), method="bounded",
                          bounds=(x[max(i - 1, 0)], x[min(i + 1, x.size - 1)]),
                          options={"xatol": 1e-10 * short})
    deepest = min(0.0, float(vals[i]), float(res.fun))
    assert deepest < 0.0
    assert inter.phi_min == pytest.approx(deepest, rel=1e-10)
    assert inter.phi_max == pytest.approx(max(0.0, float(np.max(vals))), rel=1e-12, abs=1e-300)


def test_width_is_lam_for_the_gaussian_and_follows_one_definition_for_all():
    generic = ci.Interaction.width.func  # e^{1/2} max|Phi'| / max|Phi''| on a grid
    for inter in (Gaussian(2.0, 4.0), Lorentzian(2.0, 4.0), Lorentzian(-1.0, 0.3)):
        assert generic(inter) == pytest.approx(inter.width, rel=1e-6)
    assert Gaussian(2.0, 4.0).width == 4.0


# --------------------------------------------------------------------------- numba kernels
def random_chain(rng, n_sites=400, alpha=40.0):
    first_site = int(rng.integers(-50, 50))
    x = rng.normal(0.0, 3.0, n_sites)
    sigma = alpha * (first_site + rng.uniform(20, n_sites - 20, 3))
    return sigma, x, first_site


def test_gaussian_kernel_is_bit_identical_to_the_solvers_gaussian_loop():
    rng = np.random.default_rng(np.random.SeedSequence(14))
    references = [historical_gaussian_forces]
    try:  # the live loop too, while the solvers still carry it
        from chaindrag.solvers._common import gaussian_forces
        references.append(gaussian_forces)
    except ImportError:
        pass
    for _ in range(30):
        phi0, lam = rng.choice([-1, 1]) * 10 ** rng.uniform(-3, 2), 10 ** rng.uniform(-0.5, 1)
        alpha = float(rng.uniform(5, 60))
        sigma, x, first = random_chain(rng, alpha=alpha)
        inter = Gaussian(phi0, lam)
        kind, params = inter.kernel_args()
        reach = inter.reach()
        buf = 3 * (int(2 * reach / alpha) + 8)
        s1, f1 = np.zeros(buf, np.int64), np.zeros(buf)
        got = interaction_forces(sigma, x, first, alpha, kind, params, reach, s1, f1,
                                 np.zeros(sigma.size))
        for ref in references:
            s2, f2 = np.zeros(buf, np.int64), np.zeros(buf)
            want = ref(sigma, x, first, alpha, phi0, lam, reach, s2, f2)
            assert got[0] == want[0] and got[2] == want[2] and got[3:] == want[3:]
            assert np.array_equal(got[1], want[1])
            assert np.array_equal(s1, s2) and np.array_equal(f1, f2)


def test_one_compiled_kernel_serves_every_potential(user_gaussian):
    rng = np.random.default_rng(np.random.SeedSequence(7))
    sigma, x, first = random_chain(rng)
    interaction_forces(sigma, x, first, 40.0, *Gaussian(2.0, 4.0).kernel_args(), 50.0,
                       np.zeros(64, np.int64), np.zeros(64), np.zeros(sigma.size))
    before = len(interaction_forces.signatures)
    for inter in POTENTIALS + [user_gaussian]:
        kind, params = inter.kernel_args()
        interaction_forces(sigma, x, first, 40.0, kind, params, 50.0, np.zeros(64, np.int64),
                           np.zeros(64), np.zeros(sigma.size))
    assert len(interaction_forces.signatures) == before


def test_kernel_forces_are_the_pair_forces_summed_over_every_mass():
    # against a plain numpy sum over all 400 masses (no reach, no site list): the force on
    # each particle, and on each mass the opposite of the pair forces on it (Newton's third
    # law); masses beyond the reach carry |Phi'| < 1e-12 of its largest value
    rng = np.random.default_rng(np.random.SeedSequence(3))
    sigma, x, first = random_chain(rng, alpha=5.0)
    sep = sigma[:, None] - 5.0 * (first + np.arange(x.size))[None, :] - x[None, :]
    for inter in (Morse.channel(), Yukawa(2.0, 8.0, 4.0)):
        kind, params = inter.kernel_args()
        reach = inter.reach()
        buf = 3 * (int(2 * reach / 5.0) + 8)
        sites, forces = np.zeros(buf, np.int64), np.zeros(buf)
        count, fpart, _, _, _ = interaction_forces(sigma, x, first, 5.0, kind, params, reach,
                                                   sites, forces, np.zeros(sigma.size))
        pair = np.asarray(inter.force(sep), float)  # on particle p from mass i
        scale = np.abs(pair).max()
        assert count > 3
        np.testing.assert_allclose(fpart, pair.sum(axis=1), rtol=1e-12, atol=1e-10 * scale)
        on_mass = np.zeros(x.size)
        np.add.at(on_mass, sites[:count] - first, forces[:count])
        np.testing.assert_allclose(on_mass, -pair.sum(axis=0), rtol=1e-12, atol=1e-10 * scale)


@pytest.mark.parametrize("inter", [p for p in POTENTIALS if not isinstance(p, Gaussian)],
                         ids=[repr(p) for p in POTENTIALS if not isinstance(p, Gaussian)])
def test_kernel_visits_the_masses_within_the_reach_with_the_bits_of_the_pair_function(inter):
    # every kind but the Gaussian (whose historical window has one mass more on each side)
    # visits exactly the masses |sigma - alpha g| <= reach; Morse and Yukawa take their
    # exponentials in a pass of their own, which must not change a bit
    rng = np.random.default_rng(np.random.SeedSequence(8))
    _, x, first = random_chain(rng, n_sites=4000, alpha=5.0)
    sigma = 5.0 * (first + rng.uniform(1900.0, 2100.0, 3))
    kind, params = inter.kernel_args()
    reach = min(inter.reach(), 1500.0)
    sites, forces = np.zeros(4000, np.int64), np.zeros(4000)
    count, fpart, energy, g_min, g_max = interaction_forces(sigma, x, first, 5.0, kind, params,
                                                            reach, sites, forces,
                                                            np.zeros(sigma.size))
    want_f, want_e, want_p, within = [], 0.0, np.zeros(sigma.size), []
    for p, s in enumerate(sigma):
        g = np.arange(math.ceil((s - reach) / 5.0), math.floor((s + reach) / 5.0) + 1)
        within.append(g)
        for site in g:
            e, f = pair_energy_force(kind, params, s - 5.0 * site - x[site - first])
            want_e += e
            if abs(f) > FORCE_FLOOR:
                want_f.append((site, f))
                want_p[p] -= f
    assert all(np.all(np.abs(s - 5.0 * g) <= reach) for s, g in zip(sigma, within))
    assert (g_min, g_max) == (min(g[0] for g in within), max(g[-1] for g in within))
    assert count == len(want_f) > 6
    assert sites[:count].tolist() == [w[0] for w in want_f]
    assert forces[:count].tobytes() == np.array([w[1] for w in want_f]).tobytes()
    assert energy == want_e and fpart.tobytes() == want_p.tobytes()


# --------------------------------------------------------------------------- tabulated potentials
def test_tabulated_user_potential_matches_analytic_within_hermite_bound(user_gaussian):
    kind, params = user_gaussian.kernel_args()
    assert kind == ci.TABULATED
    dx = 1.0 / params[0]
    u = np.random.default_rng(np.random.SeedSequence(5)).uniform(-1, 1, 200000)
    u *= user_gaussian.reach()
    got = np.array([pair_energy_force(kind, params, v) for v in u])
    exact = Gaussian(2.0, 4.0)
    err_e = np.max(np.abs(got[:, 0] - exact.potential(u)))
    err_f = np.max(np.abs(got[:, 1] + exact.force(u)))
    d4 = 3.0 * 2.0 / 4.0**4  # max |Phi''''| of the Gaussian, at x = 0
    rounding = 1e-14 * 2.0 / dx
    assert err_e <= dx**4 / 384 * d4 + 1e-15
    assert err_f <= math.sqrt(3) * dx**3 / 216 * d4 + rounding
    # the stated accuracy, relative to max|Phi| and max|Phi'|
    assert err_e <= user_gaussian.table_rtol * 2.0
    assert err_f <= user_gaussian.table_rtol * 2.0 / 4.0 * math.exp(-0.5)
    assert pair_energy_force(kind, params, 1.01 * user_gaussian.reach() + dx) == (0.0, 0.0)


def test_tabulated_forces_in_the_chain_loop_match_the_gaussian_kind(user_gaussian):
    rng = np.random.default_rng(np.random.SeedSequence(11))
    sigma, x, first = random_chain(rng, alpha=6.0)
    reach = Gaussian(2.0, 4.0).reach()
    out = []
    for inter in (Gaussian(2.0, 4.0), user_gaussian):
        sites, forces = np.zeros(256, np.int64), np.zeros(256)
        out.append(interaction_forces(sigma, x, first, 6.0, *inter.kernel_args(), reach, sites,
                                      forces, np.zeros(sigma.size)) + (sites, forces))
    (c1, p1, e1, *_), (c2, p2, e2, *_) = out
    tol = 2.0 / 4.0 * user_gaussian.table_rtol * c1
    np.testing.assert_allclose(p1, p2, rtol=0, atol=tol)
    assert e1 == pytest.approx(e2, abs=2.0 * user_gaussian.table_rtol * c1)


def test_beyond_a_user_potentials_reach_no_mass_feels_its_force_floor(user_gaussian):
    # the reach of a tabulated potential: beyond it every mass feels less than reach_floor
    # (the kernels leave those masses out, reach_floor's notes bound what that misses), and
    # it is not wasteful: just inside, within one step of the survey grid (2^{1/64}), a
    # mass still feels the floor
    m = Morse.channel()
    morse = UserPotential(m.potential, lambda x: -m.force(x), length=4.0, label="morse-copy")
    for user in (user_gaussian, morse):
        r, floor = user.reach(), user.reach_floor
        beyond = r * np.geomspace(1.0, 1e3, 4000)
        assert np.max(np.abs(user.force(beyond))) < floor
        inside = np.linspace(r / 2 ** (1 / 64), r, 2001)
        assert np.max(np.abs(user.force(inside))) >= floor


def test_user_potential_reproduces_the_gaussian_properties(user_gaussian):
    g = Gaussian(2.0, 4.0)
    assert user_gaussian.phi_max == pytest.approx(2.0, rel=1e-12)
    assert user_gaussian.phi_min == 0.0
    assert user_gaussian.width == pytest.approx(4.0, rel=1e-6)
    # reach: where the sampled force drops below the floor; the Gaussian's adds 2 lam
    assert g.reach() - 2 * 4.0 - 0.1 < user_gaussian.reach(FORCE_FLOOR) < g.reach()
    floor = user_gaussian.reach_floor  # relative: 1e-12 max|Phi'|
    assert floor == pytest.approx(1e-12 * 2.0 / 4.0 * math.exp(-0.5), rel=1e-6)
    assert g.reach(floor) - 2 * 4.0 - 0.1 < user_gaussian.reach() < g.reach(floor)
    k = np.array([0.0, 0.1, 0.5, 1.0, 2.0])
    np.testing.assert_allclose(user_gaussian.fourier(k), g.fourier(k), rtol=1e-10, atol=2e-12)


# --------------------------------------------------------------------------- Fourier transforms
def test_gauss_kronrod_rule_is_exact_for_polynomials():
    for deg in range(32):
        exact = (1 - (-1) ** (deg + 1)) / (deg + 1)
        assert np.sum(_KW * _NODES**deg) == pytest.approx(exact, abs=1e-15)
        if deg < 20:
            assert np.sum(_GW * _NODES**deg) == pytest.approx(exact, abs=1e-15)


@pytest.mark.parametrize("inter", [Gaussian(2.0, 4.0), Gaussian(-1e3, 0.1), Lorentzian(2.0, 4.0),
                                   Lorentzian(-5.0, 0.01), Yukawa(2.0, 8.0, 4.0),
                                   Yukawa(-1.0, 1e3, 1.0)], ids=repr)
def test_numerical_fourier_equals_closed_form_down_to_1e_300(inter):
    k = np.concatenate([[0.0, 1e-9, 1e-6], np.geomspace(1e-3, 1e5, 161)])
    closed = inter.fourier(k)
    keep = np.abs(closed) > 1e-300
    assert np.min(np.abs(closed[keep])) < 1e-200  # the range reaches exponentially small Phi_k
    num = numerical_fourier(inter, k[keep])
    np.testing.assert_allclose(num, closed[keep], rtol=1e-10, atol=0)


def test_yukawa_transform_is_twice_q_k0_of_the_screened_wavenumber():
    y = Yukawa(1.7, 3.0, 0.8)
    k = np.array([0.0, 0.2, 1.0, 5.0, 40.0])
    np.testing.assert_allclose(y.fourier(k), 2 * 1.7 * k0(0.8 * np.sqrt(k**2 + 1 / 9.0)),
                               rtol=1e-13)


def _mp_transform(inter, k, dps=30):
    """2 int_0^inf cos(kx) Phi(x) dx on the real axis in mpmath (an independent method):
    tanh-sinh panels of at most half a period on [0, X], plus the tail beyond X from the
    expansion of Phi in powers of 1/x^2 and exact incomplete gamma functions (LJ), or
    nothing where |Phi(X)| < 1e-30 (Morse)."""
    mpmath.mp.dps = dps
    h, kk = mpmath.mpf(inter.h), mpmath.mpf(k)
    tail = mpmath.mpf(0)
    if isinstance(inter, Morse):
        d, a, r0 = (mpmath.mpf(v) for v in (inter.D, inter.a, inter.r0))
        big_x = inter.r0 + 70.0 / inter.a

        def phi(x):
            ex = mpmath.exp(-a * (mpmath.sqrt(x * x + h * h) - r0))
            return d * ex * (ex - 2)
    else:
        e, s = mpmath.mpf(inter.epsilon), mpmath.mpf(inter.s)
        big_x = 50.0 * inter.h

        def phi(x):
            q3 = (s * s / (x * x + h * h)) ** 3
            return 4 * e * q3 * (q3 - 1)

        def power_tail(n):  # int_X^inf cos(kx) x^{-n} dx
            if k == 0:
                return mpmath.mpf(big_x) ** (1 - n) / (n - 1)
            z = mpmath.mpc(0, -kk)
            return mpmath.re(z ** (n - 1) * mpmath.gammainc(1 - n, z * big_x))

        for m, c in ((6, 4 * e * s**12), (3, -4 * e * s**6)):  # (h/X)^24 < 1e-40
            for j in range(12):
                tail += c * mpmath.binomial(-m, j) * h ** (2 * j) * power_tail(2 * m + 2 * j)
    n = max(40, int(k * big_x / math.pi) + 1)
    pts = [mpmath.mpf(v) for v in np.linspace(0.0, big_x, n + 1)]
    head = mpmath.quad(lambda x: phi(x) * mpmath.cos(kk * x), pts)
    return float(2 * (head + tail))


@pytest.mark.parametrize("inter", [Morse.channel(), LennardJones.channel(),
                                   LennardJones(2.0, 1.0, 3.0)], ids=repr)
def test_morse_and_lennard_jones_transforms_agree_with_mpmath_on_the_real_axis(inter):
    for k in (0.0, 0.3, 1.0, 3.0, 8.0):
        assert inter.fourier(k) == pytest.approx(_mp_transform(inter, k), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("inter", [Morse.channel(), Morse(3.0, 2.0, 1.0, 0.5),
                                   Morse(0.5, 0.05, 30.0, 10.0), LennardJones.channel(),
                                   LennardJones(2.0, 1.0, 3.0), LennardJones(1.0, 3.0, 0.5)],
                         ids=repr)
def test_morse_and_lennard_jones_numerical_transforms_equal_closed_forms(inter):
    k = np.concatenate([[0.0, 1e-7], np.geomspace(1e-2, 1e3, 40)])
    closed = inter.fourier(k)
    keep = np.abs(closed) > 1e-300
    # Phi_k changes sign: near a zero only an absolute accuracy relative to int |Phi| exists
    x = np.linspace(0, 1e4, 2_000_001)
    atol = 1e-13 * 2 * np.trapezoid(np.abs(inter.potential(x)), x)
    num = numerical_fourier(inter, k[keep], atol=atol)
    np.testing.assert_allclose(num, closed[keep], rtol=1e-10, atol=atol)


def test_lorentzian_transform_at_small_k_needs_little_memory():
    lor = Lorentzian(2.0, 4.0)
    tracemalloc.start()
    try:
        num = numerical_fourier(lor, [0.0, 1e-8, 1e-5, 1e-3])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20
    np.testing.assert_allclose(num, lor.fourier([0.0, 1e-8, 1e-5, 1e-3]), rtol=1e-10)


def test_fourier_transform_uses_closed_forms_and_numerics_for_user_potentials(user_gaussian):
    k = np.array([0.0, 0.3, 1.0])
    g = Gaussian(2.0, 4.0)
    assert np.array_equal(ci.fourier_transform(g, k), g.fourier(k))
    np.testing.assert_allclose(ci.fourier_transform(user_gaussian, k), g.fourier(k), rtol=1e-10)
    # on the real axis alone an exponentially small Phi_k is below the rounding floor
    with pytest.raises(FourierError, match="atol"):
        numerical_fourier(user_gaussian, 3.0)


# --------------------------------------------------------------------------- defaults, provenance
def test_default_channels_have_a_gaussian_sized_barrier_passed_at_speeds_15_to_60():
    gauss = DEFAULTS["gaussian"]
    for name in ("morse", "lennard_jones"):
        inter = DEFAULTS[name]
        assert 1.5 < inter.phi_max < 2.5 and inter.capture_speed() < 15.0
        assert 60.0 / 600.0 < 0.2 * inter.width  # delta |v| at d = 60, omega_fast = 10
        # the same range of wave numbers as the Gaussian lam = 4: Phi_k / Phi_0 at k = 0.5
        ratio = abs(inter.fourier(0.5) / inter.fourier(0.0))
        assert 0.1 < ratio / (gauss.fourier(0.5) / gauss.fourier(0.0)) < 10


def test_provenance_names_kind_and_parameters_and_is_json(user_gaussian):
    assert Morse.channel().provenance() == {"kind": "morse", "D": 1.0, "a": 0.25, "r0": 8.0,
                                            "h": 4.0}
    for inter in POTENTIALS + [user_gaussian]:
        prov = json.loads(json.dumps(inter.provenance()))
        assert prov["kind"] in ("gaussian", "lorentzian", "morse", "lennard_jones", "yukawa",
                                "tabulated")
    assert user_gaussian.provenance()["phi"].endswith("gauss_phi")


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("cls, kwargs, name", [
    (Gaussian, dict(phi0=1.0, lam=0.0), "lam"), (Gaussian, dict(phi0=np.nan, lam=1.0), "phi0"),
    (Lorentzian, dict(A=1.0, b=-1.0), "b"), (Lorentzian, dict(A=np.inf, b=1.0), "A"),
    (Morse, dict(D=0.0, a=1.0, r0=1.0, h=1.0), "D"), (Morse, dict(D=1.0, a=-1.0, r0=1.0, h=1.0), "a"),
    (Morse, dict(D=1.0, a=1.0, r0=-1.0, h=1.0), "r0"), (Morse, dict(D=1.0, a=1.0, r0=1.0, h=0.0), "h"),
    (Morse, dict(D=1.0, a=10.0, r0=100.0, h=1.0), "Phi\\(0\\)"),
    (LennardJones, dict(epsilon=0.0, s=1.0, h=1.0), "epsilon"),
    (LennardJones, dict(epsilon=1.0, s=0.0, h=1.0), "s"),
    (LennardJones, dict(epsilon=1.0, s=1.0, h=-2.0), "h"),
    (Yukawa, dict(Q=np.nan, screening_length=1.0, h=1.0), "Q"),
    (Yukawa, dict(Q=1.0, screening_length=0.0, h=1.0), "screening_length"),
    (Yukawa, dict(Q=1.0, screening_length=1.0, h=0.0), "h"),
    (UserPotential, dict(phi=gauss_phi, dphi=gauss_dphi, length=0.0), "length"),
    (UserPotential, dict(phi=gauss_phi, dphi=gauss_dphi, length=1.0, table_rtol=0.1), "table_rtol"),
    (UserPotential, dict(phi=gauss_phi, dphi=gauss_dphi, length=1.0, decay_range=2.0), "decay_range"),
    (UserPotential, dict(phi=1.0, dphi=gauss_dphi, length=1.0), "phi"),
])
def test_out_of_range_parameters_are_named(cls, kwargs, name):
    with pytest.raises(ParameterError, match=name):
        cls(**kwargs)


@pytest.mark.parametrize("make, names", [
    (lambda: Gaussian(1e308, 1e-300), "phi0, lam"),   # max|Phi'| = |phi0| / lam overflows
    (lambda: Gaussian(1e-200, 1e-160), "phi0, lam"),  # 1 / lam^2 overflows
    (lambda: Lorentzian(1.0, 1e-160), "A, b"),
    (lambda: Morse(1e300, 1e10, 0.0, 1.0), "D, a, r0, h"),
])
def test_parameters_whose_forces_overflow_float64_are_refused_naming_them(make, names):
    with pytest.raises(ParameterError, match=re.escape(names)):
        make()


def test_bad_arguments_of_the_methods_are_named():
    g = Gaussian(1.0, 1.0)
    for call, name in ((lambda: g.reach(0.0), "force_floor"), (lambda: g.potential(np.nan), "x"),
                       (lambda: g.fourier([0.0, np.inf]), "k"),
                       (lambda: g.capture_speed(0.0), "mu"),
                       (lambda: numerical_fourier(g, 1.0, rtol=0.5), "rtol"),
                       (lambda: numerical_fourier(g, 1.0, atol=-1.0), "atol"),
                       (lambda: numerical_fourier(gauss_phi, 1.0), "interaction")):
        with pytest.raises(ParameterError, match=name):
            call()


@pytest.mark.parametrize("phi, dphi, why", [
    (lambda x: np.exp(-(x - 1.0) ** 2), lambda x: -2 * (x - 1.0) * np.exp(-(x - 1.0) ** 2),
     "even"),
    (lambda x: 1.0 / np.abs(x), lambda x: -np.sign(x) / x**2, "finite"),
    (lambda x: 1.0 / (1.0 + x * x), lambda x: -2 * x / (1.0 + x * x) ** 2, "decay"),
    (lambda x: 1.0 + np.exp(-x * x), lambda x: -2 * x * np.exp(-x * x), "decay"),
    (gauss_phi, lambda x: -gauss_dphi(x), "dPhi/dx"),
    (lambda x: np.zeros_like(x), lambda x: np.zeros_like(x), "vanishes"),
    (lambda x: np.exp(-x * x), lambda x: -2 * np.abs(x) * np.exp(-x * x), "odd"),
])
def test_user_potential_that_breaks_the_contract_is_refused_with_the_reason(phi, dphi, why):
    with pytest.raises(ParameterError, match=why):
        UserPotential(phi, dphi, length=1.0)


def test_a_user_wall_far_steeper_than_its_length_is_accepted_and_a_wrong_slope_is_not():
    # a Morse channel's wall (width 1/a = 0.17) given with the core as its length (20):
    # the derivative check's step is length/1e4, coarse on the wall
    morse = Morse(1.0, 6.0, 20.0, 19.8)
    user = UserPotential(morse.potential, lambda x: -morse.force(x), length=20.0)
    x = np.linspace(-25.0, 25.0, 2001)
    assert np.max(np.abs(user.force(x) - morse.force(x))) <= 1e-12 * morse.force_scale
    with pytest.raises(ParameterError, match="dPhi/dx"):
        UserPotential(morse.potential, lambda x: -1.00001 * morse.force(x), length=20.0)


def test_scalar_only_user_functions_are_accepted():
    @njit
    def phi(x):
        return 2.0 * math.exp(-x * x / 32.0)

    @njit
    def dphi(x):
        return -x / 16.0 * phi(x)

    user = UserPotential(phi, dphi, length=4.0, decay_range=100.0, table_rtol=1e-6)
    assert user.potential(np.array([0.0, 4.0])) == pytest.approx([2.0, 2.0 * math.exp(-0.5)])



def _bump(A, w=4.0):
    """A (1 - (x/w)^2)^2 inside |x| < w, 0 outside, and its exact derivative: C^1, not C^2
    (Phi'' jumps from 8 A / w^2 to 0 at the edge)."""
    return (lambda x: np.where(np.abs(x) < w, A * (1.0 - (x / w) ** 2) ** 2, 0.0),
            lambda x: np.where(np.abs(x) < w, -4.0 * A * x / w**2 * (1.0 - (x / w) ** 2), 0.0))


def test_a_c1_bump_is_refused_as_not_c2_and_a_wrong_slope_as_not_the_derivative():
    # length = w puts a sample of the derivative check on the edge, where the centred
    # difference of the exact bump is off by ~ step * A / w^2: the derivative is right, Phi
    # is not twice continuously differentiable.
    phi, dphi = _bump(2.0)
    with pytest.raises(ParameterError) as info:
        UserPotential(phi, dphi, length=4.0)
    msg = str(info.value)
    assert "twice continuously differentiable" in msg and "x = 4," in msg, msg
    assert "dphi must be dPhi/dx" not in msg, msg
    # the same Phi with twice its slope, or 1e-5 too steep: dphi is wrong wherever Phi' != 0
    for factor in (2.0, 1.00001):
        with pytest.raises(ParameterError) as info:
            UserPotential(phi, lambda x, f=factor: f * dphi(x), length=4.0)
        msg = str(info.value)
        assert msg.startswith("dphi must be dPhi/dx") and "twice continuously" not in msg, msg


def _survey_grid(length, decay_range):
    """The grid values_sha256 documents, built here from its description."""
    k = np.arange(-1280, 64 * math.log2(decay_range))
    return np.unique(np.concatenate([np.linspace(0.0, 64.0 * length, 16385),
                                     length * 2.0 ** (k / 64.0)]))


def test_user_potentials_are_told_apart_by_a_digest_of_their_values():
    def up(A):  # lambdas of one helper share their qualified names
        return UserPotential(lambda x: A * np.exp(-x * x / 32.0),
                             lambda x: -A * x / 16.0 * np.exp(-x * x / 32.0), length=3.0)

    two, three, again = up(2.0), up(3.0), up(2.0)
    p2, p3 = two.provenance(), three.provenance()
    assert p2["phi"] == p3["phi"] and p2["dphi"] == p3["dphi"]  # the names cannot tell
    assert p2 != p3 and p2["values_sha256"] != p3["values_sha256"]
    assert again.provenance() == p2  # deterministic: the same functions, the same digest
    # one ulp of the amplitude changes it
    assert up(np.nextafter(2.0, 3.0)).values_sha256 != two.values_sha256
    # it is what the docstring says: SHA-256 of Phi's then Phi''s float64 bytes on the grid
    x = _survey_grid(3.0, 1e4)
    ref = hashlib.sha256(np.asarray(2.0 * np.exp(-x * x / 32.0), "<f8").tobytes()
                         + np.asarray(-2.0 * x / 16.0 * np.exp(-x * x / 32.0), "<f8").tobytes())
    assert two.values_sha256 == ref.hexdigest()
    assert x.max() == pytest.approx(1e4 * 3.0, rel=0.011)  # it spans the checked range
    # and a run records it
    from chaindrag.solvers import simulate
    traj = simulate(alpha=40.0, interaction=three, sigma0=220.0, v0=45.0, tau_max=0.01)
    assert traj.params["interaction_params"]["values_sha256"] == three.values_sha256


def test_tabulated_morse_channel_keeps_barrier_well_width_and_reach():
    m = Morse.channel()
    user = UserPotential(m.potential, lambda x: -m.force(x), length=4.0, label="morse-copy")
    assert user.phi_max == pytest.approx(m.phi_max, rel=1e-12)
    assert user.phi_min == pytest.approx(m.phi_min, rel=1e-12)
    assert user.width == pytest.approx(m.width, rel=1e-6)
    # the sampled reach lies within one step of the geometric grid (ratio 2^{1/64}) of the bound
    assert m.reach() / 2 ** (1 / 64) <= user.reach() <= m.reach() * 2 ** (1 / 64)


@pytest.mark.parametrize("inter", [Gaussian(2.0, 4.0), Lorentzian(1.0, 3.0), Morse.channel(),
                                   LennardJones.channel(), Yukawa(1.0, 5.0, 4.0)])
def test_every_built_in_potential_is_rebuilt_from_its_provenance(inter):
    from chaindrag.interactions import from_provenance

    assert from_provenance(inter.provenance()) == inter


def test_rebuilding_an_unknown_kind_or_parameter_is_refused_by_name():
    from chaindrag.interactions import from_provenance

    with pytest.raises(ParameterError, match="kind"):
        from_provenance({"kind": "tabulated", "label": "x"})
    with pytest.raises(ParameterError, match="morse"):
        from_provenance({"kind": "morse", "D": 1.0})


@pytest.mark.parametrize("phi0, lam, floor", [(1.0, 1e-3, 0.5), (1.0, 0.01, 0.5), (2.0, 0.02, 1e-3),
                                              (1e-19, 5e-3, None), (-3.0, 1e-4, 1.0)])
def test_beyond_a_narrow_gaussians_reach_its_force_is_below_the_floor(phi0, lam, floor):
    # the padding 2 lam of the exponential's root misses the prefactor x / lam^2 of
    # |Phi'| when lam < 0.03; sampled densely beyond the reach, as a finite difference
    inter = Gaussian(phi0, lam)
    floor = inter.reach_floor if floor is None else floor
    reach = inter.reach(floor)
    x = reach * (1.0 + np.geomspace(1e-12, 1e3, 20001))
    step = 1e-6 * lam
    fd = (inter.potential(x + step) - inter.potential(x - step)) / (2.0 * step)
    assert np.max(np.abs(fd)) <= floor * (1.0 + 1e-8)  # the finite difference to 1e-8
    inside = reach * (1.0 - 1e-9)  # and the reach is no longer than the last crossing
    assert abs(inter.force(inside)) >= floor or reach == lam * math.sqrt(
        2.0 * max(math.log(abs(phi0) / floor), 1.0)) + 2.0 * lam


def test_a_yukawa_channel_whose_potential_overflows_on_the_chain_mass_is_refused():
    # Q e^{-h/l} / h overflows at x = 0 (as Morse and Lennard-Jones refuse)
    assert not math.isfinite(1e308 * math.exp(-1e-10 / 1e3) / 1e-10)
    with pytest.raises(ParameterError, match="Q, screening_length, h"):
        Yukawa(1e308, 1e3, 1e-10)
