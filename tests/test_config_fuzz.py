"""Randomized mutations of the shipped configuration: every valid variation is accepted, every
invalid one is refused with a message naming the key path it changed (and, for a number out
of range, the allowed range); a problem a ``quick:`` override makes is blamed on
``quick.<key>``.

The mutations are drawn, with seeded numpy Generators, from the real config.yaml and from the
schema itself (each key's type, range, choices and list lengths), so a new key is covered
without editing this file. What is valid beyond the schema (a sweep's stop not below its
start, a time step the solvers accept, ...) is written out in :func:`_broken_relations`,
independently of chaindrag.config (from the package's documented rules, erring on the side
of refusal: a variation flagged there is only not drawn).
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import yaml

from chaindrag.config import _subschema, check_config, load_schema, merge_patch
from chaindrag.interactions import interaction_from_config
from chaindrag.params import ParameterError
from chaindrag.thermal.modes import needed_sites

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
CONFIG = REPO / "config.yaml"
SEED = 20261203
N_VALID = 300           # valid variations (one to four changes each)
N_OUT_OF_RANGE = 160    # numbers out of range by a little and by a lot, and forbidden zeros
N_WRONG_TYPE = 140      # bools, texts, lists, None, non-integers, NaN and infinities
N_KEYS = 90             # unknown keys (typos and strangers) and missing keys
N_LISTS = 50            # empty and overlong lists, unknown choices (kernel names among them)
N_QUICK = 180           # the above, and the relations, written through the quick overrides
DELETE = object()       # a write that removes the key


# ------------------------------------------------------------------ fixtures and helpers
@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load(CONFIG.read_text())


@pytest.fixture(scope="module")
def root() -> dict:
    return load_schema(SCHEMA)


def _key(path) -> str:
    """A key path as the messages write it: fig5.a.v0_start[2]."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _get(cfg, path):
    for part in path:
        cfg = cfg[part]
    return cfg


def _set(cfg, path, value) -> None:
    node = _get(cfg, path[:-1])
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


def _override(cfg: dict, path, value) -> None:
    """Make the merged configuration hold ``value`` at ``path`` by a write to cfg['quick'] (a
    list is replaced whole, as the merge does; a key is removed by a null, the merge patch's
    deletion)."""
    merged = merge_patch(cfg, cfg["quick"])
    cut = next((i for i, p in enumerate(path) if isinstance(p, int)), len(path))
    node = cfg["quick"]
    for part in path[:cut - 1]:
        node = node.setdefault(part, {})
    if cut == len(path):
        node[path[-1]] = None if value is DELETE else value
    else:  # an element of a list: the override holds the whole (merged) list
        items = copy.deepcopy(_get(merged, path[:cut]))
        _set(items, path[cut:], value)
        node[path[cut - 1]] = items


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _bounds(s: dict):
    """(lo, lo_open, hi, hi_open) of a number's schema."""
    return (s.get("exclusiveMinimum", s.get("minimum")), "exclusiveMinimum" in s,
            s.get("exclusiveMaximum", s.get("maximum")), "exclusiveMaximum" in s)


def _range_text(s: dict) -> str:
    """The bounds a range message must quote, as the schema writes them: '0, 1000'."""
    lo, _, hi, _ = _bounds(s)
    return f"{lo}, {hi}"


def _walk(cfg, root, path=()):
    """(path, schema) of every value of ``cfg`` (the quick overrides left out)."""
    schema = _subschema(root, path)
    if schema is None:
        return
    yield path, schema
    if isinstance(cfg, dict):
        for k, v in cfg.items():
            if path or k != "quick":
                yield from _walk(v, root, path + (k,))
    elif isinstance(cfg, list):
        for i, v in enumerate(cfg):
            yield from _walk(v, root, path + (i,))


def _in_potential(path) -> bool:
    return "interaction" in path or "interactions" in path


def _names(message: str, needle: str) -> bool:
    """``needle`` occurs in ``message`` as a whole key path (not as the tail of a longer one:
    'fig3.alpha = ' does not match in 'quick.fig3.alpha = ')."""
    return re.search(r"(?<![\w.\[])" + re.escape(needle), message) is not None


def _refusal(cfg) -> str | None:
    """check_config's message, None if it accepts ``cfg``; any other exception is a failure."""
    try:
        check_config(cfg, SCHEMA)
    except ParameterError as err:
        return str(err)
    except Exception as err:  # noqa: BLE001 - a crash is a finding, reported as such
        return f"CRASH {type(err).__name__}: {err}"
    return None


# ------------------------------------------------------------------ what a physicist calls valid
def _broken_relations(cfg: dict, root: dict) -> list[str]:
    """Relations between keys that the schema cannot state, for the sections and for the
    sections with the quick overrides merged in: written from the schema's descriptions.
    Kernel stores large enough are checked by the workflow's rules, not check_config; what
    the jobs would refuse (the runs' time step and length, ...) is :func:`_refused_runs`."""
    out = []

    def walk(node, path):
        if isinstance(node, list):
            s = _subschema(root, path) or {}
            if s.get("uniqueItems") and len({repr(float(x)) if _number(x) else repr(x)
                                              for x in node}) < len(node):
                out.append(f"{_key(path)} repeats an item")
            return
        if not isinstance(node, dict):
            return
        get = node.get
        if _number(get("start")) and _number(get("stop")) and get("stop") < get("start"):
            out.append(f"{_key(path)}: stop < start")
        for lo in ("v_min", "v_min_attractive"):
            if _number(get(lo)) and _number(get("v_max")) and get("v_max") <= get(lo):
                out.append(f"{_key(path)}: v_max <= {lo}")
        if _number(get("v0_stop")) and isinstance(get("v0_start"), list) \
                and any(_number(x) and x > get("v0_stop") for x in get("v0_start")):
            out.append(f"{_key(path)}: a v0_start above v0_stop")
        for key in ("inset_v", "runaway_band"):
            pair = get(key)
            if isinstance(pair, list) and len(pair) == 2 and pair[1] <= pair[0]:
                out.append(f"{_key(path)}.{key} reversed")
        if all(_number(get(k)) for k in ("chain_record_dtau", "d", "omega_fast")) and get(
                "n_sites") and get("chain_record_dtau") < 0.5 / (get("d") * get("omega_fast")):
            out.append(f"{_key(path)}: chain snapshots finer than a time step")
        for k, v in node.items():
            if path or k != "quick":
                walk(v, path + (k,))

    def wiring(c):
        stores = c["kernels"]
        for need, store, n_max, tau in (
                ("fig2", c["fig2"]["kernel"], c["fig2"]["n_max"], max(c["fig2"]["taus"])),
                ("health.solvers", c["health"]["solvers"]["kernel"], 0,
                 c["health"]["solvers"]["tau_max"]),
                ("thermal.solvers", c["thermal"]["solvers"]["kernel"], 0,
                 c["thermal"]["solvers"]["tau_max"])):
            if n_max > stores[store]["n_max"] or tau > stores[store]["tau_max"]:
                out.append(f"{need} needs more than kernels.{store}")
        grid = stores[c["fig2"]["kernel"]]  # Gamma is read at whole steps 1/(d omega_fast)
        for i, tau in enumerate(c["fig2"]["taus"]):
            steps = tau * grid["d"] * grid["omega_fast"]
            if round(steps) < 1 or abs(steps - round(steps)) > 1e-9 * max(steps, 1.0):
                out.append(f"fig2.taus[{i}] off kernels.{c['fig2']['kernel']}'s time grid")
        for panel in ("a", "b"):
            if len(c["fig5"][panel]["v0_start"]) != len(c["fig5"]["lam"]):
                out.append(f"fig5.{panel}.v0_start: not one per fig5.lam")

    for view in (cfg, merge_patch(cfg, cfg.get("quick") or {})):
        walk(view, ())
        wiring(view)
        if not out:  # the runs' rules, of sections that are otherwise sound
            out += _refused_runs(view)
    return sorted(set(out))


def _width(section: dict, lam=None) -> float:
    """The force width of a section's potential (its interaction's, else the Gaussian's lam);
    0 for a spec its class refuses (every run counts as too coarse then)."""
    spec = section.get("interaction")
    if spec is None:
        return section["lam"] if lam is None else lam
    try:
        return interaction_from_config(spec).width
    except ParameterError:
        return 0.0


def _top(speeds) -> list:
    """The speeds a key gives: a sweep's stop (at least its fastest), a list's, a number."""
    if isinstance(speeds, dict):
        return [speeds["stop"]]
    return list(speeds) if isinstance(speeds, list) else [speeds]


def _refused_runs(c: dict) -> list[str]:
    """What the jobs refuse, from the solvers' documented rules and erring on the side of
    refusal (a variation flagged here is only not drawn): delta v0 <= the interaction's
    width; a run of two time steps at least (a single pass lasts run_length alpha/v0); drive
    mode's last `window` (0.5 for health.drive) passing two midpoints; positions within
    float64's resolution (spacing <= 1e-8 width); a sweep of at most 10 000 speeds; a kernel
    store of one time step at least; a sampler ring exact for its longest lag; a barrier,
    and a fine enough step, for potentials.below_capture."""
    out = []
    c5, h, th, pot = c["fig5"], c["health"], c["thermal"], c["potentials"]
    store = {name: 1.0 / (k["d"] * k["omega_fast"]) for name, k in c["kernels"].items()}
    # (what, speeds, section, tau or None, run_length or None, "sigma0" or drive's window)
    runs = [("fig3", _top(c["fig3"]["v0"]), c["fig3"], c["fig3"]["tau_max"], None, "sigma0"),
            ("fig4.pass", _top(c["fig4"]["pass"]["v0"]), c["fig4"],
             c["fig4"]["pass"]["tau_max"], None, "sigma0"),
            ("fig8", _top(c["fig8"]["v0"]), c["fig8"], c["fig8"]["tau_max"], None, "sigma0"),
            ("health.energy", [h["energy"]["v0"]], h["energy"], h["energy"]["tau_max"], None,
             "sigma0"),
            ("health.timestep", h["timestep"]["v0"], h["timestep"], None,
             h["timestep"]["run_length"], None),
            ("health.drive", h["drive"]["v"], h["drive"], h["drive"]["tau_max"], None, 0.5)]
    runs += [(f"fig4.{side}", _top(c["fig4"]["fluctuation"][side]), c["fig4"], None,
              c["fig4"]["fluctuation"]["run_length"], None) for side in ("repulsive", "attractive")]
    runs += [(f"fig6.{side}", _top(c["fig6"][side]), c["fig6"], None, c["fig6"]["run_length"],
              None) for side in ("repulsive", "attractive")]
    for name, speeds, tau, extra in (("single_pass", "v0", None, None),
                                     ("equilibration", "v_hot", "tau_max", None),
                                     ("drift", "v0", "tau_max", "sigma0"),
                                     ("drag", "v", "tau_max", th["drag"]["window"])):
        sec = th[name]
        runs.append((f"thermal.{name}", _top(sec[speeds]), dict(sec, d=th["d"],
                     omega_fast=th["omega_fast"]), sec.get(tau), sec.get("run_length"), extra))
    for name, sec in (("health.solvers", h["solvers"]), ("thermal.solvers", th["solvers"])):
        k = c["kernels"][sec["kernel"]]
        runs.append((name, [sec["v0"]], dict(sec, d=k["d"], omega_fast=k["omega_fast"]),
                     sec["tau_max"], None, "sigma0"))
    expanded = []
    for what, speeds, sec, tau, run_length, extra in runs:
        ds = sec["d"] if isinstance(sec["d"], list) else [sec["d"]]
        widths = [_width(sec)]
        expanded += [(what, speeds, 1.0 / (d * sec["omega_fast"]), w, sec, tau, run_length,
                      extra) for d in ds for w in widths]
    for panel in ("a", "b"):
        p = c5[panel]
        lams = c5["lam"][:1] if "interaction" in c5 else c5["lam"]
        expanded += [(f"fig5.{panel}", [p["v0_stop"]], 1.0 / (p["d"] * c5["omega_fast"]),
                      _width(c5, lam), c5, None, c5["run_length"], None) for lam in lams]
    for label, spec in pot["interactions"].items():
        expanded.append((f"potentials.{label}", _top(pot["v0"]),
                         1.0 / (pot["d"] * pot["omega_fast"]), _width({"interaction": spec}),
                         pot, None, pot["run_length"], None))
    for what, speeds, delta, width, sec, tau, run_length, extra in expanded:
        fast, slow = max(speeds), min(speeds)
        if delta * fast >= width * (1 - 1e-9):
            out.append(f"{what}: delta v0 > width")
        if run_length is not None and run_length * sec["alpha"] / fast < 2.001 * delta:
            out.append(f"{what}: a single pass shorter than two steps")
        if tau is not None and tau < 2.001 * delta:
            out.append(f"{what}: a run shorter than two steps")
        if isinstance(extra, float) and slow * extra * (tau - delta) < 2.001 * sec["alpha"]:
            out.append(f"{what}: drive's window passes fewer than two midpoints")
        if extra == "sigma0" and np.spacing(sec["sigma0"] + fast * tau) > 0.5e-8 * width:
            out.append(f"{what}: positions beyond float64's resolution")
    out += _refused_settings(c, store)
    return out


def _refused_settings(c: dict, store: dict) -> list[str]:
    """The rest of _refused_runs: sweeps, kernel stores, the sampler's ring, below_capture."""
    out = []
    sweeps = [c["fig4"]["fluctuation"]["repulsive"], c["fig4"]["fluctuation"]["attractive"],
              c["fig6"]["repulsive"], c["fig6"]["attractive"], c["fig8"]["v0"],
              c["potentials"]["v0"]]
    sweeps += [dict(start=start, stop=c["fig5"][p]["v0_stop"], step=c["fig5"][p]["v0_step"])
               for p in ("a", "b") for start in c["fig5"][p]["v0_start"]]
    if any((s["stop"] - s["start"]) / s["step"] > 9998 for s in sweeps):
        out.append("a sweep of more than 10 000 speeds")
    out += [f"kernels.{name}: shorter than a step" for name, delta in store.items()
            if c["kernels"][name]["tau_max"] < delta * (1 + 1e-6)]
    for name in ("health", "thermal"):  # the kernel solver's tracked masses hold the reach
        sec = c[name]["solvers"]
        spec = sec.get("interaction") or {"kind": "gaussian", "phi0": abs(
            sec["phi0"][0] if isinstance(sec["phi0"], list) else sec["phi0"]), "lam": sec["lam"]}
        try:
            reach_masses = interaction_from_config(spec).reach() / sec["alpha"]
        except ParameterError:
            continue  # refused as a potential
        if c["kernels"][sec["kernel"]]["n_max"] < 2 * (math.ceil(min(reach_masses, 2.0**62)) + 2):
            out.append(f"{name}.solvers: kernel store too narrow")
    sampler = c["thermal"]["sampler"]
    if sampler["n_modes"] < needed_sites(max(sampler["lags"]), c["thermal"]["omega_fast"], 2):
        out.append("thermal.sampler: ring too small")
    pot = c["potentials"]
    for label, spec in pot["interactions"].items() if "below_capture" in pot else ():
        if any(spec.get(a, 1.0) < 0 for a in ("phi0", "A", "Q")):
            continue  # no barrier, and no such run
        try:
            inter = interaction_from_config(spec)
        except ParameterError:
            continue  # refused as a potential
        v = pot["below_capture"] * inter.capture_speed(pot["mu"])
        if v <= 0 or v / (pot["d"] * pot["omega_fast"]) >= inter.width * (1 - 1e-9):
            out.append(f"potentials.below_capture: {label}")
    return out


def _valid_number(s: dict, orig, rng, moderate: bool = False):
    """A value inside the documented range of number schema ``s``: its ends, uniform and
    log-uniform draws, integers where a float is asked.
    ``moderate``: within [0.05, 10] (a pair potential's parameters: not every in-range
    combination is a potential, a Morse channel with a (r0 - h) > 355 overflows)."""
    lo, lo_open, hi, hi_open = _bounds(s)
    if moderate:
        lo, lo_open, hi, hi_open = (max(lo, -10.0), False, min(hi, 10.0), False)
        if lo >= 0:
            lo = max(lo, 0.05)
    if s["type"] == "integer":
        a, b = lo + lo_open, hi - hi_open
        v = [a, b, int(rng.integers(a, b + 1)),
             int(min(b, max(a, round(math.exp(rng.uniform(0, math.log(b + 1))))))), orig][
            rng.integers(5)]
        return int(v)
    pick = rng.integers(6)
    if pick == 0:
        v = math.nextafter(lo, math.inf) if lo_open else lo
    elif pick == 1:
        v = math.nextafter(hi, -math.inf) if hi_open else hi
    elif pick == 2:
        v = float(rng.uniform(lo, hi))
    elif pick == 3:  # log-uniform over the range's magnitudes, either sign where allowed
        top = max(abs(lo), abs(hi))
        v = float(math.exp(rng.uniform(math.log(top * 1e-9), math.log(top))))
        v = -v if lo < 0 and rng.random() < 0.5 else v
    elif pick == 4:
        v = float(orig) * float(rng.uniform(0.5, 2.0))
    else:
        v = int(round(rng.uniform(lo, hi)))  # YAML's 40 for a float
    if v < lo or v > hi or (lo_open and v == lo) or (hi_open and v == hi):
        v = float(orig)
    if isinstance(s.get("not"), dict) and s["not"].get("const") == v:
        v = float(orig)
    return v


_SPECS = {  # moderate parameters of each kind of pair potential
    "gaussian": lambda u, sign: {"kind": "gaussian", "phi0": sign * u(0.1, 50), "lam": u(0.5, 10)},
    "lorentzian": lambda u, sign: {"kind": "lorentzian", "A": sign * u(0.1, 50), "b": u(0.5, 10)},
    "morse": lambda u, sign: {"kind": "morse", "D": u(0.1, 10), "a": u(0.1, 2), "r0": u(0, 10),
                              "h": u(0.5, 10)},
    "lennard_jones": lambda u, sign: {"kind": "lennard_jones", "epsilon": u(0.1, 10),
                                      "s": u(0.5, 10), "h": u(0.5, 10)},
    "yukawa": lambda u, sign: {"kind": "yukawa", "Q": sign * u(0.1, 50),
                               "screening_length": u(0.5, 20), "h": u(0.5, 10)},
}


def _spec(kind: str, rng) -> dict:
    def u(a, b):
        return float(np.round(rng.uniform(a, b), 3)) or 0.5
    return _SPECS[kind](u, 1.0 if rng.random() < 0.5 else -1.0)


def _interaction_sections(config, root):
    """Paths of the sections that take an ``interaction:`` (from the schema)."""
    return [p for p, s in _walk(config, root)
            if s.get("type") == "object" and "interaction" in s.get("properties", {})]


def _index(config: dict, root: dict) -> dict:
    """What _valid_variation draws from: the numbers of the sections and of the merged
    configuration, the sections taking an interaction, the sweeps."""
    views = (("sections", config), ("quick", merge_patch(config, config["quick"])))
    out = {view: [(p, s) for p, s in _walk(cfg, root) if s.get("type") in ("number", "integer")]
           for view, cfg in views}
    out["interaction"] = _interaction_sections(config, root)
    out["sweep"] = [p for p, s in _walk(config, root) if "step" in s.get("properties", {})]
    return out


def _valid_variation(config: dict, root: dict, rng, index: dict) -> tuple[str, dict]:
    """One valid variation of the shipped configuration: (what, configuration)."""
    cfg = copy.deepcopy(config)
    kind = rng.choice(["sections", "quick", "interaction", "sweep", "preset", "optional"],
                      p=[0.4, 0.25, 0.12, 0.1, 0.08, 0.05])
    done = []
    for _ in range(int(rng.integers(1, 5)) if kind in ("sections", "quick") else 1):
        for _attempt in range(20):
            trial = copy.deepcopy(cfg)
            if kind in ("sections", "quick"):
                path, s = index[kind][rng.integers(len(index[kind]))]
                view = trial if kind == "sections" else merge_patch(trial, trial["quick"])
                value = _valid_number(s, _get(view, path), rng, _in_potential(path))
                (_set if kind == "sections" else _override)(trial, path, value)
                what = f"{'quick.' if kind == 'quick' else ''}{_key(path)} = {value!r}"
            elif kind == "interaction":
                path = index["interaction"][rng.integers(len(index["interaction"]))]
                name = str(rng.choice(list(_SPECS)))
                spec = _spec(name, rng)
                if rng.random() < 0.3:
                    trial["potentials"]["interactions"][name] = dict(spec, kind=name)
                    path = ("potentials", "interactions", name)
                else:
                    path = path + ("interaction",)
                    (_set if rng.random() < 0.6 else _override)(trial, path, spec)
                what = f"{_key(path)} = {spec}"
            elif kind == "sweep":
                path = index["sweep"][rng.integers(len(index["sweep"]))]
                node = copy.deepcopy(_get(trial, path))
                if rng.random() < 0.5:  # a single speed
                    node["stop"] = node["start"]
                else:  # a step that does not land on stop ("included when on the grid")
                    node["step"] = float(np.round(rng.uniform(0.01, 1.5)
                                                  * max(node["stop"] - node["start"], 1.0), 4))
                (_set if rng.random() < 0.6 else _override)(trial, path, node)
                what = f"{_key(path)} = {node}"
            elif kind == "preset":
                trial["preset"] = "quick"
                what = "preset = 'quick'"
            else:
                optional = [("potentials", "below_capture"), ("preset",), ("quick",)]
                path = optional[rng.integers(len(optional))]
                _set(trial, path, DELETE)
                what = f"{_key(path)} removed"
            if not _broken_relations(trial, root):
                cfg = trial
                done.append(what)
                break
    return "; ".join(done), cfg


# ------------------------------------------------------------------ invalid mutations
@dataclass
class Mutation:
    """Writes that make one problem and the texts its message must hold.

    ``needles`` name the written keys ("{q}" stands for "" or "quick.", where they were
    written); ``partners`` name the keys the problem also involves (checked when written to
    the sections, where they carry no prefix)."""
    what: str
    writes: list
    needles: list
    partners: list = field(default_factory=list)


def _write(path, value, *more: str) -> Mutation:
    """A value error at ``path``: named as '<key> = <repr>', plus ``more`` texts."""
    return Mutation(f"{_key(path)} = {value!r}", [(path, value)],
                    ["{q}" + f"{_key(path)} = {value!r}", *more])


def _out_of_range(path, s, orig, rng) -> Mutation:
    lo, lo_open, hi, hi_open = _bounds(s)
    integer = s["type"] == "integer"
    side, size = rng.choice(["lo", "hi"]), rng.choice(["little", "lot", "lot"])
    if isinstance(s.get("not"), dict) and rng.random() < 0.3:
        return _write(path, s["not"]["const"] * 1.0, _range_text(s), "not 0")
    two = int(rng.integers(2))
    if side == "hi":  # the bound itself where it is excluded, else the next float up or 1e-9 more
        little = hi + 1 if integer else hi if hi_open else [math.nextafter(hi, math.inf),
                                                             hi * (1 + 1e-9)][two]
        lot = int(hi * 1000 + 10**6) if integer else [hi * 1e3 + 1e6, 1e300][two]
    else:
        little = lo - 1 if integer else lo if lo_open else [math.nextafter(lo, -math.inf),
                                                             lo - 1e-9 * max(1, abs(lo))][two]
        lot = int(lo - 10**6) if integer else [lo - 1e6 * (abs(lo) + 1), -1e300][two]
    return _write(path, little if size == "little" else lot, _range_text(s))


def _wrong_type(path, s, orig, rng) -> Mutation:
    kind = s.get("type")
    if kind == "boolean":
        return _write(path, [1, "true", "yes", None][rng.integers(4)], "true or false")
    if "enum" in s:
        return _write(path, [3, True, None, [orig]][rng.integers(4)],
                      *(repr(c) for c in s["enum"]))
    noun = "an integer" if kind == "integer" else "a finite number"
    pick = int(rng.integers(9))
    if pick <= 2:  # NaN passes every JSON-schema range check; inf is out of every range
        return _write(path, [math.nan, math.inf, -math.inf][pick], _range_text(s))
    if pick == 3:
        return _write(path, bool(rng.random() < 0.5), noun)
    if pick == 4:  # what --config section={key: value} gives
        return _write(path, str(orig), noun, "write" if "e" in str(orig) else "--configfile")
    if pick == 5:
        return _write(path, ["3", "forty", ""][rng.integers(3)], noun)
    if pick == 6:
        return _write(path, [None, [orig], {"value": orig}][rng.integers(3)], noun)
    if kind == "integer":  # 60.0 too: a float count would reach np.geomspace or range()
        return _write(path, [orig + 0.5, float(orig)][rng.integers(2)], noun)
    return _write(path, [orig, orig], noun)


def _typo(name: str, rng) -> str:
    i = int(rng.integers(len(name)))
    return [name[:i] + name[i + 1:], name[:i] + name[i] + name[i:], name.upper(),
            name + "s", f"zz_{name}"][rng.integers(5)] or "zz"


def _key_mutation(path, s, cfg, rng, missing_ok=True) -> Mutation:
    """An unknown key in mapping ``path`` (a typo of one of its keys or a stranger), or one of
    its required keys removed."""
    node = _get(cfg, path)
    required = [k for k in s.get("required", ()) if k in node and path + (k,) != ("preset",)]
    if missing_ok and required and rng.random() < 0.3:
        gone = required[rng.integers(len(required))]
        return Mutation(f"{_key(path + (gone,))} removed", [(path + (gone,), DELETE)],
                        ["missing key '{q}" + f"{_key(path + (gone,))}'"])
    name = _typo(str(list(node)[rng.integers(len(node))]), rng) if node else "zz"
    while name in s.get("properties", {}):
        name += "_"
    if "propertyNames" in s:  # a mapping of names the user picks: a new name is a new entry
        return Mutation(f"{_key(path + (name,))} added", [(path + (name,), 1.0)],
                        ["{q}" + _key(path + (name,)) + " = 1.0 is not allowed: expected a "
                         "mapping"])
    return Mutation(f"{_key(path + (name,))} added", [(path + (name,), 1.0)],
                    ["unknown key '{q}" + _key(path + (name,)) + "'"])


def _list_mutation(path, s, orig, rng, root) -> Mutation:
    items = _subschema(root, path + (0,)) or {}
    if s.get("minItems", 0) >= 1 and rng.random() < 0.6:
        return _write(path, [], f"{s['minItems']} to {s['maxItems']} items")
    longer = list(orig)
    while len(longer) <= s["maxItems"]:
        extra = (_valid_number(items, longer[-1], rng) if "enum" not in items
                 else items["enum"][len(longer) % len(items["enum"])])
        if extra not in longer or not s.get("uniqueItems"):
            longer.append(extra)
        elif "enum" in items:
            longer.append(items["enum"][0])
    return _write(path, longer, f"to {s['maxItems']} items")


def _choice_mutation(path, s, rng) -> Mutation:
    bad = ["rk4", "kernel", "fig3", "Chain", "", "quantum "][rng.integers(6)]
    while bad in s["enum"]:
        bad += "_"
    return _write(path, bad, *(repr(c) for c in s["enum"]))


def _disordered(view, path, rng, root) -> Mutation:
    """A sweep, grid or range of ``view`` (the sections, or merged) given in the wrong order,
    or a sweep step <= 0."""
    node = _get(view, path)
    k = _key(path)
    if "step" in node and rng.random() < 0.3:
        step = [0.0, 0, -node["step"], -1e300][rng.integers(4)]
        return _write(path + ("step",), step, _range_text(_subschema(root, path + ("step",))))
    for lo, hi in (("start", "stop"), ("v_min", "v_max"), ("v_min_attractive", "v_max")):
        if lo in node and hi in node:
            if rng.random() < 0.5:  # the low end raised past the high one
                value = node[hi] * float(rng.choice([1.0, 1.5, 10.0])) + (lo == "start")
                return Mutation(f"{k}.{lo} = {value!r}", [(path + (lo,), value)],
                                ["{q}" + f"{k}.{lo} = {value!r}"], [f"{k}.{hi} = "])
            value = node[lo] * float(rng.choice([0.999, 0.5])) if lo == "start" else \
                node[lo] * float(rng.choice([1.0, 0.5]))
            return Mutation(f"{k}.{hi} = {value!r}", [(path + (hi,), value)],
                            ["{q}" + f"{k}.{hi} = {value!r}"], [f"{k}.{lo} = "])
    if "v0_start" in node:  # a series starting above the panel's last speed
        i = int(rng.integers(len(node["v0_start"])))
        starts = list(node["v0_start"])
        starts[i] = node["v0_stop"] * float(rng.choice([1.01, 2.0]))
        return Mutation(f"{k}.v0_start[{i}] = {starts[i]!r}",
                        [(path + ("v0_start", i), starts[i])],
                        ["{q}" + f"{k}.v0_start[{i}] = {starts[i]!r}"], [f"{k}.v0_stop = "])
    low, high = node  # a two-item range [low, high]
    pair = [high, low] if rng.random() < 0.5 else [low, low]
    return Mutation(f"{k} = {pair}", [(path, pair)],
                    ["{q}" + f"{k}[1] = {pair[1]!r}", "{q}" + f"{k}[0] = {pair[0]!r}"])


def _relation_paths(config, root):
    """Sweeps, grids, fig5 panels, fig9 and the two-item ranges: what _disordered mutates."""
    out = []
    for p, s in _walk(config, root):
        props = s.get("properties", {})
        if ("start" in props and "stop" in props) or ("v_max" in props and (
                "v_min" in props or "v_min_attractive" in props)) or "v0_start" in props \
                or p[-1:] in (("inset_v",), ("runaway_band",)):
            out.append(p)
    return out


def _coarse_step(view, rng) -> Mutation:
    """fig3's d or omega_fast (or chain_record_dtau) such that chain snapshots come more
    often than every time step delta = 1/(d omega_fast) of ``view``."""
    f3 = _get(view, ("fig3",))
    dtau, d, wf = f3["chain_record_dtau"], f3["d"], f3["omega_fast"]
    pick = rng.integers(3)
    top = 0.5 / dtau / 4  # omega_fast below this with d = 4: delta/2 > chain_record_dtau
    if pick == 0 and top > 1.01:
        wf = float(np.round(rng.uniform(1.001, 1.0 + 0.98 * (min(top, 100.0) - 1.0)), 4))
        writes = [(("fig3", "omega_fast"), wf), (("fig3", "d"), 4)]
    elif pick == 1 and 0.5 / dtau / wf > 4:
        writes = [(("fig3", "d"), int(rng.integers(4, math.ceil(0.5 / dtau / wf))))]
    else:
        writes = [(("fig3", "chain_record_dtau"),
                   float(rng.uniform(0.01, 0.999)) * 0.5 / (d * wf))]
    return Mutation("; ".join(f"{_key(p)} = {v!r}" for p, v in writes), writes,
                    ["{q}" + f"{_key(p)} = {v!r}" for p, v in writes] + ["delta/2"],
                    ["fig3.chain_record_dtau = "])


def _bad_interaction(config, root, rng) -> Mutation:
    """An ``interaction:`` mapping with a parameter missing, one of another kind, one out of
    range, or an unknown kind; or a potentials.interactions entry under a name that cannot be a
    label and a directory."""
    sections = _interaction_sections(config, root)
    path = sections[rng.integers(len(sections))] + ("interaction",)
    kind = str(rng.choice(list(_SPECS)))
    spec, k = _spec(kind, rng), _key(path)
    pick = rng.integers(5)
    if pick == 0:
        gone = str(rng.choice([p for p in spec if p != "kind"]))
        del spec[gone]
        return Mutation(f"{k} without {gone}", [(path, spec)], [f"missing key '{{q}}{k}.{gone}'"])
    if pick == 1:
        other = _spec(str(rng.choice([x for x in _SPECS if x != kind])), rng)
        extra = str(rng.choice([p for p in other if p not in spec]))
        spec[extra] = other[extra]
        return Mutation(f"{k} with {extra}", [(path, spec)], [f"unknown key '{{q}}{k}.{extra}'"])
    if pick == 2:
        name = str(rng.choice([p for p in spec if p != "kind"]))
        s = _subschema(root, path + (name,))
        spec[name] = _out_of_range(path + (name,), s, spec[name], rng).writes[0][1]
        return Mutation(f"{k}.{name} = {spec[name]!r}", [(path, spec)],
                        ["{q}" + f"{k}.{name} = {spec[name]!r}", _range_text(s)])
    if pick == 3:
        spec["kind"] = str(rng.choice(["coulomb", "Gaussian", "gauss", "morse "]))
        return Mutation(f"{k}.kind = {spec['kind']!r}", [(path, spec)],
                        ["{q}" + f"{k}.kind = {spec['kind']!r}", "'lennard_jones'"])
    # an entry's name is its label and a directory under results/: a letter, then letters,
    # digits, _ or -
    name = str(rng.choice(["two words", "1morse", "a/b", "../up", "x" * 41, "morse.wide"]))
    p = ("potentials", "interactions", name)
    return Mutation(f"{_key(p)} = {spec}", [(p, spec)],
                    [f"key '{{q}}{_key(p)}' is not allowed here", "a letter, then up to 39"])


def _apply(config: dict, m: Mutation, in_quick: bool) -> dict:
    cfg = copy.deepcopy(config)
    for path, value in m.writes:
        (_override if in_quick else _set)(cfg, path, value)
    return cfg


def _failures(config: dict, mutations, in_quick=False) -> list[str]:
    """What is wrong with check_config's answer to each mutation: accepted, or a message
    missing one of the needles."""
    out = []
    for m in mutations:
        msg = _refusal(_apply(config, m, in_quick))
        needles = [n.replace("{q}", "quick." if in_quick else "") for n in m.needles]
        needles += [] if in_quick else m.partners
        if msg is None:
            out.append(f"ACCEPTED {'quick: ' if in_quick else ''}{m.what}")
        elif msg.startswith("CRASH") or not all(
                _names(msg, n) if " = " in n or n.startswith(("unknown", "missing")) else n in msg
                for n in needles):
            out.append(f"{m.what}: message lacks {needles}:\n{msg}")
    return out


def _report(failures: list[str], n: int) -> str:
    return f"{len(failures)} of {n} mutations mishandled:\n" + "\n---\n".join(failures[:8])


def _draw(rng, items, n):
    """``n`` items drawn with replacement, every item first once where n allows."""
    order = list(rng.permutation(len(items)))
    while len(order) < n:
        order += list(rng.permutation(len(items)))
    return [items[i] for i in order[:n]]


# ------------------------------------------------------------------ the statements
def test_the_shipped_config_and_its_quick_preset_are_accepted(config, root):
    assert not _broken_relations(config, root)
    assert _refusal(config) is None
    assert _refusal(dict(config, preset="quick")) is None


def test_every_valid_variation_is_accepted(config, root):
    rng = np.random.default_rng([SEED, 1])
    index, failures = _index(config, root), []
    for _ in range(N_VALID):
        what, cfg = _valid_variation(config, root, rng, index)
        msg = _refusal(cfg)
        if msg is not None:
            failures.append(f"REFUSED {what}:\n{msg}")
    assert not failures, _report(failures, N_VALID)


def test_every_out_of_range_value_is_refused_naming_its_key_and_range(config, root):
    rng = np.random.default_rng([SEED, 2])
    numbers = [(p, s) for p, s in _walk(config, root) if s.get("type") in ("number", "integer")]
    mutations = [_out_of_range(p, s, _get(config, p), rng)
                 for p, s in _draw(rng, numbers, N_OUT_OF_RANGE)]
    failures = _failures(config, mutations)
    assert not failures, _report(failures, len(mutations))


def test_every_wrong_type_nan_or_infinity_is_refused_naming_its_key(config, root):
    rng = np.random.default_rng([SEED, 3])
    scalars = [(p, s) for p, s in _walk(config, root)
               if s.get("type") in ("number", "integer", "boolean", "string")]
    mutations = [_wrong_type(p, s, _get(config, p), rng)
                 for p, s in _draw(rng, scalars, N_WRONG_TYPE)]
    failures = _failures(config, mutations)
    assert not failures, _report(failures, len(mutations))


def test_every_unknown_or_missing_key_is_refused_naming_its_path(config, root):
    rng = np.random.default_rng([SEED, 4])
    mappings = [(p, s) for p, s in _walk(config, root) if s.get("type") == "object"]
    mutations = [_key_mutation(p, s, config, rng) for p, s in _draw(rng, mappings, N_KEYS)]
    failures = _failures(config, mutations)
    assert not failures, _report(failures, len(mutations))


def test_every_empty_overlong_list_or_unknown_choice_is_refused_naming_its_key(config, root):
    rng = np.random.default_rng([SEED, 5])
    leaves = [(p, s) for p, s in _walk(config, root)
              if s.get("type") == "array" or "enum" in s]
    mutations = [_list_mutation(p, s, _get(config, p), rng, root) if s.get("type") == "array"
                 else _choice_mutation(p, s, rng) for p, s in _draw(rng, leaves, N_LISTS)]
    failures = _failures(config, mutations)
    assert not failures, _report(failures, len(mutations))


def test_every_disordered_sweep_or_range_is_refused_naming_both_ends(config, root):
    rng = np.random.default_rng([SEED, 6])
    paths = _relation_paths(config, root)
    mutations = [_disordered(config, p, rng, root) for p in _draw(rng, paths, 3 * len(paths))]
    failures = _failures(config, mutations)
    assert not failures, _report(failures, len(mutations))


def test_a_time_step_coarser_than_the_chain_snapshots_is_refused_naming_what_changed(config):
    rng = np.random.default_rng([SEED, 7])
    mutations = [_coarse_step(config, rng) for _ in range(20)]
    failures = _failures(config, mutations)
    assert not failures, _report(failures, len(mutations))


def test_every_malformed_pair_potential_is_refused_naming_its_parameter(config, root):
    rng = np.random.default_rng([SEED, 8])
    mutations = [_bad_interaction(config, root, rng) for _ in range(40)]
    failures = _failures(config, mutations)
    assert not failures, _report(failures, len(mutations))


def test_every_bad_quick_override_is_refused_blaming_the_override(config, root):
    """Each kind of mutation above, written through the quick overrides (computed on the
    merged configuration, so that the sections alone stay valid)."""
    rng = np.random.default_rng([SEED, 9])
    merged = merge_patch(config, config["quick"])
    leaves = list(_walk(merged, root))
    mutations = []
    while len(mutations) < N_QUICK:
        path, s = leaves[rng.integers(len(leaves))]
        pick = rng.integers(8)
        kind = s.get("type")
        if pick <= 1 and kind in ("number", "integer"):
            mutations.append(_out_of_range(path, s, _get(merged, path), rng))
        elif pick == 2 and kind in ("number", "integer", "boolean", "string"):
            m = _wrong_type(path, s, _get(merged, path), rng)
            if m.writes[0][1] is not None or any(isinstance(p, int) for p in path):
                mutations.append(m)  # a null at a key deletes it: the deletions are pick 3's
        elif pick == 3 and kind == "object":
            mutations.append(_key_mutation(path, s, merged, rng))
        elif pick == 4 and (kind == "array" or "enum" in s):
            mutations.append(_list_mutation(path, s, _get(merged, path), rng, root)
                             if kind == "array" else _choice_mutation(path, s, rng))
        elif pick == 5:
            paths = _relation_paths(merged, root)
            mutations.append(_disordered(merged, paths[rng.integers(len(paths))], rng, root))
        elif pick == 6:
            mutations.append(_coarse_step(merged, rng))
        elif pick == 7:
            mutations.append(_bad_interaction(merged, root, rng))
    failures = _failures(config, mutations, in_quick=True)
    assert not failures, _report(failures, len(mutations))


# ------------------------------------------------------------------ regressions of the bugs found
def _message(config, *writes, quick=False) -> str:
    cfg = copy.deepcopy(config)
    for path, value in writes:
        (_override if quick else _set)(cfg, path, value)
    msg = _refusal(cfg)
    assert msg is not None and not msg.startswith("CRASH"), msg
    return msg


@pytest.mark.parametrize("quick", [False, True], ids=["sections", "quick"])
def test_a_fig5_series_starting_above_its_panels_last_speed_is_refused(config, quick):
    """It was accepted, and the workflow's sweep() then failed with 'sweep stop=1250.0 must
    be >= start=2000.0', naming no key."""
    q = "quick." if quick else ""
    msg = _message(config, (("fig5", "b", "v0_start", 1), 2000.0), quick=quick)
    assert (f"fig5.b.v0_stop = 1250.0 with {q}fig5.b.v0_start[1] = 2000.0 is not allowed: "
            f"expected v0_stop >= v0_start[1]") in msg, msg


def test_fig9s_attractive_curve_starting_above_its_end_is_refused(config):
    """It was accepted and drawn as a reversed speed axis (np.linspace from high to low)."""
    msg = _message(config, (("fig9", "v_min_attractive"), 60.0))
    assert ("fig9.v_max = 60.0 with fig9.v_min_attractive = 60.0 is not allowed: expected "
            "v_max > v_min_attractive") in msg, msg


@pytest.mark.parametrize("path, value, blamed, innocent", [
    (("fig6", "repulsive", "start"), 70.0, "quick.fig6.repulsive.start = 70.0",
     "quick.fig6.repulsive.stop"),
    (("fig8", "steady_state", "v_min"), 200.0, "quick.fig8.steady_state.v_min = 200.0",
     "quick.fig8.steady_state.v_max"),
])
def test_a_relation_one_quick_override_breaks_blames_that_override(config, path, value, blamed,
                                                                    innocent):
    """Only the upper end's origin used to decide: an override of the lower end alone was
    reported as the sections' fault ('fig8.steady_state.v_max = 150.0 with
    fig8.steady_state.v_min = 200.0'), which hold no such value."""
    cfg = copy.deepcopy(config)
    del cfg["quick"][path[0]]  # the sections' own sweep/grid, the override's one end
    _override(cfg, path, value)
    msg = _refusal(cfg)
    assert msg is not None and _names(msg, blamed) and innocent not in msg, msg


def test_a_time_step_made_coarse_by_quick_names_d_and_omega_fast_under_quick(config):
    """The message named only chain_record_dtau, so an override of d and omega_fast was
    reported as a problem of a value the override had not changed."""
    msg = _message(config, (("fig3", "d"), 4), (("fig3", "omega_fast"), 1.1), quick=True)
    assert re.search(r"quick\.fig3\.chain_record_dtau = 0\.1 is not allowed: .*"
                     r"\(quick\.fig3\.d = 4, quick\.fig3\.omega_fast = 1\.1\); expected >= "
                     r"delta/2 = 0\.113636", msg), msg


@pytest.mark.parametrize("spec, expected", [
    ({"kind": "morse", "D": 1.0, "a": 0.5, "h": 4.0},
     "missing key 'fig6.interaction.r0': expected a finite number in [0, 1000]"),
    ({"kind": "gaussian", "phi0": 2.0, "lam": 4.0, "D": 1.0},
     "unknown key 'fig6.interaction.D'; allowed keys here: kind, lam, phi0."),
    ({"kind": "lorentzian", "phi0": 2.0, "lam": 4.0},
     "missing key 'fig6.interaction.A'"),
])
def test_a_malformed_pair_potential_names_its_missing_or_foreign_parameter(config, spec,
                                                                           expected):
    """The only message was 'fig6.interaction = {...} is not allowed: expected a mapping',
    about a value that is a mapping."""
    msg = _message(config, (("fig6", "interaction"), spec))
    assert expected in msg and "expected a mapping" not in msg, msg


def test_an_empty_potentials_study_says_it_must_not_be_empty(config):
    msg = _message(config, (("potentials", "interactions"), {}))
    assert "potentials.interactions = {} is not allowed" in msg and "non-empty" in msg, msg


def test_each_missing_key_is_listed_once(config):
    """jsonschema reports one error per missing key and each message listed all of them:
    four missing keys made sixteen lines."""
    msg = _message(config, (("potentials", "interactions", "morse"), {"kind": "morse"}))
    for name in ("D", "a", "r0", "h"):
        assert msg.count(f"missing key 'potentials.interactions.morse.{name}'") == 1, msg


@pytest.mark.parametrize("text, fixed", [("1e-5", "1.0e-5"), ("1e3", "1.0e+3"),
                                         ("2.5E4", "2.5e+4")])
def test_a_number_yaml_reads_as_text_is_explained(config, text, fixed):
    """snakemake reads config.yaml with YAML 1.1, for which 1e-5 is text; the note blamed
    --config, which the user had not used."""
    assert isinstance(yaml.safe_load(f"x: {text}")["x"], str)
    assert isinstance(yaml.safe_load(f"x: {fixed}")["x"], float)
    msg = _message(config, (("fig8", "bias"), text))
    assert f"fig8.bias = {text!r} is not allowed" in msg and f"write {fixed}." in msg, msg
    quoted = _message(config, (("fig8", "bias"), "0.01"))  # --config's text, or '0.01' in YAML
    assert "--configfile" in quoted and "write it without quotes" in quoted, quoted


def test_the_time_step_check_refuses_comparing_a_d_with_itself(config):
    """health.timestep compares single-pass losses at d and 2d; d: [60, 60] compared a run
    with itself, and the claim 'halving delta changes the loss by < 0.1%' passed."""
    msg = _message(config, (("health", "timestep", "d"), [60, 60]))
    assert "health.timestep.d = [60, 60] is not allowed" in msg and "non-unique" in msg, msg
