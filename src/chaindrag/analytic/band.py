"""The phonon band of the chain (Sec. III, Eq. 11) and its sound cone.

The chain masses sit in an on-site well of frequency Omega_slow and are coupled to their
neighbours, so the band runs from 1 at q = 0 to ``omega_fast`` at the zone edge (units of
Omega_slow). Its steepest slope sets the front of the sound cone of Figs. 2 and 3.
"""

from __future__ import annotations

import math

import numpy as np

from chaindrag.params import require_finite, require_omega_fast, require_positive

from ._common import out

__all__ = ["dispersion", "max_group_velocity", "sound_speed"]


def dispersion(q, omega_fast: float = 10.0):
    """Chain dispersion omega(q), Eq. (11), in units of Omega_slow.

    Parameters
    ----------
    q : array_like
        Wave number in radians per lattice spacing (any real value; the band is 2 pi periodic).
    omega_fast : float
        Band top Omega_fast / Omega_slow, > 1.

    Returns
    -------
    float or ndarray
        ``omega(q) = sqrt(1 + (omega_fast^2 - 1) sin^2(q / 2))``, between 1 and ``omega_fast``.

    Raises
    ------
    chaindrag.params.ParameterError
        If ``q`` is not finite or ``omega_fast <= 1``.
    """
    wf = require_omega_fast(omega_fast)
    require_finite("q", q)
    q = np.asarray(q, dtype=float)
    return out(np.sqrt(1.0 + (wf * wf - 1.0) * np.sin(0.5 * q) ** 2))


def max_group_velocity(omega_fast: float = 10.0) -> float:
    """Largest group velocity of the band, pi (omega_fast - 1), in lattice sites per unit tau.

    Parameters
    ----------
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float
        ``pi (omega_fast - 1)`` sites per t_slow: the sound-cone front of Fig. 2.

    Notes
    -----
    Sec. III: ``d omega / dq`` (Eq. 11) is largest at ``sin^2(q/2) = 1/(1 + omega_fast)``,
    where it equals ``(omega_fast - 1)/2`` per radian; one unit of tau is 2 pi radians of
    phase.
    """
    wf = require_omega_fast(omega_fast)
    return math.pi * (wf - 1.0)


def sound_speed(alpha, omega_fast: float = 10.0):
    """Sound-cone speed pi alpha (omega_fast - 1) in sigma units (l_slow per t_slow), Sec. III.

    This is :func:`~chaindrag.analytic.max_group_velocity` times the chain spacing
    ``alpha`` (dashed lines of Fig. 3).

    Parameters
    ----------
    alpha : array_like
        Chain spacing, > 0.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float or ndarray
        ``pi alpha (omega_fast - 1)``.
    """
    wf = require_omega_fast(omega_fast)
    require_positive("alpha", alpha)
    return out(math.pi * np.asarray(alpha, dtype=float) * (wf - 1.0))
