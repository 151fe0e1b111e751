"""The potentials study (issue 14): single passes and the Eqs. (25), (33) curves, one table.

The columns ``phi0`` and ``lam`` keep the names of the Gaussian shorthand: for another
potential they hold Phi(0) and its force width (derived values, not inputs); the potential's
own parameters are the ``interaction`` column (kind and parameters, JSON).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..params import ParameterError
from ..stores import write_table
from ._common import PathLike, _read_all, _sorted

#: columns of potentials_single_pass.csv (results/README.md)
POTENTIALS_COLUMNS = ["label", "kind", "curve", "v", "delta", "delta_eq25", "delta_eq26",
                      "rel_error", "passed", "v_ext_numeric", "phi0", "lam", "phi_max",
                      "phi_min", "capture_speed", "alpha", "mu", "omega_fast", "d", "solver",
                      "tau_max", "interaction", "sigma0", "bias", "chaindrag_version"]


def _simulation_rows(batches: pd.DataFrame, curves: pd.DataFrame) -> pd.DataFrame:
    """Single-pass batch rows as curve 'simulation' rows (v = v0, delta = simulated loss)."""
    per_label = curves.drop_duplicates("label").set_index("label")
    sim = batches.rename(columns={"v0": "v", "delta_numeric": "delta",
                                  "delta_analytic": "delta_eq25"})
    sim["curve"] = "simulation"
    for col in ("kind", "phi_max", "phi_min", "capture_speed"):
        sim[col] = sim["label"].map(per_label[col])
    sim["delta_eq26"] = np.nan
    return sim


def _require_one_setup(df: pd.DataFrame) -> None:
    """Refuse a label whose runs and curves name different potentials or chains: the claims
    judge the runs against the curves of their label."""
    for label, g in df.groupby("label", sort=True):
        for col in ("interaction", "alpha", "mu", "omega_fast"):
            values = g[col].dropna().unique() if col in g.columns else []
            if len(values) > 1:
                raise ParameterError(
                    f"potentials table: label {label!r} has runs and curves with different "
                    f"{col} ({', '.join(map(str, values))}); each label must name one "
                    f"potential on one chain (rerun its curves or batches)")


def potentials_table(batches: Sequence[PathLike], curves: Sequence[PathLike],
                     table: PathLike) -> pd.DataFrame:
    """potentials_single_pass.csv: simulated single passes and the analytic curves.

    Parameters
    ----------
    batches : sequence of paths
        Single-pass batch tables of the study (:func:`chaindrag.jobs.single_pass_run` rows
        with ``label`` and ``interaction``; delta_analytic is Eq. 25 at v0, Eq. 26 for the
        Gaussian).
    curves : sequence of paths
        Curve tables (:func:`chaindrag.jobs.potentials.run_potential_curves`).
    table : path
        The table written (atomically).

    Returns
    -------
    pandas.DataFrame
        One row per simulated pass (curve ``"simulation"``: v = v0, delta = simulated
        Delta, delta_eq25 = Eq. 25 at v0, rel_error, passed, v_ext_numeric, d, solver,
        tau_max, sigma0, bias) and per grid speed of the curves (``"eq25"``: delta = Eq. 25,
        delta_eq26 = Eq. 26 for the Gaussian; ``"eq33"``: delta = Delta_bar of Eq. 33;
        sigma0 and bias NaN), with the
        :data:`POTENTIALS_COLUMNS`, sorted by label, curve and v.
    """
    cur = _read_all(curves)
    sim = _simulation_rows(_read_all(batches), cur)
    # batches written before the column: unbiased passes (single_pass_run's bias is 0)
    sim["bias"] = sim["bias"].fillna(0.0) if "bias" in sim.columns else 0.0
    _require_one_setup(pd.concat([sim, cur], ignore_index=True))
    cur = cur.assign(delta_eq25=np.where(cur["curve"] == "eq25", cur["delta"], np.nan))
    df = pd.concat([sim, cur], ignore_index=True).reindex(columns=POTENTIALS_COLUMNS)
    df = _sorted(df, ["label", "curve", "v"])
    write_table(df, table)
    return df
