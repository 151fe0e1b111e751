"""A built-in pair potential from its description: provenance or config.yaml (issue 14).

An output's provenance names its potential as ``{"kind": <kind>, <parameter>: <value>, ...}``
(:meth:`Interaction.provenance`); :func:`from_provenance` rebuilds it. A section of
config.yaml gives its potential either by the Gaussian shorthand ``phi0, lam`` or in the same
form as ``interaction:`` (schema ``$defs/interaction``)::

    interaction: {kind: morse, D: 1.0, a: 0.5, r0: 6.0, h: 4.0}

:func:`interaction_from_config` builds that potential, insisting on exactly the kind's
parameters (:data:`KINDS`; Morse and Lennard-Jones also an optional ``sign``);
:func:`mirror_spec` gives the spec of -Phi (a run the shorthand makes with phi0 < 0 uses it):
the signed amplitude negated, for Morse and Lennard-Jones (depths > 0) their ``sign`` flipped
(absent at +1, as in their provenance). :func:`negated` gives -Phi of any potential, exactly:
a built-in kind's by :func:`mirror_spec`, a user potential's by its functions negated (the
same checks and table settings, so the same table negated).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..params import ParameterError
from ._base import Interaction, check_sign
from ._bell import Gaussian, Lorentzian
from ._channel import LennardJones, Morse
from ._kinds import FORCE_FLOOR
from ._user import UserPotential, _evaluate
from ._yukawa import Yukawa

#: The built-in potentials by the ``kind`` name used in provenance and in config files.
BUILT_IN: dict[str, type[Interaction]] = {
    "gaussian": Gaussian, "lorentzian": Lorentzian, "morse": Morse,
    "lennard_jones": LennardJones, "yukawa": Yukawa}

#: kind -> (its parameters in config.yaml, the signed amplitude or None): the amplitude
#: negated gives -Phi; the kinds without one (Morse, Lennard-Jones: depths > 0) take an
#: optional ``sign`` (+1 Phi, -1 its mirror -Phi), the one :func:`mirror_spec` flips.
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
        lennard_jones: epsilon, s, h; yukawa: Q, screening_length, h); morse and
        lennard_jones also take ``sign`` (+1: Phi, the default; -1: its mirror -Phi).

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
    >>> interaction_from_config({"kind": "morse", "D": 1, "a": 0.5, "r0": 6, "h": 4, "sign": -1})
    Morse(D=1.0, a=0.5, r0=6.0, h=4.0, sign=-1.0)
    """
    names, amplitude = _kind(spec)
    given, optional = set(spec) - {"kind"}, {"sign"} if amplitude is None else set()
    if not set(names) <= given <= set(names) | optional:
        missing, extra = sorted(set(names) - given), sorted(given - set(names) - optional)
        raise ParameterError(f"interaction of kind {spec['kind']!r} takes {', '.join(names)}"
                             + (" and optionally sign" if optional else "")
                             + (f"; missing {', '.join(missing)}" if missing else "")
                             + (f"; unknown {', '.join(extra)}" if extra else ""))
    # sign as given: the class refuses anything but +-1 (True and "1" included)
    return from_provenance({"kind": spec["kind"], **{n: float(spec[n]) for n in names},
                            **{k: spec[k] for k in optional & given}})


def signed_positive(spec: Mapping[str, Any]) -> bool:
    """Whether a spec's signed amplitude is positive, or its kind has none (Morse,
    Lennard-Jones: depths > 0, a barrier either way): the potentials the workflow's
    ``potentials.below_capture`` adds a run for."""
    amplitude = _kind(spec)[1]
    return amplitude is None or spec[amplitude] > 0


def mirror_spec(spec: Mapping[str, Any]) -> dict:
    """The spec of -Phi: the signed amplitude negated, or the ``sign`` flipped.

    Parameters
    ----------
    spec : mapping
        An ``interaction:`` mapping, or a built-in potential's provenance.

    Returns
    -------
    dict
        The mirrored spec: gaussian, lorentzian, yukawa with phi0, A or Q negated (of the
        type given: a config's path hashes name it); morse, lennard_jones with ``sign``
        flipped, ``"sign": -1.0`` for -Phi and left out for Phi, as their provenance has it
        (so the spec of a mirror run names it as :func:`negated`'s provenance does).
        Mirrored twice: the spec, without a ``sign`` given as +1.

    Raises
    ------
    chaindrag.params.ParameterError
        An unknown kind, or a ``sign`` other than +-1.

    Examples
    --------
    >>> mirror_spec({"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0})
    {'kind': 'morse', 'D': 1.0, 'a': 0.5, 'r0': 6.0, 'h': 4.0, 'sign': -1.0}
    """
    amplitude = _kind(spec)[1]
    if amplitude is not None:
        return {**spec, amplitude: -spec[amplitude]}
    out = {k: v for k, v in spec.items() if k != "sign"}
    sign = -check_sign(spec.get("sign", 1.0))
    return out if sign == 1.0 else {**out, "sign": sign}


#: The attribute of a negated user potential that holds the original (negated again: it).
_NEGATION_OF = "_negation_of"


class _Minus:
    """-fn for a user potential's phi or dphi: the original evaluated as
    :class:`UserPotential` does (arrays, or element by element once), then negated."""

    def __init__(self, fn, name: str):
        self.fn, self._name = fn, name
        self.__module__ = getattr(fn, "__module__", "?")
        self.__qualname__ = f"-{getattr(fn, '__qualname__', repr(fn))}"

    def __call__(self, x):
        return -_evaluate(self.fn, np.asarray(x, dtype=float), self._name)

    def __repr__(self):
        return f"<-{self.fn!r}>"


def _negated_user(user: UserPotential, label: str) -> UserPotential:
    """-Phi of a user potential: its functions negated, its length, decay_range and table_rtol.

    Negation is exact in floating point, so -Phi passes the checks Phi passes and its table
    is Phi's negated (the same steps: errors, reach and extrema are the same numbers).
    Negated again it gives back ``user`` itself.
    """
    original = user.__dict__.get(_NEGATION_OF)
    if original is not None:
        return original
    neg = UserPotential(_Minus(user.phi, "phi"), _Minus(user.dphi, "dphi"), length=user.length,
                        label=label, decay_range=user.decay_range,
                        table_rtol=user.table_rtol)
    object.__setattr__(neg, _NEGATION_OF, user)
    return neg


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
        Exactly -Phi (energy, force, kernel values and Phi_k: the original's negated, bit
        for bit), and ``negated(negated(x)) == x``:

        * built-in kinds: the potential of :func:`mirror_spec` of its provenance, closed
          forms kept (Gaussian, Lorentzian, Yukawa: the signed amplitude negated; Morse,
          Lennard-Jones: the ``sign`` flipped, the provenance naming ``"sign": -1.0``);
        * user potentials: a :class:`~chaindrag.interactions.UserPotential` of the negated
          functions with the original's length, decay_range and table_rtol (its label "-"
          and the original's provenance as JSON); negated again, the original object.

        Another subclass of :class:`Interaction`: a UserPotential of -Phi and its
        derivative (exact) checked on the potential's shortest length, its kernel table
        within 1e-9 of max|Phi| and max|Phi'| (UserPotential's default table_rtol).

    Raises
    ------
    chaindrag.params.ParameterError
        If ``interaction`` is not an :class:`Interaction`.

    Examples
    --------
    >>> negated(Gaussian(phi0=2.0, lam=4.0))
    Gaussian(phi0=-2.0, lam=4.0)
    >>> negated(Morse(D=1.0, a=0.5, r0=6.0, h=4.0))
    Morse(D=1.0, a=0.5, r0=6.0, h=4.0, sign=-1.0)
    """
    if not isinstance(interaction, Interaction):
        raise ParameterError(f"interaction must be a chaindrag.interactions.Interaction, got "
                             f"{interaction!r}")
    spec = interaction.provenance()
    if type(interaction) is BUILT_IN.get(spec["kind"]):
        return from_provenance(mirror_spec(spec))
    label = "-" + json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    if isinstance(interaction, UserPotential):
        return _negated_user(interaction, label)
    return _negated_other(interaction, label)


def _negated_other(inter: Interaction, label: str) -> UserPotential:
    """-Phi of an Interaction subclass the package does not know, tabulated: checked on its
    shortest length scales[0] (the finite-difference step 1e-4 of it resolves the steepest
    part) out to beyond the reach on the absolute force floor."""
    short = inter.scales[0]
    span = 4.0 * max(inter.reach(FORCE_FLOOR), 64.0 * inter.scales[1])
    return UserPotential(lambda x: -inter._phi(np.asarray(x, dtype=float)),
                         lambda x: -inter._dphi(np.asarray(x, dtype=float)), length=short,
                         label=label, decay_range=min(max(16.0, span / short), 1e12))
