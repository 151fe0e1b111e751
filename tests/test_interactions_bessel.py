"""The compiled e^z K_0(z), e^z K_1(z) behind the channels' Phi_k (Morse, Yukawa) against
mpmath's Bessel functions at 30 digits."""

import mpmath as mp
import numpy as np
import pytest

from chaindrag.interactions import _bessel

NU = [(0, _bessel.k0e, _bessel._K0E_CHEB), (1, _bessel.k1e, _bessel._K1E_CHEB)]


def _reference(nu, z):
    with mp.workdps(30):
        return np.array([float(mp.exp(mp.mpf(x)) * mp.besselk(nu, mp.mpf(x))) for x in z])


@pytest.mark.parametrize("nu, scaled, _cheb", NU, ids=["K0", "K1"])
def test_scaled_bessel_k_is_within_two_ulps_of_mpmath(nu, scaled, _cheb):
    # both branches, the switch at z = 1 from either side, and far into the asymptotic range
    z = np.concatenate([np.geomspace(1e-6, 1.0, 700), 1.0 + np.linspace(-1e-3, 1e-3, 41),
                        np.nextafter(1.0, [0.0, 2.0]), np.geomspace(1.0, 1e4, 700)])
    rel = np.abs(scaled(z) / _reference(nu, z) - 1.0)
    assert rel.max() <= 4.5e-16  # measured 4.4e-16 for both


@pytest.mark.parametrize("nu, scaled, cheb", NU, ids=["K0", "K1"])
def test_chebyshev_coefficients_are_those_of_sqrt_z_exp_z_k_on_one_to_infinity(nu, scaled, cheb):
    """The stored coefficients, recomputed: sqrt(z) e^z K_nu(z) at 100 Chebyshev nodes of
    t = 2/z - 1, discrete orthogonality (exact for the degree-99 interpolant)."""
    n = 100
    with mp.workdps(40):
        theta = [mp.pi * (k + mp.mpf(1) / 2) / n for k in range(n)]
        z = [2 / (mp.cos(a) + 1) for a in theta]
        g = [mp.sqrt(x) * mp.exp(x) * mp.besselk(nu, x) for x in z]
        c = [2 * mp.fsum(g[k] * mp.cos(j * theta[k]) for k in range(n)) / n
             for j in range(cheb.size + 1)]
        c[0] /= 2
        expected = np.array([float(x) for x in c])
    np.testing.assert_array_equal(cheb, expected[:cheb.size])
    assert abs(expected[cheb.size]) < 2e-18  # the first one left out


@pytest.mark.parametrize("nu, scaled, _cheb", NU, ids=["K0", "K1"])
def test_scaled_bessel_k_keeps_the_shape_and_tends_to_sqrt_pi_over_2z(nu, scaled, _cheb):
    z = np.array([[1e8, 1e12], [1e16, 1e300]])
    out = scaled(z)
    assert out.shape == z.shape
    np.testing.assert_allclose(out, np.sqrt(np.pi / (2 * z)), rtol=1e-7)
    assert scaled(np.inf) == 0.0
    # as scipy's: K_nu(0) = inf, NaN stays NaN
    assert np.isinf(scaled(0.0)) and np.isnan(scaled(np.nan))
