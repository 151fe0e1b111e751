"""The thermal branch (issue 13): `snakemake --cores 2 thermal --config preset=quick` takes a
fresh checkout to its four figures, tidy tables and passing claims, and stays out of the
default target; another pair potential in `thermal.drag` reruns only the drag branch and
draws that potential's theory."""

from __future__ import annotations

import hashlib
import math
import re
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from .helpers import copy_checkout, run_snakemake
from .test_rerun_only_branch import planned_jobs

pytestmark = pytest.mark.workflow

MORSE = {"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0}
FIGURES = ["thermal_single_pass", "thermal_equilibration", "thermal_drift", "thermal_drag"]
# Columns the figures and claims rely on (results/README.md, thermal section).
SCHEMAS = {
    "thermal_single_pass": ["omega_T", "statistics", "seed", "mirror", "particle", "v0", "delta",
                            "first_order_work", "passed",
                            "delta_rest", "delta_fd_std", "delta_thermal_shift", "n_modes",
                            "spacing", "solver", "chaindrag_version"],
    "thermal_equilibration": ["start", "seed", "tau", "kinetic", "omega_T", "equipartition"],
    "thermal_equilibration_crossings": ["start", "seed", "particle", "tau", "v", "kinetic"],
    "thermal_drift": ["phi0", "omega_T", "statistics", "seed", "v0", "tau", "v", "direction"],
    "thermal_drift_ends": ["phi0", "omega_T", "statistics", "seed", "v0", "v_end", "n", "fate"],
    "thermal_drag": ["statistics", "omega_T", "v", "n_samples", "delta_bar", "delta_bar_se",
                     "delta_bar_rest", "shift", "shift_se", "theory", "two_phonon", "three_phonon",
                     "higher_phonons",
                     "debye_waller", "theory_shift", "debye_waller_shift", "solver",
                     "window", "sigma0", "chaindrag_version"],
    "thermal_sampler": ["statistics", "omega_T", "quantity", "lag", "measured", "std_error",
                        "expected"],
    "thermal_solver_agreement": ["quantity", "value", "omega_T", "seed", "kernel_store"],
    "validation_thermal": ["figure", "claim", "expected", "measured", "tolerance", "passed",
                           "note", "preset", "config_sha256", "chaindrag_version"],
}


@pytest.fixture(scope="module")
def thermal_run(tmp_path_factory) -> Path:
    """A checkout copy in which `snakemake --cores 2 thermal --config preset=quick` completed."""
    workdir = copy_checkout(tmp_path_factory.mktemp("thermal") / "repo")
    start = time.perf_counter()
    run_snakemake(workdir, "--cores", "2", "thermal", "--config", "preset=quick")
    print(f"\nthermal quick preset finished in {time.perf_counter() - start:.0f} s")
    return workdir


@pytest.mark.parametrize("name", FIGURES)
def test_every_thermal_figure_is_rendered_as_pdf_and_png(thermal_run, name):
    for ext in ("pdf", "png"):
        path = thermal_run / "results" / "figures" / f"{name}.{ext}"
        assert path.is_file() and path.stat().st_size > 1000, f"{path} missing or empty"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_thermal_table_has_rows_and_its_documented_columns(thermal_run, name):
    df = pd.read_csv(thermal_run / "results" / "tables" / f"{name}.csv")
    assert len(df) > 0, f"{name}.csv has no rows"
    missing = [c for c in SCHEMAS[name] if c not in df.columns]
    assert not missing, f"{name}.csv lacks columns {missing}"


def test_chaindrag_version_is_the_last_column_of_every_thermal_table(thermal_run):
    for name in SCHEMAS:
        columns = list(pd.read_csv(thermal_run / "results" / "tables" / f"{name}.csv",
                                   nrows=0).columns)
        assert columns[-1] == "chaindrag_version", f"{name}.csv: {columns[-4:]}"


def test_every_thermal_claim_of_the_quick_preset_passes_or_is_not_applicable(thermal_run):
    df = pd.read_csv(thermal_run / "results" / "tables" / "validation_thermal.csv",
                     keep_default_na=False)
    assert df["figure"].str.startswith("thermal_").all()
    assert (df["preset"] == "quick").all()
    assert df["config_sha256"].astype(str).str.fullmatch("[0-9a-f]{64}").all()
    failed = df[df["passed"].astype(str) == "False"]
    assert failed.empty, "failed claims:\n" + failed[["figure", "claim", "note"]].to_string()
    na = df[df["passed"].astype(str) == "n/a"]
    assert (na["note"].str.len() > 0).all(), "every not-applicable row says why"
    judged = set(df.loc[df["passed"].astype(str) == "True", "figure"])
    assert {"thermal_sampler", "thermal_solvers", "thermal_single_pass",
            "thermal_equilibration", "thermal_drag"} <= judged


def test_thermal_drift_covers_both_signs_of_the_interaction(thermal_run):
    tables = thermal_run / "results" / "tables"
    midpoints = pd.read_csv(tables / "thermal_drift.csv")
    ends = pd.read_csv(tables / "thermal_drift_ends.csv")
    # Fig. 8's set-up, Phi0 = +-2: every sign at rest and at every finite temperature
    series = {(p, st) for p, st in zip(ends["phi0"], ends["statistics"])}
    assert series == {(2.0, "rest"), (-2.0, "rest"), (2.0, "quantum"), (-2.0, "quantum")}
    assert set(midpoints["phi0"]) == {2.0, -2.0}
    # every thermal run has its own realization (the plateau claim treats them as independent)
    thermal = ends[ends["statistics"] != "rest"]
    assert not thermal.duplicated(["phi0", "statistics", "omega_T", "seed"]).any()
    # the job outputs name the sign
    jobs = [p.name for p in (thermal_run / "results" / "runs" / "thermal" / "drift").glob("*.csv")]
    for sign in ("phi0+2", "phi0-2"):
        assert any(f"_{sign}_" in j and j.startswith("rest") for j in jobs), (sign, jobs)
        assert any(f"_{sign}_" in j and not j.startswith("rest") for j in jobs), (sign, jobs)
    # and the plateau claim has one row per sign and temperature
    val = pd.read_csv(tables / "validation_thermal.csv", keep_default_na=False)
    drift = val[val["figure"] == "thermal_drift"]
    assert sorted(c.split("phi0 = ")[1][:2] for c in drift["claim"]) == ["+2", "-2"]


def test_thermal_branch_stays_out_of_the_default_target(thermal_run):
    # the named target wrote nothing of the default target (its validation.csv included) ...
    assert not (thermal_run / "results" / "tables" / "validation.csv").exists()
    # ... and the default target plans no thermal job
    proc = run_snakemake(thermal_run, "-n", "--config", "preset=quick")
    rules = set(re.findall(r"^(?:local)?rule (\w+):", proc.stdout + proc.stderr, re.M))
    assert rules and not {r for r in rules if "thermal" in r}, rules


def test_a_rerun_thermal_job_writes_the_same_bytes(thermal_run):
    batches = sorted((thermal_run / "results" / "runs" / "thermal" / "single_pass").glob("*.csv"))
    target = next(p for p in batches if not p.name.startswith("rest"))
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    target.unlink()
    run_snakemake(thermal_run, "--cores", "1", str(target.relative_to(thermal_run)),
                  "--config", "preset=quick")
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


def test_every_thermal_pass_comes_with_its_mirror_image(thermal_run):
    passes = pd.read_csv(thermal_run / "results" / "tables" / "thermal_single_pass.csv")
    thermal = passes[passes["statistics"] != "rest"]
    images = thermal.groupby(["statistics", "omega_T", "v0", "seed", "particle"])["mirror"]
    assert (images.nunique() == 2).all() and (images.size() == 2).all()
    assert not passes.loc[passes["statistics"] == "rest", "mirror"].any()


def _thermal_config(workdir: Path, tmp_path: Path, quick: dict | None = None,
                    **sections) -> str:
    """config.yaml with ``interaction`` specs (and overrides) in the given thermal sections,
    and ``quick`` overrides of the quick preset's thermal sections (they win over the
    sections' own values when preset=quick)."""
    cfg = yaml.safe_load((workdir / "config.yaml").read_text())
    for name, values in sections.items():
        cfg["thermal"][name].update(values)
    for name, values in (quick or {}).items():
        cfg["quick"]["thermal"][name].update(values)
    path = tmp_path / "thermal_potentials.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return str(path)


def test_turning_mirror_pairs_off_plans_no_new_single_pass_run(thermal_run, tmp_path):
    # the mirror images are jobs of their own: without them the realizations' own batches
    # are the ones already run, and only what reads the table is redone
    config = _thermal_config(thermal_run, tmp_path, single_pass={"mirror_pairs": False})
    proc = run_snakemake(thermal_run, "-n", "thermal", "--configfile", config,
                         "--config", "preset=quick")
    jobs = planned_jobs(proc.stdout + proc.stderr)
    assert set(jobs) == {"table_thermal_single_pass", "thermal_single_pass",
                         "validation_thermal", "thermal"}, sorted(jobs)


def test_a_thermal_drag_interaction_plans_only_the_drag_branch(thermal_run, tmp_path):
    config = _thermal_config(thermal_run, tmp_path, drag={"interaction": MORSE})
    proc = run_snakemake(thermal_run, "-n", "thermal", "--configfile", config,
                         "--config", "preset=quick")
    jobs = planned_jobs(proc.stdout + proc.stderr)
    assert set(jobs) == {"thermal_drag_batch", "table_thermal_drag", "thermal_drag",
                         "validation_thermal", "thermal"}, sorted(jobs)


# one speed, and the figure's theory curves on fewer points (the Morse channel's multiphonon
# series is most of the figure job's time)
QUICK_MORSE_DRAG = {"v": [50.0], "curve": {"n_points": 21, "grid": 256, "grid_3": 16}}


def test_thermal_drag_redrawn_for_a_morse_channel_by_a_config_change(tmp_path):
    workdir = copy_checkout(tmp_path / "repo")
    run_snakemake(workdir, "--cores", "2", "results/figures/thermal_drag.png",
                  "--configfile", _thermal_config(workdir, tmp_path, drag={"interaction": MORSE},
                                                  quick={"drag": QUICK_MORSE_DRAG}),
                  "--config", "preset=quick")
    table = pd.read_csv(workdir / "results" / "tables" / "thermal_drag.csv")
    assert table["interaction"].str.contains('"kind":"morse"').all()
    barrier = math.exp(2.0) - 2 * math.exp(1.0)  # Morse Phi(0): r = h = 4, a (r0 - h) = 1
    assert list(table["phi0"]) == pytest.approx([barrier] * len(table), rel=1e-12)
    # the theory is the channel's: its Eq. (33) is the mean of the rest-chain runs at +-Phi
    # (to the finite-tau and Phi^4 parts, < 1e-3 here) -- a Gaussian of the same Phi(0) and
    # force width would miss by tens of percent
    rest_error = (table["delta_bar_rest"] / table["eq33"] - 1.0).abs()
    assert (rest_error < 1e-3).all(), rest_error.tolist()
    assert (workdir / "results" / "figures" / "thermal_drag.png").stat().st_size > 1000


CHANNEL = {"kind": "morse", "D": 1.0, "a": 0.25, "r0": 8.0, "h": 4.0}  # Morse.channel()
YUKAWA = {"kind": "yukawa", "Q": 2.0, "screening_length": 3.0, "h": 4.0}


def test_thermal_passes_and_drift_redrawn_for_other_potentials_by_a_config_change(tmp_path):
    from chaindrag import analytic
    from chaindrag.analytic._pair import provenance_text
    from chaindrag.interactions import Morse, Yukawa, negated

    workdir = copy_checkout(tmp_path / "repo")
    # the potentials' wiring, on one speed and one temperature of the quick sweeps (the
    # mirror images -rho^H, tested above, would double the passes); the passes run the
    # channel's mirror -Phi (phi0 < 0: the channel with sign -1)
    config = _thermal_config(workdir, tmp_path,
                             single_pass={"interaction": CHANNEL, "phi0": -2.0,
                                          "mirror_pairs": False},
                             drift={"interaction": YUKAWA},
                             quick={"single_pass": {"v0": [30.0], "omega_T": [5.0]},
                                    "drift": {"v0": [40.0], "omega_T": [25.0], "seeds": 1}})
    run_snakemake(workdir, "--cores", "2", "results/figures/thermal_single_pass.png",
                  "results/figures/thermal_drift.png", "--configfile", config,
                  "--config", "preset=quick")
    passes = pd.read_csv(workdir / "results" / "tables" / "thermal_single_pass.csv")
    mirror = negated(Morse.channel())
    assert (passes["interaction"] == provenance_text(mirror)).all()  # "sign":-1.0
    # the mean loss and the noise predicted are the mirror's own (Eq. 25 and its mode terms)
    for (v0, temp, st), g in passes.groupby(["v0", "omega_T", "statistics"]):
        assert g["delta_rest"].iloc[0] == pytest.approx(
            analytic.single_pass_loss(v0, interaction=mirror), rel=1e-12)
        if st != "rest":
            assert g["delta_fd_std"].iloc[0] ** 2 == pytest.approx(
                analytic.single_pass_noise_variance(v0, omega_T=temp, statistics=st,
                                                    interaction=mirror), rel=1e-12)
    ends = pd.read_csv(workdir / "results" / "tables" / "thermal_drift_ends.csv")
    phi0 = Yukawa(2.0, 3.0, 4.0).phi_at_zero  # phi0 = +-2 ran Phi and its mirror -Phi
    assert sorted(ends["phi0"].unique()) == pytest.approx([-phi0, phi0], rel=1e-12)
    assert ends["interaction"].str.contains('"kind":"yukawa"').all()
    for name in ("thermal_single_pass", "thermal_drift"):
        assert (workdir / "results" / "figures" / f"{name}.png").stat().st_size > 1000


def test_thermal_sections_plan_the_mirror_of_a_channel_for_phi0_below_zero(tmp_path):
    workdir = copy_checkout(tmp_path / "repo")
    # phi0 < 0 in every one-signed section (equilibration's is -2 already), +-2 in drift
    config = _thermal_config(workdir, tmp_path, single_pass={"interaction": CHANNEL,
                                                             "phi0": -2.0},
                             equilibration={"interaction": CHANNEL},
                             solvers={"interaction": CHANNEL, "phi0": -2.0},
                             drift={"interaction": CHANNEL})
    proc = run_snakemake(workdir, "-n", "thermal", "--configfile", config,
                         "--config", "preset=quick")
    jobs = planned_jobs(proc.stdout + proc.stderr)
    assert {"thermal_single_pass_batch", "thermal_equilibration_run",
            "thermal_solvers"} <= set(jobs), sorted(jobs)
    drift_jobs = [re.fullmatch(r"results/runs/thermal/drift/(\S+)\.csv", p).group(1)
                  for p in jobs["thermal_drift_run"]]
    # named by the potential the runs use (morse+: Phi, morse-: its mirror), not by the
    # shorthand's phi0; each sign's jobs the same series and seeds, none planned twice
    plus = sorted(n.rsplit("_", 1)[0] for n in drift_jobs if "_morse+_" in n)
    minus = sorted(n.rsplit("_", 1)[0] for n in drift_jobs if "_morse-_" in n)
    assert plus and len(plus) + len(minus) == len(set(drift_jobs)) == len(drift_jobs)
    assert [n.replace("morse+", "morse-") for n in plus] == minus, (plus, minus)
    assert not [n for n in drift_jobs if "phi0" in n], drift_jobs
