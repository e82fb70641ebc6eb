"""Every write function, called as each role: allowed or refused as one table says, audited, all or nothing."""
from __future__ import annotations

import pytest
from people import ADMIN, BY_ROLE, CSO, OTHER_CSO, STAFF

from loaders import detect
from monitor import audit, db, store, work
from monitor.auth import NotAllowed

PROGRESS_CSV = (b"commitment_id,period,assessor,status,narrative,source_url\n"
                b"MX0081,2024-06,civil_society,Not started,Still nothing,https://example.org/a\n")
STAFF_ROLES, CSO_ONLY, SIGNED_IN = {"support_unit", "admin"}, {"civil_society"}, {"civil_society", "support_unit",
                                                                                   "admin"}

# The one table: function -> the roles that may call it. Everyone else gets NotAllowed and changes nothing.
ALLOWED = {
    "apply_batches": STAFF_ROLES,
    "clear_value": STAFF_ROLES,
    "watch": STAFF_ROLES,
    "unwatch": STAFF_ROLES,
    "edit_watch_reason": STAFF_ROLES,
    "record_progress": STAFF_ROLES,
    "submit_progress": CSO_ONLY,          # staff record directly; they never pose as civil society
    "withdraw_submission": CSO_ONLY,      # and only the submitter's own (test below)
    "approve_submission": STAFF_ROLES,
    "reject_submission": STAFF_ROLES,
    "pending_submissions": STAFF_ROLES,
    "my_submissions": SIGNED_IN,
}
READS = {"pending_submissions", "my_submissions"}
# the audit action each write records (one row per call)
AUDITED = {"apply_batches": "import", "clear_value": "clear", "watch": "watch", "unwatch": "unwatch",
           "edit_watch_reason": "edit_watch_reason", "record_progress": "record_progress",
           "submit_progress": "submit_progress", "withdraw_submission": "withdraw_submission",
           "approve_submission": "approve_submission", "reject_submission": "reject_submission"}


@pytest.fixture
def ctx(bundled_con):
    """The bundled data plus one pending submission by CSO, and a commitment that is not watched."""
    con = bundled_con
    pending = work.submit_progress(CSO, con, "MX0081", organisation="Fundar", period="2025-S1", status="Limited",
                                   narrative="First steps", evidence=["https://fundar.example/report"])
    watched = con.execute("select commitment_id from watchlist limit 1").fetchone()[0]
    free = con.execute("""select commitment_id from commitment where commitment_id not in
                          (select commitment_id from watchlist) order by 1 limit 1""").fetchone()[0]
    return {"con": con, "pending": pending, "watched": watched, "free": free}


CALLS = {
    "apply_batches": lambda p, c: store.apply_batches(p, c["con"], [detect.load(PROGRESS_CSV, "p.csv")]),
    "clear_value": lambda p, c: store.clear_value(p, c["con"], "commitment", "MX0081", "notes", reason="wrong"),
    "watch": lambda p, c: work.watch(p, c["con"], c["free"], "Deadline passed", "Plazo vencido"),
    "unwatch": lambda p, c: work.unwatch(p, c["con"], c["watched"], "resolved"),
    "edit_watch_reason": lambda p, c: work.edit_watch_reason(p, c["con"], c["watched"], "New reason", "Nuevo motivo"),
    "record_progress": lambda p, c: work.record_progress(p, c["con"], "MX0081", period="2025-06", status="Limited",
                                                         percent=30, narrative="Law drafted",
                                                         evidence=["https://ogp.example/a"]),
    "submit_progress": lambda p, c: work.submit_progress(p, c["con"], "MX0081", organisation="R3D",
                                                         period="2025-06", status="Not started"),
    "withdraw_submission": lambda p, c: work.withdraw_submission(p, c["con"], c["pending"], "sent by mistake"),
    "approve_submission": lambda p, c: work.approve_submission(p, c["con"], c["pending"], "checked the report"),
    "reject_submission": lambda p, c: work.reject_submission(p, c["con"], c["pending"], "no evidence linked"),
    "pending_submissions": lambda p, c: work.pending_submissions(p, c["con"]),
    "my_submissions": lambda p, c: work.my_submissions(p, c["con"]),
}


def fingerprints(con) -> dict:
    return {t: db.table_fingerprint(con, t) for t in db.CORE_TABLES}


def audit_rows(con) -> list[dict]:
    return audit.entries(con).to_dict("records")


CASES = [(name, role) for name in ALLOWED for role in BY_ROLE]


def test_the_table_covers_every_function():
    assert set(CALLS) == set(ALLOWED) and set(AUDITED) | READS == set(ALLOWED)


@pytest.mark.parametrize("name, role", CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_each_role_is_allowed_or_refused_as_the_table_says(ctx, name, role):
    con, who = ctx["con"], BY_ROLE[role]
    before, log = fingerprints(con), audit_rows(con)
    if role not in ALLOWED[name]:
        with pytest.raises(NotAllowed) as refused:
            CALLS[name](who, ctx)
        message = str(refused.value)
        assert who.describe() in message and "needs the role" in message
        assert fingerprints(con) == before
        return
    CALLS[name](who, ctx)
    added = audit_rows(con)[len(log):]
    if name in READS:
        assert added == [] and fingerprints(con) == before
        return
    assert [r["action"] for r in added] == [AUDITED[name]]
    row = added[0]
    assert (row["actor"], row["actor_role"], row["auth_issuer"]) == (who.actor, who.role, who.issuer)
    assert audit.verify(con).ok


@pytest.mark.parametrize("name", sorted(AUDITED))
def test_a_failing_audit_insert_undoes_the_write(ctx, name, monkeypatch):
    """The write and its audit row are one transaction: no audit row, no write."""
    con = ctx["con"]
    before = fingerprints(con)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "append_audits", broken)
    who = CSO if name in ("submit_progress", "withdraw_submission") else STAFF
    with pytest.raises(RuntimeError, match="disk full"):
        CALLS[name](who, ctx)
    assert fingerprints(con) == before


def test_record_progress_then_edit_keeps_field_level_before_and_after(ctx):
    con = ctx["con"]
    update = CALLS["record_progress"](STAFF, ctx)
    again = work.record_progress(ADMIN, con, "MX0081", period="2025-06", status="substancial", percent=60,
                                 narrative="Law drafted", evidence=["https://ogp.example/a"])
    assert again == update
    row = con.execute("select assessor, status_code, percent_complete from progress_update where update_id = ?",
                      [update]).fetchone()
    assert row == ("support_unit", "substantial", 60.0)
    last = audit_rows(con)[-1]
    assert audit.json.loads(last["before_json"]) == {"status_code": "limited", "status_raw": "Limited",
                                                     "percent_complete": 30.0}
    assert audit.json.loads(last["after_json"]) == {"status_code": "substantial", "status_raw": "substancial",
                                                    "percent_complete": 60.0}
    assert last["actor"] == ADMIN.actor and last["commitment_id"] == "MX0081"


@pytest.mark.parametrize("change, message", [
    ({"status": "Almost there"}, "unknown status 'Almost there'"),
    ({"period": "someday"}, "no date or reporting period"),
    ({"percent": 140}, "outside 0-100"),
    ({"evidence": ["javascript:alert(1)"]}, "not a single http(s) address"),
    ({"evidence": ["https://ok.example", "ftp://files.example/x"]}, "ftp://files.example/x"),
    ({"narrative": "x" * 20_001}, "at most 20,000"),
    ({"narrative": "a\x00b"}, "control characters"),
    ({"commitment_id": "ZZ9999"}, "no commitment 'ZZ9999'"),
])
def test_progress_forms_check_every_field(ctx, change, message):
    con = ctx["con"]
    args = {"commitment_id": "MX0081", "period": "2025-06", "status": "Limited", "percent": None,
            "narrative": None, "evidence": None, **change}
    before = fingerprints(con)
    for call in (work.record_progress, work.submit_progress):
        extra = {"organisation": "Fundar"} if call is work.submit_progress else {}
        who = CSO if call is work.submit_progress else STAFF
        with pytest.raises(work.InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
            call(who, con, args["commitment_id"], **{k: v for k, v in args.items() if k != "commitment_id"}, **extra)
    assert fingerprints(con) == before


def test_spanish_status_and_dates_are_accepted(ctx):
    from datetime import date

    update = work.record_progress(STAFF, ctx["con"], "MX0081", period=date(2025, 3, 31), status="Sin iniciar")
    assert ctx["con"].execute("select status_code, period_end from progress_update where update_id = ?",
                              [update]).fetchone() == ("not_started", date(2025, 3, 31))


def test_submission_is_private_until_approved_then_attributed_to_the_organisation(ctx):
    con, pending = ctx["con"], ctx["pending"]
    assert con.execute("select count(*) from progress_update where assessor_name = 'Fundar'").fetchone()[0] == 0
    queue = work.pending_submissions(STAFF, con)
    assert list(queue["submission_id"]) == [pending] and queue["submitted_by"][0] == CSO.actor
    update = work.approve_submission(STAFF, con, pending, "checked the report")
    row = con.execute("""select assessor, assessor_name, status_code, narrative, evidence, submission_id
                         from progress_update where update_id = ?""", [update]).fetchone()
    assert row == ("civil_society", "Fundar", "limited", "First steps", "https://fundar.example/report", pending)
    decided = con.execute("select state, submitted_by, decided_by, update_id from progress_submission").fetchone()
    assert decided == ("approved", CSO.actor, STAFF.actor, update)
    last = audit.json.loads(audit_rows(con)[-1]["after_json"])
    assert last["submitted_by"] == CSO.actor and last["approved_by"] == STAFF.actor
    assert work.pending_submissions(STAFF, con).empty
    with pytest.raises(work.InvalidInput, match="approved, not pending"):
        work.reject_submission(STAFF, con, pending, "too late")
    mine = work.my_submissions(CSO, con)
    assert mine["state"][0] == "approved" and mine["rejection_reason"].isna().all()  # reviewer notes stay private


def test_rejection_reason_is_shown_to_the_submitter_only(ctx):
    con, pending = ctx["con"], ctx["pending"]
    with pytest.raises(work.InvalidInput, match="reason: required"):
        work.reject_submission(STAFF, con, pending, "  ")
    work.reject_submission(STAFF, con, pending, "The link does not mention the commitment")
    assert work.my_submissions(CSO, con)["rejection_reason"][0] == "The link does not mention the commitment"
    assert work.my_submissions(OTHER_CSO, con).empty
    assert con.execute("select count(*) from progress_update where assessor_name = 'Fundar'").fetchone()[0] == 0


def test_only_the_submitter_withdraws_and_the_text_is_deleted(ctx):
    con, pending = ctx["con"], ctx["pending"]
    before = fingerprints(con)
    with pytest.raises(NotAllowed, match="has no submission"):
        work.withdraw_submission(OTHER_CSO, con, pending)
    with pytest.raises(NotAllowed, match="has no submission"):  # the same answer as for someone else's
        work.withdraw_submission(OTHER_CSO, con, "sub_doesnotexist")
    assert fingerprints(con) == before
    work.withdraw_submission(CSO, con, pending, "it names a person at risk")
    row = con.execute("select state, narrative, evidence from progress_submission").fetchone()
    assert row == ("withdrawn", None, None)
    submitted = next(r for r in audit_rows(con) if r["action"] == "submit_progress")
    assert "First steps" not in submitted["after_json"] and "text_sha256" in submitted["after_json"]
    with pytest.raises(work.InvalidInput, match="withdrawn, not pending"):
        work.withdraw_submission(CSO, con, pending)


def test_watchlist_changes_show_on_public_reads(ctx):
    from monitor import queries

    con, free = ctx["con"], ctx["free"]
    work.watch(STAFF, con, free, "Deadline passed", "Plazo vencido")
    with pytest.raises(work.InvalidInput, match="already on the priority watchlist"):
        work.watch(STAFF, con, free, "again")
    listed = queries.watchlist(con.cursor())
    assert free in set(listed["commitment_id"])
    assert listed.set_index("commitment_id").loc[free, "watch_reason_es"] == "Plazo vencido"
    assert work.edit_watch_reason(STAFF, con, free, "Deadline passed", "Plazo vencido") is False  # no change
    assert work.edit_watch_reason(STAFF, con, free, "Deadline passed twice", "Plazo vencido") is True
    last = audit_rows(con)[-1]
    assert audit.json.loads(last["before_json"]) == {"reason": "Deadline passed"}
    with pytest.raises(work.InvalidInput, match="reason: required"):
        work.unwatch(STAFF, con, free, "")
    work.unwatch(STAFF, con, free, "resolved")
    assert free not in set(queries.watchlist(con.cursor())["commitment_id"])
    assert audit.json.loads(audit_rows(con)[-1]["before_json"])["reason"] == "Deadline passed twice"


def test_imports_audit_one_row_per_file_and_nothing_for_no_ops(ctx):
    con = ctx["con"]
    batch = detect.load(PROGRESS_CSV, "p.csv")
    before = len(audit_rows(con))
    store.apply_batches(STAFF, con, [batch], dry_run=True)
    assert len(audit_rows(con)) == before                     # a dry run writes nothing, audit included
    store.apply_batches(STAFF, con, [batch])
    row = audit_rows(con)[-1]
    assert (row["action"], row["source_file"], row["source_sha256"]) == ("import", "p.csv", batch.source.sha256)
    assert audit.json.loads(row["after_json"])["added"] == {"progress_update": 1}
    store.apply_batches(STAFF, con, [batch])                  # already imported: nothing written
    assert len(audit_rows(con)) == before + 1
    imported_by = con.execute("select loaded_by from source_file where source_id = ?", [batch.source.sha256])
    assert imported_by.fetchone()[0] == STAFF.actor


