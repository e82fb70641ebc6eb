"""The per-commitment mart refresh of in-app writes leaves exactly the rows a full rebuild gives."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from people import CSO, STAFF

from loaders.batch import Batch, SourceInfo
from monitor import db, store, work
from tests.monitor.test_store import plan_batch


def marts(con) -> dict[str, pd.DataFrame]:
    """Every mart's rows in a fixed order (lists and dates compared as text)."""
    return {m: con.execute(f"select * from {m}").df().astype(str).sort_values(
        ["commitment_id", *(["milestone_id"] if m == "mart_milestone_status" else [])]).reset_index(drop=True)
        for m in db.MARTS}


def _submit(con, **fields):
    return work.submit_progress(CSO, con, "MX0081", organisation="Fundar", period="2025-S1", status="Complete",
                                narrative="Done", evidence=["https://fundar.example/r"], **fields)


WRITES = {
    "watch": lambda con, free, watched: work.watch(STAFF, con, free, "Deadline passed", "Plazo vencido"),
    "unwatch": lambda con, free, watched: work.unwatch(STAFF, con, watched, "resolved"),
    "edit_watch_reason": lambda con, free, watched: work.edit_watch_reason(STAFF, con, watched, "New", "Nuevo"),
    "record_progress": lambda con, free, watched: work.record_progress(
        STAFF, con, "MX0081", period="2030-06", status="Complete", percent=100, narrative="Law passed"),
    "record_progress_again": lambda con, free, watched: [work.record_progress(
        STAFF, con, "MX0081", period="2030-06", status=s) for s in ("Limited", "Substantial")],
    "approve_submission": lambda con, free, watched: work.approve_submission(STAFF, con, _submit(con), "checked"),
}


@pytest.mark.parametrize("write", WRITES)
def test_partial_refresh_equals_a_full_rebuild(bundled_con, write):
    con = bundled_con
    watched = con.execute("select commitment_id from watchlist where list_name = 'priority' limit 1").fetchone()[0]
    free = con.execute("""select commitment_id from commitment where commitment_id not in
                          (select commitment_id from watchlist) order by 1 limit 1""").fetchone()[0]
    before = marts(con)
    WRITES[write](con, free, watched)
    partial = marts(con)
    with db.transaction(con):
        db.refresh_marts(con)
    full = marts(con)
    for mart in db.MARTS:
        pd.testing.assert_frame_equal(partial[mart], full[mart], obj=mart)
    assert any(not before[m].equals(full[m]) for m in db.MARTS), "the write changed no mart row: a vacuous case"



def _current(con) -> tuple:
    return con.execute("""select current_status, current_status_date, current_status_assessor, su_status
                          from mart_commitment where commitment_id = 'XX0001'""").fetchone()


def test_a_statement_becomes_the_current_status_only_when_more_recent_than_the_irm_rating(tmp_path):
    """On the IRM rating's own date the IRM (the most independent assessor) stays current; a later Support Unit
    statement takes over. After each write the row equals what a full rebuild gives."""
    con = db.open_prepared(tmp_path / "m.duckdb")
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    rated, later = date(2021, 6, 30), date(2021, 7, 1)
    batch = Batch(SourceInfo("irm.csv", "b" * 64, 10, "irm_ratings"))
    batch.tables["assessment"] = pd.DataFrame([{
        "assessment_id": "a1", "subject_type": "commitment", "subject_id": "XX0001", "indicator": "completion",
        "assessor": "irm", "value_code": "substantial", "as_of": rated, "source_row": 2}])
    store.apply_batch(STAFF, con, batch)
    for period, expected in ((rated, ("substantial", rated, "irm", "limited")),
                             (later, ("limited", later, "support_unit", "limited"))):
        work.record_progress(STAFF, con, "XX0001", period=period, status="Limited")
        assert _current(con) == expected
        with db.transaction(con):
            db.refresh_marts(con)
        assert _current(con) == expected
    con.close()
