"""Which pair potential a table's runs used: the paper's Gaussian or another (issue 14).

A section of config.yaml may give ``interaction:`` in place of the Gaussian's phi0, lam; the
tables of its runs then carry the potential's JSON in an ``interaction`` column, with phi0 =
Phi(0) and lam = the force width. The checks judge such runs against the same formula for
that potential (Eq. 25 for Eq. 26, Phi(v0 tau) in Eq. 16, its barrier for the capture
speed); the paper's Gaussian keeps its closed forms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analytic._pair import (entry_interaction, loss_equation, loss_keywords,
                              table_interaction)
from ..analytic import cell_potential
from ..interactions import Interaction

__all__ = ["table_interaction", "loss_keywords", "loss_equation", "barrier", "barriers",
           "midpoint_energy"]


def barrier(inter: Interaction | None, phi0: float) -> float:
    """The energy scale of a pass: |phi0| (Gaussian), max(Phi_max, -Phi_min) otherwise."""
    if inter is None:
        return abs(phi0)
    return max(float(inter.phi_max), -float(inter.phi_min))


def barriers(df: pd.DataFrame) -> np.ndarray:
    """Phi_max of each run: its phi0 (the Gaussian), or, with an ``interaction`` column
    (issue 14), the barrier of that potential (capture speed sqrt(8 pi^2 Phi_max / mu))."""
    phi0 = df["phi0"].to_numpy(float)
    if "interaction" not in df.columns:
        return phi0
    inters = (entry_interaction(text) for text in df["interaction"])
    return np.array([p if inter is None else inter.phi_max for p, inter in zip(phi0, inters)])


def midpoint_energy(inter: Interaction | None, phi0: float, lam: float, alpha: float) -> float:
    """Interaction energy at a midpoint of the chain at rest: the cell potential at alpha/2.

    A single pass is measured between two midpoints (Sec. V); where this energy is not
    small against the loss, the potential's tails at the window's edges take part in the
    kinetic-energy drop (the change of the interaction energy there, the neighbours'
    partial passes) and Eq. (25) of one whole pass is no sharp prediction for it.
    ``inter`` None: the Gaussian ``phi0``, ``lam``.
    """
    return cell_potential(0.5 * alpha, alpha=alpha, **loss_keywords(inter, phi0, lam))
