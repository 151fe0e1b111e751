"""A provenance (a store's interaction_params, a table's interaction column) that does not
describe a built-in potential is refused as a ParameterError naming its kind, not as the
constructor's TypeError."""

from __future__ import annotations

import pytest

from chaindrag.interactions import from_provenance
from chaindrag.params import ParameterError


def test_a_provenance_missing_a_parameter_is_refused_naming_its_kind():
    with pytest.raises(ParameterError, match=r"interaction 'gaussian'.*lam"):
        from_provenance({"kind": "gaussian", "phi0": 1.0})


def test_a_provenance_with_an_unknown_parameter_is_refused_naming_its_kind():
    with pytest.raises(ParameterError, match=r"interaction 'lorentzian'.*'c'"):
        from_provenance({"kind": "lorentzian", "A": 1.0, "b": 2.0, "c": 3.0})
