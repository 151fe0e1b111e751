"""Single-pass reductions (Figs. 4c, 5, 6): batch tables in, one tidy row per run out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import analytic
from ..stores import write_table
from ._common import PathLike, _read_all, _sorted

_SINGLE_PASS_COLUMNS = ["figure", "alpha", "phi0", "lam", "mu", "v0", "sigma0", "omega_fast",
                        "d", "solver", "tau_max", "passed", "delta_numeric", "delta_analytic",
                        "rel_error", "tau_cross", "v_cross", "v_ext_numeric",
                        "displaced_reference", "chaindrag_version"]
#: columns added after the list above (and ``interaction``), before chaindrag_version
_ADDED_COLUMNS = ["bias"]


def _with_bias(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a ``bias`` column: batches written before it ran unbiased (bias = 0,
    :func:`chaindrag.jobs.single_pass_run`)."""
    df["bias"] = df["bias"].fillna(0.0) if "bias" in df.columns else 0.0
    return df


def _single_pass_table(paths: Sequence[PathLike], figure: str) -> pd.DataFrame:
    """The batches' rows with the figure; runs of an ``interaction:`` spec keep its column
    (phi0 and lam are then Phi(0) and the force width, delta_analytic is Eq. 25)."""
    df = _with_bias(_read_all(paths))
    df["figure"] = figure
    extra = ["interaction"] if "interaction" in df.columns else []
    df = df[_SINGLE_PASS_COLUMNS[:-1] + extra + _ADDED_COLUMNS + _SINGLE_PASS_COLUMNS[-1:]]
    return _sorted(df, ["figure", "lam", "phi0", "v0", "d"])


def fig5_table(batches_a: Sequence[PathLike], batches_b: Sequence[PathLike],
               table: PathLike) -> pd.DataFrame:
    """Fig. 5 single-pass losses, panels a (low speed) and b (high speed): one row per run."""
    df = pd.concat([_single_pass_table(batches_a, "fig5a"),
                    _single_pass_table(batches_b, "fig5b")], ignore_index=True)
    write_table(df, table)
    return df


def fig6_table(batches: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Fig. 6 single-pass losses of both signs: one row per run."""
    df = _single_pass_table(batches, "fig6")
    write_table(df, table)
    return df


def concat_tables(tables: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Concatenate tables with the same columns (single_pass.csv = Fig. 5 + Fig. 6 rows)."""
    df = _read_all(tables)
    write_table(df, table)
    return df


def fig4c_table(batches: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Fig. 4(c): largest velocity fluctuation v0 - v_ext, numeric and analytic (Sec. IV A).

    The analytic v_ext is energy conservation over a chain at rest (Eq. 16's extremum) at
    Phi = phi0. Runs of an ``interaction:`` spec keep its column; their phi0 is Phi(0),
    which for every built-in potential is the barrier where Phi(0) > 0 (the slowest speed
    is measured) and the deepest well where Phi(0) < 0 (the fastest). The runs' sigma0,
    tau_max (the run length used) and bias (0) come before chaindrag_version.
    """
    df = _with_bias(_read_all(batches))
    v_an = np.asarray(analytic.extremum_speed(df["v0"].to_numpy(), df["phi0"].to_numpy(),
                                              df["mu"].to_numpy()), dtype=float)
    out = pd.DataFrame({
        "phi0": df["phi0"], "lam": df["lam"], "alpha": df["alpha"], "mu": df["mu"],
        "v0": df["v0"], "v_ext_numeric": df["v_ext_numeric"], "v_ext_analytic": v_an,
        "fluctuation_numeric": df["v0"] - df["v_ext_numeric"],
        "fluctuation_analytic": df["v0"] - v_an, "passed": df["passed"],
        "omega_fast": df["omega_fast"], "d": df["d"], "solver": df["solver"],
        **({"interaction": df["interaction"]} if "interaction" in df.columns else {}),
        "sigma0": df["sigma0"], "tau_max": df["tau_max"], "bias": df["bias"],
        "chaindrag_version": df["chaindrag_version"]})
    out = _sorted(out, ["phi0", "v0"])
    write_table(out, table)
    return out
