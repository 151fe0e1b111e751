"""Randomized property tests of the free thermal chain (chaindrag.thermal) at random
parameters: omega_fast in [1.5, 30], omega_T log-uniform in [1e-3, 1e4], both statistics.

References written here, not taken from the package: the mode energy (Bose-Einstein with
zero point, or equipartition), the dispersion of Eq. (11), Brillouin-zone averages by
``scipy.integrate.quad``, exact mode sums on a ring, series of coth, and Gaussian-field
statistics (Isserlis) for the tolerances of sampled quantities.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import IntegrationWarning, quad
from scipy.special import ellipe, ellipk

from chaindrag import thermal as th
from chaindrag.params import ParameterError
from chaindrag.solvers._common import propagator_stencils
from chaindrag.thermal import ThermalChain
from chaindrag.thermal.modes import mode_energy

EPS = np.finfo(float).eps
STATS = ("quantum", "classical")


# --------------------------------------------------------------------------- references
def energy(omega, temp, statistics):
    """Mean mode energy (units hbar Omega_slow): (omega/2) coth(omega/2T), or T classically."""
    omega = np.asarray(omega, dtype=float)
    if statistics == "classical":
        return np.full(omega.shape, float(temp))
    if temp == 0:
        return 0.5 * omega
    x = omega / (2.0 * temp)
    # coth x = 1 + 2/(e^{2x} - 1); expm1 keeps small x exact, large x gives 1 without overflow
    with np.errstate(over="ignore"):
        return 0.5 * omega * (1.0 + 2.0 / np.expm1(np.minimum(2.0 * x, 1400.0)))


def dispersion(theta, wf):
    """Eq. (11) in units of Omega_slow, theta = q/2."""
    return np.sqrt(1.0 + (wf**2 - 1.0) * np.sin(theta) ** 2)


def quad_bz(m, tau, temp, statistics, power, wf):
    """(2/pi) int_0^{pi/2} cos(2 m theta) cos(2 pi omega tau) eps / omega^power d theta,
    adaptive quadrature on subintervals holding a few oscillations each."""
    def f(t):
        w = float(dispersion(t, wf))
        return (math.cos(2 * m * t) * math.cos(2 * math.pi * w * tau)
                * float(energy(w, temp, statistics)) / w**power)

    edges = np.linspace(0.0, math.pi / 2, int(8 + 2 * wf * abs(tau) + abs(m)) + 1)
    # absolute floor: rounding of the largest integrand value (band bottom or top); quad
    # still warns of roundoff on subintervals where the integrand nearly cancels, far
    # below the 1e-12 the tests ask for
    top = max(float(energy(w, temp, statistics)) / w**power for w in (1.0, wf))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        return 2 / math.pi * sum(quad(f, a, c, epsabs=1e-15 * top, epsrel=1e-13, limit=200)[0]
                                 for a, c in zip(edges[:-1], edges[1:]))


def ring_modes(n, wf):
    """Wave numbers q_j = 2 pi j / n and frequencies of the n modes of a ring."""
    q = 2 * np.pi * np.arange(n) / n
    return q, dispersion(q / 2, wf)


def ring_correlations(n, tau, temp, statistics, wf, power=2):
    """C_m(tau) for every m = 0..n-1 on a ring of n sites (exact ensemble mode sum):
    (1/n) sum_j cos(q_j m) cos(2 pi omega_j tau) eps_j / omega_j^power."""
    _, w = ring_modes(n, wf)
    spectrum = energy(w, temp, statistics) / w**power * np.cos(2 * np.pi * w * tau)
    return np.fft.ifft(spectrum).real


def draw_parameters(rng):
    """A random band top, temperature (log-uniform 1e-3 .. 1e4) and statistics."""
    return rng.uniform(1.5, 30.0), float(10 ** rng.uniform(-3.0, 4.0)), str(rng.choice(STATS))


# --------------------------------------------------------------------------- closed forms
def test_closed_forms_are_the_brillouin_zone_average_of_the_mode_energies():
    # 40 random (omega_fast, omega_T, statistics, m, tau); quad's own error is ~1e-15
    rng = np.random.default_rng(20230127)
    for _ in range(40):
        wf, temp, statistics = draw_parameters(rng)
        m, tau = int(rng.integers(0, 12)), float(rng.uniform(0.0, 6.0))
        rho2 = quad_bz(0, 0.0, temp, statistics, 2, wf)
        mom2 = quad_bz(0, 0.0, temp, statistics, 0, wf)
        c = quad_bz(m, tau, temp, statistics, 2, wf)
        cv = quad_bz(m, tau, temp, statistics, 0, wf)
        case = (wf, temp, statistics, m, tau)
        assert th.displacement_variance(temp, statistics, wf) == pytest.approx(rho2, rel=1e-12), case
        assert th.velocity_variance(temp, statistics, wf) == pytest.approx(mom2, rel=1e-12), case
        assert th.energy_per_site(temp, statistics, wf) == pytest.approx(mom2, rel=1e-12), case
        assert abs(th.correlation(m, tau, temp, statistics, wf) - c) <= 1e-12 * rho2, case
        assert abs(th.velocity_correlation(m, tau, temp, statistics, wf) - cv) <= 1e-12 * mom2, case
        msd = 2 * (rho2 - quad_bz(0, tau, temp, statistics, 2, wf))
        assert abs(th.mean_square_displacement(tau, temp, statistics, wf) - msd) <= 1e-12 * rho2


def test_cold_quantum_chain_keeps_its_zero_point_motion():
    # below omega_T = 1/40 every mode's thermal part is < e^{-40} of its zero point, so
    # <rho^2> = K(k)/(pi omega_fast), <(rho'/2 pi)^2> = omega_fast E(k)/pi, k = 1 - 1/omega_fast^2
    rng = np.random.default_rng(1)
    for _ in range(20):
        wf, temp = rng.uniform(1.5, 30.0), float(10 ** rng.uniform(-3.0, math.log10(1 / 40)))
        k = 1 - 1 / wf**2
        assert th.displacement_variance(temp, "quantum", wf) == pytest.approx(
            ellipk(k) / (math.pi * wf), rel=1e-13)
        assert th.velocity_variance(temp, "quantum", wf) == pytest.approx(
            wf * ellipe(k) / math.pi, rel=1e-13)


def test_hot_quantum_chain_is_classical_plus_the_first_coth_corrections():
    # coth x = 1/x + x/3 - x^3/45 + ..., alternating and decreasing for x = omega/2T < pi:
    #   <rho^2> - T/wf - 1/(12 T)          in [-<omega^2>/(720 T^3), 0],
    #   <eps> - T - <omega^2>/(12 T)       in [-<omega^4>/(720 T^3), 0],
    # <omega^2> = (1 + wf^2)/2, <omega^4> = 1 + b + 3 b^2/8 (b = wf^2 - 1, <sin^4> = 3/8).
    rng = np.random.default_rng(2)
    resolved = 0
    for _ in range(30):
        wf, temp = rng.uniform(1.5, 30.0), float(10 ** rng.uniform(math.log10(50.0), 4.0))
        b = wf**2 - 1
        w2, w4 = 1 + b / 2, 1 + b + 3 * b**2 / 8
        for value, lead, bound in (
                (th.displacement_variance(temp, "quantum", wf), temp / wf + 1 / (12 * temp),
                 w2 / (720 * temp**3)),
                (th.velocity_variance(temp, "quantum", wf), temp + w2 / (12 * temp),
                 w4 / (720 * temp**3))):
            rounding = 16 * EPS * lead
            diff = value - lead
            assert -bound - rounding <= diff <= rounding, (wf, temp, diff, bound)
            if bound > 20 * rounding:  # the next term is really there where it is resolved
                assert diff < -0.5 * bound, (wf, temp, diff, bound)
                resolved += 1
    assert resolved >= 10


def test_flat_band_chain_is_one_oscillator_per_site_with_first_order_band_corrections():
    # omega_fast -> 1: omega = 1 + b sin^2(theta)/2 + O(b^2). With F(omega) = cos(2 pi omega tau)
    # eps/omega^2, <sin^2> = 1/2 and <cos(2 theta) sin^2> = -1/4:
    #   C_0(tau) = F(1) + F'(1) b/4 + O(b^2),  C_1(tau) = -F'(1) b/8 + O(b^2),
    # C_2 = O(b^2). O(b^2) is bounded by b^2 (|F'| + |F''|) (<sin^4>/8 + <sin^4>/8 ... < 1).
    rng = np.random.default_rng(3)
    for _ in range(20):
        b = float(10 ** rng.uniform(-7.0, -4.0))
        wf = math.sqrt(1 + b)
        temp, statistics = float(10 ** rng.uniform(-3.0, 4.0)), str(rng.choice(STATS))
        tau = float(rng.uniform(0.0, 3.0))

        def big_f(w):
            return math.cos(2 * math.pi * w * tau) * float(energy(w, temp, statistics)) / w**2

        h = 1e-3
        d1 = (big_f(1 + h) - big_f(1 - h)) / (2 * h)
        d2 = (big_f(1 + h) - 2 * big_f(1) + big_f(1 - h)) / h**2
        scale = abs(big_f(1)) + abs(d1) + abs(d2) + float(energy(1.0, temp, statistics))
        tol = b**2 * scale + 1e-13 * float(energy(1.0, temp, statistics))
        # d1 by central difference: error h^2 |F'''|/6 < 1e-6 scale (1 + 2 pi tau)^3, times b/4
        tol += b * 1e-6 * scale * (1 + 2 * math.pi * tau) ** 3
        case = (wf, temp, statistics, tau)
        assert abs(th.correlation(0, tau, temp, statistics, wf) - big_f(1) - d1 * b / 4) <= tol, case
        assert abs(th.correlation(1, tau, temp, statistics, wf) + d1 * b / 8) <= tol, case
        assert abs(th.correlation(2, tau, temp, statistics, wf)) <= tol, case


def test_ring_sized_by_ring_size_has_the_infinite_chains_correlations():
    # the exact mode sum on the ring (written here) at the run's longest lag and widest
    # distance equals the closed form to rounding, for random omega_fast, tau_max, window
    rng = np.random.default_rng(4)
    for _ in range(12):
        wf, temp, statistics = draw_parameters(rng)
        tau, window = float(rng.uniform(0.0, 60.0)), int(rng.integers(1, 400))
        n = th.ring_size(tau, wf, window)
        assert n >= math.pi * (wf - 1) * tau + window  # the light cone and the window fit
        chain = ThermalChain(temp, statistics=statistics, omega_fast=wf).with_ring_for(tau, window)
        assert chain.n_modes == n and chain.wraparound_time > tau
        chain.require_ring(tau, window)
        scale = th.displacement_variance(temp, statistics, wf)
        exact = th.correlation(window - 1, tau, temp, statistics, wf)
        ring = ring_correlations(n, tau, temp, statistics, wf)[window - 1]
        rounding = 1e-13 + 8 * EPS * 2 * math.pi * wf * tau
        assert abs(ring - exact) <= rounding * scale, (wf, temp, statistics, tau, window)
        need = th.needed_sites(tau, wf, window)  # > 17: the static margin alone is > 22
        ThermalChain(temp, omega_fast=wf, n_modes=need).require_ring(tau, window)
        with pytest.raises(ParameterError, match="n_modes"):
            ThermalChain(temp, omega_fast=wf, n_modes=need - 1).require_ring(tau, window)


# --------------------------------------------------------------------------- sampling
N_RING = 1 << 16
R_SEEDS = 3
Z = 4.0  # ~80 comparisons at two-sided 6e-5 each: a false alarm rate of 5e-3


def sampled_deviations(rng, n_configs=8):
    """(deviation / standard error, standard error / expected, name) of sampled statistics
    of random realizations against the closed forms.

    The site average of x_n y_n of a stationary Gaussian field on a ring of N sites has the
    variance (1/N) sum_m [Cxx_m Cyy_m + Cxy_m Cyx_m] (Isserlis; Cxy_m = <x_n y_{n+m}>),
    computed from the ring's exact mode sums; R independent seeds divide it by R.
    """
    out = []
    for _ in range(n_configs):
        wf, temp, statistics = draw_parameters(rng)
        lags = rng.uniform(0.02, 2.0, size=2)
        times = np.concatenate([[0.0], lags])
        seeds = rng.choice(2**31, size=R_SEEDS, replace=False)
        est = {k: [] for k in ("rho2", "rho2_later", "mom2", "rho_nb", "mom_nb", "lag1", "lag2")}
        for seed in seeds:
            chain = ThermalChain(temp, statistics=statistics, seed=int(seed), omega_fast=wf,
                                 n_modes=N_RING)
            x = chain.field(0, N_RING, times, check_ring=False)
            p = chain.field(0, N_RING, [0.0], check_ring=False, kind="velocity")[0] / (2 * math.pi)
            est["rho2"].append(np.mean(x[0] ** 2))
            est["rho2_later"].append(np.mean(x[1] ** 2))
            est["mom2"].append(np.mean(p**2))
            est["rho_nb"].append(np.mean(x[0] * np.roll(x[0], -1)))
            est["mom_nb"].append(np.mean(p * np.roll(p, -1)))
            est["lag1"].append(np.mean(x[1] * x[0]))
            est["lag2"].append(np.mean(x[2] * x[0]))
        c0 = ring_correlations(N_RING, 0.0, temp, statistics, wf)
        cv = ring_correlations(N_RING, 0.0, temp, statistics, wf, power=0)
        cl = [ring_correlations(N_RING, t, temp, statistics, wf) for t in lags]

        def nb(c):  # x_n = f_n, y_n = f_{n+1}
            return np.sum(c**2 + np.roll(c, -1) * np.roll(c, 1))

        var = {"rho2": 2 * np.sum(c0**2), "rho2_later": 2 * np.sum(c0**2),
               "mom2": 2 * np.sum(cv**2), "rho_nb": nb(c0), "mom_nb": nb(cv),
               "lag1": np.sum(c0**2 + cl[0] ** 2), "lag2": np.sum(c0**2 + cl[1] ** 2)}
        expected = {
            "rho2": th.displacement_variance(temp, statistics, wf),
            "rho2_later": th.displacement_variance(temp, statistics, wf),
            "mom2": th.velocity_variance(temp, statistics, wf),
            "rho_nb": th.correlation(1, 0.0, temp, statistics, wf),
            "mom_nb": th.velocity_correlation(1, 0.0, temp, statistics, wf),
            "lag1": th.correlation(0, lags[0], temp, statistics, wf),
            "lag2": th.correlation(0, lags[1], temp, statistics, wf)}
        scale = {"rho2": expected["rho2"], "mom2": expected["mom2"]}
        for k, e in expected.items():
            se = math.sqrt(var[k] / (N_RING * R_SEEDS))
            ref = scale["mom2" if k.startswith("mom") else "rho2"]
            out.append((abs(np.mean(est[k]) - e) / se, se / ref, (k, wf, temp, statistics)))
    return out


def test_sampled_statistics_match_closed_forms_within_their_isserlis_errors():
    # equal-time variances of rho and momentum (at two times: stationarity), neighbour
    # correlations and C_0(tau) at two random lags, for 8 random parameter sets
    devs = sampled_deviations(np.random.default_rng(5))
    for dev, rel, case in devs:
        assert Z * rel < 0.1, case  # each comparison resolves a 10 % error of the variance
        assert dev <= Z, (dev, case)


def test_realizations_with_different_seeds_are_uncorrelated():
    # independent Gaussian fields x, y: Var of the site mean of x_n y_n = (1/N) sum_m C_m^2
    rng = np.random.default_rng(6)
    n = 1 << 16
    for _ in range(6):
        wf, temp, statistics = draw_parameters(rng)
        s1, s2 = (int(s) for s in rng.choice(2**31, size=2, replace=False))
        tau = float(rng.uniform(0.0, 5.0))
        a, b = (ThermalChain(temp, statistics=statistics, seed=s, omega_fast=wf, n_modes=n)
                for s in (s1, s2))
        x, y = (c.field(0, n, [tau], check_ring=False)[0] for c in (a, b))
        c0 = ring_correlations(n, 0.0, temp, statistics, wf)
        se = math.sqrt(np.sum(c0**2) / n)
        assert 4 * se < 0.1 * c0[0]  # resolves a cross-correlation of 10 % of <rho^2>
        assert abs(np.mean(x * y)) <= 4 * se, (wf, temp, statistics, s1, s2)


def test_ring_statistics_are_the_same_at_every_site_and_time():
    # Many seeds on a small ring: the seed average of rho_n^2 and rho_n rho_{n+1} at each
    # site n (and at two times) against the ring's exact mode sum. A seed average of R
    # products of Gaussians has Var (C_xx C_yy + C_xy^2)/R; 4.5 standard errors with ~300
    # comparisons. Standing waves of fixed phase (a_{N-j} tied to a_j) would make the
    # variance site-dependent by O(1).
    rng = np.random.default_rng(7)
    seeds = 1500
    for _ in range(3):
        wf, temp, statistics = draw_parameters(rng)
        n = int(rng.integers(16, 40))
        taus = np.array([0.0, rng.uniform(0.1, 50.0)])
        fields = np.array([ThermalChain(temp, statistics=statistics, seed=s, omega_fast=wf,
                                        n_modes=n).field(0, n, taus, check_ring=False)
                           for s in range(seeds)])  # (seed, time, site)
        c = ring_correlations(n, 0.0, temp, statistics, wf)
        var = fields**2
        nb = fields * np.roll(fields, -1, axis=2)
        se_var = math.sqrt(2 * c[0] ** 2 / seeds)
        se_nb = math.sqrt((c[0] ** 2 + c[1] ** 2) / seeds)
        assert 4.5 * se_var < 0.25 * c[0]
        case = (wf, temp, statistics, n)
        assert np.max(np.abs(var.mean(axis=0) - c[0])) <= 4.5 * se_var, case
        assert np.max(np.abs(nb.mean(axis=0) - c[1])) <= 4.5 * se_nb, case


def test_every_mode_keeps_its_energy_and_it_is_gamma_distributed_with_the_thermal_mean():
    # Project a realization onto the ring's modes (FFT written here): for mode j,
    # E_j = (|p_j|^2 + omega_j^2 |rho_j|^2)/2 with p = rho'/2 pi. For travelling-wave
    # amplitudes a_j, E_j = omega_j^2 (|a_j|^2 + |a_{N-j}|^2)/4: constant in time, and for a
    # thermal Wigner function (circular Gaussian a_j, <|a_j|^2> = 2 eps_j/omega_j^2)
    # E_j/eps_j ~ Gamma(2, 1/2) for 0 < j < N/2 (pairs E_j = E_{N-j}). Classical: eps_j = T
    # for every mode (equipartition). Checked: the mean over modes (se sqrt(1/(2 K))) and a
    # Kolmogorov-Smirnov test of the whole distribution; the authors' ring distribution
    # (geometric n_j, uniform phase) has the same mean but fails it at T = 0.
    rng = np.random.default_rng(8)
    for _ in range(6):
        wf, temp, statistics = draw_parameters(rng)
        n = int(rng.integers(2000, 6000))
        chain = ThermalChain(temp, statistics=statistics, seed=int(rng.integers(2**31)),
                             omega_fast=wf, n_modes=n)
        taus = rng.uniform(0.0, 100.0, size=2)
        _, w = ring_modes(n, wf)
        e = []
        for tau in taus:
            rho = np.fft.fft(chain.field(0, n, [tau], check_ring=False)[0]) / math.sqrt(n)
            mom = np.fft.fft(chain.field(0, n, [tau], check_ring=False, kind="velocity")[0]) \
                / (2 * math.pi * math.sqrt(n))
            e.append((np.abs(mom) ** 2 + w**2 * np.abs(rho) ** 2) / 2)
        case = (wf, temp, statistics, n)
        np.testing.assert_allclose(e[1], e[0], rtol=1e-9, err_msg=str(case))  # conserved
        j = np.arange(1, (n - 1) // 2 + 1)  # one of each pair, no j = 0 or N/2
        ratio = e[0][j] / energy(w[j], temp, statistics)
        assert abs(ratio.mean() - 1) <= 4 * math.sqrt(0.5 / j.size), case
        assert stats.kstest(ratio, stats.gamma(2, scale=0.5).cdf).pvalue > 1e-3, case


# --------------------------------------------------------------------------- exactness
def test_same_seed_gives_the_same_bytes_and_the_mirror_image_is_minus_the_field():
    rng = np.random.default_rng(9)
    for _ in range(8):
        wf, temp, statistics = draw_parameters(rng)
        n, seed = int(rng.integers(16, 3000)), int(rng.integers(2**31))
        kw = dict(statistics=statistics, seed=seed, omega_fast=wf, n_modes=n)
        a, b = ThermalChain(temp, **kw), ThermalChain(temp, **kw)
        tau = np.sort(rng.uniform(-20.0, 20.0, size=5))
        sites = rng.integers(-5 * n, 5 * n, size=5)
        for x, y in zip(a.half_spectrum(), b.half_spectrum()):
            assert x.tobytes() == y.tobytes()
        assert a.displacement(sites, tau).tobytes() == b.displacement(sites, tau).tobytes()
        assert a.field(3, n, tau, check_ring=False).tobytes() \
            == b.field(3, n, tau, check_ring=False).tobytes()
        image = a.mirrored()
        np.testing.assert_array_equal(image.field(0, n, tau, check_ring=False),
                                      -a.field(0, n, tau, check_ring=False))
        np.testing.assert_array_equal(image.velocity(sites, tau), -a.velocity(sites, tau))
        for x, y in zip(image.half_spectrum()[1:], a.half_spectrum()[1:]):
            np.testing.assert_array_equal(x, -y)


def test_free_motion_on_the_solvers_time_grid_obeys_the_equation_of_motion_to_order_delta2():
    # rho''/(2 pi)^2 = -rho + K (rho_{n+1} - 2 rho_n + rho_{n-1}), K = (wf^2 - 1)/4, with
    # rho'' the second difference over the solvers' step delta = 1/(d omega_fast). Per mode
    # the residual D is Delta(omega) rho_q, Delta = (2 pi omega)^2 - 4 sin^2(pi omega delta)
    # / delta^2 >= 0, so by Parseval rms(D)/rms(rho) lies between the smallest and largest
    # Delta of the ring, and halving delta divides rms(D) by Delta(d)/Delta(d/2) in
    # [4 (1 - y^2/10 - ...), 4], y = pi omega delta (computed exactly here). A wrong
    # confinement or coupling would leave a residual not O(delta^2).
    rng = np.random.default_rng(10)
    for _ in range(6):
        wf, temp, statistics = draw_parameters(rng)
        d, n = int(rng.integers(30, 121)), int(rng.integers(1000, 3000))
        delta, tau0, k = 1 / (d * wf), float(rng.uniform(0.0, 50.0)), (wf**2 - 1) / 4
        chain = ThermalChain(temp, statistics=statistics, seed=int(rng.integers(2**31)),
                             omega_fast=wf, n_modes=n)
        _, w = ring_modes(n, wf)

        def big_delta(h):
            return (2 * math.pi * w) ** 2 - 4 * np.sin(math.pi * w * h) ** 2 / h**2

        def residual(h):
            rho = chain.field(0, n, [tau0 - h, tau0, tau0 + h], check_ring=False)
            lap = np.roll(rho[1], -1) - 2 * rho[1] + np.roll(rho[1], 1)
            res = (rho[2] - 2 * rho[1] + rho[0]) / h**2 + (2 * math.pi) ** 2 * (rho[1] - k * lap)
            # rounding of rho (~64 eps max|rho|) amplified by 4/h^2
            return res, 256 * EPS * np.max(np.abs(rho)) / h**2 * math.sqrt(n)

        big, small = residual(delta), residual(delta / 2)
        rms = math.sqrt(np.mean(chain.field(0, n, [tau0], check_ring=False)[0] ** 2))
        case = (wf, temp, statistics, d, n)
        if rms == 0:  # classical chain at omega_T ~ 0 can be at rest to rounding
            continue
        r_big, r_small = (math.sqrt(np.mean(x[0] ** 2)) for x in (big, small))
        lo, hi = big_delta(delta).min(), big_delta(delta).max()
        assert lo * rms - big[1] <= r_big <= hi * rms + big[1], case
        per_mode = big_delta(delta) / big_delta(delta / 2)
        slack = (big[1] + small[1]) / r_small
        assert per_mode.min() - slack <= r_big / r_small <= per_mode.max() + slack, case
        assert slack < 0.05 and per_mode.min() > 3.9  # resolves the order delta^2


def test_free_motion_is_the_solvers_two_step_map_to_its_stencil_truncation():
    # rho(b+1) + rho(b-1) = 2 C rho(b) with the solvers' half-stencil C of cos(2 pi omega
    # delta) (truncated at 1e-14 a coefficient: mode phases off by ~1e-13 a step).
    rng = np.random.default_rng(11)
    for _ in range(5):
        wf, temp, statistics = draw_parameters(rng)
        d, n = int(rng.integers(30, 121)), int(rng.integers(500, 2000))
        delta = 1 / (d * wf)
        c = propagator_stencils(wf, delta)[0]
        chain = ThermalChain(temp, statistics=statistics, seed=int(rng.integers(2**31)),
                             omega_fast=wf, n_modes=n)
        b = int(rng.integers(0, 10**5))
        rho = chain.field(0, n, (b + np.array([-1, 0, 1])) * delta, check_ring=False)
        c_rho = c[0] * rho[1] + sum(c[j] * (np.roll(rho[1], j) + np.roll(rho[1], -j))
                                    for j in range(1, c.size))
        scale = np.max(np.abs(rho))
        tol = (1e-12 + 64 * EPS * c.size) * scale
        assert np.max(np.abs(rho[2] + rho[0] - 2 * c_rho)) <= tol, (wf, temp, statistics, d)
        # a time step off by 1e-7 is seen
        wrong = chain.field(0, n, [(b + 1) * delta * (1 + 1e-7)], check_ring=False)[0]
        if scale > 0:
            assert np.max(np.abs(wrong + rho[0] - 2 * c_rho)) > 10 * tol


# --------------------------------------------------------------------------- bad input
BAD_TEMPERATURES = [-1.0, -1e-300, math.nan, math.inf, -math.inf, True, np.bool_(False), "1",
                    b"1", None, 1j, 1e13]


@pytest.mark.parametrize("temp", BAD_TEMPERATURES, ids=repr)
def test_every_entry_point_refuses_a_temperature_out_of_range_naming_it(temp):
    calls = [lambda: ThermalChain(temp, n_modes=16),
             lambda: th.correlation(0, 0.0, temp), lambda: th.velocity_correlation(1, 0.5, temp),
             lambda: th.displacement_variance(temp, "classical"), lambda: th.velocity_variance(temp),
             lambda: th.energy_per_site(temp), lambda: th.mean_square_displacement(1.0, temp),
             lambda: mode_energy(2.0, temp)]
    for call in calls:
        with pytest.raises(ParameterError, match="omega_T"):
            call()


@pytest.mark.parametrize("statistics", ["Quantum", "bose", "", None, 1, b"quantum", ["quantum"]],
                         ids=repr)
def test_unknown_statistics_are_refused_naming_them(statistics):
    for call in (lambda: ThermalChain(1.0, statistics=statistics),
                 lambda: th.correlation(0, 0.0, 1.0, statistics),
                 lambda: th.velocity_variance(1.0, statistics),
                 lambda: mode_energy(1.0, 1.0, statistics)):
        with pytest.raises(ParameterError, match="statistics"):
            call()


@pytest.mark.parametrize("call, name", [
    (lambda: ThermalChain(1.0, n_modes=0), "n_modes"),
    (lambda: ThermalChain(1.0, n_modes=-64), "n_modes"),
    (lambda: ThermalChain(1.0, n_modes="64"), "n_modes"),
    (lambda: ThermalChain(1.0, n_modes=math.inf), "n_modes"),
    (lambda: ThermalChain(1.0, mirror=1), "mirror"),
    (lambda: ThermalChain(1.0, omega_fast=True), "omega_fast"),
    (lambda: ThermalChain(1.0, omega_fast=[10.0]), "omega_fast"),
    (lambda: th.ring_size(1.0, 10.0, 2.5), "window_sites"),
    (lambda: th.ring_size(math.nan, 10.0, 4), "tau_max"),
    (lambda: th.ring_size([1.0], 10.0, 4), "tau_max"),
    (lambda: ThermalChain(1.0).with_ring_for([1.0], 4), "tau_max"),
    (lambda: ThermalChain(1.0, n_modes=4096).require_ring((1.0, 2.0), 4), "tau_max"),
    (lambda: ThermalChain(1.0).with_ring_for(1.0, 0), "window_sites"),
    (lambda: ThermalChain(1.0, n_modes=64).displacement(np.array([1.0]), [0.0]), "sites"),
    (lambda: ThermalChain(1.0, n_modes=64).field(0, 64.5, [0.0]), "n_sites"),
    (lambda: ThermalChain(1.0, n_modes=64).field(0, 4, [0.0], check_ring=1), "check_ring"),
])
def test_sizes_and_flags_out_of_range_are_refused_naming_them(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


def test_minus_zero_temperature_is_the_zero_point_motion_not_negative_energy():
    # -0.0 == 0.0 passes the range check; it used to reach omega/(2 omega_T) = -inf and
    # coth = -1: a negative <rho^2> and a ThermalChain of NaN amplitudes
    wf = 7.0
    k = 1 - 1 / wf**2
    assert th.displacement_variance(-0.0, "quantum", wf) == pytest.approx(
        ellipk(k) / (math.pi * wf), rel=1e-13)
    assert th.velocity_variance(np.float64(-0.0), "quantum", wf) == pytest.approx(
        wf * ellipe(k) / math.pi, rel=1e-13)
    np.testing.assert_array_equal(mode_energy([1.0, 3.0], -0.0), [0.5, 1.5])
    a = ThermalChain(-0.0, seed=2, omega_fast=wf, n_modes=64)
    b = ThermalChain(0.0, seed=2, omega_fast=wf, n_modes=64)
    assert a.omega_T == 0.0 and math.copysign(1.0, a.omega_T) == 1.0
    np.testing.assert_array_equal(a.field(0, 64, [0.3], check_ring=False),
                                  b.field(0, 64, [0.3], check_ring=False))


def test_subnormal_temperature_is_the_zero_point_motion_without_warnings():
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(mode_energy([1.0, 30.0], 5e-324), [0.5, 15.0])
        assert th.displacement_variance(1e-310, "quantum", 10.0) == pytest.approx(
            ellipk(0.99) / (math.pi * 10.0), rel=1e-13)
