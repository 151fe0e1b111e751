"""`snakemake --lint` reports nothing, and config.yaml is checked against its schema."""

from __future__ import annotations

import pytest
import yaml

from .helpers import REPO, copy_checkout, run_snakemake

pytestmark = pytest.mark.workflow


def test_lint_is_clean():
    proc = run_snakemake(REPO, "--lint", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Lints for" not in out, out[-4000:]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    return copy_checkout(tmp_path_factory.mktemp("schema") / "repo")


def _dry_run_with(checkout, tmp_path, edit, *extra):
    cfg = yaml.safe_load((checkout / "config.yaml").read_text())
    edit(cfg)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return run_snakemake(checkout, "-n", "--configfile", str(path), *extra, check=False)


@pytest.mark.parametrize("edit, needle", [
    (lambda c: c["fig6"].update(phi_0=2.0), "phi_0"),                   # unknown key
    (lambda c: c["fig8"].update(tau_max=-1.0), "tau_max"),              # out of range
    (lambda c: c["fig3"].update(solver="euler"), "euler"),              # not an allowed value
    (lambda c: c["quick"]["fig5"].update(v0_stepp=1.0), "v0_stepp"),    # typo in the overrides
    (lambda c: c["quick"].update(preset="paper"), "quick.preset"),      # a preset in the preset
    (lambda c: c["fig6"]["repulsive"].update(step=1e-6), "fig6.repulsive"),  # 4.6e7 speeds
    (lambda c: c["kernels"]["fig2"].update(d=91, omega_fast=7.3), "fig2.taus[0]"),  # off grid
])
def test_bad_config_is_rejected_naming_the_key(checkout, tmp_path, edit, needle):
    proc = _dry_run_with(checkout, tmp_path, edit)
    assert proc.returncode != 0
    assert needle in proc.stdout + proc.stderr
