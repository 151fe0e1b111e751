"""Fig. 3's sound-cone claim: chain displacement 8 Airy widths (plus the potential's reach)
ahead of the front c tau, c = pi (omega_fast - 1), must stay below 1e-6 of max |rho|: the
exact response's Airy precursor is 1e-9 there. A leak 12 widths ahead fails."""

from __future__ import annotations

import dataclasses
import math

from chaindrag import validation
from chaindrag.validation.kinematics import airy_width

from .helpers import fig3_traj


def test_fig3_displacement_twelve_airy_widths_ahead_of_the_front_fails():
    traj = fig3_traj(20.0, tau_max=30.0)
    rho = traj.chain_displacement.copy()
    j = 10                                    # chain record at tau = 1
    tau = traj.chain_tau[j]
    ahead = math.pi * 9.0 * tau + 3.0 + 12.0 * float(airy_width(tau))  # sites from the start
    site = int(round(5.5 + ahead))            # the particle starts at sigma0 / alpha = 5.5
    assert rho[site, j] == 0.0                # outside the synthetic cone
    rho[site, j] = 1e-3 * abs(rho).max()
    rows = validation.check_fig3([dataclasses.replace(traj, chain_displacement=rho)])
    row = next(r for r in rows if "sound cone" in r["claim"])
    assert row["measured"] > 1e-4
    assert row["passed"] is False
