"""Figures 2-9: one module per figure, each turning tables/stores into a matplotlib Figure.

Each module ``figN`` has ``load(inputs) -> dict`` (reads the tables/stores named by the
workflow rule's inputs) and ``plot(**data, cfg=...) -> Figure`` (no I/O, no simulation).
:func:`render` is what the workflow's figure rule calls.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from .._digest import canonical_json
from .._version import __version__
from ..stores import writer_tag
from .style import RC

log = logging.getLogger("chaindrag.plotting")

FIGURES = (*(f"fig{i}" for i in range(2, 10)), "fig8_long")
FIGURES += ("potentials",)  # issue 14: the potentials study
FIGURES += ("thermal_single_pass", "thermal_equilibration", "thermal_drift")  # issue 13
FIGURES += ("thermal_drag",)  # drive mode against Eq. (33) at temperature T


def figure(name: str, inputs: Mapping[str, Any], cfg: Mapping[str, Any]):
    """Build figure ``name`` (one of :data:`FIGURES`) from the rule's ``inputs``."""
    if name not in FIGURES:
        raise ValueError(f"figure must be one of {FIGURES}, got {name!r}")
    module = importlib.import_module(f".{name}", __name__)
    with plt.rc_context(RC):
        return module.plot(**module.load(inputs), cfg=cfg)


def render(name: str, *, inputs: Mapping[str, Any], cfg: Mapping[str, Any],
           pdf: str | os.PathLike, png: str | os.PathLike) -> None:
    """Build figure ``name`` and write it as PDF and PNG (written to temporary names, then renamed).

    Both files carry the code that drew them (``Creator``: the chaindrag version) and the
    figure's settings ``cfg`` as canonical JSON (PDF ``Subject``, PNG ``Description``), so a
    figure copied on its own still tells its parameters (e.g. a quick preset's tau_max); no
    date: the same inputs give the same bytes.
    """
    fig = figure(name, inputs, cfg)
    about = f"chaindrag figure {name}, settings {canonical_json(cfg)}"
    with plt.rc_context(RC):
        for path in (Path(pdf), Path(png)):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.tmp-{writer_tag()}{path.suffix}")
            creator = {"Creator": f"chaindrag {__version__}"}
            fig.savefig(tmp, metadata={**creator, "Description": about}
                        if path.suffix == ".png"
                        else {**creator, "Subject": about, "CreationDate": None})
            os.replace(tmp, path)
            log.info("wrote %s", path)
    plt.close(fig)
