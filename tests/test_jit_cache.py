"""numba's disk cache never serves machine code older than the package's source.

numba stamps a cached function with its own file only, so a caller kept the compiled code
of an edited callee in another file (a mutation of ``solvers/_common.py`` went unseen by
the suite while ``_chain.py``'s cache was warm). ``chaindrag._jit`` stamps every kernel
with a digest of the whole package.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import chaindrag
from chaindrag._jit import _PackageCache, source_digest
from numba.core.registry import CPUDispatcher

_RUN = """
import json, numpy as np
from chaindrag.boundary import bare_chain, transparent_ends
from chaindrag.boundary._dtbc import bare_chain_steps
ends = transparent_ends(10.0, 60)
rho = np.zeros(64); rho[30] = 1.0
out = bare_chain(ends, rho, rho, 50, record_sites=[30])
stats = bare_chain_steps.stats
print(json.dumps({"hits": sum(stats.cache_hits.values()),
                  "misses": sum(stats.cache_misses.values()),
                  "rho": float(out.rho_cur.sum())}))
"""


def _kernels():
    """Every numba dispatcher defined in a chaindrag module."""
    for info in pkgutil.walk_packages(chaindrag.__path__, "chaindrag."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__.startswith("chaindrag"):
                yield info.name, obj


def test_every_cached_kernel_is_stamped_with_the_whole_package():
    kernels = list(_kernels())
    assert len(kernels) >= 40  # the step loops, the ends, Eq. 33's roots, the syntheses
    for module, disp in kernels:
        assert isinstance(disp._cache, _PackageCache), (module, disp.py_func.__name__)
        assert disp._cache._impl.locator.get_source_stamp() == source_digest()


def _run(src_parent: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR",
                                                           "NUMBA_CACHE_LOCATOR_CLASSES")}
    env["PYTHONPATH"] = str(src_parent)
    done = subprocess.run([sys.executable, "-c", _RUN], env=env, capture_output=True,
                          text=True, check=True, cwd=src_parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_edit_in_a_callees_file_recompiles_its_cached_callers(tmp_path):
    # bare_chain_steps (boundary/_dtbc.py) calls sweep (boundary/_sweep.py); numba's own
    # stamp would load the cached bare_chain_steps after an edit of _sweep.py alone
    package = Path(chaindrag.__file__).parent
    shutil.copytree(package, tmp_path / "chaindrag",
                    ignore=shutil.ignore_patterns("__pycache__"))
    first = _run(tmp_path)
    again = _run(tmp_path)
    assert (first["misses"], again["hits"], again["misses"]) == (1, 1, 0), (first, again)
    with open(tmp_path / "chaindrag" / "boundary" / "_sweep.py", "a") as f:
        f.write("# edited\n")
    edited = _run(tmp_path)
    assert (edited["hits"], edited["misses"]) == (0, 1), edited
    assert edited["rho"] == first["rho"]
