"""Solver benchmark: wall times and ratios measured in one run, printed as a table.

    python benchmarks/solvers.py            (or: make bench)
    python benchmarks/solvers.py --quick    (smaller sizes, ~1 min)

The paper's kernel algorithm (Appendix) costs ~ N_steps^2 x N_ch; it is timed at short
durations and extrapolated with that law (fitted exponent printed), the chain solver is
timed directly at the paper's durations, the transparent solver (issue 15) on the same
runs and on a tau = 10^4 drift run. Numba compilation is excluded (a warm-up run), and
measured on its own: a new process's first call on an empty numba cache.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _timing import best_of  # benchmarks/_timing.py (the script's directory is on sys.path)
from chaindrag import __version__
from chaindrag.boundary import bare_chain
from chaindrag.interactions import Gaussian, LennardJones, Morse
from chaindrag.kernel import precompute
from chaindrag.solvers import drive, simulate
from chaindrag.solvers.transparent_plan import END_MARGIN, boundary_ends, run_horizon

FIG3 = dict(alpha=40.0, phi0=20.0, lam=4.0, sigma0=220.0, v0=120.0)
FIG8 = dict(alpha=40.0, phi0=2.0, lam=4.0, sigma0=220.0, v0=40.0, bias=0.01)
POTENTIALS = {"Gaussian(2, 4)": Gaussian(2.0, 4.0), "Morse.channel()": Morse.channel(),
              "LennardJones.channel()": LennardJones.channel()}
DRIFT = dict(alpha=40.0, phi0=2.0, lam=4.0, sigma0=220.0, v0=30.0, bias=0.01, energy=False,
             record_every=1)



def thermal_rows(tau: float) -> list:
    """The drift run at finite temperature vs at rest (issue 13: <= 3x), and transparent.

    The thermal chain segment starts in the realization's state, is active everywhere from
    step 0 and only shrinks; the rest chain's grows with the sound cone first. The
    transparent solver's segment covers the path; rho^H enters through its ends.
    """
    runs = {"rest": {}, "thermal": dict(omega_T=1.0, seed=0),
            "transparent": dict(omega_T=1.0, seed=0, solver="transparent")}
    traj = {k: simulate(**DRIFT, tau_max=tau, **kw) for k, kw in runs.items()}  # warm, count
    t = {k: best_of(lambda: simulate(**DRIFT, tau_max=tau, **kw), 1) for k, kw in runs.items()}
    upd = {k: traj[k].params["chain_site_updates"] for k in runs}
    return [(f"drift run v0=30 tau_max={tau:g}, chain at rest (energy off)", t["rest"], ""),
            ("  same at omega_T=1 (quantum, one realization)", t["thermal"],
             f"thermal/rest = {t['thermal'] / t['rest']:.2f}x in time, "
             f"{upd['thermal'] / upd['rest']:.2f}x in site-updates"),
            ("  same at omega_T=1: transparent solver (rho^H let in through its ends)",
             t["transparent"], f"chain/transparent = {t['thermal'] / t['transparent']:.1f}x")]


def potential_rows(taus) -> list:
    """Per-step cost of other pair potentials vs the Gaussian (issue 14: <= 2x).

    A short run, where the force loop over the potential's reach weighs most, and the
    drift run, where the chain segment does.
    """
    rows = []
    for tau in taus:
        steps = round(tau * 600)
        t = {name: best_of(lambda: simulate(alpha=40.0, interaction=inter, sigma0=220.0,
                                            v0=40.0, tau_max=tau, energy=False),
                           1 if tau > 100 else 3)
             for name, inter in POTENTIALS.items()}
        base = t["Gaussian(2, 4)"]
        for name, inter in POTENTIALS.items():
            rows.append((f"v0=40 tau_max={tau:g}, {name}, reach {inter.reach() / 40:.0f} "
                         "masses: per step", t[name] / steps,
                         f"/ Gaussian = {t[name] / base:.2f}x"))
    return rows


def interleaved(kw: dict, pairs: int) -> tuple[float, float, np.ndarray]:
    """Chain and transparent runs of ``kw`` in turn, ``pairs`` times (after one of each to
    warm up): (chain's best, transparent's best, each pair's chain/transparent ratio)."""
    times = {"chain": [], "transparent": []}
    for i in range(pairs + 1):
        for solver in times:
            t0 = time.perf_counter()
            simulate(**kw, solver=solver)
            if i:
                times[solver].append(time.perf_counter() - t0)
    chain, transparent = (np.array(times[k]) for k in times)
    return chain.min(), transparent.min(), chain / transparent


def transparent_rows(tau3: float, t3: float, tau8: float, t8: float, tt8: float, ratios8,
                     t8e: float, tau_long: float) -> list:
    """solver="transparent" (issue 15) against the chain solver's times measured above.

    The same runs: cost N_steps x (path + the ends' fixed work) instead of N_steps x cone.
    """
    warm = simulate(**FIG3, tau_max=1.0, solver="transparent").params  # compile
    for tau in (tau3, tau_long):  # the ends, built once for each run length (from the cache)
        boundary_ends(warm["omega_fast"], warm["d"], None,
                      run_horizon(round(tau * warm["n_steps"]) + 1))
    fig3 = dict(FIG3, tau_max=tau3, record_sites=np.arange(250), chain_record_every=30,
                energy=False)
    tt3 = best_of(lambda: simulate(**fig3, solver="transparent"), 1)
    tt8e = best_of(lambda: simulate(**FIG8, tau_max=tau8, energy=True, solver="transparent"), 1)
    n_min, tt_bare = ceiling(tau8)
    t0 = time.perf_counter()
    long = simulate(**DRIFT, tau_max=tau_long, solver="transparent")
    t_long = time.perf_counter() - t0
    lo, hi = long.params["segment"]
    path = np.ptp(long.sigma) / DRIFT["alpha"]
    return [(f"Fig. 3 run tau_max={tau3:g}, 250 recorded sites: transparent solver", tt3,
             f"chain/transparent = {t3 / tt3:.1f}x"),
            (f"Fig. 8 drift run tau_max={tau8:g} (energy off): transparent solver", tt8,
             f"chain/transparent = {t8 / tt8:.1f}x (best of {ratios8.size} each); pairs run "
             f"in turn: median {np.median(ratios8):.1f}x, {ratios8.min():.1f}-"
             f"{ratios8.max():.1f}x"),
            (f"  ceiling: a bare {n_min}-site segment (the path's reach and margins), its ends, "
             "no particle", tt_bare, f"chain/this = {t8 / tt_bare:.1f}x"),
            (f"Fig. 8 drift run tau_max={tau8:g} with the chain's energy: transparent", tt8e,
             f"chain/transparent = {t8e / tt8e:.1f}x"),
            (f"drift run v0=30 tau_max={tau_long:g} (energy off): transparent solver", t_long,
             f"path {path:.0f} sites, segment {hi - lo} sites, "
             f"{long.params['segment_extensions']} extension(s)")]


#: One process's first simulate() call, timed inside it (``python -c``; argv[1] the solver).
FIRST_CALL = ("import sys, time; from chaindrag import simulate; t0 = time.perf_counter(); "
              "simulate(alpha=40.0, phi0=2.0, lam=4.0, sigma0=220.0, v0=40.0, bias=0.01, "
              "tau_max=0.2, energy=False, solver=sys.argv[1]); print(time.perf_counter() - t0)")


def compile_rows() -> list:
    """The first simulate() of a new process: on an empty numba cache, then on the cache it wrote.

    What a fresh install (or an edited module) costs once: numba compiles the step loops
    and writes them to ``NUMBA_CACHE_DIR`` (a new temporary folder here); every later
    process loads them.
    """
    rows = []
    for solver in ("chain", "transparent"):
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            cold, warm = (float(subprocess.run(
                [sys.executable, "-c", FIRST_CALL, solver], env=env, capture_output=True,
                text=True, check=True).stdout.split()[-1]) for _ in range(2))
        rows.append((f"first simulate(solver={solver!r}) of a process, empty numba cache", cold,
                     f"cold/warm = {cold / warm:.0f}x (cache loaded: {warm:.2f} s)"))
    return rows


def ceiling(tau8: float) -> tuple[int, float]:
    """The Fig. 8 run's cost with a perfectly planned segment and a particle that costs nothing.

    A force-free segment just wide enough for the run's path (kick footprint plus
    END_MARGIN at each end), with the same transparent ends, stepped as often as the run:
    what no planning of the segment and no faster force, kick or particle code can beat.
    Returns (sites, best-of-3 wall time).
    """
    traj = simulate(**FIG8, tau_max=tau8, energy=False, solver="transparent")
    alpha, reach, ws = FIG8["alpha"], traj.params["reach"], traj.params["stencil_width_sin"] - 1
    n_min = (math.ceil((traj.sigma.max() + reach) / alpha) + ws + END_MARGIN + 1
             - (math.floor((traj.sigma.min() - reach) / alpha) - ws - END_MARGIN))
    n_steps = traj.params["n_steps"]
    ends = boundary_ends(traj.params["omega_fast"], traj.params["d"], None,
                         run_horizon(n_steps + 1))[0]  # the run's own ends
    state = np.random.default_rng(0).normal(scale=1e-3, size=(2, n_min))
    return n_min, best_of(lambda: bare_chain(ends, *state, n_steps), 3)


def staged_stop_rows(tau: float) -> list:
    """A drift run that ``stop`` may end, asked at stages against asked periodically.

    The Fig. 8 continuation's case (v0 = 66, the fastest drift; ``stop`` never says yes here,
    so both runs go to tau): told the stages, the solver extends its segment for the path up
    to the next one at once; asked every tau/40 it grows by at most a third at a time, and
    each extension re-runs the steps so far.
    """
    kw = dict(FIG8, v0=66.0, tau_max=tau, energy=False, solver="transparent",
              record_sites=np.arange(0), stop=lambda traj: False)
    out = {}
    for name, every in (("stages", [0.2 * tau, 0.5 * tau, 0.75 * tau]),
                        ("periodic", tau / 40.0)):
        t0 = time.perf_counter()
        traj = simulate(**kw, stop_every=every)
        out[name] = (time.perf_counter() - t0, traj.params["segment_extensions"])
    (t_stage, n_stage), (t_per, n_per) = out["stages"], out["periodic"]
    return [(f"drift run v0=66 tau_max={tau:g}, stop asked every {tau / 40:g} in tau",
             t_per, f"{n_per} extensions"),
            (f"  same, stop asked at tau = {0.2 * tau:g}, {0.5 * tau:g}, {0.75 * tau:g} only",
             t_stage, f"{n_stage} extensions; periodic/stages = {t_per / t_stage:.2f}x")]


def fig8_set_rows(tau8: float) -> list:
    """Chain against transparent over a sample of Fig. 8's runs (every sixth v0, both signs).

    The transparent solver's cost is N_steps x (path + the ends' and forces' fixed work), so
    its gain over the cone-sized chain depends on the run: largest for a trapped particle,
    smallest for a fast one (path ~2 000 sites at v ~ 90). CPU time of one call each.
    """
    ratios, total = [], {"chain": 0.0, "transparent": 0.0}
    for phi0 in (2.0, -2.0):
        for v0 in np.arange(2.0, 92.1, 12.0):
            t = {}
            for solver in ("chain", "transparent"):
                c0 = time.process_time()
                simulate(**dict(FIG8, phi0=phi0, v0=float(v0)), tau_max=tau8, energy=False,
                         solver=solver)
                t[solver] = time.process_time() - c0
                total[solver] += t[solver]
            ratios.append(t["chain"] / t["transparent"])
    r = np.array(ratios)
    return [(f"Fig. 8 runs tau_max={tau8:g}, v0 = 2, 14, .., 86 and Phi0 = +-2 ({r.size} runs): "
             "transparent, total CPU", total["transparent"],
             f"chain/transparent = {total['chain'] / total['transparent']:.1f}x in total; per "
             f"run min {r.min():.1f}x, median {np.median(r):.1f}x, max {r.max():.1f}x")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes")
    args = ap.parse_args()
    rows = []
    tmp = Path(tempfile.mkdtemp())
    simulate(**FIG3, tau_max=0.2)  # compile (or load the numba cache)
    simulate(**DRIFT, tau_max=0.2, omega_T=1.0)  # and the thermal realization's kernels

    # kernel store precompute
    n_max, k_tau = (100, 5.0) if args.quick else (100, 20.0)
    t_pre = best_of(lambda: precompute(tmp / f"k{time.perf_counter_ns()}.zarr", n_max=n_max,
                                       tau_max=k_tau), 1)
    store = precompute(tmp / "store.zarr", n_max=n_max, tau_max=k_tau)
    rows.append((f"precompute kernel store n_max={n_max}, tau_max={k_tau:g}", t_pre, ""))
    simulate(**FIG3, tau_max=0.2, solver="kernel", kernel_store=store)

    # kernel vs chain solver on the same runs
    taus = [k_tau / 4, k_tau / 2, k_tau]  # 5, 10, 20 (the paper's Fig. 3 set-up)
    t_kernel = []
    for tau in taus:
        tk = best_of(lambda: simulate(**FIG3, tau_max=tau, solver="kernel", kernel_store=store),
                     1)
        tc = best_of(lambda: simulate(**FIG3, tau_max=tau, solver="chain", energy=False))
        t_kernel.append(tk)
        rows.append((f"Fig. 3 set-up, tau_max={tau:g}: kernel solver (N_ch={n_max + 1})", tk, ""))
        rows.append((f"Fig. 3 set-up, tau_max={tau:g}: chain solver", tc,
                     f"kernel/chain = {tk / tc:.0f}x"))
    slope = np.polyfit(np.log(taus), np.log(t_kernel), 1)[0]

    # the paper's Fig. 3 run (tau = 125) with the chain solver; the kernel solver extrapolated
    tau3 = 30.0 if args.quick else 125.0
    tc3 = best_of(lambda: simulate(**FIG3, tau_max=tau3, record_sites=np.arange(250),
                                   chain_record_every=30, energy=False), 1)
    # the paper tracks N_ch = 250 masses for Fig. 3: cost ~ N_ch x N_steps^2
    tk3 = t_kernel[-1] * (tau3 / taus[-1]) ** 2 * (250 / (n_max + 1))
    rows.append((f"Fig. 3 run tau_max={tau3:g}, 250 recorded sites: chain solver", tc3, ""))
    rows.append((f"  same with the kernel solver, N_ch=250 (extrapolated ~ tau^2, fitted "
                 f"exponent {slope:.2f})", tk3, f"kernel/chain = {tk3 / tc3:.0f}x"))

    # Fig. 8 drift run: tau = 800 (480 000 steps)
    tau8 = 100.0 if args.quick else 800.0
    # the headline ratio: chain and transparent runs interleaved, so that both see the
    # same phases of the machine (its speed drifts by up to 2x within minutes)
    t8, tt8, ratios8 = interleaved(dict(FIG8, tau_max=tau8, energy=False), 5)
    t8e = best_of(lambda: simulate(**FIG8, tau_max=tau8, energy=True), 1)
    rows.append((f"Fig. 8 drift run tau_max={tau8:g} (energy off: far sites frozen)", t8, ""))
    rows.append((f"Fig. 8 drift run tau_max={tau8:g} with the chain's energy every step", t8e,
                 f"energy on/off = {t8e / t8:.2f}x"))
    steps = round(tau8 * 600)
    traj8 = simulate(**FIG8, tau_max=tau8, energy=False)
    sites = traj8.params["chain_sites_max_active"]
    updates = traj8.params["chain_site_updates"]
    rows.append((f"  -> per step ({steps} steps, up to {sites} active sites)", t8 / steps, ""))
    rows.append((f"  -> per chain site-update ({updates / 1e9:.2f} G updates)", t8 / updates,
                 f"{updates / t8 / 1e9:.2f} G site-updates/s"))

    rows += transparent_rows(tau3, tc3, tau8, t8, tt8, ratios8, t8e,
                             1000.0 if args.quick else 1e4)
    rows += staged_stop_rows(1000.0 if args.quick else 1e4)
    rows += fig8_set_rows(tau8)
    rows += thermal_rows(tau8) + potential_rows((20.0, tau8))

    rows += compile_rows()

    # drive mode (Fig. 8c check)
    tdr = best_of(lambda: drive(alpha=40.0, phi0=2.0, lam=4.0, v=25.0, tau_max=60.0), 1)
    rows.append(("drive mode v=25, tau_max=60 (Eq. 33 check)", tdr, ""))

    width = max(len(r[0]) for r in rows)
    print(f"chaindrag {__version__} on {platform.machine()} / {platform.python_version()}, "
          f"{'quick' if args.quick else 'full'} sizes")
    print(f"{'measurement'.ljust(width)}  {'wall time':>12}  ratio")
    print("-" * (width + 30))
    for name, t, ratio in rows:
        shown = (f"{t:10.3f} s" if t >= 1e-3 else f"{t * 1e6:9.2f} us" if t >= 1e-6
                 else f"{t * 1e9:9.3f} ns")
        print(f"{name.ljust(width)}  {shown:>12}  {ratio}")


if __name__ == "__main__":
    main()
