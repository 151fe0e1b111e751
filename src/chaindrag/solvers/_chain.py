"""Explicit finite chain segment, exact in time between force kicks (numba loops).

See :func:`chaindrag.solvers._common.propagator_stencils` for the update rule. The arrays
cover sites ``first_site .. first_site + x.size - 1``; only the active part ``[lo, hi)``
(array indices) is updated, everything outside it is at rest or can no longer reach the
particle before the end of the run.
"""

from __future__ import annotations

import math

from .._borrow import borrowed
from .._jit import njit
from ..boundary._sweep import sweep as _sweep  # the one free-motion sweep, also the ends'
from ..boundary._sweep import sweep_velocity
from ..interactions import interaction_forces
from ._common import STATUS_DONE, STATUS_NONFINITE, STATUS_REGROW, advance_particles
from ._energy import chain_energy


@njit(cache=True, inline="always")
def _kicks(x, first_site, sites, forces, count, kick, s, buf):
    """x[g] += kick f_k S_(g - g_k) for every force f_k on mass g_k (the kick term of Eq. A1).

    Force by force, inlined into the step loops (a few forces a step for a short-ranged
    potential: as a call this cost ~45 ns a step, d = 60, 2026-12-05); or, when the forces
    sit on ascending masses in a short span, as one convolution (:func:`_dense_kicks`).
    Both add each site's contributions in the same order (ascending source mass) and as
    the same products, so both ways give the same bits.
    """
    ws = s.size - 1
    if count > 2 * ws + 1 and _dense_kicks(x, first_site, sites, forces, count, kick, s, buf):
        return
    for k in range(count):
        i = sites[k] - first_site
        amp = kick * forces[k]
        x[i] += amp * s[0]
        for j in range(1, ws + 1):
            x[i + j] += amp * s[j]
            x[i - j] += amp * s[j]


@njit(cache=True)
def _dense_kicks(x, first_site, sites, forces, count, kick, s, buf):
    """The kicks as one convolution over the forces' span, vectorised, if they sit on
    ascending masses in a span of at most 2 ``count`` (one particle with a long-ranged
    potential: a Lennard-Jones tail gives ~200 forces; measured 2x faster there).
    Returns False, changing nothing, if they do not."""
    ws = s.size - 1
    span = sites[count - 1] - sites[0] + 1
    if span > 2 * count or span + 2 * ws > buf.size:
        return False
    for k in range(1, count):
        if sites[k] <= sites[k - 1]:
            return False
    n = span + 2 * ws  # buf[m] holds the kick amplitude on mass sites[0] - ws + m
    buf[:n] = 0.0
    for k in range(count):
        buf[sites[k] - sites[0] + ws] = kick * forces[k]
    tgt = x[sites[0] - first_site - ws:sites[0] - first_site - ws + n]
    for jj in range(2 * ws + 1):
        j = ws - jj  # source mass = target mass - j, ascending as jj grows
        sj = s[abs(j)]
        m0, m1 = max(0, j), min(n, n + j)
        src = buf[m0 - j:m1 - j]
        dst = tgt[m0:m1]
        for m in range(m1 - m0):
            dst[m] += src[m] * sj
    return True


@njit(cache=True)
def chain_steps(b0, b1, x_prev, x_cur, first_site, lo, hi, c, s, t, sig_hist, sig_lo, v0,
                alpha, kind, params, mu, bias, delta, kspring, reach, dv_limit, v_runaway,
                prescribed_v, do_energy, e_int, e_chain, f_hist, rec_idx, rec_every, rec_out,
                sites, forces, scratch, kick_buf, work):
    """Advance steps b0 .. b1-1 (each computes state b+1 from b and b-1).

    ``sig_hist[p, b]`` holds sigma_p at step b (b and b-1 must be filled on entry). Energies
    at step b go to ``e_int[b]`` and (if ``do_energy``) ``e_chain[b]``, the force on each
    particle to ``f_hist[p, b]``; recorded chain displacements to
    ``rec_out[:, b // rec_every]``. ``c`` has at least 4 entries (zero-padded);
    ``kick_buf`` is scratch for :func:`_kicks`. The pair
    potential is ``kind``, ``params`` (:func:`chaindrag.interactions.interaction_forces`)
    and ``dv_limit`` its width. ``work`` is scratch for sigma and the particles' forces
    (2 n_part doubles). x_prev and x_cur swap every step (an odd number of steps leaves
    rho(b) in the array passed as x_prev). Returns (status, step reached).
    """
    two_pi = 2.0 * math.pi
    acc = (two_pi * delta) ** 2 / mu
    kick = (two_pi * delta) ** 2
    drive_force = bias / alpha
    ws = s.size - 1
    wt = t.size - 1
    n_part = sig_hist.shape[0]
    inv2d = 1.0 / (2.0 * delta * two_pi)
    # borrowed (chaindrag._borrow): no reference counting on these at every step
    x_prev, x_cur, params, sites, forces = (borrowed(x_prev), borrowed(x_cur), borrowed(params),
                                            borrowed(sites), borrowed(forces))
    work, s, kick_buf, scratch = borrowed(work), borrowed(s), borrowed(kick_buf), borrowed(scratch)
    sigma, fpart = work[:n_part], work[n_part:2 * n_part]
    for b in range(b0, b1):
        for p in range(n_part):
            sigma[p] = sig_hist[p, b]
            if not math.isfinite(sigma[p]):
                return STATUS_NONFINITE, b
        count, fpart, eint, g_min, g_max = interaction_forces(
            sigma, x_cur, first_site, alpha, kind, params, reach, sites, forces, fpart)
        if g_min - first_site - ws < lo or g_max - first_site + ws >= hi:
            return STATUS_REGROW, b
        e_int[b] = eint
        for p in range(n_part):
            f_hist[p, b] = fpart[p]
        if rec_every > 0 and b % rec_every == 0:
            col = b // rec_every
            for r in range(rec_idx.size):
                i = rec_idx[r] - first_site
                rec_out[r, col] = x_cur[i] if 0 <= i < x_cur.size else 0.0
        if do_energy:  # u = (rho(b+1) - rho(b-1)) / (2 delta 2 pi) into scratch as well
            scratch[lo - wt:lo] = 0.0
            scratch[hi:hi + wt] = 0.0
            sweep_velocity(x_prev, x_cur, c, lo, hi, scratch, inv2d)
            _kicks(scratch, first_site, sites, forces, count, kick * inv2d, s, kick_buf)
        else:
            _sweep(x_prev, x_cur, c, lo, hi)
        _kicks(x_prev, first_site, sites, forces, count, kick, s, kick_buf)
        if do_energy:
            e_chain[b] = chain_energy(x_cur, scratch, t, lo, hi, kspring)
        x_prev, x_cur = x_cur, x_prev
        status = advance_particles(b, sigma, sig_hist, sig_lo, v0, fpart, prescribed_v, acc,
                                   drive_force, delta, dv_limit, v_runaway)
        if status != STATUS_DONE:
            return status, b + 1
    return STATUS_DONE, b1
