"""Parameter sets, their allowed ranges, and the errors raised for bad input.

Every public entry point of the package validates its arguments with the helpers
here, so a physicist gets one kind of message everywhere: it names the parameter,
the value received and the allowed range.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path

import numpy as np


class ChaindragError(Exception):
    """Base class of every error raised by chaindrag."""


class ParameterError(ChaindragError, ValueError):
    """A parameter is outside its allowed range, not finite, or of the wrong type."""


class StoreError(ChaindragError):
    """A zarr store is missing, incomplete, too short, or made for other parameters."""


class SimulationError(ChaindragError, RuntimeError):
    """A run was stopped because its result would be unphysical (NaN, runaway, left the chain)."""


class TimeStepWarning(UserWarning):
    """The time step is legal but marginal for the interaction (delta*v close to lam)."""


class SeriesTruncationWarning(UserWarning):
    """A perturbation series was cut where the terms left out may not be small."""


def _describe(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(arr.item())
    if arr.size <= 6:
        return repr(arr.tolist())
    bad = ~np.isfinite(arr.astype(float))
    if bad.any():
        return f"array of {arr.size} values, {int(bad.sum())} not finite (first {arr[bad][0].item()!r})"
    return f"array with min {arr.min().item()!r} and max {arr.max().item()!r}"


def _not_real(value) -> str | None:
    """Why ``value`` is no real number (a bool, text, ...), or None if its type is fine."""
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, (str, bytes)):
        return "text"
    if isinstance(value, (list, tuple)):  # np.asarray would quietly turn [True] into [1.0]
        return next((f"an element that is {w}" for x in value if (w := _not_real(x))), None)
    return None


def _bound(x) -> str:
    """A range end for messages: ``1`` for 1.0, ``1e-15``, ``0.01`` (the float's repr)."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e16 else repr(x)


def range_text(lo: float = -math.inf, hi: float = math.inf, *, lo_open: bool = False,
               hi_open: bool = False) -> str:
    """The allowed range of a finite number as messages state it.

    ``"in [0, 1]"``, ``"> 1"`` (an end at infinity is no bound: a finite number is below
    it, so no bracket claims inf is allowed), ``"<= 0"``; ``""`` if both ends are infinite.
    """
    if math.isfinite(lo) and math.isfinite(hi):
        return (f"in {'(' if lo_open else '['}{_bound(lo)}, {_bound(hi)}"
                f"{')' if hi_open else ']'}")
    if math.isfinite(lo):
        return f"{'>' if lo_open else '>='} {_bound(lo)}"
    if math.isfinite(hi):
        return f"{'<' if hi_open else '<='} {_bound(hi)}"
    return ""


def _spaced(allowed: str) -> str:
    """`` allowed`` for a message, nothing if there is no range to state."""
    return f" {allowed}" if allowed else ""


def _real_array(name: str, value, allowed: str) -> np.ndarray:
    """``value`` as a float array; ParameterError for bools, text, complex or ragged input."""
    why = _not_real(value)
    if why is None:
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError):  # ragged sequences
            arr = np.asarray(None)
        kind = arr.dtype.kind
        if kind == "O" and arr.ndim and any(_not_real(x) for x in arr.flat):
            why = "an element that is not a real number"
        elif kind not in "iufO":  # bool, text, complex, dates
            why = "a bool" if kind == "b" else f"of type {arr.dtype}"
    if why is None:
        try:
            return arr.astype(float)
        except (TypeError, ValueError):
            why = f"of type {type(value).__name__}"
    raise ParameterError(f"{name} must be a real number{_spaced(allowed)}, got {value!r} ({why})")


def require_real_scalar(name: str, value, allowed: str = "") -> float:
    """Return ``value`` as a float after checking it is one real number (inf and NaN pass).

    Bools, text and sequences are refused (``True`` would otherwise run as 1, ``"40"`` as
    40, and ``[40.0]`` fail with a TypeError deep inside a solver); ``allowed`` describes
    the range for the message.
    """
    arr = _real_array(name, value, allowed)
    if arr.ndim != 0:
        raise ParameterError(f"{name} must be one real number{_spaced(allowed)}, got "
                             f"{_describe(value)} (shape {arr.shape})")
    return float(arr)


def require_flag(name: str, value) -> bool:
    """Return ``value`` as a bool after checking it is True or False (``numpy.bool_`` too).

    A truthiness test would run ``energy="no"`` as True.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def require_finite(name: str, value, *, scalar: bool = False, allowed: str = ""):
    """Return ``value`` after checking every element is a finite real number.

    Bools and text are refused. With ``scalar`` the value must be one number and is
    returned as a float. ``allowed`` is the range the caller goes on to check, for the
    message (``"> 0"``, ``"in [0, 1]"``: "x must be a finite number > 0, got inf"); without
    it the message is "x must be finite, got nan".
    """
    arr = (np.asarray(require_real_scalar(name, value, allowed)) if scalar
           else _real_array(name, value, allowed))
    if not np.all(np.isfinite(arr)):
        what = f"a finite number {allowed}" if allowed else "finite"
        raise ParameterError(f"{name} must be {what}, got {_describe(value)}")
    return float(arr) if scalar else value


def require_positive(name: str, value, *, allow_zero: bool = False, scalar: bool = False):
    """Check ``value`` is finite and > 0 (or >= 0 with ``allow_zero``); see require_finite."""
    allowed = ">= 0" if allow_zero else "> 0"
    value = require_finite(name, value, scalar=scalar, allowed=allowed)
    arr = np.asarray(value, dtype=float)
    bad = np.any(arr < 0) if allow_zero else np.any(arr <= 0)
    if bad:
        raise ParameterError(f"{name} must be a finite number {allowed}, got {_describe(value)}")
    return value


def require_range(name: str, value, lo: float = -math.inf, hi: float = math.inf,
                  *, lo_open: bool = False, hi_open: bool = False, scalar: bool = False):
    """Check ``lo <= value <= hi`` (strict where ``lo_open``/``hi_open``), every element finite.

    Messages state the range by ``range_text``: "omega_fast must be a finite number > 1,
    got inf", "window must be a finite number in (0, 1], got 2.0".
    """
    rng = range_text(lo, hi, lo_open=lo_open, hi_open=hi_open)
    value = require_finite(name, value, scalar=scalar, allowed=rng)
    arr = np.asarray(value, dtype=float)
    below = np.any(arr <= lo) if lo_open else np.any(arr < lo)
    above = np.any(arr >= hi) if hi_open else np.any(arr > hi)
    if below or above:
        raise ParameterError(f"{name} must be a finite number {rng}, got {_describe(value)}")
    return value


def require_int_range(name: str, value, lo: int, hi: int | None = None) -> int:
    """Check ``value`` is an integer with ``lo <= value`` (``<= hi`` if given); return it as int.

    Integer-valued floats (60.0, as YAML may give) pass; bools and text do not.
    """
    rng = f"in [{lo}, {hi}]" if hi is not None else f">= {lo}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Integral, np.integer)):
        if (isinstance(value, (bool, np.bool_)) or not isinstance(value, Real)
                or not float(value).is_integer()):
            raise ParameterError(f"{name} must be an integer {rng}, got {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        raise ParameterError(f"{name} must be an integer {rng}, got {value}")
    return value


def physical_memory() -> int | None:
    """Bytes of physical memory (``os.sysconf``: Linux, macOS), None where it is unknown."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def cgroup_memory_limit(proc: Path = Path("/proc/self/cgroup"),
                        root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """The tightest memory limit of this process's control groups (Linux), None if none.

    A Slurm job (``--mem``) or a container runs in a control group whose limit is below the
    machine's memory; exceeding it gets the job killed without a Python error. cgroup v2
    (``memory.max``) and v1 (``memory/memory.limit_in_bytes``) are read in the process's
    group and every group above it up to the mount point (the mount's root where the group
    is not visible, as in a container).
    """
    try:
        lines = proc.read_text().splitlines()
    except OSError:
        return None
    limits = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[1] == "":
            base, name = root, "memory.max"
        elif "memory" in parts[1].split(","):
            base, name = root / "memory", "memory.limit_in_bytes"
        else:
            continue
        group = base / parts[2].lstrip("/")
        for d in (group, *group.parents):
            if d != base and base not in d.parents:
                break
            try:
                text = (d / name).read_text().strip()
            except OSError:
                continue
            if text.isdigit():
                limits.append(int(text))
    return min(limits) if limits else None


def memory_limit() -> tuple[int | None, str]:
    """The memory this process may use and what sets it: the smaller of physical memory,
    the control groups' limit (:func:`cgroup_memory_limit`) and ``ulimit -v``."""
    found = [(physical_memory(), "this machine's physical memory"),
             (cgroup_memory_limit(), "this process's control-group memory limit (a Slurm "
                                     "job's --mem, a container's limit)")]
    try:
        import resource
        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            found.append((soft, "this process's address-space limit (ulimit -v)"))
    except (ImportError, OSError, ValueError):
        pass
    known = [(n, what) for n, what in found if n is not None]
    return min(known) if known else (None, "this machine's physical memory")


def require_memory(nbytes: float, what: str, advice: str) -> None:
    """Refuse (ParameterError) an allocation estimated at ``nbytes`` above :func:`memory_limit`.

    Checked before allocating, so a run that could never fit fails at once with the
    estimate instead of a MemoryError, a kill by the batch system (or numpy's "Maximum
    allowed dimension exceeded") after work started. Where no limit is known only estimates
    beyond 2**62 bytes are refused. ``what`` names what needs the memory and the parameters
    driving it, ``advice`` how to reduce it.
    """
    limit, source = memory_limit()
    if nbytes <= (2.0**62 if limit is None else limit):  # False for NaN and inf too
        return
    have = "unknown" if limit is None else f"{limit / 2**30:.3g} GiB"
    raise ParameterError(f"{what} need about {nbytes / 2**30:.3g} GiB, more than "
                         f"{source} ({have}): {advice}")


def require_omega_fast(omega_fast) -> float:
    """Check the band top ``omega_fast`` is a finite scalar > 1 (units of Omega_slow)."""
    return require_range("omega_fast", omega_fast, 1.0, lo_open=True, scalar=True)


@dataclass(frozen=True)
class ChainParams:
    """The chain: band top ``omega_fast`` (units of Omega_slow) and steps per fast period ``d``.

    The time step is ``delta = 1 / (d * omega_fast)`` (Appendix: delta = 1/(60 omega_fast)).
    """

    omega_fast: float = 10.0
    d: int = 60

    def __post_init__(self):
        object.__setattr__(self, "omega_fast", require_omega_fast(self.omega_fast))
        object.__setattr__(self, "d", require_int_range("d", self.d, 4))

    @property
    def delta(self) -> float:
        """Time step delta = 1/(d omega_fast) in units of t_slow."""
        return 1.0 / (self.d * self.omega_fast)
