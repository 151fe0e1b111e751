"""The exponentials' small decay rates for a finite horizon: a few Gauss nodes, not ~30 per edge.

The DTBC history (:mod:`chaindrag.boundary.compress`) is a trapezoidal rule in v = ln x on
each band edge's leg, x the decay rate, down to x_min ~ 1e-10 so that every lag is
represented. A run of at most H steps uses lags up to H only, where e^{-kx} for x ~< 1/H
is a smooth, slowly varying function of x: the nodes there (~30 per edge at H = 2^19, d = 60)
can give way to a few Gauss nodes in s = sqrt(x) on [0, x_c], with x_c ~ HORIZON_CUT / H.
What the trapezoid's sum above x_c misses at its cut (its Euler-Maclaurin end terms, k
dependent) is added as eight nodes right at the cut. At (10, 60), tol 1e-12: 120
exponentials for H = 2^16 .. 2^20 instead of 152, 128 up to 2^22, 136 for 2^23 (a
tau = 10^4 run), kernel error 4.3e-14 of the peak at every lag up to H (the full rule:
4.4e-14); the tau = 800 drift run (H = 2^19) 5-7 % faster. An impulse on a bare segment
through these ends and through the full rule's differs by 2e-14 .. 2.4e-13 of its peak
after 2^16 .. 2^20 steps (61 and 200 sites; the full rule against the infinite chain:
2.5e-13 after 1e6 steps). This rule is then reduced further where it can be
(:mod:`chaindrag.boundary._reduce`: 64 exponentials for 2^19 steps).

Choices, measured the same way (61 sites, 2^16 .. 2^19 steps). The end terms follow the
map, whose step still varies by ~1e-4 at the cut (taken at a constant step: 2.1e-10 after
2^19 steps, 200 sites); to G^(5) only: 112 exponentials, 2e-13 .. 5.3e-12. x_c is also
kept below X_CUT_ARC arc tol^(2/3), arc = phi_b - phi_a (the tail's weight grows like
(x_c / arc)^(3/2)): without it 104 exponentials at 2^16, but 5.3e-13 (with it 2.9e-14).
At least seven Gauss nodes: five, with the G^(7) term, leave 9.2e-11 after 2^19 steps.
"""

from __future__ import annotations

import math

import numpy as np

HORIZON_CUT = 2.0  # x_c = HORIZON_CUT / H
X_CUT_ARC = 2500.0  # and x_c <= X_CUT_ARC arc tol^(2/3)
HORIZON_GAUSS = 7  # Gauss nodes at least (more to fill the edge's multiple of LANES)
EM_STEP = 0.15  # the end terms' difference step, in the map's t (~0.05 in ln x)
EM_NODES = np.array([-4.0, -3.0, -2.0, -1.0, 1.0, 2.0, 3.0, 4.0])  # at t_c + j EM_STEP


def horizon_cut(horizon: int, arc: float, tol: float, x_min: float) -> float | None:
    """The decay rate x_c below which a ``horizon``'s nodes are Gauss nodes, or None where
    the horizon saves nothing (x_c not above the full rule's ``x_min``) or the band edge's
    sqrt(x) scale is too narrow for the Gauss nodes (x_c not below arc / 1000)."""
    x_cut = min(HORIZON_CUT / horizon, X_CUT_ARC * arc * tol ** (2.0 / 3.0))
    return x_cut if x_min < x_cut < 1e-3 * arc else None


def map_at(v0: float, tau: float, l_bulk: float, dl: float, v_top: float) -> tuple[float, float]:
    """(v, h(v)) a time ``tau`` after v0 on the leg map dv/dt = -h(v) of
    :func:`chaindrag.boundary.compress._leg_rule` (pi^2/h = l_bulk + dl sig(v), sig the
    logistic about v_top).

    t(v) = -(l_bulk v + dl ln(1 + e^(v - v_top))) / pi^2 in closed form; Newton from the
    step at v0.
    """
    def h_at(v):
        return math.pi**2 / (l_bulk + dl / (1.0 + math.exp(v_top - v)))

    def t_of(v):
        return -(l_bulk * v + dl * math.log1p(math.exp(v - v_top))) / math.pi**2

    target, v = t_of(v0) + tau, v0 - tau * h_at(v0)
    for _ in range(4):  # the map is nearly linear: quadratic convergence from ~1e-5
        v += (t_of(v) - target) * h_at(v)
    return v, h_at(v)


def _differences(eps: float) -> np.ndarray:
    """Weights on t = j eps, j = -4..-1, 1..4, of the midpoint rule's end terms at t = 0,
    (1/24) G' - (7/5760) G''' + (31/967680) G^(5) - (127/154828800) G^(7) (Euler-Maclaurin,
    B_2k(1/2) / (2k)!): central differences exact for polynomials of degree < 8."""
    t = EM_NODES * eps
    moments = np.zeros(t.size)
    moments[[1, 3, 5, 7]] = [1.0 / 24.0, -7.0 * 6.0 / 5760.0, 31.0 * 120.0 / 967680.0,
                             -127.0 * 5040.0 / 154828800.0]  # the terms on t^m, m! G^(m)
    return np.linalg.solve(np.vander(t, increasing=True).T, moments)


def horizon_tail(at, v_next: float, n_trapezoid: int, lanes: int):
    """(nodes, weights) that follow a leg's ``n_trapezoid`` trapezoid nodes for a horizon.

    The trapezoid (unit steps in t, ``v_next`` where its next node would be) sums
    G(t) = g(v(t)) h(v(t)), g = x f e^{-kx}, up to t_c, half a step past its last node,
    where x = x_c (``at(v, tau)``: the map's (v, h) a time tau after v). The rest is
    int_0^x_c f e^{-kx} dx by Gauss-Legendre in s = sqrt(x) on [0, sqrt(x_c)] (f(s^2) 2s is
    smooth in s; at least HORIZON_GAUSS nodes, more to fill a multiple of ``lanes``). The
    trapezoid's end terms at t_c depend on k, so no fixed weight on the Gauss nodes
    carries them: they are central differences on eight nodes along the map
    (:func:`_differences`).
    """
    v_c, _ = at(v_next, -0.5)
    x_c = math.exp(v_c)
    n_gauss = HORIZON_GAUSS + (-(n_trapezoid + HORIZON_GAUSS + EM_NODES.size)) % lanes
    t, wt = np.polynomial.legendre.leggauss(n_gauss)
    s, ws = 0.5 * math.sqrt(x_c) * (t + 1.0), 0.5 * math.sqrt(x_c) * wt
    vh = np.array([at(v_c, j * EM_STEP) for j in EM_NODES])
    xj = np.exp(vh[:, 0])
    return (np.concatenate([s**2, xj]),
            np.concatenate([2.0 * s * ws, _differences(EM_STEP) * vh[:, 1] * xj]))
