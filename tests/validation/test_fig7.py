"""Fig. 7 claim: losses enhanced near the largest resonance 2 alpha omega_fast/(2l+1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chaindrag import analytic, validation

from .helpers import verdicts

NA = validation.NA


def _fig7(peak_at=114.6, bump=0.35, v_lo=80.0, phi0=20.0):
    v = np.arange(120.0, v_lo, -0.3)
    an = analytic.single_pass_loss(v, phi0, 4.0, 10.0)
    wiggle = 1.0 + 0.05 * np.sin(2 * np.pi * v / 1.7)
    d = an * wiggle * (1.0 + bump * np.exp(-(((v - peak_at) / 0.8) ** 2)))
    return pd.DataFrame(dict(phi0=phi0, lam=4.0, alpha=40.0, mu=1.0, v0=120.0,
                             pass_index=np.arange(v.size), v_mid=v, delta_numeric=d,
                             keep=True, omega_fast=10.0))


def test_fig7_enhancement_near_the_largest_resonance_passes_and_fails():
    rows = validation.check_fig7(_fig7())
    assert verdicts(rows) == [True] and rows[0]["expected"] == pytest.approx(800 / 7, rel=1e-5)
    assert verdicts(validation.check_fig7(_fig7(bump=0.0))) == [False]          # no peak
    assert verdicts(validation.check_fig7(_fig7(peak_at=100.0))) == [False]     # peak elsewhere


def test_fig7_not_applicable_for_a_short_trajectory():
    assert verdicts(validation.check_fig7(_fig7(v_lo=108.0))) == [NA]
