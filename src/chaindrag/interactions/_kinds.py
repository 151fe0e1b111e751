"""The potentials' kind codes and force floor, shared by the classes and the numba kernels.

Kept apart from :mod:`._kernels` so that the potential classes import without numba.
"""

from __future__ import annotations

FORCE_FLOOR = 1e-20  # forces below this are skipped, as in the paper's Appendix

GAUSSIAN = 0
LORENTZIAN = 1
MORSE = 2
LENNARD_JONES = 3
YUKAWA = 4
TABULATED = 5

KIND_NAMES = {GAUSSIAN: "gaussian", LORENTZIAN: "lorentzian", MORSE: "morse",
              LENNARD_JONES: "lennard_jones", YUKAWA: "yukawa", TABULATED: "tabulated"}
