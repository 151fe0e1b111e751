"""Fig. 5: single-pass loss Delta against v0 (log scale), Eq. (26) lines and simulations.

Runs of another pair potential (an ``interaction`` column, issue 14) are drawn against
Eq. (25) instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import analytic
from ..analytic._pair import table_interaction
from .style import CYCLE, new_figure, panel_label


def load(inputs: Mapping[str, Any]) -> dict:
    return {"table": pd.read_csv(inputs["table"])}


def draw_panel(ax, df: pd.DataFrame) -> None:
    """Eq. (26) per lam (line) with '+' (repulsive) and '-' (attractive) markers; for runs
    of another potential (an ``interaction`` column) Eq. (25) at the simulated speeds."""
    another = table_interaction(df) is not None
    for colour, (lam, grp) in zip(CYCLE, df.groupby("lam", sort=True)):
        if another:
            curve = grp.sort_values("v0").drop_duplicates("v0")
            ax.plot(curve["v0"], curve["delta_analytic"], color=colour, label="Eq. (25)")
        else:
            wf = float(grp["omega_fast"].iloc[0])
            phi = float(grp["phi0"].abs().max())
            v = np.linspace(grp["v0"].min(), grp["v0"].max(), 600)
            ax.plot(v, analytic.single_pass_loss(v, phi, lam, wf), color=colour,
                    label=f"$\\lambda = {lam:g}$")
        for sign, marker in ((1, "+"), (-1, "_")):
            s = grp[(np.sign(grp["phi0"]) == sign) & grp["passed"].astype(bool)
                    & (grp["delta_numeric"] > 0)]
            ax.plot(s["v0"], s["delta_numeric"], marker, color=colour, ms=5, mew=0.9)
    ax.set_yscale("log")
    ax.set_xlabel(r"$\dot\sigma_0$")
    ax.set_ylabel(r"$\Delta$")


def plot(table: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    fig = new_figure(6.8, 3.2)
    axes = fig.subplots(1, 2)
    for ax, (panel, label) in zip(axes, (("fig5a", "a"), ("fig5b", "b"))):
        df = table[table["figure"] == panel]
        if len(df):
            draw_panel(ax, df)
            inter = table_interaction(df)
            phi = float(df["phi0"].abs().max())
            what = f"$|\\Phi_0| = {phi:g}$" if inter is None else type(inter).__name__
            ax.set_title(f"{what}, $d = {int(df['d'].iloc[0])}$", loc="right")
        panel_label(ax, label)
    axes[0].plot([], [], "+", color="0.3", label=r"$\Phi_0 > 0$")
    axes[0].plot([], [], "_", color="0.3", label=r"$\Phi_0 < 0$")
    axes[0].legend(loc="lower right", ncol=2)
    fig.tight_layout()
    return fig
