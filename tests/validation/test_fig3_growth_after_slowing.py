"""Fig. 3's growth claim compares max |rho| once the particle is below v0/2 with max |rho|
while it is above 0.9 v0 (Sec. IV: the chain mass's response grows as the pass slows). A
displacement that peaks at intermediate speeds and falls back before v0/2 shows no growth
there and fails."""

from __future__ import annotations

import dataclasses

import numpy as np

from chaindrag import validation

from .helpers import fig3_traj


def test_fig3_displacement_that_peaks_before_the_particle_halves_its_speed_fails():
    traj = fig3_traj(20.0, tau_max=30.0, trapped=False)
    tau, ct = traj.tau, traj.chain_tau
    v = 120.0 - 4.0 * tau                          # 0.9 v0 at tau = 3, v0 / 2 at tau = 15
    sigma = 220.0 + 120.0 * tau - 2.0 * tau**2
    rho = np.zeros_like(traj.chain_displacement)
    rho[20] = 0.1                                  # the same size early and late ...
    rho[20, (ct >= 5.0) & (ct <= 10.0)] = 0.3      # ... with a bump at v = 100..80 only
    traj = dataclasses.replace(traj, velocity=v[None], sigma=sigma[None],
                               chain_displacement=rho)
    row = next(r for r in validation.check_fig3([traj]) if "grows" in r["claim"])
    assert row["measured"] == 1.0
    assert row["passed"] is False
