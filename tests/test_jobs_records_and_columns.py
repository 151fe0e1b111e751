"""Jobs (chaindrag.jobs): what they hand the solver and put in their rows, checked without
simulating (the solver is replaced by a stub that records its arguments)."""

from __future__ import annotations

import pandas as pd
import pytest

from chaindrag.interactions import interaction_from_config
from chaindrag.jobs import drift as drift_job
from chaindrag.jobs import runs as runs_job


class _Called(Exception):
    pass


def _stub(seen):
    def simulate(**kwargs):
        seen.update(kwargs)
        raise _Called
    return simulate


@pytest.mark.parametrize("steps, every", [(0.5, 1), (0.7, 1), (1.6, 2), (2.4, 2), (2.6, 3),
                                          (10.0, 10)])
def test_chain_snapshots_are_taken_every_round_dtau_over_delta_steps(monkeypatch, tmp_path,
                                                                       steps, every):
    seen = {}
    monkeypatch.setattr(runs_job, "simulate", _stub(seen))
    delta = 1.0 / (60 * 10.0)
    with pytest.raises(_Called):
        runs_job.run_trajectory(tmp_path / "t.zarr", alpha=40.0, mu=1.0, v0=120.0,
                                sigma0=220.0, tau_max=1.0, omega_fast=10.0, d=60,
                                solver="chain", n_sites=5, chain_record_dtau=steps * delta,
                                phi0=2.0, lam=4.0)
    assert seen["chain_record_every"] == every


def test_the_long_table_keeps_the_last_row_of_a_decimated_run():
    table = pd.DataFrame(dict(tau=range(4502), v=range(4502)))  # every 3rd row: 4501 is not
    kept = drift_job._decimated(table, 2000)
    assert kept["tau"].iloc[-1] == 4501  # where the run ended: its fate was judged there
    assert kept["tau"].iloc[0] == 0 and len(kept) <= 2001
    assert (kept["tau"].diff().dropna() <= 3).all()


@pytest.mark.parametrize("spec", [
    {"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0},
    {"kind": "gaussian", "phi0": -2.0, "lam": 4.0},
    {"kind": "lorentzian", "A": 3.0, "b": 2.0}])
def test_a_row_of_another_potential_names_phi_at_zero_and_the_force_width(spec):
    inter = interaction_from_config(spec)
    _, row = drift_job.potential_arguments(None, None, spec)
    assert row["phi0"] == inter.phi_at_zero and row["lam"] == inter.width
    assert drift_job.potential_columns(dict(interaction=spec))["phi0"] == inter.phi_at_zero


@pytest.mark.parametrize("frac", [0.0, -0.5, "0.9", True])
def test_a_start_at_a_fraction_of_the_capture_speed_needs_a_number_above_zero(frac):
    from chaindrag.jobs.single_pass import _with_v0
    from chaindrag.params import ParameterError

    run = dict(alpha=40.0, mu=1.0, phi0=20.0, lam=4.0, v0_over_capture=frac)
    with pytest.raises(ParameterError, match="v0_over_capture"):
        _with_v0(run)
    assert _with_v0(dict(run, v0_over_capture=0.5))["v0"] > 0


@pytest.mark.parametrize("phi0", [2.0, -2.0])
def test_drive_check_runs_the_repulsive_sign_first_whichever_sign_phi0_is_given(phi0):
    from chaindrag.jobs.health import _drive_signs

    signs = _drive_signs(phi0, 4.0, None)
    # delta_bar_numeric is the repulsive run (+|phi0|), delta_bar_attractive the -|phi0| run
    assert signs[1.0] == dict(phi0=2.0, lam=4.0) and signs[-1.0] == dict(phi0=-2.0, lam=4.0)
