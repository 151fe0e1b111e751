"""Fig. 6: single-pass loss against v0 on a linear scale, both signs, capture speed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import analytic
from .style import CAPTURE, WONG, new_figure, sign_colour, sign_label


def load(inputs: Mapping[str, Any]) -> dict:
    return {"table": pd.read_csv(inputs["table"])}


def plot(table: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    fig = new_figure(5.0, 3.4)
    ax = fig.add_subplot()
    phi = float(table["phi0"].abs().max())
    lam, wf, mu = (float(table[k].iloc[0]) for k in ("lam", "omega_fast", "mu"))
    v = np.linspace(max(table["v0"].min(), 0.5), table["v0"].max(), 800)
    ax.plot(v, analytic.single_pass_loss(v, phi, lam, wf), color=WONG["bluish_green"], label="Eq. (26)")
    for phi0, grp in sorted(table.groupby("phi0"), key=lambda kv: -kv[0]):
        ok = grp["passed"].astype(bool)
        ax.plot(grp["v0"][ok], grp["delta_numeric"][ok], "o", mfc="none", ms=3.5,
                color=sign_colour(phi0), label=sign_label(phi0))
    v_cap = float(analytic.capture_speed(phi, mu))
    ax.axvline(v_cap, color=CAPTURE, lw=1.2, label=f"capture speed {v_cap:.2f}")
    ax.set_xlabel(r"$\dot\sigma_0$")
    ax.set_ylabel(r"$\Delta$")
    ax.set_xlim(0, table["v0"].max())
    ax.set_ylim(bottom=0)
    alpha = float(table["alpha"].iloc[0])
    ax.set_title(f"$\\alpha = {alpha:g}$, $|\\Phi_0| = {phi:g}$, $\\lambda = {lam:g}$")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig
