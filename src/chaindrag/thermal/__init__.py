"""Free thermal motion of the chain: the homogeneous part of Eq. (12).

The chain is linear, so its motion is the free thermal motion plus the response to the
particles (Eq. (9)); this package provides the first, independently of any solver:

- closed forms for the infinite chain (:mod:`~chaindrag.thermal.closed_forms`):
  :func:`correlation`, :func:`velocity_correlation`, :func:`displacement_variance`,
  :func:`velocity_variance`, :func:`energy_per_site`, :func:`mean_square_displacement`;
- mode energies and ring sizes (:mod:`~chaindrag.thermal.modes`): :func:`mode_energy`,
  :func:`ring_size`, :func:`airy_margin`; ``omega_T`` is accepted in [0, ``MAX_TEMPERATURE``]
  (1e12, the bound's reasons at its definition);
- one realization on a ring (:mod:`~chaindrag.thermal.realization`): :class:`ThermalChain`,
  its amplitudes drawn in :mod:`~chaindrag.thermal.amplitudes` and its field summed in
  :mod:`~chaindrag.thermal.synthesis`;
- that realization as the solvers' step advances it, at fixed sites and any steps
  (:mod:`chaindrag.thermal.swept`): ``SweptMotion``, what the transparent solver lets in
  through its ends.

Units: rho in l_slow, tau in t_slow, energies and ``omega_T`` in hbar Omega_slow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .closed_forms import correlation, displacement_variance, energy_per_site, \
        mean_square_displacement, node_count, velocity_correlation, velocity_variance
    from .modes import MAX_TEMPERATURE, STATISTICS, airy_margin, band_frequency, correlation_decay, front_speed, \
        mode_energy, needed_sites, ring_size
    from .realization import ThermalChain

__all__ = [
    "MAX_TEMPERATURE", "STATISTICS", "ThermalChain", "airy_margin", "band_frequency", "correlation",
    "correlation_decay", "displacement_variance", "energy_per_site", "front_speed",
    "mean_square_displacement", "mode_energy", "needed_sites", "node_count", "ring_size",
    "velocity_correlation", "velocity_variance",
]

__getattr__, __dir__ = attach(__name__, {
    "closed_forms": ["correlation", "displacement_variance", "energy_per_site",
                     "mean_square_displacement", "node_count", "velocity_correlation",
                     "velocity_variance"],
    "modes": ["MAX_TEMPERATURE", "STATISTICS", "airy_margin", "band_frequency",
              "correlation_decay", "front_speed", "mode_energy", "needed_sites", "ring_size"],
    "realization": ["ThermalChain"],
})
