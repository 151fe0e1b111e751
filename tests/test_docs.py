"""The API reference builds without a warning, and its paper-to-code map points at real things."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "paper_map.rst"


def _resolve(dotted: str) -> object:
    """Import the longest module prefix of ``dotted`` and walk the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def test_every_function_named_in_the_paper_map_exists():
    targets = re.findall(r":(?:func|mod|class):`([\w.]+)`", MAP.read_text())
    assert len(targets) > 30
    missing = []
    for target in targets:
        try:
            _resolve(target)
        except (ImportError, AttributeError):
            missing.append(target)
    assert not missing, f"paper_map.rst names what the package does not have: {missing}"


def test_every_rule_named_in_the_paper_map_exists():
    rules = set(re.findall(r"^(?:rule|checkpoint) (\w+):", "\n".join(
        p.read_text() for p in (ROOT / "workflow" / "rules").glob("*.smk")), re.M))
    table = MAP.read_text().split("Equations", 1)[1]
    named = set(re.findall(r"``(\w+)``", table)) - {"solver"}
    assert named - rules == set(), f"paper_map.rst names rules that do not exist: {named - rules}"


@pytest.mark.slow
def test_api_reference_builds_with_warnings_as_errors(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(ROOT / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    assert (tmp_path / "html" / "paper_map.html").exists()
