"""Compile the package's numba kernels into their disk cache once, before parallel work.

A fresh checkout has no cache: every process that first needs a kernel compiles it, so
the first jobs of ``snakemake --cores 2`` and the two pytest workers of ``make test``
each compile the same kernels side by side (~35 CPU-seconds for the whole package, paid
several times over). ``python -m chaindrag._jit_warm`` runs one tiny case of each
compiled path instead, in two processes that need different kernels; with a warm cache it
only loads them (~2 s). The Makefile's ``test``, ``figures`` and ``quick`` targets run it
first. A failure here is reported and leaves the cache to be filled as the work goes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

GROUPS = ("solvers", "analytic")


def _solvers() -> None:
    """The step loops: chain and transparent (energy on and off), the kernel algorithm on
    a small store, drive mode, a thermal chain, the tabulated and closed-form potentials."""
    import numpy as np

    from chaindrag import drive, simulate
    from chaindrag.interactions import Morse, UserPotential
    from chaindrag.kernel import precompute

    run = dict(alpha=40.0, sigma0=220.0, v0=30.0, tau_max=0.3, bias=0.01)
    for solver in ("chain", "transparent"):
        for energy in (True, False):
            simulate(phi0=2.0, lam=4.0, solver=solver, energy=energy, record_sites=[5, 6],
                     **run)
        simulate(phi0=2.0, lam=4.0, solver=solver, omega_T=5.0, statistics="classical", **run)
    simulate(interaction=Morse.channel(), **run)

    def bump(x):
        return 2.0 * np.exp(-0.5 * (np.asarray(x) / 4.0) ** 2)

    def bump_slope(x):
        return -np.asarray(x) / 16.0 * bump(x)

    simulate(interaction=UserPotential(bump, bump_slope, length=4.0), **run)
    drive(alpha=40.0, phi0=2.0, lam=4.0, v=60.0, tau_max=3.0)
    with tempfile.TemporaryDirectory() as tmp:
        store = precompute(Path(tmp) / "kernel.zarr", n_max=12, tau_max=0.4, workers=1)
        simulate(phi0=2.0, lam=4.0, solver="kernel", kernel_store=store, **run)


def _analytic() -> None:
    """Eq. (33) (Gaussian, its script variant, any potential), its broadened form, and the
    thermal theory's multi-phonon sums."""
    import numpy as np

    from chaindrag import analytic
    from chaindrag.interactions import Morse

    v = np.geomspace(5.0, 100.0, 40)
    analytic.steady_state_loss(v, 2.0, 4.0, 40.0)
    analytic.steady_state_loss_script_variant(v, 2.0, 4.0, 40.0)
    analytic.steady_state_loss(v, alpha=40.0, interaction=Morse.channel())
    analytic.broadened_steady_state_loss(np.array([30.0, 60.0]), 2.0, 4.0, 40.0)
    analytic.thermal_steady_state_loss(np.array([30.0]), 2.0, 4.0, 40.0, omega_T=5.0)


def _group(name: str) -> int:
    start = time.perf_counter()
    try:
        {"solvers": _solvers, "analytic": _analytic}[name]()
    except Exception:  # the cache is only a head start: report, and let the work go on
        print(f"chaindrag._jit_warm: the {name} kernels could not be warmed (they compile "
              f"when first used):\n{traceback.format_exc()}", file=sys.stderr)
        return 0
    print(f"chaindrag._jit_warm: {name} kernels ready in {time.perf_counter() - start:.1f} s")
    return 0


def main(argv: list[str]) -> int:
    """``--group NAME`` warms one group here; no argument runs every group in its own
    process at once."""
    if argv[:1] == ["--group"] and len(argv) == 2 and argv[1] in GROUPS:
        return _group(argv[1])
    if argv:
        print(f"usage: python -m chaindrag._jit_warm [--group {{{','.join(GROUPS)}}}]",
              file=sys.stderr)
        return 2
    procs = [subprocess.Popen([sys.executable, "-m", "chaindrag._jit_warm", "--group", g])
             for g in GROUPS]
    return max(p.wait() for p in procs)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
