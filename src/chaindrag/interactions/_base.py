"""The interface every pair potential implements, and the checks shared by all of them."""

from __future__ import annotations

import dataclasses
import math
from abc import ABC, abstractmethod
from functools import cached_property

import numpy as np

from chaindrag.params import ParameterError, require_finite, require_positive

from ._kernels import FORCE_FLOOR, KIND_NAMES

_EIGHT_PI_SQ = 8.0 * math.pi**2


def _out(x):
    """A 0-d result as a Python float, anything else as an ndarray."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def _finite_array(name: str, value) -> np.ndarray:
    require_finite(name, value)
    return np.asarray(value, dtype=float)


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
    * :meth:`reach`, the |x| beyond which |Phi'| < ``force_floor`` (the solvers visit only
      chain masses within it);
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
    def reach(self, force_floor: float = FORCE_FLOOR) -> float:
        """Distance beyond which |dPhi/dx| < ``force_floor``."""

    def _fourier_closed(self, k: np.ndarray) -> np.ndarray | None:
        """Closed-form Phi_k at |k| (ndarray), or None when there is none."""
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
        x = np.concatenate([np.linspace(0.0, 8.0 * long, 16001),
                            np.geomspace(1e-3 * short, 64.0 * long, 4000)])
        step = 1e-5 * short
        curv = (self._dphi(x + step) - self._dphi(x - step)) / (2.0 * step)
        slope = np.max(np.abs(self._dphi(x)))
        if slope == 0.0:
            return math.inf
        return math.exp(0.5) * slope / float(np.max(np.abs(curv)))

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
            ``{"kind": name, <parameter>: value, ...}``.
        """
        out = {"kind": KIND_NAMES[self.kind]}
        for field in dataclasses.fields(self):
            out[field.name] = getattr(self, field.name)
        return out


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


def require_finite_phi0(cls_name: str, phi0: float, names: str) -> None:
    """Refuse parameters whose Phi(0) overflows."""
    if not math.isfinite(phi0):
        raise ParameterError(f"{cls_name}: {names} give Phi(0) = {phi0!r}; the potential "
                             f"must be finite where the particle passes the chain mass")
