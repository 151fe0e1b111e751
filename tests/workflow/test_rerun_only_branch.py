"""Changing one figure's parameters reruns that figure's branch and nothing else."""

from __future__ import annotations

import re

import pytest
import yaml

from .helpers import run_snakemake

pytestmark = pytest.mark.workflow

# Fig. 6's branch: its single-pass batches, its table, the concatenated single-pass table it
# feeds, its figure, and the validation table (which reads every table).
FIG6_BRANCH = {"single_pass_batch", "table_fig6", "table_single_pass", "fig6", "validation",
               "all"}


def planned_jobs(output: str) -> dict[str, list[str]]:
    """{rule: [outputs]} from the job descriptions of a `snakemake -n` run."""
    jobs: dict[str, list[str]] = {}
    for block in re.split(r"\n(?=\[[^\]]+\]\n)", output):
        rule = re.search(r"^(?:local)?rule (\w+):", block, re.M)
        if rule:
            outs = re.search(r"^\s+output: (.*)$", block, re.M)
            jobs.setdefault(rule.group(1), []).extend(
                outs.group(1).split(", ") if outs else [])
    return jobs


def test_changing_fig6_phi0_plans_only_the_fig6_branch(quick_run, tmp_path):
    cfg = yaml.safe_load((quick_run / "config.yaml").read_text())
    cfg["fig6"]["phi0"] = cfg["fig6"]["phi0"] + 0.5
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(cfg))
    proc = run_snakemake(quick_run, "-n", "--configfile", str(changed), "--config",
                         "preset=quick")
    jobs = planned_jobs(proc.stdout + proc.stderr)
    assert "fig6" in jobs and "single_pass_batch" in jobs, jobs.keys()
    assert set(jobs) <= FIG6_BRANCH, f"jobs outside Fig. 6's branch: {set(jobs) - FIG6_BRANCH}"
    batches = jobs["single_pass_batch"]
    assert batches and all(p.startswith("results/runs/fig6/") for p in batches), batches


def test_changing_a_plot_setting_of_fig3_redraws_only_fig3(quick_run, tmp_path):
    # colour_limit is where Fig. 3's colour scale saturates: no run, table or other figure
    # depends on it (the validation table reruns on any change: its rows name the config)
    cfg = yaml.safe_load((quick_run / "config.yaml").read_text())
    cfg["fig3"]["colour_limit"] = 2 * cfg["fig3"]["colour_limit"]
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(cfg))
    proc = run_snakemake(quick_run, "-n", "--configfile", str(changed), "--config",
                         "preset=quick")
    assert set(planned_jobs(proc.stdout + proc.stderr)) == {"fig3", "validation", "all"}


def test_unchanged_config_plans_nothing(quick_run):
    proc = run_snakemake(quick_run, "-n", "--config", "preset=quick")
    assert planned_jobs(proc.stdout + proc.stderr) == {}
