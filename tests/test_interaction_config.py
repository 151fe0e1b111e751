"""The interaction: key of config.yaml (chaindrag.interactions.config): each kind builds the
potential its provenance describes, signed amplitudes mirror to -Phi, bad specs are refused
naming the parameter, and the schema and the workflow agree with the package on the kinds."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from chaindrag.interactions import (KINDS, Gaussian, LennardJones, Lorentzian, Morse, Yukawa,
                                    from_provenance, interaction_from_config, mirror_spec)
from chaindrag.params import ParameterError

ROOT = Path(__file__).resolve().parents[1]
MORSE = {"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0, "h": 4.0}
LJ = {"kind": "lennard_jones", "epsilon": 1.0, "s": 4.2, "h": 4.0}
SPECS = [{"kind": "gaussian", "phi0": -2.0, "lam": 4.0},
         {"kind": "lorentzian", "A": 2.0, "b": 4.0}, MORSE, LJ,
         {"kind": "yukawa", "Q": 2.0, "screening_length": 3.0, "h": 4.0}]
CLASSES = [Gaussian(-2.0, 4.0), Lorentzian(2.0, 4.0), Morse(1.0, 0.5, 6.0, 4.0),
           LennardJones(1.0, 4.2, 4.0), Yukawa(2.0, 3.0, 4.0)]


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


@pytest.mark.parametrize("spec", [s for s in SPECS if KINDS[s["kind"]][1]],
                         ids=lambda s: s["kind"])
def test_mirror_spec_is_minus_phi_where_the_kind_has_a_signed_amplitude(spec):
    x = np.linspace(-20.0, 20.0, 41)
    mirrored = interaction_from_config(mirror_spec(spec))
    np.testing.assert_array_equal(mirrored.potential(x), -interaction_from_config(spec)
                                  .potential(x))
    assert mirror_spec(mirror_spec(spec)) == {k: float(v) if k == KINDS[spec["kind"]][1]
                                              else v for k, v in spec.items()}


def test_depths_of_morse_and_lennard_jones_have_no_mirror():
    assert mirror_spec(MORSE) is None and mirror_spec(LJ) is None


@pytest.mark.parametrize("spec,needle", [
    ({"kind": "coulomb", "Q": 1.0}, "kind must be one of"),
    ({"D": 1.0}, "kind must be one of"),
    ("morse", "kind must be one of"),
    ({"kind": "morse", "D": 1.0, "a": 0.5, "r0": 6.0}, "missing h"),
    ({**MORSE, "lam": 4.0}, "unknown lam"),
    ({**MORSE, "D": -1.0}, "D must lie in"),
    ({"kind": "gaussian", "phi0": 2.0, "lam": 0.0}, "lam"),
])
def test_bad_interaction_spec_names_the_parameter(spec, needle):
    with pytest.raises(ParameterError, match=needle):
        interaction_from_config(spec)


def test_schema_gives_each_kind_exactly_the_parameters_the_package_takes():
    defs = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())["$defs"]
    assert set(defs["interaction"]["properties"]["kind"]["enum"]) == set(KINDS)
    for kind, (names, _) in KINDS.items():
        sub = defs[f"interaction_{kind}"]
        assert set(sub["required"]) - {"kind"} == set(names), kind
        assert set(sub["properties"]) - {"kind"} == set(names), kind


def test_workflow_mirrors_the_amplitudes_the_package_mirrors():
    text = (ROOT / "workflow/rules/common.smk").read_text()
    literal = re.search(r"^_AMPLITUDE = (\{[^}]*\})", text, re.M).group(1)
    assert ast.literal_eval(literal) == {k: amp for k, (_, amp) in KINDS.items() if amp}


def test_config_helper_loads_no_solver_and_no_job():
    code = ("import sys, chaindrag.interactions.config; "
            "print(' '.join(m for m in sys.modules if m.startswith(('chaindrag.solvers', "
            "'chaindrag.jobs', 'chaindrag.tables'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == []
