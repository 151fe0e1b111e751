"""The paper's claims about its figures, turned into measured checks (validation.csv).

Every check is a function of the workflow's tables (and, for Fig. 3, of the trajectory
stores) that returns rows with the columns

    figure, claim, expected, measured, tolerance, passed, note

``passed`` is True, False, or ``"n/a"`` when the claim cannot be evaluated on the data at
hand (a table missing or empty, too few points, a run shorter than the paper's); the note
then says why. The tables add ``preset``, ``config_sha256`` (the workflow's preset and
:func:`chaindrag.config.config_digest` of the configuration it ran with; empty when
:func:`validate` is called without them) and ``chaindrag_version``: :data:`COLUMNS`.
:func:`run_all` runs every check, writes ``validation.csv`` and logs a
WARNING that lists every failed claim (a failed claim does not raise: the other outputs
stand). Tolerances and why they are what they are: ``workflow/report/table_validation.rst``,
:mod:`chaindrag.validation.tolerances` and the docstrings of the checks.

Claims that need the long runs of the paper (Fig. 3 trapping by tau = 125, the Fig. 8 fates
by tau = 800, the steady state of the drive mode) are judged *not applicable* when the run
is shorter than the paper's and the claim is not (yet) met; when it is met, they pass.

One module per figure's claims: ``fig2``, ``fig3``, ``fig4`` (Fig. 4 a-c), ``single_pass``
(Figs. 5, 6 and the capture claim), ``fig7``, ``fig8`` (Fig. 8 a, b: the runs read in
``fig8_runs``, claims in ``fig8_fates``, ``fig8_plateaus`` and ``fig8_relaxation``),
``fig8c``, ``fig9``, ``health`` (numerical health); ``rows`` builds the rows, ``kinematics``
holds the reference speeds and widths, ``run`` runs every check and writes the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .fig2 import check_fig2
    from .fig3 import check_fig3
    from .fig4 import check_fig4_pass, check_fig4c, loss_free_profile_error
    from .fig7 import check_fig7
    from .fig8 import check_fig8
    from .fig8c import check_fig8c
    from .fig9 import check_fig9
    from .health import check_health
    from .kinematics import airy_width
    from .potentials import run_potentials  # issue 14: validation_potentials.csv
    from .rows import COLUMNS, NA, Claim, NotApplicable, na_row, row
    from .run import failed_claims, run_all, summary, validate
    from .single_pass import check_capture, check_single_pass
    from .thermal import run_thermal, validate_thermal  # issue 13: validation_thermal.csv

__all__ = [
    "COLUMNS", "NA", "Claim", "NotApplicable", "airy_width", "check_capture", "check_fig2",
    "check_fig3", "check_fig4_pass", "check_fig4c", "check_fig7", "check_fig8", "check_fig8c",
    "check_fig9", "check_health", "check_single_pass", "failed_claims", "loss_free_profile_error",
    "na_row", "row", "run_all", "summary", "validate", "run_potentials", "run_thermal",
    "validate_thermal",
]

__getattr__, __dir__ = attach(__name__, {
    "fig2": ["check_fig2"],
    "fig3": ["check_fig3"],
    "fig4": ["check_fig4_pass", "check_fig4c", "loss_free_profile_error"],
    "fig7": ["check_fig7"],
    "fig8": ["check_fig8"],
    "fig8_relaxation": ["_eq33_acceleration"],  # not public: used by the tests
    "fig8c": ["check_fig8c"],
    "fig9": ["check_fig9"],
    "health": ["check_health"],
    "kinematics": ["airy_width"],
    "potentials": ["run_potentials"],
    "rows": ["COLUMNS", "NA", "Claim", "NotApplicable", "na_row", "row"],
    "run": ["failed_claims", "run_all", "summary", "validate"],
    "single_pass": ["check_capture", "check_single_pass"],
    "thermal": ["run_thermal", "validate_thermal"],
})
