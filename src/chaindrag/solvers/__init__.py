"""Time stepping of mobile particles on the infinite chain: three solvers of the same equations.

``solver="kernel"`` is the paper's Appendix algorithm: Eq. (A2) for the particles and Eq.
(A1) for a tracked segment of chain masses, each force propagated into the future through
a precomputed kernel store Gamma_n(l delta) (Eq. 15). Its cost grows as N_steps^2 N_ch
(:mod:`chaindrag.solvers.kernel_driver`).

``solver="chain"`` integrates an explicit chain segment instead, advanced between the force
kicks by the exact free propagator of one step; it grows with the sound cone, so the finite
segment *is* the infinite chain, and agrees with the kernel solver to rounding. Its cost is
N_steps x (sites inside the cone) (:mod:`chaindrag.solvers.chain`).

``solver="transparent"`` steps the same update on a segment that covers the particles' path,
with exact discrete transparent ends (:mod:`chaindrag.boundary`) standing in for the rest of
the infinite chain: the chain solver's numbers to rounding, at a cost N_steps x (path extent
+ a few hundred) (:mod:`chaindrag.solvers.transparent`).

:func:`simulate` (:mod:`chaindrag.solvers.simulation`) validates the input, allocates,
hands a :class:`~chaindrag.solvers.job.SolverJob` to the solver's backend and assembles the
:class:`~chaindrag.trajectory.Trajectory`; :func:`drive` (:mod:`chaindrag.solvers.driven`)
drags a particle at constant speed (on the chain or the transparent solver). Input checks
are in :mod:`chaindrag.solvers.checks`; the numba loops in ``_chain``, ``_kernel``,
``_transparent`` and ``_common``.

At finite temperature (``simulate(omega_T=...)``) all three solvers start from the same
realization of the chain's free thermal motion (:mod:`chaindrag.thermal`) and add the
particles' response to it (:mod:`chaindrag.solvers.thermal_state`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .checks import MARGINAL_D, MARGINAL_STEP_FRACTION
    from .driven import DriveResult, drive
    from .simulation import simulate

__all__ = ["simulate", "drive", "DriveResult", "MARGINAL_STEP_FRACTION", "MARGINAL_D"]

__getattr__, __dir__ = attach(__name__, {
    "checks": ["MARGINAL_D", "MARGINAL_STEP_FRACTION"],
    "driven": ["DriveResult", "drive"],
    "simulation": ["simulate"],
})
