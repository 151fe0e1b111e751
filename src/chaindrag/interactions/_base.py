"""The interface every pair potential implements, and the checks shared by all of them."""

from __future__ import annotations

import dataclasses
import math
from abc import ABC, abstractmethod
from functools import cached_property

import numpy as np

from chaindrag.params import ParameterError, require_finite, require_positive

from ._kinds import FORCE_FLOOR, KIND_NAMES

_EIGHT_PI_SQ = 8.0 * math.pi**2

#: Relative force floor of the reach (issue 14): beyond :meth:`Interaction.reach` a chain
#: mass feels less than TAIL_RTOL max|Phi'| (:attr:`Interaction.reach_floor` says why that
#: is negligible).
TAIL_RTOL = 1e-12


def _out(x):
    """A 0-d result as a Python float, anything else as an ndarray."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def _finite_array(name: str, value) -> np.ndarray:
    require_finite(name, value)
    return np.asarray(value, dtype=float)


def _probe_grid(short: float, long: float) -> np.ndarray:
    """Where Phi' is sampled for its maximum and curvature: the core and a geometric tail."""
    return np.concatenate([np.linspace(0.0, 8.0 * long, 16001),
                           np.geomspace(1e-3 * short, 64.0 * long, 4000)])


class Interaction(ABC):
    """An even pair potential Phi(x) between the particle and one chain mass (Sec. II).

    x = sigma - alpha g - rho_g is the separation along the chain. Subclasses are frozen
    dataclasses whose fields are the potential's parameters; they supply Phi for real and
    (where it exists) complex x, its derivative, and the scales used by the numerics.

    Notes
    -----
    Every subclass provides:

    * :meth:`potential`, :meth:`force` (= -dPhi/dx), :meth:`fourier` (Phi_k, Eqs. 25, 33);
    * :attr:`phi_at_zero`, :attr:`phi_max` (for the capture speed sqrt(8 pi^2 Phi_max / mu)),
      :attr:`phi_min` (minus the depth of the deepest well);
    * :attr:`width`, the length over which the force changes, e^{1/2} max|Phi'| / max|Phi''|
      (exactly ``lam`` for the Gaussian), against which the time step delta |v| is checked;
    * :meth:`reach`, the |x| beyond which |Phi'| < :attr:`reach_floor` (the solvers visit
      only chain masses within it), and :attr:`force_scale`, max|Phi'|;
    * :meth:`kernel_args`, the (kind, params) pair of the numba kernels;
    * :meth:`provenance`, a dict of the kind and the parameters.
    """

    kind: int  # numba kind code (class attribute)
    strip: float = 0.0  # Phi is analytic for |Im x| < strip (0: real axis only)

    # ------------------------------------------------------------------ subclass hooks
    @abstractmethod
    def _phi(self, z):
        """Phi at real or complex ``z`` (ndarray), no validation."""

    @abstractmethod
    def _dphi(self, x):
        """dPhi/dx at real ``x`` (ndarray), no validation."""

    @abstractmethod
    def _kernel_params(self) -> np.ndarray:
        """The float64 parameter array of :func:`pair_energy_force`."""

    @property
    @abstractmethod
    def scales(self) -> tuple[float, float]:
        """(shortest length on which Phi has structure, extent of its core)."""

    @property
    @abstractmethod
    def phi_max(self) -> float:
        """max(0, sup_x Phi(x)): the barrier the particle must climb (0 if none)."""

    @property
    @abstractmethod
    def phi_min(self) -> float:
        """min(0, inf_x Phi(x)): minus the depth of the deepest well (0 if none)."""

    @abstractmethod
    def reach(self, force_floor: float | None = None) -> float:
        """Distance beyond which |dPhi/dx| < ``force_floor`` (default :attr:`reach_floor`)."""

    def _fourier_closed(self, k: np.ndarray) -> np.ndarray | None:
        """Closed-form Phi_k at |k| (ndarray), or None when there is none."""
        return None

    def _fourier_envelope(self, k: np.ndarray) -> np.ndarray | None:
        """A bound on |Phi_k'| for every k' >= k, non-increasing in k (ndarray of |k|), or
        None when none is known: Eq. (33) then sums every resonant mode."""
        return None

    # ------------------------------------------------------------------ public API
    def potential(self, x):
        """Phi(x), vectorised over ``x``.

        Parameters
        ----------
        x : array_like
            Separations, finite.

        Returns
        -------
        float or ndarray
            Phi(x).
        """
        return _out(self._phi(_finite_array("x", x)))

    def force(self, x):
        """-dPhi/dx, the force on the particle at separation ``x`` (vectorised).

        Parameters
        ----------
        x : array_like
            Separations, finite.

        Returns
        -------
        float or ndarray
            -dPhi/dx.
        """
        return _out(-self._dphi(_finite_array("x", x)))

    def fourier(self, k):
        """Phi_k = int dx e^{ikx} Phi(x) (Eqs. 25, 33), closed form where one exists.

        Parameters
        ----------
        k : array_like
            Wave numbers, finite (Phi_k is even in k).

        Returns
        -------
        float or ndarray
            Phi_k.
        """
        k = np.abs(_finite_array("k", k))
        closed = self._fourier_closed(k)
        if closed is None:
            from ._fourier import numerical_fourier
            return numerical_fourier(self, k)
        return _out(closed)

    @property
    def phi_at_zero(self) -> float:
        """Phi(0), the potential when the particle sits on a chain mass."""
        with np.errstate(over="ignore"):  # an overflow is refused by the caller
            return float(self._phi(np.zeros(1))[0])

    @cached_property
    def width(self) -> float:
        """e^{1/2} max|Phi'| / max|Phi''|: the Gaussian's ``lam``, the force's length scale."""
        short, long = self.scales
        x = _probe_grid(short, long)
        step = 1e-5 * short
        curv = (self._dphi(x + step) - self._dphi(x - step)) / (2.0 * step)
        slope = np.max(np.abs(self._dphi(x)))
        if slope == 0.0:
            return math.inf
        return math.exp(0.5) * slope / float(np.max(np.abs(curv)))

    @cached_property
    def force_scale(self) -> float:
        """max|Phi'|, the largest force between the particle and a chain mass.

        Sampled on 20000 points of the core and the tail, so never above the true maximum
        (a floor relative to it errs on the long side); closed form where one exists.
        """
        return float(np.max(np.abs(self._dphi(_probe_grid(*self.scales)))))

    @property
    def reach_floor(self) -> float:
        """The force below which a chain mass is left out: max(1e-20, TAIL_RTOL max|Phi'|).

        Notes
        -----
        With eps = TAIL_RTOL = 1e-12 and F = :attr:`force_scale`, every chain mass beyond
        the reach R feels |Phi'| < eps F, and |Phi'|, |Phi''| decrease there. The kernels
        leave out the masses more than R away (:func:`interaction_forces`), so, rho being
        the largest displacement among them (rho < alpha):

        * they exert on one particle at most eps F + 2 rho (|Phi''| + |Phi'| / alpha) at
          R - rho. For a chain at rest the two tails are sums of the same decreasing |Phi'|
          over points spaced alpha, starting within alpha of each other: they differ by at
          most |Phi'(R)| (telescoping), whatever alpha. That force is periodic in sigma with
          zero mean (over a period it integrates to Phi(R_r) - Phi(R_l), equal ends), so it
          does no net work as the particle moves on;
        * the interaction energy jumps by at most |Phi(R)| when a mass enters or leaves the
          window, and does not accumulate (as many enter as leave); it lacks the energy of
          the masses left out, an offset below 2 (|Phi(R)| + int_R^inf |Phi| / alpha) that
          hardly changes (2.7e-5 for the Lorentzian A = 2, b = 4 at alpha = 40; 2e-10 for
          the Lennard-Jones channel);
        * a mass left out misses a static displacement below eps F / K (K its stiffness).

        Per step the force left out moves a particle by (2 pi delta)^2 eps F / mu, 1e-16 F at
        d = 60: below the rounding of sigma (ulp 5.7e-14 at sigma >= 256), mostly lost in it.
        Even counted as work that never cancels, eps F over the longest runs' path (6e5 at
        speeds <= 60 up to tau = 1e4) is 6e-7 F, below 1e-6 of the kinetic energy at the
        capture speeds (v >= 12, F <= 2): far below the solvers' 1e-4 energy tolerance.
        Over the solvers' comparisons (tau = 0.5) it moves sigma by < 4 pi^2 eps F tau^2 /
        mu ~ 1e-11 F, far below their 1e-8 agreement. The paper's absolute floor 1e-20
        stays the lower limit (the kernels skip smaller forces).
        """
        return max(FORCE_FLOOR, TAIL_RTOL * self.force_scale)

    def _floor(self, force_floor: float | None) -> float:
        """The force floor of :meth:`reach`: :attr:`reach_floor` or the one given (> 0)."""
        if force_floor is None:
            return self.reach_floor
        check_params(force_floor=(force_floor, 0.0, True))
        return float(force_floor)

    def capture_speed(self, mu: float = 1.0) -> float:
        """Lowest speed at which the particle passes a chain mass, sqrt(8 pi^2 Phi_max / mu).

        Parameters
        ----------
        mu : float
            Particle mass, > 0.

        Returns
        -------
        float
            The capture speed (0 when there is no barrier).
        """
        require_positive("mu", mu)
        return math.sqrt(_EIGHT_PI_SQ * self.phi_max / float(mu))

    def kernel_args(self) -> tuple[int, np.ndarray]:
        """(kind, params) for :func:`interaction_forces` and :func:`pair_energy_force`.

        Returns
        -------
        kind : int
            The kind code of the potential.
        params : ndarray
            Read-only float64 parameter array (layout in the kernels' module docstring).
        """
        params = np.ascontiguousarray(self._kernel_params(), dtype=np.float64)
        params.setflags(write=False)
        return self.kind, params

    def provenance(self) -> dict:
        """The kind of potential and its parameters, for the attributes of an output.

        Returns
        -------
        dict
            ``{"kind": name, <parameter>: value, ...}``; a :func:`sign_field` is left out
            at its default +1 (Phi itself: the provenance it had before the field existed).
        """
        out = {"kind": KIND_NAMES[self.kind]}
        for name, value in self._shown_fields():
            out[name] = value
        return out

    def _shown_fields(self):
        """(name, value) of every field but a :func:`sign_field` at its default."""
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not (field.metadata.get(_OMIT_AT_DEFAULT) and value == field.default):
                yield field.name, value

    def _compact_repr(self) -> str:
        """The dataclass repr without a :func:`sign_field` at its default."""
        shown = ", ".join(f"{name}={value!r}" for name, value in self._shown_fields())
        return f"{type(self).__name__}({shown})"


_OMIT_AT_DEFAULT = "chaindrag_omit_at_default"


def sign_field():
    """The keyword-only ``sign`` field (+1 Phi, -1 its mirror -Phi) of a potential whose
    parameters are magnitudes (Morse, Lennard-Jones): left out of the provenance and repr at
    +1, so the potentials without it are described as they were. Checked by
    :func:`check_sign`."""
    return dataclasses.field(default=1.0, kw_only=True, metadata={_OMIT_AT_DEFAULT: True})


def check_sign(sign) -> float:
    """``sign`` as the float +1.0 or -1.0; anything else raises ParameterError."""
    if isinstance(sign, bool) or np.ndim(sign) != 0 or sign not in (1, -1):
        raise ParameterError(f"sign must be +1 (Phi) or -1 (its mirror -Phi), got {sign!r}")
    return float(sign)


def check_params(**named) -> None:
    """Check each named float against its (lo, hi, lo_open) range; raise ParameterError."""
    for name, (value, lo, lo_open) in named.items():
        require_finite(name, value)
        if np.ndim(value) != 0:
            raise ParameterError(f"{name} must be a scalar, got an array of shape "
                                 f"{np.shape(value)}")
        v = float(value)
        if v < lo or (lo_open and v == lo):
            rng = f"({lo}, inf)" if lo_open else f"[{lo}, inf)"
            raise ParameterError(f"{name} must lie in {rng}, got {v!r}")


def require_finite_scales(inter: Interaction, names: str) -> None:
    """Refuse parameters whose Phi(0), max|Phi'|, reach or kernel parameters overflow float64
    (e.g. a Gaussian of width 1e-200): the solvers and formulas would meet inf or nan."""
    phi0 = inter.phi_at_zero
    if not math.isfinite(phi0):
        raise ParameterError(f"{type(inter).__name__}: {names} give Phi(0) = {phi0!r}; the "
                             f"potential must be finite where the particle passes the chain mass")
    try:
        with np.errstate(all="ignore"):
            scales = {"max|Phi'|": inter.force_scale, "its reach": inter.reach(),
                      "a kernel parameter": float(np.max(np.abs(inter._kernel_params())))}
    except (ZeroDivisionError, OverflowError):
        scales = {"max|Phi'| or its reach": math.inf}
    for what, value in scales.items():
        if not math.isfinite(value):
            raise ParameterError(f"{type(inter).__name__}: {names} give {what} = {value!r}, "
                                 f"beyond float64; choose parameters of a less extreme ratio")
