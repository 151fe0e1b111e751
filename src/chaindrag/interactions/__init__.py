"""Pair potentials between the particle and a chain mass: Phi(x), forces, Phi_k (issue 14).

The paper uses a Gaussian (Sec. IV); any even, finite, decaying Phi fits the same model.
Each potential is a frozen parameter class (an :class:`Interaction`) that knows Phi(x),
the force -dPhi/dx, the Fourier transform Phi_k of Eqs. (25) and (33), its barrier
Phi_max (capture speed sqrt(8 pi^2 Phi_max / mu)), its force width (for the time-step
check delta |v| < width) and its reach (the solvers visit chain masses within it: beyond
it a mass feels less than TAIL_RTOL = 1e-12 of max|Phi'|, or the paper's 1e-20 for the
Gaussian; :attr:`Interaction.reach_floor` bounds what that leaves out).

Built-in: :class:`Gaussian`, :class:`Lorentzian`, and the channel potentials of the
distance r = sqrt(x^2 + h^2) :class:`Morse`, :class:`LennardJones`, :class:`Yukawa`, all
with closed-form Phi_k; :class:`UserPotential` for anything else (checked, then tabulated).

Built from a description: :func:`from_provenance` (an output's provenance),
:func:`interaction_from_config` (the ``interaction:`` key of config.yaml, :mod:`.config`);
:func:`negated` gives -Phi of any potential.

Numba: ``kind, params = interaction.kernel_args()`` feeds :func:`pair_energy_force` and
:func:`interaction_forces`, one compiled (and disk-cached) kernel for every potential.

This package knows nothing of the solvers.
"""

from typing import TYPE_CHECKING

from .._lazy import attach
from ._base import TAIL_RTOL, Interaction
from ._bell import Gaussian, Lorentzian
from ._channel import LennardJones, Morse
from ._fourier import FourierError, fourier_transform, numerical_fourier
from ._kinds import FORCE_FLOOR, GAUSSIAN, LENNARD_JONES, LORENTZIAN, MORSE, TABULATED, YUKAWA
from ._user import UserPotential
from ._yukawa import Yukawa
from .config import (BUILT_IN, KINDS, from_provenance, interaction_from_config, mirror_spec,
                     negated)

if TYPE_CHECKING:
    from ._kernels import interaction_forces, pair_energy_force

__all__ = [
    "Interaction", "Gaussian", "Lorentzian", "Morse", "LennardJones", "Yukawa",
    "UserPotential", "fourier_transform", "numerical_fourier", "FourierError",
    "interaction_forces", "pair_energy_force", "FORCE_FLOOR", "GAUSSIAN", "LORENTZIAN",
    "MORSE", "LENNARD_JONES", "YUKAWA", "TABULATED", "TAIL_RTOL", "DEFAULTS", "BUILT_IN",
    "from_provenance", "KINDS", "interaction_from_config", "mirror_spec", "negated",
]

#: The potentials study's defaults: the paper's Fig. 8 Gaussian and the Morse and
#: Lennard-Jones channels with the same barrier height (~2) and range of Phi_k.
DEFAULTS = {
    "gaussian": Gaussian(phi0=2.0, lam=4.0),
    "morse": Morse.channel(),
    "lennard_jones": LennardJones.channel(),
}

# the numba kernels are imported on first use: the classes above work without numba
__getattr__, __dir__ = attach(__name__, {"_kernels": ["interaction_forces", "pair_energy_force"]})
