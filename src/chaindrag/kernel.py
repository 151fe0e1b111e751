"""Memory kernel Gamma_n(tau) of Eq. (15) and its precomputed zarr stores (Appendix).

Eq. (15) of the paper gives the n-th diagonal of the Toeplitz memory kernel,

    Gamma_n(tau) = (1/2 pi) int_{-pi}^{pi} dq cos(q n) sin(2 pi tau omega_q) / omega_q,
    omega_q = sqrt(1 + (omega_fast^2 - 1) sin^2(q/2)),

(the paper writes it with theta = q/2 over [0, pi/2]). It is the displacement of chain
mass n at time tau after a kick at mass 0: for the infinite chain
rho_g'' = -(2 pi)^2 [rho_g + K (2 rho_g - rho_{g-1} - rho_{g+1})], K = (omega_fast^2 - 1)/4,
started at rest with rho_0'(0) = 2 pi, one has rho_n(tau) = Gamma_n(tau). Hence
Gamma_n(0) = 0 and d Gamma_n/d tau (0) = 2 pi delta_{n0}.

Method (exact to rounding)
--------------------------
The integrand is a smooth 2 pi-periodic function of q, so Eq. (15) is a Fourier
coefficient and the M-point periodic ring sum

    Gamma^M_n(tau) = (1/M) sum_{k=0}^{M-1} cos(q_k n) sin(2 pi tau omega_{q_k}) / omega_{q_k},
    q_k = 2 pi k / M,

equals sum_j Gamma_{n + jM}(tau) exactly (Poisson summation): it is the response of a ring
of M masses, i.e. the true kernel plus images of the kick at distance M. The images are
negligible once M - n exceeds the front n_front = pi tau (omega_fast - 1) (largest group
velocity, Sec. III) plus a margin: beyond the front Gamma decays like an Airy tail of width
s = (n_front / 2)^(1/3) and then super-exponentially (the integrand is entire in q). We use
margin = 32 + 24 s, where |Gamma| is far below 1e-30. All n = 0..M/2 come from one
type-I discrete cosine transform of the M/2 + 1 distinct samples (scipy.fft), vectorised
over many tau at once. Rounding errors are ~1e-16 for tau ~ 1, ~1e-15 at tau = 1000 (the
phase 2 pi tau omega is reduced modulo one cycle before the sine).

Stores
------
:func:`precompute` writes Gamma_n(l delta), n = 0..n_max, l = 1..n_lags, delta =
1/(d omega_fast), as a zarr v3 group (array ``gamma``, chunked along time) and extends an
existing store without ever modifying it in place; :func:`open_store` opens one as a
:class:`KernelStore`.
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import os
import re
import shutil
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.fft
import zarr

from ._version import __version__
from .params import (ParameterError, StoreError, require_finite, require_int_range,
                     require_omega_fast, require_positive)
from .stores import open_complete_group

__all__ = ["gamma", "precompute", "open_store", "KernelStore", "front_site", "ring_size"]

log = logging.getLogger("chaindrag.kernel")

FORMAT = "chaindrag.kernel"
FORMAT_VERSION = 1
TIME_CHUNK = 2048          # lags per chunk: a solver reads a time window cheaply
ROW_CHUNK = 512            # sites per chunk (whole n range when n_max < 512)
_BLOCK_ELEMENTS = 1 << 21  # samples (16 MB of float64) per vectorised sine + DCT batch
_MARGIN_CONST, _MARGIN_AIRY = 32.0, 24.0
_LAG_EPS = 1e-9            # n_lags = floor(tau_max / delta + 1e-9)
_TWO_PI = 2.0 * math.pi
METHOD = ("periodic ring sum of Eq. (15) over M points, M >= max(2 n_max, n_max + front + "
          "margin), front = pi tau (omega_fast - 1), margin = 32 + 24 (front/2)^(1/3); "
          "type-I DCT over q (scipy.fft)")


# ------------------------------------------------------------------------ validation
def _check_sites(n) -> np.ndarray:
    arr = np.asarray(n)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise ParameterError(f"n must be integer site indices >= 0, got {n!r}")
    if arr.dtype.kind == "f":
        require_finite("n", arr)
        if not np.all(arr == np.round(arr)):
            raise ParameterError(f"n must be integer site indices >= 0, got non-integer "
                                 f"values such as {arr[arr != np.round(arr)].flat[0]!r}")
    if arr.size and np.min(arr) < 0:
        raise ParameterError(f"n must be integer site indices in [0, inf), got "
                             f"min {np.min(arr)!r}")
    return arr.astype(np.int64)


def _check_workers(workers) -> int:
    if workers is None:
        env = os.environ.get("NUMBA_NUM_THREADS", "")
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # not Linux
            cpus = os.cpu_count() or 1
        return max(1, min(int(env), cpus) if env.isdigit() and int(env) > 0 else cpus)
    return require_int_range("workers", workers, 1)


# --------------------------------------------------------------------------- kernel
def front_site(tau, omega_fast: float = 10.0):
    """Leading edge n = pi tau (omega_fast - 1) of Gamma_n(tau) (Sec. III, Fig. 2).

    The largest group velocity of the band is (omega_fast - 1)/2 per radian of q, i.e.
    pi (omega_fast - 1) sites per unit tau.
    """
    return math.pi * (omega_fast - 1.0) * np.asarray(tau, dtype=float)


def _margin(tau_max: float, omega_fast: float) -> float:
    """Sites beyond the front after which |Gamma_n(tau)| < 1e-30 for tau <= tau_max."""
    front = float(front_site(tau_max, omega_fast))
    return _MARGIN_CONST + _MARGIN_AIRY * (0.5 * front) ** (1.0 / 3.0)


def ring_size(n_max: int, tau_max: float, omega_fast: float = 10.0) -> int:
    """Ring length M (even) whose ring sum gives Gamma_n(tau) of Eq. (15) to rounding.

    Valid for every 0 <= n <= n_max and 0 <= tau <= tau_max: M/2 >= n_max (the DCT yields
    n = 0..M/2) and M - n_max >= front(tau_max) + margin (the nearest image of the kick,
    at distance M - n, has not arrived yet).
    """
    need = max(2 * n_max, n_max + math.ceil(float(front_site(tau_max, omega_fast))
                                            + _margin(tau_max, omega_fast)), 4)
    half = scipy.fft.next_fast_len(-(-need // 2), real=True)
    return 2 * half


def _ring_rows(taus: np.ndarray, n_rows: int, m: int, omega_fast: float,
               workers: int = 1) -> np.ndarray:
    """Ring sums Gamma^M_n(tau) for all ``taus`` and n = 0..n_rows-1: shape (len(taus), n_rows)."""
    half = m // 2
    q = (_TWO_PI / m) * np.arange(half + 1)
    w = np.sqrt(1.0 + (omega_fast**2 - 1.0) * np.sin(0.5 * q) ** 2)
    out = np.empty((len(taus), n_rows))
    step = max(1, _BLOCK_ELEMENTS // (half + 1))
    for i in range(0, len(taus), step):
        cycles = np.multiply.outer(taus[i:i + step], w)   # tau omega_q, in cycles
        cycles -= np.rint(cycles)                          # exact reduction mod 1
        f = np.sin(_TWO_PI * cycles, out=cycles)
        f /= w
        # DCT-I: y_n = f_0 + (-1)^n f_half + 2 sum_{0<k<half} f_k cos(pi k n / half)
        #            = sum_{k=0}^{M-1} f_k cos(2 pi k n / M)  (f even on the ring)
        y = scipy.fft.dct(f, type=1, axis=-1, workers=workers, overwrite_x=True)
        out[i:i + step] = y[:, :n_rows] * (1.0 / m)
    return out


def gamma(n, tau, omega_fast: float = 10.0) -> np.ndarray:
    """Memory kernel Gamma_n(tau) of Eq. (15).

    Parameters
    ----------
    n : int or array of int
        Site distance(s) n >= 0 (Gamma_{-n} = Gamma_n).
    tau : float or array
        Time(s) tau >= 0 since the impulse, in units of t_slow = 2 pi / Omega_slow.
    omega_fast : float
        Top of the phonon band in units of Omega_slow (> 1).

    Returns
    -------
    ndarray
        Gamma_n(tau) with the broadcast shape of ``n`` and ``tau`` (0-d for scalars).

    Raises
    ------
    ParameterError
        If ``n`` is not a non-negative integer, ``tau`` is negative or not finite, or
        ``omega_fast`` is not a finite number > 1.

    Notes
    -----
    Computed as an M-point periodic ring sum of Eq. (15) with a type-I DCT (see the module
    docstring and :func:`ring_size`); the error is rounding only, < 1e-14 for tau <= 1000
    and n <= 1000. Cost per distinct tau is O(M log M) with M ~ 2 max(n) + pi tau
    (omega_fast - 1).
    """
    omega_fast = require_omega_fast(omega_fast)
    n_arr = _check_sites(n)
    require_positive("tau", tau, allow_zero=True)
    tau_arr = np.asarray(tau, dtype=float)
    nb, tb = np.broadcast_arrays(n_arr, tau_arr)
    out = np.zeros(nb.shape)
    if out.size == 0:
        return out
    flat_n, flat_t, flat_out = nb.ravel(), tb.ravel(), out.reshape(-1)
    taus, inv = np.unique(flat_t, return_inverse=True)
    inv = inv.ravel()
    order = np.argsort(inv, kind="stable")
    inv_sorted = inv[order]
    n_top = int(flat_n.max())
    workers = _check_workers(None)
    i = 0
    while i < len(taus):
        half0 = ring_size(n_top, taus[i], omega_fast) // 2 + 1
        j = min(len(taus), i + max(1, _BLOCK_ELEMENTS // half0))
        while j - i > 1 and (j - i) * (ring_size(n_top, taus[j - 1], omega_fast) // 2 + 1) \
                > 2 * _BLOCK_ELEMENTS:
            j = i + (j - i) // 2
        m = ring_size(n_top, taus[j - 1], omega_fast)
        block = _ring_rows(taus[i:j], n_top + 1, m, omega_fast, workers)
        lo, hi = np.searchsorted(inv_sorted, [i, j])
        idx = order[lo:hi]
        flat_out[idx] = block[inv[idx] - i, flat_n[idx]]
        i = j
    return out


# --------------------------------------------------------------------------- stores
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
            lags = math.floor(float(tau_max) / self.delta + _LAG_EPS)
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
    """Remove ``<name>.tmp-<pid>``/``<name>.old-<pid>`` left by killed writers.

    If ``path`` is missing but a complete ``.old-<pid>`` exists (a writer was killed
    between its two renames) that old store is moved back onto ``path``. Siblings of
    writers still alive are left alone.
    """
    if not path.parent.is_dir():
        return
    pattern = re.compile(rf"^{re.escape(path.name)}\.(tmp|old)-(\d+)$")
    found = []
    for p in path.parent.iterdir():
        m = pattern.match(p.name)
        if m and not _pid_alive(int(m.group(2))):
            found.append((m.group(1) != "old", p.name, p))  # .old first: may be recovered
    for is_tmp, _, p in sorted(found):
        if not is_tmp and not path.exists() and _is_complete(p):
            os.replace(p, path)
            log.warning("recovered kernel store %s from %s (a writer was killed while "
                        "swapping)", path, p.name)
        else:
            log.info("removing %s left by a killed writer", p)
            shutil.rmtree(p, ignore_errors=True)


def _existing(path: Path, omega_fast: float, d: int) -> KernelStore | None:
    """The complete compatible store at ``path``, None if there is nothing usable there."""
    if not path.exists():
        return None
    if not path.is_dir():
        raise StoreError(f"{path} exists and is not a directory; refusing to overwrite it")
    if not (path / "zarr.json").exists():
        if any(path.iterdir()):
            raise StoreError(f"{path} exists and is not a zarr store; refusing to overwrite it")
        return None
    try:
        store = open_store(path)
    except StoreError as exc:
        try:
            fmt = dict(zarr.open_group(path, mode="r", zarr_format=3).attrs).get("format",
                                                                                 FORMAT)
        except Exception:
            fmt = FORMAT
        if fmt != FORMAT:
            raise StoreError(f"{path} holds another kind of store (format={fmt!r}); "
                             "refusing to overwrite it") from None
        log.warning("%s; recomputing it from scratch", exc)
        return None
    if store.omega_fast != omega_fast:
        raise StoreError(f"kernel store {path} was made for omega_fast={store.omega_fast}, "
                         f"not omega_fast={omega_fast}; use another path")
    if store.d != d:
        raise StoreError(f"kernel store {path} was made for d={store.d}, not d={d}; "
                         "use another path")
    return store


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
        For a bad argument (message names it and its allowed range).
    StoreError
        If ``path`` holds a complete store made for another ``omega_fast`` or ``d`` (both
        values named), or something that is not a kernel store.

    Notes
    -----
    Layout: array ``gamma`` of shape (n_max + 1, n_lags), n_lags = floor(tau_max/delta +
    1e-9), gamma[n, l-1] = Gamma_n(l delta), chunks (min(n_max + 1, 512), 2048). Group
    attributes: format, format_version, omega_fast, d, delta, n_max, tau_max, n_lags,
    method, ring_size, chaindrag_version, created, wall_time_s and, written last,
    ``complete: true``.

    If ``path`` already holds a complete store for the same omega_fast and d that covers
    the request it is returned untouched. If it is smaller, a store of the union
    (max n_max, max n_lags) is built in the sibling ``<path>.tmp-<pid>``: the old block is
    copied, only the new rows and columns are computed. It then replaces ``path`` by two
    renames (old to ``<path>.old-<pid>``, new to ``path``), so ``path`` is never modified
    in place and a kill at any moment leaves either the old or the new store (leftover
    siblings are removed, or an orphaned ``.old-<pid>`` restored, on the next call). An
    incomplete store at ``path`` is recomputed from scratch. Concurrent writers of the same
    path are not supported.
    """
    from .stores import atomic_write_dir, to_json_safe

    n_max = require_int_range("n_max", n_max, 0)
    require_positive("tau_max", tau_max)
    if np.ndim(tau_max) != 0:
        raise ParameterError(f"tau_max must be a scalar, got shape {np.shape(tau_max)}")
    tau_max = float(tau_max)
    omega_fast = require_omega_fast(omega_fast)
    d = require_int_range("d", d, 4)
    workers = _check_workers(workers)
    delta = 1.0 / (d * omega_fast)
    n_lags = math.floor(tau_max / delta + _LAG_EPS)
    if n_lags < 1:
        raise ParameterError(f"tau_max must be >= delta = 1/(d omega_fast) = {delta:.6g}, "
                             f"got {tau_max}")

    path = Path(path)
    _clean_siblings(path)
    old = _existing(path, omega_fast, d)
    n_old, l_old = (old.n_max + 1, old.n_lags) if old is not None else (0, 0)
    if old is not None and n_max + 1 <= n_old and n_lags <= l_old:
        log.info("kernel store %s already covers n_max=%d, tau_max=%g", path, n_max, tau_max)
        return old
    rows, lags = max(n_max + 1, n_old), max(n_lags, l_old)
    new_tau_max = max(tau_max, old.tau_max) if old is not None else tau_max
    m_max = ring_size(rows - 1, lags * delta, omega_fast)
    log.info("kernel store %s: Gamma_n(l delta) for n <= %d, l <= %d (tau <= %g), "
             "omega_fast=%g, d=%d; %s; ring up to M=%d, %d worker(s)", path, rows - 1, lags,
             lags * delta, omega_fast, d,
             f"extending a ({n_old}, {l_old}) store" if old is not None else "from scratch",
             m_max, workers)

    attrs = dict(format=FORMAT, format_version=FORMAT_VERSION, omega_fast=omega_fast, d=d,
                 delta=delta, n_max=rows - 1, tau_max=new_tau_max, n_lags=lags,
                 method=METHOD, ring_size=m_max, chaindrag_version=__version__,
                 created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                 complete=False)
    if old is not None:
        attrs["extended_from"] = {"n_max": n_old - 1, "n_lags": l_old,
                                  "created": old.attrs.get("created")}

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

    start = time.perf_counter()
    chunks = [(a, min(a + TIME_CHUNK, lags)) for a in range(0, lags, TIME_CHUNK)]
    work = sum((b - a) * rows - max(0, min(b, l_old) - a) * n_old for a, b in chunks)
    done, last_log = 0, start
    with atomic_write_dir(path) as tmp:
        root = zarr.open_group(tmp, mode="w", zarr_format=3)
        root.attrs.update(to_json_safe(attrs))
        arr = root.create_array(
            "gamma", shape=(rows, lags), dtype="float64",
            chunks=(min(rows, ROW_CHUNK), TIME_CHUNK), fill_value=0.0,
            dimension_names=("n", "lag"),
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
        wall = time.perf_counter() - start
        root.attrs.update({"wall_time_s": round(wall, 3)})
        root.attrs["complete"] = True  # last: marks the store as whole
    log.info("kernel store %s: 100%% done in %.1f s", path, time.perf_counter() - start)
    return open_store(path)


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
