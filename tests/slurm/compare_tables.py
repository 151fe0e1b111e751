"""Compare the result tables of two workflow runs (Slurm vs local) for run_slurm_test.sh.

Usage: python compare_tables.py DIR_A DIR_B

Both directories must hold the same *.csv files. A pair of files passes if the bytes are equal.
Otherwise the two tables are read with pandas and must agree exactly (same columns, rows and
values, NaN equal to NaN) after dropping the columns listed in VOLATILE. No table of this
version records how a run went (wall time, creation time, host), so two runs of it compare
with nothing dropped; VOLATILE only lets a table of an older version, which may still carry
its wall time, be compared with a new one. Exit status 0 when every table passes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

# The one wall-clock column an older version wrote (a table of this version has none).
VOLATILE = {"wall_time_s"}


def compare(path_a: Path, path_b: Path) -> str | None:
    """Return None if the tables agree, else a message saying how they differ."""
    if path_a.read_bytes() == path_b.read_bytes():
        print(f"  {path_a.name}: identical bytes")
        return None
    a, b = pd.read_csv(path_a), pd.read_csv(path_b)
    dropped = sorted(VOLATILE.intersection(a.columns) | VOLATILE.intersection(b.columns))
    a, b = a.drop(columns=dropped, errors="ignore"), b.drop(columns=dropped, errors="ignore")
    if list(a.columns) != list(b.columns):
        return f"{path_a.name}: columns differ: {list(a.columns)} vs {list(b.columns)}"
    if a.shape != b.shape:
        return f"{path_a.name}: shapes differ: {a.shape} vs {b.shape}"
    for column in a.columns:
        x, y = a[column], b[column]
        same = (x == y) | (x.isna() & y.isna())
        if not same.all():
            row = int((~same).to_numpy().nonzero()[0][0])
            return f"{path_a.name}: column {column!r} differs, first at row {row}: {x.iloc[row]!r} vs {y.iloc[row]!r}"
    print(f"  {path_a.name}: bytes differ, values equal exactly after dropping volatile columns {dropped}")
    return None


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
