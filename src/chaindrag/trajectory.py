"""Recorded runs and the measurements the paper makes on them (Secs. IV-VI, Figs. 4-8).

A :class:`Trajectory` holds what a solver recorded; the functions below turn it
into the numbers plotted in the paper, always by pure, vectorised numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .params import (GaussianInteraction, ParameterError, require_finite,
                     require_positive, require_range)

ENERGY_KEYS = ("particle_kinetic", "interaction", "chain", "bias_work", "total")


@dataclass(frozen=True)
class Trajectory:
    """One recorded run of the particle(s) + chain model (Eqs. 1-3, A2).

    Attributes
    ----------
    tau : ndarray, shape (n_rec,)
        Recording times in units of t_slow = 2 pi / Omega_slow.
    sigma : ndarray, shape (n_particles, n_rec)
        Particle positions sigma_p(tau) (units of the chain's length unit; rest sites at alpha g).
    velocity : ndarray, shape (n_particles, n_rec)
        d sigma_p / d tau (central difference, see the contract).
    chain_sites : ndarray of int, shape (n_sites,)
        Site indices g of the chain masses whose displacement was recorded (may be empty).
    chain_tau : ndarray, shape (n_chain_rec,)
        Recording times of the chain displacements.
    chain_displacement : ndarray, shape (n_sites, n_chain_rec)
        rho_g(tau) for g in ``chain_sites``.
    energy : dict[str, ndarray]
        Energies over ``tau`` in units of hbar Omega_slow; keys among
        'particle_kinetic', 'interaction', 'chain', 'bias_work', 'total' (any may be absent).
    params : dict
        Every input of the run (alpha, phi0, lam, mu, v0, sigma0, bias, omega_fast, d, delta,
        tau_max, memory, solver, chaindrag_version, wall_time_s, ...).
    """

    tau: np.ndarray
    sigma: np.ndarray
    velocity: np.ndarray
    chain_sites: np.ndarray
    chain_tau: np.ndarray
    chain_displacement: np.ndarray
    energy: dict[str, np.ndarray] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        tau = np.asarray(self.tau, dtype=float)
        sigma = np.atleast_2d(np.asarray(self.sigma, dtype=float))
        velocity = np.atleast_2d(np.asarray(self.velocity, dtype=float))
        sites = np.asarray(self.chain_sites, dtype=np.int64).reshape(-1)
        chain_tau = np.asarray(self.chain_tau, dtype=float).reshape(-1)
        disp = np.asarray(self.chain_displacement, dtype=float)
        if disp.size == 0:
            disp = disp.reshape(sites.size, chain_tau.size)
        if tau.ndim != 1:
            raise ParameterError(f"tau must be one-dimensional, got shape {tau.shape}")
        if sigma.shape[1] != tau.size or velocity.shape != sigma.shape:
            raise ParameterError(
                f"sigma {sigma.shape} and velocity {velocity.shape} must both have shape "
                f"(n_particles, len(tau)={tau.size})")
        if disp.shape != (sites.size, chain_tau.size):
            raise ParameterError(
                f"chain_displacement must have shape (len(chain_sites)={sites.size}, "
                f"len(chain_tau)={chain_tau.size}), got {disp.shape}")
        energy = {}
        for key, arr in dict(self.energy).items():
            if key not in ENERGY_KEYS:
                raise ParameterError(f"energy key {key!r} not among {ENERGY_KEYS}")
            arr = np.asarray(arr, dtype=float)
            if arr.shape != tau.shape:
                raise ParameterError(
                    f"energy[{key!r}] must have shape {tau.shape}, got {arr.shape}")
            energy[key] = arr
        object.__setattr__(self, "tau", tau)
        object.__setattr__(self, "sigma", sigma)
        object.__setattr__(self, "velocity", velocity)
        object.__setattr__(self, "chain_sites", sites)
        object.__setattr__(self, "chain_tau", chain_tau)
        object.__setattr__(self, "chain_displacement", disp)
        object.__setattr__(self, "energy", energy)
        object.__setattr__(self, "params", dict(self.params))

    def _param(self, name: str) -> float:
        try:
            return float(self.params[name])
        except KeyError:
            raise ParameterError(f"trajectory params lack {name!r}") from None

    @property
    def n_particles(self) -> int:
        """Number of particles."""
        return self.sigma.shape[0]

    @property
    def alpha(self) -> float:
        """Lattice constant alpha (rest site g at alpha g)."""
        return self._param("alpha")

    @property
    def phi0(self) -> float:
        """Interaction strength phi0 (>0 repulsive, <0 attractive)."""
        return self._param("phi0")

    @property
    def lam(self) -> float:
        """Interaction width lam."""
        return self._param("lam")

    @property
    def mu(self) -> float:
        """Particle-to-chain mass ratio mu."""
        return self._param("mu")

    @property
    def kinetic_energy(self) -> np.ndarray:
        """Particle kinetic energy mu/2 (v/2pi)^2 per particle, shape (n_particles, n_rec)."""
        return 0.5 * self.mu * (self.velocity / (2.0 * math.pi)) ** 2


# ---------------------------------------------------------------------------
# Interpolation helpers (shared by all measurements)
# ---------------------------------------------------------------------------

_BISECTION_STEPS = 60  # 2**-60 of a record step: below double precision of tau


def _kinetic(v, mu: float):
    """Particle kinetic energy mu/2 (v/2pi)^2 in units of hbar Omega_slow."""
    return 0.5 * mu * (np.asarray(v, dtype=float) / (2.0 * math.pi)) ** 2


def _hermite_crossing(tau, sigma, v, k, level_lo, level_hi):
    """Fraction s in [0, 1] of record step k at which sigma(tau) meets a linearly varying level.

    sigma is the cubic Hermite interpolant of (sigma_k, v_k), (sigma_{k+1}, v_{k+1}) — exact
    for motion with constant jerk — and the level varies linearly from ``level_lo`` to
    ``level_hi`` across the step (used for a displaced chain mass, whose velocity is not
    recorded).  The endpoints must bracket the crossing; bisection then cannot fail even
    where the particle turns within the step.
    """
    k = np.asarray(k, dtype=np.int64)
    h = tau[k + 1] - tau[k]
    s0, s1 = sigma[k], sigma[k + 1]
    m0, m1 = h * v[k], h * v[k + 1]

    def f(s):
        s2, s3 = s * s, s * s * s
        herm = ((2 * s3 - 3 * s2 + 1) * s0 + (s3 - 2 * s2 + s) * m0
                + (-2 * s3 + 3 * s2) * s1 + (s3 - s2) * m1)
        return herm - (level_lo + s * (level_hi - level_lo))

    lo = np.zeros_like(h)
    hi = np.ones_like(h)
    f_lo = f(lo)
    for _ in range(_BISECTION_STEPS):  # vectorised over all crossings at once
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        same = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(same, mid, lo)
        f_lo = np.where(same, f_mid, f_lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def _at_fraction(tau, v, k, s):
    """Time and (linearly interpolated) velocity at fraction s of record step k."""
    k = np.asarray(k, dtype=np.int64)
    t = tau[k] + s * (tau[k + 1] - tau[k])
    vel = v[k] + s * (v[k + 1] - v[k])
    return t, vel


def _particle_record(traj: Trajectory, particle: int):
    if not isinstance(traj, Trajectory):
        raise ParameterError(f"traj must be a Trajectory, got {type(traj).__name__}")
    if not 0 <= particle < traj.n_particles:
        raise ParameterError(
            f"particle must be an integer in [0, {traj.n_particles - 1}], got {particle!r}")
    if traj.tau.size < 2:
        raise ParameterError(f"trajectory needs at least 2 records, got {traj.tau.size}")
    return traj.tau, traj.sigma[particle], traj.velocity[particle]


def _midpoint_crossings(tau, sigma, v, alpha: float):
    """Every crossing of a rest midpoint alpha (g + 1/2), either direction (Sec. IV A, Fig. 7).

    Returns arrays ``k`` (record step holding the crossing, -1 for a start on a midpoint),
    ``tau``, ``sigma_mid``, signed velocity ``v`` and ``direction`` (+1 / -1).
    A start within 1e-9 alpha of a midpoint counts as a crossing at tau[0] in the
    direction of v[0], so the first pass of a run started midway is measured.
    """
    m = sigma / alpha - 0.5
    cell = np.floor(m)
    m0 = round(m[0])
    on_mid = abs(m[0] - m0) <= 1e-9 * max(1.0, abs(m[0]))
    if on_mid:
        # the particle counts as already past the start midpoint in its direction of motion
        cell[0] = m0 if v[0] >= 0 else m0 - 1
    jump = np.diff(cell)
    k = np.flatnonzero(jump)
    if np.any(np.abs(jump[k]) > 1):
        bad = k[np.abs(jump[k]) > 1][0]
        raise ParameterError(
            f"trajectory record too coarse: particle crossed {int(abs(jump[bad]))} midpoints "
            f"between tau={tau[bad]!r} and tau={tau[bad + 1]!r}; record every step "
            "(record_every=1) for midpoint measurements")
    direction = jump[k].astype(np.int64)
    level_cell = np.where(direction > 0, cell[k + 1], cell[k])
    level = alpha * (level_cell + 0.5)
    s = _hermite_crossing(tau, sigma, v, k, level, level)
    t_c, v_c = _at_fraction(tau, v, k, s)
    if on_mid and v[0] != 0:
        k = np.concatenate([[-1], k])
        t_c = np.concatenate([[tau[0]], t_c])
        level = np.concatenate([[alpha * (m0 + 0.5)], level])
        v_c = np.concatenate([[v[0]], v_c])
        direction = np.concatenate([[1 if v[0] > 0 else -1], direction])
    return k, t_c, level, v_c, direction


# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------

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
    first chain mass ahead of sigma0 in the direction of v0, the pass ends at the
    first time sigma(tau) - (alpha g + rho_g(tau)) = +-alpha/2 — the next midpoint
    measured from the *displaced* mass just passed — and
    Delta = KE(start) - KE(there), KE = mu/2 (v/2pi)^2.

    Parameters
    ----------
    traj : Trajectory
        Needs ``alpha`` and ``mu`` in ``traj.params``; should record rho_g over the
        whole run (otherwise the rest position alpha g is used and
        ``displaced_reference`` is False).
    particle : int
        Which particle.

    Returns
    -------
    SinglePassLoss

    Raises
    ------
    ParameterError
        If v0 = 0, or the run ends before the particle either reaches the midpoint
        or turns back (tau_max too short; the authors evolved for 2.2 alpha/v0).

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
    tau, sigma, v = _particle_record(traj, particle)
    alpha, mu = traj.alpha, traj.mu
    if v[0] == 0:
        raise ParameterError("single_pass_loss needs v0 != 0, got v0=0.0")
    direction = 1.0 if v[0] > 0 else -1.0
    g = math.floor(sigma[0] / alpha) + 1 if direction > 0 else math.ceil(sigma[0] / alpha) - 1
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
    loss is the drop of kinetic energy between them.

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
          run of passes with kinetic_before > |phi0| that continue in the same direction.
          |phi0| is used for both signs: for phi0 < 0 the literal KE > phi0 would keep the
          oscillations of a captured particle.  A crossing followed by one in the opposite
          direction is a turn, not a pass over a mass.
    """
    tau, sigma, v = _particle_record(traj, particle)
    alpha, mu = traj.alpha, traj.mu
    bias = float(traj.params.get("bias", 0.0) or 0.0)
    _, t_c, s_mid, v_c, direction = _midpoint_crossings(tau, sigma, v, alpha)
    ke = _kinetic(v_c, mu)
    n = max(t_c.size - 1, 0)
    same = direction[1:] == direction[:-1]
    ok = (ke[:-1] > abs(traj.phi0)) & same if n else np.zeros(0, bool)
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


def midpoint_speeds(traj: Trajectory, particle: int = 0, *,
                    method: str = "midpoint") -> pd.DataFrame:
    """Speed of the particle midway between chain masses, against time (Sec. IV A, Fig. 8).

    The paper plots the local maxima (phi0 > 0) or minima (phi0 < 0) of v(tau), which
    for a cell symmetric about its midpoint sit at the midpoints.

    Parameters
    ----------
    traj : Trajectory
    particle : int
    method : {'midpoint', 'extremum'}
        ``'midpoint'`` (default): the interpolated speed at every midpoint crossing —
        one value per cell, immune to numerical noise in v.  ``'extremum'``: the maximum
        (phi0 >= 0) or minimum (phi0 < 0) of |v| over the samples between the two
        chain-mass crossings that enclose a midpoint crossing, refined by the vertex of a
        parabola through the extreme sample and its neighbours (error O(delta^3)).  Only
        cells traversed from one mass to the next are used (a captured particle's
        turning points are not extrema of a pass).  With a bias the true extremum is
        shifted from the midpoint where bias/alpha balances the Gaussian tails; v is
        flat there, so the two methods differ by O(bias^2) — negligible for Fig. 8.

    Returns
    -------
    pandas.DataFrame
        Columns ``tau``, ``v`` (speed, >= 0), ``sigma``, ``direction``.
    """
    tau, sigma, v = _particle_record(traj, particle)
    alpha = traj.alpha
    k, t_c, s_mid, v_c, direction = _midpoint_crossings(tau, sigma, v, alpha)
    if method == "midpoint":
        return pd.DataFrame({"tau": t_c, "v": np.abs(v_c), "sigma": s_mid,
                             "direction": direction})
    if method != "extremum":
        raise ParameterError(f"method must be 'midpoint' or 'extremum', got {method!r}")
    # segments of samples separated by crossings of rest positions alpha g
    rest_cell = np.floor(sigma / alpha)
    rest_jump = np.diff(rest_cell)
    rk = np.flatnonzero(rest_jump)
    seg_of_sample = np.concatenate([[0], np.cumsum(rest_jump != 0)])
    n_seg = rk.size + 1
    ev_seg = seg_of_sample[k + 1]
    # a segment is a full traverse when it is closed by a rest crossing in the event's
    # direction and opened either by the start or by a rest crossing in the same direction
    rest_dir = np.sign(rest_jump[rk]).astype(np.int64)  # direction of each rest crossing
    closed = ev_seg < n_seg - 1
    after = np.where(closed, rest_dir[np.minimum(ev_seg, max(rk.size - 1, 0))]
                     if rk.size else 0, 0)
    before = np.where(ev_seg > 0, rest_dir[np.maximum(ev_seg - 1, 0)] if rk.size else 0,
                      np.where(k == -1, direction, 0))  # segment 0 counts only from a midway start
    full = closed & (after == direction) & (before == direction)
    segs = np.unique(ev_seg[full])
    speed = np.abs(v)
    key = speed if traj.phi0 < 0 else -speed
    order = np.lexsort((key, seg_of_sample))
    first = np.searchsorted(seg_of_sample[order], segs)
    i = order[first]
    # parabolic vertex through (i-1, i, i+1), where both neighbours exist
    inner = (i > 0) & (i < speed.size - 1)
    ic = np.clip(i, 1, speed.size - 2)
    y0, y1, y2 = speed[ic - 1], speed[ic], speed[ic + 1]
    curv = y0 - 2 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(inner & (curv != 0), 0.5 * (y0 - y2) / curv, 0.0)
    shift = np.clip(shift, -1.0, 1.0)
    v_ext = np.where(inner, y1 - 0.25 * (y0 - y2) * shift, speed[i])
    h = np.where(shift >= 0, tau[np.minimum(ic + 1, tau.size - 1)] - tau[ic],
                 tau[ic] - tau[ic - 1])
    t_ext = np.where(inner, tau[ic] + shift * h, tau[i])
    s_ext = np.where(inner, np.interp(t_ext, tau, sigma), sigma[i])
    ev_dir = direction[full][np.searchsorted(ev_seg[full], segs)]
    return pd.DataFrame({"tau": t_ext, "v": v_ext, "sigma": s_ext, "direction": ev_dir})


def _nearest_resonance(v: float, alpha: float) -> int:
    """Positive integer n minimising |alpha/n - v| (the Fig. 8 lines v = alpha/n)."""
    x = alpha / v
    cands = [n for n in (math.floor(x), math.ceil(x)) if n >= 1] or [1]
    return min(cands, key=lambda n: abs(alpha / n - v))


def drift_fate(data: Trajectory | pd.DataFrame, alpha: float | None = None,
               bias: float | None = None, *, tau_end: float | None = None,
               tail_fraction: float = 0.25, plateau_rtol: float = 0.01,
               runaway_rtol: float = 0.005, steady_ratio: float = 0.9,
               gap_cells: float = 4.0,
               min_points: int = 8) -> dict:
    """Classify the long-time fate of a biased particle (Sec. VI, Fig. 8).

    Parameters
    ----------
    data : Trajectory or DataFrame
        A trajectory, or its :func:`midpoint_speeds` table (columns ``tau``, ``v`` and
        optionally ``direction``).
    alpha, bias : float, optional
        Lattice constant and bias beta; taken from the trajectory when omitted.
    tau_end : float, optional
        End of the run (required with a table; ``traj.tau[-1]`` otherwise).
    tail_fraction : float
        The last ``tail_fraction`` of the run time is judged (default: last quarter).
    plateau_rtol : float
        'drift' when the relative standard deviation and the relative change of the
        tail speeds (linear fit) are both <= this (default 1 %).
    runaway_rtol : float
        'runaway' when bias > 0 and the tail speeds rise by >= this relative amount
        with a correlation >= 0.9 (default 0.5 %).
    steady_ratio : float
        Runaway also needs the second half of the tail to rise at least ``steady_ratio``
        times as fast as the first: under a constant bias dv/dtau = 4 pi^2 (beta -
        Delta_bar)/(mu alpha) is constant or growing (Delta_bar falls with v), whereas an
        approach to a drift velocity slows down (default 0.9).
    gap_cells : float
        'captured' when the particle stops crossing midpoints: no crossing during the
        last ``gap_cells`` alpha/v_last of the run, fewer than ``min_points`` crossings,
        or alternating crossing directions in the tail (oscillation in a well).

    Returns
    -------
    dict
        ``fate`` ('runaway' | 'drift' | 'captured' | 'undetermined' when none of the
        criteria holds, e.g. still relaxing), ``plateau_v`` (mean tail speed for 'drift',
        else NaN), ``n`` (nearest n with alpha/n, else None), ``offset`` (plateau_v -
        alpha/n), ``tail_slope`` (dv/dtau of the tail fit), ``n_points``.
    """
    if isinstance(data, Trajectory):
        alpha = data.alpha if alpha is None else alpha
        bias = float(data.params.get("bias", 0.0) or 0.0) if bias is None else bias
        tau_end = float(data.tau[-1]) if tau_end is None else tau_end
        table = midpoint_speeds(data)
    elif isinstance(data, pd.DataFrame):
        table = data
        if alpha is None or tau_end is None:
            raise ParameterError("drift_fate on a table needs alpha and tau_end")
    else:
        raise ParameterError(
            f"data must be a Trajectory or a midpoint DataFrame, got {type(data).__name__}")
    alpha = float(require_positive("alpha", alpha))
    bias = 0.0 if bias is None else float(require_finite("bias", bias))
    require_range("tail_fraction", tail_fraction, 0.0, 1.0, lo_open=True)
    t = np.asarray(table["tau"], dtype=float)
    v = np.abs(np.asarray(table["v"], dtype=float))
    d = (np.asarray(table["direction"]) if "direction" in table else np.ones_like(t))
    nan = float("nan")
    out = {"fate": "undetermined", "plateau_v": nan, "n": None, "offset": nan,
           "tail_slope": nan, "n_points": int(t.size)}
    if t.size < min_points or tau_end - t[-1] > gap_cells * alpha / max(v[-1], 1e-300):
        out["fate"] = "captured"
        return out
    t0 = t[0]
    tail = t >= tau_end - tail_fraction * (tau_end - t0)
    if tail.sum() < 4 or np.any(d[tail] != d[tail][-1]):
        out["fate"] = "captured"
        return out
    tt, vv = t[tail], v[tail]
    slope, _ = np.polyfit(tt, vv, 1)
    mean = vv.mean()
    span = tt[-1] - tt[0]
    rel_change = slope * span / mean
    out["tail_slope"] = float(slope)
    half = tt < tt[0] + 0.5 * span
    corr = np.corrcoef(tt, vv)[0, 1] if vv.std() > 0 else 0.0
    if bias > 0 and rel_change >= runaway_rtol and corr >= 0.9 and half.sum() >= 2 \
            and (~half).sum() >= 2:
        s1 = np.polyfit(tt[half], vv[half], 1)[0]
        s2 = np.polyfit(tt[~half], vv[~half], 1)[0]
        if s1 > 0 and s2 >= steady_ratio * s1:
            out["fate"] = "runaway"
            return out
    if vv.std() / mean <= plateau_rtol and abs(rel_change) <= plateau_rtol:
        n = _nearest_resonance(mean, alpha)
        out.update(fate="drift", plateau_v=float(mean), n=n, offset=float(mean - alpha / n))
    return out


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
        Default: cutoff of the Gaussian (|Phi'| < 1e-20) in sites, plus one.

    Returns
    -------
    float
        max |rho_g(tau)| over recorded (g, tau) outside the cone; 0.0 when none is outside.
    """
    omega_fast = float(traj.params["omega_fast"] if omega_fast is None else omega_fast)
    require_range("omega_fast", omega_fast, 1.0, lo_open=True)
    alpha = traj.alpha
    if margin is None:
        reach = GaussianInteraction(traj.phi0, traj.lam).cutoff(1e-20)
        margin = math.ceil(reach / alpha) + 1.0
    require_positive("margin", margin, allow_zero=True)
    sigma0 = float(traj.params.get("sigma0", traj.sigma[0, 0]))
    c = math.pi * (omega_fast - 1.0)
    dist = np.abs(alpha * traj.chain_sites - sigma0)[:, None]
    outside = dist > alpha * (c * traj.chain_tau[None, :] + margin)
    if not outside.any():
        return 0.0
    return float(np.max(np.abs(traj.chain_displacement[outside])))
