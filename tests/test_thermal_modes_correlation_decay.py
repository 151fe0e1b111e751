"""correlation_decay is the decay rate of the classical chain's equal-time correlations."""

import math

import numpy as np
import pytest

from chaindrag.thermal import correlation_decay


def _classical_correlation(m: int, omega_fast: float) -> float:
    """<rho_0 rho_m> / omega_T of the classical infinite chain, up to a constant factor:
    equipartition gives each mode q the variance omega_T / omega(q)^2 (Eq. 11), so it is
    int_0^2pi cos(q m) / (1 + (omega_fast^2 - 1) sin^2(q/2)) dq / 2pi, by the trapezoidal
    rule on the period (the integrand is analytic within ~2/omega_fast of the real axis, so
    16384 nodes are exact to rounding for omega_fast <= 40)."""
    q = 2.0 * math.pi * np.arange(16384) / 16384
    return float(np.mean(np.cos(q * m) / (1.0 + (omega_fast**2 - 1.0) * np.sin(0.5 * q) ** 2)))


@pytest.mark.parametrize("omega_fast", [1.05, 2.0, 10.0, 40.0])
def test_classical_correlations_fall_by_exp_minus_two_y0_per_site(omega_fast):
    y0 = correlation_decay(omega_fast)
    c = [_classical_correlation(m, omega_fast) for m in range(4)]
    ratios = np.array(c[1:]) / np.array(c[:-1])
    np.testing.assert_allclose(ratios, math.exp(-2.0 * y0), rtol=1e-9)
