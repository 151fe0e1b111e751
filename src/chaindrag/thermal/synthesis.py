"""One realization's field at given sites and times, summed from its half spectrum.

A realization of the homogeneous part of Eq. (12) is held as its half spectrum
h_j(tau) = U_j cos(2 pi omega_j tau) + V_j sin(2 pi omega_j tau), j = 0..N//2, omega_j from
Eq. (11) (drawn by :mod:`chaindrag.thermal.amplitudes`); rho_n(tau) on the ring of N sites is
its inverse real Fourier transform over j. :func:`_superpose` evaluates it (or its
tau-derivative) at any sites and times: up to :data:`_DIRECT_MAX_SITES` distinct sites by a
direct mode sum, more by an inverse real FFT of length N per time, both exact to rounding;
the numba kernels take arrays only, :class:`~chaindrag.thermal.ThermalChain` validates.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import njit
from .modes import mode_weights, site_waves

#: Up to this many distinct sites a direct mode sum beats an FFT per time (measured: ~10).
_DIRECT_MAX_SITES = 8
#: Times x modes handled per block (bounds the working memory to ~30 MB).
_BLOCK = 1 << 20


def _uniform_step(tau: np.ndarray) -> float | None:
    """The spacing of ``tau`` if it is a uniform grid to rounding, else None."""
    if tau.size < 3:
        return None
    step = (tau[-1] - tau[0]) / (tau.size - 1)
    grid = tau[0] + step * np.arange(tau.size)
    return step if np.max(np.abs(tau - grid)) <= 8 * np.finfo(float).eps * np.max(np.abs(tau)) \
        else None


def _phase_blocks(omega: np.ndarray, tau: np.ndarray, rows: int):
    """Yield (slice, e^{-i phi}), phi = 2 pi omega tau, for consecutive blocks of ``rows`` times.

    On a uniform grid the phase is the block start's phase times a table of in-block offsets
    (one complex multiply per entry instead of a complex exponential), exact to rounding with
    no accumulation along the run.
    """
    step = _uniform_step(tau)
    offsets = None
    if step is not None:
        k = np.arange(min(rows, tau.size))
        offsets = np.exp((-2j * math.pi * step) * np.multiply.outer(k, omega))
    for start in range(0, tau.size, rows):
        sl = slice(start, min(start + rows, tau.size))
        if offsets is None:
            yield sl, np.exp((-2j * math.pi) * np.multiply.outer(tau[sl], omega))
        else:
            yield sl, np.exp((-2j * math.pi * tau[start]) * omega) * offsets[: sl.stop - start]


@njit(cache=True)
def _half_spectrum(phase, cu, cv, out):
    """out[k, j] = cu[j] cos(phi) + cv[j] sin(phi) with phase[k, j] = e^{-i phi}."""
    for k in range(phase.shape[0]):
        for j in range(phase.shape[1]):
            p = phase[k, j]
            out[k, j] = cu[j] * p.real - cv[j] * p.imag


@njit(cache=True)
def _mode_sum(phase, p_cos, p_sin, out):
    """out[k, s] = sum_j p_cos[s, j] cos(phi_kj) + p_sin[s, j] sin(phi_kj), phase = e^{-i phi}."""
    for k in range(phase.shape[0]):
        for s in range(p_cos.shape[0]):
            acc = 0.0
            for j in range(phase.shape[1]):
                p = phase[k, j]
                acc += p_cos[s, j] * p.real - p_sin[s, j] * p.imag
            out[k, s] = acc


def _superpose(omega: np.ndarray, u: np.ndarray, v: np.ndarray, n: int, kind: str,
               sites: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """rho (``kind="displacement"``) or d rho/d tau (``"velocity"``) at ``sites`` x ``tau``.

    ``omega, u, v``: the half spectrum of a realization on a ring of ``n`` sites; ``sites``
    any int64 indices (taken modulo n), ``tau`` float times. Shape (len(tau), len(sites)).
    """
    cols = sites % n
    two_pi_omega = 2.0 * math.pi * omega
    # half spectrum h = cu cos(phi) + cv sin(phi); its tau-derivative for the velocity
    cu, cv = ((u, v) if kind == "displacement"
              else (two_pi_omega * v, -two_pi_omega * u))
    distinct, inverse = np.unique(cols, return_inverse=True)
    if distinct.size <= _DIRECT_MAX_SITES:
        out = np.empty((tau.size, distinct.size))
        _direct_sum(omega, cu, cv, n, distinct, tau, out)
        return out[:, inverse]
    out = np.empty((tau.size, cols.size))
    _fft_sum(omega, cu, cv, n, cols, tau, out)
    return out


def _direct_sum(omega, cu, cv, n, cols, tau, out) -> None:
    half = omega.size
    weight, wave = mode_weights(n), site_waves(cols, n)
    p_cos = np.ascontiguousarray(np.real(weight * cu * wave))
    p_sin = np.ascontiguousarray(np.real(weight * cv * wave))
    for sl, phase in _phase_blocks(omega, tau, max(1, _BLOCK // half)):
        _mode_sum(phase, p_cos, p_sin, out[sl])


def _fft_sum(omega, cu, cv, n, cols, tau, out) -> None:
    from scipy.fft import irfft  # imported on use: a slow import

    lo = int(cols[0])
    contiguous = lo + cols.size <= n and np.array_equal(cols, lo + np.arange(cols.size))
    take = slice(lo, lo + cols.size) if contiguous else cols
    scale = math.sqrt(n)
    rows = max(1, _BLOCK // n)
    spectrum = np.empty((min(rows, tau.size), cu.size), dtype=complex)
    for sl, phase in _phase_blocks(omega, tau, rows):
        h = spectrum[: phase.shape[0]]
        _half_spectrum(phase, cu, cv, h)
        out[sl] = irfft(h, n=n, axis=1)[:, take] * scale
