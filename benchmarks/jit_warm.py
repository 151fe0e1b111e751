"""What compiling the numba kernels once first (``python -m chaindrag._jit_warm``) saves.

    python benchmarks/jit_warm.py              (two jobs at once, ~2 min on 2 cores)
    python benchmarks/jit_warm.py --jobs 4

A fresh machine is imitated by an empty numba cache (``NUMBA_CACHE_DIR``) and an empty
user cache (``XDG_CACHE_HOME``: the transparent ends) per scenario. ``--jobs`` processes
then start at once, each doing what the workflow's first jobs do (a Fig. 3 trajectory on
the transparent solver with its energy, a chain single pass, Eq. 33 on a speed grid):
cold, each compiles what it needs side by side; after the warm-up, each loads it. The
table gives wall and CPU seconds of each scenario and their ratios, measured in one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

from chaindrag import __version__

JOB = """
import numpy as np
from chaindrag import analytic, simulate
simulate(alpha=40.0, phi0=20.0, lam=4.0, sigma0=220.0, v0=120.0, tau_max=5.0,
         solver="transparent", energy=True)
simulate(alpha=40.0, phi0=-20.0, lam=4.0, sigma0=220.0, v0=50.0, tau_max=0.8, solver="chain")
analytic.steady_state_loss(np.geomspace(5.0, 150.0, 600), 2.0, 4.0, 40.0)
"""


def _children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _scenario(warm: bool, jobs: int) -> tuple[float, float, float]:
    """(warm-up wall s, jobs wall s, CPU s of all) with empty caches."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(tmp, "numba"),
                   XDG_CACHE_HOME=os.path.join(tmp, "cache"))
        cpu0, t0 = _children_cpu(), time.perf_counter()
        if warm:
            subprocess.run([sys.executable, "-m", "chaindrag._jit_warm"], env=env, check=True,
                           capture_output=True)
        t1 = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", JOB], env=env) for _ in range(jobs)]
        if any(p.wait() for p in procs):
            raise SystemExit("a job failed")
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1, _children_cpu() - cpu0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="jobs started at once (default 2)")
    jobs = parser.parse_args().jobs
    print(f"chaindrag {__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {jobs} jobs at once, empty caches per scenario")
    rows = {name: _scenario(warm, jobs) for name, warm in (("cold", False), ("warm-up first", True))}
    print(f"{'scenario':<15}{'warm-up s':>10}{'jobs s':>9}{'wall s':>9}{'CPU s':>8}")
    for name, (w, j, cpu) in rows.items():
        print(f"{name:<15}{w:>10.1f}{j:>9.1f}{w + j:>9.1f}{cpu:>8.1f}")
    (_, jc, cc), (ww, jw, cw) = rows["cold"], rows["warm-up first"]
    print(f"cold / warm-up first: wall {jc / (ww + jw):.2f}x, CPU {cc / cw:.2f}x")


if __name__ == "__main__":
    main()
