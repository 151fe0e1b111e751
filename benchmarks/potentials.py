"""Eqs. (25) and (33) for 1 000 speeds, every built-in pair potential (issue 14: < 10 s each).

    python benchmarks/potentials.py           (~3 min)
    python benchmarks/potentials.py --quick   (one repeat, ~50 s)

Speeds: 1 000 evenly spaced in [1, 150] (the range of Fig. 8c), alpha = 40, omega_fast = 10.
Eq. (25) is the mode sum with N -> infinity (chaindrag.analytic.single_pass_loss_modesum,
the band average of Phi_k, for the Gaussian too); Eq. (33) sums every resonant mode with its
Phi_k (the Gaussian takes its closed-form path, which skips the modes weighted below e^-60).
The last line is the Gaussian's closed forms (Eq. 26, Eq. 33) for comparison. The ratio
column is the time over the 10 s budget. Numba compilation is excluded (warm-up call).

A second table times Eq. (33) broadened over the cell's speeds (Sec. VI, Fig. 9;
chaindrag.analytic.broadened_steady_state_loss) at single low speeds for each potential's
mirror -Phi (the Gaussian, Lorentzian and Yukawa made attractive: the particle passes the
cell at any speed; Morse's and Lennard-Jones' mirrors keep a barrier, "no pass" below its
capture speed), with the ratio to the plain Eq. (33) at the same speed: at low v the cell's speeds cross hundreds of tangency
speeds, each a quadrature piece of its own.

A third table times the broadened drift-speed scan of Fig. 8(c) (drift_velocities with
broadened=True, bias 0.01, up to v = 150, the Gaussian (+-2, 4)) with its first pass
stopped at 1e-7 bias against the same scan at full accuracy throughout (the tables must be
equal; one run each).

A fourth table times the channels' closed-form Phi_k (Morse: two e^z K_1, Yukawa: one e^z
K_0) with the package's compiled Bessel functions (chaindrag.interactions._bessel) against
scipy.special's k1e/k0e swapped in: Phi_k at 10^6 wavenumbers in [0, 10], and the Morse
mirror's broadened drift-speed scan (bias 0.01, up to v = 150; one run each), with the
largest difference of the results over their largest magnitude.

A fifth table times Eq. (33) for the other potentials with the modes their Fourier envelope
bounds below e^-60 skipped (chaindrag.analytic._modes.mode_cutoff, as shipped) against
every resonant mode summed (the envelope switched off): 3 000 speeds in [0.05, 150]
(geometric), the broadened loss of the mirror at v = 1 and, without --quick, the Lorentzian
mirror's broadened drift-speed scan (bias 0.01, up to v = 150; ~60 s), with the largest
relative difference of the results.
"""

from __future__ import annotations

import argparse
import contextlib
import platform

import numpy as np

from _timing import best_of  # benchmarks/_timing.py (the script's directory is on sys.path)
from chaindrag import analytic
from chaindrag.analytic import drift
from chaindrag._version import __version__
from chaindrag.interactions import (Gaussian, Interaction, LennardJones, Lorentzian, Morse,
                                    Yukawa, negated)

ALPHA, BUDGET = 40.0, 10.0
POTENTIALS = {
    "gaussian (2, 4)": Gaussian(2.0, 4.0),
    "lorentzian (2, 4)": Lorentzian(2.0, 4.0),
    "morse (1, 0.5, 6, 4)": Morse(1.0, 0.5, 6.0, 4.0),
    "lennard_jones (1, 4.2, 4)": LennardJones(1.0, 4.2, 4.0),
    "yukawa (2, 4, 4)": Yukawa(2.0, 4.0, 4.0),
}

BROADENED_SPEEDS = (1.0, 5.0, 30.0)


def broadened_rows(repeat: int) -> None:
    """Broadened and plain Eq. (33) at each of BROADENED_SPEEDS, every potential's -Phi."""
    print(f"\n{'-Phi, broadened Eq. (33)':28s} " + " ".join(
        f"{f'v = {v:g}: s':>11s} {'/plain':>7s}" for v in BROADENED_SPEEDS))
    for name, inter in POTENTIALS.items():
        mirror, cells = negated(inter), []
        for v in BROADENED_SPEEDS:
            tb = best_of(lambda: analytic.broadened_steady_state_loss(
                v, alpha=ALPHA, omega_fast=10.0, interaction=mirror), repeat)
            tp = best_of(lambda: analytic.steady_state_loss(
                v, alpha=ALPHA, omega_fast=10.0, interaction=mirror), repeat)
            passes = np.isfinite(analytic.broadened_steady_state_loss(
                v, alpha=ALPHA, omega_fast=10.0, interaction=mirror))
            cells.append(f"{tb:11.3f} {tb / tp:7.0f}" if passes else f"{'no pass':>19s}")
        print(f"{name:28s} " + " ".join(cells))


def drift_scan_rows() -> None:
    """The broadened drift-speed scan, first pass rough (as shipped) and at full accuracy."""
    print(f"\n{'broadened drift speeds':28s} {'full s':>11s} {'rough s':>11s} {'ratio':>7s}")
    shipped = drift._SCAN_ATOL
    for phi0 in (2.0, -2.0):
        times, tables = [], []
        for atol in (0.0, shipped):
            drift._SCAN_ATOL = atol
            times.append(best_of(lambda: tables.append(analytic.drift_velocities(
                0.01, phi0, 4.0, ALPHA, broadened=True, v_max=150.0)), 1))
        drift._SCAN_ATOL = shipped
        same = "same table" if tables[0].equals(tables[1]) else "TABLES DIFFER"
        print(f"{f'gaussian ({phi0:g}, 4)':28s} {times[0]:11.3f} {times[1]:11.3f} "
              f"{times[0] / times[1]:7.2f}  {same}")


def bessel_rows(repeat: int) -> None:
    """Phi_k and a broadened scan with the compiled e^z K_nu against scipy's."""
    import scipy.special

    from chaindrag.interactions import _bessel

    print(f"\n{'channel Phi_k, Bessel K':28s} {'scipy s':>11s} {'compiled s':>11s} "
          f"{'ratio':>7s} {'diff / max':>11s}")
    k = np.linspace(0.0, 10.0, 1_000_000)
    mirror = negated(POTENTIALS["morse (1, 0.5, 6, 4)"])
    cases = [(name, lambda inter=POTENTIALS[name]: inter.fourier(k), repeat)
             for name in ("morse (1, 0.5, 6, 4)", "yukawa (2, 4, 4)")]
    cases.append(("-morse, broadened scan", lambda: analytic.drift_velocities(
        0.01, alpha=ALPHA, interaction=mirror, broadened=True, v_max=150.0)["v"].to_numpy(), 1))
    compiled = (_bessel.k0e, _bessel.k1e)
    for name, fn, rep in cases:
        times, results = [], []
        try:
            for pair in ((scipy.special.k0e, scipy.special.k1e), compiled):
                _bessel.k0e, _bessel.k1e = pair
                times.append(best_of(lambda: results.append(np.asarray(fn(), float)), rep))
        finally:  # the compiled ones back even if a case fails
            _bessel.k0e, _bessel.k1e = compiled
        diff = float(np.max(np.abs(results[-1] - results[0])) / np.max(np.abs(results[0])))
        print(f"{name:28s} {times[0]:11.3f} {times[1]:11.3f} {times[0] / times[1]:7.2f} "
              f"{diff:11.1e}")


@contextlib.contextmanager
def every_mode():
    """Eq. (33) sums every resonant mode: the built-in potentials' envelopes switched off."""
    kinds = (Lorentzian, Morse, LennardJones, Yukawa)
    saved = [kind.__dict__["_fourier_envelope"] for kind in kinds]
    try:
        for kind in kinds:
            kind._fourier_envelope = Interaction._fourier_envelope
        yield
    finally:  # the envelopes back even if a case fails
        for kind, envelope in zip(kinds, saved):
            kind._fourier_envelope = envelope


def cutoff_rows(repeat: int, quick: bool) -> None:
    """Eq. (33) with the weak modes skipped against every mode summed."""
    print(f"\n{'Eq. (33), weak modes':28s} {'every s':>11s} {'skipped s':>11s} {'ratio':>7s} "
          f"{'max rel diff':>13s}")
    v = np.geomspace(0.05, 150.0, 3000)
    cases = [(f"{name.split()[0]}, 3000 speeds", lambda inter=inter: analytic.steady_state_loss(
        v, alpha=ALPHA, omega_fast=10.0, interaction=inter), repeat)
        for name, inter in POTENTIALS.items() if name != "gaussian (2, 4)"]
    cases += [(f"-{name.split()[0]}, broadened v = 1", lambda inter=POTENTIALS[name]:
               analytic.broadened_steady_state_loss(1.0, alpha=ALPHA, interaction=negated(inter)),
               repeat) for name in ("lorentzian (2, 4)", "yukawa (2, 4, 4)")]
    if not quick:
        cases.append(("-lorentzian, broadened scan", lambda: analytic.drift_velocities(
            0.01, alpha=ALPHA, interaction=negated(POTENTIALS["lorentzian (2, 4)"]),
            broadened=True, v_max=150.0)["v"].to_numpy(), 1))
    for name, fn, rep in cases:
        results = []
        with every_mode():
            t_every = best_of(lambda: results.append(np.atleast_1d(fn())), rep)
        t_skip = best_of(lambda: results.append(np.atleast_1d(fn())), rep)
        a, b = results[0], results[-1]
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.nanmax(np.where(a != b, np.abs(b - a) / np.abs(a), 0.0)) if a.size else 0.0
        print(f"{name:28s} {t_every:11.3f} {t_skip:11.3f} {t_every / t_skip:7.2f} {rel:13.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat")
    quick = parser.parse_args().quick
    repeat = 1 if quick else 3
    v = np.linspace(1.0, 150.0, 1000)
    analytic.steady_state_loss(v[:3], alpha=ALPHA, interaction=Morse.channel())  # compile
    analytic.steady_state_loss(v[:3], 2.0, 4.0, ALPHA)
    print(f"chaindrag {__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}; 1000 speeds in [1, 150], best of {repeat}")
    print(f"{'potential':28s} {'Eq. (25) s':>11s} {'ratio':>7s} {'Eq. (33) s':>11s} "
          f"{'ratio':>7s}")
    for name, inter in POTENTIALS.items():
        t25 = best_of(lambda: analytic.single_pass_loss_modesum(v, inter), repeat)
        t33 = best_of(lambda: analytic.steady_state_loss(v, alpha=ALPHA, omega_fast=10.0,
                                                         interaction=inter), repeat)
        print(f"{name:28s} {t25:11.3f} {t25 / BUDGET:7.4f} {t33:11.3f} {t33 / BUDGET:7.4f}")
    t26 = best_of(lambda: analytic.single_pass_loss(v, 2.0, 4.0), repeat)
    t33g = best_of(lambda: analytic.steady_state_loss(v, 2.0, 4.0, ALPHA), repeat)
    print(f"{'gaussian: Eq. (26), (33)':28s} {t26:11.3f} {t26 / BUDGET:7.4f} {t33g:11.3f} "
          f"{t33g / BUDGET:7.4f}")
    broadened_rows(repeat)
    drift_scan_rows()
    bessel_rows(repeat)
    cutoff_rows(repeat, quick)


if __name__ == "__main__":
    main()
