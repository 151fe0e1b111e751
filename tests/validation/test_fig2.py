"""Fig. 2 claim: the leading edge of Gamma_n(tau) on exact kernels, wrong fronts, short tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from chaindrag import validation

from .helpers import verdicts

NA = validation.NA


def _kernel(tau, n_max, omega_fast=10.0, m=16384):
    """Gamma_n(tau), Eq. 15, as the cosine coefficients of a smooth periodic function (FFT)."""
    th = np.pi * np.arange(m) / m
    w = np.sqrt(1.0 + (omega_fast**2 - 1.0) * np.sin(th) ** 2)
    return (np.fft.rfft(np.sin(2 * np.pi * tau * w) / w).real / m)[:n_max + 1]


def _fig2_table(taus=(1.0, 3.0, 5.0), n_max=300, stretch=1.0):
    frames = []
    for tau in taus:
        g = _kernel(tau, n_max)
        frames.append(pd.DataFrame(dict(tau=tau, n=np.round(np.arange(n_max + 1) * stretch),
                                        gamma=g, front_site=tau * math.pi * 9.0,
                                        omega_fast=10.0)))
    return pd.concat(frames, ignore_index=True)


def test_fig2_front_of_the_exact_kernel_passes_for_every_tau():
    rows = validation.check_fig2(_fig2_table())
    assert len(rows) == 3 and verdicts(rows) == [True, True, True]
    for r in rows:  # the 1% point lies a few sites ahead of tau pi (omega_fast - 1)
        assert 0 < r["measured"] - r["expected"] < 12


def test_fig2_front_in_the_wrong_place_fails():
    # sites stretched by 15%: the edge at tau = 5 lands ~30 sites beyond the front line
    rows = validation.check_fig2(_fig2_table(taus=(5.0,), stretch=1.15))
    assert verdicts(rows) == [False]
    # the response of a chain with a faster band (omega_fast = 12) labelled omega_fast = 10
    df = _fig2_table(taus=(5.0,))
    df["gamma"] = _kernel(5.0, 300, omega_fast=12.0)
    assert verdicts(validation.check_fig2(df)) == [False]
    # a wrong front_site column (the plotted line) fails even if the kernel is right
    df = _fig2_table(taus=(3.0,))
    df["front_site"] *= 1.1
    assert verdicts(validation.check_fig2(df)) == [False]


def test_fig2_not_applicable_when_the_table_stops_before_the_front():
    rows = validation.check_fig2(_fig2_table(taus=(5.0,), n_max=140))
    assert verdicts(rows) == [NA] and "before the front" in rows[0]["note"]
    with pytest.raises(validation.NotApplicable):
        validation.check_fig2(pd.DataFrame(columns=["tau", "n", "gamma"]))
