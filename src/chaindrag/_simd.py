"""Eight-lane LLVM double vectors for numba intrinsics (the sweep, the kinetic energy).

LLVM vectorises a plain numba loop over a stencil with one unaligned load per stencil
term, most of them split across two cache lines. The intrinsics that use these helpers
load a few overlapping vectors and build the shifted neighbours by shuffles instead.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import types
from numba.core.errors import TypingError

VEC = ir.VectorType(ir.DoubleType(), 8)
_MASK = ir.VectorType(ir.IntType(32), 8)


def aligned_zeros(shape, at: int = 0) -> np.ndarray:
    """C-contiguous float64 zeros whose element ``at`` (flat index) starts a 64-byte cache line.

    numpy guarantees 16 bytes. An eight-lane load from an unaligned address spans two
    cache lines: the ends' node kernels ran at 270 ns a step on 16-byte aligned tables
    and 160-185 ns on aligned ones (d = 60, 2026-12-05), 225 ns four lanes wide.
    """
    n = int(np.prod(shape))
    buf = np.zeros(n + 8)
    start = (-(buf.ctypes.data // 8 + at)) % 8
    return buf[start:start + n].reshape(shape)


def require_c_float64(who: str, ndim: int = 1, **arrays) -> None:
    """Typing-time check: each array is a C-contiguous float64 array of ``ndim`` dimensions."""
    for name, arr in arrays.items():
        if not (isinstance(arr, types.Array) and arr.ndim == ndim and arr.layout == "C"
                and arr.dtype == types.float64):
            raise TypingError(f"{who}: {name} must be a contiguous {ndim}-d float64 array, "
                              f"got {arr}")


def shuffle(builder, a, b, lanes):
    """Lanes of the concatenation (a, b): 0..7 are a's, 8..15 b's."""
    return builder.shuffle_vector(a, b, ir.Constant(_MASK, [ir.Constant(ir.IntType(32), i)
                                                            for i in lanes]))


def splat(builder, value):
    """A vector of eight copies of a scalar double."""
    one = builder.insert_element(ir.Constant(VEC, ir.Undefined), value,
                                 ir.Constant(ir.IntType(32), 0))
    return shuffle(builder, one, ir.Constant(VEC, ir.Undefined), [0] * 8)


def load8(builder, base, at, shift: int = 0):
    """The eight doubles base[at + shift : at + shift + 8] (no bounds check)."""
    ptr = builder.gep(base, [builder.add(at, ir.Constant(at.type, shift))])
    return builder.load(builder.bitcast(ptr, VEC.as_pointer()), align=8)


def store8(builder, value, base, at) -> None:
    """base[at : at + 8] <- value (no bounds check)."""
    builder.store(value, builder.bitcast(builder.gep(base, [at]), VEC.as_pointer()), align=8)


def shifted(builder, left, mid, right, width: int, j: int):
    """Sites k + i - j and k + i + j (i = 0..7) from the vectors at k - width, k, k + width.

    ``left``, ``mid``, ``right`` hold sites k - width.., k.., k + width.. (1 <= j <= width
    <= 8); each shifted vector takes its lanes from ``mid`` where it can.
    """
    lo = [8 + i - j if i >= j else i - j + width for i in range(8)]
    hi = [i + j if i + j < 8 else 8 + i + j - width for i in range(8)]
    return shuffle(builder, left, mid, lo), shuffle(builder, mid, right, hi)


def fma8(builder, a, b, c):
    """a * b + c lane by lane, rounded once (llvm.fma on vectors)."""
    module = builder.module
    name = "llvm.fma.v8f64"
    fn = module.globals.get(name) or ir.Function(module, ir.FunctionType(VEC, [VEC] * 3), name)
    return builder.call(fn, [a, b, c])
