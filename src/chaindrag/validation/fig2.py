"""Fig. 2: the leading edge of the memory kernel Gamma_n(tau) (Eq. 15) moves with the sound cone."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import analytic
from .kinematics import airy_width
from .rows import Claim, _g, _require
from .tolerances import FIG2_EDGE_FRACTION, FIG2_EDGE_WIDTHS

FIG = "fig2"
CLAIM = "leading edge of Gamma_n(tau) at n = tau pi (omega_fast - 1)"


def check_fig2(kernel: pd.DataFrame | None, omega_fast: float | None = None) -> list[dict]:
    """Fig. 2: the leading edge of Gamma_n(tau) lies at n = tau pi (omega_fast - 1), per tau.

    Measured: the outermost n with |Gamma_n(tau)| >= 1% of max_n |Gamma_n(tau)|. For an Airy
    edge of width w (:func:`airy_width`) that point lies 2.4-3.1 w ahead of the front, so the
    claim passes when 0 <= n_edge - n_front <= 4 w. n/a when the table stops before
    n_front + 4 w.

    Parameters
    ----------
    kernel : pandas.DataFrame or None
        The fig2_kernel table (tau, n, gamma; optionally omega_fast, front_site).
    omega_fast : float, optional
        Used when the table has no omega_fast column (default 10).

    Returns
    -------
    list of dict
        One row per tau.

    Raises
    ------
    NotApplicable
        The table is missing, empty or lacks a column.
    """
    df = _require(kernel, "fig2_kernel", ["tau", "n", "gamma"])
    wf = float(df["omega_fast"].iloc[0]) if "omega_fast" in df.columns else \
        float(omega_fast if omega_fast is not None else 10.0)
    return [_edge_row(float(tau), grp.sort_values("n"), wf)
            for tau, grp in df.groupby("tau", sort=True)]


def _edge_row(tau: float, grp: pd.DataFrame, wf: float) -> dict:
    """The leading-edge row of one tau (``grp`` sorted by n)."""
    claim = Claim(FIG, f"{CLAIM} (tau = {_g(tau)})")
    n = grp["n"].to_numpy(float)
    a = np.abs(pd.to_numeric(grp["gamma"], errors="coerce").to_numpy(float))
    n_front = tau * analytic.max_group_velocity(wf)
    w = float(airy_width(tau, wf))
    tol = FIG2_EDGE_WIDTHS * w
    if not np.all(np.isfinite(a)):
        return claim.row(n_front, math.nan, f"0..{_g(tol)} sites", False,
                         "Gamma has non-finite values")
    if n.max() < n_front + tol:
        return claim.na(f"table ends at n = {_g(n.max())}, before the front region "
                        f"n_front + 4w = {_g(n_front + tol)}", n_front)
    peak = a.max()
    if peak == 0.0:
        return claim.row(n_front, math.nan, f"0..{_g(tol)} sites", False,
                         "Gamma_n(tau) is zero for every n")
    edge = float(n[a >= FIG2_EDGE_FRACTION * peak].max())
    offset = edge - n_front
    ok = 0.0 <= offset <= tol
    note = (f"n_edge = outermost n with |Gamma| >= 1% of its max; offset {_g(offset)} "
            f"sites, Airy width w = {_g(w)} (omega_fast = {_g(wf)})")
    if "front_site" in grp.columns:
        fs = float(grp["front_site"].iloc[0])
        if not math.isclose(fs, n_front, rel_tol=1e-9, abs_tol=1e-9):
            ok = False
            note += f"; the table's front_site {_g(fs)} (the plotted line) is wrong"
    return claim.row(n_front, edge, f"0 <= n_edge - n_front <= 4w = {_g(tol)}", ok, note)
