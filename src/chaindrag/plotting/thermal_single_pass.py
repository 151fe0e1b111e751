"""Thermal single passes: mean and spread of the loss against v0 at several temperatures.

(a) mean +- standard deviation of Delta with Eq. (26) (the chain at rest) and the
fluctuation-dissipation band Eq. (26) +- sqrt(2 sum_j eps_j Delta_j); (b) the standard
deviation against that prediction (log scale); (c) the mean of Delta - W1 (W1 the pass's
zero-mean first-order thermal work, the table's ``first_order_work``; a pass and its mirror
image averaged, where the table has both) with its standard error,
the rest-chain passes and what the mean should be, a rest-chain pass plus the table's order
Phi0^2 T shift (``delta_thermal_shift``, short bars). Runs of another pair potential (the
table's ``interaction`` column) are drawn against that potential's Eq. (25), noise and capture
speed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import analytic
from ..analytic._pair import loss_equation, loss_keywords, table_interaction
from ..tables.thermal import pass_samples
from .style import ANALYTIC, CAPTURE, CYCLE, new_figure, panel_label, potential_text

REST = "rest"


def load(inputs: Mapping[str, Any]) -> dict:
    return {"table": pd.read_csv(inputs["table"])}


def _summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per (statistics, omega_T, v0): mean and std of the passed passes, and over the
    independent samples (a pass and its mirror image are one,
    :func:`chaindrag.tables.thermal.pass_samples`) their number and the mean and standard
    error of delta - first_order_work (mean_c, se_c)."""
    out = []
    for (st, temp, v0), g in table.groupby(["statistics", "omega_T", "v0"]):
        d = g["delta"][g["passed"].astype(str).str.lower().isin(["true", "1"])]
        c = pass_samples(g).query("passed")["corrected"]
        out.append(dict(statistics=st, omega_T=temp, v0=v0, mean=d.mean(),
                        std=d.std() if d.size > 1 else 0.0, samples=c.size, mean_c=c.mean(),
                        se_c=c.std() / np.sqrt(c.size) if c.size > 1 else 0.0,
                        shift=g["delta_thermal_shift"].iloc[0]))
    return pd.DataFrame(out)


def _fd_std(v: np.ndarray, temp: float, stats: str, wf: float, pot: dict) -> np.ndarray:
    return np.sqrt(analytic.single_pass_noise_variance(v, omega_T=temp, statistics=stats,
                                                       omega_fast=wf, **pot))


def plot(table: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    fig = new_figure(7.0, 3.2)
    axes = fig.subplots(1, 3)
    phi0, lam, wf, alpha = (float(table[k].iloc[0]) for k in ("phi0", "lam", "omega_fast",
                                                                 "alpha"))
    inter = table_interaction(table)
    pot = loss_keywords(inter, phi0, lam)
    eq = loss_equation(inter)
    s = _summary(table)
    v = np.linspace(max(float(s["v0"].min()) * 0.9, 1.0), float(s["v0"].max()) * 1.05, 200)
    d26 = analytic.single_pass_loss(v, omega_fast=wf, **pot)
    temps = sorted(t for t in s["omega_T"].unique() if t > 0)
    colour = {t: CYCLE[i % len(CYCLE)] for i, t in enumerate(temps)}
    span = float(s["v0"].max() - s["v0"].min()) or 1.0
    for ax in axes[[0, 2]]:
        ax.plot(v, d26, color=ANALYTIC, lw=1.0, label=f"{eq}, rest")
    expected = {}
    for i, temp in enumerate(temps):
        for stats, ls, mfc in (("classical", "-", None), ("quantum", "--", "none")):
            sel = s[(s["omega_T"] == temp) & (s["statistics"] == stats)]
            if sel.empty:
                continue
            band = _fd_std(v, temp, stats, wf, pot)
            c = colour[temp]
            if stats == "classical":
                axes[0].fill_between(v, d26 - band, d26 + band, color=c, alpha=0.15, lw=0)
            axes[0].plot(v, d26 + band, color=c, ls=ls, lw=0.6)
            axes[0].plot(v, d26 - band, color=c, ls=ls, lw=0.6)
            axes[1].plot(v, band, color=c, ls=ls, lw=0.9)
            # side by side: temperatures 2 % of the speed range apart, quantum beside classical
            dx = ((i - 0.5 * (len(temps) - 1)) * 0.02 + (0.008 if stats == "quantum" else 0.0)) \
                * span
            kw = dict(fmt="o", ms=3, color=c, mfc=mfc if mfc else c, capsize=0, lw=0.8)
            label = f"$\\omega_T = {temp:g}$ {stats}"
            axes[0].errorbar(sel["v0"] + dx, sel["mean"], yerr=sel["std"], label=label, **kw)
            # standard error of a standard deviation, std / sqrt(2 (n - 1)) (Gaussian sample)
            axes[1].errorbar(sel["v0"] + dx, sel["std"],
                             yerr=sel["std"] / np.sqrt(2.0 * np.maximum(sel["samples"] - 1, 1)),
                             **kw)
            axes[2].errorbar(sel["v0"] + dx, sel["mean_c"], yerr=sel["se_c"], **kw)
            expected[(temp, stats)] = (sel, dx, c)
    rest = s[s["statistics"] == REST]
    rest_at = dict(zip(rest["v0"], rest["mean"]))
    for i, (sel, dx, c) in enumerate(expected.values()):
        axes[2].plot(sel["v0"] + dx, sel["v0"].map(rest_at) + sel["shift"], "_", color=c,
                     ms=7, mew=1.2, label=None if i else r"rest pass + $O(\Phi_0^2 T)$ shift")
    axes[2].plot(rest["v0"], rest["mean"], "x", color=ANALYTIC, ms=4, label="rest-chain pass")
    mu = float(table["mu"].iloc[0])
    v_cap = float(analytic.capture_speed(phi0, mu)) if inter is None else inter.capture_speed(mu)
    for ax in axes:
        ax.axvline(v_cap, color=CAPTURE, lw=1.0)
        ax.set_xlabel(r"$\dot\sigma_0$")
    if not expected:  # thermal.single_pass.omega_T = [0]: no spread to draw, say so
        axes[1].text(0.5, 0.5, r"no passes at $\omega_T > 0$", transform=axes[1].transAxes,
                     ha="center", va="center", fontsize=7)
        axes[1].set_xlim(axes[0].get_xlim())
    axes[0].set_ylabel(r"$\Delta$ (mean $\pm$ std)")
    axes[1].set_ylabel(r"std of $\Delta$")
    axes[1].set_yscale("log")
    axes[2].set_ylabel(r"$\Delta - W_1$ (mean $\pm$ s.e.)")
    handles, labels = axes[0].get_legend_handles_labels()
    handles2, labels2 = axes[2].get_legend_handles_labels()
    # panel (c)'s own entries after the Eq. (26) line both panels share: shift and rest pass
    fig.legend(handles + handles2[1:], labels + labels2[1:], loc="lower center",
               ncol=min(len(labels) + len(labels2) - 1, 6), fontsize=6, frameon=False)
    for ax, label in zip(axes, "abc"):
        panel_label(ax, label)
    fig.suptitle(f"$\\alpha = {alpha:g}$, {potential_text(table)}; lines: "
                 "fluctuation-dissipation (solid classical, dashed quantum)", fontsize=8)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig
