"""Steady-state loss per chain mass at constant speed (Sec. VI, Eqs. 32, 33).

A particle moving at constant speed v through a chain of spacing alpha excites only the
modes that stay in phase with it from one chain mass to the next, the real roots x_j of
Eq. (32) (found in :mod:`chaindrag.analytic._modes`). Eq. (33) sums their contributions,
each weighted by the potential's Fourier transform at the mode's wavenumber.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import njit
from chaindrag.interactions import Interaction
from chaindrag.params import ParameterError, require_finite, require_omega_fast, require_positive

from ._common import HALVES, check_root_count, half_period_blocks, out, root_buffer_size, scalar
from ._modes import SKIPPED, _band, _find_roots, mode_block, mode_cutoff, mode_weights
from ._pair import resolve

__all__ = ["steady_state_loss", "steady_state_loss_script_variant", "steady_state_roots"]


# --------------------------------------------------------------------------- Eq. (33)
@njit(cache=True)
def _steady_sums(v, lam, alpha, omega_fast, variant, size):
    """sum_j omega_j^2 e^{-E(omega_j)} / |alpha omega'(x_j)/v + 1| for each element."""
    res = np.empty(v.size)
    buf = np.empty(size)
    a = omega_fast * omega_fast - 1.0
    for i in range(v.size):
        r = v[i] / alpha[i]
        s2 = (2.0 * math.pi * lam[i] / v[i]) ** 2
        # a root with omega <= 1 + r always exists; roots weighted below e^{-60} of it are
        # skipped (at small v only the band bottom absorbs, so this prunes most zones)
        n = _find_roots(r, omega_fast, buf, math.sqrt((1.0 + r) ** 2 + SKIPPED / s2))
        tot = 0.0
        for j in range(n):
            w, dw = _band(buf[j], a)
            e = s2 * w * w if variant == 0 else 0.5 * s2 * w * w * w * w
            den = abs(dw + r) / r
            tot += w * w * math.exp(-e) / den if den > 0.0 else math.inf
        res[i] = tot
    return res


def _steady_any(v: np.ndarray, alpha: np.ndarray, wf: float, inter: Interaction,
                s2: float = 0.0) -> np.ndarray:
    """Eq. (33) at each speed of 1-d arrays v, alpha, its Phi_k from ``inter``.

    ``s2`` > 0 weights each mode by the Debye-Waller factor exp(-k^2 s2), k = 2 pi omega / v:
    Eq. (33) for the potential averaged over a Gaussian displacement of variance s2. Modes
    above :func:`~chaindrag.analytic._modes.mode_cutoff` are skipped.
    """
    res = np.zeros(v.size)
    omega = np.empty(8 * HALVES)  # <= 4 roots per half period, <= 2 HALVES half periods
    den = np.empty(omega.size)
    owner = np.empty(omega.size, dtype=np.int64)
    omega_max = mode_cutoff(v, alpha, wf, inter, s2)
    for seg_i, seg_lo, seg_hi in half_period_blocks(v, alpha, omega_max):
        n = mode_block(v, alpha, wf, omega_max, seg_i, seg_lo, seg_hi, omega, den, owner)
        own = owner[:n]
        weight = mode_weights(inter, v[own], omega[:n], s2)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(den[:n] > 0.0, 0.5 * weight / den[:n], math.inf)
        res += np.bincount(own, weights=term, minlength=v.size)
    return res


def _steady(v, phi0, lam, alpha, omega_fast, variant):
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    require_positive("alpha", alpha)
    v, phi0, lam, alpha = np.broadcast_arrays(*(np.asarray(a, dtype=float)
                                                for a in (v, phi0, lam, alpha)))
    if v.size == 0:
        return np.empty(v.shape)
    check_root_count(v, alpha, wf)
    flat = [np.array(a, dtype=float).ravel() for a in (v, lam, alpha)]  # broadcast views: copy
    size = root_buffer_size(float(np.min(flat[0] / flat[2])), wf)
    sums = _steady_sums(flat[0], flat[1], flat[2], wf, variant, size).reshape(v.shape)
    return out(16.0 * math.pi**5 * phi0**2 * lam**2 / v**4 * sums)


def steady_state_loss(v, phi0=None, lam=None, alpha=None, omega_fast: float = 10.0, *,
                      interaction: Interaction | None = None):
    """Mean energy lost per chain mass passed at constant speed in the steady state, Eq. (33).

    Parameters
    ----------
    v : array_like
        Particle speed, > 0.
    phi0, lam : array_like
        Gaussian amplitude (any sign) and width (> 0).
    alpha : array_like
        Chain spacing, > 0 (required).
    omega_fast : float
        Band top, > 1.
    interaction : Interaction, optional
        Any pair potential of :mod:`chaindrag.interactions` instead of ``phi0, lam``
        (keyword only; a :class:`~chaindrag.interactions.Gaussian` takes the Gaussian path).

    Returns
    -------
    float or ndarray
        Delta_bar(v), broadcast over the array arguments; ``inf`` exactly at a tangency speed
        and rounding noise one ulp from it (7e6 for 0.011 next to 61.61 at Fig. 8's values).

    Raises
    ------
    chaindrag.params.ParameterError
        For bad arguments: alpha missing, neither or both of (phi0, lam) and ``interaction``.

    Examples
    --------
    >>> from chaindrag.interactions import Gaussian
    >>> steady_state_loss(30.0, 2.0, 4.0, 40.0) == steady_state_loss(
    ...     30.0, alpha=40.0, interaction=Gaussian(2.0, 4.0))
    True

    Notes
    -----
    Eq. (33) reads::

        Delta_bar = (1/2) sum_j [4 pi^2 omega(x_j) / v^2 Phi_hat(2 pi omega(x_j) / v)]^2
                    / abs(alpha omega'(x_j) / v + 1),

    with x_j all real roots of ``omega(x) + x v / alpha = 0`` (Eq. 32),
    ``omega(x) = sqrt(1 + (omega_fast^2 - 1) sin^2(pi x))`` (every Brillouin zone; the roots
    lie in ``[-alpha omega_fast / v, -alpha / v]``). For the Gaussian,
    ``Phi_hat(p) = phi0 lam sqrt(2 pi) e^{-p^2 lam^2 / 2}`` (:func:`gaussian_fourier`), so
    each term is ``16 pi^5 phi0^2 lam^2 omega_j^2 / v^4 e^{-4 pi^2 lam^2 omega_j^2 / v^2}``
    divided by ``abs(alpha omega'(x_j) / v + 1)``.

    The roots are found by bracketing on pieces where f is provably monotone (split at the
    half periods, the inflection points of omega and the critical points of f), then
    Newton from the root at the line's height held fixed (bisection where that fails),
    compiled with numba. Roots whose Gaussian weight is below ``e^{-60}``
    times that of the lowest-omega root (``omega <= 1 + v/alpha`` always exists) are
    skipped: a relative change below 1e-23 that makes small v fast. Delta_bar diverges (as
    an inverse square root) at the tangency speeds of
    :func:`~chaindrag.analytic.spike_speeds`, where two roots merge.

    For any other potential Phi_k comes from the interaction. The built-in ones bound
    ``|Phi_k|`` by a non-increasing envelope, which skips the modes weighted below ``e^{-60}``
    of the largest mode with ``omega <= 1 + v/alpha`` in the same way (at v = 1, alpha = 40
    a Lorentzian of width 4 keeps the modes with omega below 2.3, a seventh of the zones);
    a user potential keeps every root. The roots are found in blocks of at most 2^19 half
    Brillouin zones, so memory stays bounded however small v / alpha.
    """
    phi0, lam, inter = resolve(phi0, lam, interaction)
    if alpha is None:
        raise ParameterError("alpha missing: Eq. (33) needs the chain spacing alpha > 0")
    if inter is None:
        return _steady(v, phi0, lam, alpha, omega_fast, 0)
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    require_positive("alpha", alpha)
    v, alpha = np.broadcast_arrays(np.asarray(v, dtype=float), np.asarray(alpha, dtype=float))
    check_root_count(v, alpha, wf)
    flat = [np.array(a, dtype=float).ravel() for a in (v, alpha)]  # broadcast views: copy
    return out(_steady_any(flat[0], flat[1], wf, inter).reshape(v.shape))


def steady_state_loss_script_variant(v, phi0, lam, alpha, omega_fast: float = 10.0):
    """Eq. (33) with the authors' script exponent -2 pi^2 lam^2 omega^4 / v^2.

    Parameters are those of :func:`~chaindrag.analytic.steady_state_loss`.

    Returns
    -------
    float or ndarray
        The script's Delta_bar(v).

    Notes
    -----
    Identical to :func:`~chaindrag.analytic.steady_state_loss` except that
    ``e^{-4 pi^2 lam^2 omega_j^2 / v^2}`` is replaced by ``e^{-2 pi^2 lam^2 omega_j^4 / v^2}``,
    the form in the public script (see figures.md). It is not the Fourier transform of the
    Gaussian; it is provided only so that the published Fig. 8(c) can be compared with the
    derived Eq. (33). Near the band bottom (``omega ~ 1``) the ratio script / derived is
    ``~e^{2 pi^2 lam^2 / v^2}``.
    """
    return _steady(v, phi0, lam, alpha, omega_fast, 1)


def steady_state_roots(v: float, alpha: float, omega_fast: float = 10.0) -> np.ndarray:
    """The resonant modes x_j of Eq. (33) at one speed: sorted roots of Eq. (32).

    Parameters
    ----------
    v : float
        Particle speed, > 0.
    alpha : float
        Chain spacing, > 0.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    ndarray
        All real roots of ``omega(x) + x v / alpha = 0``, ascending. ``x = q / 2 pi`` counts
        Brillouin zones; every root lies in ``[-alpha omega_fast / v, -alpha / v]``.
    """
    wf = require_omega_fast(omega_fast)
    v = scalar("v", v, require_positive)
    alpha = scalar("alpha", alpha, require_positive)
    check_root_count(v, alpha, wf)
    r = v / alpha
    buf = np.empty(root_buffer_size(r, wf))
    n = _find_roots(r, wf, buf, math.inf)
    return np.sort(buf[:n])
