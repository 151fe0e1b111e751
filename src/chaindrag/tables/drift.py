"""Fig. 8 and 9 reductions: speeds and fates of the biased runs, Eq. (33) curves."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import analytic
from ..stores import write_table
from ._common import PathLike, _read_all, _sorted, _with_provenance

#: a tail speed within 2% of an unstable solution of Delta_bar(v) = bias "sits on" it
UNSTABLE_RTOL = 0.02


def fig8_tables(midpoints: Sequence[PathLike], runs_fates: Sequence[PathLike],
                runs_long: Sequence[PathLike], drift: PathLike, table: PathLike,
                fates: PathLike, long: PathLike) -> tuple[pd.DataFrame, pd.DataFrame,
                                                          pd.DataFrame]:
    """Fig. 8: the speeds of every run up to tau_max, every run's fate, the continued runs.

    Parameters
    ----------
    midpoints, runs_fates, runs_long : sequence of paths
        The batch tables of :func:`chaindrag.jobs.run_drift`.
    drift : path
        drift_velocities.csv (:func:`fig8c_tables`): the unstable solutions of Delta_bar(v)
        = bias named in the ``cap_reason`` of runs still undetermined at the cap.
    table, fates, long : path
        fig8_midpoints.csv, fig8_fates.csv (the batches' fate rows without the volatile
        wall time, plus ``cap_reason``) and fig8_long.csv, written atomically.

    Returns
    -------
    tuple of pandas.DataFrame
        The three tables.
    """
    df = _sorted(_concat_rows(midpoints), ["phi0", "v0", "tau"])
    write_table(df, table)
    out = _read_all(runs_fates).drop(columns=["wall_time_s"], errors="ignore")
    dv = pd.read_csv(drift)
    out["cap_reason"] = [_cap_reason(r, dv) if _as_bool(r["capped"]) else ""
                         for _, r in out.iterrows()]
    out = _sorted(out, ["phi0", "v0"])
    write_table(out, fates)
    lg = _sorted(_concat_rows(runs_long), ["phi0", "v0", "tau"])
    write_table(lg, long)
    return df, out, lg


def _concat_rows(paths: Sequence[PathLike]) -> pd.DataFrame:
    """The tables at ``paths`` concatenated; header-only tables (batches without a continued
    run) are left out so they cannot turn the numeric columns into objects."""
    frames = [pd.read_csv(p) for p in paths]
    rows = [f for f in frames if len(f)]
    if rows:
        return pd.concat(rows, ignore_index=True)
    return frames[0] if frames else pd.DataFrame()


def _as_bool(x) -> bool:
    """A boolean read back from CSV (True/False or 'True'/'False')."""
    return str(x).strip().lower() in ("true", "1")


def _cap_reason(run: pd.Series, drift: pd.DataFrame) -> str:
    """Why a run is still undetermined at the cap, in the quantities of Eq. (33).

    Between midpoints dv/dtau = 4 pi^2 (bias - Delta_bar(v))/(mu alpha): the note gives the
    tail speed, its dv/dtau in units of the bias's free acceleration 4 pi^2 bias/(mu alpha)
    and the nearest unstable solution of Delta_bar(v) = bias (plain Eq. 33, or broadened for
    the run's sign, Fig. 9): there the mean force vanishes and a run leaves only slowly.
    """
    v, slope = float(run["tail_v"]), float(run["tail_slope"])
    text = f"undetermined at the cap tau = {float(run['tau_end']):g}"
    if not math.isfinite(v):
        return text
    free = 4 * math.pi**2 * float(run["bias"]) / (float(run["mu"]) * float(run["alpha"]))
    text += f": tail speed {v:.4g}, dv/dtau = {slope:.3g}"
    if free > 0:
        text += f" = {slope / free:.2g} x the bias's free acceleration"
    plain = ~drift["broadened"].map(_as_bool)
    mine = drift["broadened"].map(_as_bool) & np.isclose(drift["phi0"], float(run["phi0"]))
    unstable = drift[~drift["stable"].map(_as_bool) & (plain | mine)]
    if len(unstable):
        k = int(np.argmin(np.abs(unstable["v"].to_numpy(float) - v)))
        u = float(unstable["v"].iloc[k])
        label = "broadened Eq. 33, Fig. 9" if _as_bool(unstable["broadened"].iloc[k]) \
            else "Eq. 33"
        where = "sits on" if abs(v - u) <= UNSTABLE_RTOL * u else "nearest"
        text += (f"; {where} the unstable solution v = {u:.4g} of Delta_bar(v) = bias "
                 f"({label}; zero mean force there)")
    return text


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
