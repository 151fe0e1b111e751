"""Fig. 7: losses along full trajectories are enhanced near the fast resonances (Sec. V)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import analytic
from .kinematics import _fluctuation
from .rows import Claim, _as_bool, _by_phi0, _col, _g, _require
from .tolerances import FIG7_CONTRAST, FIG7_ENHANCEMENT, FIG7_MIN_BAND

FIG = "fig7"


def check_fig7(table: pd.DataFrame | None, l_max: int = 12) -> list[dict]:
    """Fig. 7: losses along the full trajectories are enhanced near v_l = 2 alpha omega_fast/(2l+1).

    For the largest resonance inside the kept passes' speed range, with the window
    W = |v_l - v_ext(v_l)| + 2 x (median speed spacing of the passes) — the speed spread
    within a cell, by which the peak shifts (Sec. V: to higher v_mid for repulsive, lower
    for attractive) — the largest ratio Delta/Delta_26 in |v - v_l| <= W must be >= 1.1 and
    exceed by >= 0.05 every ratio in the band v_l - 3W <= v < v_l - W just below it (the
    oscillations that follow the peak). n/a when no resonance lies in [v_min + W, v_max] or the
    band below holds fewer than 5 passes (a short run).

    Parameters
    ----------
    table : pandas.DataFrame or None
        The fig7_per_pass table (phi0, alpha, v_mid, delta_numeric; optionally keep, mu, lam,
        omega_fast).
    l_max : int, optional
        Largest resonance order l considered.

    Returns
    -------
    list of dict
        One row per phi0, repulsive first.

    Raises
    ------
    NotApplicable
        The table is missing, empty or lacks a column.
    """
    df = _require(table, "fig7_per_pass", ["phi0", "alpha", "v_mid", "delta_numeric"])
    return [_resonance_row(float(phi0), g, l_max) for phi0, g in _by_phi0(df)]


def _resonance_row(phi0: float, g: pd.DataFrame, l_max: int) -> dict:
    """The enhancement row of the passes of one phi0."""
    claim = Claim(FIG, f"losses enhanced near the largest resonance v = 2 alpha "
                  f"omega_fast/(2l+1) (Phi0 = {_g(phi0)})")
    if "keep" in g.columns:
        g = g[_as_bool(g["keep"])]
    v = g["v_mid"].to_numpy(float)
    d = pd.to_numeric(g["delta_numeric"], errors="coerce").to_numpy(float)
    ok = np.isfinite(v) & np.isfinite(d) & (v > 0)
    g, v, d = g[ok], v[ok], d[ok]
    if v.size < 10:
        return claim.na(f"only {v.size} kept passes")
    alpha = float(g["alpha"].iloc[0])
    wf = float(_col(g, "omega_fast", 10.0)[0])
    mu = float(_col(g, "mu", 1.0)[0])
    lam = float(_col(g, "lam", 4.0)[0])
    order = np.argsort(v)
    v, d = v[order], d[order]
    if "delta_analytic" in g.columns:  # the table's Eq. 26 (Eq. 25 for another potential)
        an = pd.to_numeric(g["delta_analytic"], errors="coerce").to_numpy(float)[order]
    else:
        an = np.asarray(analytic.single_pass_loss(v, phi0, lam, wf), float)
    ratio = d / an
    spacing = float(np.median(np.diff(v))) if v.size > 1 else 0.0
    chosen = _largest_resonance(v, analytic.fast_resonance_speeds(alpha, wf, int(l_max)),
                                phi0, mu, spacing)
    if chosen is None:
        return claim.na(f"no resonance 2 alpha omega_fast/(2l+1), l <= {l_max}, inside the "
                        f"kept speeds {_g(v.min())}..{_g(v.max())} (with its window)")
    l, vl, w = chosen
    claim = Claim(FIG, claim.text.replace("the largest resonance",
                                          f"the largest resonance l = {l}"))
    win = np.abs(v - vl) <= w
    band = (v >= vl - 3 * w) & (v < vl - w)
    k = int(np.argmax(np.where(win, ratio, -np.inf)))
    tol = f"|v_peak - v_l| <= {_g(w)}"
    if band.sum() < FIG7_MIN_BAND:
        return claim.na(f"only {int(band.sum())} passes in the band {_g(vl - 3 * w)}.."
                        f"{_g(vl - w)} below the window (run too short to compare); peak ratio "
                        f"{_g(ratio[k])} at v = {_g(v[k])}", vl, v[k], tol)
    band_max = float(ratio[band].max())
    passed = ratio[k] >= FIG7_ENHANCEMENT and ratio[k] >= band_max + FIG7_CONTRAST
    return claim.row(vl, v[k], tol, passed,
                     f"peak Delta/Delta_26 = {_g(ratio[k])} (>= 1.1) at v_mid = {_g(v[k])}; "
                     f"largest ratio in the band below ({_g(vl - 3 * w)}..{_g(vl - w)}, "
                     f"{int(band.sum())} passes) {_g(band_max)} (must be 0.05 lower); "
                     f"W = speed spread in a cell + 2 pass spacings")


def _largest_resonance(v: np.ndarray, res, phi0: float, mu: float,
                       spacing: float) -> tuple[int, float, float] | None:
    """(l, v_l, W) of the first resonance (largest v_l) in [v_min + W, v_max], or None."""
    for l, vl in enumerate(res):
        w = float(_fluctuation(vl, phi0, mu)) + 2.0 * spacing
        if math.isfinite(w) and v.min() + w <= vl <= v.max():
            return l, float(vl), w
    return None
