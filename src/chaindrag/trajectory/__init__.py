"""Recorded runs and the measurements the paper makes on them (Secs. IV-VI, Figs. 4-8).

A :class:`Trajectory` holds what a solver recorded; the functions below turn it into the
numbers plotted in the paper, always by pure, vectorised numpy.

- ``core``: the :class:`Trajectory` record;
- ``crossings``: Hermite interpolation of midpoint crossings (shared);
- ``passes``: :func:`single_pass_loss` (Figs. 5, 6) and :func:`per_pass_losses` (Fig. 7);
- ``speeds``: :func:`midpoint_speeds` (Fig. 8);
- ``fates``: :func:`drift_fate` (Fig. 8) and :func:`sound_cone_leak` (Fig. 3).
"""

from .core import ENERGY_KEYS, Trajectory
from .fates import drift_fate, sound_cone_leak
from .passes import SinglePassLoss, per_pass_losses, single_pass_loss
from .speeds import midpoint_speeds

__all__ = ["ENERGY_KEYS", "SinglePassLoss", "Trajectory", "drift_fate", "midpoint_speeds",
           "per_pass_losses", "single_pass_loss", "sound_cone_leak"]
