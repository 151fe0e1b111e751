"""Fig. 9: Eq. (33) broadened over the speeds taken between two midpoints, both signs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import analytic
from ..analytic._pair import table_interaction
from .style import BIAS, CAPTURE, SLOW_LINES, new_figure, sign_colour, sign_label


def load(inputs: Mapping[str, Any]) -> dict:
    return {"table": pd.read_csv(inputs["table"])}


def plot(table: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    fig = new_figure(5.6, 3.6)
    ax = fig.add_subplot()
    alpha, mu = float(cfg["alpha"]), float(cfg["mu"])
    for n, v in enumerate(analytic.slow_resonance_speeds(alpha, int(cfg["n_lines"])), 1):
        ax.axvline(v, color=SLOW_LINES, lw=0.8, label=r"$\alpha/n$" if n == 1 else None)
    inters = ([] if "interaction" not in table.columns else
              [table_interaction(grp) for _, grp in table.groupby("interaction")])
    if inters:  # fig9.interaction: the barrier of that potential or of its mirror, not phi0's
        v_cap = max(x.capture_speed(mu) for x in inters)
    else:
        v_cap = float(analytic.capture_speed(abs(float(cfg["phi0"])), mu))
    ax.axvline(v_cap, color=CAPTURE, lw=1.2, label=f"capture speed {v_cap:.2f}")
    if float(cfg["bias"]) > 0:  # on a log axis a zero bias has no line to label
        ax.axhline(float(cfg["bias"]), color=BIAS, lw=1.2,
                   label=f"bias $\\beta = {cfg['bias']:g}$")
    for phi0, grp in sorted(table.groupby("phi0"), key=lambda kv: -kv[0]):
        ax.plot(grp["v"], grp["delta_bar_broadened"], color=sign_colour(phi0),
                label=sign_label(phi0))
    ax.set_yscale("log")
    ax.set_xlim(0, float(cfg["v_max"]))
    pos = table["delta_bar_broadened"][table["delta_bar_broadened"] > 0]
    if len(pos):
        lo, hi = max(pos.min(), 1e-8 * pos.max()) / 2, pos.max() * 2
        bias = float(cfg["bias"])
        if bias > 0:  # keep the bias line in view: the drift speeds are where it meets a curve
            lo, hi = min(lo, bias / 2), max(hi, bias * 2)
        ax.set_ylim(lo, hi)
    ax.set_xlabel(r"$\dot\sigma$ (midpoint speed)")
    ax.set_ylabel(r"broadened $\bar\Delta$")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig
