"""Progress lines of long jobs (chaindrag.jobs.ProgressLog), on a fake clock: no wall-clock."""

from __future__ import annotations

import pytest

from chaindrag.jobs import ProgressLog


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def lines(caplog):
    caplog.set_level("INFO", logger="chaindrag.jobs")
    return lambda: [r.getMessage() for r in caplog.records]


def test_remaining_time_extrapolates_the_work_rate_since_the_first_report(lines):
    clock = FakeClock()
    progress = ProgressLog("drift", every=0.0, clock=clock)
    clock.now = 3.0  # start-up (JIT cache load) before the solver's first report
    progress(0.01)
    clock.now = 13.0
    progress(0.26)
    # 25 % of the work in 10 s: the remaining 74 % take 29.6 s (start-up not counted)
    assert lines()[-1] == "drift: 26.0% done, 13.0 s elapsed, ~29.6 s remaining"


@pytest.mark.parametrize("t, fraction", [(0.5, 0.5),     # under 1 s since the first report
                                         (60.0, 0.04)])  # under 5 % of the work since then
def test_no_estimate_before_it_means_something(lines, t, fraction):
    clock = FakeClock()
    progress = ProgressLog("drift tau=800", every=0.0, clock=clock)
    progress(0.0)
    clock.now = t
    progress(fraction)
    assert [line.endswith("estimate pending") for line in lines()] == [True, True]
    assert lines()[-1].startswith(f"drift tau=800: {100 * fraction:.1f}% done, ")


def test_lines_come_at_most_every_interval_and_completion_once(lines):
    clock = FakeClock()
    progress = ProgressLog("batch", every=10.0, clock=clock)
    for t, fraction in [(1.0, 0.1), (5.0, 0.2), (9.0, 0.3), (12.0, 0.4), (14.0, 1.0),
                        (15.0, 1.0)]:
        clock.now = t
        progress(fraction)
    assert [line.split(":")[1].split(",")[0].strip() for line in lines()] == [
        "10.0% done", "40.0% done", "done in 14.0 s"]


def test_long_durations_are_given_in_minutes_and_hours(lines):
    clock = FakeClock()
    progress = ProgressLog("run", every=0.0, clock=clock)
    progress(0.0)
    clock.now = 120.0
    progress(0.1)  # a tenth of the work in 2 min: 18 min to go
    clock.now = 7200.0
    progress(1.0)
    assert lines()[1].endswith("2.0 min elapsed, ~18.0 min remaining")
    assert lines()[2] == "run: done in 2.0 h"
