"""chaindrag: drag on a mobile particle in a one-dimensional crystal.

Reproduces Mahalingam, Yap, Olsen and Rodin, "Minimal model of drag in
one-dimensional crystals", Phys. Rev. Research 5, 013053 (2023).

Every submodule is reachable as an attribute after ``import chaindrag`` and is imported
on first use (PEP 562), so ``import chaindrag.analytic`` loads neither numba kernels nor
the solvers.
"""

from __future__ import annotations

import importlib

from ._version import __version__

#: Submodules, imported lazily on first attribute access.
SUBMODULES = (
    "analytic", "boundary", "config", "interactions", "jobs", "kernel", "params", "plotting",
    "solvers", "stores", "tables", "thermal", "trajectory", "validation",
)
#: Names re-exported at the top level, with the submodule that holds them.
_EXPORTS = {"simulate": "solvers", "drive": "solvers", "Trajectory": "trajectory"}

__all__ = ["__version__", *SUBMODULES, *_EXPORTS]


def __getattr__(name: str):
    if name in SUBMODULES:
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r} "
                                 "(that submodule is not installed)") from None
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
