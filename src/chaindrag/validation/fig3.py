"""Fig. 3: the sound cone, trapping and the small chain displacement, on the trajectory stores."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import analytic
from .kinematics import airy_width
from .pair import barrier, loss_keywords
from .rows import Claim, NotApplicable, _g
from .tolerances import FIG3_CONE_REL, FIG3_CONE_WIDTHS, FIG3_RHO_OVER_ALPHA, PAPER_FIG3_TAU

FIG = "fig3"


def _load_stores(stores: Iterable[Any] | None) -> list:
    """Trajectories from stores given as paths or as :class:`~chaindrag.trajectory.Trajectory`."""
    from ..trajectory import Trajectory
    out = []
    for s in stores or []:
        if isinstance(s, Trajectory):
            out.append(s)
        else:
            from ..stores import load_trajectory
            out.append(load_trajectory(s))
    return out


def _traj_tau_max(traj) -> float:
    return float(traj.params.get("tau_max", traj.tau[-1]))


def check_fig3(stores: Iterable[Any] | None) -> list[dict]:
    """Fig. 3 on the trajectory stores (one per sign of phi0): three claims per particle.

    * No chain displacement outside the sound cone: |rho_g(tau)| at sites farther from the
      start than c tau + reach + 8 w(tau) (c = pi (omega_fast - 1), reach = Gaussian cutoff
      in sites + 1, w the Airy width of the front) stays below 1e-6 of max |rho|. The exact
      chain response has an Airy precursor ahead of c tau (it is 1e-2 of max |rho| two sites
      ahead, 1e-9 at 8 w).
    * The particle ends trapped: after its first turn v changes sign again (oscillation
      about zero) and sigma stays within one cell (span <= alpha). A run shorter than the
      paper's tau = 125 that has not trapped yet is n/a, and so is one whose potential
      Eq. (33) slows down to the capture speed only after the run's end (the paper's
      Gaussian, Phi0 = +-20, v0 = 120: tau ~ 93; a Morse channel: ~2900).
    * |delta rho| << alpha: max |rho| <= 0.05 alpha (the paper: ~0.8 = 0.02 alpha).

    Parameters
    ----------
    stores : iterable or None
        Fig. 3 trajectory stores (paths or :class:`~chaindrag.trajectory.Trajectory`).

    Returns
    -------
    list of dict
        Three rows per store, repulsive first.

    Raises
    ------
    NotApplicable
        No store given.
    """
    trajs = _load_stores(stores)
    if not trajs:
        raise NotApplicable("no Fig. 3 trajectory store provided")
    rows = []
    for traj in sorted(trajs, key=lambda t: -t.phi0):  # Phi(0) for another potential
        word = f"Phi0 = {_g(traj.phi0)}"
        rows.append(_cone_row(traj, word))
        rows.append(_trapped_row(traj, word))
        rows.append(_displacement_row(traj, word))
    return rows


def _cone_row(traj, word: str) -> dict:
    """No chain displacement outside the sound cone (max |rho| outside / max |rho|)."""
    from ..params import GaussianInteraction

    claim = Claim(FIG, f"no chain displacement outside the sound cone ({word})")
    p = traj.params
    alpha = float(p["alpha"])
    wf = float(p.get("omega_fast", 10.0))
    disp = traj.chain_displacement
    if disp.size == 0:
        return claim.na("no chain displacement recorded in the store")
    rho_max = float(np.max(np.abs(disp)))
    sigma0 = float(p.get("sigma0", traj.sigma[0, 0]))
    reach = (GaussianInteraction(traj.phi0, traj.lam).cutoff(1e-20) if "phi0" in p
             else traj.interaction.reach())
    margin = math.ceil(reach / alpha) + 1.0
    c = analytic.max_group_velocity(wf)
    t = traj.chain_tau[None, :]
    dist = np.abs(alpha * traj.chain_sites[:, None] - sigma0) / alpha
    outside = dist > c * t + margin + FIG3_CONE_WIDTHS * airy_width(t, wf)
    if not outside.any():
        return claim.na("every recorded site is inside the cone at every record (record more "
                        "sites or earlier times)")
    if rho_max == 0.0:
        return claim.na("the chain was never displaced")
    leak = float(np.max(np.abs(disp[outside])))
    return claim.row(0.0, leak / rho_max, FIG3_CONE_REL, leak / rho_max <= FIG3_CONE_REL,
                     f"max |rho| outside / max |rho| = {_g(leak)}/{_g(rho_max)}; outside = "
                     f"beyond c tau + {_g(margin)} sites + 8 Airy widths, "
                     f"{int(outside.sum())} (site, tau) records")


def _trapped_row(traj, word: str) -> dict:
    """The particle ends trapped: >= 2 sign changes of v, sigma within one cell after the first."""
    claim = Claim(FIG, f"particle ends trapped, speed oscillating about zero ({word})")
    alpha = float(traj.params["alpha"])
    tau_max = _traj_tau_max(traj)
    v, s = traj.velocity[0], traj.sigma[0]
    turns = np.flatnonzero(v[:-1] * v[1:] < 0)
    expected = f"trapped by tau = {_g(PAPER_FIG3_TAU)}"
    if turns.size:
        first = int(turns[0])
        span = float(np.ptp(s[first:]))
        trapped = span <= alpha and turns.size >= 2
        measured = (f"first turn at tau = {_g(traj.tau[first + 1])}, {turns.size} sign "
                    f"changes, sigma span after it {_g(span)}")
    else:
        trapped, measured = False, f"no turn; v(end) = {_g(v[-1])}"
    tol = "span <= alpha after the first turn, >= 2 sign changes"
    if trapped:
        return claim.row(expected, measured, tol, True, f"alpha = {_g(alpha)}")
    if tau_max < PAPER_FIG3_TAU:
        return claim.na(f"run ends at tau = {_g(tau_max)} < {_g(PAPER_FIG3_TAU)} (the paper's "
                        "Fig. 3) before trapping", expected, measured, tol)
    tau_trap = _eq33_trapping_time(traj)
    if tau_trap > tau_max:
        return claim.na(f"Eq. (33) of this potential brings the particle down to its capture "
                        f"speed only at tau ~ {_g(tau_trap)} > {_g(tau_max)}", expected,
                        measured, tol)
    return claim.row(expected, measured, tol, False, f"not trapped by tau = {_g(tau_max)} (Eq. "
                     f"33 predicts trapping by tau ~ {_g(tau_trap)})")


def _eq33_trapping_time(traj) -> float:
    """tau for Eq. (33)'s mean force, no bias, to slow v0 to the capture speed
    (:func:`~chaindrag.analytic.relaxation_time`)."""
    p = traj.params
    mu = float(p.get("mu", 1.0))
    inter = None if "phi0" in p else traj.interaction
    v0 = abs(float(traj.velocity[0, 0]))
    v_cap = float(analytic.capture_speed(barrier(inter, traj.phi0), mu))
    if v0 <= v_cap:
        return 0.0
    return float(analytic.relaxation_time(v0, v_cap, 0.0, alpha=float(p["alpha"]), mu=mu,
                                          omega_fast=float(p.get("omega_fast", 10.0)),
                                          **loss_keywords(inter, traj.phi0, traj.lam)))


def _displacement_row(traj, word: str) -> dict:
    """|delta rho| << alpha: max |rho| / alpha."""
    claim = Claim(FIG, f"|delta rho| << alpha ({word})")
    disp = traj.chain_displacement
    if disp.size == 0:
        return claim.na("no chain displacement recorded in the store")
    ratio = float(np.max(np.abs(disp))) / float(traj.params["alpha"])
    return claim.row("<< 1 (paper: ~0.8/40 = 0.02)", ratio, FIG3_RHO_OVER_ALPHA,
                     ratio <= FIG3_RHO_OVER_ALPHA,
                     f"max |rho| / alpha over {disp.shape[0]} sites up to tau = "
                     f"{_g(traj.chain_tau[-1] if traj.chain_tau.size else 0)}")
