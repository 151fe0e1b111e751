"""Fig. 8's branch reruns what a change touches: its drift jobs only when a run input changes."""

from __future__ import annotations

import pytest
import yaml

from .helpers import run_snakemake
from .test_rerun_only_branch import planned_jobs

pytestmark = pytest.mark.workflow

FIG8_DOWNSTREAM = {"table_fig8", "fig8", "fig8_long", "validation", "all"}


def _plan(quick_run, tmp_path, edit) -> dict[str, list[str]]:
    cfg = yaml.safe_load((quick_run / "config.yaml").read_text())
    edit(cfg)
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(cfg))
    proc = run_snakemake(quick_run, "-n", "--configfile", str(changed), "--config",
                         "preset=quick")
    return planned_jobs(proc.stdout + proc.stderr)


def test_changing_how_fig8_is_drawn_reruns_no_drift_run(quick_run, tmp_path):
    jobs = _plan(quick_run, tmp_path, lambda c: c["fig8"].update(n_lines=12))
    assert {"fig8", "fig8_long"} <= set(jobs) <= {"fig8", "fig8_long", "validation", "all"}


def test_changing_the_continuation_cap_reruns_the_drift_batches_and_their_reductions(
        quick_run, tmp_path):
    jobs = _plan(quick_run, tmp_path,
                 lambda c: c["quick"]["fig8"]["continuation"].update(tau_cap=150.0))
    assert "drift_run" in jobs and set(jobs) <= FIG8_DOWNSTREAM | {"drift_run"}
    outs = jobs["drift_run"]
    assert outs and all(p.startswith("results/runs/fig8/") and "_cap150_" in p for p in outs)
