"""Zarr trajectory stores and atomic writers: round trips, provenance, interrupted writers."""

import math
import os
import re
import socket

import numpy as np
import pandas as pd
import pytest
import zarr

import chaindrag
from chaindrag import stores
from chaindrag.params import ParameterError, StoreError
from chaindrag.stores import (atomic_write_dir, from_json_safe, load_trajectory, save_trajectory,
                              to_json_safe, write_table)
from chaindrag.trajectory import Trajectory


def sample_traj(n_rec=500, n_sites=7, seed=0, **extra):
    rng = np.random.default_rng(seed)
    tau = np.arange(n_rec) / 600.0
    params = dict(alpha=40.0, phi0=np.float64(-20.0), lam=4.0, mu=1.0, v0=120.0, sigma0=220.0,
                  bias=0.0, memory=math.inf, omega_fast=10.0, d=np.int64(60), delta=1 / 600.0,
                  tau_max=float(tau[-1]), solver="chain", chaindrag_version="0.1.0",
                  record_every=1)
    params.update(extra)
    return Trajectory(
        tau=tau,
        sigma=220.0 + 120.0 * tau[None, :] + rng.normal(size=(2, n_rec)),
        velocity=rng.normal(size=(2, n_rec)),
        chain_sites=np.arange(n_sites) - 3,
        chain_tau=tau[::5],
        chain_displacement=rng.normal(size=(n_sites, tau[::5].size)),
        energy={"particle_kinetic": rng.random(n_rec), "total": rng.random(n_rec)},
        params=params)


def assert_same(a: Trajectory, b: Trajectory):
    for name in ("tau", "sigma", "velocity", "chain_sites", "chain_tau", "chain_displacement"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.energy.keys() == b.energy.keys()
    for key in a.energy:
        np.testing.assert_array_equal(a.energy[key], b.energy[key], err_msg=key)
    assert a.params == b.params


def test_round_trip_preserves_every_array_bit_for_bit_and_every_parameter(tmp_path):
    traj = sample_traj()
    back = load_trajectory(save_trajectory(traj, tmp_path / "run.zarr"))
    assert_same(traj, back)
    assert back.params["memory"] == math.inf and isinstance(back.params["d"], int)
    assert back.chain_sites.dtype.kind == "i"


def test_round_trip_of_run_without_chain_record(tmp_path):
    traj = Trajectory(np.arange(3.0), np.zeros(3), np.ones(3), [], [], [], params={"alpha": 40.0})
    assert_same(traj, load_trajectory(save_trajectory(traj, tmp_path / "bare.zarr")))


def test_store_carries_units_descriptions_and_provenance(tmp_path):
    path = save_trajectory(sample_traj(), tmp_path / "run.zarr")
    root = zarr.open_group(path, mode="r")
    for name in ("tau", "sigma", "velocity", "chain_sites", "chain_tau", "chain_displacement",
                 "energy/total", "energy/particle_kinetic"):
        assert root[name].attrs["units"] and root[name].attrs["description"], name
    assert root["tau"].attrs["units"] == "t_slow"
    assert root.attrs["solver"] == "chain" and root.attrs["memory"] == "inf"
    assert root.attrs["complete"] is True and "wall_time_s" not in root.attrs


def test_store_without_provenance_in_params_gets_package_version(tmp_path):
    traj = Trajectory(np.arange(3.0), np.zeros(3), np.ones(3), [], [], [], params={"alpha": 40.0})
    root = zarr.open_group(save_trajectory(traj, tmp_path / "p.zarr"), mode="r")
    assert root.attrs["chaindrag_version"] == chaindrag.__version__
    assert root.attrs["solver"] == "unknown"


def test_decimation_keeps_every_nth_record_and_says_so(tmp_path):
    traj = sample_traj()
    back = load_trajectory(save_trajectory(traj, tmp_path / "d.zarr", decimate=4,
                                           chain_decimate=10))
    np.testing.assert_array_equal(back.sigma, traj.sigma[:, ::4])
    np.testing.assert_array_equal(back.energy["total"], traj.energy["total"][::4])
    np.testing.assert_array_equal(back.chain_displacement, traj.chain_displacement[:, ::10])
    assert zarr.open_group(tmp_path / "d.zarr", mode="r").attrs["decimate"] == 4
    with pytest.raises(ParameterError, match="decimate"):
        save_trajectory(traj, tmp_path / "e.zarr", decimate=0)


def test_store_of_interrupted_writer_is_refused(tmp_path):
    # a writer killed mid-way leaves complete=false (e.g. its tmp dir): loading must refuse
    path = tmp_path / "run.zarr"
    save_trajectory(sample_traj(), path)
    zarr.open_group(path, mode="r+").attrs["complete"] = False
    with pytest.raises(StoreError, match="incomplete") as err:
        load_trajectory(path)
    assert str(path) in str(err.value)


def test_missing_or_foreign_store_is_refused_naming_the_path(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        load_trajectory(tmp_path / "nothing.zarr")
    zarr.open_group(tmp_path / "other.zarr", mode="w", zarr_format=3).attrs["complete"] = True
    with pytest.raises(StoreError, match="other.zarr"):
        load_trajectory(tmp_path / "other.zarr")


def test_saving_over_existing_store_replaces_it_whole(tmp_path):
    path = tmp_path / "run.zarr"
    save_trajectory(sample_traj(n_rec=800, seed=1), path)
    new = sample_traj(n_rec=300, seed=2, v0=50.0)
    save_trajectory(new, path)
    assert_same(new, load_trajectory(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.zarr"]  # no tmp/old left


def test_failed_save_leaves_previous_store_intact_and_no_tmp(tmp_path, monkeypatch):
    path = tmp_path / "run.zarr"
    old = sample_traj(seed=3)
    save_trajectory(old, path)
    real_write = stores._write_array

    def dying_write(group, name, *args, **kwargs):  # writer dies after some arrays are on disk
        if name == "chain_tau":
            raise KeyboardInterrupt
        real_write(group, name, *args, **kwargs)

    monkeypatch.setattr(stores, "_write_array", dying_write)
    with pytest.raises(KeyboardInterrupt):
        save_trajectory(sample_traj(seed=4), path)
    assert_same(old, load_trajectory(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.zarr"]


def test_unstorable_parameter_is_refused_naming_it(tmp_path):
    with pytest.raises(ParameterError, match="object"):
        save_trajectory(sample_traj(note=object()), tmp_path / "x.zarr")
    assert not (tmp_path / "x.zarr").exists()


def test_atomic_write_dir_removes_tmp_on_exception(tmp_path):
    target = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with atomic_write_dir(target) as tmp:
            tmp.mkdir()
            (tmp / "half").write_text("x")
            raise RuntimeError("killed")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_a_writers_temporary_names_its_machine_and_process(tmp_path):
    # on a file system shared by a cluster's nodes a pid alone does not name one writer
    target = tmp_path / "out"
    with atomic_write_dir(target) as tmp:
        m = re.fullmatch(rf"out\.tmp-([A-Za-z0-9_.]+)-{os.getpid()}", tmp.name)
        assert m is not None, tmp.name
        host = socket.gethostname()
        assert m.group(1).replace("_", "") == re.sub(r"[^A-Za-z0-9.]", "", host)
        tmp.mkdir()
    assert target.is_dir()


def test_json_safe_round_trips_non_finite_and_numpy_values():
    value = {"a": np.float32(1.5), "b": (1, np.int64(2)), "c": [math.inf, -math.inf],
             "d": np.array([0.5, 1.0]), "e": None}
    safe = to_json_safe(value)
    assert safe["c"] == ["inf", "-inf"] and safe["b"] == [1, 2]
    back = from_json_safe(safe)
    assert back["c"] == [math.inf, -math.inf] and back["d"] == [0.5, 1.0]
    assert math.isnan(from_json_safe(to_json_safe(math.nan)))


def test_write_table_is_bit_identical_on_rerun_and_exact_for_doubles(tmp_path):
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"v": rng.random(50) * 100, "delta": rng.random(50) * 1e-9,
                       "fate": ["drift"] * 50, "n": np.arange(50)})
    p = tmp_path / "tables" / "t.csv"
    write_table(df, p)
    first = p.read_bytes()
    write_table(df, p)
    assert p.read_bytes() == first
    back = pd.read_csv(p)
    np.testing.assert_array_equal(back["v"].to_numpy(), df["v"].to_numpy())
    np.testing.assert_array_equal(back["delta"].to_numpy(), df["delta"].to_numpy())
    assert [f.name for f in p.parent.iterdir()] == ["t.csv"]
    assert os.path.getsize(p) > 0


# --- the same run gives the same bytes: no wall-clock quantity in a store -----------------

def _tree(path):
    """{relative path: bytes} of every file under ``path`` (attributes are files too)."""
    return {p.relative_to(path).as_posix(): p.read_bytes()
            for p in sorted(path.rglob("*")) if p.is_file()}


def test_two_runs_of_the_same_simulation_give_byte_identical_stores(tmp_path):
    from chaindrag import simulate

    kw = dict(alpha=40.0, phi0=2.0, lam=4.0, sigma0=220.0, v0=50.0, tau_max=0.5,
              record_sites=[4, 5, 6], chain_record_every=30)
    runs = [simulate(**kw) for _ in range(2)]
    for traj in runs:  # the time taken is kept beside the run, in memory only
        assert traj.wall_time_s > 0 and not set(stores.WALL_CLOCK_KEYS) & set(traj.params)
    a = save_trajectory(runs[0], tmp_path / "a.zarr")
    b = save_trajectory(runs[1], tmp_path / "b.zarr")
    first, second = _tree(a), _tree(b)
    assert "zarr.json" in first and "sigma/zarr.json" in first
    assert len(first) > 10 and first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    for name, data in first.items():
        if name.endswith("zarr.json"):
            for key in (*stores.WALL_CLOCK_KEYS, "wall_time"):
                assert f'"{key}"' not in data.decode(), (name, key)
    back = load_trajectory(a)
    assert back.params == runs[0].params and back.wall_time_s is None


def test_wall_clock_params_of_a_hand_built_trajectory_are_not_stored(tmp_path):
    # a Trajectory whose params still carry timing (built by hand, or by an older version)
    paths = []
    for i, wall in enumerate((1.25, 7.5)):
        traj = sample_traj(wall_time_s=wall, created=f"2026-01-0{i + 1}T00:00:00+00:00",
                           hostname=f"node{i}")
        paths.append(save_trajectory(traj, tmp_path / f"run{i}.zarr"))
    attrs = zarr.open_group(paths[0], mode="r").attrs
    assert not {"wall_time_s", "created", "hostname"} & set(attrs)
    assert not {"wall_time_s", "created", "hostname"} & set(attrs["param_keys"])
    assert _tree(paths[0]) == _tree(paths[1])
    assert_same(sample_traj(), load_trajectory(paths[0]))


@pytest.mark.parametrize("in_params", [True, False], ids=["param", "bare_attribute"])
def test_a_store_of_an_earlier_version_with_its_wall_time_still_loads(tmp_path, in_params):
    # earlier versions wrote wall_time_s as an attribute (a param of simulate's runs, else
    # null outside param_keys): loading moves it out of params, onto the trajectory
    traj = sample_traj()
    path = save_trajectory(traj, tmp_path / "old.zarr")
    root = zarr.open_group(path, mode="r+")
    keys = list(root.attrs["param_keys"])
    root.attrs.update({"wall_time_s": 3.5 if in_params else None,
                       "param_keys": keys + ["wall_time_s"] if in_params else keys})
    back = load_trajectory(path)
    assert_same(traj, back)  # the same params as the store of today
    assert back.wall_time_s == (3.5 if in_params else None)
    again = save_trajectory(back, tmp_path / "again.zarr")  # saved again: no wall time
    assert _tree(again) == _tree(save_trajectory(traj, tmp_path / "new.zarr"))


def test_a_decimated_store_loads_as_a_decimated_record_and_energy_losses_refuse_it(tmp_path):
    # every 3rd record kept: the loaded tau steps are 3 solver steps, and params must say so,
    # or single_pass_loss takes the coarse record for an every-step one (its loss then
    # errs by linear interpolation of v, which it documents as refused)
    from chaindrag import simulate
    from chaindrag.trajectory import single_pass_loss
    traj = simulate(alpha=40.0, phi0=2.0, lam=4.0, sigma0=100.0, v0=30.0, tau_max=2.2 * 40 / 30,
                    record_sites=[2, 3])
    back = load_trajectory(save_trajectory(traj, tmp_path / "d.zarr", decimate=3))
    spacing = np.diff(back.tau) / traj.params["delta"]
    assert np.allclose(spacing, back.params["record_every"], rtol=1e-9)
    with pytest.raises(ParameterError, match="record_every=3"):
        single_pass_loss(back)
    full = load_trajectory(save_trajectory(traj, tmp_path / "f.zarr"))
    assert full.params == traj.params
