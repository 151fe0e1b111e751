"""Fig. 9 and numerical-health claims: finite broadened loss, energy, time step, solvers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chaindrag import validation

from .helpers import health_table, verdicts

NA = validation.NA


def test_fig9_broadened_curve_finite_or_not():
    df = pd.DataFrame(dict(phi0=[2.0, 2.0, -2.0], v=[20.0, 30.0, 20.0],
                           delta_bar_broadened=[0.01, 0.02, 0.03], delta_bar=[np.inf, 0.1, 0.2]))
    assert verdicts(validation.check_fig9(df)) == [True, True]
    df.loc[0, "delta_bar_broadened"] = np.inf
    assert verdicts(validation.check_fig9(df)) == [False, True]


def test_health_passes_and_each_check_can_fail():
    check = validation.check_health
    assert all(p is True for p in verdicts(check(health_table())))
    assert verdicts(check(health_table(energy=(1e-3, 2.5e-4))), "(d = 60)") == [False]
    assert verdicts(check(health_table(energy=(4e-5, 3e-5))), "shrinks") == [False]
    assert verdicts(check(health_table(timestep=0.01)), "halving") == [False]
    # drifts at rounding level carry no order of convergence: not applicable, not passed
    assert verdicts(check(health_table(energy=(3e-12, 2e-12))), "shrinks") == [NA]
    assert verdicts(check(health_table(sigma=0.08)), "solvers agree") == [False]
    assert verdicts(check(health_table(sigma=0.08, tau=10.0)),
                    "solvers agree") == [True]  # 0.05 (10/5)^2 = 0.2
    # with the run's speed: same time step, rounding only, 1e-9 of the path v0 tau = 1200
    assert verdicts(check(health_table(sigma=1.1e-11, tau=10.0, v0=120.0)),
                    "solvers agree") == [True]
    assert verdicts(check(health_table(sigma=1e-5, tau=10.0, v0=120.0)),
                    "solvers agree") == [False]
    rows = check(health_table().query("check == 'energy_conservation'"))
    assert verdicts(rows, "halving") == [NA] and verdicts(rows, "solvers agree") == [NA]
