"""The paper's memory-kernel algorithm (Appendix, Eqs. A1-A3): future propagation (numba)."""

from __future__ import annotations

import math

import numpy as np

from .._jit import njit
from ..interactions import interaction_forces
from ._common import STATUS_DONE, STATUS_LEFT_SEGMENT, STATUS_NONFINITE, advance_particles


@njit(cache=True)
def kernel_steps(b0, b1, rho, first_site, gam, n_mem, sig_hist, sig_lo, v0, alpha, kind, params,
                 mu, bias, delta, reach, dv_limit, v_runaway, e_int, sites, forces):
    """Advance steps b0 .. b1-1 of Eq. (A2), propagating each force into the future (A1).

    ``rho[g, b]`` is the displacement of tracked mass ``first_site + g`` at step b (the
    future columns accumulate the responses to past forces); ``gam[n, l-1]`` = Gamma_n(l delta).
    Each force f on mass k adds 2 pi delta f Gamma_|g-k|((b'-b) delta) to rho[g, b'] for
    b < b' <= min(b + n_mem, last step). The pair potential is ``kind``, ``params``
    (:func:`chaindrag.interactions.interaction_forces`). Returns (status, step reached).
    """
    two_pi = 2.0 * math.pi
    acc = (two_pi * delta) ** 2 / mu
    drive_force = bias / alpha
    n_part = sig_hist.shape[0]
    n_ch = rho.shape[0]
    last = rho.shape[1] - 1
    sigma = np.empty(n_part)
    fpart = np.zeros(n_part)
    free = np.full(n_part, np.nan)  # no particle is dragged at a prescribed speed
    x = np.empty(n_ch)
    for b in range(b0, b1):
        for p in range(n_part):
            sigma[p] = sig_hist[p, b]
            if not math.isfinite(sigma[p]):
                return STATUS_NONFINITE, b
        for g in range(n_ch):
            x[g] = rho[g, b]
        count, fpart, eint, g_min, g_max = interaction_forces(
            sigma, x, first_site, alpha, kind, params, reach, sites, forces, fpart)
        e_int[b] = eint
        if g_min < first_site or g_max > first_site + n_ch - 1:
            return STATUS_LEFT_SEGMENT, b
        l_stop = min(n_mem, last - b)
        for k in range(count):
            src = sites[k] - first_site
            amp = two_pi * delta * forces[k]
            for g in range(n_ch):
                n = abs(g - src)
                row = rho[g]
                grow = gam[n]
                for l in range(1, l_stop + 1):
                    row[b + l] += amp * grow[l - 1]
        status = advance_particles(b, sigma, sig_hist, sig_lo, v0, fpart, free, acc, drive_force,
                                   delta, dv_limit, v_runaway)
        if status != STATUS_DONE:
            return status, b + 1
    return STATUS_DONE, b1
