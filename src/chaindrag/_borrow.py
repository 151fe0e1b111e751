"""Borrowed array views for numba step loops: no reference counting inside the loop.

numba counts references to every array a compiled function binds: an argument of a
function inlined into a loop (``inline="always"``) is bound, and released, at every
iteration, two atomic operations on the array's meminfo each. In a step loop that calls
a few such helpers per step they cost ~17 pairs a step, ~0.25 us on a 2.8 GHz core (a
fifth of a transparent-ends drift run's step). :func:`borrowed` returns the same array
without its meminfo: reference counting on it is a null test. The caller keeps the
original alive for as long as the view is used (a function's own arguments are), and never
returns a borrowed view or stores it where it outlives the call.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core.errors import TypingError
from numba.extending import intrinsic
from numba.np.arrayobj import make_array


@intrinsic
def borrowed(typingctx, arr):
    """The array ``arr`` with a null meminfo and parent: the same data, shape and strides."""
    if not isinstance(arr, types.Array):
        raise TypingError(f"borrowed: an array is required, got {arr}")

    def codegen(context, builder, sig, args):
        out = make_array(arr)(context, builder, value=args[0])
        out.meminfo = ir.Constant(out.meminfo.type, None)
        out.parent = ir.Constant(out.parent.type, None)
        return out._getvalue()

    return arr(arr), codegen
