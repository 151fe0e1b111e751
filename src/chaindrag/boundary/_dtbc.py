"""Numba kernels of the transparent ends: per-step ghost update and a bare-chain loop.

One set of arrays serves both ends; end 0 is the right end (last site R), end 1 the left
end (first site L), mirrored. The boundary layer of an end is ``layer[i]`` = rho at R - i
(or L + i), i = 0..w-1; its ghosts are R + j (or L - j), j = 1..w. With kb = k0 - 1:

- ``direct[j-1, i, k]``, k = 0..kb: the exact kernels K_{j,i}(k) of the last k0 lags
  (column k = 0 is zero);
- ``ring[e, i, :]`` (length 2 kb): rho_i at steps b-1 .. b-kb, rho_i(m) written in slots
  s and s + kb with s = (-m - 1) mod kb, so the window for step b is contiguous;
- exponentials p = 0..P-1 (:mod:`chaindrag.boundary.compress`): states
  h_p(b) = sum_{k>=k0} z_p^{k-k0} s_p(b-k) with s_p = sum_i beta[i, p] rho_i
  (``hre``, ``him``: real and imaginary parts); ghost j gets Re sum_p alpha[j-1, p] h_p(b).

Reductions use reassociating float math so that LLVM vectorises them (the sums' rounding
order changes, not their accuracy); the sweep is the solvers' own arithmetic.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_REDUCE = {"reassoc", "contract", "nsz"}


@njit(cache=True)
def sweep(x_prev, x_cur, c, lo, hi):
    """x_prev[lo:hi] <- 2 (C * x_cur) - x_prev for a symmetric stencil (also the solvers' sweep)."""
    c0 = 2.0 * c[0]
    c1 = 2.0 * c[1]
    c2 = 2.0 * c[2]
    c3 = 2.0 * c[3]
    p = x_prev[lo:hi]
    m = x_cur[lo:hi]
    l1 = x_cur[lo - 1:hi - 1]
    r1 = x_cur[lo + 1:hi + 1]
    l2 = x_cur[lo - 2:hi - 2]
    r2 = x_cur[lo + 2:hi + 2]
    l3 = x_cur[lo - 3:hi - 3]
    r3 = x_cur[lo + 3:hi + 3]
    for k in range(hi - lo):
        p[k] = (c0 * m[k] + c1 * (l1[k] + r1[k]) + c2 * (l2[k] + r2[k])
                + c3 * (l3[k] + r3[k])) - p[k]
    w = c.size - 1
    for j in range(4, w + 1):
        cj = 2.0 * c[j]
        lj = x_cur[lo - j:hi - j]
        rj = x_cur[lo + j:hi + j]
        for k in range(hi - lo):
            p[k] += cj * (lj[k] + rj[k])


@njit(cache=True, fastmath=_REDUCE)
def ghost_values(e, b, direct, ring, ar, ai, hre, him, out):
    """Ghosts j = 1..w of end ``e`` at step b into ``out[j-1]``: direct sum + exponentials."""
    w = direct.shape[0]
    kb = direct.shape[2] - 1
    pos = (kb - b % kb) % kb
    h_re = hre[e]
    h_im = him[e]
    for j in range(w):
        acc = 0.0
        for i in range(w):
            d = direct[j, i, 1:]
            r = ring[e, i, pos:pos + kb]  # r[k-1] = rho_i(b - k)
            for k in range(kb):
                acc += d[k] * r[k]
        a_re = ar[j]
        a_im = ai[j]
        for p in range(h_re.size):
            acc += a_re[p] * h_re[p] - a_im[p] * h_im[p]
        out[j] = acc


@njit(cache=True)
def push_history(e, b, layer, ring, br, bi, zr, zi, hre, him, sre, sim):
    """Advance end ``e``'s memory from step b to b+1; ``layer[i]`` = rho_i(b).

    rho_i(b - kb) = rho_i(b + 1 - k0), the oldest ring entry, enters the exponentials
    (h_p <- z_p h_p + s_p, s_p = sum_i beta[i, p] rho_i); rho_i(b) takes its slots.
    ``sre``, ``sim`` are scratch of length P (separate loops vectorise).
    """
    w = br.shape[0]
    kb = ring.shape[2] // 2
    slot = (2 * kb - 1 - b % kb) % kb
    h_re = hre[e]
    h_im = him[e]
    n = h_re.size
    r0 = ring[e, 0, slot]
    for p in range(n):
        sre[p] = r0
        sim[p] = 0.0
    for i in range(1, w):
        ri = ring[e, i, slot]
        bri = br[i]
        bii = bi[i]
        for p in range(n):
            sre[p] += bri[p] * ri
            sim[p] += bii[p] * ri
    for p in range(n):
        a = h_re[p]
        c = h_im[p]
        h_re[p] = zr[p] * a - zi[p] * c + sre[p]
        h_im[p] = zr[p] * c + zi[p] * a + sim[p]
    for i in range(w):
        ring[e, i, slot] = layer[i]
        ring[e, i, slot + kb] = layer[i]


@njit(cache=True)
def set_ghosts(b, x_cur, lo, hi, direct, ring, ar, ai, hre, him, gbuf):
    """Write both ends' ghosts at step b beside the segment x_cur[lo:hi] (x_cur is step b)."""
    w = direct.shape[0]
    ghost_values(0, b, direct, ring, ar, ai, hre, him, gbuf)
    for j in range(w):
        x_cur[hi + j] = gbuf[j]
    ghost_values(1, b, direct, ring, ar, ai, hre, him, gbuf)
    for j in range(w):
        x_cur[lo - 1 - j] = gbuf[j]


@njit(cache=True)
def push_both(b, x_cur, lo, hi, ring, br, bi, zr, zi, hre, him, layer, sre, sim):
    """Feed rho(b) of both boundary layers (x_cur is step b) into the ends' memories."""
    w = br.shape[0]
    for i in range(w):
        layer[i] = x_cur[hi - 1 - i]
    push_history(0, b, layer, ring, br, bi, zr, zi, hre, him, sre, sim)
    for i in range(w):
        layer[i] = x_cur[lo + i]
    push_history(1, b, layer, ring, br, bi, zr, zi, hre, him, sre, sim)


@njit(cache=True)
def bare_chain_steps(b0, b1, x_prev, x_cur, lo, hi, c, direct, ar, ai, br, bi, zr, zi,
                     ring, hre, him, rec_idx, rec_out):
    """Advance a force-free segment x[lo:hi] with transparent ends, steps b0 .. b1-1.

    Per step: ghosts at b from the ends' memories (:func:`set_ghosts`), the exact sweep
    (b+1 from b and b-1), then rho(b) of both boundary layers enters the memories
    (:func:`push_both`). ``rec_out[r, b - b0]`` = x_cur[rec_idx[r]] at step b (after the
    ghosts are set). Returns (x_prev, x_cur), swapped as the steps went.
    """
    w = direct.shape[0]
    gbuf = np.empty(w)
    layer = np.empty(w)
    sre = np.empty(zr.size)
    sim = np.empty(zr.size)
    for b in range(b0, b1):
        set_ghosts(b, x_cur, lo, hi, direct, ring, ar, ai, hre, him, gbuf)
        for r in range(rec_idx.size):
            rec_out[r, b - b0] = x_cur[rec_idx[r]]
        sweep(x_prev, x_cur, c, lo, hi)
        push_both(b, x_cur, lo, hi, ring, br, bi, zr, zi, hre, him, layer, sre, sim)
        x_prev, x_cur = x_cur, x_prev
    return x_prev, x_cur
