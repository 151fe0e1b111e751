"""Steady-state loss per chain mass at constant speed (Sec. VI, Eqs. 32, 33).

A particle moving at constant speed v through a chain of spacing alpha excites only the
modes that stay in phase with it from one chain mass to the next, the real roots x_j of
Eq. (32), ``omega(x) + x v / alpha = 0`` (``x = q / 2 pi`` in any Brillouin zone). Eq. (33)
sums their Gaussian-weighted contributions. The roots are bracketed on pieces where the
resonance function is provably monotone and polished by Newton in numba kernels.

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
from chaindrag.params import ParameterError, require_finite, require_omega_fast, require_positive

from ._common import HALVES, check_root_count, half_period_blocks, out, root_buffer_size, scalar
from ._pair import mode_weight, resolve

__all__ = ["steady_state_loss", "steady_state_loss_script_variant", "steady_state_roots"]

_CHUNK = 256  # monotone pieces whose roots are polished together (see _polish)


# --------------------------------------------------------------------------- roots of Eq. (32)
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


# --------------------------------------------------------------------------- Eq. (33)
@njit(cache=True)
def _steady_sums(v, lam, alpha, omega_fast, variant, size):
    """sum_j omega_j^2 e^{-E(omega_j)} / |alpha omega'(x_j)/v + 1| for each element."""
    res = np.empty(v.size)
    buf = np.empty(size)
    a = omega_fast * omega_fast - 1.0
    for i in range(v.size):
        r = v[i] / alpha[i]
        s2 = (2.0 * math.pi * lam[i] / v[i]) ** 2
        # a root with omega <= 1 + r always exists; roots weighted below e^{-60} of it are
        # skipped (at small v only the band bottom absorbs, so this prunes most zones)
        n = _find_roots(r, omega_fast, buf, math.sqrt((1.0 + r) ** 2 + 60.0 / s2))
        tot = 0.0
        for j in range(n):
            w, dw = _band(buf[j], a)
            e = s2 * w * w if variant == 0 else 0.5 * s2 * w * w * w * w
            den = abs(dw + r) / r
            tot += w * w * math.exp(-e) / den if den > 0.0 else math.inf
        res[i] = tot
    return res


@njit(cache=True)
def _mode_block(v, alpha, omega_fast, seg_i, seg_lo, seg_hi, omega, den, owner):
    """Resonant modes of the segments (speed index, half periods [lo, hi)): omega_j,
    |alpha omega'(x_j)/v + 1| and the speed index of each; return the count."""
    a = omega_fast * omega_fast - 1.0
    n = 0
    for s in range(seg_i.size):
        i = seg_i[s]
        r = v[i] / alpha[i]
        start = n
        n = _roots_in_halves(r, omega_fast, seg_lo[s], seg_hi[s], -omega_fast / r, -1.0 / r,
                             omega, n)
        for j in range(start, n):
            w, dw = _band(omega[j], a)  # omega[j] held x_j until here
            omega[j] = w
            den[j] = abs(dw + r) / r
            owner[j] = i
    return n


def _steady_any(v: np.ndarray, alpha: np.ndarray, wf: float, inter: Interaction,
                s2: float = 0.0) -> np.ndarray:
    """Eq. (33) at each speed of 1-d arrays v, alpha, its Phi_k from ``inter``.

    ``s2`` > 0 weights each mode by the Debye-Waller factor exp(-k^2 s2), k = 2 pi omega / v:
    Eq. (33) for the potential averaged over a Gaussian displacement of variance s2.
    """
    res = np.zeros(v.size)
    omega = np.empty(8 * HALVES)  # <= 4 roots per half period, <= 2 HALVES half periods
    den = np.empty(omega.size)
    owner = np.empty(omega.size, dtype=np.int64)
    for seg_i, seg_lo, seg_hi in half_period_blocks(v, alpha, wf):
        n = _mode_block(v, alpha, wf, seg_i, seg_lo, seg_hi, omega, den, owner)
        own = owner[:n]
        weight = mode_weight(inter, v[own], omega[:n])
        if s2 > 0.0:
            with np.errstate(under="ignore"):
                weight = weight * np.exp(-s2 * (2.0 * math.pi * omega[:n] / v[own]) ** 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(den[:n] > 0.0, 0.5 * weight / den[:n], math.inf)
        res += np.bincount(own, weights=term, minlength=v.size)
    return res


def _steady(v, phi0, lam, alpha, omega_fast, variant):
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    require_positive("alpha", alpha)
    v, phi0, lam, alpha = np.broadcast_arrays(*(np.asarray(a, dtype=float)
                                                for a in (v, phi0, lam, alpha)))
    if v.size == 0:
        return np.empty(v.shape)
    check_root_count(v, alpha, wf)
    flat = [np.array(a, dtype=float).ravel() for a in (v, lam, alpha)]  # broadcast views: copy
    size = root_buffer_size(float(np.min(flat[0] / flat[2])), wf)
    sums = _steady_sums(flat[0], flat[1], flat[2], wf, variant, size).reshape(v.shape)
    return out(16.0 * math.pi**5 * phi0**2 * lam**2 / v**4 * sums)


def steady_state_loss(v, phi0=None, lam=None, alpha=None, omega_fast: float = 10.0, *,
                      interaction: Interaction | None = None):
    """Mean energy lost per chain mass passed at constant speed in the steady state, Eq. (33).

    Parameters
    ----------
    v : array_like
        Particle speed, > 0.
    phi0, lam : array_like
        Gaussian amplitude (any sign) and width (> 0).
    alpha : array_like
        Chain spacing, > 0 (required).
    omega_fast : float
        Band top, > 1.
    interaction : Interaction, optional
        Any pair potential of :mod:`chaindrag.interactions` instead of ``phi0, lam``
        (keyword only; a :class:`~chaindrag.interactions.Gaussian` takes the Gaussian path).

    Returns
    -------
    float or ndarray
        Delta_bar(v), broadcast over the array arguments; ``inf`` exactly at a tangency speed
        and rounding noise one ulp from it (7e6 for 0.011 next to 61.61 at Fig. 8's values).

    Raises
    ------
    chaindrag.params.ParameterError
        For bad arguments: alpha missing, neither or both of (phi0, lam) and ``interaction``.

    Examples
    --------
    >>> from chaindrag.interactions import Gaussian
    >>> steady_state_loss(30.0, 2.0, 4.0, 40.0) == steady_state_loss(
    ...     30.0, alpha=40.0, interaction=Gaussian(2.0, 4.0))
    True

    Notes
    -----
    Eq. (33) reads::

        Delta_bar = (1/2) sum_j [4 pi^2 omega(x_j) / v^2 Phi_hat(2 pi omega(x_j) / v)]^2
                    / abs(alpha omega'(x_j) / v + 1),

    with x_j all real roots of ``omega(x) + x v / alpha = 0`` (Eq. 32),
    ``omega(x) = sqrt(1 + (omega_fast^2 - 1) sin^2(pi x))`` (every Brillouin zone; the roots
    lie in ``[-alpha omega_fast / v, -alpha / v]``). For the Gaussian,
    ``Phi_hat(p) = phi0 lam sqrt(2 pi) e^{-p^2 lam^2 / 2}`` (:func:`gaussian_fourier`), so
    each term is ``16 pi^5 phi0^2 lam^2 omega_j^2 / v^4 e^{-4 pi^2 lam^2 omega_j^2 / v^2}``
    divided by ``abs(alpha omega'(x_j) / v + 1)``.

    The roots are found by bracketing on pieces where f is provably monotone (split at the
    half periods, the inflection points of omega and the critical points of f), then
    Newton from the root at the line's height held fixed (bisection where that fails),
    compiled with numba. Roots whose Gaussian weight is below ``e^{-60}``
    times that of the lowest-omega root (``omega <= 1 + v/alpha`` always exists) are
    skipped: a relative change below 1e-23 that makes small v fast. Delta_bar diverges (as
    an inverse square root) at the tangency speeds of
    :func:`~chaindrag.analytic.spike_speeds`, where two roots merge.

    For any other potential Phi_k comes from the interaction and every root is kept (no
    weight is known in advance); the roots are found in blocks of at most 2^19 half
    Brillouin zones, so memory stays bounded however small v / alpha.
    """
    phi0, lam, inter = resolve(phi0, lam, interaction)
    if alpha is None:
        raise ParameterError("alpha missing: Eq. (33) needs the chain spacing alpha > 0")
    if inter is None:
        return _steady(v, phi0, lam, alpha, omega_fast, 0)
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_positive("alpha", alpha)
    v, alpha = np.broadcast_arrays(np.asarray(v, dtype=float), np.asarray(alpha, dtype=float))
    check_root_count(v, alpha, wf)
    flat = [np.array(a, dtype=float).ravel() for a in (v, alpha)]  # broadcast views: copy
    return out(_steady_any(flat[0], flat[1], wf, inter).reshape(v.shape))


def steady_state_loss_script_variant(v, phi0, lam, alpha, omega_fast: float = 10.0):
    """Eq. (33) with the authors' script exponent -2 pi^2 lam^2 omega^4 / v^2.

    Parameters are those of :func:`~chaindrag.analytic.steady_state_loss`.

    Returns
    -------
    float or ndarray
        The script's Delta_bar(v).

    Notes
    -----
    Identical to :func:`~chaindrag.analytic.steady_state_loss` except that
    ``e^{-4 pi^2 lam^2 omega_j^2 / v^2}`` is replaced by ``e^{-2 pi^2 lam^2 omega_j^4 / v^2}``,
    the form in the public script (see figures.md). It is not the Fourier transform of the
    Gaussian; it is provided only so that the published Fig. 8(c) can be compared with the
    derived Eq. (33). Near the band bottom (``omega ~ 1``) the ratio script / derived is
    ``~e^{2 pi^2 lam^2 / v^2}``.
    """
    return _steady(v, phi0, lam, alpha, omega_fast, 1)


def steady_state_roots(v: float, alpha: float, omega_fast: float = 10.0) -> np.ndarray:
    """The resonant modes x_j of Eq. (33) at one speed: sorted roots of Eq. (32).

    Parameters
    ----------
    v : float
        Particle speed, > 0.
    alpha : float
        Chain spacing, > 0.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    ndarray
        All real roots of ``omega(x) + x v / alpha = 0``, ascending. ``x = q / 2 pi`` counts
        Brillouin zones; every root lies in ``[-alpha omega_fast / v, -alpha / v]``.
    """
    wf = require_omega_fast(omega_fast)
    v = scalar("v", v, require_positive)
    alpha = scalar("alpha", alpha, require_positive)
    check_root_count(v, alpha, wf)
    r = v / alpha
    buf = np.empty(root_buffer_size(r, wf))
    n = _find_roots(r, wf, buf, math.inf)
    return np.sort(buf[:n])
