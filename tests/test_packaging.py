"""The two ways of installing chaindrag (pip and conda) ask for the same packages, and the
version every output records names the code that wrote it."""

import importlib.metadata
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return dict(_split(r) for r in reqs)


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    return {name: spec for name, spec in map(_split, deps) if name not in {"python", "pip"}}


def test_environment_yml_pins_the_same_packages_and_bounds_as_pyproject():
    assert _conda_requirements() == _pyproject_requirements()


def test_environment_yml_uses_conda_forge_and_bioconda():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge", "bioconda"]


def test_python_lower_bound_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_version_names_the_commit_and_whether_the_package_was_edited(tmp_path):
    """A checkout's outputs say which commit wrote them; an edit of the package marks them."""
    from chaindrag._version import RELEASE, _local_label

    repo = tmp_path / "checkout"
    (repo / "src" / "chaindrag").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    module = repo / "src" / "chaindrag" / "physics.py"
    module.write_text("OMEGA_FAST = 10.0\n")
    assert _local_label(repo) == ""                      # not yet a git checkout: the release
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first")
    commit = _git(repo, "rev-parse", "--short", "HEAD")
    assert _local_label(repo) == f"+g{commit}"
    (repo / "results.csv").write_text("outputs are not the package\n")
    assert _local_label(repo) == f"+g{commit}"
    module.write_text("OMEGA_FAST = 12.0\n")
    assert _local_label(repo) == f"+g{commit}.dirty"
    # PEP 440: release + local label of alphanumerics separated by dots
    assert re.fullmatch(r"\d+(\.\d+)*\+[a-z0-9]+(\.[a-z0-9]+)*", RELEASE + _local_label(repo))


def test_installed_metadata_is_the_release_the_package_reports():
    from chaindrag import __version__
    from chaindrag._version import RELEASE

    assert __version__.split("+")[0] == RELEASE
    assert importlib.metadata.version("chaindrag") == RELEASE
