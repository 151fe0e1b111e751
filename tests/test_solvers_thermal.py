"""Both solvers on a chain at finite temperature (issue 13): the free thermal motion rho^H of
one realization plus the particles' response (Eq. 9).

References: the realization itself (chaindrag.thermal.ThermalChain, evaluated independently
of the solvers), the closed-form variance of the free thermal chain, the chain at rest, and
the two solvers against each other.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from chaindrag import thermal
from chaindrag.interactions import Gaussian, Morse
from chaindrag.kernel import precompute
from chaindrag.params import SimulationError
from chaindrag.solvers import simulate, simulation
from chaindrag.thermal import ThermalChain

FIG3 = dict(alpha=40.0, phi0=20.0, lam=4.0, mu=1.0, sigma0=220.0, v0=120.0, omega_fast=10.0,
            d=60)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return precompute(tmp_path_factory.mktemp("kernel") / "k.zarr", n_max=60, tau_max=3.0)


def _realization(traj) -> ThermalChain:
    """The realization a run used, rebuilt from its params alone."""
    p = traj.params
    return ThermalChain(p["omega_T"], statistics=p["statistics"], seed=p["seed"],
                        omega_fast=p["omega_fast"], n_modes=p["n_modes"])


@pytest.mark.parametrize("statistics", ["classical", "quantum"])
def test_both_solvers_see_the_same_thermal_realization(store, statistics):
    kw = dict(FIG3, tau_max=3.0, record_sites=np.arange(2, 14), omega_T=2.0,
              statistics=statistics, seed=3)
    chain = simulate(**kw)
    kern = simulate(**kw, solver="kernel", kernel_store=store)
    rest = simulate(**dict(FIG3, tau_max=3.0))
    assert chain.params["n_modes"] == kern.params["n_modes"]
    assert np.abs(chain.sigma - rest.sigma).max() > 1.0  # the thermal motion matters
    assert np.abs(chain.sigma - kern.sigma).max() <= 1e-8 * np.abs(chain.sigma).max()
    scale = np.abs(chain.chain_displacement).max()
    np.testing.assert_allclose(chain.chain_displacement, kern.chain_displacement, rtol=0,
                               atol=1e-9 * scale)


def test_without_a_temperature_the_chain_is_at_rest_as_before(store):
    kw = dict(FIG3, tau_max=1.0, record_sites=np.arange(2, 14))
    for extra in ({}, dict(solver="kernel", kernel_store=store)):
        before = simulate(**kw, **extra)
        explicit = simulate(**kw, **extra, omega_T=None, statistics="quantum", seed=0)
        np.testing.assert_array_equal(before.sigma, explicit.sigma)
        np.testing.assert_array_equal(before.chain_displacement, explicit.chain_displacement)
        assert explicit.params["omega_T"] is None and explicit.params["thermal"] is None
    assert "total" in before.energy or "total" in simulate(**kw).energy


def test_classical_zero_temperature_is_the_chain_at_rest(store):
    # equipartition at T = 0: every mode amplitude is zero, the realization is rho^H = 0
    kw = dict(FIG3, tau_max=3.0, record_sites=np.arange(2, 14))
    cold = dict(omega_T=0.0, statistics="classical", seed=5)
    for extra in ({}, dict(solver="kernel", kernel_store=store), dict(solver="transparent")):
        rest = simulate(**kw, **extra, energy=False)
        zero = simulate(**kw, **extra, **cold)
        np.testing.assert_allclose(zero.sigma, rest.sigma, rtol=0, atol=1e-12)
        np.testing.assert_allclose(zero.chain_displacement, rest.chain_displacement, rtol=0,
                                   atol=1e-14)
    # while quantum statistics at T = 0 is the zero-point motion: the chain moves
    zp = simulate(**kw, omega_T=0.0, statistics="quantum", seed=5)
    assert np.abs(zp.chain_displacement[:, 0]).max() > 0.05


def _solver(solver, store) -> dict:
    return dict(solver="kernel", kernel_store=store) if solver == "kernel" else \
        dict(solver=solver)


@pytest.mark.parametrize("solver", ["chain", "kernel", "transparent"])
def test_an_uncoupled_chain_moves_exactly_as_the_realization(store, solver):
    # phi0 = 0: nothing acts on the chain, so every recorded rho is the realization's own
    # rho^H, evaluated independently by ThermalChain. The kernel solver pre-fills it (exact
    # to rounding); the chain solver advances it with its propagator, whose cos stencil is
    # cut below 1e-14: each step shifts a mode's phase by at most 2e-14 / sin(theta_q),
    # largest at the band bottom, theta = 2 pi delta (the slow modes carry the most
    # thermal amplitude). The transparent solver advances it the same way on its segment
    # and lets it in through its ends.
    tau_max = 3.0 if solver == "kernel" else 10.0
    extra = _solver(solver, store)
    traj = simulate(**dict(FIG3, phi0=0.0), tau_max=tau_max, record_sites=np.arange(0, 40, 3),
                    chain_record_every=30, omega_T=1.5, statistics="quantum", seed=11, **extra)
    expect = _realization(traj).displacement(traj.chain_sites, traj.chain_tau).T
    scale = np.abs(expect).max()
    assert scale > 0.1
    phase_step = 2e-14 / math.sin(2 * math.pi * traj.params["delta"])
    tol = phase_step * traj.params["n_steps"] if solver != "kernel" else 1e-13
    np.testing.assert_allclose(traj.chain_displacement, expect, rtol=0, atol=tol * scale)


def _sum_sq_covariance(m_step: int, n_sites: int, taus: np.ndarray, omega_T: float,
                       statistics: str) -> float:
    """Sum over ordered sample pairs of C^2; samples on n_sites sites m_step apart at taus.

    Pairs further apart than 200 steps are left out: beyond the light cone of the largest
    lag and the static decay length their C is below 1e-12 of C_0(0).
    """
    k = np.arange(min(n_sites, 200))
    pairs = np.where(k == 0, n_sites, 2 * (n_sites - k))  # pairs at site distance k m_step
    lags = np.abs(np.subtract.outer(taus, taus)).ravel()
    c = thermal.correlation((k * m_step)[None, :], lags[:, None], omega_T, statistics)
    return float(np.sum(c**2 * pairs[None, :]))


@pytest.mark.parametrize("statistics, omega_T", [("classical", 1.0), ("quantum", 0.5)])
def test_the_explicit_chain_keeps_the_thermal_state_stationary(statistics, omega_T):
    # phi0 = 0: the chain solver evolves the realization on its own. The mean of rho^2 over
    # 1500 sites (8 apart) at five times must equal the closed-form variance; for a Gaussian
    # field the estimate's variance is (2/M^2) sum_ij C_ij^2, summed from the closed-form
    # correlations. A wrong start (say zero initial velocities) moves the later times' mean
    # by tens of per cent.
    sites = np.arange(0, 12000, 8)
    tau_max = 6.0
    traj = simulate(**dict(FIG3, phi0=0.0, sigma0=0.0), tau_max=tau_max, record_sites=sites,
                    chain_record_every=round(1.5 / (1 / 600)), omega_T=omega_T,
                    statistics=statistics, seed=2, energy=False)
    rho = traj.chain_displacement
    assert rho.shape == (sites.size, 5)
    var = thermal.displacement_variance(omega_T, statistics)
    m = rho.size
    sd_all = math.sqrt(2.0 * _sum_sq_covariance(8, sites.size, traj.chain_tau, omega_T,
                                                statistics)) / m
    sd_one = math.sqrt(2.0 * _sum_sq_covariance(8, sites.size, np.zeros(1), omega_T,
                                                statistics)) / sites.size
    assert abs(np.mean(rho**2) - var) < 5.0 * sd_all
    for col in range(rho.shape[1]):  # and at every single time
        assert abs(np.mean(rho[:, col] ** 2) - var) < 5.0 * sd_one, col
    assert sd_one < 0.1 * var  # the test has the power to see a 30% error


@pytest.mark.parametrize("solver", ["chain", "transparent"])
def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_chain(solver):
    kw = dict(FIG3, tau_max=1.0, record_sites=[4, 8], omega_T=1.0, statistics="classical",
              solver=solver)
    a = simulate(**kw, seed=4)
    b = simulate(**kw, seed=4)
    c = simulate(**kw, seed=5)
    assert a.sigma.tobytes() == b.sigma.tobytes()
    assert a.chain_displacement.tobytes() == b.chain_displacement.tobytes()
    assert np.abs(a.chain_displacement - c.chain_displacement).max() > 1e-3


def test_a_prebuilt_realization_is_the_same_as_the_arguments(store):
    kw = dict(FIG3, tau_max=1.0, record_sites=[4, 8])
    by_args = simulate(**kw, omega_T=1.0, statistics="classical", seed=9)
    prebuilt = simulate(**kw, thermal=ThermalChain(1.0, statistics="classical", seed=9))
    np.testing.assert_array_equal(by_args.sigma, prebuilt.sigma)
    # a larger ring is another realization, and is accepted
    big = ThermalChain(1.0, statistics="classical", seed=9, n_modes=4096)
    other = simulate(**kw, thermal=big)
    assert other.params["n_modes"] == 4096
    assert np.abs(other.chain_displacement - by_args.chain_displacement).max() > 1e-3


def test_params_record_the_realization_and_a_thermal_run_has_no_chain_energy():
    traj = simulate(**FIG3, tau_max=0.5, omega_T=1.0, statistics="quantum", seed=1,
                    energy=True)
    p = traj.params
    assert (p["omega_T"], p["statistics"], p["seed"]) == (1.0, "quantum", 1)
    assert p["n_modes"] == thermal.ring_size(0.5, 10.0, p["thermal_window"][1]
                                             - p["thermal_window"][0])
    assert p["thermal"]["seed_sequence"]["entropy"] == 1
    assert "chain" not in traj.energy and "total" not in traj.energy
    assert p["frozen_far_sites"]


@pytest.mark.parametrize("solver", ["chain", "kernel", "transparent"])
def test_a_particle_leaving_the_thermal_window_stops_the_run(store, solver, monkeypatch):
    # the window is where the ring is exact: a particle beyond it must not go on silently
    monkeypatch.setattr(simulation, "interaction_window", lambda *a, **k: (3, 9))
    extra = _solver(solver, store)
    with pytest.raises(SimulationError, match="window"):
        simulate(**FIG3, tau_max=2.0, omega_T=1.0, **extra)


@pytest.mark.parametrize("solver", ["chain", "transparent"])
def test_a_particle_started_on_a_barrier_runs_as_far_on_a_cold_chain_as_at_rest(solver):
    # Started on a mass of a repulsive Gaussian (Phi0 = 3) at v0 = 5, the particle holds
    # ten times its kinetic energy (0.32) as interaction energy: it rolls off the barrier
    # and passes six masses by tau = 20 at up to 16 per unit tau. Its energy budget, which
    # sets the thermal window, must count that energy (without it the window ended at
    # site 6 and the run was refused at tau = 15.5); on a nearly cold chain (classical
    # omega_T = 0.01) the particle then goes as far as on the chain at rest.
    kw = dict(alpha=40.0, phi0=3.0, lam=4.0, mu=1.0, sigma0=0.0, v0=5.0, tau_max=20.0,
              energy=False, solver=solver)
    cold = simulate(**kw, omega_T=0.01, statistics="classical", seed=1)
    rest = simulate(**kw)
    assert rest.sigma[0, -1] > 5.5 * kw["alpha"]
    assert np.abs(cold.sigma - rest.sigma).max() < 0.05 * kw["alpha"]
    lo, hi = cold.params["thermal_window"]
    assert lo * kw["alpha"] < cold.sigma.min() and cold.sigma.max() < hi * kw["alpha"]


@pytest.mark.parametrize("solver", ["chain", "kernel", "transparent"])
def test_thermal_progress_counts_the_work_and_ends_at_one(store, solver):
    extra = _solver(solver, store)
    seen = []
    simulate(**FIG3, tau_max=3.0, omega_T=1.0, progress=seen.append, **extra)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 20


def _visiting_further(inter):
    """``inter`` with its masses visited 400 further out: a reference that misses none."""
    class Further(type(inter)):
        def reach(self, force_floor=None):
            return super().reach(force_floor) + 400.0
    return Further(**{f.name: getattr(inter, f.name) for f in dataclasses.fields(inter)})


# the masses move 0.48 of the Morse channel's width per step (a TimeStepWarning): the runs
# compared share the time step, and only which masses are visited differs between them
@pytest.mark.filterwarnings("ignore::chaindrag.params.TimeStepWarning")
@pytest.mark.parametrize("inter", [Gaussian(2.0, 4.0), Morse.channel()],
                         ids=["gaussian", "morse"])
def test_masses_a_hot_chain_carries_into_reach_are_felt(inter, monkeypatch):
    # The solvers pick a particle's masses by lattice site. At omega_T = 1e4, rho^H has an
    # rms of 32 and carries masses from beyond the reach into it: the reach grows by 6 rms,
    # and the run is the one that visits every mass 400 further out (same realization).
    omega_T = 1e4
    bath = ThermalChain(omega_T, statistics="classical", seed=1).with_ring_for(5.0, 6000)
    kw = dict(alpha=40.0, sigma0=220.0, v0=40.0, tau_max=5.0, thermal=bath)
    run = simulate(interaction=inter, **kw)
    ref = simulate(interaction=_visiting_further(inter), **kw)
    rms = math.sqrt(thermal.displacement_variance(omega_T, "classical"))
    assert run.params["reach"] == pytest.approx(inter.reach() + 6.0 * rms)
    assert np.abs(run.sigma - ref.sigma).max() <= 1e-12 * np.abs(ref.sigma).max()
    # selecting by the bare reach misses forces: the comparison can fail
    monkeypatch.setattr(simulation, "thermal_reach", lambda inter, alpha, bath: inter.reach())
    bare = simulate(interaction=inter, **kw)
    assert np.abs(bare.sigma - ref.sigma).max() > 3e-11 * np.abs(ref.sigma).max()


def test_a_chain_at_the_studys_temperatures_keeps_the_gaussians_reach():
    # Fig. 8's Gaussian at Omega_T <= 50 (rms rho^H 2.2): a mass 6 rms inside the
    # selection is still beyond the paper's force floor, so no number of the study changes
    run = simulate(alpha=40.0, phi0=2.0, lam=4.0, sigma0=220.0, v0=40.0, tau_max=0.5,
                   omega_T=50.0, statistics="classical", seed=0)
    assert run.params["reach"] == Gaussian(2.0, 4.0).reach()
