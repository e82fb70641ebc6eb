"""Plain-language readings of a commitment's figures: what a meeting should raise about it."""
from __future__ import annotations

from datetime import date, datetime

from monitor.i18n import completion_label, fmt_date, fmt_int, t
from vocabulary.status import LATEST_READING

STALE_AFTER_DAYS = 180  # two quarterly reporting periods without an update


def _known(value) -> bool:
    return value is not None and value == value  # rejects None and NaN/NaT


def _day(value) -> date | None:
    if not _known(value):
        return None
    return value.date() if isinstance(value, datetime) else value


def what_to_raise(row: dict, lang: str = "en", today: date | None = None, mandate: dict | None = None) -> str:
    """One line per commitment from its mart row (monitor.queries.commitment / watchlist), and, for a commitment
    under a mandate, the follow-up on the request that put it there (a row of monitor.queries.mandates)."""
    today = today or date.today()
    points = [p for p in (_not_started(row, lang), _overdue(row, lang, today), _disagreement(row, lang),
                          _staleness(row, lang, today), _follow_up(mandate, lang), _results(row, lang),
                          _next_due(row, lang)) if p]
    return "; ".join(points) if points else t("raise.none", lang)


def _not_started(row: dict, lang: str) -> str | None:
    if row.get("current_status") != "not_started":
        return None
    assessor = t(f"assessor.{row.get('current_status_assessor')}", lang)
    return t("raise.not_started", lang, assessor=assessor, date=fmt_date(row.get("current_status_date"), lang))


def _overdue(row: dict, lang: str, today: date) -> str | None:
    if row.get("current_status") in ("complete", "withdrawn"):
        return None
    end = _day(row.get("end_date"))
    if end and end < today:
        return t("raise.overdue_end", lang, date=fmt_date(end, lang), days=fmt_int((today - end).days, lang))
    count = int(row.get("count_overdue_milestones") or 0)
    if count:
        dates = row.get("open_due_dates")
        oldest = min(d for d in dates if d < today) if dates is not None else None
        return t("raise.overdue_milestones", lang, count=count, date=fmt_date(oldest, lang))
    return None


def _disagreement(row: dict, lang: str) -> str | None:
    if not row.get("assessors_disagree"):
        return None
    detail = ", ".join(f"{t('assessor.' + who, lang)}: {completion_label(row[col], lang)}"
                       for who, (col, _) in LATEST_READING.items() if _known(row.get(col)))
    return t("raise.disagree", lang, detail=detail)


def _staleness(row: dict, lang: str, today: date) -> str | None:
    last = _day(row.get("last_update_date"))
    if last is None:
        return t("raise.never_updated", lang) if row.get("current_status") != "complete" else None
    days = (today - last).days
    if days > STALE_AFTER_DAYS and row.get("current_status") not in ("complete", "withdrawn"):
        return t("raise.stale", lang, days=fmt_int(days, lang), date=fmt_date(last, lang))
    return None


def _follow_up(mandate: dict | None, lang: str) -> str | None:
    """A missed review cadence, or a request left without follow-up for longer than a commitment may go quiet."""
    if not mandate:
        return None
    request, days = mandate["request_id"], mandate.get("days_since_follow_up")
    if mandate.get("is_follow_up_overdue"):
        return t("raise.follow_up_overdue", lang, request=request, days=fmt_int(days, lang),
                 cadence=fmt_int(mandate["review_cadence_days"], lang))
    if not _known(days) or days <= STALE_AFTER_DAYS:
        return None
    if _known(mandate.get("last_follow_up_date")):
        last = fmt_date(_day(mandate["last_follow_up_date"]), lang)
        return t("raise.follow_up_since", lang, request=request, date=last, days=fmt_int(days, lang))
    return t("raise.follow_up_none", lang, request=request, date=fmt_date(_day(mandate.get("resolution_date")), lang))


def _results(row: dict, lang: str) -> str | None:
    return None if _known(row.get("results_band")) else t("raise.results_missing", lang)


def _next_due(row: dict, lang: str) -> str | None:
    nxt = row.get("next_due_date")
    return t("raise.next_due", lang, date=fmt_date(nxt, lang)) if _known(nxt) else None


PACE_MIN_MILESTONES = 3  # fewer milestones with a recorded status than this: not enough data
PACE_MIN_ELAPSED = 0.1  # less of the plan's time gone than this: too early to say
WILSON_Z = 1.2816  # an 80% interval: a range to discuss, not a verdict


def pace(row: dict, today: date) -> dict:
    """Where a plan is heading by its end date at its pace so far, as a range of the share of milestones
    complete, with the figures it rests on; 'not_enough_data' where that is the truth.

    The rate is complete / with-a-status (the others say nothing); at its end, the projection is that rate
    divided by the share of the plan's time gone, an 80% Wilson interval around it, capped at 100%."""
    n, done = int(row.get("milestones_with_status") or 0), int(row.get("milestones_closed") or 0)
    start, end = _day(row.get("plan_start")), _day(row.get("plan_end"))
    basis = {"milestones_with_status": n, "milestones_closed": done, "milestones": int(row.get("milestones") or 0)}
    if n < PACE_MIN_MILESTONES or not start or not end or end <= start:
        return {"verdict": "not_enough_data", "low": None, "high": None, "elapsed": None, **basis}
    elapsed = min(max((today - start).days / (end - start).days, 0.0), 1.0)
    if elapsed < PACE_MIN_ELAPSED:
        return {"verdict": "not_enough_data", "low": None, "high": None, "elapsed": elapsed, **basis}
    low, high = _wilson(done, n)
    verdict = "ended" if elapsed >= 1 else "projection"
    return {"verdict": verdict, "low": min(low / elapsed, 1.0), "high": min(high / elapsed, 1.0),
            "elapsed": elapsed, **basis}


def pace_text(row: dict, today: date, lang: str = "en") -> str:
    """'between X% and Y% of milestones complete by its end date, from D complete of N with a status (of M),
    P% of its time gone', or 'not enough data' with the counts that make it so; the watchlist and the pack say this."""
    p = pace(row, today)
    if p["verdict"] == "not_enough_data":
        return t("story.pace_not_enough", lang, n=p["milestones_with_status"], m=p["milestones"])
    return t("story.pace_range", lang, low=f"{p['low']:.0%}", high=f"{p['high']:.0%}", done=p["milestones_closed"],
             n=p["milestones_with_status"], m=p["milestones"], elapsed=f"{p['elapsed']:.0%}")


def staleness_text(row: dict, lang: str = "en") -> str:
    """One member's or lead institution's row of monitor.queries.staleness in words, with its figures."""
    last = _day(row.get("last_statement"))
    quiet = (t("signal.days_since", lang, days=fmt_int(row["days_since_statement"], lang), date=fmt_date(last, lang))
             if last else t("signal.never", lang))
    return t("signal.staleness", lang, quiet=quiet, n=fmt_int(row["commitments"], lang),
             silent_6m=f"{row['share_silent_6m']:.0%}", silent_12m=f"{row['share_silent_12m']:.0%}",
             done=fmt_int(row["milestones_done"], lang), due=fmt_int(row["milestones_due"], lang))


def _wilson(successes: int, n: int, z: float = WILSON_Z) -> tuple[float, float]:
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    spread = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return max(centre - spread, 0.0), min(centre + spread, 1.0)
