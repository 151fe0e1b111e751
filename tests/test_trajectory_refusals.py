"""What the trajectory measurements refuse, and the symmetries their verdicts obey (Secs. IV-VI).

A measurement on a record too coarse to resolve it, a verdict on a malformed speed table, or
a particle that does not exist must raise a ParameterError naming the argument, never return
a number; the fate of a biased run must not depend on which way the chain is drawn.
"""

import math

import numpy as np
import pandas as pd
import pytest

from chaindrag.params import ParameterError
from chaindrag.solvers import simulate
from chaindrag.trajectory import (Trajectory, drift_fate, midpoint_speeds, per_pass_losses,
                                  single_pass_loss)
from chaindrag.trajectory.fates import fate_decided_at

ALPHA = 40.0
REPRO = dict(alpha=ALPHA, phi0=2.0, lam=4.0, sigma0=220.0, v0=30.0, tau_max=3.0,
             record_sites=[5, 6, 7])  # the audit's run: delta * v0 = lam / 80 per step


def decimated(traj, every):
    """Every ``every``-th record of a full-resolution run, as simulate(record_every=every)."""
    keep = slice(0, None, every)
    return Trajectory(traj.tau[keep], traj.sigma[:, keep], traj.velocity[:, keep],
                      traj.chain_sites, traj.chain_tau, traj.chain_displacement,
                      params=dict(traj.params, record_every=every))


def steady_table(v, n=200, direction=1):
    """Midpoint speeds of a particle crossing one cell every alpha/v at constant speed v."""
    tau = ALPHA / v * np.arange(n)
    return pd.DataFrame(dict(tau=tau, v=np.full(n, v), direction=direction))


# --- record resolution (Secs. IV A, V) ----------------------------------------------------

def test_energy_losses_need_every_step_recorded():
    # a loss is a small difference of kinetic energies (here 0.0232 of 11.4): interpolating v
    # linearly across two solver steps instead of one already shifts it by ~1e-6 relative
    # (worst over the record's phase), across 200 by 19 %. Only the full record is measured.
    full = simulate(**REPRO)
    assert single_pass_loss(full).passed
    for every in (2, 10, 200):
        coarse = decimated(full, every)
        with pytest.raises(ParameterError, match=f"record_every={every}"):
            single_pass_loss(coarse)
        with pytest.raises(ParameterError, match="record_every"):
            per_pass_losses(coarse)
    # the simulated decimation is refused the same way
    with pytest.raises(ParameterError, match="record_every=200"):
        single_pass_loss(simulate(**REPRO, record_every=200))


def test_a_full_record_is_measured_even_where_one_step_spans_a_quarter_of_the_width():
    # Fig. 5(a) runs lam = 0.5 at v0 = 80 with d = 60: delta v0 = 0.27 lam per step. The
    # solver's own step is never refused by the measurement (simulate bounds it), while the
    # same motion recorded every other step is.
    kw = dict(alpha=ALPHA, phi0=0.01, lam=0.5, sigma0=220.0, v0=80.0,
              tau_max=2.2 * ALPHA / 80.0, record_sites=[6])
    full = simulate(**kw)
    assert single_pass_loss(full).passed
    with pytest.raises(ParameterError, match="record_every=2"):
        single_pass_loss(simulate(**kw, record_every=2))


def test_midpoint_speeds_of_a_decimated_record_agree_to_1e6_or_are_refused():
    # the crossing's v is linear between records, its error ~ (move per sample / lam)^2:
    # at lam/4 per sample (record_every = 20 at v0 = 30) the speeds agree with the full
    # record to ~1e-7; at 2.5 lam per sample (record_every = 200) they would err by 2e-4
    full = simulate(**REPRO)
    for method in ("midpoint", "extremum"):
        ref = midpoint_speeds(full, method=method)
        coarse = midpoint_speeds(decimated(full, 20), method=method)
        assert len(coarse) == len(ref) >= 2
        np.testing.assert_allclose(coarse["v"], ref["v"], rtol=1e-6, atol=0)
        with pytest.raises(ParameterError, match=r"lam=4.*record_every=200"):
            midpoint_speeds(decimated(full, 200), method=method)


def test_a_decimated_record_is_refused_where_the_force_still_curves_v_at_the_midpoint():
    # lam = 8 = alpha/5: the Gaussians overlap and v still curves at the midpoints, so a
    # record of every 10th step (0.06 lam per sample) would misplace v there by 2e-5; its
    # second differences show it. Every other step (error 1.4e-7) is accepted.
    full = simulate(**dict(REPRO, lam=8.0, tau_max=6.0, record_sites=[]))
    ref = midpoint_speeds(full)
    every_other = midpoint_speeds(decimated(full, 2))
    np.testing.assert_allclose(every_other["v"], ref["v"], rtol=1e-6, atol=0)
    with pytest.raises(ParameterError, match=r"record_every=10.*above 1e-06"):
        midpoint_speeds(decimated(full, 10))


def test_a_hand_made_record_moving_more_than_a_quarter_width_per_sample_is_refused():
    # no record_every nor delta: the record is judged by how far the particle moves per
    # sample. v = 30 +- 3 cos(...) sampled every 0.05 tau moves 1.65 > lam/4 = 1
    vbar, amp = 30.0, 3.0
    kw = 2 * math.pi * vbar / ALPHA
    tau = np.arange(0.0, 10.0, 0.05)
    sigma = 220.0 + vbar * tau + amp / kw * np.sin(kw * tau)
    traj = Trajectory(tau, sigma, vbar + amp * np.cos(kw * tau), [], [], [],
                      params=dict(alpha=ALPHA, phi0=2.0, lam=4.0, mu=1.0))
    with pytest.raises(ParameterError, match="lam=4"):
        midpoint_speeds(traj)


# --- which particle -----------------------------------------------------------------------

@pytest.mark.parametrize("particle", [0.5, True, np.True_, "0"])
@pytest.mark.parametrize("measure", [single_pass_loss, per_pass_losses, midpoint_speeds])
def test_the_particle_measured_is_an_integer_index_of_the_record(particle, measure):
    tau = np.arange(0.0, 3.0, 1e-3)
    sigma = 220.0 + 30.0 * tau
    traj = Trajectory(tau, np.vstack([sigma, sigma + 5.0]), np.full((2, tau.size), 30.0),
                      [], [], [], params=dict(alpha=ALPHA, phi0=2.0, lam=4.0, mu=1.0))
    with pytest.raises(ParameterError, match=r"particle.*\[0, 1\]"):
        measure(traj, particle)


# --- the fate of a biased run is mirror symmetric (Sec. VI, Fig. 8) -------------------------

def test_mirror_image_of_a_biased_run_gets_the_same_fate_and_numbers():
    # sigma -> -sigma, v -> -v, bias -> -bias is a symmetry of the model: the verdict and
    # every speed in it must be the same (speeds are |v|). The audit's pair was judged
    # 'undetermined' and 'drift, n = 2, offset 9.09' (at cell speed 29.1, not alpha/2).
    kw = dict(alpha=ALPHA, phi0=2.0, lam=4.0, tau_max=40.0, solver="transparent",
              record_sites=[])
    fates = []
    for sign in (1.0, -1.0):
        run = simulate(**kw, sigma0=sign * 220.0, v0=sign * 30.0, bias=sign * 0.01)
        table = midpoint_speeds(run, method="extremum")
        assert (table["direction"] == sign).all()
        fates.append(drift_fate(table, alpha=ALPHA, bias=sign * 0.01, mu=1.0, tau_end=40.0))
        assert drift_fate(run) == pytest.approx(fates[-1], nan_ok=True)
    right, left = fates
    assert right["fate"] == left["fate"] == "undetermined"
    assert right["criterion"] == left["criterion"] and right["n"] == left["n"]
    for key in ("cell_v", "tail_v", "tail_slope"):
        assert left[key] == pytest.approx(right[key], rel=1e-9)


def test_a_run_accelerated_leftward_by_a_leftward_bias_is_a_runaway():
    # one cell every alpha/v while v = 86 + 0.01 tau (a steady acceleration)
    tau = [0.0]
    while tau[-1] + ALPHA / (86.0 + 0.01 * tau[-1]) < 800.0:
        tau.append(tau[-1] + ALPHA / (86.0 + 0.01 * tau[-1]))
    rising = pd.DataFrame(dict(tau=tau, v=86.0 + 0.01 * np.array(tau), direction=1))
    right = drift_fate(rising, ALPHA, 0.01, tau_end=800.0)
    left = drift_fate(rising.assign(direction=-1), ALPHA, -0.01, tau_end=800.0)
    assert right["fate"] == left["fate"] == "runaway"
    assert left == pytest.approx(right, nan_ok=True)
    # moving against the bias, the same rise is no runaway (the bias cannot drive it)
    against = drift_fate(rising.assign(direction=-1), ALPHA, 0.01, tau_end=800.0)
    assert against["fate"] != "runaway"


# --- drift_fate refuses what it cannot judge ----------------------------------------------

TABLE = steady_table(ALPHA / 2)
END = float(TABLE["tau"].iloc[-1])


@pytest.mark.parametrize("kwargs, name", [
    (dict(tau_end=math.nan), "tau_end"),
    (dict(tau_end=math.inf), "tau_end"),
    (dict(tau_end=-5.0), "tau_end"),
    (dict(tau_end=END - 10.0), "tau_end"),  # the run cannot end before its last crossing
    (dict(plateau_rtol=-1.0), "plateau_rtol"),
    (dict(plateau_rtol=math.nan), "plateau_rtol"),
    (dict(settled=math.nan), "settled"),
    (dict(runaway_rtol=math.nan), "runaway_rtol"),
    (dict(steady_ratio=math.nan), "steady_ratio"),
    (dict(period_rtol=math.nan), "period_rtol"),
    (dict(gap_cells=math.nan), "gap_cells"),
    (dict(gap_cells=0.0), "gap_cells"),
    (dict(min_points=0), "min_points"),
    (dict(min_points=2.5), "min_points"),
    (dict(min_points=True), "min_points"),
])
def test_drift_fate_refuses_arguments_outside_their_range(kwargs, name):
    kw = dict(tau_end=END) | kwargs
    with pytest.raises(ParameterError, match=name):
        drift_fate(TABLE, ALPHA, 0.01, **kw)


@pytest.mark.parametrize("table, name", [
    (TABLE.assign(v=math.nan), r"table\['v'\]"),
    (TABLE.drop(columns="v"), "'v'"),
    (TABLE.drop(columns="tau"), "'tau'"),
    (TABLE.iloc[::-1].reset_index(drop=True), r"table\['tau'\] must increase"),
    (TABLE.assign(direction=0), "direction"),
])
def test_drift_fate_refuses_a_speed_table_it_cannot_read(table, name):
    with pytest.raises(ParameterError, match=name):
        drift_fate(table, ALPHA, 0.01, tau_end=END)


def test_a_trajectory_is_judged_no_later_than_its_record_ends():
    tau = np.arange(0.0, 60.0, 2e-3)
    traj = Trajectory(tau, 220.0 + ALPHA / 3 * tau, np.full_like(tau, ALPHA / 3), [], [], [],
                      params=dict(alpha=ALPHA, phi0=2.0, lam=4.0, mu=1.0, bias=0.01))
    assert drift_fate(traj)["fate"] == "drift"
    with pytest.raises(ParameterError, match="tau_end"):
        drift_fate(traj, tau_end=1e9)  # was 'captured': no crossing after the record ends


def test_fate_decided_at_refuses_a_fate_drift_fate_never_gives():
    with pytest.raises(ParameterError, match="fate"):
        fate_decided_at(TABLE, "stuck", ALPHA, 0.01, tau_end=END)
