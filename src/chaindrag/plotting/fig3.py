"""Fig. 3: chain displacements (heat map), particle trajectory and sound-cone edges."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .. import analytic
from ..trajectory import Trajectory
from .style import DIVERGING, WONG, new_figure, panel_label


def load(inputs: Mapping[str, Any]) -> dict:
    from ..stores import load_trajectory
    trajs = [load_trajectory(p) for p in inputs["stores"]]
    return {"trajectories": sorted(trajs, key=lambda t: -t.phi0)}  # repulsive first


def draw_heatmap(ax, traj: Trajectory, limit: float):
    """Heat map of rho_j(tau): tau on x, sigma = alpha j on y (the particle's sigma(tau) on top).

    Returns the image. The sound-cone edges sigma0 +- pi alpha (omega_fast - 1) tau are dashed.
    """
    alpha = traj.alpha
    sites = traj.chain_sites
    y0, y1 = alpha * (sites[0] - 0.5), alpha * (sites[-1] + 0.5)
    t = traj.chain_tau
    img = ax.imshow(traj.chain_displacement, origin="lower", aspect="auto",
                    extent=(t[0], t[-1], y0, y1), cmap=DIVERGING, vmin=-limit, vmax=limit,
                    interpolation="nearest", rasterized=True)
    step = max(1, traj.tau.size // 4000)  # a line needs far fewer points than time steps
    ax.plot(traj.tau[::step], traj.sigma[0, ::step], color=WONG["black"], lw=1.0)
    c = float(analytic.sound_speed(alpha, float(traj.params["omega_fast"])))
    s0 = float(traj.sigma[0, 0])
    tt = np.array([0.0, t[-1]])
    for sgn in (1, -1):
        ax.plot(tt, s0 + sgn * c * tt, color=WONG["black"], ls="--", lw=0.9)
    ax.set_xlim(t[0], t[-1])
    ax.set_ylim(y0, y1)
    ax.set_xlabel(r"$\tau$")
    ax.set_ylabel(r"$\sigma$")
    return img


def plot(trajectories: Sequence[Trajectory], cfg: Mapping[str, Any]) -> Figure:
    """(a) repulsive, (b) attractive; symmetric colour scale saturating at cfg['colour_limit']."""
    fig = new_figure(6.8, 3.6)
    axes = fig.subplots(1, len(trajectories), sharey=True, squeeze=False)[0]
    limit = float(cfg.get("colour_limit", 0.2))
    img = None
    for ax, traj, label in zip(axes, trajectories, "abcdefgh"):
        img = draw_heatmap(ax, traj, limit)
        largest = float(np.max(np.abs(traj.chain_displacement))) if traj.chain_displacement.size \
            else math.nan
        # two lines: one would run into the panel label for a phi0 like +12.75
        ax.set_title(f"$\\Phi_0 = {traj.phi0:+g}$\nmax $|\\delta\\rho| = {largest:.2f}$",
                     loc="right", fontsize="medium")
        panel_label(ax, label)
    for ax in axes[1:]:
        ax.set_ylabel("")
    cb = fig.colorbar(img, ax=list(axes), extend="both", shrink=0.9, pad=0.02)
    cb.set_label(r"$\delta\rho_j$ (saturated)")
    return fig
