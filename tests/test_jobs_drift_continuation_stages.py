"""An undetermined drift run is continued to the stages strictly between its length and the
cap, then to the cap; a run already as long as a stage or the cap is not run again there."""

from __future__ import annotations

from chaindrag.jobs.drift import Continuation


def test_a_stage_equal_to_the_run_length_is_not_run_again():
    cont = Continuation(solver="chain", stages=(60.0, 90.0), tau_cap=120.0)
    assert cont.ends(60.0) == [90.0, 120.0]


def test_the_stages_between_the_run_length_and_the_cap_come_in_order_then_the_cap():
    cont = Continuation(solver="chain", stages=(100.0, 45.0, 120.0, 150.0, 30.0), tau_cap=120.0)
    assert cont.ends(40.0) == [45.0, 100.0, 120.0]


def test_a_run_as_long_as_the_cap_is_not_continued():
    cont = Continuation(solver="chain", stages=(90.0,), tau_cap=120.0)
    assert cont.ends(120.0) == []
    assert cont.ends(150.0) == []
