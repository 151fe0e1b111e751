"""Jobs: what one workflow job runs, and the file it writes atomically.

Every public function here is what one thin script under ``workflow/scripts/`` calls: it runs
the solvers (:mod:`chaindrag.solvers`) on one parameter set or one batch, measures with
:mod:`chaindrag.trajectory` and writes one batch table (:func:`chaindrag.stores.write_table`)
or trajectory store (:func:`chaindrag.stores.save_trajectory`), both written atomically.
The reductions of these outputs into tidy tables are in :mod:`chaindrag.tables`.

- ``progress``: :class:`ProgressLog`, the progress lines of long runs;
- ``single_pass``: single passes (Figs. 4c, 5, 6);
- ``runs``: full trajectories (Figs. 3, 4a/b, 7) and biased drift runs (Fig. 8);
- ``health``: energy conservation, solver agreement, drive mode vs Eq. (33);
- ``thermal``: the thermal study's runs, one module per study (single passes, equilibration,
  drift, the sampler and solver checks, drive mode on thermal chains).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .health import run_drive_check, run_energy_check, run_solver_check
    from .progress import ProgressLog
    from .runs import run_drift, run_trajectory
    from .single_pass import run_single_pass_batch, single_pass_run
    from .thermal import (run_thermal_drag_batch, run_thermal_drift_batch,
                          run_thermal_equilibration_batch, run_thermal_sampler_check,
                          run_thermal_single_pass_batch, run_thermal_solver_check)

__all__ = ["ProgressLog", "run_drift", "run_drive_check", "run_energy_check",
           "run_single_pass_batch", "run_solver_check", "run_thermal_drag_batch",
           "run_thermal_drift_batch", "run_thermal_equilibration_batch",
           "run_thermal_sampler_check", "run_thermal_single_pass_batch",
           "run_thermal_solver_check", "run_trajectory", "single_pass_run"]

__getattr__, __dir__ = attach(__name__, {
    "health": ["run_drive_check", "run_energy_check", "run_solver_check"],
    "progress": ["ProgressLog"],
    "runs": ["run_drift", "run_trajectory"],
    "single_pass": ["run_single_pass_batch", "single_pass_run"],
    "thermal": ["run_thermal_drag_batch", "run_thermal_drift_batch",
                "run_thermal_equilibration_batch", "run_thermal_sampler_check",
                "run_thermal_single_pass_batch", "run_thermal_solver_check"],
})
