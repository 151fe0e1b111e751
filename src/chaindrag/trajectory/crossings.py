"""Interpolation between records, shared by every measurement (Secs. IV-V).

sigma between records is the cubic Hermite interpolant of the recorded (sigma, v); v is
linear between records. Crossings are located by vectorised bisection, so a particle
turning within a record step is handled without special cases.
"""

from __future__ import annotations

import math

import numpy as np

from ..params import ParameterError, require_int_range
from .core import Trajectory

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


#: Largest move of the particle per recorded sample, in units of the interaction's width
#: (lam for the Gaussian), accepted in a record coarser than the solver's step by the
#: midpoint speeds. Measured on the repro of the audit (alpha = 40, phi0 = 2, lam = 4,
#: v0 = 15, 30, 60, worst over the phase of the decimation, against record_every = 1): at
#: 0.25 lam per sample the midpoint speeds err 3e-8 (v0 = 60) to 5e-7 (v0 = 15) relative,
#: the extremum speeds less; at 0.5 lam the extremum errs up to 6e-7 (v0 = 30), at 0.625 lam
#: 1.4e-6. The error grows as (move/lam)^2 |phi0|/KE (extremum: faster), so the crossing
#: error is also checked on the record itself (:func:`_check_decimated_crossings`).
SPEED_RECORD_FRACTION = 0.25
#: Relative accuracy a decimated record must give the speed at a midpoint crossing: the
#: error of v's linear interpolation, estimated as |second difference of v|/8 at the
#: crossing step (1.1-1.8 x the measured error on the audit's run, v0 = 15-60).
SPEED_RECORD_RTOL = 1e-6


def _particle_record(traj: Trajectory, particle, *, losses: bool = False):
    """(tau, sigma, v) of ``particle``, after checking the record resolves the measurement.

    See :func:`_check_record_spacing` for what a record must satisfy; ``losses`` selects the
    stricter rule of the energy losses.
    """
    if not isinstance(traj, Trajectory):
        raise ParameterError(f"traj must be a Trajectory, got {type(traj).__name__}")
    particle = require_int_range("particle", particle, 0, traj.n_particles - 1)
    if traj.tau.size < 2:
        raise ParameterError(
            f"trajectory needs at least 2 records, got {traj.tau.size}; record a longer run "
            "(tau_max) or more often (record_every)")
    tau, sigma, v = traj.tau, traj.sigma[particle], traj.velocity[particle]
    _check_record_spacing(traj, tau, sigma, particle, losses)
    return tau, sigma, v


def _decimation(traj: Trajectory, tau):
    """Records per solver step: params ``record_every``, else tau's spacing over params
    ``delta`` (rounded), else None (a record of unknown origin)."""
    every = traj.params.get("record_every")
    if every is not None:
        return require_int_range("record_every", every, 1)
    delta = traj.params.get("delta")
    if delta is None or not (math.isfinite(float(delta)) and float(delta) > 0):
        return None
    return max(1, round(float(np.max(np.diff(tau))) / float(delta)))


def _check_record_spacing(traj: Trajectory, tau, sigma, particle: int, losses: bool):
    """Refuse a record whose interpolation between samples errs above ~1e-6 relative.

    A record of every solver step (``record_every=1``) is always accepted: its
    interpolation error is that of the method (documented, far below the solver's own
    time-step error), and :func:`chaindrag.solvers.simulate` already bounds delta |v0| by
    the interaction width. A coarser record is accepted

    - for midpoint speeds, when the particle moves at most ``SPEED_RECORD_FRACTION`` (1/4)
      of the interaction width per recorded sample (error <= 5e-7 relative on the audit's
      run) and, for a decimated solver record, v's interpolation at each crossing is
      estimated to err <= 1e-6 (checked by :func:`_check_decimated_crossings`);
    - for energy losses, never: a loss is a small difference of kinetic energies, and
      linear interpolation of v across a record step of 2 solver steps already shifts it by
      1.2e-6 (v0 = 30), 3.2e-6 (v0 = 15), 8.5e-6 (v0 = 60) relative, growing as the step
      squared (3e-5 at record_every = 10, 0.2 at 200 for v0 = 30).

    A record of unknown origin (no ``record_every`` nor ``delta`` in params, e.g. built by
    hand) must pass the move-per-sample rule for either measurement.
    """
    every = _decimation(traj, tau)
    if every == 1:
        return
    if losses and every is not None:
        raise ParameterError(
            f"trajectory record too coarse for an energy loss: record_every={every}; the "
            "loss is a small difference of kinetic energies and linear interpolation of v "
            "between records shifts it by >1e-6 relative already at record_every=2; "
            "record every step (record_every=1)")
    move = float(np.max(np.abs(np.diff(sigma))))
    width = traj.lam
    if move > SPEED_RECORD_FRACTION * width:
        fits = "" if every is None else (
            f" (record_every={every}; use record_every <= "
            f"{max(1, math.floor(every * SPEED_RECORD_FRACTION * width / move))})")
        raise ParameterError(
            f"trajectory record too coarse: particle {particle} moves up to {move:.4g} per "
            f"recorded sample, more than {SPEED_RECORD_FRACTION} x the interaction width "
            f"lam={width:.4g}{fits}; interpolating midpoint crossings then errs above 1e-6 "
            "relative; record more often (record_every=1 records every step)")


def _midpoint_crossings(tau, sigma, v, alpha: float):
    """Every crossing of a rest midpoint alpha (g + 1/2), either direction (Sec. IV A, Fig. 7).

    Returns arrays ``k`` (record step holding the crossing, -1 for a start on a midpoint),
    ``tau``, ``sigma_mid``, signed velocity ``v`` and ``direction`` (+1 / -1).
    A start within 1e-9 alpha of a midpoint counts as a crossing at tau[0] in the
    direction of v[0], so the first pass of a run started midway is measured; a start at
    rest there (v[0] = 0) crosses it in neither direction as the particle leaves.
    """
    m = sigma / alpha - 0.5
    cell = np.floor(m)
    # rounding can put floor(m) one cell off the comparison of sigma with the level
    # alpha (cell + 1/2) that locates the crossing (a sample within ulps of a midpoint): follow
    # the comparison, or the crossing is searched in the next step and put a whole step late
    cell += (sigma >= alpha * (cell + 1.5)).astype(float) - (sigma < alpha * (cell + 0.5))
    m0 = round(m[0])
    on_mid = abs(m[0] - m0) <= 1e-9 * max(1.0, abs(m[0]))
    if on_mid:
        # the particle counts as already past the start midpoint in its direction of motion;
        # started at rest there, in the direction it leaves in (no crossing either way)
        moved = np.flatnonzero(sigma != sigma[0])
        still = int(moved[0]) if moved.size else sigma.size  # samples before it leaves
        leaving = v[0] if v[0] != 0 or not moved.size else sigma[still] - sigma[0]
        cell[:still] = m0 if leaving >= 0 else m0 - 1
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


def _check_decimated_crossings(traj: Trajectory, tau, v, k):
    """Refuse a decimated record (``record_every`` > 1) whose linear interpolation of v at
    a midpoint crossing (record step ``k``) errs above ``SPEED_RECORD_RTOL`` relative.

    The error is ~ h^2/8 |v''| ~ |v[k+1] - 2 v[k] + v[k-1]|/8, which grows as the move per
    sample squared over the kinetic energy (a slow particle needs a finer record). A
    record of every step, or of unknown origin, is left to :func:`_check_record_spacing`.
    """
    every = _decimation(traj, tau)
    k = np.asarray(k)[np.asarray(k) >= 0]
    if every is None or every == 1 or k.size == 0 or v.size < 3:
        return
    d2 = np.abs(np.diff(v, 2)) / 8.0  # d2[j]: curvature error about sample j + 1
    err = np.maximum(d2[np.clip(k - 1, 0, d2.size - 1)], d2[np.clip(k, 0, d2.size - 1)])
    rel = err / np.maximum(np.abs(v[k]), 1e-300)
    worst = int(np.argmax(rel))
    if rel[worst] > SPEED_RECORD_RTOL:
        raise ParameterError(
            f"trajectory record too coarse: with record_every={every} the speed at the "
            f"midpoint crossing near tau={float(tau[k[worst]])!r} (v={v[k[worst]]:.4g}) is "
            f"interpolated to ~{rel[worst]:.2g} relative, above {SPEED_RECORD_RTOL:g}; "
            f"record more often (error ~ record_every^2; record_every=1 records every step)")

