"""Randomized properties of trajectory stores, tables and config digests (seeded).

Round trips of short real runs (every array bit-exact, params and interaction equal, the
same bytes twice), damaged stores refused with a StoreError naming what is wrong, failed
saves that leave nothing behind and destroy nothing, write_table and config_digest.
"""

import json
import math
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from chaindrag import simulate, stores
from chaindrag._digest import canonical_json, config_digest
from chaindrag.interactions import (Gaussian, LennardJones, Lorentzian, Morse, UserPotential,
                                    Yukawa, negated)
from chaindrag.params import ParameterError, StoreError
from chaindrag.stores import load_trajectory, save_trajectory, write_table
from chaindrag.trajectory import Trajectory

ARRAYS = ("tau", "sigma", "velocity", "chain_sites", "chain_tau", "chain_displacement")


def user_phi(x):
    return 2.0 * np.exp(-np.asarray(x) ** 2 / 32.0)


def user_dphi(x):
    x = np.asarray(x)
    return -x / 16.0 * user_phi(x)


def _interactions():
    return [Gaussian(2.0, 4.0), Gaussian(-1.5, 3.0), Lorentzian(1.0, 3.0), Morse.channel(),
            negated(Morse.channel()), LennardJones.channel(), Yukawa(2.0, 5.0, 3.0)]


def _random_run_kwargs(rng: np.random.Generator) -> dict:
    n = int(rng.integers(1, 4))
    inters = _interactions()
    thermal = bool(rng.random() < 0.4)
    kw = dict(alpha=40.0, interaction=inters[int(rng.integers(len(inters)))],
              sigma0=[220.0 + 80.0 * k + float(rng.uniform(0, 10)) for k in range(n)],
              v0=[float(rng.uniform(20.0, 60.0)) for _ in range(n)],
              tau_max=float(rng.uniform(0.02, 0.06)), energy=bool(rng.random() < 0.5),
              record_every=int(rng.integers(1, 3)),
              chain_record_every=int(rng.integers(1, 5)),
              record_sites=(None if rng.random() < 0.3
                            else [int(s) for s in rng.integers(3, 9, size=rng.integers(1, 4))]))
    if n == 1:
        kw.update(sigma0=kw["sigma0"][0], v0=kw["v0"][0])
    if thermal:
        kw.update(omega_T=float(rng.uniform(0.1, 1.0)), seed=int(rng.integers(0, 1000)),
                  energy=False)
    return kw


RUN_SEEDS = range(6)


@pytest.fixture(scope="module")
def runs():
    """Short real runs: random configs, plus a negated Morse and a user potential."""
    out = {}
    for seed in RUN_SEEDS:
        out[f"random{seed}"] = simulate(**_random_run_kwargs(np.random.default_rng(seed)))
    out["neg_morse"] = simulate(alpha=40.0, interaction=negated(Morse.channel()),
                                sigma0=[220.0, 300.0], v0=[40.0, 30.0], tau_max=0.04,
                                record_sites=[5, 6], chain_record_every=2, omega_T=0.4,
                                seed=7, energy=False)
    out["user"] = simulate(alpha=40.0, interaction=UserPotential(user_phi, user_dphi, 4.0,
                                                                 label="bump"),
                           sigma0=220.0, v0=45.0, tau_max=0.04, record_sites=[5])
    return out


def _tree(path):
    return {p.relative_to(path).as_posix(): p.read_bytes()
            for p in sorted(path.rglob("*")) if p.is_file()}


def assert_bit_exact(a: Trajectory, b: Trajectory):
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert x.tobytes() == y.tobytes(), name
    assert a.energy.keys() == b.energy.keys()
    for key in a.energy:
        assert a.energy[key].tobytes() == b.energy[key].tobytes(), key
    assert a.params == b.params


# --- round trips ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", [f"random{s}" for s in RUN_SEEDS] + ["neg_morse"])
def test_a_real_run_round_trips_bit_exact_with_equal_params_and_interaction(runs, name,
                                                                           tmp_path):
    traj = runs[name]
    back = load_trajectory(save_trajectory(traj, tmp_path / "r.zarr"))
    assert_bit_exact(traj, back)
    assert back == traj  # Trajectory equality compares arrays (it raised before)
    assert back.interaction == traj.interaction
    for key in ("omega_T", "statistics", "seed", "interaction_params", "solver",
                "chaindrag_version"):
        assert key in back.params, key


def test_a_negated_morse_run_keeps_sign_minus_one_and_rebuilds_the_mirror(runs, tmp_path):
    back = load_trajectory(save_trajectory(runs["neg_morse"], tmp_path / "m.zarr"))
    assert back.params["interaction_params"]["sign"] == -1.0
    assert back.interaction == negated(Morse.channel())
    assert back.params["omega_T"] == 0.4 and back.params["seed"] == 7


def test_a_user_potential_run_round_trips_its_provenance_but_is_not_rebuilt(runs, tmp_path):
    traj = runs["user"]
    back = load_trajectory(save_trajectory(traj, tmp_path / "u.zarr"))
    assert_bit_exact(traj, back)
    prov = back.params["interaction_params"]
    assert prov["kind"] == "tabulated" and prov["label"] == "bump"
    assert prov["phi"].endswith("user_phi")
    # the digest of its values, which the functions' names cannot replace
    user = UserPotential(user_phi, user_dphi, 4.0, label="bump")
    assert prov["values_sha256"] == user.values_sha256 and len(prov["values_sha256"]) == 64
    with pytest.raises(ParameterError, match="kind"):  # documented: its functions are code
        back.interaction


@pytest.mark.parametrize("name", ["random0", "random3", "neg_morse", "user"])
def test_saving_the_same_run_twice_gives_the_same_bytes_in_every_file(runs, name, tmp_path):
    a = _tree(save_trajectory(runs[name], tmp_path / "a.zarr"))
    b = _tree(save_trajectory(runs[name], tmp_path / "b.zarr"))
    assert len(a) > 10 and a == b
    again = _tree(save_trajectory(load_trajectory(tmp_path / "a.zarr"), tmp_path / "c.zarr"))
    assert again == a  # a loaded store saved again is the same store


@pytest.mark.parametrize("seed", range(4))
def test_a_decimated_store_keeps_every_nth_record_and_says_so_in_params(runs, seed, tmp_path):
    rng = np.random.default_rng(100 + seed)
    traj = runs[f"random{seed}"]
    dec, cdec = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    back = load_trajectory(save_trajectory(traj, tmp_path / "d.zarr", decimate=dec,
                                           chain_decimate=cdec))
    assert back.tau.tobytes() == traj.tau[::dec].tobytes()
    assert back.sigma.tobytes() == np.ascontiguousarray(traj.sigma[:, ::dec]).tobytes()
    assert back.chain_displacement.tobytes() == np.ascontiguousarray(
        traj.chain_displacement[:, ::cdec]).tobytes()
    for key in traj.energy:
        assert back.energy[key].tobytes() == traj.energy[key][::dec].tobytes()
    p, q = traj.params, back.params
    assert q["record_every"] == p["record_every"] * dec
    # regression: chain_record_every was left as the solver's, not the kept record's
    assert q["chain_record_every"] == p["chain_record_every"] * cdec
    if back.chain_tau.size > 1:
        np.testing.assert_allclose(np.diff(back.chain_tau),
                                   q["chain_record_every"] * p["delta"], rtol=1e-9)


def test_decimate_options_out_of_range_are_refused_naming_them(runs, tmp_path):
    for kw, word in ((dict(decimate=0), "decimate"), (dict(decimate=1.5), "decimate"),
                     (dict(chain_decimate=0), "chain_decimate"),
                     (dict(decimate=True), "decimate")):
        with pytest.raises(ParameterError, match=word):
            save_trajectory(runs["random0"], tmp_path / "x.zarr", **kw)
    assert not (tmp_path / "x.zarr").exists()


# --- damaged stores ------------------------------------------------------------------------

def _attrs(path, fn, rel="zarr.json"):
    meta = json.loads((path / rel).read_text())
    fn(meta["attributes"] if rel == "zarr.json" else meta)
    (path / rel).write_text(json.dumps(meta))


def _chunks(path, name):
    return sorted(p for p in (path / name).rglob("*") if p.is_file() and p.name != "zarr.json")


def _truncate(f):
    f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2])


DAMAGE = {
    # name: (damage(path, rng), words the message must contain)
    "missing_chunk": (lambda p, r: _chunks(p, "sigma")[r.integers(len(_chunks(p, "sigma")))]
                      .unlink(), "'sigma'"),
    "truncated_chunk": (lambda p, r: _truncate(_chunks(p, "velocity")[
        r.integers(len(_chunks(p, "velocity")))]), "'velocity'"),
    "edited_chunk": (lambda p, r: _chunks(p, "tau")[0].write_bytes(
        _chunks(p, "tau")[1].read_bytes()), "'tau'"),
    "missing_energy_array": (lambda p, r: shutil.rmtree(p / "energy" / "interaction"),
                             "interaction"),
    "missing_array": (lambda p, r: shutil.rmtree(p / "chain_tau"), "chain_tau"),
    "array_is_a_file": (lambda p, r: (shutil.rmtree(p / "tau"), (p / "tau").write_text("x")),
                        "tau"),
    "array_meta_not_json": (lambda p, r: (p / "sigma" / "zarr.json").write_text("{oops"),
                            "sigma"),
    "wrong_shape": (lambda p, r: _attrs(p, lambda m: m.update(shape=[m["shape"][0] - 3]),
                                        "tau/zarr.json"), "tau"),
    "wrong_dtype": (lambda p, r: _attrs(p, lambda m: m.update(data_type="float32"),
                                        "sigma/zarr.json"), "sigma"),
    "no_format_version": (lambda p, r: _attrs(p, lambda a: a.pop("format_version")),
                          "format_version"),
    "other_format_version": (lambda p, r: _attrs(p, lambda a: a.update(format_version=3)),
                             "format_version=3"),
    # version 2 requires what version 1 checked only where present
    "no_sha256": (lambda p, r: _attrs(p, lambda m: m["attributes"].pop("sha256"),
                                      "velocity/zarr.json"), "'velocity' lacks its attribute"),
    "no_energy_list": (lambda p, r: _attrs(p, lambda m: m["attributes"].pop("arrays"),
                                           "energy/zarr.json"), "'arrays'"),
    "no_chaindrag_version": (lambda p, r: _attrs(p, lambda a: a.pop("chaindrag_version")),
                             "chaindrag_version"),
    "no_param_keys": (lambda p, r: _attrs(p, lambda a: a.pop("param_keys")), "param_keys"),
    "param_keys_not_a_list": (lambda p, r: _attrs(p, lambda a: a.update(param_keys="alpha")),
                              "param_keys"),
    "param_named_but_absent": (lambda p, r: _attrs(p, lambda a: a.pop("mu")), "'mu'"),
    "record_every_inconsistent": (lambda p, r: _attrs(p, lambda a: a.update(
        record_every=a["record_every"] + 2)), "record_every"),
    "chain_record_every_inconsistent": (lambda p, r: _attrs(p, lambda a: a.update(
        chain_record_every=a["chain_record_every"] + 1)), "chain_record_every"),
    "decimate_not_an_integer": (lambda p, r: _attrs(p, lambda a: a.update(decimate="2")),
                                "decimate"),
    "decimate_inconsistent": (lambda p, r: _attrs(p, lambda a: a.update(decimate=3)),
                              "record_every"),
    "nan_attribute": (lambda p, r: (p / "zarr.json").write_text(
        (p / "zarr.json").read_text().replace('"alpha": 40.0', '"alpha": NaN')), "alpha"),
    "root_meta_not_json": (lambda p, r: (p / "zarr.json").write_text("{oops"), "zarr"),
    "incomplete": (lambda p, r: _attrs(p, lambda a: a.update(complete=False)), "incomplete"),
    "no_complete_flag": (lambda p, r: _attrs(p, lambda a: a.pop("complete")), "incomplete"),
    "energy_array_never_listed": (lambda p, r: _attrs(p, lambda m: m["attributes"].update(
        arrays=m["attributes"]["arrays"][1:]), "energy/zarr.json"), "were written"),
    "foreign_format": (lambda p, r: _attrs(p, lambda a: a.update(format="other")), "format"),
}


@pytest.fixture(scope="module")
def small_chunk_store(runs, tmp_path_factory):
    """A store of a real run whose arrays span several chunks (so one can go missing)."""
    path = tmp_path_factory.mktemp("chunked") / "run.zarr"
    mp = pytest.MonkeyPatch()
    mp.setattr(stores, "TIME_CHUNK", 5)
    try:
        save_trajectory(runs["neg_morse"], path)
    finally:
        mp.undo()
    assert len(_chunks(path, "sigma")) > 3
    assert_bit_exact(load_trajectory(path), runs["neg_morse"])
    return path


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_store_is_refused_naming_the_path_and_what_is_wrong(small_chunk_store,
                                                                     damage, tmp_path):
    fn, words = DAMAGE[damage]
    path = tmp_path / "run.zarr"
    shutil.copytree(small_chunk_store, path)
    fn(path, np.random.default_rng(sorted(DAMAGE).index(damage)))
    with pytest.raises(StoreError) as err:
        load_trajectory(path)
    msg = str(err.value)
    assert str(path) in msg and words in msg, msg


def test_a_version_1_store_without_checksums_still_loads_bit_exact(small_chunk_store, runs,
                                                                   tmp_path):
    """Stores written before the checksums (format_version 1) load; the checks they have
    still apply."""
    path = tmp_path / "run.zarr"
    shutil.copytree(small_chunk_store, path)
    _attrs(path, lambda a: a.update(format_version=1))
    for meta in path.rglob("zarr.json"):
        rel = str(meta.relative_to(path))
        _attrs(path, lambda m: (m.get("attributes", {}).pop("sha256", None),
                                m.get("attributes", {}).pop("arrays", None)), rel)
    assert_bit_exact(load_trajectory(path), runs["neg_morse"])
    _truncate(_chunks(path, "velocity")[0])
    with pytest.raises(StoreError, match="'velocity'"):
        load_trajectory(path)


def test_an_empty_directory_or_a_file_is_refused_as_a_store(tmp_path):
    (tmp_path / "empty.zarr").mkdir()
    (tmp_path / "file.zarr").write_text("not a store")
    for name in ("empty.zarr", "file.zarr", "missing.zarr"):
        with pytest.raises(StoreError, match=name):
            load_trajectory(tmp_path / name)


# --- failed saves --------------------------------------------------------------------------

@pytest.mark.parametrize("bad, word", [
    ({"note": object()}, "object"), ({"note": {1, 2}}, "set"),
    # regressions: these were stored and read back as something else
    ({"label": "inf"}, "label"), ({"grid": {3: 1.0}}, "grid"), ({7: "x"}, "key 7")])
def test_a_param_a_store_cannot_hold_is_refused_and_the_old_store_survives(runs, bad, word,
                                                                          tmp_path):
    path = save_trajectory(runs["random1"], tmp_path / "r.zarr")
    before = _tree(path)
    traj = runs["random2"]
    broken = Trajectory(traj.tau, traj.sigma, traj.velocity, traj.chain_sites, traj.chain_tau,
                        traj.chain_displacement, traj.energy, {**traj.params, **bad})
    with pytest.raises(ParameterError, match=word):
        save_trajectory(broken, path)
    assert _tree(path) == before and [p.name for p in tmp_path.iterdir()] == ["r.zarr"]


@pytest.mark.parametrize("seed", range(3))
def test_a_writer_interrupted_anywhere_leaves_the_old_store_whole_and_no_debris(
        runs, seed, tmp_path, monkeypatch):
    rng = np.random.default_rng(200 + seed)
    path = save_trajectory(runs["random4"], tmp_path / "r.zarr")
    before = _tree(path)
    names = [*ARRAYS, *runs["random5"].energy]
    victim = names[int(rng.integers(len(names)))]
    real = stores._write_array
    exc = (KeyboardInterrupt, OSError, RuntimeError)[int(rng.integers(3))]

    def dying(group, name, *args, **kwargs):
        if name == victim:
            raise exc(f"killed while writing {name}")
        real(group, name, *args, **kwargs)

    monkeypatch.setattr(stores, "_write_array", dying)
    with pytest.raises(exc):
        save_trajectory(runs["random5"], path)
    assert _tree(path) == before and [p.name for p in tmp_path.iterdir()] == ["r.zarr"]
    assert_bit_exact(load_trajectory(path), runs["random4"])
    with pytest.raises(exc):  # nothing at all before: nothing after
        save_trajectory(runs["random5"], tmp_path / "new.zarr")
    assert [p.name for p in tmp_path.iterdir()] == ["r.zarr"]


def test_saving_onto_a_file_is_refused_and_keeps_the_file(runs, tmp_path):
    # regression: the file was renamed aside to <name>.old-<host>-<pid> and left there
    target = tmp_path / "run.zarr"
    target.write_text("precious")
    with pytest.raises(StoreError, match="not a directory"):
        save_trajectory(runs["random0"], target)
    assert target.read_text() == "precious" and [p.name for p in tmp_path.iterdir()] == [
        "run.zarr"]


# --- Trajectory ----------------------------------------------------------------------------

def test_trajectory_equality_compares_arrays_params_and_energies(runs):
    traj = runs["random0"]
    same = Trajectory(traj.tau.copy(), traj.sigma.copy(), traj.velocity.copy(),
                      traj.chain_sites.copy(), traj.chain_tau.copy(),
                      traj.chain_displacement.copy(), dict(traj.energy), dict(traj.params))
    assert same == traj and not (same != traj)
    sigma = traj.sigma.copy()
    sigma[0, -1] = np.nextafter(sigma[0, -1], np.inf)
    assert Trajectory(traj.tau, sigma, traj.velocity, traj.chain_sites, traj.chain_tau,
                      traj.chain_displacement, traj.energy, traj.params) != traj
    assert Trajectory(traj.tau, traj.sigma, traj.velocity, traj.chain_sites, traj.chain_tau,
                      traj.chain_displacement, traj.energy, {**traj.params, "mu": 2.0}) != traj
    assert traj != "a trajectory"


@pytest.mark.parametrize("kw, word", [
    (dict(sigma=np.zeros((1, 4, 2)), velocity=np.zeros((1, 4, 2))), "sigma"),
    (dict(chain_sites=[1.5]), "chain_sites"),
    (dict(chain_sites=["3"]), "chain_sites"),
    (dict(chain_sites=[1, 2]), "chain_displacement"),
    (dict(energy={"heat": np.zeros(4)}), "heat"),
    (dict(energy={"total": np.zeros(3)}), "total")])
def test_a_malformed_trajectory_is_refused_naming_the_field(kw, word):
    base = dict(tau=np.arange(4.0), sigma=np.zeros(4), velocity=np.zeros(4), chain_sites=[2],
                chain_tau=[0.0, 1.0], chain_displacement=[[0.0, 1.0]])
    with pytest.raises(ParameterError, match=word):
        Trajectory(**{**base, **kw})


def test_integer_valued_float_sites_are_taken_as_integers():
    traj = Trajectory(np.arange(2.0), np.zeros(2), np.zeros(2), [3.0, -1.0], [0.0],
                      [[0.0], [1.0]])
    assert traj.chain_sites.dtype == np.int64 and traj.chain_sites.tolist() == [3, -1]


# --- write_table ---------------------------------------------------------------------------

def _random_frame(rng, n):
    return pd.DataFrame({
        "x": rng.normal(size=n) * 10.0 ** rng.integers(-300, 300, size=n),
        "tiny": rng.random(n) * 1e-310, "n": rng.integers(-10**12, 10**12, size=n),
        "flag": rng.random(n) < 0.5, "label": rng.choice(["drift", "trap", "pass"], size=n),
        "y": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n))})


@pytest.mark.parametrize("seed", range(4))
def test_write_table_gives_the_same_bytes_and_every_double_back(seed, tmp_path):
    rng = np.random.default_rng(300 + seed)
    df = _random_frame(rng, int(rng.integers(1, 60)))
    write_table(df, tmp_path / "a.csv")
    write_table(df.copy(), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    back = pd.read_csv(tmp_path / "a.csv")
    assert list(back.columns) == list(df.columns)
    for col in ("x", "tiny", "y", "n"):
        np.testing.assert_array_equal(back[col].to_numpy(), df[col].to_numpy(), err_msg=col)
    assert b"\r" not in (tmp_path / "a.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_write_table_writes_nan_as_empty_and_infinities_that_read_back(tmp_path):
    df = pd.DataFrame({"i": range(5), "v": [1.0, math.nan, math.inf, -math.inf, -0.0]})
    write_table(df, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text() == "i,v\n0,1\n1,\n2,inf\n3,-inf\n4,-0\n"
    back = pd.read_csv(tmp_path / "t.csv")["v"].to_numpy()
    np.testing.assert_array_equal(back, df["v"].to_numpy())
    assert math.copysign(1.0, back[-1]) == -1.0


def test_a_failed_table_write_keeps_the_old_table_and_leaves_no_tmp(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    write_table(pd.DataFrame({"a": [1.0]}), path)

    def dying(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", dying)
    with pytest.raises(KeyboardInterrupt):
        write_table(pd.DataFrame({"a": [2.0]}), path)
    assert path.read_text() == "a\n1\n" and [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_a_table_of_trajectory_stores_carries_its_provenance_columns(tmp_path):
    from chaindrag import __version__
    from chaindrag.tables.trajectories import fig4_pass_table

    stores_ = []
    for i, inter in enumerate((Gaussian(2.0, 4.0), negated(Morse.channel()))):
        traj = simulate(alpha=40.0, interaction=inter, sigma0=38.0, v0=60.0, tau_max=0.1)
        stores_.append(save_trajectory(traj, tmp_path / f"s{i}.zarr"))
    df = fig4_pass_table(stores_, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv")
    for col in ("solver", "chaindrag_version", "omega_fast", "d", "tau_max", "interaction"):
        assert col in back.columns, col
    assert set(back["chaindrag_version"]) == {__version__}
    first = (tmp_path / "t.csv").read_bytes()
    fig4_pass_table(stores_, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == first and len(df) == len(back)


# --- canonical_json / config_digest --------------------------------------------------------

def _random_config(rng, depth=0):
    out = {}
    for i in range(int(rng.integers(1, 5))):
        kind = int(rng.integers(0 if depth < 2 else 2, 7))
        key = f"k{i}_{int(rng.integers(100))}"
        if kind == 0:
            out[key] = _random_config(rng, depth + 1)
        elif kind == 1:
            out[key] = [float(x) for x in rng.normal(size=int(rng.integers(0, 4)))]
        elif kind == 2:
            out[key] = float(rng.normal() * 10.0 ** rng.integers(-8, 8))
        elif kind == 3:
            out[key] = int(rng.integers(-1000, 1000))
        elif kind == 4:
            out[key] = bool(rng.random() < 0.5)
        elif kind == 5:
            out[key] = rng.choice(["quick", "paper", "é"]).item()
        else:
            out[key] = None
    return out


def _shuffled(value, rng):
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(value[k], rng) for k in keys}
    return value


def _numpyfied(value):
    if isinstance(value, dict):
        return {k: _numpyfied(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(np.float64(v) for v in value) if value else ()
    if isinstance(value, float):
        return np.float64(value)
    if isinstance(value, bool):
        return np.bool_(value)
    if isinstance(value, int):
        return np.int64(value)
    return value


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    else:
        yield path, value


def _set(config, path, value):
    out = json.loads(json.dumps(config))
    node = out
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return out


@pytest.mark.parametrize("seed", range(8))
def test_equal_configs_have_one_digest_whatever_key_order_and_numpy_spelling(seed):
    rng = np.random.default_rng(400 + seed)
    config = _random_config(rng)
    digest = config_digest(config)
    assert config_digest(_shuffled(config, rng)) == digest
    assert config_digest(_numpyfied(config)) == digest
    assert config_digest(json.loads(canonical_json(config))) == digest
    assert canonical_json(config).isascii() and len(digest) == 64


@pytest.mark.parametrize("seed", range(8))
def test_changing_any_value_changes_the_digest(seed):
    rng = np.random.default_rng(500 + seed)
    config = _random_config(rng)
    digest = config_digest(config)
    for path, value in _leaves(config):
        if not path:
            continue
        if isinstance(value, bool):
            other = not value
        elif isinstance(value, int):
            other = float(value)  # documented: 1 and 1.0 are different values
        elif isinstance(value, float):
            other = float(np.nextafter(value, np.inf))
        elif isinstance(value, list):
            other = value + [0.0]
        elif value is None:
            other = 0
        else:
            other = value + "x"
        assert config_digest(_set(config, path, other)) != digest, path
    assert config_digest({**config, "extra": None}) != digest


@pytest.mark.parametrize("bad, error, word", [
    ({"a": math.nan}, ValueError, "a"), ({"a": {"b": [1.0, -math.inf]}}, ValueError, "a.b[1]"),
    ({"a": np.array([0.0, np.inf])}, ValueError, "a[1]"), ({"a": {1, 2}}, TypeError, "set"),
    ({"a": {2: 1}}, TypeError, "key 2"), ({"a": b"x"}, TypeError, "bytes"),
    ({"a": object()}, TypeError, "object"), ([1, 2], TypeError, "mapping")])
def test_what_json_cannot_hold_is_refused_naming_where(bad, error, word):
    with pytest.raises(error, match=re.escape(word)):
        config_digest(bad)


def test_a_config_that_contains_itself_is_refused_not_a_recursion_error():
    # regression: a cycle recursed until RecursionError
    config = {"a": {"b": []}}
    config["a"]["b"].append(config)
    with pytest.raises(ValueError, match=r"a\.b\[0\].*cycle"):
        config_digest(config)
    shared = [1, 2.5]
    assert config_digest({"x": shared, "y": shared}) == config_digest({"x": [1, 2.5],
                                                                      "y": [1, 2.5]})

