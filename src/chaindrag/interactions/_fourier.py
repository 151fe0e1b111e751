"""Phi_k = int dx e^{ikx} Phi(x) for any even potential, to ~1e-10 relative, bounded memory.

For an even real Phi, Phi_k = 2 Re int_0^inf e^{ikx} Phi(x) dx. Where Phi is analytic in a
strip |Im x| < S (every built-in potential), the path is moved to x + i eta: the piece
up the imaginary axis is purely imaginary (Phi(i t) is real), so

    Phi_k = 2 e^{-k eta} Re int_0^inf e^{ikx} Phi(x + i eta) dx,

and eta is chosen to minimise the size of the integrand, log max_x |Phi(x + i eta)| - k eta
(steepest descent; at most S - 1/k, so a singularity on the strip's edge stays a peak of
width ~1/k that the quadrature resolves). An exponentially small Phi_k then comes out
without cancellation. A potential known only on the real axis uses eta = 0, where the
absolute error is ~1e-16 int |Phi|: there an ``atol`` must be given for small Phi_k.

Quadrature: adaptive Gauss-Kronrod (G10/K21, panels no longer than a period of e^{ikx})
on [0, L], L where |Phi(x + i eta)| < 1e-18 of its maximum if that is within 64 core
lengths, else 16 core lengths plus the tail [L, inf) by QUADPACK's QAWF (scipy quad with
weight "cos"/"sin"; plain QAGI at k = 0, where scipy's QAWF ignores the lower limit). Every
result is checked (finite, estimated error within target); a failed tail is retried from
further out and otherwise raises :class:`FourierError`. Memory is bounded by the panel
chunk (4096 panels at a time) whatever the tail.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from chaindrag.params import ChaindragError, ParameterError, require_finite

from ._base import Interaction, _out, check_params

# Gauss-Kronrod 21-point rule on [-1, 1] (QUADPACK dqk21): nodes x >= 0, Kronrod weights,
# and the 10-point Gauss weights of the odd-indexed nodes.
_XGK = np.array([0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
                 0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
                 0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
                 0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
                 0.294392862701460198131126603103866, 0.148874338981631210884826001129720,
                 0.0])
_WGK = np.array([0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
                 0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
                 0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
                 0.123491976262065851077208067917602, 0.134709217311473325928054001771707,
                 0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
                 0.149445554002916905664936468389821])
_WG = np.array([0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
                0.219086362515982043995534934228163, 0.269266719309996355091226921569469,
                0.295524224714752870173892994651338])
_NODES = np.concatenate([-_XGK[:-1], _XGK[::-1]])  # 21 nodes, ascending
_KW = np.concatenate([_WGK[:-1], _WGK[::-1]])
_GW = np.zeros(21)
_GW[1:10:2] = _WG
_GW[11:20:2] = _WG[::-1]

_CHUNK = 4096            # panels evaluated per call of the integrand
_MAX_PANELS = 1 << 18    # beyond this the transform is refused, not approximated
_EPS = np.finfo(float).eps
_PANEL_PERIODS = 4096   # longest finite panel, in periods of e^{ikx}, before QAWF takes over
_LOG_HEADROOM = 650.0    # |Phi(x + i eta)| may exceed max|Phi| by up to e^650 (no overflow)


class FourierError(ChaindragError, ArithmeticError):
    """A Fourier transform could not be computed to the requested accuracy."""


def gauss_kronrod(f, lo: np.ndarray, hi: np.ndarray):
    """G10/K21 on each panel [lo_i, hi_i]: (Kronrod value, |K - G|, int |f|), per panel."""
    val = np.empty(lo.size)
    err = np.empty(lo.size)
    mag = np.empty(lo.size)
    for s in range(0, lo.size, _CHUNK):
        a, b = lo[s:s + _CHUNK, None], hi[s:s + _CHUNK, None]
        half = 0.5 * (b - a)
        y = np.asarray(f((0.5 * (a + b) + half * _NODES).ravel()), dtype=float)
        y = y.reshape(a.size, 21)
        kron = half[:, 0] * (y @ _KW)
        val[s:s + _CHUNK] = kron
        err[s:s + _CHUNK] = np.abs(kron - half[:, 0] * (y @ _GW))
        mag[s:s + _CHUNK] = half[:, 0] * (np.abs(y) @ _KW)
    return val, err, mag


def _edges(start: float, end: float, k: float, fine: float, short: float) -> np.ndarray:
    """Initial panels on [start, end]: geometric from ``fine`` near start (a peak there),
    at most short/2 wide up to 16 ``short`` past start, then growing by at most 2x per
    panel, and never wider than a period 2 pi / k of e^{ikx}."""
    period = 2.0 * math.pi / k if k > 0.0 else math.inf
    span = end - start
    near = min(span, 16.0 * short)
    step = min(0.5 * short, period)
    n_near = math.ceil(near / step)
    if n_near > _MAX_PANELS:
        raise FourierError(f"the transform needs more than {_MAX_PANELS} panels on "
                           f"[{start:.6g}, {end:.6g}]; k = {k:.6g} is too large for this potential")
    fine = min(fine, near)
    pts = [np.linspace(0.0, near, n_near + 1),
           np.geomspace(fine / 8.0, near, 2 + math.ceil(math.log2(8.0 * near / fine)))]
    x, far = near, []
    while x < span:
        x = min(x + min(x, period), span)
        far.append(x)
        if len(far) + n_near > _MAX_PANELS:
            raise FourierError(f"the transform needs more than {_MAX_PANELS} panels on "
                               f"[{start:.6g}, {end:.6g}]; k = {k:.6g} is too large")
    return start + np.unique(np.concatenate(pts + [np.array(far)]))


def _adaptive(f, edges: np.ndarray, target):
    """Integrate f over the panels: bisect the worst until sum|K-G| <= target(I), int|f|-floored."""
    lo, hi = edges[:-1], edges[1:]
    val, err, mag = gauss_kronrod(f, lo, hi)
    while True:
        if not (np.all(np.isfinite(val)) and np.all(np.isfinite(err))):
            raise FourierError("the potential overflowed or was not finite on the "
                               "integration path")
        total, magnitude = float(np.sum(val)), float(np.sum(mag))
        goal = max(target(total), 10.0 * _EPS * magnitude)
        err_total = float(np.sum(err))
        if err_total <= goal:
            return total, err_total, magnitude
        order = np.argsort(err)[::-1]
        excess = np.cumsum(err[order]) < err_total - 0.5 * goal
        pick = order[: int(np.count_nonzero(excess)) + 1]
        if lo.size + pick.size > _MAX_PANELS:
            return total, err_total, magnitude  # the caller checks the error and refuses
        mid = 0.5 * (lo[pick] + hi[pick])
        new_lo = np.concatenate([lo[pick], mid])
        new_hi = np.concatenate([mid, hi[pick]])
        keep = np.ones(lo.size, dtype=bool)
        keep[pick] = False
        v2, e2, m2 = gauss_kronrod(f, new_lo, new_hi)
        lo, hi = np.concatenate([lo[keep], new_lo]), np.concatenate([hi[keep], new_hi])
        val, err, mag = (np.concatenate([val[keep], v2]), np.concatenate([err[keep], e2]),
                         np.concatenate([mag[keep], m2]))


class _Path:
    """The shifts eta available for one potential and the integrand size on each line."""

    def __init__(self, inter: Interaction):
        self.inter = inter
        self.short, self.long = inter.scales
        strip = float(inter.strip)
        self.x_probe = np.concatenate([[0.0], np.geomspace(1e-3 * self.short,
                                                           64.0 * self.long, 300)])
        log0 = self._log_size(0.0)
        if strip == 0.0:
            self.eta = np.zeros(1)
        elif math.isinf(strip):
            top = self.long
            while self._log_size(2.0 * top) < log0 + _LOG_HEADROOM and top < 1e6 * self.long:
                top *= 2.0
            self.eta = np.linspace(0.0, 2.0 * top, 4001)
        else:
            self.eta = strip * (1.0 - np.geomspace(1.0, 1e-12, 1200))
            self.eta[0] = 0.0
        self.strip = strip
        self.log_size = np.array([self._log_size(e) for e in self.eta])
        self.log0 = log0

    def _log_size(self, eta: float) -> float:
        with np.errstate(all="ignore"):
            vals = np.abs(self.inter._phi(self.x_probe + 1j * eta if eta else self.x_probe))
        top = float(np.max(vals))
        return math.log(top) if np.all(np.isfinite(vals)) and top > 0.0 else math.inf

    def shift(self, k: float) -> float:
        """eta minimising log max|Phi(x + i eta)| - k eta, within the strip and headroom."""
        if k == 0.0 or self.eta.size == 1:
            return 0.0
        ok = self.log_size <= self.log0 + _LOG_HEADROOM
        if math.isfinite(self.strip):
            ok &= self.eta <= self.strip - 1.0 / k
        cost = np.where(ok, self.log_size - k * self.eta, np.inf)
        return float(self.eta[int(np.argmin(cost))])

    def integrand(self, k: float, eta: float):
        """x -> Re[e^{ikx} Phi(x + i eta)] (vectorised)."""
        phi = self.inter._phi
        if eta == 0.0:
            return lambda x: phi(x).real * np.cos(k * x)
        return lambda x: (phi(x + 1j * eta) * np.exp(1j * k * x)).real

    def panel_end(self, eta: float, k: float) -> tuple[float, bool]:
        """(L, whether a tail beyond L remains).

        L is where |Phi(x + i eta)| < 1e-18 of its maximum if that is within 64 core
        lengths and 4096 periods of e^{ikx}; else 16 core lengths (at most 4096 periods,
        at least 16 structure lengths), and at least 4 periods (QAWF, started less than a
        period from the structure, came back wrong without a warning).
        """
        x = np.geomspace(1e-2 * self.short, 1e6 * self.long, 400)
        with np.errstate(all="ignore"):
            size = np.abs(self.inter._phi(x + 1j * eta if eta else x))
        big = np.flatnonzero(~(size < 1e-18 * np.max(size)))
        end = x[big[-1] + 1] if big[-1] + 1 < x.size else math.inf
        periods = 2.0 * math.pi / k if k else math.inf
        if end <= min(64.0 * self.long, _PANEL_PERIODS * periods):
            return float(end), False
        core = max(min(16.0 * self.long, _PANEL_PERIODS * periods), 16.0 * self.short)
        return max(core, 4.0 * periods if k else 0.0), True


def _quad_tail(fun, start: float, k: float, weight: str, goal: float) -> tuple[float, float]:
    """int_start^inf fun(x) w(kx) dx by QAWF (QAGI at k = 0), or raise if untrustworthy.

    QUADPACK's tests are not scale invariant (tiny integrands came back as 0 with a tiny
    error estimate), so the integrand is first scaled to max |fun| = 1 on [start, 2 start].
    """
    from scipy.integrate import IntegrationWarning, quad  # imported on use: a slow import

    norm = max(abs(fun(start * (1.0 + j / 8.0))) for j in range(9))
    if norm == 0.0:
        return 0.0, 0.0
    kw = dict(epsabs=goal / norm, full_output=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        if k == 0.0:
            out = quad(lambda x: fun(x) / norm, start, math.inf, epsrel=0.0, limit=500, **kw)
        else:
            out = quad(lambda x: fun(x) / norm, start, math.inf, weight=weight, wvar=k,
                       limlst=200, limit=500, **kw)
    value, error = norm * float(out[0]), norm * float(out[1])
    if len(out) > 3 or not (math.isfinite(value) and math.isfinite(error)) or error > goal:
        raise FourierError(f"QUADPACK tail from x = {start:.6g} at k = {k:.6g} returned "
                           f"{value!r} +- {error!r} (goal {goal:.3g})")
    return value, error


def _tail(path: _Path, k: float, eta: float, start: float, goal: float):
    """int_start^inf Re[e^{ikx} Phi(x + i eta)] dx; on failure integrate on and retry further out."""
    phi = path.inter._phi
    total, err = 0.0, 0.0
    for _ in range(6):
        try:
            if eta == 0.0:
                v1, e1 = _quad_tail(lambda x: float(phi(np.array([x]))[0]), start, k, "cos",
                                    goal)
                v2, e2 = 0.0, 0.0
            else:
                v1, e1 = _quad_tail(lambda x: float(phi(np.array([x + 1j * eta]))[0].real),
                                    start, k, "cos", 0.5 * goal)
                v2, e2 = _quad_tail(lambda x: float(phi(np.array([x + 1j * eta]))[0].imag),
                                    start, k, "sin", 0.5 * goal)
            return total + v1 - v2, err + e1 + e2
        except FourierError:
            edges = _edges(start, 4.0 * start, k, path.short, path.short)
            v, e, _ = _adaptive(path.integrand(k, eta), edges, lambda total_: 0.25 * goal)
            total, err, start = total + v, err + e, 4.0 * start
    raise FourierError(f"the tail of the Fourier integral at k = {k:.6g} did not converge "
                       f"out to x = {start:.6g}")


def _one(path: _Path, k: float, rtol: float, atol: float) -> float:
    eta = path.shift(k)
    end, has_tail = path.panel_end(eta, k)
    log_scale = k * eta  # Phi_k = 2 e^{-log_scale} (integral on the shifted line)
    # atol on Phi_k in units of the integral (no limit once it exceeds any integrand)
    atol_i = 0.5 * atol * math.exp(min(log_scale, 700.0)) if atol > 0.0 else 0.0
    fine = path.strip - eta if 0.0 < path.strip < math.inf else path.short
    edges = _edges(0.0, end, k, fine, path.short)
    value, err, magnitude = _adaptive(path.integrand(k, eta), edges,
                                      lambda total: 0.1 * max(rtol * abs(total), atol_i))
    if has_tail:
        goal = max(0.05 * rtol * abs(value), 0.5 * atol_i, 10.0 * _EPS * magnitude)
        t_val, t_err = _tail(path, k, eta, end, goal)
        value, err = value + t_val, err + t_err
    result = math.copysign(math.exp(math.log(2.0 * abs(value)) - log_scale), value) \
        if value else 0.0
    bound = math.exp(math.log(2.0 * err) - log_scale) if err else 0.0
    if not (math.isfinite(result) and bound <= max(rtol * abs(result), atol)):
        floor = math.exp(math.log(2e-16 * magnitude) - log_scale) if magnitude else 0.0
        raise FourierError(
            f"Phi_k at k = {k!r} is {result:.6g} +- {bound:.3g}: cannot reach rtol = {rtol:g}"
            + ("" if path.strip else "; the potential is known on the real axis only, where "
               f"the rounding floor is ~{floor:.2g}: pass atol"))
    return result


def numerical_fourier(interaction: Interaction, k, *, rtol: float = 1e-10,
                      atol: float = 0.0):
    """Phi_k = int dx e^{ikx} Phi(x) by quadrature, never by a closed form (cross-checks).

    Parameters
    ----------
    interaction : Interaction
        Any pair potential of :mod:`chaindrag.interactions`.
    k : array_like
        Wave numbers, finite (Phi_k is even in k).
    rtol : float
        Relative accuracy required, in [1e-14, 1e-2].
    atol : float
        Absolute accuracy that suffices, >= 0 (needed for tiny Phi_k of a potential known on
        the real axis only).

    Returns
    -------
    float or ndarray
        Phi_k, each with estimated error <= max(rtol |Phi_k|, atol).

    Raises
    ------
    FourierError
        If a value cannot be obtained to that accuracy.
    """
    if not isinstance(interaction, Interaction):
        raise ParameterError(f"interaction must be a chaindrag.interactions.Interaction, got "
                             f"{interaction!r}")
    require_finite("k", k)
    check_params(rtol=(rtol, 1e-14, False), atol=(atol, 0.0, False))
    if rtol > 1e-2:
        raise ParameterError(f"rtol must lie in [1e-14, 0.01], got {rtol!r}")
    kk = np.abs(np.asarray(k, dtype=float))
    path = _Path(interaction)
    uniq, inverse = np.unique(kk, return_inverse=True)
    vals = np.array([_one(path, float(q), float(rtol), float(atol)) for q in uniq])
    return _out(vals[inverse].reshape(kk.shape))


def fourier_transform(interaction: Interaction, k):
    """Phi_k = int dx e^{ikx} Phi(x): the closed form where the potential has one, else quadrature.

    Parameters
    ----------
    interaction : Interaction
        Any pair potential of :mod:`chaindrag.interactions`.
    k : array_like
        Wave numbers, finite.

    Returns
    -------
    float or ndarray
        Phi_k.
    """
    if not isinstance(interaction, Interaction):
        raise ParameterError(f"interaction must be a chaindrag.interactions.Interaction, got "
                             f"{interaction!r}")
    return interaction.fourier(k)
