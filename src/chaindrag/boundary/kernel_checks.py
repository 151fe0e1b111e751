"""The DTBC kernels by routes independent of :func:`~chaindrag.boundary.kernel.dtbc_kernel`.

- :func:`dtbc_kernel_circle`: the same w x w kernels by an inverse Z-transform on a circle
  |z| = r > 1 from all 2w roots of the full polynomial (causal by construction);
- :func:`principal_kernel`: the design note's scalar kernel, the principal root alone;
- :func:`continuous_kernel`: the sampled Adelman-Doll kernel of the continuous chain, a
  Bessel integral, which the principal kernel approaches.

The tests hold the band integral against them.
"""

from __future__ import annotations

import math

import numpy as np

from ..params import require_int_range
from .kernel import (_band_quadrature, _band_spurious, _batched_roots, _remainder_matrix,
                     _sine_transform, _small_root, _trim, _u_polynomial)

__all__ = ["dtbc_kernel_circle", "principal_kernel", "continuous_kernel"]


def dtbc_kernel_circle(c, k_max: int, radius: float = 1.0005, n_fft: int = 1 << 16) -> np.ndarray:
    """The same kernels by an inverse Z-transform on the circle |z| = radius > 1.

    Independent of the band parametrisation: the symbol is built from all 2w roots of
    lambda^w (C(lambda) - zeta) at each z, keeping the w with |lambda| < 1. Aliasing is
    ~radius^-n_fft, rounding is amplified by radius^k_max. Returns shape (w, w, k_max + 1).
    """
    c = _trim(c)
    k_max = require_int_range("k_max", k_max, 0, n_fft - 1)
    z = radius * np.exp(2j * math.pi * np.arange(n_fft) / n_fft)
    zeta = 0.5 * (z + 1.0 / z)
    poly = _u_polynomial(c).astype(complex)
    coef = np.broadcast_to(poly, zeta.shape + poly.shape).copy()
    coef[..., 0] -= zeta
    lam = _small_root(_batched_roots(coef))
    sym = _remainder_matrix(lam)
    coefs = np.fft.ifft(sym, axis=0)[: k_max + 1]  # (1/N) sum_n K(z_n) z_n^k / r^k
    coefs *= (radius ** np.arange(k_max + 1))[:, None, None]
    return np.ascontiguousarray(np.moveaxis(coefs.real, 0, -1))


def principal_kernel(c, k_max: int, n_panels: int | None = None):
    """The scalar kernel kappa_j of the principal root alone (the design note's), j = 1..w.

    For k >= 1 it is the band integral of Im lambda^j (the same coefficients as the power
    sum p_j of all w small roots, which is analytic in |z| > 1 with p_j(inf) = 0). The
    constant kappa_j(0) = lambda^j - p_j = -sum_spurious lambda_m^j is "matched on the band";
    it is not exactly constant there, which is why no scalar DTBC is exact.

    Returns
    -------
    kappa : ndarray, shape (w, k_max + 1)
        kappa[j-1, k]; kappa[:, 0] is the band average.
    spread : ndarray, shape (w,)
        max - min of -sum_spurious lambda_m^j across the band.
    """
    c = _trim(c)
    k_max = require_int_range("k_max", k_max, 0)
    w = c.size - 1
    q, phi, wts = _band_quadrature(c, k_max, n_panels)
    lam = np.exp(-1j * q)
    im_pow = np.stack([(lam ** j).imag for j in range(1, w + 1)], axis=-1)
    out = _sine_transform(im_pow, phi, wts, k_max).T
    spur = _band_spurious(c, q)
    match = np.stack([-np.sum(spur ** j, axis=-1).real for j in range(1, w + 1)])
    out[:, 0] = np.sum(match * wts, axis=-1) / np.sum(wts)  # average over phi
    return out, np.ptp(match, axis=-1)


def continuous_kernel(k, omega_fast: float, delta: float, n_quad: int = 400) -> np.ndarray:
    """delta theta(k delta): the sampled Adelman-Doll kernel of the continuous chain (j = 1).

    theta(t) = theta_0(t) - 2 pi int_0^t theta_0(sqrt(t^2 - u^2)) J_1(2 pi u) du,
    theta_0(t) = 2 J_2(b t)/t, b = 2 pi sqrt(omega_fast^2 - 1): the inverse Laplace
    transform of lambda(s) = mu - sqrt(mu^2 - 1), mu = 1 + (1 + s^2/(2 pi)^2)/(2K)
    (the on-site confinement shifts s^2 -> s^2 + (2 pi)^2). Gauss-Legendre in u.
    """
    from scipy.special import j1, jv

    b = 2.0 * math.pi * math.sqrt(omega_fast**2 - 1.0)

    def theta0(t):
        t = np.asarray(t, dtype=float)
        safe = np.where(t == 0.0, 1.0, t)
        return np.where(t == 0.0, 0.0, 2.0 * jv(2, b * safe) / safe)

    x, wts = np.polynomial.legendre.leggauss(n_quad)
    a = 0.25 * math.pi * (x + 1.0)  # u = t sin(a): theta_0's argument becomes t cos(a)
    wa = 0.25 * math.pi * wts
    out = []
    for kk in np.atleast_1d(k):
        t = kk * delta
        inner = theta0(t * np.cos(a)) * j1(2.0 * math.pi * t * np.sin(a)) * t * np.cos(a)
        out.append(delta * (float(theta0(t)) - 2.0 * math.pi * np.sum(wa * inner)))
    return np.asarray(out)
