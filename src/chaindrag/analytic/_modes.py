"""The resonant modes of Eq. (32) that Eq. (33) sums, and which of them can matter (private).

A particle moving at constant speed v through a chain of spacing alpha excites only the
modes that stay in phase with it from one chain mass to the next, the real roots x_j of
Eq. (32), ``omega(x) + x v / alpha = 0`` (``x = q / 2 pi`` in any Brillouin zone). The
roots are bracketed on pieces where the resonance function is provably monotone and
polished by Newton in numba kernels.

Root structure (why no root is missed): with ``omega(x) = sqrt(1 + A sin^2(pi x))``,
``A = omega_fast^2 - 1``, omega rises on ``[m, m + 1/2]`` and falls on ``[m - 1/2, m]``;
omega'' changes sign once per half period, at ``cos(2 pi x) = (omega_fast - 1)/(omega_fast
+ 1)`` (the only admissible root of ``A c^2 - (2A + 4) c + A = 0``). So on a rising half
``f' > 0`` (at most one root); on each convex or concave part of a falling half f' is
monotone (at most one critical point), and splitting there leaves pieces on which f is
monotone: every root is bracketed.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import njit
from chaindrag.interactions import Interaction

from ._pair import mode_weight

_CHUNK = 256  # monotone pieces whose roots are polished together (see _polish)
#: Eq. (33)'s terms weighted below e^-SKIPPED of its largest low mode's are skipped.
SKIPPED = 60.0
_SPEED_BLOCK = 1 << 15  # speeds whose low modes are found together (<= ~24 roots each)


@njit(cache=True)
def _band(x, a):
    """omega(x) and omega'(x) of the steady-state band variable x = q / 2 pi."""
    sn = math.sin(math.pi * x)
    w = math.sqrt(1.0 + a * sn * sn)
    return w, a * math.pi * math.sin(2.0 * math.pi * x) / (2.0 * w)


@njit(cache=True)
def _value(x, r, a, which):
    """which = 0: f(x) = omega + r x (and f'); which = 1: f'(x) (and f'')."""
    w, dw = _band(x, a)
    if which == 0:
        return w + r * x, dw + r
    return dw + r, (a * math.pi * math.pi * math.cos(2.0 * math.pi * x) - dw * dw) / w


@njit(cache=True)
def _solve_monotone(lo, hi, flo, fhi, r, a, which, x0):
    """Zero of a monotone function on [lo, hi] with values flo, fhi of opposite signs at the
    ends: Newton from x0 (from the secant point if x0 is not inside), kept inside a
    shrinking bisection bracket."""
    pos = flo > 0.0
    x = x0 if lo < x0 < hi else lo - flo * (hi - lo) / (fhi - flo)
    if not (lo < x < hi):
        x = 0.5 * (lo + hi)
    for _ in range(200):
        f, fp = _value(x, r, a, which)
        if f == 0.0:
            return x
        if (f > 0.0) == pos:
            lo = x
        else:
            hi = x
        xn = x - f / fp if fp != 0.0 else 0.5 * (lo + hi)
        tol = 2e-16 * max(1.0, abs(x))
        # converged? Asked before the bracket test: a step below an ulp rounds xn onto x,
        # the bracket's new end, and would set off ~40 bisections to the same root
        if abs(xn - x) <= tol:
            return xn
        if not (lo < xn < hi):
            xn = 0.5 * (lo + hi)
        if hi - lo <= 2.0 * tol:
            return xn
        x = xn
    return x


@njit(cache=True)
def _polish(br, nb, r, a, buf, n):
    """Append the roots of f on the pieces ``br[:nb]`` (rows lo, hi, f(lo), f(hi): f
    monotone, a root inside or at lo) to buf; return the new count.

    Start: ``omega(m + y) = h`` gives ``y = +-asin(sqrt((h^2 - 1)/A)) / pi`` about the band
    bottom m nearest the piece (+ on a rising half), h = -r x updated twice from the piece's
    middle (each update shrinks the error by r / abs(omega')). Then two Newton steps and a
    check, each a loop over all pieces (independent sines overlap in the pipeline); a root
    not converged by then (near a band edge or a tangency) ends by Newton-bisection.
    """
    x = np.empty(nb)
    step = np.empty(nb)
    for j in range(nb):
        mid = 0.5 * (br[j, 0] + br[j, 1])
        m = math.floor(mid + 0.5)
        side = 1.0 if mid > m else -1.0
        x[j] = mid
        for _ in range(2):
            h2 = (r * x[j]) ** 2
            x[j] = m + side * math.asin(math.sqrt(min(max((h2 - 1.0) / a, 0.0), 1.0))) / math.pi
    for it in range(3):
        for j in range(nb):
            f, fp = _value(x[j], r, a, 0)
            step[j] = f / fp if fp != 0.0 else math.nan  # NaN: to Newton-bisection
            if it < 2:
                x[j] -= step[j]
    for j in range(nb):
        lo, hi, flo, fhi = br[j, 0], br[j, 1], br[j, 2], br[j, 3]
        if flo == 0.0:
            buf[n + j] = lo
        elif lo < x[j] < hi and abs(step[j]) <= 2e-16 * max(1.0, abs(x[j])):
            buf[n + j] = x[j] - step[j]
        else:
            buf[n + j] = _solve_monotone(lo, hi, flo, fhi, r, a, 0, x[j])
    return n + nb


@njit(cache=True)
def _falling_cuts(r, omega_fast, dxi, cuts, omegas):
    """Points of a falling half [m - 1/2, m] that split it into pieces where f is monotone,
    as offsets from m (ascending) with omega there; return their count: the ends, the
    inflection point -dxi and, on each curved part where f' changes sign, its critical
    point (omega' is periodic: the same offsets in every half, solved once per speed)."""
    a = omega_fast * omega_fast - 1.0
    n = 0
    for p, q in ((-0.5, -dxi), (-dxi, 0.0)):
        cuts[n] = p
        n += 1
        glo, ghi = _value(p, r, a, 1)[0], _value(q, r, a, 1)[0]
        if glo * ghi < 0.0:
            cuts[n] = _solve_monotone(p, q, glo, ghi, r, a, 1, math.nan)
            n += 1
    cuts[n] = 0.0
    for j in range(1, n):
        omegas[j] = _band(cuts[j], a)[0]
    omegas[0] = omega_fast  # the band's top and bottom, exactly
    omegas[n] = 1.0
    return n + 1


@njit(cache=True)
def _find_roots(r, omega_fast, buf, omega_max):
    """All roots of omega(x) + r x = 0 with omega <= omega_max (they lie in
    [-min(omega_fast, omega_max)/r, -1/r]); return the count."""
    x_lo = -min(omega_fast, omega_max) / r
    x_hi = -1.0 / r
    return _roots_in_halves(r, omega_fast, int(math.floor(2.0 * x_lo)) - 1,
                            int(math.ceil(2.0 * x_hi)) + 1, x_lo, x_hi, buf, 0)


@njit(cache=True)
def _roots_in_halves(r, omega_fast, k_lo, k_hi, x_lo, x_hi, buf, n):
    """Append the roots of omega(x) + r x = 0 in the half periods [k/2, (k+1)/2], k_lo <= k <
    k_hi, that meet [x_lo, x_hi]; return the new count (at most 4 per half period).

    omega is 1 at the integers and omega_fast at the half-integers, so f at the ends of the
    monotone pieces costs a multiplication; the roots are polished _CHUNK pieces at a time.
    """
    dxi = math.acos((omega_fast - 1.0) / (omega_fast + 1.0)) / (2.0 * math.pi)
    cuts = np.empty((2, 5))  # row 0 a rising half, row 1 a falling one: offsets from its end
    omegas = np.empty((2, 5))
    cuts[0, :2] = (-0.5, 0.0)  # rising half [m, m + 1/2]: f' > 0, one piece
    omegas[0, :2] = (1.0, omega_fast)
    n_cuts = (2, _falling_cuts(r, omega_fast, dxi, cuts[1], omegas[1]))
    br = np.empty((_CHUNK + 4, 4))
    nb = 0
    for k in range(k_lo, k_hi):
        hi = 0.5 * (k + 1)
        if hi < x_lo - 1e-9 * abs(x_lo) or hi - 0.5 > x_hi + 1e-9 * abs(x_hi):
            continue
        s = k % 2  # 0 on a rising half, 1 on a falling one
        p = hi + cuts[s, 0]
        fp = omegas[s, 0] + r * p
        for j in range(1, n_cuts[s]):
            q = hi + cuts[s, j]
            fq = omegas[s, j] + r * q
            if fp == 0.0 or fp * fq < 0.0:  # f monotone on [p, q] has a root there
                br[nb, 0], br[nb, 1], br[nb, 2], br[nb, 3] = p, q, fp, fq
                nb += 1
            p, fp = q, fq
        if nb >= _CHUNK:
            n = _polish(br, nb, r, omega_fast * omega_fast - 1.0, buf, n)
            nb = 0
    return _polish(br, nb, r, omega_fast * omega_fast - 1.0, buf, n)


@njit(cache=True)
def mode_block(v, alpha, omega_fast, omega_max, seg_i, seg_lo, seg_hi, omega, den, owner):
    """Resonant modes of the segments (speed index, half periods [lo, hi)) that meet the
    modes with omega <= omega_max[i]: omega_j, |alpha omega'(x_j)/v + 1| and the speed index
    of each; return the count."""
    a = omega_fast * omega_fast - 1.0
    n = 0
    for s in range(seg_i.size):
        i = seg_i[s]
        r = v[i] / alpha[i]
        start = n
        n = _roots_in_halves(r, omega_fast, seg_lo[s], seg_hi[s], -omega_max[i] / r, -1.0 / r,
                             omega, n)
        for j in range(start, n):
            w, dw = _band(omega[j], a)  # omega[j] held x_j until here
            omega[j] = w
            den[j] = abs(dw + r) / r
            owner[j] = i
    return n


def mode_weights(inter: Interaction, v: np.ndarray, omega: np.ndarray, s2: float = 0.0):
    """Eq. (33)'s mode weights (:func:`~chaindrag.analytic._pair.mode_weight`), each times
    the Debye-Waller factor exp(-k^2 s2), k = 2 pi omega / v, when s2 > 0."""
    weight = mode_weight(inter, v, omega)
    if s2 > 0.0:
        with np.errstate(under="ignore"):
            weight = weight * np.exp(-s2 * (2.0 * math.pi * omega / v) ** 2)
    return weight


def _log_bound(inter: Interaction, v, omega, wf: float, s2: float) -> np.ndarray:
    """log of a bound on the weight of every mode at or above omega (non-increasing)."""
    k = 2.0 * math.pi * omega / v
    with np.errstate(divide="ignore", under="ignore"):
        return (2.0 * np.log(4.0 * math.pi**2 * wf / (v * v) * inter._fourier_envelope(k))
                - s2 * k * k)


def _low_mode_weights(v, alpha, wf: float, inter: Interaction, s2: float) -> np.ndarray:
    """The largest weight among each speed's modes with omega <= 1 + v/alpha (< omega_fast),
    found in blocks of speeds so that memory stays bounded."""
    ref = np.zeros(v.size)
    for start in range(0, v.size, _SPEED_BLOCK):
        vb, ab = v[start:start + _SPEED_BLOCK], alpha[start:start + _SPEED_BLOCK]
        r = vb / ab
        low = 1.0 + r
        k_lo = np.floor(-2.0 * low / r).astype(np.int64) - 1  # half periods of those modes
        k_hi = np.ceil(-2.0 / r).astype(np.int64) + 1
        size = 4 * int(np.sum(k_hi - k_lo))  # <= 4 roots a half period
        omega, den = np.empty(size), np.empty(size)
        owner = np.empty(size, dtype=np.int64)
        n = mode_block(vb, ab, wf, low, np.arange(vb.size), k_lo, k_hi, omega, den, owner)
        own, omega = owner[:n], omega[:n]
        keep = omega <= low[own]
        np.maximum.at(ref[start:start + _SPEED_BLOCK], own[keep],
                      mode_weights(inter, vb[own[keep]], omega[keep], s2))
    return ref


def mode_cutoff(v: np.ndarray, alpha: np.ndarray, wf: float, inter: Interaction,
                s2: float = 0.0) -> np.ndarray:
    """For each speed, the mode frequency above which Eq. (33)'s terms may be skipped.

    A root with omega <= 1 + v / alpha always exists (f changes sign between -1/r and the
    integer m in [-(1 + r)/r, -1/r], r = v/alpha, where omega = 1). Above the returned
    omega the potential's Fourier envelope (a non-increasing bound on |Phi_k|,
    ``Interaction._fourier_envelope``) bounds every mode's weight by e^-:data:`SKIPPED`
    times the largest weight among those low modes, as the Gaussian's closed form skips its
    modes (the spectral factor 1/|alpha omega'/v + 1| left out in both). omega_fast
    (nothing skipped) for a potential without an envelope, or where the bound does not fall
    that far within the band. At small v this removes most Brillouin zones: the weight falls
    like e^{-2 h k}, h the potential's distance of analyticity (a Lorentzian's b, a
    channel's offset), k = 2 pi omega / v.
    """
    cut = np.full(v.size, wf)
    if inter._fourier_envelope(np.zeros(1)) is None:
        return cut
    low = 1.0 + v / alpha
    top = _log_bound(inter, v, np.full(v.size, wf), wf, s2)  # the bound at the band top
    # the low modes weigh at most the bound at omega = 1: where the bound at the band top is
    # above e^-SKIPPED of that, nothing can be skipped and the low modes are not looked for
    todo = np.flatnonzero((low < wf)
                          & (top <= _log_bound(inter, v, np.ones(v.size), wf, s2) - SKIPPED))
    if not todo.size:
        return cut
    v, low, top = v[todo], low[todo], top[todo]
    with np.errstate(divide="ignore"):
        floor = np.log(_low_mode_weights(v, alpha[todo], wf, inter, s2)) - SKIPPED
    hi = np.full(todo.size, wf)
    below = _log_bound(inter, v, low, wf, s2) <= floor  # below the floor from low on
    hi[below] = low[below]
    live = np.flatnonzero(~below & (top <= floor))
    a, b, vl, fl = low[live], hi[live], v[live], floor[live]
    for _ in range(20):  # bisection: the bound is below the floor from b on
        mid = 0.5 * (a + b)
        ok = _log_bound(inter, vl, mid, wf, s2) <= fl
        a, b = np.where(ok, a, mid), np.where(ok, mid, b)
    hi[live] = b
    cut[todo] = hi
    return cut
