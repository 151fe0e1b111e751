"""The free-motion sweep of a chain segment, eight sites at a time (numba + LLVM vectors).

One step of free motion is x(b+1) = 2 C x(b) - x(b-1) with the symmetric stencil C of
:func:`chaindrag.solvers._common.propagator_stencils`. Every solver spends most of its time
here (the chain solver's cone, the transparent solver's path, an extension's exterior).

Written as a plain loop, LLVM vectorises it with seven unaligned loads of x(b) per vector
of results, most of them split across cache lines: ~1.7 cycles per site. :func:`_sweep8`
loads three overlapping vectors (sites k-3.., k.., k+3..) and builds the other four shifted
neighbours by shuffles: measured 0.46 -> 0.37 ns per site on an 894-site segment, 0.45 ->
0.33 on 26 000 sites (AVX-512 core, 2026-12-01). The arithmetic is the plain loop's, the
same operations in the same order without contraction, so the results are the same bits.
:func:`sweep_velocity` is the same step that also writes the central difference the
energy mode needs (:mod:`chaindrag.solvers._energy`), instead of a copy of the old step
before the sweep and a pass after it.

Both start their vectors where x_prev's data start a cache line (the sites before it one
by one, the same arithmetic): a store of eight doubles that spans two lines costs twice.
With the solvers' arrays on cache lines (:func:`chaindrag._simd.aligned_zeros`) the loads
of the middle vector are aligned too. Measured on 13 000 sites (2026-12-05, 2.8 GHz
AVX-512 core): 0.54-0.67 ns per site, depending on where numpy had put the arrays, ->
0.43 at every offset; on 900 sites, whose arrays stay in L1, 0.39-0.56 -> 0.41-0.48.
"""

from __future__ import annotations

from numba import types
from numba.extending import intrinsic

from .._jit import njit
from .._simd import load8, require_c_float64, shifted, splat, store8


def _step8(builder, prev, cur, at, w):
    """(new, old) of x_prev[at:at+8]: new = (w0 m + w1 (l1 + r1) + w2 (l2 + r2) + w3 (l3 + r3))
    - old, m = x_cur[at:at+8] and lj / rj shifted by -j / +j sites (the c's doubled)."""
    l3, m, r3 = (load8(builder, cur, at, shift) for shift in (-3, 0, 3))
    l1, r1 = shifted(builder, l3, m, r3, 3, 1)
    l2, r2 = shifted(builder, l3, m, r3, 3, 2)
    w0, w1, w2, w3 = (splat(builder, a) for a in w)
    acc = builder.fmul(w0, m)
    acc = builder.fadd(acc, builder.fmul(w1, builder.fadd(l1, r1)))
    acc = builder.fadd(acc, builder.fmul(w2, builder.fadd(l2, r2)))
    acc = builder.fadd(acc, builder.fmul(w3, builder.fadd(l3, r3)))
    old = load8(builder, prev, at)
    return builder.fsub(acc, old), old


@intrinsic
def _sweep8(typingctx, x_prev, x_cur, k, c0, c1, c2, c3):
    """x_prev[k:k+8] <- (c0 m + c1 (l1 + r1) + c2 (l2 + r2) + c3 (l3 + r3)) - x_prev[k:k+8].

    m = x_cur[k:k+8], lj / rj the same shifted by -j / +j sites (reads x_cur[k-3:k+11]);
    the c's are already doubled. No bounds checks: the caller keeps k - 3 >= 0 and
    k + 11 <= x_cur.size.
    """
    require_c_float64("_sweep8", x_prev=x_prev, x_cur=x_cur)
    sig = types.void(x_prev, x_cur, k, c0, c1, c2, c3)

    def codegen(context, builder, sig, args):
        prev = context.make_array(sig.args[0])(context, builder, args[0]).data
        cur = context.make_array(sig.args[1])(context, builder, args[1]).data
        new, _ = _step8(builder, prev, cur, args[2], args[3:7])
        store8(builder, new, prev, args[2])
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _sweep8_velocity(typingctx, x_prev, x_cur, u, k, c0, c1, c2, c3, inv2d):
    """:func:`_sweep8`, and u[k:k+8] <- (new - old) * inv2d (the central difference)."""
    require_c_float64("_sweep8_velocity", x_prev=x_prev, x_cur=x_cur, u=u)
    sig = types.void(x_prev, x_cur, u, k, c0, c1, c2, c3, inv2d)

    def codegen(context, builder, sig, args):
        prev, cur, vel = (context.make_array(sig.args[i])(context, builder, args[i]).data
                          for i in range(3))
        new, old = _step8(builder, prev, cur, args[3], args[4:8])
        store8(builder, new, prev, args[3])
        store8(builder, builder.fmul(builder.fsub(new, old), splat(builder, args[8])), vel,
               args[3])
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True, inline="always")
def _site(x_prev, x_cur, j, c0, c1, c2, c3):
    """The new value of site j: the vectors' arithmetic, in the same order, for the last < 8."""
    return (c0 * x_cur[j] + c1 * (x_cur[j - 1] + x_cur[j + 1]) + c2 * (x_cur[j - 2] + x_cur[j + 2])
            + c3 * (x_cur[j - 3] + x_cur[j + 3])) - x_prev[j]


@njit(cache=True, inline="always")
def _aligned_from(x, lo):
    """The first index >= lo whose element of x starts a 64-byte cache line (x float64)."""
    return lo + ((-(x.ctypes.data // 8 + lo)) % 8)


@njit(cache=True)
def sweep(x_prev, x_cur, c, lo, hi):
    """x_prev[lo:hi] <- 2 (C * x_cur) - x_prev for a symmetric stencil ``c`` (>= 4 entries).

    Reads x_cur[lo - w : hi + w] (w = c.size - 1); both arrays contiguous float64.
    """
    c0, c1, c2, c3 = 2.0 * c[0], 2.0 * c[1], 2.0 * c[2], 2.0 * c[3]
    k = min(_aligned_from(x_prev, lo), hi)
    for j in range(lo, k):
        x_prev[j] = _site(x_prev, x_cur, j, c0, c1, c2, c3)
    while k + 8 <= hi:
        _sweep8(x_prev, x_cur, k, c0, c1, c2, c3)
        k += 8
    for j in range(k, hi):
        x_prev[j] = _site(x_prev, x_cur, j, c0, c1, c2, c3)
    p = x_prev[lo:hi]
    for j in range(4, c.size):
        cj = 2.0 * c[j]
        lj = x_cur[lo - j:hi - j]
        rj = x_cur[lo + j:hi + j]
        for i in range(hi - lo):
            p[i] += cj * (lj[i] + rj[i])


@njit(cache=True)
def sweep_velocity(x_prev, x_cur, c, lo, hi, u, inv2d):
    """:func:`sweep`, and u[lo:hi] <- (x_prev new - x_prev old) * inv2d in the same pass.

    The energy mode's central difference (``inv2d`` = 1 / (2 delta 2 pi)) without a copy
    of the old step; x_prev gets the same bits as from :func:`sweep`. ``u`` contiguous
    float64, at least as long as x_prev.
    """
    if c.size > 4:  # the extra passes change x_prev after the vectors: difference at the end
        for j in range(lo, hi):  # not u[lo:hi] = ...: that compiles numba's shape-error path
            u[j] = x_prev[j]
        sweep(x_prev, x_cur, c, lo, hi)
        for j in range(lo, hi):
            u[j] = (x_prev[j] - u[j]) * inv2d
        return
    c0, c1, c2, c3 = 2.0 * c[0], 2.0 * c[1], 2.0 * c[2], 2.0 * c[3]
    k = min(_aligned_from(x_prev, lo), hi)
    for j in range(lo, k):
        new = _site(x_prev, x_cur, j, c0, c1, c2, c3)
        u[j] = (new - x_prev[j]) * inv2d
        x_prev[j] = new
    while k + 8 <= hi:
        _sweep8_velocity(x_prev, x_cur, u, k, c0, c1, c2, c3, inv2d)
        k += 8
    for j in range(k, hi):
        new = _site(x_prev, x_cur, j, c0, c1, c2, c3)
        u[j] = (new - x_prev[j]) * inv2d
        x_prev[j] = new
