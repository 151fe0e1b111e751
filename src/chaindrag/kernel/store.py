"""Opening precomputed stores of the memory kernel Gamma_n(l delta), Eq. (15) (Appendix).

A store (written by :func:`chaindrag.kernel.precompute`) is a zarr v3 group with the array
``gamma[n, l-1]`` = Gamma_n(l delta), n = 0..n_max, l = 1..n_lags, delta = 1/(d omega_fast),
chunked along time; :func:`open_store` opens one as a :class:`KernelStore`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..params import StoreError, require_int_range
from ..stores import open_complete_group

__all__ = ["open_store", "KernelStore"]

FORMAT = "chaindrag.kernel"
FORMAT_VERSION = 1
LAG_EPS = 1e-9  # n_lags = floor(tau_max / delta + 1e-9)


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
            If the store holds fewer than ``n_stop`` sites or ``l_stop`` lags.
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
        return np.asarray(self.gamma[:n_stop, :l_stop], dtype=np.float64)

    def require(self, n_max=None, tau_max=None, omega_fast=None, d=None) -> KernelStore:
        """Check the store suits a run; return it, or raise StoreError saying why not.

        Parameters
        ----------
        n_max : int, optional
            Largest site distance the run needs.
        tau_max : float, optional
            Longest time the run needs (n_lags >= floor(tau_max/delta + 1e-9)).
        omega_fast, d : optional
            Chain parameters of the run; must equal the store's.
        """
        if omega_fast is not None and not math.isclose(float(omega_fast), self.omega_fast,
                                                       rel_tol=1e-12, abs_tol=0.0):
            raise StoreError(f"kernel store {self.path} was made for omega_fast="
                             f"{self.omega_fast}, but the run needs omega_fast={omega_fast}")
        if d is not None and int(d) != self.d:
            raise StoreError(f"kernel store {self.path} was made for d={self.d} "
                             f"(delta={self.delta:.6g}), but the run needs d={d}")
        if n_max is not None and int(n_max) > self.n_max:
            raise StoreError(f"kernel store {self.path} holds sites n <= n_max={self.n_max}, "
                             f"but the run needs n_max={n_max}; precompute a larger store")
        if tau_max is not None:
            lags = math.floor(float(tau_max) / self.delta + LAG_EPS)
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
        If ``path`` is missing, not a zarr v3 kernel store, or incomplete (its writer was
        interrupted); the message contains the path.
    """
    path = Path(path)
    root, attrs = open_complete_group(path, "kernel store", FORMAT,
                                      rerun="rerun precompute", format_required=False)
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
    return store
