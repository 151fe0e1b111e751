"""A kernel store serves runs no longer than its lags cover (tau_max/delta whole steps), and a
store whose attributes (n_max, n_lags) disagree with its array's shape is refused on opening."""

from __future__ import annotations

import json

import pytest

from chaindrag.kernel import open_store, precompute
from chaindrag.params import StoreError

OMEGA_FAST, D, N_MAX, TAU_MAX = 10.0, 60, 4, 0.05
DELTA = 1.0 / (D * OMEGA_FAST)  # 1/600
LAGS = 30  # TAU_MAX / DELTA = 0.05 * 600 whole time steps


@pytest.fixture()
def store_path(tmp_path):
    path = tmp_path / "omega10_d60.zarr"
    precompute(path, omega_fast=OMEGA_FAST, d=D, n_max=N_MAX, tau_max=TAU_MAX)
    return path


def test_a_run_as_long_as_the_store_is_served_and_one_step_longer_is_refused(store_path):
    store = open_store(store_path)
    assert store.n_lags == LAGS
    assert store.require(tau_max=LAGS * DELTA) is store
    with pytest.raises(StoreError, match=r"needs tau_max=.* \(31 lags\); precompute a longer"):
        store.require(tau_max=(LAGS + 1) * DELTA)


@pytest.mark.parametrize("key, value", [("n_max", N_MAX - 1), ("n_lags", LAGS + 1)])
def test_a_store_whose_attributes_disagree_with_its_array_shape_is_refused(store_path, key,
                                                                          value):
    meta = store_path / "zarr.json"
    doc = json.loads(meta.read_text())
    assert doc["attributes"][key] != value
    doc["attributes"][key] = value
    meta.write_text(json.dumps(doc))
    with pytest.raises(StoreError, match=rf"array shape \({N_MAX + 1}, {LAGS}\) does not match"):
        open_store(store_path)
