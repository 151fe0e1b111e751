"""The quick preset's overrides are a JSON merge patch (RFC 7386): a null deletes its key.

check_config judges the configuration the patch makes, naming a required key the patch
deletes as quick.<key>; the workflow applies the same function, so a pair potential the
patch deletes has no job.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chaindrag.config import check_config, delete_nulls, load_schema, merge_patch
from chaindrag.params import ParameterError
# the shipped config and the workflow in a scratch directory, as test_config has them
from test_config import CONFIG, SCHEMA, config, workflow_copy  # noqa: F401


def _with_quick(config: dict, patch: dict) -> dict:
    """``config`` whose quick section has ``patch`` merged in (its nulls kept: they are the
    writes under test)."""
    out = copy.deepcopy(config)
    for key, value in patch.items():
        out["quick"][key] = value
    return out


def _refusal(config: dict) -> str | None:
    try:
        check_config(config, SCHEMA)
    except ParameterError as err:
        return str(err)
    return None


# ------------------------------------------------------------------ the merge
# RFC 7386, Appendix A: (original, patch, result), the examples whose both sides are objects
RFC_7386_EXAMPLES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize("original, patch, result", RFC_7386_EXAMPLES)
def test_the_merge_gives_the_results_of_rfc_7386(original, patch, result):
    assert merge_patch(original, patch) == result


def test_the_merge_leaves_its_inputs_untouched(config):
    before = copy.deepcopy(config)
    merged = merge_patch(config, {"fig2": None, "fig3": {"lam": None}})
    merged["fig4"]["alpha"] = -1.0
    assert config == before


def test_a_null_inside_a_list_deletes_nothing(config):
    """A list replaces the old one whole, its items as given: a null item is refused."""
    taus = config["quick"]["fig2"]["taus"]
    msg = _refusal(_with_quick(config, {"fig2": dict(config["quick"]["fig2"],
                                                     taus=[*taus[:-1], None])}))
    assert msg is not None and f"quick.fig2.taus[{len(taus) - 1}] = None" in msg, msg


# ------------------------------------------------------------------ check_config
def test_a_potential_deleted_by_quick_is_accepted_and_gone_from_the_merged_config(config):
    labels = list(config["potentials"]["interactions"])
    cfg = _with_quick(config, {"potentials": dict(config["quick"]["potentials"],
                                                  interactions={labels[0]: None})})
    assert _refusal(cfg) is None
    assert list(merge_patch(cfg, cfg["quick"])["potentials"]["interactions"]) == labels[1:]


def _required_keys(root: dict, config: dict):
    """Every required section (preset aside) and the required keys of each, as paths."""
    for section in root["required"]:
        if section == "preset":
            continue
        yield (section,)
        for key in root["properties"][section].get("required", ()):
            if key in config[section]:
                yield section, key


@pytest.mark.parametrize("path", list(_required_keys(load_schema(SCHEMA),
                                                      yaml.safe_load(CONFIG.read_text()))),
                         ids=".".join)
def test_a_required_key_deleted_by_quick_is_refused_named_under_quick(config, path):
    cfg = copy.deepcopy(config)
    node = cfg["quick"]
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = None
    msg = _refusal(cfg)
    key = ".".join(path)
    assert msg is not None, key
    assert f"missing key 'quick.{key}': quick.{key} = null deletes it" in msg, msg
    assert f"missing key '{key}'" not in msg, msg  # not blamed on the sections


def test_the_same_deletion_in_the_sections_is_named_without_quick(config):
    cfg = copy.deepcopy(config)
    del cfg["fig9"]["n_points"]
    msg = _refusal(cfg)
    assert msg is not None and "missing key 'fig9.n_points': expected" in msg, msg
    assert "null" not in msg and "quick." not in msg, msg


# ------------------------------------------------------------------ the workflow
def _dry_run(workdir: Path, target: str, override: str | None, tmp_path: Path):
    """(exit code, output) of ``snakemake -n -F <target>`` at the quick preset."""
    args = [sys.executable, "-m", "snakemake", target, "-n", "-F"]
    if override is not None:
        (tmp_path / "override.yaml").write_text(override)
        args += ["--configfile", str(tmp_path / "override.yaml")]
    args += ["--config", "preset=quick"]
    proc = subprocess.run(args, cwd=workdir, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def test_a_null_in_a_configfile_deletes_its_key_as_in_quick(workflow_copy, tmp_path, config):
    """Snakemake merges a --configfile without deletions (a null arrives as None); the
    workflow gives it the merge patch's meaning: the potential is left out, a required key
    deleted is refused as missing, and the quick: overrides' own nulls stay theirs."""
    label = list(config["potentials"]["interactions"])[-1]
    args = [sys.executable, "-m", "snakemake", "potentials", "-n", "-F"]
    code, before = _dry_run(workflow_copy, "potentials", None, tmp_path)
    assert code == 0, before[-3000:]
    override = yaml.safe_dump({"potentials": {"interactions": {label: None}}})
    code, after = _dry_run(workflow_copy, "potentials", override, tmp_path)
    assert code == 0, after[-3000:]
    assert f"potentials.interactions.{label} = null deletes it" in after, after[-3000:]
    own = {f for f in _potential_files(before)
           if f.startswith(f"results/runs/potentials/{label}/")}
    assert own and _potential_files(after) == _potential_files(before) - own
    (tmp_path / "gone.yaml").write_text(yaml.safe_dump({"fig9": {"n_points": None}}))
    proc = subprocess.run([*args, "--configfile", str(tmp_path / "gone.yaml")],
                          cwd=workflow_copy, capture_output=True, text=True)
    assert proc.returncode != 0 and "missing key 'fig9.n_points'" in proc.stdout + proc.stderr
    # preset has a default: deleted, the paper preset runs (snakemake's validate fills it in)
    (tmp_path / "preset.yaml").write_text(yaml.safe_dump({"preset": None}))
    proc = subprocess.run([*args, "--configfile", str(tmp_path / "preset.yaml")],
                          cwd=workflow_copy, capture_output=True, text=True)
    assert proc.returncode == 0 and "preset = null deletes it" in proc.stdout + proc.stderr, \
        (proc.stdout + proc.stderr)[-3000:]


def test_delete_nulls_removes_every_null_but_the_overrides(config):
    cfg = copy.deepcopy(config)
    cfg["fig3"]["lam"] = None
    cfg["potentials"]["interactions"]["morse"] = None
    cfg["quick"]["fig9"] = None
    assert delete_nulls(cfg) == ["fig3.lam", "potentials.interactions.morse"]
    assert "lam" not in cfg["fig3"] and "morse" not in cfg["potentials"]["interactions"]
    assert cfg["quick"]["fig9"] is None  # a deletion merge_patch applies at preset=quick
    rest = {k: v for k, v in config.items() if k != "quick"}
    assert {k: v for k, v in cfg.items() if k != "quick"} == merge_patch(
        rest, {"fig3": {"lam": None}, "potentials": {"interactions": {"morse": None}}})


def _potential_files(output: str) -> set[str]:
    return set(re.findall(r"results/runs/potentials/[^\s,]+", output))


def test_a_potential_deleted_by_quick_has_no_jobs_and_the_others_keep_theirs(
        workflow_copy, tmp_path, config):
    label = list(config["potentials"]["interactions"])[-1]
    code, before = _dry_run(workflow_copy, "potentials", None, tmp_path)
    assert code == 0, before[-3000:]
    override = yaml.safe_dump({"quick": {"potentials": {"interactions": {label: None}}}})
    code, after = _dry_run(workflow_copy, "potentials", override, tmp_path)
    assert code == 0, after[-3000:]
    files = _potential_files(before)
    own = {f for f in files if f.startswith(f"results/runs/potentials/{label}/")}
    assert own and _potential_files(after) == files - own


def test_the_workflow_refuses_a_required_key_deleted_by_quick(workflow_copy, tmp_path):
    override = yaml.safe_dump({"quick": {"fig9": {"n_points": None}}})
    code, out = _dry_run(workflow_copy, "all", override, tmp_path)
    assert code != 0, out[-3000:]
    assert "missing key 'quick.fig9.n_points': quick.fig9.n_points = null deletes it" in out, \
        out[-3000:]
    assert "Traceback (most recent call last)" not in out, out[-3000:]


def test_only_user_changes_that_a_quick_override_replaces_are_named():
    from chaindrag._config_relations import quick_shadowed

    shipped = {"a": {"x": 1, "y": 2}, "b": [1, 2], "c": 5,
               "quick": {"a": {"x": 10}, "b": None, "c": 6}}
    assert quick_shadowed(shipped, shipped) == []
    mine = dict(shipped, a={"x": 3, "y": 4}, b=[1], quick=dict(shipped["quick"], c=7), c=8)
    named = quick_shadowed(mine, shipped)
    # a.x replaced, b deleted by quick; a.y is not in quick; c's override was changed too
    assert [text.split(" is not used")[0] for text in named] == ["a.x = 3", "b = [1]"]
    assert "quick.b deletes it" in named[1]

