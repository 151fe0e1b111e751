"""The package's shape: small modules, short functions, imports that run one way, lazy attributes."""

from __future__ import annotations

import ast
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
