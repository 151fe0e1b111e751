"""Thermal noise of the single-pass loss: the fluctuation-dissipation partner of Eq. (25).

In a thermal chain the energy a particle gives the chain between two midpoints has, to
first order in the thermal displacement, a mean equal to the loss into a chain at rest
(Eq. 25) and a variance fixed by the same per-mode terms::

    Var(Delta) = 2 sum_j epsilon_j Delta_j,

where Delta_j is mode j's term of Eq. (25) and epsilon_j its mean thermal energy
(:func:`chaindrag.thermal.mode_energy`). For classical statistics (epsilon = T for every
mode) this is ``2 T Delta(v)`` with Delta(v) of Eq. (26), or of Eq. (25) for another pair
potential (``interaction=``).
"""

from __future__ import annotations

import math

import numpy as np

from chaindrag.interactions import Interaction
from chaindrag.params import ParameterError
from chaindrag.thermal import mode_energy

from ._common import out
from ._thermal_common import pass_inputs
from .mode_sum import band_average

__all__ = ["single_pass_noise_variance"]

_MIN_NODES = 64
_MAX_NODES = 1 << 21


def _bz_weighted(s2: float, b: float, weight, rtol: float) -> float:
    """<weight(omega) omega^2 exp(-s^2 (omega^2 - 1))>_BZ by the doubled midpoint rule.

    The integrand is a smooth, even, pi-periodic function of theta (through sin^2 theta), so
    the midpoint rule on [0, pi/2] converges geometrically; the nodes are doubled until two
    results agree to ``rtol``.
    """
    def nodes_sum(theta: np.ndarray) -> float:
        om2 = 1.0 + b * np.sin(theta) ** 2
        return float(np.sum(weight(np.sqrt(om2)) * om2 * np.exp(-s2 * (om2 - 1.0))))

    m = _MIN_NODES
    total = nodes_sum((np.arange(m) + 0.5) * (0.5 * math.pi / m)) / m
    while m < _MAX_NODES:
        # the doubled grid's midpoints are the old ones +- a quarter of the old spacing
        h = 0.5 * math.pi / m
        theta = (np.arange(m) + 0.5) * h
        new = 0.5 * (nodes_sum(theta - 0.25 * h) + nodes_sum(theta + 0.25 * h)) / m
        m *= 2
        if abs(new - total) <= rtol * abs(new):
            return new
        total = new
    raise ParameterError(f"the Brillouin-zone average did not converge to rtol = {rtol!r} "
                         f"with {_MAX_NODES} nodes (s^2 = {s2!r})")


def single_pass_noise_variance(v, phi0=None, lam=None, omega_T=None, statistics: str = "quantum",
                               omega_fast: float = 10.0, *, rtol: float = 1e-12,
                               interaction: Interaction | None = None):
    """Variance of the single-pass loss in a thermal chain, Var(Delta) = 2 sum_j eps_j Delta_j.

    Parameters
    ----------
    v : array_like
        Particle speed at the pass, > 0.
    phi0 : float
        Gaussian interaction amplitude (either sign; the variance is even in phi0).
    lam : float
        Interaction width, > 0.
    omega_T : float
        Temperature k_B T / (hbar Omega_slow), >= 0 (quantum 0: zero-point motion).
    statistics : {"quantum", "classical"}
        Mode energies epsilon: Bose-Einstein with zero point, or equipartition.
    omega_fast : float
        Band top, > 1.
    rtol : float
        Relative accuracy of the Brillouin-zone quadrature, in [1e-15, 1e-3].
    interaction : Interaction, optional
        Any pair potential of :mod:`chaindrag.interactions` instead of ``phi0, lam`` (keyword
        only; a :class:`~chaindrag.interactions.Gaussian` takes the closed form below). The
        mode terms Delta_j are then those of Eq. (25) with the potential's Phi_k
        (:func:`~chaindrag.analytic.mode_sum.band_average`).

    Returns
    -------
    float or numpy.ndarray
        Var(Delta) in (hbar Omega_slow)^2, the shape of ``v``.

    Raises
    ------
    chaindrag.params.ParameterError
        A parameter outside the ranges above, naming it; neither or both of (phi0, lam)
        and ``interaction``.

    Notes
    -----
    Mode j of frequency omega_j takes the energy Delta_j = |c_j|^2/2 from the particle's
    force into a chain at rest (the terms of Eq. 25). With a thermal amplitude A_j already
    present the exchange is Delta_j + Re(A_j^* c_j); the cross term has mean zero and
    variance <|A_j|^2> |c_j|^2 / 2 = 2 epsilon_j Delta_j, and independent modes add. For
    the Gaussian, with s = 2 pi lam / v and N -> infinity::

        Var(Delta) = 32 pi^5 phi0^2 lam^2 / v^4 <epsilon omega^2 exp(-s^2 omega^2)>_BZ,

    against Delta = 16 pi^5 phi0^2 lam^2 / v^4 <omega^2 exp(-s^2 omega^2)>_BZ (Eq. 26), so
    the classical value is exactly 2 T Delta(v). This is first order in the thermal
    displacement: it neglects the change of the force with rho (relative corrections of
    order <rho^2>/lam^2) and of the particle's speed during the pass.

    Examples
    --------
    >>> from chaindrag.analytic import single_pass_loss
    >>> var = single_pass_noise_variance(50.0, 2.0, 4.0, 5.0, "classical")
    >>> bool(abs(var / (2 * 5.0 * single_pass_loss(50.0, 2.0, 4.0)) - 1) < 1e-10)
    True
    >>> from chaindrag.interactions import Morse
    >>> var = single_pass_noise_variance(50.0, omega_T=5.0, statistics="classical",
    ...                                  interaction=Morse.channel())
    >>> d25 = single_pass_loss(50.0, interaction=Morse.channel())
    >>> bool(abs(var / (2 * 5.0 * d25) - 1) < 1e-10)
    True
    """
    phi0, lam, inter, wf, statistics, temp = pass_inputs(
        v, phi0, lam, omega_T, statistics, omega_fast, interaction, rtol, (1e-15, 1e-3))

    def weight(omega):
        return mode_energy(omega, temp, statistics)

    if inter is not None:
        flat = np.atleast_1d(np.asarray(v, dtype=float)).ravel()
        return out(2.0 * band_average(flat, inter, wf, rtol, weight).reshape(np.shape(v)))
    phi0, lam = float(phi0), float(lam)
    b = wf * wf - 1.0

    v_arr = np.atleast_1d(np.asarray(v, dtype=float))
    res = np.empty(v_arr.shape)
    for idx, vv in np.ndenumerate(v_arr):
        s2 = (2.0 * math.pi * lam / vv) ** 2
        avg = _bz_weighted(s2, b, weight, rtol)
        # e^{-s^2} was factored out of the average (omega >= 1), so nothing underflows early
        res[idx] = 32.0 * math.pi**5 * phi0**2 * lam**2 / vv**4 * math.exp(-s2) * avg
    return out(res.reshape(np.shape(v)))
