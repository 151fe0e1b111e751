"""Speed of the particle midway between chain masses, against time (Sec. IV A, Fig. 8)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..params import ParameterError
from .core import Trajectory
from .crossings import _check_decimated_crossings, _midpoint_crossings, _particle_record


def midpoint_speeds(traj: Trajectory, particle: int = 0, *,
                    method: str = "midpoint") -> pd.DataFrame:
    """Speed of the particle midway between chain masses, against time (Sec. IV A, Fig. 8).

    The paper plots the local maxima (phi0 > 0) or minima (phi0 < 0) of v(tau) (Fig. 8
    caption), which for a cell symmetric about its midpoint sit at the midpoints.

    Parameters
    ----------
    traj : Trajectory
        Best recorded every step (``record_every=1``). A coarser record is accepted while
        the particle moves at most 1/4 of the interaction width (lam) per recorded sample
        and v's interpolation at every crossing errs <= 1e-6 relative (estimated from the
        record's second differences; see ``crossings._check_decimated_crossings``);
        otherwise it is refused.
    particle : int
        Index of the particle measured, an integer in [0, n_particles - 1].
    method : {'midpoint', 'extremum'}
        ``'midpoint'`` (default): the interpolated speed at every midpoint crossing, one
        value per crossing.  ``'extremum'`` (the paper's definition): the maximum
        (phi0 >= 0) or minimum (phi0 < 0) of |v| over the samples between the two
        rest-position crossings that enclose a midpoint crossing, refined by the vertex of
        a parabola through the extreme sample and its neighbours (error O(delta^3)) where
        that sample is a local extremum (a speed rising or falling through the whole cell
        gives its extreme sample).  Only cells traversed from one mass to the next are used
        (a captured particle's turning points are not extrema of a pass); a start on a mass
        or on a midpoint opens its cell.  The extremum leaves the midpoint where the
        cell is not symmetric (the bias, the displaced chain masses of the wake), so the
        two methods differ, by up to ~1e-3 relative at low speeds.

    Returns
    -------
    pandas.DataFrame
        Columns ``tau``, ``v`` (speed, >= 0), ``sigma``, ``direction``; with
        ``method='extremum'`` also ``tau_midpoint`` and ``v_midpoint``, the time and speed
        of the midpoint crossing in the same traverse.

    Raises
    ------
    ParameterError
        Unknown ``method``, ``particle`` out of range, or a record too coarse: the
        particle moves more than 1/4 lam per recorded sample, a decimated record
        interpolates a crossing's speed worse than 1e-6 relative, or the particle
        crosses several midpoints between two records.
    """
    tau, sigma, v = _particle_record(traj, particle)
    k, t_c, s_mid, v_c, direction = _midpoint_crossings(tau, sigma, v, traj.alpha)
    _check_decimated_crossings(traj, tau, v, k)
    if method == "midpoint":
        return pd.DataFrame({"tau": t_c, "v": np.abs(v_c), "sigma": s_mid,
                             "direction": direction})
    if method != "extremum":
        raise ParameterError(f"method must be 'midpoint' or 'extremum', got {method!r}")
    seg_of_sample, first_sample, segs, ev = _full_traverses(sigma, traj.alpha, k, direction,
                                                            v[0])
    speed = np.abs(v)
    i = _segment_extremum(speed, seg_of_sample, first_sample, segs, largest=traj.repulsive)
    t_ext, v_ext = _parabola_vertex(tau, speed, i, largest=traj.repulsive)
    s_ext = np.interp(t_ext, tau, sigma)
    return pd.DataFrame({"tau": t_ext, "v": v_ext, "sigma": s_ext, "direction": direction[ev],
                         "tau_midpoint": t_c[ev], "v_midpoint": np.abs(v_c[ev])})


def _full_traverses(sigma, alpha: float, k, direction, v0: float):
    """The segments between rest-position crossings that are full traverses of a cell.

    Returns ``seg_of_sample`` (segment index of every sample: segments are contiguous),
    ``first_sample`` (first sample of every segment), the full segments ``segs`` and, for
    each, ``ev``: the index of its first midpoint crossing.  A segment is a full traverse
    when it holds a midpoint crossing and is closed by a rest crossing in that crossing's
    direction and opened by one in the same direction (or by a start on the midpoint, or
    on a rest position (within 1e-9 alpha) with v0 in that direction: a start on a mass
    opens its cell whichever way the particle leaves, as a start on a midpoint does).
    """
    rest_jump = np.diff(np.floor(sigma / alpha))
    rk = np.flatnonzero(rest_jump)
    seg_of_sample = np.concatenate([[0], np.cumsum(rest_jump != 0)])
    first_sample = np.concatenate([[0], rk + 1])
    n_seg = rk.size + 1
    ev_seg = seg_of_sample[k + 1]
    rest_dir = np.sign(rest_jump[rk]).astype(np.int64)  # direction of each rest crossing
    closed = ev_seg < n_seg - 1
    after = np.where(closed, rest_dir[np.minimum(ev_seg, max(rk.size - 1, 0))]
                     if rk.size else 0, 0)
    r0 = sigma[0] / alpha
    on_site = abs(r0 - round(r0)) <= 1e-9 * max(1.0, abs(r0))
    start = int(np.sign(v0)) if on_site else 0  # direction in which a start on a mass opens
    # segment 0 counts only from a start midway or on a mass
    before = np.where(ev_seg > 0, rest_dir[np.maximum(ev_seg - 1, 0)] if rk.size else 0,
                      np.where(k == -1, direction, start))
    full = np.flatnonzero(closed & (after == direction) & (before == direction))
    segs, first = np.unique(ev_seg[full], return_index=True)
    return seg_of_sample, first_sample, segs, full[first]


def _segment_extremum(speed, seg_of_sample, first_sample, segs, largest: bool):
    """Index of the first sample of largest (or smallest) speed in each segment of ``segs``."""
    key = speed if largest else -speed
    seg_max = np.maximum.reduceat(key, first_sample)  # O(n): segments are contiguous
    hit = np.flatnonzero(key == seg_max[seg_of_sample])
    seg_hit, first_hit = np.unique(seg_of_sample[hit], return_index=True)
    return hit[first_hit][np.searchsorted(seg_hit, segs)]


def _parabola_vertex(tau, speed, i, largest: bool):
    """Time and speed of the vertex of the parabola through samples i-1, i, i+1.

    Where sample i has no neighbour on one side, or is not a local maximum (``largest``) or
    minimum of the three (the extreme sample of a cell whose speed rises or falls
    monotonically sits at its edge, next to a sample beyond it), the sample itself is
    returned: a parabola opening the other way (or one that is a straight line to
    rounding) has no vertex in the cell.
    """
    ic = np.clip(i, 1, speed.size - 2)
    y0, y1, y2 = speed[ic - 1], speed[ic], speed[ic + 1]
    key = 1.0 if largest else -1.0
    inner = (i > 0) & (i < speed.size - 1) & (key * (y1 - y0) >= 0) & (key * (y1 - y2) >= 0)
    curv = y0 - 2 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(inner & (curv != 0), 0.5 * (y0 - y2) / curv, 0.0)
    shift = np.clip(shift, -1.0, 1.0)
    v_ext = np.where(inner, y1 - 0.25 * (y0 - y2) * shift, speed[i])
    h = np.where(shift >= 0, tau[np.minimum(ic + 1, tau.size - 1)] - tau[ic],
                 tau[ic] - tau[ic - 1])
    t_ext = np.where(inner, tau[ic] + shift * h, tau[i])
    return t_ext, v_ext
