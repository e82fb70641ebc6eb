"""The monitoring work in the browser, through AppTest: who sees which form on a commitment's page, the review
queue and the Audit page, and what each submit writes.

Identity goes the way a team deployment's does: the proxy mode (server.trustedUserHeaders, the server on
loopback) and AppTest's `user`, which a run reads as st.user, with a temporary roles file ($MONITOR_ROLES).
Nothing in the app knows it is tested.
"""
from __future__ import annotations

import duckdb
import streamlit as st
from people import ADMIN, CSO, STAFF
from streamlit.testing.v1 import AppTest

from monitor import work
from tests.webui.test_pages import FLAGSHIP, ROOT, frames, sql, texts
from webui import pages

MARKER = "Wq3FormMarker"
STATEMENT = {"pf_organisation": "Fundar", "pf_period": "2025-S2", "pf_narrative": f"Monitoring visit {MARKER}",
             "pf_evidence": "https://fundar.example/report-2025"}


def open_as(person, page: str, **params: str) -> AppTest:
    """`page` as `person` (a tests.people Principal, or None for the public) would open it from the sidebar."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.user = {"email": person.email} if person else {}
    at.run()
    at.switch_page(pages.file(page))
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill(at: AppTest, values: dict, status: str = "Limited") -> AppTest:
    for key, value in values.items():
        widget = at.text_area(key=key) if key in ("pf_narrative", "pf_narrative_es", "pf_challenges",
                                                  "pf_evidence") else at.text_input(key=key)
        widget.set_value(value)
    at.selectbox(key="pf_status").set_value(status)
    return at


def submit(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def as_staff(path, read):
    """A private read as the Support Unit, straight from the file (the app's connection is closed first)."""
    st.cache_resource.clear()
    con = duckdb.connect(str(path), read_only=True)
    try:
        return read(STAFF, con)
    finally:
        con.close()


def keys(at: AppTest) -> set[str]:
    return {w.key for kind in ("button", "text_area", "text_input", "selectbox", "number_input")
            for w in getattr(at, kind) if w.key}


WORK_KEYS = {"pf_submit", "watch_submit", "unwatch_submit", "edit_reason_submit", "pf_period", "unwatch_reason"}


def submitted_as_cso(path) -> str:
    """A statement filed through the form as civil society; returns its submission id."""
    at = fill(open_as(CSO, "commitment", id=FLAGSHIP), STATEMENT)
    submit(at, "pf_submit")
    assert "waits for review" in texts(at)
    assert at.text_area(key="pf_narrative").value == ""                     # emptied: not sent twice by mistake
    pending = as_staff(path, work.pending_submissions)
    return pending.loc[pending["narrative"].str.contains(MARKER), "submission_id"].iloc[0]


# --- the public ----------------------------------------------------------------------------------

def test_the_public_sees_no_work_controls(team):
    at = open_as(None, "commitment", id=FLAGSHIP)
    assert not keys(at) & WORK_KEYS and not at.text_area and not at.button
    assert "sign in to contribute" in texts(at)
    review = open_as(None, "review")
    assert "Nothing pending is public" in texts(review) and not review.dataframe and not review.button
    trail = open_as(None, "audit")
    assert "for admins only" in texts(trail) and not trail.dataframe and not trail.get("download_button")


def test_the_sidebar_lists_review_and_audit_only_to_their_roles(team, monkeypatch):
    listed: dict[str, str] = {}
    page = st.Page

    def recording(file, **kwargs):
        listed[kwargs["url_path"]] = kwargs.get("visibility", "visible")
        return page(file, **kwargs)

    monkeypatch.setattr(st, "Page", recording)
    seen = {}
    for who in (None, CSO, STAFF, ADMIN):
        open_as(who, "overview")
        seen[who.role if who else "public"] = {k for k, v in listed.items() if v == "visible"} & {"review", "audit"}
    assert seen == {"public": set(), "civil_society": {"review"}, "support_unit": {"review"},
                    "admin": {"review", "audit"}}


# --- civil society -------------------------------------------------------------------------------

def test_a_submission_through_the_form_waits_privately(team):
    sid = submitted_as_cso(team)
    pending = as_staff(team, work.pending_submissions).set_index("submission_id").loc[sid]
    assert (pending["organisation"], pending["period"], pending["status_code"]) == ("Fundar", "2025-S2", "limited")
    assert pending["submitted_by"] == CSO.email and pending["evidence"] == STATEMENT["pf_evidence"]
    public = open_as(None, "commitment", id=FLAGSHIP)
    assert MARKER not in texts(public) and not any(MARKER in f.to_csv() for f in frames(public))
    mine = open_as(CSO, "commitment", id=FLAGSHIP)                           # the submitter sees it, pending
    table = next(f for f in frames(mine) if "State" in f.columns)
    assert list(table["State"]) == ["Pending review"]
    assert any(b.key == f"withdraw_{sid}" for b in mine.button)


def test_a_bad_evidence_link_says_so_and_writes_nothing(team):
    before = sql(team, "select count(*) from progress_submission")[0][0]
    at = fill(open_as(CSO, "commitment", id=FLAGSHIP), {**STATEMENT, "pf_evidence": "javascript:alert(1)"})
    submit(at, "pf_submit")
    errors = [e.value for e in at.error]
    assert errors and "Nothing was saved" in errors[0] and "not a single http(s) address" in errors[0]
    assert at.text_area(key="pf_evidence").value == "javascript:alert(1)"   # kept, to be corrected
    assert sql(team, "select count(*) from progress_submission")[0][0] == before


def test_a_missing_status_is_refused_in_words(team):
    at = open_as(CSO, "commitment", id=FLAGSHIP)
    for key, value in STATEMENT.items():
        (at.text_area(key=key) if key in ("pf_narrative", "pf_evidence") else at.text_input(key=key)).set_value(value)
    submit(at, "pf_submit")
    assert "status: required" in at.error[0].value
    assert sql(team, "select count(*) from progress_submission")[0][0] == 0


def test_withdraw_from_the_page(team):
    sid = submitted_as_cso(team)
    at = open_as(CSO, "commitment", id=FLAGSHIP)
    submit(at, f"withdraw_{sid}")
    assert "withdrawn" in texts(at)
    assert as_staff(team, work.pending_submissions).empty
    assert sql(team, "select state, narrative from progress_submission where submission_id = ?", [sid]) == [
        ("withdrawn", None)]


# --- the Support Unit ----------------------------------------------------------------------------

def test_the_queue_approves_into_a_public_statement_by_the_organisation(team):
    sid = submitted_as_cso(team)
    queue = open_as(STAFF, "review")
    said = texts(queue)
    assert "Pending statements (1)" in said and MARKER in said and "Fundar" in said and CSO.email in said
    assert "https://fundar.example/report-2025" in said
    submit(queue, f"approve_{sid}")
    assert "Approved: Fundar's statement is published" in texts(queue)
    assert "Nothing waits for review" in texts(queue)
    public = open_as(None, "commitment", id=FLAGSHIP)
    detail = next(f for f in frames(public) if "Who said so" in f.columns)
    row = detail[detail["Narrative"].fillna("").str.contains(MARKER)]
    assert len(row) == 1
    assert (row["Period"].iloc[0], row["Assessor"].iloc[0], row["Who said so"].iloc[0]) == (
        "2025-S2", "Civil society", "Fundar")
    assert "2025-S2 · The commitment · Fundar" in texts(public)              # the evidence line says who cited it
    assert CSO.email not in texts(public) and not any(CSO.email in f.to_csv() for f in frames(public))


def test_a_rejection_needs_a_reason_and_the_submitter_reads_it(team):
    sid = submitted_as_cso(team)
    queue = open_as(STAFF, "review")
    submit(queue, f"reject_{sid}")                                        # no reason given
    assert "reason: required" in queue.error[0].value
    assert len(as_staff(team, work.pending_submissions)) == 1
    queue = open_as(STAFF, "review")
    queue.text_area(key=f"review_words_{sid}").set_value("The report link names a private person")
    submit(queue, f"reject_{sid}")
    assert "Rejected" in texts(queue)
    mine = open_as(CSO, "review")
    table = next(f for f in frames(mine) if "State" in f.columns)
    assert list(table["State"]) == ["Rejected"]
    assert list(table["Reviewer's reason"]) == ["The report link names a private person"]
    assert MARKER not in texts(open_as(None, "commitment", id=FLAGSHIP))


def test_watch_and_unwatch_from_the_page(team):
    def watched() -> list:
        return sql(team, "select reason, reason_es from watchlist where commitment_id = ?", [FLAGSHIP])

    assert watched()
    at = open_as(STAFF, "commitment", id=FLAGSHIP)
    submit(at, "unwatch_submit")                                          # why is required
    assert "reason: required" in at.error[0].value and watched()
    at = open_as(STAFF, "commitment", id=FLAGSHIP)
    at.text_input(key="unwatch_reason").set_value("Resolved at the 2025 review")
    submit(at, "unwatch_submit")
    assert "is off the priority watchlist" in texts(at) and watched() == []
    assert any(b.key == "watch_submit" for b in at.button)                # the page offers to watch it again
    at.text_area(key="watch_reason").set_value("Back on the list")
    at.text_area(key="watch_reason_es").set_value("De nuevo en la lista")
    submit(at, "watch_submit")
    assert "is on the priority watchlist" in texts(at)
    assert watched() == [("Back on the list", "De nuevo en la lista")]
    assert "Back on the list" in texts(open_as(None, "commitment", id=FLAGSHIP))


def test_the_change_history_names_who_changed_what(team):
    at = open_as(STAFF, "commitment", id=FLAGSHIP)
    at.text_area(key="edit_reason").set_value("A sharper reason")
    submit(at, "edit_reason_submit")
    assert "is saved" in texts(at)
    history = next(f for f in frames(at) if "Field" in f.columns)
    first = history.iloc[0]
    assert (first["Actor"], first["Role"], first["Action"], first["Field"], first["After"]) == (
        STAFF.email, "support_unit", "edit_watch_reason", "reason", "A sharper reason")
    assert first["Before"] and first["Before"] != "A sharper reason"
    assert not any("Field" in f.columns for f in frames(open_as(CSO, "commitment", id=FLAGSHIP)))


def test_the_support_unit_records_its_own_statement(team):
    at = fill(open_as(STAFF, "commitment", id=FLAGSHIP), {k: v for k, v in STATEMENT.items()
                                                         if k != "pf_organisation"}, status="Substantial")
    at.number_input(key="pf_percent").set_value(60.0)
    submit(at, "pf_submit")
    assert "recorded and published" in texts(at)
    assert sql(team, """select assessor, status_code, percent_complete from progress_update
                        where commitment_id = ? and period = '2025-S2'""", [FLAGSHIP]) == [
        ("support_unit", "substantial", 60.0)]


# --- the audit trail -----------------------------------------------------------------------------

def test_the_audit_page_shows_rows_to_admin_only(team):
    submitted_as_cso(team)
    trail = open_as(ADMIN, "audit")
    said = texts(trail)
    assert "The hash chain is intact" in said
    table = next(f for f in frames(trail) if "Action" in f.columns)
    assert "submit_progress" in set(table["Action"]) and CSO.email in set(table["Actor"])
    trail.text_input(key="audit_actor").set_value(CSO.email).run()
    assert set(next(f for f in frames(trail) if "Action" in f.columns)["Actor"]) == {CSO.email}
    assert len(trail.get("download_button")) == 2
    for who in (CSO, STAFF):
        refused = open_as(who, "audit")
        assert "for admins only" in texts(refused) and not refused.dataframe
