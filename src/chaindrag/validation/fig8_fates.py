"""Fig. 8(a, b): the fates of the biased runs.

Every run ends runaway, at a drift plateau or captured (runs undetermined at tau_max are
continued until decided or capped), and the repulsive runs started below the capture speed
sqrt(8 pi^2 (Phi_max - bias/2) / mu) are captured.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .fig8_runs import FIG, _Fig8Runs
from .kinematics import _EIGHT_PI_SQ
from .pair import barriers
from .rows import Claim, _as_bool, _by_phi0, _col, _g

FATES = {"runaway", "drift", "captured"}


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
    """Runs of a potential with a barrier (repulsive) started below its capture speed (with
    the bias's bias/2) are captured."""
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
    # one capture speed per barrier: a Morse channel and its mirror both have one
    speeds = ", ".join(f"{_g(v)} (Phi0 = {_g(p)})"
                       for p, v in sorted(set(zip(rep["phi0"].to_numpy(float), vcb))))
    return [claim.row("captured", f"{len(below) - len(bad)} of {len(below)} captured", "all",
                      not len(bad),
                      f"capture speed sqrt(8 pi^2 ({what} - bias/2)/mu) = {speeds}"
                      + (f"; not captured: v0 = {', '.join(_g(x) for x in bad['v0'])}"
                         if len(bad) else ""))]
