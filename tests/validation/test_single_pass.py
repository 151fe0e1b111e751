"""Figs. 5, 6 claims on single-pass tables built from Eq. (26): agreement, side, maximum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chaindrag import analytic, validation

from .helpers import verdicts

NA = validation.NA


def _single_pass(delta_of, figure="fig6", lam=4.0, phi0=2.0, v0s=None):
    """Single-pass table with delta_numeric = delta_of(v0, phi0, Eq. 26) for both signs."""
    v0s = np.arange(14.0, 60.5, 2.0) if v0s is None else np.asarray(v0s, float)
    rows = []
    for p in (phi0, -phi0):
        for v0 in v0s:
            an = float(analytic.single_pass_loss(v0, p, lam, 10.0))
            rows.append(dict(figure=figure, alpha=40.0, phi0=p, lam=lam, mu=1.0, v0=v0,
                             omega_fast=10.0, passed=True, delta_numeric=delta_of(v0, p, an),
                             delta_analytic=an))
    return pd.DataFrame(rows)


def _shifted(v0, p, an, lam=4.0):
    """Eq. 26 at the mean of v0 and v_ext: the speed shift of Sec. V, sign included."""
    v_ext = float(analytic.extremum_speed(v0, p))
    return float(analytic.single_pass_loss(0.5 * (v0 + v_ext), p, lam, 10.0))


def test_single_pass_agreement_passes_at_1e_3_and_fails_at_factor_1_5():
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: an * (1 + 1e-3)))
    assert verdicts(rows, "agrees with Eq. (26)") == [True, True]
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: an * 1.5))
    assert verdicts(rows, "agrees with Eq. (26)") == [False, False]


def test_single_pass_side_of_the_curve_passes_with_the_shift_and_fails_reversed():
    rows = validation.check_single_pass(_single_pass(_shifted))
    assert verdicts(rows, "curve's speed") == [True, True]
    assert verdicts(rows, "agrees with Eq. (26)") == [True, True]
    # the repulsive and attractive results swapped: both on the wrong side
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: _shifted(v, -p, an)))
    assert verdicts(rows, "curve's speed") == [False, False]


def test_single_pass_nonmonotonic_passes_fails_and_is_not_applicable():
    rows = validation.check_single_pass(_single_pass(_shifted))
    assert verdicts(rows, "nonmonotonic") == [True, True]
    # a monotonically falling loss (a v^-4 power law) has no interior maximum
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: 1e-2 * (20.0 / v) ** 4))
    assert verdicts(rows, "nonmonotonic") == [False, False]
    # fig5b's range (100..1250 at lambda = 4) lies beyond the maximum of Eq. 26
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: an, figure="fig5b",
                                                     phi0=24.0, v0s=[100.0, 400.0, 700.0]))
    assert verdicts(rows, "nonmonotonic") == [NA, NA]


def test_single_pass_not_applicable_when_no_point_has_ke_much_above_phi0():
    rows = validation.check_single_pass(_single_pass(lambda v, p, an: an, v0s=[14.0, 20.0]))
    assert verdicts(rows, "agrees with Eq. (26)") == [NA, NA]
    with pytest.raises(validation.NotApplicable):
        validation.check_single_pass(None, None, None)
