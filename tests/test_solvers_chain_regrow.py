"""The chain solver's mid-chunk regrowth (``_ChainRun._regrow``): no run tried outran the
planned active part (supersonic particles, biases up to the time step's limit), so the
kernel's request is injected here, once, at a chunk's start."""

import numpy as np
import pytest

from chaindrag import simulate
from chaindrag.params import SimulationError
from chaindrag.solvers import _chain
from chaindrag.solvers._common import STATUS_REGROW

RUN = dict(alpha=40.0, phi0=2.0, lam=4.0, sigma0=220.0, v0=30.0, tau_max=20.0, bias=0.01,
           record_sites=[6, 40])


def _regrow_once_at(monkeypatch, step):
    """chain_steps asks for a regrowth, without stepping, the first time it starts at or
    after ``step``; returns the list of steps where it did."""
    steps, asked = _chain.chain_steps, []

    def once(b0, b1, x_prev, x_cur, *args):
        if b0 >= step and not asked:
            asked.append(b0)
            return STATUS_REGROW, b0
        return steps(b0, b1, x_prev, x_cur, *args)
    monkeypatch.setattr(_chain, "chain_steps", once)
    return asked


@pytest.mark.parametrize("energy", [True, False], ids=["energy", "frozen far sites"])
def test_growing_the_active_part_mid_run_changes_no_number(monkeypatch, energy):
    # sites beyond the sound cone are exactly at rest: updating more of them gives the same
    # bits, and the run goes on from the step it stopped at
    plain = simulate(**RUN, energy=energy)
    asked = _regrow_once_at(monkeypatch, plain.sigma.shape[-1] // 2)
    regrown = simulate(**RUN, energy=energy)
    assert len(asked) == 1
    np.testing.assert_array_equal(regrown.sigma, plain.sigma)
    np.testing.assert_array_equal(regrown.chain_displacement, plain.chain_displacement)
    if energy:  # a sum over the active sites, associated from their ends (measured 8e-15)
        e = plain.energy["chain"]
        np.testing.assert_allclose(regrown.energy["chain"], e, rtol=0, atol=1e-13 * e.max())


def test_a_particle_at_the_end_of_a_thermal_segment_is_refused(monkeypatch):
    # the thermal segment holds the realization over a fixed window: it cannot grow
    _regrow_once_at(monkeypatch, 100)
    with pytest.raises(SimulationError, match="end of the thermal chain segment"):
        simulate(**RUN, omega_T=1.0, statistics="classical", seed=3)
