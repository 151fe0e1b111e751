"""Fig. 7: loss per pass along the Fig. 3 trajectories vs the midpoint speed before the pass.

Runs of another pair potential (the table's ``interaction`` column) are drawn against its
Eq. (25) instead of the Gaussian's Eq. (26).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import analytic
from ..analytic._pair import table_interaction
from .style import ANALYTIC, RESONANCE, new_figure, sign_colour, sign_label

log = logging.getLogger(__name__)


def load(inputs: Mapping[str, Any]) -> dict:
    return {"table": pd.read_csv(inputs["table"])}


def _draw(ax, kept: pd.DataFrame, v: np.ndarray, lines: np.ndarray, legend: bool) -> None:
    phi, lam, wf = (float(kept[k].abs().iloc[0]) for k in ("phi0", "lam", "omega_fast"))
    inter = table_interaction(kept)
    for x in lines:
        ax.axvline(x, color=RESONANCE, lw=0.7, alpha=0.8)
    if inter is None:
        curve, label = analytic.single_pass_loss(v, phi, lam, wf), "Eq. (26)"
    else:
        curve, label = analytic.single_pass_loss(v, omega_fast=wf, interaction=inter), "Eq. (25)"
    ax.plot(v, curve, color=ANALYTIC, lw=1.0, label=label if legend else None)
    for phi0, grp in sorted(kept.groupby("phi0"), key=lambda kv: -kv[0]):
        ax.plot(grp["v_mid"], grp["delta_numeric"], "o", mfc="none", ms=3.5,
                color=sign_colour(phi0), label=sign_label(phi0) if legend else None)


def plot(table: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    """Passes kept while KE > |phi0|; blue lines at 2 alpha omega_fast/(2l+1); inset zoom."""
    fig = new_figure(5.6, 3.8)
    ax = fig.add_subplot()
    kept = table[table["keep"].astype(bool) & (table["v_mid"] > 0)]
    alpha, wf = float(kept["alpha"].iloc[0]), float(kept["omega_fast"].iloc[0])
    lines = analytic.fast_resonance_speeds(alpha, wf, int(cfg.get("l_max", 12)))
    v_lo, v_hi = float(kept["v_mid"].min()), float(kept["v_mid"].max())
    v = np.linspace(0.9 * v_lo, 1.02 * v_hi, 1200)
    _draw(ax, kept, v, lines[(lines > v[0]) & (lines < v[-1])], legend=True)
    ax.set_xlim(v[0], v[-1])
    ax.set_xlabel(r"$\dot\sigma$ at the midpoint before the pass")
    ax.set_ylabel(r"$\Delta$")
    ax.plot([], [], color=RESONANCE, lw=0.7,
            label=r"$2\alpha\omega_{\rm fast}/(2l+1)$")
    ax.legend(loc="lower left")  # upper left holds the large losses near the capture speed
    lo, hi = (float(x) for x in cfg.get("inset_v", (80.0, 122.0)))
    zoom = kept[(kept["v_mid"] >= lo) & (kept["v_mid"] <= hi)]
    if len(zoom):
        inset = ax.inset_axes([0.55, 0.45, 0.42, 0.5])
        vz = np.linspace(lo, hi, 600)
        _draw(inset, zoom, vz, lines[(lines > lo) & (lines < hi)], legend=False)
        inset.set_xlim(lo, hi)
        inset.tick_params(labelsize=6)
    else:  # said in the job's log, not left for the reader to wonder
        log.warning("fig7.inset_v = [%g, %g] holds no kept pass (their midpoint speeds span "
                    "%g..%g): the figure has no inset", lo, hi, v_lo, v_hi)
    fig.tight_layout()
    return fig
