"""fig7.csv (tables.fig7_table): each row carries the bias its store's run was driven with
(the tilt -bias sigma/alpha that does work during a pass), not a zero for every run."""

from __future__ import annotations

import numpy as np
import pytest

from chaindrag.stores import save_trajectory
from chaindrag.tables.trajectories import fig7_table
from chaindrag.trajectory import Trajectory


def _accelerated_run(bias):
    """A particle from a midpoint (alpha 5.5) under constant acceleration a: sigma = s0 +
    a tau^2 / 2, v = a tau, every step of delta = 1/600 recorded."""
    alpha, delta, a = 40.0, 1.0 / 600.0, 400.0
    tau = np.arange(1201) * delta
    s0 = alpha * 5.5
    params = dict(alpha=alpha, phi0=2.0, lam=4.0, mu=1.0, v0=0.0, sigma0=s0, bias=bias,
                  omega_fast=10.0, d=60, delta=delta, tau_max=float(tau[-1]), solver="chain",
                  chaindrag_version="0.1.0", record_every=1)
    return Trajectory(tau=tau, sigma=(s0 + 0.5 * a * tau**2)[None, :],
                      velocity=(a * tau)[None, :], chain_sites=np.arange(0),
                      chain_tau=tau[::5], chain_displacement=np.zeros((0, tau[::5].size)),
                      energy={}, params=params)


@pytest.mark.parametrize("bias", [0.5, 0.0])
def test_fig7_rows_carry_the_bias_of_their_run(tmp_path, bias):
    path = save_trajectory(_accelerated_run(bias), tmp_path / "r.zarr")
    df = fig7_table([path], tmp_path / "fig7.csv")
    assert len(df) > 0
    assert (df["bias"] == bias).all()
    assert (df["sigma0"] == 220.0).all() and (df["tau_max"] == 1200 / 600.0).all()
