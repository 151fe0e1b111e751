"""params' checks at their edges: an open upper end refuses the end itself, a flag is True or
False and nothing else (not 1), and a numpy array of bools is no array of numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chaindrag.params import ParameterError, require_finite, require_flag, require_range


def test_an_open_upper_end_refuses_the_end_and_accepts_the_float_below_it():
    with pytest.raises(ParameterError, match=r"x must be a finite number in \[0, 1\), got 1\.0"):
        require_range("x", 1.0, 0.0, 1.0, hi_open=True)
    below = math.nextafter(1.0, 0.0)
    assert require_range("x", below, 0.0, 1.0, hi_open=True) == below


def test_an_open_upper_end_refuses_an_array_reaching_it():
    with pytest.raises(ParameterError, match=r"in \(0, 2\)"):
        require_range("x", np.array([0.5, 2.0]), 0.0, 2.0, lo_open=True, hi_open=True)


@pytest.mark.parametrize("value", [1, 0, np.int64(1)])
def test_an_integer_is_no_flag(value):
    with pytest.raises(ParameterError, match=r"energy must be True or False"):
        require_flag("energy", value)


@pytest.mark.parametrize("value", [True, False, np.bool_(True), np.bool_(False)])
def test_a_flag_is_returned_as_a_python_bool(value):
    out = require_flag("energy", value)
    assert type(out) is bool and out == bool(value)


def test_a_numpy_array_of_bools_is_no_array_of_numbers():
    with pytest.raises(ParameterError, match=r"x0 must be a real number.*\(a bool\)"):
        require_finite("x0", np.array([True, False]))
