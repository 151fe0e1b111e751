"""Drive mode on thermal chains (jobs.thermal.drag): a sample drags through realization
``seed`` and through its mirror image -rho^H (the antithetic pair whose mean cancels the terms
odd in the thermal motion), each at +-|phi0|; the chain at rest is dragged once per sign."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chaindrag.jobs.thermal import drag


def _recorded(monkeypatch):
    calls = []

    def drive(**kwargs):
        calls.append(kwargs)
        return SimpleNamespace(delta_bar=0.1, n_sites=10,
                               params={"n_modes": 128, "sigma0": 5.5 * kwargs["alpha"]})

    monkeypatch.setattr(drag, "drive", drive)
    return calls


KW = dict(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, v=25.0, tau_max=5.0, window=0.5,
          omega_T=5.0, statistics="classical", seed=3, omega_fast=10.0, d=60,
          solver="transparent")


def test_each_sample_drags_through_the_realization_and_its_mirror_image(monkeypatch):
    calls = _recorded(monkeypatch)
    rows = drag.thermal_drag_sample(**KW)
    assert len(rows) == len(calls) == 4
    for row, call in zip(rows, calls):
        chain = call["thermal"]
        assert chain.seed == 3 and chain.omega_T == 5.0
        assert bool(chain.mirror) == row["mirror"]  # the row says which image it ran
        assert call["interaction"].phi_at_zero == row["phi0"]
        assert row["sigma0"] == 5.5 * KW["alpha"]  # drive's start, from the run's params
    assert sorted((r["phi0"], r["mirror"]) for r in rows) == [
        (-2.0, False), (-2.0, True), (2.0, False), (2.0, True)]


def test_the_chain_at_rest_is_dragged_once_per_sign(monkeypatch):
    calls = _recorded(monkeypatch)
    rows = drag.thermal_drag_sample(**dict(KW, omega_T=0.0, statistics="rest"))
    assert [c["thermal"] for c in calls] == [None, None]
    assert sorted(r["phi0"] for r in rows) == [-2.0, 2.0]
    assert not any(r["mirror"] for r in rows)
