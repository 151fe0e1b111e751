"""Force-loop benchmark: every pair potential against the solvers' Gaussian loop.

    python benchmarks/interactions.py           (~1 min)
    python benchmarks/interactions.py --quick   (fewer calls)

One particle moves at v = 40 (delta = 1/600) along a chain (alpha = 40) with random
displacements; the force loop is called once per step from a numba loop, as in the
solvers. Two ratios per potential, both against the same loop at the Fig. 8
Gaussian (kind GAUSSIAN, bit-identical to the solvers' loop before issue 14) (phi0 = 2, lam = 4, reach 46.7 = 3 chain masses):

* same reach: the cost per chain mass visited (the arithmetic of the potential);
* own reach: the cost per step, each potential visiting every mass within its own reach
  (|force| >= 1e-20), which is what a solver pays.

The last column is the added time against a full chain-solver step, measured here on the
Fig. 8 drift set-up when the solvers import (its cost grows with the sound cone: 8.9 us at
tau = 800 in the README, less over the shorter run timed here).
Numba compilation is excluded (warm-up call).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
from numba import njit

from chaindrag._version import __version__
from chaindrag.interactions import (Gaussian, LennardJones, Lorentzian, Morse, UserPotential,
                                    Yukawa, interaction_forces)

ALPHA, DELTA, V = 40.0, 1.0 / 600.0, 40.0


@njit
def _run_interaction(n, sigma0, x, alpha, kind, params, reach, sites, forces, step):
    s = sigma0.copy()
    acc = 0.0
    for _ in range(n):
        s[0] += step
        count, fpart, energy, lo, hi = interaction_forces(s, x, 0, alpha, kind, params, reach,
                                                          sites, forces)
        acc += energy + fpart[0] + count
    return acc


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def solver_step_time(tau: float) -> float | None:
    """Seconds per step of the chain solver on the Fig. 8 drift set-up up to ``tau``, or None."""
    try:
        from chaindrag.solvers import simulate
    except ImportError:
        return None
    fig8 = dict(alpha=40.0, phi0=2.0, lam=4.0, sigma0=220.0, v0=40.0, bias=0.01, energy=False)
    simulate(**fig8, tau_max=0.5)
    return best_of(lambda: simulate(**fig8, tau_max=tau), 1) / (tau * 600)


def potentials() -> dict:
    def morse_phi(x):
        ex = np.exp(-0.25 * (np.sqrt(x * x + 16.0) - 8.0))
        return ex * (ex - 2.0)

    def morse_dphi(x):
        r = np.sqrt(x * x + 16.0)
        ex = np.exp(-0.25 * (r - 8.0))
        return 0.5 * ex * (1.0 - ex) * x / r

    gauss = Gaussian(2.0, 4.0)
    return {
        "Gaussian (kind GAUSSIAN)": gauss,
        "Lorentzian A=2, b=4": Lorentzian(2.0, 4.0),
        "Morse channel": Morse.channel(),
        "Lennard-Jones channel": LennardJones.channel(),
        "Yukawa Q=2, l=8, h=4": Yukawa(2.0, 8.0, 4.0),
        "tabulated Gaussian": UserPotential(gauss.potential, lambda x: -gauss.force(x), 4.0),
        "tabulated Morse channel": UserPotential(morse_phi, morse_dphi, 4.0),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer calls")
    args = ap.parse_args()
    n = 50_000 if args.quick else 300_000
    rng = np.random.default_rng(np.random.SeedSequence(2024))
    x = rng.normal(0.0, 2.0, 20_000)
    sigma0 = np.array([ALPHA * 10_000.0 + 13.0])
    base = Gaussian(2.0, 4.0)
    base_reach = base.reach()
    buf = 2 * int(2 * 1e5 / ALPHA) + 16
    sites, forces = np.zeros(buf, np.int64), np.zeros(buf)

    def inter_args(inter, reach):
        kind, params = inter.kernel_args()
        return (n, sigma0, x, ALPHA, kind, params, reach, sites, forces, V * DELTA)

    def paired(inter, reach):
        """(reference, candidate) seconds per call, timed alternately (the machine is shared)."""
        ref, cand = inter_args(base, base_reach), inter_args(inter, reach)
        _run_interaction(*ref)
        _run_interaction(*cand)
        t_ref = t_cand = float("inf")
        for _ in range(5):
            t_ref = min(t_ref, best_of(lambda: _run_interaction(*ref), 1))
            t_cand = min(t_cand, best_of(lambda: _run_interaction(*cand), 1))
        return t_ref / n, t_cand / n

    tau = 50.0 if args.quick else 200.0
    step = solver_step_time(tau)
    rows, refs = [], []
    for name, inter in potentials().items():
        reach = inter.reach()
        r1, t_same = paired(inter, base_reach)
        r2, t_own = paired(inter, reach) if reach <= 1e5 else (r1, float("nan"))
        refs += [r1, r2]
        rows.append((name, reach, 2 * reach / ALPHA + 1, t_same / r1, t_own / r2, t_own - r2))
    t_ref = min(refs)

    print(f"chaindrag {__version__} on {platform.machine()} / {platform.python_version()}, "
          f"{n} calls per timing, best of 5 "
          f"alternating with the reference")
    print(f"reference: the Gaussian kind, phi0=2, lam=4, reach {base_reach:.1f}: "
          f"{t_ref * 1e9:.1f} ns/call; columns 'same reach' and 'own reach' are time ratios "
          f"to it")
    if step is not None:
        print(f"chain solver step (Fig. 8 drift set-up, mean over tau_max = {tau:g}): "
              f"{step * 1e6:.2f} us")
    head = (f"{'potential':26s} {'reach':>10s} {'masses':>8s} {'same reach':>12s} "
            f"{'own reach':>12s} {'+ solver step':>17s}")
    print(head)
    print("-" * len(head))
    for name, reach, masses, same, own, added in rows:
        extra = (f"{added / step:+17.1%}" if step is not None and own == own
                 else f"{'n/a':>17s}")
        own_s = f"{own:8.2f}" if own == own else f"{'n/a':>8s}"
        print(f"{name:26s} {reach:10.4g} {masses:8.0f} {same:12.2f} {own_s:>12s} {extra}")


if __name__ == "__main__":
    main()
