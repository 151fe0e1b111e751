"""Fig. 8 at finite temperature, both signs: midpoint speeds of biased particles and where
the runs end.

One column per sign of phi0 (repulsive left, attractive right, as Fig. 8a, b), one row per
temperature: midpoint speeds against tau (every starting speed and seed; colour = starting
speed), lines at alpha/n, the capture speed for the repulsive sign. Bottom row, per sign:
the fraction of runs ending near each line alpha/n (log-scale bins), above sqrt(2) alpha
('fast'), captured, or with too few crossings at the end to tell ('undetermined'), per
temperature.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import ascii_lowercase
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from .. import analytic
from ..analytic._pair import table_interaction
from ..tables.thermal import plateau_fractions
from .style import CAPTURE, CYCLE, SLOW_LINES, new_figure, panel_label


def load(inputs: Mapping[str, Any]) -> dict:
    return {"midpoints": pd.read_csv(inputs["table"]), "ends": pd.read_csv(inputs["ends"])}


def _label(stats: str, temp: float) -> str:
    return "rest" if stats == "rest" else f"$\\omega_T = {temp:g}$ {stats}"


def _sign_title(phi0: float) -> str:
    return f"{'repulsive' if phi0 > 0 else 'attractive'}, $\\Phi_0 = {phi0:+g}$"


def _state_order(states) -> list[str]:
    n = sorted((s for s in states if s.startswith("n=")), key=lambda s: int(s[2:]))
    return n + [s for s in ("fast", "captured", "undetermined") if s in states]


def _speeds(ax, sel: pd.DataFrame, cfg: Mapping[str, Any], norm, cmap) -> None:
    """Midpoint speeds of one (sign, temperature), lines at alpha/n and the capture speed."""
    ax.scatter(sel["tau"], sel["v"], s=1.0, c=cmap(norm(sel["v0"].to_numpy())),
               rasterized=True, linewidths=0)
    r = sel.iloc[0]
    for v in analytic.slow_resonance_speeds(float(r["alpha"]), int(cfg["n_lines"])):
        ax.axhline(v, color=SLOW_LINES, lw=0.5)
    inter = table_interaction(sel)
    capture = (float(analytic.capture_speed(float(r["phi0"]), float(r["mu"]))) if inter is None
               else inter.capture_speed(float(r["mu"])))
    if capture > 0:
        ax.axhline(capture, color=CAPTURE, lw=0.9)
    ax.text(0.98, 0.95, _label(r["statistics"], r["omega_T"]), transform=ax.transAxes,
            ha="right", va="top", fontsize=7, bbox=dict(fc="white", ec="none", alpha=0.8, pad=1))


def _fractions(ax, ends: pd.DataFrame, series) -> None:
    """Bars: fraction of the runs of each temperature in each end state (one sign)."""
    frac = plateau_fractions(ends)
    states = _state_order(set(frac["state"]))
    x = np.arange(len(states))
    width = 0.8 / max(len(series), 1)
    for i, r in enumerate(series):
        f = frac[(frac["statistics"] == r.statistics) & (frac["omega_T"] == r.omega_T)]
        y = f.set_index("state")["fraction"].reindex(states).fillna(0.0)
        total = int(f["total"].iloc[0]) if len(f) else 0
        ax.bar(x + (i - 0.5 * (len(series) - 1)) * width, y, width, color=CYCLE[i % len(CYCLE)],
               label=f"{_label(r.statistics, r.omega_T)} ({total} runs)")
    # "captured" and "undetermined" side by side overlap at fontsize 7: the latter broken
    ax.set_xticks(x, [s.replace("n=", "$\\alpha/$") if s.startswith("n=") else
                      s.replace("undetermined", "undeter-\nmined") for s in states], fontsize=7)
    ax.set_ylim(0, 1.3)  # room for the legend above a full bar
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.legend(loc="upper right", fontsize=6)


def plot(midpoints: pd.DataFrame, ends: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    signs = sorted(midpoints["phi0"].unique(), reverse=True)
    series = sorted(midpoints[["statistics", "omega_T"]].drop_duplicates().itertuples(
        index=False), key=lambda r: (r.omega_T, r.statistics))
    height = 1.3 * len(series) + 2.6  # inches: speed rows, then 1.4 in of bars below a gap
    fig = new_figure(7.0, height)
    speeds = fig.add_gridspec(len(series), len(signs), hspace=0.1, wspace=0.08, left=0.1,
                              right=0.88, top=1 - 0.3 / height, bottom=2.3 / height)
    bars = fig.add_gridspec(1, len(signs), wspace=0.08, left=0.1, right=0.88,
                            top=1.75 / height, bottom=0.35 / height)
    norm = Normalize(float(midpoints["v0"].min()), float(midpoints["v0"].max()))
    cmap = colormaps["viridis"]
    axes, frac_axes = [], []
    for j, phi0 in enumerate(signs):
        for i, r in enumerate(series):
            ax = fig.add_subplot(speeds[i, j], sharex=axes[0] if axes else None,
                                 sharey=axes[0] if axes else None)
            sel = midpoints[(midpoints["phi0"] == phi0) & (midpoints["statistics"] == r.statistics)
                            & (midpoints["omega_T"] == r.omega_T)]
            if len(sel):
                _speeds(ax, sel, cfg, norm, cmap)
            if i == 0:
                ax.set_title(_sign_title(phi0))
                panel_label(ax, ascii_lowercase[j])
            ax.tick_params(labelleft=j == 0, labelbottom=i == len(series) - 1)
            if i == len(series) - 1:
                ax.set_xlabel(r"$\tau$")
            if j == 0:
                ax.set_ylabel(r"$\dot\sigma$ at midpoints")
            axes.append(ax)
        ax_f = fig.add_subplot(bars[0, j], sharey=frac_axes[0] if frac_axes else None)
        frac_axes.append(ax_f)
        _fractions(ax_f, ends[ends["phi0"] == phi0], series)
        panel_label(ax_f, ascii_lowercase[len(signs) + j])
        ax_f.tick_params(labelleft=j == 0)
        if j == 0:
            ax_f.set_ylabel("fraction of runs\nat the end")
    if axes:
        axes[0].set_ylim(0, float(midpoints["v"].quantile(0.999)) * 1.05)
        cax = fig.add_axes((0.9, 2.3 / height, 0.015, 1 - 2.6 / height))
        cb = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax)
        cb.set_label(r"$\dot\sigma_0$")
    return fig
