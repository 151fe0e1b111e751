"""The workflow configuration is refused with a message naming key, value and allowed range;
its digest (the validation tables' config_sha256) names it whatever its origin.

The expected ranges below are read from the schema file itself, so a test fails if the
message drops the range, not if the schema's author changes a bound.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import pytest
import yaml

from chaindrag.config import (_resolve, _subschema, _value, canonical_json, check_config,
                              config_digest, load_schema, merge_patch)
from chaindrag.params import ParameterError

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
CONFIG = REPO / "config.yaml"


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load(CONFIG.read_text())


def _leaves(schema: dict, root: dict, path: str = ""):
    """(path, resolved schema) of every property and array item of the schema."""
    s = _resolve(schema, root)
    yield path, s
    if s.get("type") == "object":
        for key, sub in s.get("properties", {}).items():
            yield from _leaves(sub, root, f"{path}.{key}" if path else key)
    elif s.get("type") == "array" and isinstance(s.get("items"), dict):
        yield from _leaves(s["items"], root, f"{path}[]")


def test_shipped_config_and_its_quick_preset_are_accepted(config):
    assert check_config(config, SCHEMA) == config


def test_every_schema_key_is_typed_ranged_documented_and_closed():
    root = load_schema(SCHEMA)
    gaps = []
    for path, s in _leaves(root, root):
        if path == "quick":  # free-form overrides: checked after merging (next tests)
            continue
        if "type" not in s:
            gaps.append(f"{path}: no type")
        if not s.get("description") and not path.endswith("[]"):
            gaps.append(f"{path}: no description")
        if s.get("type") in ("number", "integer"):
            if not {"minimum", "exclusiveMinimum"} & set(s):
                gaps.append(f"{path}: no lower bound")
            if not {"maximum", "exclusiveMaximum"} & set(s):
                gaps.append(f"{path}: no upper bound")
        if s.get("type") == "string" and "enum" not in s:
            gaps.append(f"{path}: free string")
        named = isinstance(s.get("additionalProperties"), dict) and "propertyNames" in s
        if s.get("type") == "object" and s.get("additionalProperties") is not False \
                and not named:  # a mapping of names the user picks: names and values checked
            gaps.append(f"{path}: unknown keys accepted")
        if s.get("type") == "array" and "maxItems" not in s:
            gaps.append(f"{path}: unbounded list")
    assert not gaps, "schema gaps:\n" + "\n".join(gaps)


def _range_text(key_schema: dict) -> str:
    """The bound the message must quote, taken from the schema (not from config.py)."""
    lo = key_schema.get("exclusiveMinimum", key_schema.get("minimum"))
    hi = key_schema.get("exclusiveMaximum", key_schema.get("maximum"))
    return f"{lo}, {hi}"


def _set(cfg: dict, path: tuple, value) -> None:
    node = cfg
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


# (key path, bad value, what the message must also contain besides key and value)
BAD_VALUES = [
    (("fig3", "alpha"), -40.0, "range"),
    (("fig3", "alpha"), 0.0, "range"),
    (("fig3", "lam"), 0.0, "range"),
    (("fig3", "mu"), -1.0, "range"),
    (("fig3", "tau_max"), -1.0, "range"),
    (("fig3", "tau_max"), math.inf, "range"),
    (("fig3", "lam"), math.nan, "range"),  # NaN passes every JSON-schema range check
    (("fig3", "v0"), math.nan, "range"),
    (("fig3", "omega_fast"), 1.0, "range"),
    (("fig3", "d"), 2, "range"),
    (("kernels", "fig2", "d"), 3, "range"),
    (("kernels", "fig2", "n_max"), -1, "range"),
    (("fig3", "d"), 60.5, "an integer"),
    (("fig3", "alpha"), "forty", "a finite number"),
    (("fig3", "alpha"), "40", "--configfile"),  # what `--config fig3={alpha: 40}` produces
    (("fig3", "solver"), "rk4", "'chain', 'transparent'"),
    (("fig8", "solver"), "kernel", "'chain', 'transparent'"),  # the drift runs have no store
    (("preset",), "foo", "'paper', 'quick'"),
    (("fig5", "lam"), [], "1 to 10 items"),
    (("fig8", "bias"), -0.01, "range"),
    (("health", "drive", "v"), [25.0, -50.0], "range"),
]


@pytest.mark.parametrize("path", [("fig7", "inset_v"), ("fig8", "runaway_band")])
def test_a_reversed_speed_range_is_refused_naming_both_ends(config, path):
    bad = copy.deepcopy(config)
    low, high = _value(config, path)
    _set(bad, path, [high, low])
    with pytest.raises(ParameterError) as info:
        check_config(bad, SCHEMA)
    key = ".".join(path)
    assert (f"{key}[1] = {low!r} with {key}[0] = {high!r} is not allowed: expected "
            f"{path[-1]}[1] > {path[-1]}[0]") in str(info.value)


@pytest.mark.parametrize("path, value, extra", BAD_VALUES,
                         ids=[".".join(p) + f"={v!r}" for p, v, _ in BAD_VALUES])
def test_bad_value_is_refused_naming_key_value_and_range(config, path, value, extra):
    bad = copy.deepcopy(config)
    _set(bad, path, value)
    with pytest.raises(ParameterError) as info:
        check_config(bad, SCHEMA)
    msg = str(info.value)
    key = ".".join(path)
    if isinstance(value, list) and value:
        bad_index = next(i for i, v in enumerate(value) if isinstance(v, float) and v < 0)
        key, value = f"{key}[{bad_index}]", value[bad_index]
    assert key in msg and repr(value) in msg, msg
    if extra == "range":
        root = load_schema(SCHEMA)
        keys = tuple(int(p) if p.isdigit() else p
                     for p in key.replace("[", ".").replace("]", "").split("."))
        extra = _range_text(_subschema(root, keys))
    assert extra in msg, msg
    assert "Traceback" not in msg


def test_unknown_key_is_refused_with_the_closest_allowed_name(config):
    bad = copy.deepcopy(config)
    bad["fig3"]["alph"] = 40.0
    with pytest.raises(ParameterError, match=r"unknown key 'fig3\.alph' \(did you mean 'alpha'"):
        check_config(bad, SCHEMA)


def test_unknown_top_level_section_is_refused(config):
    bad = dict(config, fig10={"alpha": 1.0})
    with pytest.raises(ParameterError, match=r"unknown key 'fig10'"):
        check_config(bad, SCHEMA)


def test_missing_key_is_named(config):
    bad = copy.deepcopy(config)
    del bad["fig8"]["lam"]
    with pytest.raises(ParameterError, match=r"missing key 'fig8\.lam'"):
        check_config(bad, SCHEMA)


@pytest.mark.parametrize("path, value", [
    (("fig3", "tau_max"), -1.0),
    (("fig3", "lam"), math.nan),
    (("fig3", "tau_maxx"), 5.0),
    (("fig8", "v0", "start"), 95.0),  # above the quick preset's stop = 90
])
def test_bad_quick_override_is_refused_under_its_quick_key(config, path, value):
    bad = copy.deepcopy(config)
    _set(bad["quick"], path, value)
    with pytest.raises(ParameterError) as info:
        check_config(bad, SCHEMA)
    assert "quick." + ".".join(path[:2]) in str(info.value), str(info.value)


def test_sweep_ending_below_its_start_is_refused(config):
    bad = copy.deepcopy(config)
    bad["fig6"]["repulsive"].update(start=60.0, stop=13.0)
    with pytest.raises(ParameterError, match=r"fig6\.repulsive\.stop = 13\.0 .*start = 60\.0"):
        check_config(bad, SCHEMA)


def test_chain_snapshots_finer_than_a_time_step_are_refused_before_anything_runs(config):
    bad = copy.deepcopy(config)
    half_step = 0.5 / (bad["fig3"]["d"] * bad["fig3"]["omega_fast"])
    bad["fig3"]["chain_record_dtau"] = 0.9 * half_step
    with pytest.raises(ParameterError, match=r"fig3\.chain_record_dtau = .* expected >= "
                                             r"delta/2 = 0\.000833333"):
        check_config(bad, SCHEMA)
    bad["fig3"]["chain_record_dtau"] = 1.1 * half_step
    check_config(bad, SCHEMA, interactions=False)
    # the quick preset's override is blamed for its own value
    bad["quick"]["fig3"]["chain_record_dtau"] = 1e-5
    with pytest.raises(ParameterError, match=r"quick\.fig3\.chain_record_dtau"):
        check_config(bad, SCHEMA, interactions=False)


def test_every_problem_is_reported_at_once(config):
    bad = copy.deepcopy(config)
    bad["fig3"]["alpha"] = -1.0
    bad["fig9"]["lam"] = 0.0
    with pytest.raises(ParameterError) as info:
        check_config(bad, SCHEMA)
    assert "fig3.alpha" in str(info.value) and "fig9.lam" in str(info.value)


def test_missing_preset_takes_the_schema_default(config):
    cfg = copy.deepcopy(config)
    del cfg["preset"]
    assert check_config(cfg, SCHEMA)["preset"] == load_schema(SCHEMA)["properties"]["preset"][
        "default"]
    assert "preset" not in cfg  # the caller's mapping is not modified


@pytest.mark.parametrize("where", ["section", "quick"])
def test_a_potential_its_class_refuses_is_refused_at_start_up(config, where):
    """Each Morse parameter lies in its schema range, but a = 100 with r0 = 8 makes
    Phi(0) = D (exp(2 a r0) - 2 exp(a r0)) overflow: the class refuses it, so does the check."""
    bad = copy.deepcopy(config)
    morse = {"kind": "morse", "D": 1.0, "a": 100.0, "r0": 8.0, "h": 4.0}
    if where == "quick":
        bad.setdefault("quick", {}).setdefault("fig6", {})["interaction"] = morse
        key = "quick.fig6.interaction"
    else:
        bad["fig6"]["interaction"] = morse
        key = "fig6.interaction"
    check_config(bad, SCHEMA, interactions=False)  # the schema alone lets it through
    with pytest.raises(ParameterError, match=rf"{key} = .*'a': 100\.0.* is not allowed: .*"):
        check_config(bad, SCHEMA)



# --------------------------------------------- values the jobs would refuse, refused at start-up
def _refused(config, writes, quick=False, interactions=True) -> str:
    """check_config's message for ``config`` with ``writes`` ((path, value) pairs) applied to
    the sections, or to the quick overrides."""
    bad = copy.deepcopy(config)
    for path, value in writes:
        node = bad["quick"] if quick else bad
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    with pytest.raises(ParameterError) as info:
        check_config(bad, SCHEMA, interactions=interactions)
    assert "Traceback" not in str(info.value)
    return str(info.value)


# (id, writes, quick, texts the message must hold: the key blamed with its value, the keys
#  it is judged with, the allowed range). Each was accepted and refused by a job, naming a
#  function's argument: "v0=3000 moves the particle delta*|v0|=5 per step, more than the
#  interaction width lam=4", "tau_max must be >= delta = 1/(d omega_fast)", ...
RUN_REFUSALS = [
    ("step_sweep", [(("fig6", "repulsive", "stop"), 3000.0)], False,
     ["fig6.repulsive.stop = 3000.0 is not allowed", "fig6.d = 60", "fig6.omega_fast = 10.0",
      "fig6.lam = 4.0", "expected <= width/delta = 2400"]),
    ("step_quick_d", [(("fig5", "b", "d"), 10)], True,
     ["fig5.b.v0_stop = 1250.0 is not allowed", "quick.fig5.b.d = 10", "quick.fig5.lam[0] = 0.5",
      "expected <= width/delta = 50"]),
    ("step_list", [(("thermal", "drift", "v0"), [10.0, 3000.0])], False,
     ["thermal.drift.v0[1] = 3000.0 is not allowed", "thermal.d = 60", "thermal.drift.lam = 4.0",
      "expected <= width/delta = 2400"]),
    ("step_channel", [(("potentials", "d"), 4)], False,
     ["potentials.v0.stop = 60.0 is not allowed", "potentials.d = 4",
      "potentials.interactions.lennard_jones = ", "width of the LennardJones"]),
    ("kernel_shorter_than_a_step", [(("kernels", "fig2", "tau_max"), 0.001)], False,
     ["kernels.fig2.tau_max = 0.001 is not allowed", "kernels.fig2.d = 60",
      "kernels.fig2.omega_fast = 10.0", "expected >= delta = 0.00166667"]),
    ("kernel_quick", [(("kernels", "solver_check", "d"), 4),
                      (("kernels", "solver_check", "omega_fast"), 1.5),
                      (("kernels", "solver_check", "tau_max"), 0.1)], True,
     ["quick.kernels.solver_check.tau_max = 0.1 is not allowed",
      "quick.kernels.solver_check.d = 4", "expected >= delta = 0.166667"]),
    ("run_shorter_than_two_steps", [(("fig4", "pass", "tau_max"), 0.003)], False,
     ["fig4.pass.tau_max = 0.003 is not allowed", "fig4.d = 60",
      "expected >= 2 delta = 0.00333333"]),
    ("single_pass_shorter_than_two_steps", [(("health", "timestep", "alpha"), 0.01)], False,
     ["health.timestep.v0[2] = 60.0 is not allowed", "health.timestep.alpha = 0.01",
      "health.timestep.run_length = 2.2", "health.timestep.d[0] = 60",
      "expected <= run_length alpha/(2 delta) = 6.6"]),
    ("drive_window", [(("thermal", "drag", "tau_max"), 1.0)], False,
     ["thermal.drag.tau_max = 1.0 is not allowed", "thermal.drag.v[0] = 15.0",
      "thermal.drag.window = 0.5", "expected about >= 2 alpha/(window v) = 10.6667"]),
    ("drive_window_quick", [(("health", "drive", "tau_max"), 2.0)], True,
     ["quick.health.drive.tau_max = 2.0 is not allowed", "health.drive.v[0] = 15.0",
      "health.drive.alpha = 40.0"]),
    ("float64_resolution", [(("fig3", "lam"), 0.01), (("fig3", "v0"), 5.0),
                            (("fig3", "sigma0"), 1e6)], False,
     ["fig3.sigma0 = 1000000.0 is not allowed", "too far from the origin for float64",
      "fig3.lam = 0.01", "|sigma| must stay below"]),
    ("sampler_ring", [(("thermal", "sampler", "n_modes"), 16)], False,
     ["thermal.sampler.n_modes = 16 is not allowed", "thermal.sampler.lags[4] = 10.0",
      "thermal.omega_fast = 10.0", "expected >= 551"]),
    ("sweep_too_long", [(("fig6", "repulsive", "step"), 1e-4)], False,
     ["fig6.repulsive.step = 0.0001 is not allowed", "more than 10000",
      "fig6.repulsive.start = 13.0", "expected >= (stop - start)/9999 = 0.00470047"]),
    ("fig5_series_per_lam", [(("fig5", "a", "v0_start"), [1.0])], False,
     ["fig5.a.v0_start = [1.0] is not allowed", "fig5.lam = [0.5, 1.0, 2.0, 4.0]",
      "expected one entry per fig5.lam (4)"]),
    ("kernel_store_too_narrow", [(("kernels", "solver_check", "n_max"), 7)], False,
     ["kernels.solver_check.n_max = 7 is not allowed", "health.solvers.kernel = 'solver_check'",
      "health.solvers.lam = 4.0", "expected >= 8"]),
    ("fig2_beyond_its_store", [(("fig2", "n_max"), 501)], False,
     ["fig2.n_max = 501 is not allowed", "fig2.kernel = 'fig2'", "kernels.fig2.n_max = 500",
      "expected <= kernels.fig2.n_max = 500"]),
    ("fig2_tau_off_the_store_grid_quick", [(("fig2", "taus"), [1.0, 0.123456789])], True,
     ["quick.fig2.taus[1] = 0.123456789 is not allowed", "kernels.fig2.d = 60",
      "delta = 1/(d omega_fast) = 0.00166667", "expected one of them, e.g. 0.1233333333, 0.125"]),
    ("solver_check_longer_than_its_store", [(("thermal", "solvers", "tau_max"), 50.0)], False,
     ["thermal.solvers.tau_max = 50.0 is not allowed", "thermal.solvers.kernel = 'solver_check'",
      "expected <= kernels.solver_check.tau_max = 10"]),
    # masses moving 2 pi sqrt(1e4) / 600 = 1.05 per step (rms), more than lam = 1
    ("thermal_motion_outruns_the_step", [(("thermal", "single_pass", "lam"), 1.0),
                                         (("thermal", "single_pass", "omega_T"),
                                          [0.0, 5.0, 10000.0])], False,
     ["thermal.single_pass.omega_T = [0.0, 5.0, 10000.0] is not allowed",
      "at omega_T = 10000 (quantum) the chain masses move by 1.047 per time step (rms), more "
      "than the interaction width (lam = 1)",
      "thermal.d = 60", "thermal.single_pass.lam = 1.0", "a lower temperature or a larger d"]),
    ("below_capture_without_barrier", [(("potentials", "interactions", "morse", "r0"), 1.0)],
     False, ["potentials.below_capture = 0.95 is not allowed", "which morse has not",
             "potentials.interactions.morse = {'kind': 'morse', 'D': 1.0, 'a': 0.5, "
             "'r0': 1.0, 'h': 4.0}"]),
]


@pytest.mark.parametrize("writes, quick, texts", [c[1:] for c in RUN_REFUSALS],
                         ids=[c[0] for c in RUN_REFUSALS])
def test_a_value_a_job_would_refuse_is_refused_at_start_up_naming_its_keys(config, writes,
                                                                           quick, texts):
    msg = _refused(config, writes, quick)
    for text in texts:
        assert text in msg, f"{text!r} missing from:\n{msg}"


def _speed_keys(node, path=()):
    """Every key of the configuration that holds the speeds of runs: v0, v, v_hot, Fig. 5's
    v0_stop (its series' last speed), and each sweep mapping {start, stop, step}."""
    if not isinstance(node, dict):
        return
    if {"start", "stop", "step"} <= node.keys():
        yield path
        return
    for key, value in node.items():
        if path == () and key == "quick":
            continue
        if key in ("v0", "v", "v_hot", "v0_stop"):
            yield path + (key,)
        elif key != "v0_start":
            yield from _speed_keys(value, path + (key,))


@pytest.mark.parametrize("preset", ["paper", "quick"])
def test_every_set_of_runs_in_the_configuration_is_checked_at_start_up(config, preset):
    # chaindrag._config_runs restates which runs the workflow makes (its *_paths.smk), so that
    # start-up refuses what a job would: a section of runs it does not know (a new figure's,
    # say) would go unchecked until its jobs fail
    from chaindrag._config_runs import _figure_runs, _health_runs, _study_runs

    view = merge_patch(config, config["quick"]) if preset == "quick" else config
    checked = {key for runs in (*_figure_runs(view), *_health_runs(view), *_study_runs(view))
               for key, _ in runs.speeds}
    missing = [k for k in _speed_keys(view) if not any(c[:len(k)] == k for c in checked)]
    assert not missing, missing


def test_the_runs_are_checked_where_the_pair_potentials_are_built(config):
    """Jobs check the configuration without building the potentials (interactions=False):
    the runs' checks, which need them, are the main process's; the rest are everyone's."""
    coarse = copy.deepcopy(config)
    coarse["fig6"]["repulsive"]["stop"] = 3000.0
    check_config(coarse, SCHEMA, interactions=False)
    assert "kernels.fig2.tau_max" in _refused(config, [(("kernels", "fig2", "tau_max"), 1e-3)],
                                              interactions=False)


@pytest.mark.parametrize("quick", [False, True], ids=["sections", "quick"])
def test_an_unknown_key_of_an_interaction_is_reported_once(config, quick):
    """The interaction's schema (every kind's keys) and the branch of its kind both refused
    it: two lines, with two different lists of allowed keys."""
    spec = {"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0, "zz": 1.0}
    msg = _refused(config, [(("fig6", "interaction"), spec)], quick, interactions=False)
    key = f"{'quick.' if quick else ''}fig6.interaction.zz"
    assert msg.count(f"unknown key '{key}'") == 1, msg
    assert f"unknown key '{key}'; allowed keys here: D, a, h, kind, r0, sign." in msg, msg


@pytest.fixture(scope="module")
def workflow_copy(tmp_path_factory) -> Path:
    """The Snakefile, config and workflow/ in a scratch directory (-n writes .snakemake/)."""
    import shutil

    dest = tmp_path_factory.mktemp("refusals")
    for name in ("Snakefile", "config.yaml"):
        shutil.copy2(REPO / name, dest / name)
    shutil.copytree(REPO / "workflow", dest / "workflow",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.mark.parametrize("override, preset, texts", [
    ("fig6: {repulsive: {start: 13.0, stop: 3000.0, step: 0.5}}\n", "paper",
     ["fig6.repulsive.stop = 3000.0 is not allowed", "expected <= width/delta = 2400"]),
    # a quick override is checked under the paper preset too
    ("quick: {thermal: {drag: {tau_max: 1.0}}}\n", "paper",
     ["quick.thermal.drag.tau_max = 1.0 is not allowed", "expected about >= 2 alpha/(window v)"]),
], ids=["step", "quick_drive_window"])
def test_the_dry_run_stops_at_a_value_a_job_would_refuse(workflow_copy, tmp_path, override,
                                                          preset, texts):
    (tmp_path / "override.yaml").write_text(override)
    proc = subprocess.run([sys.executable, "-m", "snakemake", "-n", "-q", "--configfile",
                           str(tmp_path / "override.yaml"), "--config", f"preset={preset}"],
                          cwd=workflow_copy, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    for text in texts:
        assert text in out, f"{text!r} missing from:\n{out[-3000:]}"
    assert "Traceback (most recent call last)" not in out, out[-3000:]


def test_a_change_the_quick_preset_replaces_is_named_at_start_up(workflow_copy, tmp_path):
    # fig3.tau_max and thermal.drift.omega_T are set by quick: as well, so at preset=quick the
    # user's values would be ignored in silence; fig8.tau_max is changed in quick: too (used);
    # the shipped configuration alone gives no such message
    (tmp_path / "mine.yaml").write_text("fig3: {tau_max: 50.0}\n"
                                        "thermal: {drift: {omega_T: [0.0, 30.0]}}\n"
                                        "fig8: {tau_max: 900.0}\nquick: {fig8: {tau_max: 50.0}}\n")

    def dry_run(*extra):
        proc = subprocess.run([sys.executable, "-m", "snakemake", "-n", *extra, "--config",
                               "preset=quick"], cwd=workflow_copy, capture_output=True,
                              text=True)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
        return [line for line in (proc.stdout + proc.stderr).splitlines()
                if "is not used at preset=quick" in line]

    named = dry_run("--configfile", str(tmp_path / "mine.yaml"))
    assert len(named) == 2, named
    assert "fig3.tau_max = 50.0 is not used at preset=quick: quick.fig3.tau_max = 30.0" in named[0]
    assert "set quick.thermal.drift.omega_T" in named[1]
    assert dry_run() == []


# ------------------------------------------------------------------ config_digest
def _reversed(obj):
    """``obj`` with every mapping's keys in reverse order (lists kept in order)."""
    if isinstance(obj, dict):
        return {k: _reversed(obj[k]) for k in reversed(list(obj))}
    if isinstance(obj, list):
        return [_reversed(v) for v in obj]
    return obj


def _scalars(obj, path=()):
    """(path, value) of every scalar of ``obj``: mapping values and list items, recursively."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _scalars(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _scalars(v, path + (i,))
    else:
        yield path, obj


def _changed(value):
    """The smallest change of a leaf: the next double up, +1, the other bool, a longer text."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return math.nextafter(value, math.inf)
    if isinstance(value, str):
        return value + "_"
    assert value is None, value
    return 0


def test_config_digest_is_the_sha256_of_the_canonical_json():
    cfg = {"b": {"y": [1, 2.5, "s"], "x": 0.1}, "a": {"small": 1e-06, "none": None, "on": True}}
    text = '{"a":{"none":null,"on":true,"small":1e-06},"b":{"x":0.1,"y":[1,2.5,"s"]}}'
    assert canonical_json(cfg) == text  # sorted keys, no whitespace, floats as repr
    assert config_digest(cfg) == hashlib.sha256(text.encode()).hexdigest()
    assert len(config_digest(cfg)) == 64 and set(config_digest(cfg)) <= set("0123456789abcdef")


def test_config_digest_does_not_depend_on_key_order(config):
    assert list(_reversed(config)) != list(config)
    assert config_digest(_reversed(config)) == config_digest(config)
    merged = merge_patch(config, config["quick"])
    assert config_digest(_reversed(merged)) == config_digest(merged)


def test_config_digest_is_the_same_from_yaml_and_from_python(config):
    text = """
b:
  y: [1, 2.5, s]
  x: 0.1
a: {small: 1.0e-06, none: null, on_: true}
"""
    literal = {"a": {"on_": True, "none": None, "small": 1e-06},
               "b": {"x": 0.1, "y": [1, 2.5, "s"]}}
    assert config_digest(yaml.safe_load(text)) == config_digest(literal)
    # the shipped config.yaml, its YAML dump (keys reordered) and a dict built in Python
    dumped = yaml.safe_load(yaml.safe_dump(_reversed(config), sort_keys=False))
    assert config_digest(dumped) == config_digest(config)
    assert config_digest(json.loads(json.dumps(config))) == config_digest(config)
    # a tuple is a list, a numpy scalar its Python value
    assert config_digest({"v": (1, 2.5), "w": np.float64(0.1), "n": np.int64(3),
                          "f": np.bool_(True)}) == config_digest(
        {"v": [1, 2.5], "w": 0.1, "n": 3, "f": True})


def test_config_digest_changes_when_any_leaf_changes(config):
    merged = merge_patch(config, config["quick"])
    base = config_digest(merged)
    paths = [path for path, _ in _scalars(merged)]
    # nested values, floats among them, are covered
    assert any(isinstance(v, float) and len(p) >= 3 for p, v in _scalars(merged))
    assert any(isinstance(p[-1], int) for p in paths)  # list items
    digests = set()
    for path in paths:
        cfg = copy.deepcopy(merged)
        _set(cfg, path, _changed(_value(cfg, path)))
        digests.add(config_digest(cfg))
    assert base not in digests and len(digests) == len(paths)
    # an integer and the equal float are different values; so are a key more or less
    assert config_digest({"a": 1}) != config_digest({"a": 1.0})
    assert config_digest(dict(merged, extra={})) != base
    assert config_digest({k: v for k, v in merged.items() if k != "quick"}) != base
    # the presets name different configurations
    assert config_digest(dict(merged, preset="quick")) != config_digest(config)


def test_config_digest_is_the_same_in_another_process(config):
    code = ("import sys, yaml; from chaindrag.config import config_digest; "
            "print(config_digest(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))))")
    for seed in ("0", "4242"):  # str hashing, hence dict/set internals, differ per seed
        out = subprocess.run([sys.executable, "-c", code, str(CONFIG)], capture_output=True,
                             text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        assert out.stdout.strip() == config_digest(config)


@pytest.mark.parametrize("bad, error", [
    ({"a": math.nan}, ValueError), ({"a": [1.0, math.inf]}, ValueError),
    ({"a": {1, 2}}, TypeError), ({1: "a"}, TypeError), ([1, 2], TypeError),
])
def test_config_digest_refuses_what_json_cannot_hold(bad, error):
    with pytest.raises(error):
        config_digest(bad)
