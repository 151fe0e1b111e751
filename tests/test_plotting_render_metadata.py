"""plotting.render writes each figure with the code that drew it (Creator) and the figure's
settings as canonical JSON (PNG Description, PDF Subject), and no date (the same inputs give
the same bytes), so a figure copied on its own still tells its parameters."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402  (matplotlib's own dependency)

from chaindrag import __version__, plotting  # noqa: E402
from chaindrag._digest import canonical_json  # noqa: E402

CFG = {"tau_max": 50.0, "alpha": 40.0, "lam": [0.5, 1.0]}


@pytest.fixture
def rendered(monkeypatch, tmp_path):
    def fake_figure(name, inputs, cfg):  # no tables needed: render's own work only
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        return fig

    monkeypatch.setattr(plotting, "figure", fake_figure)

    def render(stem):
        pdf, png = tmp_path / f"{stem}.pdf", tmp_path / f"{stem}.png"
        plotting.render("fig3", inputs={}, cfg=CFG, pdf=pdf, png=png)
        return pdf, png
    return render


def _about():
    return f"chaindrag figure fig3, settings {canonical_json(CFG)}"


def test_the_png_names_its_code_and_its_settings_as_canonical_json(rendered):
    _, png = rendered("a")
    with Image.open(png) as im:
        assert im.info.get("Creator") == f"chaindrag {__version__}"
        about = im.info.get("Description", "")
    assert about == _about()
    head = "chaindrag figure fig3, settings "
    assert json.loads(about[len(head):]) == CFG


def test_the_pdf_names_its_code_and_its_settings_in_subject(rendered):
    pdf, _ = rendered("a")
    data = pdf.read_bytes()
    assert f"/Creator (chaindrag {__version__})".encode() in data
    assert f"/Subject ({_about()})".encode() in data


def test_the_pdf_carries_no_date_so_the_same_inputs_give_the_same_bytes(rendered):
    pdf, _ = rendered("a")
    assert b"/CreationDate" not in pdf.read_bytes()
