"""Compare the result tables of two workflow runs (Slurm vs local) for run_slurm_test.sh.

Usage: python compare_tables.py DIR_A DIR_B

Both directories must hold the same *.csv files, byte for byte: the two runs are of one
version and one configuration, and no table records how a run went (wall time, creation
time, host), so any difference is a defect. For a table that differs the message names the
first differing line of each. Exit status 0 when every table is identical.
"""

from __future__ import annotations

import sys
from pathlib import Path


def compare(path_a: Path, path_b: Path) -> str | None:
    """Return None if the two files hold the same bytes, else where they first differ."""
    a, b = path_a.read_bytes(), path_b.read_bytes()
    if a == b:
        print(f"  {path_a.name}: identical bytes")
        return None
    lines_a, lines_b = a.decode().splitlines(), b.decode().splitlines()
    for i, (x, y) in enumerate(zip(lines_a, lines_b)):
        if x != y:
            return f"{path_a.name}: line {i + 1} differs:\n    {x}\n    {y}"
    return f"{path_a.name}: {len(lines_a)} vs {len(lines_b)} lines"


def main(dir_a: str, dir_b: str) -> int:
    tables_a = {p.name: p for p in Path(dir_a).glob("*.csv")}
    tables_b = {p.name: p for p in Path(dir_b).glob("*.csv")}
    if not tables_a:
        print(f"no *.csv in {dir_a}")
        return 1
    if tables_a.keys() != tables_b.keys():
        print(f"different table sets: only in A {sorted(tables_a.keys() - tables_b.keys())}, "
              f"only in B {sorted(tables_b.keys() - tables_a.keys())}")
        return 1
    print(f"comparing {len(tables_a)} tables: {dir_a} vs {dir_b}")
    problems = [msg for name in sorted(tables_a) if (msg := compare(tables_a[name], tables_b[name]))]
    for msg in problems:
        print(f"  DIFFERENT {msg}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
