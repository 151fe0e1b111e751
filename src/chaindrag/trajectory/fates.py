"""Long-time fate of a biased particle (Sec. VI, Fig. 8) and the sound-cone check (Fig. 3)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..params import (ParameterError, require_finite, require_int_range, require_positive,
                      require_range)
from .core import Trajectory
from .speeds import midpoint_speeds


def _nearest_resonance(v: float, alpha: float) -> int:
    """Positive integer n minimising |alpha/n - v| (the Fig. 8 lines v = alpha/n)."""
    x = alpha / v
    cands = [n for n in (math.floor(x), math.ceil(x)) if n >= 1] or [1]
    return min(cands, key=lambda n: abs(alpha / n - v))


FATES = ("runaway", "drift", "captured", "undetermined")


@dataclass(frozen=True)
class _Criteria:
    """Thresholds of :func:`drift_fate` (see its parameters) and the bias's free acceleration."""

    tail_fraction: float
    plateau_rtol: float
    settled: float
    runaway_rtol: float
    steady_ratio: float
    period_rtol: float
    gap_cells: float
    min_points: int
    free: float  # 4 pi^2 |bias| / (mu alpha): |dv/dtau| of the bias alone

    def __post_init__(self):
        require_range("tail_fraction", self.tail_fraction, 0.0, 1.0, lo_open=True)
        for name in ("plateau_rtol", "settled", "runaway_rtol", "steady_ratio", "period_rtol"):
            require_range(name, getattr(self, name), 0.0, 1.0)
        require_positive("gap_cells", self.gap_cells)
        # the tail is judged on >= 4 crossings (a line fit to each half needs 2)
        object.__setattr__(self, "min_points", require_int_range("min_points",
                                                                 self.min_points, 4))


def _table_of(data, alpha, bias, tau_end, mu):
    """(table, alpha, bias, tau_end, mu, record end or None) from a trajectory or a table."""
    if isinstance(data, Trajectory):
        alpha = data.alpha if alpha is None else alpha
        bias = float(data.params.get("bias", 0.0) or 0.0) if bias is None else bias
        end = float(data.tau[-1]) if data.tau.size else None
        tau_end = end if tau_end is None else tau_end
        mu = data.mu if mu is None else mu
        return midpoint_speeds(data, method="extremum"), alpha, bias, tau_end, mu, end
    if isinstance(data, pd.DataFrame):
        if alpha is None or tau_end is None:
            raise ParameterError("drift_fate on a table needs alpha and tau_end")
        return data, alpha, bias, tau_end, 1.0 if mu is None else mu, None
    raise ParameterError(
        f"data must be a Trajectory or a midpoint DataFrame, got {type(data).__name__}")


def _table_arrays(table: pd.DataFrame):
    """(tau, |v|, direction) of a speed table: columns present, finite, tau increasing."""
    missing = [c for c in ("tau", "v") if c not in table.columns]
    if missing:
        raise ParameterError(f"the speed table needs columns 'tau' and 'v' (optionally "
                             f"'direction'); missing {missing}, has {list(table.columns)}")
    t = np.asarray(require_finite("table['tau']", np.asarray(table["tau"], dtype=float)))
    v = np.abs(require_finite("table['v']", np.asarray(table["v"], dtype=float)))
    if np.any(np.diff(t) <= 0):
        k = int(np.flatnonzero(np.diff(t) <= 0)[0])
        raise ParameterError(f"table['tau'] must increase strictly (one row per crossing, in "
                             f"time order), got tau={t[k]!r} followed by {t[k + 1]!r}")
    if "direction" not in table.columns:
        return t, v, np.ones_like(t)
    d = np.asarray(require_finite("table['direction']", np.asarray(table["direction"],
                                                                   dtype=float)))
    if not np.all(np.abs(d) == 1):
        raise ParameterError(f"table['direction'] must be +1 or -1, got values "
                             f"{sorted(set(d[np.abs(d) != 1].tolist()))[:5]}")
    return t, v, d


def _checked_tau_end(tau_end, t, record_end) -> float:
    """tau_end finite, >= 0 and >= the last crossing; with a trajectory, <= its last record."""
    tau_end = float(require_finite("tau_end", tau_end))
    last = float(t[-1]) if t.size else 0.0
    if tau_end < max(last, 0.0):
        raise ParameterError(f"tau_end must be >= 0 and >= the last crossing tau={last!r} "
                             f"(the run cannot end before its record), got {tau_end!r}")
    if record_end is not None and tau_end > record_end * (1 + 1e-12):
        raise ParameterError(f"tau_end must lie in [{last!r}, {record_end!r}] (the "
                             f"trajectory's last crossing and last record), got {tau_end!r}")
    return tau_end


def drift_fate(data: Trajectory | pd.DataFrame, alpha: float | None = None,
               bias: float | None = None, *, tau_end: float | None = None,
               mu: float | None = None, tail_fraction: float = 0.25,
               plateau_rtol: float = 0.01, settled: float = 0.01,
               runaway_rtol: float = 0.005, steady_ratio: float = 0.9,
               period_rtol: float = 1e-3, gap_cells: float = 4.0,
               min_points: int = 8) -> dict:
    """Classify the long-time fate of a biased particle (Sec. VI, Fig. 8).

    Between midpoints the particle gains the bias and loses Delta_bar(v) per site, so its
    speed changes at dv/dtau = 4 pi^2 (bias - Delta_bar(v))/(mu alpha) (Eq. 33); the bias
    alone would accelerate it at the free rate 4 pi^2 |bias|/(mu alpha). Only the bias's
    component along the motion (bias x the tail's crossing direction) matters, so a run and
    its mirror image (sigma -> -sigma, v -> -v, bias -> -bias) get the same verdict and
    numbers (all speeds are |v|).

    Parameters
    ----------
    data : Trajectory or DataFrame
        A trajectory (measured with :func:`midpoint_speeds`, ``method='extremum'``), or a
        speed table: columns ``tau`` (finite, strictly increasing), ``v`` (finite; |v| is
        used) and optionally ``direction`` (+1 / -1; without it the motion is taken as
        towards +sigma).
    alpha, bias : float, optional
        Lattice constant (> 0) and bias beta (finite); from the trajectory when omitted.
    tau_end : float, optional
        End of the run (required with a table; ``traj.tau[-1]`` otherwise): finite, >= 0
        and >= the table's last tau. It may lie far beyond the last crossing — a captured
        particle stops crossing midpoints, and that silence is the 'captured' criterion
        (callers pass the run's tau_max or stage end) — but with a trajectory it may not
        exceed ``traj.tau[-1]``, the end of what was recorded.
    mu : float, optional
        Particle mass ratio, > 0 (the trajectory's; 1 for a table when omitted).
    tail_fraction : float
        The last ``tail_fraction`` of the run time is judged, in (0, 1] (default: last
        quarter). ``plateau_rtol``, ``settled``, ``runaway_rtol``, ``steady_ratio`` and
        ``period_rtol`` are fractions in [0, 1].
    plateau_rtol : float
        'drift' (criterion 'plateau') when the relative standard deviation and the relative
        change of the tail speeds (linear fit) are both <= this (default 1 %) ...
    settled : float
        ... and, with a bias, the tail's dv/dtau is at most this fraction of the free
        acceleration (default 1 %): the mean force bias - Delta_bar balances to 1 % of the
        bias. A slow relaxation towards another speed is no plateau, nor is a run leaving an
        unstable solution of Delta_bar = bias (Fig. 8, alpha = 40, phi0 = +-2, bias = 0.01:
        2.5-4.6 % at tau = 800 near v = 68, while the plateaus reached by then are at
        0.2-0.9 %).
    runaway_rtol : float
        'runaway' when the bias points along the motion and the tail speeds rise by
        >= this relative amount with a correlation >= 0.9 (default 0.5 %).
    steady_ratio : float
        Runaway also needs the second half of the tail to rise at least ``steady_ratio``
        times as fast as the first: under a constant bias dv/dtau is constant or growing
        (Delta_bar falls with v), whereas an approach to a drift velocity slows down.
    period_rtol : float
        'drift' (criterion 'locked period') also when the mean time per cell of the two
        halves of the tail agree to this (default 0.1 %) and, with a bias, the mean speed
        alpha/period changes by at most ``settled`` x the free acceleration: the particle
        is locked to a mean speed while its speed at the midpoints oscillates.
    gap_cells : float
        'captured' when no crossing happens during the last ``gap_cells`` (> 0)
        alpha/v_last of the run, ...
    min_points : int
        ... or there are fewer than ``min_points`` (an integer >= 4: the tail is judged on
        at least 4) crossings and it has stopped crossing or turned ('undetermined' if it
        still crosses, one way: too short a record), or the crossing direction alternates
        in the tail (oscillation in a well).

    Returns
    -------
    dict
        ``fate`` ('runaway' | 'drift' | 'captured' | 'undetermined' when no criterion
        holds, e.g. still relaxing), ``criterion`` (which test decided, '' if none),
        ``plateau_v`` (mean tail speed for 'drift', else NaN), ``cell_v`` (the tail's
        cell-mean speed alpha / mean time per cell), ``n`` (for 'drift' the n whose
        alpha/n is nearest to ``cell_v``, else None), ``offset`` (cell_v - alpha/n),
        ``tail_v`` (mean tail speed), ``tail_slope`` (dv/dtau of the tail fit),
        ``n_points``. ``n`` is judged on the cell-mean speed, not on ``plateau_v``: the
        midpoint speed is an extremum of v(tau) and differs from the mean by the speed's
        swing within a cell, which at low speed exceeds the gap between neighbouring
        alpha/n (Fig. 8, phi0 = -2, v0 = 2: midpoints at 3.50, nearest alpha/11, while the
        particle crosses one cell every 8.003 tau, i.e. locks to alpha/8).

    Raises
    ------
    ParameterError
        Any argument outside its range above; a table without columns ``tau``, ``v``, with
        non-finite values, or with tau not increasing.
    """
    table, alpha, bias, tau_end, mu, record_end = _table_of(data, alpha, bias, tau_end, mu)
    alpha = float(require_positive("alpha", alpha))
    bias = 0.0 if bias is None else float(require_finite("bias", bias))
    mu = float(require_positive("mu", mu))
    crit = _Criteria(tail_fraction, plateau_rtol, settled, runaway_rtol, steady_ratio,
                     period_rtol, gap_cells, min_points,
                     free=4 * math.pi**2 * abs(bias) / (mu * alpha))
    t, v, d = _table_arrays(table)
    return _classify(t, v, d, alpha, bias, _checked_tau_end(tau_end, t, record_end), crit)


def _classify(t, v, d, alpha: float, bias: float, tau_end: float, crit: _Criteria) -> dict:
    """:func:`drift_fate` on arrays (tau, |v|, direction of every crossing)."""
    nan = float("nan")
    out = {"fate": "undetermined", "criterion": "", "plateau_v": nan, "cell_v": nan, "n": None,
           "offset": nan, "tail_v": nan, "tail_slope": nan, "n_points": int(t.size)}
    silent = t.size == 0 or tau_end - t[-1] > crit.gap_cells * alpha / max(v[-1], 1e-300)
    if t.size < crit.min_points:
        if silent or np.any(d != d[-1]):
            return dict(out, fate="captured", criterion=f"fewer than {crit.min_points} crossings")
        return out  # a few crossings, one way, still crossing: a record too short to judge
    if silent:
        return dict(out, fate="captured", criterion="no crossing at the end of the run")
    tail = t >= tau_end - crit.tail_fraction * (tau_end - t[0])
    if tail.sum() < 4 or np.any(d[tail] != d[tail][-1]):
        return dict(out, fate="captured", criterion="crossing direction alternates")
    tt, vv = t[tail], v[tail]
    along = bias * d[tail][-1]  # the bias's component along the motion: mirror symmetric
    slope = float(np.polyfit(tt, vv, 1)[0])
    mean = float(vv.mean())
    span = tt[-1] - tt[0]
    rel_change = slope * span / mean
    cell_v = alpha * (tt.size - 1) / span  # one cell between crossings (direction constant)
    out.update(tail_v=mean, tail_slope=slope, cell_v=cell_v)
    if along > 0 and _rising_steadily(tt, vv, rel_change, crit):
        return dict(out, fate="runaway", criterion="accelerating steadily")
    calm = crit.free <= 0 or abs(slope) <= crit.settled * crit.free
    if calm and vv.std() / mean <= crit.plateau_rtol and abs(rel_change) <= crit.plateau_rtol:
        criterion = "plateau"
    elif _locked(tt, alpha, crit):
        criterion = "locked period"
    else:
        return out
    n = _nearest_resonance(cell_v, alpha)
    return dict(out, fate="drift", criterion=criterion, plateau_v=mean, n=n,
                offset=cell_v - alpha / n)


def _rising_steadily(tt, vv, rel_change: float, crit: _Criteria) -> bool:
    """The tail rises by >= runaway_rtol, correlated, and its second half no slower."""
    half = tt < tt[0] + 0.5 * (tt[-1] - tt[0])
    corr = np.corrcoef(tt, vv)[0, 1] if vv.std() > 0 else 0.0
    if rel_change < crit.runaway_rtol or corr < 0.9 or half.sum() < 2 or (~half).sum() < 2:
        return False
    s1 = np.polyfit(tt[half], vv[half], 1)[0]
    s2 = np.polyfit(tt[~half], vv[~half], 1)[0]
    return bool(s1 > 0 and s2 >= crit.steady_ratio * s1)


def _locked(tt, alpha: float, crit: _Criteria) -> bool:
    """Constant mean time per cell over the tail (consecutive crossings are one cell apart).

    The two halves' periods agree to ``period_rtol`` and, with a bias, the mean speed
    alpha/period changes between the halves at most at ``settled`` x the free acceleration.
    """
    if tt.size < 8:
        return False
    half = tt.size // 2
    first = (tt[half] - tt[0]) / half
    second = (tt[-1] - tt[half]) / (tt.size - 1 - half)
    mean = 0.5 * (first + second)
    if not (mean > 0 and abs(first - second) <= crit.period_rtol * mean):
        return False
    accel = (alpha / second - alpha / first) / (0.5 * (tt[-1] - tt[0]))
    return bool(crit.free <= 0 or abs(accel) <= crit.settled * crit.free)


def fate_decided_at(table: pd.DataFrame, fate: str, alpha: float, bias: float, *,
                    tau_end: float, mu: float = 1.0, n_grid: int = 200, **criteria) -> float:
    """Earliest time from which :func:`drift_fate` keeps giving ``fate`` up to ``tau_end``.

    The run is judged as if it had ended at each of ``n_grid`` equally spaced times
    tau_end/n_grid, ..., tau_end (only the crossings before each); the answer is the
    first of the last unbroken stretch of times at which the verdict is ``fate``.

    Parameters
    ----------
    table : DataFrame
        Speed table of the run (columns ``tau``, ``v``, optionally ``direction``).
    fate : str
        The verdict at ``tau_end``, one of :data:`FATES`.
    alpha, bias : float
        Lattice constant and bias beta.
    tau_end : float
        End of the run.
    mu : float
        Particle mass ratio.
    n_grid : int
        Times judged (resolution tau_end/n_grid), an integer >= 1.
    **criteria
        Further keywords of :func:`drift_fate`.

    Returns
    -------
    float
        The decision time; NaN if the verdict at ``tau_end`` is not ``fate``.
    """
    if fate not in FATES:
        raise ParameterError(f"fate must be one of {FATES}, got {fate!r}")
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"table must be a DataFrame, got {type(table).__name__}")
    require_positive("tau_end", tau_end)
    n_grid = require_int_range("n_grid", n_grid, 1)
    t = _table_arrays(table)[0]
    _checked_tau_end(tau_end, t, None)
    grid = tau_end * np.arange(1, n_grid + 1) / n_grid
    decided = math.nan
    for g in grid[::-1]:  # from the end backwards, until the verdict changes
        upto = table.iloc[:int(np.searchsorted(t, g, side="right"))]
        if drift_fate(upto, alpha, bias, tau_end=float(g), mu=mu, **criteria)["fate"] != fate:
            break
        decided = float(g)
    return decided


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
        Default: the interaction's ``reach()`` in sites, plus one (beyond the reach
        ``|Phi'| < reach_floor = max(1e-20, 1e-12 max|Phi'|)``; 1e-20 for the Gaussian).

    Returns
    -------
    float
        max |rho_g(tau)| over recorded (g, tau) outside the cone; 0.0 when none is outside.
    """
    omega_fast = float(traj.params["omega_fast"] if omega_fast is None else omega_fast)
    require_range("omega_fast", omega_fast, 1.0, lo_open=True)
    alpha = traj.alpha
    if margin is None:
        reach = traj.interaction.reach()
        margin = math.ceil(reach / alpha) + 1.0
    require_positive("margin", margin, allow_zero=True)
    sigma0 = float(traj.params.get("sigma0", traj.sigma[0, 0]))
    c = math.pi * (omega_fast - 1.0)
    dist = np.abs(alpha * traj.chain_sites - sigma0)[:, None]
    outside = dist > alpha * (c * traj.chain_tau[None, :] + margin)
    if not outside.any():
        return 0.0
    return float(np.max(np.abs(traj.chain_displacement[outside])))
