"""Relations between configuration keys that a JSON schema cannot state, found by walking
the configuration: non-finite numbers, sweeps and ranges whose ends are disordered, chain
snapshots finer than a time step, the pair potentials to build, and values a job would
refuse that need no pair potential (:class:`Refusal`: oversized sweeps, kernel stores shorter
than a time step, a thermal ring too small); :mod:`chaindrag.config` turns each into a
message naming its keys. The runs' own checks are in :mod:`chaindrag._config_runs`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple


def _value(config: Mapping, path) -> Any:
    """The value at key ``path`` (a sequence of keys and list indices) of ``config``."""
    value: Any = config
    for part in path:
        value = value[part]
    return value


_MISSING = object()


def _get(config: Any, path) -> Any:
    """The value at ``path``, or _MISSING (unlike _value, for any shape of config)."""
    for part in path:
        if not isinstance(config, Mapping) or part not in config:
            return _MISSING
        config = config[part]
    return config


def _patch_leaves(patch: Mapping, path=()):
    """Paths of the values a merge patch sets (or deletes): its non-mapping entries."""
    for key, value in patch.items():
        if isinstance(value, Mapping):
            yield from _patch_leaves(value, path + (key,))
        else:
            yield path + (key,)


def quick_shadowed(config: Mapping, shipped: Mapping) -> list[str]:
    """Messages for the keys a user set away from the ``shipped`` configuration (config.yaml)
    that the quick preset's overrides replace: at ``preset=quick`` those values are not used
    (unless the user also changed the override itself, which is then what they asked for)."""
    quick, shipped_quick = config.get("quick") or {}, shipped.get("quick") or {}
    out = []
    for path in _patch_leaves(quick):
        mine, theirs, override = _get(config, path), _get(shipped, path), _get(quick, path)
        if theirs is not _MISSING and mine != theirs and override == _get(shipped_quick, path):
            key = ".".join(map(str, path))
            now = "deletes it" if override is None else f"= {override!r} replaces it"
            mine = "(deleted)" if mine is _MISSING else repr(mine)
            out.append(f"{key} = {mine} is not used at preset=quick: quick.{key} {now}; "
                       f"set quick.{key} to change the quick run")
    return out


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


# ------------------------------------------------------------------ what a job would refuse
class Refusal(NamedTuple):
    """A value a job would refuse, found at start-up: the key blamed, the keys it is judged
    with (partners), why, and what the blamed key must be instead."""
    key: tuple
    partners: tuple
    why: str
    expected: str


#: Speeds in one sweep at most: each is a simulation.
MAX_SWEEP = 10_000


def sweep_size(start: float, stop: float, step: float) -> int:
    """Speeds of the sweep start, start + step, ... up to stop (stop included to 1e-9 steps)."""
    # capped: a step of 1e-320 makes the ratio inf, which int() refuses
    return int(math.floor(min((stop - start) / step, 2.0**62) + 1e-9)) + 1


def sweep_speeds(start: float, stop: float, step: float) -> list[float]:
    """The speeds start, start + step, ... up to and including stop, rounded to 1e-10 (the
    workflow's sweeps: their values name the runs)."""
    return [round(start + k * step, 10) for k in range(sweep_size(start, stop, step))]


def _sweeps(config: Mapping):
    """Yield (path of the step, start path, stop path, start, stop, step) of every sweep: a
    {start, stop, step} mapping, and each series of a Fig. 5 panel (v0_start[i] .. v0_stop)."""
    for path, node in _mappings(config):
        if path[:1] == ("quick",):
            continue
        if all(k in node for k in ("start", "stop", "step")):
            yield (path + ("step",), path + ("start",), path + ("stop",), node["start"],
                   node["stop"], node["step"])
        elif isinstance(node.get("v0_start"), list) and "v0_step" in node:
            for i, start in enumerate(node["v0_start"]):
                yield (path + ("v0_step",), path + ("v0_start", i), path + ("v0_stop",), start,
                       node["v0_stop"], node["v0_step"])


def _mappings(value, path=()):
    """(path, mapping) of every mapping in ``value``, itself first."""
    if isinstance(value, Mapping):
        yield path, value
        for k, v in value.items():
            yield from _mappings(v, path + (k,))


def _value_refusals(config: Mapping):
    """Refusals that need no pair potential, of a configuration the schema accepts: sweeps
    of more than MAX_SWEEP speeds, a Fig. 5 panel without one v0_start per fig5.lam, kernel
    stores shorter than one time step or than the runs that read them, Fig. 2's times off
    its store's time grid, a thermal sampler ring too small for its longest lag."""
    from .kernel.store import lag_count
    from .params import ChainParams

    for step, lo, hi, start, stop, spacing in _sweeps(config):
        n, finest = sweep_size(start, stop, spacing), (stop - start) / (MAX_SWEEP - 1)
        if n > MAX_SWEEP:
            yield Refusal(step, (lo, hi), f"the sweep gives {n} speeds, more than {MAX_SWEEP} "
                          "(one simulation each)",
                          f">= (stop - start)/{MAX_SWEEP - 1} = {finest:.6g}")
    for panel in ("a", "b"):
        n_lam, starts = len(config["fig5"]["lam"]), config["fig5"][panel]["v0_start"]
        if len(starts) != n_lam:
            yield Refusal(("fig5", panel, "v0_start"), (("fig5", "lam"),),
                          "each fig5.lam is one series, starting at its v0_start",
                          f"one entry per fig5.lam ({n_lam})")
    for name, store in config["kernels"].items():
        delta = ChainParams(store["omega_fast"], store["d"]).delta
        if lag_count(store["tau_max"], delta) < 1:
            path = ("kernels", name)
            yield Refusal(path + ("tau_max",), (path + ("d",), path + ("omega_fast",)),
                          "a kernel store holds Gamma_n(l delta) for whole time steps l >= 1 of "
                          "delta = 1/(d omega_fast)", f">= delta = {delta:.6g}")
    yield from _kernel_use_refusals(config)
    yield from _sampler_refusals(config)


def _kernel_use_refusals(config: Mapping):
    """The kernel stores must hold what their readers need: Fig. 2's n_max and times (each a
    whole number of the store's steps: Gamma is read there, not interpolated, as
    tables.fig2_table tests), the solver checks' tau_max (the kernel solver's memory)."""
    from .kernel.store import grid_lag
    from .params import ChainParams

    readers = [(("fig2",), "taus"), (("health", "solvers"), "tau_max")]
    if isinstance(config.get("thermal"), Mapping):
        readers.append((("thermal", "solvers"), "tau_max"))
    for sec, key in readers:
        node = _value(config, sec)
        name = node["kernel"]
        store, path = config["kernels"][name], ("kernels", name)
        partners = (sec + ("kernel",), path + ("tau_max",))
        taus = node[key] if isinstance(node[key], list) else [node[key]]
        keys = [sec + (key, i) for i in range(len(taus))] if key == "taus" else [sec + (key,)]
        for k, tau in zip(keys, taus):
            if tau > store["tau_max"] + 1e-12:
                yield Refusal(k, partners, f"the run reads Gamma from kernel store {name!r} up "
                              f"to tau = {tau:g}", f"<= kernels.{name}.tau_max = "
                              f"{store['tau_max']:g}")
        if "n_max" in node and node["n_max"] > store["n_max"]:
            yield Refusal(sec + ("n_max",), (sec + ("kernel",), path + ("n_max",)),
                          f"the figure reads Gamma_n from kernel store {name!r} up to n = "
                          f"{node['n_max']}", f"<= kernels.{name}.n_max = {store['n_max']}")
        if key != "taus":
            continue
        delta = ChainParams(store["omega_fast"], store["d"]).delta
        for k, tau in zip(keys, taus):
            if grid_lag(tau, delta) is None:
                near = sorted({max(math.floor(tau / delta), 1) * delta,
                               max(math.ceil(tau / delta), 1) * delta})
                yield Refusal(k, (sec + ("kernel",), path + ("d",), path + ("omega_fast",)),
                              f"Gamma is stored at whole time steps delta = 1/(d omega_fast) "
                              f"= {delta:.6g} of kernel store {name!r}",
                              f"one of them, e.g. {', '.join(f'{t:.10g}' for t in near)}")


def _sampler_refusals(config: Mapping):
    """The thermal sampler's ring (n_modes sites) must be exact for its longest lag: the
    realizations' own rule (ThermalChain.require_ring over the 2 sites it compares)."""
    sampler = config.get("thermal", {}).get("sampler")
    if not isinstance(sampler, Mapping):
        return
    from .thermal.modes import needed_sites

    lag = max(range(len(sampler["lags"])), key=lambda i: sampler["lags"][i])
    need = needed_sites(sampler["lags"][lag], config["thermal"]["omega_fast"], 2)
    if sampler["n_modes"] < need:
        path = ("thermal", "sampler")
        yield Refusal(path + ("n_modes",), (path + ("lags", lag), ("thermal", "omega_fast")),
                      "the fastest wave must not come round the ring within the longest lag",
                      f">= {need}")

