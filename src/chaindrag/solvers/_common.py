"""Pieces shared by both solvers: the particle integrator, status codes and the propagators.

The particle-chain forces, for every pair potential, are
:func:`chaindrag.interactions.interaction_forces`.

Everything here is either numba-compiled (``cache=True``) or runs once per call.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import njit

TWO_PI = 2.0 * math.pi

# Status codes returned by the numba loops of both solvers.
STATUS_DONE = 0
STATUS_REGROW = 1        # chain solver: a particle approached the active region's edge
STATUS_LEFT_SEGMENT = 1  # kernel solver: a particle reached the tracked segment's end
STATUS_NONFINITE = 2
STATUS_STEP_TOO_COARSE = 3
STATUS_RUNAWAY = 4


def front_margin(tau):
    """Sites beyond the sound-cone front tau*pi*(omega_fast-1) where |Gamma_n| > 1e-13 max|Gamma|.

    Measured on Eq. (15) by an exact ring sum (omega_fast = 10, tau = 0.5..800): the Airy
    tail of the front reaches 30 tau^(1/3) + 20 sites; we keep 40 tau^(1/3) + 40. ``tau``
    may be an array (the chain solver's work plan).
    """
    return 40.0 + 40.0 * np.maximum(tau, 0.0) ** (1.0 / 3.0)


def sound_cone(omega_fast: float, tau: float) -> float:
    """Sites an impulse reaches in tau, either side: the front pi (omega_fast - 1) tau (the
    largest group velocity) plus :func:`front_margin`."""
    return math.pi * (omega_fast - 1.0) * tau + front_margin(tau)


def propagator_stencils(omega_fast: float, delta: float, tol: float = 1e-14):
    """Real-space stencils of cos(theta_q) and sin(theta_q)/theta_q, theta_q = 2 pi omega_q delta.

    A chain at rest that receives the velocity kick (2 pi)^2 delta f_beta at each step beta
    and moves freely in between (the discrete-time form of Eq. A1 with the exact kernel)
    obeys, site by site,

        rho_{beta+1} = 2 C * rho_beta - rho_{beta-1} + (2 pi delta)^2 S * f_beta,

    C = cos(theta_q), S = sin(theta_q)/theta_q as convolutions over sites. Both are entire
    functions of sin^2(q/2), so their Fourier coefficients fall off faster than
    exponentially; we keep them down to ``tol`` (a coefficient of 1e-14 shifts a mode's phase
    by ~1e-13 per step, ~1e-7 rad over a 480 000-step run).

    For free motion the central difference (rho_{b+1} - rho_{b-1}) / 2 delta is the true
    velocity times S, so T = theta_q/sin(theta_q) applied to it recovers the velocity to
    the same precision (used for the chain's kinetic energy).

    Returns
    -------
    c, s, t : ndarray
        Half-stencils of C, S and T: c[j] multiplies rho_{g+j} + rho_{g-j} (c[0] the site
        itself).
    """
    m = 1024
    q = TWO_PI * np.arange(m) / m
    w = np.sqrt(1.0 + (omega_fast**2 - 1.0) * np.sin(q / 2.0) ** 2)
    theta = TWO_PI * w * delta
    out = []
    for spectrum in (np.cos(theta), np.sinc(theta / math.pi), 1.0 / np.sinc(theta / math.pi)):
        coef = np.fft.ifft(spectrum).real[: m // 2]
        # |coef| falls monotonically until it meets the FFT's rounding floor (~1e-19):
        # cut at the first coefficient below tol, not at the last one above it.
        small = np.flatnonzero(np.abs(coef) < tol)
        width = int(small[0]) if small.size else coef.size
        out.append(np.ascontiguousarray(coef[:width]))
    c, s, t = out
    # The truncated two-step map must stay stable: |C_q| <= 1 for every mode.
    cq = c[0] + 2.0 * sum(c[j] * np.cos(j * q) for j in range(1, c.size))
    if np.max(np.abs(cq)) > 1.0:
        raise RuntimeError("truncated propagator stencil is unstable; raise d")
    return c, s, t


@njit(cache=True, inline="always")
def _two_sum(a, b):
    """(s, e) with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@njit(cache=True)
def advance_particles(b, sigma, sig_hist, sig_lo, v0, fpart, prescribed_v, acc, drive_force,
                      delta, dv_limit, v_runaway):
    """Eq. (A2): write sigma_p at step b+1 into ``sig_hist``; the one particle integrator.

    Positions are kept in two words, sigma = sig_hist + sig_lo (|sig_lo| <= ulp/2): the
    step's force term is ~1e-9 of sigma at the paper's step sizes, and rounding sigma to
    one word at every step where that term exceeds half an ulp changes the step, i.e. the
    velocity, by ~ulp(sigma)/delta, a random walk over the run (measured on a Morse
    channel at v0 = 400: the total energy after one pass off by 8e-8 = 4e-11 KE at d = 1500,
    2 % of the single-pass loss, and 7e-7 at d = 6000; in two words a few ulps of KE). The
    forces use sig_hist. ``acc`` = (2 pi delta)^2 / mu, ``drive_force`` =
    bias/alpha. A particle with a finite ``prescribed_v`` is dragged at that speed instead
    (one word). Returns STATUS_DONE, or the status of the first particle moving more than
    ``dv_limit`` (the interaction's width, lam for the Gaussian) or faster than
    ``v_runaway`` (when > 0) in this step.
    """
    for p in range(sigma.size):
        if prescribed_v[p] == prescribed_v[p]:  # not NaN: dragged at constant speed
            nxt, lo = sigma[p] + prescribed_v[p] * delta, 0.0
        elif b == 0:
            # second-order start (the paper's sigma_1 = sigma_0 + delta v0 plus the force
            # term, negligible when the particle starts midway)
            nxt, lo = _two_sum(sigma[p], delta * v0[p] + 0.5 * acc * (fpart[p] + drive_force))
        else:
            # sigma_b + (the last step + force term), rounded once into two words: the high
            # words' difference is exact (a step within one binade; else both are tiny) and
            # the small terms round at the ulp of a step, ~1e-18
            small = ((sigma[p] - sig_hist[p, b - 1]) + (2.0 * sig_lo[p, b] - sig_lo[p, b - 1])
                     + acc * (fpart[p] + drive_force))
            nxt, lo = _two_sum(sigma[p], small)
        sig_hist[p, b + 1] = nxt
        sig_lo[p, b + 1] = lo
        step = abs(nxt - sigma[p])
        if step > dv_limit:
            return STATUS_STEP_TOO_COARSE
        if v_runaway > 0.0 and step > v_runaway * delta:
            return STATUS_RUNAWAY
    return STATUS_DONE
