"""Validation of the workflow configuration against its JSON schema.

``snakemake.utils.validate`` reports a user's typo as a jsonschema dump (the failing
sub-schema, pretty-printed) and lets NaN through every range check (``nan <= 0`` and
``nan > 1000`` are both false). :func:`check_config` applies the same schema but raises
one :class:`~chaindrag.params.ParameterError` whose message names, for every problem, the
key path (``fig3.alpha``), the value given and the allowed type/range/choices taken from
the schema, plus the key's description. The Snakefile calls it at start-up::

    from chaindrag.config import check_config
    check_config(config, workflow.source_path("workflow/schemas/config.schema.yaml"))

:func:`config_digest` names a configuration by the SHA-256 of its canonical JSON: the
validation tables carry it (column ``config_sha256``) so that two of them tell which
configuration each judged.
"""

from __future__ import annotations

import copy
import difflib
import functools
import os
from collections.abc import Mapping
from typing import Any

import jsonschema
import yaml

from ._config_merge import delete_nulls, merge_patch
from ._digest import canonical_json, config_digest
from ._config_relations import (Refusal, _disordered, _finer_than_a_step, _interaction_specs,
                                _non_finite, _value, _value_refusals)
from ._config_runs import _run_refusals
from .params import ParameterError

__all__ = ["canonical_json", "check_config", "config_digest", "delete_nulls", "load_schema",
           "merge_patch"]

# Shown when a number arrives as text: snakemake's ``--config key={a: 1}`` parses the
# values inside a mapping with YAML's BaseLoader, which keeps every scalar a string.
_TEXT_HINT = ("a number in quotes is text: in a YAML file, write it without quotes; values "
              "inside a mapping given on the command line with --config arrive as text too: "
              "put such an override in a YAML file and pass it with --configfile FILE")
_MAX_REPORTED = 10


def load_schema(schema_path: str | os.PathLike) -> dict:
    """Read a JSON schema written as YAML (or JSON) and check it is itself a valid schema.

    Read and checked once per process while the file is unchanged (same path, size and
    modification time); each call returns its own copy."""
    return copy.deepcopy(_schema(schema_path))


def _schema(schema_path: str | os.PathLike) -> dict:
    """The cached schema itself (for callers that do not change it)."""
    path = os.path.realpath(schema_path)
    stat = os.stat(path)
    return _read_schema(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read_schema(path: str, mtime_ns: int, size: int) -> dict:
    with open(path, encoding="utf-8") as fh:  # libyaml's loader where built: ~10x faster
        schema = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    cls = jsonschema.validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise ParameterError(f"{path} is not a valid JSON schema: {exc.message}") from None
    return schema


def _key_text(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<config>"


def _resolve(schema: Mapping, root: Mapping) -> dict:
    """``schema`` with a local ``$ref`` ("#/$defs/x") merged in; sibling keys take precedence."""
    schema = dict(schema)
    seen = 0
    while "$ref" in schema and seen < 20:
        ref = schema.pop("$ref")
        if not ref.startswith("#/"):
            break
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        schema = {**target, **schema}
        seen += 1
    return schema


def _subschema(root: Mapping, path) -> dict | None:
    """The (resolved) schema governing the value at ``path``, or None if the schema has none."""
    schema = _resolve(root, root)
    for part in path:
        if isinstance(part, int):
            items = schema.get("items")
            if not isinstance(items, Mapping):
                return None
            schema = _resolve(items, root)
        else:
            props = schema.get("properties", {})
            if part not in props:
                return None
            schema = _resolve(props[part], root)
    return schema


def _allowed(schema: Mapping | None, root: Mapping) -> str:
    """Human description of what ``schema`` accepts: type, range, choices."""
    if not schema:
        return "see the schema"
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    kind = schema.get("type", "value")
    kind = " or ".join(kind) if isinstance(kind, list) else kind
    noun = {"number": "a finite number", "integer": "an integer", "string": "a string",
            "boolean": "true or false", "object": "a mapping", "array": "a list"}.get(kind, kind)
    lo = ("(", schema["exclusiveMinimum"]) if "exclusiveMinimum" in schema else (
        ("[", schema["minimum"]) if "minimum" in schema else None)
    hi = (")", schema["exclusiveMaximum"]) if "exclusiveMaximum" in schema else (
        ("]", schema["maximum"]) if "maximum" in schema else None)
    if lo and hi:  # an integer's closed range too: "an integer in [4, 100000]"
        text = f"{noun} in {lo[0]}{lo[1]}, {hi[1]}{hi[0]}"
    elif lo:
        text = f"{noun} {'>' if lo[0] == '(' else '>='} {lo[1]}"
    elif hi:
        text = f"{noun} {'<' if hi[0] == ')' else '<='} {hi[1]}"
    else:
        text = noun
    if isinstance(schema.get("not"), Mapping) and "const" in schema["not"]:
        text += f", not {schema['not']['const']!r}"
    if kind == "array":
        if "minItems" in schema or "maxItems" in schema:
            text += f" of {schema.get('minItems', 0)} to {schema.get('maxItems', 'any number of')} items"
        if isinstance(schema.get("items"), Mapping):
            text += f", each {_allowed(_resolve(schema['items'], root), root)}"
    return text


def _with_description(schema: Mapping | None) -> str:
    desc = (schema or {}).get("description")
    return f" ({' '.join(str(desc).split())})" if desc else ""


def _branch_kinds(branches, root: Mapping) -> list:
    """The kinds each branch of an interaction's oneOf accepts (its kind's enum)."""
    return [_resolve(s, root).get("properties", {}).get("kind", {}).get("enum", ())
            for s in branches]


def _message(error: jsonschema.ValidationError, root: Mapping, prefix, deleted) -> str:
    """What ``error`` refuses, in words; ``prefix(path)`` is () or the overrides' key where
    they set the value at path, ``deleted(path)`` True where they delete it (a null)."""
    key = _key_text(path := prefix(where := tuple(error.absolute_path)) + where)
    kind = error.validator
    if kind == "oneOf" and isinstance(error.instance, Mapping):
        # an interaction: not "expected a mapping" but what the branch of its kind refuses
        kinds = _branch_kinds(error.validator_value, root)
        sub = [e for e in error.context
               if error.instance.get("kind") in kinds[e.relative_schema_path[0]]]
        if sub:
            return "\n".join(dict.fromkeys(_message(e, root, prefix, deleted) for e in sub))
    if "propertyNames" in error.schema_path:  # a key name the section forbids (quick.preset)
        return (f"key {_key_text(path + (error.instance,))!r} is not allowed here"
                f"{_with_description(_subschema(root, tuple(error.absolute_path)))}.")
    if kind == "additionalProperties":
        if isinstance(error.instance, Mapping) and any(
                error.instance.get("kind") in k
                for k in _branch_kinds(error.schema.get("oneOf", ()), root)):
            return ""  # an interaction: the branch of its kind reports the key, with its keys
        allowed = sorted(error.schema.get("properties", {}))
        given = error.instance if isinstance(error.instance, Mapping) else {}
        lines = []
        for extra in sorted(k for k in given if k not in allowed):
            near = difflib.get_close_matches(str(extra), allowed, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            lines.append(f"unknown key {_key_text(path + (extra,))!r}{hint}; "
                         f"allowed keys here: {', '.join(allowed)}.")
        return "\n".join(lines) or error.message
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        sub = _subschema(root, tuple(error.absolute_path))
        lines = []
        for name in missing:
            child = _resolve(sub.get("properties", {}).get(name, {}), root) if sub else None
            gone = _key_text(path + (name,))  # under quick. if the overrides set its mapping
            why = (f"{gone} = null deletes it, but it is required here; "
                   if deleted(where + (name,)) else "")
            lines.append(f"missing key {gone!r}: {why}expected "
                         f"{_allowed(child, root)}{_with_description(child)}.")
        return "\n".join(lines)
    schema, value = _subschema(root, tuple(error.absolute_path)) or error.schema, error.instance
    text = (f"{key} = {value!r} is not allowed: expected {_allowed(schema, root)}"
            f"{_with_description(schema)}.")
    if kind == "type" and isinstance(value, str):
        try:
            float(value)
        except ValueError:
            pass
        else:  # YAML 1.1 (snakemake's reader) takes 1e-3 for text, not only --config does
            m, e, x = value.strip().lower().partition("e")
            fix = f"{m if '.' in m else m + '.0'}e{x if x[:1] in '+-' else '+' + x}"
            text += (f" Note: YAML 1.1, as snakemake reads config files, takes {value} for text: "
                     f"write {fix}." if e and isinstance(yaml.safe_load(value), str)
                     else f" Note: {_TEXT_HINT}.")
    elif kind in ("minItems", "maxItems", "uniqueItems", "minProperties"):
        text += f" ({error.message})"
    return text


def _problems(config: Mapping, root: Mapping, *, skip: str | None = None,
              attribute_to: Mapping | None = None) -> list[str]:
    """Messages for every schema violation and non-finite number of ``config``.

    ``skip`` names a top-level section left out of the NaN scan (the overrides, scanned
    after merging); with ``attribute_to`` (the overrides), a problem at a key the overrides
    set is reported as ``<skip>.<key>``.
    """
    prefix = _prefixer(attribute_to, skip)

    def named(path):  # "key = value"; each key of a relation under quick. if set there
        return _named(config, path, prefix)

    cls = jsonschema.validators.validator_for(root)
    # an integer key takes an int: 600.0 would reach np.geomspace or range() as a float
    ints = cls.TYPE_CHECKER.redefine(
        "integer", lambda _, x: isinstance(x, int) and not isinstance(x, bool))
    validator = jsonschema.validators.extend(cls, type_checker=ints)(root)
    errors = sorted(validator.iter_errors(config),
                    key=lambda e: ([str(p) for p in e.absolute_path], e.validator))
    def deleted(path):  # the overrides' null at path (a merge patch's deletion)
        return attribute_to is not None and _lies_in(attribute_to, path, deletes=True)

    out = [m for e in errors if (m := _message(e, root, prefix, deleted))]
    reported = {tuple(e.absolute_path) for e in errors}
    for path in _non_finite(config):
        if path in reported or (skip is not None and path[:1] == (skip,)):
            continue
        schema = _subschema(root, path)
        out.append(f"{named(path)} is not allowed: expected {_allowed(schema, root)}"
                   f"{_with_description(schema)}.")
    for path, lo, hi, strict in _disordered(config):
        if path[:1] != (skip,):
            out.append(f"{named(path + hi)} with {named(path + lo)} is not allowed: expected "
                       f"{_key_text(hi)} {'>' if strict else '>='} {_key_text(lo)}.")
    for path, half_step in _finer_than_a_step(config):
        if path[:1] != (skip,):
            out.append(f"{named(path + ('chain_record_dtau',))} is not allowed: chain snapshots "
                       f"are taken every whole number of time steps delta = 1/(d omega_fast) "
                       f"({named(path + ('d',))}, {named(path + ('omega_fast',))}); expected "
                       f">= delta/2 = {half_step:.6g}.")
    if not out:  # relations of values the schema accepts (sizes, lengths, rings)
        out += [_refusal_text(config, r, prefix) for r in _value_refusals(config)]
    return list(dict.fromkeys(out))  # a required error per missing key, each listing all


def _prefixer(override: Mapping | None, key: str | None):
    """path -> (key,) if ``override`` sets the value at path, else ()."""
    return lambda path: (key,) if override is not None and _lies_in(override, path) else ()


def _named(config: Mapping, path, prefix) -> str:
    """'key = value', the key under the overrides' key where ``prefix`` says they set it."""
    return f"{_key_text(prefix(path) + path)} = {_value(config, path)!r}"


def _refusal_text(config: Mapping, r: Refusal, prefix) -> str:
    partners = ", ".join(_named(config, p, prefix) for p in r.partners)
    return (f"{_named(config, r.key, prefix)} is not allowed: {r.why} ({partners}); "
            f"expected {r.expected}.")


def _run_problems(config: Mapping, override: Mapping | None = None,
                  overrides_key: str = "") -> list[str]:
    """Messages for the runs the solvers would refuse (:func:`_run_refusals`), each pair
    potential built once; keys the ``override`` sets reported under ``overrides_key``."""
    from .interactions.config import interaction_from_config

    built: dict[str, Any] = {}

    def build(spec):
        text = canonical_json(spec)
        if text not in built:
            built[text] = interaction_from_config(spec)
        return built[text]

    prefix = _prefixer(override, overrides_key)
    return list(dict.fromkeys(_refusal_text(config, r, prefix)
                              for r in _run_refusals(config, build)))


def _interaction_problems(config: Mapping, override: Mapping | None = None,
                          overrides_key: str = "") -> list[str]:
    """Messages for the potentials their own classes refuse (a Morse whose Phi(0) overflows,
    ...): each parameter lies in its schema range, but not every combination is a potential.
    With ``override``, only the potentials it changes, reported under ``overrides_key``."""
    from .interactions.config import interaction_from_config  # numba: only when asked

    out = []
    for path, spec in _interaction_specs(config):
        if override is not None and not _lies_in(override, path):
            continue
        prefix = (overrides_key,) if override is not None else ()
        try:
            interaction_from_config(spec)
        except ParameterError as err:
            out.append(f"{_key_text(prefix + path)} = {dict(spec)!r} is not allowed: {err}")
    return out


def _lies_in(override: Any, path, deletes: bool = False) -> bool:
    """True if ``path`` names a value set (or inside a value set) by ``override``; with
    ``deletes``, only if ``override`` deletes the key ``path`` (a null there)."""
    value = override
    for part in path:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list):
            return not deletes  # lists replace wholesale: the override owns every element
        else:
            return False
    return value is None if deletes else True


def check_config(config: Mapping, schema_path: str | os.PathLike, *,
                 overrides_key: str = "quick", interactions: bool = True) -> dict:
    """Check a workflow configuration against its schema; raise one clear error if it fails.

    Parameters
    ----------
    config : mapping
        The configuration (``config`` inside a Snakefile).
    schema_path : path-like
        JSON schema in YAML (``workflow/schemas/config.schema.yaml``).
    overrides_key : str
        A section (``quick``) merged over the others by a preset (:func:`merge_patch`: a
        null deletes its key). The merged configuration is checked too and its problems
        are reported under ``quick.<key>`` when the overrides set or delete that value.
    interactions : bool
        Also build every pair potential the configuration names, so that a combination of
        in-range parameters its class refuses is reported here rather than by a job, and
        check every run the workflow makes with it as the solvers will (time step against
        the potential's width, length, drive mode's window, float64 resolution:
        :mod:`chaindrag._config_runs`). It imports the solvers and numba (~0.5 s): the
        Snakefile asks for it in the main process only, not in every job's.

    Returns
    -------
    dict
        A deep copy of ``config`` with schema defaults of missing top-level keys filled in.

    Raises
    ------
    ParameterError
        Listing every problem (up to 10), each naming the key path, the value given,
        the allowed type/range/choices and the key's description. Unknown keys,
        missing keys, wrong types, out-of-range and non-finite numbers are refused.
    """
    root = _schema(schema_path)
    if not isinstance(config, Mapping):
        raise ParameterError(f"the configuration must be a mapping, got {type(config).__name__}")
    checked = copy.deepcopy(dict(config))
    for key, sub in root.get("properties", {}).items():
        if key not in checked and "default" in sub:
            checked[key] = copy.deepcopy(sub["default"])
    override = checked.get(overrides_key)
    problems = _problems(checked, root, skip=overrides_key if isinstance(override, Mapping)
                         else None)
    if isinstance(override, Mapping) and not problems:
        problems = _problems(merge_patch(checked, override), root, skip=overrides_key,
                             attribute_to=override)
    if interactions and not problems:
        base = {k: v for k, v in checked.items() if k != overrides_key}
        merged = merge_patch(base, override) if isinstance(override, Mapping) else None
        problems = _interaction_problems(base)
        if merged is not None:  # the potentials the preset's overrides change
            problems += _interaction_problems(merged, override, overrides_key)
        # then the runs, as the solvers check them: a problem the merged configuration
        # alone has involves a key the overrides set
        problems = problems or _run_problems(base)
        if merged is not None and not problems:
            problems = _run_problems(merged, override, overrides_key)
    if problems:
        shown, more = problems[:_MAX_REPORTED], len(problems) - _MAX_REPORTED
        tail = f"\n... and {more} more." if more > 0 else ""
        raise ParameterError(
            f"invalid configuration (schema {os.fspath(schema_path)}):\n"
            + "\n".join(f"  - {p}" for p in shown) + tail)
    return checked
