"""Eqs. (25), (33), the broadened loss and the drift speeds for any pair potential (issue 14).

Checked against the Gaussian closed forms, a direct mpmath band integral, transforms computed
by quadrature instead of the closed forms, the fast-particle and large-spacing limits, and
memory bounds.
"""

import dataclasses
import math
import tracemalloc

import mpmath
import numpy as np
import pytest

from chaindrag import analytic as an
from chaindrag.analytic import _common as analytic_common
from chaindrag.interactions import (Gaussian, Interaction, LennardJones, Lorentzian, Morse,
                                    Yukawa)
from chaindrag.params import ParameterError

ALPHA, PHI0, LAM, WF = 40.0, 2.0, 4.0, 10.0
LAMS = (0.5, 1.0, 2.0, 4.0)
BUILT_IN = [Morse.channel(), LennardJones.channel(), Lorentzian(2.0, 4.0), Yukawa(2.0, 4.0, 4.0)]


@dataclasses.dataclass(frozen=True, eq=False)
class Quadrature(Interaction):
    """Another potential seen only through Phi(x): Phi_k by quadrature, never the closed form."""

    inner: Interaction

    @property
    def kind(self):
        return self.inner.kind

    @property
    def strip(self):
        return self.inner.strip

    def _phi(self, z):
        return self.inner._phi(z)

    def _dphi(self, x):
        return self.inner._dphi(x)

    def _kernel_params(self):
        return self.inner._kernel_params()

    @property
    def scales(self):
        return self.inner.scales

    @property
    def phi_max(self):
        return self.inner.phi_max

    @property
    def phi_min(self):
        return self.inner.phi_min

    def reach(self, force_floor=None):
        return self.inner.reach(force_floor)


@dataclasses.dataclass(frozen=True, eq=False)
class PlainGaussian(Interaction):
    """phi0 e^{-x^2/2 lam^2} written here (not an interactions.Gaussian: the general path)."""

    phi0: float
    lam: float
    kind = 0
    strip = math.inf

    def _phi(self, z):
        return self.phi0 * np.exp(-0.5 * (z / self.lam) ** 2)

    def _dphi(self, x):
        return -x / self.lam**2 * self._phi(x)

    def _kernel_params(self):
        return np.array([self.phi0, self.lam, self.lam**-2])

    def _fourier_closed(self, k):
        return self.phi0 * self.lam * math.sqrt(2 * math.pi) * np.exp(-0.5 * (k * self.lam) ** 2)

    scales = property(lambda self: (self.lam, self.lam))
    phi_max = property(lambda self: max(self.phi0, 0.0))
    phi_min = property(lambda self: min(self.phi0, 0.0))

    def reach(self, force_floor=None):
        return 12.0 * self.lam


# --------------------------------------------------------------------------- Eq. (25)
@pytest.mark.parametrize("lam", LAMS)
def test_mode_sum_eq25_for_the_gaussian_equals_closed_form_eq26(lam):
    v = np.geomspace(1.0, 2000.0, 40)
    ref = an.single_pass_loss(v, PHI0, lam, WF)
    ok = ref > 1e-280  # below, Phi_k^2 is subnormal
    mode_sum = an.single_pass_loss_modesum(v, Gaussian(PHI0, lam), WF)
    np.testing.assert_allclose(mode_sum[ok], ref[ok], rtol=1e-10)
    general = an.single_pass_loss(v, interaction=PlainGaussian(PHI0, lam))
    np.testing.assert_allclose(general[ok], ref[ok], rtol=1e-10)


def test_gaussian_interaction_takes_the_closed_forms_bit_for_bit():
    g = Gaussian(PHI0, LAM)
    v = np.geomspace(2.0, 300.0, 50)
    assert np.array_equal(an.single_pass_loss(v, interaction=g), an.single_pass_loss(v, PHI0, LAM))
    assert np.array_equal(an.steady_state_loss(v, alpha=ALPHA, interaction=g),
                          an.steady_state_loss(v, PHI0, LAM, ALPHA))
    vb = np.linspace(14.0, 60.0, 7)
    assert np.array_equal(an.broadened_steady_state_loss(vb, alpha=ALPHA, interaction=g),
                          an.broadened_steady_state_loss(vb, PHI0, LAM, ALPHA))


@pytest.mark.parametrize("v", [5.0, 13.0, 40.0, 300.0])
def test_eq25_for_the_lorentzian_equals_direct_mpmath_band_integral(v):
    # Phi_k = A pi b e^{-|k| b} (residue at x = i b), the band integral by mpmath
    mpmath.mp.dps = 30
    a, b = 2.0, 4.0
    v_, wf = mpmath.mpf(v), mpmath.mpf(WF)

    def integrand(q):
        om = mpmath.sqrt(1 + (wf**2 - 1) * mpmath.sin(q / 2) ** 2)
        ft = a * mpmath.pi * b * mpmath.exp(-2 * mpmath.pi * om / v_ * b)
        return (4 * mpmath.pi**2 * om / v_**2 * ft) ** 2

    direct = mpmath.quad(integrand, [0, 0.05, 0.2, 0.6, mpmath.pi]) / (2 * mpmath.pi)
    assert an.single_pass_loss(v, interaction=Lorentzian(a, b)) == pytest.approx(float(direct),
                                                                                   rel=1e-10)


@pytest.mark.parametrize("inter", BUILT_IN[:3], ids=lambda i: type(i).__name__)
def test_eq25_with_the_transform_by_quadrature_equals_closed_form(inter):
    v = np.array([8.0, 25.0, 90.0])
    closed = an.single_pass_loss(v, interaction=inter)
    quad = an.single_pass_loss(v, interaction=Quadrature(inter))
    np.testing.assert_allclose(quad, closed, rtol=1e-9)


@pytest.mark.parametrize("inter", BUILT_IN, ids=lambda i: type(i).__name__)
def test_eq25_approaches_the_fast_limit_4pi4_phi_k0_squared(inter):
    # v -> inf: Phi_k(2 pi omega/v) -> Phi_k(0), <omega^2>_q = (omega_fast^2 + 1)/2, so
    # Delta v^4 -> 4 pi^4 Phi_k(0)^2 (omega_fast^2 + 1) (Eq. 27 for the Gaussian)
    v = np.array([1e4, 1e5, 1e6])
    limit = 4 * math.pi**4 * inter.fourier(0.0) ** 2 * (WF**2 + 1)
    ratio = an.single_pass_loss(v, interaction=inter) * v**4 / limit
    assert abs(ratio[-1] - 1) < 1e-3
    assert np.all(np.diff(np.abs(ratio - 1)) < 0)


def test_callable_with_a_slow_tail_is_refused_with_bounded_memory():
    lorentzian = lambda u: 2.0 / (1.0 + (u / 4.0) ** 2)  # noqa: E731
    tracemalloc.start()
    try:
        with pytest.raises(ParameterError, match="decays too slowly"):
            an.single_pass_loss_modesum(10.0, lorentzian, WF, method="real")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50e6
    # the same potential as an Interaction has its closed form
    assert an.single_pass_loss_modesum(10.0, Lorentzian(2.0, 4.0)) > 0


# --------------------------------------------------------------------------- Eq. (33)
@pytest.mark.parametrize("lam", (1.0, 4.0))
def test_eq33_through_any_transform_equals_the_gaussian_closed_form(lam):
    v = np.geomspace(1.5, 900.0, 300)
    ref = an.steady_state_loss(v, PHI0, lam, ALPHA)
    general = an.steady_state_loss(v, alpha=ALPHA, interaction=PlainGaussian(PHI0, lam))
    ok = ref > 1e-280
    np.testing.assert_allclose(general[ok], ref[ok], rtol=1e-12)


def test_eq33_blocks_of_half_zones_give_the_same_sum(monkeypatch):
    v = np.array([0.7, 3.0, 11.0, 47.0])
    inter = Morse.channel()
    whole = an.steady_state_loss(v, alpha=ALPHA, interaction=inter)
    monkeypatch.setattr(analytic_common, "HALVES", 7)  # every speed split over many blocks
    np.testing.assert_allclose(an.steady_state_loss(v, alpha=ALPHA, interaction=inter), whole,
                               rtol=1e-13)


@pytest.mark.parametrize("inter", [Morse.channel(), Yukawa(-2.0, 4.0, 4.0)],
                         ids=lambda i: type(i).__name__)
def test_eq33_tends_to_eq25_for_large_spacing(inter):
    # as alpha -> inf the resonant modes fill the band with density -> the q measure; the
    # band-edge (van Hove) terms make the error decay as alpha^{-1/2} (alpha/v half-integer)
    v = 30.0
    ref = an.single_pass_loss(v, interaction=inter)
    alphas = v * np.array([80.5, 800.5, 8000.5])
    err = an.steady_state_loss(v, alpha=alphas, interaction=inter) / ref - 1
    assert abs(err[-1]) < 3e-3
    np.testing.assert_allclose(err[:-1] / err[1:], math.sqrt(10), rtol=0.05)
    # Richardson extrapolation with the alpha^{-1/2} law removes the leading error
    assert abs((10 * err[2] - err[0]) / 9) < 3e-5


def _lorentzian_band_integral(v, a, b, wf):
    """Eq. (25), N -> inf, for the Lorentzian: Phi_k = A pi b e^{-|k| b}, the band by mpmath."""
    mpmath.mp.dps = 20
    v_, wf_ = mpmath.mpf(v), mpmath.mpf(wf)

    def integrand(q):
        om = mpmath.sqrt(1 + (wf_**2 - 1) * mpmath.sin(q / 2) ** 2)
        return (4 * mpmath.pi**2 * om / v_**2 * a * mpmath.pi * b
                * mpmath.exp(-2 * mpmath.pi * om / v_ * b)) ** 2

    return float(mpmath.quad(integrand, [0, 0.05, 0.2, 0.6, mpmath.pi]) / (2 * mpmath.pi))


@pytest.mark.parametrize("wf", (3.0, 25.0))
def test_every_loss_of_any_potential_follows_the_band_top_omega_fast(wf):
    # the band omega(q)^2 = 1 + (omega_fast^2 - 1) sin^2(q/2) enters Eqs. (25) and (33) (and
    # their broadening) for any potential, not only through the Gaussian closed forms (every
    # other test runs at omega_fast = 10): the general path at omega_fast = 3 and 25 against
    # Eq. (26), Eq. (33) and the broadened loss of the Gaussian's own formulas, and Eq. (25)
    # of the Lorentzian against a direct mpmath band integral. A path that read the default
    # omega_fast = 10 misses by orders of magnitude; agreement is to rounding (<= 1e-15
    # measured; 1e-10 is the mode sum's own tolerance)
    plain = PlainGaussian(PHI0, LAM)
    v = np.geomspace(8.0, 400.0, 12)
    ref = an.single_pass_loss(v, PHI0, LAM, wf)
    np.testing.assert_allclose(an.single_pass_loss(v, omega_fast=wf, interaction=plain), ref,
                               rtol=1e-10)
    assert abs(an.single_pass_loss(v[0], PHI0, LAM) / ref[0] - 1) > 0.5  # wf does matter
    for vv in (13.0, 90.0):
        assert an.single_pass_loss(vv, omega_fast=wf, interaction=Lorentzian(2.0, 4.0)) == \
            pytest.approx(_lorentzian_band_integral(vv, 2.0, 4.0, wf), rel=1e-10)
    v33 = np.geomspace(3.0, 300.0, 40)
    np.testing.assert_allclose(
        an.steady_state_loss(v33, alpha=ALPHA, omega_fast=wf, interaction=plain),
        an.steady_state_loss(v33, PHI0, LAM, ALPHA, wf), rtol=1e-12)
    # the broadened loss (mu = 1: the speed varies over the cell) through the general cell
    # potential: the same tanh-sinh nodes as the Gaussian's, so equal to rounding
    vb = np.linspace(14.0, 60.0, 9)
    gauss = an.broadened_steady_state_loss(vb, PHI0, 1.0, ALPHA, 1.0, wf)
    general = an.broadened_steady_state_loss(vb, alpha=ALPHA, mu=1.0, omega_fast=wf,
                                             interaction=PlainGaussian(PHI0, 1.0))
    assert np.all(np.isfinite(gauss))
    np.testing.assert_allclose(general, gauss, rtol=1e-9)


# --------------------------------------------------------------------------- broadened, drift
def test_broadening_vanishes_for_a_heavy_particle_any_potential():
    v = np.array([15.0, 25.0, 33.0, 55.0])
    for inter in (Morse.channel(), LennardJones.channel()):
        heavy = an.broadened_steady_state_loss(v, alpha=ALPHA, mu=1e8, interaction=inter)
        np.testing.assert_allclose(heavy, an.steady_state_loss(v, alpha=ALPHA, interaction=inter),
                                   rtol=1e-5)


def test_broadened_loss_undefined_below_the_cell_capture_speed():
    inter = Morse.channel()
    cell_barrier = 8 * math.pi**2 * (inter.phi_at_zero + 2 * inter.potential(ALPHA)
                                     - 2 * inter.potential(ALPHA / 2))  # three nearest masses
    v_cell = math.sqrt(cell_barrier)
    res = an.broadened_steady_state_loss(np.array([0.99, 1.01]) * v_cell, alpha=ALPHA,
                                         interaction=inter)
    assert math.isnan(res[0]) and np.isfinite(res[1])


def test_drift_velocities_of_a_non_gaussian_potential_solve_eq33():
    inter = Lorentzian(-2.0, 4.0)
    table = an.drift_velocities(0.01, alpha=ALPHA, interaction=inter)
    assert len(table) >= 4
    assert "interaction" in table.columns and "phi0" not in table.columns
    assert '"kind":"lorentzian"' in table["interaction"].iloc[0]
    roots = table[table.kind == "root"]
    assert len(roots)
    np.testing.assert_allclose(an.steady_state_loss(roots.v.to_numpy(), alpha=ALPHA,
                                                    interaction=inter), 0.01, rtol=1e-6)
    edges = table[table.kind == "spike_edge"]
    vc = np.concatenate([an.spike_speeds(ALPHA, WF, 100), an.spike_speeds(ALPHA, WF, 100, "top")])
    for v in edges.v:
        assert np.nanmin(np.abs(vc / v - 1)) < 1e-9


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call,name", [
    (lambda: an.single_pass_loss(10.0), "phi0 and lam missing"),
    (lambda: an.single_pass_loss(10.0, PHI0, LAM, interaction=Morse.channel()), "not both"),
    (lambda: an.single_pass_loss(10.0, interaction=lambda x: x), "interaction must be"),
    (lambda: an.steady_state_loss(10.0, interaction=Morse.channel()), "alpha missing"),
    (lambda: an.steady_state_loss(-1.0, alpha=ALPHA, interaction=Morse.channel()), "v"),
    (lambda: an.steady_state_loss(1e-12, alpha=ALPHA, interaction=Morse.channel()), "v must be"),
    (lambda: an.broadened_steady_state_loss(20.0, lam=LAM, alpha=ALPHA), "phi0 missing"),
    (lambda: an.drift_velocities(0.01, alpha=-1.0, interaction=Morse.channel()), "alpha"),
])
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


@pytest.mark.parametrize("inter", [Yukawa(2.0, 3.0, 4.0), Morse.channel(),
                                   LennardJones.channel()], ids=lambda i: type(i).__name__)
def test_eq16_for_any_potential_is_the_leading_order_of_the_exact_loss_free_pass(inter):
    # the exact pass over one isolated fixed mass (tau = int dsigma / v, energy conservation)
    # against Eq. (16) with Phi(v0 tau): its error falls as 1/v0^3 (measured 8.0 per octave);
    # a Gaussian of the same Phi(0) and width in its place misses by more than the
    # fluctuation itself
    from chaindrag.validation.fig4 import loss_free_profile_error

    spacing = 2000.0  # the neighbours out of reach
    def error(v0, **kw):
        return loss_free_profile_error(v0, inter.phi_at_zero, inter.width, spacing, 1.0,
                                       5 * spacing - 300.0, n_grid=400001, **kw)
    e80, e160 = error(80.0, interaction=inter), error(160.0, interaction=inter)
    assert e80 / e160 == pytest.approx(8.0, rel=0.1)
    fluctuation = 160.0 - an.extremum_speed(160.0, inter.phi_at_zero)
    assert e160 < 3e-3 * fluctuation
    tau = np.linspace(-20.0, 20.0, 81) / 160.0  # the particle within 20 of the mass
    gaussian = an.velocity_profile(tau, 160.0, inter.phi_at_zero, inter.width)
    assert np.max(np.abs(gaussian - an.velocity_profile(tau, 160.0, interaction=inter))) > e160


def test_eq16_of_the_gaussian_interaction_is_the_closed_form_to_the_bit():
    tau = np.linspace(-0.5, 0.5, 101)
    np.testing.assert_array_equal(an.velocity_profile(tau, 50.0, interaction=Gaussian(20.0, 4.0)),
                                  an.velocity_profile(tau, 50.0, 20.0, 4.0))
    with pytest.raises(ParameterError, match="not both"):
        an.velocity_profile(tau, 50.0, 20.0, 4.0, interaction=Yukawa(2.0, 3.0, 4.0))


@pytest.mark.parametrize("kw", [dict(phi0=2.0, lam=20.0), dict(phi0=-1.0, lam=4.0),
                                dict(interaction=Morse.channel()),
                                dict(interaction=Yukawa(2.0, 3.0, 4.0))],
                         ids=["wide gaussian", "gaussian", "morse channel", "yukawa"])
def test_cell_potential_is_the_sum_over_every_chain_mass(kw):
    # the chain at rest's potential at any x (outside the cell too) against a plain sum over
    # 801 masses; the wide Gaussian (lam = alpha / 2) needs more than the five nearest
    alpha = 40.0
    x = np.random.default_rng(7).uniform(-130.0, 130.0, 64)
    inter = kw.get("interaction") or Gaussian(kw["phi0"], kw["lam"])
    brute = inter.potential(x[:, None] - alpha * np.arange(-400, 401)[None, :]).sum(axis=1)
    got = an.cell_potential(x, alpha=alpha, **kw)
    np.testing.assert_allclose(got, brute, rtol=0, atol=1e-10 * np.max(np.abs(brute)))
    assert an.cell_potential(x[0], alpha=alpha, **kw) == got[0]  # a scalar in, a float out


@pytest.mark.parametrize("kw, name", [(dict(alpha=0.0), "alpha"), (dict(x=np.nan), "x"),
                                      (dict(lam=-1.0), "lam"),
                                      (dict(interaction=Morse.channel()), "not both")])
def test_cell_potential_refuses_bad_input_naming_it(kw, name):
    args = dict(x=1.0, phi0=2.0, lam=4.0, alpha=40.0)
    args.update(kw)
    with pytest.raises(ParameterError, match=name):
        an.cell_potential(**args)
