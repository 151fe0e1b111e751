"""Eq. (33) for any potential skips only modes whose weight is far below rounding.

The built-in potentials bound their Fourier transform by a non-increasing envelope
(``Interaction._fourier_envelope``); Eq. (33) skips the resonant modes where that bound puts
every weight below e^-60 of the largest low mode's. Checked here: the envelope against
quadrature of Phi_k (never the closed form), and Eq. (33) and its Debye-Waller form against
the sum over every root of Eq. (32), assembled term by term from the paper's formula.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from chaindrag import analytic
from chaindrag.analytic._modes import mode_cutoff
from chaindrag.interactions import (LennardJones, Lorentzian, Morse, UserPotential, Yukawa,
                                    negated, numerical_fourier)
from chaindrag.thermal import displacement_variance

ALPHA, WF = 40.0, 10.0

POTENTIALS = {
    "lorentzian": Lorentzian(2.0, 4.0),
    "narrow lorentzian": Lorentzian(-2.0, 0.58),
    "morse, barrier": Morse(1.0, 0.5, 6.0, 4.0),
    "morse, well on the line": Morse(1.0, 0.25, 2.0, 3.0),
    "morse channel mirror": negated(Morse.channel()),
    "lennard-jones": LennardJones(1.0, 4.2, 4.0),
    "lennard-jones, far channel": negated(LennardJones(1.0, 3.0, 6.0)),
    "yukawa": Yukawa(2.0, 4.0, 4.0),
    "yukawa, attractive": Yukawa(-1.0, 1.5, 2.0),
}


@pytest.mark.parametrize("name", POTENTIALS)
def test_fourier_envelope_bounds_every_transform_at_and_beyond_its_wavenumber(name):
    inter = POTENTIALS[name]
    k = np.linspace(0.0, 30.0, 241)
    quad = np.abs(numerical_fourier(inter, k))
    beyond = np.maximum.accumulate(quad[::-1])[::-1]  # max |Phi_k'| over k' >= k on the grid
    env = inter._fourier_envelope(k)
    assert np.all(np.diff(env) <= 0.0), "the envelope must not rise with k"
    # quadrature is good to 1e-10 relative (numerical_fourier's default)
    assert np.all(env >= beyond * (1.0 - 1e-9)), float(np.min(env / beyond))


def _every_root_sum(inter, v, s2=0.0, alpha=ALPHA, wf=WF):
    """Eq. (33) at one speed from all roots of Eq. (32), none skipped."""
    x = analytic.steady_state_roots(v, alpha, wf)
    a = wf * wf - 1.0
    omega = np.sqrt(1.0 + a * np.sin(np.pi * x) ** 2)
    slope = a * np.pi * np.sin(2.0 * np.pi * x) / (2.0 * omega)
    k = 2.0 * np.pi * omega / v
    weight = (4.0 * np.pi**2 * omega / v**2 * inter.fourier(k)) ** 2 * np.exp(-s2 * k * k)
    return float(np.sum(0.5 * weight / np.abs(alpha * slope / v + 1.0)))


@pytest.mark.parametrize("name", POTENTIALS)
@pytest.mark.parametrize("v", [0.3, 1.0, 3.0])
def test_eq33_skipping_weak_modes_equals_the_sum_over_every_root(name, v):
    inter = POTENTIALS[name]
    cut = mode_cutoff(np.array([v]), np.array([ALPHA]), WF, inter)[0]
    assert 1.0 + v / ALPHA <= cut <= WF
    full = _every_root_sum(inter, v)
    fast = analytic.steady_state_loss(v, alpha=ALPHA, omega_fast=WF, interaction=inter)
    assert fast == pytest.approx(full, rel=1e-13, abs=0.0)


def test_the_cutoff_removes_most_zones_at_low_speed():
    # the Lorentzian b = 4 weighs its modes by e^{-16 pi omega / v}: at v = 1 only omega below
    # ~1 + 64/(16 pi) = 2.3 can matter (e^-60 of the band bottom, the band top's omega^2 in)
    cut = mode_cutoff(np.array([1.0, 30.0]), np.full(2, ALPHA), WF, Lorentzian(2.0, 4.0))
    bound = 1.0 + 1.0 / ALPHA + (60.0 + 2.0 * math.log(WF)) / (16.0 * math.pi)
    assert 1.0 + 1.0 / ALPHA < cut[0] <= bound * (1.0 + 1e-5)
    assert cut[1] == WF  # at v = 30 every mode of the band weighs above e^-60


@pytest.mark.parametrize("omega_T", [1.0, 5.0])
def test_debye_waller_loss_skipping_weak_modes_equals_the_sum_over_every_root(omega_T):
    inter = POTENTIALS["morse, barrier"]
    s2 = float(displacement_variance(omega_T, "classical", WF))
    for v in (0.5, 2.0):
        full = _every_root_sum(inter, v, s2)
        fast = analytic.debye_waller_loss(v, alpha=ALPHA, omega_T=omega_T,
                                          statistics="classical", omega_fast=WF,
                                          interaction=inter)
        assert fast == pytest.approx(full, rel=1e-13, abs=0.0)


def test_a_user_potential_without_an_envelope_sums_every_mode():
    morse = POTENTIALS["morse, barrier"]
    user = UserPotential(morse.potential, lambda x: -morse.force(x), length=4.0, label="morse")
    assert user._fourier_envelope(np.zeros(1)) is None
    assert mode_cutoff(np.array([1.0]), np.array([ALPHA]), WF, user)[0] == WF


def test_low_modes_found_in_blocks_of_speeds_give_the_same_cutoffs(monkeypatch):
    from chaindrag.analytic import _modes

    v = np.geomspace(0.2, 50.0, 40)
    alpha = np.where(np.arange(v.size) % 2, ALPHA, 10.0)
    inter = POTENTIALS["yukawa"]
    whole = mode_cutoff(v, alpha, WF, inter, 0.01)
    assert np.any(whole < WF)
    monkeypatch.setattr(_modes, "_SPEED_BLOCK", 7)
    assert np.array_equal(mode_cutoff(v, alpha, WF, inter, 0.01), whole)


def _random_potential(rng):
    kind = rng.integers(4)
    if kind == 0:
        return Lorentzian(rng.uniform(-3.0, 3.0), math.exp(rng.uniform(-2.0, 2.5)))
    sign = float(rng.choice([1.0, -1.0]))
    if kind == 1:
        return Morse(math.exp(rng.uniform(-2.0, 1.0)), math.exp(rng.uniform(-2.0, 0.5)),
                     rng.uniform(0.0, 10.0), math.exp(rng.uniform(-1.0, 2.0)), sign=sign)
    if kind == 2:
        return LennardJones(math.exp(rng.uniform(-2.0, 1.0)), math.exp(rng.uniform(0.0, 2.0)),
                            math.exp(rng.uniform(0.0, 2.0)), sign=sign)
    return Yukawa(rng.uniform(-3.0, 3.0), math.exp(rng.uniform(-1.0, 3.0)),
                  math.exp(rng.uniform(-1.0, 2.0)))


def test_eq33_skipping_weak_modes_holds_for_random_potentials_chains_and_speeds():
    rng = np.random.default_rng(20261205)
    skipped = 0
    for _ in range(40):
        inter = _random_potential(rng)
        alpha, wf = math.exp(rng.uniform(0.0, 4.6)), math.exp(rng.uniform(0.2, 3.4))
        v = alpha * math.exp(rng.uniform(-6.0, 1.0))
        skipped += mode_cutoff(np.array([v]), np.array([alpha]), wf, inter)[0] < wf
        full = _every_root_sum(inter, v, alpha=alpha, wf=wf)
        fast = analytic.steady_state_loss(v, alpha=alpha, omega_fast=wf, interaction=inter)
        assert fast == pytest.approx(full, rel=1e-13, abs=0.0), (inter, v, alpha, wf)
    assert skipped >= 10  # the draws exercise the cutoff
