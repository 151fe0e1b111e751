"""Reductions of full trajectory stores (Figs. 4a, b and 7): one row per record or per pass.

Runs of another pair potential get its Eqs. (16) and (25), phi0 = Phi(0), lam = its force
width and an ``interaction`` column (the potential's JSON).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import analytic
from ..analytic._pair import provenance_text
from ..interactions import Gaussian
from ..params import ParameterError
from ..stores import load_trajectory, write_table
from ..trajectory import Trajectory, per_pass_losses
from ._common import PathLike, _sorted, _with_provenance


def _first_crossing(tau: np.ndarray, x: np.ndarray, level: float) -> float:
    """Linearly interpolated first time x(tau) reaches ``level`` from below (NaN if never)."""
    above = np.flatnonzero(x >= level)
    if above.size == 0 or above[0] == 0:
        return math.nan
    k = above[0]
    return float(tau[k - 1] + (level - x[k - 1]) / (x[k] - x[k - 1]) * (tau[k] - tau[k - 1]))


def _named(traj: Trajectory) -> dict:
    """The ``interaction`` column of a run of another potential (none for the Gaussian)."""
    inter = traj.interaction
    return {} if isinstance(inter, Gaussian) else dict(interaction=provenance_text(inter))


def _run_inputs(p: dict) -> dict:
    """The store's run inputs a row of it carries before chaindrag_version: tau_max (which
    store: the quick preset's or the paper's), sigma0 (the start) and bias."""
    sigma0 = np.ravel(np.asarray(p["sigma0"], dtype=float))
    return dict(tau_max=float(p["tau_max"]),
                sigma0=float(sigma0[0]) if sigma0.size == 1 else " ".join(map(repr, sigma0)),
                bias=float(p.get("bias", 0.0)))


def fig4_pass_table(stores: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Fig. 4(a, b): sigma(tau), v(tau) of one pass and Eq. (16) shifted to the pass time.

    The pass time ``tau_pass`` is when sigma crosses the rest position of the next chain mass
    (the dotted lines of Figs. 4a, b); Eq. (16) is evaluated at tau - tau_pass. The store's
    tau_max, sigma0 and bias follow the provenance columns, before chaindrag_version.
    """
    frames = []
    for path in stores:
        traj = load_trajectory(path)
        p = traj.params
        alpha, mu, v0 = (float(p[k]) for k in ("alpha", "mu", "v0"))
        sigma, v = traj.sigma[0], traj.velocity[0]
        site = alpha * (math.floor(sigma[0] / alpha) + 1)
        tau_pass = _first_crossing(traj.tau, sigma, site)
        if not math.isfinite(tau_pass):  # Eq. (16) is centred on the pass: there is none
            raise ParameterError(
                f"{path}: the particle (sigma0 = {sigma[0]:g}, v0 = {v0:g}) does not reach "
                f"the chain mass at {site:g} by tau_max = {float(traj.tau[-1]):g} (it is "
                f"captured, or the run is too short): fig4 needs a run through one pass")
        v_an = analytic.velocity_profile(traj.tau - tau_pass, v0, mu=mu,
                                         interaction=traj.interaction)
        frames.append(_with_provenance(pd.DataFrame({
            "phi0": traj.phi0, "lam": traj.lam, "alpha": alpha, "mu": mu, "v0": v0,
            "tau": traj.tau, "sigma": sigma, "v": v, "v_analytic": v_an, "tau_pass": tau_pass,
            "sigma_site": site}), omega_fast=float(p["omega_fast"]), d=int(p["d"]),
            solver=str(p.get("solver", "unknown")), **_named(traj), **_run_inputs(p)))
    df = _sorted(pd.concat(frames, ignore_index=True), ["phi0", "tau"])
    write_table(df, table)
    return df


def fig7_table(stores: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Fig. 7: loss of every pass along the Fig. 3 trajectories vs the midpoint speed before it.

    ``delta_analytic`` is Eq. (26) at ``v_mid`` (Eq. 25 for another potential); ``keep`` marks
    the passes with KE above the barrier (|phi0| for the Gaussian). The store's tau_max,
    sigma0 and bias follow the provenance columns, before chaindrag_version.
    """
    frames = []
    for path in stores:
        traj = load_trajectory(path)
        p = traj.params
        passes = per_pass_losses(traj)
        v_mid = passes["v_mid"].to_numpy()
        an = np.full(v_mid.shape, np.nan)
        ok = v_mid > 0
        an[ok] = analytic.single_pass_loss(v_mid[ok], omega_fast=float(p["omega_fast"]),
                                           interaction=traj.interaction)
        frames.append(_with_provenance(pd.DataFrame({
            "phi0": traj.phi0, "lam": traj.lam, "alpha": float(p["alpha"]),
            "mu": float(p["mu"]), "v0": float(p["v0"]), "pass_index": passes["pass_index"],
            "tau": passes["tau"], "v_mid": v_mid, "delta_numeric": passes["delta"],
            "delta_analytic": an, "keep": passes["keep"]}),
            omega_fast=float(p["omega_fast"]), d=int(p["d"]),
            solver=str(p.get("solver", "unknown")), **_named(traj), **_run_inputs(p)))
    df = _sorted(pd.concat(frames, ignore_index=True), ["phi0", "pass_index"])
    write_table(df, table)
    return df
