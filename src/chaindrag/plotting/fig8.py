"""Fig. 8: speeds of biased particles (a repulsive, b attractive) and Eq. (33) (c).

The speeds are the paper's: the local maxima (repulsive) or minima (attractive) of v(tau),
one per traverse of a cell (fig8_midpoints.csv, column v), up to the figure's tau_max.

Runs faster than the lower edge of ``runaway_band`` (the runaways: fate 'runaway' in
fig8_fates.csv) are drawn in a separate top band with its own speed scale, so their slow
acceleration under the small bias is visible; panel (c) shares
the speed axis of (a) and (b), with Delta_bar on a log x axis and the bias as a vertical line.
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

from .. import analytic
from ..analytic._pair import table_interaction
from .style import ANALYTIC, BIAS, CAPTURE, SLOW_LINES, WONG, new_figure, panel_label


def load(inputs: Mapping[str, Any]) -> dict:
    return {"midpoints": pd.read_csv(inputs["table"]), "fates": pd.read_csv(inputs["fates"]),
            "steady": pd.read_csv(inputs["steady"]), "drift": pd.read_csv(inputs["drift"])}


def _band(speeds: pd.Series, configured) -> tuple[float, float]:
    """Speed range of the top band: the configured range widened to hold ``speeds``."""
    lo, hi = float(configured[0]), float(configured[1])
    if len(speeds):
        lo, hi = min(lo, float(speeds.min())), max(hi, float(speeds.max()))
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def _capture_speed(fates: pd.DataFrame, cfg: Mapping[str, Any], mu: float) -> float:
    """Capture speed of the repulsive runs: of fig8.interaction's barrier if the runs used
    one, else of their phi0 (read from the fates, which list every run: a run captured in
    its first cell has no midpoint speeds)."""
    rep = fates[np.sign(fates["phi0"]) > 0]
    inter = table_interaction(rep)
    if inter is not None:
        return inter.capture_speed(mu)
    phi = float(rep["phi0"].iloc[0]) if len(rep) else float(cfg["phi0"])
    return float(analytic.capture_speed(phi, mu))


def _delta_range(steady: pd.DataFrame, bias: float) -> tuple:
    """x range of panel (c): three decades either side of the bias, where Delta_bar(v) = bias
    is decided; without a bias (fig8.bias = 0) six decades below the largest Delta_bar, not
    the ~1e-300 of the slowest speeds (empty: autoscale)."""
    if bias > 0:
        return bias * 1e-3, bias * 1e3
    d_bar = steady["delta_bar"].to_numpy(float)
    d_bar = d_bar[np.isfinite(d_bar) & (d_bar > 0)]
    return (d_bar.max() * 1e-6, d_bar.max() * 2) if d_bar.size else ()


def plot(midpoints: pd.DataFrame, fates: pd.DataFrame, steady: pd.DataFrame,
         drift: pd.DataFrame, cfg: Mapping[str, Any]) -> Figure:
    fig = new_figure(7.0, 4.8)
    grid = fig.add_gridspec(2, 3, height_ratios=(1, 3.2), hspace=0.06, wspace=0.08,
                            left=0.08, right=0.86, bottom=0.17, top=0.93)
    alpha, mu, bias = float(cfg["alpha"]), float(cfg["mu"]), float(cfg["bias"])
    run_fate = {(r.phi0, r.v0): r.fate for r in fates.itertuples()}
    # a run goes to the top band when all its speeds lie above the band's lower edge (config
    # runaway_band: where the runaways are); everything else shares the main speed axis
    lowest = midpoints.groupby(["phi0", "v0"])["v"].min()
    in_band = {key for key, v_min in lowest.items() if v_min >= float(cfg["runaway_band"][0])}
    banded = np.array([(p, v) in in_band for p, v in zip(midpoints["phi0"], midpoints["v0"])],
                      dtype=bool)
    band = _band(midpoints.loc[banded, "v"], cfg["runaway_band"])
    rest = midpoints.loc[~banded, "v"]
    main_top = min(1.04 * max(float(rest.max()) if len(rest) else 0.0, 1.1 * alpha), band[0])
    # every run has a fates row, not every run midpoint speeds (a run captured in its first
    # cell has none): the colour scale spans the fates' v0
    norm = Normalize(float(fates["v0"].min()), float(fates["v0"].max()))
    cmap = colormaps["viridis"]
    lines = analytic.slow_resonance_speeds(alpha, int(cfg["n_lines"]))
    axes_top, axes_main = [], []
    for col, (sign, label) in enumerate(((1, "a"), (-1, "b"))):
        top = fig.add_subplot(grid[0, col])
        main = fig.add_subplot(grid[1, col], sharex=top)
        sel = np.sign(midpoints["phi0"]) == sign
        for (v0,), run in midpoints[sel].groupby(["v0"], sort=True):
            ax = top if (run["phi0"].iloc[0], v0) in in_band else main
            ax.plot(run["tau"], run["v"], ".", ms=1.0, color=cmap(norm(v0)), rasterized=True)
        for v in lines:
            main.axhline(v, color=SLOW_LINES, lw=0.6)
        if sign > 0:
            main.axhline(_capture_speed(fates, cfg, mu), color=CAPTURE, lw=1.2)
        if not sel.any() and "tau_max" in cfg:  # no speeds (every run captured at once)
            main.set_xlim(0, float(cfg["tau_max"]))
        main.set_xlabel(r"$\tau$")
        panel_label(top, label)
        top.set_title("repulsive" if sign > 0 else "attractive")
        axes_top.append(top)
        axes_main.append(main)
    # (c): Delta_bar(v) on the x axis against v
    top_c = fig.add_subplot(grid[0, 2])
    main_c = fig.add_subplot(grid[1, 2], sharex=top_c)
    for ax in (top_c, main_c):
        ax.plot(steady["delta_bar"], steady["v"], color=ANALYTIC, lw=0.9, label="Eq. (33)")
        ax.plot(steady["delta_bar_script"], steady["v"], color=WONG["sky_blue"], lw=0.6,
                ls="--", label="script variant")
        ax.axvline(bias, color=BIAS, lw=1.2, label=f"bias $\\beta = {bias:g}$")
        ax.set_xscale("log")
    stable = drift[(drift["stable"].astype(bool)) & (~drift["broadened"].astype(bool))]
    main_c.plot(np.full(len(stable), bias), stable["v"], "o", mfc="none", ms=3,
                color=BIAS, label="stable drift speeds")
    for v in lines:
        main_c.axhline(v, color=SLOW_LINES, lw=0.6)
    main_c.set_xlim(*_delta_range(steady, bias))
    main_c.set_xlabel(r"$\bar\Delta$")
    handles, labels = main_c.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False)
    panel_label(top_c, "c")
    # shared speed scales and broken-axis cosmetics
    for top, main in zip(axes_top + [top_c], axes_main + [main_c]):
        top.set_ylim(*band)
        main.set_ylim(0, main_top)
        top.spines["bottom"].set_visible(False)
        main.spines["top"].set_visible(False)
        top.tick_params(labelbottom=False, bottom=False)
        kw = dict(marker=[(-1, -0.5), (1, 0.5)], markersize=6, linestyle="none", color="k",
                  mec="k", mew=1, clip_on=False)
        top.plot([0, 1], [0, 0], transform=top.transAxes, **kw)
        main.plot([0, 1], [1, 1], transform=main.transAxes, **kw)
    for ax in axes_top[1:] + [top_c] + axes_main[1:] + [main_c]:
        ax.tick_params(labelleft=False)
    axes_main[0].set_ylabel(r"$\dot\sigma$ extrema (max. a, min. b)")
    runaway = bool(in_band) and all(run_fate.get(key) == "runaway" for key in in_band)
    axes_top[0].set_ylabel("runaway" if runaway
                           else f"$\\dot\\sigma > {float(cfg['runaway_band'][0]):g}$")
    cb = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap),
                      ax=axes_main + axes_top + [main_c, top_c], shrink=0.8, pad=0.01)
    cb.set_label(r"$\dot\sigma_0$")
    return fig
