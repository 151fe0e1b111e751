"""Opening precomputed stores of the memory kernel Gamma_n(l delta), Eq. (15) (Appendix).

A store (written by :func:`chaindrag.kernel.precompute`) is a zarr v3 group with the array
``gamma[n, l-1]`` = Gamma_n(l delta), n = 0..n_max, l = 1..n_lags, delta = 1/(d omega_fast),
chunked along time; :func:`open_store` opens one as a :class:`KernelStore`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..params import (StoreError, require_int_range, require_omega_fast,
                      require_positive)
from ..stores import open_complete_group

__all__ = ["open_store", "KernelStore", "grid_lag", "lag_count", "same_omega_fast"]

FORMAT = "chaindrag.kernel"
FORMAT_VERSION = 1
LAG_EPS = 1e-9  # n_lags = floor(tau_max / delta + 1e-9)
OMEGA_FAST_RTOL = 1e-12


def lag_count(tau: float, delta: float) -> int:
    """The whole time steps delta in ``tau``, floor(tau/delta + 1e-9): the lags of a store
    made for tau_max = ``tau`` and the steps of a run or memory that long (plain floor drops
    the last one where L delta rounds to just below L)."""
    return math.floor(tau / delta + LAG_EPS)


def grid_lag(tau: float, delta: float) -> int | None:
    """The lag l >= 1 with l delta = tau (to a relative 1e-9), or None: a store holds Gamma
    at whole time steps, read there, not interpolated (fig2.taus must lie on them)."""
    lag = round(tau / delta)
    return lag if lag >= 1 and abs(lag * delta - tau) <= 1e-9 * max(tau, 1.0) else None


def same_omega_fast(store_value: float, wanted: float) -> bool:
    """True if a store made for ``store_value`` serves ``wanted``: equal to a relative 1e-12
    (``OMEGA_FAST_RTOL``; a value that went through text or arithmetic). The one rule of
    :meth:`KernelStore.require` and of :func:`~chaindrag.kernel.precompute`, which reuses
    or extends a store only if it holds."""
    return math.isclose(store_value, wanted, rel_tol=OMEGA_FAST_RTOL, abs_tol=0.0)


@dataclass(frozen=True)
class KernelStore:
    """An opened kernel store: gamma[n, l-1] = Gamma_n(l delta) of Eq. (15).

    Attributes
    ----------
    path : Path
        Directory of the zarr v3 group.
    gamma : zarr.Array
        Lazy array of shape (n_max + 1, n_lags), chunked along time.
    omega_fast, d, delta : float, int, float
        Band top, steps per fast period and time step delta = 1/(d omega_fast).
    n_max, tau_max, n_lags : int, float, int
        Largest site distance, time span and number of lags (l = 1..n_lags).
    attrs : dict
        All group attributes.
    """

    path: Path
    gamma: Any = field(repr=False, compare=False)
    omega_fast: float
    d: int
    delta: float
    n_max: int
    tau_max: float
    n_lags: int
    attrs: dict = field(repr=False, compare=False)

    def window(self, n_stop: int, l_stop: int) -> np.ndarray:
        """Return gamma[:n_stop, :l_stop] (sites 0..n_stop-1, lags 1..l_stop) as float64.

        Raises
        ------
        ParameterError
            If ``n_stop`` or ``l_stop`` is not an integer >= 0.
        StoreError
            If the store holds fewer than ``n_stop`` sites or ``l_stop`` lags, or the
            window cannot be read or holds non-finite values (chunk files damaged or lost
            after the store was opened).
        """
        n_stop = require_int_range("n_stop", n_stop, 0)
        l_stop = require_int_range("l_stop", l_stop, 0)
        if n_stop > self.n_max + 1:
            raise StoreError(f"kernel store {self.path} holds sites n <= {self.n_max}, but "
                             f"n_stop={n_stop} (n_max={n_stop - 1}) is needed")
        if l_stop > self.n_lags:
            raise StoreError(f"kernel store {self.path} holds {self.n_lags} lags "
                             f"(tau_max={self.tau_max}), but l_stop={l_stop} "
                             f"(tau={l_stop * self.delta:g}) is needed")
        if n_stop == 0 or l_stop == 0:
            return np.zeros((n_stop, l_stop))
        try:
            out = np.asarray(self.gamma[:n_stop, :l_stop], dtype=np.float64)
        except Exception as exc:  # a chunk damaged after opening: codec/OS errors vary
            raise StoreError(f"kernel store {self.path} cannot be read ({exc}); rerun "
                             "precompute (it recomputes a damaged store)") from exc
        # a lost chunk of a NaN-filled store; |Gamma| < 1, so a finite sum means all finite
        # (and needs no boolean copy of a possibly huge window)
        if not math.isfinite(float(np.sum(out))):
            raise StoreError(f"kernel store {self.path} holds non-finite values in "
                             f"gamma[:{n_stop}, :{l_stop}] (damaged store); rerun precompute "
                             "(it recomputes a damaged store)")
        return out

    def require(self, n_max=None, tau_max=None, omega_fast=None, d=None) -> KernelStore:
        """Check the store suits a run; return it, or raise StoreError saying why not.

        Parameters
        ----------
        n_max : int, optional
            Largest site distance the run needs.
        tau_max : float, optional
            Longest time the run needs (n_lags >= floor(tau_max/delta + 1e-9)).
        omega_fast, d : optional
            Chain parameters of the run; must equal the store's (omega_fast to a relative
            1e-12: :func:`same_omega_fast`).

        Raises
        ------
        ParameterError
            If an argument is out of its range: n_max integer >= 0, tau_max finite > 0,
            omega_fast finite > 1, d integer >= 4.
        """
        if omega_fast is not None:
            omega_fast = require_omega_fast(omega_fast)
            if not same_omega_fast(self.omega_fast, omega_fast):
                raise StoreError(f"kernel store {self.path} was made for omega_fast="
                                 f"{self.omega_fast!r}, but the run needs "
                                 f"omega_fast={omega_fast!r}")
        if d is not None and require_int_range("d", d, 4) != self.d:
            raise StoreError(f"kernel store {self.path} was made for d={self.d} "
                             f"(delta={self.delta:.6g}), but the run needs d={d}")
        if n_max is not None and require_int_range("n_max", n_max, 0) > self.n_max:
            raise StoreError(f"kernel store {self.path} holds sites n <= n_max={self.n_max}, "
                             f"but the run needs n_max={n_max}; precompute a larger store")
        if tau_max is not None:
            tau_max = require_positive("tau_max", tau_max, scalar=True)
            lags = lag_count(tau_max, self.delta)
            if lags > self.n_lags:
                raise StoreError(f"kernel store {self.path} covers tau_max={self.tau_max} "
                                 f"({self.n_lags} lags), but the run needs tau_max={tau_max} "
                                 f"({lags} lags); precompute a longer store")
        return self


def open_store(path) -> KernelStore:
    """Open a kernel store written by :func:`precompute`.

    Raises
    ------
    StoreError
        If ``path`` is missing, not a zarr v3 kernel store (``format`` attribute absent or
        other), incomplete (its writer was interrupted) or missing chunk files of
        ``gamma`` (they would read as the fill value); the message contains the path.

    Notes
    -----
    The chunk check lists the files under ``gamma/c`` once (no chunk is read): well
    under a millisecond for a few hundred chunks.
    """
    path = Path(path)
    root, attrs = open_complete_group(path, "kernel store", FORMAT, rerun="rerun precompute")
    try:
        arr = root["gamma"]
        store = KernelStore(path=path, gamma=arr, omega_fast=float(attrs["omega_fast"]),
                            d=int(attrs["d"]), delta=float(attrs["delta"]),
                            n_max=int(attrs["n_max"]), tau_max=float(attrs["tau_max"]),
                            n_lags=int(attrs["n_lags"]), attrs=attrs)
    except KeyError as exc:
        raise StoreError(f"kernel store {path} lacks {exc}") from None
    if tuple(arr.shape) != (store.n_max + 1, store.n_lags):
        raise StoreError(f"kernel store {path}: array shape {arr.shape} does not match "
                         f"n_max={store.n_max}, n_lags={store.n_lags}")
    _require_all_chunks(path, arr)
    return store


def _require_all_chunks(path: Path, arr) -> None:
    """Refuse a store whose ``gamma`` lacks chunk files: zarr would read them silently as
    the fill value (0 in stores written before fill_value NaN), i.e. Gamma = 0."""
    grid = tuple(arr.cdata_shape)
    folder = path / "gamma"
    found = set()
    for dirpath, _, files in os.walk(folder / "c"):
        rel = Path(dirpath).relative_to(folder).as_posix()
        found.update(f"{rel}/{name}" for name in files)
    missing = [key for key in (arr.metadata.encode_chunk_key(idx) for idx in np.ndindex(grid))
               if key not in found]
    if missing:
        raise StoreError(f"kernel store {path} is damaged: {len(missing)} of "
                         f"{math.prod(grid)} chunk files of gamma are missing (first: "
                         f"gamma/{missing[0]}); rerun precompute (it recomputes a damaged "
                         "store)")
