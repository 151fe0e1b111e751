"""The screened Coulomb (Yukawa) channel: Phi = Q e^{-r/l} / r, r = sqrt(x^2 + h^2).

Its transform is the first of :mod:`._channel`'s closed forms, 2 Q K0(h sqrt(k^2 + 1/l^2)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._base import Interaction, check_params, require_finite_scales
from ._channel import _along_channel
from ._kinds import YUKAWA


@dataclass(frozen=True)
class Yukawa(Interaction):
    """Screened Coulomb (Yukawa) channel Phi = Q e^{-r/l} / r, r = sqrt(x^2 + h^2).

    Parameters
    ----------
    Q : float
        Charge product, any finite value (> 0 repulsive).
    screening_length : float
        Screening length l, > 0.
    h : float
        Channel offset, > 0.

    Notes
    -----
    Phi_k = 2 Q K0(h sqrt(k^2 + 1/l^2)) (module docstring). Phi_max = max(0, Q e^{-h/l}/h).
    Reach: |x| where r is the root of G(r) = force_floor, G(r) = |Q| e^{-r/l} (1/(l r) +
    1/r^2) = |dPhi/dr| (decreasing), from |dPhi/dx| <= G(r); 0 if G(h) <= force_floor.
    """

    Q: float
    screening_length: float
    h: float

    kind = YUKAWA

    def __post_init__(self):
        check_params(Q=(self.Q, -math.inf, False),
                     screening_length=(self.screening_length, 0.0, True), h=(self.h, 0.0, True))
        for name in ("Q", "screening_length", "h"):
            object.__setattr__(self, name, float(getattr(self, name)))
        require_finite_scales(self, "Q, screening_length, h")

    @property
    def strip(self):
        return self.h

    def _phi(self, z):
        r = np.sqrt(z * z + self.h**2)
        return self.Q * np.exp(-r / self.screening_length) / r

    def _dphi(self, x):
        r = np.sqrt(x * x + self.h**2)
        return -self._phi(x) * (1.0 / self.screening_length + 1.0 / r) * x / r

    def _kernel_params(self):
        return np.array([self.Q, 1.0 / self.screening_length, self.h**2])

    def _fourier_closed(self, k):
        from ._bessel import k0e  # imported on use: _bessel imports numba

        z = self.h * np.sqrt(k * k + self.screening_length**-2)
        return 2.0 * self.Q * k0e(z) * np.exp(-z)

    def _fourier_envelope(self, k):
        return np.abs(self._fourier_closed(k))  # 2 |Q| K_0(z), falling in z and so in k

    @property
    def scales(self):
        return min(self.h, self.screening_length), max(self.h, self.screening_length)

    @property
    def phi_max(self):
        return max(0.0, self.phi_at_zero)

    @property
    def phi_min(self):
        return min(0.0, self.phi_at_zero)

    def reach(self, force_floor: float | None = None) -> float:
        """Distance beyond which |dPhi/dx| < ``force_floor``.

        Parameters
        ----------
        force_floor : float, optional
            Force threshold, > 0; default :attr:`reach_floor`.

        Returns
        -------
        float
            sqrt(r_c^2 - h^2), r_c the root of G(r_c) = force_floor (class notes),
            bracketed to 1e-13 from above.
        """
        force_floor = self._floor(force_floor)
        l, q = self.screening_length, abs(self.Q)

        def log_excess(r):  # ln(G(r) / force_floor), decreasing in r
            return math.log(q / force_floor) - r / l + math.log(1.0 / (l * r) + 1.0 / r**2)

        if q == 0.0 or log_excess(self.h) <= 0.0:
            return 0.0
        lo, hi = self.h, 2.0 * self.h
        while log_excess(hi) > 0.0:
            lo, hi = hi, 2.0 * hi
        while hi - lo > 1e-13 * hi:
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if log_excess(mid) > 0.0 else (lo, mid)
        return _along_channel(hi, self.h)
