"""Shared fixture of the workflow tests: one quick-preset run per test session.

The run happens in a fresh copy of the checkout (tracked and new, not ignored files — nothing
an earlier run wrote), so it exercises the workflow exactly as a new clone would.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .helpers import copy_checkout, run_snakemake


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory) -> Path:
    """A checkout copy in which `snakemake --cores 2 --config preset=quick` has completed."""
    workdir = copy_checkout(tmp_path_factory.mktemp("quick") / "repo")
    start = time.perf_counter()
    run_snakemake(workdir, "--cores", "2", "--config", "preset=quick")
    print(f"\nquick preset finished in {time.perf_counter() - start:.0f} s")
    return workdir
