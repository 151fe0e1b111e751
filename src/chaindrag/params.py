"""Parameter sets, their allowed ranges, and the errors raised for bad input.

Every public entry point of the package validates its arguments with the helpers
here, so a physicist gets one kind of message everywhere: it names the parameter,
the value received and the allowed range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np


class ChaindragError(Exception):
    """Base class of every error raised by chaindrag."""


class ParameterError(ChaindragError, ValueError):
    """A parameter is outside its allowed range, not finite, or of the wrong type."""


class StoreError(ChaindragError):
    """A zarr store is missing, incomplete, too short, or made for other parameters."""


class SimulationError(ChaindragError, RuntimeError):
    """A run was stopped because its result would be unphysical (NaN, runaway, left the chain)."""


class TimeStepWarning(UserWarning):
    """The time step is legal but marginal for the interaction (delta*v close to lam)."""


class SeriesTruncationWarning(UserWarning):
    """A perturbation series was cut where the terms left out may not be small."""


def _describe(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(arr.item())
    if arr.size <= 6:
        return repr(arr.tolist())
    bad = ~np.isfinite(arr.astype(float))
    if bad.any():
        return f"array of {arr.size} values, {int(bad.sum())} not finite (first {arr[bad][0].item()!r})"
    return f"array with min {arr.min().item()!r} and max {arr.max().item()!r}"


def require_finite(name: str, value):
    """Return ``value`` after checking every element is a finite real number."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a real number, got {value!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must be finite, got {_describe(value)}")
    return value


def require_positive(name: str, value, *, allow_zero: bool = False):
    """Check ``value`` is finite and > 0 (or >= 0 with ``allow_zero``)."""
    require_finite(name, value)
    arr = np.asarray(value, dtype=float)
    bad = np.any(arr < 0) if allow_zero else np.any(arr <= 0)
    if bad:
        allowed = "0 <= value" if allow_zero else "0 < value"
        raise ParameterError(f"{name} must satisfy {allowed}, got {_describe(value)}")
    return value


def require_range(name: str, value, lo: float = -math.inf, hi: float = math.inf,
                  *, lo_open: bool = False, hi_open: bool = False):
    """Check ``lo <= value <= hi`` (strict where ``lo_open``/``hi_open``), every element finite."""
    require_finite(name, value)
    arr = np.asarray(value, dtype=float)
    below = np.any(arr <= lo) if lo_open else np.any(arr < lo)
    above = np.any(arr >= hi) if hi_open else np.any(arr > hi)
    if below or above:
        left = "(" if lo_open else "["
        right = ")" if hi_open else "]"
        raise ParameterError(
            f"{name} must lie in {left}{lo}, {hi}{right}, got {_describe(value)}")
    return value


def require_int_range(name: str, value, lo: int, hi: int | None = None) -> int:
    """Check ``value`` is an integer with ``lo <= value`` (``<= hi`` if given); return it as int."""
    if isinstance(value, bool) or not isinstance(value, (Integral, np.integer)):
        if isinstance(value, Real) and float(value).is_integer():
            value = int(value)
        else:
            raise ParameterError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        rng = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise ParameterError(f"{name} must be an integer in {rng}, got {value}")
    return value


def require_omega_fast(omega_fast) -> float:
    """Check the band top ``omega_fast`` is a finite scalar > 1 (units of Omega_slow)."""
    require_range("omega_fast", omega_fast, 1.0, lo_open=True)
    if np.ndim(omega_fast) != 0:
        raise ParameterError(f"omega_fast must be a scalar > 1, got an array of shape "
                             f"{np.shape(omega_fast)}")
    return float(omega_fast)


@dataclass(frozen=True)
class ChainParams:
    """The chain: band top ``omega_fast`` (units of Omega_slow) and steps per fast period ``d``.

    The time step is ``delta = 1 / (d * omega_fast)`` (Appendix: delta = 1/(60 omega_fast)).
    """

    omega_fast: float = 10.0
    d: int = 60

    def __post_init__(self):
        require_range("omega_fast", self.omega_fast, 1.0, lo_open=True)
        object.__setattr__(self, "omega_fast", float(self.omega_fast))
        object.__setattr__(self, "d", require_int_range("d", self.d, 4))

    @property
    def delta(self) -> float:
        """Time step delta = 1/(d omega_fast) in units of t_slow."""
        return 1.0 / (self.d * self.omega_fast)


@dataclass(frozen=True)
class GaussianInteraction:
    """Gaussian pair potential Phi(x) = phi0 exp(-x^2 / (2 lam^2)) (Sec. IV).

    ``phi0 > 0`` is repulsive, ``phi0 < 0`` attractive; ``lam`` is the width. The solvers
    use :class:`chaindrag.interactions.Gaussian` (same numbers, and every other potential);
    this light class, with the same cutoff, serves modules that only need the reach.
    """

    phi0: float
    lam: float

    def __post_init__(self):
        require_finite("phi0", self.phi0)
        require_positive("lam", self.lam)
        object.__setattr__(self, "phi0", float(self.phi0))
        object.__setattr__(self, "lam", float(self.lam))

    def potential(self, x):
        """Phi(x)."""
        x = np.asarray(x, dtype=float)
        return self.phi0 * np.exp(-0.5 * (x / self.lam) ** 2)

    def derivative(self, x):
        """dPhi/dx = -x/lam^2 Phi(x)."""
        x = np.asarray(x, dtype=float)
        return -x / self.lam**2 * self.potential(x)

    def cutoff(self, tol: float = 1e-20) -> float:
        """Distance beyond which |Phi'| < tol (the paper skips forces below 1e-20)."""
        if self.phi0 == 0.0:
            return 0.0
        # |Phi'(x)| <= |phi0| (x/lam^2) exp(-x^2/2lam^2); solve exp term alone, then pad.
        r = self.lam * math.sqrt(2.0 * max(math.log(abs(self.phi0) / tol), 1.0))
        return r + 2.0 * self.lam
