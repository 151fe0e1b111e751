"""The chain a thermal job runs in: the paper's chain at rest, or one thermal realization.

``statistics="rest"`` (with ``omega_T = 0``) is the chain at rest of the paper; ``"quantum"``
and ``"classical"`` are the free thermal motion of :mod:`chaindrag.thermal` (the homogeneous
part of Eq. (12)) added by the solvers (quantum ``omega_T = 0`` is the zero-point motion,
not the rest chain).
"""

from __future__ import annotations

from ...params import ParameterError

#: The chain at rest of the paper, in the ``statistics`` column of the thermal tables.
REST = "rest"


def bath(omega_T: float, statistics: str, seed: int) -> dict:
    """The thermal keyword arguments of :func:`~chaindrag.solvers.simulate` (none at rest)."""
    if statistics == REST:
        if omega_T != 0:
            raise ParameterError(f"statistics='rest' is the chain at rest: omega_T must be 0, "
                                 f"got {omega_T!r}")
        return {}
    return dict(omega_T=float(omega_T), statistics=statistics, seed=int(seed))
