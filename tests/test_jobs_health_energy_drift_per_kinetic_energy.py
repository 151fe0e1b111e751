"""The energy check (jobs.run_energy_check) states the energy drift relative to the particle's
kinetic energy at the start, |E(tau) - E(0)| / KE(0), not relative to the total E(0) (which
holds the potential energy of a start near a mass and the chain's)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from chaindrag.jobs import health


def test_the_drift_is_divided_by_the_starting_kinetic_energy(monkeypatch, tmp_path):
    # E(0) = 10 of which KE(0) = 4: max |E - E(0)| = 1.5 (at tau_2), final |E - E(0)| = 0.5
    total = np.array([10.0, 11.0, 8.5, 10.5])
    kinetic = np.array([4.0, 3.0, 5.0, 4.5])
    fake = SimpleNamespace(energy=dict(total=total, particle_kinetic=kinetic))
    monkeypatch.setattr(health, "simulate", lambda **kwargs: fake)
    df = health.run_energy_check(tmp_path / "e.csv", alpha=40.0, mu=1.0, v0=50.0,
                                 sigma0=260.0, tau_max=1.0, omega_fast=10.0, d=[60],
                                 solver="chain", phi0=2.0, lam=4.0)
    values = dict(zip(df["quantity"], df["value"]))
    assert values["max_rel_energy_drift"] == pytest.approx(1.5 / 4.0, rel=1e-15)
    assert values["final_rel_energy_drift"] == pytest.approx(0.5 / 4.0, rel=1e-15)
