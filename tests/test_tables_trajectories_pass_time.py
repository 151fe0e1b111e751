"""Fig. 4(a, b) (tables.trajectories): the pass time is where sigma(tau), linearly
interpolated between the records, first reaches the next chain mass."""

from __future__ import annotations

import math

import numpy as np

from chaindrag.tables.trajectories import _first_crossing


def test_pass_time_interpolates_linearly_between_the_records_around_the_crossing():
    tau = np.array([0.0, 0.5, 1.0, 1.5, 2.0])
    sigma = np.array([10.0, 20.0, 30.0, 50.0, 70.0])  # reaches 40 halfway from tau 1 to 1.5
    assert _first_crossing(tau, sigma, 40.0) == 1.25
    assert _first_crossing(tau, sigma, 22.0) == 0.5 + 0.5 * 0.2
    assert _first_crossing(tau, sigma, 30.0) == 1.0  # on a record: its time
    assert math.isnan(_first_crossing(tau, sigma, 80.0))  # never reached
    assert math.isnan(_first_crossing(tau, sigma, 5.0))  # already beyond at the start
