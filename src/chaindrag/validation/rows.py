"""Rows of validation.csv: the columns, the n/a marker, number formatting and table access.

Every check returns a list of rows (dicts) with the columns

    figure, claim, expected, measured, tolerance, passed, note

``passed`` is True, False or :data:`NA` (``"n/a"``: the claim cannot be judged on the data at
hand; the note says why). :class:`Claim` builds the rows of one claim. :func:`table` makes
the validation table of the rows, adding the provenance columns

    preset, config_sha256, chaindrag_version

(the workflow's preset and :func:`chaindrag.config.config_digest` of the configuration it ran
with, both empty when not given, as when :func:`~chaindrag.validation.validate` is called
outside the workflow; then the package version).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__

NA = "n/a"
#: The columns of every validation table (validation.csv, validation_fates.csv,
#: validation_thermal.csv, validation_potentials.csv): a check's row (the first seven), then
#: provenance. preset and config_sha256 came later: after the existing columns, before
#: chaindrag_version (results/README.md).
COLUMNS = ["figure", "claim", "expected", "measured", "tolerance", "passed", "note",
           "preset", "config_sha256", "chaindrag_version"]
#: The columns of a row a check returns (:func:`row`).
ROW_COLUMNS = COLUMNS[:7]
_SHA256 = re.compile(r"[0-9a-f]{64}")


class NotApplicable(Exception):
    """Raised inside a check when its input is missing, empty or too small to judge."""


def _num(x: Any) -> Any:
    """A float rounded to 6 significant digits (short CSV text), or ``x`` unchanged."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, float, np.integer, np.floating)):
        x = float(x)
        if not math.isfinite(x):
            return x
        return float(f"{x:.6g}")
    return x


def _g(x: Any) -> str:
    """Number text for notes."""
    try:
        return f"{float(x):.4g}"
    except (TypeError, ValueError):
        return str(x)


def row(figure: str, claim: str, expected: Any, measured: Any, tolerance: Any,
        passed: bool | str, note: str = "") -> dict:
    """One validation row.

    Parameters
    ----------
    figure : str
        The figure the claim is about (``"fig2"``, ..., ``"health"``).
    claim : str
        The claim, in words.
    expected, measured, tolerance : object
        Numbers (rounded to 6 significant digits) or text.
    passed : bool or str
        True, False or :data:`NA`.
    note : str, optional
        How the measurement was made, or why the claim is not applicable.

    Returns
    -------
    dict
        The row, keyed by :data:`ROW_COLUMNS` (the first seven :data:`COLUMNS`).
    """
    if not (isinstance(passed, str) and passed == NA):
        passed = bool(passed)
    return dict(figure=figure, claim=claim, expected=_num(expected), measured=_num(measured),
                tolerance=_num(tolerance), passed=passed, note=note)


def table(rows: Sequence[dict], *, preset: str | None = None,
          config_sha256: str | None = None) -> pd.DataFrame:
    """The validation table of ``rows``: :data:`COLUMNS`, provenance filled in.

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`row` (keyed by :data:`ROW_COLUMNS`).
    preset : str, optional
        The workflow's preset (``config["preset"]``: ``"paper"``, ``"quick"``); empty when not
        given.
    config_sha256 : str, optional
        :func:`chaindrag.config.config_digest` of the configuration the workflow ran with (64
        lowercase hex digits); empty when not given.

    Returns
    -------
    pandas.DataFrame
        One row per row given, with the :data:`COLUMNS`; ``passed`` holds True, False or
        :data:`NA`, chaindrag_version the package's version.

    Raises
    ------
    ValueError
        If ``config_sha256`` is not 64 lowercase hex digits, or ``preset`` is not a string.
    """
    if preset is not None and not isinstance(preset, str):
        raise ValueError(f"preset must be a string (the config's preset), got {preset!r}")
    if config_sha256 is not None and not (isinstance(config_sha256, str)
                                          and _SHA256.fullmatch(config_sha256)):
        raise ValueError("config_sha256 must be 64 lowercase hex digits "
                         f"(chaindrag.config.config_digest), got {config_sha256!r}")
    out = pd.DataFrame(list(rows), columns=ROW_COLUMNS)
    out["passed"] = out["passed"].map(lambda x: NA if isinstance(x, str) else bool(x)
                                      ).astype(object)
    out["preset"] = preset or ""
    out["config_sha256"] = config_sha256 or ""
    out["chaindrag_version"] = __version__
    return out[COLUMNS]


def na_row(figure: str, claim: str, note: str, expected: Any = "", measured: Any = "",
           tolerance: Any = "") -> dict:
    """A row whose claim cannot be judged; ``note`` says why (see :func:`row`)."""
    return row(figure, claim, expected, measured, tolerance, NA, note)


@dataclass(frozen=True)
class Claim:
    """The rows of one claim of one figure: passed or failed, not applicable, or judged.

    Parameters
    ----------
    figure : str
        The figure column.
    text : str
        The claim column.
    """

    figure: str
    text: str

    def row(self, expected: Any, measured: Any, tolerance: Any, passed: bool | str,
            note: str = "") -> dict:
        """The claim's row with ``passed`` as given (see :func:`row`)."""
        return row(self.figure, self.text, expected, measured, tolerance, passed, note)

    def na(self, note: str, expected: Any = "", measured: Any = "", tolerance: Any = "") -> dict:
        """The claim's not-applicable row (see :func:`na_row`)."""
        return na_row(self.figure, self.text, note, expected, measured, tolerance)

    def judged(self, expected: Any, measured: Any, tolerance: Any, ok: bool, note: str,
               excuse: str = "") -> dict:
        """Passed if ``ok``; otherwise n/a when there is an ``excuse``, failed when not.

        The excuse (e.g. a run shorter than the paper's) precedes the note of the n/a row:
        ``"{excuse}; {note}"``.
        """
        if ok:
            return self.row(expected, measured, tolerance, True, note)
        if excuse:
            return self.na(f"{excuse}; {note}", expected, measured, tolerance)
        return self.row(expected, measured, tolerance, False, note)


def _require(df: pd.DataFrame | None, name: str, columns: Sequence[str]) -> pd.DataFrame:
    """``df`` if it has rows and every column; NotApplicable otherwise."""
    if df is None:
        raise NotApplicable(f"table {name}.csv not provided")
    if len(df) == 0:
        raise NotApplicable(f"table {name}.csv is empty")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise NotApplicable(f"table {name}.csv lacks column(s) {', '.join(missing)}")
    return df


def _col(df: pd.DataFrame, name: str, default: float) -> np.ndarray:
    """Column ``name`` as floats (``default`` where missing or not a number, or everywhere)."""
    if name in df.columns:
        return pd.to_numeric(df[name], errors="coerce").fillna(default).to_numpy(float)
    return np.full(len(df), float(default))


def _as_bool(series: pd.Series) -> np.ndarray:
    """Booleans from a column read back from CSV (True/False, 1/0, 'True'/'false')."""
    def one(x):
        if isinstance(x, (bool, np.bool_)):
            return bool(x)
        if isinstance(x, (int, float, np.integer, np.floating)):
            return bool(x) if math.isfinite(float(x)) else False
        return str(x).strip().lower() in ("true", "1", "yes")
    return np.array([one(x) for x in series], dtype=bool)


def _sign_word(phi0: float) -> str:
    return "repulsive" if phi0 > 0 else "attractive"


def _by_phi0(df: pd.DataFrame):
    """The groups of ``df`` by phi0, repulsive (largest phi0) first."""
    return sorted(df.groupby("phi0"), key=lambda kv: -kv[0])
