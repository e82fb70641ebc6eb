"""Nothing lost, nothing invented: one command is all or nothing, a blank never erases, the CLI says what is wrong."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from people import STAFF

from monitor import db, store
from monitor.cli import main
from tests.monitor.test_store import fingerprints, plan_batch

PROGRESS = "commitment_id,period,assessor,status,narrative,source_url\n{id},2024-06,civil_society,Not started,x,\n"


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return str(path)


def counts(path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return fingerprints(con)
    finally:
        con.close()


def test_one_command_writes_all_its_files_or_none(bundled_copy, tmp_path, capsys):
    good = write(tmp_path / "a.csv", PROGRESS.format(id="MX0081"))
    dangling = write(tmp_path / "b.csv", PROGRESS.format(id="ZZ9999"))
    before = counts(bundled_copy)
    assert main(["import", good, dangling, "--db", str(bundled_copy)]) == 1
    said = capsys.readouterr().err
    assert "b.csv" in said and "ZZ9999" in said and "Nothing was written" in said
    assert counts(bundled_copy) == before  # a.csv was not committed either


def test_a_later_file_of_the_same_command_may_hold_what_an_earlier_one_refers_to(tmp_path):
    con = db.open_prepared(tmp_path / "m.duckdb")
    plan, progress = plan_batch("a" * 64), plan_batch("b" * 64)
    progress.tables = {"commitment": progress.tables["commitment"].assign(title="Open contracting (revised)")}
    reports = store.apply_batches(STAFF, con, [progress, plan])  # the plan's member and action plan arrive second
    assert [r.added for r in reports] == [{"commitment": 2},
                                          {"member": 1, "action_plan": 1, "commitment": 0, "milestone": 1}]
    assert con.execute("select count(*) from commitment where member_code = 'XXX'").fetchone() == (2,)


def test_a_blank_cell_never_erases_a_stored_value(tmp_path):
    con = db.open_prepared(tmp_path / "m.duckdb")
    first = plan_batch("a" * 64)
    first.tables["commitment"]["description"] = ["What was promised", "Budget data in full"]
    first.tables["action_plan"]["title"] = ["Testland NAP 1"]
    store.apply_batch(STAFF, con, first)
    blank = plan_batch("b" * 64)
    blank.tables["commitment"]["description"] = [None, "Budget data, corrected"]
    blank.tables["action_plan"]["plan_number"] = [None]
    blank.tables["action_plan"]["title"] = [None]
    report = store.apply_batch(STAFF, con, blank)
    rows = dict(con.execute("select commitment_id, description from commitment").fetchall())
    assert rows == {"XX0001": "What was promised", "XX0002": "Budget data, corrected"}
    assert con.execute("select plan_number, title from action_plan").fetchone() == (1, "Testland NAP 1")
    assert report.changed["commitment"] == 1 and report.changed["action_plan"] == 0


def test_a_missing_column_never_erases_a_stored_value(tmp_path):
    con = db.open_prepared(tmp_path / "m.duckdb")
    first = plan_batch("a" * 64)
    first.tables["commitment"]["description"] = ["What was promised", None]
    first.tables["commitment"]["end_date"] = [pd.Timestamp("2021-08-31").date()] * 2
    store.apply_batch(STAFF, con, first)
    store.apply_batch(STAFF, con, plan_batch("b" * 64, title="Open contracting (revised)"))  # no description, no dates
    row = con.execute("select title, description, end_date from commitment where commitment_id = 'XX0001'").fetchone()
    assert row == ("Open contracting (revised)", "What was promised", pd.Timestamp("2021-08-31").date())


def test_clearing_a_value_is_explicit_and_recorded(bundled_copy, capsys):
    args = ["clear", "commitment", "MX0081", "description", "--db", str(bundled_copy)]
    with pytest.raises(SystemExit):
        main(args)  # no reason given
    assert main([*args, "--reason", "the published text was withdrawn"]) == 0
    con = duckdb.connect(str(bundled_copy), read_only=True)
    assert con.execute("select description from commitment where commitment_id = 'MX0081'").fetchone() == (None,)
    kind, notes = con.execute("select kind, notes from source_file where kind = 'clear'").fetchone()
    assert "MX0081" in notes and "withdrawn" in notes and "os:" in notes
    con.close()
    assert main(["clear", "commitment", "MX0081", "commitment_id", "--reason", "x", "--db", str(bundled_copy)]) == 1
    assert "cannot clear commitment.commitment_id" in capsys.readouterr().err


def test_a_commitment_moved_to_another_member_is_imported_with_a_warning(tmp_path):
    con = db.open_prepared(tmp_path / "m.duckdb")
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    moved = plan_batch("b" * 64)
    moved.tables["member"] = pd.DataFrame({"member_code": ["XXX", "YYY"], "name": ["Testland", "Otherland"]})
    moved.tables["commitment"]["member_code"] = ["YYY", "XXX"]
    report = store.apply_batch(STAFF, con, moved)
    assert [(w.severity, w.row, w.value) for w in report.warnings] == [("warning", 2, "YYY")]
    assert "moves from member XXX to YYY" in report.warnings[0].expected


def test_check_runs_the_reference_rule_import_runs(bundled_copy, tmp_path, capsys):
    dangling = write(tmp_path / "p.csv", PROGRESS.format(id="ZZ9999"))
    assert main(["check", dangling, "--db", str(bundled_copy)]) == 1
    said = capsys.readouterr().err
    assert "ZZ9999" in said and "All files are valid" not in said
    assert main(["check", write(tmp_path / "ok.csv", PROGRESS.format(id="MX0081")), "--db", str(bundled_copy)]) == 0


@pytest.mark.parametrize("where", ["csv", "folder", "under_a_file"])
def test_a_db_path_that_is_no_database_is_one_clear_line_and_exit_2(tmp_path, capsys, where):
    progress = write(tmp_path / "p.csv", PROGRESS.format(id="MX0081"))
    target = {"csv": tmp_path / "p.csv", "folder": tmp_path, "under_a_file": tmp_path / "p.csv" / "m.duckdb"}[where]
    before = (tmp_path / "p.csv").read_bytes()
    assert main(["import", progress, "--db", str(target)]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 + 2 and said[-1].startswith("error: ") and "Traceback" not in "".join(said)
    assert (tmp_path / "p.csv").read_bytes() == before


def test_export_to_a_folder_is_exit_2_and_leaves_no_part_file(bundled_copy, tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["export", "--scope", "plan:AP_MEX04", "--out", str(folder), "--db", str(bundled_copy)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert list(tmp_path.rglob("*.part")) == []
