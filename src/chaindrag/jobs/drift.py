"""Fig. 8 drift runs: measured the paper's way, continued until their fate is decided.

The paper plots the local maxima (repulsive) or minima (attractive) of v(tau), so every run
is measured with :func:`~chaindrag.trajectory.midpoint_speeds` (``method='extremum'``; the
speed at the midpoint crossing is kept alongside) and judged by
:func:`~chaindrag.trajectory.drift_fate`. A run still undetermined at the figure's tau_max
is continued with the same parameters, its fate judged again at the stages of
:class:`Continuation`, until it is decided or the cap is reached: the dynamics is
deterministic, so the longer run repeats the shorter one up to tau_max (to rounding) and
goes on from there. With the transparent solver one run does it all, ended by
``simulate(stop=...)`` at the first stage that decides (no stage is run twice); other
solvers rerun from tau = 0 to each stage.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..analytic._pair import provenance_text
from ..interactions import interaction_from_config
from ..params import require_positive
from ..solvers import simulate
from ..trajectory import drift_fate, midpoint_speeds
from ..trajectory.fates import fate_decided_at
from .progress import ProgressLog

log = logging.getLogger(__name__)

#: rows kept per continued run in the long table (the figure needs no more; the fate was
#: decided on every crossing)
LONG_POINTS = 2000
#: columns of a run's speed table (:func:`measure_drift`), and of its long table
SPEED_COLUMNS = ("tau", "v", "sigma", "direction", "tau_midpoint", "v_midpoint")
LONG_COLUMNS = (*SPEED_COLUMNS, "tau_end")


@dataclass(frozen=True)
class Continuation:
    """How an undetermined run is continued: longer runs ending at ``stages``, up to ``tau_cap``.

    Parameters
    ----------
    solver : str
        Solver of the continued runs (same :func:`~chaindrag.solvers.simulate` signature).
    stages : sequence of float
        Run lengths tried in turn; those not between tau_max and ``tau_cap`` are skipped.
    tau_cap : float
        Longest run; a run still undetermined there is reported as capped.
    """

    solver: str
    stages: tuple[float, ...]
    tau_cap: float

    def __post_init__(self):
        require_positive("tau_cap", self.tau_cap)
        object.__setattr__(self, "stages", tuple(float(s) for s in self.stages))
        for s in self.stages:
            require_positive("stages", s)

    def ends(self, tau_max: float) -> list[float]:
        """The run lengths tried after tau_max: the stages below the cap, then the cap."""
        ends = sorted({s for s in self.stages if tau_max < s < self.tau_cap})
        return ends + ([float(self.tau_cap)] if self.tau_cap > tau_max else [])


@dataclass(frozen=True)
class DriftRun:
    """One Fig. 8 run: the panel's speeds, the continued run's speeds and the fate row."""

    panel: pd.DataFrame         # speeds for tau <= tau_max
    long: pd.DataFrame | None   # the longest run's speeds (decimated), if continued
    fate: dict                  # one row of the fates table


def potential_keywords(phi0: float | None, lam: float | None,
                       interaction: Mapping[str, Any] | None) -> tuple[dict, str]:
    """(simulate() keywords, a log label) of the Gaussian shorthand or an ``interaction`` spec."""
    if interaction is None:
        return dict(phi0=phi0, lam=lam), f"phi0={phi0:+g}"
    inter = interaction_from_config(interaction)
    return dict(interaction=inter), provenance_text(inter)


def potential_arguments(phi0: float | None, lam: float | None,
                        interaction: Mapping[str, Any] | None) -> tuple[dict, dict]:
    """(simulate() keywords, a row's potential columns) of the Gaussian shorthand or an
    ``interaction`` spec, the potential built once: with a spec the row's phi0 and lam are
    Phi(0) and the force width and its kind and parameters are in ``interaction`` (JSON)."""
    if interaction is None:
        return dict(phi0=phi0, lam=lam), dict(phi0=phi0, lam=lam)
    inter = interaction_from_config(interaction)
    return dict(interaction=inter), dict(phi0=inter.phi_at_zero, lam=inter.width,
                                         interaction=provenance_text(inter))


def potential_columns(run: Mapping[str, Any]) -> dict:
    """A run's potential as table columns: phi0, lam of the Gaussian shorthand; for an
    ``interaction`` spec phi0 = Phi(0), lam = the force width and ``interaction`` (JSON)."""
    if run.get("interaction") is None:
        return dict(phi0=run["phi0"], lam=run["lam"])
    return potential_arguments(None, None, run["interaction"])[1]


def measure_drift(*, alpha: float, mu: float, bias: float, sigma0: float, omega_fast: float,
                  d: int, solver: str, v0: float, tau_end: float, phi0: float | None = None,
                  lam: float | None = None, interaction: Mapping[str, Any] | None = None,
                  **stop) -> pd.DataFrame:
    """Simulate one biased run to ``tau_end`` and return its extremum speeds (Fig. 8).

    Columns tau, v (the paper's local maximum / minimum of the speed in each traverse),
    sigma, direction, tau_midpoint and v_midpoint (the midpoint crossing of that traverse).
    Every step is recorded (the extrema need it); the chain is neither recorded nor its
    energy computed. The potential is the Gaussian ``phi0, lam`` or an ``interaction``
    spec of config.yaml (:func:`chaindrag.interactions.interaction_from_config`).
    ``stop`` and ``stop_every`` go to :func:`~chaindrag.solvers.simulate`.
    """
    sim_pot, label = potential_keywords(phi0, lam, interaction)
    t0 = time.perf_counter()
    traj = simulate(alpha=alpha, **sim_pot, mu=mu, sigma0=sigma0, v0=v0,
                    tau_max=tau_end, omega_fast=omega_fast, d=d, bias=bias, solver=solver,
                    record_sites=np.arange(0), energy=False,
                    progress=ProgressLog(f"drift {label} v0={v0:g} tau={tau_end:g}"),
                    **stop)
    speeds = midpoint_speeds(traj, method="extremum")
    log.info("%s v0=%g: simulated and measured tau_max=%g with %s in %.1f s", label, v0,
             tau_end, solver, time.perf_counter() - t0)
    return speeds


def settle_drift_run(run: dict, *, tau_max: float, continuation: Continuation) -> DriftRun:
    """Run ``run`` to tau_max; while its fate is undetermined, rerun it longer (Fig. 8).

    Parameters
    ----------
    run : dict
        Keywords of :func:`measure_drift` except ``tau_end`` (``solver`` is the panel's).
    tau_max : float
        The figure's run length: the panel shows tau <= tau_max.
    continuation : Continuation
        Longer runs and the cap.

    Returns
    -------
    DriftRun
        The fate row holds fate, criterion, plateau_v, cell_v, n, offset, tail_v, tail_slope,
        n_points, tau_end (end of the run that decided), tau_decided (from when on the
        verdict held, :func:`~chaindrag.trajectory.fates.fate_decided_at`; NaN if capped),
        capped (still undetermined at the cap) and solver (of that run); no wall time
        (a row depends on the inputs only): the run's time goes to the log.
    """
    t0 = time.perf_counter()
    label = potential_keywords(run.get("phi0"), run.get("lam"), run.get("interaction"))[1]
    kw = dict(alpha=run["alpha"], bias=run["bias"], mu=run["mu"])
    table = panel = measure_drift(**run, tau_end=tau_max)
    end, solver = float(tau_max), run["solver"]
    fate = drift_fate(panel, tau_end=end, **kw)
    if fate["fate"] == "undetermined" and continuation.ends(tau_max):
        continued = _one_run if continuation.solver == "transparent" else _staged_runs
        table, end, fate = continued(run, continuation.ends(tau_max), continuation.solver, kw)
        solver = continuation.solver
        log.info("%s v0=%g: %s at tau=%g", label, run["v0"], fate["fate"], end)
    capped = fate["fate"] == "undetermined"
    decided = math.nan if capped else fate_decided_at(table, fate["fate"], tau_end=end, **kw)
    row = dict(fate, n=np.nan if fate["n"] is None else fate["n"], tau_end=end,
               tau_decided=decided, capped=capped, solver=solver)
    log.info("%s v0=%g: %s at tau=%g (%s) in %.1f s", label, run["v0"], fate["fate"], end,
             solver, time.perf_counter() - t0)
    long = _decimated(table, LONG_POINTS).assign(tau_end=end) if end > tau_max else None
    return DriftRun(panel=panel, long=long, fate=row)


def _staged_runs(run: dict, ends: list[float], solver: str, kw: dict):
    """Rerun from tau = 0 to each stage until the fate is decided: (table, end, fate)."""
    for end in ends:
        table = measure_drift(**dict(run, solver=solver), tau_end=end)
        fate = drift_fate(table, tau_end=end, **kw)
        if fate["fate"] != "undetermined":
            break
    return table, end, fate


def _one_run(run: dict, ends: list[float], solver: str, kw: dict):
    """One run to the cap, ended at the first stage whose judgement is decided."""
    judged = {}

    def decided(traj) -> bool:
        due = [s for s in ends if s <= traj.tau[-1] and s not in judged]
        if not due:
            return False
        speeds = midpoint_speeds(traj, method="extremum")
        for s in due:  # the same verdicts as runs ending at each stage
            judged[s] = drift_fate(speeds[speeds["tau"] <= s], tau_end=s, **kw)
        return any(judged[s]["fate"] != "undetermined" for s in due) or due[-1] == ends[-1]

    # judged at the stages only: the solver then plans its segment from one to the next
    table = measure_drift(**dict(run, solver=solver), tau_end=ends[-1], stop=decided,
                          stop_every=ends)
    end = next((s for s in ends if judged.get(s, {}).get("fate", "undetermined")
                != "undetermined"), ends[-1])
    if end not in judged:  # the run reached the cap between two calls of the judge
        judged[end] = drift_fate(table, tau_end=end, **kw)
    return table[table["tau"] <= end].reset_index(drop=True), end, judged[end]


def _decimated(table: pd.DataFrame, n_max: int) -> pd.DataFrame:
    """Every k-th row (and the last) so that at most about ``n_max`` rows remain."""
    k = max(1, math.ceil(len(table) / n_max))
    keep = np.zeros(len(table), dtype=bool)
    keep[::k] = True
    keep[-1:] = True
    return table[keep].reset_index(drop=True)
