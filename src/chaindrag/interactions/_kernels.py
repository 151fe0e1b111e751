"""Numba kernels: one compiled force loop for every pair potential.

A potential reaches the kernels as an integer ``kind`` and a float64 parameter array
``params`` (from :meth:`Interaction.kernel_args`), so a solver loop compiled once (and
cached on disk by numba) serves every potential: no closures, no recompilation.

Parameter layouts (``params[i]``; u is the separation sigma - alpha g - rho_g):

============  =========================================================================
kind          params
============  =========================================================================
GAUSSIAN      phi0, lam, 1/lam^2
LORENTZIAN    A, 1/b^2
MORSE         sD, a, r0, h^2, 2 a sD (sD = sign D: D, or -D for -Phi)
LENNARD_JONES 4 se, s^2, h^2, 24 se (se = sign epsilon)
YUKAWA        Q, 1/screening_length, h^2
TABULATED     1/dx, n, then (Phi(j dx), dx Phi'(j dx)) for j = 0..n (cubic Hermite table)
============  =========================================================================
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import njit
from ._kinds import FORCE_FLOOR, GAUSSIAN, LENNARD_JONES, LORENTZIAN, MORSE, YUKAWA


@njit(cache=True, inline="always")
def _tabulated(params, u):
    """Cubic Hermite interpolation of an even Phi tabulated on |u| (layout above)."""
    t = abs(u) * params[0]
    if t >= params[1]:
        return 0.0, 0.0
    i = int(t)
    s = t - i
    j = 2 + 2 * i
    v0 = params[j]
    m0 = params[j + 1]
    dv = params[j + 2] - v0
    m1 = params[j + 3]
    c2 = 3.0 * dv - 2.0 * m0 - m1
    c3 = m0 + m1 - 2.0 * dv
    e = v0 + s * (m0 + s * (c2 + s * c3))
    f = (m0 + s * (2.0 * c2 + 3.0 * s * c3)) * params[0]
    if u < 0.0:
        f = -f
    return e, f


@njit(cache=True, inline="always")
def _distance(kind, params, u):
    """r = sqrt(u^2 + h^2) of a MORSE or YUKAWA pair term."""
    return math.sqrt(u * u + (params[3] if kind == MORSE else params[2]))


@njit(cache=True, inline="always")
def _exponential(kind, params, r):
    """The one exponential of a MORSE or YUKAWA pair term, at distance r."""
    if kind == MORSE:
        return math.exp(-params[1] * (r - params[2]))
    return math.exp(-r * params[1])


@njit(cache=True, inline="always")
def _channel_terms(kind, params, u, r, ex):
    """(Phi(u), dPhi/du) of a MORSE or YUKAWA pair term from r and ex = _exponential(r)."""
    if kind == MORSE:
        return params[0] * ex * (ex - 2.0), params[4] * ex * (1.0 - ex) * u / r
    inv_r = 1.0 / r
    e = params[0] * ex * inv_r
    return e, -e * (params[1] + inv_r) * u * inv_r


# inline="always": numba inlines the branch into the caller's loop, where LLVM hoists the
# (loop-invariant) kind test; as a plain call the Gaussian cost 17% more than its own loop.
@njit(cache=True, inline="always")
def pair_energy_force(kind, params, u):
    """Return (Phi(u), dPhi/du) of the potential ``kind`` with parameters ``params``.

    dPhi/du is the force on the chain mass (the particle feels its negative). The Gaussian
    branch performs exactly the operations of the solvers' historical loop, so results
    are bit-identical to it.
    """
    if kind == GAUSSIAN:
        e = params[0] * math.exp(-0.5 * u * u * params[2])
        return e, -u * params[2] * e
    if kind == LORENTZIAN:
        d = 1.0 / (1.0 + u * u * params[1])
        e = params[0] * d
        return e, -2.0 * u * params[1] * d * e
    if kind == MORSE or kind == YUKAWA:
        r = _distance(kind, params, u)
        return _channel_terms(kind, params, u, r, _exponential(kind, params, r))
    if kind == LENNARD_JONES:
        inv_r2 = 1.0 / (u * u + params[2])
        q = params[1] * inv_r2
        q3 = q * q * q
        return params[0] * q3 * (q3 - 1.0), params[3] * u * inv_r2 * q3 * (1.0 - 2.0 * q3)
    return _tabulated(params, u)


@njit(cache=True, inline="always")
def _channel_visit(kind, params, s, x, first_site, alpha, lo, hi, sites, forces, count, energy):
    """MORSE or YUKAWA terms of a particle at ``s`` with masses lo..hi: (count, energy, force).

    The same operations per mass as :func:`pair_energy_force` (the same bits), in three
    passes: the distances, then the exponentials in a loop of their own (the calls of exp
    overlap instead of each waiting on its sqrt: ~40% off the cost per mass), then the
    terms. The passes park r in ``forces`` and the exponential in ``sites`` (viewed as
    float64) from index ``count`` on; a pair goes to index ``count`` <= count0 + j, after
    entry j was read.
    """
    n = hi - lo + 1
    dist = forces[count:count + n]
    expo = sites.view(np.float64)[count:count + n]
    xs = x[lo - first_site:hi - first_site + 1]
    for j in range(n):
        u = s - alpha * (lo + j) - xs[j]
        dist[j] = _distance(kind, params, u)
    for j in range(n):
        expo[j] = _exponential(kind, params, dist[j])
    fp = 0.0
    for j in range(n):
        u = s - alpha * (lo + j) - xs[j]
        e, f = _channel_terms(kind, params, u, dist[j], expo[j])
        energy += e
        if abs(f) > FORCE_FLOOR:
            sites[count] = lo + j
            forces[count] = f
            count += 1
            fp -= f
    return count, energy, fp


@njit(cache=True, inline="always")
def _other_forces(sigma, x, first_site, alpha, kind, params, reach, sites, forces, fpart):
    """:func:`interaction_forces` for every kind but the Gaussian: masses within the reach."""
    n_part = sigma.size
    fpart[:] = 0.0
    energy = 0.0
    count = 0
    g_min = 1 << 62
    g_max = -(1 << 62)
    for p in range(n_part):
        s = sigma[p]
        g_lo = int(math.ceil((s - reach) / alpha))
        g_hi = int(math.floor((s + reach) / alpha))
        g_min = min(g_min, g_lo)
        g_max = max(g_max, g_hi)
        lo = max(g_lo, first_site)
        hi = min(g_hi, first_site + x.size - 1)
        if kind == MORSE or kind == YUKAWA:
            count, energy, fpart[p] = _channel_visit(kind, params, s, x, first_site, alpha, lo,
                                                     hi, sites, forces, count, energy)
            continue
        for g in range(lo, hi + 1):
            u = s - alpha * g - x[g - first_site]
            e, f = pair_energy_force(kind, params, u)
            energy += e
            if abs(f) > FORCE_FLOOR:
                sites[count] = g
                forces[count] = f
                count += 1
                fpart[p] -= f
    return count, fpart, energy, g_min, g_max


@njit(cache=True)
def interaction_forces(sigma, x, first_site, alpha, kind, params, reach, sites, forces, fpart):
    """Pair forces Phi'(sigma_p - alpha g - rho_g) of every particle on nearby chain masses.

    Same contract as the solvers' Gaussian loop, for any potential (``kind``, ``params``):
    ``x[i]`` is rho of site ``first_site + i``. Fills ``sites``/``forces`` with the
    (site, force on the chain mass) pairs whose |force| exceeds the paper's 1e-20 floor and
    returns (count, force on each particle (``fpart``, length sigma.size, overwritten: the
    step loops allocate it once), interaction energy, lowest and highest site index
    touched). The force on the chain mass is +Phi'(u), on the particle -Phi'(u).
    A particle at sigma visits the masses g with |sigma - alpha g| <= ``reach``; the
    Gaussian runs the solvers' historical loop, verbatim (bit-identical), whose window has
    one mass more on each side. ``sites`` and ``forces`` need room for a pair from every
    mass visited.
    """
    if kind != GAUSSIAN:
        return _other_forces(sigma, x, first_site, alpha, kind, params, reach, sites, forces,
                             fpart)
    n_part = sigma.size
    fpart[:] = 0.0
    energy = 0.0
    count = 0
    g_min = 1 << 62
    g_max = -(1 << 62)
    for p in range(n_part):
        s = sigma[p]
        g_lo = int(math.floor((s - reach) / alpha))
        g_hi = int(math.ceil((s + reach) / alpha))
        if g_lo < g_min:
            g_min = g_lo
        if g_hi > g_max:
            g_max = g_hi
        for g in range(g_lo, g_hi + 1):
            i = g - first_site
            if i < 0 or i >= x.size:
                continue
            u = s - alpha * g - x[i]
            e, f = pair_energy_force(GAUSSIAN, params, u)
            energy += e
            if abs(f) > FORCE_FLOOR:
                sites[count] = g
                forces[count] = f
                count += 1
                fpart[p] -= f
    return count, fpart, energy, g_min, g_max


#: :func:`interaction_forces` compiled into the transparent solver's step loop (the same
#: arithmetic, so the same bits): as a call it cost that solver 4 % of a tau = 800 drift run
#: (the chain solver, whose sweep dominates, gains 0.5 %: it keeps the call).
interaction_forces_inline = njit(cache=True, inline="always")(interaction_forces.py_func)


def selection_radius(kind: int, reach: float, alpha: float) -> float:
    """Lattice separation |sigma - alpha g| up to which :func:`interaction_forces` visits a mass.

    ``reach``; the Gaussian's historical loop has one mass more on each side, so every mass
    within ``reach + alpha`` is visited.
    """
    return reach + alpha if kind == GAUSSIAN else reach


@njit(cache=True)
def tabulated_values(params, u, energy, slope):
    """Fill ``energy``/``slope`` with the TABULATED kernel's (Phi, dPhi/du) at every ``u``."""
    for i in range(u.size):
        energy[i], slope[i] = _tabulated(params, u[i])
