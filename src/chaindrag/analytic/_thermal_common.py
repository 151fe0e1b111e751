"""Inputs shared by the thermal-drag formulas: validation and |Phi_k|^2 tables (private).

:mod:`chaindrag.analytic.thermal_drag` (the Debye-Waller, two- and three-phonon terms) and
:mod:`chaindrag.analytic.phonon_series` (every higher order) take the same parameters and
read the potential from the same kind of table: |Phi_k|^2 with the Debye-Waller factor on a
lattice of k, from the closed form where the interaction has one, else a cubic spline
through its quadrature.
"""

from __future__ import annotations

import math

import numpy as np

from chaindrag.interactions import Gaussian, Interaction
from chaindrag.params import ParameterError, require_finite, require_omega_fast, require_positive
from chaindrag.thermal import displacement_variance
from chaindrag.thermal.modes import check_statistics, check_temperature

from ._common import check_root_count
from ._multiphonon import CUT
from ._pair import resolve

_GRID_RANGE = (64, 16384)
_GRID_3_RANGE = (8, 512)
_SPLINE_POINTS = 128  # per 1 / (the core's extent), for transforms without a closed form
MAX_PHONONS = 256  # the highest order any function of the series takes


def grid_size(name: str, value, bounds) -> None:
    """Refuse ``value`` unless it is an integer in ``bounds``, naming it."""
    if not (isinstance(value, (int, np.integer)) and bounds[0] <= value <= bounds[1]):
        raise ParameterError(f"{name} must be an integer in [{bounds[0]}, {bounds[1]}], "
                             f"got {value!r}")


def inputs(v, phi0, lam, alpha, omega_T, statistics, omega_fast, interaction, grid=None,
            grid_3=None):
    """Validate; return (v array, Interaction, its Gaussian (phi0, lam) or None, alpha,
    temperature, statistics, omega_fast, <rho^2>)."""
    phi0, lam, inter = resolve(phi0, lam, interaction)
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    if alpha is None:
        raise ParameterError("alpha missing: the loss per mass needs the chain spacing alpha > 0")
    require_positive("alpha", alpha)
    if omega_T is None:
        raise ParameterError("omega_T missing: give the temperature omega_T in [0, inf)")
    statistics = check_statistics(statistics)
    temp = check_temperature(omega_T)
    gauss = None
    if inter is None:
        require_finite("phi0", phi0)
        require_positive("lam", lam)
        if np.ndim(phi0) != 0 or np.ndim(lam) != 0:
            raise ParameterError("phi0 and lam must be scalars (v may be an array)")
        gauss = (float(phi0), float(lam))
        inter = Gaussian(*gauss)
    if np.ndim(alpha) != 0 or np.ndim(temp) != 0:
        raise ParameterError("alpha and omega_T must be scalars (v may be an array)")
    if grid is not None:
        grid_size("grid", grid, _GRID_RANGE)
    if grid_3 is not None:
        grid_size("grid_3", grid_3, _GRID_3_RANGE)
    s2 = float(displacement_variance(float(temp), statistics, wf))
    v_arr = np.asarray(v, dtype=float)
    check_root_count(v_arr, alpha, wf)
    return v_arr, inter, gauss, float(alpha), float(temp), statistics, wf, s2


def pass_inputs(v, phi0, lam, omega_T, statistics, omega_fast, interaction, rtol,
                rtol_range) -> tuple:
    """Validate the single-pass formulas' inputs (thermal noise and shift); return (phi0,
    lam, None) or (None, None, interaction), omega_fast, statistics and the temperature."""
    phi0, lam, inter = resolve(phi0, lam, interaction)
    wf = require_omega_fast(omega_fast)
    require_positive("v", v)
    if omega_T is None:
        raise ParameterError("omega_T missing: give the temperature omega_T in [0, inf)")
    statistics = check_statistics(statistics)
    temp = check_temperature(omega_T)
    if inter is None:
        require_finite("phi0", phi0)
        require_positive("lam", lam)
    if temp.ndim != 0 or np.ndim(phi0) != 0 or np.ndim(lam) != 0:
        raise ParameterError("phi0, lam and omega_T must be scalars (v may be an array)")
    if not rtol_range[0] <= rtol <= rtol_range[1]:
        raise ParameterError(f"rtol must lie in [{rtol_range[0]:g}, {rtol_range[1]:g}], "
                             f"got {rtol!r}")
    return phi0, lam, inter, wf, statistics, float(temp)


def weight_table(inter: Interaction, s2: float, power: int, step: float, k_top: float, *,
                 cut_power: int | None = None, cut_s2: float | None = None) -> np.ndarray:
    """k^power |Phi_k|^2 e^{-k^2 s2} at k = 0, step, 2 step, ... up to k_top, cut where it
    stays below e^{-CUT} of its largest value (the multi-phonon kernels' tables).

    The cut is judged on k^cut_power |Phi_k|^2 e^{-k^2 cut_s2} (default: the table's own).
    """
    cut_power = power if cut_power is None else cut_power
    cut_s2 = s2 if cut_s2 is None else cut_s2
    long = inter.scales[1]
    coarse = np.linspace(0.0, k_top, max(3, int(math.ceil(k_top * long * _SPLINE_POINTS)) + 1))
    with np.errstate(under="ignore"):
        phi = np.asarray(inter.fourier(coarse), dtype=float)
        weight = coarse**cut_power * phi**2 * np.exp(-cut_s2 * coarse**2)
    big = np.flatnonzero(weight > math.exp(-CUT) * np.max(weight)) if np.any(weight > 0) else []
    if len(big) == 0:
        return np.zeros(0)
    k = np.arange(0.0, coarse[min(big[-1] + 1, coarse.size - 1)] + step, step)
    phi_k = inter._fourier_closed(k)
    if phi_k is None:
        from scipy.interpolate import CubicSpline  # imported on use: a slow import

        phi_k = CubicSpline(coarse, phi)(k)
    with np.errstate(under="ignore"):
        return np.ascontiguousarray(k**power * phi_k**2 * np.exp(-s2 * k * k))


def k_reach(inter: Interaction, power: int, k_max: float) -> float:
    """The k beyond which k^power |Phi_k|^2 stays below e^{-CUT} of its largest value,
    searched by doubling from 8 / (the potential's shortest length), at most k_max."""
    k_top = min(8.0 / inter.scales[0], k_max)
    while True:
        k = np.linspace(0.0, k_top, 1025)
        with np.errstate(under="ignore"):
            weight = k**power * np.asarray(inter.fourier(k), dtype=float) ** 2
        if not np.any(weight > 0) or k_top >= k_max:
            return k_top
        if np.all(weight[-100:] < math.exp(-CUT) * np.max(weight)):
            return k_top
        k_top = min(2.0 * k_top, k_max)
