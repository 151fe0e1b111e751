"""Fig. 4(a, b): the profile claim's tolerance is Eq. (16)'s own error (max |v - Eq. 16| of
the exact loss-free pass) + the speed change the pass loss causes at the slowest point,
dv = 4 pi^2 Delta_26 / (mu v_min) (from KE = mu (v / 2 pi)^2 / 2), + 5% of the fluctuation
|v0 - v_ext|; every part computed here independently of the check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from chaindrag import analytic, validation

ALPHA, LAM, V0, SIGMA0 = 40.0, 4.0, 50.0, 220.0


def _loss_free_pass(phi0):
    """The exact loss-free pass over fixed masses (energy conservation) as a fig4_pass table."""
    s = np.linspace(SIGMA0, 270.0, 40001)
    ks = np.arange(3, 9)
    pot = lambda x: np.sum(phi0 * np.exp(-0.5 * ((x[None, :] - ALPHA * ks[:, None]) / LAM) ** 2),
                           axis=0)
    v = np.sqrt(V0**2 - 8 * math.pi**2 * (pot(s) - pot(np.array([SIGMA0]))[0]))
    tau = np.concatenate([[0.0], np.cumsum(0.5 * (1 / v[1:] + 1 / v[:-1]) * np.diff(s))])
    tau_pass = float(np.interp(240.0, s, tau))
    return pd.DataFrame(dict(phi0=phi0, lam=LAM, alpha=ALPHA, mu=1.0, v0=V0, tau=tau, sigma=s,
                             v=v, tau_pass=tau_pass, omega_fast=10.0))


@pytest.mark.parametrize("phi0", [20.0, -20.0])
def test_fig4_profile_tolerance_counts_the_pass_loss_once_as_4pi2_delta_over_mu_v(phi0):
    df = _loss_free_pass(phi0)
    row = next(r for r in validation.check_fig4_pass(df) if "profile" in r["claim"])
    tau, v = df["tau"].to_numpy(), df["v"].to_numpy()
    win = np.abs(tau - df["tau_pass"].iloc[0]) <= ALPHA / (2 * V0)
    eq16 = analytic.velocity_profile(tau[win] - df["tau_pass"].iloc[0], V0, phi0=phi0, lam=LAM)
    own_error = np.max(np.abs(v[win] - eq16))
    v_ext = math.sqrt(V0**2 - 8 * math.pi**2 * phi0)
    loss = 4 * math.pi**2 * float(analytic.single_pass_loss(V0, phi0, LAM, 10.0)) / min(V0, v_ext)
    assert row["passed"] is True
    assert row["tolerance"] == pytest.approx(own_error + loss + 0.05 * abs(V0 - v_ext), rel=2e-3)
