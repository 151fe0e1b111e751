"""Fig. 2: memory kernel Gamma_n(tau) (Eq. 15) against site n, with the sound-cone fronts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .style import CYCLE, new_figure


def load(inputs: Mapping[str, Any]) -> dict:
    return {"table": pd.read_csv(inputs["table"])}


def plot(table: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    """One colour per tau: points Gamma_n(tau), dashed line at n = tau pi (omega_fast - 1)."""
    fig = new_figure(6.0, 3.4)
    ax = fig.add_subplot()
    for colour, (tau, grp) in zip(CYCLE, table.groupby("tau", sort=True)):
        ax.plot(grp["n"], grp["gamma"], ".", ms=2.5, color=colour, label=f"$\\tau = {tau:g}$")
        ax.axvline(grp["front_site"].iloc[0], color=colour, ls="--", lw=1.0)
    ylim = float(cfg.get("ylim", 0.1))
    ax.set_ylim(-ylim, ylim)
    ax.set_xlim(0, table["n"].max())
    ax.set_xlabel("site $n$")
    ax.set_ylabel(r"$\Gamma_n(\tau)$")
    wf = table["omega_fast"].iloc[0]
    ax.set_title(f"$\\omega_{{\\rm fast}} = {wf:g}$; dashed: $n = \\tau\\pi(\\omega_{{\\rm fast}}-1)$")
    ax.legend(loc="upper right", ncol=2)
    fig.tight_layout()
    return fig
