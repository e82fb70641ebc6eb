"""The story and the signals: one timeline per commitment, who has gone quiet, where each plan is heading."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from people import STAFF

from loaders.batch import Batch, SourceInfo
from monitor import db, metrics, queries, store
from monitor.filters import Filters
from tests.monitor.test_store import plan_batch

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def bundled(bundled_db_path):
    con = duckdb.connect(str(bundled_db_path), read_only=True)
    yield con.cursor()
    con.close()


def test_mx0081_timeline_tells_the_story_in_order(bundled):
    story = queries.timeline(bundled, "MX0081", TODAY)
    days = story["start_date"].dt.date.tolist()
    assert days == sorted(days)

    def first(lane: str, when: date, text: str = "") -> int:
        hits = story[(story["lane"] == lane) & (story["start_date"].dt.date == when)
                     & story["label"].fillna("").str.contains(text, regex=False)]
        assert len(hits), (lane, when, text)
        return hits.index[0]

    revelations = first("event", date(2017, 6, 19), "Pegasus")
    filing = first("event", date(2018, 7, 16), "Letter of Concern")
    resolution = story[(story["lane"] == "event") & (story["start_date"].dt.date == date(2019, 12, 12))].index[0]
    not_started = story[(story["lane"] == "statement") & (story["status"] == "not_started")
                        & (story["who"] == "government")].index[0]
    end = first("deadline", date(2022, 4, 30))
    assert revelations < filing < resolution < not_started < end
    assert story.loc[not_started, "start_date"].date() == date(2021, 12, 31)
    forum = story[(story["lane"] == "statement") & (story["status"] == "complete")]
    assert forum["detail"].tolist() == ["milestone 5"]  # the 2019-04 "Complete" is about milestone 5


def statements(sha: str, rows: list[tuple]) -> Batch:
    batch = Batch(SourceInfo("progress.csv", sha, 10, "progress"))
    batch.tables["progress_update"] = pd.DataFrame({
        "update_id": [f"{sha[:4]}{i}" for i in range(len(rows))], "subject_type": ["commitment"] * len(rows),
        "subject_id": [r[0] for r in rows], "commitment_id": [r[0] for r in rows], "period": [r[1] for r in rows],
        "period_end": [date.fromisoformat(r[1] + "-28") for r in rows], "assessor": ["government"] * len(rows),
        "status_code": ["in_progress"] * len(rows)})
    return batch


def test_staleness_puts_the_quietest_first_with_its_figures(tmp_path):
    con = db.open_prepared(tmp_path / "m.duckdb")
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    store.apply_batch(STAFF, con, statements("b" * 64, [("XX0001", "2026-10"), ("XX0002", "2025-06")]))
    quiet = queries.staleness(con.cursor(), Filters(), "member", TODAY).iloc[0]
    assert (quiet["group_id"], quiet["commitments"], quiet["last_statement"].date()) == ("XXX", 2, date(2026, 10, 28))
    assert quiet["days_since_statement"] == (TODAY - date(2026, 10, 28)).days
    assert (quiet["share_silent_6m"], quiet["share_silent_12m"]) == (0.5, 0.5)


def test_pace_is_a_range_on_stated_figures_or_not_enough_data():
    row = {"plan_start": date(2024, 1, 1), "plan_end": date(2028, 1, 1), "milestones": 20,
           "milestones_with_status": 10, "milestones_closed": 3}
    heading = metrics.pace(row, date(2026, 1, 1))  # half the time gone, 30% of stated milestones complete
    assert heading["verdict"] == "projection" and 0.3 < heading["low"] < 0.6 < heading["high"] <= 1.0
    assert heading["milestones_closed"] == 3 and heading["elapsed"] == pytest.approx(0.5, abs=0.01)
    assert metrics.pace({**row, "milestones_with_status": 2}, date(2026, 1, 1))["verdict"] == "not_enough_data"
    assert metrics.pace({**row, "plan_end": None}, date(2026, 1, 1))["verdict"] == "not_enough_data"
    assert metrics.pace(row, date(2024, 2, 1))["verdict"] == "not_enough_data"  # too early to say
    assert metrics.pace(row, date(2029, 1, 1))["verdict"] == "ended"


def test_plan_pace_counts_each_commitment_once(bundled):
    plans = queries.plan_pace(bundled, Filters(plan=("AP_MEX04",)), TODAY).iloc[0]
    assert (plans["commitments"], plans["milestones"]) == (13, 18)
