"""Run every claim check on the workflow's tables and write validation.csv."""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .fig2 import check_fig2
from .fig3 import _load_stores, check_fig3
from .fig4 import check_fig4_pass, check_fig4c
from .fig7 import check_fig7
from .fig8 import check_fig8
from .fig8c import check_fig8c
from .fig9 import check_fig9
from .health import check_health
from .rows import NA, NotApplicable, na_row, row, table
from .single_pass import check_capture, check_single_pass

log = logging.getLogger("chaindrag.validation")

PathLike = str | os.PathLike


def _read(path: PathLike) -> pd.DataFrame:
    """A CSV table; an empty frame for an empty file."""
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _safe(fig: str, claim: str, fn: Callable[[], list[dict]]) -> list[dict]:
    """Run one check; missing data -> an n/a row, an internal error -> a failed row."""
    try:
        return fn()
    except NotApplicable as exc:
        return [na_row(fig, claim, str(exc))]
    except Exception as exc:  # a bug in a check must not hide the other claims
        log.error("check %s (%s) raised:\n%s", fig, claim, traceback.format_exc())
        return [row(fig, claim, "", "", "", False, f"check could not run: "
                    f"{type(exc).__name__}: {exc}")]


def _checks(t: Mapping[str, pd.DataFrame | None], config: Mapping,
            stores: list) -> list[tuple[str, str, Callable[[], list[dict]]]]:
    """(figure, claim, check) of every check, in the order of validation.csv."""
    mu8 = float(config.get("fig8", {}).get("mu", 1.0))
    l_max = int(config.get("fig7", {}).get("l_max", 12))
    wf2 = None
    k2 = config.get("fig2", {}).get("kernel")
    if k2 and k2 in config.get("kernels", {}):
        wf2 = config["kernels"][k2].get("omega_fast")
    return [
        ("fig2", "leading edge of Gamma_n(tau) at n = tau pi (omega_fast - 1)",
         lambda: check_fig2(t.get("fig2_kernel"), wf2)),
        ("fig3", "sound cone, trapping and |delta rho| << alpha",
         lambda: check_fig3(stores)),
        ("fig4", "pass velocity profile follows Eq. (16), extremum = v_ext",
         lambda: check_fig4_pass(t.get("fig4_pass"))),
        ("fig4c", "largest fluctuation v_ext = sqrt(v0^2 - 8 pi^2 Phi0/mu)",
         lambda: check_fig4c(t.get("fig4c_fluctuation"))),
        ("fig4", "repulsive particle below the capture speed does not pass",
         lambda: check_capture(t.get("single_pass"), t.get("fig4c_fluctuation"),
                               t.get("fig8_fates"), stores, mu8)),
        ("fig5/6", "single-pass losses vs Eq. (26)",
         lambda: check_single_pass(t.get("single_pass"), t.get("fig5_single_pass"),
                                   t.get("fig6_single_pass"))),
        ("fig7", "losses enhanced near 2 alpha omega_fast/(2l+1)",
         lambda: check_fig7(t.get("fig7_per_pass"), l_max)),
        ("fig8", "drift fates, plateaus near alpha/n, Eq. 33 drift speeds",
         lambda: check_fig8(t.get("fig8_fates"), t.get("drift_velocities"), mu8,
                            t.get("fig8_midpoints"))),
        ("fig8c", "drive-mode Delta_bar agrees with Eq. (33) within 1%",
         lambda: check_fig8c(t.get("steady_state_drive"))),
        ("fig9", "broadened Delta_bar finite, Eq. 33 averaged over the cell",
         lambda: check_fig9(t.get("fig9_broadened"))),
        ("health", "energy, time step, solver agreement",
         lambda: check_health(t.get("numerical_health"))),
    ]


def validate(tables: Mapping[str, pd.DataFrame | None], config: Mapping | None = None,
             stores: Iterable[Any] | None = None,
             figures: Collection[str] | None = None, *, preset: str | None = None,
             config_sha256: str | None = None) -> pd.DataFrame:
    """Every claim, from tables keyed by name (``"fig2_kernel"``, ...) and the Fig. 3 stores.

    Parameters
    ----------
    tables : mapping
        Table name (the file name without ``.csv``) to DataFrame; a missing or empty table
        gives n/a rows.
    config : mapping, optional
        The merged config sections (kernels, fig2..fig9, health): fig7.l_max, fig8.mu and the
        Fig. 2 kernel's omega_fast are read.
    stores : iterable, optional
        Fig. 3 trajectory stores (paths or :class:`~chaindrag.trajectory.Trajectory`).
    figures : collection of str, optional
        Run only the checks of these figures (e.g. ``{"fig8"}``); all by default.
    preset, config_sha256 : str, optional
        Written to every row: the workflow's preset and
        :func:`chaindrag.config.config_digest` of the whole configuration it ran with (the
        workflow passes both). Left out (a call outside the workflow), the columns are empty.

    Returns
    -------
    pandas.DataFrame
        One row per claim with the :data:`~chaindrag.validation.rows.COLUMNS`. A check that
        raises gives a failed row (and an ERROR in the log), not an exception.
    """
    t = dict(tables)
    rows: list[dict] = []
    for fig, claim, fn in _checks(t, dict(config or {}), list(stores or [])):
        if figures is None or fig in figures:
            rows.extend(_safe(fig, claim, fn))
    return table(rows, preset=preset, config_sha256=config_sha256)


def summary(df: pd.DataFrame) -> str:
    """Counts of passed / failed / n/a claims and one line per failed claim.

    Parameters
    ----------
    df : pandas.DataFrame
        A validation table (:func:`validate`, or validation.csv read back).

    Returns
    -------
    str
        The counts line, then one line per failed claim.
    """
    passed = df["passed"].map(lambda x: x is True or str(x) == "True")
    na = df["passed"].map(lambda x: str(x) == NA)
    failed = ~passed & ~na
    lines = [f"validation: {int(passed.sum())} passed, {int(failed.sum())} FAILED, "
             f"{int(na.sum())} not applicable, of {len(df)} claims"]
    for r in df[failed].itertuples(index=False):
        lines.append(f"  FAILED [{r.figure}] {r.claim}: expected {r.expected}, measured "
                     f"{r.measured}, tolerance {r.tolerance}. {r.note}")
    return "\n".join(lines)


def failed_claims(df: pd.DataFrame) -> pd.DataFrame:
    """The rows whose claim failed (passed is False, not n/a).

    Parameters
    ----------
    df : pandas.DataFrame
        A validation table.

    Returns
    -------
    pandas.DataFrame
        Its failed rows.
    """
    return df[df["passed"].map(lambda x: x is False or str(x) == "False")]


def run_all(tables: Sequence[PathLike], output: PathLike, config: Mapping | None = None,
            stores: Sequence[Any] | None = None, figures: Collection[str] | None = None,
            rename: Mapping[str, str] | None = None, *, preset: str | None = None,
            config_sha256: str | None = None) -> pd.DataFrame:
    """Run every check on the workflow's tables (and Fig. 3 stores), write ``output``.

    Parameters
    ----------
    tables : sequence of paths
        The tables under results/tables/, recognised by file name (``fig2_kernel.csv``, ...).
        Missing or empty tables give n/a rows.
    output : path
        validation.csv (written atomically).
    config : mapping, optional
        The merged config sections (kernels, fig2..fig9, health): fig7.l_max, fig8.mu, the
        Fig. 2 kernel's omega_fast are read.
    stores : sequence, optional
        Fig. 3 trajectory stores (paths or :class:`~chaindrag.trajectory.Trajectory`).
    figures : collection of str, optional
        Run only the checks of these figures (:func:`validate`).
    rename : mapping, optional
        Table name read from a file name -> the name the checks know it by, e.g.
        ``{"fig8_fates_continued": "fig8_fates"}`` for the named target ``fates``.
    preset, config_sha256 : str, optional
        The columns of the same names (:func:`validate`); empty when left out.

    Returns
    -------
    pandas.DataFrame
        The validation table. Failed claims are logged as a WARNING; nothing is raised.
    """
    from ..stores import write_table

    frames: dict[str, pd.DataFrame | None] = {}
    for p in tables:
        name = dict(rename or {}).get(Path(p).stem, Path(p).stem)
        if not Path(p).exists():
            log.warning("table %s does not exist: its claims are n/a", p)
            continue
        frames[name] = _read(p)
    loaded = []
    for s in stores or []:
        try:
            loaded.extend(_load_stores([s]))
        except Exception as exc:  # an unreadable store makes the Fig. 3 claims n/a
            log.warning("cannot load store %s: %s", s, exc)
    df = validate(frames, config, loaded if stores else None, figures, preset=preset,
                  config_sha256=config_sha256)
    write_table(df, output)
    text = summary(df)
    for r in df.itertuples(index=False):
        log.info("[%s] %s: %s (measured %s, tolerance %s)", r.figure, r.claim, r.passed,
                 r.measured, r.tolerance)
    if len(failed_claims(df)):
        log.warning("%s", text)
    else:
        log.info("%s", text)
    return df
