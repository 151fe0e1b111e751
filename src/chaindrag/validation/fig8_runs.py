"""Fig. 8(a, b): the biased runs as every claim about them sees them.

The fig8_fates table checked (phi0, alpha, v0, fate), the midpoint crossings grouped per run
(phi0, v0), the drift_velocities table (Eq. 33's solutions of Delta_bar(v) = bias) flagged
stable and broadened, and the bias's free acceleration 4 pi^2 bias / (mu alpha): one
:class:`_Fig8Runs` that :mod:`~chaindrag.validation.fig8_fates` and
:mod:`~chaindrag.validation.fig8_plateaus` judge, and that judges a claim n/a for runs shorter
than the paper's tau = 800.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .rows import Claim, _as_bool, _col, _g, _require
from .tolerances import PAPER_FIG8_TAU

FIG = "fig8"


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
