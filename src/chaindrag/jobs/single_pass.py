"""Single-pass job (Sec. V, Figs. 4c, 5, 6): run a batch of passes, write one table."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import analytic
from ..analytic._pair import provenance_text
from ..interactions import interaction_from_config
from ..params import ParameterError
from ..solvers import simulate
from ..stores import write_table
from ..tables._common import PathLike, _with_provenance
from ..trajectory import single_pass_loss
from .progress import ProgressLog

log = logging.getLogger(__name__)


def _potential(phi0, lam, interaction: Mapping[str, Any] | None):
    """(simulate() keywords of the potential, the Interaction or None, row phi0, row lam).

    The Gaussian shorthand gives phi0, lam; with an ``interaction:`` spec the row's phi0 and
    lam are Phi(0) and the force width (the Gaussian's own values for a Gaussian).
    """
    if interaction is None:
        return dict(phi0=phi0, lam=lam), None, phi0, lam
    inter = interaction_from_config(interaction)
    return dict(interaction=inter), inter, inter.phi_at_zero, inter.width


def single_pass_run(*, alpha: float, mu: float, v0: float, omega_fast: float, d: int,
                    solver: str, run_length: float, phi0: float | None = None,
                    lam: float | None = None, interaction: Mapping[str, Any] | None = None,
                    label: str | None = None, sigma0: float | None = None,
                    max_extensions: int = 2) -> dict:
    """One single pass (Sec. V): start midway with v0 on a chain at rest, stop at the next midpoint.

    The run lasts ``run_length * alpha / v0`` (authors: 2.2); if the particle has neither
    reached the next midpoint nor turned back by then, the run is repeated twice as long (up
    to ``max_extensions`` times) — :func:`chaindrag.trajectory.single_pass_loss` refuses a
    too-short run rather than guessing. The potential is the Gaussian ``phi0, lam`` or an
    ``interaction`` spec of config.yaml (:func:`chaindrag.interactions.interaction_from_config`).

    Returns
    -------
    dict
        alpha, phi0, lam, mu, v0, sigma0, omega_fast, d, solver, tau_max (used), passed,
        delta_numeric, delta_analytic (Eq. 26 at v0; Eq. 25 for another potential),
        rel_error, tau_cross, v_cross, v_ext_numeric (slowest speed for phi0 > 0, fastest
        for phi0 < 0, before the midpoint), displaced_reference, bias (0: the pass is
        unbiased); with an ``interaction`` also its JSON (phi0 and lam are then Phi(0) and
        the force width), with a ``label`` the label. No wall time: a row depends on the
        inputs only (the same run gives the same bytes); the batch logs each run's time.
    """
    sim_pot, inter, phi0, lam = _potential(phi0, lam, interaction)
    sigma0 = 5.5 * alpha if sigma0 is None else sigma0
    g = math.floor(sigma0 / alpha) + 1  # the chain mass passed; its displacement is recorded
    tau_max = run_length * alpha / v0
    for attempt in range(max_extensions + 1):
        traj = simulate(alpha=alpha, **sim_pot, mu=mu, sigma0=sigma0, v0=v0,
                        tau_max=tau_max, omega_fast=omega_fast, d=d, bias=0.0,
                        solver=solver, record_sites=np.array([g]), chain_record_every=1,
                        energy=False)
        try:
            res = single_pass_loss(traj)
            break
        except ParameterError as exc:
            if "too short" not in str(exc) or attempt == max_extensions:
                raise
            log.info("v0=%g phi0=%g: %s; doubling tau_max", v0, phi0, exc)
            tau_max *= 2.0
    v = traj.velocity[0]
    stop = np.searchsorted(traj.tau, res.tau_cross) if res.passed else v.size
    seg = v[:max(int(stop), 1)]
    v_ext = float(seg.min() if phi0 > 0 else seg.max()) if res.passed else math.nan
    if inter is None:
        an = float(analytic.single_pass_loss(v0, phi0, lam, omega_fast))
    else:
        an = float(analytic.single_pass_loss(v0, omega_fast=omega_fast, interaction=inter))
    rel = (res.delta - an) / an if (res.passed and an > 0) else math.nan
    row = dict(alpha=alpha, phi0=phi0, lam=lam, mu=mu, v0=v0, sigma0=sigma0,
               omega_fast=omega_fast, d=d, solver=solver, tau_max=tau_max,
               passed=bool(res.passed), delta_numeric=res.delta, delta_analytic=an,
               rel_error=rel, tau_cross=res.tau_cross, v_cross=res.v_cross,
               v_ext_numeric=v_ext, displaced_reference=bool(res.displaced_reference),
               bias=0.0)
    if inter is not None:
        row["interaction"] = provenance_text(inter)
    if label is not None:
        row["label"] = label
    return row


def _with_v0(run: Mapping[str, Any]) -> dict:
    """``run`` with ``v0_over_capture`` (a fraction of the potential's capture speed
    sqrt(8 pi^2 Phi_max / mu)) replaced by the speed it names; unchanged without it."""
    run = dict(run)
    if "v0_over_capture" not in run:
        return run
    frac = run.pop("v0_over_capture")
    if "v0" in run:
        raise ParameterError("give v0 or v0_over_capture, not both")
    _, inter, phi0, _ = _potential(run.get("phi0"), run.get("lam"), run.get("interaction"))
    capture = (inter.capture_speed(run["mu"]) if inter is not None
               else float(analytic.capture_speed(phi0, run["mu"])))
    if isinstance(frac, bool) or not (isinstance(frac, (int, float)) and frac > 0.0):
        raise ParameterError(f"v0_over_capture must be a number > 0, got {frac!r}")
    if capture <= 0.0:
        raise ParameterError("v0_over_capture (config potentials.below_capture) needs a "
                             "potential with a barrier; this one has none (capture speed 0): "
                             "leave below_capture out")
    return dict(run, v0=frac * capture)


def run_single_pass_batch(runs: Sequence[Mapping[str, Any]], out: PathLike) -> pd.DataFrame:
    """Run a batch of single passes (one row each) and write them to ``out``.

    ``runs`` are keyword-argument dicts of :func:`single_pass_run`; instead of ``v0`` a run
    may give ``v0_over_capture``, the initial speed as a fraction of its potential's capture
    speed (computed here, so that the workflow need not import the potentials).
    """
    rows = []
    progress = ProgressLog(f"batch of {len(runs)} single passes", every=5.0)
    for i, run in enumerate(runs):
        t0 = time.perf_counter()
        rows.append(single_pass_run(**_with_v0(run)))
        r = rows[-1]
        log.info("v0=%g phi0=%g lam=%g d=%d%s: passed=%s Delta=%.6g (Eq. 26/25: %.6g) in "
                 "%.2f s", r["v0"], r["phi0"], r["lam"], r["d"],
                 f" {r['interaction']}" if "interaction" in r else "", r["passed"],
                 r["delta_numeric"], r["delta_analytic"], time.perf_counter() - t0)
        progress((i + 1) / len(runs))
    df = _with_provenance(pd.DataFrame(rows))
    write_table(df, out)
    return df
