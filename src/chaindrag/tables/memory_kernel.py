"""Fig. 2 reduction: the memory kernel Gamma_n(tau) (Eq. 15) read from a kernel store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import analytic
from ..kernel import open_store
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
        l = round(tau / store.delta)
        if abs(l * store.delta - tau) > 1e-9 * max(tau, 1.0) or l < 1:
            raise ParameterError(f"tau={tau} is not a multiple of the store's delta={store.delta}")
        column = store.window(n_max + 1, l)[:, l - 1]
        frames.append(pd.DataFrame({
            "tau": float(tau), "n": np.arange(n_max + 1), "gamma": column,
            "front_site": float(tau) * analytic.max_group_velocity(store.omega_fast)}))
    df = _with_provenance(pd.concat(frames, ignore_index=True), omega_fast=store.omega_fast,
                          d=store.d, delta=store.delta, kernel_store=Path(kernel).name)
    write_table(df, table)
    return df
