"""Fig. 8(a, b): the fates of the biased runs, the drift plateaus and Eq. 33's drift speeds."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import analytic
from .fig8_relaxation import _continued_rows, _eq33_acceleration, _relaxation_rows
from ..trajectory.fates import _nearest_resonance as _nearest_n  # drift_fate's n
from .kinematics import _EIGHT_PI_SQ, _fluctuation
from .pair import barriers, table_interaction
from .rows import Claim, _as_bool, _by_phi0, _col, _g, _require
from .tolerances import (PAPER_FIG8_TAU, PLATEAU_CLUSTER, PLATEAU_LOCK, PLATEAU_SETTLED,
                         RELAXATION_RTOL)

FIG = "fig8"
FATES = {"runaway", "drift", "captured"}


@dataclass(frozen=True, eq=False)
class _Fig8Runs:
    """The Fig. 8 runs and what every claim about them needs."""

    df: pd.DataFrame            # fig8_fates
    mids: dict | None           # midpoint crossings per (phi0, v0)
    drift: pd.DataFrame | None  # drift_velocities with _stable, _broad; None if unusable
    alpha: float
    bias: float
    mu: float
    free: float                 # dv/dtau of the bias alone, 4 pi^2 bias / (mu alpha)
    tau_max: float
    short: bool                 # shorter than the paper's runs
    short_note: str

    def judged(self, ok: bool, claim: str, expected, measured, tol, note: str,
               unsettled: bool = False) -> dict:
        """Passed if ``ok``; else n/a for short or unsettled runs; else failed."""
        excuse = self.short_note if self.short else (
            "not settled by the end of the run" if unsettled else "")
        return Claim(FIG, claim).judged(expected, measured, tol, ok, note, excuse)


def _fig8_runs(fates: pd.DataFrame | None, drift: pd.DataFrame | None, mu: float,
               midpoints: pd.DataFrame | None) -> _Fig8Runs:
    """The fates table checked, the midpoints grouped per run, the drift table flagged."""
    df = _require(fates, "fig8_fates", ["phi0", "alpha", "v0", "fate"])
    tau_max = float(_col(df, "tau_max", math.nan)[0])
    alpha = float(df["alpha"].iloc[0])
    bias = float(_col(df, "bias", 0.0)[0])
    mids = None
    if midpoints is not None and len(midpoints) and {"phi0", "v0", "tau", "v"} <= set(
            midpoints.columns):
        mids = {(float(p), float(v)): g for (p, v), g in midpoints.groupby(["phi0", "v0"])}
    dv = None
    if drift is not None and len(drift) > 0 and {"v", "stable"} <= set(drift.columns):
        dv = drift.copy()
        dv["_stable"] = _as_bool(dv["stable"])
        dv["_broad"] = (_as_bool(dv["broadened"]) if "broadened" in dv.columns
                        else np.zeros(len(dv), bool))
    return _Fig8Runs(
        df=df, mids=mids, drift=dv, alpha=alpha, bias=bias, mu=mu,
        free=4 * math.pi**2 * bias / (mu * alpha), tau_max=tau_max,
        short=math.isfinite(tau_max) and tau_max < PAPER_FIG8_TAU,
        short_note=(f"runs last tau = {_g(tau_max)} < {_g(PAPER_FIG8_TAU)} (the paper's): a run "
                    "still relaxing can be taken for a plateau or be undecided"))


def check_fig8(fates: pd.DataFrame | None, drift: pd.DataFrame | None, mu: float = 1.0,
               midpoints: pd.DataFrame | None = None) -> list[dict]:
    """Fig. 8(a, b): fates of the biased runs, the drift plateaus, and Eq. 33's drift speeds.

    * Every run ends runaway, at a drift plateau or captured. Runs undetermined at tau_max
      were continued until decided (tau_decided) or capped; a capped run makes the claim
      n/a with its reason (e.g. sitting on an unstable solution of Delta_bar = bias), an
      undetermined run not continued to the cap fails it.
    * Repulsive runs started below the capture speed (with the bias's bias/2) are captured.
    * One row per plateau (runs whose cell-mean speeds agree to 2%): its cell-mean speed
      alpha/<tau per cell> (``cell_v``) lies within 1% of the nearest alpha/n (at most a
      quarter of the half-gap to the neighbouring line): the particle crosses one cell per
      n slow periods. The midpoint speeds Fig. 8 plots are extrema, off the mean by the
      cell's speed swing (wider than the gap between lines at low speed), so they cannot
      tell n. A plateau still drifting by more than 5% of the bias's free acceleration
      4 pi^2 bias/(mu alpha) is not settled: n/a if it misses the line.
    * Every stable band-bottom solution of Delta_bar(v) = bias of plain Eq. 33
      (drift_velocities.csv) inside the runs' initial speeds is realised by a plateau near
      the same alpha/n ("as predicted by our analytics"); the broadened solutions (Fig. 9,
      qualitative) are noted.
    * Runs away from the plateaus change speed at the rate Eq. 33 predicts, and the runs
      continued beyond tau_max move from there towards their fates in the direction of
      Eq. 33's mean force.
    * Multiple drift velocities: at least two distinct plateaus near alpha/n per sign.

    Long-time claims not met are n/a for runs shorter than the paper's tau = 800.

    Parameters
    ----------
    fates : pandas.DataFrame or None
        The fig8_fates table (phi0, alpha, v0, fate; optionally bias, tau_max, plateau_v,
        tail_v, tail_slope, lam, omega_fast, tau_end, tau_decided, capped, cap_reason).
    drift : pandas.DataFrame or None
        The drift_velocities table (v, stable; optionally broadened, resonance, phi0).
    mu : float, optional
        Particle mass of the runs.
    midpoints : pandas.DataFrame or None, optional
        The fig8_midpoints table (phi0, v0, tau, v; optionally direction): the runs up to
        tau_max.

    Returns
    -------
    list of dict
        The rows in the order of the claims above.

    Raises
    ------
    NotApplicable
        The fates table is missing, empty or lacks a column.
    """
    runs = _fig8_runs(fates, drift, mu, midpoints)
    rows = _fate_rows(runs) + _capture_rows(runs)
    plateau_rows, found = _plateau_rows(runs)
    rows += plateau_rows + _realised_rows(runs, found)
    rows += _relaxation_rows(runs.df, runs.mids, runs.alpha, runs.bias, runs.mu, runs.free,
                             runs.short, runs.short_note)
    rows += _continued_rows(runs.df, runs.mids, runs.alpha, runs.bias, runs.mu, runs.free,
                            runs.tau_max, runs.short, runs.short_note)
    return rows + _multiple_rows(runs, found)


# ------------------------------------------------------------------------------------ fates
def _fate_rows(runs: _Fig8Runs) -> list[dict]:
    """Every run ends runaway, at a drift plateau or captured (one row per sign of phi0).

    Runs undetermined at tau_max were continued (fig8_fates: tau_end, tau_decided); a run
    still undetermined at the cap makes the row n/a, its cap_reason in the note; an
    undetermined run that was not continued to the cap fails it.
    """
    rows = []
    for phi0, g in _by_phi0(runs.df):
        phi0 = float(phi0)
        fate = g["fate"].astype(str)
        counts = fate.value_counts().to_dict()
        text = ", ".join(f"{k} {counts[k]}" for k in sorted(counts))
        claim = f"runs end runaway, at a drift plateau, or captured (Phi0 = {_g(phi0)})"
        open_ = g[~fate.isin(FATES)]
        capped = open_[_as_bool(open_["capped"])] if "capped" in open_.columns else open_.iloc[:0]
        stuck = open_.drop(index=capped.index)
        note = f"{len(g)} runs up to tau = {_g(runs.tau_max)}" + _decision_note(runs, g)
        if len(capped):
            reasons = capped["cap_reason"] if "cap_reason" in capped.columns else \
                pd.Series("", index=capped.index)
            note += "; capped: " + "; ".join(
                f"v0 = {_g(v0)}: {why if isinstance(why, str) and why else 'no reason given'}"
                for v0, why in zip(capped["v0"], reasons))
        if len(stuck):
            note += ("; undetermined without reaching the cap: v0 = "
                     + ", ".join(_g(x) for x in stuck["v0"]))
        c = Claim(FIG, claim)
        expected, tol = "each run one of three fates", "0 undetermined"
        if len(open_) and not len(stuck):  # every open run reached the cap: not decidable here
            continued = (_col(open_, "tau_end", runs.tau_max) > runs.tau_max * (1 + 1e-9)).any()
            excuse = runs.short_note if runs.short else "not decided by the cap" if continued \
                else (f"not decided by tau = {_g(runs.tau_max)} (the panels' run length); the "
                      "named target `fates` continues these runs (validation_fates.csv)")
            rows.append(c.na(f"{excuse}; {note}", expected, text, tol))
        else:
            rows.append(c.row(expected, text, tol, not len(open_), note))
    return rows


def _decision_note(runs: _Fig8Runs, g: pd.DataFrame) -> str:
    """Note text: the latest decision time and the runs continued beyond tau_max."""
    decided = _col(g, "tau_decided", math.nan)
    text = f"; fates decided by tau = {_g(np.nanmax(decided))}" if np.isfinite(decided).any() \
        else ""
    ends = _col(g, "tau_end", runs.tau_max)
    longer = g[ends > runs.tau_max * (1 + 1e-9)]
    if len(longer):
        when = [f"decided at tau = {_g(t)}" if math.isfinite(t) else f"open at tau = {_g(e)}"
                for t, e in zip(_col(longer, "tau_decided", math.nan), ends[ends > runs.tau_max
                                                                           * (1 + 1e-9)])]
        text += f"; continued beyond tau = {_g(runs.tau_max)}: " + ", ".join(
            f"v0 = {_g(v0)} {fate} {w}" for v0, fate, w in zip(longer["v0"], longer["fate"],
                                                              when))
    return text


def _capture_rows(runs: _Fig8Runs) -> list[dict]:
    """Repulsive runs started below the capture speed (with the bias's bias/2) are captured."""
    barrier = barriers(runs.df)
    rep = runs.df[barrier > 0]
    claim = Claim(FIG, "repulsive runs started below the capture speed are captured")
    if not len(rep):
        return []
    bias = _col(rep, "bias", 0.0)
    vcb = np.sqrt(np.maximum(_EIGHT_PI_SQ * (barrier[barrier > 0] - 0.5 * bias) / runs.mu,
                             0.0))
    below = rep[rep["v0"].to_numpy(float) < vcb]
    if not len(below):
        return [claim.na("no repulsive run started below the capture speed")]
    bad = below[below["fate"].astype(str) != "captured"]
    what = "Phi_max" if "interaction" in rep.columns else "Phi0"
    return [claim.row("captured", f"{len(below) - len(bad)} of {len(below)} captured", "all",
                      not len(bad),
                      f"capture speed sqrt(8 pi^2 ({what} - bias/2)/mu) = {_g(vcb[0])}"
                      + (f"; not captured: v0 = {', '.join(_g(x) for x in bad['v0'])}"
                         if len(bad) else ""))]


# --------------------------------------------------------------------------------- plateaus
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
    why = "" if ok or runs.free <= 0 else _off_line(runs, phi0, g, vmean, spread,
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


def _off_line(runs: _Fig8Runs, phi0: float, g: pd.DataFrame, vmean: float, spread: float,
              meas: float) -> str:
    """Why a plateau off alpha/n is no plateau (note text), or "" if nothing explains it.

    Either the run sits on an unstable root of Delta_bar(v) = bias (zero mean force, Fig. 8c)
    or it relaxes at the rate Eq. 33 predicts; ``meas`` is its mean tail slope dv/dtau.
    """
    lam = float(_col(g, "lam", math.nan)[0])
    wf = float(_col(g, "omega_fast", 10.0)[0])
    pred = _eq33_acceleration(vmean, phi0, lam, runs.alpha, wf, runs.bias, runs.mu,
                              table_interaction(g))
    unstable = []
    if runs.drift is not None:
        dv = runs.drift
        un = dv[~dv["_stable"] & ~dv["_broad"]]["v"].to_numpy(float)
        unstable = un[np.abs(un - vmean) <= max(spread, 0.02 * vmean)]
    if len(unstable):
        return (f"; sits on the unstable solution v = {_g(unstable[0])} of Eq. 33 (Delta_bar = "
                f"bias: zero mean force, it leaves over longer times): measured dv/dtau "
                f"{_g(meas)}")
    if abs(pred) > 0.01 * runs.free and abs(meas - pred) <= RELAXATION_RTOL * runs.free:
        return (f"; relaxing at the rate Eq. 33 (broadened) predicts: dv/dtau = 4 pi^2 (bias - "
                f"Delta_bar(v))/(mu alpha) = {_g(pred)}, measured {_g(meas)}")
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
