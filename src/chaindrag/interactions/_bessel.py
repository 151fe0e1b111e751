"""The channels' closed-form Phi_k: e^z K_0(z), e^z K_1(z) for real z > 0, compiled, and the
transforms of e^{-beta r} and r^{-2m} (:mod:`._channel`'s docstring) built on them.

Morse's Phi_k takes two K_1, Yukawa's one K_0, at every resonant mode of Eq. (33) and every
node of its broadened average (Fig. 9): scipy's ``k0e``/``k1e`` evaluate one z at a time
(~41 ns each, the series' dependent steps); these run 32 z side by side (~14 ns).

* z >= 1: sqrt(z) e^z K_nu(z) as a Chebyshev series in t = 2/z - 1 (z in [1, inf) onto
  t in (-1, 1]; smooth at t = -1, where it tends to sqrt(pi/2)). The coefficients were
  computed with mpmath at 40 digits from 100 Chebyshev nodes and kept down to 2e-18;
  tests/test_interactions_bessel.py recomputes them.
* z < 1: the ascending series (Abramowitz & Stegun 9.6.13 and 9.6.11 with 9.6.10),
  y = z^2/4, H_k the harmonic numbers,
  K_0 = -(ln(z/2) + gamma) I_0 + sum_{k>=1} H_k y^k / k!^2,
  K_1 = 1/z + (ln(z/2) + gamma) I_1 - (z/4) sum_{k>=0} (H_k + H_{k+1}) y^k / (k! (k+1)!),
  I_0 = sum y^k / k!^2, I_1 = (z/2) sum y^k / (k! (k+1)!); 20 terms (y < 1/4: the first
  term left out is below 1e-48).

Both are within 2 ulps of mpmath from z = 1e-6 to 1e4 (scipy's k0e: 5.5 ulps, k1e: 3.5).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .._jit import njit

_K0E_CHEB = np.array([
    1.1944330762167386, -0.053855323307629495, 0.004362000068251702, -0.0005521270349863234,
    8.959565555755952e-05, -1.7138726856421186e-05, 3.695146089045472e-06, -8.737284518980525e-07,
    2.225046272255236e-07, -6.025216756376064e-08, 1.7186668629418083e-08,
    -5.1272057810909205e-09, 1.5907351467912106e-09, -5.10958325791419e-10,
    1.6929517419961088e-10, -5.7683063818637606e-11, 2.0159542597761383e-11,
    -7.210940065346495e-12, 2.6349075982806445e-12, -9.819576891759296e-13, 3.72695818784577e-13,
    -1.4388149744180521e-13, 5.6436532735816866e-14, -2.2469288334596896e-14,
    9.072046991627365e-15, -3.711589997838162e-15, 1.537582290719742e-15, -6.445464362724762e-16,
    2.7324144482527955e-16, -1.1707837700385628e-16, 5.067869397943657e-17,
    -2.215087912714289e-17, 9.77208135793031e-18, -4.349519763540327e-18, 1.9525118377031567e-18,
])
_K1E_CHEB = np.array([
    1.4532756675938414, 0.19051350202061165, -0.008406706460495654, 0.0008815363164514389,
    -0.000129995769583983, 2.3441638979785087e-05, -4.853489413610226e-06, 1.1139969511197356e-06,
    -2.772707643805077e-07, 7.37247184977708e-08, -2.0717892129028323e-08, 6.103966549420336e-09,
    -1.873778917957349e-09, 5.963886884453419e-10, -1.96028004074301e-10, 6.632273899864202e-11,
    -2.3034250700407756e-11, 8.193082518369976e-12, -2.9786645069974164e-12,
    1.1049772078983365e-12, -4.1763277431648047e-13, 1.6061141914625803e-13,
    -6.277632672531289e-14, 2.4911830875182032e-14, -1.002779686252293e-14, 4.091059996919741e-15,
    -1.690331071434488e-15, 7.068360792264328e-16, -2.9895680121763374e-16,
    1.2781913900252084e-16, -5.521491188037584e-17, 2.4087033253210474e-17,
    -1.0606842599776099e-17, 4.712904181351423e-18, -2.112162909518146e-18,
])

_EULER_GAMMA = 0.57721566490153286061
_SERIES_TERMS = 20
_BLOCK = 32  # z evaluated side by side: the Chebyshev steps of one z depend on each other


def _series_coefficients() -> tuple[np.ndarray, ...]:
    """y^k coefficients of I_0, sum H_k y^k / k!^2, I_1 / (z/2) and the K_1 sum, each
    rounded once from its exact rational value."""
    harmonic = [Fraction(0)]
    for k in range(1, _SERIES_TERMS + 1):
        harmonic.append(harmonic[-1] + Fraction(1, k))
    fact = [math.factorial(k) for k in range(_SERIES_TERMS + 1)]
    rows = [[Fraction(1, fact[k] ** 2), harmonic[k] / fact[k] ** 2,
             Fraction(1, fact[k] * fact[k + 1]),
             (harmonic[k] + harmonic[k + 1]) / (fact[k] * fact[k + 1])]
            for k in range(_SERIES_TERMS)]
    return tuple(np.array([float(r[i]) for r in rows]) for i in range(4))


_I0_SERIES, _K0_SERIES, _I1_SERIES, _K1_SERIES = _series_coefficients()


@njit(cache=True)
def _horner(c, y):
    s = 0.0
    for j in range(c.size - 1, -1, -1):
        s = s * y + c[j]
    return s


@njit(cache=True, error_model="numpy")  # 1/0 = inf, as scipy's
def _k_small(nu, z, i0s, k0s, i1s, k1s):
    """K_nu(z), nu = 0 or 1, z < 1: the ascending series (module docstring)."""
    if z == 0.0:
        return math.inf
    y = 0.25 * z * z
    log_term = math.log(0.5 * z) + _EULER_GAMMA
    if nu == 0:
        return -log_term * _horner(i0s, y) + _horner(k0s, y)
    return 1.0 / z + log_term * 0.5 * z * _horner(i1s, y) - 0.25 * z * _horner(k1s, y)


@njit(cache=True, error_model="numpy")
def _k_scaled(nu, z, cheb, i0s, k0s, i1s, k1s, out):
    """out = e^z K_nu(z): Clenshaw's recurrence for _BLOCK values of z at a time."""
    two_t, b1, b2 = np.empty(_BLOCK), np.empty(_BLOCK), np.empty(_BLOCK)
    for start in range(0, z.size, _BLOCK):
        m = min(_BLOCK, z.size - start)
        for e in range(m):
            two_t[e] = 2.0 * (2.0 / z[start + e] - 1.0) if z[start + e] >= 1.0 else 0.0
            b1[e] = 0.0
            b2[e] = 0.0
        for j in range(cheb.size - 1, 0, -1):
            c = cheb[j]
            for e in range(m):
                b = two_t[e] * b1[e] - b2[e] + c
                b2[e] = b1[e]
                b1[e] = b
        for e in range(m):
            x = z[start + e]
            if x >= 1.0:
                out[start + e] = (0.5 * two_t[e] * b1[e] - b2[e] + cheb[0]) / math.sqrt(x)
            else:
                out[start + e] = _k_small(nu, x, i0s, k0s, i1s, k1s) * math.exp(x)
    return out


def _scaled(nu: int, z) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    flat = np.ascontiguousarray(z).ravel()
    out = _k_scaled(nu, flat, _K0E_CHEB if nu == 0 else _K1E_CHEB, _I0_SERIES, _K0_SERIES,
                    _I1_SERIES, _K1_SERIES, np.empty(flat.size))
    return out.reshape(z.shape)


def k0e(z) -> np.ndarray:
    """e^z K_0(z) for z > 0 (array_like), as ``scipy.special.k0e``."""
    return _scaled(0, z)


def k1e(z) -> np.ndarray:
    """e^z K_1(z) for z > 0 (array_like), as ``scipy.special.k1e``."""
    return _scaled(1, z)


def exp_transform(beta: float, h: float, k: np.ndarray, log_scale: float) -> np.ndarray:
    """e^{log_scale} int dx e^{ikx} e^{-beta r}, overflow-free."""
    z = h * np.sqrt(k * k + beta * beta)
    return 2.0 * h * h * beta * k1e(z) / z * np.exp(log_scale - z)


def power_transform(m: int, h: float, k: np.ndarray, log_scale: float) -> np.ndarray:
    """e^{log_scale} int dx e^{ikx} (x^2 + h^2)^{-m}, overflow-free."""
    t = k * h
    # Horner's scheme, t^(m-1) first: positive terms, no cancellation; 1.3-2.1x faster than
    # summing t ** n on 100-5000 wavenumbers (equal to 3 ulps)
    poly = np.zeros_like(t)
    for j in range(m):
        c = math.factorial(m - 1 + j) / (math.factorial(j) * math.factorial(m - 1 - j))
        poly = poly * t + c * 2.0**-j
    log_pref = math.log(2.0 * math.pi / (math.gamma(m) * 2.0**m)) - (2 * m - 1) * math.log(h)
    return np.exp(log_scale + log_pref - t) * poly
