"""The exact discrete transparent boundary condition (DTBC) of the chain propagator: its kernel.

The chain solver advances sites with the two-step propagator (see
:func:`chaindrag.solvers._common.propagator_stencils`)

    rho_{b+1}(n) = 2 sum_{|j|<=w} c_{|j|} rho_b(n+j) - rho_{b-1}(n)   (force-free sites),

a truncation (w = 3 at d = 60) of the exact free flight over one step delta of the chain
of Eq. (15). Beyond the last computed site R the chain is force-free and at rest at b <= 0,
so in the Z-transform in time, rho^(z) = sum_{b>=0} rho_b z^-b, every exterior equation
n >= R+1 reads sum_j c_{|j|} rho^_{n+j} = zeta rho^_n, zeta = (z + 1/z)/2. Its bounded
solutions are sums of lambda^n over the w roots |lambda| < 1 (|z| > 1) of

    C(lambda) = c_0 + sum_j c_j (lambda^j + lambda^-j) = zeta,

one *principal* root, lambda = e^{-iq} on the band (cos phi = C(q), z = e^{i phi}), and
w - 1 evanescent roots of modulus ~1e-4 made by the truncation (their sum is
-c_2/c_1 ~ -2.26e-4 at omega_fast = 10, d = 60). The exterior equations reach back to the
w boundary-layer sites R-w+1..R, so the ghost sites R+1..R+w follow from their history
through a w x w matrix of kernels (the remainders of lambda^{w-1+j} modulo
Q(lambda) = prod_m (lambda - lambda_m), which are polynomials in the elementary symmetric
functions of the w small roots, hence analytic in |z| > 1 and at z = infinity):

    rho_{R+j}(b) = sum_{i=0}^{w-1} sum_{k>=1} K_{j,i}(k) rho_{R-i}(b - k),   j = 1..w.

K(0) = 0: the ghosts at step b depend on steps <= b-1 only, as the explicit scheme must.
For k >= 1 the coefficients are the branch-cut integral over the band (the discrete form
of the Laplace-contour integral; Im K vanishes off the band)

    K(k) = -(2/pi) int_0^pi Im K_out(q) sin(k phi(q)) phi'(q) dq,   phi(q) = arccos C(q),

with K_out the symbol on the physical sheet (principal root e^{-iq}); :func:`dtbc_kernel`
evaluates it by composite Gauss-Legendre quadrature in q (smooth: q uniformises the
square-root band edges; phi is computed from 1 - C to keep the band bottom accurate).
:func:`~chaindrag.boundary.kernel_checks.dtbc_kernel_circle` is the independent check:
an inverse Z-transform on a circle of radius |z| = r > 1 from all 2w roots of the full
polynomial, causal by construction (a plain FFT of lambda(e^{i phi}) on the unit circle is
not: the trap of the design note).

The principal root alone gives the design note's scalar kernel (the sampled continuous
Adelman-Doll kernel for k >= 1; both in :mod:`~chaindrag.boundary.kernel_checks`):
it is not analytic at z = infinity on its own (the three small roots are permuted there),
so a scalar DTBC is exact only up to the spurious roots; the matrix form is exact.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import polynomial as npoly

from ..params import ParameterError, require_int_range

__all__ = ["stencil_width", "band_edges", "band_phase", "exterior_symbol", "dtbc_kernel",
           "dtbc_kernel_at"]

N_BASE = 64  # panels on which the (smooth) symbol is computed for finer rules
#: dtbc_kernel_at sums a rule in blocks of this many numbers (sines and symbol)
_BLOCK_ENTRIES = 1 << 22


def _check_stencil(c) -> np.ndarray:
    c = np.asarray(c, dtype=float)
    if c.ndim != 1 or c.size < 2 or not np.all(np.isfinite(c)) or c[-1] == 0.0:
        raise ParameterError(f"c must be a finite half-stencil of length >= 2 with a non-zero "
                             f"last coefficient, got {c!r}")
    return c


def stencil_width(c) -> int:
    """Half-width w of the propagator stencil ``c`` (trailing exact zeros dropped)."""
    c = np.asarray(c, dtype=float)
    nz = np.flatnonzero(c)
    return int(nz[-1]) if nz.size else 0


def _trim(c) -> np.ndarray:
    return _check_stencil(np.asarray(c, dtype=float)[: stencil_width(c) + 1])


def _u_polynomial(c: np.ndarray) -> np.ndarray:
    """Coefficients (low to high) of C as a polynomial in u = lambda + 1/lambda = 2 cos q.

    lambda^j + lambda^-j = D_j(u) with D_0 = 2, D_1 = u, D_{j+1} = u D_j - D_{j-1}.
    """
    d_prev, d_cur = np.array([2.0]), np.array([0.0, 1.0])
    out = np.zeros(c.size)
    out[0] = c[0]
    for j in range(1, c.size):
        out[: d_cur.size] += c[j] * d_cur
        d_prev, d_cur = d_cur, npoly.polysub(npoly.polymulx(d_cur), d_prev)
    return out


def _one_minus_c0(c: np.ndarray) -> float:
    """1 - C(0) = 1 - c_0 - 2 sum_j c_j, summed exactly (it is ~5e-5 at d = 60)."""
    return math.fsum([1.0, -c[0]] + [-2.0 * cj for cj in c[1:]])


def band_phase(c, q):
    """phi(q) = arccos C(q) and phi'(q) for real q: the phase per step of mode q (z = e^{i phi}).

    For the exact propagator phi = 2 pi delta omega_q. Computed as
    2 arcsin(sqrt((1 - C)/2)) with 1 - C(q) = (1 - C(0)) + 4 sum_j c_j sin^2(j q/2), which
    keeps full relative accuracy at the band bottom (arccos would lose two digits there).
    """
    c = _trim(c)
    q = np.asarray(q, dtype=float)
    j = np.arange(1, c.size)
    jq = np.multiply.outer(q, j)
    one_minus = _one_minus_c0(c) + 4.0 * np.sum(c[1:] * np.sin(0.5 * jq) ** 2, axis=-1)
    phi = 2.0 * np.arcsin(np.sqrt(0.5 * one_minus))
    dcq = -2.0 * np.sum(j * c[1:] * np.sin(jq), axis=-1)
    return phi, -dcq / np.sin(phi)


def band_edges(c) -> tuple[float, float]:
    """Band edges (phi(0), phi(pi)) on the unit circle z = e^{i phi}: 2 pi delta (1, omega_fast)."""
    phi, _ = band_phase(c, np.array([0.0, math.pi]))
    return float(phi[0]), float(phi[1])


def _small_root(u):
    """The root |lambda| <= 1 of lambda^2 - u lambda + 1 = 0 (u = lambda + 1/lambda)."""
    r = np.sqrt(u * u - 4.0 + 0j)
    big = np.where(np.abs(u + r) >= np.abs(u - r), u + r, u - r)
    return 2.0 / big


def _batched_roots(coef):
    """Roots of polynomials with coefficients ``coef[..., :]`` (low to high), batched."""
    deg = coef.shape[-1] - 1
    if deg == 0:
        return np.zeros(coef.shape[:-1] + (0,), dtype=complex)
    if deg == 1:
        return (-coef[..., :1] / coef[..., 1:]).astype(complex)
    if deg == 2:  # quadratic formula without cancellation
        a0, a1, a2 = (coef[..., m].astype(complex) for m in range(3))
        root = np.sqrt(a1 * a1 - 4.0 * a2 * a0)
        root = np.where((np.conj(a1) * root).real >= 0.0, root, -root)
        half = -0.5 * (a1 + root)
        return np.stack([half / a2, a0 / half], axis=-1)
    comp = np.zeros(coef.shape[:-1] + (deg, deg), dtype=complex)
    comp[..., 1:, :-1] = np.eye(deg - 1)
    comp[..., :, -1] = -coef[..., :-1] / coef[..., -1:]
    return np.linalg.eigvals(comp)


def _remainder_matrix(roots):
    """Remainders lambda^{w-1+j} = sum_i K[j-1, i] lambda^{w-1-i} modulo prod (lambda - root).

    Column i is the boundary-layer site R - i, row j-1 the ghost R + j.
    """
    w = roots.shape[-1]
    monic = np.ones(roots.shape[:-1] + (1,), dtype=complex)
    for m in range(w):  # coefficients of prod (lambda - lambda_m), low to high
        shifted = np.concatenate([np.zeros_like(monic[..., :1]), monic], axis=-1)
        shifted[..., :-1] -= roots[..., m:m + 1] * monic
        monic = shifted
    a = monic[..., :w]  # lambda^w = -sum_i a_i lambda^i
    r = np.zeros(roots.shape[:-1] + (w,), dtype=complex)
    r[..., w - 1] = 1.0
    out = np.empty(roots.shape[:-1] + (w, w), dtype=complex)
    for j in range(w):
        top = r[..., w - 1:w]
        r = np.concatenate([np.zeros_like(top), r[..., :w - 1]], axis=-1) - top * a
        out[..., j, :] = r[..., ::-1]
    return out


def _band_spurious(c: np.ndarray, q):
    """The w - 1 spurious small roots at the band phase of mode q (P(u) = C(q), u != 2 cos q).

    P(u) - C(q) is deflated by (u - 2 cos q) from the top, which is stable because the
    root 2 cos q is far smaller than the spurious ones (|u| ~ 7e3).
    """
    u1 = 2.0 * np.cos(q)
    poly = _u_polynomial(c)
    w = c.size - 1
    defl = np.empty(np.shape(q) + (w,), dtype=complex)
    defl[..., w - 1] = poly[w]
    for k in range(w - 1, 0, -1):
        defl[..., k - 1] = poly[k] + defl[..., k] * u1
    return _small_root(_batched_roots(defl))


def exterior_symbol(c, q, outgoing: bool = True):
    """The w x w DTBC symbol K(z) at z = e^{i phi(q)}, principal root e^{-iq} (or e^{+iq}).

    ``outgoing=True`` is the physical sheet on the upper band arc (the limit from |z| > 1);
    ``outgoing=False`` the other sheet. ``q`` may be complex. Returns shape q.shape + (w, w).
    """
    c = _trim(c)
    q = np.asarray(q, dtype=complex)
    lam1 = np.exp((-1j if outgoing else 1j) * q)
    return _remainder_matrix(np.concatenate([lam1[..., None], _band_spurious(c, q)], axis=-1))


def _n_panels(c, k_max: int) -> int:
    """Panels of :func:`_band_quadrature`'s default rule: each spans at most ~2 radians of
    k_max phi; beyond N_BASE their number is a multiple of N_BASE (see
    :func:`_band_im_symbol`)."""
    phi_a, phi_b = band_edges(c)
    n_panels = 8 + math.ceil(0.8 * k_max * (phi_b - phi_a))
    return n_panels if n_panels <= N_BASE else -(-n_panels // N_BASE) * N_BASE


def _band_quadrature(c, k_max: int, n_panels: int | None, panels=None):
    """Composite 24-point Gauss-Legendre rule in q on [0, pi] resolving sin(k_max phi(q)).

    Returns nodes q, phases phi(q) and weights (dq) phi'(q); by default on
    :func:`_n_panels` panels, of which ``panels = (first, stop)`` takes a range.
    """
    if n_panels is None:
        n_panels = _n_panels(c, k_max)
    x, wts = np.polynomial.legendre.leggauss(24)
    edges = np.linspace(0.0, math.pi, n_panels + 1)
    if panels is not None:
        edges = edges[panels[0]:panels[1] + 1]
    half = 0.5 * np.diff(edges)
    q = (0.5 * (edges[:-1] + edges[1:])[:, None] + half[:, None] * x).ravel()
    wq = (half[:, None] * wts).ravel()
    phi, dphi = band_phase(c, q)
    return q, phi, wq * dphi


def _base_symbol(c) -> np.ndarray:
    """Im of the exterior symbol on the N_BASE-panel rule, shape (N_BASE, 24, w * w)."""
    x, _ = np.polynomial.legendre.leggauss(24)
    edges = np.linspace(0.0, math.pi, N_BASE + 1)
    base = (0.5 * (edges[:-1] + edges[1:])[:, None] + 0.5 * np.diff(edges)[:, None] * x)
    return exterior_symbol(c, base.ravel()).imag.reshape(N_BASE, 24, -1)


def _sub_panel_weights(m: int) -> np.ndarray:
    """Barycentric weights (24 m, 24) taking a 24-point Legendre panel's values onto the
    nodes of its m equal sub-panels."""
    x, wts = np.polynomial.legendre.leggauss(24)
    xi = (-1.0 + (2.0 * np.arange(m)[:, None] + 1.0 + x) / m).ravel()  # sub-panel nodes
    bary = (-1.0) ** np.arange(24) * np.sqrt((1.0 - x * x) * wts)
    diff = xi[:, None] - x[None, :]
    hit = np.isclose(diff, 0.0, rtol=0.0, atol=1e-15)
    diff[hit] = 1.0
    lagrange = bary / diff
    lagrange /= lagrange.sum(axis=1, keepdims=True)
    rows = hit.any(axis=1)
    lagrange[rows] = hit[rows]
    return lagrange


def _fine_symbol(im_base: np.ndarray, lagrange: np.ndarray, w: int) -> np.ndarray:
    """``im_base`` (base panels, 24, w w) on the sub-panels of :func:`_sub_panel_weights`:
    shape (24 m x base panels, w, w), in the fine rule's order."""
    return np.matmul(lagrange, im_base).reshape(-1, w, w)  # (b, 24 m, w w): BLAS


def _band_im_symbol(c, q: np.ndarray) -> np.ndarray:
    """Im of the exterior symbol at the nodes q of :func:`_band_quadrature`.

    The symbol is analytic in q on [0, pi] (its roots stay apart there); only the sines of
    the transform oscillate with the lag. So beyond N_BASE panels it is computed on N_BASE
    panels and interpolated onto the sub-panels: the polynomial roots at every node of a
    fine rule cost 22 s for lag 1e5 at (40, 8).
    """
    n_panels = q.size // 24
    if n_panels <= N_BASE:
        return exterior_symbol(c, q).imag
    return _fine_symbol(_base_symbol(c), _sub_panel_weights(n_panels // N_BASE),
                        c.size - 1)


def _sine_transform(im_sym, phi, wts, k_max: int) -> np.ndarray:
    """-(2/pi) sum_n wts_n im_sym_n sin(k phi_n) for k = 0..k_max; im_sym shape (n, ...)."""
    out = np.empty((k_max + 1,) + im_sym.shape[1:])
    block = max(1, (1 << 22) // phi.size)
    for k_lo in range(0, k_max + 1, block):
        ks = np.arange(k_lo, min(k_max + 1, k_lo + block))
        s = np.sin(np.multiply.outer(ks, phi)) * wts
        out[ks] = -(2.0 / math.pi) * np.tensordot(s, im_sym, axes=(1, 0))
    return out


def dtbc_kernel(c, k_max: int, n_panels: int | None = None) -> np.ndarray:
    """Exact DTBC kernels K_{j,i}(k), k = 0..k_max, by the band (branch-cut) integral.

    Parameters
    ----------
    c : array_like
        Half-stencil of C = cos(theta_q) (``propagator_stencils(...)[0]``), width w.
    k_max : int
        Largest lag.
    n_panels : int, optional
        Panels of the 24-point Gauss-Legendre rule in q on [0, pi]; by default enough for
        lag ``k_max``.

    Returns
    -------
    ndarray, shape (w, w, k_max + 1)
        ``K[j-1, i, k]`` multiplies rho_{R-i}(b-k) in the ghost rho_{R+j}(b); K[..., 0] = 0.

    Raises
    ------
    ParameterError
        If ``c`` is not a valid stencil or ``k_max`` < 0.
    """
    c = _trim(c)
    k_max = require_int_range("k_max", k_max, 0)
    q, phi, wts = _band_quadrature(c, k_max, n_panels)
    im_sym = _band_im_symbol(c, q)
    out = _sine_transform(im_sym, phi, wts, k_max)
    out[0] = 0.0
    return np.ascontiguousarray(np.moveaxis(out, 0, -1))


def dtbc_kernel_at(c, ks) -> np.ndarray:
    """The exact kernels at selected lags ``ks`` >= 1 (any size): shape (w, w, len(ks)).

    Lags are grouped by magnitude so that each group's band quadrature is sized for its
    largest lag (cost ~ sum of the lags' magnitudes, not len(ks) x max(ks)), and each rule
    is summed in blocks of panels, so memory stays ~_BLOCK_ENTRIES numbers however fine the
    rule (a lag-1e5 check at (10, 4) took 1.8 GB at once).
    """
    c = _trim(c)
    ks = np.asarray(ks, dtype=np.int64)
    if ks.size and ks.min() < 1:
        raise ParameterError(f"ks must be lags >= 1, got min {ks.min()}")
    w = c.size - 1
    out = np.zeros((w, w, ks.size))
    group = np.floor(np.log2(np.maximum(ks, 1))).astype(int)
    im_base = _base_symbol(c)
    for g in np.unique(group):
        sel = np.flatnonzero(group == g)
        k_max = int(ks[sel].max())
        n_panels = _n_panels(c, k_max)
        m = max(n_panels // N_BASE, 1)
        # blocks of whole base panels whose sines and symbol take ~_BLOCK_ENTRIES numbers
        nodes = max(1, _BLOCK_ENTRIES // (sel.size + w * w))
        step = max(1, nodes // (24 * m)) if n_panels > N_BASE else N_BASE
        lagrange = _sub_panel_weights(m) if n_panels > N_BASE else None
        for first in range(0, min(n_panels, N_BASE), step):
            stop = min(first + step, N_BASE)
            q, phi, wts = _band_quadrature(c, k_max, n_panels,
                                           (first * m, min(stop * m, n_panels)))
            im_sym = (exterior_symbol(c, q).imag if lagrange is None
                      else _fine_symbol(im_base[first:stop], lagrange, w))
            s = np.sin(np.multiply.outer(ks[sel], phi)) * wts
            # a few lags: einsum; a threaded BLAS call per block stalls on a loaded machine
            part = (np.einsum("kn,nij->kij", s, im_sym) if sel.size < 16
                    else np.tensordot(s, im_sym, axes=(1, 0)))
            out[..., sel] -= (2.0 / math.pi) * np.moveaxis(part, 0, -1)
    return out
