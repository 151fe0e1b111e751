"""The two solvers against each other and against the paper's analytic results.

The chain solver and the paper's kernel algorithm (Appendix, Eqs. A1-A2) are independent
codes for the same discrete-time dynamics; analytic references are Eq. (16), Eq. (26),
Eq. (33) and the capture speed of Sec. IV A, all in chaindrag.analytic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from chaindrag import analytic
from chaindrag.kernel import precompute
from chaindrag.params import ParameterError, SimulationError
from chaindrag.solvers import drive, simulate
from chaindrag.trajectory import midpoint_speeds, single_pass_loss
from chaindrag.validation.kinematics import airy_width

FIG3 = dict(alpha=40.0, lam=4.0, mu=1.0, sigma0=220.0, v0=120.0, omega_fast=10.0, d=60)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return precompute(tmp_path_factory.mktemp("kernel") / "k.zarr", n_max=60, tau_max=3.0)


@pytest.mark.parametrize("phi0", [20.0, -20.0])
def test_chain_solver_equals_the_papers_kernel_algorithm(store, phi0):
    sites = np.arange(2, 14)
    kw = dict(FIG3, phi0=phi0, tau_max=3.0, record_sites=sites)
    chain = simulate(**kw, solver="chain")
    kern = simulate(**kw, solver="kernel", kernel_store=store)
    scale = np.abs(chain.chain_displacement).max()
    assert scale > 1e-3  # the chain really moved
    # the same discrete dynamics by two routes: they differ by rounding and the propagator's
    # 1e-14 stencil truncation. Measured (2026-12-03): sigma 2.6e-12, velocity 7.3e-12 over
    # |sigma| <= 580 (~4e-15 of it); bounds ~40x above
    np.testing.assert_allclose(chain.sigma, kern.sigma, rtol=0, atol=1e-10)
    np.testing.assert_allclose(chain.velocity, kern.velocity, rtol=0, atol=3e-10)
    np.testing.assert_allclose(chain.chain_displacement, kern.chain_displacement, rtol=0,
                               atol=1e-10 * scale)


def test_chain_solver_reproduces_the_kernel_algorithm_over_the_papers_tau_20(tmp_path):
    # Fig. 3 set-up over tau = 20 (12 000 steps): the whole slowing-down of the particle
    store = precompute(tmp_path / "k20.zarr", n_max=90, tau_max=20.0)
    kw = dict(FIG3, phi0=20.0, tau_max=20.0, energy=False)
    chain = simulate(**kw)
    kern = simulate(**kw, solver="kernel", kernel_store=store, kernel_first_site=-10)
    assert chain.velocity[0, -1] < 0.95 * FIG3["v0"]  # it really lost speed
    # rounding and the stencil truncation only: measured 3.5e-11 (2026-12-03), growing from
    # 2.6e-12 at tau = 3 about linearly with the run; 1e-9 is ~30x above (a kernel rounded
    # to single precision: 3.4e-7)
    assert np.abs(chain.sigma - kern.sigma).max() < 1e-9


def test_trajectory_converges_at_second_order_in_the_time_step():
    # the discrete-time dynamics (Eqs. A1-A2) approaches the continuous one as delta^2
    ref = simulate(**{**FIG3, "d": 480}, phi0=20.0, tau_max=2.0, energy=False)
    err = {}
    for d in (60, 120, 240):
        traj = simulate(**{**FIG3, "d": d}, phi0=20.0, tau_max=2.0, energy=False)
        err[d] = abs(traj.sigma[0, -1] - ref.sigma[0, -1])
    assert err[60] < 0.05
    # Richardson: errors against the d = 480 reference shrink ~4x per halving
    assert 3.0 < err[60] / err[120] < 5.5


def test_two_particles_feel_each_other_only_through_the_chain(store):
    kw = dict(alpha=40.0, phi0=20.0, lam=4.0, tau_max=3.0)
    both = simulate(**kw, sigma0=[220.0, 460.0], v0=[120.0, 60.0], solver="chain")
    kern = simulate(**kw, sigma0=[220.0, 460.0], v0=[120.0, 60.0], solver="kernel",
                    kernel_store=store)
    np.testing.assert_allclose(both.sigma, kern.sigma, rtol=0, atol=1e-8)
    alone = simulate(**kw, sigma0=460.0, v0=60.0)
    # the wake of the first particle reaches the second one and changes its motion
    assert np.abs(both.sigma[1] - alone.sigma[0]).max() > 1e-3


def test_kernel_memory_covering_the_run_changes_nothing_and_short_memory_does(store):
    kw = dict(FIG3, phi0=20.0, tau_max=2.0, solver="kernel", kernel_store=store)
    full = simulate(**kw)
    covering = simulate(**kw, memory=2.5)
    short = simulate(**kw, memory=0.05)
    np.testing.assert_array_equal(full.sigma, covering.sigma)
    assert np.abs(full.sigma - short.sigma).max() > 1e-4


def test_free_particle_under_bias_follows_the_parabola_exactly():
    # phi0 = 0: no chain force; a constant force bias/alpha gives
    # sigma'' = (2 pi)^2 bias / (alpha mu), which the Verlet scheme integrates exactly.
    alpha, bias, mu, v0 = 40.0, 0.5, 2.0, 30.0
    traj = simulate(alpha=alpha, phi0=0.0, lam=4.0, mu=mu, sigma0=220.0, v0=v0, tau_max=2.0,
                    bias=bias)
    acc = (2 * math.pi) ** 2 * bias / (alpha * mu)
    expect = 220.0 + v0 * traj.tau + 0.5 * acc * traj.tau**2
    # rounding only (two-word positions): measured 7.5e-15 relative (2026-12-03, ~40 ulp of
    # sigma ~ 300 after 1200 steps); positions rounded to one word every step: 3.2e-11
    np.testing.assert_allclose(traj.sigma[0], expect, rtol=1e-13)
    np.testing.assert_allclose(traj.energy["chain"], 0.0, atol=0)


def test_energy_is_conserved_to_second_order_in_the_time_step():
    drift, chain = {}, {}
    for d in (60, 120):
        traj = simulate(**{**FIG3, "d": d}, phi0=20.0, tau_max=5.0)
        e = traj.energy["total"]
        drift[d] = np.abs(e - e[0]).max() / traj.energy["particle_kinetic"][0]
        chain[d] = traj.energy["chain"][-1]
        assert chain[d] > 0.01 * traj.energy["particle_kinetic"][0]
    # measured drift[60] = 2.0e-5 (2026-12-03), the particle integrator's O(delta^2)
    assert drift[60] < 1e-4
    assert 3.5 < drift[60] / drift[120] < 4.5
    # The chain's energy is read off the discrete chain exactly (T = theta/sin(theta) turns
    # the central difference back into the velocity), so it changes with delta only as the
    # motion itself does: measured 6.4e-7 between d = 60 and 120 (2026-12-03). Without T
    # the kinetic energy is low by ~theta^2/3 (theta = 2 pi omega_q delta <= 0.1): 4.4e-4.
    assert abs(chain[60] / chain[120] - 1) < 1e-5


def test_chain_is_at_rest_outside_the_sound_cone_and_its_front_moves_at_max_group_velocity():
    # Sec. III: a kick spreads at the largest group velocity pi (omega_fast - 1) behind an
    # Airy edge of width w(tau). The particle starts at g = 5.5 and moves slower than that,
    # so the first kicks (masses 5, 6 within tau ~ 0.2) set both fronts, at
    # n_f = 5.5 -+ pi (omega_fast - 1) tau.
    sites = np.arange(-800, 900)
    traj = simulate(**FIG3, phi0=20.0, tau_max=20.0, record_sites=sites,
                    chain_record_every=30, energy=False)
    speed = math.pi * (10.0 - 1.0)
    g_start = 220.0 / 40.0
    rho = np.abs(traj.chain_displacement)
    scale = rho.max()
    for col, tau in enumerate(traj.chain_tau):
        # Ai(x) ~ exp(-2/3 x^1.5) is 3e-13 of its peak at x = 12; 2 sites for the kicks'
        # reach. Measured max beyond: 4e-15 of the scale (2026-12-03); omega_fast 5 % high
        # puts 2e-8 there.
        outside = np.abs(sites - g_start) > speed * tau + 12.0 * airy_width(tau) + 2.0
        if outside.any():
            assert rho[outside, col].max() <= 1e-12 * scale, tau
    # The leading edge: the outermost site where |rho| reaches 1 % of the front's packet.
    # On an Airy edge that lies between the packet's peak (1 w behind n_f) and 3.1 w ahead
    # of n_f, +0.5 w for the lattice. Measured 1.3 .. 2.1 w ahead on both sides at
    # tau = 5 .. 20 (2026-12-03); omega_fast off by +-5 % gives >= 4.9 w ahead / >= 1.4 w
    # behind by tau = 10 (the front is then 14 sites = 2.7 w off).
    for tau in (5.0, 10.0, 15.0, 20.0):
        col = int(np.argmin(np.abs(traj.chain_tau - tau)))
        w = airy_width(tau)
        for side in (-1, 1):
            front = g_start + side * speed * tau
            ahead = side * (sites - front) > -10.0 * w  # the packet and what is beyond it
            packet = rho[ahead, col].max()
            assert packet > 1e-6 * scale  # the disturbance does reach the cone's edge
            edge = np.max(side * sites[rho[:, col] >= 0.01 * packet]) * side
            assert -1.0 * w <= side * (edge - front) <= 3.6 * w, (tau, side, edge, front, w)


def test_freezing_sites_outside_the_backward_cone_changes_nothing():
    kw = dict(FIG3, phi0=-20.0, tau_max=15.0, record_sites=np.arange(20))
    with_energy = simulate(**kw, energy=True)
    frozen = simulate(**kw, energy=False)
    assert frozen.params["frozen_far_sites"] and not with_energy.params["frozen_far_sites"]
    assert frozen.params["chain_sites_max_active"] < with_energy.params["chain_sites_max_active"]
    np.testing.assert_allclose(frozen.sigma, with_energy.sigma, rtol=0, atol=1e-10)
    np.testing.assert_allclose(frozen.chain_displacement, with_energy.chain_displacement,
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("kw", [
    # nearly at rest by a deep well (Phi0 = -30, mu = 0.3): it falls in at ~70 per unit tau
    dict(alpha=10.0, phi0=-30.0, lam=2.0, mu=0.3, sigma0=5.0, v0=1.0, tau_max=10.0,
         record_sites=[0, 1, 3]),
    # a strong bias runs the particle away: from 10 to ~90 per unit tau by tau = 20
    dict(alpha=20.0, phi0=0.5, lam=4.0, mu=1.0, sigma0=110.0, v0=10.0, bias=2.0, tau_max=20.0,
         record_sites=[5, 30]),
])
def test_chain_solver_without_energy_follows_a_particle_faster_than_its_start(kw):
    # Without the chain's energy the chain solver freezes the sites no wave can carry to the
    # particle before the run ends, assuming a particle no faster than max(pi (omega_fast -
    # 1) alpha / 4, 2 |v0|) per unit tau. One that speeds up beyond that is the same physics
    # (it used to be refused with a SimulationError). The references: the run with the
    # chain's energy (nothing frozen) and the transparent solver (a segment over the path).
    kw = dict(kw, omega_fast=3.0)
    frozen = simulate(**kw, energy=False)
    whole = simulate(**kw, energy=True)
    ends = simulate(**kw, energy=False, solver="transparent")
    assumed = max(math.pi * (kw["omega_fast"] - 1.0) * kw["alpha"] / 4.0, 2.0 * kw["v0"])
    assert np.abs(whole.velocity).max() > 2.0 * assumed
    np.testing.assert_array_equal(frozen.sigma, whole.sigma)
    np.testing.assert_array_equal(frozen.chain_displacement, whole.chain_displacement)
    assert np.abs(frozen.sigma - ends.sigma).max() <= 1e-13 * np.abs(ends.sigma).max()
    scale = np.abs(ends.chain_displacement).max()
    assert np.abs(frozen.chain_displacement - ends.chain_displacement).max() <= 1e-12 * scale


def test_chain_solver_checks_every_step_against_the_speed_its_frozen_sites_assume():
    # A particle that falls through deep wells (Phi0 = -2500, lam = 4) moves up to 343 per
    # unit tau for ~0.02 tau per well, above the 314 the frozen far sites assume (pi (omega_fast
    # - 1) alpha / 4), while every chunk start (every 58 steps) sees it at <= 301: sampling
    # the speed at chunk starts missed it. Every step is checked now, and the run is redone
    # with nothing frozen: the same numbers as with the chain's energy (nothing frozen).
    kw = dict(alpha=200.0, phi0=-2500.0, lam=4.0, mu=1.0, sigma0=100.0, v0=30.0, tau_max=8.0,
              omega_fast=3.0, d=240, record_sites=[0, 1, 2])
    fast = simulate(**kw, energy=False)
    bound = math.pi * (kw["omega_fast"] - 1.0) * kw["alpha"] / 4.0
    delta = 1.0 / (kw["d"] * kw["omega_fast"])
    assert np.abs(np.diff(fast.sigma[0])).max() / delta > 1.05 * bound
    assert not fast.params["frozen_far_sites"]
    whole = simulate(**kw, energy=True)
    np.testing.assert_array_equal(fast.sigma, whole.sigma)
    np.testing.assert_array_equal(fast.chain_displacement, whole.chain_displacement)


@pytest.mark.parametrize("v0", [50.0, 80.0])
def test_weak_single_pass_loss_approaches_eq26(v0):
    # Eq. (26) is the O(phi0^2) loss of a particle at constant speed: exact as phi0 -> 0.
    phi0, lam, alpha = 0.05, 4.0, 40.0
    traj = simulate(alpha=alpha, phi0=phi0, lam=lam, sigma0=220.0, v0=v0,
                    tau_max=2.2 * alpha / v0, record_sites=[6], energy=False)
    loss = single_pass_loss(traj)
    assert loss.passed
    expect = analytic.single_pass_loss(v0, phi0, lam)
    assert loss.delta == pytest.approx(expect, rel=5e-3)


def test_single_pass_loss_shifts_oppositely_for_the_two_signs():
    # Sec. V: a repulsive particle crosses the mass slower (loses as at a lower speed), an
    # attractive one faster; on the falling side of Eq. (26) the repulsive loss is larger.
    v0, lam, alpha = 50.0, 4.0, 40.0
    out = {}
    for phi0 in (2.0, -2.0):
        traj = simulate(alpha=alpha, phi0=phi0, lam=lam, sigma0=220.0, v0=v0,
                        tau_max=2.2 * alpha / v0, record_sites=[6], energy=False)
        out[phi0] = single_pass_loss(traj).delta
    expect = analytic.single_pass_loss(v0, 2.0, lam)
    assert out[2.0] > expect > out[-2.0]
    # the shift is odd in phi0: the mean of the two signs is much closer to Eq. (26)
    assert abs(0.5 * (out[2.0] + out[-2.0]) / expect - 1) < 0.2 * abs(out[2.0] / expect - 1)


def test_speed_at_the_mass_follows_energy_conservation_minus_part_of_the_loss():
    # Eq. (16): on a rigid chain the speed at the mass is sqrt(v0^2 - 8 pi^2 phi0/mu). The
    # real chain has taken part of the single-pass loss by then: the kinetic energy missing
    # at the extremum is positive and below the whole loss of Eq. (26).
    v0, phi0 = 50.0, 20.0
    traj = simulate(**{**FIG3, "v0": v0}, phi0=phi0, tau_max=0.8)
    ke = lambda v: 0.5 * (v / (2 * math.pi)) ** 2  # noqa: E731
    missing = ke(analytic.extremum_speed(v0, phi0, mu=1.0)) - ke(traj.velocity[0].min())
    assert 0 < missing < analytic.single_pass_loss(v0, phi0, 4.0)


def test_repulsive_particle_below_the_capture_speed_turns_back():
    phi0 = 2.0
    v_cap = analytic.capture_speed(phi0)
    traj = simulate(alpha=40.0, phi0=phi0, lam=4.0, sigma0=220.0, v0=0.9 * v_cap, tau_max=5.0,
                    energy=False)
    assert traj.sigma[0].max() < 240.0  # never passes the mass at alpha g = 240
    assert traj.velocity[0, -1] < 0


@pytest.mark.parametrize("v", [25.0, 50.0])
def test_dragged_particle_absorbs_eq33_per_site_at_weak_coupling(v):
    phi0, lam, alpha = 0.2, 4.0, 40.0
    res = drive(alpha=alpha, phi0=phi0, lam=lam, v=v, tau_max=60.0)
    expect = analytic.steady_state_loss(v, phi0, lam, alpha)
    assert res.delta_bar == pytest.approx(expect, rel=5e-3)
    # the work done and the chain's own energy are two measurements of the same thing, on
    # the same discrete dynamics (the particle is dragged: no integrator error between them).
    # Measured 1.7e-11 (v = 25), 5.1e-12 (v = 50) (2026-12-03); without the velocity stencil
    # T in the chain's kinetic energy 3.7e-5 and 9.6e-5
    assert res.delta_bar_chain_energy == pytest.approx(res.delta_bar, rel=1e-9)


def test_drag_correction_beyond_eq33_is_odd_in_phi0():
    v, lam, alpha = 15.0, 4.0, 40.0
    rep = drive(alpha=alpha, phi0=2.0, lam=lam, v=v, tau_max=150.0).delta_bar
    att = drive(alpha=alpha, phi0=-2.0, lam=lam, v=v, tau_max=150.0).delta_bar
    expect = analytic.steady_state_loss(v, 2.0, lam, alpha)
    assert abs(rep / expect - 1) > 5e-3  # each sign alone is visibly off ...
    assert 0.5 * (rep + att) == pytest.approx(expect, rel=3e-3)  # ... their mean is not


def test_biased_attractive_particle_locks_just_above_alpha_over_n():
    # Sec. VI, Fig. 8(b): with a small bias the speed at the midpoints settles just above
    # alpha/n instead of growing
    alpha = 40.0
    traj = simulate(alpha=alpha, phi0=-2.0, lam=4.0, sigma0=220.0, v0=10.0, tau_max=40.0,
                    bias=0.01, energy=False)
    mids = midpoint_speeds(traj)
    late = np.asarray(mids["v"])[np.asarray(mids["tau"]) > 20.0]
    assert late.size > 5
    n = round(alpha / late.mean())
    assert n == 4
    assert 0 < late.mean() - alpha / n < 0.03 * alpha / n
    assert np.ptp(late) < 0.01 * alpha / n


def test_kernel_solver_refuses_to_let_the_particle_leave_the_tracked_segment(tmp_path):
    small = precompute(tmp_path / "small.zarr", n_max=12, tau_max=4.0)
    with pytest.raises(SimulationError, match="left the tracked chain segment"):
        simulate(**FIG3, phi0=2.0, tau_max=4.0, solver="kernel", kernel_store=small)


def test_chain_solver_has_no_memory_truncation():
    with pytest.raises(ParameterError, match="memory"):
        simulate(**FIG3, phi0=2.0, tau_max=1.0, memory=0.5)


def test_runs_are_bit_identical_and_report_progress():
    seen = []
    a = simulate(**FIG3, phi0=20.0, tau_max=1.0, progress=seen.append)
    b = simulate(**FIG3, phi0=20.0, tau_max=1.0)
    np.testing.assert_array_equal(a.sigma, b.sigma)
    assert seen[-1] == pytest.approx(1.0) and seen == sorted(seen) and len(seen) >= 10



def test_chain_progress_counts_the_work_of_the_growing_sound_cone():
    # the active segment grows linearly with the sound cone from a finite width: by the
    # middle step between 1/4 (width from zero) and 1/2 (constant width) of the work is done
    seen = []
    simulate(**FIG3, phi0=20.0, tau_max=20.0, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 50
    assert 0.25 < seen[len(seen) // 2 - 1] < 0.45
    assert seen[0] < 0.5 / len(seen)  # the first percent of steps: far less than 1% of work


def test_kernel_progress_counts_the_future_each_force_is_propagated_into(store):
    # step b propagates its forces into the n - b steps still to come: by the middle step
    # 1 - (1/2)^2 = 3/4 of the work is done
    seen = []
    simulate(**FIG3, phi0=20.0, tau_max=3.0, solver="kernel", kernel_store=store,
             progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 50
    assert 0.7 < seen[len(seen) // 2 - 1] < 0.8

def test_params_carry_provenance():
    traj = simulate(**FIG3, phi0=20.0, tau_max=0.5)
    for key in ("alpha", "phi0", "lam", "mu", "bias", "omega_fast", "d", "delta", "solver",
                "chaindrag_version", "tau_max"):
        assert key in traj.params
    assert traj.params["delta"] == pytest.approx(1.0 / 600.0)


def test_the_time_taken_is_logged_and_kept_beside_the_params_not_among_them(caplog):
    import dataclasses
    import logging
    import re

    with caplog.at_level(logging.INFO, logger="chaindrag.solvers"):
        runs = [simulate(**FIG3, phi0=20.0, tau_max=0.5) for _ in range(2)]
        res = drive(alpha=40.0, phi0=2.0, lam=4.0, v=50.0, tau_max=4.0)
    assert runs[0].params == runs[1].params  # the same inputs, the same params: no timing
    assert "wall_time_s" not in runs[0].params and "wall_time_s" not in res.params
    for out in (*runs, res):  # in memory, for a notebook: how long the call took
        assert isinstance(out.wall_time_s, float) and out.wall_time_s > 0
    assert dataclasses.replace(res, wall_time_s=123.0) == res  # not part of the result
    lines = {r.name: r.getMessage() for r in caplog.records}
    assert re.fullmatch(r"simulate: solver=chain, 1 particle\(s\), tau=0\.5 \(300 steps\) "
                        r"in \d+\.\d\d s", lines["chaindrag.solvers.simulation"])
    assert re.fullmatch(r"drive: solver=chain, v=50, tau=4 \(2400 steps\) in \d+\.\d\d s",
                        lines["chaindrag.solvers.driven"])


def test_the_docstring_example_of_simulate_runs():
    import doctest

    import chaindrag.solvers.simulation

    result = doctest.testmod(chaindrag.solvers.simulation, verbose=False)
    assert result.attempted >= 4 and result.failed == 0


# --- the energy sums (chaindrag.solvers._energy) ----------------------------------------

@pytest.mark.parametrize("wt", range(0, 11))
def test_kinetic_sum_squares_the_velocity_stencil_and_reads_only_its_reach(wt):
    """Twice the kinetic energy, sum_k (T * u)_k^2, against numpy's shifted slices: for the
    vector kernels (stencil half-width 1..8, any length and offset, the last < 8 sites
    included) and the blocked fallback; NaN beyond u[a - wt : z + wt] must not leak in."""
    from chaindrag.solvers._energy import kinetic
    rng = np.random.default_rng(wt)
    t = rng.standard_normal(wt + 1)
    for n in (*range(20), 63, 64, 894):
        a = wt + int(rng.integers(0, 9))
        u = np.full(a + n + wt + 9, np.nan)
        u[a - wt:a + n + wt] = rng.standard_normal(n + 2 * wt)
        vel = t[0] * u[a:a + n]
        for j in range(1, wt + 1):
            vel = vel + t[j] * (u[a - j:a + n - j] + u[a + j:a + n + j])
        expected = float(np.sum(vel * vel))
        got = kinetic(u, t, a, a + n)
        assert got == pytest.approx(expected, rel=1e-13, abs=1e-300), (wt, n, a)


def test_potential_counts_every_site_and_every_inner_spring_once():
    """sum_k rho_k^2 + K sum (rho_{k+1} - rho_k)^2 over the sites and springs asked for."""
    from chaindrag.solvers._energy import potential
    rng = np.random.default_rng(3)
    x = rng.standard_normal(300)
    for a, z, m in ((5, 5, 5), (5, 6, 5), (7, 250, 249), (7, 250, 250), (0, 299, 298)):
        expected = np.sum(x[a:z] ** 2) + 80.0 * np.sum(np.diff(x[a:m + 1]) ** 2)
        assert potential(x, a, z, m, 80.0) == pytest.approx(expected, rel=1e-13, abs=1e-300)
