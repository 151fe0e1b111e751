"""How configurations are combined: JSON Merge Patch (RFC 7386) and its null deletions.

The preset's ``quick:`` overrides are a merge patch over the rest (:func:`merge_patch`). A
user's ``--configfile`` is merged by Snakemake itself, which has no deletion: a null there
arrives as a None value. :func:`delete_nulls` gives it the merge patch's meaning (the key is
deleted), so that e.g. ``potentials: {interactions: {lennard_jones: ~}}`` leaves a shipped
potential out of the study without editing config.yaml.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, MutableMapping


def merge_patch(base: Mapping, patch: Mapping) -> dict:
    """``base`` with ``patch`` applied as a JSON Merge Patch (RFC 7386), ``base`` untouched.

    A mapping is merged into a mapping key by key; a None (YAML ``~`` or ``null``) deletes
    its key; any other value, a list included, replaces the old one whole. How the preset's
    ``quick:`` overrides are applied, here and by the workflow (common.smk).
    """
    out = copy.deepcopy(dict(base))
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping):
            old = out.get(key)
            out[key] = merge_patch(old if isinstance(old, Mapping) else {}, value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def delete_nulls(config: MutableMapping, *, keep: tuple[str, ...] = ("quick",)) -> list[str]:
    """Delete, in place, every key whose value is None, at any depth of nested mappings.

    Parameters
    ----------
    config : mutable mapping
        The workflow's configuration (Snakemake's ``config``, changed in place: the rules
        read that object).
    keep : tuple of str
        Top-level sections left as they are: the ``quick:`` overrides, whose nulls are
        deletions applied by :func:`merge_patch` at ``preset=quick``.

    Returns
    -------
    list of str
        The deleted keys as dotted paths (``potentials.interactions.lennard_jones``), in
        the configuration's order. A required key deleted this way is then refused by
        :func:`chaindrag.config.check_config` as missing.
    """
    deleted: list[str] = []

    def walk(mapping: MutableMapping, path: tuple[str, ...]) -> None:
        for key in list(mapping):
            value = mapping[key]
            if value is None:
                del mapping[key]
                deleted.append(".".join(map(str, path + (key,))))
            elif isinstance(value, MutableMapping) and not (not path and key in keep):
                walk(value, path + (key,))

    walk(config, ())
    return deleted
