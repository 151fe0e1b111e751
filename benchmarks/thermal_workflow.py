"""Thermal-branch benchmark: the cost of thermal single passes and of the branch's other runs.

    python benchmarks/thermal_workflow.py            (~1 min)
    python benchmarks/thermal_workflow.py --quick    (fewer passes, ~15 s)

The headline line: 1 000 thermal single passes at v0 = 50 (Fig. 6 set-up, omega_T = 25,
classical) on one core, as the workflow runs them (25 independent particles per realization,
:func:`chaindrag.jobs.thermal.thermal_single_passes`); the target is < 30 s. Ratios: per pass
against a single pass on the chain at rest, and particles per realization 25 vs 5 vs 1.
The passes run on ``--solver`` (default: transparent, as the workflow's ``thermal.solver``);
the equilibration and drift runs on both the chain and the transparent solver.
Numba compilation is excluded (a warm-up call); times are the best of the repeats.
"""

from __future__ import annotations

import argparse
import math
import platform

from _timing import best_of  # benchmarks/_timing.py (the script's directory is on sys.path)
from chaindrag import __version__
from chaindrag.jobs.thermal import thermal_drift, thermal_equilibration, thermal_single_passes

FIG6 = dict(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, omega_fast=10.0, d=60, solver="transparent",
            run_length=2.2)
TARGET_S = 30.0



def passes(n_passes: int, particles: int, v0: float = 50.0, temp: float = 25.0,
           statistics: str = "classical") -> None:
    for seed in range(math.ceil(n_passes / particles)):
        thermal_single_passes(v0=v0, omega_T=temp, statistics=statistics, seed=seed,
                              n_particles=particles, **FIG6)


def single_pass_rows(n: int) -> list:
    rest = best_of(lambda: [thermal_single_passes(v0=50.0, omega_T=0.0, statistics="rest",
                                                  seed=0, n_particles=1, **FIG6)
                            for _ in range(20)], 2) / 20
    rows = [("single pass v0=50 on the chain at rest (reference)", rest, "")]
    t = best_of(lambda: passes(n, 25), 2)
    verdict = "meets" if t < TARGET_S else "MISSES"
    rows.append((f"{n} thermal passes v0=50, omega_T=25 classical, 25 per realization", t,
                 f"{verdict} the {TARGET_S:g} s target; {t / n / rest:.2f}x a rest pass each"))
    tq = best_of(lambda: passes(n, 25, statistics="quantum"), 2)
    rows.append(("  same, quantum statistics", tq, f"{tq / t:.2f}x classical"))
    for k in (5, 1):
        m = max(n // (25 // k), 25)
        tk = best_of(lambda: passes(m, k), 1) * n / m
        rows.append((f"  {k} per realization (timed on {m}, scaled to {n})", tk,
                     f"{tk / t:.2f}x the 25-per-realization time"))
    t15 = best_of(lambda: passes(n // 4, 25, v0=15.0), 1) * 4
    rows.append((f"  v0=15 (run 3.3x longer, wider spacing), scaled to {n}", t15,
                 f"{t15 / t:.2f}x v0=50"))
    return rows


def other_rows(quick: bool) -> list:
    tau_eq = 80.0 if quick else 300.0
    tau_dr = 100.0 if quick else 400.0
    rows = []
    for solver in ("chain", "transparent"):
        t_eq = best_of(lambda: thermal_equilibration(
            alpha=5.0, phi0=-2.0, lam=1.0, mu=1.0, omega_T=2.0, statistics="classical", seed=0,
            start="hot", v_hot=17.77, n_particles=32, spacing=64, tau_max=tau_eq,
            series_dtau=1.0, omega_fast=10.0, d=60, solver=solver), 1)
        kw = dict(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, bias=0.01, sigma0=220.0, v0=30.0,
                  seed=0, tau_max=tau_dr, omega_fast=10.0, d=60, solver=solver)
        t_rest = best_of(lambda: thermal_drift(omega_T=0.0, statistics="rest", **kw), 1)
        t_dr = best_of(lambda: thermal_drift(omega_T=25.0, statistics="quantum", **kw), 1)
        if solver == "chain":
            chain = (t_eq, t_dr)
        vs = "" if solver == "chain" else f"; chain/{solver} = "
        rows += [(f"[{solver}] equilibration run: 32 particles, tau_max={tau_eq:g}", t_eq,
                  vs and f"{vs.lstrip('; ')}{chain[0] / t_eq:.1f}x"),
                 (f"[{solver}] drift run v0=30 tau_max={tau_dr:g}, chain at rest", t_rest, ""),
                 ("  same at omega_T=25 (quantum)", t_dr,
                  f"{t_dr / t_rest:.2f}x rest{vs and vs + f'{chain[1] / t_dr:.1f}x'}")]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 passes and shorter runs")
    ap.add_argument("--solver", choices=("chain", "transparent"), default="transparent",
                    help="the single passes' solver (default: the workflow's)")
    args = ap.parse_args()
    FIG6["solver"] = args.solver
    thermal_single_passes(v0=50.0, omega_T=25.0, statistics="classical", seed=0,
                          n_particles=2, **FIG6)  # compile the numba kernels (or load the cache)
    rows = single_pass_rows(200 if args.quick else 1000) + other_rows(args.quick)
    width = max(len(r[0]) for r in rows)
    print(f"chaindrag {__version__} on {platform.machine()} / {platform.python_version()}, "
          f"one core, {'quick' if args.quick else 'full'} sizes")
    print(f"{'measurement'.ljust(width)}  {'wall time':>12}  ratio")
    print("-" * (width + 34))
    for name, t, ratio in rows:
        shown = f"{t:10.3f} s" if t >= 1e-3 else f"{t * 1e6:9.2f} us"
        print(f"{name.ljust(width)}  {shown:>12}  {ratio}")


if __name__ == "__main__":
    main()
