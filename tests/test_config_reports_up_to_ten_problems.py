"""check_config lists every problem of a configuration up to ten (its documented cap), then
says how many more there are."""

from __future__ import annotations

import copy
import math

import pytest

from chaindrag.config import check_config
from chaindrag.params import ParameterError

from test_config import SCHEMA, config  # noqa: F401  (the shipped config.yaml)


def _refusal_lines(config, n_nan):
    """The listed problems and the tail of the refusal of fig2.taus = [nan] * n_nan."""
    bad = copy.deepcopy(config)
    bad["fig2"]["taus"] = [math.nan] * n_nan
    with pytest.raises(ParameterError) as info:
        check_config(bad, SCHEMA, interactions=False)
    lines = str(info.value).splitlines()[1:]
    return [x for x in lines if x.startswith("  - ")], [x for x in lines if not x.startswith("  - ")]


def test_ten_problems_are_all_listed_with_no_more_to_tell(config):
    # ten taus (the schema's longest list), each NaN: ten problems, one per element
    listed, tail = _refusal_lines(config, 10)
    assert [x.split(" = ")[0] for x in listed] == [f"  - fig2.taus[{i}]" for i in range(10)]
    assert tail == []


def test_twelve_problems_list_ten_and_say_two_more(config):
    # eleven NaN taus: the list is too long (1) and each element is not finite (11)
    listed, tail = _refusal_lines(config, 11)
    assert len(listed) == 10
    assert tail == ["... and 2 more."]
