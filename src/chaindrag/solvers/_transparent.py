"""Chain segment with exact transparent ends: the numba loops of ``solver="transparent"``.

The interior is the chain solver's (:mod:`chaindrag.solvers._chain`): the same sweep, the
same kicks with the S stencil, the same forces and particle integrator, in the same order,
so the two agree to rounding wherever the chain solver's segment is the infinite chain.
The difference is at the segment's ends: the w ghost sites beyond each end are set every
step from the ends' memories (the exact discrete transparent boundary condition of
:mod:`chaindrag.boundary`), so nothing comes back from outside.

Array layout as in the chain solver: ``x[i]`` is rho of site ``first_site + i``; the
segment is ``[lo, hi)`` (array indices), the ghosts ``lo - w .. lo - 1`` and
``hi .. hi + w - 1``. ``dtbc`` = (direct, Re alpha, Im alpha, Re beta, Im beta, Re z, Im z)
(:meth:`~chaindrag.boundary.TransparentEnds.numba_arrays` without c), ``mem`` = (ring,
h_re, h_im) (:class:`~chaindrag.boundary.EndMemory`).

The ends' work (both ends' ghosts and memories, ~8e3 flops a step) weighs like a segment
of a few hundred sites; for the stencil width w = 3 of d = 60 the step loop calls
:func:`chaindrag.boundary._dtbc.ends_step3` before the sweep (both ends' ghosts and
memory updates in one pass over the exponentials, each node's weights loaded once for both
ends); one end alone (an extension's exterior) calls :func:`~chaindrag.boundary._dtbc.end_step3`.
Other widths use the generic :func:`end_ghosts`, :func:`end_push`.
"""

from __future__ import annotations

import math

import numpy as np

from .._borrow import borrowed
from .._jit import njit
from ..boundary._dtbc import end_step3, ends_step3, ghost_values, push_history
from ..boundary._sweep import sweep_velocity
from ..interactions._kernels import interaction_forces_inline
from ._chain import _kicks, _sweep
from ._common import STATUS_DONE, STATUS_NONFINITE, STATUS_REGROW, advance_particles
from ._energy import central_difference, out_power, window_energy


@njit(cache=True)
def end_ghosts(e, b, dtbc, mem, gbuf):
    """Ghosts j = 1..w of end e at step b into ``gbuf[j-1]`` (any w)."""
    ring, hre, him = mem
    ghost_values(e, b, dtbc[0], ring, dtbc[1], dtbc[2], hre, him, gbuf)


@njit(cache=True)
def end_push(e, b, layer, dtbc, mem, sre, sim):
    """End e's memory from step b to b+1; ``layer[i]`` = rho(b) of boundary-layer site i."""
    ring, hre, him = mem
    push_history(e, b, layer, ring, dtbc[3], dtbc[4], dtbc[5], dtbc[6], hre, him, sre, sim)


@njit(cache=True)
def _generic_ghosts(b, x, lo, hi, dtbc, mem, gbuf):
    """Both ends' ghosts at step b beside x[lo:hi], any w (the w = 3 loop inlines its own)."""
    for e in range(2):  # a loop index, not the constants 0, 1: end_ghosts compiled once
        end_ghosts(e, b, dtbc, mem, gbuf)
        for j in range(gbuf.size):
            x[hi + j if e == 0 else lo - 1 - j] = gbuf[j]


@njit(cache=True)
def _generic_push(b, x, lo, hi, saved, layer, dtbc, mem, sre, sim):
    """rho(b) of both boundary layers into the memories, any w: from ``saved`` (the
    response, a thermal chain) if it is not empty, else from x (rho(b))."""
    w = layer.size
    for e in range(2):
        for i in range(w):
            if saved.size:
                layer[i] = saved[e * w + i]
            else:
                layer[i] = x[hi - 1 - i] if e == 0 else x[lo + i]
        end_push(e, b, layer, dtbc, mem, sre, sim)


@njit(cache=True, inline="always")
def _to_response(x, lo, hi, heat, k, saved):
    """Both boundary layers of x minus rho^H (``heat[:, :w, k]``); their values into ``saved``."""
    w = saved.size // 2
    for i in range(w):
        saved[i] = x[hi - 1 - i]
        saved[w + i] = x[lo + i]
        x[hi - 1 - i] -= heat[0, i, k]
        x[lo + i] -= heat[1, i, k]


@njit(cache=True, inline="always")
def _to_total(x, lo, hi, heat, k, saved):
    """Undo :func:`_to_response` (``saved`` gets the response) and add rho^H to the ghosts."""
    w = saved.size // 2
    for i in range(w):
        resp_hi, resp_lo = x[hi - 1 - i], x[lo + i]
        x[hi - 1 - i], x[lo + i] = saved[i], saved[w + i]
        saved[i], saved[w + i] = resp_hi, resp_lo
        x[hi + i] += heat[0, w + i, k]
        x[lo - 1 - i] += heat[1, w + i, k]


def work_size(w: int, n_part: int, n_exp: int) -> int:
    """Doubles of scratch :func:`transparent_steps` needs (:func:`_work_views`)."""
    return 4 * w + 2 * n_part + 2 * n_exp


@njit(cache=True, inline="always")
def _work_views(work, w, n_part, n_exp):
    """gbuf, layer (w each), saved (2 w), sigma, fpart (n_part each), sre, sim (n_exp each)."""
    a, b = 4 * w, 4 * w + n_part
    c, d = b + n_part, b + n_part + n_exp
    return (work[:w], work[w:2 * w], work[2 * w:a], work[a:b], work[b:c], work[c:d],
            work[d:d + n_exp])


@njit(cache=True)
def transparent_steps(b0, b1, x_prev, x_cur, first_site, lo, hi, guard_lo, guard_hi, c, s, t,
                      dtbc, tab, mem, hist, heat, hb0, sig_hist, sig_lo, v0, alpha, kind, params,
                      mu, bias, delta, kspring, reach, dv_limit, v_runaway, prescribed_v,
                      do_energy, e_int, e_win, power, f_hist, rec_idx, rec_every, rec_out, sites,
                      forces, scratch, kick_buf, work):
    """Advance steps b0 .. b1-1 on the segment [lo, hi) with transparent ends.

    As :func:`chaindrag.solvers._chain.chain_steps`, plus: before the sweep of step b the
    ghosts are set from the ends' memories (state b), and rho(b) of both boundary layers
    enters them (w = 3: in the same call, one pass; other widths: after the sweep). A kick
    footprint [g - ws, g + ws] leaving [guard_lo, guard_hi) (array indices) stops the loop
    with STATUS_REGROW before step b changes anything.
    ``hist[e, i, b]`` (if its last axis is not empty) receives rho(b) of boundary-layer site
    i of end e (0 right, 1 left), the data an exact extension needs. A thermal chain
    (``heat`` not empty): ``heat[e, i, b - hb0]`` is the free thermal motion rho^H at step b
    of boundary-layer site i (i < w) and of ghost i - w + 1 (i >= w) of end e; the ends then
    act on the response rho - rho^H (at rest outside before step 0) and rho^H enters through
    the ghosts (:func:`_to_response`, :func:`_to_total`), and ``hist`` keeps the response.
    With ``do_energy``:
    ``e_win[b]`` the window energy (:func:`~chaindrag.solvers._energy.window_energy`) and
    ``power[e, b]`` the energy per unit tau leaving it through end e's side. ``tab`` is
    :func:`~chaindrag.boundary._dtbc.node_table` of ``dtbc`` (w = 3), ``work`` scratch of
    :func:`work_size` doubles. x_prev and x_cur swap every step (an odd number of steps
    leaves rho(b) in the array passed as x_prev). Returns (status, step reached).
    """
    direct, zr = dtbc[0], dtbc[5]  # the rest of dtbc reaches the generic (w != 3) helpers
    ring, hre, him = mem
    w = direct.shape[0]
    n_part = sig_hist.shape[0]
    # borrowed (chaindrag._borrow): the helpers inlined into the step loop bind the arrays
    # they are given at every step; unborrowed, that is ~17 reference-count pairs a step
    x_prev, x_cur, direct, tab = borrowed(x_prev), borrowed(x_cur), borrowed(direct), borrowed(tab)
    ring, hre, him, heat = borrowed(ring), borrowed(hre), borrowed(him), borrowed(heat)
    params, sites, forces = borrowed(params), borrowed(sites), borrowed(forces)
    s, kick_buf, scratch = borrowed(s), borrowed(kick_buf), borrowed(scratch)  # kicks inlined
    gbuf, layer, saved, sigma, fpart, sre, sim = _work_views(borrowed(work), w, n_part, zr.size)
    keep_hist = hist.shape[2] > 0
    two_pi = 2.0 * math.pi
    acc = (two_pi * delta) ** 2 / mu
    kick = (two_pi * delta) ** 2
    drive_force = bias / alpha
    ws = s.size - 1
    wt = t.size - 1
    inv2d = 1.0 / (2.0 * delta * two_pi)
    thermal = heat.shape[2] > 0
    for b in range(b0, b1):
        for p in range(n_part):
            sigma[p] = sig_hist[p, b]
            if not math.isfinite(sigma[p]):
                return STATUS_NONFINITE, b
        count, fpart, eint, g_min, g_max = interaction_forces_inline(
            sigma, x_cur, first_site, alpha, kind, params, reach, sites, forces, fpart)
        if g_min - first_site - ws < guard_lo or g_max - first_site + ws >= guard_hi:
            return STATUS_REGROW, b
        e_int[b] = eint
        for p in range(n_part):
            f_hist[p, b] = fpart[p]
        if rec_every > 0 and b % rec_every == 0:
            col = b // rec_every
            for r in range(rec_idx.size):
                rec_out[r, col] = x_cur[rec_idx[r] - first_site]
        if thermal:
            _to_response(x_cur, lo, hi, heat, b - hb0, saved)
        if w == 3:  # ghosts at b and rho(b) into the memories, one pass over each
            ends_step3(b, x_cur, lo, hi, direct, tab, ring, hre, him)
        else:
            _generic_ghosts(b, x_cur, lo, hi, dtbc, mem, gbuf)
        if keep_hist:
            for i in range(w):
                hist[0, i, b] = x_cur[hi - 1 - i]
                hist[1, i, b] = x_cur[lo + i]
        if thermal:
            _to_total(x_cur, lo, hi, heat, b - hb0, saved)
        if do_energy:  # u = (rho(b+1) - rho(b-1)) / (2 delta 2 pi) into scratch as well
            sweep_velocity(x_prev, x_cur, c, lo, hi, scratch, inv2d)
            _kicks(scratch, first_site, sites, forces, count, kick * inv2d, s, kick_buf)
        else:
            _sweep(x_prev, x_cur, c, lo, hi)
        _kicks(x_prev, first_site, sites, forces, count, kick, s, kick_buf)
        if w != 3:  # the saved response values (x_cur is rho(b) again)
            _generic_push(b, x_cur, lo, hi, saved if thermal else saved[:0], layer, dtbc, mem,
                          sre, sim)
        if do_energy:
            e_win[b] = window_energy(x_cur, scratch, t, lo, hi, kspring)
            power[0, b] = out_power(x_cur, scratch, t, hi - wt - 1, 1, kspring)
            power[1, b] = out_power(x_cur, scratch, t, lo + wt, -1, kspring)
        x_prev, x_cur = x_cur, x_prev
        status = advance_particles(b, sigma, sig_hist, sig_lo, v0, fpart, prescribed_v, acc,
                                   drive_force, delta, dv_limit, v_runaway)
        if status != STATUS_DONE:
            return status, b + 1
    return STATUS_DONE, b1


@njit(cache=True)
def exterior_steps(b1, x_prev, x_cur, lo, hi, e, c, t, dtbc, tab, mem, data, new_hist,
                   do_energy, power, kspring, inv2d, scratch):
    """Re-run the force-free exterior piece [lo, hi) beyond an end from rest, steps 0..b1-1.

    Laid out outward (a left end's exterior mirrored): the w sites inside the old end are
    Dirichlet data, ``x_cur[lo - 1 - i] = data[i, b]`` (boundary-layer site i at step b),
    and a fresh transparent end at hi - 1 uses memory slot ``e`` of ``mem``. The piece is
    then the exact exterior (the half-chain beyond the old end is linear, at rest before
    step 0 and driven by that layer alone). ``new_hist[i, b]`` receives the new boundary
    layer, ``power[b]`` (with ``do_energy``) the energy per unit tau leaving through the
    bond (hi - wt - 1, hi - wt). ``tab`` is :func:`~chaindrag.boundary._dtbc.node_table`
    of ``dtbc`` (w = 3). x_prev and x_cur swap every step: after an odd number of steps
    rho(b1) is in the array passed as x_prev.
    """
    ring, hre, him = mem
    w = dtbc[0].shape[0]
    wt = t.size - 1
    m = hi - wt - 1
    gbuf, layer = np.empty(w), np.empty(w)
    sre, sim = np.empty(dtbc[5].size), np.empty(dtbc[5].size)
    # borrowed: end_step3, inlined, binds these at every step (chaindrag._borrow)
    x_prev, x_cur, direct, tab = borrowed(x_prev), borrowed(x_cur), borrowed(dtbc[0]), borrowed(tab)
    ring, hre, him = borrowed(ring), borrowed(hre), borrowed(him)
    for b in range(b1):
        for i in range(w):
            x_cur[lo - 1 - i] = data[i, b]
        for i in range(w):
            layer[i] = x_cur[hi - 1 - i]
            new_hist[i, b] = layer[i]
        if w == 3:  # ghosts at b and rho(b) into the memory, one pass
            end_step3(e, b, x_cur, hi, direct, tab, ring, hre, him)
        else:
            end_ghosts(e, b, dtbc, mem, gbuf)
            for j in range(w):
                x_cur[hi + j] = gbuf[j]
        if do_energy:
            for j in range(m - wt, hi):
                scratch[j] = x_prev[j]
        _sweep(x_prev, x_cur, c, lo, hi)
        if w != 3:
            end_push(e, b, layer, dtbc, mem, sre, sim)
        if do_energy:
            central_difference(x_prev, scratch, m - wt, hi, inv2d)
            power[b] = out_power(x_cur, scratch, t, m, 1, kspring)
        x_prev, x_cur = x_cur, x_prev
