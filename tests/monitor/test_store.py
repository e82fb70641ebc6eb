"""The single writer: all or nothing, idempotent re-imports, corrections in place, history kept."""
from __future__ import annotations

import time

import pandas as pd
import pytest
from people import STAFF

from loaders.batch import Batch, InvalidFile, SourceInfo
from monitor import db, store


def plan_batch(sha: str, title: str = "Open contracting", milestone_parent: str = "XX0001") -> Batch:
    batch = Batch(SourceInfo("plan.xlsx", sha, 100, "nap_workbook"))
    batch.tables["member"] = pd.DataFrame({"member_code": ["XXX"], "name": ["Testland"], "source_row": [2]})
    batch.tables["action_plan"] = pd.DataFrame({"action_plan_id": ["AP_XXX01"], "member_code": ["XXX"],
                                                "plan_number": [1]})
    batch.tables["commitment"] = pd.DataFrame({
        "commitment_id": ["XX0001", "XX0002"], "action_plan_id": ["AP_XXX01"] * 2, "member_code": ["XXX"] * 2,
        "title": [title, "Budget data"], "source_sheet": ["Commitments"] * 2, "source_row": [2, 3]})
    batch.tables["milestone"] = pd.DataFrame({
        "milestone_id": ["XX0001.1"], "commitment_id": [milestone_parent], "level": ["milestone"],
        "title": ["Publish portal"], "source_sheet": ["Milestones"], "source_row": [2]})
    return batch


def progress_batch(sha: str, period: str, status: str) -> Batch:
    batch = Batch(SourceInfo("progress.csv", sha, 10, "progress"))
    batch.tables["progress_update"] = pd.DataFrame({
        "update_id": [f"u-{period}"], "subject_type": ["commitment"], "subject_id": ["XX0001"],
        "commitment_id": ["XX0001"], "period": [period], "assessor": ["government"],
        "status_code": [status], "period_end": [pd.Timestamp(period + "-28").date()], "source_row": [2]})
    return batch


def fingerprints(con) -> dict:
    return {t: db.table_fingerprint(con, t) for t in db.CORE_TABLES}


@pytest.fixture
def con(tmp_path):
    con = db.open_prepared(tmp_path / "m.duckdb")
    yield con
    con.close()


def test_import_writes_every_table_and_records_its_source(con):
    report = store.apply_batch(STAFF, con, plan_batch("a" * 64))
    assert report.added == {"member": 1, "action_plan": 1, "commitment": 2, "milestone": 1}
    row = con.execute("select file_name, kind, row_count from source_file").fetchone()
    assert row == ("plan.xlsx", "nap_workbook", 5)
    assert con.execute("select source_sheet, source_row from commitment where commitment_id = 'XX0002'").fetchone() \
        == ("Commitments", 3)


def test_same_file_twice_changes_nothing(con):
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    before = fingerprints(con)
    report = store.apply_batch(STAFF, con, plan_batch("a" * 64))
    assert report.already_imported_at is not None
    assert fingerprints(con) == before


def test_corrected_file_updates_in_place_without_duplicates(con):
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    report = store.apply_batch(STAFF, con, plan_batch("b" * 64, title="Open contracting (revised)"))
    assert report.added["commitment"] == 0 and report.changed["commitment"] == 1
    assert con.execute("select count(*) from commitment").fetchone()[0] == 2
    assert con.execute("select title from commitment where commitment_id = 'XX0001'").fetchone()[0] \
        == "Open contracting (revised)"


def test_dangling_reference_rejects_the_whole_file_and_names_the_row(con):
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    before = fingerprints(con)
    with pytest.raises(InvalidFile) as caught:
        store.apply_batch(STAFF, con, plan_batch("c" * 64, milestone_parent="XX0999"))
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("Milestones", 2, "commitment_id", "XX0999")
    assert fingerprints(con) == before


def test_failure_mid_write_rolls_back_everything(con, monkeypatch):
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    before = fingerprints(con)
    real = store._upsert
    calls = []

    def failing(con_, table, frame):
        calls.append(table)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(con_, table, frame)

    monkeypatch.setattr(store, "_upsert", failing)
    with pytest.raises(RuntimeError):
        store.apply_batch(STAFF, con, plan_batch("d" * 64, title="changed"))
    assert fingerprints(con) == before


def test_progress_is_history_a_new_period_adds_a_row(con):
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    store.apply_batch(STAFF, con, progress_batch("e" * 64, "2021-03", "not_started"))
    store.apply_batch(STAFF, con, progress_batch("f" * 64, "2021-06", "limited"))
    rows = con.execute("select period, status_code from progress_update order by period").fetchall()
    assert rows == [("2021-03", "not_started"), ("2021-06", "limited")]
    assert con.execute("select current_status from mart_commitment where commitment_id = 'XX0001'").fetchone()[0] \
        == "limited"


def test_dry_run_counts_but_writes_nothing(con):
    before = fingerprints(con)
    report = store.apply_batch(STAFF, con, plan_batch("a" * 64), dry_run=True)
    assert report.total_added == 5
    assert fingerprints(con) == before


def test_batch_with_errors_is_refused_before_writing(con):
    batch = plan_batch("a" * 64)
    from loaders.batch import Problem
    batch.problems.append(Problem("plan.xlsx", "expected a date", "Commitments", 4, "end_date", "2019-13-45"))
    with pytest.raises(InvalidFile):
        store.apply_batch(STAFF, con, batch)
    assert con.execute("select count(*) from commitment").fetchone()[0] == 0


def test_a_second_process_is_told_the_database_is_busy(tmp_path, hold):
    path = tmp_path / "held.duckdb"
    with hold(path):
        started = time.perf_counter()
        with pytest.raises(db.DatabaseBusy) as caught:
            db.open_prepared(path)
        assert time.perf_counter() - started < 5
        assert "dashboard" in str(caught.value) and "Nothing was written" in str(caught.value)


def test_reference_scales_are_in_the_database(con):
    label = con.execute("select label_en, label_es from scale_value where scale_id = 'completion' and code = 'limited'")
    assert label.fetchone() == ("Limited", "Limitado")
    synonym = con.execute("select code from scale_synonym where scale_id = 'completion' and raw_label = 'sp'")
    assert synonym.fetchone()[0] == "substantial"


def test_reimport_with_timestamps_for_dates_is_not_a_change(con):
    batch = plan_batch("a" * 64)
    batch.tables["milestone"]["due_date"] = [pd.Timestamp("2021-08-31").date()]
    store.apply_batch(STAFF, con, batch)
    again = plan_batch("b" * 64)
    again.tables["milestone"]["due_date"] = [pd.Timestamp("2021-08-31")]
    report = store.apply_batch(STAFF, con, again)
    assert report.changed == {"member": 0, "action_plan": 0, "commitment": 0, "milestone": 0}


def test_an_older_database_is_migrated_and_its_read_tables_rebuilt(tmp_path):
    from importlib import resources

    import duckdb

    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create table schema_migration (name text primary key, applied_at timestamp not null)")
    old.execute((resources.files("monitor") / "sql" / "migrations" / "001_core.sql").read_text(encoding="utf-8"))
    old.execute("insert into schema_migration values ('001_core.sql', now())")
    old.close()
    con = db.open_prepared(path)
    try:
        assert [r[0] for r in con.execute("select name from schema_migration order by 1").fetchall()] \
            == db.migration_names()
        assert "watch_reason_es" in store.table_columns(con, "mart_commitment")
    finally:
        con.close()


@pytest.mark.parametrize("table, row, column", [
    ("assessment", {"assessment_id": "a1", "subject_type": "commitment", "subject_id": "XX0999",
                    "indicator": "completion", "assessor": "irm"}, "subject_id"),
    ("assessment", {"assessment_id": "a2", "subject_type": "action_plan", "subject_id": "AP_XXX09",
                    "indicator": "early_results_count", "assessor": "irm"}, "subject_id"),
    ("progress_update", {"update_id": "u1", "subject_type": "milestone", "subject_id": "XX0001.9",
                         "commitment_id": "XX0001", "period": "2024-06", "assessor": "government"}, "subject_id"),
    ("event", {"event_id": "e1", "date_raw": "2024", "date_precision": "year", "category": "plan",
               "title": "Launch", "commitment_id": "XX0999"}, "commitment_id"),
])
def test_a_row_about_something_unknown_is_refused(con, table, row, column):
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    before = fingerprints(con)
    batch = Batch(SourceInfo("more.csv", "z" * 64, 10, "irm_ratings"))
    batch.tables[table] = pd.DataFrame([{**row, "source_row": 2}])
    with pytest.raises(InvalidFile) as caught:
        store.apply_batch(STAFF, con, batch)
    assert (caught.value.problems[0].row, caught.value.problems[0].column) == (2, column)
    assert fingerprints(con) == before


def test_an_event_about_no_commitment_in_particular_is_fine(con):
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    batch = Batch(SourceInfo("events.csv", "y" * 64, 10, "events"))
    batch.tables["event"] = pd.DataFrame([{"event_id": "e1", "date_raw": "2024", "date_precision": "year",
                                           "category": "plan", "title": "Plan published", "member_code": "XXX",
                                           "commitment_id": None, "source_row": 2}])
    assert store.apply_batch(STAFF, con, batch).added == {"event": 1}


def test_assessors_disagree_only_about_the_same_subject_and_period(con):
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    rows = [("commitment", "XX0001", "government", "not_started"),
            ("milestone", "XX0001.1", "civil_society", "complete")]

    def statements(sha: str, rows: list[tuple]) -> Batch:
        batch = Batch(SourceInfo("progress.csv", sha, 10, "progress"))
        batch.tables["progress_update"] = pd.DataFrame({
            "update_id": [f"{sha[:4]}{i}" for i in range(len(rows))], "subject_type": [r[0] for r in rows],
            "subject_id": [r[1] for r in rows], "commitment_id": ["XX0001"] * len(rows), "period": ["2021"] * len(rows),
            "assessor": [r[2] for r in rows], "status_code": [r[3] for r in rows]})
        return batch

    def disagree() -> bool:
        sql = "select assessors_disagree from mart_commitment where commitment_id = 'XX0001'"
        return con.execute(sql).fetchone()[0]

    store.apply_batch(STAFF, con, statements("b" * 64, rows))
    assert not disagree()  # a finished milestone does not contradict a commitment that has not started
    store.apply_batch(STAFF, con, statements("c" * 64, [("commitment", "XX0001", "civil_society", "limited")]))
    assert disagree()
