"""The named target `fates` (issue 15): the Fig. 8 runs continued past the panels' tau_max.

Run on a copy of the finished quick-preset checkout: the target adds the continued runs, their
fates, fig8_long and validation_fates.csv, and leaves every output of the default target as
it was (the panels do not depend on the continuation).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from .helpers import run_snakemake
from .test_rerun_only_branch import planned_jobs

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def fates_run(quick_run, tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("fates") / "repo"
    shutil.copytree(quick_run, workdir, symlinks=True)
    start = time.perf_counter()
    proc = run_snakemake(workdir, "--cores", "2", "fates", "--config", "preset=quick")
    print(f"\nquick fates target finished in {time.perf_counter() - start:.0f} s")
    ran = planned_jobs(proc.stdout + proc.stderr)
    assert set(ran) <= {"drift_run", "table_fig8_continued", "fig8_long", "validation_fates",
                        "fates"}, f"the fates target reran default-target jobs: {sorted(ran)}"
    return workdir


def test_fates_target_draws_fig8_long_and_leaves_the_default_target_up_to_date(fates_run):
    for ext in ("pdf", "png"):
        path = fates_run / "results" / "figures" / f"fig8_long.{ext}"
        assert path.is_file() and path.stat().st_size > 1000
    again = run_snakemake(fates_run, "-n", "--config", "preset=quick")
    assert planned_jobs(again.stdout + again.stderr) == {}


def test_every_continued_run_is_decided_or_capped_with_a_reason(fates_run):
    tables = fates_run / "results" / "tables"
    fates = pd.read_csv(tables / "fig8_fates_continued.csv", keep_default_na=False)
    panels = pd.read_csv(tables / "fig8_fates.csv", keep_default_na=False)
    assert sorted(zip(fates["phi0"], fates["v0"])) == sorted(zip(panels["phi0"], panels["v0"]))
    open_ = fates[fates["fate"] == "undetermined"]
    cap = pd.to_numeric(open_["tau_end"])
    assert (open_["capped"].astype(str) == "True").all() and (cap > open_["tau_max"]).all()
    assert open_["cap_reason"].str.startswith("undetermined at the cap").all()
    decided = fates[fates["fate"] != "undetermined"]
    assert (pd.to_numeric(decided["tau_decided"]) <= pd.to_numeric(decided["tau_end"])).all()
    # a fate decided at tau_max is the panels' verdict: the same deterministic run
    same = panels[panels["fate"] != "undetermined"].merge(fates, on=["phi0", "v0"])
    assert (same["fate_x"] == same["fate_y"]).all()
    long = pd.read_csv(tables / "fig8_long.csv")
    assert {"phi0", "v0", "tau", "v", "v_midpoint", "tau_end"} <= set(long.columns)
    assert (long["tau"] <= long["tau_end"] + 1e-9).all()


def test_validation_fates_holds_only_fig8_claims_and_none_fails(fates_run):
    df = pd.read_csv(fates_run / "results" / "tables" / "validation_fates.csv",
                     keep_default_na=False)
    assert len(df) and set(df["figure"]) == {"fig8"}
    # judged under the configuration validation.csv names
    panels = pd.read_csv(fates_run / "results" / "tables" / "validation.csv", dtype=str)
    assert set(df["preset"]) == {"quick"} and set(df["config_sha256"]) == set(
        panels["config_sha256"])
    assert not (df["passed"].astype(str) == "False").any(), df[df["passed"].astype(str)
                                                                == "False"].to_string()
