"""User-defined pair potentials: checked on entry, tabulated for the numba kernels."""

from __future__ import annotations

import hashlib
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from chaindrag.params import ParameterError

from ._base import Interaction, check_params
from ._kinds import FORCE_FLOOR, TABULATED

MAX_TABLE = 1 << 22  # table intervals (64 MiB of float64); longer-ranged potentials are refused
_CHECK_POINTS = np.array([0.5 - 0.5 / math.sqrt(3.0), 0.5, 0.5 + 0.5 / math.sqrt(3.0)])


def _numba_errors() -> tuple[type[Exception], ...]:
    """numba's typing errors if numba is loaded (only then can ``fn`` be a numba function)."""
    errors = sys.modules.get("numba.core.errors")
    return (errors.NumbaError,) if errors is not None else ()


def _evaluate(fn: Callable, x: np.ndarray, name: str) -> np.ndarray:
    """fn on an array; element by element if fn only takes scalars (slow, but once)."""
    with np.errstate(all="ignore"):
        try:
            y = np.asarray(fn(x), dtype=float)
        except (TypeError, ValueError, *_numba_errors()):
            try:
                y = np.array([float(fn(float(v))) for v in x.ravel()]).reshape(x.shape)
            except Exception as exc:
                raise ParameterError(f"{name} must map a float (array) to floats, calling it "
                                     f"raised {exc!r}") from exc
    if y.shape != x.shape:
        raise ParameterError(f"{name} must return an array of the shape of its argument, got "
                             f"shape {y.shape} for {x.shape}")
    return y


@dataclass(frozen=True, eq=False)
class UserPotential(Interaction):
    """A pair potential given by the user as Phi(x) and dPhi/dx.

    Parameters
    ----------
    phi : callable
        Phi(x). Contract: takes a float64 ndarray and returns floats of the same shape
        (numpy expressions, ``numba.vectorize`` or an ``@njit`` function over arrays; a
        scalar-only function also works, evaluated element by element once); even,
        Phi(-x) = Phi(x); finite everywhere, in particular at x = 0 (the particle passes
        through the chain mass); smooth (four continuous derivatives, for the table); and
        decaying to 0 with |dPhi/dx| < 1e-20 beyond half the checked range.
    dphi : callable
        dPhi/dx, same contract (odd).
    length : float
        Length scale of Phi, > 0: where its structure lies. The checks sample Phi on a
        linear grid over [0, 64 length] and a geometric grid (ratio 2^{1/64}) up to
        ``decay_range * length``.
    label : str
        Name recorded in the provenance.
    decay_range : float
        Checked range in units of ``length``, in [16, 1e12].
    table_rtol : float
        Accuracy of the kernel table relative to max|Phi| and max|Phi'|, in [1e-13, 1e-3].

    Raises
    ------
    ParameterError
        If Phi or dPhi/dx is not finite, not even (odd), not each other's derivative (to
        1e-6 of max|Phi'|, by centred differences of Phi at steps 1e-4 ``length`` on
        [0, 64 length]), vanishes everywhere, or does not decay (somewhere in the outer
        half of the range, |dPhi/dx| >= 1e-20 or |Phi| > 1e-12 max|Phi|); the message says
        which and where. Where the difference only meets dPhi/dx at smaller steps the
        message says so instead: Phi is not twice continuously differentiable there (a jump
        in Phi'', as at the edge of ``A (1 - x^2/w^2)^2``) or has structure much finer than
        ``length``.

    Notes
    -----
    The kernels see a cubic Hermite table of Phi and dPhi/dx on a uniform grid 0, dx, ...,
    out to the reach (kind TABULATED). dx is shrunk until the error at the three points per
    interval where the Hermite error kernels peak (s = 1/2 for Phi, 1/2 +- 1/(2 sqrt 3) for
    dPhi/dx) is at most ``table_rtol``/2 of max|Phi| and of max|dPhi/dx|; in between the
    theory bounds hold, |err Phi| <= dx^4/384 max|Phi''''| and |err Phi'| <= sqrt(3) dx^3/216
    max|Phi''''|. Both are measured by :attr:`table_error`. The reach is the first sample of
    the geometric grid beyond which every sample has |dPhi/dx| < :attr:`reach_floor`. The
    Fourier transform is numerical on the real axis, to max(1e-10 |Phi_k|, 1e-13 int|Phi|).
    """

    phi: Callable
    dphi: Callable
    length: float
    label: str = "user"
    decay_range: float = 1e4
    table_rtol: float = 1e-9

    kind = TABULATED

    def __post_init__(self):
        for name in ("phi", "dphi"):
            if not callable(getattr(self, name)):
                raise ParameterError(f"{name} must be a callable of x, got "
                                     f"{getattr(self, name)!r}")
        check_params(length=(self.length, 0.0, True), decay_range=(self.decay_range, 16.0, False),
                     table_rtol=(self.table_rtol, 1e-13, False))
        if self.decay_range > 1e12 or self.table_rtol > 1e-3:
            raise ParameterError(f"decay_range must lie in [16, 1e12] and table_rtol in "
                                 f"[1e-13, 1e-3], got {self.decay_range!r}, {self.table_rtol!r}")
        for name in ("length", "decay_range", "table_rtol"):
            object.__setattr__(self, name, float(getattr(self, name)))
        _ = self._survey  # run the checks now: a bad function fails on entry

    # ------------------------------------------------------------------ checks
    @cached_property
    def _survey(self) -> dict:
        x = np.unique(np.concatenate([
            np.linspace(0.0, 64.0 * self.length, 16385),
            self.length * 2.0 ** np.arange(-20.0, math.log2(self.decay_range), 1 / 64)]))
        v, vm = _evaluate(self.phi, x, "phi"), _evaluate(self.phi, -x, "phi")
        d, dm = _evaluate(self.dphi, x, "dphi"), _evaluate(self.dphi, -x, "dphi")
        for name, vals, sign in (("phi", v, ""), ("phi", vm, "-"), ("dphi", d, ""),
                                 ("dphi", dm, "-")):
            bad = np.flatnonzero(~np.isfinite(vals))
            if bad.size:
                raise ParameterError(f"{name}({sign}{x[bad[0]]:.6g}) = {vals[bad[0]]!r}: Phi and "
                                     f"dPhi/dx must be finite everywhere, including x = 0 (the "
                                     f"particle passes through the chain mass)")
        top, slope = float(np.max(np.abs(v))), float(np.max(np.abs(d)))
        if top == 0.0:
            raise ParameterError("phi vanishes at every sample: there is no interaction")
        self._check_symmetry(x, v, vm, d, dm, top, slope)
        self._check_derivative(top, slope)
        outer = np.flatnonzero(x >= 0.5 * self.decay_range * self.length)
        worst_d = outer[np.argmax(np.abs(d[outer]))]
        worst_v = outer[np.argmax(np.abs(v[outer]))]
        if abs(d[worst_d]) >= FORCE_FLOOR or abs(v[worst_v]) > 1e-12 * top:
            raise ParameterError(
                f"phi must decay: at x = {x[worst_d]:.6g} |dphi| = {abs(d[worst_d]):.3g} (must be "
                f"< {FORCE_FLOOR:g}) and at x = {x[worst_v]:.6g} |phi| = {abs(v[worst_v]):.3g} "
                f"(must be <= 1e-12 max|phi| = {1e-12 * top:.3g}) in the outer half of the "
                f"checked range [0, decay_range * length = {self.decay_range * self.length:.6g}]")
        return {"x": x, "phi": v, "dphi": d, "top": top, "slope": slope}

    @staticmethod
    def _check_symmetry(x, v, vm, d, dm, top, slope):
        odd = np.abs(v - vm) > 1e-12 * top
        if odd.any():
            i = int(np.argmax(odd))
            raise ParameterError(f"phi must be even: phi({x[i]:.6g}) = {v[i]!r} but "
                                 f"phi({-x[i]:.6g}) = {vm[i]!r}")
        even = np.abs(d + dm) > 1e-12 * slope
        if even.any():
            i = int(np.argmax(even))
            raise ParameterError(f"dphi must be odd (the derivative of an even phi): "
                                 f"dphi({x[i]:.6g}) = {d[i]!r} but dphi({-x[i]:.6g}) = {dm[i]!r}")

    def _check_derivative(self, top, slope):
        x = np.linspace(0.0, 64.0 * self.length, 1025)
        step = 1e-4 * self.length

        def centred(h):
            return (_evaluate(self.phi, x + h, "phi") - _evaluate(self.phi, x - h, "phi")) / (
                2.0 * h)

        fd = centred(step)
        d = _evaluate(self.dphi, x, "dphi")
        # and Richardson's O(step^4) difference: a wall much steeper than ``length`` leaves
        # the plain one's step^2 d3Phi/6 above the tolerance (its rounding is ~3x the plain's)
        fd4 = (4.0 * centred(0.5 * step) - fd) / 3.0
        err = np.minimum(np.abs(fd - d) - 1e-12 * top / step,
                         np.abs(fd4 - d) - 3e-12 * top / step)
        tol = 1e-6 * slope
        if err.max() <= tol:
            return
        # Why they disagree: the difference again at a 16x smaller step. Where dphi is not
        # phi's slope the disagreement stays; where phi is not C^2 (a jump in Phi'' leaves
        # an error ~ step) or is finer than ``length`` (~ step^2) it falls by 16 or more.
        fine = centred(step / 16.0)
        e0, e16 = np.abs(fd - d), np.abs(fine - d)
        stays = (err > tol) & (e16 - 16e-12 * top / step > np.maximum(e0 / 8.0, tol))
        if stays.any():
            i = int(np.argmax(np.where(stays, e16, -np.inf)))
            raise ParameterError(f"dphi must be dPhi/dx: dphi({x[i]:.6g}) = {float(d[i])!r} but "
                                 f"the centred difference of phi there is {float(fd[i])!r} at "
                                 f"step {step:.3g} and still {float(fine[i])!r} at step "
                                 f"{step / 16:.3g}")
        i = int(np.argmax(err))
        raise ParameterError(
            f"phi must be twice continuously differentiable (C^2), with no structure much "
            f"finer than length = {self.length:g}: at x = {x[i]:.6g}, dphi = {float(d[i])!r} "
            f"agrees with phi's slope only as the step shrinks (centred differences "
            f"{float(fd[i])!r} at step {step:.3g}, {float(fine[i])!r} at {step / 16:.3g}; "
            f"allowed error 1e-6 max|dphi| = {tol:.3g}), as at a jump of Phi'' (e.g. the edge "
            f"of a bump (1 - x^2/w^2)^2, which is only C^1)")

    # ------------------------------------------------------------------ Interaction
    def _phi(self, z):
        return _evaluate(self.phi, np.asarray(z, dtype=float), "phi")

    def _dphi(self, x):
        return _evaluate(self.dphi, np.asarray(x, dtype=float), "dphi")

    @property
    def scales(self):
        return self.length, self.length

    def _extremum(self, sign: float) -> float:
        """sup of sign * Phi: the best sample, refined by a bounded scalar search."""
        from scipy.optimize import minimize_scalar  # imported on use: a slow import

        sv = self._survey
        x, vals = sv["x"], sign * sv["phi"]
        i = int(np.argmax(vals))
        lo, hi = x[max(i - 1, 0)], x[min(i + 1, x.size - 1)]
        best = float(vals[i])
        if hi > lo:
            res = minimize_scalar(lambda t: -sign * float(self._phi(np.array([t]))[0]),
                                  bounds=(lo, hi), method="bounded",
                                  options={"xatol": 1e-12 * self.length})
            best = max(best, -float(res.fun))
        return best

    @cached_property
    def phi_max(self) -> float:
        """max(0, sup Phi) from the samples, refined between the neighbours of the best."""
        return max(self._extremum(1.0), 0.0)

    @cached_property
    def phi_min(self) -> float:
        """min(0, inf Phi) from the samples, refined between the neighbours of the best."""
        return min(-self._extremum(-1.0), 0.0)

    @property
    def force_scale(self) -> float:
        """max|dPhi/dx| over the samples of the checks."""
        return self._survey["slope"]

    def reach(self, force_floor: float | None = None) -> float:
        """First geometric sample beyond which every sample has |dPhi/dx| < ``force_floor``.

        Parameters
        ----------
        force_floor : float, optional
            Force threshold, >= 1e-20 (the decay check's floor); default
            :attr:`reach_floor`.

        Returns
        -------
        float
            The reach.
        """
        if force_floor is not None:
            check_params(force_floor=(force_floor, FORCE_FLOOR, False))
        force_floor = self._floor(force_floor)
        sv = self._survey
        above = np.flatnonzero(np.abs(sv["dphi"]) >= force_floor)
        return float(sv["x"][above[-1] + 1]) if above.size else 0.0

    def _kernel_params(self):
        return self._table[0]

    @property
    def table_error(self) -> tuple[float, float]:
        """(max |Phi error|, max |dPhi/dx error|) of the kernel table at its check points."""
        return self._table[1], self._table[2]

    @cached_property
    def _table(self):
        reach = self.reach()
        top, slope = self._survey["top"], self._survey["slope"]
        dx = self.length / 16.0
        for _ in range(10):
            n = max(1, math.ceil(reach / dx))
            if n > MAX_TABLE:
                raise ParameterError(
                    f"the kernel table needs {n} intervals of {reach / n:.3g} out to the reach "
                    f"{reach:.6g} (at most {MAX_TABLE}): the potential is too long-ranged or "
                    f"too rough for table_rtol = {self.table_rtol:g}")
            dx = reach / n
            nodes = dx * np.arange(n + 1)
            params = np.empty(2 * n + 4)
            params[0], params[1] = 1.0 / dx, n
            params[2::2] = self._phi(nodes)
            params[3::2] = dx * self._dphi(nodes)
            err_v, err_d = self._table_check(params, dx, n)
            goal_v, goal_d = 0.5 * self.table_rtol * top, 0.5 * self.table_rtol * slope
            if err_v <= goal_v and err_d <= goal_d:
                return params, err_v, err_d
            shrink = min((goal_v / max(err_v, 1e-300)) ** 0.25,
                         (goal_d / max(err_d, 1e-300)) ** (1.0 / 3.0))
            dx *= min(0.9 * shrink, 0.5)
        raise ParameterError(f"the kernel table did not reach table_rtol = {self.table_rtol:g}: "
                             f"phi is not smooth enough (errors {err_v:.3g}, {err_d:.3g})")

    def _table_check(self, params, dx, n) -> tuple[float, float]:
        from ._kernels import tabulated_values  # numba, imported on use

        err_v = err_d = 0.0
        for s in range(0, n, 1 << 20):
            u = dx * (np.arange(s, min(s + (1 << 20), n))[:, None] + _CHECK_POINTS).ravel()
            e, f = np.empty(u.size), np.empty(u.size)
            tabulated_values(params, u, e, f)
            err_v = max(err_v, float(np.max(np.abs(e - self._phi(u)))))
            err_d = max(err_d, float(np.max(np.abs(f - self._dphi(u)))))
        return err_v, err_d

    def fourier(self, k):
        """Phi_k by real-axis quadrature, to max(1e-10 |Phi_k|, 1e-13 int |Phi| dx).

        Parameters
        ----------
        k : array_like
            Wave numbers, finite.

        Returns
        -------
        float or ndarray
            Phi_k.
        """
        from ._fourier import numerical_fourier
        sv = self._survey
        av = np.abs(sv["phi"])
        mass = float(np.sum((av[1:] + av[:-1]) * np.diff(sv["x"])))  # int |Phi| dx, trapezoid
        return numerical_fourier(self, k, atol=1e-13 * mass)

    @cached_property
    def values_sha256(self) -> str:
        """SHA-256 (hex) of the potential's values: what tells two user potentials apart.

        The functions' names do not (two lambdas made by one helper with different
        amplitudes share a name); their values do. The digest is taken over the float64
        bytes (little-endian) of Phi, then of dPhi/dx, at the samples of the entry checks:
        the union (sorted, duplicates removed) of ``linspace(0, 64 length, 16385)`` and
        ``length * 2**(k/64)`` for k = -1280, -1279, ... while k/64 < log2(decay_range),
        i.e. the whole checked range [0, decay_range * length]. The same functions
        with the same ``length`` and ``decay_range`` give the same digest in every process
        (with the same numpy and math library: values that differ in the last bit, as
        another library's exp may give, give another digest); any change of a value there
        gives another.
        """
        sv = self._survey
        h = hashlib.sha256()
        h.update(np.ascontiguousarray(sv["phi"], dtype="<f8").tobytes())
        h.update(np.ascontiguousarray(sv["dphi"], dtype="<f8").tobytes())
        return h.hexdigest()

    def provenance(self) -> dict:
        """Kind, label, the functions' qualified names, the values' digest and the settings.

        Returns
        -------
        dict
            ``{"kind": "tabulated", "label": ..., "phi": "module.name", "dphi": ...,
            "values_sha256": ..., "length": ..., "decay_range": ..., "table_rtol": ...}``;
            ``values_sha256`` is :attr:`values_sha256`, which tells apart potentials whose
            functions share a name (lambdas of one helper).
        """
        def name(fn):
            return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
        return {"kind": "tabulated", "label": self.label, "phi": name(self.phi),
                "dphi": name(self.dphi), "values_sha256": self.values_sha256,
                "length": self.length, "decay_range": self.decay_range,
                "table_rtol": self.table_rtol}
