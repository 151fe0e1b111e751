"""potentials.interactions entries are named by the user (workflow/schemas/config.schema.yaml):
the name is a label and a directory under results/runs/potentials, so it is a letter, then up
to 39 letters, digits, _ or -; check_config refuses any other name naming the key and the
rule, and refuses an empty study."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from chaindrag.config import check_config
from chaindrag.params import ParameterError

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
SPEC = {"kind": "gaussian", "phi0": 2.0, "lam": 4.0}


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((REPO / "config.yaml").read_text())


def _with_entry(config, name):
    out = copy.deepcopy(config)
    out["potentials"]["interactions"] = {name: dict(SPEC)}
    return out


@pytest.mark.parametrize("name", ["1morse", "_morse", "-morse", "x" * 41, "a/b", "two words",
                                  "morse.wide", "morse\n"])
def test_a_name_not_a_letter_then_letters_digits_underscores_or_dashes_is_refused(config, name):
    with pytest.raises(ParameterError) as err:
        check_config(_with_entry(config, name), SCHEMA, interactions=False)
    msg = str(err.value)
    assert f"key {'potentials.interactions.' + name!r} is not allowed here" in msg, msg
    assert "a letter, then up to 39 letters, digits, _ or -" in msg, msg


@pytest.mark.parametrize("name", ["m", "x" * 40, "morse_wide-2", "LJ9"])
def test_a_name_of_a_letter_then_up_to_39_letters_digits_underscores_or_dashes_is_accepted(
        config, name):
    check_config(_with_entry(config, name), SCHEMA, interactions=False)


def test_a_study_of_no_potentials_is_refused(config):
    out = copy.deepcopy(config)
    out["potentials"]["interactions"] = {}
    with pytest.raises(ParameterError, match=r"potentials\.interactions"):
        check_config(out, SCHEMA, interactions=False)


class _UniqueKeys(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""


def _unique_mapping(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise yaml.constructor.ConstructorError(None, None, f"keys given twice: {twice}",
                                                node.start_mark)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


@pytest.mark.parametrize("path", [SCHEMA, REPO / "config.yaml"], ids=["schema", "config"])
def test_no_key_is_given_twice_in_the_schema_or_the_config(path):
    # a second additionalProperties once hid the first: another loader may keep the other one
    yaml.load(path.read_text(), Loader=_UniqueKeys)
