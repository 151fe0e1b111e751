"""Pair potentials between the particle and a chain mass: Phi(x), forces, Phi_k (issue 14).

The paper uses a Gaussian (Sec. IV); any even, finite, decaying Phi fits the same model.
Each potential is a frozen parameter class (an :class:`Interaction`) that knows Phi(x),
the force -dPhi/dx, the Fourier transform Phi_k of Eqs. (25) and (33), its barrier
Phi_max (capture speed sqrt(8 pi^2 Phi_max / mu)), its force width (for the time-step
check delta |v| < width) and its reach (the solvers visit chain masses within it).

Built-in: :class:`Gaussian`, :class:`Lorentzian`, and the channel potentials of the
distance r = sqrt(x^2 + h^2) :class:`Morse`, :class:`LennardJones`, :class:`Yukawa`, all
with closed-form Phi_k; :class:`UserPotential` for anything else (checked, then tabulated).

Numba: ``kind, params = interaction.kernel_args()`` feeds :func:`pair_energy_force` and
:func:`interaction_forces`, one compiled (and disk-cached) kernel for every potential.

This package knows nothing of the solvers.
"""

from ._base import Interaction
from ._bell import Gaussian, Lorentzian
from ._channel import LennardJones, Morse, Yukawa
from ._fourier import FourierError, fourier_transform, numerical_fourier
from ._kernels import (FORCE_FLOOR, GAUSSIAN, LENNARD_JONES, LORENTZIAN, MORSE, TABULATED,
                       YUKAWA, interaction_forces, pair_energy_force)
from ._user import UserPotential

__all__ = [
    "Interaction", "Gaussian", "Lorentzian", "Morse", "LennardJones", "Yukawa",
    "UserPotential", "fourier_transform", "numerical_fourier", "FourierError",
    "interaction_forces", "pair_energy_force", "FORCE_FLOOR", "GAUSSIAN", "LORENTZIAN",
    "MORSE", "LENNARD_JONES", "YUKAWA", "TABULATED", "DEFAULTS", "BUILT_IN",
    "from_provenance",
]

#: The built-in potentials by the ``kind`` name used in provenance and in config files.
BUILT_IN = {"gaussian": Gaussian, "lorentzian": Lorentzian, "morse": Morse,
            "lennard_jones": LennardJones, "yukawa": Yukawa}


def from_provenance(prov) -> Interaction:
    """The built-in potential that :meth:`Interaction.provenance` (or a config entry) describes.

    Parameters
    ----------
    prov : mapping
        ``{"kind": name, <parameter>: value, ...}`` with ``kind`` one of :data:`BUILT_IN`.

    Returns
    -------
    Interaction
        The potential, its parameters checked as by its constructor.

    Raises
    ------
    ParameterError
        Unknown kind (a user potential cannot be rebuilt from its provenance: its
        functions are code), or missing or unknown parameters.
    """
    from ..params import ParameterError

    fields = dict(prov)
    kind = fields.pop("kind", None)
    if kind not in BUILT_IN:
        raise ParameterError(f"interaction kind must be one of {sorted(BUILT_IN)}, got {kind!r}")
    try:
        return BUILT_IN[kind](**fields)
    except TypeError as err:
        raise ParameterError(f"interaction {kind!r}: {err}") from None

#: The potentials study's defaults: the paper's Fig. 8 Gaussian and the Morse and
#: Lennard-Jones channels with the same barrier height (~2) and range of Phi_k.
DEFAULTS = {
    "gaussian": Gaussian(phi0=2.0, lam=4.0),
    "morse": Morse.channel(),
    "lennard_jones": LennardJones.channel(),
}
