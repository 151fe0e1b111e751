"""Test-session wiring: how ``make test`` shares the tests among pytest-xdist workers.

``make test`` runs ``pytest -n auto``. Each test file is one unit of work, run on one
worker, so a module's fixtures are built once; the workflow tests (tests/workflow) are one
unit, so the session's quick-preset run (``quick_run``) is made once and their snakemake
runs never overlap, and that unit (the longest) starts first. A plain ``pytest`` (no
``-n``) runs everything in one process, in the usual order.
"""

from __future__ import annotations

import os

import pytest

WORKFLOW = "tests/workflow/"


def _unit(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return WORKFLOW if path.startswith(WORKFLOW) else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByFile(LoadScopeScheduling):
        """xdist's load-scope scheduler with a test file (or all of tests/workflow) a scope."""

        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    return ByFile(config, log)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the longest unit first
        items.sort(key=lambda item: _unit(item.nodeid) != WORKFLOW)
