"""Helpers shared by the reductions (and the jobs): provenance columns, stable row order."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .._version import __version__

PathLike = str | os.PathLike


def _delta(omega_fast: float, d: int) -> float:
    """Time step delta = 1/(d omega_fast) in units of t_slow."""
    return 1.0 / (d * omega_fast)


def _with_provenance(df: pd.DataFrame, **columns: Any) -> pd.DataFrame:
    """Add the given constant columns and ``chaindrag_version`` (in place) and return ``df``."""
    for name, value in columns.items():
        df[name] = value
    df["chaindrag_version"] = __version__
    return df


def _version_last(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with ``chaindrag_version`` moved to the last column: columns a table adds to
    its batches' (or a part of a concatenation has alone) come before it. A table without
    it (batches written by hand) is returned as it is."""
    if "chaindrag_version" not in df.columns:
        return df
    return df[[c for c in df.columns if c != "chaindrag_version"] + ["chaindrag_version"]]


def _read_all(paths: Sequence[PathLike]) -> pd.DataFrame:
    frames = [pd.read_csv(p) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _sorted(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Rows in a stable order (so tables are identical whatever the batch/job order)."""
    keys = [k for k in keys if k in df.columns]
    return df.sort_values(keys, kind="mergesort").reset_index(drop=True) if keys else df


_TRUE = ("true", "1", "1.0")  # a boolean read back from CSV; anything else (NaN too) is False


def _as_bool(x) -> bool:
    """A boolean read back from CSV (True/False, 1/0 or 'True'/'false')."""
    return str(x).strip().lower() in _TRUE


def _flags(column: pd.Series) -> pd.Series:
    """:func:`_as_bool` of every entry of a column."""
    return column.astype(str).str.strip().str.lower().isin(_TRUE)
