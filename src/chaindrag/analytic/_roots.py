"""Vectorised bracketing root finder of :mod:`chaindrag.analytic` (private)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def itp_brackets(func: Callable, lo, hi, f_lo, f_hi, *, rtol: float = 1e-15,
                 kappa1: float = 0.2, kappa2: float = 2.0, n0: int = 1) -> tuple:
    """Shrink brackets of sign changes of ``func``, all at once: ITP steps from an
    Anderson-Bjorck regula-falsi point.

    ITP (interpolate, truncate, project: I. F. D. Oliveira and R. H. C. Takahashi, "An
    enhancement of the bisection method average performance preserving minmax optimality",
    ACM Trans. Math. Softw. 47, 5 (2020)) moves an interpolated point ``kappa1 / w_0
    w^kappa2`` towards the midpoint (w the bracket width, w_0 the initial one) and keeps it
    within a radius of the midpoint that leaves it at most ``n0`` steps behind bisection,
    whatever the interpolation: on a jump or any other sign change it takes at most
    bisection's step count + ``n0``. The interpolation is regula falsi with the
    Anderson-Bjorck scaling of an end kept twice in a row (N. Anderson and A. Bjorck, BIT 13,
    253 (1973)), superlinear also where the curve bends strongly across the bracket (next to
    a spike of Eq. 33, where plain regula falsi or ITP's own interpolation converge
    linearly); the truncation is at least a quarter of the final width, so that a point that
    lands on the root closes the bracket from the other side in one more step (as Brent's
    method's minimum step).

    Parameters
    ----------
    func : callable
        Elementwise: array of points -> array of values. Called once a step, with one point
        for each bracket not yet converged (only those).
    lo, hi : array_like
        Bracket ends, ``lo < hi``, 1-d.
    f_lo, f_hi : array_like
        ``func`` at the ends: nonzero, of opposite signs (an infinite value is allowed: the
        step is then ITP's midpoint-bound one).
    rtol : float
        A bracket has converged when ``hi - lo <= rtol * max(|lo|, |hi|)`` (of the initial
        bracket); 1e-15 is 4.5 to 9 units in the last place.
    kappa1, kappa2, n0 : float, float, int
        ITP's truncation ``kappa1 / w_0 * w^kappa2`` (kappa2 in [1, 2.618)) and its slack
        ``n0 >= 0`` over bisection; the defaults are the paper's recommendation.

    Returns
    -------
    tuple
        ``(lo, hi, f_lo, f_hi, calls)``: the converged brackets, ``func`` at their ends (a
        point where ``func`` is exactly 0 gives ``lo = hi`` there; a NaN value takes the
        place of ``f_hi``'s sign), and the number of calls of ``func``, at most
        ``ceil(log2(w_0 / (rtol max(|lo|, |hi|)))) + n0`` for the relatively widest bracket.
    """
    a, b = np.array(lo, dtype=float), np.array(hi, dtype=float)
    norm = -np.sign(np.asarray(f_lo, dtype=float))  # work with ya < 0 < yb
    ya, yb = norm * np.asarray(f_lo, dtype=float), norm * np.asarray(f_hi, dtype=float)
    wa, wb = ya.copy(), yb.copy()  # the values regula falsi interpolates (Anderson-Bjorck)
    last = np.zeros(a.size)  # the end the latest step replaced: -1 lo, +1 hi
    tol = 0.5 * rtol * np.maximum(np.abs(a), np.abs(b))  # ITP's epsilon: half the width
    width0 = b - a
    n_max = np.ceil(np.log2(np.maximum(width0 / (2.0 * tol), 1.0))) + n0
    k1 = kappa1 / np.where(width0 > 0, width0, 1.0)
    calls = 0
    while True:
        # ITP's bound: after n_max steps the width is 2 tol (+ a few ulps of rounding)
        act = np.flatnonzero((b - a > 2.0 * tol) & (calls < n_max))
        if not act.size:
            break
        aa, bb, w = a[act], b[act], b[act] - a[act]
        mid = 0.5 * (aa + bb)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            x_f = (wb[act] * aa - wa[act] * bb) / (wb[act] - wa[act])  # interpolate
        x_f = np.where(np.isfinite(x_f) & (x_f >= aa) & (x_f <= bb), x_f, mid)
        side = np.sign(mid - x_f)
        delta = np.maximum(k1[act] * w**kappa2, 0.5 * tol[act])
        x_t = np.where(delta <= np.abs(mid - x_f), x_f + side * delta, mid)  # truncate
        r = tol[act] * 2.0 ** (n_max[act] - calls) - 0.5 * w
        x = np.where(np.abs(x_t - mid) <= r, x_t, mid - side * r)  # project
        x = np.where((x > aa) & (x < bb), x, mid)  # rounding at a few ulps
        y = norm[act] * np.asarray(func(x), dtype=float)
        calls += 1
        _update(act, x, y, a, b, ya, yb, wa, wb, last)
    return a, b, norm * ya, norm * yb, calls


def _update(act, x, y, a, b, ya, yb, wa, wb, last) -> None:
    """Replace the end of each active bracket whose sign ``y`` has; a zero closes it.

    Anderson-Bjorck: when the same end is replaced twice in a row, the kept end's
    interpolation value is scaled by ``m = 1 - y / y_replaced`` (1/2 if that is <= 0).
    """
    left, zero = y < 0.0, y == 0.0
    right = ~left & ~zero  # y > 0 or NaN
    with np.errstate(divide="ignore", invalid="ignore"):
        m_b = 1.0 - y / ya[act]  # scales wb when lo is replaced again
        m_a = 1.0 - y / yb[act]
    m_b = np.where(np.isfinite(m_b) & (m_b > 0.0), m_b, 0.5)
    m_a = np.where(np.isfinite(m_a) & (m_a > 0.0), m_a, 0.5)
    again = last[act]
    wb[act] = np.where(left & (again < 0), wb[act] * m_b, wb[act])
    wa[act] = np.where(right & (again > 0), wa[act] * m_a, wa[act])
    for end, val, wgt, hit in ((a, ya, wa, left | zero), (b, yb, wb, right | zero)):
        end[act] = np.where(hit, x, end[act])
        val[act] = np.where(hit, y, val[act])
        wgt[act] = np.where(hit, y, wgt[act])
    last[act] = np.where(left, -1.0, np.where(right, 1.0, 0.0))
