"""The digest of a workflow configuration: :func:`config_digest` (SHA-256 of its canonical JSON).

Re-exported by :mod:`chaindrag.config`, which documents them; kept apart so that module stays
short.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["canonical_json", "config_digest"]


def _where(path) -> str:
    """``fig3.alpha``, ``fig2.taus[1]``: the key path of a value, for messages."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<config>"


def _canonical(value: Any, path: tuple = (), inside: frozenset = frozenset()) -> Any:
    """``value`` as plain JSON types (dict with str keys, list, str, int, float, bool, None).

    numpy scalars and arrays become their Python values; a tuple becomes a list. Raises
    TypeError for a non-string key or a value JSON cannot hold, ValueError for NaN or inf
    or a mapping/list that contains itself (``inside``: the ids of those enclosing it).
    """
    if isinstance(value, (Mapping, list, tuple)):
        if id(value) in inside:
            raise ValueError(f"{_where(path)}: contains itself (a cycle JSON cannot hold)")
        inside = inside | {id(value)}
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{_where(path + (key,))}: key {key!r} is a "
                                f"{type(key).__name__}, not a string")
            out[key] = _canonical(item, path + (key,), inside)
        return out
    if isinstance(value, (list, tuple)):
        return [_canonical(v, path + (i,), inside) for i, v in enumerate(value)]
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        return _canonical(value.tolist(), path)  # numpy scalar or array
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{_where(path)} = {value!r}: JSON has no NaN or infinity")
        return float(value)
    raise TypeError(f"{_where(path)} = {value!r}: a {type(value).__name__} has no JSON form")


def canonical_json(config: Mapping) -> str:
    """The canonical JSON text of a configuration: what :func:`config_digest` hashes.

    Keys sorted at every level, no whitespace (separators ``,`` and ``:``), floats written
    as Python's ``repr`` (the shortest text that reads back as the same double: ``0.1``,
    ``1e-06``, ``120.0``), integers without a decimal point, non-ASCII characters escaped
    (``\\uXXXX``). A tuple is written as a list, a numpy scalar or array as its Python value.

    Parameters
    ----------
    config : mapping
        A configuration: mappings with string keys, lists, strings, numbers, booleans, None.

    Returns
    -------
    str
        ASCII JSON text, identical for equal configurations whatever their key order.

    Raises
    ------
    TypeError
        A non-string key, or a value with no JSON form (a set, a date, an object).
    ValueError
        A NaN or infinite float (the schema refuses them too), or a mapping or list that
        contains itself.
    """
    if not isinstance(config, Mapping):
        raise TypeError(f"the configuration must be a mapping, got {type(config).__name__}")
    return json.dumps(_canonical(config), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True, allow_nan=False)


def config_digest(config: Mapping) -> str:
    """SHA-256 (hex) of the canonical JSON of a configuration.

    The validation tables carry it as ``config_sha256``: the workflow passes the digest of
    the configuration it ran with (``config`` in the Snakefile after the preset is applied:
    config.yaml, ``--configfile``/``--config`` overrides, the schema's defaults and, with
    ``preset: quick``, the quick overrides merged in; the ``quick`` section itself included).
    Equal configurations give the same digest whatever their key order and whether they came
    from YAML or from Python, in any process; changing any value anywhere in the tree
    changes it. An integer and the equal float (``1`` and ``1.0``) are different values.

    Parameters
    ----------
    config : mapping
        The configuration (see :func:`canonical_json` for what it may hold).

    Returns
    -------
    str
        64 lowercase hexadecimal digits: ``hashlib.sha256(canonical_json(config).encode())``.

    Raises
    ------
    TypeError, ValueError
        As :func:`canonical_json`.

    Examples
    --------
    >>> config_digest({"b": [1, 2.5], "a": {"x": True}}) == config_digest(
    ...     {"a": {"x": True}, "b": [1, 2.5]})
    True
    >>> import hashlib
    >>> config_digest({"b": [1, 2.5], "a": {"x": True}}) == hashlib.sha256(
    ...     b'{"a":{"x":true},"b":[1,2.5]}').hexdigest()
    True
    """
    return hashlib.sha256(canonical_json(config).encode("ascii")).hexdigest()
