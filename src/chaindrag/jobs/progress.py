"""Progress lines for long jobs: fraction of work done, elapsed time, and an honest estimate."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def _duration(seconds: float) -> str:
    """A duration in the unit a reader takes in at a glance: s, min or h."""
    if seconds < 60.0:
        return f"{seconds:.1f} s"
    if seconds < 3600.0:
        return f"{seconds / 60.0:.1f} min"
    return f"{seconds / 3600.0:.1f} h"


class ProgressLog:
    """Progress callback for long runs: fraction done, elapsed and (once meaningful) remaining time.

    The solvers call it with the fraction of their planned work done (site updates, not time
    steps: the chain solver's cost per step follows the active segment), so the fraction is
    proportional to the computing time still ahead. The remaining time is the linear
    extrapolation ``(1 - f) (t - t1) / (f - f1)`` from the first call ``(t1, f1)``, so start-up
    (numba cache load, allocation) before the solver's first report does not bias the rate. It
    is printed only once at least ``min_fraction`` of the work and ``min_elapsed`` seconds
    separate the two points; until then the line says "estimate pending".

    Parameters
    ----------
    label : str
        What runs, at the start of every line.
    every : float
        Log at most once per ``every`` seconds (the first call and completion always log).
    min_fraction, min_elapsed : float
        Work fraction and seconds needed since the first call before a remaining time is given.
    clock : callable
        Monotonic time in seconds (``time.perf_counter``; a fake clock in tests).

    Examples
    --------
    >>> progress = ProgressLog("drift v0=30")
    >>> progress(0.5)  # logs "drift v0=30: 50.0% done, 0.0 s elapsed, estimate pending"
    """

    def __init__(self, label: str, every: float = 10.0, *, min_fraction: float = 0.05,
                 min_elapsed: float = 1.0, clock: Callable[[], float] = time.perf_counter):
        self.label = label
        self.every = every
        self.min_fraction = min_fraction
        self.min_elapsed = min_elapsed
        self.clock = clock
        self.start = clock()
        self.first: tuple[float, float] | None = None
        self.last = -math.inf
        self.finished = False

    def __call__(self, fraction: float) -> None:
        now = self.clock()
        fraction = min(max(float(fraction), 0.0), 1.0)
        if self.first is None:
            self.first = (now, fraction)
        elif self.finished or (now - self.last < self.every and fraction < 1.0):
            return
        self.last = now
        elapsed = now - self.start
        if fraction >= 1.0:
            self.finished = True
            log.info("%s: done in %s", self.label, _duration(elapsed))
            return
        log.info("%s: %.1f%% done, %s elapsed, %s", self.label, 100.0 * fraction,
                 _duration(elapsed), self._estimate(now, fraction))

    def _estimate(self, now: float, fraction: float) -> str:
        t1, f1 = self.first
        if fraction - f1 < self.min_fraction or now - t1 < self.min_elapsed:
            return "estimate pending"
        return f"~{_duration((1.0 - fraction) * (now - t1) / (fraction - f1))} remaining"
