"""Fewer exponentials for a finite horizon: balanced truncation of the history part.

The exponentials of :mod:`chaindrag.boundary.compress` are a quadrature of the band
integral, node by node; as a linear system (states h_p, h_p <- z_p h_p + s_p, inputs the
boundary layer, outputs the ghosts) they are far from minimal over the lags a run uses.
At (10, 60) and a horizon of 2^19 steps (a tau = 800 run) 127 balanced states of the
120-exponential rule's 240 carry its kernels: 64 exponentials, 4.9e-14 of the peak from
the band integral at every lag checked (the rule: 4.3e-14), 52 for 2^16 steps.

Their deviation from the rule is smooth over the lags, where the rule's is oscillating:
summed over 2^19 lags it is 5.5e-10 of the peak (the rule's from the rule for every lag:
1.0e-10), over 2^16 lags 1.4e-10 (1.8e-12). A ghost's error is at most that sum times the
boundary layer's displacement; :data:`L1_BUDGET` bounds it. Measured: an impulse through
a bare 61-site segment differs from the one through the full ends by 1.1e-12 of its peak
after 2^16 steps (the rule: 4.1e-14); runs against the chain solver are unchanged (tau =
800 biased run: the chain 2.1e-11 and 4.2e-11 of its largest displacement, sigma 1e-14;
with the rule 6.5e-11 and 2.4e-11, 4e-14). Past 2^20 steps at (10, 60), at (10, 120),
(10, 600) and (1.2, 60) no truncation meets both bounds before the factors' rounding: the
rule is kept.

Square-root balanced truncation over the horizon N (lags k0 .. k0 + N - 1): the Gramians
sum_{m<N} A^m B B^T A^mT and sum_{m<N} A^mT C^T C A^m are never formed; their factors are
accumulated by doubling (the sum over 2M lags is that over M plus its shift by A^M), each
step compressed by a QR factorisation, so the factors keep ~1e-16 relative accuracy where
a Gramian's eigen-decomposition would lose its small directions (tried: unstable nodes,
|z| up to 9). The r leading balanced states are then put in modal form: r/2 complex
exponentials (a real eigenvalue takes one of its own), rescaled to beta[0] = 1 as the ends'
kernels expect. A truncation that still holds states at the factors' rounding level
comes out unstable or wrong; :func:`reduced_rule` takes the smallest r whose kernels match
the rule's within ``target`` at every lag it checks and whose exponentials decay.
"""

from __future__ import annotations

import numpy as np

#: Lags compared densely from k0 (all of them), then log-spaced samples up to the horizon.
DENSE_LAGS, FAR_SAMPLES = 4096, 2048
#: The search starts at the states whose Hankel singular values exceed START x target:
#: the kernels' largest error is far below the Hankel norm of what is dropped.
START = 100.0
#: The ends' kernels advance exponentials in blocks of eight (:mod:`chaindrag.boundary._nodes`)
#: and the rest one by one at several times the cost each: states that fill the last block
#: exactly are free.
BLOCK = 8
#: Balanced states below this fraction of the largest are the factors' rounding (the
#: truncation turns unstable from ~3e-15 at (10, 60)): the search stops there.
ROUNDING = 1e-15
#: Largest sum over the lags of a kernel's deviation from the rule's, relative to the peak:
#: a ghost's error per unit of the boundary layer's displacement, whatever its history.
L1_BUDGET = 1e-9


def gramian_factor(z: np.ndarray, cols: np.ndarray, n: int) -> np.ndarray:
    """A real L (2P x <= 2P) with L L^T = sum_{m<n} v_m v_m^T, v_m = real coordinates of
    z^m * cols (complex P x k; real coordinates [Re; Im]): by doubling and QR."""
    p = z.size

    def real(x):
        return np.concatenate([x.real, x.imag])

    def compress(parts):
        return np.linalg.qr(np.concatenate(parts, axis=1).T, mode="r").T

    block, total, offset, bit = real(cols), None, 0, 0  # block: lags [0, 2^bit)
    while n:
        if n & 1:
            shifted = real((block[:p] + 1j * block[p:]) * (z ** offset)[:, None])
            total = shifted if total is None else compress([total, shifted])
            offset += 1 << bit
        n >>= 1
        if n:
            later = real((block[:p] + 1j * block[p:]) * (z ** (1 << bit))[:, None])
            block = compress([block, later])
            bit += 1
    return total


def _real_system(z, alpha, beta):
    """(A, B, C) of the exponentials in real coordinates [Re h; Im h]."""
    a = np.block([[np.diag(z.real), -np.diag(z.imag)], [np.diag(z.imag), np.diag(z.real)]])
    b = np.concatenate([beta.T.real, beta.T.imag])
    c = np.concatenate([alpha.real, -alpha.imag], axis=1)
    return a, b, c


def balanced_states(z, alpha, beta, n: int):
    """The balancing data over lags 0..n-1: (Hankel singular values, left and right factors
    of the projection) for :func:`truncated`."""
    lp = gramian_factor(z, beta.T.astype(complex), n)
    # outputs Re(alpha_j z^m h): rows [Re g, -Im g] = real coordinates of conj(g)
    lq = gramian_factor(z.conj(), alpha.T.conj().astype(complex), n)
    u, s, vt = np.linalg.svd(lq.T @ lp)
    return s, lq @ u, lp @ vt.T


def truncated(z, alpha, beta, balance, r: int):
    """The first r balanced states of (z, alpha, beta) as exponentials (z, alpha, beta),
    beta[0] = 1; None if one of them does not decay or has beta[0] = 0, or if the reduced
    system has no modal form."""
    s, left, right = balance
    scale = 1.0 / np.sqrt(s[:r])
    tl, tr = (left[:, :r] * scale).T, right[:, :r] * scale
    a, b, c = _real_system(z, alpha, beta)
    lam, vec = np.linalg.eig(tl @ a @ tr)
    if not np.all(np.abs(lam) < 1.0):
        return None
    try:
        wb = np.linalg.solve(vec, tl @ b)
    except np.linalg.LinAlgError:  # defective: no modal form (not met at d <= 120)
        return None
    cv = c @ tr @ vec
    pick = lam.imag >= 0  # one of each conjugate pair (twice its weight), and the real ones
    twice = np.where(lam.imag[pick] > 0, 2.0, 1.0)
    zr, ar, br = lam[pick], cv[:, pick] * twice, wb[pick].T
    b0 = br[0].copy()
    if np.any(np.abs(b0) == 0.0):
        return None
    return zr.astype(complex), (ar * b0).astype(complex), (br / b0).astype(complex)


def _kernels(z, alpha, beta, lags):
    """K_{j,i}(k0 + m) = Re sum_p alpha beta z^m at lags m (w, w, len).

    :meth:`~chaindrag.boundary.compress.HistoryExponentials.kernel`'s sum as one matrix
    product and with z^m = e^{m ln z}: its einsum and complex powers cost ~0.2 s per trial
    r here. e^{m ln z} is ~m eps off per term where cpow multiplies out m < 100, which only
    decides how far the search goes: the chosen rule is then measured against the band
    integral with ``kernel`` itself (:func:`chaindrag.boundary.store._reduced`).
    """
    w = alpha.shape[0]
    weights = (alpha[:, None, :] * beta[None, :, :]).reshape(w * w, -1)
    powers = np.exp(np.log(z)[:, None] * lags[None, :])
    return (weights @ powers).real.reshape(w, w, lags.size)


def reduced_rule(z, alpha, beta, horizon: int, peak: float, target: float):
    """The fewest balanced exponentials whose kernels are the rule's (z, alpha, beta) to
    ``target`` x ``peak`` over lags 0..horizon-1 (all up to :data:`DENSE_LAGS`, log-spaced
    beyond) and whose summed deviation over those lags stays within :data:`L1_BUDGET`, or
    with more states that fill its last block of :data:`BLOCK` exactly if some do: (z,
    alpha, beta, r, that sum / peak), or None if none has fewer exponentials than the rule."""
    dense = np.arange(min(DENSE_LAGS, horizon))
    far = np.unique(np.geomspace(dense.size, horizon - 1, FAR_SAMPLES).astype(np.int64))
    far = far[far >= dense.size]
    lags = np.concatenate([dense, far])
    # sum over all lags: the dense ones, then each far sample for the lags around it
    weight = np.concatenate([np.ones(dense.size),
                             np.diff(np.concatenate([[dense.size], far])) if far.size else []])
    ref = _kernels(z, alpha, beta, lags)
    balance = balanced_states(z, alpha, beta, horizon)
    s = balance[0]
    r = max(2, int(np.sum(s > START * target * peak)))  # fewer would surely miss
    r_max = min(2 * z.size - 2, int(np.sum(s > ROUNDING * s[0])))  # beyond: rounding
    first, blocks = None, z.size
    while r <= r_max:
        red = truncated(z, alpha, beta, balance, r)
        if red is not None and red[0].size > min(blocks, z.size - 1):
            break
        if red is not None:
            dev = np.abs(_kernels(*red, lags) - ref)
            l1 = float((dev * weight).sum(axis=-1).max() / peak)
            if dev.max() <= target * peak and l1 <= L1_BUDGET:
                if first is None:
                    first = red + (r, l1)
                    blocks = -(-red[0].size // BLOCK) * BLOCK
                if red[0].size == blocks:
                    return red + (r, l1)
        r += 1
    return first
