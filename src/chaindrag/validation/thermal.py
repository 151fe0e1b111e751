"""Claims of the thermal branch (issue 13), written to validation_thermal.csv.

Every claim is statistical, judged against a tolerance derived from the sample: the measured
deviation in units of its standard error must stay below the Student-t critical value for a
false-alarm probability :data:`P_ROW` per row (Bonferroni-divided among the speeds, lags or
plateaus one row combines), so that ~50 rows raise a false alarm with probability <= 1 %.
Nothing is tuned to the data; the standard errors come from independent realizations
(seeds) or from independent passes (particles of one realization spaced beyond each
other's sound cone and thermal correlation length).

The rows are separate from validation.csv so that the default target's table does not
depend on whether the thermal branch has run: :func:`run_thermal` writes them.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..stores import write_table
from .rows import Claim, _g, _require, table
from .run import _read, _safe, failed_claims, summary
from .thermal_drag import check_thermal_drag
from .thermal_equilibration import check_thermal_equilibration
from .thermal_single_pass import check_thermal_single_pass
from .tolerances import (  # noqa: F401 (P_ROW: the tests read it here)
    MIN_SAMPLES, P_ROW, critical, too_few, z_score)

log = logging.getLogger("chaindrag.validation")

REST = "rest"


# ------------------------------------------------------------------------------ sampler
_SAMPLER_CLAIMS = {"displacement_variance": "<rho^2>", "velocity_variance": "<(rho'/2 pi)^2>",
                   "neighbour_correlation": "<rho_n rho_n+1>"}


def check_thermal_sampler(df: pd.DataFrame | None) -> list[dict]:
    """Realizations against the closed forms: one row per (statistics, omega_T, quantity)
    and one per (statistics, omega_T) for C_0(tau) at every lag."""
    df = _require(df, "thermal_sampler", ["statistics", "omega_T", "quantity", "lag",
                                          "measured", "std_error", "expected", "seeds"])
    rows = []
    for (st, temp), grp in df.groupby(["statistics", "omega_T"], sort=True):
        seeds = int(grp["seeds"].iloc[0])
        dof = seeds - 1.0
        few = too_few(seeds, "realizations")
        for quantity, name in _SAMPLER_CLAIMS.items():
            r = grp[grp["quantity"] == quantity]
            claim = Claim("thermal_sampler", f"{name} of realizations = closed form "
                                             f"({st}, omega_T = {temp:g})")
            if r.empty or few:
                rows.append(claim.na(few or f"no {quantity} row"))
                continue
            r = r.iloc[0]
            tol = critical(dof) * r["std_error"]
            rows.append(claim.row(r["expected"], r["measured"], tol,
                                  abs(r["measured"] - r["expected"]) <= tol,
                                  f"mean of {int(r['seeds'])} realizations +- "
                                  f"{_g(r['std_error'])} (standard error); tolerance "
                                  f"t({dof:g}) x standard error"))
        lag = grp[grp["quantity"] == "time_correlation"]
        claim = Claim("thermal_sampler", f"C_0(tau) of realizations = its BZ integral "
                                         f"({st}, omega_T = {temp:g})")
        if lag.empty or few:
            rows.append(claim.na(few or "no time_correlation rows"))
            continue
        z = z_score(lag["measured"] - lag["expected"], lag["std_error"])
        crit = critical(dof, len(lag))
        rows.append(claim.row(0.0, float(z.max()), crit, bool(z.max() <= crit),
                              f"largest |measured - integral| / standard error over lags "
                              f"{', '.join(_g(x) for x in lag['lag'])}"))
    return rows


def check_thermal_solvers(df: pd.DataFrame | None, rtol: float = 1e-9) -> list[dict]:
    """Kernel and transparent solvers against the chain solver on one realization.

    All three advance the same discrete dynamics with the same free motion (the transparent
    solver lets it in through its ends), so they agree to rounding; the tolerance allows
    ``rtol`` of the distance travelled. One row per solver compared.
    """
    df = _require(df, "thermal_solver_agreement", ["quantity", "value", "v0", "tau_max"])
    val = dict(zip(df["quantity"], df["value"]))
    r = df.iloc[0]
    tol = rtol * abs(float(r["v0"])) * float(r["tau_max"])
    rows = []
    for other, diff_key in (("kernel", "max_abs_sigma_diff"),
                            ("transparent", "max_abs_sigma_diff_transparent")):
        claim = Claim("thermal_solvers", f"chain and {other} solvers agree on one "
                      f"thermal realization (max |sigma_chain - sigma_{other}|)")
        if diff_key not in val:
            rows.append(claim.na(f"no {diff_key} row (the {other} solver was not run)"))
        elif val.get("n_modes_chain") != val.get(f"n_modes_{other}"):
            rows.append(claim.row(val.get("n_modes_chain"), val.get(f"n_modes_{other}"), 0,
                                  False, "the two runs used rings of different sizes"))
        else:
            diff = float(val[diff_key])
            rows.append(claim.row(
                0.0, diff, tol, abs(diff) <= tol,  # a magnitude: no pass by a sign bug
                f"omega_T = {_g(r['omega_T'])} ({r['statistics']}), seed {int(r['seed'])}, ring "
                f"of {int(val['n_modes_chain'])} sites; thermal speed kick "
                f"{_g(val['thermal_velocity_kick'])}; tolerance {rtol:g} x v0 tau_max"))
    return rows


# -------------------------------------------------------------------------------- drift
def _plateau_stats(grp: pd.DataFrame, rest: pd.DataFrame) -> pd.DataFrame:
    """Per line alpha/n reached by >= MIN_SAMPLES thermal runs and by a rest run: the thermal
    runs' mean end speed, its standard error, the rest range, gap / standard error and the
    critical value (Bonferroni over the plateaus judged)."""
    per_n = grp.groupby("n")["v_end"].agg(["mean", "std", "count"])
    per_n = per_n[(per_n["count"] >= MIN_SAMPLES) & per_n.index.isin(rest.index)].copy()
    per_n["se"] = per_n["std"] / np.sqrt(per_n["count"])
    per_n["lo"], per_n["hi"] = rest.loc[per_n.index, "min"], rest.loc[per_n.index, "max"]
    gap = np.maximum(np.maximum(per_n["lo"] - per_n["mean"], per_n["mean"] - per_n["hi"]), 0.0)
    per_n["z"] = z_score(gap, per_n["se"])
    per_n["crit"] = [critical(k - 1.0, len(per_n)) for k in per_n["count"]]
    return per_n


def check_thermal_drift(ends: pd.DataFrame | None) -> list[dict]:
    """Plateau speeds at finite T within the spread of the rest-chain ones, per sign and T.

    For every (phi0, statistics, omega_T) and every line alpha/n that at least
    :data:`MIN_SAMPLES` thermal runs and at least one rest-chain run of the same phi0 end near
    (fate 'plateau', same n): the k thermal end speeds are independent samples (each run has
    its own realization; a table whose runs share seeds is not judged) with mean m and
    sample standard deviation s. The claim holds at that line when m lies in the range
    [min, max] of the rest-chain end speeds near it, or outside it by at most
    t_{k-1} s / sqrt(k), t_{k-1} the two-sided Student-t critical value at P_ROW / (number
    of lines judged in the row). The tolerance thus follows from the sample size alone:
    it shrinks like t_{k-1}/sqrt(k) as runs are added (13 s/sqrt(5) at 5 runs, 6 s/sqrt(10)
    at 10, for one line).
    """
    ends = _require(ends, "thermal_drift_ends", ["phi0", "statistics", "omega_T", "seed", "fate",
                                                 "n", "v_end"])
    plateau = ends[ends["fate"] == "plateau"]
    rows = []
    for (phi0, st, temp), grp in ends[ends["statistics"] != REST].groupby(
            ["phi0", "statistics", "omega_T"], sort=True):
        claim = Claim("thermal_drift", f"plateau speeds at finite T within the spread of the "
                                       f"rest-chain ones (phi0 = {phi0:+g}, {st}, "
                                       f"omega_T = {temp:g})")
        if grp["seed"].duplicated().any():
            rows.append(claim.na("runs share realizations (repeated seeds): their end speeds "
                                 "are not independent samples"))
            continue
        rest = plateau[(plateau["statistics"] == REST) & (plateau["phi0"] == phi0)]
        ended = pd.concat([grp[grp["fate"] == "plateau"], rest])
        if not np.isfinite(pd.to_numeric(ended["v_end"], errors="coerce")).all():
            rows.append(claim.row("finite end speeds", math.nan, "finite", False,
                                  "plateau runs without a finite end speed (thermal or rest): "
                                  "a broken run, not one to leave out"))
            continue
        s = _plateau_stats(grp[grp["fate"] == "plateau"],
                           rest.groupby("n")["v_end"].agg(["min", "max"]))
        if s.empty:
            rows.append(claim.na(f"no line alpha/n reached by >= {MIN_SAMPLES} thermal runs and "
                                 f"by a rest-chain run ({len(grp)} thermal runs)"))
            continue
        k = int(np.argmax(s["z"] / s["crit"]))
        w = s.iloc[k]
        rows.append(claim.row(
            f"[{_g(w['lo'])}, {_g(w['hi'])}]", float(w["mean"]),
            f"{_g(w['crit'])} x {_g(w['se'])}", bool((s["z"] <= s["crit"]).all()),
            f"lines n = {', '.join(str(int(n)) for n in s.index)} with "
            f"{', '.join(str(int(c)) for c in s['count'])} thermal runs; worst n = "
            f"{int(s.index[k])}: mean end speed of {int(w['count'])} runs (one realization "
            f"each) against the rest range, gap / standard error {_g(w['z'])}; tolerance "
            f"t({int(w['count']) - 1}) at {P_ROW:g}/{len(s)} two-sided x s/sqrt(k)"))
    return rows


# ------------------------------------------------------------------------------- runner
def validate_thermal(tables: Mapping[str, pd.DataFrame | None], *, preset: str | None = None,
                     config_sha256: str | None = None) -> pd.DataFrame:
    """Every thermal claim from tables keyed by name (``"thermal_single_pass"``, ...).

    Parameters
    ----------
    tables : mapping
        Table name (the file name without ``.csv``) to DataFrame.
    preset, config_sha256 : str, optional
        Written to every row: the workflow's preset and
        :func:`chaindrag.config.config_digest` of its configuration; empty when left out.

    Returns
    -------
    pandas.DataFrame
        One row per claim with the :data:`~chaindrag.validation.rows.COLUMNS`; a missing
        table gives n/a rows, a check that raises a failed row.
    """
    t = dict(tables)
    checks = [
        ("thermal_sampler", "closed forms of the free thermal chain",
         lambda: check_thermal_sampler(t.get("thermal_sampler"))),
        ("thermal_solvers", "kernel and transparent against chain solver on one realization",
         lambda: check_thermal_solvers(t.get("thermal_solver_agreement"))),
        ("thermal_single_pass", "mean, its thermal shift and fluctuation-dissipation of passes",
         lambda: check_thermal_single_pass(t.get("thermal_single_pass"))),
        ("thermal_equilibration", "equipartition of a mobile particle",
         lambda: check_thermal_equilibration(t.get("thermal_equilibration"),
                                             t.get("thermal_equilibration_crossings"))),
        ("thermal_drift", "drift plateaus at finite temperature",
         lambda: check_thermal_drift(t.get("thermal_drift_ends"))),
        ("thermal_drag", "drive-mode loss against Eq. (33) at temperature T",
         lambda: check_thermal_drag(t.get("thermal_drag"))),
    ]
    rows: list[dict] = []
    for fig, claim, fn in checks:
        rows.extend(_safe(fig, claim, fn))
    return table(rows, preset=preset, config_sha256=config_sha256)


def run_thermal(tables: Sequence[str | os.PathLike], output: str | os.PathLike, *,
                preset: str | None = None, config_sha256: str | None = None) -> pd.DataFrame:
    """Run every thermal claim on the branch's tables (by file name) and write ``output``.

    Parameters
    ----------
    tables : sequence of paths
        results/tables/thermal_*.csv; missing ones give n/a rows.
    output : path
        validation_thermal.csv (written atomically).
    preset, config_sha256 : str, optional
        The columns of the same names (:func:`validate_thermal`); empty when left out.

    Returns
    -------
    pandas.DataFrame
        The rows; failed claims are logged as a WARNING, nothing is raised.
    """
    frames = {Path(p).stem: _read(p) for p in tables if Path(p).exists()}
    df = validate_thermal(frames, preset=preset, config_sha256=config_sha256)
    write_table(df, output)
    for r in df.itertuples(index=False):
        log.info("[%s] %s: %s (measured %s, tolerance %s)", r.figure, r.claim, r.passed,
                 r.measured, r.tolerance)
    text = summary(df)
    (log.warning if len(failed_claims(df)) else log.info)("%s", text)
    return df
