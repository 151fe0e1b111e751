"""The chain's energy inside the step loops: kinetic and potential sums, flux through a bond.

The chain energy of a step (``energy=True``) is sum_k (v_k/2pi)^2/2 + rho_k^2/2 + K (rho_{k+1}
- rho_k)^2/2 over the chain solver's active part, or over the transparent solver's window,
evaluated every step. The velocity comes from the central difference u = (rho(b+1) -
rho(b-1)) / (2 delta 2 pi), which :func:`chaindrag.boundary._sweep.sweep_velocity` writes
during the step: for free motion it is S v, and the stencil T = theta/sin(theta) of
:func:`~chaindrag.solvers._common.propagator_stencils` recovers v = 2 pi T * u.

These sums cost more than the step itself, so they are written to vectorise: the
potential as two passes over views, the kinetic sum by :func:`_kinetic8`, which builds
T * u for eight sites from three vector loads and shuffles (as the sweep does) and keeps
the sum of squares in a vector register. Measured on 26 000 sites (2026-12-01): kinetic
0.78 -> 0.47 ns a site; the energy's extra work 1.25 -> 0.75 ns a site (copy, difference
and sums before; now 0.07 in the sweep and 0.68 here); the chain solver's energy-on drift
run 20.1 -> 12.8 s (energy off: 2.5 s).
They are diagnostics: the sums' rounding order is free (fastmath), nothing here feeds back
into the motion.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .._jit import njit
from .._simd import VEC, fma8, load8, require_c_float64, shifted, splat

#: widest T stencil with a vector kernel (d = 12 to 240 at omega_fast = 5 to 20: 2 to 6)
MAX_VECTOR_WIDTH = 8
_BLOCK = 256


def _kinetic_loop(builder, base, tptr, start, stop, w):
    """The vector sum of (T * u)^2 over k = start, start + 8, .. < stop, T of half-width w."""
    idx = start.type
    coef = [splat(builder, builder.load(builder.gep(tptr, [ir.Constant(idx, j)])))
            for j in range(w + 1)]
    acc = cgutils.alloca_once_value(builder, ir.Constant(VEC, [0.0] * 8))
    with cgutils.for_range_slice(builder, start, stop, ir.Constant(idx, 8), idx) as (k, _):
        left, mid, right = (load8(builder, base, k, shift) for shift in (-w, 0, w))
        vel = builder.fmul(coef[0], mid)
        for j in range(1, w + 1):
            lj, rj = shifted(builder, left, mid, right, w, j)
            vel = fma8(builder, coef[j], builder.fadd(lj, rj), vel)
        builder.store(fma8(builder, vel, vel, builder.load(acc)), acc)
    return builder.load(acc)


@intrinsic
def _kinetic8(typingctx, u, t, a, n):
    """sum over sites a .. a + n - 1 (n a multiple of 8) of (T * u)^2, T = t (half-width wt).

    Code is generated for each half-width 1..MAX_VECTOR_WIDTH and chosen by a switch on
    wt = t.size - 1 (other widths give 0: the caller keeps to these). Reads u[a - wt :
    a + n + wt] without bounds checks; the caller guarantees them.
    """
    require_c_float64("_kinetic8", u=u, t=t)
    sig = types.float64(u, t, a, n)

    def codegen(context, builder, sig, args):
        base = context.make_array(sig.args[0])(context, builder, args[0]).data
        tarr = context.make_array(sig.args[1])(context, builder, args[1])
        start, count = args[2], args[3]
        stop = builder.add(start, count)
        vec = cgutils.alloca_once_value(builder, ir.Constant(VEC, [0.0] * 8))
        width = builder.sub(tarr.nitems, ir.Constant(tarr.nitems.type, 1))
        done = builder.append_basic_block("kinetic_done")
        switch = builder.switch(width, done)
        for w in range(1, MAX_VECTOR_WIDTH + 1):
            block = builder.append_basic_block(f"kinetic_w{w}")
            switch.add_case(ir.Constant(width.type, w), block)
            builder.position_at_end(block)
            builder.store(_kinetic_loop(builder, base, tarr.data, start, stop, w), vec)
            builder.branch(done)
        builder.position_at_end(done)
        total = builder.load(vec)
        lanes = [builder.extract_element(total, ir.Constant(ir.IntType(32), i)) for i in range(8)]
        out = lanes[0]
        for lane in lanes[1:]:
            out = builder.fadd(out, lane)
        return out

    return sig, codegen


@njit(cache=True, fastmath=True)
def kinetic(u, t, a, z):
    """sum_k (T * u)_k^2 over k in [a, z): twice the kinetic energy (v = 2 pi T * u).

    Reads u[a - wt : z + wt], wt = t.size - 1 (both arrays contiguous float64).
    """
    wt = t.size - 1
    if wt < 1 or wt > MAX_VECTOR_WIDTH:
        return _kinetic_blocked(u, t, a, z)
    n8 = max(z - a, 0) // 8 * 8
    kin = _kinetic8(u, t, a, n8)
    for k in range(a + n8, z):  # the last < 8 sites
        vel = t[0] * u[k]
        for j in range(1, wt + 1):
            vel += t[j] * (u[k - j] + u[k + j])
        kin += vel * vel
    return kin


@njit(cache=True, fastmath=True)
def _kinetic_blocked(u, t, a, z):
    """:func:`kinetic` for any width: T * u a block at a time, one stencil term per pass."""
    wt = t.size - 1
    vel = np.empty(_BLOCK)
    kin = 0.0
    for k0 in range(a, z, _BLOCK):
        nb = min(_BLOCK, z - k0)
        m = u[k0:k0 + nb]
        for k in range(nb):
            vel[k] = t[0] * m[k]
        for j in range(1, wt + 1):
            tj = t[j]
            lj = u[k0 - j:k0 - j + nb]
            rj = u[k0 + j:k0 + j + nb]
            for k in range(nb):
                vel[k] += tj * (lj[k] + rj[k])
        for k in range(nb):
            kin += vel[k] * vel[k]
    return kin


@njit(cache=True, fastmath=True)
def potential(x, a, z, m, kspring):
    """sum_{k in [a, z)} x_k^2 + kspring sum_{k in [a, m)} (x_{k+1} - x_k)^2 (twice the energy)."""
    pot = 0.0
    xs = x[a:z]
    for k in range(z - a):
        pot += xs[k] * xs[k]
    left = x[a:m]
    right = x[a + 1:m + 1]
    springs = 0.0
    for k in range(m - a):
        dx = right[k] - left[k]
        springs += dx * dx
    return pot + kspring * springs


@njit(cache=True, fastmath=True)
def central_difference(x_new, u, lo, hi, inv2d):
    """u[lo:hi] <- (x_new - u) * inv2d: rho(b-1) on entry, u of step b on exit."""
    xn = x_new[lo:hi]
    uu = u[lo:hi]
    for k in range(hi - lo):
        uu[k] = (xn[k] - uu[k]) * inv2d


@njit(cache=True)
def chain_energy(x_cur, u, t, lo, hi, kspring):
    """Chain energy at step b over the chain solver's active part [lo, hi).

    ``u[lo:hi]`` holds the central difference of step b, with wt zeros on either side: the
    velocity stencil reads there (energy mode never freezes sites, so the active part only
    grows and those sites are at rest). Springs from lo - 1 to hi count.
    """
    wt = t.size - 1
    return 0.5 * (potential(x_cur, lo - 1, hi, hi, kspring) + kinetic(u, t, lo - wt, hi + wt))


@njit(cache=True)
def window_energy(x_cur, u, t, lo, hi, kspring):
    """Chain energy of sites [lo + wt, hi - wt) at step b, as the chain solver computes it.

    ``u[lo:hi]`` holds the central difference of step b; the velocity of a window site is
    T * u, which reads wt sites on either side. Springs between two window sites count,
    the outer ones not.
    """
    wt = t.size - 1
    a, z = lo + wt, hi - wt
    return 0.5 * (potential(x_cur, a, z, z - 1, kspring) + kinetic(u, t, a, z))


@njit(cache=True)
def out_power(x_cur, u, t, m, step, kspring):
    """Energy per unit tau leaving the sites on m's side through the bond (m, m + step).

    The spring does work K (rho_{m+step} - rho_m) v_m on site m (v = 2 pi T * u).
    """
    vel = t[0] * u[m]
    for j in range(1, t.size):
        vel += t[j] * (u[m - j] + u[m + j])
    return -kspring * (x_cur[m + step] - x_cur[m]) * (2.0 * math.pi * vel)


def cumulative_integral(p: np.ndarray) -> np.ndarray:
    """int_0^b p (unit step) at every b: trapezoid with Gregory's end corrections to 4th order.

    The outflow oscillates at up to 2 omega_fast (w delta ~ 0.2 at d = 60), where the plain
    trapezoid errs by (w delta)^2/12 ~ 4e-3 of the oscillation; the corrections (from
    backward differences at b, the chain at rest before step 0) bring it to ~1e-8.
    """
    gone = np.concatenate([[0.0], np.cumsum(0.5 * (p[1:] + p[:-1]))])
    padded = np.concatenate([np.zeros(4), p])
    for k, coef in enumerate((1.0 / 12.0, 1.0 / 24.0, 19.0 / 720.0, 3.0 / 160.0), start=1):
        start = np.diff(p[:k + 1], k)[0] if p.size > k else 0.0
        gone -= coef * (np.diff(padded, k)[4 - k:] + (-1) ** k * start)
    gone[0] = 0.0
    return gone
