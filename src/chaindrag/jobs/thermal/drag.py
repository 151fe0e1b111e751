"""Drive mode on thermal chains (Eq. 33 at temperature T): one job is a batch of seeds.

A sample is one realization and its mirror image, each dragged at +phi0 and -phi0: the
mean of the four losses has the terms odd in rho^H (the first-order thermal noise) and odd
in phi0 (beyond Eq. 33's order) cancelled, so it scatters 100-1 000 times less than one
run and its mean over seeds is the realizations' mean. The chain at rest (``statistics`` =
"rest") is run at +-phi0 once per speed. Another pair potential (an ``interaction`` spec of
config.yaml) runs Phi and -Phi (:func:`chaindrag.interactions.negated`) in place of +-phi0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ...analytic._pair import provenance_text
from ...interactions import Gaussian, interaction_from_config, negated
from ...solvers import drive
from ...stores import write_table
from ...tables._common import PathLike, _with_provenance
from ...thermal import ThermalChain
from ..progress import ProgressLog
from .bath import REST


def thermal_drag_sample(*, alpha: float, phi0: float, lam: float, mu: float, v: float,
                        tau_max: float, window: float, omega_T: float, statistics: str,
                        seed: int, omega_fast: float, d: int, solver: str,
                        interaction: Mapping[str, Any] | None = None) -> list[dict]:
    """One seed's drive runs at speed ``v``: realization and mirror image at +-|phi0|.

    ``statistics="rest"`` runs the chain at rest (two runs; ``omega_T`` and ``seed`` are
    recorded as given). With an ``interaction`` spec the two potentials are Phi and -Phi
    and ``phi0``, ``lam`` are not used. Returns one dict per run: v, omega_T, statistics,
    seed, phi0 (Phi(0) of the run's potential, with its sign), mirror, delta_bar (the work
    against the drag per mass, last ``window`` of the run), n_sites, n_modes, the run's
    inputs, lam (the force width) and, with a spec, ``interaction`` (Phi's JSON).
    """
    if statistics == REST:
        baths = [(None, False)]
    else:
        chain = ThermalChain(omega_T, statistics=statistics, seed=seed, omega_fast=omega_fast)
        baths = [(chain, False), (chain.mirrored(), True)]
    pot = Gaussian(abs(phi0), lam) if interaction is None else interaction_from_config(interaction)
    named = {} if interaction is None else dict(interaction=provenance_text(pot))
    rows = []
    for sign, signed in ((1.0, pot), (-1.0, negated(pot))):
        for bath, mirror in baths:
            res = drive(alpha=alpha, interaction=signed, mu=mu, v=v, tau_max=tau_max,
                        window=window, omega_fast=omega_fast, d=d, solver=solver,
                        thermal=bath,
                        progress=ProgressLog(f"thermal drag T={omega_T:g} v={v:g} seed={seed}"))
            rows.append(dict(v=float(v), omega_T=float(omega_T), statistics=statistics,
                             seed=int(seed), phi0=sign * pot.phi_at_zero, mirror=mirror,
                             delta_bar=res.delta_bar, n_sites=res.n_sites,
                             n_modes=res.params["n_modes"], alpha=alpha, lam=pot.width, mu=mu,
                             tau_max=tau_max, window=window, sigma0=res.params["sigma0"],
                             **named))
    return rows


def run_thermal_drag_batch(runs: Sequence[Mapping[str, Any]], out: PathLike) -> pd.DataFrame:
    """Run :func:`thermal_drag_sample` for every keyword dict in ``runs``; write one table."""
    df = pd.DataFrame([row for run in runs for row in thermal_drag_sample(**run)])
    first = runs[0]
    df = _with_provenance(df, omega_fast=first["omega_fast"], d=first["d"],
                          solver=first["solver"])
    write_table(df, out)
    return df
