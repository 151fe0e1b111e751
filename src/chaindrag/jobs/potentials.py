"""The potentials study (issue 14): the analytic curves of one pair potential, one table.

The single passes of the study are ordinary single-pass batches
(:func:`.single_pass.run_single_pass_batch` with an ``interaction`` spec and a ``label``); this
job writes the curves they are compared with: Eq. (25) by the mode sum (for the Gaussian
also Eq. 26, its closed form) and Eq. (33), on speed grids.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import analytic
from ..analytic._pair import provenance_text
from ..interactions import Gaussian, interaction_from_config
from ..stores import write_table
from ..tables._common import PathLike, _with_provenance

log = logging.getLogger(__name__)

CURVE_COLUMNS = ["label", "kind", "interaction", "curve", "v", "delta", "delta_eq26",
                 "phi_max", "phi_min", "capture_speed", "alpha", "mu", "omega_fast"]


def _grid(spec: Mapping[str, Any]) -> np.ndarray:
    return np.geomspace(float(spec["v_min"]), float(spec["v_max"]), int(spec["n_points"]))


def run_potential_curves(out: PathLike, *, label: str, interaction: Mapping[str, Any],
                         alpha: float, mu: float, omega_fast: float,
                         eq25: Mapping[str, Any], steady_state: Mapping[str, Any]
                         ) -> pd.DataFrame:
    """Eq. (25) and Eq. (33) of one potential on speed grids, written to ``out``.

    Parameters
    ----------
    out : path
        The table written (atomically).
    label : str
        The potential's name in the study (the key under ``potentials.interactions``).
    interaction : mapping
        Its ``interaction:`` spec (:func:`chaindrag.interactions.interaction_from_config`).
    alpha, mu, omega_fast : float
        Chain spacing, mass ratio, band top.
    eq25, steady_state : mapping
        Geometric speed grids ``{v_min, v_max, n_points}`` of Eq. (25) and Eq. (33).

    Returns
    -------
    pandas.DataFrame
        Rows with :data:`CURVE_COLUMNS`: curve ``"eq25"`` (delta = the mode sum Eq. 25 with
        N -> infinity, :func:`chaindrag.analytic.single_pass_loss_modesum`, for every
        potential; delta_eq26 the closed form for a Gaussian, NaN otherwise) and ``"eq33"``
        (delta = Delta_bar of Eq. 33), plus chaindrag_version.
    """
    inter = interaction_from_config(interaction)
    t0 = time.perf_counter()
    v25, v33 = _grid(eq25), _grid(steady_state)
    d25 = analytic.single_pass_loss_modesum(v25, inter, omega_fast)
    d26 = (analytic.single_pass_loss(v25, interaction=inter, omega_fast=omega_fast)
           if isinstance(inter, Gaussian) else np.full(v25.size, np.nan))
    d33 = analytic.steady_state_loss(v33, alpha=alpha, omega_fast=omega_fast, interaction=inter)
    log.info("%s: Eq. (25) at %d and Eq. (33) at %d speeds in %.2f s", label, v25.size,
             v33.size, time.perf_counter() - t0)
    common = dict(label=label, kind=interaction["kind"], interaction=provenance_text(inter),
                  phi_max=inter.phi_max, phi_min=inter.phi_min,
                  capture_speed=inter.capture_speed(mu), alpha=alpha, mu=mu,
                  omega_fast=omega_fast)
    df = pd.concat([pd.DataFrame(dict(curve="eq25", v=v25, delta=d25, delta_eq26=d26)),
                    pd.DataFrame(dict(curve="eq33", v=v33, delta=d33, delta_eq26=np.nan))],
                   ignore_index=True).assign(**common)[CURVE_COLUMNS]
    df = _with_provenance(df)
    write_table(df, out)
    return df
