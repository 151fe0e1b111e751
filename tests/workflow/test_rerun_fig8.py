"""Fig. 8's branch reruns what a change touches: its drift jobs only when a run input changes.

The panels' runs (default target) do not depend on the continuation's settings; the
continued runs (named target fates) do. Any configuration change reruns the validation
tables (seconds each): their rows name the configuration's digest (config_sha256)."""

from __future__ import annotations

import pytest
import yaml

from .helpers import run_snakemake
from .test_rerun_only_branch import planned_jobs

pytestmark = pytest.mark.workflow

FATES_DOWNSTREAM = {"table_fig8_continued", "fig8_long", "validation_fates", "fates"}


def _plan(quick_run, tmp_path, edit, *targets) -> dict[str, list[str]]:
    cfg = yaml.safe_load((quick_run / "config.yaml").read_text())
    edit(cfg)
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(cfg))
    proc = run_snakemake(quick_run, *targets, "-n", "--configfile", str(changed), "--config",
                         "preset=quick")
    return planned_jobs(proc.stdout + proc.stderr)


def test_changing_how_fig8_is_drawn_reruns_no_drift_run(quick_run, tmp_path):
    jobs = _plan(quick_run, tmp_path, lambda c: c["fig8"].update(n_lines=12))
    assert "fig8" in jobs and set(jobs) <= {"fig8", "validation", "all"}


def test_changing_the_continuation_cap_reruns_only_the_continued_runs(quick_run, tmp_path):
    def edit(c):
        c["quick"]["fig8"]["continuation"].update(tau_cap=150.0)

    # the default target reruns no simulation, table or figure: only validation.csv, whose
    # rows name the configuration (config_sha256)
    assert set(_plan(quick_run, tmp_path, edit)) <= {"validation", "all"}
    jobs = _plan(quick_run, tmp_path, edit, "fates")
    assert "drift_run" in jobs and set(jobs) <= FATES_DOWNSTREAM | {"drift_run"}
    outs = jobs["drift_run"]
    assert outs and all(p.startswith("results/runs/fig8_continued/") and "_cap150_" in p
                        for p in outs)
