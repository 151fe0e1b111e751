"""A periodic ``stop_every`` asks ``stop`` once per period, to the nearest time step."""

import numpy as np

from chaindrag.solvers.early_stop import stop_schedule


def test_a_periodic_stop_every_is_asked_once_per_period_to_the_nearest_step():
    # the steps between two asks, times delta, are the step multiple nearest the period:
    # |n delta - T| <= delta / 2 (over many steps delta and periods T, on, below and above
    # whole multiples of delta)
    rng = np.random.default_rng(34)
    for _ in range(2000):
        delta = 1.0 / (int(rng.integers(4, 400)) * float(rng.uniform(1.01, 40.0)))
        steps = int(rng.integers(1, 5000)) + float(rng.choice([0.0, 0.1, 0.3, 0.49, 0.51, 0.9,
                                                               rng.uniform()]))
        period = steps * delta
        next_stop = stop_schedule(period, delta)
        due = [next_stop(0)]
        for _ in range(3):
            due.append(next_stop(due[-1]))
        gaps = np.diff(due)
        assert np.all(gaps == gaps[0])
        assert abs(gaps[0] * delta - period) <= 0.5 * delta * (1.0 + 1e-9), (delta, period, gaps)
        assert due[0] == gaps[0] + 1 or due[0] == gaps[0]  # first ask after one period
