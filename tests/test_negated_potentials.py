"""-Phi (chaindrag.interactions.negated) is exactly minus Phi, for every kind of potential.

Physics statements: the mirror image of a pair potential has, at every separation, exactly
the opposite energy and force (in Python, in the numba kernels the solvers run, and in
Fourier space), its barrier is the original's well and vice versa, its reach and force width
are the original's; negating twice gives the original back; the mirror is described by its
provenance like any built-in potential, and config.yaml's spec of it (sign -1) is that
provenance; its losses at order Phi^2 are the original's; and a particle moving through a
negated Morse channel follows the same path as through -Phi given by hand (tabulated, an
independent route).
Steep channels (walls far narrower than the core) are valid potentials and are never refused.
"""

import json
import math
from dataclasses import dataclass

import numpy as np
import pytest

from chaindrag import analytic, simulate
from chaindrag.interactions import (TABULATED, Gaussian, LennardJones, Lorentzian, Morse,
                                    UserPotential, Yukawa, from_provenance,
                                    interaction_forces, interaction_from_config, mirror_spec,
                                    negated, pair_energy_force)
from chaindrag.params import ParameterError

RNG_SEED = 20240611


def _log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _steep_morse(rng):
    """A Morse channel whose wall (width 1/a <= 0.5) is far narrower than its core r0 ~ h."""
    r0 = rng.uniform(5.0, 25.0)
    return Morse(rng.uniform(0.5, 3.0), rng.uniform(2.0, 8.0), r0, r0 + rng.uniform(-1.0, 1.0))


def _morse(rng):
    while True:
        r0 = rng.uniform(1.0, 25.0)
        a, h = _log_uniform(rng, 0.05, 8.0), rng.uniform(0.3, r0 + 3.0)
        if a * (r0 - h) < 40.0:
            return Morse(_log_uniform(rng, 0.1, 10.0), a, r0, h)


def _lennard_jones(rng):
    s = rng.uniform(0.3, 10.0)
    return LennardJones(_log_uniform(rng, 0.1, 10.0), s, rng.uniform(0.3, 1.5) * s)


def _user(rng):
    """A user's copy of a (possibly steep) Morse channel, checked on the wall's length 1/a."""
    r0 = rng.uniform(3.0, 12.0)
    a = rng.uniform(0.3, 4.0)
    m = Morse(rng.uniform(0.5, 2.0), a, r0, r0 + rng.uniform(-2.0, 1.0))
    return UserPotential(m.potential, lambda x: -m.force(x), length=min(1.0 / a, m.h),
                         label="user-morse")


def _draws():
    """~100 seeded potentials of every kind, about half of the channels steep."""
    rng = np.random.default_rng(RNG_SEED)
    out = [_steep_morse(rng) for _ in range(15)] + [_morse(rng) for _ in range(15)]
    out += [_lennard_jones(rng) for _ in range(20)]
    out += [Gaussian(rng.uniform(-20.0, 20.0), _log_uniform(rng, 0.1, 10.0)) for _ in range(14)]
    out += [Lorentzian(rng.uniform(-5.0, 5.0), _log_uniform(rng, 0.1, 10.0)) for _ in range(14)]
    out += [Yukawa(rng.uniform(-5.0, 5.0), _log_uniform(rng, 0.3, 10.0), rng.uniform(0.3, 8.0))
            for _ in range(14)]
    out += [_user(rng) for _ in range(6)]
    return out


DRAWS = _draws()
BUILT_INS = [p for p in DRAWS if not isinstance(p, UserPotential)]


def _points(inter, rng, n=200):
    """Separations where Phi has its structure (the core, the wall, near 0) and its tail."""
    reach = max(inter.reach(), 1.0)
    return np.concatenate([rng.uniform(-1.5 * reach, 1.5 * reach, n),
                           rng.normal(0.0, inter.scales[0], 40), [0.0, -0.0]])


def _kernel(inter, x):
    kind, params = inter.kernel_args()
    return np.array([pair_energy_force(kind, params, u) for u in x])


def test_reported_steep_morse_channel_has_a_mirror():
    """Regression: negated(Morse(1, 6, 20, 19.8)) was refused (its tabulated -Phi failed the
    finite-difference check sized to the core, 20, not to the wall, 1/6)."""
    m = Morse(1.0, 6.0, 20.0, 19.8)
    neg = negated(m)
    assert neg == Morse(1.0, 6.0, 20.0, 19.8, sign=-1.0)
    x = np.linspace(-30.0, 30.0, 6001)
    np.testing.assert_array_equal(neg.potential(x), -m.potential(x))
    np.testing.assert_array_equal(neg.force(x), -m.force(x))
    np.testing.assert_array_equal(_kernel(neg, x), -_kernel(m, x))


def test_no_steep_channel_is_refused_a_mirror():
    """60 steep Morse channels (37-44 of such 60 were refused by the tabulated -Phi)."""
    rng = np.random.default_rng(RNG_SEED + 1)
    for _ in range(60):
        m = _steep_morse(rng)
        neg = negated(m)
        assert neg.kind == m.kind and neg.sign == -1.0
        neg.kernel_args()


@pytest.mark.parametrize("inter", DRAWS, ids=lambda p: type(p).__name__)
def test_mirror_has_exactly_minus_the_energy_and_force(inter):
    rng = np.random.default_rng(RNG_SEED + 10 + DRAWS.index(inter))
    x = _points(inter, rng)
    neg = negated(inter)
    np.testing.assert_array_equal(neg.potential(x), -inter.potential(x))
    np.testing.assert_array_equal(neg.force(x), -inter.force(x))
    # what the solvers evaluate (for a user potential: its table, negated)
    np.testing.assert_array_equal(_kernel(neg, x), -_kernel(inter, x))
    # the barrier of -Phi is the well of Phi and vice versa; range and width unchanged
    assert neg.phi_max == -inter.phi_min and neg.phi_min == -inter.phi_max
    assert neg.phi_at_zero == -inter.phi_at_zero
    assert neg.reach() == inter.reach() and neg.force_scale == inter.force_scale
    assert neg.width == inter.width


@pytest.mark.parametrize("inter", DRAWS, ids=lambda p: type(p).__name__)
def test_negating_twice_gives_the_original(inter):
    twice = negated(negated(inter))
    if isinstance(inter, UserPotential):
        assert twice is inter
    else:
        assert twice == inter and type(twice) is type(inter)
        assert twice.provenance() == inter.provenance()


@pytest.mark.parametrize("inter", BUILT_INS, ids=lambda p: type(p).__name__)
def test_mirror_is_rebuilt_from_its_provenance(inter):
    neg = negated(inter)
    assert neg.kind == inter.kind  # closed form, not a table
    prov = neg.provenance()
    assert from_provenance(prov) == neg
    # through the JSON an output stores
    assert from_provenance(json.loads(json.dumps(prov))) == neg


def test_provenance_of_phi_itself_is_unchanged_and_names_the_sign_of_the_mirror():
    m = Morse(1.0, 0.5, 6.0, 4.0)
    assert m.provenance() == {"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0}
    assert negated(m).provenance() == {**m.provenance(), "sign": -1.0}
    lj = LennardJones.channel()
    assert lj.provenance() == {"kind": "lennard_jones", "epsilon": 1.0, "s": 4.2, "h": 4.0}
    assert negated(lj).provenance()["sign"] == -1.0
    assert repr(m) == "Morse(D=1.0, a=0.5, r0=6.0, h=4.0)"
    assert Morse(1.0, 0.5, 6.0, 4.0, sign=1) == m
    assert hash(negated(negated(m))) == hash(m)


@pytest.mark.parametrize("sign", [0.5, 0.0, True, "1", np.nan, [1.0]])
def test_sign_other_than_plus_or_minus_one_is_refused(sign):
    with pytest.raises(ParameterError, match="sign"):
        Morse(1.0, 0.5, 6.0, 4.0, sign=sign)
    with pytest.raises(ParameterError, match="sign"):
        LennardJones(1.0, 4.2, 4.0, sign=sign)


@pytest.mark.parametrize("inter", [p for p in BUILT_INS if isinstance(p, (Morse, LennardJones))
                                   ][::5], ids=lambda p: type(p).__name__)
def test_config_spec_of_the_mirror_is_negated_and_named_as_its_provenance(inter):
    """config.yaml's mirror of a channel (mirror_spec: sign -1, what a run with phi0 < 0 uses)
    is negated(Phi), its spec the mirror's provenance (so a run's stored interaction names
    it once), and its energy exactly minus Phi's where the particle passes."""
    spec = inter.provenance()
    mirror = interaction_from_config(mirror_spec(spec))
    assert mirror == negated(inter) and mirror_spec(spec) == mirror.provenance()
    assert mirror.provenance()["sign"] == -1.0
    assert mirror_spec(mirror_spec(spec)) == spec  # Phi again: no sign, as its provenance
    x = _points(inter, np.random.default_rng(RNG_SEED + 2))
    np.testing.assert_array_equal(mirror.potential(x), -inter.potential(x))


@pytest.mark.parametrize("spec", [
    {"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0},
    {"kind": "lennard_jones", "epsilon": 1.0, "s": 4.2, "h": 4.0}], ids=lambda s: s["kind"])
def test_mirror_of_a_channel_loses_what_the_channel_loses_at_order_phi_squared(spec):
    """Eqs. (25) and (33) are of order Phi^2 (|Phi_k|^2): the mirror run's predicted single-pass
    and steady-state losses are the channel's, to the last bit, though its barrier is the
    channel's well."""
    inter, mirror = interaction_from_config(spec), interaction_from_config(mirror_spec(spec))
    assert mirror.phi_at_zero == -inter.phi_at_zero != 0.0
    v = np.array([15.0, 30.0, 60.0])
    for loss, kw in ((analytic.single_pass_loss, {}),
                     (analytic.steady_state_loss, {"alpha": 40.0})):
        np.testing.assert_array_equal(loss(v, interaction=mirror, **kw),
                                      loss(v, interaction=inter, **kw))


@pytest.mark.parametrize("inter", DRAWS, ids=lambda p: type(p).__name__)
def test_fourier_transform_of_the_mirror_is_minus_phi_k(inter):
    k = np.linspace(0.0, 3.0, 7)
    phi_k = inter.fourier(k)
    np.testing.assert_array_equal(negated(inter).fourier(k), -phi_k)


def test_mirror_of_a_user_potential_keeps_its_settings_and_its_table():
    """A long-ranged user potential checked out to decay_range = 1e6 (the old tabulated
    -Phi dropped decay_range and refused it) and a loose table."""
    def phi(x):
        return 1.0 / (1.0 + x * x) ** 2

    def dphi(x):
        return -4.0 * x / (1.0 + x * x) ** 3

    user = UserPotential(phi, dphi, length=1.0, decay_range=1e6, table_rtol=1e-6)
    neg = negated(user)
    assert (neg.length, neg.decay_range, neg.table_rtol) == (1.0, 1e6, 1e-6)
    assert neg.kind == TABULATED
    p0, p1 = user.kernel_args()[1], neg.kernel_args()[1]
    np.testing.assert_array_equal(p1[:2], p0[:2])  # the same grid
    np.testing.assert_array_equal(p1[2:], -p0[2:])  # of negated values
    assert neg.provenance()["label"].startswith('-{"decay_range":1000000.0,')


def test_scalar_only_user_function_has_a_mirror():
    def phi(x):
        return 2.0 * math.exp(-x * x / 8.0)

    def dphi(x):
        return -x / 4.0 * phi(x)

    user = UserPotential(phi, dphi, length=2.0, decay_range=100.0, table_rtol=1e-6)
    x = np.linspace(-10.0, 10.0, 101)
    np.testing.assert_array_equal(negated(user).potential(x), -user.potential(x))


def test_mirror_of_an_unknown_subclass_is_minus_phi_tabulated():
    """A subclass the package does not know is tabulated, checked on its shortest length (the
    steep wall), so the reported channel is accepted this way too."""
    @dataclass(frozen=True)
    class MyMorse(Morse):
        pass

    m = MyMorse(1.0, 6.0, 20.0, 19.8)
    neg = negated(m)
    assert neg.kind == TABULATED
    x = np.linspace(-30.0, 30.0, 3001)
    np.testing.assert_array_equal(neg.potential(x), -m.potential(x))
    scale = np.abs(_kernel(m, x)).max(axis=0)
    assert np.all(np.abs(_kernel(neg, x) + _kernel(m, x)) <= 2e-9 * scale)


def test_solver_force_loop_sees_exactly_minus_the_forces():
    """interaction_forces (the channel kinds' own three-pass loop) on a displaced chain."""
    rng = np.random.default_rng(RNG_SEED + 2)
    alpha = 40.0
    for inter in (Morse.channel(), LennardJones.channel(), _steep_morse(rng)):
        sigma = rng.uniform(100.0, 300.0, 3)
        x = rng.normal(0.0, 0.5, 20)
        results = []
        for pot in (inter, negated(inter)):
            kind, params = pot.kernel_args()
            sites, forces = np.zeros(200, dtype=np.int64), np.zeros(200)
            count, fpart, energy, g_min, g_max = interaction_forces(
                sigma, x, 0, alpha, kind, params, pot.reach(), sites, forces, np.zeros(3))
            results.append((sites[:count].copy(), forces[:count].copy(), fpart.copy(), energy))
        (s0, f0, p0, e0), (s1, f1, p1, e1) = results
        np.testing.assert_array_equal(s1, s0)
        np.testing.assert_array_equal(f1, -f0)
        np.testing.assert_array_equal(p1, -p0)
        assert e1 == -e0


def test_particle_in_the_mirrored_morse_channel_follows_minus_phi_given_by_hand():
    """The closed-form mirror against -Phi written by the user and tabulated to 1e-9: two
    independent routes to the same motion (here a well at x = 0 and barriers at the old
    wells), and the closed form conserves energy."""
    m = Morse.channel()
    neg = negated(m)
    by_hand = UserPotential(lambda x: -m.potential(x), lambda x: m.force(x), length=1.0 / m.a)
    kw = dict(alpha=40.0, sigma0=220.0, v0=40.0, tau_max=0.5)
    a, b = simulate(interaction=neg, **kw), simulate(interaction=by_hand, **kw)
    assert a.params["interaction_params"] == {**m.provenance(), "sign": -1.0}
    assert a.interaction == neg  # the trajectory names the mirror; rebuilt exactly
    np.testing.assert_allclose(a.sigma, b.sigma, rtol=0, atol=1e-9)  # measured 2e-12
    np.testing.assert_allclose(a.velocity, b.velocity, rtol=0, atol=1e-8)  # 3e-11
    e = a.energy["total"]
    assert abs(e[-1] - e[0]) < 1e-4 * a.energy["particle_kinetic"][0]
    # the mirror's landscape: a well of depth Phi_max(Phi) = 1.95 at x = 0, barriers of D
    assert neg.phi_min == -m.phi_max and neg.phi_max == m.D
