"""Reference speeds and widths the checks compare against (Secs. III-VI of the paper).

The extremum speed of a pass (Eq. 16), the speed spread within a cell, the Airy width of the
sound-cone front of Gamma_n(tau) (Eq. 15), the lines alpha/n of Fig. 8 and the spikes of
Eq. (33).
"""

from __future__ import annotations

import math

import numpy as np

from .. import analytic

_EIGHT_PI_SQ = 8.0 * math.pi**2


def _kinetic(v, mu):
    """Kinetic energy mu (v / 2 pi)^2 / 2 (v in l_slow per t_slow)."""
    return 0.5 * np.asarray(mu, float) * (np.asarray(v, float) / (2.0 * math.pi)) ** 2


def _ext_speed(v0, phi0, mu):
    """sqrt(v0^2 - 8 pi^2 phi0 / mu), NaN where negative (no scalar-only validation)."""
    rad = np.asarray(v0, float) ** 2 - _EIGHT_PI_SQ * np.asarray(phi0, float) / np.asarray(mu,
                                                                                           float)
    with np.errstate(invalid="ignore"):
        return np.where(rad >= 0, np.sqrt(np.maximum(rad, 0.0)), np.nan)


def _fluctuation(v, phi0, mu):
    """|v - v_ext|: the spread of speeds within one cell (Sec. IV A)."""
    return np.abs(np.asarray(v, float) - _ext_speed(v, phi0, mu))


def airy_width(tau, omega_fast: float = 10.0):
    """Width in sites of the sound-cone front of Gamma_n(tau): (pi tau |omega'''(q*)|)^(1/3).

    Near the fastest group velocity (inflection q* of omega(q), Eq. 11) the phase of Eq. 15
    is cubic in q - q*, so the front is an Airy edge n - n_f ~ w Ai-variable with
    w = (2 pi tau |omega'''| / 2)^(1/3) (omega''' per radian^3, tau in t_slow). At
    omega_fast = 10, w = 2.4 tau^(1/3); |Gamma| falls to 1% of its maximum ~2.4-3.1 w ahead
    of n_f = tau pi (omega_fast - 1) (checked on exact kernels, tau = 1..125).

    Parameters
    ----------
    tau : float or array_like
        Time in t_slow.
    omega_fast : float, optional
        omega_fast of the chain (Eq. 11).

    Returns
    -------
    numpy.ndarray
        The width in sites, shaped like ``tau``.
    """
    wf = float(omega_fast)
    a = wf * wf - 1.0
    q_star = 2.0 * math.asin(math.sqrt(1.0 / (1.0 + wf)))
    h = 1e-3

    def om(q):
        return math.sqrt(1.0 + a * math.sin(0.5 * q) ** 2)
    d3 = (om(q_star + 2 * h) - 2 * om(q_star + h) + 2 * om(q_star - h)
          - om(q_star - 2 * h)) / (2 * h**3)
    return (math.pi * np.asarray(tau, float) * abs(d3)) ** (1.0 / 3.0)


def _spikes_near(v: float, alpha: float, lam: float, wf: float) -> float:
    """Relative distance from v to the nearest spike of Eq. 33 that carries weight at v."""
    n_max = max(int(alpha / (0.5 * v)) + 2, 2)
    sp = [analytic.spike_speeds(alpha, wf, n_max, "bottom")]
    if (2 * math.pi * lam / v) ** 2 * (wf * wf - 1.0) < 7.0:  # band-top terms not negligible
        l_max = max(int(alpha * wf / v) + 2, 2)
        sp.append(analytic.spike_speeds(alpha, wf, l_max, "top"))
    s = np.concatenate(sp)
    s = s[np.isfinite(s)]
    return float(np.min(np.abs(s - v)) / v) if s.size else math.inf
