"""Running every check: validation.csv, n/a notes, warnings, a broken check, provenance."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from chaindrag import __version__, validation
from chaindrag.config import config_digest
from chaindrag.validation.potentials import run_potentials, validate_potentials

from .helpers import fig3_traj, fig4c_table, health_table


def test_run_all_writes_every_claim_and_warns_about_failures(tmp_path, caplog):
    from chaindrag.stores import save_trajectory

    paths = []
    for name, df in (("fig4c_fluctuation", fig4c_table(0.9)),
                     ("numerical_health", health_table()),
                     ("fig9_broadened", pd.DataFrame(columns=["phi0", "v"]))):
        df.to_csv(tmp_path / f"{name}.csv", index=False)
        paths.append(tmp_path / f"{name}.csv")
    (tmp_path / "fig2_kernel.csv").write_text("")  # an empty file
    paths += [tmp_path / "fig2_kernel.csv", tmp_path / "fig7_per_pass.csv"]  # one missing
    store = save_trajectory(fig3_traj(tau_max=30.0), tmp_path / "phi0_+20.zarr")
    out = tmp_path / "validation.csv"
    with caplog.at_level(logging.INFO, logger="chaindrag.validation"):
        df = validation.run_all(tables=paths, output=out, config={"fig7": {"l_max": 12}},
                                stores=[store])
    back = pd.read_csv(out, keep_default_na=False)
    assert list(back.columns) == validation.COLUMNS
    # called without preset and digest (outside the workflow): those columns are empty
    assert (back["preset"] == "").all() and (back["config_sha256"] == "").all()
    assert set(back["passed"]) <= {"True", "False", "n/a"}
    assert len(back) == len(df)
    figs = set(back["figure"])
    assert {"fig2", "fig3", "fig4", "fig4c", "fig5/6", "fig7", "fig8", "fig8c", "fig9",
            "health"} <= figs
    na = back[back["passed"] == "n/a"]
    assert (na["note"] != "").all()  # every n/a says why
    assert "fig2_kernel.csv is empty" in " ".join(na["note"])
    assert "fig9_broadened.csv" in " ".join(na["note"])
    failed = back[back["passed"] == "False"]
    assert set(failed["figure"]) == {"fig4c"}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("2 FAILED" in m and "fig4c" in m for m in warnings)


def test_a_check_that_breaks_gives_a_failed_row_not_a_crash():
    bad = pd.DataFrame(dict(phi0=["x"], lam=[4.0], v0=[50.0], v_ext_numeric=[1.0]))
    df = validation.validate({"fig4c_fluctuation": bad})
    row = df[df["figure"] == "fig4c"].iloc[0]
    assert row["passed"] is False and "could not run" in row["note"]


def test_a_claim_not_met_is_excused_only_with_a_reason():
    claim = validation.Claim("fig8", "a long-time claim")
    met = claim.judged(1.0, 1.0, 0.1, True, "note", excuse="run too short")
    assert met["passed"] is True and met["note"] == "note"  # a claim met passes, excuse or not
    excused = claim.judged(1.0, 2.0, 0.1, False, "note", excuse="run too short")
    assert excused["passed"] == validation.NA and excused["note"] == "run too short; note"
    assert claim.judged(1.0, 2.0, 0.1, False, "note")["passed"] is False


def test_every_validation_table_ends_with_its_provenance_columns():
    assert validation.COLUMNS == ["figure", "claim", "expected", "measured", "tolerance",
                                  "passed", "note", "preset", "config_sha256",
                                  "chaindrag_version"]


CONFIG = {"preset": "quick", "fig7": {"l_max": 12}, "fig8": {"mu": 1.0, "bias": 0.01}}


def _tables_of_every_kind(tmp_path, **provenance):
    """validation.csv, validation_fates.csv, validation_thermal.csv and
    validation_potentials.csv as the workflow's scripts write them, read back."""
    fig4c = tmp_path / "fig4c_fluctuation.csv"
    fig4c_table(0.9).to_csv(fig4c, index=False)
    outs = {name: tmp_path / f"{name}.csv" for name in
            ("validation", "validation_fates", "validation_thermal", "validation_potentials")}
    validation.run_all([fig4c], outs["validation"], config=CONFIG, **provenance)
    validation.run_all([tmp_path / "fig8_fates_continued.csv"], outs["validation_fates"],
                       config=CONFIG, figures=["fig8"],
                       rename={"fig8_fates_continued": "fig8_fates"}, **provenance)
    validation.run_thermal([tmp_path / "thermal_sampler.csv"], outs["validation_thermal"],
                           **provenance)
    run_potentials(tmp_path / "potentials_single_pass.csv", outs["validation_potentials"],
                   **provenance)
    return {name: pd.read_csv(path, keep_default_na=False, dtype=str)
            for name, path in outs.items()}


def test_every_validation_table_names_the_preset_and_config_it_judged(tmp_path):
    digest = config_digest(CONFIG)
    tables = _tables_of_every_kind(tmp_path, preset="quick", config_sha256=digest)
    for name, df in tables.items():
        assert list(df.columns) == validation.COLUMNS, name
        assert len(df) and (df["preset"] == "quick").all(), name
        assert (df["config_sha256"] == digest).all(), name
        assert (df["chaindrag_version"] == __version__).all(), name


def test_validation_tables_called_without_a_config_leave_its_columns_empty(tmp_path):
    for name, df in _tables_of_every_kind(tmp_path).items():
        assert list(df.columns) == validation.COLUMNS, name
        assert (df["preset"] == "").all() and (df["config_sha256"] == "").all(), name
    # in memory too, whichever function built the table
    for df in (validation.validate({}), validation.validate_thermal({}),
               validate_potentials(None)):
        assert list(df.columns) == validation.COLUMNS
        assert (df["preset"] == "").all() and (df["config_sha256"] == "").all()
    df = validation.validate({}, preset="paper", config_sha256="0" * 64)
    assert set(df["preset"]) == {"paper"} and set(df["config_sha256"]) == {"0" * 64}


@pytest.mark.parametrize("provenance", [
    {"config_sha256": "abc"},                 # not a SHA-256
    {"config_sha256": "A" * 64},              # upper case: config_digest writes lower case
    {"preset": 1},                            # not a name
])
def test_a_malformed_preset_or_digest_is_refused(provenance):
    with pytest.raises(ValueError, match="preset|config_sha256"):
        validation.validate({}, **provenance)
