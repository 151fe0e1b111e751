"""One pass of the particle over one chain mass (Secs. IV A and V, Eqs. 16, 25-28).

Without loss (Sec. IV A) the pass is energy conservation over a fixed chain mass:
:func:`capture_speed`, :func:`velocity_profile` (Eq. 16), :func:`extremum_speed`. The energy
the chain takes (Sec. V) is the mode sum Eq. (25) (:mod:`chaindrag.analytic.mode_sum`), for
the Gaussian its closed form Eq. (26), with the fast and slow limits Eqs. (27), (28);
:func:`single_pass_loss` gives Eq. (26) for the Gaussian and Eq. (25) for any other potential.

The kinetic energy is ``mu/2 (v / 2 pi)^2``, so a potential step Phi changes ``v^2`` by
``8 pi^2 Phi / mu``.
"""

from __future__ import annotations

import math

import numpy as np

from chaindrag.interactions import Interaction
from chaindrag.params import require_finite, require_omega_fast, require_positive

from ._common import EIGHT_PI_SQ, TWO_PI, out
from ._pair import resolve
from .mode_sum import band_average

__all__ = ["capture_speed", "velocity_profile", "extremum_speed", "single_pass_loss",
           "single_pass_loss_fast", "single_pass_loss_slow"]


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


def velocity_profile(tau, v0, phi0=None, lam=None, mu=1.0, *,
                     interaction: Interaction | None = None):
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
    interaction : Interaction, optional
        Any pair potential instead of ``phi0, lam`` (keyword only): Eq. (16) with its
        Phi(v0 tau) in place of the Gaussian.

    Returns
    -------
    float or ndarray
        ``v(tau) = sqrt(v0^2 - (8 pi^2 / mu) Phi(v0 tau))``, for the Gaussian
        ``Phi(v0 tau) = phi0 exp(-v0^2 tau^2 / (2 lam^2))``; NaN where the radicand is
        negative: a barrier the particle cannot cross (``v0`` below
        :func:`~chaindrag.analytic.capture_speed` of the barrier).

    Notes
    -----
    This is energy conservation with the particle at ``sigma = v0 tau`` to leading order.
    """
    phi0, lam, inter = resolve(phi0, lam, interaction)
    require_finite("tau", tau)
    require_positive("v0", v0)
    require_positive("mu", mu)
    if inter is None:
        require_finite("phi0", phi0)
        require_positive("lam", lam)
        tau, v0, phi0, lam, mu = (np.asarray(a, dtype=float) for a in (tau, v0, phi0, lam, mu))
        rad = v0**2 - EIGHT_PI_SQ * phi0 / mu * np.exp(-0.5 * (v0 * tau / lam) ** 2)
    else:
        tau, v0, mu = (np.asarray(a, dtype=float) for a in (tau, v0, mu))
        rad = v0**2 - EIGHT_PI_SQ * np.asarray(inter.potential(v0 * tau), dtype=float) / mu
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
    with np.errstate(over="ignore"):  # s = inf for a v near the smallest float: the limit
        return v, phi0, lam, wf, TWO_PI * lam / v


#: Above this argument ive(n, W) is taken from its asymptotic series: scipy's ive returns NaN
#: from W ~ 2e9 on, and at W >= 1e8 three terms of the series are exact to rounding.
_W_ASYMPTOTIC = 1e8
#: Above this s^2, e^{-s^2} < 1e-304 and Eq. (26) is assembled from logarithms.
_S2_LOG = 700.0


def _ive0_and_difference(w):
    """``ive(0, w)`` and ``ive(0, w) - ive(1, w)`` for ``w >= 0``, finite for every w.

    Below :data:`_W_ASYMPTOTIC` scipy's ``ive``; above it the asymptotic series
    ``ive(n, W) = (2 pi W)^{-1/2} sum_k (-1)^k a_k(n) / W^k`` to three terms (the first term
    left out is < 1e-33 of the sum), with the difference summed term by term (no
    cancellation): ``(2 pi W)^{-1/2} [1/(2W) + 3/(16W^2) + 45/(256W^3)]``. Both are 0 at
    ``w = inf``.
    """
    from scipy.special import ive  # imported on use: a slow import

    w = np.atleast_1d(np.asarray(w, dtype=float))
    big = w > _W_ASYMPTOTIC
    small = np.where(big, 0.0, w)
    i0 = np.asarray(ive(0, small), dtype=float)
    diff = i0 - np.asarray(ive(1, small), dtype=float)
    if np.any(big):
        wb = w[big]
        r = 1.0 / wb
        lead = 1.0 / np.sqrt(TWO_PI * wb)
        i0[big] = lead * (1.0 + r * (1.0 / 8.0 + r * (9.0 / 128.0 + r * 225.0 / 3072.0)))
        diff[big] = lead * r * (0.5 + r * (3.0 / 16.0 + r * 45.0 / 256.0))
    return i0, diff


def single_pass_loss(v, phi0=None, lam=None, omega_fast: float = 10.0, *,
                     interaction: Interaction | None = None):
    """Energy lost passing one chain mass at constant speed v: Eq. (26), or Eq. (25) for any Phi.

    Parameters
    ----------
    v : array_like
        Particle speed, > 0.
    phi0 : array_like
        Gaussian amplitude (either sign; Delta is even in phi0).
    lam : array_like
        Gaussian width, > 0.
    omega_fast : float
        Band top, > 1.
    interaction : Interaction, optional
        Any pair potential of :mod:`chaindrag.interactions` instead of ``phi0, lam``
        (keyword only). A :class:`~chaindrag.interactions.Gaussian` takes Eq. (26); any
        other potential the mode sum Eq. (25) with N -> infinity
        (:func:`~chaindrag.analytic.mode_sum.band_average`, its Phi_k from the interaction).

    Returns
    -------
    float or ndarray
        Delta in units of hbar Omega_slow; never NaN, for any ``v > 0`` however small. For
        ``v -> 0`` it decays like ``e^{-s^2}`` (Gaussian) and underflows to exactly 0.0 once
        ``s^2 > ~745`` (``v < 2 pi lam / 27.3``; from ``s^2 = 700`` on it is assembled
        from logarithms, so it reaches 0.0 through the subnormal numbers); for another
        potential it follows Phi_k(2 pi / v)^2 and loses relative accuracy once that is
        below ~1e-300.

    Raises
    ------
    chaindrag.params.ParameterError
        For bad arguments: neither or both of (phi0, lam) and ``interaction``.

    Examples
    --------
    >>> from chaindrag.interactions import Gaussian, Morse
    >>> single_pass_loss(30.0, 2.0, 4.0) == single_pass_loss(30.0, interaction=Gaussian(2.0, 4.0))
    True
    >>> single_pass_loss(30.0, interaction=Morse.channel()) > 0
    True

    Notes
    -----
    With ``s = 2 pi lam / v`` and ``W = s^2 (omega_fast^2 - 1)/2``, Eq. (26) reads::

        Delta = 4 pi^3 phi0^2 / v^2 s^2 e^{-s^2 (omega_fast^2+1)/2}
                [I0(W) + (omega_fast^2 - 1)/2 (I0(W) - I1(W))].

    Since ``(omega_fast^2 + 1)/2 = 1 + W/s^2``,
    ``e^{-s^2 (omega_fast^2+1)/2} I_n(W) = e^{-s^2} ive(n, W)`` with the exponentially
    scaled Bessel function ``ive(n, W) = e^{-W} I_n(W)``; this form has no overflow and no
    ``0 * inf`` for any ``v > 0`` (the literal form is NaN below ``v ~ 6.5`` at
    ``lam = 4``). scipy's ``ive`` itself is NaN beyond ``W ~ 2e9`` (slow particles, or a
    wide band: ``v = 100`` at ``omega_fast = 1e6``); there its asymptotic series is used
    (``_ive0_and_difference``).

    Derivation (checked in the tests): Eq. (25) with ``N -> infinity`` and the Gaussian
    transform (:func:`~chaindrag.analytic.gaussian_fourier`) is
    ``16 pi^5 phi0^2 lam^2 / v^4 <omega^2 e^{-s^2 omega^2}>_q``, and
    ``omega^2 = (omega_fast^2+1)/2 - (omega_fast^2-1)/2 cos q`` turns the band average into
    I0 and I1.
    """
    phi0, lam, inter = resolve(phi0, lam, interaction)
    if inter is not None:
        wf = require_omega_fast(omega_fast)
        require_positive("v", v)
        flat = np.atleast_1d(np.asarray(v, dtype=float)).ravel()
        return out(band_average(flat, inter, wf).reshape(np.shape(v)))
    v, phi0, lam, wf, s = _single_pass_args(v, phi0, lam, omega_fast)
    shape = np.broadcast_shapes(v.shape, phi0.shape, lam.shape)
    v, phi0, lam, s = (np.broadcast_to(a, shape).ravel() for a in (v, phi0, lam, s))
    half_band = 0.5 * (wf * wf - 1.0)
    with np.errstate(all="ignore"):  # inf and 0 below are the limits, handled on purpose
        s2 = s * s
        i0, diff = _ive0_and_difference(half_band * s2)
        bracket = i0 + half_band * diff
        delta = 4.0 * math.pi**3 * phi0**2 / v**2 * s2 * np.exp(-s2) * bracket
        # e^{-s^2} underflows: the same product as a sum of logarithms, each finite (or
        # -inf: phi0 = 0, s = inf), so the loss goes smoothly to 0.0 and never to NaN
        tiny = s2 > _S2_LOG
        if np.any(tiny):
            log_s = np.log(TWO_PI * lam[tiny]) - np.log(v[tiny])
            delta[tiny] = np.exp(math.log(4.0 * math.pi**3) + 2.0 * np.log(np.abs(phi0[tiny]))
                                 - 2.0 * np.log(v[tiny]) + 2.0 * log_s - s2[tiny]
                                 + np.log(bracket[tiny]))
    return out(delta.reshape(shape))


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
