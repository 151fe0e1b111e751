"""The potentials branch (issue 14): `snakemake --cores 2 potentials --config preset=quick` in a
fresh copy of the checkout draws its figure, table and claims; one potential's change reruns
only its branch; any figure's section takes an `interaction:`, checked against the schema."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from .helpers import copy_checkout, run_snakemake
from .test_rerun_only_branch import planned_jobs

pytestmark = pytest.mark.workflow

OUTPUTS = ["results/figures/potentials.pdf", "results/figures/potentials.png",
           "results/tables/potentials_single_pass.csv", "results/tables/validation_potentials.csv"]
REDUCTIONS = {"table_potentials", "potentials_figure", "validation_potentials", "potentials"}
MORSE = {"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0}


@pytest.fixture(scope="module")
def potentials_run(tmp_path_factory) -> Path:
    """A checkout copy in which the quick potentials target has completed."""
    workdir = copy_checkout(tmp_path_factory.mktemp("potentials") / "repo")
    start = time.perf_counter()
    run_snakemake(workdir, "--cores", "2", "potentials", "--config", "preset=quick")
    print(f"\nquick potentials target finished in {time.perf_counter() - start:.0f} s")
    return workdir


def _edited(workdir: Path, tmp_path: Path, edit) -> Path:
    cfg = yaml.safe_load((workdir / "config.yaml").read_text())
    edit(cfg)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def test_potentials_target_writes_figure_table_and_passing_claims(potentials_run):
    for name in OUTPUTS:
        assert (potentials_run / name).stat().st_size > 0, name
    table = pd.read_csv(potentials_run / "results/tables/potentials_single_pass.csv")
    cfg = yaml.safe_load((potentials_run / "config.yaml").read_text())["potentials"]
    assert set(table["label"]) == set(cfg["interactions"])
    assert set(table["curve"]) == {"simulation", "eq25", "eq33"}
    claims = pd.read_csv(potentials_run / "results/tables/validation_potentials.csv")
    assert set(claims["figure"]) == {"potentials"}
    assert set(claims["preset"]) == {"quick"} and claims["config_sha256"].nunique() == 1
    assert not (claims["passed"].astype(str) == "False").any(), claims.to_string()
    assert (claims["passed"].astype(str) == "True").sum() >= 3 * len(cfg["interactions"])
    assert not (potentials_run / "results/tables/validation.csv").exists()


def test_changing_one_potential_reruns_only_its_branch(potentials_run, tmp_path):
    def edit(cfg):
        cfg["potentials"]["interactions"]["morse"]["D"] = 1.1
    proc = run_snakemake(potentials_run, "-n", "potentials", "--configfile",
                         str(_edited(potentials_run, tmp_path, edit)), "--config", "preset=quick")
    jobs = planned_jobs(proc.stdout + proc.stderr)
    assert "potentials_batch" in jobs and "potentials_curves" in jobs, jobs.keys()
    assert set(jobs) <= REDUCTIONS | {"potentials_batch", "potentials_curves"}
    for rule in ("potentials_batch", "potentials_curves"):
        assert all(p.startswith("results/runs/potentials/morse/") for p in jobs[rule]), jobs[rule]
    unchanged = run_snakemake(potentials_run, "-n", "potentials", "--config", "preset=quick")
    assert planned_jobs(unchanged.stdout + unchanged.stderr) == {}


def test_fig6_redrawn_for_a_morse_channel_by_a_config_change(potentials_run, tmp_path):
    # the repulsive sweep runs the channel, the attractive one its mirror -Phi (sign -1), on
    # two fast speeds here
    from chaindrag.analytic._pair import provenance_text
    from chaindrag.interactions import Morse, negated

    def edit(cfg):
        cfg["fig6"]["interaction"] = MORSE
        cfg["quick"]["fig6"]["attractive"] = {"start": 28.0, "stop": 60.0, "step": 32.0}
    changed = str(_edited(potentials_run, tmp_path, edit))
    run_snakemake(potentials_run, "--cores", "2", "results/figures/fig6.png", "--configfile",
                  changed, "--config", "preset=quick")
    table = pd.read_csv(potentials_run / "results/tables/fig6_single_pass.csv")
    cfg = yaml.safe_load((potentials_run / "config.yaml").read_text())
    fig6 = {**cfg["fig6"], **cfg["quick"]["fig6"]}
    n_rep = len(range(int((fig6["repulsive"]["stop"] - fig6["repulsive"]["start"])
                          // fig6["repulsive"]["step"]) + 1))
    phi, mirror = table[table["phi0"] > 0], table[table["phi0"] < 0]
    assert len(phi) == n_rep and sorted(mirror["v0"]) == [28.0, 60.0]
    barrier = 1.9524924420  # Morse Phi(0)
    assert phi["phi0"].to_numpy() == pytest.approx([barrier] * n_rep, rel=1e-9)
    assert mirror["phi0"].to_numpy() == pytest.approx([-barrier] * 2, rel=1e-9)
    channel = Morse(1.0, 0.5, 6.0, 4.0)
    assert (phi["interaction"] == provenance_text(channel)).all()
    assert (mirror["interaction"] == provenance_text(negated(channel))).all()  # "sign":-1.0


@pytest.mark.parametrize("edit, needle", [
    (lambda c: c["fig6"].update(interaction={**MORSE, "D": -1.0}), "fig6.interaction"),
    (lambda c: c["health"]["drive"].update(interaction={"kind": "coulomb", "Q": 1.0}),
     "health.drive.interaction"),
    (lambda c: c["potentials"]["interactions"].update({"Morse 2": MORSE}), "Morse 2"),
])
def test_bad_interaction_in_config_is_rejected_naming_the_key(potentials_run, tmp_path, edit,
                                                              needle):
    proc = run_snakemake(potentials_run, "-n", "potentials", "--configfile",
                         str(_edited(potentials_run, tmp_path, edit)), check=False)
    assert proc.returncode != 0
    assert needle in proc.stdout + proc.stderr


def test_every_simulation_section_takes_an_interaction(potentials_run, tmp_path):
    yukawa = {"kind": "yukawa", "Q": 2.0, "screening_length": 2.0, "h": 3.0}

    def edit(cfg):
        for section in (cfg["fig3"], cfg["fig4"], cfg["fig5"], cfg["fig6"],
                        *cfg["health"].values()):
            section["interaction"] = yukawa
    proc = run_snakemake(potentials_run, "-n", "--configfile",
                         str(_edited(potentials_run, tmp_path, edit)), "--config", "preset=quick")
    jobs = planned_jobs(proc.stdout + proc.stderr)
    assert {"single_pass_batch", "trajectory", "health_energy", "health_drive"} <= set(jobs)


def test_two_morse_channels_run_side_by_side_under_their_names(potentials_run, tmp_path):
    """potentials.interactions takes any names: a second, wider Morse channel runs beside the
    first (its own branch), and a null in the --configfile leaves a shipped potential out.
    Run in a copy of the finished checkout: the other tests read the shipped study."""
    work = tmp_path / "repo"
    shutil.copytree(potentials_run, work, symlinks=True)
    wide = {**MORSE, "a": 0.4}
    override = tmp_path / "two_morse.yaml"
    override.write_text(yaml.safe_dump({"potentials": {"interactions": {
        "morse_wide": wide, "lennard_jones": None}}}))
    args = ("potentials", "--configfile", str(override), "--config", "preset=quick")
    dry = run_snakemake(work, "-n", *args)
    planned = planned_jobs(dry.stdout + dry.stderr)
    for rule in ("potentials_batch", "potentials_curves"):  # the shipped morse is kept
        assert all(p.startswith("results/runs/potentials/morse_wide/") for p in planned[rule])
    proc = run_snakemake(work, "--cores", "2", *args)
    assert "potentials.interactions.lennard_jones = null deletes it" in proc.stdout + proc.stderr
    table = pd.read_csv(work / "results/tables/potentials_single_pass.csv")
    assert set(table["label"]) == {"gaussian", "morse", "morse_wide"}
    kinds = table.groupby("label")["kind"].unique()
    assert list(kinds["morse"]) == list(kinds["morse_wide"]) == ["morse"]
    # the below-capture run of each channel sits at 0.95 of its own capture speed
    # sqrt(8 pi^2 Phi(0)/mu), Phi(0) = D (e^{-2a(h-r0)} - 2 e^{-a(h-r0)}) written here
    cfg = yaml.safe_load((work / "config.yaml").read_text())["potentials"]
    sims = table[table["curve"] == "simulation"]
    for label, m in (("morse", MORSE), ("morse_wide", wide)):
        z = m["a"] * (m["h"] - m["r0"])
        barrier = m["D"] * (np.exp(-2.0 * z) - 2.0 * np.exp(-z))
        capture = np.sqrt(8.0 * np.pi ** 2 * barrier / cfg["mu"])
        slowest = sims[sims["label"] == label]["v"].min()
        assert slowest == pytest.approx(cfg["below_capture"] * capture, rel=1e-9), label
    claims = pd.read_csv(work / "results/tables/validation_potentials.csv")
    wide_rows = claims[claims["claim"].str.endswith("(morse_wide)")]
    assert len(wide_rows) >= 3 and (wide_rows["passed"].astype(str) == "True").all()
    assert not claims["claim"].str.contains("lennard_jones").any()
