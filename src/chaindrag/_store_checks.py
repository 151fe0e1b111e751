"""Checks of what a trajectory store holds (:mod:`chaindrag.stores`): the SHA-256 each
array carries, params that read back as themselves, and the attributes and times of a store
being loaded. A damaged store is refused with a :class:`~chaindrag.params.StoreError` naming
its path and what is wrong, never read as zeros or raised from deep inside zarr."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .params import ParameterError, StoreError

if TYPE_CHECKING:
    import zarr


def _sha256(data: np.ndarray) -> str:
    """SHA-256 of an array's C-order bytes: a missing, truncated or edited chunk changes it
    (zarr reads a missing chunk as zeros, and does not write an all-zero one)."""
    return hashlib.sha256(np.ascontiguousarray(data).tobytes()).hexdigest()


def _check_storable(value: Any, where: str) -> None:
    """Refuse what would not read back as itself: a non-string key (stored as its str) and
    the strings "inf", "-inf", "nan" (read back as floats, see :func:`from_json_safe`)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ParameterError(f"{where}: key {key!r} is a {type(key).__name__}, not a "
                                     f"string; a store keeps only string keys")
            _check_storable(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_storable(item, f"{where}[{i}]")
    elif isinstance(value, str) and value in ("inf", "-inf", "nan"):
        raise ParameterError(f"{where} = {value!r}: a store would read this string back as "
                             f"the float {value}")


def _damaged(path: Path, what: str) -> StoreError:
    return StoreError(f"trajectory store {path} is damaged: {what}; delete it and rerun")


def _non_json(value: Any, where: str) -> str | None:
    """Where ``value`` holds a float JSON cannot (NaN, inf: save writes them as strings)."""
    if isinstance(value, dict):
        return next((w for k, v in value.items() if (w := _non_json(v, f"{where}.{k}"))), None)
    if isinstance(value, list):
        return next((w for i, v in enumerate(value) if (w := _non_json(v, f"{where}[{i}]"))),
                    None)
    return where if isinstance(value, float) and not math.isfinite(value) else None


def _positive_int(path: Path, attrs: dict, name: str) -> int:
    value = attrs.get(name, 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _damaged(path, f"attribute {name!r} = {value!r} is not a positive integer")
    return value


def _read_array(path: Path, group: zarr.Group, name: str, strict: bool) -> np.ndarray:
    """``group[name]`` read whole, its sha256 attribute checked (required if ``strict``)."""
    import zarr

    where = f"{group.path}/{name}".lstrip("/")
    try:
        arr = group[name]
    except KeyError:
        raise StoreError(f"trajectory store {path} lacks array {where!r}") from None
    except Exception as exc:  # a damaged zarr.json
        raise _damaged(path, f"array {where!r} cannot be opened ({type(exc).__name__}: {exc})"
                       ) from exc
    if not isinstance(arr, zarr.Array):
        raise StoreError(f"trajectory store {path} lacks array {where!r} (a group is there)")
    try:
        data = arr[...]
    except Exception as exc:  # a truncated or corrupt chunk, a wrong shape or dtype
        raise _damaged(path, f"array {where!r} cannot be read ({type(exc).__name__}: {exc})"
                       ) from exc
    digest = arr.attrs.get("sha256")
    if digest is None and strict:
        raise _damaged(path, f"array {where!r} lacks its attribute 'sha256'")
    if digest is not None and digest != _sha256(data):
        raise _damaged(path, f"array {where!r} does not hold what was written (its sha256 "
                             f"differs: a chunk is missing, truncated or edited)")
    return data


def _check_spacing(path: Path, tau: np.ndarray, params: dict, every: str, name: str) -> None:
    """``tau`` steps by ``params[every]`` time steps delta, as the run recorded it."""
    step, delta = params.get(every), params.get("delta")
    if tau.size < 2 or not isinstance(step, (int, float)) or not isinstance(delta, (int, float)):
        return
    expected = float(step) * float(delta)
    if not np.allclose(np.diff(tau), expected, rtol=1e-6, atol=0.0):
        raise _damaged(path, f"{name} does not step by {every}={step!r} x delta={delta!r} "
                             f"(= {expected!r}): steps from {float(np.diff(tau).min())!r} to "
                             f"{float(np.diff(tau).max())!r}")
