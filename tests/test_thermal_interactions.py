"""Thermal-chain measurements with other pair potentials (issues 13 and 14): the noise of a
single pass from the potential's own mode terms, its passes in a thermal chain, the cold
start at the potential's minimum, and the tables built from such runs.

Statistical tolerances as in test_thermal_measurements: a deviation in units of its standard
error against the two-sided quantile at a false-alarm probability of 1e-3 per assertion.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chaindrag import analytic
from chaindrag.analytic._pair import interaction_from_text
from chaindrag.interactions import Gaussian, Morse, Yukawa, interaction_from_config
from chaindrag.jobs.thermal import (cell_minimum, pass_spacing, thermal_drift,
                                    thermal_equilibration, thermal_single_passes)
from chaindrag.params import ParameterError
from chaindrag.solvers import simulate
from chaindrag.tables.thermal import thermal_drift_tables, thermal_single_pass_table

WF = 10.0
P_FALSE = 1e-3
MORSE = {"kind": "morse", "D": 1.0, "a": 0.25, "r0": 8.0, "h": 4.0}   # Morse.channel()
YUKAWA = {"kind": "yukawa", "Q": 2.0, "screening_length": 3.0, "h": 4.0}
FIG6 = dict(alpha=40.0, mu=1.0, omega_fast=WF, d=60, solver="chain", run_length=2.2)


def quantile(dof=math.inf):
    q = 1 - P_FALSE / 2
    return stats.norm.ppf(q) if not math.isfinite(dof) else stats.t.ppf(q, dof)


def ring_sum(v, inter, temp, statistics, n=4096):
    """(sum_j Delta_j, 2 sum_j eps_j Delta_j) over the n modes of a ring (discrete Eq. 25),
    Phi_k from the potential's own transform."""
    q = 2 * math.pi * np.arange(n) / n
    omega = np.sqrt(1 + (WF**2 - 1) * np.sin(q / 2) ** 2)
    amp = 4 * math.pi**2 * omega / v**2 * inter.fourier(2 * math.pi * omega / v)
    delta_j = 0.5 * amp**2 / n
    # the mode's mean energy, written here: T, or (omega/2) coth(omega/2T) (omega/2 at T = 0)
    eps = (np.full_like(omega, temp) if statistics == "classical" else
           0.5 * omega / np.tanh(0.5 * omega / temp) if temp > 0 else 0.5 * omega)
    return delta_j.sum(), 2 * np.sum(eps * delta_j)


# ------------------------------------------------------------------ Var(Delta) of any potential
@pytest.mark.parametrize("inter", [Morse.channel(), Yukawa(2.0, 3.0, 4.0)], ids=repr)
@pytest.mark.parametrize("temp", [0.5, 25.0])
def test_classical_noise_variance_of_any_potential_is_twice_temperature_times_eq25(inter, temp):
    v = np.array([8.0, 20.0, 50.0, 150.0])
    var = analytic.single_pass_noise_variance(v, omega_T=temp, statistics="classical",
                                              interaction=inter)
    np.testing.assert_allclose(var, 2 * temp * analytic.single_pass_loss(v, interaction=inter),
                               rtol=1e-10)


@pytest.mark.parametrize("inter", [Morse.channel(), Yukawa(2.0, 3.0, 4.0)], ids=repr)
@pytest.mark.parametrize("temp, statistics", [(0.0, "quantum"), (5.0, "quantum")])
@pytest.mark.parametrize("v", [8.0, 50.0, 300.0])
def test_noise_variance_of_any_potential_equals_the_mode_sum_on_a_large_ring(inter, v, temp,
                                                                            statistics):
    loss, var_ring = ring_sum(v, inter, temp, statistics)
    assert loss == pytest.approx(analytic.single_pass_loss(v, interaction=inter), rel=1e-10)
    var = analytic.single_pass_noise_variance(v, omega_T=temp, statistics=statistics,
                                              interaction=inter)
    assert var == pytest.approx(var_ring, rel=1e-10)


@pytest.mark.parametrize("temp, statistics", [(0.0, "quantum"), (5.0, "quantum"),
                                               (5.0, "classical")])
def test_noise_variance_of_the_gaussian_closed_form_equals_the_ring_mode_sum(temp, statistics):
    for v in (10.0, 50.0):
        var = analytic.single_pass_noise_variance(v, 2.0, 4.0, temp, statistics)
        assert var == pytest.approx(ring_sum(v, Gaussian(2.0, 4.0), temp, statistics)[1],
                                    rel=1e-10)


@pytest.mark.parametrize("kw, name", [(dict(phi0=2.0, lam=4.0), "interaction"),
                                      (dict(omega_T=None), "omega_T"),
                                      (dict(interaction=None), "phi0")])
def test_noise_variance_refuses_an_ambiguous_or_missing_potential_or_temperature(kw, name):
    args = dict(v=50.0, omega_T=5.0, interaction=Morse.channel())
    args.update(kw)
    with pytest.raises(ParameterError, match=name):
        analytic.single_pass_noise_variance(**args)


# ------------------------------------------------------------------ passes in a thermal chain
@pytest.fixture(scope="module")
def morse_passes(tmp_path_factory):
    """400 classical passes of the Morse channel at v0 = 50, omega_T = 5 (16 realizations x
    25 particles), the rest-chain pass, and the single-pass table built from them."""
    rows = []
    for seed in range(16):
        rows += thermal_single_passes(v0=50.0, omega_T=5.0, statistics="classical", seed=seed,
                                      n_particles=25, interaction=MORSE, **FIG6)
    rows += thermal_single_passes(v0=50.0, omega_T=0.0, statistics="rest", seed=0,
                                  n_particles=25, interaction=MORSE, **FIG6)
    path = tmp_path_factory.mktemp("morse") / "batch.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return thermal_single_pass_table([path], path.with_name("table.csv"))


def test_morse_channel_passes_obey_its_own_fluctuation_dissipation_relation(morse_passes):
    # v0 = 50: KE = 31.7, 16x the barrier 1.95; the thermal kick (sigma ~ 0.5) is ~2 % of
    # the energy above it, far below the 7 % resolution of 400 passes
    df = morse_passes
    hot = df[df["statistics"] == "classical"]
    d = hot["delta"].to_numpy()
    assert hot["passed"].all() and d.size == 400
    var, n = d.var(ddof=1), d.size
    se = math.sqrt((np.mean((d - d.mean()) ** 4) - var**2 * (n - 3) / (n - 1)) / n)
    d25 = analytic.single_pass_loss(50.0, interaction=Morse.channel())
    predicted = analytic.single_pass_noise_variance(50.0, omega_T=5.0, statistics="classical",
                                                    interaction=Morse.channel())
    assert hot["delta_fd_std"].iloc[0] ** 2 == pytest.approx(predicted, rel=1e-12)
    assert abs(var - predicted) <= quantile() * se, (var, predicted, se)
    # a Gaussian of the channel's Phi(0) and force width would predict another variance
    inter = Morse.channel()
    gauss = 2 * 5.0 * analytic.single_pass_loss(50.0, inter.phi_at_zero, inter.width)
    assert abs(var - gauss) > quantile() * se, (var, gauss, se)
    # and the mean stays on the rest-chain pass, which Eq. (25) describes
    rest = df[df["statistics"] == "rest"]["delta"].iloc[0]
    assert abs(d.mean() - rest) <= quantile(n - 1) * d.std(ddof=1) / math.sqrt(n)
    assert hot["delta_rest"].iloc[0] == pytest.approx(d25, rel=1e-12)
    assert rest == pytest.approx(d25, rel=0.02)


def test_morse_passes_carry_the_potential_and_are_spaced_by_its_reach(morse_passes):
    df = morse_passes
    inter = Morse.channel()
    assert df["interaction"].str.contains('"kind":"morse"').all()
    assert df["phi0"].iloc[0] == pytest.approx(inter.phi_at_zero, rel=1e-15)
    assert df["lam"].iloc[0] == pytest.approx(inter.width, rel=1e-15)
    tau = df["tau_max"].iloc[0]
    assert df["spacing"].iloc[0] == pass_spacing(tau, 40.0, None, None, 50.0, WF,
                                                 interaction=inter)
    # the channel reaches ~3 masses, the Gaussian of the same width only 1: wider spacing
    assert df["spacing"].iloc[0] > pass_spacing(tau, 40.0, inter.phi_at_zero, inter.width,
                                                50.0, WF)


# ------------------------------------------------------------------ equilibration and drift
@pytest.mark.parametrize("inter", [Morse.channel(), Yukawa(-2.0, 3.0, 4.0),
                                   Gaussian(-2.0, 4.0), Gaussian(2.0, 4.0)], ids=repr)
def test_cold_start_rests_at_the_minimum_of_the_cell_potential(inter):
    alpha = 40.0
    x = np.linspace(0.0, alpha, 40001)
    n = np.arange(-20, 21)
    cell = np.sum(inter.potential(x[:, None] - n[None, :] * alpha), axis=1)
    x_min = cell_minimum(inter, alpha)
    x_min_img = min(x_min, alpha - x_min)
    brute = x[np.argmin(cell)]
    assert min(abs(x_min_img - brute), abs(alpha - brute - x_min_img)) <= 2 * alpha / 40000
    u_min = np.sum(inter.potential(x_min - n * alpha))
    assert u_min <= cell.min() + 1e-12 * max(1.0, abs(cell.min()))


def test_a_cold_morse_particle_on_a_chain_at_rest_stays_at_rest():
    # at the cell minimum the forces on the particle balance: started at rest it stays there
    # (only the chain's response to the particle's own force, ~1e-11 here, moves it), while
    # a start 1 % of alpha away from it oscillates with a kinetic energy of order 1e-3
    s, _ = thermal_equilibration(alpha=40.0, mu=1.0, omega_T=0.0, statistics="rest", seed=0,
                                 start="cold", v_hot=0.0, n_particles=2, spacing=200,
                                 tau_max=20.0, series_dtau=1.0, omega_fast=WF, d=60,
                                 solver="chain", interaction=MORSE)
    assert s["kinetic"].max() < 1e-9
    assert s["interaction"].str.contains('"kind":"morse"').all()
    x_min = cell_minimum(Morse.channel(), 40.0)
    off = simulate(alpha=40.0, interaction=Morse.channel(), sigma0=200.0 + x_min + 0.4, v0=0.0,
                   tau_max=20.0, energy=False)
    assert np.max(0.5 * (off.velocity[0] / (2 * math.pi)) ** 2) > 1e-3


def test_thermal_drift_of_a_yukawa_channel_names_it_in_its_tables(tmp_path):
    paths = []
    for q in (2.0, -2.0):
        spec = dict(YUKAWA, Q=q)
        run = thermal_drift(alpha=40.0, mu=1.0, bias=0.01, sigma0=220.0, v0=40.0, omega_T=5.0,
                            statistics="classical", seed=0, tau_max=20.0, omega_fast=WF, d=60,
                            solver="transparent", interaction=spec)
        paths.append(tmp_path / f"q{q:+g}.csv")
        run.to_csv(paths[-1], index=False)
    table, ends = thermal_drift_tables(paths, tmp_path / "t.csv", tmp_path / "e.csv",
                                       tail_fraction=0.5, min_points=2)
    phi0 = interaction_from_config(YUKAWA).phi_at_zero
    assert sorted(ends["phi0"]) == pytest.approx([-phi0, phi0], rel=1e-15)
    for p, e in ends.groupby("phi0"):  # each sign's rows name its own potential, +-Phi
        assert interaction_from_text(e["interaction"].iloc[0]).phi_at_zero == p
