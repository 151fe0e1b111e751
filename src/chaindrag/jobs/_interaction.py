"""The ``interaction:`` key of config.yaml turned into a pair potential (issue 14).

A section of config.yaml gives its potential either by the Gaussian shorthand ``phi0, lam``
or as ``interaction: {kind: <kind>, <parameter>: <value>, ...}`` with the kinds and parameters
of :mod:`chaindrag.interactions` (schema ``$defs/interaction``)::

    interaction: {kind: morse, D: 1.0, a: 0.5, r0: 6.0, h: 4.0}

:func:`interaction_from_config` builds the :class:`~chaindrag.interactions.Interaction`;
:func:`mirror_spec` gives the potential -Phi where the kind has a signed amplitude (a run
the shorthand makes with phi0 < 0 uses it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..interactions import Gaussian, Interaction, LennardJones, Lorentzian, Morse, Yukawa
from ..params import ParameterError

#: kind -> (class, parameter names, the signed amplitude or None)
KINDS: dict[str, tuple[type, tuple[str, ...], str | None]] = {
    "gaussian": (Gaussian, ("phi0", "lam"), "phi0"),
    "lorentzian": (Lorentzian, ("A", "b"), "A"),
    "morse": (Morse, ("D", "a", "r0", "h"), None),
    "lennard_jones": (LennardJones, ("epsilon", "s", "h"), None),
    "yukawa": (Yukawa, ("Q", "screening_length", "h"), "Q"),
}


def _kind(spec: Mapping[str, Any]) -> tuple[type, tuple[str, ...], str | None]:
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
        The potential (its parameters checked by its class).

    Raises
    ------
    chaindrag.params.ParameterError
        An unknown kind, a missing or unknown parameter, or a value out of range.

    Examples
    --------
    >>> interaction_from_config({"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0})
    Morse(D=1.0, a=0.5, r0=6.0, h=4.0)
    """
    cls, names, _ = _kind(spec)
    given = set(spec) - {"kind"}
    if given != set(names):
        missing, extra = sorted(set(names) - given), sorted(given - set(names))
        raise ParameterError(f"interaction of kind {spec['kind']!r} takes {', '.join(names)}"
                             + (f"; missing {', '.join(missing)}" if missing else "")
                             + (f"; unknown {', '.join(extra)}" if extra else ""))
    return cls(**{name: float(spec[name]) for name in names})


def mirror_spec(spec: Mapping[str, Any]) -> dict | None:
    """The spec of -Phi (the amplitude negated), or None for a kind without a signed amplitude.

    Parameters
    ----------
    spec : mapping
        An ``interaction:`` mapping.

    Returns
    -------
    dict or None
        The mirrored spec; None for morse and lennard_jones (positive depths only).
    """
    amplitude = _kind(spec)[2]
    if amplitude is None:
        return None
    return {**spec, amplitude: -float(spec[amplitude])}
