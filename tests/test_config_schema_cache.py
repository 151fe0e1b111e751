"""The schema is read and meta-checked once per process while its file is unchanged: an
edited schema is read again, an invalid one is refused naming the file, and a caller that
changes the schema it was given changes nobody else's checks."""

from __future__ import annotations

import os

import pytest
import yaml

from chaindrag.config import check_config, load_schema
from chaindrag.params import ParameterError

from test_config import SCHEMA, config  # noqa: F401  (the shipped config.yaml)

SMALL = {"type": "object", "properties": {"alpha": {"type": "number", "minimum": 0}},
         "additionalProperties": False}


def test_an_edited_schema_is_read_again(tmp_path):
    path = tmp_path / "schema.yaml"
    path.write_text(yaml.safe_dump(SMALL))
    assert set(load_schema(path)["properties"]) == {"alpha"}
    # an edit within the clock's resolution (the same modification time): the size differs
    first = path.stat()
    wider = dict(SMALL, properties={**SMALL["properties"], "beta": {"type": "number"}})
    path.write_text(yaml.safe_dump(wider))
    os.utime(path, ns=(first.st_atime_ns, first.st_mtime_ns))
    assert set(load_schema(path)["properties"]) == {"alpha", "beta"}
    # the same size written again: the modification time differs
    renamed = dict(SMALL, properties={**SMALL["properties"], "bet0": {"type": "number"}})
    before = path.stat()
    path.write_text(yaml.safe_dump(renamed))
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert set(load_schema(path)["properties"]) == {"alpha", "bet0"}


def test_an_invalid_schema_is_refused_naming_its_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump({"type": "no-such-type"}))
    with pytest.raises(ParameterError, match=r"broken\.yaml is not a valid JSON schema"):
        load_schema(path)
    with pytest.raises(ParameterError, match=r"broken\.yaml is not a valid JSON schema"):
        check_config({}, path)


def test_a_schema_changed_by_its_caller_leaves_the_checks_unchanged(config):
    shipped_alpha = load_schema(SCHEMA)["properties"]["fig3"]["properties"]["alpha"]
    mine = load_schema(SCHEMA)
    mine["properties"]["fig3"]["properties"]["alpha"] = {"type": "string"}
    mine["properties"].clear()
    check_config(config, SCHEMA)  # fig3.alpha = 40.0 is still a number in range
    assert load_schema(SCHEMA)["properties"]["fig3"]["properties"]["alpha"] == shipped_alpha
    with pytest.raises(ParameterError, match=r"fig3\.alpha = -1\.0 is not allowed"):
        check_config(dict(config, fig3=dict(config["fig3"], alpha=-1.0)), SCHEMA)
