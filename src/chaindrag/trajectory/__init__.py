"""Recorded runs and the measurements the paper makes on them (Secs. IV-VI, Figs. 4-8).

A :class:`Trajectory` holds what a solver recorded; the functions below turn it into the
numbers plotted in the paper, always by pure, vectorised numpy.

- ``core``: the :class:`Trajectory` record;
- ``crossings``: Hermite interpolation of midpoint crossings (shared);
- ``passes``: :func:`single_pass_loss` (Figs. 5, 6), :func:`per_pass_losses` (Fig. 7) and
  :func:`first_order_thermal_work` (a thermal pass's zero-mean control variate);
- ``speeds``: :func:`midpoint_speeds` (Fig. 8);
- ``fates``: :func:`drift_fate` (Fig. 8) and :func:`sound_cone_leak` (Fig. 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .core import ENERGY_KEYS, Trajectory
    from .fates import drift_fate, sound_cone_leak
    from .passes import SinglePassLoss, first_order_thermal_work, per_pass_losses, single_pass_loss
    from .speeds import midpoint_speeds

__all__ = ["ENERGY_KEYS", "SinglePassLoss", "Trajectory", "drift_fate",
           "first_order_thermal_work", "midpoint_speeds", "per_pass_losses", "single_pass_loss",
           "sound_cone_leak"]

__getattr__, __dir__ = attach(__name__, {
    "core": ["ENERGY_KEYS", "Trajectory"],
    "fates": ["drift_fate", "sound_cone_leak"],
    "passes": ["SinglePassLoss", "first_order_thermal_work", "per_pass_losses", "single_pass_loss"],
    "speeds": ["midpoint_speeds"],
})
