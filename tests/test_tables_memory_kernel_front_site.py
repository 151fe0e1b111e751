"""fig2.csv (tables.memory_kernel.fig2_table): front_site is the sound-cone front, the fastest
group velocity pi (omega_fast - 1) sites per t_slow times tau, not omega_fast tau."""

from __future__ import annotations

import math

import pytest

from chaindrag.kernel import precompute
from chaindrag.tables.memory_kernel import fig2_table


def test_the_front_site_is_tau_times_pi_omega_fast_minus_one(tmp_path):
    omega_fast, d = 10.0, 60
    delta = 1.0 / (d * omega_fast)
    store = tmp_path / "omega10_d60.zarr"
    precompute(store, omega_fast=omega_fast, d=d, n_max=4, tau_max=30 * delta)
    taus = [15 * delta, 30 * delta]
    df = fig2_table(store, tmp_path / "fig2.csv", taus=taus, n_max=4)
    for tau in taus:
        front = df.loc[df["tau"] == tau, "front_site"]
        assert len(front) == 5
        assert front.tolist() == pytest.approx([tau * math.pi * (omega_fast - 1.0)] * 5,
                                               rel=1e-12)
