"""Numerical health: an energy drift that grows when delta is halved has no second order
(only drifts both at rounding level are excused); a time-step change is a magnitude, judged
by |value|; a run with no single-pass loss is excused only below the capture speed
sqrt(8 pi^2 Phi0 / mu)."""

from __future__ import annotations

import math

import numpy as np

from chaindrag import validation

from .helpers import health_table


def _rows(df, text):
    return [r for r in validation.check_health(df) if text in r["claim"]]


def test_energy_drift_growing_a_hundred_thousand_fold_when_delta_is_halved_fails():
    # 1e-11 at d = 60, 1e-6 at d = 120: within 1e-4 both, but the larger is not rounding
    [row] = _rows(health_table(energy=(1e-11, 1e-6)), "shrinks with the time step")
    assert row["passed"] is False


def test_negative_change_of_the_loss_beyond_a_thousandth_fails():
    [row] = _rows(health_table(timestep=-1e-2), "halving delta")
    assert row["passed"] is False


def test_missing_loss_of_a_run_above_the_capture_speed_fails():
    # Phi0 = 2, mu = 1: capture speed sqrt(16 pi^2) = 12.57; v0 = 18 must pass the mass
    cap = math.sqrt(8 * math.pi**2 * 2.0)
    df = health_table().assign(mu=1.0)
    df.loc[df["check"] == "timestep_convergence", ["v0", "value"]] = [1.43 * cap, np.nan]
    [row] = _rows(df, "halving delta")
    assert row["passed"] is False
    df.loc[df["check"] == "timestep_convergence", "v0"] = 0.9 * cap  # below: no pass, excused
    [row] = _rows(df, "halving delta")
    assert row["passed"] == validation.NA
