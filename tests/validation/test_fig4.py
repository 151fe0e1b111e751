"""Fig. 4 claims on the exact loss-free pass: Eq. (16) profile, extremum speed, capture."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chaindrag import validation

from .helpers import fig4c_table, verdicts

NA = validation.NA


def _loss_free_pass(phi0, v0=50.0, alpha=40.0, lam=4.0, sigma0=220.0):
    """The exact loss-free pass (energy conservation over fixed masses) as a fig4_pass table."""
    s = np.linspace(sigma0, 270.0, 20001)
    ks = np.arange(3, 9)
    pot = lambda x: np.sum(phi0 * np.exp(-0.5 * ((x[None, :] - alpha * ks[:, None]) / lam) ** 2),
                           axis=0)
    v = np.sqrt(v0**2 - 8 * math.pi**2 * (pot(s) - pot(np.array([sigma0]))[0]))
    tau = np.concatenate([[0.0], np.cumsum(0.5 * (1 / v[1:] + 1 / v[:-1]) * np.diff(s))])
    tau_pass = float(np.interp(240.0, s, tau))
    return pd.DataFrame(dict(phi0=phi0, lam=lam, alpha=alpha, mu=1.0, v0=v0, tau=tau, sigma=s,
                             v=v, tau_pass=tau_pass, omega_fast=10.0))


def test_fig4_profile_and_extremum_pass_on_the_loss_free_motion():
    df = pd.concat([_loss_free_pass(20.0), _loss_free_pass(-20.0)], ignore_index=True)
    rows = validation.check_fig4_pass(df)
    assert len(rows) == 4 and all(p is True for p in verdicts(rows))


def test_fig4_profile_fails_without_the_dip_and_extremum_fails_when_off():
    flat = _loss_free_pass(20.0).assign(v=50.0)  # no velocity fluctuation at all
    assert verdicts(validation.check_fig4_pass(flat), "profile") == [False]
    deep = _loss_free_pass(20.0)
    deep["v"] = 50.0 - 1.6 * (50.0 - deep["v"])  # a dip 60% too deep
    rows = validation.check_fig4_pass(deep)
    assert verdicts(rows, "extremum") == [False] and verdicts(rows, "profile") == [False]


def test_fig4_not_applicable_without_a_pass():
    rows = validation.check_fig4_pass(_loss_free_pass(20.0).assign(tau_pass=np.nan))
    assert set(verdicts(rows)) == {NA}


def test_fig4c_extremum_speeds_pass_when_right_and_fail_when_off():
    assert verdicts(validation.check_fig4c(fig4c_table(1.0))) == [True, True]
    assert verdicts(validation.check_fig4c(fig4c_table(0.9))) == [False, False]


def test_capture_claim_passes_fails_and_is_not_applicable():
    below = pd.DataFrame(dict(phi0=[20.0, 20.0, -20.0], v0=[30.0, 39.0, 30.0],
                              passed=[False, False, True], mu=1.0))
    assert verdicts(validation.check_capture(below, None, None, None)) == [True]
    below.loc[1, "passed"] = True
    assert verdicts(validation.check_capture(below, None, None, None)) == [False]
    fates = pd.DataFrame(dict(phi0=[2.0, 2.0], v0=[10.0, 30.0], bias=0.01,
                              fate=["drift", "drift"]))
    assert verdicts(validation.check_capture(None, None, fates, None)) == [False]
    above = pd.DataFrame(dict(phi0=[20.0], v0=[60.0], passed=[True]))
    assert verdicts(validation.check_capture(above, None, None, None)) == [NA]
