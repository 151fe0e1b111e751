"""A built-in pair potential from its description: provenance or config.yaml (issue 14).

An output's provenance names its potential as ``{"kind": <kind>, <parameter>: <value>, ...}``
(:meth:`Interaction.provenance`); :func:`from_provenance` rebuilds it. A section of
config.yaml gives its potential either by the Gaussian shorthand ``phi0, lam`` or in the same
form as ``interaction:`` (schema ``$defs/interaction``)::

    interaction: {kind: morse, D: 1.0, a: 0.5, r0: 6.0, h: 4.0}

:func:`interaction_from_config` builds that potential, insisting on exactly the kind's
parameters (:data:`KINDS`); :func:`mirror_spec` gives the spec of -Phi where the kind has a
signed amplitude (a run the shorthand makes with phi0 < 0 uses it), and :func:`negated` gives
-Phi of any potential (tabulated where the kind has no signed amplitude).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..params import ParameterError
from ._base import Interaction
from ._bell import Gaussian, Lorentzian
from ._channel import LennardJones, Morse, Yukawa
from ._user import UserPotential

#: The built-in potentials by the ``kind`` name used in provenance and in config files.
BUILT_IN: dict[str, type[Interaction]] = {
    "gaussian": Gaussian, "lorentzian": Lorentzian, "morse": Morse,
    "lennard_jones": LennardJones, "yukawa": Yukawa}

#: kind -> (its parameters in config.yaml, the signed amplitude or None): the amplitude
#: negated gives -Phi; Morse and Lennard-Jones have positive depths only, so no mirror.
KINDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "gaussian": (("phi0", "lam"), "phi0"),
    "lorentzian": (("A", "b"), "A"),
    "morse": (("D", "a", "r0", "h"), None),
    "lennard_jones": (("epsilon", "s", "h"), None),
    "yukawa": (("Q", "screening_length", "h"), "Q"),
}


def from_provenance(prov: Mapping[str, Any]) -> Interaction:
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
    chaindrag.params.ParameterError
        Unknown kind (a user potential cannot be rebuilt from its provenance: its
        functions are code), or missing or unknown parameters.
    """
    fields = dict(prov)
    kind = fields.pop("kind", None)
    if kind not in BUILT_IN:
        raise ParameterError(f"interaction kind must be one of {sorted(BUILT_IN)}, got {kind!r}")
    try:
        return BUILT_IN[kind](**fields)
    except TypeError as err:
        raise ParameterError(f"interaction {kind!r}: {err}") from None


def _kind(spec: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None]:
    if not isinstance(spec, Mapping) or spec.get("kind") not in KINDS:
        kind = spec.get("kind") if isinstance(spec, Mapping) else spec
        raise ParameterError(f"interaction.kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return KINDS[spec["kind"]]


def interaction_from_config(spec: Mapping[str, Any]) -> Interaction:
    """The pair potential of an ``interaction:`` mapping of config.yaml.

    Parameters
    ----------
    spec : mapping
        ``kind`` (gaussian, lorentzian, morse, lennard_jones, yukawa) and exactly that kind's
        parameters (gaussian: phi0, lam; lorentzian: A, b; morse: D, a, r0, h;
        lennard_jones: epsilon, s, h; yukawa: Q, screening_length, h).

    Returns
    -------
    Interaction
        The potential (its parameters taken as floats and checked by its class).

    Raises
    ------
    chaindrag.params.ParameterError
        An unknown kind, a missing or unknown parameter, or a value out of range.

    Examples
    --------
    >>> interaction_from_config({"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0})
    Morse(D=1.0, a=0.5, r0=6.0, h=4.0)
    """
    names, _ = _kind(spec)
    given = set(spec) - {"kind"}
    if given != set(names):
        missing, extra = sorted(set(names) - given), sorted(given - set(names))
        raise ParameterError(f"interaction of kind {spec['kind']!r} takes {', '.join(names)}"
                             + (f"; missing {', '.join(missing)}" if missing else "")
                             + (f"; unknown {', '.join(extra)}" if extra else ""))
    return from_provenance({"kind": spec["kind"], **{n: float(spec[n]) for n in names}})


def mirror_spec(spec: Mapping[str, Any]) -> dict | None:
    """The spec of -Phi (the signed amplitude negated), or None for a kind without one.

    Parameters
    ----------
    spec : mapping
        An ``interaction:`` mapping.

    Returns
    -------
    dict or None
        The mirrored spec; None for morse and lennard_jones (positive depths only).

    Raises
    ------
    chaindrag.params.ParameterError
        An unknown kind.
    """
    amplitude = _kind(spec)[1]
    if amplitude is None:
        return None
    return {**spec, amplitude: -float(spec[amplitude])}


def negated(interaction: Interaction) -> Interaction:
    """-Phi: the mirror image of a pair potential (a repulsive potential made attractive).

    A measurement averaged over Phi and -Phi loses its terms odd in Phi (the drag beyond
    Eq. 33's order Phi^2), as the paper's +-phi0 do for the Gaussian.

    Parameters
    ----------
    interaction : Interaction
        Any pair potential.

    Returns
    -------
    Interaction
        Gaussian, Lorentzian, Yukawa: the same kind with its signed amplitude negated (closed
        forms kept, as :func:`mirror_spec`). Morse, Lennard-Jones (positive depths only) and
        user potentials: a :class:`~chaindrag.interactions.UserPotential` of -Phi and its
        derivative, tabulated to 1e-10 of max|Phi| and max|Phi'|, on the length of the
        potential's core (its label is "-" and the original's provenance as JSON).

    Raises
    ------
    chaindrag.params.ParameterError
        If ``interaction`` is not an :class:`Interaction`.

    Examples
    --------
    >>> negated(Gaussian(phi0=2.0, lam=4.0))
    Gaussian(phi0=-2.0, lam=4.0)
    """
    if not isinstance(interaction, Interaction):
        raise ParameterError(f"interaction must be a chaindrag.interactions.Interaction, got "
                             f"{interaction!r}")
    spec = interaction.provenance()
    if spec["kind"] in KINDS and KINDS[spec["kind"]][1] is not None:
        return from_provenance(mirror_spec(spec))
    original = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    return UserPotential(lambda x: -interaction.potential(x), interaction.force,
                         length=interaction.scales[1], label=f"-{original}",
                         table_rtol=1e-10)
