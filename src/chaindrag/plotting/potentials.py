"""The potentials study (issue 14): single-pass loss and Eq. (33) for several pair potentials.

(a) Delta against v0 (log scale): simulated single passes (chain solver, circles) and
Eq. (25) with N -> infinity (lines), capture speeds dotted; (b) Delta_bar(v) of Eq. (33), log
scale, with the band-bottom resonances alpha/n. Everything is read from
potentials_single_pass.csv.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .style import CYCLE, SLOW_LINES, new_figure, panel_label


def load(inputs: Mapping[str, Any]) -> dict:
    return {"table": pd.read_csv(inputs["table"])}


def _panel_single_pass(ax, table: pd.DataFrame, colours: dict) -> None:
    sim = table[table["curve"] == "simulation"]
    v_lo, v_hi = float(sim["v"].min()), float(sim["v"].max())
    for label, colour in colours.items():
        rows = table[table["label"] == label]
        curve = rows[(rows["curve"] == "eq25") & rows["v"].between(0.8 * v_lo, 1.05 * v_hi)]
        ax.semilogy(curve["v"], curve["delta"], color=colour, label=label)
        pts = rows[(rows["curve"] == "simulation") & rows["passed"].astype(bool)]
        ax.plot(pts["v"], pts["delta"], "o", mfc="none", ms=3.5, color=colour)
        ax.axvline(float(rows["capture_speed"].iloc[0]), color=colour, ls=":", lw=1.0)
    ax.plot([], [], "k-", label="Eq. (25)")
    ax.plot([], [], "ko", mfc="none", ms=3.5, label="simulation")
    ax.set_xlabel(r"$\dot\sigma_0$")
    ax.set_ylabel(r"$\Delta$")
    ax.legend(loc="best")


def _panel_steady_state(ax, table: pd.DataFrame, colours: dict, n_lines: int) -> None:
    v_max, values = 0.0, []
    for label, colour in colours.items():
        curve = table[(table["label"] == label) & (table["curve"] == "eq33")]
        ok = curve["delta"] > 0
        ax.semilogy(curve["v"][ok], curve["delta"][ok], color=colour, lw=0.8, label=label)
        v_max = max(v_max, float(curve["v"].max()))
        values.append(curve["delta"][ok].to_numpy(float))
    alpha = float(table["alpha"].iloc[0])
    for n in range(1, n_lines + 1):
        ax.axvline(alpha / n, color=SLOW_LINES, lw=0.6, alpha=0.6,
                   label=r"$\alpha/n$" if n == 1 else None)
    pos = np.concatenate(values) if values else np.empty(0)
    if pos.size:  # the spikes of Eq. (33) diverge: show six decades below the typical top
        top = float(np.percentile(pos, 99.0))
        ax.set_ylim(1e-6 * top, 30.0 * top)
    ax.set_xlim(0, v_max)
    ax.set_xlabel(r"$\dot\sigma$")
    ax.set_ylabel(r"$\bar\Delta$ (Eq. 33)")
    ax.legend(loc="lower right")


def plot(table: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    labels = list(dict.fromkeys(cfg.get("interactions", {})) or
                  sorted(table["label"].unique()))
    colours = {label: CYCLE[i % len(CYCLE)] for i, label in enumerate(labels)}
    fig = new_figure(6.8, 3.2)
    ax_a, ax_b = fig.subplots(1, 2)
    _panel_single_pass(ax_a, table, colours)
    panel_label(ax_a, "a")
    _panel_steady_state(ax_b, table, colours, int(cfg.get("n_lines", 10)))
    panel_label(ax_b, "b")
    alpha, mu = (float(table[k].iloc[0]) for k in ("alpha", "mu"))
    fig.suptitle(f"pair potentials: $\\alpha = {alpha:g}$, $\\mu = {mu:g}$", fontsize=9)
    fig.tight_layout()
    return fig

