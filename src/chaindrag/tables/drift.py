"""Fig. 8 and 9 reductions: midpoint speeds and fates of the biased runs, Eq. (33) curves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import analytic
from ..stores import write_table
from ..trajectory import drift_fate
from ._common import PathLike, _sorted, _with_provenance


def fig8_tables(midpoints: Sequence[PathLike], table: PathLike, fates: PathLike,
                tau_max: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fig. 8(a, b): all midpoint speeds, and the fate of every run (runaway, drift, captured)."""
    runs = [pd.read_csv(p) for p in midpoints]
    df = _sorted(pd.concat(runs, ignore_index=True), ["phi0", "v0", "tau"])
    write_table(df, table)
    rows = []
    for run in runs:
        first = run.iloc[0] if len(run) else None
        if first is None:
            continue
        fate = drift_fate(run[["tau", "v", "direction"]], alpha=float(first["alpha"]),
                          bias=float(first["bias"]), tau_end=float(tau_max))
        rows.append(dict(phi0=first["phi0"], lam=first["lam"], alpha=first["alpha"],
                         bias=first["bias"], v0=first["v0"], tau_max=tau_max,
                         fate=fate["fate"], plateau_v=fate["plateau_v"],
                         n=fate["n"] if fate["n"] is not None else np.nan,
                         offset=fate["offset"], tail_slope=fate["tail_slope"],
                         n_points=fate["n_points"], omega_fast=first["omega_fast"],
                         d=first["d"], solver=first["solver"]))
    out = _with_provenance(_sorted(pd.DataFrame(rows), ["phi0", "v0"]))
    write_table(out, fates)
    return df, out


def fig8c_tables(table: PathLike, drift: PathLike, *, alpha: float, phi0: float, lam: float,
                 mu: float, bias: float, omega_fast: float, v_min: float, v_max: float,
                 n_points: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fig. 8(c): Eq. (33) (derived) and the authors' script variant on a geometric speed grid;
    and the drift speeds solving Delta_bar(v) = bias (plain Eq. 33, and broadened per sign)."""
    v = np.geomspace(v_min, v_max, n_points)
    df = _with_provenance(pd.DataFrame({
        "v": v, "delta_bar": analytic.steady_state_loss(v, phi0, lam, alpha, omega_fast),
        "delta_bar_script": analytic.steady_state_loss_script_variant(v, phi0, lam, alpha,
                                                                       omega_fast),
        "alpha": alpha, "phi0": phi0, "lam": lam, "bias": bias}), omega_fast=omega_fast)
    write_table(df, table)
    frames = [analytic.drift_velocities(bias, phi0, lam, alpha, omega_fast, mu=mu)]
    for sign in (1.0, -1.0):
        frames.append(analytic.drift_velocities(bias, sign * phi0, lam, alpha, omega_fast,
                                                broadened=True, mu=mu, v_max=v_max))
    dv = pd.concat(frames, ignore_index=True)
    write_table(dv, drift)
    return df, dv


def fig9_table(table: PathLike, *, alpha: float, phi0: float, lam: float, mu: float,
               omega_fast: float, v_max: float, v_min_attractive: float,
               capture_margin: float, n_points: int) -> pd.DataFrame:
    """Fig. 9: broadened Delta_bar (Sec. VI) for both signs, with plain Eq. (33) alongside."""
    frames = []
    for sign in (1.0, -1.0):
        p = sign * phi0
        v_lo = (1.0 + capture_margin) * float(analytic.capture_speed(p, mu)) if p > 0 \
            else v_min_attractive
        v = np.linspace(v_lo, v_max, n_points)
        frames.append(pd.DataFrame({
            "phi0": p, "v": v,
            "delta_bar_broadened": analytic.broadened_steady_state_loss(v, p, lam, alpha, mu,
                                                                        omega_fast),
            "delta_bar": analytic.steady_state_loss(v, p, lam, alpha, omega_fast),
            "alpha": alpha, "lam": lam, "mu": mu}))
    df = _with_provenance(pd.concat(frames, ignore_index=True), omega_fast=omega_fast)
    write_table(df, table)
    return df
