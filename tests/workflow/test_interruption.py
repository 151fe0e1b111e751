"""A job killed at any moment leaves nothing a later run would take for complete.

Package level: a process running simulate + save_trajectory is SIGKILLed while it
writes its store; the store path then holds no half-written store, and rerunning the
same command gives a store byte-identical to an uninterrupted run's (attributes included). Workflow level: snakemake
itself is SIGKILLed (with its jobs) while a simulation job runs; rerunning the same
command finishes the target, and it is byte-identical to the session's uninterrupted
quick-preset run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from chaindrag.params import StoreError

from .helpers import SNAKEMAKE, copy_checkout, run_snakemake

# Fig. 3 set-up, 250 recorded chain sites every step: a store of ~15 MB whose write takes
# long enough to be caught in the middle. With a second argument "pause" the progress
# callback prints its first fraction strictly inside (0, 1) and then sleeps, so a kill
# "while simulating" lands mid-run however fast the machine is.
RUN = """
import sys, time
import numpy as np
from chaindrag.solvers import simulate
from chaindrag.stores import save_trajectory
pause = sys.argv[2:] == ["pause"]
def progress(fraction):
    if pause and 0.0 < fraction < 1.0:
        print("simulating", fraction, flush=True)
        time.sleep(600)
traj = simulate(alpha=40.0, phi0=20.0, lam=4.0, mu=1.0, sigma0=220.0, v0=120.0, tau_max=4.0,
                omega_fast=10.0, d=60, bias=0.0, solver="chain", record_sites=np.arange(250),
                chain_record_every=1, progress=progress)
print("simulated", flush=True)
save_trajectory(traj, sys.argv[1])
"""


def _run(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN, str(path)], capture_output=True,
                          text=True, timeout=300)


def _tmp_siblings(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.glob(path.name + ".*"))


def _kill_when(proc: subprocess.Popen, condition, timeout: float = 120.0) -> bool:
    """SIGKILL ``proc`` (and its process group) as soon as ``condition()``; True if killed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return True


def _assert_same_trajectory(a, b):
    for name in ("tau", "sigma", "velocity", "chain_sites", "chain_tau", "chain_displacement"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.energy.keys() == b.energy.keys()
    for key in a.energy:
        assert np.array_equal(a.energy[key], b.energy[key]), key
    assert a.params == b.params  # every param: none records how long the run took


def _files(store: Path) -> dict[str, bytes]:
    return {p.relative_to(store).as_posix(): p.read_bytes()
            for p in sorted(store.rglob("*")) if p.is_file()}


def _assert_same_store(path: Path, reference: Path):
    from chaindrag.stores import load_trajectory
    _assert_same_trajectory(load_trajectory(path), load_trajectory(reference))
    assert _files(path) == _files(reference)  # every file, attributes included


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ref") / "traj.zarr"
    proc = _run(path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return path


@pytest.mark.parametrize("moment", ["while_simulating", "while_writing"])
def test_killed_trajectory_job_leaves_no_store_and_rerun_matches(reference, tmp_path, moment):
    from chaindrag.stores import load_trajectory
    path = tmp_path / "traj.zarr"
    pause = ["pause"] if moment == "while_simulating" else []
    proc = subprocess.Popen([sys.executable, "-c", RUN, str(path), *pause],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    if moment == "while_simulating":  # the callback announces a fraction inside (0, 1), then sleeps
        killed = _kill_when(proc, lambda: proc.stdout.readline().startswith(b"simulating"))
    else:  # some arrays of the temporary sibling written, others not yet
        killed = _kill_when(proc, lambda: any(
            any(tmp.glob("*/zarr.json")) for tmp in _tmp_siblings(path)))
    assert killed, "the job finished before it could be killed: make the run longer"
    if path.exists():  # killed after the rename: then the store must be whole and right
        _assert_same_store(path, reference)
    for leftover in _tmp_siblings(path):  # an orphaned temporary is never read as complete
        with pytest.raises(StoreError):
            load_trajectory(leftover)
    proc = _run(path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    _assert_same_store(path, reference)


# ------------------------------------------------------------------------ workflow level
TARGET = "results/tables/fig4_pass.csv"


@pytest.mark.workflow
def test_killed_snakemake_resumes_to_the_uninterrupted_result(quick_run, tmp_path):
    workdir = copy_checkout(tmp_path / "repo")
    args = [*SNAKEMAKE, TARGET, "--cores", "2", "--config", "preset=quick"]  # --config takes all that follows
    proc = subprocess.Popen(args, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    logs = workdir / "results" / "logs" / "trajectory"
    killed = _kill_when(proc, lambda: logs.is_dir() and any(logs.rglob("*.log")))
    assert killed, "snakemake finished before a simulation job started"
    assert not (workdir / TARGET).exists()
    # Nothing a later run takes as done: every store present must load; the rest is redone.
    from chaindrag.stores import load_trajectory
    for store in (workdir / "results" / "runs").rglob("phi0_*.zarr"):
        load_trajectory(store)
    # A SIGKILLed snakemake cannot release its lock; `--unlock` is the documented remedy.
    run_snakemake(workdir, TARGET, "--unlock", "--config", "preset=quick")
    proc = run_snakemake(workdir, TARGET, "--cores", "2", "--config", "preset=quick",
                         check=False)
    if proc.returncode != 0 and "IncompleteFilesException" in proc.stdout + proc.stderr:
        # snakemake's own record of the killed jobs: the documented remedy is explicit.
        run_snakemake(workdir, TARGET, "--cores", "2", "--rerun-incomplete", "--config",
                      "preset=quick")
    else:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (workdir / TARGET).read_bytes() == (quick_run / TARGET).read_bytes()
