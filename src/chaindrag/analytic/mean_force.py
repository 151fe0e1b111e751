"""How far Eq. (33)'s mean force carries a biased particle in a given time (Sec. VI).

Between two chain masses a biased particle gains the bias and loses Delta_bar(v), so its
speed follows ``dv/dtau = 4 pi^2 (bias - Delta_bar(v)) / (mu alpha)`` (the equation of
:func:`chaindrag.analytic.relaxation_time`). :func:`mean_force_travel` integrates it for
the distance: the speed runs from v0 towards the first drift speed (Delta_bar = bias) in
the direction the force drives it, and stays there. The transparent solver sizes a drift
run's segment with it (:mod:`chaindrag.solvers.transparent_plan`).
"""

from __future__ import annotations

import math

import numpy as np

from chaindrag.interactions import Interaction
from chaindrag.params import (ParameterError, require_int_range, require_omega_fast,
                              require_positive)

from ._common import scalar
from ._pair import resolve
from .single_pass import capture_speed
from .steady_state import steady_state_loss

__all__ = ["mean_force_travel"]

_BLOCK = 64  # speeds of the grid evaluated at once


def mean_force_travel(v0: float, tau: float, bias: float, phi0: float | None = None,
                      lam: float | None = None, alpha: float | None = None,
                      omega_fast: float = 10.0, mu: float = 1.0, n_grid: int = 400,
                      span: float = 20.0, *, interaction: Interaction | None = None) -> float:
    """Distance the mean force of Eq. (33) carries a particle from speed ``v0`` in ``tau``.

    Parameters
    ----------
    v0 : float
        Start speed, > 0 (in the direction of the bias).
    tau : float
        Duration, >= 0.
    bias : float
        Energy the bias supplies per chain mass passed, >= 0.
    phi0, lam, alpha, omega_fast, mu : float
        The Gaussian's amplitude and width, the chain spacing (required), band top and mass
        ratio, as in :func:`chaindrag.analytic.drift_velocities`.
    n_grid : int
        Geometric grid of speeds from v0 to v0 / ``span`` (a slowing particle) or v0 *
        ``span`` (a speeding one), in [16, 10^6]; the integrals are trapezoid sums on it.
    span : float
        How far the grid reaches, > 1.
    interaction : Interaction, optional
        Any pair potential instead of ``phi0, lam`` (keyword only).

    Returns
    -------
    float
        The distance (sigma units: alpha per chain mass passed). With
        ``T(v) = integral of dv' / |dv/dtau|`` and ``X(v) = integral of v' dv' / |dv/dtau|``
        from v0: X at T = tau; if the speed reaches a drift speed v_d first (the grid's last
        point before the force changes sign, or before the capture speed, where a particle
        passes no more chain masses: 0 from there on) it travels at v_d for the rest.

    Notes
    -----
    Eq. (33) is the loss of a particle at constant speed with its wake established; a run
    from rest adds its start's transient. Against the paper's Fig. 8 runs (tau = 800, v0 =
    14..92, Phi0 = +-2) this distance is within -2.8 % .. +3.5 % of the measured path;
    below the capture speed (Phi0 = 2, v0 < 12.6) the particle stays in its first cell
    (0 here) where the mean force would move it on.
    """
    phi0, lam, inter = resolve(phi0, lam, interaction)
    v0 = scalar("v0", v0, require_positive)
    tau = scalar("tau", tau, require_positive, allow_zero=True)
    bias = scalar("bias", bias, require_positive, allow_zero=True)
    alpha = scalar("alpha", alpha, require_positive)
    mu = scalar("mu", mu, require_positive)
    wf = require_omega_fast(omega_fast)
    n_grid = require_int_range("n_grid", n_grid, 16, 10**6)
    span = scalar("span", span, require_positive)
    if span <= 1.0:
        raise ParameterError(f"span must be > 1 (the grid's reach), got {span}")
    keywords = (dict(phi0=phi0, lam=lam) if inter is None else dict(interaction=inter))
    capture = float(capture_speed(phi0, mu) if inter is None else inter.capture_speed(mu))
    if v0 <= capture:
        return 0.0
    rate = 4.0 * math.pi**2 / (mu * alpha)
    speeding = bias > float(steady_state_loss(v0, alpha=alpha, omega_fast=wf, **keywords))
    v = np.geomspace(v0, v0 * span if speeding else max(v0 / span, capture), n_grid)
    force = np.empty(0)
    with np.errstate(over="ignore", divide="ignore"):
        # in blocks from v0 on, up to the first drift speed (the sign changes) or tau: a
        # drift run's speed changes by a few per cent, and slow speeds have the most modes
        for first in range(0, n_grid, _BLOCK):
            block = rate * (bias - steady_state_loss(v[first:first + _BLOCK], alpha=alpha,
                                                     omega_fast=wf, **keywords))
            force = np.concatenate([force, block])
            if np.any((block > 0.0) != speeding) or _integrals(v[:force.size], force)[0][-1] > tau:
                break
        ends = np.flatnonzero((force > 0.0) != speeding)
        v = v[:ends[0] if ends.size else force.size]
    if v.size < 2:  # v0 sits on a drift speed
        return v0 * tau
    t, x = _integrals(v, force[:v.size])
    if t[-1] >= tau:
        return float(np.interp(tau, t, x))
    rest = 0.0 if v[-1] <= capture * (1.0 + 1e-12) else v[-1] * (tau - t[-1])
    return float(x[-1] + rest)


def _integrals(v: np.ndarray, force: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """T and X from v[0] to each v[k]: trapezoid sums of 1 / |force| and v / |force| over v
    (1 / |force| is 0 at a spike, where Delta_bar is infinite)."""
    with np.errstate(over="ignore", divide="ignore"):
        inv = 1.0 / np.abs(force)
    dv = np.abs(np.diff(v))
    t = np.concatenate([[0.0], np.cumsum(0.5 * (inv[1:] + inv[:-1]) * dv)])
    x = np.concatenate([[0.0], np.cumsum(0.5 * (v[1:] * inv[1:] + v[:-1] * inv[:-1]) * dv)])
    return t, x
