"""Eq. (33) and its broadening (Sec. VI) at low speed, where every resonant mode counts.

For a potential whose transform Phi_k decays slowly (a narrow Lorentzian, a Yukawa channel)
no mode is negligible at low speed: Eq. (33) sums the ~8 (omega_fast - 1) alpha / v roots
of Eq. (32) (hundreds), and between two chain masses the speed crosses hundreds of the
tangency speeds where Eq. (33) has inverse-square-root spikes. Checked here against a
dense-grid root count and against a quadrature of the broadening written independently of
the package's (its own nodes, cuts and end-point treatment).
"""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from chaindrag import analytic as an
from chaindrag.interactions import Gaussian, Lorentzian, Yukawa

ALPHA, WF = 40.0, 10.0


@pytest.mark.parametrize("v", [0.905, 2.3])
def test_every_resonant_mode_at_low_speed_is_found_and_polished_to_rounding(v):
    # Eq. (32), omega(x) + x v / alpha = 0, on a grid of step 1e-4: at these speeds the
    # nearest tangency is >= 1e-3 v away, so the closest pair of roots is ~4e-3 apart
    vc = np.concatenate([an.spike_speeds(ALPHA, WF, 500),
                         an.spike_speeds(ALPHA, WF, 500, "top")])
    assert np.nanmin(np.abs(vc / v - 1)) > 1e-3
    step = 1e-4
    x = np.arange(-ALPHA * WF / v - 1, -ALPHA / v + 1, step)
    f = np.sqrt(1 + (WF**2 - 1) * np.sin(np.pi * x) ** 2) + x * v / ALPHA
    j = np.nonzero(np.sign(f[:-1]) != np.sign(f[1:]))[0]
    brute = x[j] - f[j] * step / (f[j + 1] - f[j])
    roots = an.steady_state_roots(v, ALPHA, WF)
    assert roots.size == brute.size > 300  # more than one block of the root polisher
    np.testing.assert_allclose(roots, brute, atol=1e-6)
    # to rounding: an ulp of x ~ 400 moves omega by up to omega' ulp ~ 2e-12
    om = np.sqrt(1 + (WF**2 - 1) * np.sin(np.pi * roots) ** 2)
    np.testing.assert_allclose(om, -roots * v / ALPHA, rtol=3e-12)


def _broadened_by_hand(v, inter, n=24):
    """<Delta_bar> = int dx Delta_bar(u(x)) / u(x) / int dx / u(x) over [0, alpha/2].

    u(x)^2 = v^2 - 8 pi^2 [Phi_cell(x) - Phi_cell(alpha/2)] (mu = 1), monotone between the
    mass and the midpoint for these potentials. The half cell is cut where u crosses a
    tangency speed (brentq); on each piece x = a + (b - a) sin^2(theta) with Gauss-Legendre
    nodes in theta: dx ~ sqrt(x - a) at both ends cancels the inverse square roots of Eq. (33)
    there, which leaves an analytic integrand (the package instead uses tanh-sinh nodes and
    drops those within 1e-13 alpha of a cut or a few ulps of a tangency speed).
    """
    mid = float(an.cell_potential(ALPHA / 2, alpha=ALPHA, interaction=inter))

    def u(x):
        cell = an.cell_potential(x, alpha=ALPHA, interaction=inter)
        return np.sqrt(v**2 - 8 * math.pi**2 * (cell - mid))

    grid = u(np.linspace(0.0, ALPHA / 2, 2001))
    assert np.all(np.diff(grid) < 0) or np.all(np.diff(grid) > 0)
    n_max = int(ALPHA * WF / grid.min()) + 2
    vc = np.concatenate([an.spike_speeds(ALPHA, WF, n_max),
                         an.spike_speeds(ALPHA, WF, n_max, "top")])
    vc = vc[(vc > grid.min()) & (vc < grid.max())]
    crossings = [brentq(lambda x, c=c: float(u(x)) - c, 0.0, ALPHA / 2, xtol=1e-15, rtol=1e-15)
                 for c in vc]
    cuts = np.sort(np.concatenate([[0.0, ALPHA / 2], crossings]))
    t, w = np.polynomial.legendre.leggauss(n)
    theta, w = 0.25 * math.pi * (t + 1), 0.25 * math.pi * w
    a, b = cuts[:-1, None], cuts[1:, None]
    x = (a + (b - a) * np.sin(theta) ** 2).ravel()
    dx = ((b - a) * np.sin(2 * theta) * w).ravel()
    speed = u(x)
    loss = an.steady_state_loss(speed, alpha=ALPHA, omega_fast=WF, interaction=inter)
    return np.sum(dx * loss / speed) / np.sum(dx / speed), vc.size


@pytest.mark.parametrize("inter, v", [(Lorentzian(-2.0, 0.58), 2.3),
                                      (Yukawa(-2.0, 3.0, 4.0), 1.5), (Gaussian(-2.0, 4.0), 3.0)],
                         ids=["lorentzian", "yukawa", "gaussian"])
def test_broadened_loss_at_low_speed_is_the_time_weighted_mean_over_the_cell(inter, v):
    # the speed crosses 100-170 tangency speeds in the cell; the quadrature by hand is
    # converged to ~1e-11 (24 or 48 nodes a piece agree), the package's nodes dropped next
    # to the cuts cost it ~1e-6 (measured 2e-7 to 2e-6)
    by_hand, crossed = _broadened_by_hand(v, inter)
    assert crossed > 100
    assert an.broadened_steady_state_loss(v, alpha=ALPHA, omega_fast=WF, interaction=inter) == \
        pytest.approx(by_hand, rel=1e-5)


def _tangency(edge, near):
    """The tangency speed of the band ``edge`` nearest ``near``."""
    vc = an.spike_speeds(ALPHA, WF, 12, edge)
    return float(vc[np.nanargmin(np.abs(vc - near))])


@pytest.mark.parametrize("eps", [1e-5, 1e-7, 1e-9])
@pytest.mark.parametrize("inter, edge, near, side", [
    (Gaussian(-2.0, 4.0), "top", 114.8, -1.0), (Gaussian(-2.0, 4.0), "top", 89.1, -1.0),
    (Gaussian(2.0, 4.0), "bottom", 40.0, 1.0)], ids=["attractive-114", "attractive-89",
                                                     "repulsive-40"])
def test_broadened_loss_next_to_a_jump_is_the_time_weighted_mean_over_the_cell(inter, edge,
                                                                                near, side, eps):
    # the midpoint speed eps (relative) on the divergent side of a tangency speed: v(x)
    # meets it next to the midpoint, where v'(x) -> 0, so the nodes near that cut sit
    # within ulps of the tangency speed, where Eq. (33) is rounding noise (up to 1e12).
    # Dropping nodes within 1e-15 of the tangency speed loses ~sqrt(1e-15/eps) of the
    # spike's part (measured 6e-7 to 7e-4); before, these speeds were off by 5x to 10 000x.
    # (At eps ~ 1e-11 the quadrature by hand meets the same rounding: not compared.)
    v = _tangency(edge, near) * (1.0 + side * eps)
    by_hand, crossed = _broadened_by_hand(v, inter, n=48)
    assert crossed >= 1
    assert an.broadened_steady_state_loss(v, alpha=ALPHA, omega_fast=WF, interaction=inter) == \
        pytest.approx(by_hand, rel=math.sqrt(1e-15 / eps))
