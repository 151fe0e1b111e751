"""A pair potential its class refuses is reported once, under the key that sets it: under
quick.<key> only when the quick preset's overrides set that potential."""

from __future__ import annotations

import copy

import pytest

from chaindrag.config import check_config
from chaindrag.params import ParameterError

from test_config import SCHEMA, config  # noqa: F401  (the shipped config.yaml)

# every parameter in its schema range, but Phi(0) = D (exp(2 a r0) - 2 exp(a r0)) with
# a r0 = 800 overflows a float64 (exp(709.8) is the largest): Morse refuses it
_MORSE = {"kind": "morse", "D": 1.0, "a": 100.0, "r0": 8.0, "h": 4.0}


def test_a_refused_potential_the_quick_preset_leaves_alone_is_not_blamed_on_quick(config):
    bad = copy.deepcopy(config)
    assert "interaction" not in bad["quick"].get("fig6", {})  # quick does not set it
    bad["fig6"]["interaction"] = _MORSE
    with pytest.raises(ParameterError) as info:
        check_config(bad, SCHEMA)
    problems = [x for x in str(info.value).splitlines() if x.startswith("  - ")]
    assert len(problems) == 1
    assert problems[0].startswith("  - fig6.interaction = ")
    assert "quick.fig6.interaction" not in str(info.value)
