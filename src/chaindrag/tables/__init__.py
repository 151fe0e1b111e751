"""Reductions: collect batch tables, trajectory and kernel stores into tidy tables.

Every public function here is what one rule of ``workflow/rules/tables.smk`` calls (through
``workflow/scripts/table.py``): it reads what the jobs (:mod:`chaindrag.jobs`) wrote, measures
with :mod:`chaindrag.trajectory`, adds the analytic values from :mod:`chaindrag.analytic` and
writes one tidy table (one row per run, pass or record; one column per parameter named as in
``config.yaml``; numeric and analytic values side by side) with
:func:`chaindrag.stores.write_table`. Nothing here simulates: the solvers are never imported.

Rows are sorted on parameter columns, so a table is byte-identical whatever the order of its
inputs. Table schemas are listed in ``results/README.md``; every table carries
``omega_fast``, ``d`` (where a simulation made it), ``solver`` and ``chaindrag_version``.

- ``single_pass``: Figs. 4(c), 5, 6 and ``single_pass.csv``;
- ``trajectories``: Figs. 4(a, b) and 7 from trajectory stores;
- ``drift``: Figs. 8 and 9;
- ``health``: drive-mode Delta_bar and ``numerical_health.csv``;
- ``memory_kernel``: Fig. 2 from a kernel store;
- ``thermal``, ``thermal_drag``: the thermal study (drive mode against Eq. 33 at T).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .drift import fig8_continued_tables, fig8_tables, fig8c_tables, fig9_table
    from .health import numerical_health_table, steady_state_drive_table
    from .memory_kernel import fig2_table
    from .potentials import potentials_table  # issue 14, potentials study
    from .single_pass import concat_tables, fig4c_table, fig5_table, fig6_table
    from .thermal import thermal_drift_tables, thermal_equilibration_tables, \
        thermal_single_pass_table  # issue 13
    from .thermal_drag import thermal_drag_table
    from .trajectories import fig4_pass_table, fig7_table

__all__ = ["concat_tables", "fig2_table", "fig4_pass_table", "fig4c_table", "fig5_table",
           "fig6_table", "fig7_table", "fig8_continued_tables", "fig8_tables", "fig8c_tables",
           "fig9_table",
           "numerical_health_table", "steady_state_drive_table", "potentials_table",
           "thermal_drift_tables", "thermal_equilibration_tables", "thermal_single_pass_table",
           "thermal_drag_table"]

__getattr__, __dir__ = attach(__name__, {
    "drift": ["fig8_continued_tables", "fig8_tables", "fig8c_tables", "fig9_table"],
    "health": ["numerical_health_table", "steady_state_drive_table"],
    "memory_kernel": ["fig2_table"],
    "potentials": ["potentials_table"],
    "single_pass": ["concat_tables", "fig4c_table", "fig5_table", "fig6_table"],
    "thermal": ["thermal_drift_tables", "thermal_equilibration_tables",
                "thermal_single_pass_table"],
    "thermal_drag": ["thermal_drag_table"],
    "trajectories": ["fig4_pass_table", "fig7_table"],
})
