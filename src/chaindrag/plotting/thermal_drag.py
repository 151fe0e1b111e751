"""Drag at constant speed on a thermal chain: drive mode against Eq. (33) at temperature T.

(a) Delta_bar(v): Eq. (33) at rest, Eq. (33) at each temperature (Debye-Waller factor
plus multi-phonon absorption to every order, :func:`chaindrag.analytic.thermal_steady_state_loss`),
and the drive-mode samples (mean +- standard error); (b) the shift from the chain at rest in
percent: the theory, the Debye-Waller factor alone (dashed), and the drive runs' shift from
their own rest-chain runs. Runs of another pair potential (the table's ``interaction``
column) get that potential's curves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import analytic
from ..analytic._pair import loss_keywords, table_interaction
from .style import ANALYTIC, CYCLE, new_figure, panel_label


def load(inputs: Mapping[str, Any]) -> dict:
    return {"table": pd.read_csv(inputs["table"])}


def plot(table: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    fig = new_figure(7.0, 3.4)
    ax_loss, ax_shift = fig.subplots(1, 2)
    r0 = table.iloc[0]
    alpha, phi0, lam, wf = (float(r0[k]) for k in ("alpha", "phi0", "lam", "omega_fast"))
    inter = table_interaction(table)
    pot = loss_keywords(inter, phi0, lam)
    curve = cfg["curve"]
    v = np.linspace(float(curve["start"]), float(curve["stop"]), int(curve["n_points"]))
    grid = int(curve["grid"])
    rest = analytic.steady_state_loss(v, alpha=alpha, omega_fast=wf, **pot)
    ax_loss.plot(v, rest, color=ANALYTIC, lw=0.7, label="Eq. (33), rest")
    ax_shift.axhline(0.0, color=ANALYTIC, lw=0.7)
    for i, ((stats, temp), sel) in enumerate(table.groupby(["statistics", "omega_T"],
                                                           sort=True)):
        c = CYCLE[i % len(CYCLE)]
        hot_kw = dict(alpha=alpha, omega_T=temp, statistics=stats, omega_fast=wf, **pot)
        full = analytic.thermal_steady_state_loss(v, **hot_kw, grid=grid,
                                                  grid_3=int(curve["grid_3"]))
        debye_waller = analytic.debye_waller_loss(v, **hot_kw)
        label = f"$\\omega_T = {temp:g}$ {stats}"
        ax_loss.plot(v, full, color=c, lw=0.9, label=f"{label}: Debye-Waller + multi-phonon")
        ax_loss.errorbar(sel["v"], sel["delta_bar"], yerr=sel["delta_bar_se"], fmt="o", ms=3,
                         color=c, lw=0.8, label=f"{label}: drive mode")
        ax_shift.plot(v, 100 * (full / rest - 1), color=c, lw=0.9)
        ax_shift.plot(v, 100 * (debye_waller / rest - 1), color=c, lw=0.8, ls="--")
        ax_shift.errorbar(sel["v"], 100 * sel["shift"], yerr=100 * sel["shift_se"], fmt="o",
                          ms=3, color=c, lw=0.8)
    ax_loss.set_yscale("log")
    ax_loss.set_ylabel(r"$\bar\Delta$ per chain mass")
    ax_shift.set_ylabel(r"$\bar\Delta / \bar\Delta_{\rm rest} - 1$ (%)")
    for ax, text in ((ax_loss, "a"), (ax_shift, "b")):
        ax.set_xlabel(r"$\dot\sigma$")
        panel_label(ax, text)
    handles, labels = ax_loss.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=6, frameon=False)
    what = (f"$\\Phi_0 = \\pm{phi0:g}$, $\\lambda = {lam:g}$" if inter is None
            else f"$\\pm\\Phi$ of {inter!r}")
    fig.suptitle(f"$\\alpha = {alpha:g}$, {what}; (b) dashed: Debye-Waller factor alone",
                 fontsize=8)
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    return fig
