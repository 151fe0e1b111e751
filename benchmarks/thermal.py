"""Thermal-chain benchmark: cost of a realization and of sampling it, printed as a table.

    python benchmarks/thermal.py            (~5 s)
    python benchmarks/thermal.py --quick    (fewer times, ~2 s)

The ring is the tau = 800 one of the brief (N = 25 000 >= ring_size(800, 10, 400)); a window
of 400 sites is sampled at 10 000 uniformly spaced times (phase table + one inverse real FFT
of length N per time), a few sites by the direct mode sum, and a non-uniform grid (one
complex exponential per mode and time). Ratios are to one bare ``scipy.fft.irfft`` of
length N, timed in the same run. Numba compilation is excluded (a warm-up call).
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
from scipy.fft import irfft

from _timing import best_of  # benchmarks/_timing.py (the script's directory is on sys.path)
from chaindrag import __version__
from chaindrag.thermal import ThermalChain, correlation, node_count, ring_size

N_RING = 25_000
TAU_MAX = 800.0



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 000 times instead of 10 000")
    args = ap.parse_args()
    n_times = 2_000 if args.quick else 10_000
    tau = np.arange(n_times) * (TAU_MAX / n_times)
    rows = []

    chain = ThermalChain(5.0, seed=0, n_modes=N_RING)
    chain.field(0, 400, tau[:3])  # compile the numba kernels (or load their cache)
    chain.field(0, 400, tau[:3], kind="velocity")
    chain.displacement([0, 1, 2, 3], tau[:3])

    spectrum = np.ones(N_RING // 2 + 1, dtype=complex)
    t_fft = best_of(lambda: irfft(spectrum, n=N_RING), 20)
    rows.append((f"one irfft of length N = {N_RING} (reference)", t_fft, ""))

    t_build = best_of(lambda: ThermalChain(5.0, seed=1, n_modes=N_RING))
    rows.append((f"build a realization, N = {N_RING} (draws + amplitudes)", t_build,
                 f"{t_build / t_fft:.1f} irfft"))
    rows.append((f"  ring_size(800, 10, 400) = {ring_size(TAU_MAX, 10.0, 400)}", 0.0, ""))

    t_win = best_of(lambda: chain.field(0, 400, tau), 1)
    per = t_win / n_times
    rows.append((f"field: 400 sites x {n_times} uniform times, tau < 800", t_win, ""))
    rows.append(("  -> per time", per, f"{per / t_fft:.2f} irfft"))

    t_vel = best_of(lambda: chain.field(0, 400, tau, kind="velocity"), 1)
    rows.append((f"velocity field: 400 sites x {n_times} times", t_vel,
                 f"{t_vel / t_win:.2f} x displacement"))

    t_few = best_of(lambda: chain.displacement([100, 101, 102, 103], tau), 1)
    rows.append((f"direct mode sum: 4 sites x {n_times} times", t_few,
                 f"{t_few / t_win:.2f} x 400-site window"))

    jitter = tau[:1000] + 1e-7 * np.random.default_rng(0).random(1000)
    t_irr = best_of(lambda: chain.field(0, 400, jitter), 1)
    rows.append(("non-uniform grid: 400 sites x 1000 times", t_irr,
                 f"{t_irr / 1000 / per:.2f} x uniform per time"))

    taus = np.linspace(0.0, TAU_MAX, 200)
    t_cf = best_of(lambda: correlation(0, taus, 5.0), 1)
    rows.append((f"closed form C_0(tau), 200 lags up to 800 ({node_count(TAU_MAX, 0)} nodes)",
                 t_cf, ""))

    width = max(len(r[0]) for r in rows)
    print(f"chaindrag {__version__} on {platform.machine()} / {platform.python_version()}, "
          f"{'quick' if args.quick else 'full'} sizes")
    print(f"{'measurement'.ljust(width)}  {'wall time':>12}  ratio")
    print("-" * (width + 34))
    for name, t, ratio in rows:
        shown = ("" if t == 0 else f"{t:10.3f} s" if t >= 1e-3 else f"{t * 1e6:9.2f} us")
        print(f"{name.ljust(width)}  {shown:>12}  {ratio}")


if __name__ == "__main__":
    main()
