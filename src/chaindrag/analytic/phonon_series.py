"""Eq. (33) on a thermal chain to every order of the phonon series, by repeated convolution.

The m-phonon term of :mod:`chaindrag.analytic.thermal_drag` is::

    Delta_m = pi c_m / ((2 pi)^(m-1) alpha) sum_G int dK T_m(K, W = k v / 2 pi)
              k^(2m+1) |Phi_k|^2 e^{-k^2 <rho^2>} / (2 pi),      k = (K + 2 pi G) / alpha,

c_m = (1/2)^(m-1) / (m-1)! (from (k^2 C)^(m-1) / (m-1)!), where T_m is the density, over
total momentum K (mod 2 pi) and total frequency W, of one excited mode (weight 1/omega_q at
(q, omega_q)) together with m - 1 thermal modes absorbed or emitted (weight epsilon_p /
omega_p^2 at (p, +-omega_p) each)::

    T_m = R * D^(*(m-1)),   R(K, W) = delta(W - omega_K) / omega_K,
    D(K, W) = epsilon_K / omega_K^2 [delta(W - omega_K) + delta(W + omega_K)],

a convolution in K (periodic) and W. Both densities are deposited on a grid (cloud in
cell, 16 samples of the band per momentum cell) and convolved by FFT, so that every further
order costs one product and one inverse transform. The line W = k v / 2 pi is then read
off T_m by linear interpolation, at every speed. The binning smooths by a cell: against the
exact triangle and tetrahedron sums of m = 2 and 3 the method agrees to 6e-4 and 3 %
(1024 momentum cells, bins of 0.04) away from the speeds alpha / n, where the terms have
steps that the binning smooths; the sum over m >= 4, smoother, changes by 2e-5-4e-4 of
itself from (512, 0.08) to (2048, 0.02). :func:`thermal_steady_state_loss` takes m = 2, 3
from the exact sums and every m >= 4 from here.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import fft
from scipy.special import gammaln, logsumexp

from .._jit import njit
from chaindrag.interactions import Interaction
from chaindrag.params import ParameterError, SeriesTruncationWarning, require_positive
from chaindrag.thermal import displacement_variance
from chaindrag.thermal.modes import MAX_TEMPERATURE, band_frequency, mode_energy

from ._common import TWO_PI, out
from ._thermal_common import MAX_PHONONS, grid_size, inputs, k_reach, weight_table

__all__ = ["higher_phonon_loss"]

FINE = 16  # band samples per momentum cell
SPREAD = 40.0  # frequency margin beyond the largest k v / 2 pi read: the spread of T_m
_GRID_K_RANGE = (128, 8192)
_ESTIMATE_REACH = 40.0  # orders_needed's k grid: up to this over the shortest length
_ESTIMATE_POINTS = 4096


@njit(cache=True)
def _deposit(rho, k, w, mass, dk, dw):
    """Add ``mass`` at (k, w) to the periodic grid ``rho`` by bilinear (cloud-in-cell) weights."""
    nk, nw = rho.shape
    for s in range(k.size):
        x = k[s] / dk
        y = w[s] / dw
        i0 = math.floor(x)
        j0 = math.floor(y)
        f = x - i0
        g = y - j0
        i0 %= nk
        j0 %= nw
        i1 = (i0 + 1) % nk
        j1 = (j0 + 1) % nw
        rho[i0, j0] += mass[s] * (1.0 - f) * (1.0 - g)
        rho[i1, j0] += mass[s] * f * (1.0 - g)
        rho[i0, j1] += mass[s] * (1.0 - f) * g
        rho[i1, j1] += mass[s] * f * g


@njit(cache=True)
def _line_integral(t_m, weight, first, power, v, dk, dw, alpha, log_pref):
    """exp(log_pref) sum_i k_i^power weight_i T_m(i mod nk, k_i v / 2 pi) dK, with
    k_i = (first + i) dK / alpha.

    T_m is read by linear interpolation in W; the lattice of k is the momentum grid's,
    continued through every Brillouin zone the weight covers. The prefactor and k^power
    are combined in logarithms: each alone can leave float64 at high orders.
    """
    nk, nw = t_m.shape
    tot = 0.0
    for i in range(weight.size):
        n = first + i
        k = n * dk / alpha
        y = k * v / (TWO_PI * dw)
        if abs(y) >= nw // 2 - 1 or n == 0 or weight[i] == 0.0:  # outside, or zero
            continue
        j0 = math.floor(y)
        g = y - j0
        row = n % nk
        val = (1.0 - g) * t_m[row, j0 % nw] + g * t_m[row, (j0 + 1) % nw]
        mag = math.exp(log_pref + power * math.log(abs(k)) + math.log(weight[i]))
        tot += (mag if (k > 0.0 or power % 2 == 0) else -mag) * val
    return tot * dk


def _densities(omega_fast: float, energy, grid_k: int, n_w: int, dw: float):
    """The densities R and D of the module docstring on the (K, W) grid, per unit dK dW."""
    dk = TWO_PI / grid_k
    n_s = grid_k * FINE
    p = (np.arange(n_s) + 0.5) * TWO_PI / n_s
    omega = band_frequency(0.5 * p, omega_fast)
    thermal = energy(omega) / omega**2 * (TWO_PI / n_s)
    d = np.zeros((grid_k, n_w))
    r = np.zeros((grid_k, n_w))
    _deposit(d, p, omega, thermal, dk, dw)
    _deposit(d, p, -omega, thermal, dk, dw)
    _deposit(r, p, omega, TWO_PI / n_s / omega, dk, dw)
    return r / (dk * dw), d / (dk * dw)


def _phonon_terms(v: np.ndarray, weight: np.ndarray, first: int, alpha: float,
                  omega_fast: float, energy, scale: np.ndarray, *, m_first: int, m_last: int,
                  rtol: float, grid_k: int, d_omega: float, w_span: float):
    """The m-phonon terms m = m_first .. (at most) m_last at the speeds ``v`` (1-d).

    ``weight`` is |Phi_k|^2 e^{-k^2 <rho^2>} at k = (first + i) 2 pi / (grid_k alpha);
    ``energy`` maps omega to the mode energy epsilon; ``w_span`` is the half-width of the
    frequency window, which holds T_m's support (else the m-phonon terms are cut at it).
    The series stops after the first term below ``rtol`` times ``scale`` plus the running
    sum at every speed. Returns (terms, shape (orders, v.size), converged).
    """
    dk = TWO_PI / grid_k
    n_w = fft.next_fast_len(int(math.ceil(2.0 * w_span / d_omega)), real=True)
    r, d = _densities(omega_fast, energy, grid_k, n_w, d_omega)
    step = fft.rfft2(d) * (dk * d_omega)
    # D's total mass (4 pi <rho^2>) is divided out of each power and restored in logarithms
    norm = float(abs(step[0, 0])) or 1.0
    step /= norm
    cur = fft.rfft2(r)
    for _ in range(m_first - 2):
        cur *= step
    terms = []
    running = np.zeros(v.size)
    for m in range(m_first, m_last + 1):
        cur *= step
        t_m = np.ascontiguousarray(fft.irfft2(cur, s=(grid_k, n_w)))
        log_pref = (math.log(0.5 / alpha) + (m - 1) * math.log(0.5 * norm / TWO_PI)
                    - math.lgamma(m))
        term = np.array([_line_integral(t_m, weight, first, 2 * m + 1, x, dk, d_omega,
                                        alpha, log_pref) for x in v])
        terms.append(term)
        running += term
        if np.all(np.abs(term) <= rtol * np.abs(scale + running)):
            return np.array(terms), True
    return np.array(terms), False


def orders_needed(inter: Interaction, s2: float, rtol: float, first: int = 4) -> int | None:
    """Estimate the order at which the phonon series stops, or None beyond MAX_PHONONS.

    The m-phonon term weighs k^3 |Phi_k|^2 by the Poisson probability of m - 1 thermal
    phonons, (k^2 s2)^(m-1) e^{-k^2 s2} / (m-1)!, summed over k (the kinematics left out);
    the estimate is the first m >= ``first`` whose term is below ``rtol`` times the sum of
    them all. Against the series itself (classical, omega_fast = 10, rtol = 1e-6): 6 for
    8 (Gaussian lam = 4, Omega_T = 5), 18 for 18 (Omega_T = 100), 17 for 16 (the
    Lennard-Jones channel at Omega_T = 5).
    """
    k = np.linspace(0.0, _ESTIMATE_REACH / inter.scales[0], _ESTIMATE_POINTS + 1)[1:]
    with np.errstate(under="ignore"):
        w = k**3 * np.asarray(inter.fourier(k), dtype=float) ** 2
    keep = w > 0.0
    if not np.any(keep):
        return first
    x, log_w = k[keep] ** 2 * s2, np.log(w[keep])
    index = np.arange(MAX_PHONONS)[:, None]  # thermal phonons: the order minus one
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.where(index == 0, 0.0, index * np.log(x)) - x - gammaln(index + 1.0)
    log_terms = logsumexp(log_p + log_w, axis=1)
    small = (log_terms <= math.log(rtol) + logsumexp(log_w)) & (index[:, 0] + 1 >= first)
    found = np.flatnonzero(small)
    return int(found[0]) + 1 if found.size else None


def refuse_hot(inter: Interaction, temp: float, statistics: str, wf: float, s2: float,
                rtol: float, first: int) -> None:
    """Raise a ParameterError naming omega_T when the series needs more than MAX_PHONONS
    orders (:func:`orders_needed`), with the temperatures where it does not (bisection)."""
    if not (isinstance(rtol, (int, float)) and 0.0 < rtol < 1.0):
        raise ParameterError(f"rtol must lie in (0, 1), got {rtol!r}")
    if orders_needed(inter, s2, rtol, first) is not None:
        return

    def fits(t):
        return orders_needed(inter, float(displacement_variance(t, statistics, wf)), rtol,
                             first) is not None

    lo, hi = 0.5 * temp, temp
    while lo > 1e-3 and not fits(lo):
        lo, hi = 0.5 * lo, lo
    if not fits(lo):
        where = "for no omega_T at all with this interaction"
    else:
        for _ in range(24):
            mid = math.sqrt(lo * hi)
            lo, hi = (mid, hi) if fits(mid) else (lo, mid)
        where = f"for omega_T in [0, {lo:.3g}] with this interaction"
    raise ParameterError(
        f"omega_T = {temp:g} ({statistics}, omega_fast = {wf:g}) is too hot for the phonon "
        f"series: <rho^2> = {s2:.4g} against a core of {inter.scales[0]:g}, and its terms "
        f"would fall below rtol = {rtol:g} of the loss only beyond {MAX_PHONONS} orders (the "
        f"most any call sums). The thermal loss is computed {where}, rtol and omega_fast "
        f"(omega_T in [0, {MAX_TEMPERATURE:g}] elsewhere in chaindrag.thermal)")


def higher_phonon_loss(v, phi0=None, lam=None, alpha=None, omega_T=None,
                       statistics: str = "quantum", omega_fast: float = 10.0, *,
                       interaction: Interaction | None = None, first: int = 4,
                       max_phonons: int = 64, rtol: float = 1e-6, scale=0.0,
                       grid_k: int = 512, d_omega: float = 0.08, terms: bool = False):
    """The m-phonon terms of the loss per mass on a thermal chain, m >= ``first``, summed.

    Parameters
    ----------
    v, phi0, lam, alpha, omega_T, statistics, omega_fast, interaction
        As in :func:`~chaindrag.analytic.two_phonon_loss`.
    first : int
        The lowest number of phonons, in [2, max_phonons] (4: the terms that
        :func:`~chaindrag.analytic.thermal_steady_state_loss` leaves out with
        ``max_phonons=3``).
    max_phonons : int
        The highest, in [first, 256].
    rtol : float
        The series stops after the first term below ``rtol`` times (``scale`` + the sum so
        far) at every speed, in (0, 1).
    scale : array_like
        The loss the terms are added to (the lower orders), >= 0 and finite (a mean energy
        given to the chain), broadcast against ``v``.
    grid_k : int
        Cells of total momentum over the Brillouin zone, in [128, 8192].
    d_omega : float
        Frequency bin, in (0, 0.5]. For the Lennard-Jones channel at Omega_T = 3-5, v = 30-60,
        the sum over m >= 4 at (512, 0.08) is that at (2048, 0.02) to 2e-5-4e-4 of itself;
        the grid smooths the steps of the terms at v = alpha / n over ~0.3 in v.
    terms : bool
        Return the terms one by one (an axis of orders before the speeds') instead of
        their sum.

    Returns
    -------
    float or numpy.ndarray
        sum_m Delta_m (the module docstring has Delta_m), in hbar Omega_slow.

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges above, naming it; ``omega_T`` so hot that the series
        would need more than 256 orders to reach ``rtol`` (:func:`orders_needed`: <rho^2>
        many times the core's square; for the Gaussian lam = 4, classical, omega_fast = 10,
        rtol = 1e-6, above Omega_T ~ 2.96e3), with the temperatures where it is computed.

    Warns
    -----
    chaindrag.params.SeriesTruncationWarning
        When the series has not converged to ``rtol`` by ``max_phonons``.
    """
    v, inter, _, alpha, temp, statistics, wf, s2 = inputs(
        v, phi0, lam, alpha, omega_T, statistics, omega_fast, interaction)
    grid_size("max_phonons", max_phonons, (2, MAX_PHONONS))
    grid_size("first", first, (2, max_phonons))
    grid_size("grid_k", grid_k, _GRID_K_RANGE)
    if not (isinstance(d_omega, (int, float)) and 0.0 < d_omega <= 0.5):
        raise ParameterError(f"d_omega must be a frequency bin in (0, 0.5], got {d_omega!r}")
    if not (isinstance(rtol, (int, float)) and 0.0 < rtol < 1.0):
        raise ParameterError(f"rtol must lie in (0, 1), got {rtol!r}")
    flat = np.ascontiguousarray(v.ravel())
    require_positive("scale", scale, allow_zero=True)
    try:
        scale = np.broadcast_to(np.asarray(scale, dtype=float), v.shape).ravel()
    except ValueError:
        raise ParameterError(f"scale must broadcast against v of shape {v.shape}, got shape "
                             f"{np.shape(scale)}") from None
    if flat.size == 0 or (statistics == "classical" and temp == 0.0):
        return np.zeros((0,) + v.shape) if terms else out(np.zeros(v.shape))
    refuse_hot(inter, temp, statistics, wf, s2, rtol, first)
    dk = TWO_PI / grid_k
    # the weight's reach: summed over every order it is k^3 |Phi_k|^2 at most
    reach = k_reach(inter, 3, TWO_PI * max_phonons * wf / float(np.min(flat)))
    half = weight_table(inter, s2, 0, dk / alpha, reach, cut_power=3, cut_s2=0.0)
    weight = np.ascontiguousarray(np.concatenate([half[:0:-1], half]))
    w_span = min(reach * float(np.max(flat)) / TWO_PI, max_phonons * wf) + SPREAD
    found, converged = _phonon_terms(
        flat, weight, -(half.size - 1), alpha, wf,
        lambda omega: mode_energy(omega, temp, statistics), scale, m_first=first,
        m_last=max_phonons, rtol=rtol, grid_k=grid_k, d_omega=d_omega, w_span=w_span)
    if not converged:
        warnings.warn(f"the phonon series has not converged to rtol = {rtol:g} by "
                      f"max_phonons = {max_phonons}: its last term is "
                      f"{np.max(np.abs(found[-1]) / np.abs(scale + found.sum(0))):.2g} of the "
                      f"loss", SeriesTruncationWarning, stacklevel=2)
    if terms:
        return found.reshape((found.shape[0],) + v.shape)
    return out(found.sum(axis=0).reshape(v.shape))
