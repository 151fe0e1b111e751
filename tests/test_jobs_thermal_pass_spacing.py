"""Thermal single passes (jobs.thermal.pass_spacing): particles sharing a realization are far
enough apart that no chain mass is within reach of two of them, on top of the sound cone and
each particle's travel: the gap holds both particles' reach, 2 x reach."""

from __future__ import annotations

import math

import pytest

from chaindrag.interactions import Gaussian
from chaindrag.jobs.thermal import pass_spacing
from chaindrag.thermal import airy_margin, front_speed


@pytest.mark.parametrize("lam, tau_max", [(4.0, 2.0), (120.0, 0.5), (400.0, 0.2)])
def test_spacing_holds_the_sound_cone_the_travel_and_both_particles_reach(lam, tau_max):
    alpha, v0, wf = 40.0, 50.0, 10.0
    spacing = pass_spacing(tau_max, alpha, 2.0, lam, v0, wf)
    cone = front_speed(wf) * tau_max + airy_margin(tau_max, wf)
    travel = v0 * tau_max / alpha
    reach = Gaussian(2.0, lam).reach() / alpha
    assert spacing >= cone + travel + 2.0 * reach
    # and no more than rounding up each part (and the two sites the formula adds)
    assert spacing <= math.ceil(cone) + math.ceil(travel) + 2 * math.ceil(reach) + 4
