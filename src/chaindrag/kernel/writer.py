"""Writing and extending stores of the memory kernel Gamma_n(l delta), Eq. (15) (Appendix).

:func:`precompute` writes Gamma_n(l delta), n = 0..n_max, l = 1..n_lags, delta =
1/(d omega_fast), as a zarr v3 group (array ``gamma``, chunked along time) and extends an
existing store without ever modifying it in place: the new store is built beside it and
swapped in by two renames; leftovers of writers killed at any moment are cleaned up (or an
orphaned old store restored) on the next call.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import zarr

from .._version import __version__
from ..params import (ParameterError, StoreError, require_int_range, require_memory,
                      require_omega_fast, require_positive)
from ..stores import atomic_write_dir, host_tag, to_json_safe
from .ring_sum import _BLOCK_ELEMENTS, _check_workers, _ring_rows, ring_size
from .store import (FORMAT, FORMAT_VERSION, KernelStore, lag_count, open_store,
                    same_omega_fast)

__all__ = ["precompute"]

# the logger of the whole kernel package: workflow logs and tests filter on this name
log = logging.getLogger("chaindrag.kernel")

TIME_CHUNK = 2048          # lags per chunk: a solver reads a time window cheaply
ROW_CHUNK = 512            # sites per chunk (whole n range when n_max < 512)
METHOD = ("periodic ring sum of Eq. (15) over M points, M >= max(2 n_max, n_max + front + "
          "margin), front = pi tau (omega_fast - 1), margin = 32 + 24 (front/2)^(1/3); "
          "type-I DCT over q (scipy.fft)")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftovers (an earlier call in this process) are dead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_complete(path: Path) -> bool:
    try:
        open_store(path)
    except StoreError:
        return False
    return True


def _clean_siblings(path: Path) -> None:
    """Remove ``<name>.tmp-<host>-<pid>``/``<name>.old-<host>-<pid>`` left by killed writers.

    Only this machine's siblings are judged (a pid names a process on one host; a shared
    file system can hold another machine's writer, alive): those of dead processes are
    removed, or, if ``path`` is missing but a complete ``.old-`` sibling exists (a writer
    was killed between its two renames), that old store is moved back onto ``path``.
    Siblings of live writers and of other machines are left alone. A name without a host
    (an earlier version's) counts as this machine's.
    """
    if not path.parent.is_dir():
        return
    pattern = re.compile(rf"^{re.escape(path.name)}\.(tmp|old)-(?:([A-Za-z0-9_.]+)-)?(\d+)$")
    here = host_tag()
    found = []
    for p in path.parent.iterdir():
        m = pattern.match(p.name)
        if not m:
            continue
        if m.group(2) not in (None, here):
            log.info("leaving %s alone: written on host %s", p, m.group(2))
        elif not _pid_alive(int(m.group(3))):
            found.append((m.group(1) != "old", p.name, p))  # .old first: may be recovered
    for is_tmp, _, p in sorted(found):
        if not is_tmp and not path.exists() and _is_complete(p):
            os.replace(p, path)
            log.warning("recovered kernel store %s from %s (a writer was killed while "
                        "swapping)", path, p.name)
        else:
            log.info("removing %s left by a killed writer", p)
            shutil.rmtree(p, ignore_errors=True)


def _kind_of(path: Path) -> str | None:
    """None if ``path`` holds a store this package started (format attribute == FORMAT,
    written first, before any array), else what it holds, for the refusal message."""
    try:
        attrs = dict(zarr.open_group(path, mode="r", zarr_format=3).attrs)
    except Exception:  # zarr raises several types for what is not a v3 group
        return "it is not a zarr v3 group"
    if attrs.get("format") == FORMAT:
        return None
    if "format" not in attrs:
        return "a zarr group without a format attribute"
    return f"a store of format={attrs['format']!r}"


def _existing(path: Path, omega_fast: float, d: int) -> KernelStore | None:
    """The complete compatible store at ``path``; None if ``path`` is missing, an empty
    directory, or a store of ours that is incomplete or damaged (to be recomputed).

    Anything else is refused (StoreError) so that no data of another kind is overwritten.
    """
    if not path.exists():
        return None
    if not path.is_dir():
        raise StoreError(f"{path} exists and is not a directory; it is not a chaindrag "
                         "kernel store and will not be overwritten")
    if not any(path.iterdir()):
        return None  # an empty directory: nothing to lose
    kind = _kind_of(path)
    if kind is not None:
        raise StoreError(f"{path} is not a chaindrag kernel store ({kind}) and will not be "
                         "overwritten; choose another path or remove it yourself")
    try:
        store = open_store(path)
    except StoreError as exc:
        log.warning("%s; recomputing it from scratch", exc)
        return None
    if not same_omega_fast(store.omega_fast, omega_fast):
        raise StoreError(f"kernel store {path} was made for omega_fast={store.omega_fast!r}, "
                         f"not omega_fast={omega_fast!r}; use another path")
    if store.d != d:
        raise StoreError(f"kernel store {path} was made for d={store.d}, not d={d}; "
                         "use another path")
    return store


def _check_path(path) -> Path:
    """``path`` as a Path; ParameterError naming ``path`` unless it is a non-empty path."""
    if not isinstance(path, (str, os.PathLike)) or str(path).strip() == "":
        raise ParameterError(f"path must be a non-empty str or path-like naming the store "
                             f"directory, got {path!r}")
    try:
        return Path(path)
    except TypeError:  # a PathLike giving bytes
        raise ParameterError(f"path must be a str or path-like naming the store directory, "
                             f"got {path!r}") from None


def _check_resources(path: Path, rows: int, lags: int, delta: float, m_max: int,
                     workers: int) -> None:
    """Refuse (ParameterError) a store that memory or the disk at ``path`` cannot hold,
    before anything is allocated or written; the message gives the estimate.

    Memory: each of ``workers`` threads holds a time block (rows x min(lags, TIME_CHUNK))
    and its transpose plus the sine/DCT buffers of ring size ``m_max``; up to 2 x workers
    finished blocks wait to be written, and the writer assembles one more. Disk: 8 bytes
    per value (Gamma's mantissas are noise-like: zarr's default codec saves ~3 %); an
    extension is built beside the old store, so the whole new size must be free.
    """
    block = 8.0 * rows * min(lags, TIME_CHUNK)
    ring = 16.0 * max(_BLOCK_ELEMENTS, m_max // 2 + 1)
    need = (4 * workers + 3) * block + workers * ring
    require_memory(need, f"writing kernel store {path} (n_max={rows - 1}, tau_max="
                   f"{lags * delta:g}, ring size M={m_max}, {workers} worker(s)) would",
                   "reduce n_max (or tau_max), or workers")
    nbytes = 8.0 * rows * lags
    where = path.parent.resolve()
    while not where.exists():  # atomic_write_dir creates the missing parents
        where = where.parent
    free = shutil.disk_usage(where).free
    if nbytes > free:
        raise ParameterError(
            f"kernel store {path} for n_max={rows - 1} and tau_max={lags * delta:g} ({lags} "
            f"lags) would take about {nbytes / 2**30:.3g} GiB, more than "
            f"the {free / 2**30:.3g} GiB free at {where}: reduce n_max or tau_max, or choose a "
            "path on a larger disk")


def _columns(l0: int, l1: int, row0: int, n_rows: int, delta: float, omega_fast: float
             ) -> np.ndarray:
    """Gamma_n(l delta) for n = row0..n_rows-1, l = l0+1..l1: shape (n_rows - row0, l1 - l0)."""
    taus = np.arange(l0 + 1, l1 + 1) * delta
    m = ring_size(n_rows - 1, taus[-1], omega_fast)
    return np.ascontiguousarray(_ring_rows(taus, n_rows, m, omega_fast)[:, row0:].T)


def precompute(path, n_max: int, tau_max: float, omega_fast: float = 10.0, d: int = 60, *,
               workers: int | None = None) -> KernelStore:
    """Write (or extend) a zarr store of Gamma_n(l delta), Eq. (15), for the Appendix solver.

    Parameters
    ----------
    path : path-like
        Directory of the zarr v3 group (conventionally ending ``.zarr``).
    n_max : int
        Largest site distance, >= 0.
    tau_max : float
        Time span (finite, > 0, at least one step delta).
    omega_fast : float
        Band top in units of Omega_slow (> 1).
    d : int
        Steps per fast period (>= 4): delta = 1 / (d omega_fast) (Appendix: d = 60).
    workers : int, optional
        Threads computing time blocks; default NUMBA_NUM_THREADS if set, else all CPUs
        available to the process.

    Returns
    -------
    KernelStore
        The store at ``path``.

    Raises
    ------
    ParameterError
        For a bad argument (message names it and its allowed range; bools are no
        integers), or if the store would not fit: its estimated memory need exceeds the
        memory the process may use, or its size (8 bytes per value) the free disk space at ``path``.
        Both are checked before anything is allocated or written.
    StoreError
        If ``path`` holds a complete store made for another ``omega_fast`` (beyond a
        relative 1e-12, as :meth:`KernelStore.require` judges it) or ``d`` (both values
        named), or anything that is not a chaindrag kernel store (no or another
        ``format`` attribute, a file, a non-empty directory of other files): it is never
        overwritten.

    Notes
    -----
    Layout: array ``gamma`` of shape (n_max + 1, n_lags), n_lags = floor(tau_max/delta +
    1e-9), gamma[n, l-1] = Gamma_n(l delta), chunks (min(n_max + 1, 512), 2048). Group
    attributes: format, format_version, omega_fast, d, delta, n_max, tau_max, n_lags,
    method, ring_size, chaindrag_version, ``extended_from`` (n_max, n_lags of the store
    it extended, if any) and, written last, ``complete: true``. Nothing depends on when or
    where the store was written: the same calls give the same bytes, every file included
    (the time taken is logged at INFO on the ``chaindrag.kernel`` logger; stores of
    earlier versions may also carry ``created`` and ``wall_time_s``, which are read as any
    other attribute and not carried into an extension). fill_value is NaN and every chunk
    is written, so a chunk file lost later reads as NaN, never as Gamma = 0 (and
    :func:`open_store` refuses the store).

    If ``path`` already holds a complete store for the same omega_fast and d that covers the
    request it is returned untouched (an omega_fast within a relative 1e-12 of the store's
    is the same, and an extension keeps the store's value). If it is smaller, a store of the
    union (max n_max, max n_lags) is built in the sibling ``<path>.tmp-<host>-<pid>``: the
    old block is copied, only the new rows and columns are computed. It then replaces
    ``path`` by two renames (old to ``<path>.old-<host>-<pid>``, new to ``path``), so
    ``path`` is never modified in place and a kill at any moment leaves either the old or
    the new store (leftover siblings are removed, or an orphaned ``.old-`` sibling restored,
    on the next call). An incomplete or damaged store of this package (``format`` attribute
    "chaindrag.kernel", written before any array) at ``path`` is recomputed from scratch; an
    empty directory is used. Concurrent writers of the same path are not supported.
    """
    n_max = require_int_range("n_max", n_max, 0)
    require_positive("tau_max", tau_max)
    if np.ndim(tau_max) != 0:
        raise ParameterError(f"tau_max must be a scalar, got shape {np.shape(tau_max)}")
    tau_max = float(tau_max)
    omega_fast = require_omega_fast(omega_fast)
    d = require_int_range("d", d, 4)
    workers = _check_workers(workers)
    delta = 1.0 / (d * omega_fast)
    if lag_count(tau_max, delta) < 1:
        raise ParameterError(f"tau_max must be >= delta = 1/(d omega_fast) = {delta:.6g}, "
                             f"got {tau_max}")

    path = _check_path(path)
    _clean_siblings(path)
    old = _existing(path, omega_fast, d)
    if old is not None:  # the same chain (same_omega_fast): the store's value, so that
        omega_fast = old.omega_fast  # old and new blocks agree
        delta = old.delta
    n_lags = lag_count(tau_max, delta)
    n_old, l_old = (old.n_max + 1, old.n_lags) if old is not None else (0, 0)
    if old is not None and n_max + 1 <= n_old and n_lags <= l_old:
        log.info("kernel store %s already covers n_max=%d, tau_max=%g", path, n_max, tau_max)
        return old
    rows, lags = max(n_max + 1, n_old), max(n_lags, l_old)
    new_tau_max = max(tau_max, old.tau_max) if old is not None else tau_max
    m_max = ring_size(rows - 1, lags * delta, omega_fast)
    _check_resources(path, rows, lags, delta, m_max, workers)
    log.info("kernel store %s: Gamma_n(l delta) for n <= %d, l <= %d (tau <= %g), "
             "omega_fast=%g, d=%d; %s; ring up to M=%d, %d worker(s)", path, rows - 1, lags,
             lags * delta, omega_fast, d,
             f"extending a ({n_old}, {l_old}) store" if old is not None else "from scratch",
             m_max, workers)

    attrs = dict(format=FORMAT, format_version=FORMAT_VERSION, omega_fast=omega_fast, d=d,
                 delta=delta, n_max=rows - 1, tau_max=new_tau_max, n_lags=lags,
                 method=METHOD, ring_size=m_max, chaindrag_version=__version__,
                 complete=False)
    if old is not None:
        attrs["extended_from"] = {"n_max": n_old - 1, "n_lags": l_old}

    start = time.perf_counter()
    _write_store(path, attrs, old, rows, lags, delta, omega_fast, workers)
    log.info("kernel store %s: 100%% done in %.1f s", path, time.perf_counter() - start)
    return open_store(path)


def _write_store(path: Path, attrs: dict, old: KernelStore | None, rows: int, lags: int,
                 delta: float, omega_fast: float, workers: int) -> None:
    """Write the (rows, lags) store beside ``path`` and swap it in (atomic_write_dir).

    Old values are copied, only the new rows and columns are computed, in time chunks on
    ``workers`` threads; ``complete: true`` is written last.
    """
    n_old, l_old = (old.n_max + 1, old.n_lags) if old is not None else (0, 0)
    start = time.perf_counter()

    def task(a: int, b: int):
        """Computed parts of time chunk [a, b): new rows of old columns, all rows of new."""
        parts = []
        if a < l_old and rows > n_old:
            parts.append((slice(n_old, rows), slice(0, min(b, l_old) - a),
                          _columns(a, min(b, l_old), n_old, rows, delta, omega_fast)))
        if b > l_old:
            c = max(a, l_old)
            parts.append((slice(0, rows), slice(c - a, b - a),
                          _columns(c, b, 0, rows, delta, omega_fast)))
        return parts

    chunks = [(a, min(a + TIME_CHUNK, lags)) for a in range(0, lags, TIME_CHUNK)]
    work = sum((b - a) * rows - max(0, min(b, l_old) - a) * n_old for a, b in chunks)
    done, last_log = 0, start
    with atomic_write_dir(path) as tmp:
        root = zarr.open_group(tmp, mode="w", zarr_format=3)
        root.attrs.update(to_json_safe(attrs))
        arr = root.create_array(
            "gamma", shape=(rows, lags), dtype="float64",
            chunks=(min(rows, ROW_CHUNK), TIME_CHUNK), dimension_names=("n", "lag"),
            # NaN, every chunk written: a chunk file lost later can never read as Gamma = 0
            fill_value=np.nan, config={"write_empty_chunks": True},
            attributes={"units": "t_slow (Gamma has units of time; Eq. 15)",
                        "description": "gamma[n, l-1] = Gamma_n(l delta), Eq. (15)"})
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: deque = deque()
            for a, b in chunks:  # keep at most 2 * workers blocks in flight
                pending.append((a, b, pool.submit(task, a, b)))
                while len(pending) >= 2 * workers or (pending and b == lags):
                    a0, b0, fut = pending.popleft()
                    done += _write_chunk(arr, old, a0, b0, rows, n_old, l_old, fut.result())
                    now = time.perf_counter()
                    if now - last_log > 5.0:
                        last_log = now
                        log.info("kernel store %s: %.0f%% done, %.1f s elapsed", path,
                                 100.0 * done / max(work, 1), now - start)
        root.attrs["complete"] = True  # last: marks the store as whole


def _write_chunk(arr, old: KernelStore | None, a: int, b: int, rows: int, n_old: int,
                 l_old: int, parts) -> int:
    """Assemble time chunk [a, b) from the old store and computed ``parts``; write it."""
    block = np.empty((rows, b - a))
    if a < l_old:
        block[:n_old, :min(b, l_old) - a] = old.gamma[:, a:min(b, l_old)]
    computed = 0
    for rs, cs, values in parts:
        block[rs, cs] = values
        computed += values.size
    arr[:, a:b] = block
    return computed
