"""Closed-form and semi-analytic results of Secs. III-VI (Eqs. 11, 16, 25-28, 33).

Everything here is in the paper's dimensionless units: lengths in l_slow, times in
t_slow = 2 pi / Omega_slow, frequencies in Omega_slow, energies in hbar Omega_slow.
Speeds ``v`` are sigma-dot (l_slow per t_slow); the chain spacing is ``alpha``; the
Gaussian pair interaction is Phi(x) = phi0 exp(-x^2 / (2 lam^2)); the particle's kinetic
energy is mu/2 (v / 2 pi)^2, so a potential step Phi changes v^2 by 8 pi^2 Phi / mu.

Contents
--------
* phonon band: :func:`dispersion` (Eq. 11), :func:`max_group_velocity`, :func:`sound_speed`;
* one pass, no loss (Sec. IV A): :func:`capture_speed`, :func:`velocity_profile` (Eq. 16),
  :func:`extremum_speed`;
* single-pass loss (Sec. V): :func:`single_pass_loss` (Eq. 26), its limits
  :func:`single_pass_loss_fast` (Eq. 27) and :func:`single_pass_loss_slow` (Eq. 28), and the
  mode sum :func:`single_pass_loss_modesum` (Eq. 25, N -> infinity) for any even potential;
* steady state (Sec. VI): :func:`steady_state_loss` (Eq. 33),
  :func:`steady_state_loss_script_variant`, :func:`steady_state_roots`, :func:`spike_speeds`,
  :func:`broadened_steady_state_loss` (Fig. 9), :func:`drift_velocities`;
* resonance speeds: :func:`fast_resonance_speeds`, :func:`slow_resonance_speeds`.

Functions that return NaN do so only where the quantity does not exist (the particle cannot
pass the barrier); this is stated in each docstring.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from numba import njit
from scipy.special import ive

from chaindrag._version import __version__
from chaindrag.params import (ParameterError, require_finite, require_int_range,
                              require_omega_fast, require_positive, require_range)

__all__ = [
    "dispersion", "max_group_velocity", "sound_speed", "capture_speed", "velocity_profile",
    "extremum_speed", "gaussian_fourier", "single_pass_loss", "single_pass_loss_fast",
    "single_pass_loss_slow", "single_pass_loss_modesum", "steady_state_loss",
    "steady_state_loss_script_variant", "steady_state_roots", "spike_speeds",
    "broadened_steady_state_loss", "drift_velocities", "fast_resonance_speeds",
    "slow_resonance_speeds",
]

_TWO_PI = 2.0 * math.pi
_EIGHT_PI_SQ = 8.0 * math.pi**2


# --------------------------------------------------------------------------- validation


def _scalar(name: str, value, check, **kw) -> float:
    check(name, value, **kw)
    if np.ndim(value) != 0:
        raise ParameterError(f"{name} must be a scalar, got an array of shape {np.shape(value)}")
    return float(value)


def _out(x):
    """Return a Python float for 0-d results, an ndarray otherwise."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# --------------------------------------------------------------------------- phonon band
def dispersion(q, omega_fast: float = 10.0):
    """Chain dispersion omega(q), Eq. (11), in units of Omega_slow.

    Parameters
    ----------
    q : array_like
        Wave number in radians per lattice spacing (any real value; the band is 2 pi periodic).
    omega_fast : float
        Band top Omega_fast / Omega_slow, > 1.

    Returns
    -------
    float or ndarray
        omega(q) = sqrt(1 + (omega_fast^2 - 1) sin^2(q / 2)), between 1 and omega_fast.
    """
    wf = require_omega_fast(omega_fast)
    require_finite("q", q)
    q = np.asarray(q, dtype=float)
    return _out(np.sqrt(1.0 + (wf * wf - 1.0) * np.sin(0.5 * q) ** 2))


def max_group_velocity(omega_fast: float = 10.0) -> float:
    """Largest group velocity of the band, pi (omega_fast - 1), in lattice sites per unit tau.

    Sec. III: d omega / dq is largest at sin^2(q/2) = 1/(1 + omega_fast) where it equals
    (omega_fast - 1)/2 per radian; one unit of tau is 2 pi radians of phase, hence
    pi (omega_fast - 1) sites per t_slow. This is the sound-cone front of Fig. 2.
    """
    wf = require_omega_fast(omega_fast)
    return math.pi * (wf - 1.0)


def sound_speed(alpha, omega_fast: float = 10.0):
    """Sound-cone speed pi alpha (omega_fast - 1) in sigma units (l_slow per t_slow), Sec. III.

    This is :func:`max_group_velocity` times the chain spacing ``alpha`` (dashed lines of Fig. 3).
    """
    wf = require_omega_fast(omega_fast)
    require_positive("alpha", alpha)
    return _out(math.pi * np.asarray(alpha, dtype=float) * (wf - 1.0))


# --------------------------------------------------------------------------- one pass, no loss
def capture_speed(phi0, mu=1.0):
    """Smallest midpoint speed that crosses a repulsive barrier: sqrt(8 pi^2 phi0 / mu) (Sec. IV A).

    For ``phi0 <= 0`` (attractive or no interaction) there is no barrier and the result is 0.0.
    ``capture_speed(2) = 12.566...`` (the 12.6 of Figs. 6, 8, 9).
    """
    require_finite("phi0", phi0)
    require_positive("mu", mu)
    phi0 = np.asarray(phi0, dtype=float)
    return _out(np.sqrt(_EIGHT_PI_SQ * np.maximum(phi0, 0.0) / np.asarray(mu, dtype=float)))


def velocity_profile(tau, v0, phi0, lam, mu=1.0):
    """Speed during a loss-free pass of one fixed chain mass, Eq. (16).

    v(tau) = sqrt(v0^2 - (8 pi^2 phi0 / mu) exp(-v0^2 tau^2 / (2 lam^2))),

    with tau = 0 the moment the particle passes the chain mass and v0 the speed far from it
    (the paper uses tau in [-alpha/(2 v0), alpha/(2 v0)]). This is energy conservation with
    the particle at sigma = v0 tau to leading order.

    Returns NaN where the radicand is negative: a repulsive barrier (phi0 > 0) that the
    particle cannot cross (v0 < :func:`capture_speed`).
    """
    require_finite("tau", tau)
    require_positive("v0", v0)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    require_positive("mu", mu)
    tau, v0, phi0, lam, mu = (np.asarray(a, dtype=float) for a in (tau, v0, phi0, lam, mu))
    rad = v0**2 - _EIGHT_PI_SQ * phi0 / mu * np.exp(-0.5 * (v0 * tau / lam) ** 2)
    with np.errstate(invalid="ignore"):
        return _out(np.where(rad >= 0.0, np.sqrt(np.maximum(rad, 0.0)), np.nan))


def extremum_speed(v0, phi0, mu=1.0):
    """Speed at the chain mass, v_ext = sqrt(v0^2 - 8 pi^2 phi0 / mu) (Sec. IV A, Fig. 4c).

    NaN where the particle cannot pass (v0 below :func:`capture_speed`).
    """
    require_positive("v0", v0)
    require_finite("phi0", phi0)
    require_positive("mu", mu)
    v0, phi0, mu = (np.asarray(a, dtype=float) for a in (v0, phi0, mu))
    rad = v0**2 - _EIGHT_PI_SQ * phi0 / mu
    return _out(np.where(rad >= 0.0, np.sqrt(np.maximum(rad, 0.0)), np.nan))


# --------------------------------------------------------------------------- single pass
def gaussian_fourier(p, phi0, lam):
    """Fourier transform of the Gaussian interaction, Phi_p = int du e^{ipu} Phi(u).

    With Phi(u) = phi0 exp(-u^2 / (2 lam^2)): complete the square,
    -u^2/(2 lam^2) + i p u = -(u - i p lam^2)^2 / (2 lam^2) - p^2 lam^2 / 2, and shift the
    contour back to the real axis (the integrand is entire), leaving
    int du exp(-u^2 / (2 lam^2)) = lam sqrt(2 pi). Hence

        Phi_p = phi0 lam sqrt(2 pi) exp(-p^2 lam^2 / 2).

    At the mode frequency p = 2 pi omega / v of Eqs. (25), (33) the exponent is
    -2 pi^2 lam^2 omega^2 / v^2 (and -4 pi^2 lam^2 omega^2 / v^2 once squared).
    """
    require_finite("p", p)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    p, phi0, lam = (np.asarray(a, dtype=float) for a in (p, phi0, lam))
    return _out(phi0 * lam * math.sqrt(_TWO_PI) * np.exp(-0.5 * (p * lam) ** 2))


def _single_pass_args(v, phi0, lam, omega_fast):
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    v, phi0, lam = (np.asarray(a, dtype=float) for a in (v, phi0, lam))
    return v, phi0, lam, wf, _TWO_PI * lam / v


def single_pass_loss(v, phi0, lam, omega_fast: float = 10.0):
    """Energy lost passing one chain mass at constant speed v, Eq. (26) (Gaussian interaction).

    With s = 2 pi lam / v and W = s^2 (omega_fast^2 - 1)/2, Eq. (26) reads

        Delta = 4 pi^3 phi0^2 / v^2 s^2 e^{-s^2 (omega_fast^2+1)/2}
                [I0(W) + (omega_fast^2 - 1)/2 (I0(W) - I1(W))].

    Since (omega_fast^2 + 1)/2 = 1 + W/s^2, e^{-s^2 (omega_fast^2+1)/2} I_n(W) = e^{-s^2} ive(n, W)
    with the exponentially scaled Bessel function ive(n, W) = e^{-W} I_n(W); this form has no
    overflow and no 0 * inf for any v > 0 (the literal form is NaN below v ~ 6.5 at lam = 4).
    For v -> 0 the result decays like e^{-s^2} and underflows to exactly 0.0 once
    s^2 > ~740 (v < 2 pi lam / 27); it is never NaN.

    Derivation (checked in the tests): Eq. (25) with N -> infinity and the Gaussian transform
    (:func:`gaussian_fourier`) is 16 pi^5 phi0^2 lam^2 / v^4 <omega^2 e^{-s^2 omega^2}>_q, and
    omega^2 = (omega_fast^2+1)/2 - (omega_fast^2-1)/2 cos q turns the band average into I0, I1.

    Parameters
    ----------
    v : array_like
        Particle speed, > 0.
    phi0 : array_like
        Interaction amplitude (either sign; Delta is even in phi0).
    lam : array_like
        Interaction width, > 0.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float or ndarray
        Delta in units of hbar Omega_slow.
    """
    v, phi0, lam, wf, s = _single_pass_args(v, phi0, lam, omega_fast)
    s2 = s * s
    w = 0.5 * s2 * (wf * wf - 1.0)
    i0 = ive(0, w)
    i1 = ive(1, w)
    bracket = i0 + 0.5 * (wf * wf - 1.0) * (i0 - i1)
    return _out(4.0 * math.pi**3 * phi0**2 / v**2 * s2 * np.exp(-s2) * bracket)


def single_pass_loss_fast(v, phi0, lam, omega_fast: float = 10.0):
    """Fast-particle limit of Eq. (26), Eq. (27): 2 pi^3 phi0^2 / v^2 s^2 (omega_fast^2 + 1).

    Valid for v >> 2 pi lam omega_fast (s = 2 pi lam / v); Delta ~ v^-4.
    """
    v, phi0, lam, wf, s = _single_pass_args(v, phi0, lam, omega_fast)
    return _out(2.0 * math.pi**3 * phi0**2 / v**2 * s * s * (wf * wf + 1.0))


def single_pass_loss_slow(v, phi0, lam, omega_fast: float = 10.0):
    """Slow-particle limit of Eq. (26), Eq. (28): 4 pi^3 phi0^2 / v^2 s e^{-s^2} / sqrt(pi (omega_fast^2 - 1)).

    Valid for s = 2 pi lam / v >> 1: only the band bottom absorbs and the loss is exponentially
    suppressed.
    """
    v, phi0, lam, wf, s = _single_pass_args(v, phi0, lam, omega_fast)
    return _out(4.0 * math.pi**3 * phi0**2 / v**2 * s * np.exp(-s * s)
                / np.sqrt(math.pi * (wf * wf - 1.0)))


# GL nodes on [0, 1] for the panels of the Fourier integral
_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)
_GL_X = 0.5 * (_GL_X + 1.0)
_GL_W = 0.5 * _GL_W


def _potential_scale(potential: Callable) -> tuple[float, float]:
    """Return (max |Phi| on the real line, decay length L with |Phi(u)| < 1e-18 max for u > L)."""
    u = np.concatenate([[0.0], 1e-6 * 2.0 ** np.arange(0, 90, 0.25)])
    with np.errstate(all="ignore"):
        vals = np.asarray(potential(u), dtype=float)
        back = np.asarray(potential(-u), dtype=float)
    if vals.shape != u.shape or not np.all(np.isfinite(vals)):
        raise ParameterError("potential must map a float array to finite floats of the same "
                             "shape on the whole real line")
    scale = float(np.max(np.abs(vals)))
    if scale == 0.0:
        return 0.0, 1.0
    if np.max(np.abs(vals - back)) > 1e-12 * scale:
        raise ParameterError("potential must be even, Phi(-u) = Phi(u): Eq. (25) assumes a "
                             "symmetric pass (Eq. 18)")
    big = np.nonzero(np.abs(vals) >= 1e-18 * scale)[0]
    if big[-1] == u.size - 1:
        raise ParameterError("potential must decay: |Phi(u)| stays above 1e-18 max|Phi| up to "
                             f"u = {u[-1]:.3g}")
    return scale, float(u[big[-1] + 1])


def _fourier_even(potential: Callable, p: np.ndarray, method: str, scale: float,
                  length: float) -> np.ndarray:
    """Phi_p = 2 int_0^inf cos(pu) Phi(u) du for an even potential, at every p > 0."""
    if method == "real":
        eta = np.zeros_like(p)
    else:
        # Saddle-point contour: u -> u + i eta, Phi_p = 2 e^{-p eta} Re int_0^inf Phi(u + i eta)
        # e^{ipu} du (Cauchy; Phi entire and even). eta minimises log|Phi(i eta)| - p eta, the
        # size of the integrand, so the exponentially small Phi_p comes out without cancellation.
        top = 1.0
        with np.errstate(all="ignore"):
            for _ in range(60):  # grow the eta range while |Phi(i eta)| stays representable
                val = np.abs(np.asarray(potential(np.array([1j * 2.0 * top]))))
                if not np.all(np.isfinite(val)) or val[0] > 1e250 * scale:
                    break
                top *= 2.0
            etas = np.linspace(0.0, top, 4001)
            logphi = np.log(np.abs(np.asarray(potential(1j * etas))) + 1e-300)
        bad = ~np.isfinite(logphi)
        logphi[bad] = np.inf
        h = logphi[None, :] - p[:, None] * etas[None, :]
        eta = etas[np.argmin(h, axis=1)]
        with np.errstate(all="ignore"):
            tail = np.abs(np.asarray(potential(length + 1j * eta)))
            peak = np.abs(np.asarray(potential(1j * eta)))
        if np.any(~(tail <= 1e-15 * peak)):
            raise ParameterError("potential does not decay along the shifted contour "
                                 "u + i eta; use method='real'")
    width = min(math.pi / float(np.max(p)), length / 32.0)
    n_panels = int(math.ceil(length / width))
    edges = np.linspace(0.0, length, n_panels + 1)
    u = (edges[:-1, None] + np.diff(edges)[:, None] * _GL_X[None, :]).ravel()
    wts = (np.diff(edges)[:, None] * _GL_W[None, :]).ravel()
    out = np.empty_like(p)
    for lo in range(0, p.size, 64):  # chunks bound the memory of the (p, u) matrix
        pp, ee = p[lo:lo + 64, None], eta[lo:lo + 64, None]
        with np.errstate(over="ignore", under="ignore"):
            if method == "real":
                vals = np.asarray(potential(u), dtype=float)[None, :] * np.cos(pp * u[None, :])
            else:
                z = u[None, :] + 1j * ee
                vals = np.real(np.asarray(potential(z)) * np.exp(1j * pp * u[None, :]))
                vals = vals * np.exp(-pp * ee)
        out[lo:lo + 64] = 2.0 * vals @ wts
    return out


def single_pass_loss_modesum(v, potential: Callable, omega_fast: float = 10.0, *,
                             method: str = "contour", rtol: float = 1e-12):
    """Single-pass loss from the mode sum, Eq. (25), with N -> infinity, for any even potential.

    (1/N) sum_j -> (1/2 pi) int dq over the band, so

        Delta = (1/2) (1/2 pi) int_{-pi}^{pi} dq [4 pi^2 omega(q) / v^2 Phi_hat(2 pi omega(q) / v)]^2,

    with Phi_hat(p) = int du e^{ipu} Phi(u) computed numerically from ``potential``. This is the
    reference implementation against which the closed form Eq. (26) is tested; it is not fast.

    Quadrature
    ----------
    * q: the integrand is a smooth 2 pi periodic function, so the trapezoid rule on a full
      period converges geometrically; the number of points is doubled until two successive
      results agree to ``rtol`` (a narrow peak at q = 0 for small v is resolved this way).
    * u: Phi_hat(p) = 2 int_0^L cos(pu) Phi(u) du (even potential; L where |Phi| < 1e-18 max),
      composite 24-point Gauss-Legendre on panels no wider than half a period of cos(pu).
      ``method="real"`` integrates on the real axis: its absolute error ~1e-16 |Phi| lam limits
      the relative accuracy of an exponentially small Phi_hat (for the Gaussian, about
      1e-16 e^{2 pi^2 lam^2 / v^2}: 1e-8 needs v > ~1.05 lam). ``method="contour"`` (default)
      moves the path to u + i eta, eta minimising log|Phi(i eta)| - p eta (steepest descent),
      which gives full relative accuracy; it needs ``potential`` to be entire and to accept
      complex arrays.

    Parameters
    ----------
    v : array_like
        Speeds, > 0.
    potential : callable
        Even pair potential Phi(u), vectorised over numpy arrays (complex ones for
        ``method="contour"``), decaying to 0 at large |u|.
    omega_fast : float
        Band top, > 1.
    method : {"contour", "real"}
        Path of the Fourier integral, see above.
    rtol : float
        Relative convergence target of the q quadrature.

    Returns
    -------
    float or ndarray
        Delta(v).
    """
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_range("rtol", rtol, 1e-15, 1e-2)
    if method not in ("contour", "real"):
        raise ParameterError(f"method must be 'contour' or 'real', got {method!r}")
    if not callable(potential):
        raise ParameterError(f"potential must be a callable Phi(u), got {potential!r}")
    scale, length = _potential_scale(potential)
    if method == "contour":
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            try:
                probe = np.asarray(potential(np.array([0.5 + 0.5j])))
            except (TypeError, ValueError, np.exceptions.ComplexWarning):
                probe = None
        if probe is None or not np.iscomplexobj(probe):
            raise ParameterError("potential must accept complex arrays for method='contour' "
                                 "(analytic continuation); use method='real' otherwise")
    v_arr = np.atleast_1d(np.asarray(v, dtype=float))
    out = np.empty(v_arr.shape)
    for idx, vv in np.ndenumerate(v_arr):
        if scale == 0.0:
            out[idx] = 0.0
            continue
        def integrand(k: np.ndarray, m: int, vv=vv) -> np.ndarray:
            # the band integrand at q = 2 pi k / m
            om = np.sqrt(1.0 + (wf * wf - 1.0) * np.sin(math.pi * k / m) ** 2)
            ph = _fourier_even(potential, _TWO_PI * om / vv, method, scale, length)
            return (4.0 * math.pi**2 * om / vv**2 * ph) ** 2

        m = 32
        k = np.arange(m // 2 + 1)
        vals = integrand(k, m)
        wk = np.where((k == 0) | (k == m // 2), 1.0, 2.0)
        total = float(np.sum(wk * vals)) / m
        while True:
            m *= 2
            knew = np.arange(1, m // 2, 2)  # only the new (odd) points of the doubled grid
            new = float(np.sum(2.0 * integrand(knew, m))) / m
            prev, total = total, 0.5 * total + new
            if abs(total - prev) <= rtol * abs(total) or m >= 2**17:
                break
        if abs(total - prev) > rtol * abs(total):
            raise ParameterError(
                f"the q quadrature of Eq. (25) did not converge to rtol = {rtol!r} at v = {vv!r} "
                f"(with method='real' the Fourier transform may be below its rounding floor; "
                f"use method='contour' or a larger rtol)")
        out[idx] = 0.5 * total
    return _out(out.reshape(np.shape(v)))


# --------------------------------------------------------------------------- steady state
# Resonance condition of Eq. (32): f(x) = omega(x) + x v / alpha = 0 with
# omega(x) = sqrt(1 + A sin^2(pi x)), A = omega_fast^2 - 1, x = q / (2 pi) in any Brillouin zone.
# omega rises on [m, m + 1/2] and falls on [m - 1/2, m]; omega'' changes sign once per half
# period, at cos(2 pi x) = (omega_fast - 1)/(omega_fast + 1) (the only admissible root of
# A c^2 - (2A + 4) c + A = 0). So on a rising half f' > 0 (at most one root); on each convex
# or concave part of a falling half f' is monotone (at most one critical point), and splitting
# there leaves pieces on which f is monotone: every root is bracketed, none can be missed.

@njit(cache=True)
def _band(x, a):
    """omega(x) and omega'(x) of the steady-state band variable x = q / 2 pi."""
    sn = math.sin(math.pi * x)
    w = math.sqrt(1.0 + a * sn * sn)
    return w, a * math.pi * math.sin(2.0 * math.pi * x) / (2.0 * w)


@njit(cache=True)
def _band_curvature(x, a):
    w, dw = _band(x, a)
    return (a * math.pi * math.pi * math.cos(2.0 * math.pi * x) - dw * dw) / w


@njit(cache=True)
def _value(x, r, a, which):
    """which = 0: f(x) = omega + r x (and f'); which = 1: f'(x) (and f'')."""
    w, dw = _band(x, a)
    if which == 0:
        return w + r * x, dw + r
    return dw + r, _band_curvature(x, a)


@njit(cache=True)
def _solve_monotone(lo, hi, flo, fhi, r, a, which):
    """Zero of a monotone function on [lo, hi] with values flo, fhi of opposite signs at the
    ends: Newton from the secant point, kept inside a shrinking bisection bracket."""
    pos = flo > 0.0
    x = lo - flo * (hi - lo) / (fhi - flo)
    if not (lo < x < hi):
        x = 0.5 * (lo + hi)
    for _ in range(200):
        f, fp = _value(x, r, a, which)
        if f == 0.0:
            return x
        if (f > 0.0) == pos:
            lo = x
        else:
            hi = x
        xn = x - f / fp if fp != 0.0 else 0.5 * (lo + hi)
        if not (lo < xn < hi):
            xn = 0.5 * (lo + hi)
        if abs(xn - x) <= 2e-16 * max(1.0, abs(x)) or hi - lo <= 4e-16 * max(1.0, abs(x)):
            return xn
        x = xn
    return x


@njit(cache=True)
def _root_on(lo, hi, r, a, buf, n):
    """Append the root of monotone f on [lo, hi) to buf; return the new count."""
    flo = _value(lo, r, a, 0)[0]
    fhi = _value(hi, r, a, 0)[0]
    if flo == 0.0:
        buf[n] = lo
        return n + 1
    if flo * fhi < 0.0:
        buf[n] = _solve_monotone(lo, hi, flo, fhi, r, a, 0)
        return n + 1
    return n


@njit(cache=True)
def _roots_on_curved(lo, hi, r, a, buf, n):
    """Roots of f on a piece of constant curvature sign: split at the critical point."""
    glo = _value(lo, r, a, 1)[0]
    ghi = _value(hi, r, a, 1)[0]
    if glo * ghi < 0.0:
        c = _solve_monotone(lo, hi, glo, ghi, r, a, 1)
        n = _root_on(lo, c, r, a, buf, n)
        return _root_on(c, hi, r, a, buf, n)
    return _root_on(lo, hi, r, a, buf, n)


@njit(cache=True)
def _find_roots(r, omega_fast, buf, omega_max):
    """All roots of omega(x) + r x = 0 with omega <= omega_max (they lie in
    [-min(omega_fast, omega_max)/r, -1/r]); return the count."""
    a = omega_fast * omega_fast - 1.0
    dxi = math.acos((omega_fast - 1.0) / (omega_fast + 1.0)) / (2.0 * math.pi)
    x_lo = -min(omega_fast, omega_max) / r
    x_hi = -1.0 / r
    n = 0
    for k in range(int(math.floor(2.0 * x_lo)) - 1, int(math.ceil(2.0 * x_hi)) + 1):
        lo = 0.5 * k
        hi = 0.5 * (k + 1)
        if hi < x_lo - 1e-9 * abs(x_lo) or lo > x_hi + 1e-9 * abs(x_hi):
            continue
        if k % 2 == 0:  # rising half [m, m + 1/2]: f' > 0
            n = _root_on(lo, hi, r, a, buf, n)
        else:  # falling half [m - 1/2, m]: concave, then convex after the inflection
            xi = hi - dxi
            n = _roots_on_curved(lo, xi, r, a, buf, n)
            n = _roots_on_curved(xi, hi, r, a, buf, n)
    return n


def _buffer_size(r_min: float, omega_fast: float) -> int:
    return int(4 * (2.0 * (omega_fast - 1.0) / r_min + 8))


@njit(cache=True)
def _steady_sums(v, lam, alpha, omega_fast, variant, size):
    """sum_j omega_j^2 e^{-E(omega_j)} / |alpha omega'(x_j)/v + 1| for each element."""
    out = np.empty(v.size)
    buf = np.empty(size)
    a = omega_fast * omega_fast - 1.0
    for i in range(v.size):
        r = v[i] / alpha[i]
        s2 = (2.0 * math.pi * lam[i] / v[i]) ** 2
        # a root with omega <= 1 + r always exists; roots weighted below e^{-60} of it are
        # skipped (at small v only the band bottom absorbs, so this prunes most zones)
        n = _find_roots(r, omega_fast, buf, math.sqrt((1.0 + r) ** 2 + 60.0 / s2))
        tot = 0.0
        for j in range(n):
            w, dw = _band(buf[j], a)
            if variant == 0:
                e = s2 * w * w
            else:
                e = 0.5 * s2 * w * w * w * w
            den = abs(dw + r) / r
            tot += w * w * math.exp(-e) / den if den > 0.0 else math.inf
        out[i] = tot
    return out


def _steady(v, phi0, lam, alpha, omega_fast, variant):
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    require_positive("alpha", alpha)
    v, phi0, lam, alpha = np.broadcast_arrays(*(np.asarray(a, dtype=float)
                                                for a in (v, phi0, lam, alpha)))
    if v.size == 0:
        return np.empty(v.shape)
    flat = [np.ascontiguousarray(a.ravel()) for a in (v, lam, alpha)]
    size = _buffer_size(float(np.min(flat[0] / flat[2])), wf)
    sums = _steady_sums(flat[0], flat[1], flat[2], wf, variant, size).reshape(v.shape)
    return _out(16.0 * math.pi**5 * phi0**2 * lam**2 / v**4 * sums)


def steady_state_loss(v, phi0, lam, alpha, omega_fast: float = 10.0):
    """Mean energy lost per chain mass passed at constant speed in the steady state, Eq. (33).

        Delta_bar = (1/2) sum_j [4 pi^2 omega(x_j) / v^2 Phi_hat(2 pi omega(x_j) / v)]^2
                    / |alpha omega'(x_j) / v + 1|,

    x_j all real roots of omega(x) + x v / alpha = 0, omega(x) = sqrt(1 + (omega_fast^2 - 1)
    sin^2(pi x)) (every Brillouin zone; the roots lie in [-alpha omega_fast / v, -alpha / v]).
    For the Gaussian, Phi_hat(p) = phi0 lam sqrt(2 pi) e^{-p^2 lam^2 / 2} (:func:`gaussian_fourier`)
    so each term is 16 pi^5 phi0^2 lam^2 omega_j^2 / v^4 e^{-4 pi^2 lam^2 omega_j^2 / v^2}
    / |alpha omega'(x_j)/v + 1|.

    The roots are found by bracketing on pieces where f is provably monotone (split at the
    half periods, the inflection points of omega and the critical points of f), then
    Newton-bisection, compiled with numba. Roots whose Gaussian weight is below e^{-60} times
    that of the lowest-omega root (omega <= 1 + v/alpha always exists) are skipped: a relative
    change below 1e-23 that makes small v fast. Delta_bar diverges (as an inverse square root) at
    the tangency speeds of :func:`spike_speeds` where two roots merge; exactly there it is inf.

    Parameters
    ----------
    v : array_like
        Particle speed, > 0.
    phi0, lam : array_like
        Gaussian amplitude (any sign) and width (> 0).
    alpha : array_like
        Chain spacing, > 0.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float or ndarray
        Delta_bar(v), broadcast over the array arguments.
    """
    return _steady(v, phi0, lam, alpha, omega_fast, 0)


def steady_state_loss_script_variant(v, phi0, lam, alpha, omega_fast: float = 10.0):
    """Eq. (33) with the authors' script exponent -2 pi^2 lam^2 omega^4 / v^2.

    Identical to :func:`steady_state_loss` except that e^{-4 pi^2 lam^2 omega_j^2 / v^2} is
    replaced by e^{-2 pi^2 lam^2 omega_j^4 / v^2}, the form in the public script (see
    figures.md). It is not the Fourier transform of the Gaussian; it is provided only so that
    the published Fig. 8(c) can be compared with the derived Eq. (33). Near the band bottom
    (omega ~ 1) the ratio script / derived is ~e^{2 pi^2 lam^2 / v^2}.
    """
    return _steady(v, phi0, lam, alpha, omega_fast, 1)


def steady_state_roots(v: float, alpha: float, omega_fast: float = 10.0) -> np.ndarray:
    """The resonant modes x_j of Eq. (33) at one speed: sorted roots of omega(x) + x v/alpha = 0.

    x = q / 2 pi counts Brillouin zones; every root lies in [-alpha omega_fast / v, -alpha / v].
    """
    wf = require_omega_fast(omega_fast)
    v = _scalar("v", v, require_positive)
    alpha = _scalar("alpha", alpha, require_positive)
    r = v / alpha
    buf = np.empty(_buffer_size(r, wf))
    n = _find_roots(r, wf, buf, math.inf)
    return np.sort(buf[:n])


def _tangency_points(index: np.ndarray, omega_fast: float, band_edge: str) -> np.ndarray:
    """x_t with omega(x_t) = x_t omega'(x_t) on the falling half [-m - 1/2, -m], m = index.

    g(x) = omega - x omega' has g' = -x omega'', so it rises on the convex part (band bottom
    side) and falls on the concave part (band top side); a zero exists on each part iff g < 0
    at the inflection point. Vectorised bisection; NaN where there is no tangency.
    """
    a = omega_fast**2 - 1.0
    dxi = math.acos((omega_fast - 1.0) / (omega_fast + 1.0)) / _TWO_PI
    m = index.astype(float)
    xi = -m - dxi

    def g(x):
        w = np.sqrt(1.0 + a * np.sin(math.pi * x) ** 2)
        return w - x * a * math.pi * np.sin(_TWO_PI * x) / (2.0 * w)

    if band_edge == "bottom":
        lo, hi = xi.copy(), -m  # g(lo) < 0 < g(hi) = 1
    else:
        lo, hi = -m - 0.5, xi.copy()  # g(lo) = omega_fast > 0 > g(hi)
    exists = g(xi) < 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        neg = g(mid) < 0.0
        if band_edge == "bottom":
            lo, hi = np.where(neg, mid, lo), np.where(neg, hi, mid)
        else:
            lo, hi = np.where(neg, lo, mid), np.where(neg, mid, hi)
    return np.where(exists, 0.5 * (lo + hi), np.nan)


def spike_speeds(alpha: float, omega_fast: float = 10.0, n_max: int = 10,
                 band_edge: str = "bottom") -> np.ndarray:
    """Exact speeds where Eq. (33) has its spikes: the line -x v/alpha is tangent to omega(x).

    ``band_edge="bottom"`` (the spikes of Fig. 8c): tangency near x = -n, n = 1..n_max. With
    y = x + n, omega ~ 1 + c y^2, c = (omega_fast^2 - 1) pi^2 / 2, two extra roots exist iff
    n v/alpha >= 1 - (v/alpha)^2 / (4c); so v_c,n lies just *below* alpha/n
    (v_c ~ (alpha/n)(1 - 1/(4 n^2 c))). Delta_bar diverges like (v - v_c)^{-1/2} for v -> v_c+
    and is finite below: a jump.

    ``band_edge="top"``: tangency on the concave cap near x = -(l + 1/2), l = 0..n_max, close
    to the fast resonances 2 alpha omega_fast/(2l + 1) of Sec. V; there the extra roots exist
    for v < v_c, so Delta_bar diverges for v -> v_c- (weighted by e^{-4 pi^2 lam^2 omega_fast^2
    / v^2}, tiny at small v). NaN where no tangency exists (l = 0).

    Solved exactly (to rounding) from omega(x_t) = x_t omega'(x_t), v_c = -alpha omega(x_t)/x_t.
    """
    wf = require_omega_fast(omega_fast)
    alpha = _scalar("alpha", alpha, require_positive)
    n_max = require_int_range("n_max", n_max, 1)
    if band_edge not in ("bottom", "top"):
        raise ParameterError(f"band_edge must be 'bottom' or 'top', got {band_edge!r}")
    return _tangencies(alpha, wf, n_max, band_edge)[0]


def _tangencies(alpha: float, omega_fast: float, n_max: int, band_edge: str):
    """(v_c, omega at the tangency) for one family, see :func:`spike_speeds`."""
    idx = np.arange(1, n_max + 1) if band_edge == "bottom" else np.arange(0, n_max + 1)
    xt = _tangency_points(idx, omega_fast, band_edge)
    w = np.sqrt(1.0 + (omega_fast**2 - 1.0) * np.sin(math.pi * xt) ** 2)
    return -alpha * w / xt, w


def fast_resonance_speeds(alpha, omega_fast: float = 10.0, l_max: int = 10) -> np.ndarray:
    """Speeds of enhanced single-pass loss from the band top, 2 alpha omega_fast/(2l + 1), l = 0..l_max (Sec. V, Fig. 7)."""
    wf = require_omega_fast(omega_fast)
    alpha = _scalar("alpha", alpha, require_positive)
    l_max = require_int_range("l_max", l_max, 0)
    return 2.0 * alpha * wf / (2.0 * np.arange(l_max + 1) + 1.0)


def slow_resonance_speeds(alpha, n_max: int = 10) -> np.ndarray:
    """Band-bottom resonance speeds alpha/n, n = 1..n_max (Secs. V, VI; lines of Figs. 8, 9)."""
    alpha = _scalar("alpha", alpha, require_positive)
    n_max = require_int_range("n_max", n_max, 1)
    return alpha / np.arange(1, n_max + 1)


def _all_tangencies(alpha: float, omega_fast: float, v_lo: float, v_hi: float):
    """Both families of tangency speeds in [v_lo, v_hi]: (speeds, band_edge labels, omega_t)."""
    bot, w_bot = _tangencies(alpha, omega_fast, int(alpha / v_lo) + 2, "bottom")
    top, w_top = _tangencies(alpha, omega_fast, int(alpha * omega_fast / v_lo) + 2, "top")
    speeds = np.concatenate([bot, top])
    omega_t = np.concatenate([w_bot, w_top])
    edge = np.array(["bottom"] * bot.size + ["top"] * top.size)
    keep = np.isfinite(speeds) & (speeds >= v_lo) & (speeds <= v_hi)
    order = np.argsort(speeds[keep])
    return speeds[keep][order], edge[keep][order], omega_t[keep][order]


# --------------------------------------------------------------------------- broadening (Fig. 9)
def _tanh_sinh(n_half: int, h: float):
    """tanh-sinh nodes on [0, 1] as (distance from 0, distance from 1, weight)."""
    t = h * np.arange(-n_half, n_half + 1)
    u = 0.5 * math.pi * np.sinh(t)
    left = 1.0 / (1.0 + np.exp(-2.0 * u))  # = (1 + tanh u)/2, accurate near 0
    right = 1.0 / (1.0 + np.exp(2.0 * u))  # = (1 - tanh u)/2, accurate near 1
    wts = h * 0.5 * math.pi * np.cosh(t) / (2.0 * np.cosh(u) ** 2)
    return left, right, wts


def _cell_potential(x, phi0, lam, alpha):
    """Fixed-chain potential seen between two chain masses, masses at k alpha, k = -2..2."""
    k = np.arange(-2, 3)[:, None]
    return np.sum(phi0 * np.exp(-0.5 * ((np.asarray(x)[None, :] - k * alpha) / lam) ** 2), axis=0)


def broadened_steady_state_loss(v, phi0: float, lam: float, alpha: float, mu: float = 1.0,
                                omega_fast: float = 10.0, n_points: int = 32):
    """Eq. (33) averaged over the speeds taken between two midpoints (Sec. VI, Fig. 9).

    The midpoint speed is ``v``. Between the midpoints the particle's speed follows energy
    conservation over fixed chain masses, v(x)^2 = v^2 - (8 pi^2/mu) [Phi(x) - Phi(alpha/2)],
    Phi(x) = sum_{k=-2..2} phi0 exp(-(x - k alpha)^2 / (2 lam^2)), x measured from the chain mass.
    The time spent in dx is dx / v(x), so the time-weighted distribution of speeds gives

        Delta_bar_broad(v) = int_0^{alpha/2} dx Delta_bar(v(x)) / v(x) / int_0^{alpha/2} dx / v(x)

    (the cell is symmetric about the chain mass, so half a cell suffices). This is the
    "probability distribution of speeds" weighting of Sec. VI, a qualitative illustration.
    Where the extreme speed of the cell (v itself for phi0 > 0, v(0) for phi0 < 0) passes a
    tangency speed, the broadened curve jumps (the inverse-square-root spike of Eq. 33 is
    integrated over a quadratic speed maximum, which gives a finite step).

    Quadrature: Delta_bar(v(x)) jumps and has inverse-square-root singularities where v(x)
    crosses a tangency speed (:func:`spike_speeds`, both band edges). [0, alpha/2] is split at
    every such crossing (located on a 4001-point grid, refined by bisection) and each piece is
    integrated with a tanh-sinh rule (``2 n_points + 1`` nodes, step 1/8), which handles
    algebraic end-point singularities; nodes within 1e-13 alpha of a crossing (where v(x)
    rounds to the tangency speed) are dropped, a relative error of order 1e-6.

    Returns NaN where the particle cannot cross the cell (repulsive phi0 with v^2 below
    8 pi^2 (Phi(0) - Phi(alpha/2)) / mu, i.e. below the capture speed of the cell).
    """
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    phi0 = _scalar("phi0", phi0, require_finite)
    lam = _scalar("lam", lam, require_positive)
    alpha = _scalar("alpha", alpha, require_positive)
    mu = _scalar("mu", mu, require_positive)
    n_points = require_int_range("n_points", n_points, 8)
    v_arr = np.atleast_1d(np.asarray(v, dtype=float)).ravel()

    kin = _EIGHT_PI_SQ / mu
    phi_mid = _cell_potential(np.array([0.5 * alpha]), phi0, lam, alpha)[0]

    def speed2(x, vv):
        return vv**2 - kin * (_cell_potential(np.ravel(x), phi0, lam, alpha).reshape(np.shape(x))
                              - phi_mid)

    xs = np.linspace(0.0, 0.5 * alpha, 4001)
    dphi = _cell_potential(xs, phi0, lam, alpha) - phi_mid
    w2_grid = v_arr[:, None] ** 2 - kin * dphi[None, :]
    passable = np.all(w2_grid > 0.0, axis=1)
    w_grid = np.sqrt(np.abs(w2_grid))
    if np.any(passable):
        tang, _, omega_t = _all_tangencies(alpha, wf, float(np.min(w_grid[passable])),
                                           float(np.max(w_grid[passable])))
    else:
        tang = omega_t = np.empty(0)

    def log_weight(w, om):  # log of the Gaussian weight of one Eq. (33) term at speed w
        return 2.0 * np.log(om) - (_TWO_PI * lam * om / w) ** 2 - 4.0 * np.log(w)
    left, right, wts = _tanh_sinh(n_points, 0.125)
    tiny = 1e-13 * alpha

    nodes_w, nodes_wt, owner = [], [], []
    for i in np.nonzero(passable)[0]:
        vv = v_arr[i]
        lo_w, hi_w = np.min(w_grid[i]), np.max(w_grid[i])
        # split only at spikes that matter: weight above 1e-18 of the cell's largest term
        floor = np.max(log_weight(w_grid[i], 1.0)) - 41.0
        tc = tang[(tang > lo_w) & (tang < hi_w) & (log_weight(tang, omega_t) > floor)]
        cuts = [0.0, 0.5 * alpha]
        if tc.size:
            sign = np.sign(w_grid[i][None, :] - tc[:, None])
            kk, jj = np.nonzero(sign[:, :-1] * sign[:, 1:] < 0)
            lo, hi, target = xs[jj], xs[jj + 1], tc[kk] ** 2
            s_lo = sign[kk, jj]
            for _ in range(60):  # vectorised bisection of v(x) = v_c for every crossing
                mid = 0.5 * (lo + hi)
                same = np.sign(speed2(mid, vv) - target) == s_lo
                lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
            cuts.extend(0.5 * (lo + hi))
        cuts = np.unique(cuts)
        a, b = cuts[:-1, None], cuts[1:, None]
        dl, dr = (b - a) * left[None, :], (b - a) * right[None, :]
        x = np.where(dl < dr, a + dl, b - dr)
        ok = np.minimum(dl, dr) > tiny
        wx = np.sqrt(np.maximum(speed2(x[ok], vv), 0.0))
        nodes_w.append(wx)
        nodes_wt.append(((b - a) * wts[None, :])[ok] / wx)
        owner.append(np.full(wx.size, i))
    out = np.full(v_arr.size, np.nan)
    if nodes_w:
        w_all = np.concatenate(nodes_w)
        wt_all = np.concatenate(nodes_wt)
        own = np.concatenate(owner)
        loss = steady_state_loss(w_all, phi0, lam, alpha, wf)
        num = np.bincount(own, weights=wt_all * loss, minlength=v_arr.size)
        den = np.bincount(own, weights=wt_all, minlength=v_arr.size)
        out = np.where(passable, num / np.where(den > 0, den, 1.0), np.nan)
    return _out(out.reshape(np.shape(v)))


# --------------------------------------------------------------------------- drift velocities
def _which_spike(v: float, stable: bool, kind: str, tang: np.ndarray, edge: np.ndarray) -> str:
    """Band edge ('slow' = bottom, 'fast' = top) of the spike a drift solution belongs to.

    An edge is its own tangency. A stable root (loss rising through the bias) belongs to the
    next band-top spike above it (those diverge on their low side); an unstable root (loss
    falling through the bias) to the next band-bottom spike below it (diverging on its high
    side). 'none' if there is no such spike.
    """
    if kind == "spike_edge":
        if not tang.size:
            return "none"
        j = np.argmin(np.abs(tang - v))
        return "fast" if edge[j] == "top" else "slow"
    if stable:
        return "fast" if np.any((edge == "top") & (tang >= v)) else "none"
    return "slow" if np.any((edge == "bottom") & (tang <= v)) else "none"


def drift_velocities(bias: float, phi0: float, lam: float, alpha: float,
                     omega_fast: float = 10.0, v_max: float | None = None,
                     broadened: bool = False, mu: float = 1.0, v_min: float | None = None,
                     n_grid: int = 4000) -> pd.DataFrame:
    """Steady drift speeds under a bias: solutions of Delta_bar(v) = bias (Sec. VI, Figs. 8, 9).

    Per pass the bias adds ``bias`` and the chain takes Delta_bar(v), so dv/dt has the sign of
    bias - Delta_bar(v). A speed where this changes sign from + to - with increasing v is
    stable, from - to + unstable. Two kinds of solutions:

    * ``kind="spike_edge"``: the jump of Delta_bar at a tangency speed v_c (:func:`spike_speeds`).
      At a band-bottom spike Delta_bar is finite below v_c and diverges above, so if
      Delta_bar(v_c-) < bias, v_c is a *stable* drift speed just below alpha/n. (At a band-top
      spike the divergence is on the low side; the edge is unstable.)
    * ``kind="root"``: a continuous crossing, found by bisection; e.g. the unstable speed where
      Delta_bar falls through the bias above each band-bottom spike.

    The sign of bias - Delta_bar is scanned on a geometric grid of ``n_grid`` speeds in
    [v_min, v_max] merged with v_c (1 +- 10^-k), k = 3, 5, 7, 9, at every tangency speed (edges
    are reported when the sign differs across v_c (1 -+ 1e-9); spike regions narrower than
    that are not resolved). With ``broadened=True`` the Fig. 9 curve
    (:func:`broadened_steady_state_loss`, which needs ``mu``) is used instead; it is continuous,
    so only roots occur, and the grid is ``n_grid // 8`` points.

    Parameters
    ----------
    bias : float
        Energy gained per lattice spacing, >= 0 (0 gives an empty table).
    phi0, lam, alpha, omega_fast, mu : float
        As everywhere (Gaussian amplitude and width, spacing, band top, mass ratio).
    v_max : float, optional
        Top of the scan; default: above every tangency speed and 2 (16 pi^5 phi0^2 lam^2 /
        bias)^{1/4} (the single-root large-v form of Eq. 33), raised until Delta_bar < bias there.
    v_min : float, optional
        Bottom of the scan; default max(0.5, 1.001 x capture speed).
    n_grid : int
        Number of scan points.

    Returns
    -------
    pandas.DataFrame
        Columns v, stable, kind, resonance (the spike the solution belongs to: 'slow' for the
        band-bottom spikes just below alpha/n, 'fast' for the band-top spikes near
        2 alpha omega_fast/(2l+1), 'none'), n (nearest alpha/n), offset
        (v - alpha/n), bias, phi0, lam, alpha, omega_fast, mu, broadened, chaindrag_version.
    """
    wf = require_omega_fast(omega_fast)
    bias = _scalar("bias", bias, require_positive, allow_zero=True)
    phi0 = _scalar("phi0", phi0, require_finite)
    lam = _scalar("lam", lam, require_positive)
    alpha = _scalar("alpha", alpha, require_positive)
    mu = _scalar("mu", mu, require_positive)
    n_grid = require_int_range("n_grid", n_grid, 16)
    if v_min is None:
        v_min = max(0.5, 1.001 * capture_speed(phi0, mu))
    v_min = _scalar("v_min", v_min, require_positive)

    def loss(v):
        if broadened:
            return broadened_steady_state_loss(v, phi0, lam, alpha, mu, wf)
        return steady_state_loss(v, phi0, lam, alpha, wf)

    tang_all = _all_tangencies(alpha, wf, v_min, math.inf)[0]
    if v_max is None:
        v_max = 2.0 * (16.0 * math.pi**5 * phi0**2 * lam**2 / max(bias, 1e-300)) ** 0.25
        v_max = max(v_max, 1.1 * float(np.max(tang_all, initial=v_min)), 2.0 * v_min)
        while bias > 0 and not loss(v_max) < bias and v_max < 1e12:
            v_max *= 2.0
    v_max = _scalar("v_max", v_max, require_positive)
    if v_max <= v_min:
        raise ParameterError(f"v_max must exceed v_min = {v_min!r}, got {v_max!r}")
    columns = ["v", "stable", "kind", "resonance", "n", "offset"]
    rows: list[tuple] = []
    tang, edge, _ = _all_tangencies(alpha, wf, v_min, v_max)
    if bias > 0:
        grid = [np.geomspace(v_min, v_max, n_grid if not broadened else max(n_grid // 8, 16))]
        if not broadened and tang.size:
            # refine only around spikes that are resolvable: loss > bias next to v_c
            near = loss(np.concatenate([tang * (1.0 - 1e-9), tang * (1.0 + 1e-9)]))
            sharp = tang[np.maximum(near[:tang.size], near[tang.size:]) > bias]
            offs = 10.0 ** -np.array([3.0, 5.0, 7.0, 9.0])
            grid += [sharp[:, None] * (1.0 - offs), sharp[:, None] * (1.0 + offs)]
        grid = np.unique(np.concatenate([g.ravel() for g in grid]))
        grid = grid[(grid >= v_min) & (grid <= v_max)]
        sign = np.sign(bias - loss(grid))
        for j in np.nonzero(sign[:-1] * sign[1:] < 0)[0]:
            lo, hi = grid[j], grid[j + 1]
            stable = bool(sign[j] > 0)
            inside = tang[(tang > lo) & (tang < hi)]
            if inside.size and not broadened:
                vc = float(inside[0])
                rows.append((vc, stable, "spike_edge"))
                continue
            for _ in range(50):  # bisection to 1e-15 relative
                mid = 0.5 * (lo + hi)
                if np.sign(bias - loss(mid)) == sign[j]:
                    lo = mid
                else:
                    hi = mid
            # a continuous crossing ends with both sides at the bias; a jump does not
            ends = loss(np.array([lo, hi]))
            jump = bool(np.min(np.abs(ends - bias)) > 1e-3 * bias)
            rows.append((0.5 * (lo + hi), stable, "spike_edge" if jump else "root"))
    out = pd.DataFrame(rows, columns=["v", "stable", "kind"])
    if len(out):
        if broadened:
            # a broadened curve jumps when the cell's extreme speed crosses a tangency: the
            # fastest speed of the cell for a bottom spike, the slowest for a top spike
            vmid = out["v"].to_numpy()
            vx = np.sqrt(vmid**2 - _EIGHT_PI_SQ * phi0 / mu * (1.0 - math.exp(
                -alpha**2 / (8.0 * lam**2))))  # speed at the chain mass (nearest mass only)
            probe = np.where(out["stable"], np.minimum(vmid, vx), np.maximum(vmid, vx))
            probe = np.where(out["kind"] == "spike_edge",
                             np.where(out["stable"], np.maximum(vmid, vx), np.minimum(vmid, vx)),
                             probe)
        else:
            probe = out["v"].to_numpy()
        out["resonance"] = [_which_spike(vv, st, kd, tang, edge)
                            for vv, st, kd in zip(probe, out["stable"], out["kind"])]
        n = np.maximum(np.rint(alpha / out["v"].to_numpy()), 1).astype(int)
        out["n"] = n
        out["offset"] = out["v"] - alpha / n
    else:
        out = pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            columns, [float, bool, object, object, int, float])})
    out = out[columns]
    for name, val in (("bias", bias), ("phi0", phi0), ("lam", lam), ("alpha", alpha),
                      ("omega_fast", wf), ("mu", mu), ("broadened", bool(broadened)),
                      ("chaindrag_version", __version__)):
        out[name] = val
    return out.sort_values("v", ignore_index=True)
