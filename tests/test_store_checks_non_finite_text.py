"""Trajectory stores (chaindrag._store_checks via stores): a params string that would read
back as a float ("inf", "-inf", "nan") is refused at save, and an attribute holding any
non-JSON float (NaN, Infinity, -Infinity) makes the store damaged, not a value read back."""

from __future__ import annotations

import numpy as np
import pytest

from chaindrag.params import ParameterError, StoreError
from chaindrag.stores import load_trajectory, save_trajectory
from chaindrag.trajectory import Trajectory


def _traj(**extra):
    n = 50
    tau = np.arange(n) / 600.0
    params = dict(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, v0=120.0, sigma0=220.0, bias=0.0,
                  omega_fast=10.0, d=60, delta=1 / 600.0, tau_max=float(tau[-1]),
                  solver="chain", chaindrag_version="0.1.0", record_every=1, **extra)
    return Trajectory(tau=tau, sigma=220.0 + 120.0 * tau[None, :],
                      velocity=np.full((1, n), 120.0), chain_sites=np.arange(0),
                      chain_tau=tau[::5], chain_displacement=np.zeros((0, tau[::5].size)),
                      energy={}, params=params)


@pytest.mark.parametrize("text", ["inf", "-inf", "nan"])
def test_a_params_string_that_reads_back_as_a_float_is_refused(tmp_path, text):
    with pytest.raises(ParameterError, match="label"):
        save_trajectory(_traj(label=text), tmp_path / "r.zarr")
    assert not (tmp_path / "r.zarr").exists()


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_an_attribute_holding_a_non_json_float_makes_the_store_damaged(tmp_path, token):
    path = save_trajectory(_traj(), tmp_path / "r.zarr")
    meta = path / "zarr.json"
    text = meta.read_text()
    assert '"alpha": 40.0' in text
    meta.write_text(text.replace('"alpha": 40.0', f'"alpha": {token}'))
    with pytest.raises(StoreError, match="alpha"):
        load_trajectory(path)


def test_a_time_step_attribute_off_by_a_tenth_of_a_percent_makes_the_store_damaged(tmp_path):
    # tau steps by record_every x delta; a delta that does not describe the record is refused
    path = save_trajectory(_traj(), tmp_path / "r.zarr")
    meta = path / "zarr.json"
    text = meta.read_text()
    old = f'"delta": {1 / 600.0!r}'
    assert old in text
    meta.write_text(text.replace(old, f'"delta": {1.001 / 600.0!r}'))
    with pytest.raises(StoreError, match="delta"):
        load_trajectory(path)
