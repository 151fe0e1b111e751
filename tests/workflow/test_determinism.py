"""The same configuration gives bit-identical tables: a second quick-preset run, in a fresh
checkout copy, reproduces every table of the session's run byte for byte, and every stored
trajectory array exactly (the stores' wall-clock attributes aside). The second run makes
what is compared, not the figures drawn from it (~30 % of the quick preset's CPU)."""

from __future__ import annotations

import difflib
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


def test_second_run_stores_the_same_trajectories(quick_run, second_run):
    from chaindrag.stores import load_trajectory

    stores = sorted(p.relative_to(quick_run)
                    for p in (quick_run / "results" / "runs").rglob("*.zarr"))
    assert stores
    for rel in stores:
        a, b = load_trajectory(quick_run / rel), load_trajectory(second_run / rel)
        for name in ("tau", "sigma", "velocity", "chain_displacement"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), f"{rel}: {name}"
        for key in a.energy:
            assert np.array_equal(a.energy[key], b.energy[key]), f"{rel}: energy {key}"
        same = {k for k in a.params if k != "wall_time_s"}
        assert {k: a.params[k] for k in same} == {k: b.params[k] for k in same}, rel
