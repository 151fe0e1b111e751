"""Ending a run early: when ``simulate(stop=...)`` is asked, and the record it is shown.

:func:`stop_schedule` turns ``stop_every`` (a period in tau, or given times) into the
steps at which ``stop`` is due, so a backend also knows how far the run goes in any case
(the transparent solver plans its segment's extensions up to there);
:func:`stop_check` wraps ``stop`` so a backend calls it with a step number and ``stop``
sees the particles' :class:`~chaindrag.trajectory.Trajectory` up to that step.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..params import ParameterError, require_positive
from ..trajectory import Trajectory
from .job import fill_particle_record


def stop_check(stop, sig_hist, sig_lo, vel0, delta: float, params: dict):
    """``stop`` as the backends call it: step n in, the particles' Trajectory so far to it.

    The record is kept between calls and only its new steps are computed (views of it are
    passed): a run checked every ``stop_every`` would otherwise rebuild its whole history
    each time (8 % of a tau = 10^4 continuation run).
    """
    if stop is None:
        return None
    n_max = sig_hist.shape[1] - 2
    # filled as the run goes (np.empty: pages not yet written take no memory)
    tau_all, vel_all = np.empty(n_max + 1), np.empty((sig_hist.shape[0], n_max + 1))
    tau_all[0], vel_all[:, 0] = 0.0, vel0
    done = [0]  # record final for states 0..done[0]
    empty = np.zeros(0)

    def check(n: int) -> bool:
        k = done[0]
        if n > k:
            fill_particle_record(tau_all, vel_all, sig_hist, sig_lo, k, n, delta)
            done[0] = n
        answer = stop(Trajectory(tau=tau_all[:n + 1], sigma=sig_hist[:, :n + 1],
                                 velocity=vel_all[:, :n + 1], chain_sites=empty,
                                 chain_tau=empty, chain_displacement=empty, params=params))
        if not isinstance(answer, (bool, np.bool_)):  # "no" or None would end or go on by chance
            raise ParameterError(f"stop must return True (end the run) or False, got "
                                 f"{answer!r} ({type(answer).__name__}) at tau={tau_all[n]:.6g}")
        return bool(answer)
    return check


def stop_schedule(stop_every, delta: float) -> Callable[[int], int]:
    """``next_stop(b)`` of :class:`~chaindrag.solvers.job.SolverJob`: the next step due.

    The first step after b at which ``stop`` is asked.

    A period in tau: every ``round(stop_every / delta)`` steps (at least 1). Times tau_i:
    the run is checked once it has completed the first step k with k delta >= tau_i (the
    trajectory passed to ``stop`` then reaches tau_i, in its own float times).
    """
    try:
        times = np.asarray(stop_every, dtype=float)
    except (TypeError, ValueError):
        times = np.array([np.nan, np.nan])
    if times.ndim == 0:
        require_positive("stop_every", float(times))
        period = max(1, round(float(times) / delta))
        return lambda b: (b // period + 1) * period
    if (times.ndim != 1 or times.size == 0 or not np.all(np.isfinite(times))
            or times[0] <= 0 or np.any(np.diff(times) <= 0)):
        raise ParameterError("stop_every must be a time > 0 or a strictly increasing sequence "
                             f"of finite times > 0, got {stop_every!r}")
    steps = np.minimum(np.ceil(times / delta), 2.0**62).astype(np.int64)  # far: never due
    steps += steps * delta < times  # k delta as the trajectory's tau computes it
    steps -= (steps - 1) * delta >= times
    due = steps + 1  # stop(b - 1) is called at b: step k complete
    never = np.iinfo(np.int64).max

    def next_stop(b: int) -> int:
        i = int(np.searchsorted(due, b, side="right"))
        return int(due[i]) if i < due.size else never
    return next_stop
