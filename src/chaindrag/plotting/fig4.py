"""Fig. 4: velocity fluctuation during a pass (a, b), its maximum vs speed (c), v(tau) of Fig. 3 (d)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import analytic
from ..trajectory import Trajectory
from .style import ANALYTIC, CAPTURE, WONG, new_figure, panel_label, sign_colour, sign_label


def load(inputs: Mapping[str, Any]) -> dict:
    from ..stores import load_trajectory
    trajs = [load_trajectory(p) for p in inputs["stores"]]
    return {"passes": pd.read_csv(inputs["table"]),
            "fluctuation": pd.read_csv(inputs["fluctuation"]),
            "trajectories": sorted(trajs, key=lambda t: -t.phi0)}


def plot(passes: pd.DataFrame, fluctuation: pd.DataFrame, trajectories: Sequence[Trajectory],
         cfg: Mapping[str, Any]) -> Figure:
    fig = new_figure(6.8, 5.2)
    (ax_a, ax_b), (ax_c, ax_d) = fig.subplots(2, 2)
    # (a, b): one pass per sign, dotted lines at the next chain mass and the pass times
    for phi0, grp in sorted(passes.groupby("phi0"), key=lambda kv: -kv[0]):
        c = sign_colour(phi0)
        ax_a.plot(grp["tau"], grp["sigma"], color=c, label=sign_label(phi0))
        ax_b.plot(grp["tau"], grp["v"], color=c, label=sign_label(phi0))
        ax_b.plot(grp["tau"], grp["v_analytic"], color=ANALYTIC, lw=0.9)
        for ax in (ax_a, ax_b):
            ax.axvline(grp["tau_pass"].iloc[0], color=c, ls=":", lw=1.0)
    ax_a.axhline(passes["sigma_site"].iloc[0], color=WONG["black"], ls=":", lw=1.0)
    ax_a.set_xlabel(r"$\tau$")
    ax_a.set_ylabel(r"$\sigma$")
    ax_a.legend(loc="lower right")
    ax_b.set_xlabel(r"$\tau$")
    ax_b.set_ylabel(r"$\dot\sigma$")
    ax_b.plot([], [], color=ANALYTIC, lw=0.9, label="Eq. (16), shifted")
    ax_b.legend(loc="best")
    # (c): largest fluctuation |v0 - v_ext| vs speed, analytic lines and numeric points
    v_max = float(cfg["fig4"]["fluctuation"]["v_max"])
    mu = float(fluctuation["mu"].iloc[0])
    for phi0, grp in sorted(fluctuation.groupby("phi0"), key=lambda kv: -kv[0]):
        c = sign_colour(phi0)
        v_cap = float(analytic.capture_speed(phi0, mu))
        v = np.linspace(max(v_cap * (1 + 1e-6), 1e-3), v_max, 800)
        ax_c.plot(v, np.abs(v - analytic.extremum_speed(v, phi0, mu)), color=c,
                  label=sign_label(phi0))
        ok = grp["passed"].astype(bool)
        ax_c.plot(grp["v0"][ok], np.abs(grp["fluctuation_numeric"][ok]), "o", mfc="none",
                  color=c, ms=3.5)
    phi_rep = float(fluctuation["phi0"].abs().max())
    v_cap = float(analytic.capture_speed(phi_rep, mu))
    ax_c.axvline(v_cap, color=CAPTURE, lw=1.2, label=f"capture speed {v_cap:.1f}")
    ax_c.set_ylim(bottom=0)
    ax_c.set_xlim(0, v_max)
    ax_c.set_xlabel(r"$\dot\sigma_0$")
    ax_c.set_ylabel(r"$|\dot\sigma_0 - \dot\sigma_{\rm ext}|$")
    ax_c.legend(loc="upper right")
    # (d): v(tau) of the Fig. 3 trajectories
    for traj in trajectories:
        step = max(1, traj.tau.size // 20000)
        ax_d.plot(traj.tau[::step], traj.velocity[0, ::step], color=sign_colour(traj.phi0),
                  lw=0.6, label=sign_label(traj.phi0))
    if trajectories:
        t = trajectories[0]
        v_cap3 = float(analytic.capture_speed(abs(t.phi0), t.mu))
        ax_d.axhline(v_cap3, color=CAPTURE, lw=1.2, label=f"capture speed {v_cap3:.1f}")
    ax_d.axhline(0.0, color=WONG["black"], lw=0.6)
    ax_d.set_xlabel(r"$\tau$")
    ax_d.set_ylabel(r"$\dot\sigma$")
    ax_d.legend(loc="upper right")
    for ax, label in zip((ax_a, ax_b, ax_c, ax_d), "abcd"):
        panel_label(ax, label)
    fig.tight_layout()
    return fig
