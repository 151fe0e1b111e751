"""Input checks shared by :func:`~chaindrag.solvers.simulate` and :func:`~chaindrag.solvers.drive`.

Each check raises :class:`~chaindrag.params.ParameterError` naming the parameter and its
allowed range; marginal time steps give a :class:`~chaindrag.params.TimeStepWarning`.
:func:`_status_error` turns a status code of the numba loops into a
:class:`~chaindrag.params.SimulationError` that says when and where the run stopped.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..interactions import Gaussian, Interaction
from ..params import (ChainParams, ParameterError, SimulationError, TimeStepWarning,
                      require_finite, require_int_range, require_positive)
from ._common import STATUS_NONFINITE, STATUS_RUNAWAY, STATUS_STEP_TOO_COARSE

#: delta*|v| above this fraction of the interaction's width (lam for the Gaussian) gets a
#: TimeStepWarning; above the width the run is refused.
MARGINAL_STEP_FRACTION = 0.3
#: d below this gets a TimeStepWarning (the paper needs delta << 1/omega_fast; it uses d = 60).
MARGINAL_D = 20


def _particles(sigma0, v0) -> tuple[np.ndarray, np.ndarray]:
    s = np.atleast_1d(np.asarray(sigma0, dtype=float))
    v = np.atleast_1d(np.asarray(v0, dtype=float))
    if s.ndim != 1 or v.ndim != 1:
        raise ParameterError("sigma0 and v0 must be numbers or one-dimensional sequences")
    if s.size != v.size:
        raise ParameterError(f"sigma0 ({s.size} values) and v0 ({v.size} values) must have "
                             "one entry per particle")
    if s.size == 0:
        raise ParameterError("sigma0 and v0 need at least one particle")
    require_finite("sigma0", s)
    require_finite("v0", v)
    return s, v


def width_name(inter: Interaction) -> str:
    """How messages name the interaction's width: ``lam`` for the Gaussian."""
    return "lam" if isinstance(inter, Gaussian) else f"width of the {type(inter).__name__}"


def _check_step(delta: float, speed: float, inter: Interaction, d: int, what: str) -> None:
    """Refuse delta*speed > width, warn above MARGINAL_STEP_FRACTION*width (at the user's call).

    The width (:attr:`~chaindrag.interactions.Interaction.width`) is the length over which
    the force changes: lam for the Gaussian.
    """
    step = delta * speed
    width, name = inter.width, width_name(inter)
    if step > width:
        raise ParameterError(
            f"{what}={speed:.6g} moves the particle delta*|{what}|={step:.4g} per step, more "
            f"than the interaction width {name}={width:.4g} (delta=1/(d*omega_fast)="
            f"{delta:.4g}, d={d}): the time step is too coarse. The paper needs delta*v << "
            f"lam; raise d to at least "
            f"{math.ceil(d * step / (MARGINAL_STEP_FRACTION * width))} or lower {what}.")
    if step > MARGINAL_STEP_FRACTION * width:
        warnings.warn(
            f"{what}={speed:.6g}: delta*|{what}|={step:.4g} is {step / width:.2f} x the "
            f"interaction width {name}={width:.4g} (delta={delta:.4g}); the paper needs "
            f"delta*v << lam, results may carry time-step errors — check by doubling d.",
            TimeStepWarning, stacklevel=3)


def _interaction(phi0, lam, interaction) -> Interaction:
    """The pair potential: ``interaction``, or the shorthand Gaussian(phi0, lam)."""
    if interaction is None:
        if phi0 is None or lam is None:
            raise ParameterError("give the pair potential: phi0 and lam (the paper's "
                                 "Gaussian) or interaction (a chaindrag.interactions "
                                 "Interaction)")
        return Gaussian(phi0, lam)  # checks phi0 finite, lam > 0
    if phi0 is not None or lam is not None:
        raise ParameterError("give phi0 and lam (the Gaussian shorthand) or interaction, not "
                             "both")
    if not isinstance(interaction, Interaction):
        raise ParameterError(f"interaction must be a chaindrag.interactions.Interaction "
                             f"(Gaussian, Morse, ...), got {type(interaction).__name__}")
    return interaction


def _common_checks(alpha, inter, mu, tau_max, omega_fast, d, bias):
    """Checks of simulate and drive; call it directly from them (the warning's stacklevel)."""
    require_positive("alpha", alpha)
    require_positive("mu", mu)
    require_positive("tau_max", tau_max)
    require_finite("bias", bias)
    chain = ChainParams(omega_fast, d)      # checks omega_fast > 1, d integer >= 4
    if chain.d < MARGINAL_D:
        warnings.warn(f"d={chain.d}: delta=1/(d*omega_fast) is not << 1/omega_fast (the paper "
                      f"uses d=60); fast chain modes are sampled only {chain.d} times per "
                      "period.", TimeStepWarning, stacklevel=3)
    return chain


def interaction_params(inter: Interaction) -> dict:
    """Provenance of the pair potential for ``params``: phi0 and lam kept for the Gaussian."""
    prov = inter.provenance()
    out = dict(phi0=inter.phi0, lam=inter.lam) if isinstance(inter, Gaussian) else {}
    return dict(out, interaction=prov["kind"], interaction_params=prov)


def interaction_common(inter: Interaction, *, alpha: float, mu: float, bias: float,
                       delta: float, v_runaway: float = 0.0, reach: float | None = None) -> dict:
    """The scalars and arrays a backend needs (:attr:`SolverJob.common`).

    ``reach`` (default ``inter.reach()``): how far from a particle the masses are visited.
    """
    kind, params = inter.kernel_args()
    return dict(alpha=float(alpha), kind=int(kind), params=params, mu=float(mu),
                bias=float(bias), delta=delta,
                reach=float(inter.reach() if reach is None else reach),
                dv_limit=float(inter.width), width_name=width_name(inter),
                v_runaway=float(v_runaway))


def _recording(record_every, chain_record_every, record_sites) -> tuple[int, int, np.ndarray]:
    """Checked (record_every, chain_record_every, record_sites as int64 array)."""
    record_every = require_int_range("record_every", record_every, 1)
    chain_every = require_int_range("chain_record_every",
                                    record_every if chain_record_every is None
                                    else chain_record_every, 1)
    sites_rec = (np.zeros(0, dtype=np.int64) if record_sites is None
                 else np.asarray(record_sites).reshape(-1))
    if sites_rec.size and not np.issubdtype(sites_rec.dtype, np.integer):
        if not np.all(np.isfinite(sites_rec)) or np.any(sites_rec != np.round(sites_rec)):
            raise ParameterError("record_sites must be integer site indices")
    return record_every, chain_every, sites_rec.astype(np.int64)


def _n_steps(tau_max: float, delta: float) -> int:
    n = int(math.floor(tau_max / delta + 1e-9))
    if n < 2:
        raise ParameterError(f"tau_max={tau_max:.6g} is shorter than two time steps "
                             f"(delta={delta:.6g})")
    return n


def _status_error(status: int, step: int, common: dict, sig_hist: np.ndarray,
                  extra: str = "") -> SimulationError:
    delta, width, bias = common["delta"], common["dv_limit"], common["bias"]
    v_runaway = common["v_runaway"] or None
    tau = step * delta
    last = sig_hist[:, step]
    prev = sig_hist[:, max(step - 1, 0)]
    speed = np.abs(last - prev) / delta
    where = f"at tau={tau:.6g} (step {step}), sigma={np.array2string(last, precision=6)}"
    if status == STATUS_NONFINITE:
        return SimulationError(f"non-finite particle position {where}: the run diverged")
    if status == STATUS_STEP_TOO_COARSE:
        return SimulationError(
            f"{where} the particle reached |v|={speed.max():.6g}, moving delta*|v|="
            f"{delta * speed.max():.4g} per step, more than the interaction width "
            f"{common['width_name']}={width:.4g} (bias={bias:.6g}): "
            "the time step is too coarse for this speed; stopped instead of writing garbage. "
            "Raise d or shorten tau_max.")
    if status == STATUS_RUNAWAY:
        return SimulationError(f"{where} the particle speed |v|={speed.max():.6g} exceeded "
                               f"v_runaway={v_runaway:.6g}; stopped.")
    return SimulationError(f"{extra} {where}")
