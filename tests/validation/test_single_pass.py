"""Figs. 5, 6 claims on single-pass tables built from Eq. (26): agreement, side, maximum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chaindrag import analytic, validation

from .helpers import verdicts

NA = validation.NA


def _single_pass(delta_of, figure="fig6", lam=4.0, phi0=2.0, v0s=None):
    """Single-pass table with delta_numeric = delta_of(v0, phi0, Eq. 26) for both signs."""
    v0s = np.arange(14.0, 60.5, 2.0) if v0s is None else np.asarray(v0s, float)
    rows = []
    for p in (phi0, -phi0):
        for v0 in v0s:
            an = float(analytic.single_pass_loss(v0, p, lam, 10.0))
            rows.append(dict(figure=figure, alpha=40.0, phi0=p, lam=lam, mu=1.0, v0=v0,
                             omega_fast=10.0, passed=True, delta_numeric=delta_of(v0, p, an),
                             delta_analytic=an))
    return pd.DataFrame(rows)


def _shifted(v0, p, an, lam=4.0):
    """Eq. 26 at the mean of v0 and v_ext: the speed shift of Sec. V, sign included."""
    v_ext = float(analytic.extremum_speed(v0, p))
    return float(analytic.single_pass_loss(0.5 * (v0 + v_ext), p, lam, 10.0))


def test_single_pass_agreement_passes_at_1e_3_and_fails_at_factor_1_5():
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: an * (1 + 1e-3)))
    assert verdicts(rows, "agrees with Eq. (26)") == [True, True]
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: an * 1.5))
    assert verdicts(rows, "agrees with Eq. (26)") == [False, False]


def test_a_weak_potentials_loss_3_percent_off_eq26_does_not_agree():
    # Fig. 5(a), |Phi0| = 0.01: the speed hardly changes in a pass (speed-variation effect
    # <= 6e-5), so Eq. (26) at v0 is sharp and only the 2 % integration allowance is left;
    # a loss 1.5 % off passes, 3 % off fails, for both signs
    v0s = np.arange(8.0, 80.5, 2.0)
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: 1.015 * an,
                                                     figure="fig5a", phi0=0.01, v0s=v0s))
    assert verdicts(rows, "agrees with Eq. (26)") == [True, True]
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: 1.03 * an,
                                                     figure="fig5a", phi0=0.01, v0s=v0s))
    assert verdicts(rows, "agrees with Eq. (26)") == [False, False]


def test_eq26_at_a_speed_the_pass_never_reaches_does_not_agree():
    # Sec. V: the pass takes speeds between v0 and v_ext, so the loss lies within Eq. (26)
    # over that range: Eq. 26 at v_ext itself agrees (Fig. 6, KE >= 10 |Phi0|: v0 = 40..60,
    # speed-variation effect 5 %); Eq. 26 at v0 + 2.5 (v_ext - v0), a speed 2.5 times as far
    # from v0 as any the pass takes, does not (12-15 % off against a 10 % tolerance)
    v0s = np.arange(40.0, 60.5, 1.0)

    def at(factor):
        def delta(v0, p, an):
            v = v0 + factor * (float(analytic.extremum_speed(v0, p)) - v0)
            return float(analytic.single_pass_loss(v, p, 4.0, 10.0))
        return delta

    rows = validation.check_single_pass(_single_pass(at(1.0), v0s=v0s))
    assert verdicts(rows, "agrees with Eq. (26)") == [True, True]
    rows = validation.check_single_pass(_single_pass(at(2.5), v0s=v0s))
    assert verdicts(rows, "agrees with Eq. (26)") == [False, False]


def test_single_pass_side_of_the_curve_passes_with_the_shift_and_fails_reversed():
    rows = validation.check_single_pass(_single_pass(_shifted))
    assert verdicts(rows, "curve's speed") == [True, True]
    assert verdicts(rows, "agrees with Eq. (26)") == [True, True]
    # the repulsive and attractive results swapped: both on the wrong side
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: _shifted(v, -p, an)))
    assert verdicts(rows, "curve's speed") == [False, False]


def test_single_pass_side_of_the_curve_fails_when_a_third_of_the_points_lie_across():
    # Sec. V's shift is systematic (the pass samples speeds on one side of v0): points with
    # the shift reversed at every third v0 (a third on the wrong side) contradict it
    def mixed(v0, p, an):
        return _shifted(v0, -p if round(v0) % 6 == 2 else p, an)

    rows = validation.check_single_pass(_single_pass(mixed))
    side = [r for r in rows if "curve's speed" in r["claim"]]
    assert [r["passed"] for r in side] == [False, False]
    assert all(0.55 <= r["measured"] <= 0.75 for r in side)


def test_single_pass_nonmonotonic_passes_fails_and_is_not_applicable():
    rows = validation.check_single_pass(_single_pass(_shifted))
    assert verdicts(rows, "nonmonotonic") == [True, True]
    # a monotonically falling loss (a v^-4 power law) has no interior maximum
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: 1e-2 * (20.0 / v) ** 4))
    assert verdicts(rows, "nonmonotonic") == [False, False]
    # fig5b's range (100..1250 at lambda = 4) lies beyond the maximum of Eq. 26
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: an, figure="fig5b",
                                                     phi0=24.0, v0s=[100.0, 400.0, 700.0]))
    assert verdicts(rows, "nonmonotonic") == [NA, NA]


def test_single_pass_not_applicable_when_no_point_has_ke_much_above_phi0():
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: an, v0s=[14.0, 20.0]))
    assert verdicts(rows, "agrees with Eq. (26)") == [NA, NA]
    with pytest.raises(validation.NotApplicable):
        validation.check_single_pass(None, None, None)


def test_a_fast_morse_pass_agrees_with_eq25_once_the_window_edges_are_free():
    # The KE drop between two midpoints holds the interaction energy there; the Morse
    # channel's tail at alpha/2 = 20 is 730x the loss at v0 = 400, and the drop misses
    # Eq. (25) by 6 %. At alpha = 80 the tail is 0.04x the loss and the same pass agrees
    # to 1 %: the claim excludes exactly the first (|Phi(midpoint)| > 50 Delta_25).
    from chaindrag.interactions import Morse
    from chaindrag.solvers import simulate
    from chaindrag.trajectory import single_pass_loss
    from chaindrag.validation.pair import midpoint_energy
    from chaindrag.validation.tolerances import SP_EDGE_ENERGY

    inter, v0 = Morse(D=1.0, a=0.5, r0=6.0, h=4.0), 400.0
    an = float(analytic.single_pass_loss(v0, omega_fast=10.0, interaction=inter))
    err = {}
    for alpha in (40.0, 80.0):
        traj = simulate(alpha=alpha, interaction=inter, sigma0=5.5 * alpha, v0=v0,
                        tau_max=2.2 * alpha / v0, d=3000, record_sites=np.array([6]),
                        chain_record_every=1, energy=False)
        err[alpha] = single_pass_loss(traj).delta / an - 1.0
    edge = {a: abs(midpoint_energy(inter, 0.0, 0.0, a)) for a in err}
    assert abs(err[80.0]) <= 0.015 and edge[80.0] <= SP_EDGE_ENERGY * an
    assert abs(err[40.0]) > 0.04 and edge[40.0] > SP_EDGE_ENERGY * an


def test_single_pass_agreement_excludes_points_whose_window_edges_hold_the_tail():
    # a Morse-channel table whose fastest point misses Eq. (25) by 6 % (as measured at
    # alpha = 40): excluded and counted where its edges hold 730x the loss, a failure
    # where the lattice is wide enough for the edges to be free (alpha = 80)
    from chaindrag.analytic._pair import provenance_text
    from chaindrag.interactions import Morse

    inter = Morse(D=1.0, a=0.5, r0=6.0, h=4.0)
    rows = {}
    for alpha in (40.0, 80.0):
        table = []
        for v0 in (100.0, 150.0, 400.0):
            an = float(analytic.single_pass_loss(v0, omega_fast=10.0, interaction=inter))
            table.append(dict(figure="fig5b", alpha=alpha, phi0=float(inter.phi_at_zero),
                              lam=float(inter.width), mu=1.0, v0=v0, omega_fast=10.0,
                              passed=True, delta_numeric=an * (0.94 if v0 == 400.0 else 1.0),
                              delta_analytic=an, interaction=provenance_text(inter)))
        rows[alpha] = validation.check_single_pass(pd.DataFrame(table))[0]
    assert rows[40.0]["passed"] is True
    assert "1 with an interaction energy at the midpoints > 50 x the loss" in rows[40.0]["note"]
    assert rows[80.0]["passed"] is False
