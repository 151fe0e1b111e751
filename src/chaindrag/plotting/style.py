"""Shared look of all figures: the Wong colour-blind-safe palette, sizes and small helpers.

Wong, B. "Points of view: Color blindness", Nat. Methods 8, 441 (2011). Colours keep the
paper's roles: capture speed pink (reddish purple), alpha/n lines orange, bias green,
resonance lines blue; repulsive runs vermillion, attractive runs blue.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # figures are written to files, never shown

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

WONG = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: cycle used for series without a physical role (e.g. one colour per lam or tau)
CYCLE = [WONG[k] for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple",
                           "sky_blue", "black", "yellow")]
REPULSIVE = WONG["vermillion"]
ATTRACTIVE = WONG["blue"]
CAPTURE = WONG["reddish_purple"]
SLOW_LINES = WONG["orange"]
BIAS = WONG["bluish_green"]
RESONANCE = WONG["blue"]
ANALYTIC = WONG["black"]
#: diverging map for signed displacements (readable for the common colour-vision deficiencies)
DIVERGING = "PuOr_r"

RC = {
    "font.size": 9,
    "axes.labelsize": 9,
    "axes.titlesize": 9,
    "legend.fontsize": 7,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "lines.linewidth": 1.2,
    "lines.markersize": 4,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "savefig.dpi": 200,
    "figure.dpi": 100,
    "pdf.fonttype": 42,
}


def sign_colour(phi0: float) -> str:
    """Vermillion for repulsive (phi0 > 0), blue for attractive."""
    return REPULSIVE if phi0 > 0 else ATTRACTIVE


def sign_label(phi0: float) -> str:
    return f"$\\Phi_0 = {phi0:+g}$ ({'repulsive' if phi0 > 0 else 'attractive'})"


def potential_text(table) -> str:
    """A title's name of the potential a table's runs used: the Gaussian's phi0 and lam, or
    the potential its ``interaction`` column names."""
    from ..analytic._pair import table_interaction  # the style module stays import-light
    inter = table_interaction(table)
    if inter is not None:
        return f"{inter!r}"
    r = table.iloc[0]
    return f"$\\Phi_0 = {float(r['phi0']):g}$, $\\lambda = {float(r['lam']):g}$"


def new_figure(width: float = 6.8, height: float = 4.0, **kw) -> Figure:
    """A figure with the package style (width in inches; 6.8 in is a two-column figure)."""
    with plt.rc_context(RC):
        return plt.figure(figsize=(width, height), **kw)


def panel_label(ax, text: str) -> None:
    """Paper-style '(a)' label just above the upper-left corner of ``ax`` (clear of the data)."""
    ax.set_title(f"({text})", loc="left", fontweight="bold")
