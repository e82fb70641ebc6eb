"""In-app work, role-checked: the watchlist, progress statements, and civil-society submissions with review.

Every function takes the acting Principal first and refuses with auth.NotAllowed (who, what, which role)
before it reads anything. Each change is one transaction: the rows (through monitor/store.py, the only
module that writes), the marts when public figures move, and the audit row. Pending, rejected and
withdrawn submissions and reviewers' notes live in their own tables, read only by the role-checked
functions at the end of this module; monitor/queries.py and the exports never read them.

| function | public | civil_society | support_unit | admin |
|---|---|---|---|---|
| watch, unwatch, edit_watch_reason, record_progress | no | no | yes | yes |
| submit_progress | no | yes | no (records directly) | no |
| withdraw_submission | no | own pending only | no | no |
| approve_submission, reject_submission, pending_submissions | no | no | yes | yes |
| my_submissions | no | yes | yes | yes |
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

import pandas as pd

from loaders.batch import stable_id
from loaders.dates import parse_date, period_end
from monitor import audit, auth, db, store
from monitor.auth import SUPPORT_UNIT, Principal
from monitor.export.safe import ILLEGAL_CHARACTERS
from vocabulary import scales
from vocabulary.links import is_web_url

PRIORITY = "priority"
LIMITS = {"reason": 2_000, "narrative": 20_000, "challenges": 20_000, "organisation": 200, "period": 40}
MAX_LINKS = 20


class InvalidInput(ValueError):
    """A value a form would reject: the message names the field and what is expected."""


# --- checks shared by every form -------------------------------------------------------------------

def _text(field: str, value: str | None, *, required: bool = False, limit: str | None = None) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise InvalidInput(f"{field}: required")
        return None
    cap = LIMITS[limit or field]
    if len(value) > cap:
        raise InvalidInput(f"{field}: {len(value):,} characters; at most {cap:,}")
    if ILLEGAL_CHARACTERS.search(value):
        raise InvalidInput(f"{field}: contains control characters")
    return value


def _one(con, sql: str, params: list) -> dict | None:
    """One row as a dict of plain Python values (dates stay dates: DataFrames would make them timestamps)."""
    cur = con.execute(sql, params)
    found = cur.fetchall()  # to the end: DuckDB refuses some work while a result is unfinished
    return dict(zip([d[0] for d in cur.description], found[0])) if found else None


def _commitment(con, commitment_id: str) -> str:
    commitment_id = (commitment_id or "").strip()
    if not con.execute("select 1 from commitment where commitment_id = ?", [commitment_id]).fetchone():
        raise InvalidInput(f"commitment: no commitment {commitment_id!r} in the monitor")
    return commitment_id


@dataclass(frozen=True)
class Statement:
    """A progress statement's fields after every check: what record_progress writes and submit_progress holds."""

    commitment_id: str
    period: str
    period_end: date | None
    status_raw: str
    status_code: str
    percent_complete: float | None
    narrative: str | None
    narrative_es: str | None
    challenges: str | None
    evidence: str | None

    def fields(self) -> dict:
        return dict(self.__dict__)


def _statement(con, commitment_id: str, *, period: str | date, status: str, percent: float | None,
               narrative: str | None, narrative_es: str | None, challenges: str | None,
               evidence: list[str] | tuple[str, ...] | None) -> Statement:
    cid = _commitment(con, commitment_id)
    period = period.isoformat() if isinstance(period, date) else _text("period", period, required=True)
    parsed = parse_date(period)
    if parsed.value is None:
        raise InvalidInput(f"period: {period!r} is no date or reporting period (2024-06, 2024-S1, 2024-06-30)")
    status_raw = _text("status", status, required=True, limit="period")
    code = scales.resolve("completion", status_raw)
    if code is None:
        raise InvalidInput(f"status: unknown status {status_raw!r}; allowed: "
                           f"{', '.join(scales.allowed_labels('completion'))}")
    if percent is not None:
        try:
            percent = float(percent)
        except (TypeError, ValueError):
            raise InvalidInput(f"percent complete: {percent!r} is not a number") from None
        if not 0 <= percent <= 100:
            raise InvalidInput(f"percent complete: {percent:g} is outside 0-100")
    links = [str(u).strip() for u in (evidence or ()) if str(u).strip()]
    if len(links) > MAX_LINKS:
        raise InvalidInput(f"evidence: {len(links)} links; at most {MAX_LINKS}")
    bad = [u for u in links if not is_web_url(u)]
    if bad:
        raise InvalidInput(f"evidence: {bad[0][:200]!r} is not a single http(s) address")
    return Statement(cid, period, period_end(parsed), status_raw, code, percent,
                     _text("narrative", narrative), _text("narrative (Spanish)", narrative_es, limit="narrative"),
                     _text("challenges", challenges), "\n".join(dict.fromkeys(links)) or None)


def _progress_row(con, s: Statement, *, assessor: str, assessor_name: str | None, source_id: str,
                  submission_id: str | None = None) -> tuple[dict, dict | None]:
    """The progress_update row for a statement, and the stored row it replaces (same subject, period, assessor)."""
    update_id = stable_id("commitment", s.commitment_id, s.period, assessor, assessor_name)
    row = {"update_id": update_id, "subject_type": "commitment", "subject_id": s.commitment_id,
           "commitment_id": s.commitment_id, "period": s.period, "period_end": s.period_end, "assessor": assessor,
           "assessor_name": assessor_name, "status_raw": s.status_raw, "status_code": s.status_code,
           "percent_complete": s.percent_complete, "narrative": s.narrative, "narrative_es": s.narrative_es,
           "challenges": s.challenges, "evidence": s.evidence,
           "language": "en" if s.narrative else ("es" if s.narrative_es else None), "source_url": None,
           "source_id": source_id, "source_sheet": None, "source_row": None, "submission_id": submission_id}
    return row, _one(con, "select * from progress_update where update_id = ?", [update_id])


def _content(row: dict) -> dict:
    """The fields an audit row compares (provenance differs on every write)."""
    return {k: v for k, v in row.items() if k not in ("source_id", "source_sheet", "source_row")}


# --- the watchlist ----------------------------------------------------------------------------------

def _watched(con, commitment_id: str, list_name: str) -> dict | None:
    return _one(con, "select * from watchlist where list_name = ? and commitment_id = ?", [list_name, commitment_id])


def watch(principal: Principal, con, commitment_id: str, reason_en: str, reason_es: str | None = None, *,
          list_name: str = PRIORITY) -> None:
    """Put a commitment on the watchlist, saying why (in English, and in Spanish for Spanish readers)."""
    auth.require(principal, SUPPORT_UNIT, "add a commitment to the watchlist")
    cid = _commitment(con, commitment_id)
    reason, reason_es = _text("reason", reason_en, required=True), _text("reason (Spanish)", reason_es, limit="reason")
    if _watched(con, cid, list_name):
        raise InvalidInput(f"commitment: {cid} is already on the {list_name} watchlist; edit its reason instead")
    with db.transaction(con):
        name = f"watch {cid} ({list_name}, in app)"
        source_id = store.record_in_app_source(con, principal, name)
        row = {"list_name": list_name, "commitment_id": cid, "reason": reason, "reason_es": reason_es,
               "since": db.now_utc().date(), "added_by": principal.actor, "source_id": source_id}
        store.insert_watch(con, row)
        store.refresh_marts_for(con, [cid], db.COMMITMENT_MARTS)
        store.append_audit(con, principal, "watch", entity_table="watchlist", entity_id=f"{list_name}/{cid}",
                           commitment_id=cid, after=_content(row), reason=reason, source_file=name,
                           source_sha256=source_id)


def unwatch(principal: Principal, con, commitment_id: str, reason: str, *, list_name: str = PRIORITY) -> None:
    """Take a commitment off the watchlist; why is required and kept in the audit log."""
    auth.require(principal, SUPPORT_UNIT, "remove a commitment from the watchlist")
    why = _text("reason", reason, required=True)
    before = _watched(con, (commitment_id or "").strip(), list_name)
    if before is None:
        raise InvalidInput(f"commitment: {commitment_id!r} is not on the {list_name} watchlist")
    cid = before["commitment_id"]
    with db.transaction(con):
        name = f"unwatch {cid} ({list_name}, in app)"
        source_id = store.record_in_app_source(con, principal, name)
        store.delete_watch(con, list_name, cid)
        store.refresh_marts_for(con, [cid], db.COMMITMENT_MARTS)
        store.append_audit(con, principal, "unwatch", entity_table="watchlist", entity_id=f"{list_name}/{cid}",
                           commitment_id=cid, before=_content(before), reason=why, source_file=name,
                           source_sha256=source_id)


def edit_watch_reason(principal: Principal, con, commitment_id: str, reason_en: str, reason_es: str | None = None,
                      *, list_name: str = PRIORITY) -> bool:
    """Change why a commitment is watched; False (and nothing written) when nothing changes."""
    auth.require(principal, SUPPORT_UNIT, "edit a watchlist reason")
    reason, reason_es = _text("reason", reason_en, required=True), _text("reason (Spanish)", reason_es, limit="reason")
    stored = _watched(con, (commitment_id or "").strip(), list_name)
    if stored is None:
        raise InvalidInput(f"commitment: {commitment_id!r} is not on the {list_name} watchlist")
    before, after = audit.changed_fields({k: stored[k] for k in ("reason", "reason_es")},
                                         {"reason": reason, "reason_es": reason_es})
    if not after:
        return False
    cid = stored["commitment_id"]
    with db.transaction(con):
        name = f"watch reason {cid} ({list_name}, in app)"
        source_id = store.record_in_app_source(con, principal, name)
        store.set_watch_reason(con, list_name, cid, reason, reason_es, source_id)
        store.refresh_marts_for(con, [cid], db.COMMITMENT_MARTS)
        store.append_audit(con, principal, "edit_watch_reason", entity_table="watchlist",
                           entity_id=f"{list_name}/{cid}", commitment_id=cid, before=before, after=after,
                           source_file=name, source_sha256=source_id)
    return True


# --- progress statements ----------------------------------------------------------------------------

def record_progress(principal: Principal, con, commitment_id: str, *, period: str | date, status: str,
                    percent: float | None = None, narrative: str | None = None, narrative_es: str | None = None,
                    challenges: str | None = None, evidence: list[str] | tuple[str, ...] | None = None) -> str:
    """The Support Unit's own progress statement for a reporting period (assessor support_unit).

    The same commitment and period again replaces the statement; the audit row keeps the fields before and
    after. `status` is a label or code of the published completion scale (English or Spanish). Returns update_id.
    """
    auth.require(principal, SUPPORT_UNIT, "record progress")
    s = _statement(con, commitment_id, period=period, status=status, percent=percent, narrative=narrative,
                   narrative_es=narrative_es, challenges=challenges, evidence=evidence)
    with db.transaction(con):
        name = f"progress {s.commitment_id} {s.period} (in app)"
        source_id = store.record_in_app_source(con, principal, name)
        row, stored = _progress_row(con, s, assessor="support_unit", assessor_name=None, source_id=source_id)
        store.put_progress(con, row, replaces=stored is not None)
        store.refresh_progress_for(con, [s.commitment_id])
        before, after = audit.changed_fields(stored and _content(stored), _content(row))
        store.append_audit(con, principal, "record_progress", entity_table="progress_update",
                           entity_id=row["update_id"], commitment_id=s.commitment_id, before=before, after=after,
                           source_file=name, source_sha256=source_id)
    return row["update_id"]


# --- civil-society submissions -----------------------------------------------------------------------

def _digest(fields: dict) -> str:
    return hashlib.sha256(audit.canonical({k: audit.plain(v) for k, v in fields.items()}).encode()).hexdigest()


def _summary(row: dict) -> dict:
    """What the audit log keeps of a submission: no free text (a withdrawal deletes it), but its digest."""
    kept = ("commitment_id", "period", "status_code", "percent_complete", "organisation", "state")
    text = {k: row.get(k) for k in ("narrative", "narrative_es", "challenges", "evidence")}
    return {**{k: row.get(k) for k in kept if k in row}, "text_sha256": _digest(text),
            "links": len((row.get("evidence") or "").splitlines())}


def submit_progress(principal: Principal, con, commitment_id: str, *, organisation: str, period: str | date,
                    status: str, percent: float | None = None, narrative: str | None = None,
                    narrative_es: str | None = None, challenges: str | None = None,
                    evidence: list[str] | tuple[str, ...] | None = None) -> str:
    """A civil-society organisation's progress statement, held privately until a reviewer decides.

    Nothing public changes: no progress row, no import-history line, no mart. Returns the submission id.
    """
    auth.require_exactly(principal, auth.CIVIL_SOCIETY, "submit progress for review",
                         "the Support Unit records its own statements with record_progress")
    s = _statement(con, commitment_id, period=period, status=status, percent=percent, narrative=narrative,
                   narrative_es=narrative_es, challenges=challenges, evidence=evidence)
    org = _text("organisation", organisation, required=True)
    submission_id = "sub_" + uuid.uuid4().hex[:16]
    row = {"submission_id": submission_id, **s.fields(), "organisation": org, "submitted_by": principal.actor,
           "submitted_issuer": principal.issuer, "submitted_at": db.now_utc(), "state": "pending"}
    with db.transaction(con):
        store.insert_submission(con, row)
        store.append_audit(con, principal, "submit_progress", entity_table="progress_submission",
                           entity_id=submission_id, commitment_id=s.commitment_id, after=_summary(row),
                           submission_id=submission_id)
    return submission_id


def _submission(con, submission_id: str) -> dict | None:
    return _one(con, "select * from progress_submission where submission_id = ?", [submission_id])


def _pending(con, submission_id: str) -> dict:
    row = _submission(con, submission_id)
    if row is None:
        raise InvalidInput(f"submission: no submission {submission_id!r}")
    if row["state"] != "pending":
        raise InvalidInput(f"submission: {submission_id} is {row['state']}, not pending")
    return row


def withdraw_submission(principal: Principal, con, submission_id: str, reason: str | None = None) -> None:
    """The submitter takes back a pending submission; its text is deleted (the audit log keeps a digest)."""
    auth.require_exactly(principal, auth.CIVIL_SOCIETY, "withdraw a submission", "only its submitter may")
    why = _text("reason", reason)
    row = _submission(con, submission_id)
    if row is None or row["submitted_by"] != principal.actor:  # the same answer: never confirm others' ids
        raise auth.NotAllowed(f"{principal.describe()} has no submission {submission_id!r} to withdraw")
    if row["state"] != "pending":
        raise InvalidInput(f"submission: {submission_id} is {row['state']}, not pending")
    with db.transaction(con):
        store.decide_submission(con, submission_id, "withdrawn", principal.actor, purge_text=True)
        store.append_audit(con, principal, "withdraw_submission", entity_table="progress_submission",
                           entity_id=submission_id, commitment_id=row["commitment_id"],
                           before={"state": "pending"}, after={"state": "withdrawn"}, reason=why,
                           submission_id=submission_id)


def approve_submission(principal: Principal, con, submission_id: str, note: str | None = None) -> str:
    """Publish a pending submission as a civil_society progress row, attributed to the submitter's organisation.

    The submitter's email stays in the private tables and the audit log; the public row carries the
    organisation and the submission id. `note` is the reviewer's, never shown to the submitter. Returns update_id.
    """
    auth.require(principal, SUPPORT_UNIT, "approve a submission")
    note = _text("note", note, limit="reason")
    row = _pending(con, submission_id)
    s = Statement(**{k: row[k] for k in Statement.__dataclass_fields__})
    with db.transaction(con):
        name = f"approved submission {submission_id} (in app)"
        source_id = store.record_in_app_source(con, principal, name)
        progress, stored = _progress_row(con, s, assessor="civil_society", assessor_name=row["organisation"],
                                         source_id=source_id, submission_id=submission_id)
        store.put_progress(con, progress, replaces=stored is not None)
        store.decide_submission(con, submission_id, "approved", principal.actor, update_id=progress["update_id"])
        store.insert_review(con, submission_id, "approved", principal.actor, note)
        store.refresh_progress_for(con, [s.commitment_id])
        before, after = audit.changed_fields(stored and _content(stored), _content(progress))
        store.append_audit(con, principal, "approve_submission", entity_table="progress_update",
                           entity_id=progress["update_id"], commitment_id=s.commitment_id, before=before,
                           after={**(after or {}), "submitted_by": row["submitted_by"],
                                  "approved_by": principal.actor},
                           reason=note, source_file=name, source_sha256=source_id, submission_id=submission_id)
    return progress["update_id"]


def reject_submission(principal: Principal, con, submission_id: str, reason: str) -> None:
    """Decline a pending submission; the reason is required, and the submitter can read it (my_submissions)."""
    auth.require(principal, SUPPORT_UNIT, "reject a submission")
    why = _text("reason", reason, required=True)
    row = _pending(con, submission_id)
    with db.transaction(con):
        store.decide_submission(con, submission_id, "rejected", principal.actor)
        store.insert_review(con, submission_id, "rejected", principal.actor, why)
        store.append_audit(con, principal, "reject_submission", entity_table="progress_submission",
                           entity_id=submission_id, commitment_id=row["commitment_id"],
                           before={"state": "pending"}, after={"state": "rejected"}, reason=why,
                           submission_id=submission_id)


# --- the private reads ---------------------------------------------------------------------------------

SUBMISSION_COLUMNS = ("submission_id, commitment_id, period, period_end, status_raw, status_code, percent_complete, "
                      "narrative, narrative_es, challenges, evidence, organisation, submitted_at, state, decided_at")


def pending_submissions(principal: Principal, con) -> pd.DataFrame:
    """The review queue, oldest first, with who submitted each (support_unit or admin)."""
    auth.require(principal, SUPPORT_UNIT, "read the review queue")
    return con.execute(f"""select {SUBMISSION_COLUMNS}, submitted_by from progress_submission
                           where state = 'pending' order by submitted_at, submission_id""").df()


def my_submissions(principal: Principal, con) -> pd.DataFrame:
    """The principal's own submissions in every state, newest first, with a rejection's reason (never an
    approval's reviewer note). Signed-in roles only: an anonymous visitor has no submissions."""
    if not principal.signed_in or not principal.at_least(auth.CIVIL_SOCIETY):
        raise auth.NotAllowed(f"{principal.describe()} may not read submissions: that needs the role "
                              "civil_society, support_unit or admin")
    return con.execute(f"""select {SUBMISSION_COLUMNS},
                                  (select r.note from submission_review r where r.submission_id = s.submission_id
                                   and r.decision = 'rejected') as rejection_reason
                           from progress_submission s where submitted_by = ?
                           order by submitted_at desc, submission_id""", [principal.actor]).df()


# --- follow-up on a mandate's requests -----------------------------------------------------------------

FOLLOW_UP_KINDS = ("meeting", "letter", "call", "support", "statement", "other")


def log_follow_up(principal: Principal, con, request_id: str, *, on: date, kind: str, action_en: str,
                  action_es: str | None = None, outcome: str | None = None,
                  links: list[str] | tuple[str, ...] | None = None) -> str:
    """What the Support Unit did about a request (a meeting, a letter, a call, support given, a statement).

    Returns the follow-up's id. The links must be web addresses; the entry is audited like any write."""
    auth.require(principal, SUPPORT_UNIT, "log follow-up on a mandate")
    if _one(con, "select request_id from mandate_request where request_id = ?", [request_id]) is None:
        raise ValueError(f"no request {request_id!r}: name one of a case's requests, such as MX-RP-2018/1")
    if kind not in FOLLOW_UP_KINDS:
        raise ValueError(f"kind {kind!r}: expected one of {', '.join(FOLLOW_UP_KINDS)}")
    if on > date.today():
        raise ValueError(f"{on.isoformat()} is in the future: log what was done, on the day it was done")
    bad = [link for link in links or () if not is_web_url(link)]
    if bad:
        raise ValueError(f"not a web address (http or https): {bad[0]!r}")
    row = {"follow_up_id": f"{request_id}/{on.isoformat()}/{kind}/{principal.actor}", "request_id": request_id,
           "follow_up_date": on, "date_raw": on.isoformat(), "date_precision": "day", "kind": kind,
           "actor": principal.name or principal.actor,
           "action_en": _text("action", action_en, required=True, limit="narrative"),
           "action_es": _text("action (Spanish)", action_es, limit="narrative"),
           "outcome": _text("outcome", outcome, limit="narrative"),
           "links": "\n".join(links) if links else None, "source_url": None, "notes": None}
    with db.transaction(con):
        row["source_id"] = store.record_in_app_source(con, principal, f"follow-up {request_id} (in app)")
        store.put_follow_up(con, row)
        store.append_audit(con, principal, "log_follow_up", entity_table="follow_up", entity_id=row["follow_up_id"],
                           after={k: v for k, v in row.items() if k != "source_id"},
                           source_sha256=row["source_id"])
    return row["follow_up_id"]
