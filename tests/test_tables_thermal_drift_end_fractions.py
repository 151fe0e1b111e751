"""thermal_drift_ends fractions (tables.thermal.plateau_fractions): the runs of each series
(sign, statistics, temperature) are shared among its end states, so each series' fractions sum
to one, even where classical and quantum runs share a sign and a temperature."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from chaindrag.tables.thermal import plateau_fractions


def _end(statistics, fate, n=0, phi0=2.0, omega_T=5.0):
    return dict(phi0=phi0, statistics=statistics, omega_T=omega_T, fate=fate, n=n)


def test_classical_and_quantum_runs_at_one_temperature_are_counted_apart():
    ends = pd.DataFrame([_end("classical", "plateau", 8), _end("classical", "plateau", 8),
                         _end("classical", "fast"), _end("quantum", "captured")])
    frac = plateau_fractions(ends).set_index(["statistics", "state"])
    assert frac.loc[("classical", "n=8"), "fraction"] == pytest.approx(2.0 / 3.0, rel=1e-15)
    assert frac.loc[("classical", "fast"), "fraction"] == pytest.approx(1.0 / 3.0, rel=1e-15)
    assert frac.loc[("quantum", "captured"), "fraction"] == 1.0
    assert frac.loc[("classical", "n=8"), "total"] == 3
    assert frac.loc[("quantum", "captured"), "total"] == 1


def test_runs_without_a_plateau_count_whatever_their_n_column_holds():
    # a table read back through pandas holds n as float, NaN where the run has no plateau
    ends = pd.DataFrame([_end("classical", "plateau", 8.0), _end("classical", "fast", math.nan),
                         _end("classical", "captured", math.nan)])
    frac = plateau_fractions(ends).set_index(["statistics", "state"])["runs"]
    assert frac.to_dict() == {("classical", "n=8"): 1, ("classical", "fast"): 1,
                              ("classical", "captured"): 1}
