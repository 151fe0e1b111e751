"""The same configuration gives the same bytes: a second quick-preset run, in a fresh
checkout copy, reproduces every table of the session's run byte for byte, and every zarr
store (trajectories, kernel stores) file for file and byte for byte, attributes included:
no store records a wall time, a creation time or a host. The second run makes what is
compared, not the figures drawn from it (~30 % of the quick preset's CPU)."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import numpy as np
import pytest

from .helpers import copy_checkout, run_snakemake

FIGURE_RULES = ("fig2", "fig3", "fig4", "fig5", "fig6", "fig7", "fig8", "fig9")

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def second_run(tmp_path_factory) -> Path:
    workdir = copy_checkout(tmp_path_factory.mktemp("quick_again") / "repo")
    run_snakemake(workdir, "--cores", "2", "--config", "preset=quick",
                  "--omit-from", *FIGURE_RULES)
    return workdir


def _tables(root: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted((root / "results" / "tables").glob("*.csv"))}


def test_second_run_writes_the_same_tables_bit_for_bit(quick_run, second_run):
    first, second = _tables(quick_run), _tables(second_run)
    assert first and first.keys() == second.keys()
    differ = {}
    for name in first:
        a, b = first[name].read_bytes(), second[name].read_bytes()
        if a != b:
            diff = difflib.unified_diff(a.decode().splitlines(), b.decode().splitlines(),
                                        lineterm="", n=0)
            differ[name] = "\n".join(list(diff)[2:6])
    assert not differ, "tables differ between two runs of the same config:\n" + "\n".join(
        f"{k}:\n{v}" for k, v in differ.items())


def _stores(root: Path) -> list[Path]:
    """Every zarr store of a run (trajectories, kernel stores), relative to its checkout."""
    return sorted(p.relative_to(root) for p in (root / "results").rglob("*.zarr")
                  if p.is_dir())


def _files(store: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every file of a store (its attributes are files too)."""
    return {p.relative_to(store).as_posix(): p.read_bytes()
            for p in sorted(store.rglob("*")) if p.is_file()}


def _how_they_differ(name: str, a: bytes, b: bytes) -> str:
    """For a zarr.json: the attributes (or other metadata) that differ; else the sizes."""
    if name.endswith("zarr.json"):
        ma, mb = json.loads(a), json.loads(b)
        aa, ab = ma.pop("attributes", {}), mb.pop("attributes", {})
        keys = sorted(k for k in aa.keys() | ab.keys() if aa.get(k) != ab.get(k))
        return f"attributes {keys}" + ("" if ma == mb else ", array metadata")
    return f"{len(a)} vs {len(b)} bytes"


def test_second_run_stores_the_same_bytes_attributes_included(quick_run, second_run):
    stores = _stores(second_run)  # what the second run made (no figure needs a store alone)
    assert any(rel.parts[:2] == ("results", "runs") for rel in stores)
    assert not [rel for rel in stores if not (quick_run / rel).is_dir()]
    differ = {}
    for rel in stores:
        a, b = _files(quick_run / rel), _files(second_run / rel)
        assert a.keys() == b.keys(), f"{rel}: files {sorted(a.keys() ^ b.keys())}"
        bad = [f"{name}: {_how_they_differ(name, a[name], b[name])}"
               for name in a if a[name] != b[name]]
        if bad:
            differ[str(rel)] = bad
    assert not differ, "stores differ between two runs of the same config:\n" + "\n".join(
        f"{k}: {v}" for k, v in differ.items())


def test_second_run_stores_the_same_trajectories(quick_run, second_run):
    from chaindrag.stores import load_trajectory

    stores = sorted(p.relative_to(quick_run)
                    for p in (quick_run / "results" / "runs").rglob("*.zarr"))
    assert stores
    for rel in stores:
        a, b = load_trajectory(quick_run / rel), load_trajectory(second_run / rel)
        for name in ("tau", "sigma", "velocity", "chain_sites", "chain_tau",
                     "chain_displacement"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), f"{rel}: {name}"
        assert a.energy.keys() == b.energy.keys(), rel
        for key in a.energy:
            assert np.array_equal(a.energy[key], b.energy[key]), f"{rel}: energy {key}"
        assert a.params == b.params, rel  # every param: none records how the run went
        assert "wall_time_s" not in a.params and a.wall_time_s is None, rel
