"""Which pair potential a formula was given: the Gaussian's (phi0, lam) or an Interaction (private).

Every loss formula takes either the paper's Gaussian as ``phi0, lam`` (the closed forms, the
code path that produced the paper's figures) or any pair potential as ``interaction=`` (a
:class:`chaindrag.interactions.Interaction`). A :class:`~chaindrag.interactions.Gaussian`
given as ``interaction=`` is turned back into ``phi0, lam``, so it takes the closed forms too.
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np

from chaindrag.interactions import Gaussian, Interaction, from_provenance
from chaindrag.params import ParameterError


def resolve(phi0, lam, interaction):
    """(phi0, lam, None) for the Gaussian, (None, None, interaction) for any other potential.

    Raises ParameterError when neither or both are given, or ``interaction`` is not an
    Interaction. phi0 and lam are checked by the caller's own validation.
    """
    if interaction is None:
        if phi0 is None or lam is None:
            missing = " and ".join(n for n, x in (("phi0", phi0), ("lam", lam)) if x is None)
            raise ParameterError(f"{missing} missing: give the Gaussian's phi0 and lam, or "
                                 f"interaction=<a chaindrag.interactions.Interaction>")
        return phi0, lam, None
    if phi0 is not None or lam is not None:
        raise ParameterError("interaction was given together with phi0/lam: give either the "
                             "Gaussian's phi0 and lam or interaction=, not both")
    if not isinstance(interaction, Interaction):
        raise ParameterError(f"interaction must be a chaindrag.interactions.Interaction "
                             f"(Gaussian, Lorentzian, Morse, LennardJones, Yukawa, "
                             f"UserPotential), got {interaction!r}")
    if isinstance(interaction, Gaussian):
        return interaction.phi0, interaction.lam, None
    return None, None, interaction


def loss_keywords(inter: Interaction | None, phi0, lam) -> dict:
    """Keywords naming the potential to :mod:`chaindrag.analytic`: (phi0, lam) or interaction."""
    return dict(phi0=phi0, lam=lam) if inter is None else dict(interaction=inter)


def loss_equation(inter: Interaction | None) -> str:
    """The single-pass loss formula of a potential: Eq. (26) (the Gaussian), or Eq. (25)."""
    return "Eq. (26)" if inter is None else "Eq. (25)"


def mode_weight(interaction: Interaction, v: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """[4 pi^2 omega / v^2 Phi_k(2 pi omega / v)]^2, the mode term of Eqs. (25) and (33).

    Phi_k is taken from the interaction (closed form or its quadrature); a Phi_k that
    underflows gives 0.
    """
    p = 2.0 * math.pi * omega / v
    with np.errstate(under="ignore"):
        amp = 4.0 * math.pi**2 * omega / (v * v) * np.asarray(interaction.fourier(p), float)
        return amp * amp


def provenance_text(interaction: Interaction) -> str:
    """The interaction's kind and parameters as compact JSON (a table's ``interaction`` column)."""
    return json.dumps(interaction.provenance(), sort_keys=True, separators=(",", ":"),
                      default=str)


@functools.lru_cache(maxsize=32)
def interaction_from_text(text: str) -> Interaction:
    """The potential a table's ``interaction`` entry names (:func:`provenance_text`'s JSON)."""
    return from_provenance(json.loads(text))


def entry_interaction(text) -> Interaction | None:
    """The potential one table entry names: the Interaction of its ``interaction`` JSON, or
    None for an empty entry (NaN, "": the paper's Gaussian, its phi0 and lam columns)."""
    return interaction_from_text(text) if isinstance(text, str) and text else None


def table_interaction(df) -> Interaction | None:
    """The potential a table's (or group's) rows were run with: its ``interaction`` column
    (the JSON of :func:`provenance_text`), or None for the paper's Gaussian (the phi0 and
    lam columns)."""
    if df is None or "interaction" not in df.columns:
        return None
    texts = [t for t in df["interaction"] if isinstance(t, str) and t]
    return interaction_from_text(texts[0]) if texts else None
