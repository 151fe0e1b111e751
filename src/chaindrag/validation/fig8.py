"""Fig. 8(a, b): the fates of the biased runs, the drift plateaus and Eq. 33's drift speeds.

:func:`check_fig8` gives the rows in the order of its claims: the fates
(:mod:`~chaindrag.validation.fig8_fates`), the plateaus near alpha/n and the drift speeds of
Eq. (33) they realise (:mod:`~chaindrag.validation.fig8_plateaus`), and the runs not (yet) at
a plateau (:mod:`~chaindrag.validation.fig8_relaxation`), all judged on the runs as
:mod:`~chaindrag.validation.fig8_runs` reads them.
"""

from __future__ import annotations

import pandas as pd

from .fig8_fates import _capture_rows, _fate_rows
from .fig8_plateaus import _multiple_rows, _plateau_rows, _realised_rows
from .fig8_relaxation import _continued_rows, _relaxation_rows
from .fig8_runs import _fig8_runs


def check_fig8(fates: pd.DataFrame | None, drift: pd.DataFrame | None, mu: float = 1.0,
               midpoints: pd.DataFrame | None = None) -> list[dict]:
    """Fig. 8(a, b): fates of the biased runs, the drift plateaus, and Eq. 33's drift speeds.

    * Every run ends runaway, at a drift plateau or captured. Runs undetermined at tau_max
      were continued until decided (tau_decided) or capped; a capped run makes the claim
      n/a with its reason (e.g. sitting on an unstable solution of Delta_bar = bias), an
      undetermined run not continued to the cap fails it.
    * Repulsive runs started below the capture speed (with the bias's bias/2) are captured.
    * One row per plateau (runs whose cell-mean speeds agree to 2%): its cell-mean speed
      alpha/<tau per cell> (``cell_v``) lies within 1% of the nearest alpha/n (at most a
      quarter of the half-gap to the neighbouring line): the particle crosses one cell per
      n slow periods. The midpoint speeds Fig. 8 plots are extrema, off the mean by the
      cell's speed swing (wider than the gap between lines at low speed), so they cannot
      tell n. A plateau still drifting by more than 5% of the bias's free acceleration
      4 pi^2 bias/(mu alpha) is not settled: n/a if it misses the line.
    * Every stable band-bottom solution of Delta_bar(v) = bias of plain Eq. 33
      (drift_velocities.csv) inside the runs' initial speeds is realised by a plateau near
      the same alpha/n ("as predicted by our analytics"); the broadened solutions (Fig. 9,
      qualitative) are noted.
    * Runs away from the plateaus change speed at the rate Eq. 33 predicts, and the runs
      continued beyond tau_max move from there towards their fates in the direction of
      Eq. 33's mean force.
    * Multiple drift velocities: at least two distinct plateaus near alpha/n per sign.

    Long-time claims not met are n/a for runs shorter than the paper's tau = 800.

    Parameters
    ----------
    fates : pandas.DataFrame or None
        The fig8_fates table (phi0, alpha, v0, fate; optionally bias, tau_max, plateau_v,
        tail_v, tail_slope, lam, omega_fast, tau_end, tau_decided, capped, cap_reason).
    drift : pandas.DataFrame or None
        The drift_velocities table (v, stable; optionally broadened, resonance, phi0).
    mu : float, optional
        Particle mass of the runs.
    midpoints : pandas.DataFrame or None, optional
        The fig8_midpoints table (phi0, v0, tau, v; optionally direction): the runs up to
        tau_max.

    Returns
    -------
    list of dict
        The rows in the order of the claims above.

    Raises
    ------
    NotApplicable
        The fates table is missing, empty or lacks a column.
    """
    runs = _fig8_runs(fates, drift, mu, midpoints)
    rows = _fate_rows(runs) + _capture_rows(runs)
    plateau_rows, found = _plateau_rows(runs)
    rows += plateau_rows + _realised_rows(runs, found)
    rows += _relaxation_rows(runs.df, runs.mids, runs.alpha, runs.bias, runs.mu, runs.free,
                             runs.short, runs.short_note)
    rows += _continued_rows(runs.df, runs.mids, runs.alpha, runs.bias, runs.mu, runs.free,
                            runs.tau_max, runs.short, runs.short_note)
    return rows + _multiple_rows(runs, found)
