"""Input checks shared by :func:`~chaindrag.solvers.simulate` and :func:`~chaindrag.solvers.drive`.

Each check raises :class:`~chaindrag.params.ParameterError` naming the parameter and its
allowed range; marginal time steps give a :class:`~chaindrag.params.TimeStepWarning`.
:func:`_status_error` turns a status code of the numba loops into a
:class:`~chaindrag.params.SimulationError` that says when and where the run stopped.
"""

from __future__ import annotations

import math
import os
import warnings

import numpy as np

from ..interactions import Gaussian, Interaction
from ..params import (ChainParams, ParameterError, SimulationError, TimeStepWarning,
                      require_finite, require_flag, require_int_range, require_memory,
                      require_positive)
from ._common import STATUS_NONFINITE, STATUS_RUNAWAY, STATUS_STEP_TOO_COARSE

#: delta*|v| above this fraction of the interaction's width (lam for the Gaussian) gets a
#: TimeStepWarning; above the width the run is refused.
MARGINAL_STEP_FRACTION = 0.3
#: d below this gets a TimeStepWarning (the paper needs delta << 1/omega_fast; it uses d = 60).
MARGINAL_D = 20
#: The float64 spacing of the positions a run reaches must stay below this fraction of the
#: interaction width: the loss error is 0.3-2 x spacing/width whatever d (measured with
#: sigma0 offset by multiples of alpha, 0 .. 1e15, d = 30, 60, 240), so it stays < ~2e-8.
POSITION_RESOLUTION = 1e-8
#: Bytes per step and particle of a run's records (positions in two words, velocities,
#: energies, force history, the Trajectory's copies), and per step for the scalar records.
_BYTES_PER_PARTICLE_STEP, _BYTES_PER_STEP = 48, 48


def _particles(sigma0, v0) -> tuple[np.ndarray, np.ndarray]:
    require_finite("sigma0", sigma0)  # refuses text and bools before they become numbers
    require_finite("v0", v0)
    s = np.atleast_1d(np.asarray(sigma0, dtype=float))
    v = np.atleast_1d(np.asarray(v0, dtype=float))
    if s.ndim != 1 or v.ndim != 1:
        raise ParameterError("sigma0 and v0 must be numbers or one-dimensional sequences")
    if s.size != v.size:
        raise ParameterError(f"sigma0 ({s.size} values) and v0 ({v.size} values) must have "
                             "one entry per particle")
    if s.size == 0:
        raise ParameterError("sigma0 and v0 need at least one particle")
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


def thermal_step(delta: float, omega_T: float, statistics: str, omega_fast: float) -> float:
    """A chain mass's rms move per step, delta x 2 pi sqrt(<(rho'/2 pi)^2>) (``velocity_variance``:
    omega_T classically)."""
    from ..thermal import velocity_variance

    return delta * 2.0 * math.pi * math.sqrt(float(velocity_variance(omega_T, statistics,
                                                                     omega_fast)))


def check_thermal_step(delta: float, bath, inter: Interaction, d: int) -> None:
    """The chain's thermal motion against the time step, as :func:`_check_step` the particle's.

    Above the interaction's width a mass's rms move per step (:func:`thermal_step`) samples
    the force it exerts too coarsely and the run is refused; above MARGINAL_STEP_FRACTION of
    it, a TimeStepWarning. (Classical, lam = 4, d = 60: omega_T = 1e6 moves masses 10.5 per
    step, and the final speed moved by 2.6e-4 of itself from d = 60 to 960, 1e-5 from 240.)
    """
    step = thermal_step(delta, bath.omega_T, bath.statistics, bath.omega_fast)
    width, name = inter.width, width_name(inter)
    say = (f"omega_T={bath.omega_T:.6g} ({bath.statistics}): the chain masses move by "
           f"delta*2 pi sqrt(<(rho'/2 pi)^2>)={step:.4g} per step (rms; delta=1/(d*omega_fast)"
           f"={delta:.4g}, d={d}), {step / width:.2f} x the interaction width {name}="
           f"{width:.4g}")
    if step > width:
        raise ParameterError(f"{say}: the time step is too coarse for this temperature; "
                             f"raise d to at least "
                             f"{math.ceil(d * step / (MARGINAL_STEP_FRACTION * width))}")
    if step > MARGINAL_STEP_FRACTION * width:
        warnings.warn(f"{say}; results may carry time-step errors — check by doubling d.",
                      TimeStepWarning, stacklevel=3)


def _interaction(phi0, lam, interaction) -> Interaction:
    """The pair potential: ``interaction``, or the shorthand Gaussian(phi0, lam)."""
    if interaction is None:
        if phi0 is None or lam is None:
            raise ParameterError("give the pair potential: phi0 and lam (the paper's "
                                 "Gaussian) or interaction (a chaindrag.interactions "
                                 "Interaction)")
        return Gaussian(require_finite("phi0", phi0, scalar=True),
                        require_positive("lam", lam, scalar=True))
    if phi0 is not None or lam is not None:
        raise ParameterError("give phi0 and lam (the Gaussian shorthand) or interaction, not "
                             "both")
    if not isinstance(interaction, Interaction):
        raise ParameterError(f"interaction must be a chaindrag.interactions.Interaction "
                             f"(Gaussian, Morse, ...), got {type(interaction).__name__}")
    return interaction


def _common_checks(alpha, inter, mu, tau_max, omega_fast, d, bias):
    """Checks of simulate and drive; call it directly from them (the warning's stacklevel)."""
    for name, value in (("alpha", alpha), ("mu", mu), ("tau_max", tau_max)):
        require_positive(name, value, scalar=True)
    require_finite("bias", bias, scalar=True)
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
    return record_every, chain_every, _sites(record_sites)


def _sites(record_sites) -> np.ndarray:
    """record_sites as a 1-D int64 array, in the order given (duplicates kept).

    One integer or a 1-D sequence of integers (integer-valued floats pass); bools, text,
    fractions and 2-D input are refused instead of being cast or flattened.
    """
    if record_sites is None:
        return np.zeros(0, dtype=np.int64)
    what = ("record_sites must be one integer or a one-dimensional sequence of integer "
            f"chain site indices g, got {record_sites!r}")
    if isinstance(record_sites, (str, bytes)):
        raise ParameterError(what)
    try:
        sites = np.asarray(record_sites)
    except (TypeError, ValueError):  # ragged
        raise ParameterError(what) from None
    if sites.ndim > 1 or sites.dtype.kind not in "iuf" or (
            isinstance(record_sites, (list, tuple))
            and any(isinstance(x, (bool, np.bool_)) for x in record_sites)):
        raise ParameterError(what)
    sites = sites.reshape(-1)
    if sites.dtype.kind == "f" and (not np.all(np.isfinite(sites))
                                    or np.any(sites != np.round(sites))
                                    or np.any(np.abs(sites) >= 2.0**62)):
        raise ParameterError(what)
    return sites.astype(np.int64, copy=False)  # no copy of a large int64 request


def _n_steps(tau_max: float, delta: float) -> int:
    steps = tau_max / delta if delta > 0 else math.inf  # delta = 0 when d*omega_fast overflows
    if not steps < 2.0**62:
        raise ParameterError(f"tau_max={tau_max:.6g} is {steps:.3g} time steps of delta=1/(d*"
                             f"omega_fast)={delta:.3g}: far too many; lower tau_max, d or "
                             "omega_fast")
    n = int(math.floor(steps + 1e-9))
    if n < 2:
        raise ParameterError(f"tau_max={tau_max:.6g} is shorter than two time steps "
                             f"(delta={delta:.6g})")
    return n


def check_record_memory(n: int, n_particles: int, n_sites: int, chain_every: int,
                        delta: float) -> None:
    """Refuse, before allocating them, records that would not fit in the process's memory.

    The particles' full history (every step, whatever ``record_every``), the energies and
    the chain record (``n_sites`` masses every ``chain_every`` steps), with their copies
    in the Trajectory: an estimate, a lower bound of the solver's own needs.
    """
    particle = (n + 2) * (_BYTES_PER_PARTICLE_STEP * n_particles + _BYTES_PER_STEP)
    chain = 16.0 * n_sites * (n // chain_every + 1)
    require_memory(
        float(particle) + chain,
        f"the run's records ({n_particles} particle(s) over n = floor(tau_max/delta) = {n} "
        f"steps, delta = 1/(d*omega_fast) = {delta:.3g}; {n_sites} record_sites every "
        f"chain_record_every = {chain_every} steps: {chain / 2**30:.3g} GiB)",
        "shorten tau_max or lower d or omega_fast; record fewer record_sites or raise "
        "chain_record_every (record_every only thins the output: the particles' history is "
        "kept at every step during the run)")


def check_reach(inter: Interaction, reach: float) -> float:
    """``reach``, refused (ParameterError) if not finite: where |Phi'| falls below 1e-20."""
    if not math.isfinite(reach):
        params = {k: v for k, v in inter.provenance().items() if k != "kind"}
        raise ParameterError(
            f"the interaction's reach (distance beyond which |Phi'| < {inter.reach_floor:g}) "
            f"is {reach!r} for {type(inter).__name__} {params}: the force never falls "
            "below the floor; lower |phi0| (the strength) or the width lam")
    return reach


def check_resolution(sig0: np.ndarray, vel0: np.ndarray, tau_max: float,
                     inter: Interaction) -> None:
    """Refuse positions too large for float64 to resolve the force (ParameterError).

    The spacing of float64 numbers at the largest |sigma| a particle reaches at its initial
    speed, |sigma0| + |v0| tau_max, must be <= POSITION_RESOLUTION x the interaction's
    width (lam for the Gaussian): the force is evaluated at sigma - alpha g. Beyond it
    the loss drifts (4e14 with lam = 4: 2 % off) and at 1e17 the particle no longer moves
    relative to the chain.
    """
    far = np.abs(sig0) + np.abs(vel0) * tau_max
    ratio = np.spacing(far) / inter.width
    p = int(np.argmax(ratio))
    if ratio[p] > POSITION_RESOLUTION:
        tol = POSITION_RESOLUTION * inter.width
        limit = 2.0 ** (math.floor(math.log2(tol)) + 53)
        raise ParameterError(
            f"sigma0={sig0[p]:.6g} is too far from the origin for float64: positions up to "
            f"|sigma0| + |v0| tau_max = {far[p]:.6g} are spaced {np.spacing(far[p]):.3g} "
            f"apart, more than {POSITION_RESOLUTION:g} x the interaction width "
            f"{width_name(inter)}={inter.width:.4g} (|sigma| must stay below {limit:.3g}). "
            "The chain is periodic in alpha: shift sigma0 by a multiple of alpha towards 0, "
            "or shorten tau_max.")


def check_thermal_window(window: tuple[int, int], tau_max: float, omega_fast: float) -> None:
    """Refuse a thermal ring that cannot fit in memory, before it is sized (ParameterError)."""
    sites = float(window[1] - window[0]) + math.pi * (omega_fast - 1.0) * tau_max
    require_memory(
        96.0 * sites,  # ThermalChain's peak bytes per mode
        f"the thermal realization's ring (>= {sites:.3g} sites: the interaction window "
        f"{float(window[0]):.6g}..{float(window[1] - 1):.6g}, which holds the particles' "
        "reach over tau_max and the record_sites, plus pi (omega_fast - 1) tau_max)",
        "shorten tau_max, record sites nearer the particles, or use a larger alpha")


def check_callbacks(progress, stop, boundary_store, energy) -> bool:
    """Refuse a non-callable ``progress``/``stop``, a ``boundary_store`` that is no path, and
    an ``energy`` that is not a bool, before any work starts; return ``energy`` as bool."""
    for name, value in (("progress", progress), ("stop", stop)):
        if value is not None and not callable(value):
            raise ParameterError(f"{name} must be None or a callable, got {value!r}")
    if boundary_store is not None and not isinstance(boundary_store, (str, os.PathLike)):
        raise ParameterError(f"boundary_store must be None or a directory path (str or "
                             f"os.PathLike), got {boundary_store!r}")
    return require_flag("energy", energy)


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
