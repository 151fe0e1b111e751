"""The ends' exponentials eight nodes at a time (numba + LLVM vectors).

Every step each end reads its 52-152 (d = 60) exponential states h_p for its ghosts and
advances them, h_p <- z_p h_p + s_p (:mod:`chaindrag.boundary._dtbc`): ~28 multiply-adds
per node for both ends, which is most of the ends' cost. Written as a numba loop, LLVM
vectorises it four doubles wide (its tuning for these cores prefers 256-bit vectors
outside explicit vector code) and runs it at ~1.4 ns per node, near that width's peak.
These kernels write the same arithmetic on eight-lane vectors (as the sweep does,
:mod:`chaindrag.boundary._sweep`), with fused multiply-adds and the ghost sums kept in
separate positive and negative vector accumulators; they handle the nodes in whole
blocks of eight and leave the last < 8 to the caller's scalar loop. The sums' rounding
order differs from the scalar loop's (the ends are compared with the generic kernels to
rounding, 1e-12, in the tests).

``tab`` is :func:`~chaindrag.boundary._dtbc.node_table` (12 rows of P node constants),
``hre``, ``him`` the (2, P) states of both ends; all C-contiguous float64.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .._simd import VEC, fma8, load8, require_c_float64, splat, store8

_I32 = ir.IntType(32)


def _rows(context, builder, ty, value, rows):
    """Pointers to the starts of the given rows (ints or LLVM integers) of a C-contiguous
    2-d array value."""
    arr = context.make_array(ty)(context, builder, value)
    width = cgutils.unpack_tuple(builder, arr.shape, 2)[1]
    return [builder.gep(arr.data, [builder.mul(
        width, r if isinstance(r, ir.Value) else ir.Constant(width.type, r))]) for r in rows]


def _hsum(builder, vec):
    """The sum of a vector's eight lanes (pairwise)."""
    lanes = [builder.extract_element(vec, ir.Constant(_I32, i)) for i in range(8)]
    while len(lanes) > 1:
        lanes = [builder.fadd(lanes[i], lanes[i + 1]) for i in range(0, len(lanes), 2)]
    return lanes[0]


def _nodes_loop(builder, tab, states, inputs, n8):
    """Nodes 0 .. n8-1 (n8 a multiple of 8) of each end in ``states`` ((x, y) row pointers)
    with layer values ``inputs`` ((a0, a1, a2) per end): states advanced in place; returns
    the three ghost sums of each end, end by end."""
    zero = ir.Constant(VEC, [0.0] * 8)
    n_ends = len(states)
    plus = [[cgutils.alloca_once_value(builder, zero) for _ in range(3)] for _ in range(n_ends)]
    minus = [[cgutils.alloca_once_value(builder, zero) for _ in range(3)] for _ in range(n_ends)]
    layer = [[splat(builder, a) for a in ins] for ins in inputs]
    step = ir.Constant(n8.type, 8)
    with cgutils.for_range_slice(builder, ir.Constant(n8.type, 0), n8, step, n8.type) as (p, _):
        ar = [load8(builder, tab[j], p) for j in range(3)]  # Re alpha_1..3
        ai = [load8(builder, tab[3 + j], p) for j in range(3)]  # Im alpha_1..3
        e1, e2, f1, f2, zr, zi = (load8(builder, tab[r], p) for r in range(6, 12))
        minus_zi = builder.fneg(zi)
        for e, (xp, yp) in enumerate(states):
            x, y = load8(builder, xp, p), load8(builder, yp, p)
            for j in range(3):  # ghost j: Re(alpha_j h) = Re alpha_j x - Im alpha_j y
                builder.store(fma8(builder, ar[j], x, builder.load(plus[e][j])), plus[e][j])
                builder.store(fma8(builder, ai[j], y, builder.load(minus[e][j])), minus[e][j])
            a0, a1, a2 = layer[e]
            s_re = fma8(builder, e2, a2, fma8(builder, e1, a1, a0))  # beta_0 = 1
            s_im = fma8(builder, f2, a2, builder.fmul(f1, a1))
            store8(builder, fma8(builder, zr, x, fma8(builder, minus_zi, y, s_re)), xp, p)
            store8(builder, fma8(builder, zr, y, fma8(builder, zi, x, s_im)), yp, p)
    return [_hsum(builder, builder.fsub(builder.load(plus[e][j]), builder.load(minus[e][j])))
            for e in range(n_ends) for j in range(3)]


@intrinsic
def nodes8_both(typingctx, tab, hre, him, n8, a0, a1, a2, c0, c1, c2):
    """Both ends' nodes 0 .. n8-1 (n8 a multiple of 8, <= P): the six ghost sums (end 0's
    ghosts 1..3, then end 1's) from the states h(b), and h(b) -> h(b+1) with end 0's
    layer values (a0, a1, a2) and end 1's (c0, c1, c2). No bounds checks."""
    require_c_float64("nodes8_both", 2, tab=tab, hre=hre, him=him)
    sig = types.UniTuple(types.float64, 6)(tab, hre, him, n8, a0, a1, a2, c0, c1, c2)

    def codegen(context, builder, sig, args):
        rows = _rows(context, builder, sig.args[0], args[0], range(12))
        xs = _rows(context, builder, sig.args[1], args[1], (0, 1))
        ys = _rows(context, builder, sig.args[2], args[2], (0, 1))
        sums = _nodes_loop(builder, rows, list(zip(xs, ys)), (args[4:7], args[7:10]), args[3])
        return context.make_tuple(builder, sig.return_type, sums)

    return sig, codegen


@intrinsic
def nodes8_one(typingctx, tab, hre, him, e, n8, a0, a1, a2):
    """:func:`nodes8_both` for end ``e`` alone (states ``hre[e]``, ``him[e]``): its three
    ghost sums."""
    require_c_float64("nodes8_one", 2, tab=tab, hre=hre, him=him)
    sig = types.UniTuple(types.float64, 3)(tab, hre, him, e, n8, a0, a1, a2)

    def codegen(context, builder, sig, args):
        rows = _rows(context, builder, sig.args[0], args[0], range(12))
        end = context.cast(builder, args[3], sig.args[3], types.intp)
        xs = _rows(context, builder, sig.args[1], args[1], (end,))
        ys = _rows(context, builder, sig.args[2], args[2], (end,))
        sums = _nodes_loop(builder, rows, list(zip(xs, ys)), (args[5:8],), args[4])
        return context.make_tuple(builder, sig.return_type, sums)

    return sig, codegen
