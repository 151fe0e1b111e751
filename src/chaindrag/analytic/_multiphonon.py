"""Numba kernels of :mod:`chaindrag.analytic.thermal_drag`: multi-phonon absorption integrals.

The m-phonon term of Eq. (33) on a thermal chain (m = 2, 3) is pi c_m int dk k^(2m+1)
|Phi_k|^2 < sum delta(2 pi (omega_q +- omega_p1 +- ...) - k v) prod_i w(p_i) / omega_q >
over the torus of (q, p_1, ..., p_{m-1}), the last momentum fixed by q + sum p = k alpha
(mod 2 pi), w = epsilon / omega^2, c_2 = 1/2, c_3 = 1/8 (from G C^(m-1) / (m-1)!, the
products of sines and cosines). The delta function is integrated by the linear
tetrahedron method of densities of states: triangles for m = 2, tetrahedra for m = 3.

On a grid of n cells per side the momenta are q_i = -pi + i h (h = 2 pi / n), so every
corner's k = (sum of momenta + 2 pi G) / alpha lies on a lattice: k = m h / alpha for two
phonons, m h / (2 alpha) for three (-3 pi is a half step when n is odd). The kernels take
the potential as a table of k^(2m+1) |Phi_k|^2 e^{-k^2 <rho^2>} on that lattice for k >= 0
(odd in k, as Phi_k is even); a corner beyond the table's end counts 0: the caller cuts it
where the weight has fallen below e^{-CUT} of its largest value.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import njit

#: Weights below e^{-CUT} of the largest are left out of the tables.
CUT = 80.0


@njit(cache=True)
def _delta_on_triangle(g1, f1, g2, f2, g3, f3, area):
    """Integral of f delta(g) over a triangle on which g and f are linear (vertex values).

    The zero line of g crosses two edges; the integral is the length over |grad g| (the
    density-of-states formula) times f at the segment's midpoint, exact for linear f.
    """
    if g1 > g2:
        g1, g2, f1, f2 = g2, g1, f2, f1
    if g2 > g3:
        g2, g3, f2, f3 = g3, g2, f3, f2
    if g1 > g2:
        g1, g2, f1, f2 = g2, g1, f2, f1
    if g1 >= 0.0 or g3 <= 0.0:
        return 0.0
    t13 = -g1 / (g3 - g1)
    if g2 > 0.0:  # the segment joins edges 1-2 and 1-3
        t12 = -g1 / (g2 - g1)
        f_mid = f1 + 0.5 * (t12 * (f2 - f1) + t13 * (f3 - f1))
        return 2.0 * area * (-g1) / ((g2 - g1) * (g3 - g1)) * f_mid
    t23 = -g2 / (g3 - g2)  # edges 1-3 and 2-3
    f_mid = 0.5 * (f1 + t13 * (f3 - f1) + f2 + t23 * (f3 - f2))
    return 2.0 * area * g3 / ((g3 - g1) * (g3 - g2)) * f_mid


@njit(cache=True)
def _mode_energy(omega, temp, quantum):
    if not quantum:
        return temp
    if temp == 0.0:
        return 0.5 * omega
    return 0.5 * omega / math.tanh(0.5 * omega / temp)


@njit(cache=True)
def _band_grid(n, omega_fast, temp, quantum):
    """Grid q_i = -pi + 2 pi i / n (i = 0..n), omega(q_i) and epsilon(omega) / omega^2."""
    b = omega_fast * omega_fast - 1.0
    q = np.empty(n + 1)
    w = np.empty(n + 1)
    e = np.empty(n + 1)
    for i in range(n + 1):
        q[i] = -math.pi + 2.0 * math.pi * i / n
        s = math.sin(0.5 * q[i])
        w[i] = math.sqrt(1.0 + b * s * s)
        e[i] = _mode_energy(w[i], temp, quantum) / (w[i] * w[i])
    return q, w, e


@njit(cache=True, inline="always")
def _weight(table, m):
    """The weight at lattice index m (k = m times the step): odd in k (k^(2m+1) |Phi_k|^2,
    Phi_k even), 0 beyond the table's end."""
    if abs(m) >= table.size:
        return 0.0
    return table[m] if m >= 0 else -table[-m]


def table_index_step(n: int, phonons: int, alpha: float) -> float:
    """The k step of the weight table of the ``phonons``-phonon kernel on an n-cell grid."""
    return 2.0 * math.pi / n / alpha / (1.0 if phonons == 2 else 2.0)


@njit(cache=True)
def two_phonon(v, table, alpha, omega_fast, temp, quantum, n):
    """(pi/2) int dk k^5 |Phi_k|^2 <...>_q; ``table``: k^5 |Phi_k|^2 e^{-k^2 s^2}, k = m h / alpha.

    Sum over the two branches, the cells of an n x n grid of (q, p) in [-pi, pi)^2 (two
    triangles each) and every Brillouin zone G of k = (q + p + 2 pi G) / alpha whose root
    set g_G = 2 pi (omega_q +- omega_p) - k v = 0 meets the cell; the smooth factor is taken
    interpolated linearly on each triangle. dk dq / 2 pi = dq dp / (2 pi alpha).
    """
    h = 2.0 * math.pi / n
    q, w, e = _band_grid(n, omega_fast, temp, quantum)
    zone = 2.0 * math.pi * v / alpha  # g_G = g_0 - G zone
    area = 0.5 * h * h
    tot = 0.0
    for branch in (1.0, -1.0):
        for i in range(n):
            for j in range(n):
                ga = 2.0 * math.pi * (w[i] + branch * w[j]) - v * (q[i] + q[j]) / alpha
                gb = 2.0 * math.pi * (w[i + 1] + branch * w[j]) - v * (q[i + 1] + q[j]) / alpha
                gc = 2.0 * math.pi * (w[i] + branch * w[j + 1]) - v * (q[i] + q[j + 1]) / alpha
                gd = (2.0 * math.pi * (w[i + 1] + branch * w[j + 1])
                      - v * (q[i + 1] + q[j + 1]) / alpha)
                lo = min(min(ga, gb), min(gc, gd))
                hi = max(max(ga, gb), max(gc, gd))
                for g in range(int(math.ceil(lo / zone)), int(math.floor(hi / zone)) + 1):
                    m0 = i + j + n * (g - 1)  # k alpha / h at corner a
                    if min(abs(m0), abs(m0 + 2)) >= table.size:
                        continue
                    fa = _weight(table, m0) * e[j] / w[i]
                    fb = _weight(table, m0 + 1) * e[j] / w[i + 1]
                    fc = _weight(table, m0 + 1) * e[j + 1] / w[i]
                    fd = _weight(table, m0 + 2) * e[j + 1] / w[i + 1]
                    off = g * zone
                    tot += (_delta_on_triangle(ga - off, fa, gb - off, fb, gd - off, fd, area)
                            + _delta_on_triangle(ga - off, fa, gc - off, fc, gd - off, fd, area))
    return 0.5 * math.pi * tot / (2.0 * math.pi * alpha)


@njit(cache=True, inline="always")
def _sort2(a, b, fa, fb):
    if a > b:
        return b, a, fb, fa
    return a, b, fa, fb


@njit(cache=True)
def _delta_on_tetrahedron(g1, f1, g2, f2, g3, f3, g4, f4, vol):
    """Integral of f delta(g) over a tetrahedron on which g is linear (vertex values).

    The cross-section's measure over |grad g| (Bloechl's density-of-states weights) times f
    averaged over the points where the zero surface cuts the edges.
    """
    g1, g2, f1, f2 = _sort2(g1, g2, f1, f2)
    g3, g4, f3, f4 = _sort2(g3, g4, f3, f4)
    g1, g3, f1, f3 = _sort2(g1, g3, f1, f3)
    g2, g4, f2, f4 = _sort2(g2, g4, f2, f4)
    g2, g3, f2, f3 = _sort2(g2, g3, f2, f3)
    if g1 >= 0.0 or g4 <= 0.0:
        return 0.0
    gs = (g1, g2, g3, g4)
    fs = (f1, f2, f3, f4)
    total = 0.0
    cuts = 0
    for i in range(4):
        for j in range(i + 1, 4):
            if (gs[i] < 0.0) != (gs[j] < 0.0):
                t = -gs[i] / (gs[j] - gs[i])
                total += fs[i] + t * (fs[j] - fs[i])
                cuts += 1
    if g2 > 0.0:
        d = 3.0 * vol * g1 * g1 / ((g2 - g1) * (g3 - g1) * (g4 - g1))
    elif g3 > 0.0:
        d = 3.0 * vol / ((g3 - g1) * (g4 - g1)) * (
            (g2 - g1) - 2.0 * g2 - ((g3 - g1) + (g4 - g2)) * g2 * g2 / ((g3 - g2) * (g4 - g2)))
    else:
        d = 3.0 * vol * g4 * g4 / ((g4 - g1) * (g4 - g2) * (g4 - g3))
    return d * total / cuts


# the six tetrahedra of a cube around its diagonal 0-7 (corner c = bits (i, j, l))
_TETRAHEDRA = np.array([[0, 1, 3, 7], [0, 1, 5, 7], [0, 2, 3, 7], [0, 2, 6, 7], [0, 4, 5, 7],
                        [0, 4, 6, 7]])


@njit(cache=True)
def three_phonon(v, table, alpha, omega_fast, temp, quantum, n):
    """(pi/8) int dk k^7 |Phi_k|^2 <...>_(q, p1); ``table``: k^7 |Phi_k|^2 e^{...}, k = m h/2 alpha.

    The (q, p1, p2) torus on an n^3 grid, six tetrahedra per cube, every Brillouin zone G of
    k = (q + p1 + p2 + 2 pi G) / alpha whose root set 2 pi (omega_q + s1 omega_p1 + s2
    omega_p2) - k v = 0 meets the cube, the four sign pairs (s1, s2).
    dk dq dp1 / (2 pi)^2 = dq dp1 dp2 / ((2 pi)^2 alpha).
    """
    h = 2.0 * math.pi / n
    q, w, e = _band_grid(n, omega_fast, temp, quantum)
    zone = 2.0 * math.pi * v / alpha
    vol = h * h * h / 6.0
    g = np.empty(8)
    f = np.empty(8)
    tot = 0.0
    for s1 in (1.0, -1.0):
        for s2 in (1.0, -1.0):
            for i in range(n):
                for j in range(n):
                    for m in range(n):
                        lo = 1e300
                        hi = -1e300
                        for c in range(8):
                            a, bb, cc = i + (c & 1), j + ((c >> 1) & 1), m + ((c >> 2) & 1)
                            g[c] = (2.0 * math.pi * (w[a] + s1 * w[bb] + s2 * w[cc])
                                    - v * (q[a] + q[bb] + q[cc]) / alpha)
                            lo = min(lo, g[c])
                            hi = max(hi, g[c])
                        for zg in range(int(math.ceil(lo / zone)), int(math.floor(hi / zone)) + 1):
                            m0 = 2 * (i + j + m) + n * (2 * zg - 3)  # 2 k alpha / h at corner 0
                            if min(abs(m0), abs(m0 + 6)) >= table.size:
                                continue
                            for c in range(8):
                                a, bb, cc = i + (c & 1), j + ((c >> 1) & 1), m + ((c >> 2) & 1)
                                f[c] = (_weight(table, m0 + 2 * (a + bb + cc - i - j - m))
                                        * e[bb] * e[cc] / w[a])
                            off = zg * zone
                            for t in range(6):
                                c0, c1, c2, c3 = (_TETRAHEDRA[t, 0], _TETRAHEDRA[t, 1],
                                                  _TETRAHEDRA[t, 2], _TETRAHEDRA[t, 3])
                                tot += _delta_on_tetrahedron(
                                    g[c0] - off, f[c0], g[c1] - off, f[c1], g[c2] - off, f[c2],
                                    g[c3] - off, f[c3], vol)
    return math.pi / 8.0 * tot / ((2.0 * math.pi) ** 2 * alpha)
