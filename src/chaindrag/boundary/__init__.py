"""Exact discrete transparent ends for the chain propagator (issue 15).

The force-free chain beyond a segment's last site is linear, homogeneous and at rest
before step 0, so it can be eliminated exactly: the w ghost sites beyond each end (w = 3,
the stencil half-width at d = 60) are causal convolutions of the history of the w
boundary-layer sites (a w x w matrix of kernels, because the truncated 7-point stencil has
w decaying roots: one physical, w - 1 evanescent ones of modulus ~1e-4).

- :mod:`~chaindrag.boundary.kernel`: the kernels (band / branch-cut integral);
  :mod:`~chaindrag.boundary.kernel_checks`: the same by independent routes (inverse
  Z-transform, the design note's scalar kernel, the continuous Adelman-Doll kernel);
- :mod:`~chaindrag.boundary.compress`: the older history as ~150 decaying exponentials;
- :mod:`~chaindrag.boundary.store`: :func:`transparent_ends`, computed once per
  (omega_fast, d, k0, tol) and kept with provenance;
- :mod:`~chaindrag.boundary.segment`: :func:`bare_chain`, a force-free segment that
  reproduces the infinite chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .segment import BareChainResult, EndMemory, bare_chain, new_memory
    from .store import TransparentEnds, TransparentEndsWarning, transparent_ends

__all__ = ["transparent_ends", "TransparentEnds", "TransparentEndsWarning", "bare_chain",
           "BareChainResult", "EndMemory", "new_memory"]

__getattr__, __dir__ = attach(__name__, {
    "segment": ["BareChainResult", "EndMemory", "bare_chain", "new_memory"],
    "store": ["TransparentEnds", "TransparentEndsWarning", "transparent_ends"],
})
