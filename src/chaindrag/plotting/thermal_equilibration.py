"""Equipartition of mobile particles in a classical thermal chain, from hot and cold starts.

(a) mean kinetic energy mu/2 (sigma'/2 pi)^2 against tau (mean over seeds, band = standard
error) approaching omega_T/2; (b) histogram of the kinetic energy at midpoint crossings in
the second half of the runs against exp(-E/T)/T (flux-weighted Maxwell distribution).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .style import ANALYTIC, WONG, new_figure, panel_label, potential_text

_COLOUR = {"hot": WONG["vermillion"], "cold": WONG["blue"]}


def load(inputs: Mapping[str, Any]) -> dict:
    return {"series": pd.read_csv(inputs["table"]), "crossings": pd.read_csv(inputs["crossings"])}


def plot(series: pd.DataFrame, crossings: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    fig = new_figure(7.0, 3.0)
    ax_t, ax_h = fig.subplots(1, 2)
    temp = float(series["omega_T"].iloc[0])
    tau_max = float(series["tau_max"].iloc[0])
    for start, s in series.groupby("start", sort=True):
        g = s.groupby("tau")["kinetic"]
        mean, se = g.mean(), g.std(ddof=1) / np.sqrt(g.count())
        c = _COLOUR.get(start)
        ax_t.plot(mean.index, mean, color=c, lw=0.9, label=f"{start} start")
        ax_t.fill_between(mean.index, mean - se, mean + se, color=c, alpha=0.25, lw=0)
        late = crossings[(crossings["start"] == start) & (crossings["tau"] >= 0.5 * tau_max)]
        if len(late):
            e_max = 8.0 * temp
            ax_h.hist(late["kinetic"], bins=np.linspace(0.0, e_max, 33), density=True,
                      histtype="step", color=c, label=f"{start} start ({len(late)} crossings)")
    ax_t.axhline(0.5 * temp, color=ANALYTIC, lw=1.0, ls="--", label=r"$\omega_T/2$")
    ax_t.set_xscale("log")
    ax_t.set_xlabel(r"$\tau$")
    ax_t.set_ylabel(r"$\langle \mu (\dot\sigma/2\pi)^2/2 \rangle$")
    ax_t.legend(loc="upper right")
    e = np.linspace(0.0, 8.0 * temp, 200)
    ax_h.plot(e, np.exp(-e / temp) / temp, color=ANALYTIC, lw=1.0, label=r"$e^{-E/T}/T$")
    ax_h.set_yscale("log")
    ax_h.set_xlabel(r"$E$ at midpoint crossings, $\tau \geq \tau_{max}/2$")
    ax_h.set_ylabel("probability density")
    ax_h.legend(loc="upper right")
    panel_label(ax_t, "a")
    panel_label(ax_h, "b")
    r = series.iloc[0]
    fig.suptitle(f"classical chain $\\omega_T = {temp:g}$; $\\alpha = {r['alpha']:g}$, "
                 f"{potential_text(series)}, $\\mu = {r['mu']:g}$, "
                 f"{int(r['n_particles'])} particles x {series['seed'].nunique()} seeds",
                 fontsize=8)
    fig.tight_layout()
    return fig
