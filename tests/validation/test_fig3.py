"""Fig. 3 claims on synthetic trajectories: sound cone, trapping, small displacement."""

from __future__ import annotations

import pytest

from chaindrag import validation

from .helpers import fig3_traj, verdicts

NA = validation.NA


def test_fig3_claims_pass_on_a_trapped_particle_with_a_clean_cone():
    rows = validation.check_fig3([fig3_traj(20.0), fig3_traj(-20.0)])
    assert len(rows) == 6 and all(p is True for p in verdicts(rows))


def test_fig3_claims_fail_on_leak_runaway_and_large_displacement():
    rows = validation.check_fig3([fig3_traj(trapped=False, leak=1e-4, rho_scale=5.0)])
    assert verdicts(rows, "sound cone") == [False]
    assert verdicts(rows, "trapped") == [False]          # tau_max = 125: no excuse
    assert verdicts(rows, "<< alpha") == [False]         # 5 / 40 > 0.05


def test_fig3_trapping_not_applicable_in_a_run_shorter_than_the_papers():
    rows = validation.check_fig3([fig3_traj(tau_max=30.0, trapped=False)])
    assert verdicts(rows, "trapped") == [NA]
    assert verdicts(rows, "sound cone") == [True]
    with pytest.raises(validation.NotApplicable):
        validation.check_fig3([])
