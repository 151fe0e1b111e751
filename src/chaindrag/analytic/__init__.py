"""Closed-form and semi-analytic results of Secs. III-VI (Eqs. 11, 16, 25-28, 32, 33).

Everything here is in the paper's dimensionless units: lengths in l_slow, times in
``t_slow = 2 pi / Omega_slow``, frequencies in Omega_slow, energies in hbar Omega_slow.
Speeds ``v`` are sigma-dot (l_slow per t_slow); the chain spacing is ``alpha``; the
Gaussian pair interaction is ``Phi(x) = phi0 exp(-x^2 / (2 lam^2))``; the particle's kinetic
energy is ``mu/2 (v / 2 pi)^2``, so a potential step Phi changes ``v^2`` by
``8 pi^2 Phi / mu``.

Any pair potential: :func:`single_pass_loss` (Eq. 25), :func:`steady_state_loss` (Eq. 33),
:func:`broadened_steady_state_loss`, :func:`drift_velocities` and the thermal
:func:`thermal_steady_state_loss` (with its parts) take, instead of the
Gaussian's ``phi0, lam``, ``interaction=`` any :class:`chaindrag.interactions.Interaction`
(Lorentzian, Morse, Lennard-Jones, Yukawa, a user's potential), the other parameters by
keyword, e.g. ``steady_state_loss(v, alpha=40.0, interaction=Morse.channel())``. A
:class:`~chaindrag.interactions.Gaussian` given that way takes the closed forms, to the bit.

Functions that return NaN do so only where the quantity does not exist (the particle
cannot pass the barrier); this is stated in each docstring. The package never imports
:mod:`chaindrag.solvers`.

========================  ========================================  ====================
Paper                     Function                                  Module
========================  ========================================  ====================
Eq. (11)                  :func:`dispersion`                        ``band``
Sec. III, Figs. 2, 3      :func:`max_group_velocity`,               ``band``
                          :func:`sound_speed`
Sec. IV A                 :func:`capture_speed`                     ``single_pass``
Eq. (16), Fig. 4          :func:`velocity_profile`,                 ``single_pass``
                          :func:`extremum_speed`
Eq. (25)                  :func:`single_pass_loss_modesum`          ``mode_sum``
Eq. (25), any potential   :func:`single_pass_loss`                  ``single_pass``
Eq. (26)                  :func:`single_pass_loss`                  ``single_pass``
Eqs. (27), (28)           :func:`single_pass_loss_fast`,            ``single_pass``
                          :func:`single_pass_loss_slow`
Phi_p of Eqs. (25), (33)  :func:`gaussian_fourier`                  ``fourier``
Eq. (32)                  :func:`steady_state_roots`                ``steady_state``
Eq. (33), Fig. 8          :func:`steady_state_loss`,                ``steady_state``
                          :func:`steady_state_loss_script_variant`
spikes of Eq. (33)        :func:`spike_speeds`                      ``resonances``
Secs. V, VI, Figs. 7-9    :func:`fast_resonance_speeds`,            ``resonances``
                          :func:`slow_resonance_speeds`
Sec. VI, Fig. 9           :func:`broadened_steady_state_loss`       ``broadening``
Sec. VI, a cell's speeds  :func:`cell_speeds`                       ``cell``
Sec. VI, Phi_cell         :func:`cell_potential`                    ``cell``
Sec. VI, Figs. 8, 9       :func:`drift_velocities`                  ``drift``
Sec. VI, Eq. (33)         :func:`relaxation_time`                   ``drift``
Sec. VI, Eq. (33)         :func:`mean_force_travel`                 ``mean_force``
Eq. (25) at temperature   :func:`single_pass_noise_variance`,       ``thermal_noise``
T (Sec. II)               :func:`single_pass_thermal_shift`         ``thermal_shift``
Eq. (33) at temperature   :func:`thermal_steady_state_loss`,        ``thermal_drag``
T (Sec. II, VI)           :func:`debye_waller_loss`,
                          :func:`two_phonon_loss`,
                          :func:`three_phonon_loss`,
                          :func:`higher_phonon_loss`,               ``phonon_series``
                          :func:`thermal_width`
========================  ========================================  ====================

The modules are named for the physics: ``band`` (the phonon band and its sound cone),
``single_pass`` (one pass over one chain mass, without loss and the loss), ``mode_sum``
(the loss of one pass as a sum over the band, any potential), ``fourier`` (Fourier
transforms of the pair potential, closed form and by quadrature), ``steady_state`` (the
resonant modes and the loss at constant speed), ``resonances`` (spike and resonance speeds),
``cell`` (the chain at rest's potential and the speeds over a cell), ``broadening``
(Eq. 33 averaged over those speeds), ``drift`` (the drift speeds
under a bias), ``mean_force`` (how far the mean force carries a biased particle),
``thermal_noise`` (the single-pass loss's thermal variance),
``thermal_shift`` (its thermal mean to order T),
``thermal_drag`` (Eq. 33 on a thermal chain), ``phonon_series`` (its every order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .band import dispersion, max_group_velocity, sound_speed
    from .broadening import broadened_steady_state_loss
    from .cell import cell_potential, cell_speeds
    from .drift import drift_velocities, relaxation_time
    from .fourier import gaussian_fourier
    from .mean_force import mean_force_travel
    from .mode_sum import single_pass_loss_modesum
    from .phonon_series import higher_phonon_loss
    from .resonances import fast_resonance_speeds, slow_resonance_speeds, spike_speeds
    from .single_pass import (capture_speed, extremum_speed, single_pass_loss,
                              single_pass_loss_fast, single_pass_loss_slow, velocity_profile)
    from .steady_state import (steady_state_loss, steady_state_loss_script_variant,
                               steady_state_roots)
    from .thermal_drag import (debye_waller_loss, thermal_steady_state_loss, thermal_width,
                               three_phonon_loss, two_phonon_loss)
    from .thermal_noise import single_pass_noise_variance  # Var of Eq. 25 at temperature T
    from .thermal_shift import ThermalShift, single_pass_thermal_shift  # <Eq. 25> at order T

__all__ = [
    "dispersion", "max_group_velocity", "sound_speed", "capture_speed", "velocity_profile",
    "extremum_speed", "gaussian_fourier", "single_pass_loss", "single_pass_loss_fast",
    "single_pass_loss_slow", "single_pass_loss_modesum", "steady_state_loss",
    "steady_state_loss_script_variant", "steady_state_roots", "spike_speeds",
    "broadened_steady_state_loss", "cell_potential", "cell_speeds", "drift_velocities",
    "relaxation_time", "mean_force_travel", "fast_resonance_speeds", "slow_resonance_speeds",
    "single_pass_noise_variance", "thermal_steady_state_loss", "debye_waller_loss", "two_phonon_loss", "three_phonon_loss",
    "thermal_width", "higher_phonon_loss", "single_pass_thermal_shift", "ThermalShift",
]

__getattr__, __dir__ = attach(__name__, {
    "band": ["dispersion", "max_group_velocity", "sound_speed"],
    "broadening": ["broadened_steady_state_loss"],
    "cell": ["cell_potential", "cell_speeds"],
    "drift": ["drift_velocities", "relaxation_time"],
    "fourier": ["gaussian_fourier"],
    "mean_force": ["mean_force_travel"],
    "mode_sum": ["single_pass_loss_modesum"],
    "phonon_series": ["higher_phonon_loss"],
    "resonances": ["fast_resonance_speeds", "slow_resonance_speeds", "spike_speeds"],
    "single_pass": ["capture_speed", "extremum_speed", "single_pass_loss", "single_pass_loss_fast",
                    "single_pass_loss_slow", "velocity_profile"],
    "steady_state": ["steady_state_loss", "steady_state_loss_script_variant", "steady_state_roots"],
    "thermal_drag": ["debye_waller_loss", "thermal_steady_state_loss", "thermal_width",
                     "three_phonon_loss", "two_phonon_loss"],
    "thermal_noise": ["single_pass_noise_variance"],
    "thermal_shift": ["ThermalShift", "single_pass_thermal_shift"],
})
