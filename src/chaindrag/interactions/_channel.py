"""Channel potentials: functions of the 3-D distance r = sqrt(x^2 + h^2) to a chain mass.

The particle moves along a channel a distance ``h`` > 0 from the chain's line, so Phi is
finite at x = 0 and the particle can pass a mass. Morse, Lennard-Jones and Yukawa
(:mod:`._yukawa`) have closed-form transforms built on (Gradshteyn & Ryzhik 3.961.2,
3.754.2, 8.468)

    int dx e^{ikx} e^{-beta r} / r = 2 K0(h sqrt(k^2 + beta^2)),
    int dx e^{ikx} e^{-beta r}     = 2 h^2 beta K1(z) / z,  z = h sqrt(k^2 + beta^2),
    int dx e^{ikx} r^{-2m}         = 2 pi e^{-t} / (Gamma(m) 2^m h^{2m-1})
                                     sum_{j<m} (m-1+j)! / (j! (m-1-j)!) 2^{-j} t^{m-1-j},

t = |k| h (the last is K_{m-1/2} written out, finite at k = 0; all three evaluated in
:mod:`._bessel`). Each is analytic in the strip |Im x| < h, which the numerical transform
uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._base import Interaction, check_params, check_sign, require_finite_scales, sign_field
from ._kinds import LENNARD_JONES, MORSE


def _along_channel(r_c: float, h: float) -> float:
    """The |x| where r = r_c: a decreasing bound on |dPhi/dr| past r_c holds past that |x|."""
    return math.sqrt(max(r_c * r_c - h * h, 0.0))


@dataclass(frozen=True)
class Morse(Interaction):
    """Morse channel Phi = sign D [e^{-2a(r-r0)} - 2 e^{-a(r-r0)}], r = sqrt(x^2 + h^2).

    Parameters
    ----------
    D : float
        Well depth, > 0.
    a : float
        Inverse range, > 0.
    r0 : float
        Position of the well in r, >= 0.
    h : float
        Channel offset, > 0.
    sign : {1.0, -1.0}, keyword only
        -1: the mirror -Phi (:func:`~chaindrag.interactions.negated`); it multiplies D, so
        energy, force and Phi_k are +1's negated exactly. Provenance and repr name it at -1.

    Notes
    -----
    Phi_k = D [e^{2 a r0} J(2a) - 2 e^{a r0} J(a)], J(beta) = 2 h^2 beta K1(z)/z (module
    docstring). Phi_max = max(0, D E (E - 2)), E = e^{a (r0 - h)}: a barrier at x = 0 when
    h < r0 - ln(2)/a (for sign -1, Phi_max and Phi_min are those of +1 negated, swapped).
    Reach: |x| where r = r0 + ln(2 a D / force_floor) / a, from |dPhi/dx|
    <= |dPhi/dr| = 2 a D E_r |1 - E_r| <= 2 a D E_r for r >= r0; there |Phi| < force_floor
    / a. On the relative floor (:attr:`reach_floor`) that is 117 for :meth:`channel` (189
    on the absolute 1e-20).
    :meth:`channel` gives the default of the potentials study.
    """

    D: float
    a: float
    r0: float
    h: float
    sign: float = sign_field()

    kind = MORSE
    __repr__ = Interaction._compact_repr

    def __post_init__(self):
        check_params(D=(self.D, 0.0, True), a=(self.a, 0.0, True), r0=(self.r0, 0.0, False),
                     h=(self.h, 0.0, True))
        for name in ("D", "a", "r0", "h"):
            object.__setattr__(self, name, float(getattr(self, name)))
        object.__setattr__(self, "sign", check_sign(self.sign))
        require_finite_scales(self, "D, a, r0, h")

    @property
    def _depth(self) -> float:
        """sign D, the factor of every term (D itself for sign +1: the same bits)."""
        return self.sign * self.D

    @classmethod
    def channel(cls) -> Morse:
        """The potentials study's Morse channel: D = 1, a = 0.25, r0 = 8, h = 4.

        A barrier Phi_max = e (e - 2) D = 1.95 at x = 0 (capture speed 12.4 at mu = 1,
        like the Gaussian phi0 = 2 of Fig. 8, so the particle passes at speeds 15-60),
        flanked by wells of depth D at |x| = sqrt(r0^2 - h^2) = 6.9, all well inside one
        lattice spacing alpha = 40. h = 4 makes Phi_k decay like e^{-4|k|}, the same
        range of k as the Gaussian lam = 4 at the mode wave numbers of Eq. (25); the force
        width (:attr:`width`) is 2.2.

        Returns
        -------
        Morse
            The default channel.
        """
        return cls(D=1.0, a=0.25, r0=8.0, h=4.0)

    @property
    def strip(self):
        return self.h

    def _phi(self, z):
        ex = np.exp(-self.a * (np.sqrt(z * z + self.h**2) - self.r0))
        return self._depth * ex * (ex - 2.0)

    def _dphi(self, x):
        r = np.sqrt(x * x + self.h**2)
        ex = np.exp(-self.a * (r - self.r0))
        return 2.0 * self.a * self._depth * ex * (1.0 - ex) * x / r

    def _kernel_params(self):
        d = self._depth
        return np.array([d, self.a, self.r0, self.h**2, 2.0 * self.a * d])

    def _transforms(self, k):
        """The transforms of e^{-2a(r - r0)} and 2 e^{-a(r - r0)}, positive and falling in
        k (K_1(z)/z falls, z = h sqrt(k^2 + beta^2), beta = 2a and a)."""
        from ._bessel import exp_transform  # imported on use: _bessel imports numba

        a, r0, h = self.a, self.r0, self.h
        return exp_transform(2.0 * a, h, k, 2.0 * a * r0), 2.0 * exp_transform(a, h, k, a * r0)

    def _fourier_closed(self, k):
        repulsion, attraction = self._transforms(k)
        return self._depth * (repulsion - attraction)

    def _fourier_envelope(self, k):
        return self.D * np.add(*self._transforms(k))

    @property
    def scales(self):
        return min(self.h, 1.0 / self.a), max(self.r0, self.h) + 1.0 / self.a

    def _extrema(self) -> tuple[float, float]:
        """(sup, inf) of the sign +1 potential: D E (E - 2) at x = 0 and the well -D."""
        e = math.exp(self.a * (self.r0 - self.h))  # E ranges over (0, e]; D E (E - 2) >= -D
        top = max(0.0, self.D * e * (e - 2.0))
        return top, (-self.D if e >= 1.0 else self.D * e * (e - 2.0))

    @property
    def phi_max(self):
        top, bottom = self._extrema()
        return top if self.sign > 0 else max(0.0, -bottom)

    @property
    def phi_min(self):
        top, bottom = self._extrema()
        return bottom if self.sign > 0 else min(0.0, -top)

    def reach(self, force_floor: float | None = None) -> float:
        """Distance beyond which |dPhi/dx| < ``force_floor``.

        Parameters
        ----------
        force_floor : float, optional
            Force threshold, > 0; default :attr:`reach_floor`.

        Returns
        -------
        float
            sqrt(r_c^2 - h^2), r_c = max(r0, r0 + ln(2 a D / force_floor) / a).
        """
        force_floor = self._floor(force_floor)
        r_c = self.r0 + max(0.0, math.log(2.0 * self.a * self.D / force_floor) / self.a)
        return _along_channel(r_c, self.h)


@dataclass(frozen=True)
class LennardJones(Interaction):
    """Lennard-Jones channel Phi = sign 4 epsilon [(s/r)^12 - (s/r)^6], r = sqrt(x^2 + h^2).

    Parameters
    ----------
    epsilon : float
        Well depth, > 0.
    s : float
        Distance of the zero of Phi(r), > 0.
    h : float
        Channel offset, > 0.
    sign : {1.0, -1.0}, keyword only
        -1: the mirror -Phi (:func:`~chaindrag.interactions.negated`); it multiplies epsilon,
        so energy, force and Phi_k are +1's negated exactly. Provenance and repr name it at -1.

    Notes
    -----
    Phi_k = 4 epsilon [s^12 F_6(k) - s^6 F_3(k)], F_m the transform of r^{-2m} (module
    docstring). Phi_max = max(0, 4 epsilon q (q - 1)), q = (s/h)^6 (for sign -1, Phi_max and
    Phi_min are those of +1 negated, swapped). Reach: |x| where r =
    max(2^{1/6} s, (24 epsilon s^6 / force_floor)^{1/7}), from |dPhi/dr| <= 24 epsilon s^6
    / r^7 beyond the well; there |Phi| < force_floor r / 6. The 1/x^6 tail makes it long:
    254 for :meth:`channel` on the relative floor (:attr:`reach_floor`), 13 chain masses
    at alpha = 40 (3877 and 195 masses on the absolute 1e-20).
    """

    epsilon: float
    s: float
    h: float
    sign: float = sign_field()

    kind = LENNARD_JONES
    __repr__ = Interaction._compact_repr

    def __post_init__(self):
        check_params(epsilon=(self.epsilon, 0.0, True), s=(self.s, 0.0, True),
                     h=(self.h, 0.0, True))
        for name in ("epsilon", "s", "h"):
            object.__setattr__(self, name, float(getattr(self, name)))
        object.__setattr__(self, "sign", check_sign(self.sign))
        require_finite_scales(self, "epsilon, s, h")

    @property
    def _depth(self) -> float:
        """sign epsilon, the factor of every term (epsilon itself for sign +1: the same bits)."""
        return self.sign * self.epsilon

    @classmethod
    def channel(cls) -> LennardJones:
        """The potentials study's Lennard-Jones channel: epsilon = 1, s = 4.2, h = 4.

        A barrier Phi_max = 4 q (q - 1) = 1.82 (q = 1.05^6; capture speed 12.0 at mu = 1,
        so the particle passes at speeds 15-60) flanked by wells of depth epsilon at x =
        +-sqrt(2^{1/3} s^2 - h^2) = +-2.5; h = 4 makes Phi_k decay like e^{-4|k|}, the
        same range of k as the Gaussian lam = 4 at the mode wave numbers of Eq. (25); the
        force width (:attr:`width`) is 0.95, still 10 times delta |v| at v = 60.

        Returns
        -------
        LennardJones
            The default channel.
        """
        return cls(epsilon=1.0, s=4.2, h=4.0)

    @property
    def strip(self):
        return self.h

    def _phi(self, z):
        q3 = (self.s**2 / (z * z + self.h**2)) ** 3
        return 4.0 * self._depth * q3 * (q3 - 1.0)

    def _dphi(self, x):
        r2 = x * x + self.h**2
        q3 = (self.s**2 / r2) ** 3
        return 24.0 * self._depth * x / r2 * q3 * (1.0 - 2.0 * q3)

    def _kernel_params(self):
        d = self._depth
        return np.array([4.0 * d, self.s**2, self.h**2, 24.0 * d])

    def _transforms(self, k):
        """The transforms of 4 epsilon s^12 / r^12 and 4 epsilon s^6 / r^6, positive and
        falling in k (t^nu K_nu(t) falls, t = h k)."""
        from ._bessel import power_transform  # imported on use: _bessel imports numba

        ls = math.log(4.0 * self.epsilon) + 6.0 * math.log(self.s)
        return (power_transform(6, self.h, k, ls + 6.0 * math.log(self.s)),
                power_transform(3, self.h, k, ls))

    def _fourier_closed(self, k):
        repulsion, attraction = self._transforms(k)
        return self.sign * (repulsion - attraction)

    def _fourier_envelope(self, k):
        return np.add(*self._transforms(k))

    @property
    def scales(self):
        return 0.25 * min(self.h, self.s), 2.0 * max(self.h, self.s)

    def _extrema(self) -> tuple[float, float]:
        """(sup, inf) of the sign +1 potential: 4 epsilon q (q - 1) at x = 0, the well."""
        q = (self.s / self.h) ** 6  # q ranges over (0, q]; 4 eps q (q - 1) >= -eps at q = 1/2
        top = max(0.0, 4.0 * self.epsilon * q * (q - 1.0))
        return top, (-self.epsilon if q >= 0.5 else 4.0 * self.epsilon * q * (q - 1.0))

    @property
    def phi_max(self):
        top, bottom = self._extrema()
        return top if self.sign > 0 else max(0.0, -bottom)

    @property
    def phi_min(self):
        top, bottom = self._extrema()
        return bottom if self.sign > 0 else min(0.0, -top)

    def reach(self, force_floor: float | None = None) -> float:
        """Distance beyond which |dPhi/dx| < ``force_floor``.

        Parameters
        ----------
        force_floor : float, optional
            Force threshold, > 0; default :attr:`reach_floor`.

        Returns
        -------
        float
            sqrt(r_c^2 - h^2), r_c = max(2^{1/6} s, (24 epsilon s^6 / force_floor)^{1/7}).
        """
        force_floor = self._floor(force_floor)
        tail = (24.0 * self.epsilon * self.s**6 / force_floor) ** (1.0 / 7.0)
        return _along_channel(max(2.0 ** (1.0 / 6.0) * self.s, tail), self.h)
