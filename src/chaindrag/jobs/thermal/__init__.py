"""Thermal-chain jobs (issue 13): single passes, equilibration, biased drift, sampler and solvers.

Every job here runs one realization (one ``seed``) or a batch of them and writes one table
atomically. ``statistics="rest"`` (with ``omega_T = 0``) is the chain at rest of the paper;
``"quantum"`` and ``"classical"`` are the free thermal motion of :mod:`chaindrag.thermal`
added by the solvers (quantum ``omega_T = 0`` is the zero-point motion, not the rest chain).

Several particles share one realization. In the single-pass job they are spaced by
:func:`pass_spacing` sites, beyond which neither one particle's wake nor the thermal
correlations (to e^-36) connect two particles during the run: each is an independent pass,
and one solver call (one ring, one segment) serves them all.

The potential of a job is the Gaussian shorthand ``phi0, lam`` or an ``interaction`` spec of
config.yaml (:func:`chaindrag.interactions.interaction_from_config`); with a spec the rows'
phi0 and lam are Phi(0) and the force width, and its JSON is in the ``interaction`` column
(:func:`chaindrag.jobs.drift.potential_arguments`).

One module per study:

- ``bath``: :data:`REST` and :func:`bath`, the chain a job runs in;
- ``single_pass``: :func:`thermal_single_passes`, :func:`pass_spacing` (Sec. V at T > 0);
- ``equilibration``: :func:`thermal_equilibration`, :func:`cell_minimum` (equipartition);
- ``drift``: :func:`thermal_drift` (Fig. 8's biased runs at T > 0);
- ``checks``: :func:`run_thermal_sampler_check`, :func:`run_thermal_solver_check`;
- ``drag``: :func:`thermal_drag_sample`, drive mode on thermal chains (Eq. 33 at T > 0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import attach
from .bath import REST, bath  # not lazy: a name that is also its module's (and bath is cheap)

if TYPE_CHECKING:
    from .checks import run_thermal_sampler_check, run_thermal_solver_check
    from .drag import run_thermal_drag_batch, thermal_drag_sample
    from .drift import run_thermal_drift_batch, thermal_drift
    from .equilibration import cell_minimum, run_thermal_equilibration_batch, thermal_equilibration
    from .single_pass import pass_spacing, run_thermal_single_pass_batch, thermal_single_passes

__all__ = [
    "REST", "bath", "cell_minimum", "pass_spacing", "run_thermal_drag_batch",
    "run_thermal_drift_batch",
    "run_thermal_equilibration_batch", "run_thermal_sampler_check",
    "run_thermal_single_pass_batch", "run_thermal_solver_check", "thermal_drift",
    "thermal_drag_sample", "thermal_equilibration", "thermal_single_passes",
]

__getattr__, __dir__ = attach(__name__, {
    "checks": ["run_thermal_sampler_check", "run_thermal_solver_check"],
    "drag": ["run_thermal_drag_batch", "thermal_drag_sample"],
    "drift": ["run_thermal_drift_batch", "thermal_drift"],
    "equilibration": ["cell_minimum", "run_thermal_equilibration_batch", "thermal_equilibration"],
    "single_pass": ["pass_spacing", "run_thermal_single_pass_batch", "thermal_single_passes"],
})
