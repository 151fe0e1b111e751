"""Fig. 8, continued: the runs still undetermined at tau_max, followed to their fates.

One panel per sign of phi0 (a repulsive, b attractive), time on a log axis from tau_max/8
to the cap. Each continued run is drawn from fig8_long.csv (its extremum speeds, decimated)
in the colour of its initial speed, as in Fig. 8; a marker shows when its fate was decided
(fig8_fates.csv: tau_decided), a cross the end of a run that reached the cap undecided.
Orange: v = alpha/n; grey dashed: the unstable solutions of Delta_bar(v) = bias of Eq. (33)
(drift_velocities.csv), where the mean force vanishes; black dotted: tau_max, the end of the
paper's panels.
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
from matplotlib.lines import Line2D

from .. import analytic
from .style import SLOW_LINES, new_figure, panel_label

#: marker of the moment a fate was decided
FATE_MARKERS = {"runaway": "^", "drift": "o", "captured": "s"}


def load(inputs: Mapping[str, Any]) -> dict:
    return {"long": pd.read_csv(inputs["long"]), "fates": pd.read_csv(inputs["fates"]),
            "drift": pd.read_csv(inputs["drift"])}


def _flag(series: pd.Series) -> np.ndarray:
    """Booleans from a CSV column (True/False or 'True'/'False')."""
    return series.astype(str).str.strip().str.lower().isin(["true", "1"]).to_numpy()


def plot(long: pd.DataFrame, fates: pd.DataFrame, drift: pd.DataFrame,
         cfg: Mapping[str, Any]) -> Figure:
    fig = new_figure(7.0, 3.6)
    axes = fig.subplots(1, 2, sharey=True)
    fig.subplots_adjust(left=0.08, right=0.86, bottom=0.25, top=0.9, wspace=0.1)
    alpha, tau_max = float(cfg["alpha"]), float(cfg["tau_max"])
    norm = Normalize(float(fates["v0"].min()), float(fates["v0"].max()))
    cmap = colormaps["viridis"]
    lines = analytic.slow_resonance_speeds(alpha, int(cfg["n_lines"]))
    unstable = drift[~_flag(drift["stable"]) & ~_flag(drift["broadened"])]["v"]
    top = max(float(long["v"].max()) if len(long) else 0.0, 1.1 * alpha) * 1.05
    for ax, (sign, label) in zip(axes, ((1, "a"), (-1, "b"))):
        for v in lines:
            ax.axhline(v, color=SLOW_LINES, lw=0.6)
        for u in unstable:
            ax.axhline(float(u), color="0.5", lw=0.8, ls="--")
        ax.axvline(tau_max, color="k", lw=0.8, ls=":")
        runs = long[np.sign(long["phi0"]) == sign] if len(long) else long
        for (v0,), run in runs.groupby(["v0"], sort=True):
            ax.plot(run["tau"], run["v"], "-", lw=0.8, color=cmap(norm(v0)))
        _mark_fates(ax, runs, fates[np.sign(fates["phi0"]) == sign], cmap, norm)
        if not len(runs):
            ax.text(0.5, 0.5, f"no run undetermined at $\\tau$ = {tau_max:g}",
                    transform=ax.transAxes, ha="center", va="center")
        # log time: the decisions spread from tau_max to the cap over 1-2 decades
        ax.set_xscale("log")
        ax.set_xlim(tau_max / 8.0, 1.2 * float(cfg["continuation"]["tau_cap"]))
        ax.set_ylim(0, top)
        ax.set_xlabel(r"$\tau$")
        ax.set_title("repulsive" if sign > 0 else "attractive")
        panel_label(ax, label)
    axes[0].set_ylabel(r"$\dot\sigma$ extrema (max. a, min. b)")
    handles = [Line2D([], [], color="k", marker=m, ls="none", mfc="none",
                      label=f"{fate} decided") for fate, m in FATE_MARKERS.items()]
    handles += [Line2D([], [], color="k", marker="x", ls="none", label="cap reached"),
                Line2D([], [], color=SLOW_LINES, lw=0.6, label=r"$\alpha/n$"),
                Line2D([], [], color="0.5", lw=0.8, ls="--",
                       label=r"unstable $\bar\Delta = \beta$ (Eq. 33)"),
                Line2D([], [], color="k", lw=0.8, ls=":", label=r"$\tau_{\max}$ of Fig. 8")]
    fig.legend(handles=handles, loc="lower center", ncol=4, frameon=False)
    cb = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=list(axes), shrink=0.8, pad=0.01)
    cb.set_label(r"$\dot\sigma_0$")
    return fig


def _mark_fates(ax, runs: pd.DataFrame, fates: pd.DataFrame, cmap, norm) -> None:
    """A marker where each continued run's fate was decided; a cross where a capped run ends."""
    for r in fates.itertuples(index=False):
        run = runs[runs["v0"] == r.v0]
        if not len(run):
            continue
        t, v = run["tau"].to_numpy(float), run["v"].to_numpy(float)
        if _flag(pd.Series([r.capped]))[0]:
            ax.plot(t[-1], v[-1], "x", color=cmap(norm(r.v0)), ms=6, mew=1.2)
        elif str(r.fate) in FATE_MARKERS and np.isfinite(r.tau_decided):
            i = min(int(np.searchsorted(t, r.tau_decided)), t.size - 1)
            ax.plot(t[i], v[i], FATE_MARKERS[str(r.fate)], color=cmap(norm(r.v0)), mfc="none",
                    ms=6, mew=1.2)
