"""Transparent ends (chaindrag.boundary): long accuracy check and cost per step.

    python benchmarks/boundary.py              (1e6 steps, ~2-4 min on one core)
    python benchmarks/boundary.py --steps 1e5  (quick)

Accuracy: a kick at the middle of a 61-site segment with transparent ends against the
infinite chain (the cone-sized segment advanced by the chain solver's own sweep), error
relative to the peak per tenth of the run (growth shows as a trend). Cost: CPU time per
step of the segment loop at two segment sizes; the fixed part (both ends' ghosts and
memories) is expressed in site-updates of the interior sweep measured in the same run,
for the solvers' one-pass kernel (``ends_step3``) and the generic one on the same ends.
Numba compilation is excluded (warm-up); best of 5 (the machine may be shared).
"""

from __future__ import annotations

import argparse
import math
import platform
import time

import numpy as np

from numba import njit

from chaindrag import __version__
from chaindrag.boundary import bare_chain, new_memory, transparent_ends
from chaindrag.boundary._dtbc import push_both, set_ghosts
from chaindrag.boundary._sweep import sweep  # the one free-motion sweep of every solver
from chaindrag.solvers._common import front_margin, propagator_stencils

OMEGA_FAST, D = 10.0, 60
DELTA = 1.0 / (D * OMEGA_FAST)


def kick(n: int, site: int, s: np.ndarray) -> np.ndarray:
    rho = np.zeros(n)
    amp = 2.0 * math.pi * DELTA
    rho[site] += amp * s[0]
    for j in range(1, s.size):
        rho[site + j] += amp * s[j]
        rho[site - j] += amp * s[j]
    return rho


def cone_chain(rho_cur: np.ndarray, n_steps: int, sites) -> tuple[np.ndarray, int]:
    """Reference: the cone-sized chain from rest (rho_prev = 0); returns records, site-updates."""
    n = rho_cur.size
    pad = int(math.pi * (OMEGA_FAST - 1) * n_steps * DELTA + front_margin(n_steps * DELTA)) + 8
    x_prev, x_cur = np.zeros(n + 2 * pad), np.zeros(n + 2 * pad)
    x_cur[pad:pad + n] = rho_cur
    c = propagator_stencils(OMEGA_FAST, DELTA)[0]
    idx = np.asarray(sites) + pad
    out = np.empty((len(sites), n_steps))
    updates = 0
    for b in range(n_steps):
        out[:, b] = x_cur[idx]
        grow = int(math.pi * (OMEGA_FAST - 1) * (b + 1) * DELTA + front_margin((b + 1) * DELTA))
        lo, hi = max(4, pad - grow), min(x_cur.size - 4, pad + n + grow)
        sweep(x_prev, x_cur, c, lo, hi)
        updates += hi - lo
        x_prev, x_cur = x_cur, x_prev
    return out, updates


def accuracy(ends, n_steps: int) -> None:
    s = propagator_stencils(OMEGA_FAST, DELTA)[1]
    n, mid = 61, 30
    sites = [0, 5, mid, 55, 60]
    rho = kick(n, mid, s)
    t0 = time.perf_counter()
    ref, updates = cone_chain(rho, n_steps, sites)
    t_ref = time.perf_counter() - t0
    t0 = time.perf_counter()
    seg = bare_chain(ends, np.zeros(n), rho, n_steps, record_sites=sites).record
    t_seg = time.perf_counter() - t0
    peak = np.abs(ref).max()
    err = np.abs(seg - ref) / peak
    tenths = [err[:, i * n_steps // 10:(i + 1) * n_steps // 10].max() for i in range(10)]
    print(f"\nAccuracy: kick at the middle of 61 sites, {n_steps:.0e} steps "
          f"(tau = {n_steps * DELTA:.0f}), peak |rho| = {peak:.4f}")
    print(f"  max |segment - infinite chain| / peak = {err.max():.2e}")
    print("  per tenth of the run: " + " ".join(f"{e:.1e}" for e in tenths))
    print(f"  halves: {err[:, :n_steps // 2].max():.2e} -> {err[:, n_steps // 2:].max():.2e}")
    print(f"  wall: cone-sized chain {t_ref:.1f} s ({updates:.2e} site-updates), "
          f"transparent segment {t_seg:.2f} s  (ratio {t_ref / t_seg:.0f}x)")


@njit(cache=True)
def generic_steps(b1, x_prev, x_cur, lo, hi, c, direct, ar, ai, br, bi, zr, zi, ring, hre, him):
    """bare_chain_steps with the generic (any-width) ghost and memory updates, for comparison."""
    w = direct.shape[0]
    gbuf, layer, sre, sim = np.empty(w), np.empty(w), np.empty(zr.size), np.empty(zr.size)
    for b in range(b1):
        set_ghosts(b, x_cur, lo, hi, direct, ring, ar, ai, hre, him, gbuf)
        push_both(b, x_cur, lo, hi, ring, br, bi, zr, zi, hre, him, layer, sre, sim)
        sweep(x_prev, x_cur, c, lo, hi)
        x_prev, x_cur = x_cur, x_prev
    return x_prev, x_cur


def per_step(ends, n_sites: int, n_steps: int, generic: bool = False) -> float:
    rho = np.zeros(n_sites)
    rho[n_sites // 2] = 1e-3

    def once(steps):
        if not generic:
            bare_chain(ends, np.zeros(n_sites), rho, steps)
            return
        m = new_memory(ends)
        x_prev, x_cur = np.zeros(n_sites + 8), np.zeros(n_sites + 8)
        x_cur[4:4 + n_sites] = rho
        generic_steps(steps, x_prev, x_cur, 4, 4 + n_sites, *ends.numba_arrays(), m.ring,
                      m.hre, m.him)

    once(10)  # warm-up (compilation)
    best = math.inf
    for _ in range(5):
        t0 = time.process_time()
        once(n_steps)
        best = min(best, time.process_time() - t0)
    return best / n_steps


def cost(ends, n_steps: int) -> None:
    small, large = 64, 16384
    t_small, t_large = per_step(ends, small, n_steps), per_step(ends, large, n_steps // 8)
    t_generic = per_step(ends, small, n_steps, generic=True)
    per_site = (t_large - t_small) / (large - small)
    fixed, fixed_generic = t_small - small * per_site, t_generic - small * per_site
    print(f"\nCost per step (best of 5): {small} sites {t_small * 1e6:.2f} us, "
          f"{large} sites {t_large * 1e6:.2f} us")
    print(f"  interior sweep: {1 / per_site:.2e} site-updates/s")
    print(f"  both ends (ghosts + memories, P = {ends.n_exponentials}, k0 = {ends.k0}): "
          f"{fixed * 1e6:.3f} us = {fixed / per_site:.0f} site-update equivalents")
    print(f"  same ends, generic kernels: {fixed_generic * 1e6:.3f} us "
          f"(one-pass kernel {fixed_generic / fixed:.1f}x faster)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=float, default=1e6, help="steps of the accuracy check")
    ap.add_argument("--k0", type=int, default=None, help="lags summed directly (default: the "
                    "store's)")
    ap.add_argument("--tol", type=float, default=1e-12)
    args = ap.parse_args()
    print(f"chaindrag {__version__}, Python {platform.python_version()}, {platform.machine()}")
    t0 = time.perf_counter()
    kw = {} if args.k0 is None else dict(k0=args.k0)
    ends = transparent_ends(OMEGA_FAST, D, tol=args.tol, **kw)
    print(f"transparent_ends(omega_fast={OMEGA_FAST:g}, d={D}, k0={ends.k0}, tol={ends.tol:g}): "
          f"{time.perf_counter() - t0:.2f} s, {ends.n_exponentials} exponentials per end, "
          f"coupling error {ends.coupling_error:.1e}, max kernel error "
          f"{ends.kernel_error.max():.1e}")
    cost(ends, 50000)
    accuracy(ends, int(args.steps))


if __name__ == "__main__":
    main()
