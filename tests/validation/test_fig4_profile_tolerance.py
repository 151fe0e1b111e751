"""Fig. 4(a, b): the profile claim's tolerance is Eq. (16)'s own error (max |v - Eq. 16| of
the exact loss-free pass) + the speed change the pass loss causes at the slowest point,
dv = 4 pi^2 Delta_26 / (mu v_min) (from KE = mu (v / 2 pi)^2 / 2), + 5% of the fluctuation
|v0 - v_ext|; every part computed here independently of the check."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chaindrag import analytic, validation

from .helpers import loss_free_pass

ALPHA, LAM, V0, SIGMA0 = 40.0, 4.0, 50.0, 220.0


@pytest.mark.parametrize("phi0", [20.0, -20.0])
def test_fig4_profile_tolerance_counts_the_pass_loss_once_as_4pi2_delta_over_mu_v(phi0):
    df = loss_free_pass(phi0, V0, ALPHA, LAM, SIGMA0, n=40001)
    row = next(r for r in validation.check_fig4_pass(df) if "profile" in r["claim"])
    tau, v = df["tau"].to_numpy(), df["v"].to_numpy()
    win = np.abs(tau - df["tau_pass"].iloc[0]) <= ALPHA / (2 * V0)
    eq16 = analytic.velocity_profile(tau[win] - df["tau_pass"].iloc[0], V0, phi0=phi0, lam=LAM)
    own_error = np.max(np.abs(v[win] - eq16))
    v_ext = math.sqrt(V0**2 - 8 * math.pi**2 * phi0)
    loss = 4 * math.pi**2 * float(analytic.single_pass_loss(V0, phi0, LAM, 10.0)) / min(V0, v_ext)
    assert row["passed"] is True
    assert row["tolerance"] == pytest.approx(own_error + loss + 0.05 * abs(V0 - v_ext), rel=2e-3)
