"""Long-time fate of a biased particle (Sec. VI, Fig. 8) and the sound-cone check (Fig. 3)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..params import (GaussianInteraction, ParameterError, require_finite, require_positive,
                      require_range)
from .core import Trajectory
from .speeds import midpoint_speeds


def _nearest_resonance(v: float, alpha: float) -> int:
    """Positive integer n minimising |alpha/n - v| (the Fig. 8 lines v = alpha/n)."""
    x = alpha / v
    cands = [n for n in (math.floor(x), math.ceil(x)) if n >= 1] or [1]
    return min(cands, key=lambda n: abs(alpha / n - v))


def drift_fate(data: Trajectory | pd.DataFrame, alpha: float | None = None,
               bias: float | None = None, *, tau_end: float | None = None,
               tail_fraction: float = 0.25, plateau_rtol: float = 0.01,
               runaway_rtol: float = 0.005, steady_ratio: float = 0.9,
               gap_cells: float = 4.0,
               min_points: int = 8) -> dict:
    """Classify the long-time fate of a biased particle (Sec. VI, Fig. 8).

    Parameters
    ----------
    data : Trajectory or DataFrame
        A trajectory, or its :func:`midpoint_speeds` table (columns ``tau``, ``v`` and
        optionally ``direction``).
    alpha, bias : float, optional
        Lattice constant and bias beta; taken from the trajectory when omitted.
    tau_end : float, optional
        End of the run (required with a table; ``traj.tau[-1]`` otherwise).
    tail_fraction : float
        The last ``tail_fraction`` of the run time is judged (default: last quarter).
    plateau_rtol : float
        'drift' when the relative standard deviation and the relative change of the
        tail speeds (linear fit) are both <= this (default 1 %).
    runaway_rtol : float
        'runaway' when bias > 0 and the tail speeds rise by >= this relative amount
        with a correlation >= 0.9 (default 0.5 %).
    steady_ratio : float
        Runaway also needs the second half of the tail to rise at least ``steady_ratio``
        times as fast as the first: under a constant bias dv/dtau = 4 pi^2 (beta -
        Delta_bar)/(mu alpha) is constant or growing (Delta_bar falls with v), whereas an
        approach to a drift velocity slows down (default 0.9).
    gap_cells : float
        'captured' when the particle stops crossing midpoints: no crossing during the
        last ``gap_cells`` alpha/v_last of the run, fewer than ``min_points`` crossings,
        or alternating crossing directions in the tail (oscillation in a well).

    Returns
    -------
    dict
        ``fate`` ('runaway' | 'drift' | 'captured' | 'undetermined' when none of the
        criteria holds, e.g. still relaxing), ``plateau_v`` (mean tail speed for 'drift',
        else NaN), ``n`` (nearest n with alpha/n, else None), ``offset`` (plateau_v -
        alpha/n), ``tail_slope`` (dv/dtau of the tail fit), ``n_points``.
    """
    if isinstance(data, Trajectory):
        alpha = data.alpha if alpha is None else alpha
        bias = float(data.params.get("bias", 0.0) or 0.0) if bias is None else bias
        tau_end = float(data.tau[-1]) if tau_end is None else tau_end
        table = midpoint_speeds(data)
    elif isinstance(data, pd.DataFrame):
        table = data
        if alpha is None or tau_end is None:
            raise ParameterError("drift_fate on a table needs alpha and tau_end")
    else:
        raise ParameterError(
            f"data must be a Trajectory or a midpoint DataFrame, got {type(data).__name__}")
    alpha = float(require_positive("alpha", alpha))
    bias = 0.0 if bias is None else float(require_finite("bias", bias))
    require_range("tail_fraction", tail_fraction, 0.0, 1.0, lo_open=True)
    t = np.asarray(table["tau"], dtype=float)
    v = np.abs(np.asarray(table["v"], dtype=float))
    d = (np.asarray(table["direction"]) if "direction" in table else np.ones_like(t))
    nan = float("nan")
    out = {"fate": "undetermined", "plateau_v": nan, "n": None, "offset": nan,
           "tail_slope": nan, "n_points": int(t.size)}
    if t.size < min_points or tau_end - t[-1] > gap_cells * alpha / max(v[-1], 1e-300):
        out["fate"] = "captured"
        return out
    t0 = t[0]
    tail = t >= tau_end - tail_fraction * (tau_end - t0)
    if tail.sum() < 4 or np.any(d[tail] != d[tail][-1]):
        out["fate"] = "captured"
        return out
    tt, vv = t[tail], v[tail]
    slope, _ = np.polyfit(tt, vv, 1)
    mean = vv.mean()
    span = tt[-1] - tt[0]
    rel_change = slope * span / mean
    out["tail_slope"] = float(slope)
    half = tt < tt[0] + 0.5 * span
    corr = np.corrcoef(tt, vv)[0, 1] if vv.std() > 0 else 0.0
    if bias > 0 and rel_change >= runaway_rtol and corr >= 0.9 and half.sum() >= 2 \
            and (~half).sum() >= 2:
        s1 = np.polyfit(tt[half], vv[half], 1)[0]
        s2 = np.polyfit(tt[~half], vv[~half], 1)[0]
        if s1 > 0 and s2 >= steady_ratio * s1:
            out["fate"] = "runaway"
            return out
    if vv.std() / mean <= plateau_rtol and abs(rel_change) <= plateau_rtol:
        n = _nearest_resonance(mean, alpha)
        out.update(fate="drift", plateau_v=float(mean), n=n, offset=float(mean - alpha / n))
    return out


def sound_cone_leak(traj: Trajectory, omega_fast: float | None = None, *,
                    margin: float | None = None) -> float:
    """Largest chain displacement recorded outside the sound cone (Sec. IV, Fig. 3).

    Signals travel at most at the maximal group velocity c = pi (omega_fast - 1) sites
    per unit tau (Eq. 11), so a mass g with |alpha g - sigma0| > alpha (c tau + margin)
    must still be at rest.

    Parameters
    ----------
    traj : Trajectory
        With recorded chain displacements.
    omega_fast : float, optional
        Band top; ``traj.params['omega_fast']`` when omitted.
    margin : float, optional
        Extra sites added to the cone: the reach of the interaction at tau = 0.
        Default: cutoff of the Gaussian (|Phi'| < 1e-20) in sites, plus one.

    Returns
    -------
    float
        max |rho_g(tau)| over recorded (g, tau) outside the cone; 0.0 when none is outside.
    """
    omega_fast = float(traj.params["omega_fast"] if omega_fast is None else omega_fast)
    require_range("omega_fast", omega_fast, 1.0, lo_open=True)
    alpha = traj.alpha
    if margin is None:
        reach = GaussianInteraction(traj.phi0, traj.lam).cutoff(1e-20)
        margin = math.ceil(reach / alpha) + 1.0
    require_positive("margin", margin, allow_zero=True)
    sigma0 = float(traj.params.get("sigma0", traj.sigma[0, 0]))
    c = math.pi * (omega_fast - 1.0)
    dist = np.abs(alpha * traj.chain_sites - sigma0)[:, None]
    outside = dist > alpha * (c * traj.chain_tau[None, :] + margin)
    if not outside.any():
        return 0.0
    return float(np.max(np.abs(traj.chain_displacement[outside])))
