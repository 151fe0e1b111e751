"""Shared constants and argument helpers of :mod:`chaindrag.analytic` (private)."""

from __future__ import annotations

import math

import numpy as np

from chaindrag.params import ParameterError

TWO_PI = 2.0 * math.pi
# a potential step Phi changes v^2 by 8 pi^2 Phi / mu (kinetic energy mu/2 (v / 2 pi)^2)
EIGHT_PI_SQ = 8.0 * math.pi**2


def scalar(name: str, value, check, **kw) -> float:
    """Run ``check(name, value, **kw)``, insist on a scalar and return it as a float."""
    check(name, value, **kw)
    if np.ndim(value) != 0:
        raise ParameterError(f"{name} must be a scalar, got an array of shape {np.shape(value)}")
    return float(value)


def out(x):
    """Return a Python float for 0-d results, an ndarray otherwise."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x
