"""The transparent-end data for one (omega_fast, d, k0, tol), computed once, kept with provenance.

:func:`transparent_ends` builds (or reads back from ``cache_dir``) a
:class:`TransparentEnds`: the exact kernels of the last k0 lags
(:func:`~chaindrag.boundary.kernel.dtbc_kernel`), the exponentials of the older history
(:func:`~chaindrag.boundary.compress.history_exponentials`) and their measured error. A
cache file is one ``.npz`` (arrays plus a JSON ``attrs`` record), written to a temporary
sibling and renamed into place; it is reused only if its attributes match the request,
the format version (which names the exponentials' node rule,
:mod:`~chaindrag.boundary.compress`), the propagator stencil and the package version.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import json
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._version import __version__
from ..params import ChainParams, ParameterError, require_int_range, require_range
from ..stores import writer_tag
from ._reduce import reduced_rule
from .compress import X_TOP, compression_error, history_exponentials
from .kernel import band_edges, dtbc_kernel, dtbc_kernel_at, stencil_width

__all__ = ["TransparentEnds", "TransparentEndsWarning", "transparent_ends"]

FORMAT = "chaindrag.dtbc"
# 1: step 0.30 in ln x; 3: 0.33, 0.26 above X_TOP, nodes % 8 = 0 (2: a trial); 4: the leg
# map in closed form (3's RK4 map was 8e-13 off its weights), top step from tol / M; 5: peak
# over lags to 6/phi_b, bulk step refined where the kernel is large in the history (large d);
# 6: x_min also from the band's arc, error measured to lag 30/arc (narrow bands, large tol);
# a finite horizon (``horizon`` in the attributes and the file name) adds a rule, not a format;
# 7: a horizon's rule is reduced by balanced truncation (``hankel_states`` in the attributes)
FORMAT_VERSION = 7


@dataclass(frozen=True)
class TransparentEnds:
    """Exact discrete transparent boundary data of the chain propagator for one (omega_fast, d).

    Ghost j (site R + j, or L - j at the left end) at step b is
    sum_i [sum_{k=1}^{k0-1} direct[j-1, i, k] rho_{R-i}(b-k)
    + Re sum_p alpha[j-1, p] beta[i, p] sum_{k>=k0} z_p^(k-k0) rho_{R-i}(b-k)].

    Attributes
    ----------
    omega_fast, d : float, int
        Chain parameters; delta = 1/(d omega_fast).
    c : ndarray
        Half-stencil of C = cos(theta_q) (``propagator_stencils``), width w = c.size - 1.
    k0, tol : int, float
        Lags summed directly, and the compression target.
    direct : ndarray, shape (w, w, k0)
        Exact kernels K_{j,i}(k), k = 0..k0-1 (k = 0 is zero).
    z, alpha, beta : ndarray of complex
        History exponentials, shapes (P,), (w, P), (w, P).
    kernel_error : ndarray, shape (w, w)
        Measured max_k |K_exp(k) - K(k)|, k >= k0.
    coupling_error : float
        max_j (c_j/c_1) max_i kernel_error[j-1, i] / max_k |K_{1,0}(k)|: the error of what
        the ends feed into the sweep, relative to its largest kernel.
    attrs : dict
        Provenance (parameters, method, package version, creation time).
    horizon : int or None
        Largest lag the exponentials represent, i.e. the longest run they serve in steps
        (None: any run).
    """

    omega_fast: float
    d: int
    c: np.ndarray = field(repr=False)
    k0: int
    tol: float
    direct: np.ndarray = field(repr=False)
    z: np.ndarray = field(repr=False)
    alpha: np.ndarray = field(repr=False)
    beta: np.ndarray = field(repr=False)
    kernel_error: np.ndarray = field(repr=False)
    coupling_error: float
    attrs: dict = field(repr=False, compare=False)
    horizon: int | None = None

    @property
    def width(self) -> int:
        """Stencil half-width w: ghost sites per end."""
        return self.direct.shape[0]

    @property
    def n_exponentials(self) -> int:
        """Number P of history exponentials per end."""
        return self.z.size

    def numba_arrays(self) -> tuple:
        """Contiguous (c padded to >= 4, direct, Re/Im alpha, Re/Im beta, Re/Im z) for numba."""
        cc = np.zeros(max(4, self.c.size))
        cc[: self.c.size] = self.c
        parts = (self.direct, self.alpha.real, self.alpha.imag, self.beta.real,
                 self.beta.imag, self.z.real, self.z.imag)
        return (cc,) + tuple(np.ascontiguousarray(a, dtype=float) for a in parts)


def _stencil(omega_fast: float, d: int) -> np.ndarray:
    from ..solvers._common import propagator_stencils  # the solvers will import boundary

    c = propagator_stencils(omega_fast, ChainParams(omega_fast, d).delta)[0]
    return c[: stencil_width(c) + 1]


def _cache_path(cache_dir: Path, omega_fast: float, d: int, k0: int, tol: float,
                horizon: int | None = None, reduce: bool = True) -> Path:
    upto = "" if horizon is None else f"_h{horizon}" + ("" if reduce else "_rule")
    return cache_dir / (f"dtbc_v{FORMAT_VERSION}_wf{omega_fast:.17g}_d{d}_k0{k0}_tol{tol:.3e}"
                        f"{upto}.npz")


def _measured_error(c: np.ndarray, hist, full_rule) -> np.ndarray:
    """max_k |K_exp(k) - K(k)| for each kernel over the lags ``hist`` serves (``full_rule()``:
    the exponentials for every lag, asked for only beyond lag 1e5 of a horizon)."""
    phi_a, phi_b = band_edges(c)
    k_dense = max(2048, math.ceil(12.0 / phi_b))
    err = compression_error(c, hist, k_dense=min(k_dense, hist.horizon or k_dense),
                            k_far=min(10**5, hist.horizon or 10**5))
    if hist.horizon is not None and hist.horizon > 10**5:
        # beyond, against the rule for every lag (the band integral's cost grows with the lag:
        # 12 s to 2^23 at d = 60); that rule is the band integral to 4.4e-14 at (10, 60)
        far = np.unique(np.geomspace(10**5, hist.horizon, 24).astype(np.int64))
        err = np.maximum(err, np.abs(hist.kernel(far) - full_rule().kernel(far)).max(axis=-1))
    k_arc = math.ceil(30.0 / (phi_b - phi_a))  # a narrow band's kernel lives to ~10/arc
    if hist.horizon is None and k_arc > 10**5:  # beyond the far lags; cheap (~ lag x arc)
        far = np.unique(np.geomspace(10**5, k_arc, 24).astype(np.int64))
        err = np.maximum(err, np.abs(hist.kernel(far) - dtbc_kernel_at(c, far)).max(axis=-1))
    return err


def _compute(omega_fast: float, d: int, k0: int, tol: float, c: np.ndarray,
             horizon: int | None = None, reduce: bool = True) -> dict:
    direct = dtbc_kernel(c, k0 - 1)
    weight = np.abs(c[1:]) / abs(c[1])
    full_rule = functools.cache(lambda: history_exponentials(c, k0, tol))  # built at most once
    hist = history_exponentials(c, k0, tol, horizon=horizon)
    err = _measured_error(c, hist, full_rule)
    coupling = float(np.max(weight * err.max(axis=1)) / hist.peak)
    if hist.horizon is not None and coupling > tol:
        # a horizon saves exponentials, never accuracy: at (10, 6000), where the legs cancel
        # M = 3.5e5-fold, its rule missed tol (2.8e-12, 168 exponentials; 176 reach 6.6e-13)
        hist = full_rule()
        err = _measured_error(c, hist, full_rule)
        coupling = float(np.max(weight * err.max(axis=1)) / hist.peak)
    n_rule, states = hist.z.size, None
    if hist.horizon is not None and reduce:
        hist, err, coupling, states = _reduced(c, hist, err, coupling, tol, weight, full_rule)
    attrs = dict(format=FORMAT, format_version=FORMAT_VERSION, omega_fast=omega_fast, d=d,
                 k0=k0, tol=tol, horizon_asked=horizon, horizon=hist.horizon, reduce=reduce,
                 width=int(c.size - 1),
                 n_exponentials=int(hist.z.size), n_exponentials_rule=int(n_rule),
                 hankel_states=None if states is None else states[0],
                 reduction_l1=None if states is None else states[1],
                 step=hist.step, step_top=hist.step_top, x_top=X_TOP, x_min=hist.x_min,
                 x_smallest=float(np.min(-np.log(np.abs(hist.z)))),
                 cancellation=hist.cancellation, coupling_error=coupling,
                 kernel_error_max=float(err.max()), chaindrag_version=__version__,
                 method="band integral (direct lags) + trapezoid in ln x on the edge legs, "
                        "finer near their top (from tol / the legs' cancellation)"
                        + ("" if hist.horizon is None else "; below x ~ 2/horizon Gauss nodes "
                           "in sqrt(x) and the trapezoid's Euler-Maclaurin end terms")
                 + ("" if states is None else f"; balanced truncation over the horizon to "
                    f"{states[0]} states"),
                 created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
    return dict(c=c, direct=direct, z=hist.z, alpha=hist.alpha, beta=hist.beta,
                kernel_error=err, attrs=attrs)


def _reduced(c: np.ndarray, hist, err, coupling: float, tol: float, weight, full_rule):
    """A horizon's rule with fewer exponentials (:mod:`chaindrag.boundary._reduce`) if some
    are within twice the rule's own error (at least tol/10) of it at every lag checked and
    within tol of the band integral as measured: (hist, err, coupling, (balanced states,
    summed deviation)), else the rule unchanged (None)."""
    red = reduced_rule(hist.z, hist.alpha, hist.beta, hist.horizon - hist.k0 + 1, hist.peak,
                       max(2.0 * coupling, 0.1 * tol))
    if red is None:
        return hist, err, coupling, None
    small = dataclasses.replace(hist, z=red[0], alpha=red[1], beta=red[2])
    err_small = _measured_error(c, small, full_rule)
    coupling_small = float(np.max(weight * err_small.max(axis=1)) / hist.peak)
    if coupling_small > tol:
        return hist, err, coupling, None
    return small, err_small, coupling_small, (int(red[3]), red[4])


def _load(path: Path, omega_fast: float, d: int, k0: int, tol: float, c: np.ndarray,
          horizon: int | None, reduce: bool):
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {k: f[k] for k in f.files}
        attrs = json.loads(str(data.pop("attrs_json")))
    except (OSError, ValueError, KeyError):
        return None
    same = (attrs.get("format") == FORMAT and attrs.get("format_version") == FORMAT_VERSION
            and attrs.get("chaindrag_version") == __version__
            and attrs.get("omega_fast") == omega_fast and attrs.get("d") == d
            and attrs.get("k0") == k0 and attrs.get("tol") == tol
            and attrs.get("horizon_asked") == horizon and attrs.get("reduce") == reduce
            and np.array_equal(data.get("c"), c))
    return dict(data, attrs=attrs) if same else None


def _save(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.tmp-{writer_tag()}.npz")
    arrays = {k: v for k, v in data.items() if k != "attrs"}
    np.savez(tmp, attrs_json=np.array(json.dumps(data["attrs"])), **arrays)
    os.replace(tmp, path)


class TransparentEndsWarning(UserWarning):
    """The transparent ends' compression missed its tolerance (measured error > tol)."""


def transparent_ends(omega_fast: float = 10.0, d: int = 60, k0: int = 33, tol: float = 1e-12,
                     cache_dir: str | os.PathLike | None = None,
                     horizon: int | None = None, reduce: bool = True) -> TransparentEnds:
    """Exact transparent-end data for the chain propagator at (omega_fast, d).

    Parameters
    ----------
    omega_fast : float
        Top of the phonon band in units of Omega_slow (> 1).
    d : int
        Steps per fast period (>= 4); delta = 1/(d omega_fast).
    k0 : int
        Lags summed directly (16 <= k0 <= 4096); older history as exponentials. The
        default 33 (32 direct lags) about minimises the work per step: a larger k0 saves
        ~5 of ~150 exponentials per doubling (~14 flops each per end and step) and costs
        k0 more direct lags (9 flops each).
    tol : float
        Compression target relative to the largest kernel (1e-15 <= tol <= 1e-4). The
        error reached is ``coupling_error`` (kept in ``attrs``): 4.4e-14 at (10, 60), at most
        2.4e-13 at the tested pairs up to d = 400, where the two band-edge legs cancel
        (``attrs["cancellation"]`` = M, 1700 at (1.2, 400): 160 exponentials there, not 152).
        Rounding leaves ~1e-16 M, so a tol below that misses (2.3e-13 for tol = 1e-14 at
        (1.2, 400)); a :class:`TransparentEndsWarning` says so whenever the measured error
        exceeds tol (the floor is ~0.01-0.1 x 1e-16 M near k0, which misses 1e-12
        by 1.5-3x once M >~ 1e5, e.g. 2.3e-12 at (1.26, 2659), M = 2.8e5). At large d
        the kernel peaks inside the history (lag ~2.3 d/(2 pi)) and the bulk step is
        refined there: 7.9e-13 at (10, 6000); beyond, rounding next to k0 times M is left:
        6e-12 at (10, 12000) (format 5: 5e-12; 9.9e-13 with k0 = 64); see
        :mod:`~chaindrag.boundary.compress` ("Large d").
    cache_dir : path, optional
        Directory to keep the result in (``dtbc_*.npz``) and reuse it from.
    horizon : int, optional
        The longest run (in steps, >= 1024) the ends will serve: the exponentials then
        represent the lags up to it only, and fewer are needed (120 instead of 152 at
        (10, 60) for 2^19 steps; :func:`~chaindrag.boundary.compress.history_exponentials`);
        the error is measured at the lags up to it. Ignored (``horizon`` None in the
        result) where it would not save any, or where its rule would miss ``tol`` (at
        (10, 6000), where the legs cancel 3.5e5-fold). Runs longer than it are refused.
    reduce : bool
        With a horizon, replace the rule by the fewest balanced exponentials
        (:mod:`chaindrag.boundary._reduce`) that are its kernels to twice its measured error
        (at least tol/10) at every lag checked, whose deviation summed over the lags is
        <= 1e-9 of the peak, and that stay within ``tol`` of the band integral: 64 instead of
        120 at (10, 60) for 2^19 steps, 52 for 2^16; none past 2^20 steps there (the summed
        deviation), nor at (10, 120), (10, 600) or (1.2, 60) (the factors' rounding comes
        first). ``attrs``: ``n_exponentials_rule``,
        ``hankel_states``, ``reduction_l1`` (that sum), or None where the rule is kept.

    Returns
    -------
    TransparentEnds

    Raises
    ------
    ParameterError
        If a parameter is out of range.

    Notes
    -----
    Costs 0.2-0.5 s at d >= 60 (a horizon's reduction ~0.5-1 s more) and up to ~3 s at
    d ~ 8 (the compression error is measured against the band integral at lags up to 1e5,
    whose sines need ~1e6 nodes there).
    """
    omega_fast = float(require_range("omega_fast", omega_fast, 1.0, lo_open=True))
    d = require_int_range("d", d, 4)
    k0 = require_int_range("k0", k0, 16, 4096)
    tol = float(require_range("tol", tol, 1e-15, 1e-4))
    c = _stencil(omega_fast, d)
    if c.size < 2:
        raise ParameterError(f"d = {d} gives a stencil without coupling; d must be >= 4")
    if horizon is not None:
        horizon = require_int_range("horizon", horizon, 1024)
    path = (None if cache_dir is None
            else _cache_path(Path(cache_dir), omega_fast, d, k0, tol, horizon, reduce))
    data = (_load(path, omega_fast, d, k0, tol, c, horizon, reduce)
            if path is not None and path.exists() else None)
    if data is None:
        data = _compute(omega_fast, d, k0, tol, c, horizon, reduce)
        if path is not None:
            _save(path, data)
    err = data["attrs"]["coupling_error"]
    if not math.isfinite(err):
        raise ParameterError(f"no finite compression for omega_fast={omega_fast}, d={d}")
    if err > tol:  # the promise is tol; a miss by 1.5-3x at M >~ 1e5 is rounding, not rare
        warnings.warn(f"transparent ends at omega_fast={omega_fast:g}, d={d} reach {err:.2g} of "
                      f"the largest kernel, not tol={tol:g}: the runs are exact to about that "
                      f"(k0 = {k0}; the contour's legs cancel M = "
                      f"{data['attrs'].get('cancellation', math.nan):.3g}-fold, and where ~1e-16 M "
                      "is the floor a larger k0 lowers M)", TransparentEndsWarning, stacklevel=2)
    return TransparentEnds(omega_fast=omega_fast, d=d, c=data["c"], k0=k0, tol=tol,
                           direct=np.ascontiguousarray(data["direct"]), z=data["z"],
                           alpha=data["alpha"], beta=data["beta"],
                           kernel_error=data["kernel_error"],
                           coupling_error=float(data["attrs"]["coupling_error"]),
                           attrs=dict(data["attrs"]), horizon=data["attrs"].get("horizon"))
