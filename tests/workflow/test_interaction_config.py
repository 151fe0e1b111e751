"""Any figure redrawn for another pair potential by a config change (issue 14).

In a copy of the checkout whose quick-preset outputs all exist (placeholders marked up to
date with ``--touch --forceall``, so nothing is simulated), giving one section an ``interaction:``
plans exactly that figure's branch; then Fig. 8 is redrawn for a Morse channel by a real run
of two short drift runs per sign (the attractive ones its mirror -Phi, the channel with sign
-1), its tables naming the potential and using its Eq. (33), and Figs. 3,
4, 6 and 7 for a Yukawa channel, their claims judged by that potential's Eqs. (16) and (25).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from chaindrag import validation

from .helpers import copy_checkout, run_snakemake
from .test_rerun_only_branch import planned_jobs

pytestmark = pytest.mark.workflow

MORSE = {"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0}
YUKAWA = {"kind": "yukawa", "Q": 2.0, "screening_length": 3.0, "h": 4.0}
END = {"validation", "all"}
# section -> (the rules of its branch, the run directories its simulation jobs write)
BRANCHES = {
    # the Fig. 3 runs are also Fig. 4(d)'s and Fig. 7's
    "fig3": ({"trajectory", "fig3", "fig4", "table_fig7", "fig7"}, ("results/runs/fig3/",)),
    "fig4": ({"trajectory", "single_pass_batch", "table_fig4_pass", "table_fig4c", "fig4"},
             ("results/runs/fig4/", "results/runs/fig4c/")),
    "fig5": ({"single_pass_batch", "table_fig5", "table_single_pass", "fig5"},
             ("results/runs/fig5a/", "results/runs/fig5b/")),
    "fig6": ({"single_pass_batch", "table_fig6", "table_single_pass", "fig6"},
             ("results/runs/fig6/",)),
    "fig8": ({"drift_run", "table_fig8", "table_fig8c", "fig8"},
             ("results/runs/fig8/",)),
    "fig9": ({"table_fig9", "fig9"}, ()),
}


@pytest.fixture(scope="module")
def finished_copy(tmp_path_factory) -> Path:
    """A checkout copy in which every quick-preset output exists and is up to date."""
    workdir = copy_checkout(tmp_path_factory.mktemp("interaction") / "repo")
    plan = run_snakemake(workdir, "-n", "--config", "preset=quick")
    for outs in planned_jobs(plan.stdout + plan.stderr).values():
        for out in outs:
            path = workdir / out
            if out.endswith(".zarr"):
                path.mkdir(parents=True, exist_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
    # in DAG order, recording every job's metadata (params, inputs) as a real run would
    run_snakemake(workdir, "--touch", "--forceall", "--cores", "1", "--config", "preset=quick")
    again = run_snakemake(workdir, "-n", "--config", "preset=quick")
    assert planned_jobs(again.stdout + again.stderr) == {}
    return workdir


def _config(workdir: Path, tmp_path: Path, edit) -> str:
    cfg = yaml.safe_load((workdir / "config.yaml").read_text())
    edit(cfg)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return str(path)


@pytest.mark.parametrize("section", sorted(BRANCHES))
def test_an_interaction_in_one_section_plans_only_that_figures_branch(finished_copy, tmp_path,
                                                                      section):
    changed = _config(finished_copy, tmp_path, lambda c: c[section].update(interaction=YUKAWA))
    proc = run_snakemake(finished_copy, "-n", "--configfile", changed, "--config",
                         "preset=quick")
    jobs = planned_jobs(proc.stdout + proc.stderr)
    rules, run_dirs = BRANCHES[section]
    assert set(jobs) == rules | END, f"planned {sorted(jobs)}"
    simulated = [p for rule in ("trajectory", "single_pass_batch", "drift_run")
                 for p in jobs.get(rule, [])]
    assert all(p.startswith(run_dirs) for p in simulated), simulated


def test_a_gaussian_interaction_gives_the_shorthands_runs(finished_copy, tmp_path):
    # sections with one |phi0|: the spec with that phi0 and lam names the same runs
    def edit(cfg):
        for name in ("fig6", "fig8", "fig9"):
            cfg[name]["interaction"] = {"kind": "gaussian", "phi0": cfg[name]["phi0"],
                                        "lam": cfg[name]["lam"]}
    changed = _config(finished_copy, tmp_path, edit)
    proc = run_snakemake(finished_copy, "-n", "--configfile", changed, "--config",
                         "preset=quick")
    jobs = planned_jobs(proc.stdout + proc.stderr)
    # no simulation: only the rules whose params carry the section (figures, Eq. 33 tables)
    assert not {"single_pass_batch", "drift_run", "trajectory"} & set(jobs), sorted(jobs)
    assert "fig6" in jobs and "fig8" in jobs


def _planned_runs(workdir: Path, config: str | None, *targets: str) -> list[str]:
    """The run outputs (trajectory stores, drift batches) a quick-preset dry run plans."""
    extra = ["--configfile", config] if config else []
    proc = run_snakemake(workdir, "-n", "--forceall", *targets, *extra, "--config",
                         "preset=quick")
    jobs = planned_jobs(proc.stdout + proc.stderr)
    return sorted(p for rule in ("trajectory", "drift_run") for p in jobs.get(rule, []))


def _g(x) -> str:
    return f"{float(x):g}"


def test_an_interaction_plans_run_paths_named_by_the_potential_it_uses(finished_copy,
                                                                        tmp_path):
    def edit(cfg):
        cfg["fig3"]["interaction"] = YUKAWA
        cfg["fig4"]["interaction"] = MORSE  # +-20: the channel and its mirror (sign -1)
        cfg["fig8"]["interaction"] = YUKAWA
    changed = _config(finished_copy, tmp_path, edit)
    runs = _planned_runs(finished_copy, changed, *(f"results/figures/fig{i}.png"
                                                   for i in (3, 4, 8)))
    fig3 = [p for p in runs if p.startswith("results/runs/fig3/")]
    assert [p.rsplit("/", 1)[1] for p in fig3] == ["yukawa+.zarr", "yukawa-.zarr"], fig3
    assert all(p.startswith("results/runs/fig3/alpha40_yukawa_v0120_") for p in fig3), fig3
    fig4 = [p for p in runs if p.startswith("results/runs/fig4/")]
    assert [p.rsplit("/", 1)[1] for p in fig4] == ["morse+.zarr", "morse-.zarr"], fig4
    fig8 = {p.split("/")[3].split("_")[1] for p in runs if p.startswith("results/runs/fig8/")}
    assert fig8 == {"yukawa+", "yukawa-"}, fig8
    # none names the shorthand the runs do not use
    assert not [p for p in runs if "lam4" in p or "phi0" in p], runs


def test_a_gaussian_interaction_plans_stores_named_by_its_own_phi0_and_lam(finished_copy,
                                                                           tmp_path):
    spec = {"kind": "gaussian", "phi0": 2.0, "lam": 1.0}
    changed = _config(finished_copy, tmp_path, lambda c: c["fig3"].update(interaction=spec))
    fig3 = [p for p in _planned_runs(finished_copy, changed, "results/figures/fig3.png")
            if p.startswith("results/runs/fig3/")]
    assert len(fig3) == 2, fig3
    for path, name in zip(fig3, ["phi0_+2.zarr", "phi0_-2.zarr"]):
        assert re.fullmatch(r"results/runs/fig3/alpha40_lam1_v0120_tau30_d60_[0-9a-f]{8}/"
                            + re.escape(name), path), path


def test_the_shipped_config_plans_the_run_paths_it_always_had(finished_copy):
    # derived from config.yaml's values (quick preset), not from the workflow's own output:
    # with no interaction, the paths name the shorthand's phi0 and lam, exactly as they always did
    cfg = yaml.safe_load((finished_copy / "config.yaml").read_text())
    c3 = {**cfg["fig3"], **cfg["quick"].get("fig3", {})}
    c4 = cfg["fig4"]
    c8 = {**cfg["fig8"], **cfg["quick"].get("fig8", {})}
    assert not any("interaction" in c for c in (c3, c4, c8))
    runs = _planned_runs(finished_copy, None, *(f"results/figures/fig{i}.png" for i in (3, 4, 8)))
    h = "[0-9a-f]{8}"
    for fig, c, v0, tau, phis in (
            ("fig3", c3, c3["v0"], c3["tau_max"], c3["phi0"]),
            ("fig4", c4, c4["pass"]["v0"], c4["pass"]["tau_max"], c4["pass"]["phi0"])):
        tag = re.escape(f"alpha{_g(c['alpha'])}_lam{_g(c['lam'])}_v0{_g(v0)}_tau{_g(tau)}"
                        f"_d{c['d']}_") + h
        stores = [p for p in runs if p.startswith(f"results/runs/{fig}/")]
        assert len(stores) == len(phis), stores
        for path, phi0 in zip(sorted(stores), sorted(phis, key=lambda p: f"{p:+g}")):
            assert re.fullmatch(rf"results/runs/{fig}/{tag}/phi0_{re.escape(f'{phi0:+g}')}\.zarr",
                                path), path
    assert [_g(p) for p in c3["phi0"]] == ["20", "-20"]  # phi0_+20.zarr, phi0_-20.zarr above
    tags8 = {p.split("/")[3] for p in runs if p.startswith("results/runs/fig8/")}
    assert len(tags8) == 2
    for sign, tag in zip("+-", sorted(tags8)):
        name = (f"alpha{_g(c8['alpha'])}_phi0{sign}{_g(c8['phi0'])}_lam{_g(c8['lam'])}"
                f"_bias{_g(c8['bias'])}_d{c8['d']}_tau{_g(c8['tau_max'])}_")
        assert re.fullmatch(re.escape(name) + h, tag), tag


def test_fig8_redrawn_for_a_morse_channel_by_a_config_change(finished_copy, tmp_path):
    from chaindrag.analytic._pair import provenance_text
    from chaindrag.interactions import Morse, negated

    def edit(cfg):
        cfg["fig8"]["interaction"] = MORSE
        cfg["quick"]["fig8"]["v0"] = {"start": 10.0, "stop": 50.0, "step": 40.0}
    changed = _config(finished_copy, tmp_path, edit)
    run_snakemake(finished_copy, "--cores", "2", "results/figures/fig8.png", "--configfile",
                  changed, "--config", "preset=quick")
    assert (finished_copy / "results/figures/fig8.png").stat().st_size > 0
    fates = pd.read_csv(finished_copy / "results/tables/fig8_fates.csv")
    barrier = math.exp(2.0) - 2 * math.exp(1.0)  # Morse Phi(0): r = h = 4, a (r0 - h) = 1
    phi, mirror = fates[fates["phi0"] > 0], fates[fates["phi0"] < 0]
    assert list(phi["v0"]) == [10.0, 50.0] and list(mirror["v0"]) == [10.0, 50.0]
    assert list(phi["phi0"]) == pytest.approx([barrier, barrier], rel=1e-12)
    assert list(mirror["phi0"]) == pytest.approx([-barrier, -barrier], rel=1e-12)
    # the attractive runs ran the mirror, named as negated's provenance: "sign":-1.0
    channel = Morse(1.0, 0.5, 6.0, 4.0)
    assert (phi["interaction"] == provenance_text(channel)).all()
    assert (mirror["interaction"] == provenance_text(negated(channel))).all()
    # 10 is below the capture speed sqrt(8 pi^2 Phi_max) = 12.4: the particle is held
    assert phi["fate"].iloc[0] == "captured"
    steady = pd.read_csv(finished_copy / "results/tables/fig8c_steady_state.csv")
    assert steady["delta_bar_script"].isna().all()
    assert steady["interaction"].str.contains('"kind":"morse"').all()


def test_single_pass_figures_redrawn_for_a_yukawa_channel_pass_its_own_claims(finished_copy,
                                                                              tmp_path):
    def edit(cfg):
        for name in ("fig3", "fig4", "fig6"):
            cfg[name]["interaction"] = YUKAWA
    changed = _config(finished_copy, tmp_path, edit)
    targets = [f"results/figures/{name}.png" for name in ("fig3", "fig4", "fig6", "fig7")]
    plan = run_snakemake(finished_copy, "-n", *targets, "--configfile", changed, "--config",
                         "preset=quick")
    stores = [finished_copy / out for out in planned_jobs(plan.stdout + plan.stderr)["trajectory"]
              if out.startswith("results/runs/fig3/")]
    run_snakemake(finished_copy, "--cores", "2", *targets, "--configfile", changed, "--config",
                  "preset=quick")
    tables = {name: pd.read_csv(finished_copy / "results" / "tables" / f"{name}.csv")
              for name in ("fig4_pass", "fig4c_fluctuation", "fig6_single_pass",
                           "fig7_per_pass")}
    for name, df in tables.items():
        assert df["interaction"].str.contains('"kind":"yukawa"').all(), name
    rows = (validation.check_fig3(stores) + validation.check_fig4_pass(tables["fig4_pass"])
            + validation.check_fig4c(tables["fig4c_fluctuation"])
            + validation.check_single_pass(None, fig6=tables["fig6_single_pass"])
            + validation.check_fig7(tables["fig7_per_pass"]))
    verdicts = {r["claim"]: r["passed"] for r in rows}
    assert False not in verdicts.values(), verdicts
    # the claims that compare with a formula were judged, by the channel's own formulas
    judged = [c for c, v in verdicts.items() if v is True]
    assert sum("follows Eq. (16)" in c for c in judged) == 2
    assert sum("agrees with Eq. (25)" in c for c in judged) == 2
    assert sum("largest fluctuation" in c for c in judged) == 2
