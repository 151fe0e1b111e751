"""The same configuration gives the same bytes: a second run, in a fresh checkout copy, of
one job of every rule that simulates or integrates (kernel stores, trajectories,
single-pass batches, drift batches, the health runs) and of the tables built from them
reproduces the session's quick-preset run byte for byte: every table and batch file, and
every zarr store file for file, attributes included (no store records a wall time, a
creation time or a host). The other outputs come from the same rules on other parameters;
the Fig. 8(c) table (21 s) is left out: its bytes are compared between two spellings of one
potential, in one process, in tests/test_interaction_figures.py."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import numpy as np
import pytest

from .helpers import copy_checkout, run_snakemake
from .test_rerun_only_branch import planned_jobs

TABLES = ("fig2_kernel", "fig6_single_pass", "fig7_per_pass", "fig9_broadened",
          "numerical_health", "steady_state_drive")
REMADE_RULES = {"kernel_store", "trajectory", "single_pass_batch", "drift_run", "health_energy",
                "health_solvers", "health_drive", "table_fig2", "table_fig6", "table_fig7",
                "table_fig9", "table_numerical_health", "table_steady_state_drive"}

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def second_run(tmp_path_factory, quick_run) -> Path:
    workdir = copy_checkout(tmp_path_factory.mktemp("quick_again") / "repo")
    # the Fig. 8 drift batches are targets of their own: their table also needs Fig. 8(c)'s
    batches = sorted(p.relative_to(quick_run).as_posix()
                     for p in (quick_run / "results" / "runs" / "fig8").glob("*/batch_*.csv"))
    targets = [f"results/tables/{name}.csv" for name in TABLES] + batches
    plan = run_snakemake(workdir, "-n", *targets, "--config", "preset=quick")
    rules = set(planned_jobs(plan.stdout + plan.stderr))
    assert rules == REMADE_RULES, rules ^ REMADE_RULES
    run_snakemake(workdir, "--cores", "2", *targets, "--config", "preset=quick")
    return workdir


def _files(root: Path) -> dict[str, Path]:
    """The table and batch files of a run (results/tables, results/runs: its only CSVs),
    relative to its checkout."""
    return {p.relative_to(root).as_posix(): p for p in sorted((root / "results").rglob("*.csv"))}


def test_second_run_writes_the_same_tables_and_batches_bit_for_bit(quick_run, second_run):
    first, second = _files(quick_run), _files(second_run)
    assert {f"results/tables/{name}.csv" for name in TABLES} <= second.keys()
    assert any(name.startswith("results/runs/fig8/") for name in second)
    assert not second.keys() - first.keys()
    differ = {}
    for name in second:
        a, b = first[name].read_bytes(), second[name].read_bytes()
        if a != b:
            diff = difflib.unified_diff(a.decode().splitlines(), b.decode().splitlines(),
                                        lineterm="", n=0)
            differ[name] = "\n".join(list(diff)[2:6])
    assert not differ, "files differ between two runs of the same config:\n" + "\n".join(
        f"{k}:\n{v}" for k, v in differ.items())


def _stores(root: Path) -> list[Path]:
    """Every zarr store of a run (trajectories, kernel stores), relative to its checkout."""
    return sorted(p.relative_to(root) for p in (root / "results").rglob("*.zarr")
                  if p.is_dir())


def _store_files(store: Path) -> dict[str, bytes]:
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
    stores = _stores(second_run)  # what the second run made
    assert any(rel.parts[:2] == ("results", "runs") for rel in stores)
    assert any(rel.parts[:2] == ("results", "kernels") for rel in stores)
    assert not [rel for rel in stores if not (quick_run / rel).is_dir()]
    differ = {}
    for rel in stores:
        a, b = _store_files(quick_run / rel), _store_files(second_run / rel)
        assert a.keys() == b.keys(), f"{rel}: files {sorted(a.keys() ^ b.keys())}"
        bad = [f"{name}: {_how_they_differ(name, a[name], b[name])}"
               for name in a if a[name] != b[name]]
        if bad:
            differ[str(rel)] = bad
    assert not differ, "stores differ between two runs of the same config:\n" + "\n".join(
        f"{k}: {v}" for k, v in differ.items())


def test_second_run_stores_the_same_trajectories(quick_run, second_run):
    from chaindrag.stores import load_trajectory

    stores = sorted(p.relative_to(second_run)
                    for p in (second_run / "results" / "runs").rglob("*.zarr"))
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
