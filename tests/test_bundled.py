"""The bundled database answers the questions people ask it, by SQL on the core tables."""
from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

from monitor import db, seed

EXPORT = Path(__file__).resolve().parent.parent / "data" / "seed" / "ogp_export" / \
    "ogp_commitments_open_parliament_2024-07_part_a.csv"


@pytest.fixture(scope="module")
def sql(bundled_db_path):
    con = duckdb.connect(str(bundled_db_path), read_only=True)
    yield lambda text, *params: con.execute(text, list(params)).fetchall()
    con.close()


def test_mexico_nap4_has_13_commitments(sql):
    rows = sql("select commitment_id from commitment where action_plan_id = 'AP_MEX04' order by 1")
    assert [r[0] for r in rows] == [f"MX{n:04d}" for n in range(75, 88)]


def test_results_report_figures_where_known_and_not_yet_coded_for_the_rest(sql):
    rows = sql("""select coalesce(band, missing_reason), count(*) from assessment
                  where subject_type = 'commitment' and indicator = 'early_results'
                    and report = 'Results Report 2019-2022' and subject_id between 'MX0075' and 'MX0087'
                  group by 1""")
    assert dict(rows) == {"strong": 3, "top": 1, "none": 2, "not_yet_coded": 7}
    significant = sql("""select subject_id from assessment where indicator = 'early_results'
                         and value_code = 'significant' and report = 'Results Report 2019-2022' order by 1""")
    assert [r[0] for r in significant] == ["MX0076", "MX0078", "MX0087"]


def test_published_plan_level_counts_are_kept_as_published(sql):
    counts = dict(sql("""select qualifier, value_numeric from assessment
                         where subject_type = 'action_plan' and subject_id = 'AP_MEX04'
                           and indicator = 'early_results_count'"""))
    assert counts == {"any": 9, "marginal": 5, "significant": 3, "outstanding": 1}


def test_surveillance_commitment_is_watched_with_its_reason(sql):
    (reason, since, added_by), = sql("select reason, since, added_by from watchlist where commitment_id = 'MX0081'")
    assert "Response Policy" in reason and since == date(2019, 12, 12) and added_by == "OGP Support Unit"


def test_the_reason_reads_in_spanish_too(sql):
    (reason_es,), = sql("select reason_es from watchlist where commitment_id = 'MX0081'")
    assert "Política de Respuesta" in reason_es


def test_the_not_started_reading_is_told_in_spanish_too(sql):
    (narrative_es,), = sql("""select narrative_es from progress_update
                              where commitment_id = 'MX0081' and status_code = 'not_started'""")
    assert "ninguna de sus cuatro acciones clave" in narrative_es


def test_response_policy_case_dates(sql):
    dates = {r[0] for r in sql("select event_date from event where category = 'response_policy'")}
    assert {date(2018, 7, 16), date(2019, 5, 2), date(2019, 12, 12)} <= dates


def test_surveillance_commitment_reads_not_started_from_the_government_dashboard(sql):
    (status, assessor), = sql("""select current_status, current_status_assessor from mart_commitment
                                 where commitment_id = 'MX0081'""")
    assert (status, assessor) == ("not_started", "government")


def test_ogp_export_sample_counts_match_the_file(sql):
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_member = Counter(r["Code"] for r in rows)
    stored = dict(sql("""select member_code, count(*) from commitment
                         where source_id = (select source_id from source_file where kind = 'ogp_export')
                         group by 1"""))
    assert stored == dict(by_member) and len(by_member) == 54


def test_init_twice_adds_nothing(bundled_copy):
    con = db.open_prepared(bundled_copy)
    try:
        before = {t: db.table_fingerprint(con, t) for t in db.CORE_TABLES}
        reports = seed.init(con)
        assert all(r.already_imported_at is not None for r in reports)
        assert {t: db.table_fingerprint(con, t) for t in db.CORE_TABLES} == before
    finally:
        con.close()


def test_every_seed_row_has_a_source_url(sql):
    for table in ("commitment", "milestone", "progress_update", "event", "watchlist"):
        missing = sql(f"""select count(*) from {table} t join source_file s using (source_id)
                          where s.kind <> 'ogp_export' and coalesce(t.source_url, '') = ''""")[0][0]
        assert missing == 0, f"{missing} rows of {table} have no source URL"
