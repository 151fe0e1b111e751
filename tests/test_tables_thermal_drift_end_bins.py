"""thermal_drift_ends.csv (tables.thermal_drift_tables): a run ending at a crossing speed up to
sqrt(2) alpha is on the line alpha/1 (a plateau, not 'fast'), and a tail holding exactly
min_points one-way crossings is enough to judge the run."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from chaindrag import tables

ALPHA, TAU_MAX = 40.0, 60.0


def _run(v, n_tail, seed):
    """Crossings every alpha/v, all one way, n_tail of them in the last half of tau_max."""
    tau = 30.0 + (ALPHA / v) * np.arange(n_tail)
    return pd.DataFrame(dict(omega_T=25.0, statistics="classical", seed=seed, phi0=2.0,
                             lam=4.0, alpha=ALPHA, mu=1.0, bias=0.01, v0=60.0, tau_max=TAU_MAX,
                             n_modes=2500, tau=tau, v=v, sigma=220.0 + v * tau, direction=1,
                             omega_fast=10.0, d=60, solver="transparent", sigma0=220.0,
                             chaindrag_version="test"))


def _ends(tmp_path, runs, min_points):
    path = tmp_path / "mid.csv"
    pd.concat(runs, ignore_index=True).to_csv(path, index=False)
    _, ends = tables.thermal_drift_tables([path], tmp_path / "t.csv", tmp_path / "e.csv",
                                          tail_fraction=0.5, min_points=min_points)
    return ends.set_index("seed")


def test_a_run_ending_between_alpha_and_sqrt2_alpha_is_on_the_line_alpha(tmp_path):
    ends = _ends(tmp_path, [_run(1.2 * ALPHA, 20, 0), _run(1.1 * math.sqrt(2) * ALPHA, 20, 1),
                            _run(0.9 * ALPHA, 20, 2)], min_points=5)
    assert (ends.loc[0, "fate"], ends.loc[0, "n"]) == ("plateau", 1)
    assert ends.loc[0, "cell_v"] == pytest.approx(1.2 * ALPHA, rel=1e-9)
    assert (ends.loc[1, "fate"], ends.loc[1, "n"]) == ("fast", 0)
    assert (ends.loc[2, "fate"], ends.loc[2, "n"]) == ("plateau", 1)


def test_a_tail_of_exactly_min_points_crossings_is_judged(tmp_path):
    ends = _ends(tmp_path, [_run(ALPHA / 2, 5, 0), _run(ALPHA / 2, 4, 1)], min_points=5)
    assert (ends.loc[0, "fate"], ends.loc[0, "n"], ends.loc[0, "tail_points"]) == ("plateau", 2, 5)
    assert (ends.loc[1, "fate"], ends.loc[1, "tail_points"]) == ("undetermined", 4)
