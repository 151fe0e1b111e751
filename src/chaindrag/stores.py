"""Zarr v3 stores for trajectories, and atomic writers shared by the package.

Every store is written into a temporary sibling ``<path>.tmp-<host>-<pid>`` and renamed onto
``path`` only once complete, with ``complete: true`` as the last attribute written, so
``path`` never holds a half-written store: a reader either sees the old store, the new
one, or (for a moment during the swap) nothing.

No store or table records a wall-clock quantity (time taken, creation time, host): the
same inputs give the same bytes, attributes included. Times go to the log.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._store_checks import (_check_spacing, _check_storable, _damaged, _non_json,
                            _positive_int, _read_array, _sha256)
from .params import ParameterError, StoreError, require_int_range
from .trajectory import Trajectory

if TYPE_CHECKING:  # annotations only: zarr is imported by the two functions that open stores
    import pandas as pd
    import zarr

FORMAT = "chaindrag.trajectory"
#: 2: every array's sha256 and the energy group's ``arrays`` are required (version 1, read
#: too, checks them where present: stores written before they existed have none)
FORMAT_VERSION = 2
TIME_CHUNK = 65536
_MAX_CHUNK_ELEMENTS = 1 << 20  # 8 MB of float64 per chunk
_RESERVED = ("complete", "format", "format_version", "param_keys", "decimate",
             "chain_decimate")
#: params entries saying how a run went on this machine, not what it computed: never stored
#: (stores of earlier versions may hold ``wall_time_s``; :func:`load_trajectory` moves it to
#: :attr:`Trajectory.wall_time_s <chaindrag.trajectory.Trajectory>`)
WALL_CLOCK_KEYS = ("wall_time_s", "created", "hostname")

# units and descriptions (paper's dimensionless units, Sec. III)
_ARRAY_META = {
    "tau": ("t_slow", "recording times tau = t/t_slow, t_slow = 2 pi/Omega_slow"),
    "sigma": ("l_slow", "particle positions sigma_p(tau); chain mass g rests at alpha g"),
    "velocity": ("l_slow / t_slow", "particle velocities d sigma_p/d tau"),
    "chain_sites": ("1", "site indices g of the recorded chain masses"),
    "chain_tau": ("t_slow", "recording times of the chain displacements"),
    "chain_displacement": ("l_slow", "chain displacements rho_g(tau) from rest alpha g"),
}
_ENERGY_META = {
    "particle_kinetic": "particle kinetic energy mu/2 (sigma'/2 pi)^2, summed over particles",
    "interaction": "interaction energy sum Phi(sigma - alpha g - rho_g)",
    "chain": "chain energy (kinetic + on-site + spring)",
    "bias_work": "work done by the bias on the particles",
    "total": "total energy (conserved up to integration error)",
}


def to_json_safe(value: Any) -> Any:
    """Return ``value`` as JSON-compatible Python objects.

    numpy scalars become Python numbers, arrays/tuples become lists, paths become
    strings, and non-finite floats become the strings ``"inf"``, ``"-inf"``, ``"nan"``
    (JSON has no infinity; :func:`from_json_safe` turns them back into floats).
    """
    if isinstance(value, Mapping):
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [to_json_safe(v) for v in (value.tolist() if isinstance(value, np.ndarray)
                                          else value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ParameterError(
        f"cannot store attribute value {value!r} of type {type(value).__name__} as JSON")


def from_json_safe(value: Any) -> Any:
    """Inverse of :func:`to_json_safe` for non-finite floats ("inf", "-inf", "nan")."""
    if isinstance(value, dict):
        return {k: from_json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json_safe(v) for v in value]
    if isinstance(value, str) and value in ("inf", "-inf", "nan"):
        return float(value)
    return value


def write_json_attrs(group: zarr.Group | zarr.Array, attrs: Mapping[str, Any]) -> None:
    """Update the attributes of a zarr group/array with ``attrs`` made JSON-safe."""
    group.attrs.update(to_json_safe(dict(attrs)))


def host_tag() -> str:
    """This machine's name as it appears in temporary names (letters, digits, '_' and '.')."""
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname()) or "localhost"


def writer_tag() -> str:
    """``<host>-<pid>``: names a writer's temporaries uniquely on a file system that several
    machines share (a cluster's home or project directory), where a pid alone is not."""
    return f"{host_tag()}-{os.getpid()}"


def _tmp_sibling(path: Path, tag: str) -> Path:
    return path.with_name(f"{path.name}.{tag}-{writer_tag()}")


@contextlib.contextmanager
def atomic_write_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary sibling directory path; move it onto ``path`` on success.

    On an exception the temporary directory is removed and ``path`` is untouched.
    An existing ``path`` is replaced only after the new directory is complete: it is
    first renamed aside, the new one renamed in, then the old one deleted (restored
    if the swap fails).
    """
    path = Path(path)
    if path.exists() and not path.is_dir():  # replacing it would lose what it holds
        raise StoreError(f"{path} exists and is not a directory: not replacing it by a store")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_sibling(path, "tmp")
    shutil.rmtree(tmp, ignore_errors=True)  # left over by a killed writer with our host and pid
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not tmp.exists():
        raise StoreError(f"atomic_write_dir: nothing was written to {tmp} for {path}")
    old = _tmp_sibling(path, "old") if path.exists() else None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        os.replace(path, old)
    try:
        os.replace(tmp, path)
    except BaseException:
        if old is not None:
            os.replace(old, path)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``df`` as CSV atomically (tmp file + os.replace), bit-identical on reruns.

    Floats are written with ``%.17g`` (round-trips every double exactly), without
    the index, with ``\\n`` line endings.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_sibling(path, "tmp")
    try:
        df.to_csv(tmp, index=False, float_format="%.17g", lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _time_chunks(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Chunk along the last (time) axis, whole along the others, <= ~8 MB per chunk."""
    lead = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    t = max(1, min(TIME_CHUNK, _MAX_CHUNK_ELEMENTS // max(lead, 1), shape[-1]))
    return tuple(max(1, s) for s in shape[:-1]) + (t,)


def _write_array(group: zarr.Group, name: str, data: np.ndarray, units: str,
                 description: str, dims: tuple[str, ...]) -> None:
    data = np.ascontiguousarray(data)
    group.create_array(name, data=data, chunks=_time_chunks(data.shape),
                       attributes={"units": units, "description": description,
                                   "sha256": _sha256(data)},
                       dimension_names=dims)


def save_trajectory(traj: Trajectory, path: str | os.PathLike, *, decimate: int = 1,
                    chain_decimate: int | None = None) -> Path:
    """Save a :class:`~chaindrag.trajectory.Trajectory` as a zarr v3 group at ``path``.

    Parameters
    ----------
    traj : Trajectory
    path : path-like
        Directory of the store (conventionally ending ``.zarr``); replaced atomically.
    decimate : int
        Keep every ``decimate``-th particle/energy record (records 0, decimate, ...).
        Midpoint measurements (:mod:`chaindrag.trajectory`) need ``decimate=1``.
    chain_decimate : int, optional
        Same for the chain displacement records; defaults to ``decimate``.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Layout: arrays ``tau``, ``sigma``, ``velocity``, ``chain_sites``, ``chain_tau``,
    ``chain_displacement`` and ``energy/<name>``, chunked along time, each with
    attributes ``units``, ``description`` and ``sha256`` (of its C-order bytes, checked on
    loading); the ``energy`` group's ``arrays`` lists the energies written.  Group
    attributes: every entry of
    ``traj.params`` (non-finite floats as "inf"/"-inf"/"nan", tuples and arrays as
    lists), ``param_keys`` (their names), ``solver`` and ``chaindrag_version`` (from
    params, else "unknown"/package version), ``decimate``, ``chain_decimate``,
    ``format``, ``format_version`` and, written last, ``complete: true``.

    Nothing in the store depends on when or where it was written: the same trajectory
    gives the same bytes, every file included. ``traj.wall_time_s`` is not stored, and
    params entries named in :data:`WALL_CLOCK_KEYS` (``wall_time_s``, ``created``,
    ``hostname``: a Trajectory built by hand or by an older version) are left out.

    Raises
    ------
    ParameterError
        A bad ``decimate``, a reserved params key, or a params value that would not read
        back as itself: no JSON form, a non-string key, or the strings "inf", "-inf", "nan".
    StoreError
        ``path`` is a file (it is kept).
    """
    from ._version import __version__

    if not isinstance(traj, Trajectory):
        raise ParameterError(f"traj must be a Trajectory, got {type(traj).__name__}")
    decimate = require_int_range("decimate", decimate, 1)
    chain_decimate = decimate if chain_decimate is None else require_int_range(
        "chain_decimate", chain_decimate, 1)
    clash = sorted(set(traj.params) & set(_RESERVED))
    if clash:
        raise ParameterError(f"params keys {clash} are reserved store attributes")
    params = {k: v for k, v in traj.params.items() if k not in WALL_CLOCK_KEYS}
    _check_storable(params, "params")
    attrs = to_json_safe(params)
    attrs.setdefault("solver", "unknown")
    attrs.setdefault("chaindrag_version", __version__)
    attrs.update(format=FORMAT, format_version=FORMAT_VERSION,
                 param_keys=[str(k) for k in params],
                 decimate=decimate, chain_decimate=chain_decimate, complete=False)
    sl, csl = slice(None, None, decimate), slice(None, None, chain_decimate)
    import zarr

    with atomic_write_dir(path) as tmp:
        root = zarr.open_group(tmp, mode="w", zarr_format=3)
        root.attrs.update(attrs)
        for name, data, dims in (
                ("tau", traj.tau[sl], ("tau",)),
                ("sigma", traj.sigma[:, sl], ("particle", "tau")),
                ("velocity", traj.velocity[:, sl], ("particle", "tau")),
                ("chain_sites", traj.chain_sites, ("site",)),
                ("chain_tau", traj.chain_tau[csl], ("chain_tau",)),
                ("chain_displacement", traj.chain_displacement[:, csl],
                 ("site", "chain_tau"))):
            _write_array(root, name, data, *_ARRAY_META[name], dims)
        energy = root.create_group("energy")
        energy.attrs.update({"units": "hbar Omega_slow", "arrays": sorted(traj.energy)})
        for name, data in traj.energy.items():
            _write_array(energy, name, data[sl], "hbar Omega_slow", _ENERGY_META[name], ("tau",))
        root.attrs["complete"] = True  # last: marks the store as whole
    return Path(path)


def open_complete_group(path: Path, what: str, fmt: str, *, rerun: str,
                        format_required: bool = True) -> tuple[zarr.Group, dict]:
    """Open a chaindrag zarr v3 store for reading; refuse it unless its writer finished.

    Parameters
    ----------
    path : Path
        The store.
    what : str
        Its kind in messages ("kernel store", "trajectory store").
    fmt : str
        The ``format`` attribute it must carry (may be absent if not ``format_required``).
    rerun : str
        What the user should do about an incomplete store.

    Returns
    -------
    (zarr.Group, dict)
        The group and a copy of its attributes.

    Raises
    ------
    StoreError
        Missing, not a zarr v3 group, another format, or incomplete (``complete`` not true);
        the message names the path.
    """
    if not path.exists():
        raise StoreError(f"{what} {path} does not exist")
    import zarr

    try:
        root = zarr.open_group(path, mode="r", zarr_format=3)
    except Exception as exc:  # zarr raises several types for a non-store directory
        raise StoreError(f"{path} is not a zarr v3 group: {exc}") from exc
    attrs = dict(root.attrs)
    if attrs.get("format", None if format_required else fmt) != fmt:
        raise StoreError(f"{path} is not a chaindrag {what} (format={attrs.get('format')!r})")
    if attrs.get("complete") is not True:
        raise StoreError(f"{what} {path} is incomplete (its writer was interrupted); {rerun}")
    return root, attrs


def load_trajectory(path: str | os.PathLike) -> Trajectory:
    """Load a store written by :func:`save_trajectory`.

    A store of an earlier version may carry the run's ``wall_time_s`` among its params: it
    is moved to the trajectory's ``wall_time_s`` attribute (None for a store without), so
    old and new stores of the same run load with the same params.

    A decimated store loads with ``record_every`` (``chain_record_every``) multiplied by
    ``decimate`` (``chain_decimate``): the params describe the record that was kept.

    Raises
    ------
    StoreError
        If ``path`` is missing, not a chaindrag trajectory store, of a ``format_version``
        other than 1 or 2, incomplete (``complete`` not true: its writer was interrupted), or
        damaged: an attribute missing or not JSON, an array missing or unreadable, its data
        not what was written (each array's ``sha256`` attribute, which version 2 requires),
        shapes that do not fit, or times that do not step by ``record_every`` x ``delta``.
        The message names the path and what is wrong.
    """
    import zarr

    path = Path(path)
    root, attrs = open_complete_group(path, "trajectory store", FORMAT,
                                      rerun="delete it and rerun")
    version = attrs.get("format_version")
    if version is None:
        raise _damaged(path, "it lacks the attribute 'format_version'")
    if version not in (1, FORMAT_VERSION) or isinstance(version, bool):
        raise StoreError(f"trajectory store {path} has format_version={version!r}; this "
                         f"chaindrag reads format_version 1 and {FORMAT_VERSION}: rerun to "
                         f"rewrite it")
    strict = version == FORMAT_VERSION
    bad = _non_json(attrs, "attributes")
    if bad is not None:
        raise _damaged(path, f"{bad} is not a JSON value (NaN or infinity)")
    keys = attrs.get("param_keys")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise _damaged(path, f"attribute 'param_keys' = {keys!r} is not a list of names")
    for name in (*keys, "solver", "chaindrag_version"):
        if name not in attrs:
            raise _damaged(path, f"it lacks the attribute {name!r}")
    decimate = _positive_int(path, attrs, "decimate")
    chain_decimate = _positive_int(path, attrs, "chain_decimate")
    arrays = {name: _read_array(path, root, name, strict) for name in _ARRAY_META}
    try:
        group = root["energy"]
    except KeyError:
        raise StoreError(f"trajectory store {path} lacks array 'energy'") from None
    except Exception as exc:
        raise _damaged(path, f"group 'energy' cannot be opened ({exc})") from exc
    if not isinstance(group, zarr.Group):
        raise _damaged(path, "'energy' is not a group")
    try:
        names = sorted(group.array_keys())
    except Exception as exc:
        raise _damaged(path, f"group 'energy' cannot be listed ({exc})") from exc
    written = group.attrs.get("arrays", None if strict else names)
    if not isinstance(written, list):
        raise _damaged(path, f"group 'energy' attribute 'arrays' = {written!r} is not a list")
    if sorted(written) != names:
        raise _damaged(path, f"energy holds {names}, but {sorted(written)} were written")
    energy = {name: _read_array(path, group, name, strict) for name in names}
    params = {k: from_json_safe(attrs[k]) for k in keys}
    wall = params.pop("wall_time_s", attrs.get("wall_time_s"))  # stores of earlier versions
    for every, factor in (("record_every", decimate), ("chain_record_every", chain_decimate)):
        if isinstance(params.get(every), int) and factor > 1:  # the record kept
            params[every] *= factor
    try:
        traj = Trajectory(energy=energy, params=params, **arrays,
                          wall_time_s=float(wall) if isinstance(wall, (int, float)) else None)
    except ParameterError as exc:
        raise _damaged(path, str(exc)) from None
    _check_spacing(path, traj.tau, params, "record_every", "tau")
    _check_spacing(path, traj.chain_tau, params, "chain_record_every", "chain_tau")
    return traj
