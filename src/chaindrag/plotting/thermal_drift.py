"""Fig. 8 at finite temperature: midpoint speeds of biased particles and where the runs end.

Top row: midpoint speeds against tau, one panel per temperature (every starting speed and
seed; colour = starting speed), lines at alpha/n. Bottom: the fraction of runs ending near
each line alpha/n (log-scale bins), above sqrt(2) alpha ('fast'), captured, or with too few
crossings at the end to tell ('undetermined'), per temperature.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from .. import analytic
from ..tables.thermal import plateau_fractions
from .style import CAPTURE, CYCLE, SLOW_LINES, new_figure, panel_label


def load(inputs: Mapping[str, Any]) -> dict:
    return {"midpoints": pd.read_csv(inputs["table"]), "ends": pd.read_csv(inputs["ends"])}


def _label(stats: str, temp: float) -> str:
    return "rest" if stats == "rest" else f"$\\omega_T = {temp:g}$ {stats}"


def _state_order(states) -> list[str]:
    n = sorted((s for s in states if s.startswith("n=")), key=lambda s: int(s[2:]))
    return n + [s for s in ("fast", "captured", "undetermined") if s in states]


def plot(midpoints: pd.DataFrame, ends: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    series = sorted(midpoints[["statistics", "omega_T"]].drop_duplicates().itertuples(
        index=False), key=lambda r: (r.omega_T, r.statistics))
    fig = new_figure(7.0, 5.0)
    grid = fig.add_gridspec(2, max(len(series), 1), height_ratios=(1.6, 1.0), hspace=0.45,
                            wspace=0.08, left=0.08, right=0.9, bottom=0.1, top=0.93)
    alpha = float(midpoints["alpha"].iloc[0])
    phi0, mu = float(midpoints["phi0"].iloc[0]), float(midpoints["mu"].iloc[0])
    norm = Normalize(float(midpoints["v0"].min()), float(midpoints["v0"].max()))
    cmap = colormaps["viridis"]
    top = float(midpoints["v"].quantile(0.999)) * 1.05
    axes = []
    for i, r in enumerate(series):
        ax = fig.add_subplot(grid[0, i], sharey=axes[0] if axes else None)
        sel = midpoints[(midpoints["statistics"] == r.statistics)
                        & (midpoints["omega_T"] == r.omega_T)]
        ax.scatter(sel["tau"], sel["v"], s=1.0, c=cmap(norm(sel["v0"].to_numpy())),
                   rasterized=True, linewidths=0)
        for v in analytic.slow_resonance_speeds(alpha, int(cfg["n_lines"])):
            ax.axhline(v, color=SLOW_LINES, lw=0.5)
        ax.axhline(float(analytic.capture_speed(phi0, mu)), color=CAPTURE, lw=0.9)
        ax.set_title(_label(r.statistics, r.omega_T))
        ax.set_xlabel(r"$\tau$")
        if i:
            ax.tick_params(labelleft=False)
        axes.append(ax)
    if axes:
        axes[0].set_ylim(0, top)
        axes[0].set_ylabel(r"midpoint speed $\dot\sigma$")
        panel_label(axes[0], "a")
        cb = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=axes, pad=0.01, shrink=0.9)
        cb.set_label(r"$\dot\sigma_0$")
    ax_f = fig.add_subplot(grid[1, :])
    frac = plateau_fractions(ends)
    states = _state_order(set(frac["state"]))
    x = np.arange(len(states))
    width = 0.8 / max(len(series), 1)
    for i, r in enumerate(series):
        f = frac[(frac["statistics"] == r.statistics) & (frac["omega_T"] == r.omega_T)]
        y = f.set_index("state")["fraction"].reindex(states).fillna(0.0)
        total = int(f["total"].iloc[0]) if len(f) else 0
        ax_f.bar(x + (i - 0.5 * (len(series) - 1)) * width, y, width,
                 color=CYCLE[i % len(CYCLE)], label=f"{_label(r.statistics, r.omega_T)} "
                                                    f"({total} runs)")
    ax_f.set_xticks(x, [s.replace("n=", "$\\alpha/$") if s.startswith("n=") else s
                        for s in states])
    ax_f.set_ylabel("fraction of runs at the end")
    ax_f.legend(loc="upper right", fontsize=6)
    panel_label(ax_f, "b")
    return fig
