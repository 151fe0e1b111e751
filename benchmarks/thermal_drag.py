"""Thermal-drag theory benchmark: each order of the phonon series, printed as a table.

    python benchmarks/thermal_drag.py            (~40 s)
    python benchmarks/thermal_drag.py --quick    (fewer speeds, ~15 s)

For the Gaussian (phi0 = 2, lam = 4) and the Lennard-Jones channel at alpha = 40, classical
Omega_T = 5: the Debye-Waller part (Eq. 33 with the Debye-Waller factor), the two- and
three-phonon sums (triangles on 2048^2, tetrahedra on 64^3), the convolved series beyond
(to 1e-6 of the loss) and the whole, at one speed and at a curve of speeds. Ratios are to
the Debye-Waller part at the same speeds, timed in the same run. Numba compilation is
excluded (a warm-up call).
"""

from __future__ import annotations

import argparse
import platform

import numpy as np

from _timing import best_of  # benchmarks/_timing.py (the script's directory is on sys.path)
from chaindrag import __version__, analytic
from chaindrag.interactions import Gaussian, LennardJones


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="11 speeds instead of 61")
    args = ap.parse_args()
    curve = np.linspace(10.0, 70.0, 11 if args.quick else 61)
    rows = []
    for name, inter in (("Gaussian", Gaussian(2.0, 4.0)),
                        ("Lennard-Jones channel", LennardJones.channel())):
        kw = dict(alpha=40.0, omega_T=5.0, statistics="classical", interaction=inter)
        parts = (("Debye-Waller (Eq. 33)", analytic.debye_waller_loss),
                 ("two phonons", analytic.two_phonon_loss),
                 ("three phonons", analytic.three_phonon_loss),
                 ("four and more (to 1e-6)", analytic.higher_phonon_loss),
                 ("every order", analytic.thermal_steady_state_loss))
        for part in parts:
            part[1](30.0, **kw)  # compile the numba kernels (or load their cache)
        for speeds, label in ((np.array([30.0]), "v = 30"),
                              (curve, f"{curve.size} speeds 10-70")):
            base = None
            for what, fn in parts:
                t = best_of(lambda fn=fn: fn(speeds, **kw), 1)
                base = t if base is None else base
                rows.append((f"{name}, {label}: {what}", t, f"{t / base:.1f} x Debye-Waller"))
    width = max(len(r[0]) for r in rows)
    print(f"chaindrag {__version__} on {platform.machine()} / {platform.python_version()}, "
          f"{'quick' if args.quick else 'full'} sizes; alpha = 40, classical Omega_T = 5")
    print(f"{'measurement'.ljust(width)}  {'wall time':>10}  ratio")
    print("-" * (width + 32))
    for name, t, ratio in rows:
        print(f"{name.ljust(width)}  {t:8.3f} s  {ratio}")


if __name__ == "__main__":
    main()
