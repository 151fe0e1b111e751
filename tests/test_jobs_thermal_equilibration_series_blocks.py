"""The equilibration series (jobs.thermal.thermal_equilibration) averages the kinetic energy
over blocks of series_dtau: series_dtau/delta whole time steps, rounded to the nearest (0.3 at
delta = 1/600 is 179.99999999999997 steps in floating point: 180, not 179)."""

from __future__ import annotations

import numpy as np
import pytest

from chaindrag.jobs.thermal.equilibration import thermal_equilibration


def test_series_blocks_are_series_dtau_long_when_the_ratio_rounds_just_below_a_whole_step():
    omega_fast, d, series_dtau, tau_max = 10.0, 60, 0.3, 1.2
    delta = 1.0 / (d * omega_fast)
    assert series_dtau / delta < 180  # the float ratio falls short of the 180 steps it means
    s, _ = thermal_equilibration(alpha=40.0, mu=1.0, omega_T=0.0, statistics="rest", seed=0,
                                 start="hot", v_hot=50.0, n_particles=1, spacing=200,
                                 tau_max=tau_max, series_dtau=series_dtau,
                                 omega_fast=omega_fast, d=d, solver="transparent", phi0=2.0,
                                 lam=4.0)
    tau = s["tau"].to_numpy()
    # tau = 0, delta, ..., 720 delta: four whole blocks of 180 steps, each tau's mean
    every = 180
    expected = (np.arange(4) * every + (every - 1) / 2.0) * delta
    assert tau == pytest.approx(expected, rel=1e-12, abs=1e-12)
