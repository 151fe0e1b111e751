"""chaindrag: drag on a mobile particle in a one-dimensional crystal.

Reproduces Mahalingam, Yap, Olsen and Rodin, "Minimal model of drag in
one-dimensional crystals", Phys. Rev. Research 5, 013053 (2023).
"""

__version__ = "0.1.0"

__all__ = ["__version__", "simulate", "drive", "Trajectory"]


def __getattr__(name: str):
    # lazy: importing chaindrag (e.g. for analytic formulas) does not load numba
    if name in ("simulate", "drive"):
        from . import solvers
        return getattr(solvers, name)
    if name == "Trajectory":
        from .trajectory import Trajectory
        return Trajectory
    raise AttributeError(f"module 'chaindrag' has no attribute {name!r}")
