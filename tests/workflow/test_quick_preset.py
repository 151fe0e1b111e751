"""The quick preset takes a fresh checkout to every figure and table with no manual step."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from .helpers import run_snakemake

pytestmark = pytest.mark.workflow

FIGURES = [f"fig{i}" for i in range(2, 10)]

# Columns every consumer (figures, validation) relies on: results/README.md.
SCHEMAS = {
    "fig2_kernel": ["tau", "n", "gamma", "front_site", "omega_fast", "d"],
    "fig4_pass": ["phi0", "lam", "alpha", "v0", "tau", "sigma", "v", "v_analytic"],
    "fig4c_fluctuation": ["phi0", "lam", "alpha", "v0", "v_ext_numeric", "v_ext_analytic",
                          "fluctuation_numeric", "fluctuation_analytic", "passed"],
    "single_pass": ["figure", "alpha", "phi0", "lam", "mu", "v0", "d", "tau_max", "passed",
                    "delta_numeric", "delta_analytic", "rel_error", "tau_cross", "v_cross"],
    "fig5_single_pass": ["figure", "lam", "phi0", "v0", "delta_numeric", "delta_analytic"],
    "fig6_single_pass": ["figure", "phi0", "v0", "delta_numeric", "delta_analytic"],
    "fig7_per_pass": ["phi0", "lam", "alpha", "v0", "pass_index", "tau", "v_mid",
                      "delta_numeric", "delta_analytic", "keep"],
    "fig8_midpoints": ["phi0", "lam", "alpha", "bias", "v0", "tau", "v", "v_midpoint"],
    "fig8_fates": ["phi0", "lam", "alpha", "bias", "v0", "tau_max", "fate", "plateau_v", "n",
                   "offset", "tau_end", "tau_decided", "capped", "cap_reason"],
    "fig8c_steady_state": ["v", "delta_bar", "delta_bar_script", "alpha", "phi0", "lam"],
    "drift_velocities": ["v", "stable", "kind", "bias", "phi0", "broadened"],
    "steady_state_drive": ["v", "delta_bar_numeric", "delta_bar_analytic", "delta_bar_script",
                           "rel_error", "rel_error_script", "tau_max", "d", "mu", "sigma0",
                           "window", "chain_solver"],
    "fig9_broadened": ["phi0", "v", "delta_bar_broadened"],
    "numerical_health": ["check", "quantity", "value", "d", "sigma0", "kernel_store"],
    "validation": ["figure", "claim", "expected", "measured", "tolerance", "passed", "note",
                   "preset", "config_sha256", "chaindrag_version"],
}


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_is_rendered_as_pdf_and_png(quick_run, name):
    for ext in ("pdf", "png"):
        path = quick_run / "results" / "figures" / f"{name}.{ext}"
        assert path.is_file() and path.stat().st_size > 1000, f"{path} missing or empty"


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_names_the_code_that_drew_it(quick_run, name):
    from PIL import Image  # matplotlib's own dependency

    from chaindrag import __version__

    creator = f"chaindrag {__version__}"
    with Image.open(quick_run / "results" / "figures" / f"{name}.png") as png:
        assert png.info.get("Creator") == creator
        about = png.info.get("Description", "")
    pdf = (quick_run / "results" / "figures" / f"{name}.pdf").read_bytes()
    assert f"/Creator ({creator})".encode() in pdf
    # and the settings that drew it, so that a figure copied on its own tells its preset
    head = f"chaindrag figure {name}, settings "
    assert about.startswith(head), about[:200]
    assert f"/Subject ({head}".encode() in pdf
    settings = json.loads(about[len(head):])
    if name == "fig3":  # the quick preset's run length, not the paper's 125
        cfg = yaml.safe_load((quick_run / "config.yaml").read_text())
        assert settings["tau_max"] == cfg["quick"]["fig3"]["tau_max"] != cfg["fig3"]["tau_max"]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_table_has_rows_and_its_documented_columns(quick_run, name):
    df = pd.read_csv(quick_run / "results" / "tables" / f"{name}.csv")
    assert len(df) > 0, f"{name}.csv has no rows"
    missing = [c for c in SCHEMAS[name] if c not in df.columns]
    assert not missing, f"{name}.csv lacks columns {missing}"


def test_chaindrag_version_is_the_last_column_of_every_table(quick_run):
    """Columns a table adds come before the version (results/README.md); the fates tables
    write their long cap_reason after it, as documented."""
    for path in sorted((quick_run / "results" / "tables").glob("*.csv")):
        columns = list(pd.read_csv(path, nrows=0).columns)
        last = columns[-2:] if path.stem.startswith("fig8_fates") else columns[-1:]
        assert last[0] == "chaindrag_version", f"{path.name}: {columns[-4:]}"


def test_simulation_tables_carry_provenance(quick_run):
    for name in ("single_pass", "fig7_per_pass", "fig8_midpoints", "numerical_health"):
        df = pd.read_csv(quick_run / "results" / "tables" / f"{name}.csv")
        for column in ("omega_fast", "solver", "chaindrag_version"):
            assert column in df.columns, f"{name}.csv lacks provenance column {column}"


def test_validation_names_the_preset_and_the_configuration_it_judged(quick_run):
    import yaml

    from chaindrag.config import config_digest, merge_patch

    df = pd.read_csv(quick_run / "results" / "tables" / "validation.csv",
                     keep_default_na=False, dtype=str)
    assert list(df.columns[-3:]) == ["preset", "config_sha256", "chaindrag_version"]
    assert (df["preset"] == "quick").all()
    # the configuration snakemake ran with: config.yaml, preset=quick, the quick section
    # merged over the others (the quick section itself kept)
    cfg = dict(yaml.safe_load((quick_run / "config.yaml").read_text()), preset="quick")
    assert (df["config_sha256"] == config_digest(merge_patch(cfg, cfg["quick"]))).all()


def test_fig8_runs_are_decided_at_tau_max_or_say_why_not_and_what_continues_them(quick_run):
    fates = pd.read_csv(quick_run / "results" / "tables" / "fig8_fates.csv",
                        keep_default_na=False)
    open_ = fates[fates["fate"] == "undetermined"]
    assert open_["capped"].astype(str).eq("True").all()
    assert open_["cap_reason"].str.contains("`fates`").all()
    assert (pd.to_numeric(fates["tau_end"]) == pd.to_numeric(fates["tau_max"])).all()
    decided = fates[fates["fate"] != "undetermined"]
    assert (pd.to_numeric(decided["tau_decided"]) <= pd.to_numeric(decided["tau_end"])).all()


def test_single_pass_table_has_one_row_per_configured_run(quick_run):
    import yaml

    cfg = yaml.safe_load((quick_run / "config.yaml").read_text())
    quick6 = cfg["quick"]["fig6"]
    expected = sum(int((s["stop"] - s["start"]) // s["step"]) + 1
                   for s in (quick6["repulsive"], quick6["attractive"]))
    df = pd.read_csv(quick_run / "results" / "tables" / "fig6_single_pass.csv")
    assert len(df) == expected
    assert set(df["phi0"]) == {cfg["fig6"]["phi0"], -cfg["fig6"]["phi0"]}


def test_completed_run_has_nothing_left_to_do(quick_run):
    proc = run_snakemake(quick_run, "-n", "--config", "preset=quick")
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_report_contains_every_figure_and_table(quick_run):
    run_snakemake(quick_run, "--config", "preset=quick", "--report", "results/report.html")
    html = (quick_run / "results" / "report.html").read_text(errors="replace")
    for name in FIGURES:
        assert f"{name}.png" in html
    for name in SCHEMAS:
        assert f"{name}.csv" in html


def test_every_claim_of_the_quick_preset_passes_or_is_not_applicable(quick_run):
    df = pd.read_csv(quick_run / "results" / "tables" / "validation.csv",
                     keep_default_na=False)
    assert len(df) >= 50
    failed = df[df["passed"].astype(str) == "False"]
    assert failed.empty, "failed claims:\n" + failed[["figure", "claim", "note"]].to_string()
    na = df[df["passed"].astype(str) == "n/a"]
    assert (na["note"].str.len() > 0).all(), "every not-applicable row says why"
    assert (df["passed"].astype(str) == "True").sum() >= 40
