"""Fig. 9: the broadened steady-state loss is finite at every speed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .rows import _by_phi0, _g, _require, row


def check_fig9(table: pd.DataFrame | None) -> list[dict]:
    """Fig. 9: the broadened Delta_bar is finite everywhere (the spikes of Eq. 33 smoothed).

    Parameters
    ----------
    table : pandas.DataFrame or None
        The fig9_broadened table (phi0, v, delta_bar_broadened; optionally delta_bar, plain
        Eq. 33, reported beside it).

    Returns
    -------
    list of dict
        One row per phi0, repulsive first.

    Raises
    ------
    NotApplicable
        The table is missing, empty or lacks a column.
    """
    fig = "fig9"
    df = _require(table, "fig9_broadened", ["phi0", "v", "delta_bar_broadened"])
    rows = []
    for phi0, g in _by_phi0(df):
        b = pd.to_numeric(g["delta_bar_broadened"], errors="coerce").to_numpy(float)
        fin = np.isfinite(b)
        plain = (pd.to_numeric(g["delta_bar"], errors="coerce").to_numpy(float)
                 if "delta_bar" in g.columns else np.full(b.size, np.nan))
        pmax = float(np.nanmax(plain)) if np.any(~np.isnan(plain)) else math.nan
        rows.append(row(fig, f"broadened Delta_bar finite at every speed (Phi0 = {_g(phi0)})",
                        "finite", float(np.max(b[fin])) if fin.any() else math.nan,
                        "all finite", bool(fin.all()),
                        f"max broadened {_g(np.max(b[fin]) if fin.any() else math.nan)} vs "
                        f"max plain Eq. 33 {_g(pmax)} over {b.size} speeds"
                        + (f"; {int((~fin).sum())} non-finite" if not fin.all() else "")))
    return rows
