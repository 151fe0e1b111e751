"""Interpolation between records, shared by every measurement (Secs. IV-V).

sigma between records is the cubic Hermite interpolant of the recorded (sigma, v); v is
linear between records. Crossings are located by vectorised bisection, so a particle
turning within a record step is handled without special cases.
"""

from __future__ import annotations

import math

import numpy as np

from ..params import ParameterError
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
