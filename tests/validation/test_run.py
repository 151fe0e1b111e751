"""Running every check: validation.csv, n/a notes, warnings, a broken check."""

from __future__ import annotations

import logging

import pandas as pd

from chaindrag import validation

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
