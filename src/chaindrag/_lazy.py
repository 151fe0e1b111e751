"""Lazy attributes of a package (PEP 562), the one mechanism every ``__init__`` here uses.

A package's ``__init__`` names what it re-exports and from which submodule, and gets a module
``__getattr__`` and ``__dir__`` that import that submodule on first access (the idea of SPEC 1
and ``lazy_loader.attach``)::

    __getattr__, __dir__ = attach(__name__, {"health": ["run_energy_check"], ...})

so ``from chaindrag.jobs import run_energy_check`` imports :mod:`chaindrag.jobs.health` and
what it needs, not the rest of :mod:`chaindrag.jobs`. A resolved name is stored in the
package's namespace, so it is imported once and is afterwards an ordinary module attribute.
``__all__`` stays a literal list in the ``__init__``; ``from package import *`` resolves it
through ``__getattr__``. The same names are imported under ``typing.TYPE_CHECKING`` in each
``__init__``, for type checkers and editors (never executed).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping


def attach(package: str, attributes: Mapping[str, Iterable[str]] | None = None,
           submodules: Iterable[str] | None = None) -> tuple[Callable[[str], object],
                                                              Callable[[], list[str]]]:
    """Module ``__getattr__`` and ``__dir__`` for ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    attributes : mapping of str to iterable of str, optional
        For each submodule (relative name, e.g. ``"health"`` or ``"thermal.bath"``), the
        names it defines that the package re-exports.
    submodules : iterable of str, optional
        Submodules that are themselves attributes of the package, imported on first access
        (as they were when the ``__init__`` imported them); by default every module and
        package in the package's directory. One that is not installed is reported as a
        missing attribute (``AttributeError``).

    Returns
    -------
    tuple of callable
        ``(__getattr__, __dir__)``, to be bound at the package's module level.
    """
    where = {name: module for module, names in (attributes or {}).items() for name in names}
    listed = None if submodules is None else frozenset(submodules)

    def modules() -> frozenset[str]:
        nonlocal listed
        if listed is None:  # on the first miss only: the common path never lists the directory
            import pkgutil

            listed = frozenset(m.name for m in pkgutil.iter_modules(sys.modules[package].__path__))
        return listed

    def __getattr__(name: str) -> object:
        if name in where:
            value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        elif name in modules():
            try:
                value = importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as err:
                if err.name != f"{package}.{name}":
                    raise
                raise AttributeError(f"module {package!r} has no attribute {name!r} "
                                     "(that submodule is not installed)") from None
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)  # resolved once
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where) | modules())

    return __getattr__, __dir__
