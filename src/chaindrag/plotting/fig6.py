"""Fig. 6: single-pass loss against v0 on a linear scale, both signs, capture speed.

Runs of another pair potential (an ``interaction`` column, issue 14) are drawn against
Eq. (25) instead of the Gaussian's Eq. (26).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import analytic
from ..analytic._pair import table_interaction
from .style import CAPTURE, WONG, new_figure, sign_colour, sign_label


def load(inputs: Mapping[str, Any]) -> dict:
    return {"table": pd.read_csv(inputs["table"])}


def plot(table: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    """Eq. (26) and the simulated losses of both signs; for another potential Eq. (25) at the
    simulated speeds (the table's delta_analytic) and that potential's capture speed."""
    fig = new_figure(5.0, 3.4)
    ax = fig.add_subplot()
    phi = float(table["phi0"].abs().max())
    lam, wf, mu = (float(table[k].iloc[0]) for k in ("lam", "omega_fast", "mu"))
    inter = table_interaction(table)
    if inter is None:
        v = np.linspace(max(table["v0"].min(), 0.5), table["v0"].max(), 800)
        ax.plot(v, analytic.single_pass_loss(v, phi, lam, wf), color=WONG["bluish_green"],
                label="Eq. (26)")
        v_cap = float(analytic.capture_speed(phi, mu))
        title = f"$|\\Phi_0| = {phi:g}$, $\\lambda = {lam:g}$"
    else:
        curve = table.sort_values("v0").drop_duplicates("v0")
        ax.plot(curve["v0"], curve["delta_analytic"], color=WONG["bluish_green"],
                label="Eq. (25)")
        # the runs of Phi and of its mirror -Phi each carry their own spec, the attractive
        # one's rows first: the barrier (capture speed) and the title are the repulsive one's
        specs = table.groupby("interaction", sort=False)
        v_cap = max(table_interaction(grp).capture_speed(mu) for _, grp in specs)
        title = repr(table_interaction(table[table["phi0"] == table["phi0"].max()]))
        title += " and its mirror" if specs.ngroups > 1 else ""
    for phi0, grp in sorted(table.groupby("phi0"), key=lambda kv: -kv[0]):
        ok = grp["passed"].astype(bool)
        ax.plot(grp["v0"][ok], grp["delta_numeric"][ok], "o", mfc="none", ms=3.5,
                color=sign_colour(phi0), label=sign_label(phi0))
    ax.axvline(v_cap, color=CAPTURE, lw=1.2, label=f"capture speed {v_cap:.2f}")
    ax.set_xlabel(r"$\dot\sigma_0$")
    ax.set_ylabel(r"$\Delta$")
    ax.set_xlim(0, table["v0"].max())
    ax.set_ylim(bottom=0)
    alpha = float(table["alpha"].iloc[0])
    ax.set_title(f"$\\alpha = {alpha:g}$, {title}")
    ax.legend(loc="best")  # fixed upper right covered the points at high v0 in some set-ups
    fig.tight_layout()
    return fig
