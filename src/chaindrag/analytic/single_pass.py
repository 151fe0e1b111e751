"""One pass of the particle over one chain mass (Secs. IV A and V, Eqs. 16, 25-28).

Without loss (Sec. IV A) the pass is energy conservation over a fixed chain mass:
:func:`capture_speed`, :func:`velocity_profile` (Eq. 16), :func:`extremum_speed`. The energy
the chain takes (Sec. V) is the mode sum Eq. (25), :func:`single_pass_loss_modesum` for any
even potential, and for the Gaussian its closed form Eq. (26), :func:`single_pass_loss`, with
the fast and slow limits Eqs. (27), (28).

The kinetic energy is ``mu/2 (v / 2 pi)^2``, so a potential step Phi changes ``v^2`` by
``8 pi^2 Phi / mu``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.special import ive

from chaindrag.params import (ParameterError, require_finite, require_omega_fast,
                              require_positive, require_range)

from ._common import EIGHT_PI_SQ, TWO_PI, out
from .fourier import _checked_potential, _fourier_even

__all__ = ["capture_speed", "velocity_profile", "extremum_speed", "single_pass_loss",
           "single_pass_loss_fast", "single_pass_loss_slow", "single_pass_loss_modesum"]


# --------------------------------------------------------------------------- no loss (Sec. IV A)
def capture_speed(phi0, mu=1.0):
    """Smallest midpoint speed that crosses a repulsive barrier (Sec. IV A).

    Parameters
    ----------
    phi0 : array_like
        Interaction amplitude (either sign).
    mu : array_like
        Mass ratio, > 0.

    Returns
    -------
    float or ndarray
        ``sqrt(8 pi^2 phi0 / mu)``; 0.0 for ``phi0 <= 0`` (attractive or no interaction:
        no barrier).

    Examples
    --------
    The 12.6 of Figs. 6, 8 and 9:

    >>> round(capture_speed(2.0), 3)
    12.566
    """
    require_finite("phi0", phi0)
    require_positive("mu", mu)
    phi0 = np.asarray(phi0, dtype=float)
    return out(np.sqrt(EIGHT_PI_SQ * np.maximum(phi0, 0.0) / np.asarray(mu, dtype=float)))


def velocity_profile(tau, v0, phi0, lam, mu=1.0):
    """Speed during a loss-free pass of one fixed chain mass, Eq. (16).

    Parameters
    ----------
    tau : array_like
        Time from the moment the particle passes the chain mass (the paper uses
        ``tau`` in ``[-alpha/(2 v0), alpha/(2 v0)]``).
    v0 : array_like
        Speed far from the chain mass, > 0.
    phi0, lam : array_like
        Gaussian amplitude (either sign) and width (> 0).
    mu : array_like
        Mass ratio, > 0.

    Returns
    -------
    float or ndarray
        ``v(tau) = sqrt(v0^2 - (8 pi^2 phi0 / mu) exp(-v0^2 tau^2 / (2 lam^2)))``; NaN where
        the radicand is negative: a repulsive barrier (``phi0 > 0``) that the particle
        cannot cross (``v0`` below :func:`~chaindrag.analytic.capture_speed`).

    Notes
    -----
    This is energy conservation with the particle at ``sigma = v0 tau`` to leading order.
    """
    require_finite("tau", tau)
    require_positive("v0", v0)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    require_positive("mu", mu)
    tau, v0, phi0, lam, mu = (np.asarray(a, dtype=float) for a in (tau, v0, phi0, lam, mu))
    rad = v0**2 - EIGHT_PI_SQ * phi0 / mu * np.exp(-0.5 * (v0 * tau / lam) ** 2)
    with np.errstate(invalid="ignore"):
        return out(np.where(rad >= 0.0, np.sqrt(np.maximum(rad, 0.0)), np.nan))


def extremum_speed(v0, phi0, mu=1.0):
    """Speed at the chain mass, the extremum of Eq. (16) (Sec. IV A, Fig. 4c).

    Parameters
    ----------
    v0 : array_like
        Speed far from the chain mass, > 0.
    phi0 : array_like
        Interaction amplitude (either sign).
    mu : array_like
        Mass ratio, > 0.

    Returns
    -------
    float or ndarray
        ``v_ext = sqrt(v0^2 - 8 pi^2 phi0 / mu)``; NaN where the particle cannot pass
        (``v0`` below :func:`~chaindrag.analytic.capture_speed`).
    """
    require_positive("v0", v0)
    require_finite("phi0", phi0)
    require_positive("mu", mu)
    v0, phi0, mu = (np.asarray(a, dtype=float) for a in (v0, phi0, mu))
    rad = v0**2 - EIGHT_PI_SQ * phi0 / mu
    return out(np.where(rad >= 0.0, np.sqrt(np.maximum(rad, 0.0)), np.nan))


# --------------------------------------------------------------------------- loss (Sec. V)
def _single_pass_args(v, phi0, lam, omega_fast):
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    v, phi0, lam = (np.asarray(a, dtype=float) for a in (v, phi0, lam))
    return v, phi0, lam, wf, TWO_PI * lam / v


def single_pass_loss(v, phi0, lam, omega_fast: float = 10.0):
    """Energy lost passing one chain mass at constant speed v, Eq. (26) (Gaussian interaction).

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
        Delta in units of hbar Omega_slow; never NaN. For ``v -> 0`` it decays like
        ``e^{-s^2}`` and underflows to exactly 0.0 once ``s^2 > ~740``
        (``v < 2 pi lam / 27``).

    Notes
    -----
    With ``s = 2 pi lam / v`` and ``W = s^2 (omega_fast^2 - 1)/2``, Eq. (26) reads::

        Delta = 4 pi^3 phi0^2 / v^2 s^2 e^{-s^2 (omega_fast^2+1)/2}
                [I0(W) + (omega_fast^2 - 1)/2 (I0(W) - I1(W))].

    Since ``(omega_fast^2 + 1)/2 = 1 + W/s^2``,
    ``e^{-s^2 (omega_fast^2+1)/2} I_n(W) = e^{-s^2} ive(n, W)`` with the exponentially
    scaled Bessel function ``ive(n, W) = e^{-W} I_n(W)``; this form has no overflow and no
    ``0 * inf`` for any ``v > 0`` (the literal form is NaN below ``v ~ 6.5`` at
    ``lam = 4``).

    Derivation (checked in the tests): Eq. (25) with ``N -> infinity`` and the Gaussian
    transform (:func:`~chaindrag.analytic.gaussian_fourier`) is
    ``16 pi^5 phi0^2 lam^2 / v^4 <omega^2 e^{-s^2 omega^2}>_q``, and
    ``omega^2 = (omega_fast^2+1)/2 - (omega_fast^2-1)/2 cos q`` turns the band average into
    I0 and I1.
    """
    v, phi0, lam, wf, s = _single_pass_args(v, phi0, lam, omega_fast)
    s2 = s * s
    w = 0.5 * s2 * (wf * wf - 1.0)
    i0 = ive(0, w)
    i1 = ive(1, w)
    bracket = i0 + 0.5 * (wf * wf - 1.0) * (i0 - i1)
    return out(4.0 * math.pi**3 * phi0**2 / v**2 * s2 * np.exp(-s2) * bracket)


def single_pass_loss_fast(v, phi0, lam, omega_fast: float = 10.0):
    """Fast-particle limit of Eq. (26), Eq. (27).

    Parameters are those of :func:`~chaindrag.analytic.single_pass_loss`.

    Returns
    -------
    float or ndarray
        ``2 pi^3 phi0^2 / v^2 s^2 (omega_fast^2 + 1)`` with ``s = 2 pi lam / v``, valid for
        ``v >> 2 pi lam omega_fast``; ``Delta ~ v^-4``.
    """
    v, phi0, lam, wf, s = _single_pass_args(v, phi0, lam, omega_fast)
    return out(2.0 * math.pi**3 * phi0**2 / v**2 * s * s * (wf * wf + 1.0))


def single_pass_loss_slow(v, phi0, lam, omega_fast: float = 10.0):
    """Slow-particle limit of Eq. (26), Eq. (28).

    Parameters are those of :func:`~chaindrag.analytic.single_pass_loss`.

    Returns
    -------
    float or ndarray
        ``4 pi^3 phi0^2 / v^2 s e^{-s^2} / sqrt(pi (omega_fast^2 - 1))``, valid for
        ``s = 2 pi lam / v >> 1``: only the band bottom absorbs and the loss is
        exponentially suppressed.
    """
    v, phi0, lam, wf, s = _single_pass_args(v, phi0, lam, omega_fast)
    return out(4.0 * math.pi**3 * phi0**2 / v**2 * s * np.exp(-s * s)
               / np.sqrt(math.pi * (wf * wf - 1.0)))


# ------------------------------------------------------------------ Eq. (25), any potential
def _periodic_trapezoid(integrand: Callable, rtol: float) -> tuple[float, bool]:
    """(1/2 pi) int_{-pi}^{pi} F(q) dq for even, 2 pi periodic F, by the trapezoid rule.

    ``integrand(k, m)`` is F at ``q = 2 pi k / m``. The number of points m is doubled
    (evaluating only the new points) until two successive results agree to ``rtol`` or
    ``m = 2^17``; returns (result, converged).
    """
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
    return total, abs(total - prev) <= rtol * abs(total)


def single_pass_loss_modesum(v, potential: Callable, omega_fast: float = 10.0, *,
                             method: str = "contour", rtol: float = 1e-12):
    """Single-pass loss from the mode sum, Eq. (25), with N -> infinity, for any even potential.

    This is the reference implementation against which the closed form Eq. (26)
    (:func:`~chaindrag.analytic.single_pass_loss`) is tested; it is not fast.

    Parameters
    ----------
    v : array_like
        Speeds, > 0.
    potential : callable
        Even pair potential Phi(u), vectorised over numpy arrays (complex ones for
        ``method="contour"``), decaying to 0 at large abs(u).
    omega_fast : float
        Band top, > 1.
    method : {"contour", "real"}
        Path of the Fourier integral, see Notes.
    rtol : float
        Relative convergence target of the q quadrature, in [1e-15, 1e-2].

    Returns
    -------
    float or ndarray
        Delta(v).

    Raises
    ------
    chaindrag.params.ParameterError
        For bad arguments, a potential that is not even, not decaying or (for
        ``method="contour"``) not accepting complex arrays, and when the q quadrature does
        not reach ``rtol``.

    Notes
    -----
    ``(1/N) sum_j -> (1/2 pi) int dq`` over the band, so::

        Delta = (1/2) (1/2 pi) int_{-pi}^{pi} dq
                [4 pi^2 omega(q) / v^2 Phi_hat(2 pi omega(q) / v)]^2,

    with ``Phi_hat(p) = int du e^{ipu} Phi(u)`` computed numerically from ``potential``.

    Quadrature in q: the integrand is a smooth 2 pi periodic function, so the trapezoid
    rule on a full period converges geometrically; the number of points is doubled until
    two successive results agree to ``rtol`` (a narrow peak at q = 0 for small v is
    resolved this way).

    Quadrature in u: ``Phi_hat(p) = 2 int_0^L cos(pu) Phi(u) du`` (even potential; L where
    ``abs(Phi) < 1e-18 max``), composite 24-point Gauss-Legendre on panels no wider than half
    a period of ``cos(pu)``. ``method="real"`` integrates on the real axis: its absolute
    error ``~1e-16 abs(Phi) lam`` limits the relative accuracy of an exponentially small
    Phi_hat (for the Gaussian, about ``1e-16 e^{2 pi^2 lam^2 / v^2}``: 1e-8 needs
    ``v > ~1.05 lam``). ``method="contour"`` (default) moves the path to ``u + i eta``,
    eta minimising ``log abs(Phi(i eta)) - p eta`` (steepest descent), which gives full relative
    accuracy; it needs ``potential`` to be entire and to accept complex arrays.
    """
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_range("rtol", rtol, 1e-15, 1e-2)
    scale, length = _checked_potential(potential, method)
    v_arr = np.atleast_1d(np.asarray(v, dtype=float))
    res = np.empty(v_arr.shape)
    for idx, vv in np.ndenumerate(v_arr):
        if scale == 0.0:
            res[idx] = 0.0
            continue

        def integrand(k: np.ndarray, m: int, vv=vv) -> np.ndarray:
            # the band integrand at q = 2 pi k / m
            om = np.sqrt(1.0 + (wf * wf - 1.0) * np.sin(math.pi * k / m) ** 2)
            ph = _fourier_even(potential, TWO_PI * om / vv, method, scale, length)
            return (4.0 * math.pi**2 * om / vv**2 * ph) ** 2

        total, converged = _periodic_trapezoid(integrand, rtol)
        if not converged:
            raise ParameterError(
                f"the q quadrature of Eq. (25) did not converge to rtol = {rtol!r} at v = {vv!r} "
                f"(with method='real' the Fourier transform may be below its rounding floor; "
                f"use method='contour' or a larger rtol)")
        res[idx] = 0.5 * total
    return out(res.reshape(np.shape(v)))
