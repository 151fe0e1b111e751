"""thermal_drag.csv (tables.thermal_drag_table): a sample is one seed (the mean of its four
runs); delta_bar is the samples' mean, delta_bar_se their standard deviation over sqrt(n)
(the standard error of that mean), shift and shift_se relative to the rest-chain runs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from chaindrag import tables


def _batch(tmp_path, per_seed, signs=(1.0, -1.0)):
    rows = []
    for statistics, temp, values in (("rest", 0.0, [0.1]), ("classical", 5.0, per_seed)):
        for seed, value in enumerate(values):
            for mirror in ([False] if statistics == "rest" else [False, True]):
                for sign in signs:
                    # the four runs of a sample scatter about its value; their mean is it
                    rows.append(dict(v=25.0, omega_T=temp, statistics=statistics, seed=seed,
                                     phi0=2.0 * sign, mirror=mirror,
                                     delta_bar=value + 0.01 * sign * (1 if mirror else -1),
                                     n_sites=100, n_modes=3375, alpha=40.0, lam=4.0, mu=1.0,
                                     tau_max=300.0, window=0.5, omega_fast=10.0, d=60,
                                     solver="transparent", chaindrag_version="test"))
    path = tmp_path / f"drag{signs[0]:+g}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return tables.thermal_drag_table([path], tmp_path / f"t{signs[0]:+g}.csv").iloc[0]


def test_delta_bar_se_is_the_standard_error_of_the_mean_over_seeds(tmp_path):
    per_seed = [0.10, 0.13, 0.09, 0.12]
    row = _batch(tmp_path, per_seed)
    n = len(per_seed)
    se = float(np.std(per_seed, ddof=1)) / math.sqrt(n)
    assert row["n_samples"] == n
    assert row["delta_bar"] == pytest.approx(np.mean(per_seed), rel=1e-12)
    assert row["delta_bar_se"] == pytest.approx(se, rel=1e-9)
    assert row["shift"] == pytest.approx(np.mean(per_seed) / 0.1 - 1.0, rel=1e-9)
    assert row["shift_se"] == pytest.approx(se / 0.1, rel=1e-9)


def test_theory_is_that_of_abs_phi0_whichever_sign_the_batch_lists_first(tmp_path):
    per_seed = [0.10, 0.13, 0.09, 0.12]
    plus, minus = _batch(tmp_path, per_seed), _batch(tmp_path, per_seed, signs=(-1.0, 1.0))
    assert plus["phi0"] == minus["phi0"] == 2.0
    for col in ("eq33", "debye_waller", "two_phonon", "three_phonon", "higher_phonons",
                "theory", "theory_shift"):
        assert minus[col] == pytest.approx(plus[col], rel=1e-12, abs=1e-300), col
