"""How far Eq. (33)'s mean force carries a biased particle in a given time (Sec. VI).

Per cell (from one midpoint between chain masses to the next) a biased particle gains the
bias and loses Delta_bar, Eq. (33) taken at its cell-mean speed vbar(v)
(:func:`~chaindrag.analytic.cell_speeds`: how the paper's Fig. 8 compares with Eq. (33));
so its midpoint speed v changes by ``d(v^2) = 8 pi^2 (bias - Delta_bar(vbar)) / mu`` per
cell, and it passes ``vbar / alpha`` cells per unit tau::

    dv/dtau = 4 pi^2 (bias - Delta_bar(vbar)) vbar / (mu alpha v),   dsigma/dtau = vbar.

:func:`mean_force_travel` integrates this for the distance: the speed runs from v0 towards
the first drift speed in the direction the force drives it, and stays there. The
transparent solver sizes a drift run's segment with it
(:mod:`chaindrag.solvers.transparent_plan`).
"""

from __future__ import annotations

import math

import numpy as np

from chaindrag.interactions import Interaction
from chaindrag.params import (ParameterError, require_int_range, require_omega_fast,
                              require_positive)

from ._common import scalar
from ._pair import resolve
from .cell import cell_speeds
from .steady_state import steady_state_loss

__all__ = ["mean_force_travel"]

_BLOCK = 64  # speeds of the grid evaluated at once
_CELL_NODES = 256  # the cell-mean speeds' trapezoid (cell_speeds' 2 048: within 3e-16, Fig. 8)


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
        ``T(v) = integral of dv' / |dv/dtau|`` and ``X(v) = integral of vbar dv' /
        |dv/dtau|`` from v0: X at T = tau; if the speed reaches a drift speed v_d first
        (the grid's last point before the force changes sign) it travels at vbar(v_d) for
        the rest; a particle that cannot cross a cell (a repulsive barrier above its
        energy) passes no more chain masses: X up to the speed it fails at (0 at v0).

    Notes
    -----
    Eq. (33) is the loss of a particle at constant speed with its wake established; a run
    from rest adds its start's transient. Against the paper's Fig. 8 runs (tau = 800, v0 =
    14..92, Phi0 = +-2, and tau = 2000) this distance is within -0.7 % .. +0.9 % of the
    measured path, except for slow particles in attractive wells (Phi0 = -2: v0 = 14
    +2.4 %, v0 = 8 +21 %, v0 = 2 +67 %), whose cell-mean speed is far above the midpoint
    one. With the midpoint speed for vbar (a constant speed) it is -2.8 % .. +3.5 %.
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
    potential = dict(phi0=phi0, lam=lam) if inter is None else dict(interaction=inter)

    def terms(v):
        """vbar and dv/dtau at midpoint speeds v (vbar NaN: the cell cannot be crossed)."""
        vbar = cell_speeds(v, alpha=alpha, mu=mu, n_nodes=_CELL_NODES, **potential)[0]
        loss = steady_state_loss(np.where(np.isnan(vbar), v, vbar), alpha=alpha,
                                 omega_fast=wf, **potential)
        return vbar, rate * (bias - loss) * vbar / v

    rate = 4.0 * math.pi**2 / (mu * alpha)
    vbar0, force0 = (float(a[0]) for a in terms(np.array([v0])))
    if math.isnan(vbar0):  # it cannot leave its first cell
        return 0.0
    speeding = force0 > 0.0
    v = np.geomspace(v0, v0 * span if speeding else v0 / span, n_grid)
    vbar, force = np.empty(0), np.empty(0)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # in blocks from v0 on, up to the first drift speed (the sign changes), a cell it
        # cannot cross, or tau: a drift run's speed changes by a few per cent, and slow
        # speeds have the most modes
        for first in range(0, n_grid, _BLOCK):
            vb, fb = terms(v[first:first + _BLOCK])
            vbar, force = np.concatenate([vbar, vb]), np.concatenate([force, fb])
            if (np.any(((fb > 0.0) != speeding) | np.isnan(vb))
                    or _integrals(v[:force.size], vbar, force)[0][-1] > tau):
                break
        ends = np.flatnonzero(((force > 0.0) != speeding) | np.isnan(vbar))
        k = ends[0] if ends.size else force.size
    trapped = ends.size > 0 and math.isnan(vbar[k])
    if k < 2:  # v0 sits on a drift speed (or its next cell stops it)
        return 0.0 if trapped else vbar0 * tau
    t, x = _integrals(v[:k], vbar[:k], force[:k])
    if t[-1] >= tau:
        return float(np.interp(tau, t, x))
    return float(x[-1] + (0.0 if trapped else vbar[k - 1] * (tau - t[-1])))


def _integrals(v: np.ndarray, vbar: np.ndarray, force: np.ndarray) -> tuple:
    """T and X from v[0] to each v[k]: trapezoid sums of 1 / |force| and vbar / |force|
    over the midpoint speeds v (0 at a spike, where Delta_bar is infinite)."""
    with np.errstate(over="ignore", divide="ignore"):
        inv = 1.0 / np.abs(force)
    dv = np.abs(np.diff(v))
    t = np.concatenate([[0.0], np.cumsum(0.5 * (inv[1:] + inv[:-1]) * dv)])
    ix = vbar * inv
    x = np.concatenate([[0.0], np.cumsum(0.5 * (ix[1:] + ix[:-1]) * dv)])
    return t, x
