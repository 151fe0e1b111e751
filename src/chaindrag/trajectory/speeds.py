"""Speed of the particle midway between chain masses, against time (Sec. IV A, Fig. 8)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..params import ParameterError
from .core import Trajectory
from .crossings import _midpoint_crossings, _particle_record


def midpoint_speeds(traj: Trajectory, particle: int = 0, *,
                    method: str = "midpoint") -> pd.DataFrame:
    """Speed of the particle midway between chain masses, against time (Sec. IV A, Fig. 8).

    The paper plots the local maxima (phi0 > 0) or minima (phi0 < 0) of v(tau), which
    for a cell symmetric about its midpoint sit at the midpoints.

    Parameters
    ----------
    traj : Trajectory
    particle : int
    method : {'midpoint', 'extremum'}
        ``'midpoint'`` (default): the interpolated speed at every midpoint crossing —
        one value per cell, immune to numerical noise in v.  ``'extremum'``: the maximum
        (phi0 >= 0) or minimum (phi0 < 0) of |v| over the samples between the two
        chain-mass crossings that enclose a midpoint crossing, refined by the vertex of a
        parabola through the extreme sample and its neighbours (error O(delta^3)).  Only
        cells traversed from one mass to the next are used (a captured particle's
        turning points are not extrema of a pass).  With a bias the true extremum is
        shifted from the midpoint where bias/alpha balances the Gaussian tails; v is
        flat there, so the two methods differ by O(bias^2) — negligible for Fig. 8.

    Returns
    -------
    pandas.DataFrame
        Columns ``tau``, ``v`` (speed, >= 0), ``sigma``, ``direction``.
    """
    tau, sigma, v = _particle_record(traj, particle)
    alpha = traj.alpha
    k, t_c, s_mid, v_c, direction = _midpoint_crossings(tau, sigma, v, alpha)
    if method == "midpoint":
        return pd.DataFrame({"tau": t_c, "v": np.abs(v_c), "sigma": s_mid,
                             "direction": direction})
    if method != "extremum":
        raise ParameterError(f"method must be 'midpoint' or 'extremum', got {method!r}")
    # segments of samples separated by crossings of rest positions alpha g
    rest_cell = np.floor(sigma / alpha)
    rest_jump = np.diff(rest_cell)
    rk = np.flatnonzero(rest_jump)
    seg_of_sample = np.concatenate([[0], np.cumsum(rest_jump != 0)])
    n_seg = rk.size + 1
    ev_seg = seg_of_sample[k + 1]
    # a segment is a full traverse when it is closed by a rest crossing in the event's
    # direction and opened either by the start or by a rest crossing in the same direction
    rest_dir = np.sign(rest_jump[rk]).astype(np.int64)  # direction of each rest crossing
    closed = ev_seg < n_seg - 1
    after = np.where(closed, rest_dir[np.minimum(ev_seg, max(rk.size - 1, 0))]
                     if rk.size else 0, 0)
    before = np.where(ev_seg > 0, rest_dir[np.maximum(ev_seg - 1, 0)] if rk.size else 0,
                      np.where(k == -1, direction, 0))  # segment 0 counts only from a midway start
    full = closed & (after == direction) & (before == direction)
    segs = np.unique(ev_seg[full])
    speed = np.abs(v)
    key = speed if traj.phi0 < 0 else -speed
    order = np.lexsort((key, seg_of_sample))
    first = np.searchsorted(seg_of_sample[order], segs)
    i = order[first]
    # parabolic vertex through (i-1, i, i+1), where both neighbours exist
    inner = (i > 0) & (i < speed.size - 1)
    ic = np.clip(i, 1, speed.size - 2)
    y0, y1, y2 = speed[ic - 1], speed[ic], speed[ic + 1]
    curv = y0 - 2 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(inner & (curv != 0), 0.5 * (y0 - y2) / curv, 0.0)
    shift = np.clip(shift, -1.0, 1.0)
    v_ext = np.where(inner, y1 - 0.25 * (y0 - y2) * shift, speed[i])
    h = np.where(shift >= 0, tau[np.minimum(ic + 1, tau.size - 1)] - tau[ic],
                 tau[ic] - tau[ic - 1])
    t_ext = np.where(inner, tau[ic] + shift * h, tau[i])
    s_ext = np.where(inner, np.interp(t_ext, tau, sigma), sigma[i])
    ev_dir = direction[full][np.searchsorted(ev_seg[full], segs)]
    return pd.DataFrame({"tau": t_ext, "v": v_ext, "sigma": s_ext, "direction": ev_dir})
