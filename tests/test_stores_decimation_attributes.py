"""A trajectory store records its decimation (every how many recorded steps it kept) as a
positive integer; a store whose decimate or chain_decimate attribute is 0 is damaged."""

from __future__ import annotations

import pytest

from chaindrag.params import StoreError
from chaindrag.stores import load_trajectory, save_trajectory

from test_store_checks_non_finite_text import _traj


@pytest.mark.parametrize("name", ["decimate", "chain_decimate"])
@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_store_keeping_every_zeroth_step_is_damaged(tmp_path, name, value):
    path = save_trajectory(_traj(), tmp_path / "r.zarr")
    meta = path / "zarr.json"
    text = meta.read_text()
    old = f'"{name}": 1'
    assert text.count(old) == 1
    meta.write_text(text.replace(old, f'"{name}": {value}'))
    with pytest.raises(StoreError, match=rf"damaged: attribute '{name}' = {value} is not a "
                                         r"positive integer"):
        load_trajectory(path)
