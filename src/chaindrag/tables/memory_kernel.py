"""Fig. 2 reduction: the memory kernel Gamma_n(tau) (Eq. 15) read from a kernel store."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import analytic
from ..kernel import open_store
from ..kernel.store import grid_lag
from ..params import ParameterError
from ..stores import write_table
from ._common import PathLike, _with_provenance


def fig2_table(kernel: PathLike, table: PathLike, *, taus: Sequence[float],
               n_max: int) -> pd.DataFrame:
    """Fig. 2: Gamma_n(tau) for n = 0..n_max at each tau, read from a kernel store.

    tau must be a multiple of the store's delta (to 1e-9 relative): the value is read, not
    interpolated. ``front_site`` is the sound-cone front tau pi (omega_fast - 1).
    """
    store = open_store(kernel)
    frames = []
    for tau in taus:
        l = grid_lag(tau, store.delta)
        if l is None:
            # name the keys: the store's delta comes from its d and omega_fast, not from tau
            lo, hi = max(math.floor(tau / store.delta), 1), max(math.ceil(tau / store.delta), 1)
            raise ParameterError(
                f"fig2.taus: tau={tau} is not a multiple of the kernel store's time step "
                f"delta = 1/(d omega_fast) = {store.delta:.6g} (d={store.d}, omega_fast="
                f"{store.omega_fast:g}; values are read, not interpolated): the nearest are "
                f"{lo * store.delta:.10g} and {hi * store.delta:.10g}; change taus or the "
                f"store's d, omega_fast in kernels")
        column = store.window(n_max + 1, l)[:, l - 1]
        frames.append(pd.DataFrame({
            "tau": float(tau), "n": np.arange(n_max + 1), "gamma": column,
            "front_site": float(tau) * analytic.max_group_velocity(store.omega_fast)}))
    df = _with_provenance(pd.concat(frames, ignore_index=True), omega_fast=store.omega_fast,
                          d=store.d, delta=store.delta, kernel_store=Path(kernel).name)
    write_table(df, table)
    return df
