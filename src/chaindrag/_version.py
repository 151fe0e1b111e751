"""The package version, in a leaf module so that anything may import it without side effects.

``__version__`` is the release :data:`RELEASE` and, when the package runs from a git
checkout of its own repository (the editable install of the README), a PEP 440 local label
naming the commit, as numpy's and scipy's development builds do: ``0.1.0+g3dcd23f``, with
``.dirty`` appended when the package's files differ from that commit. Every output records
it as ``chaindrag_version``, so a results tree tells which code wrote each file. Installed
from an archive or a wheel (no git checkout), it is the release alone.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

#: The release; pyproject.toml reads it (``[tool.setuptools.dynamic]``).
RELEASE = "0.1.0"


def _local_label(root: Path) -> str:
    """``+g<commit>[.dirty]`` for a git checkout at ``root`` holding this package, else ""."""
    if not ((root / ".git").exists() and (root / "pyproject.toml").is_file()):
        return ""

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--", "src/chaindrag")
    except (OSError, subprocess.SubprocessError):  # no git, or a repository git refuses
        return ""
    return f"+g{commit}.dirty" if changed else f"+g{commit}"


__version__ = RELEASE + _local_label(Path(__file__).resolve().parents[2])
