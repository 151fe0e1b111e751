"""numba's ``njit`` with its disk cache stamped by the whole package's source.

numba stamps a cached function with its own file only: "changes in symbols defined in
another file are not detected" (numba's notes on caching). A step loop cached from
``solvers/_chain.py`` would keep the machine code of an edited callee in
``solvers/_common.py``, or a constant it took from another module, after a ``git pull`` or
a local edit: old physics, silently, until that one file changed too. Every chaindrag kernel
is stamped instead with a digest of all the package's ``.py`` files, so an edit anywhere
recompiles them all once (~30 s on 2 cores) and an unchanged package loads its cache. Where
the cache lives is numba's own rule: ``NUMBA_CACHE_DIR`` if set, else the package's
``__pycache__`` folders, else the user's cache folder (``NUMBA_CACHE_LOCATOR_CLASSES``, if
set, replaces these locators and their stamp).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

import numba
from numba.core.caching import (CompileResultCacheImpl, FunctionCache, InTreeCacheLocator,
                                UserProvidedCacheLocator, UserWideCacheLocator)

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def source_digest() -> str:
    """sha256 of every ``.py`` file of the package (relative path and bytes), read once."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


class _PackageStamp:
    def get_source_stamp(self) -> str:
        return source_digest()


class _UserProvided(_PackageStamp, UserProvidedCacheLocator):
    pass


class _InTree(_PackageStamp, InTreeCacheLocator):
    pass


class _UserWide(_PackageStamp, UserWideCacheLocator):
    pass


class _PackageCacheImpl(CompileResultCacheImpl):
    _locator_classes = [_UserProvided, _InTree, _UserWide]  # numba's order


class _PackageCache(FunctionCache):
    _impl_class = _PackageCacheImpl


def njit(*, cache: bool = False, **options) -> Callable:
    """``numba.njit(**options)``; with ``cache=True`` cached on disk under the package-wide
    stamp :func:`source_digest` instead of the function's own file."""
    def decorate(func):
        dispatcher = numba.njit(**options)(func)
        if cache:
            dispatcher._cache = _PackageCache(dispatcher.py_func)
        return dispatcher
    return decorate
