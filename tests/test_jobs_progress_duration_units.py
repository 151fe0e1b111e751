"""Durations in progress lines change unit at whole units: 60 s is 1.0 min and 3600 s is
1.0 h, never 60.0 s or 60.0 min."""

from __future__ import annotations

import pytest

from chaindrag.jobs import ProgressLog

from test_jobs import FakeClock, lines  # noqa: F401  (the log lines of chaindrag.jobs)


@pytest.mark.parametrize("seconds, text", [(59.0, "59.0 s"), (60.0, "1.0 min"),
                                           (3599.0, "60.0 min"), (3600.0, "1.0 h")])
def test_a_run_of_a_whole_minute_or_hour_is_done_in_that_unit(lines, seconds, text):  # noqa: F811
    clock = FakeClock()
    progress = ProgressLog("run", every=0.0, clock=clock)
    progress(0.0)
    clock.now = seconds
    progress(1.0)
    assert lines()[-1] == f"run: done in {text}"
