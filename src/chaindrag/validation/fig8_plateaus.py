"""Fig. 8(a, b): the drift plateaus near alpha/n and the drift speeds of Eq. (33) they realise.

A plateau (runs whose cell-mean speeds agree to 2%) lies near alpha/n: the particle crosses
one cell per n slow periods. Every stable band-bottom solution of plain Eq. (33),
Delta_bar(v) = bias, inside the runs' speeds is realised by such a plateau, and there are at
least two distinct alpha/n per sign of Phi0. A plateau off alpha/n is explained (n/a) only
if its cell-mean speed sits on an unstable root of Eq. (33) (to 1% plus Eq. 33's own
accuracy, with a measured dv/dtau of ~0) or it relaxes at a resolvable rate Eq. (33)
predicts (:mod:`~chaindrag.validation.fig8_relaxation`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import analytic
from ..interactions import Interaction
from ..trajectory.fates import _nearest_resonance as _nearest_n  # drift_fate's n
from .fig8_relaxation import _eq33_acceleration
from .fig8_runs import FIG, _Fig8Runs
from .kinematics import _fluctuation
from .pair import barriers, loss_keywords, table_interaction
from .rows import Claim, _by_phi0, _col, _g
from .tolerances import (FIG8C_REL, PLATEAU_CLUSTER, PLATEAU_LOCK, PLATEAU_SETTLED,
                         RELAXATION_RTOL)


def _plateau_rows(runs: _Fig8Runs) -> tuple[list[dict], dict[float, list[tuple[int, float]]]]:
    """One row per plateau; and per phi0 the (n, speed) of the plateaus that lie near alpha/n."""
    df = runs.df
    plateaus = df[df["fate"].astype(str) == "drift"] if "plateau_v" in df.columns else df.iloc[:0]
    if len(plateaus):
        plateaus = plateaus[np.isfinite(plateaus["plateau_v"].to_numpy(float))]
    rows = []
    if not len(plateaus):
        predicted = [_predicted_plateaus(runs, float(p)) for p in df["phi0"].unique()]
        if all(k == 0 for k in predicted):
            rows.append(Claim(FIG, "drift plateaus lie near alpha/n").na(
                "no run reached a drift plateau, and plain Eq. 33 has no stable solution "
                "the runs can reach either", "plateaus at alpha/n", "none"))
        else:
            rows.append(runs.judged(False, "drift plateaus lie near alpha/n",
                                    "plateaus at alpha/n", "none", "",
                                    "no run reached a drift plateau"))
    found: dict[float, list[tuple[int, float]]] = {}
    if len(plateaus) and ("cell_v" not in plateaus.columns
                          or not np.isfinite(plateaus["cell_v"].to_numpy(float)).all()):
        rows.append(Claim(FIG, "drift plateaus lie near alpha/n").na(
            "fig8_fates.csv has no cell_v (drift runs written before the cell-mean speed was "
            "recorded): rerun them with --forcerun drift_run", "plateaus at alpha/n", "-"))
        return rows, found
    for phi0, g in _by_phi0(plateaus):
        phi0 = float(phi0)
        g = g.sort_values("cell_v")
        cv = g["cell_v"].to_numpy(float)
        # one plateau = runs whose cell-mean speeds agree to 2% (neighbouring alpha/n differ
        # more up to n ~ 50)
        cluster = np.concatenate([[0], np.cumsum(np.diff(cv) > PLATEAU_CLUSTER * cv[1:])])
        found[phi0] = []
        for c in np.unique(cluster):
            out, hit = _plateau_row(runs, phi0, g, cluster == c)
            rows.append(out)
            if hit:
                found[phi0].append(hit)
    return rows, found


def _plateau_row(runs: _Fig8Runs, phi0: float, g: pd.DataFrame,
                 sel: np.ndarray) -> tuple[dict, tuple[int, float] | None]:
    """The row of the plateau of runs ``sel`` of ``g``; (n, speed) if it lies near alpha/n.

    Judged on the cell-mean speed alpha/<tau per cell> (``cell_v``): the midpoint speeds
    Fig. 8 plots are extrema of v(tau), off the mean by the speed's swing in a cell, which at
    low speed is wider than the gap between neighbouring alpha/n.
    """
    pv = g["plateau_v"].to_numpy(float)
    cv = g["cell_v"].to_numpy(float)
    slope = _col(g, "tail_slope", 0.0)
    vmean = float(pv[sel].mean())
    vcell = float(cv[sel].mean())
    nn = _nearest_n(vcell, runs.alpha)
    line = runs.alpha / nn
    tol = line * min(PLATEAU_LOCK, 1.0 / (8 * (nn + 1)))
    spread = float(_fluctuation(vmean, phi0, runs.mu))
    off = vcell - line
    v0s = g["v0"].to_numpy(float)[sel]
    rel_slope = float(np.max(np.abs(slope[sel]))) / runs.free if runs.free > 0 else 0.0
    note = (f"n = {nn}: cell-mean speed alpha/<tau per cell> {_g(vcell)}, offset {_g(off)}; "
            f"tolerance {_g(100 * tol / line)}% of alpha/n; {int(sel.sum())} run(s) (v0 = "
            f"{', '.join(_g(x) for x in v0s[:8])}), midpoint speeds (Fig. 8's extrema) "
            f"{_g(pv[sel].min())}..{_g(pv[sel].max())}, tail slope up to "
            f"{_g(rel_slope)} x the bias's free acceleration")
    note += _nearest_solutions(runs, phi0, vcell)
    ok = abs(off) <= tol
    claim = f"drift plateau near alpha/n (Phi0 = {_g(phi0)}, v = {_g(vcell)})"
    why = "" if ok or runs.free <= 0 else _off_line(runs, phi0, g, vmean, vcell, spread,
                                                    float(np.mean(slope[sel])))
    if why:
        return Claim(FIG, claim).na("not a plateau: " + note + why, line, vcell, tol), None
    return (runs.judged(ok, claim, line, vcell, tol, note,
                        unsettled=rel_slope > PLATEAU_SETTLED), (nn, vcell) if ok else None)


def _nearest_solutions(runs: _Fig8Runs, phi0: float, vmean: float) -> str:
    """Note text: the nearest stable solutions of plain and broadened Eq. 33."""
    if runs.drift is None:
        return ""
    dv, text = runs.drift, ""
    for label, sub in (("Eq. 33", dv[dv["_stable"] & ~dv["_broad"]]),
                       ("broadened (Fig. 9)", dv[dv["_stable"] & dv["_broad"]])):
        if label != "Eq. 33" and "phi0" in sub.columns:
            sub = sub[np.isclose(sub["phi0"].to_numpy(float), phi0)]
        if len(sub):
            vs = sub["v"].to_numpy(float)
            text += f"; nearest stable {label} solution {_g(vs[np.argmin(np.abs(vs - vmean))])}"
    return text


def _off_line(runs: _Fig8Runs, phi0: float, g: pd.DataFrame, vmean: float, vcell: float,
              spread: float, meas: float) -> str:
    """Why a plateau off alpha/n is no plateau (note text), or "" if nothing explains it.

    Either the run sits on an unstable root of Delta_bar(v) = bias (zero mean force, Fig. 8c;
    :func:`_on_unstable_root`) or it relaxes at the rate Eq. 33 (broadened) predicts at its
    midpoint speed ``vmean``; ``meas`` is its mean tail slope dv/dtau. Relaxing needs a
    predicted rate the rate claim can tell from zero, beyond its tolerance RELAXATION_RTOL
    of the bias's free acceleration, and a measured one within that tolerance of it (so
    of the same sign): a settled run where Eq. 33 predicts ~0 is not relaxing.
    """
    lam = float(_col(g, "lam", math.nan)[0])
    wf = float(_col(g, "omega_fast", 10.0)[0])
    inter = table_interaction(g)
    on_root = _on_unstable_root(runs, phi0, lam, wf, inter, vcell, spread, meas)
    if on_root:
        return on_root
    pred = _eq33_acceleration(vmean, phi0, lam, runs.alpha, wf, runs.bias, runs.mu, inter)
    if (abs(pred) > RELAXATION_RTOL * runs.free
            and abs(meas - pred) <= RELAXATION_RTOL * runs.free):
        return (f"; relaxing at the rate Eq. 33 (broadened) predicts: dv/dtau = 4 pi^2 (bias - "
                f"Delta_bar(v))/(mu alpha) = {_g(pred)}, measured {_g(meas)}")
    return ""


def _root_tolerance(runs: _Fig8Runs, v_u: float, phi0: float, lam: float, wf: float,
                    inter: Interaction | None) -> float:
    """How far from an unstable root v_u of plain Eq. 33 a cell-mean speed still sits on it.

    The cell-mean speed of a plateau is known to drift_fate's plateau_rtol (PLATEAU_LOCK of
    itself, the precision the alpha/n claim grants it), and Eq. 33 locates the root to its
    own accuracy: a Delta_bar off by FIG8C_REL (the drive-mode claim's tolerance) moves the
    root by FIG8C_REL bias / |dDelta_bar/dv| (0.3 % at 15.95, 0.9 % at 66.07 for the paper's
    set); a non-finite slope gives 0 (no root to sit on), a flat Delta_bar no bound.
    """
    h = 1e-4 * v_u
    d = np.asarray(analytic.steady_state_loss(np.array([v_u - h, v_u + h]), alpha=runs.alpha,
                                              omega_fast=wf, **loss_keywords(inter, phi0, lam)),
                   float)
    slope = abs(d[1] - d[0]) / (2 * h)
    if not math.isfinite(slope):  # nothing to locate the root by: nothing sits on it
        return 0.0
    return PLATEAU_LOCK * v_u + (FIG8C_REL * runs.bias / slope if slope > 0 else math.inf)


def _on_unstable_root(runs: _Fig8Runs, phi0: float, lam: float, wf: float,
                      inter: Interaction | None, vcell: float, spread: float,
                      meas: float) -> str:
    """Note text if the plateau sits on an unstable root of plain Eq. 33, else "".

    There the mean force bias - Delta_bar(v) vanishes, so a run can stay a long time before
    it leaves. Eq. 33 holds the speed constant: the root is compared with the cell-mean
    speed ``vcell`` (not the midpoint extrema, off the mean by the cell's swing, 8.7 at
    v = 13.4), to :func:`_root_tolerance` (never looser than the swing), and the run must
    show that zero mean force: |dv/dtau| within RELAXATION_RTOL of the bias's free
    acceleration, the accuracy the rate claim asks of Eq. 33.
    """
    if runs.drift is None or not abs(meas) <= RELAXATION_RTOL * runs.free:
        return ""
    dv = runs.drift
    for v_u in dv[~dv["_stable"] & ~dv["_broad"]]["v"].to_numpy(float):
        tol = min(_root_tolerance(runs, float(v_u), phi0, lam, wf, inter),
                  max(spread, 0.02 * v_u))
        if abs(vcell - v_u) <= tol:
            return (f"; sits on the unstable solution v = {_g(v_u)} of Eq. 33 (Delta_bar = "
                    f"bias: zero mean force, it leaves over longer times): cell-mean speed "
                    f"{_g(vcell)} within {_g(tol)} of it (1% + Eq. 33's accuracy), measured "
                    f"dv/dtau {_g(meas)}")
    return ""


# --------------------------------------------------------------- Eq. 33's drift speeds
def _stable_speeds(runs: _Fig8Runs, phi0: float) -> tuple[np.ndarray, float, float]:
    """The stable band-bottom solutions of plain Eq. 33 (Delta = bias) the runs of ``phi0``
    can reach: between the capture speed (or the slowest v0) and the fastest v0; and that
    range. Needs ``runs.drift``."""
    mine = runs.df[runs.df["phi0"].astype(float) == phi0]
    v0s = mine["v0"].to_numpy(float)
    sol = runs.drift[runs.drift["_stable"] & ~runs.drift["_broad"]]
    if "resonance" in sol.columns:
        sol = sol[sol["resonance"].astype(str) == "slow"]
    vs = sol["v"].to_numpy(float)
    barrier = float(barriers(mine)[0])
    v_lo = max(v0s.min(), float(analytic.capture_speed(max(barrier, 0.0), runs.mu)))
    return np.unique(vs[(vs >= v_lo) & (vs <= v0s.max())]), v_lo, float(v0s.max())


def _predicted_plateaus(runs: _Fig8Runs, phi0: float) -> int | None:
    """How many distinct alpha/n Eq. 33's reachable stable solutions lie near (None: no
    drift table)."""
    if runs.drift is None:
        return None
    return len({_nearest_n(v, runs.alpha) for v in _stable_speeds(runs, phi0)[0]})


def _realised_rows(runs: _Fig8Runs, found: dict[float, list[tuple[int, float]]]) -> list[dict]:
    """Every stable band-bottom solution of plain Eq. 33 in the runs' speeds has its plateau."""
    df, rows = runs.df, []
    claim0 = "stable drift speed of Eq. 33 realised by a plateau"
    for phi0 in sorted(df["phi0"].astype(float).unique(), reverse=True):
        if runs.drift is None:
            rows.append(Claim(FIG, f"{claim0} (Phi0 = {_g(phi0)})").na(
                "drift_velocities.csv missing or empty"))
            continue
        vs, v_lo, v_hi = _stable_speeds(runs, phi0)
        if not vs.size:
            rows.append(Claim(FIG, f"{claim0} (Phi0 = {_g(phi0)})").na(
                f"no stable band-bottom solution between {_g(v_lo)} and {_g(v_hi)}"))
            continue
        near = found.get(phi0, [])
        for v_s in vs:
            nn = _nearest_n(v_s, runs.alpha)
            hits = [v for n_, v in near if n_ == nn]
            measured = hits[int(np.argmin(np.abs(np.array(hits) - v_s)))] if hits else "none"
            rows.append(runs.judged(bool(hits), f"{claim0} (Phi0 = {_g(phi0)}, v = {_g(v_s)})",
                                    v_s, measured, f"a plateau near alpha/{nn}",
                                    f"plain Eq. 33, bias {_g(runs.bias)}; plateaus near alpha/n "
                                    "found: " + (", ".join(_g(v) for _, v in near) or "none")))
    return rows


def _multiple_rows(runs: _Fig8Runs, found: dict[float, list[tuple[int, float]]]) -> list[dict]:
    """At least two distinct alpha/n among the plateaus near alpha/n, per sign of phi0."""
    rows = []
    for phi0 in sorted(runs.df["phi0"].astype(float).unique(), reverse=True):
        ns = sorted({n for n, _ in found.get(float(phi0), [])})
        predicted = _predicted_plateaus(runs, float(phi0))
        if len(ns) < 2 and predicted is not None and predicted < 2:
            rows.append(Claim(FIG, f"multiple drift velocities (Phi0 = {_g(phi0)})").na(
                f"plain Eq. 33 has stable solutions near {predicted} alpha/n the runs can "
                f"reach: no two plateaus to find", ">= 2 distinct plateaus",
                f"{len(ns)} (n = {', '.join(map(str, ns)) or '-'})"))
            continue
        rows.append(runs.judged(len(ns) >= 2, f"multiple drift velocities (Phi0 = {_g(phi0)})",
                                ">= 2 distinct plateaus", f"{len(ns)} (n = "
                                f"{', '.join(map(str, ns)) or '-'})", ">= 2",
                                "distinct alpha/n among the plateaus that lie near alpha/n"))
    return rows
