"""Thermal-chain reductions (issue 13): single passes, equilibration, drift at finite T.

Batch tables of :mod:`chaindrag.jobs.thermal` in, tidy tables out (one row per pass,
realization time, crossing, midpoint speed or run), with the analytic values beside the
measured ones: Eq. (26) at v0 (the loss into the chain at rest) and the
fluctuation-dissipation standard deviation sqrt(2 sum_j eps_j Delta_j)
(:func:`chaindrag.analytic.single_pass_noise_variance`). Runs of another pair potential
(the batches' ``interaction`` column) get that potential's Eq. (25) and mode terms, and the
column is kept in the tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import analytic
from ..params import require_int_range, require_range
from ..analytic._pair import entry_interaction, loss_keywords
from ..stores import write_table
from ._common import (PathLike, _flags, _read_all, _sorted, _version_last,
                      _with_provenance)

#: The chain at rest (omega_T = 0, no free motion) in the ``statistics`` column.
REST = "rest"


def _pair(row) -> dict:
    """The formulas' potential keywords of a row: the Gaussian's phi0, lam, or the
    ``interaction`` its JSON names."""
    return loss_keywords(entry_interaction(getattr(row, "interaction", None)), row.phi0,
                         row.lam)


def _fd_std(row) -> float:
    """Fluctuation-dissipation standard deviation of Delta at v0 (0 for the chain at rest)."""
    if row.statistics == REST:
        return 0.0
    return math.sqrt(analytic.single_pass_noise_variance(
        row.v0, omega_T=row.omega_T, statistics=row.statistics, omega_fast=row.omega_fast,
        **_pair(row)))


def _thermal_shift(row) -> float:
    """The mean loss's order-Phi0^2 T shift from the rest chain's at v0 (0 at rest)."""
    if row.statistics == REST:
        return 0.0
    return float(analytic.single_pass_thermal_shift(
        row.v0, omega_T=row.omega_T, statistics=row.statistics, omega_fast=row.omega_fast,
        mu=row.mu, **_pair(row)))


def thermal_single_pass_table(batches: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """All thermal single passes, one row per pass, with Eq. (26) and the FD prediction.

    Adds ``delta_rest`` (Eq. 26 at v0, or Eq. 25 of another potential: the mean loss the
    first-order theory predicts at every temperature) and ``delta_fd_std`` (sqrt of
    Var(Delta) = 2 sum_j eps_j Delta_j; 2 omega_T Delta(v0) for classical statistics, 0 at
    rest) and ``delta_thermal_shift`` (the mean's shift at order Phi0^2 T,
    :func:`chaindrag.analytic.single_pass_thermal_shift`; 0 at rest).
    """
    df = _read_all(batches)
    # batches written before mirror images existed ran the realization itself
    df["mirror"] = _flags(df["mirror"]) if "mirror" in df.columns else False
    keys = ["v0", "phi0", "lam", "mu", "omega_T", "statistics", "omega_fast"]
    keys += ["interaction"] if "interaction" in df.columns else []
    uniq = df[keys].drop_duplicates()
    uniq["delta_rest"] = [float(analytic.single_pass_loss(r.v0, omega_fast=r.omega_fast,
                                                          **_pair(r)))
                          for r in uniq.itertuples()]
    uniq["delta_fd_std"] = [_fd_std(r) for r in uniq.itertuples()]
    uniq["delta_thermal_shift"] = [_thermal_shift(r) for r in uniq.itertuples()]
    df = df.merge(uniq, on=keys, how="left")
    df = _version_last(_sorted(df, ["statistics", "omega_T", "v0", "seed", "mirror",
                                    "particle"]))
    write_table(df, table)
    return df


def pass_samples(passes: pd.DataFrame) -> pd.DataFrame:
    """Independent samples of the single passes of one speed, statistics and temperature.

    A pass and its mirror image (same seed and particle, ``mirror`` True and False: the
    same realization with rho^H negated) are one sample; a table without such pairs gives
    one sample per pass. If any pair exists, only pairs are used, so that every sample
    estimates the same quantities.

    Parameters
    ----------
    passes : pandas.DataFrame
        Rows of :func:`thermal_single_pass_table` of one (statistics, omega_T, v0): seed,
        particle, passed, delta, first_order_work and (optionally) mirror.

    Returns
    -------
    pandas.DataFrame
        One row per sample: ``seed``, ``particle``, ``passed`` (every pass of it passed),
        ``corrected`` (the mean of delta - first_order_work over the sample: the mean loss,
        with the terms odd in rho^H cancelled in a pair) and ``delta`` (the loss of the
        realization itself, not its mirror image: one pass per sample, whose spread is that
        of Delta).
    """
    d = pd.to_numeric(passes["delta"], errors="coerce").to_numpy(dtype=float)
    frame = pd.DataFrame({
        "seed": passes["seed"].to_numpy(), "particle": passes["particle"].to_numpy(),
        "mirror": (_flags(passes["mirror"]).to_numpy() if "mirror" in passes.columns
                   else np.zeros(len(passes), bool)),
        "passed": _flags(passes["passed"]).to_numpy() & np.isfinite(d),
        "delta": d,
        "corrected": d - pd.to_numeric(passes["first_order_work"],
                                       errors="coerce").to_numpy(dtype=float)})
    paired = frame.groupby(["seed", "particle"])["mirror"].transform("nunique") == 2
    if not paired.any():
        return frame[["seed", "particle", "passed", "corrected", "delta"]].reset_index(drop=True)
    pairs = frame[paired].pivot(index=["seed", "particle"], columns="mirror")
    return pd.DataFrame({
        "seed": pairs.index.get_level_values("seed"),
        "particle": pairs.index.get_level_values("particle"),
        "passed": (pairs[("passed", False)] & pairs[("passed", True)]).to_numpy(),
        "corrected": (0.5 * (pairs[("corrected", False)] + pairs[("corrected", True)])
                      ).to_numpy(),
        "delta": pairs[("delta", False)].to_numpy()})


def thermal_equilibration_tables(series: Sequence[PathLike], crossings: Sequence[PathLike],
                                 table: PathLike, crossings_table: PathLike
                                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kinetic-energy series (one row per realization and time) and midpoint crossings.

    ``table`` adds ``equipartition`` = omega_T / 2 (the classical mean kinetic energy);
    ``crossings_table`` holds one row per midpoint crossing of every particle.
    """
    s = _sorted(_read_all(series), ["start", "seed", "tau"])
    s["equipartition"] = 0.5 * s["omega_T"]
    s = _version_last(s)
    c = _sorted(_read_all(crossings), ["start", "seed", "particle", "tau"])
    write_table(s, table)
    write_table(c, crossings_table)
    return s, c


def _plateau_index(v: float, alpha: float) -> int:
    """n of the line alpha/n nearest to v on a log scale (bins split at alpha/sqrt(n(n+1))).

    0 when v lies above the n = 1 bin (v > sqrt(2) alpha).
    """
    if v > math.sqrt(2.0) * alpha:
        return 0
    x = alpha / v
    lo = max(1, math.floor(x))
    return min((lo, lo + 1), key=lambda n: abs(math.log(v * n / alpha)))


def _run_end(run: pd.DataFrame, alpha: float, tau_max: float, tail_fraction: float,
             min_points: int) -> dict:
    """State of one biased run over the last ``tail_fraction`` of its time."""
    tail = run[run["tau"] >= (1.0 - tail_fraction) * tau_max]
    nan = float("nan")
    if tail.empty or tail["direction"].nunique() > 1:
        return dict(fate="captured", v_end=nan, v_end_std=nan, cell_v=nan, n=0,
                    tail_points=len(tail))
    if len(tail) < min_points:
        return dict(fate="undetermined", v_end=nan, v_end_std=nan, cell_v=nan, n=0,
                    tail_points=len(tail))
    v_end = float(tail["v"].mean())
    # the line is the one the crossing period locks to: below v ~ 23 the midpoint speed is
    # off the mean speed by more than half the gap between neighbouring lines alpha/n
    cell_v = alpha * (len(tail) - 1) / float(tail["tau"].iloc[-1] - tail["tau"].iloc[0])
    n = _plateau_index(cell_v, alpha)
    return dict(fate="plateau" if n else "fast", v_end=v_end,
                v_end_std=float(tail["v"].std(ddof=1)), cell_v=cell_v, n=n,
                tail_points=len(tail))


def thermal_drift_tables(midpoints: Sequence[PathLike], table: PathLike, ends: PathLike, *,
                         tail_fraction: float, min_points: int
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Midpoint speeds of every biased thermal run, and where each run ends.

    ``ends``: one row per run (phi0, omega_T, statistics, seed, v0, ...) with ``v_end``
    (mean midpoint speed over the last ``tail_fraction`` of tau_max), ``v_end_std``,
    ``cell_v`` (the mean speed: alpha x (crossings - 1) / the time they span, as
    :func:`chaindrag.trajectory.drift_fate`'s), ``n`` (the line alpha/n nearest ``cell_v``
    on a log scale; bins split at alpha/sqrt(n(n+1))) and
    ``fate``: 'plateau' (in a bin), 'fast' (above sqrt(2) alpha: runaway or still slowing
    down), 'captured' (no crossing in the tail, or crossings both ways: a particle bouncing
    in a cell crosses its midpoint back and forth) or 'undetermined' (fewer than
    ``min_points`` crossings in the tail, all one way). Both signs of phi0 share the bins:
    the midpoint is the speed maximum of a repulsive pass and the minimum of an attractive
    one (Fig. 8a, b). Each row ends with the run's mu, n_modes and sigma0 and the settings
    that decided v_end and fate (tail_fraction, min_points), before chaindrag_version.
    """
    require_range("tail_fraction", tail_fraction, 0.0, 1.0, lo_open=True)
    require_int_range("min_points", min_points, 2)  # a crossing period needs two crossings
    keys = ["phi0", "statistics", "omega_T", "v0", "seed"]
    df = _sorted(_read_all(midpoints), keys + ["tau"])
    write_table(df, table)
    rows = []
    for _, run in df.groupby(keys, sort=True):
        r = run.iloc[0]
        named = {"interaction": r["interaction"]} if "interaction" in run.columns else {}
        rows.append(dict(phi0=r["phi0"], omega_T=r["omega_T"], statistics=r["statistics"],
                         seed=r["seed"], v0=r["v0"], alpha=r["alpha"], lam=r["lam"], **named,
                         bias=r["bias"], tau_max=r["tau_max"],
                         **_run_end(run, float(r["alpha"]), float(r["tau_max"]),
                                    tail_fraction, min_points),
                         omega_fast=r["omega_fast"], d=r["d"], solver=r["solver"],
                         mu=r["mu"], n_modes=r.get("n_modes", math.nan),
                         sigma0=r.get("sigma0", math.nan), tail_fraction=float(tail_fraction),
                         min_points=int(min_points)))
    out = _with_provenance(_sorted(pd.DataFrame(rows), keys))
    write_table(out, ends)
    return df, out


def plateau_fractions(ends: pd.DataFrame) -> pd.DataFrame:
    """Fraction of runs in each end state per sign and temperature (``thermal_drift_ends``).

    Returns
    -------
    pandas.DataFrame
        One row per (phi0, statistics, omega_T, state) with state 'n=<n>', 'fast',
        'captured' or 'undetermined': runs, total, fraction.
    """
    plateau = (ends["fate"] == "plateau").to_numpy()
    state = ends["fate"].to_numpy(dtype=object).copy()
    # n only where it means something: a table read back holds NaN there for the others
    state[plateau] = "n=" + ends.loc[plateau, "n"].astype(int).astype(str)
    series = ["phi0", "statistics", "omega_T"]
    g = ends.assign(state=state).groupby(series + ["state"]).size()
    out = g.rename("runs").reset_index()
    out["total"] = out.groupby(series)["runs"].transform("sum")
    out["fraction"] = out["runs"] / out["total"]
    return out
