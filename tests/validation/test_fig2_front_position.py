"""Fig. 2's leading edge: it must lie ahead of the sound-cone front, by at most 4 Airy
widths, and be judged wherever the table reaches that far. Kernels are Eq. (15) evaluated
independently by FFT of its q-form."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chaindrag import validation
from chaindrag.validation.kinematics import airy_width


def _kernel(tau, n_max, omega_fast=10.0, m=16384):
    """Gamma_n(tau), Eq. 15, as cosine coefficients of a smooth periodic function."""
    th = np.pi * np.arange(m) / m
    w = np.sqrt(1.0 + (omega_fast**2 - 1.0) * np.sin(th) ** 2)
    return (np.fft.rfft(np.sin(2 * np.pi * tau * w) / w).real / m)[:n_max + 1]


def _table(tau, n_max, gamma=None, front=None):
    g = _kernel(tau, n_max) if gamma is None else gamma
    return pd.DataFrame(dict(tau=tau, n=np.arange(n_max + 1), gamma=g, omega_fast=10.0,
                             front_site=tau * math.pi * 9.0 if front is None else front))


def _edge_row(rows):
    return next(r for r in rows if "leading edge" in r["claim"])


def test_fig2_edge_lagging_the_sound_cone_fails():
    # the kernel of an earlier time (tau = 4.5) labelled tau = 5: its 1% edge lies ~2 sites
    # behind tau pi (omega_fast - 1), within 4 Airy widths of it but on the wrong side
    tau, n_max = 5.0, 300
    row = _edge_row(validation.check_fig2(_table(tau, n_max, gamma=_kernel(4.5, n_max))))
    assert row["measured"] < row["expected"]
    assert row["passed"] is False


def test_fig2_front_site_column_off_by_a_thousandth_fails():
    tau = 5.0
    row = _edge_row(validation.check_fig2(_table(tau, 300, front=tau * math.pi * 9.0 * 1.001)))
    assert row["passed"] is False and "front_site" in row["note"]


def test_fig2_table_reaching_four_airy_widths_beyond_the_front_is_judged():
    tau = 5.0
    n_front, w = tau * math.pi * 9.0, float(airy_width(tau))
    n_max = int(n_front + 6.0 * w)  # beyond 4 w, short of 8 w
    row = _edge_row(validation.check_fig2(_table(tau, n_max)))
    assert row["passed"] is True
