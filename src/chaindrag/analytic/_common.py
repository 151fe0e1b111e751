"""Shared constants and argument helpers of :mod:`chaindrag.analytic`, and the bounds on the
roots of Eq. (32) that Eq. (33) sums (private)."""

from __future__ import annotations

import math

import numpy as np

from chaindrag.params import ParameterError

TWO_PI = 2.0 * math.pi
# a potential step Phi changes v^2 by 8 pi^2 Phi / mu (kinetic energy mu/2 (v / 2 pi)^2)
EIGHT_PI_SQ = 8.0 * math.pi**2


def scalar(name: str, value, check, **kw) -> float:
    """Run ``check(name, value, **kw)``, insist on a scalar and return it as a float."""
    check(name, value, **kw)
    if np.ndim(value) != 0:
        raise ParameterError(f"{name} must be a scalar, got an array of shape {np.shape(value)}")
    return float(value)


def out(x):
    """Return a Python float for 0-d results, an ndarray otherwise."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


#: The most resonant modes of Eq. (32) summed at one speed (a 128 MiB buffer of roots).
MAX_ROOTS = 1 << 24


def check_root_count(v, alpha, omega_fast: float) -> None:
    """Refuse speeds so slow that Eq. (33) would sum more than :data:`MAX_ROOTS` modes.

    The roots of Eq. (32) lie in [-alpha omega_fast / v, -alpha / v], up to four per half
    Brillouin zone: ~8 (omega_fast - 1) alpha / v of them. Eq. (33) itself is not the
    obstacle (each term carries Phi_hat(2 pi omega / v)^2, which for a smooth potential
    vanishes faster than any power as v -> 0: Sec. IV, "no dissipation" below
    omega Lambda), but the count of terms is; the bound is v >= 8 (omega_fast - 1) alpha /
    (MAX_ROOTS - 32), 4.3e-6 alpha at omega_fast = 10.
    """
    v, alpha = np.broadcast_arrays(np.asarray(v, dtype=float), np.asarray(alpha, dtype=float))
    if v.size == 0:
        return
    ratio = v / alpha
    worst = int(np.argmin(ratio))
    r = float(ratio.flat[worst])
    count = 4.0 * (2.0 * (omega_fast - 1.0) / r + 8.0)
    if count > MAX_ROOTS:
        r_min = 8.0 * (omega_fast - 1.0) / (MAX_ROOTS - 32)
        raise ParameterError(
            f"v = {v.flat[worst]:.6g} is too slow for Eq. (33) at alpha = {alpha.flat[worst]:g}, "
            f"omega_fast = {omega_fast:g}: it would sum ~{count:.3g} resonant modes (about "
            f"8 (omega_fast - 1) alpha / v), more than {MAX_ROOTS}; v must be "
            f">= {r_min:.4g} alpha = {r_min * alpha.flat[worst]:.4g}")


#: Half Brillouin zones per block of Eq. (33)'s general-potential path (memory bound).
HALVES = 1 << 18


def root_buffer_size(r_min: float, omega_fast: float) -> int:
    """Room for every root of Eq. (32) at v / alpha >= r_min (see :func:`check_root_count`)."""
    return int(4 * (2.0 * (omega_fast - 1.0) / r_min + 8))


def half_period_blocks(v: np.ndarray, alpha: np.ndarray, omega_max: np.ndarray):
    """Blocks of (speed index, half periods [lo, hi)) with at most 2 HALVES half periods each.

    A speed's roots with omega <= omega_max lie in [-omega_max alpha/v, -alpha/v]; a speed
    with more than HALVES half periods is split, so memory is bounded however small v / alpha
    is.
    """
    r = v / alpha
    k_lo = np.floor(-2.0 * omega_max / r).astype(np.int64) - 1
    k_hi = np.ceil(-2.0 / r).astype(np.int64) + 1
    n_h = k_hi - k_lo
    if np.sum(n_h, dtype=float) > 2.0**34:
        bound = 2.0 * float(np.max(omega_max * alpha)) * 2.0**-30
        raise ParameterError(f"v must be >= {bound:.3g} for Eq. (33) with a general potential: "
                             f"its modes sum over up to 2 omega_fast alpha / v half Brillouin "
                             f"zones, got v = {float(np.min(v))!r}")
    pieces = -(-n_h // HALVES)
    seg_i = np.repeat(np.arange(v.size), pieces)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    seg_lo = k_lo[seg_i] + (np.arange(seg_i.size) - first) * HALVES
    seg_hi = np.minimum(seg_lo + HALVES, k_hi[seg_i])
    size = seg_hi - seg_lo
    block = (np.cumsum(size) - size) // HALVES
    cuts = np.flatnonzero(np.diff(block)) + 1
    return zip(np.split(seg_i, cuts), np.split(seg_lo, cuts), np.split(seg_hi, cuts))
