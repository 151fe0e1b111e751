"""Energy lost per pass over a chain mass: one pass (Sec. V, Figs. 5, 6) or all (Fig. 7)."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..params import ParameterError
from .core import Trajectory
from .crossings import (_at_fraction, _hermite_crossing, _kinetic, _midpoint_crossings,
                        _particle_record)


class SinglePassLoss(NamedTuple):
    """Result of :func:`single_pass_loss` (Sec. V, Figs. 5 and 6).

    Attributes
    ----------
    delta : float
        KE(start) - KE(next midpoint), NaN when not ``passed``.
    tau_cross, v_cross : float
        Time and velocity at the next midpoint (NaN when not ``passed``).
    passed : bool
        False when the particle turned back (was captured) before the next midpoint.
    site : int
        Index g of the chain mass passed.
    displaced_reference : bool
        True when the midpoint was measured from the displaced mass alpha g + rho_g(tau);
        False when rho_g was not recorded (site g absent, or chain records not covering
        tau[0] up to the crossing) and the rest position alpha g was used.
    kinetic_start, kinetic_cross : float
        Kinetic energies mu/2 (v/2pi)^2 at the start and at the crossing.
    """

    delta: float
    tau_cross: float
    v_cross: float
    passed: bool
    site: int
    displaced_reference: bool
    kinetic_start: float
    kinetic_cross: float


def _displacement_on(traj: Trajectory, g: int, tau: np.ndarray):
    """rho_g interpolated linearly onto ``tau`` (NaN where not recorded), or None if g is not."""
    rows = np.flatnonzero(traj.chain_sites == g)
    ct = traj.chain_tau
    if rows.size == 0 or ct.size < 2:
        return None
    tol = 1e-9 * max(1.0, abs(tau[-1]))
    rho = np.interp(tau, ct, traj.chain_displacement[rows[0]])
    rho[(tau < ct[0] - tol) | (tau > ct[-1] + tol)] = np.nan
    return rho


def single_pass_loss(traj: Trajectory, particle: int = 0) -> SinglePassLoss:
    """Energy lost while passing one chain mass, measured as in Sec. V (Figs. 5, 6).

    The particle starts at sigma0 with velocity v0 (the first record).  With g the
    first chain mass strictly ahead of sigma0 in the direction of v0 (from a start on a
    mass, the next one), the pass ends at the first time
    sigma(tau) - (alpha g + rho_g(tau)) = +-alpha/2 — the next midpoint measured from the
    *displaced* mass just passed — and
    Delta = KE(start) - KE(there), KE = mu/2 (v/2pi)^2.

    Parameters
    ----------
    traj : Trajectory
        Needs ``alpha`` and ``mu`` in ``traj.params``; should record rho_g over the
        whole run (otherwise the rest position alpha g is used and
        ``displaced_reference`` is False).
    particle : int
        Which particle, an integer in [0, n_particles - 1].

    Returns
    -------
    SinglePassLoss

    Raises
    ------
    ParameterError
        If v0 = 0, ``particle`` is not an integer in [0, n_particles - 1], the run ends
        before the particle either reaches the midpoint or turns back (tau_max too short;
        the authors evolved for 2.2 alpha/v0), or the particle record is decimated
        (``record_every`` > 1: interpolating v across two steps already shifts Delta by
        1e-6 to 1e-5 relative; see ``crossings._check_record_spacing``).

    Notes
    -----
    Interpolation: sigma between records is the cubic Hermite interpolant of the
    recorded (sigma, v) — exact for motion with constant jerk; rho_g is linear
    between chain records; v at the crossing is linear between records, with error
    <= delta^2/8 max|d^2v/dtau^2|.  Near a midpoint the Gaussian force is
    ~exp(-alpha^2/(8 lam^2)) small, so v is linear there to that accuracy and the
    interpolation error is far below the integration error of the solver.
    ``passed`` is False as soon as v changes sign before the midpoint is reached.
    """
    tau, sigma, v = _particle_record(traj, particle, losses=True)
    alpha, mu = traj.alpha, traj.mu
    if v[0] == 0:
        raise ParameterError("single_pass_loss needs v0 != 0, got v0=0.0")
    direction = 1.0 if v[0] > 0 else -1.0
    g = math.floor(sigma[0] / alpha) + 1 if direction > 0 else math.ceil(sigma[0] / alpha) - 1
    # sigma0/alpha rounds: make alpha g the first rest position strictly ahead of sigma0 as
    # compared in floating point (a start on a mass passes the next one, never its own)
    if direction * (alpha * g - sigma[0]) <= 0:
        g += int(direction)
    elif direction * (alpha * (g - direction) - sigma[0]) > 0:
        g -= int(direction)
    turned = direction * v <= 0
    k_turn = int(np.argmax(turned)) if turned.any() else None

    def first_arrival(target):
        ahead = direction * (sigma - target) >= 0
        return int(np.argmax(ahead)) if ahead.any() else None

    rest_target = np.full_like(tau, alpha * g + 0.5 * alpha * direction)
    rho = _displacement_on(traj, g, tau)
    target, displaced = rest_target, False
    if rho is not None:
        k_cross = first_arrival(np.where(np.isnan(rho), np.inf * direction, rest_target + rho))
        stop = k_cross if k_cross is not None else tau.size - 1
        # the displaced mass is usable when rho_g is recorded up to the crossing (or run end)
        if not np.isnan(rho[:stop + 1]).any():
            target, displaced = rest_target + rho, True
    k_cross = first_arrival(target)
    ke0 = float(_kinetic(v[0], mu))
    if k_cross is None and k_turn is None:
        raise ParameterError(
            f"tau_max={tau[-1]!r} too short for a single pass: particle reached "
            f"sigma={sigma[-1]!r} without reaching the midpoint beyond site {g} or turning "
            f"back; use tau_max >= 2.2 alpha/|v0| = {2.2 * alpha / abs(v[0])!r} or more")
    if k_cross is None or (k_turn is not None and k_turn < k_cross):
        nan = float("nan")
        return SinglePassLoss(nan, nan, nan, False, g, displaced, ke0, nan)
    if k_cross == 0:
        raise ParameterError(
            f"sigma0={sigma[0]!r} already lies beyond the midpoint past site {g}")
    k = k_cross - 1
    s = _hermite_crossing(tau, sigma, v, [k], target[k], target[k + 1])
    t_c, v_c = _at_fraction(tau, v, [k], s)
    ke_c = float(_kinetic(v_c[0], mu))
    return SinglePassLoss(ke0 - ke_c, float(t_c[0]), float(v_c[0]), True, g, displaced,
                          ke0, ke_c)


def per_pass_losses(traj: Trajectory, particle: int = 0) -> pd.DataFrame:
    """Energy lost in every pass along a full trajectory (Sec. IV B, Fig. 7).

    Every crossing of a rest midpoint alpha (g + 1/2) is located (either direction,
    cubic Hermite interpolation of sigma, linear of v; see :func:`single_pass_loss`),
    including a start on a midpoint.  Pass i runs from crossing i to crossing i+1; its
    loss is the drop of kinetic energy between them.  Like :func:`single_pass_loss` it
    needs every step recorded (``record_every=1``) and refuses a decimated record.

    Returns
    -------
    pandas.DataFrame
        One row per pass with columns

        - ``pass_index`` (0, 1, ...), ``tau`` / ``tau_next``: crossing times;
        - ``sigma_mid``: midpoint where the pass starts; ``direction``: +1 / -1;
        - ``v_mid``: speed |v| at the midpoint *before* the pass (Fig. 7 abscissa),
          ``v_next``: speed at the next crossing;
        - ``kinetic_before``, ``kinetic_after``, ``delta`` = before - after (Fig. 7 ordinate);
        - ``bias_work`` = bias (sigma_next - sigma_mid)/alpha, energy the bias supplied
          during the pass (bias potential -bias sigma/alpha), so ``delta + bias_work`` is
          the energy given to the chain;
        - ``keep``: the paper keeps passes "while KE exceeds Phi0": True for the leading
          run of passes with kinetic_before > |phi0| that continue in the same direction
          (for another potential: max(Phi_max, -Phi_min), :attr:`Trajectory.barrier`).
          The bound |phi0| holds for both signs: for phi0 < 0 the literal KE > phi0 would
          keep the oscillations of a captured particle.  A crossing followed by one in the
          opposite direction is a turn, not a pass over a mass.
    """
    tau, sigma, v = _particle_record(traj, particle, losses=True)
    alpha, mu = traj.alpha, traj.mu
    bias = float(traj.params.get("bias", 0.0) or 0.0)
    _, t_c, s_mid, v_c, direction = _midpoint_crossings(tau, sigma, v, alpha)
    ke = _kinetic(v_c, mu)
    n = max(t_c.size - 1, 0)
    same = direction[1:] == direction[:-1]
    ok = (ke[:-1] > traj.barrier) & same if n else np.zeros(0, bool)
    keep = np.logical_and.accumulate(ok) if n else ok
    return pd.DataFrame({
        "pass_index": np.arange(n, dtype=np.int64),
        "tau": t_c[:-1],
        "tau_next": t_c[1:],
        "sigma_mid": s_mid[:-1],
        "direction": direction[:-1],
        "v_mid": np.abs(v_c[:-1]),
        "v_next": np.abs(v_c[1:]),
        "kinetic_before": ke[:-1],
        "kinetic_after": ke[1:],
        "delta": ke[:-1] - ke[1:],
        "bias_work": bias * (s_mid[1:] - s_mid[:-1]) / alpha,
        "keep": keep,
    })


def first_order_thermal_work(chain, interaction, sites, alpha: float, v0: float, *,
                             n_points: int = 401) -> np.ndarray:
    """The free thermal motion's first-order work on a straight pass: a zero-mean control
    variate for the single-pass loss on a thermal chain.

    W1 = int_0^{alpha/v0} Phi'(x(t) - rho^H_g(t)) rho^H_g'(t) dt with x(t) = -alpha/2 + v0 t:
    the loss int Phi'(u) rho' dtau of a pass at constant speed over the free motion alone
    (first order in Phi, every order in rho^H). Its mean is exactly zero for an even Phi
    (v0 int <Phi'(x - rho^H)> dt is the change of the thermally smoothed Phi between the two
    midpoints, as is the boundary term), and it carries the pass's first-order thermal
    noise: Delta - W1 has the mean of Delta and ~1 % of its variance (v0 = 40, Omega_T = 5).

    Parameters
    ----------
    chain : chaindrag.thermal.ThermalChain
        The realization the run used (the same seed, statistics and ring size ``n_modes``).
    interaction : chaindrag.interactions.Interaction
        The pair potential (even in x).
    sites : array_like of int
        The masses passed; each pass starts at the midpoint alpha (g - 1/2) at tau = 0.
    alpha, v0 : float
        Chain spacing and the pass's starting speed, both > 0.
    n_points : int
        Simpson points over the pass, odd, >= 3 (keyword only).

    Returns
    -------
    numpy.ndarray
        W1 per site, in hbar Omega_slow.
    """
    for name, value in (("alpha", alpha), ("v0", v0)):
        if not (math.isfinite(value) and value > 0):
            raise ParameterError(f"{name} must be finite and > 0, got {value!r}")
    if not (isinstance(n_points, (int, np.integer)) and n_points >= 3 and n_points % 2):
        raise ParameterError(f"n_points must be an odd integer >= 3, got {n_points!r}")
    from scipy.integrate import simpson  # imported on use: a slow import

    sites = np.atleast_1d(np.asarray(sites, dtype=np.int64))
    t = np.linspace(0.0, alpha / v0, n_points)
    u = (v0 * t - 0.5 * alpha)[:, None] - chain.displacement(sites, t)
    integrand = -np.asarray(interaction.force(u), dtype=float) * chain.velocity(sites, t)
    return simpson(integrand, x=t, axis=0)
