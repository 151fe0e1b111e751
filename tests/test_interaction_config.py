"""The interaction: key of config.yaml (chaindrag.interactions.config): each kind builds the
potential its provenance describes, every spec mirrors to -Phi (signed amplitudes negated,
channels' sign flipped, named as negated's provenance), every potential has a -Phi
(negated), bad specs are refused naming the parameter, and the schema agrees with the
package on the kinds and their parameters."""

import subprocess
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import yaml

from chaindrag.interactions import (KINDS, Gaussian, LennardJones, Lorentzian, Morse,
                                    UserPotential, Yukawa, from_provenance,
                                    interaction_from_config, mirror_spec, negated,
                                    pair_energy_force)
from chaindrag.params import ParameterError

ROOT = Path(__file__).resolve().parents[1]
MORSE = {"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0}
LJ = {"kind": "lennard_jones", "epsilon": 1.0, "s": 4.2, "h": 4.0}
SPECS = [{"kind": "gaussian", "phi0": -2.0, "lam": 4.0},
         {"kind": "lorentzian", "A": 2.0, "b": 4.0}, MORSE, {**LJ, "sign": -1},
         {"kind": "yukawa", "Q": 2.0, "screening_length": 3.0, "h": 4.0}]
CLASSES = [Gaussian(-2.0, 4.0), Lorentzian(2.0, 4.0), Morse(1.0, 0.5, 6.0, 4.0),
           LennardJones(1.0, 4.2, 4.0, sign=-1.0), Yukawa(2.0, 3.0, 4.0)]


@pytest.mark.parametrize("spec, expected", list(zip(SPECS, CLASSES)),
                         ids=[s["kind"] for s in SPECS])
def test_config_spec_builds_the_potential_its_provenance_describes(spec, expected):
    built = interaction_from_config(spec)
    assert built == expected
    assert built.provenance() == {k: float(v) if k != "kind" else v for k, v in spec.items()}
    assert from_provenance(built.provenance()) == built


def test_integer_parameters_in_config_give_the_same_potential_as_floats():
    assert interaction_from_config({"kind": "morse", "D": 1, "a": 0.5, "r0": 6, "h": 4}) \
        == interaction_from_config(MORSE)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s["kind"])
def test_mirror_spec_is_minus_phi_named_as_its_provenance(spec):
    x = np.linspace(-20.0, 20.0, 41)
    phi = interaction_from_config(spec)
    mirrored = interaction_from_config(mirror_spec(spec))
    np.testing.assert_array_equal(mirrored.potential(x), -phi.potential(x))
    assert mirrored == negated(phi)
    assert mirror_spec(phi.provenance()) == negated(phi).provenance()
    assert mirror_spec(mirror_spec(spec)) == spec


def test_mirror_of_a_channel_flips_its_sign_left_out_at_plus_one():
    assert mirror_spec(MORSE) == {**MORSE, "sign": -1.0}
    assert mirror_spec({**MORSE, "sign": 1}) == {**MORSE, "sign": -1.0}
    assert mirror_spec({**LJ, "sign": -1}) == LJ
    # sign: 1 written out is Phi itself, described as without it
    assert interaction_from_config({**MORSE, "sign": 1}).provenance() == MORSE
    # a signed amplitude keeps the type config.yaml gave it (the run paths hash the spec)
    assert mirror_spec({"kind": "yukawa", "Q": 2, "screening_length": 3.0, "h": 4.0})["Q"] == -2
    with pytest.raises(ParameterError, match="sign must be"):
        mirror_spec({**MORSE, "sign": True})


def _bump(x):
    return 1.5 / (1.0 + (x / 3.0) ** 2) ** 3


def _bump_slope(x):
    return -1.0 / (1.0 + (x / 3.0) ** 2) ** 4 * x


@pytest.mark.parametrize("inter", CLASSES + [UserPotential(_bump, _bump_slope, length=3.0)],
                         ids=[s["kind"] for s in SPECS] + ["user"])
def test_negated_potential_is_minus_phi_in_the_kernels_and_in_fourier_space(inter):
    neg = negated(inter)
    x = np.linspace(-3.0 * inter.reach(), 3.0 * inter.reach(), 2001)
    np.testing.assert_array_equal(neg.potential(x), -inter.potential(x))
    np.testing.assert_array_equal(neg.force(x), -inter.force(x))
    # what the solvers evaluate: the numba kernel (a cubic table where -Phi is tabulated)
    kind, params = neg.kernel_args()
    k0, p0 = inter.kernel_args()
    got = np.array([pair_energy_force(kind, params, u) for u in x])
    ref = np.array([pair_energy_force(k0, p0, u) for u in x])
    scale = np.abs(ref).max(axis=0)
    assert np.all(np.abs(got + ref) <= 1e-9 * scale)
    # Phi_k: -Phi's quadrature (tabulated kinds) against the closed form (or the same
    # quadrature), to its documented 1e-10
    k = np.linspace(0.0, 2.0, 21)
    phi_k = inter.fourier(k)
    np.testing.assert_allclose(neg.fourier(k), -phi_k, rtol=0,
                               atol=1e-10 * np.abs(phi_k).max())
    assert neg.reach() == pytest.approx(inter.reach(), rel=1e-3)
    assert neg.phi_max == pytest.approx(-inter.phi_min, abs=1e-9 * inter.force_scale)


def test_negated_keeps_the_closed_form_where_the_kind_has_a_signed_amplitude():
    assert negated(Gaussian(2.0, 4.0)) == Gaussian(-2.0, 4.0)
    assert negated(negated(Yukawa(2.0, 3.0, 4.0))) == Yukawa(2.0, 3.0, 4.0)
    morse = negated(interaction_from_config(MORSE))
    assert morse == Morse(1.0, 0.5, 6.0, 4.0, sign=-1.0)
    assert morse.provenance() == {**MORSE, "sign": -1.0}


def test_negated_refuses_what_is_not_a_potential():
    with pytest.raises(ParameterError, match="interaction must be"):
        negated(MORSE)


@pytest.mark.parametrize("spec,needle", [
    ({"kind": "coulomb", "Q": 1.0}, "kind must be one of"),
    ({"D": 1.0}, "kind must be one of"),
    ("morse", "kind must be one of"),
    ({"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0}, "missing h"),
    ({**MORSE, "lam": 4.0}, "unknown lam"),
    ({**MORSE, "D": -1.0}, "D must lie in"),
    ({**MORSE, "sign": 0.5}, "sign must be"),
    ({**LJ, "sign": True}, "sign must be"),
    ({"kind": "yukawa", "Q": 2.0, "screening_length": 3.0, "h": 4.0, "sign": -1},
     "unknown sign"),
    ({"kind": "gaussian", "phi0": 2.0, "lam": 0.0}, "lam"),
])
def test_bad_interaction_spec_names_the_parameter(spec, needle):
    with pytest.raises(ParameterError, match=needle):
        interaction_from_config(spec)


def _schema_defs():
    return yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())["$defs"]


def test_schema_gives_each_kind_exactly_the_parameters_the_package_takes():
    defs = _schema_defs()
    assert set(defs["interaction"]["properties"]["kind"]["enum"]) == set(KINDS)
    for kind, (names, amplitude) in KINDS.items():
        sub = defs[f"interaction_{kind}"]
        assert set(sub["required"]) - {"kind"} == set(names), kind
        optional = {"sign"} if amplitude is None else set()
        assert set(sub["properties"]) - {"kind"} == set(names) | optional, kind


@pytest.mark.parametrize("spec, valid", [
    ({**MORSE, "sign": -1}, True), ({**LJ, "sign": 1.0}, True), ({**LJ, "sign": -1.0}, True),
    ({**MORSE, "sign": 0.5}, False), ({**MORSE, "sign": True}, False),
    ({"kind": "gaussian", "phi0": 2.0, "lam": 4.0, "sign": -1}, False)])
def test_schema_takes_the_sign_of_a_channel_only(spec, valid):
    defs = _schema_defs()
    validator = jsonschema.Draft202012Validator({"$defs": defs, "$ref": "#/$defs/interaction"})
    assert validator.is_valid(spec) is valid
    if valid:  # and the package builds it, with that sign
        assert interaction_from_config(spec).sign == spec["sign"]


def test_config_helper_loads_no_solver_and_no_job():
    code = ("import sys, chaindrag.interactions.config; "
            "print(' '.join(m for m in sys.modules if m.startswith(('chaindrag.solvers', "
            "'chaindrag.jobs', 'chaindrag.tables'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == []
