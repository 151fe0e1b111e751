"""The package's shape: small modules, short functions, imports that run one way, lazy attributes."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import chaindrag

SRC = Path(chaindrag.__file__).resolve().parent
FILES = sorted(SRC.rglob("*.py"))
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function from its ``def`` to its end, without its docstring."""
    n = node.end_lineno - node.lineno + 1
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                             ast.Constant) \
            and isinstance(body[0].value.value, str):
        n -= body[0].end_lineno - body[0].lineno + 1
    return n


def test_no_module_is_longer_than_one_screen_of_thought():
    long = {str(p.relative_to(SRC)): n for p in FILES
            if (n := len(p.read_text().splitlines())) > MAX_FILE_LINES}
    assert not long, f"modules over {MAX_FILE_LINES} lines: {long}"


def test_no_function_is_longer_than_eighty_lines_of_code():
    long = {}
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if (n := _code_lines(node)) > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(SRC)}:{node.name}"] = n
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines of code: {long}"


def test_the_package_never_imports_snakemake():
    offenders = [str(p.relative_to(SRC)) for p in FILES
                 if any(isinstance(n, (ast.Import, ast.ImportFrom))
                        and any((a.name if isinstance(n, ast.Import) else (n.module or ""))
                                .startswith("snakemake") for a in n.names)
                        for n in ast.walk(ast.parse(p.read_text())))]
    assert not offenders


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module, forbidden", [
    ("chaindrag.analytic", ("chaindrag.solvers", "chaindrag.jobs", "chaindrag.kernel")),
    ("chaindrag.plotting", ("chaindrag.solvers", "chaindrag.jobs")),
    ("chaindrag.tables", ("chaindrag.solvers", "chaindrag.jobs")),
    ("chaindrag.validation", ("chaindrag.solvers", "chaindrag.jobs")),
    ("chaindrag", ("chaindrag.solvers", "numba")),
])
def test_imports_run_one_way(module, forbidden):
    loaded = _loaded_after(f"import {module}")
    assert not loaded.intersection(forbidden), f"import {module} loads {loaded & set(forbidden)}"


def test_every_submodule_is_a_lazy_attribute_of_the_package():
    code = ("import chaindrag, importlib.util as u; "
            "print(' '.join(m for m in chaindrag.SUBMODULES "
            "if u.find_spec('chaindrag.' + m) and getattr(chaindrag, m).__name__ == 'chaindrag.' + m))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    reachable = set(out.stdout.split())
    on_disk = {p.stem if p.is_file() else p.name for p in SRC.iterdir()
               if not p.name.startswith("_") and (p.suffix == ".py" or (p / "__init__.py").exists())}
    assert on_disk <= set(chaindrag.SUBMODULES), f"not listed in SUBMODULES: {on_disk - set(chaindrag.SUBMODULES)}"
    assert reachable == on_disk


def test_readme_examples_of_lazy_attributes_work():
    code = ("import chaindrag; "
            "print(chaindrag.kernel.gamma(5, 1.0), chaindrag.analytic.capture_speed(2.0))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    gamma, capture = map(float, out.stdout.split())
    assert capture == pytest.approx((8 * 3.141592653589793**2 * 2.0) ** 0.5, rel=1e-15)
    assert abs(gamma) < 0.1


def test_subpackages_import_lazily_and_every_exported_name_resolves():
    """``from chaindrag import tables`` (what a workflow script runs first) loads no heavy
    library, a job's function loads only what it needs, and every name of a subpackage's
    ``__all__`` is the object its submodule defines (the submodule its ``__init__`` names)."""
    heavy = {"numba", "pandas", "scipy", "zarr", "matplotlib", "chaindrag.solvers"}
    loaded = _loaded_after("from chaindrag import analytic, jobs, kernel, tables, thermal, "
                           "validation")
    assert not loaded & heavy, f"importing the subpackages loads {loaded & heavy}"
    loaded = _loaded_after("from chaindrag.tables import fig8c_tables; "
                           "from chaindrag.jobs import run_drift")
    unneeded = {"zarr", "scipy.integrate", "scipy.optimize", "scipy.stats", "matplotlib"}
    assert not loaded & unneeded, f"a table and a drift job load {loaded & unneeded}"

    for init in sorted(SRC.rglob("__init__.py")):
        parts = init.parent.relative_to(SRC).parts
        package = importlib.import_module(".".join(("chaindrag", *parts)))
        source = {}  # name -> submodule, from the __init__'s imports (TYPE_CHECKING ones included)
        assigned = set(getattr(package, "SUBMODULES", ()))  # and names the __init__ defines
        for node in ast.walk(ast.parse(init.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                source.update({a.name: f"{package.__name__}.{node.module}" for a in node.names})
            elif isinstance(node, ast.Assign):
                assigned.update(t.id for t in node.targets if isinstance(t, ast.Name))
        for name in getattr(package, "__all__", ()):
            assert name in source or name in assigned, f"{package.__name__}.{name}: from where?"
            if name in source:
                expected = getattr(importlib.import_module(source[name]), name)
                assert getattr(package, name) is expected, f"{package.__name__}.{name}"
        assert set(getattr(package, "__all__", ())) <= set(dir(package))
