"""Bell-shaped potentials of the particle's own coordinate: Gaussian and Lorentzian."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._base import Interaction, check_params, require_finite_scales
from ._kinds import FORCE_FLOOR, GAUSSIAN, LORENTZIAN

_SQRT_TWO_PI = math.sqrt(2.0 * math.pi)


@dataclass(frozen=True)
class Gaussian(Interaction):
    """Gaussian pair potential Phi(x) = phi0 exp(-x^2 / (2 lam^2)) (Sec. IV, the paper's).

    Parameters
    ----------
    phi0 : float
        Amplitude, any finite value: > 0 repulsive, < 0 attractive.
    lam : float
        Width, > 0.

    Notes
    -----
    Phi_k = phi0 lam sqrt(2 pi) exp(-k^2 lam^2 / 2) (complete the square and shift the
    contour; entire, so the numerical transform may use any contour). The width is
    ``lam``; the reach is that of the solvers so far (|Phi'| <= |phi0| x / lam^2
    e^{-x^2/2 lam^2} solved on the exponential alone, then padded by 2 lam), on the
    paper's absolute floor 1e-20 (its :attr:`reach_floor`): the paper's runs stay
    bit-identical.
    """

    phi0: float
    lam: float

    kind = GAUSSIAN
    strip = math.inf

    def __post_init__(self):
        check_params(phi0=(self.phi0, -math.inf, False), lam=(self.lam, 0.0, True))
        object.__setattr__(self, "phi0", float(self.phi0))
        object.__setattr__(self, "lam", float(self.lam))
        require_finite_scales(self, "phi0, lam")

    def _phi(self, z):
        return self.phi0 * np.exp(-0.5 * (z / self.lam) ** 2)

    def _dphi(self, x):
        return -x / self.lam**2 * self._phi(x)

    def _kernel_params(self):
        return np.array([self.phi0, self.lam, 1.0 / (self.lam * self.lam)])

    def _fourier_closed(self, k):
        return self.phi0 * self.lam * _SQRT_TWO_PI * np.exp(-0.5 * (k * self.lam) ** 2)

    @property
    def scales(self):
        return self.lam, self.lam

    @property
    def phi_max(self):
        return max(self.phi0, 0.0)

    @property
    def phi_min(self):
        return min(self.phi0, 0.0)

    @property
    def width(self):
        return self.lam

    @property
    def force_scale(self):
        return abs(self.phi0) / self.lam * math.exp(-0.5)

    @property
    def reach_floor(self):
        return FORCE_FLOOR

    def reach(self, force_floor: float | None = None) -> float:
        """Distance beyond which |Phi'| < ``force_floor`` (the paper skips forces below 1e-20).

        Parameters
        ----------
        force_floor : float, optional
            Force threshold, > 0; default the paper's 1e-20.

        Returns
        -------
        float
            lam sqrt(2 max(ln(|phi0|/force_floor), 1)) + 2 lam (0 for phi0 = 0), or the
            root of |Phi'| = force_floor beyond lam where that lies further (lam < 0.03).
        """
        force_floor = self._floor(force_floor)
        if self.phi0 == 0.0:
            return 0.0
        r = self.lam * math.sqrt(2.0 * max(math.log(abs(self.phi0) / force_floor), 1.0))
        return max(r + 2.0 * self.lam, self._force_root(force_floor))

    def _force_root(self, force_floor: float) -> float:
        """lam y, y > 1 the root of |phi0| y e^{-y^2/2} / lam = force_floor (0 if none).

        The padding of :meth:`reach` leaves out the prefactor x / lam^2 of |Phi'|, which
        exceeds 1 for lam < 0.03 (the paper's lam = 4 is far from it): this root is the
        reach such narrow Gaussians need, below the padded one everywhere else.
        """
        log_c = math.log(abs(self.phi0)) - math.log(self.lam) - math.log(force_floor)

        def excess(y):  # ln(|Phi'(lam y)| / force_floor), decreasing for y > 1
            return log_c + math.log(y) - 0.5 * y * y

        if excess(1.0) <= 0.0:
            return 0.0
        lo, hi = 1.0, 2.0
        while excess(hi) > 0.0:
            lo, hi = hi, 2.0 * hi
        while hi - lo > 1e-13 * hi:
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if excess(mid) > 0.0 else (lo, mid)
        return self.lam * hi


@dataclass(frozen=True)
class Lorentzian(Interaction):
    """Lorentzian pair potential Phi(x) = A / (1 + (x/b)^2): algebraic 1/x^2 tail.

    Parameters
    ----------
    A : float
        Amplitude, any finite value.
    b : float
        Half width at half maximum, > 0.

    Notes
    -----
    Phi_k = A pi b e^{-|k| b} (residue at x = i b). Width e^{1/2} (3 sqrt 3 / 16) b
    = 0.5354 b (max|Phi'| = 3 sqrt(3) |A| / 8 b at x = b / sqrt 3, max|Phi''| = 2 |A| / b^2
    at 0). Reach b (2 |A| / (b force_floor))^{1/3} from |Phi'| < 2 |A| / (b (x/b)^3); the
    1/x^3 force makes it long even on the relative floor (:attr:`reach_floor`): 1.45e4 b
    whatever A (unless |A| < 1e-8 b), 5.8e4 for b = 4 (2.9e3 chain masses at alpha = 40).
    No cutoff within that floor makes this potential cheap: its tail is the physics.
    """

    A: float
    b: float

    kind = LORENTZIAN

    def __post_init__(self):
        check_params(A=(self.A, -math.inf, False), b=(self.b, 0.0, True))
        object.__setattr__(self, "A", float(self.A))
        object.__setattr__(self, "b", float(self.b))
        require_finite_scales(self, "A, b")

    @property
    def strip(self):
        return self.b

    def _phi(self, z):
        return self.A / (1.0 + (z / self.b) ** 2)

    def _dphi(self, x):
        y = x / self.b
        return -2.0 * self.A * y / (self.b * (1.0 + y * y) ** 2)

    def _kernel_params(self):
        return np.array([self.A, 1.0 / (self.b * self.b)])

    def _fourier_closed(self, k):
        return self.A * math.pi * self.b * np.exp(-k * self.b)

    def _fourier_envelope(self, k):
        return np.abs(self._fourier_closed(k))  # |A| pi b e^{-k b}, falling

    @property
    def scales(self):
        return self.b, self.b

    @property
    def phi_max(self):
        return max(self.A, 0.0)

    @property
    def phi_min(self):
        return min(self.A, 0.0)

    @property
    def width(self):
        return math.exp(0.5) * 3.0 * math.sqrt(3.0) / 16.0 * self.b

    @property
    def force_scale(self):
        return 3.0 * math.sqrt(3.0) * abs(self.A) / (8.0 * self.b)

    def reach(self, force_floor: float | None = None) -> float:
        """Distance beyond which |Phi'| < ``force_floor``.

        Parameters
        ----------
        force_floor : float, optional
            Force threshold, > 0; default :attr:`reach_floor`.

        Returns
        -------
        float
            b (2 |A| / (b force_floor))^{1/3}.
        """
        force_floor = self._floor(force_floor)
        return self.b * (2.0 * abs(self.A) / (self.b * force_floor)) ** (1.0 / 3.0)
