"""chaindrag: drag on a mobile particle in a one-dimensional crystal.

Reproduces Mahalingam, Yap, Olsen and Rodin, "Minimal model of drag in
one-dimensional crystals", Phys. Rev. Research 5, 013053 (2023).

Every submodule is reachable as an attribute after ``import chaindrag`` and is imported
on first use (PEP 562), so ``import chaindrag.analytic`` loads neither numba kernels nor
the solvers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach
from ._version import __version__

if TYPE_CHECKING:
    from .solvers import drive, simulate
    from .trajectory import Trajectory

#: Submodules, imported lazily on first attribute access.
SUBMODULES = (
    "analytic", "boundary", "config", "interactions", "jobs", "kernel", "params", "plotting",
    "solvers", "stores", "tables", "thermal", "trajectory", "validation",
)

__all__ = ["__version__", *SUBMODULES, "simulate", "drive", "Trajectory"]

# the names re-exported at the top level, under the submodule that holds them
__getattr__, __dir__ = attach(__name__, {"solvers": ["simulate", "drive"],
                                         "trajectory": ["Trajectory"]}, submodules=SUBMODULES)
