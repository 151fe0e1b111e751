"""Thermal equilibration (jobs.thermal.equilibration): a particle started cold rests at the
bottom of the chain-at-rest cell potential, midway between masses for a repulsive Gaussian and
on a mass for an attractive one, as cell_minimum finds for any potential."""

from __future__ import annotations

import numpy as np
import pytest

from chaindrag.interactions import Gaussian
from chaindrag.jobs.thermal import equilibration


class _Called(Exception):
    pass


@pytest.mark.parametrize("phi0", [2.0, -2.0])
def test_cold_particles_start_at_rest_at_the_minimum_of_the_cell_potential(monkeypatch, phi0):
    seen = {}

    def simulate(**kwargs):
        seen.update(kwargs)
        raise _Called

    monkeypatch.setattr(equilibration, "simulate", simulate)
    alpha = 40.0
    with pytest.raises(_Called):
        equilibration.thermal_equilibration(
            alpha=alpha, mu=1.0, omega_T=5.0, statistics="classical", seed=0, start="cold",
            v_hot=50.0, n_particles=3, spacing=200, tau_max=1.0, series_dtau=0.1,
            omega_fast=10.0, d=60, solver="transparent", phi0=phi0, lam=4.0)
    bottom = equilibration.cell_minimum(Gaussian(phi0, 4.0), alpha)
    offset = np.mod(np.asarray(seen["sigma0"], dtype=float), alpha)
    # the cell potential is even about 0 and alpha/2: x and alpha - x are the same minimum
    dist = np.minimum(np.abs(offset - bottom), np.abs(alpha - offset - bottom))
    dist = np.minimum(dist, alpha - dist)
    assert np.all(dist < 1e-6 * alpha), (offset, bottom)
    assert np.all(np.asarray(seen["v0"]) == 0.0)
