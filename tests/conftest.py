"""Test-session wiring: how ``make test`` shares the tests among pytest-xdist workers.

``make test`` runs ``pytest -n auto``. Each test file is one unit of work, run on one
worker, so a module's fixtures are built once; the files that use the session's
quick-preset run (``quick_run``, tests/workflow/conftest.py) are one unit, so that run is
made once. The workflow units (the longest) are handed out first, that one first. A plain
``pytest`` (no ``-n``) runs everything in one process, in the usual order.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUICK_RUN = "tests/workflow: files using quick_run"


@functools.cache
def _unit_of_file(path: str) -> str:
    if path.startswith("tests/workflow/") and "quick_run" in (ROOT / path).read_text():
        return QUICK_RUN
    return path


def _unit(nodeid: str) -> str:
    return _unit_of_file(nodeid.split("::", 1)[0])


def _rank(nodeid: str) -> int:
    unit = _unit(nodeid)
    return 0 if unit == QUICK_RUN else 1 if unit.startswith("tests/workflow/") else 2


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByFile(LoadScopeScheduling):
        """xdist's load-scope scheduler with the units above, in collection order."""

        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # keep the order set below

        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    return ByFile(config, log)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the longest units first
        items.sort(key=lambda item: _rank(item.nodeid))
