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

from ..params import (ChainParams, GaussianInteraction, ParameterError, SimulationError,
                      TimeStepWarning, require_finite, require_int_range, require_positive)
from ._common import STATUS_NONFINITE, STATUS_RUNAWAY, STATUS_STEP_TOO_COARSE

#: delta*|v| above this fraction of lam gets a TimeStepWarning; above lam the run is refused.
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


def _check_step(delta: float, speed: float, lam: float, d: int, what: str) -> None:
    """Refuse delta*speed > lam, warn above MARGINAL_STEP_FRACTION*lam (at the user's call)."""
    step = delta * speed
    if step > lam:
        raise ParameterError(
            f"{what}={speed:.6g} moves the particle delta*|{what}|={step:.4g} per step, more "
            f"than the interaction width lam={lam:.4g} (delta=1/(d*omega_fast)={delta:.4g}, "
            f"d={d}): the time step is too coarse. The paper needs delta*v << lam; raise d to "
            f"at least {math.ceil(d * step / (MARGINAL_STEP_FRACTION * lam))} or lower {what}.")
    if step > MARGINAL_STEP_FRACTION * lam:
        warnings.warn(
            f"{what}={speed:.6g}: delta*|{what}|={step:.4g} is {step / lam:.2f} lam "
            f"(lam={lam:.4g}, delta={delta:.4g}); the paper needs delta*v << lam, results "
            f"may carry time-step errors — check by doubling d.", TimeStepWarning, stacklevel=3)


def _common_checks(alpha, phi0, lam, mu, tau_max, omega_fast, d, bias):
    """Checks of simulate and drive; call it directly from them (the warning's stacklevel)."""
    require_positive("alpha", alpha)
    require_positive("mu", mu)
    require_positive("tau_max", tau_max)
    require_finite("bias", bias)
    inter = GaussianInteraction(phi0, lam)  # checks phi0 finite, lam > 0
    chain = ChainParams(omega_fast, d)      # checks omega_fast > 1, d integer >= 4
    if chain.d < MARGINAL_D:
        warnings.warn(f"d={chain.d}: delta=1/(d*omega_fast) is not << 1/omega_fast (the paper "
                      f"uses d=60); fast chain modes are sampled only {chain.d} times per "
                      "period.", TimeStepWarning, stacklevel=3)
    return inter, chain


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


def _status_error(status: int, step: int, delta: float, sig_hist: np.ndarray, lam: float,
                  bias: float, v_runaway: float | None, extra: str = "") -> SimulationError:
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
            f"{delta * speed.max():.4g} per step, more than lam={lam:.4g} (bias={bias:.6g}): "
            "the time step is too coarse for this speed; stopped instead of writing garbage. "
            "Raise d or shorten tau_max.")
    if status == STATUS_RUNAWAY:
        return SimulationError(f"{where} the particle speed |v|={speed.max():.6g} exceeded "
                               f"v_runaway={v_runaway:.6g}; stopped.")
    return SimulationError(f"{extra} {where}")
