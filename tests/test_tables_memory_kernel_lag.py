"""Fig. 2 (tables.fig2_table): Gamma_n(tau) is read at the store's lag l = tau/delta itself,
gamma[n, l - 1] (lags are stored from l = 1), not at a neighbouring time step."""

from __future__ import annotations

import numpy as np
import pytest

from chaindrag import tables
from chaindrag.kernel import open_store, precompute


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("k") / "k.zarr"
    precompute(path, n_max=6, tau_max=0.5, omega_fast=10.0, d=8, workers=1)
    return path


def test_fig2_reads_gamma_at_its_own_tau(store_path, tmp_path):
    store = open_store(store_path)  # delta = 1/80
    taus = [0.0125, 0.1, 0.25]  # lags 1, 8 and 20
    df = tables.fig2_table(store_path, tmp_path / "fig2.csv", taus=taus, n_max=6)
    gamma = np.asarray(store.gamma[...])
    for tau in taus:
        lag = round(tau / store.delta)
        got = df[df["tau"] == tau].sort_values("n")["gamma"].to_numpy()
        np.testing.assert_array_equal(got, gamma[:, lag - 1])
    # Gamma_0 changes from step to step, so a neighbouring lag would not pass the check above
    assert np.all(np.abs(np.diff(gamma[0, :21])) > 0)


def test_tau_zero_is_no_lag_of_a_store_and_fig2_refuses_it_naming_taus(store_path, tmp_path):
    from chaindrag.kernel.store import grid_lag
    from chaindrag.params import ParameterError

    # a store holds Gamma at l delta for l >= 1 only (Gamma at tau = 0 is not stored)
    assert grid_lag(0.0, 0.0125) is None and grid_lag(1e-12, 0.0125) is None
    assert grid_lag(0.0125, 0.0125) == 1
    with pytest.raises(ParameterError, match="fig2.taus"):
        tables.fig2_table(store_path, tmp_path / "fig2.csv", taus=[0.0], n_max=6)
