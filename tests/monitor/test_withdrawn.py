"""A corrected file that no longer holds a row it held before: listed before, withdrawn by source, audited, restored."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
from people import STAFF
from repo import REPO

from loaders import detect
from monitor import audit, db, queries, store
from monitor.cli import main

SEED = REPO / "data" / "seed" / "mexico"
DROPPED = "MX0081.1"


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def as_csv(table: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(table)
    return out.getvalue().encode()


def milestones_without(milestone_id: str, blank_due_of: str | None = None) -> bytes:
    table = [r for r in rows(SEED / "milestones.csv") if r[0] != milestone_id]
    if blank_due_of:
        column = table[0].index("due_date")
        for r in table:
            if r[0] == blank_due_of:
                r[column] = ""
    return as_csv(table)


def shown(con) -> list[str]:
    """The milestones MX0081's page lists, and those its mart counts."""
    return queries.milestones(con, "MX0081", date(2024, 1, 1))["milestone_id"].tolist()


def counted(con) -> int:
    return con.execute("select count_milestones from mart_commitment where commitment_id = 'MX0081'").fetchone()[0]


def fingerprints(con) -> dict:
    return {t: db.table_fingerprint(con, t) for t in db.CORE_TABLES}


def test_a_dropped_milestone_is_listed_withdrawn_audited_and_restored(bundled_con):
    con = bundled_con
    assert DROPPED in shown(con) and counted(con) == 6
    corrected = detect.load(milestones_without(DROPPED), "milestones.csv")
    before = fingerprints(con)
    dry = store.apply_batch(STAFF, con, corrected, dry_run=True)
    assert [(r.file_name, r.table, r.key, r.commitment_id) for r in dry.withdrawn] == \
        [("milestones.csv", "milestone", DROPPED, "MX0081")]
    assert dry.withdrawn[0].title.startswith("Roadmap of 4 key actions")
    assert fingerprints(con) == before, "a dry run writes nothing"
    assert [r.key for r in store.removals(con, [corrected])[0]] == [DROPPED], "the preview lists the same rows"

    report = store.apply_batch(STAFF, con, corrected)
    assert [r.key for r in report.withdrawn] == [DROPPED]
    assert DROPPED not in shown(con) and counted(con) == 5
    assert con.execute("select count(*) from milestone where milestone_id = ?", [DROPPED]).fetchone()[0] == 0
    kept = con.execute("select row_json, withdrawn_source from withdrawn_row").fetchall()
    assert len(kept) == 1 and DROPPED in kept[0][0] and kept[0][1] == corrected.source.sha256, "never hard-deleted"
    log = audit.entries(con)
    entry = log[log["action"] == "withdraw_by_source"].iloc[-1]
    assert (entry["entity_table"], entry["entity_id"], entry["commitment_id"]) == ("milestone", DROPPED, "MX0081")
    assert entry["source_sha256"] == corrected.source.sha256 and entry["source_file"] == "milestones.csv"
    assert "Roadmap of 4 key actions" in entry["before_json"] and pd.isna(entry["after_json"])
    assert audit.verify(con).ok

    original = detect.load((SEED / "milestones.csv").read_bytes(), "milestones.csv")  # imported before: restores
    back = store.apply_batch(STAFF, con, original)
    assert [r.key for r in back.restored] == [DROPPED] and not back.withdrawn
    assert DROPPED in shown(con) and counted(con) == 6
    assert audit.entries(con)["action"].iloc[-2] == "restore_by_source"
    again = store.apply_batch(STAFF, con, original)
    assert again.already_imported_at is not None, "the current version again is still a no-op"


def test_the_cli_dry_run_prints_the_removal(bundled_copy, tmp_path, capsys):
    path = tmp_path / "milestones.csv"
    path.write_bytes(milestones_without(DROPPED))
    assert main(["import", "--dry-run", "--db", str(bundled_copy), str(path)]) == 0
    out = "".join(capsys.readouterr())
    assert f"would withdraw: milestone {DROPPED}" in out and "1 be withdrawn by source; nothing was written" in out


def test_an_unrelated_file_never_withdraws_rows_it_never_held(bundled_con):
    con = bundled_con
    extra = [r for r in rows(SEED / "milestones.csv") if r[0] in ("milestone_id", "MX0081.2")]
    extra[1][5] = "Another wording"
    report = store.apply_batch(STAFF, con, detect.load(as_csv(extra), "extra_milestones.csv", kind="nap_milestones"))
    assert report.withdrawn == [] and len(shown(con)) == 6
    # MX0081.2 was last written by extra_milestones.csv: the corrected milestones.csv lacking it keeps it
    corrected = detect.load(milestones_without("MX0081.2"), "milestones.csv")
    assert store.apply_batch(STAFF, con, corrected).withdrawn == []
    assert "MX0081.2" in shown(con)


TRACKER = "commitment_id,milestone_id,period,assessor,assessor_name,status,narrative\n"


def test_a_statement_missing_from_the_corrected_tracker_is_withdrawn_but_older_periods_stay(bundled_con):
    con = bundled_con
    both = (TRACKER + "MX0081,,2025-S1,civil_society,Fundar,Limited,Drafting began\n"
            "MX0081,MX0081.6,2025-S1,civil_society,Fundar,Not started,Committee never met\n")
    store.apply_batch(STAFF, con, detect.load(both.encode(), "tracker.csv"))
    history = queries.progress_history(con, "MX0081")
    assert "Committee never met" in history["narrative"].tolist()
    corrected = TRACKER + "MX0081,,2025-S1,civil_society,Fundar,Limited,Drafting began in earnest\n"
    report = store.apply_batch(STAFF, con, detect.load(corrected.encode(), "tracker.csv"))
    assert [(r.table, r.title, r.commitment_id) for r in report.withdrawn] == \
        [("progress_update", "2025-S1", "MX0081")]
    after = queries.progress_history(con, "MX0081")
    assert len(after) == len(history) - 1 and "Committee never met" not in after["narrative"].tolist()
    assert con.execute("select count_updates from mart_commitment where commitment_id = 'MX0081'").fetchone()[0] \
        == len(after)
    # next half-year's file under the same name: the earlier period is history, not a removal
    later = TRACKER + "MX0081,,2025-S2,civil_society,Fundar,Substantial,Bill sent to Congress\n"
    assert store.apply_batch(STAFF, con, detect.load(later.encode(), "tracker.csv")).withdrawn == []
    assert "Drafting began in earnest" in queries.progress_history(con, "MX0081")["narrative"].tolist()


def test_a_blank_cell_still_never_erases(bundled_con):
    con = bundled_con
    stored = con.execute("select due_date from milestone where milestone_id = 'MX0081.5'").fetchone()[0]
    assert stored
    report = store.apply_batch(STAFF, con, detect.load(milestones_without(DROPPED, blank_due_of="MX0081.5"),
                                                       "milestones.csv"))
    assert [r.key for r in report.withdrawn] == [DROPPED]
    assert con.execute("select due_date from milestone where milestone_id = 'MX0081.5'").fetchone()[0] == stored
