"""Fig. 2 claims: Gamma_n(tau) against Eq. 15 and its leading edge, on exact kernels, wrong
amplitudes and signs, wrong fronts, short tables."""

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


EDGE, VALUES = "leading edge", "equals Eq. (15)"


def test_fig2_front_of_the_exact_kernel_passes_for_every_tau():
    rows = validation.check_fig2(_fig2_table())
    assert len(rows) == 6 and verdicts(rows) == [True] * 6
    for r in rows:
        if EDGE in r["claim"]:  # the 1% point lies a few sites ahead of tau pi (omega_fast - 1)
            assert 0 < r["measured"] - r["expected"] < 12
        else:  # the FFT kernel and the Gauss-Legendre quadrature agree to rounding
            assert r["measured"] < 1e-12


def test_fig2_quadrature_of_eq15_is_independent_of_the_ring_sum():
    # Gamma_n(0) = 0, and the FFT of the q-form (uniform nodes) matches the theta-form
    from chaindrag.validation.fig2 import eq15_quadrature
    n = np.arange(301)
    assert np.all(eq15_quadrature(n, 0.0) == 0.0)
    for tau in (0.5, 5.0):
        ref = _kernel(tau, 300)
        assert np.max(np.abs(eq15_quadrature(n, tau) - ref)) < 1e-13 * np.max(np.abs(ref))


@pytest.mark.parametrize("factor", [1.01, 0.99, -1.0, 1.0 + 1e-8])
def test_fig2_kernel_of_the_wrong_size_or_sign_fails_though_its_front_is_right(factor):
    df = _fig2_table()
    df["gamma"] *= factor
    rows = validation.check_fig2(df)
    assert verdicts(rows, EDGE) == [True] * 3   # the 1% edge is blind to size and sign
    assert verdicts(rows, VALUES) == [False] * 3
    for r in rows:
        if VALUES in r["claim"]:
            assert r["measured"] == pytest.approx(abs(factor - 1.0), rel=1e-3)


def test_fig2_kernel_of_a_late_time_or_with_a_missing_site_fails():
    df = _fig2_table(taus=(5.0,))
    df["gamma"] = _kernel(5.0 + 1.0 / 600, 300)  # one time step (d = 60) late
    assert verdicts(validation.check_fig2(df), VALUES) == [False]
    df = _fig2_table(taus=(5.0,))
    df.loc[140, "gamma"] = 0.0                  # one value near the front lost
    assert verdicts(validation.check_fig2(df), VALUES) == [False]
    df["n"] = df["n"] + 0.5                     # not sites
    assert verdicts(validation.check_fig2(df), VALUES) == [False]


def test_fig2_front_in_the_wrong_place_fails():
    # sites stretched by 15%: the edge at tau = 5 lands ~30 sites beyond the front line
    rows = validation.check_fig2(_fig2_table(taus=(5.0,), stretch=1.15))
    assert verdicts(rows, EDGE) == [False]
    # the response of a chain with a faster band (omega_fast = 12) labelled omega_fast = 10
    df = _fig2_table(taus=(5.0,))
    df["gamma"] = _kernel(5.0, 300, omega_fast=12.0)
    assert verdicts(validation.check_fig2(df)) == [False, False]
    # a wrong front_site column (the plotted line) fails even if the kernel is right
    df = _fig2_table(taus=(3.0,))
    df["front_site"] *= 1.1
    assert verdicts(validation.check_fig2(df)) == [False, True]  # the values are right


def test_fig2_not_applicable_when_the_table_stops_before_the_front():
    rows = validation.check_fig2(_fig2_table(taus=(5.0,), n_max=140))
    assert verdicts(rows, EDGE) == [NA] and "before the front" in rows[0]["note"]
    assert verdicts(rows, VALUES) == [True]  # the values it has are still judged
    with pytest.raises(validation.NotApplicable):
        validation.check_fig2(pd.DataFrame(columns=["tau", "n", "gamma"]))
