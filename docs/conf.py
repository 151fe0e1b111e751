"""Sphinx configuration: the API reference is built from the package's numpy-style docstrings.

Offline by design: no intersphinx, no theme or extension that fetches anything at build time.
``make docs`` (or ``sphinx-build -W -b html docs docs/_build/html``) treats every warning as an
error, so a broken docstring fails CI (tests/test_docs.py builds it).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # the checkout's package, also without an install

from chaindrag._version import __version__  # noqa: E402

project = "chaindrag"
author = "the chaindrag developers"
copyright = "2026, the chaindrag developers"  # noqa: A001
version = release = __version__

extensions = ["sphinx.ext.autodoc", "numpydoc"]
templates_path: list[str] = []
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []

autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"          # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False  # no autosummary tables of members (they need stubs)
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False


def _escape_bars(app, what, name, obj, options, lines):
    """Docstrings write |x| for an absolute value; reST would read it as a substitution."""
    for i, line in enumerate(lines):
        if "|" in line and not line.lstrip().startswith(("|", "+-", "+=")):
            lines[i] = line.replace("\\|", "|").replace("|", "\\|")


def setup(app):
    # before numpydoc (priority 500) turns the sections into reST
    app.connect("autodoc-process-docstring", _escape_bars, priority=100)
