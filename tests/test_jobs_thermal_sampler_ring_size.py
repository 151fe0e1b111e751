"""The sampler check (jobs.thermal.run_thermal_sampler_check) refuses a ring too small for its
longest lag: in that time the fastest wave, pi (omega_fast - 1) sites per t_slow, would come
round the ring into the sites it compares, and the correlations would be the ring's, not the
infinite chain's."""

from __future__ import annotations

import math

import pytest

from chaindrag.jobs.thermal.checks import run_thermal_sampler_check
from chaindrag.params import ParameterError


def test_a_ring_the_fastest_wave_goes_round_within_the_longest_lag_is_refused(tmp_path):
    omega_fast, lag, n_modes = 10.0, 10.0, 128
    assert math.pi * (omega_fast - 1.0) * lag > 2 * n_modes  # round the ring twice over
    out = tmp_path / "sampler.csv"
    with pytest.raises(ParameterError, match=rf"n_modes = {n_modes} is too small for "
                                             rf"tau_max = {lag:g}"):
        run_thermal_sampler_check(out, omega_T=[5.0], statistics=["classical"],
                                  n_modes=n_modes, seeds=1, lags=[0.5, lag], origins=2,
                                  omega_fast=omega_fast)
    assert not out.exists()
