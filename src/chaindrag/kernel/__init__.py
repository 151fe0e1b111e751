"""Memory kernel Gamma_n(tau) of Eq. (15) and its precomputed zarr stores (Appendix).

:mod:`chaindrag.kernel.ring_sum` computes Gamma_n(tau) exactly to rounding (a periodic ring
sum of Eq. 15 by a type-I DCT); :mod:`chaindrag.kernel.writer` writes and extends (never in
place, safe against kills) the stores of Gamma_n(l delta) that the paper's Appendix
algorithm (``simulate(solver="kernel")``) reads, and :mod:`chaindrag.kernel.store` opens
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .ring_sum import front_site, gamma, ring_size
    from .store import KernelStore, open_store
    from .writer import precompute

__all__ = ["gamma", "precompute", "open_store", "KernelStore", "front_site", "ring_size"]

__getattr__, __dir__ = attach(__name__, {
    "ring_sum": ["front_site", "gamma", "ring_size"],
    "store": ["KernelStore", "open_store"],
    "writer": ["precompute"],
})
