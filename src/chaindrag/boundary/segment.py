"""A force-free chain segment with exact transparent ends: the infinite chain on a few sites.

:func:`bare_chain` advances sites 0..n-1 of an infinite chain that is at rest outside them
at steps b <= 0, with the chain solver's exact two-step propagator inside and the ghost
sites from :class:`~chaindrag.boundary.store.TransparentEnds`. It is the force-free core
of ``solver="transparent"`` and the object the physics tests compare with the cone-sized
chain and with Gamma_n(tau) of Eq. (15).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._simd import aligned_zeros
from ..params import ParameterError, require_finite, require_int_range
from ._dtbc import bare_chain_steps, node_table
from .store import TransparentEnds

__all__ = ["EndMemory", "BareChainResult", "new_memory", "bare_chain"]


@dataclass
class EndMemory:
    """The two ends' history (mutable, advanced in place by the numba loop).

    ``ring[e, i]``: the last k0 - 1 steps of boundary-layer site i of end e (0 right,
    1 left), each written twice; ``hre``, ``him``: the exponentials' states, shape (2, P);
    ``step``: the step b whose ghosts come next.
    """

    ring: np.ndarray = field(repr=False)
    hre: np.ndarray = field(repr=False)
    him: np.ndarray = field(repr=False)
    step: int = 0


@dataclass(frozen=True)
class BareChainResult:
    """Output of :func:`bare_chain`.

    Attributes
    ----------
    rho_prev, rho_cur : ndarray
        Segment displacements at the last two steps b_end - 1 and b_end.
    record : ndarray, shape (len(record_sites), n_steps)
        rho of the recorded sites at steps b_start .. b_end - 1.
    memory : EndMemory
        The ends' history after the run (pass it back to continue).
    """

    rho_prev: np.ndarray
    rho_cur: np.ndarray
    record: np.ndarray
    memory: EndMemory


def new_memory(ends: TransparentEnds) -> EndMemory:
    """Empty end history: the exterior and the boundary layer at rest before step 0."""
    w, kb = ends.width, ends.k0 - 1
    n = ends.n_exponentials  # the states on cache lines, for the eight-lane node kernels
    return EndMemory(ring=np.zeros((2, w, 2 * kb)), hre=aligned_zeros((2, n)),
                     him=aligned_zeros((2, n)))


def bare_chain(ends: TransparentEnds, rho_prev, rho_cur, n_steps: int, record_sites=(),
               memory: EndMemory | None = None) -> BareChainResult:
    """Advance a force-free segment of the infinite chain with transparent ends.

    Parameters
    ----------
    ends : TransparentEnds
        From :func:`~chaindrag.boundary.store.transparent_ends`.
    rho_prev, rho_cur : array_like
        Displacements of sites 0..n-1 at steps b-1 and b (b = ``memory.step``, 0 for a new
        run); the chain outside is at rest at steps <= 0.
    n_steps : int
        Steps to take.
    record_sites : sequence of int
        Segment sites whose rho is recorded at every step.
    memory : EndMemory, optional
        The ends' history from a previous call (default: a fresh one, step 0).

    Returns
    -------
    BareChainResult

    Raises
    ------
    ParameterError
        If the arrays differ in length, are shorter than 2 w sites or not finite, or a
        recorded site is outside the segment.
    """
    rho_prev = np.asarray(require_finite("rho_prev", rho_prev), dtype=float)
    rho_cur = np.asarray(require_finite("rho_cur", rho_cur), dtype=float)
    n = rho_cur.size
    w = ends.width
    if rho_prev.shape != (n,) or rho_cur.ndim != 1 or n < 2 * w:
        raise ParameterError(f"rho_prev and rho_cur must be 1-d arrays of one length >= {2 * w}, "
                             f"got shapes {rho_prev.shape} and {rho_cur.shape}")
    n_steps = require_int_range("n_steps", n_steps, 0)
    sites = np.asarray(record_sites, dtype=np.int64).reshape(-1)
    if sites.size and (sites.min() < 0 or sites.max() >= n):
        raise ParameterError(f"record_sites must lie in [0, {n - 1}], got {sites.tolist()}")
    memory = new_memory(ends) if memory is None else memory
    if ends.horizon is not None and memory.step + n_steps > ends.horizon:
        raise ParameterError(f"n_steps = {n_steps} from step {memory.step} goes beyond the "
                             f"ends' horizon: they represent lags up to {ends.horizon} steps "
                             "(transparent_ends(horizon=None) serves any length)")
    pad = max(3, w)
    x_prev = np.zeros(n + 2 * pad)
    x_cur = np.zeros(n + 2 * pad)
    x_prev[pad:pad + n] = rho_prev
    x_cur[pad:pad + n] = rho_cur
    record = np.zeros((sites.size, n_steps))
    cc, direct, ar, ai, br, bi, zr, zi = ends.numba_arrays()
    b0 = memory.step
    tab = node_table(ar, ai, br, bi, zr, zi) if w == 3 else np.empty((0, 0))
    bare_chain_steps(b0, b0 + n_steps, x_prev, x_cur, pad, pad + n, cc, direct, ar, ai, br, bi,
                     zr, zi, tab, memory.ring, memory.hre, memory.him, sites + pad, record)
    if n_steps % 2:  # the loop swaps its two arrays every step
        x_prev, x_cur = x_cur, x_prev
    memory.step = b0 + n_steps
    return BareChainResult(rho_prev=x_prev[pad:pad + n].copy(), rho_cur=x_cur[pad:pad + n].copy(),
                           record=record, memory=memory)
