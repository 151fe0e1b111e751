"""The equilibration table's reference line is the chain's own classical kinetic energy."""

import numpy as np
import pandas as pd

from chaindrag import tables
from chaindrag.thermal import ThermalChain


def _classical_kinetic_energy_per_mass(omega_t: float) -> tuple[float, float]:
    """Mean and standard error of (1/2) (d rho/d tau / 2 pi)^2 over the masses of a classical
    ring at omega_T (unit masses; momentum = velocity / 2 pi), from one realization."""
    n = 8192
    chain = ThermalChain(omega_T=omega_t, statistics="classical", seed=7, n_modes=n)
    ke = 0.5 * (chain.velocity(np.arange(n), [0.0, 0.37, 1.9]) / (2.0 * np.pi)) ** 2
    # the momenta of distinct masses are independent in classical equilibrium (the kinetic
    # energy is diagonal in the sites), so each is chi-squared with one degree of freedom
    return float(ke.mean()), float(ke.std() / np.sqrt(ke.size / 3))


def test_equipartition_column_is_the_classical_kinetic_energy_of_a_chain_mass(tmp_path):
    temps = [2.0, 25.0]
    rows = pd.DataFrame(dict(omega_T=temps, statistics="classical", seed=[0, 1], start="hot",
                             tau=[0.5, 0.5], kinetic=[1.0, 2.0], omega_fast=10.0, d=60,
                             solver="chain", chaindrag_version="test"))
    path = tmp_path / "series.csv"
    rows.to_csv(path, index=False)
    s, _ = tables.thermal_equilibration_tables([path], [path], tmp_path / "s.csv",
                                               tmp_path / "c.csv")
    for temp, line in zip(s["omega_T"], s["equipartition"]):
        mean, se = _classical_kinetic_energy_per_mass(float(temp))
        assert abs(line - mean) < 5.0 * se, (temp, line, mean, se)
