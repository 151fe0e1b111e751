"""Relations between configuration keys that a JSON schema cannot state, found by walking
the configuration: non-finite numbers, sweeps and ranges whose ends are disordered, chain
snapshots finer than a time step, and the pair potentials to build (:mod:`chaindrag.config`
turns each into a message naming its keys)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def _value(config: Mapping, path) -> Any:
    """The value at key ``path`` (a sequence of keys and list indices) of ``config``."""
    value: Any = config
    for part in path:
        value = value[part]
    return value


def _non_finite(value, path=()):
    """Yield the key paths of NaN/inf floats (JSON schema range checks let NaN through)."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _non_finite(v, path + (k,))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _non_finite(v, path + (i,))
    elif isinstance(value, float) and not math.isfinite(value):
        yield path


def _finer_than_a_step(value, path=()):
    """Yield (path, delta/2) of sections recording chain snapshots (n_sites > 0) more often
    than every step: chain_record_dtau < delta/2 with delta = 1/(d omega_fast) of the same
    section (keys the schema checks one at a time)."""
    if isinstance(value, Mapping):
        dtau, d, wf = (value.get(k) for k in ("chain_record_dtau", "d", "omega_fast"))
        if all(isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0
               for x in (dtau, d, wf)) and value.get("n_sites") and dtau < 0.5 / (d * wf):
            yield path, 0.5 / (d * wf)
        for k, v in value.items():
            yield from _finer_than_a_step(v, path + (k,))


#: Two-item lists that are ranges [low, high] (schema: minItems = maxItems = 2).
_RANGES = ("inset_v", "runaway_band")
#: (low, high, strict) keys of one mapping: a sweep, a speed grid, Fig. 9's attractive curve.
_ORDERED = (("start", "stop", False), ("v_min", "v_max", True),
            ("v_min_attractive", "v_max", True))


def _disordered(value, path=()):
    """Yield (path, low key, high key, strict) of sweeps/ranges whose upper end lies below
    the lower, the keys as paths inside ``path``: ("stop",), ("inset_v", 1).

    JSON schema cannot compare two keys; a sweep {start, stop, step} with stop < start, a
    grid {v_min, v_max} with v_max <= v_min, a range [low, high] with high <= low or a Fig. 5
    series starting above its panel's v0_stop would otherwise fail later, far from the
    configuration, or silently produce an empty sweep or a reversed axis.
    """
    if isinstance(value, Mapping):
        pairs = [((lo,), (hi,), strict) for lo, hi, strict in _ORDERED
                 if lo in value and hi in value]
        pairs += [((key, 0), (key, 1), True) for key in _RANGES
                  if isinstance(value.get(key), list) and len(value[key]) == 2]
        if isinstance(value.get("v0_start"), list) and "v0_stop" in value:  # a Fig. 5 panel
            pairs += [(("v0_start", i), ("v0_stop",), False)
                      for i in range(len(value["v0_start"]))]
        for lo, hi, strict in pairs:
            a, b = _value(value, lo), _value(value, hi)
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
                    and (b < a or (strict and b == a)):
                yield path, lo, hi, strict
        for k, v in value.items():
            yield from _disordered(v, path + (k,))


def _interaction_specs(value, path=()):
    """Yield (path, spec) of every pair potential: an ``interaction:`` mapping, or an entry
    of an ``interactions:`` mapping (the potentials study)."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            if k == "interaction" and isinstance(v, Mapping):
                yield path + (k,), v
            elif k == "interactions" and isinstance(v, Mapping):
                yield from ((path + (k, name), spec) for name, spec in v.items()
                            if isinstance(spec, Mapping))
            else:
                yield from _interaction_specs(v, path + (k,))
