"""Numba kernels of the transparent ends: per-step ghosts and memories, a bare-chain loop.

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

The ghosts at step b need the memories at state b only (K(0) = 0), and rho(b) of the
boundary layers is final before the sweep, so one pass can set the ghosts and advance the
memories: :func:`ends_step3` (w = 3, both ends, each node's constants loaded once for
both; ~28 multiply-adds per node and step, which is the cost: blocks of eight nodes in
LLVM vectors, :mod:`chaindrag.boundary._nodes`, 1.05-1.2 ns per node on one AVX-512 core
with the tables on cache lines, 1.4 ns four lanes wide) is what the solvers call,
:func:`end_step3` the same for one end (an extension's exterior); :func:`ghost_values` and
:func:`push_history` are the generic (any w) forms and the reference both are tested
against.

Reductions use reassociating float math so that LLVM vectorises them (the sums' rounding
order changes, not their accuracy); the sweep is the solvers' own arithmetic.
"""

from __future__ import annotations

import numpy as np

from .._borrow import borrowed
from .._jit import njit
from .._simd import aligned_zeros
from ._nodes import nodes8_both, nodes8_one
from ._sweep import sweep

_REDUCE = {"reassoc", "contract", "nsz"}


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
    for e in range(2):  # a loop index, not the constants 0, 1: compiled once, not twice
        ghost_values(e, b, direct, ring, ar, ai, hre, him, gbuf)
        for j in range(w):
            x_cur[hi + j if e == 0 else lo - 1 - j] = gbuf[j]


@njit(cache=True)
def push_both(b, x_cur, lo, hi, ring, br, bi, zr, zi, hre, him, layer, sre, sim):
    """Feed rho(b) of both boundary layers (x_cur is step b) into the ends' memories."""
    w = br.shape[0]
    for e in range(2):  # a loop index, as in set_ghosts
        for i in range(w):
            layer[i] = x_cur[hi - 1 - i] if e == 0 else x_cur[lo + i]
        push_history(e, b, layer, ring, br, bi, zr, zi, hre, him, sre, sim)


@njit(cache=True, fastmath=_REDUCE)
def _direct3(direct, ring, pos):
    """Direct sums (lags 1..kb) of both ends' ghosts 1..3 from their ring windows at ``pos``.

    One loop for both ends: each kernel value is loaded once, six independent sums.
    """
    kb = direct.shape[2] - 1
    r0, r1, r2 = ring[0, 0, pos:pos + kb], ring[0, 1, pos:pos + kb], ring[0, 2, pos:pos + kb]
    q0, q1, q2 = ring[1, 0, pos:pos + kb], ring[1, 1, pos:pos + kb], ring[1, 2, pos:pos + kb]
    d00, d01, d02 = direct[0, 0, 1:], direct[0, 1, 1:], direct[0, 2, 1:]
    d10, d11, d12 = direct[1, 0, 1:], direct[1, 1, 1:], direct[1, 2, 1:]
    d20, d21, d22 = direct[2, 0, 1:], direct[2, 1, 1:], direct[2, 2, 1:]
    g0 = 0.0
    g1 = 0.0
    g2 = 0.0
    f0 = 0.0
    f1 = 0.0
    f2 = 0.0
    for k in range(kb):
        a0, a1, a2, c0, c1, c2 = r0[k], r1[k], r2[k], q0[k], q1[k], q2[k]
        e00, e01, e02 = d00[k], d01[k], d02[k]
        e10, e11, e12 = d10[k], d11[k], d12[k]
        e20, e21, e22 = d20[k], d21[k], d22[k]
        g0 += e00 * a0 + e01 * a1 + e02 * a2
        g1 += e10 * a0 + e11 * a1 + e12 * a2
        g2 += e20 * a0 + e21 * a1 + e22 * a2
        f0 += e00 * c0 + e01 * c1 + e02 * c2
        f1 += e10 * c0 + e11 * c1 + e12 * c2
        f2 += e20 * c0 + e21 * c1 + e22 * c2
    return g0, g1, g2, f0, f1, f2


def node_table(ar, ai, br, bi, zr, zi) -> np.ndarray:
    """The exponentials' constants for w = 3 packed into one (12, P) array for :func:`ends_step3`.

    Rows: Re alpha_1..3, Im alpha_1..3, Re beta_1, Re beta_2, Im beta_1, Im beta_2, Re z,
    Im z (beta_0 = 1). One array instead of six: a numba call passes every array as ~9
    words, and the ends are called every step. Its data start on a cache line
    (:func:`chaindrag._simd.aligned_zeros`), as the rows do when P is a multiple of 8.
    """
    tab = aligned_zeros((12, zr.size))
    _fill_node_table(tab, ar, ai, br, bi, zr, zi)
    return tab


@njit(cache=True)
def _fill_node_table(tab, ar, ai, br, bi, zr, zi):
    for p in range(zr.size):  # element by element: row copies would compile numba's
        for j in range(3):    # shape-mismatch error path (~3 s at every first use)
            tab[j, p] = ar[j, p]
            tab[3 + j, p] = ai[j, p]
        tab[6, p], tab[7, p], tab[8, p], tab[9, p] = br[1, p], br[2, p], bi[1, p], bi[2, p]
        tab[10, p], tab[11, p] = zr[p], zi[p]


@njit(cache=True, fastmath=_REDUCE)
def _history3(tab, hre, him, a0, a1, a2, c0, c1, c2):
    """Both ends' exponentials in one pass (w = 3): ghost sums from h(b), then h(b) -> h(b+1).

    ``tab`` from :func:`node_table`; (a0, a1, a2), (c0, c1, c2): the entering layer values
    of end 0 and end 1. Whole blocks of eight nodes in LLVM vectors
    (:func:`chaindrag.boundary._nodes.nodes8_both`), the last < 8 here. Each node's
    constants are loaded once for both ends. Returns the six sums (end 0 rows 1..3, then
    end 1).
    """
    n = tab.shape[1]
    n8 = n - n % 8
    g00, g01, g02, g10, g11, g12 = nodes8_both(tab, hre, him, n8, a0, a1, a2, c0, c1, c2)
    x0, y0, x1, y1 = hre[0], him[0], hre[1], him[1]
    ar0, ar1, ar2, ai0, ai1, ai2 = tab[0], tab[1], tab[2], tab[3], tab[4], tab[5]
    br1, br2, bi1, bi2, zr, zi = tab[6], tab[7], tab[8], tab[9], tab[10], tab[11]
    for p in range(n8, n):
        x, y, u, v = x0[p], y0[p], x1[p], y1[p]
        pr, pi = zr[p], zi[p]
        q0, q1, q2, s0, s1, s2 = ar0[p], ar1[p], ar2[p], ai0[p], ai1[p], ai2[p]
        e1, e2, f1, f2 = br1[p], br2[p], bi1[p], bi2[p]
        g00 += q0 * x - s0 * y
        g01 += q1 * x - s1 * y
        g02 += q2 * x - s2 * y
        g10 += q0 * u - s0 * v
        g11 += q1 * u - s1 * v
        g12 += q2 * u - s2 * v
        x0[p] = pr * x - pi * y + (a0 + e1 * a1 + e2 * a2)
        y0[p] = pr * y + pi * x + (f1 * a1 + f2 * a2)
        x1[p] = pr * u - pi * v + (c0 + e1 * c1 + e2 * c2)
        y1[p] = pr * v + pi * u + (f1 * c1 + f2 * c2)
    return g00, g01, g02, g10, g11, g12


@njit(cache=True, inline="always")
def ends_step3(b, x, lo, hi, direct, tab, ring, hre, him):
    """Both ends at step b (w = 3): ghosts of x[lo:hi] at b, then rho(b) into the memories.

    x is step b, ``tab`` from :func:`node_table`. The ghosts x[hi + j - 1], x[lo - j] use
    the memories at state b (ring window rho(b-1)..rho(b-kb), h(b)); in the same pass the
    oldest ring entry rho(b-kb) = rho(b+1-k0) enters the exponentials and the boundary
    layers' rho(b) take its slots (state b+1). The arithmetic of :func:`set_ghosts`
    followed by :func:`push_both`, one read of each memory. Inlined into the caller's
    step loop (its own arithmetic is three additions per ghost): as a call it costs the
    transparent solver ~0.1 us a step more (the kernels' set-up is not hoisted).
    """
    kb = direct.shape[2] - 1
    r = b % kb
    pos = kb - r if r else 0  # as in ghost_values
    old = pos - 1 if pos else kb - 1  # as in push_history
    d0, d1, d2, e0, e1, e2 = _direct3(direct, ring, pos)
    h0, h1, h2, l0, l1, l2 = _history3(tab, hre, him,
                                       ring[0, 0, old], ring[0, 1, old], ring[0, 2, old],
                                       ring[1, 0, old], ring[1, 1, old], ring[1, 2, old])
    for i in range(3):
        ring[0, i, old] = ring[0, i, old + kb] = x[hi - 1 - i]
        ring[1, i, old] = ring[1, i, old + kb] = x[lo + i]
    x[hi], x[hi + 1], x[hi + 2] = d0 + h0, d1 + h1, d2 + h2
    x[lo - 1], x[lo - 2], x[lo - 3] = e0 + l0, e1 + l1, e2 + l2


@njit(cache=True, fastmath=_REDUCE)
def _direct1(direct, ring, e, pos):
    """End e's direct sums (lags 1..kb) of ghosts 1..3, as :func:`_direct3` for one end."""
    kb = direct.shape[2] - 1
    r0, r1, r2 = ring[e, 0, pos:pos + kb], ring[e, 1, pos:pos + kb], ring[e, 2, pos:pos + kb]
    d00, d01, d02 = direct[0, 0, 1:], direct[0, 1, 1:], direct[0, 2, 1:]
    d10, d11, d12 = direct[1, 0, 1:], direct[1, 1, 1:], direct[1, 2, 1:]
    d20, d21, d22 = direct[2, 0, 1:], direct[2, 1, 1:], direct[2, 2, 1:]
    g0 = 0.0
    g1 = 0.0
    g2 = 0.0
    for k in range(kb):
        a0, a1, a2 = r0[k], r1[k], r2[k]
        g0 += d00[k] * a0 + d01[k] * a1 + d02[k] * a2
        g1 += d10[k] * a0 + d11[k] * a1 + d12[k] * a2
        g2 += d20[k] * a0 + d21[k] * a1 + d22[k] * a2
    return g0, g1, g2


@njit(cache=True, fastmath=_REDUCE)
def _history1(tab, hre, him, e, a0, a1, a2):
    """End e's exponentials, as :func:`_history3` for one end
    (:func:`chaindrag.boundary._nodes.nodes8_one`, then the last < 8 nodes)."""
    n = tab.shape[1]
    n8 = n - n % 8
    g0, g1, g2 = nodes8_one(tab, hre, him, e, n8, a0, a1, a2)
    x0, y0 = hre[e], him[e]
    ar0, ar1, ar2, ai0, ai1, ai2 = tab[0], tab[1], tab[2], tab[3], tab[4], tab[5]
    br1, br2, bi1, bi2, zr, zi = tab[6], tab[7], tab[8], tab[9], tab[10], tab[11]
    for p in range(n8, n):
        x, y = x0[p], y0[p]
        pr, pi = zr[p], zi[p]
        q0, q1, q2, s0, s1, s2 = ar0[p], ar1[p], ar2[p], ai0[p], ai1[p], ai2[p]
        e1, e2, f1, f2 = br1[p], br2[p], bi1[p], bi2[p]
        g0 += q0 * x - s0 * y
        g1 += q1 * x - s1 * y
        g2 += q2 * x - s2 * y
        x0[p] = pr * x - pi * y + (a0 + e1 * a1 + e2 * a2)
        y0[p] = pr * y + pi * x + (f1 * a1 + f2 * a2)
    return g0, g1, g2


@njit(cache=True, inline="always")
def end_step3(e, b, x, hi, direct, tab, ring, hre, him):
    """One end at step b (w = 3), laid out as a right end: ghosts x[hi..hi+2], then rho(b).

    Memory slot ``e``; the boundary layer is x[hi-1-i]. The arithmetic of :func:`ends_step3`
    for that one end (an extension's exterior, whose other side is Dirichlet data). Measured
    at d = 60: an exterior step costs ~0.23 us beyond its sweep, ~0.45 us with separate
    ghost and memory loops.
    """
    kb = direct.shape[2] - 1
    r = b % kb
    pos = kb - r if r else 0
    old = pos - 1 if pos else kb - 1
    d0, d1, d2 = _direct1(direct, ring, e, pos)
    h0, h1, h2 = _history1(tab, hre, him, e, ring[e, 0, old], ring[e, 1, old],
                           ring[e, 2, old])
    for i in range(3):
        ring[e, i, old] = ring[e, i, old + kb] = x[hi - 1 - i]
    x[hi], x[hi + 1], x[hi + 2] = d0 + h0, d1 + h1, d2 + h2


@njit(cache=True)
def bare_chain_steps(b0, b1, x_prev, x_cur, lo, hi, c, direct, ar, ai, br, bi, zr, zi, tab,
                     ring, hre, him, rec_idx, rec_out):
    """Advance a force-free segment x[lo:hi] with transparent ends, steps b0 .. b1-1.

    Per step: the ends (ghosts at b from the memories, rho(b) of both boundary layers into
    them: :func:`ends_step3` for w = 3, with ``tab`` = :func:`node_table`, else
    :func:`set_ghosts` and :func:`push_both`), then the exact sweep (b+1 from b and b-1).
    ``rec_out[r, b - b0]`` = x_cur[rec_idx[r]] at step b (after the ghosts are set). x_prev
    and x_cur swap every step: after an odd number of steps rho(b1) is in the array passed
    as x_prev.
    """
    w = direct.shape[0]
    gbuf, layer = np.empty(w), np.empty(w)
    sre, sim = np.empty(zr.size), np.empty(zr.size)
    # borrowed: ends_step3, inlined, binds these at every step (chaindrag._borrow)
    x_prev, x_cur, direct, tab = borrowed(x_prev), borrowed(x_cur), borrowed(direct), borrowed(tab)
    ring, hre, him = borrowed(ring), borrowed(hre), borrowed(him)
    for b in range(b0, b1):
        if w == 3:
            ends_step3(b, x_cur, lo, hi, direct, tab, ring, hre, him)
        else:
            set_ghosts(b, x_cur, lo, hi, direct, ring, ar, ai, hre, him, gbuf)
            push_both(b, x_cur, lo, hi, ring, br, bi, zr, zi, hre, him, layer, sre, sim)
        for r in range(rec_idx.size):
            rec_out[r, b - b0] = x_cur[rec_idx[r]]
        sweep(x_prev, x_cur, c, lo, hi)
        x_prev, x_cur = x_cur, x_prev
