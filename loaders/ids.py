"""Ids of commitments, action plans, members and milestones: one canonical form, and look-alikes refused.

The canonical form is Unicode NFKC (full-width and other compatibility characters become the plain ones:
'ＭＸ００８１' -> 'MX0081') in upper case ('mx0081' -> 'MX0081'); the loaders output only canonical ids and
say when they changed one. Digits of other scripts that NFKC keeps (Arabic-Indic '٠٨١') are refused: they
read like 0-9 but are other characters, and Python's \\d matches them. Within one file, two spellings of one
canonical id ('PROBE-10' and 'probe-10') are refused naming both: the file must say which it means.
Matching against the ids already in the database is the writer's job.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

# Canonical column name (loaders.reading specs) -> the kind of id it holds. Other columns (event_id) stay as written.
ID_COLUMNS = {
    "commitment_id": "commitment", "commitments": "commitment", "action_plan_id": "action plan",
    "member_code": "member", "milestone_id": "milestone", "parent_milestone_id": "milestone",
    "milestones": "milestone", "indicators": "milestone",
}


def canonical_id(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).upper()


def foreign_digits(text: str) -> str:
    """The digits of other scripts in an id (after NFKC), '' when it has none."""
    return "".join(ch for ch in text if ch.isdigit() and not ch.isascii())


def foreign_digits_message(kind: str, raw: str, digits: str) -> str:
    names = ", ".join(dict.fromkeys(unicodedata.name(d, "a digit").title() for d in digits))
    return (f"the {kind} id {raw!r} is written with {digits!r} ({names}), digits that only look like 0-9; "
            "type it with 0-9")


def folded_note(where: str, kind: str, count: int, raw: str, canonical: str) -> str:
    return (f"{where}: {count} {kind} id(s) stored in canonical form (upper case, Unicode NFKC), "
            f"e.g. {raw!r} -> {canonical!r}")


@dataclass(frozen=True)
class Spelling:
    raw: str
    where: str  # 'cell A2' or 'row 2', with the sheet when it is another one


@dataclass
class Spellings:
    """The first spelling of each canonical id in one file, to refuse a second, different spelling of it."""

    first: dict[tuple[str, str], Spelling] = field(default_factory=dict)

    def clash(self, kind: str, canonical: str, raw: str, where: str) -> Spelling | None:
        """The earlier spelling when this one differs from it; records this one when it is the first."""
        seen = self.first.setdefault((kind, canonical), Spelling(raw, where))
        return seen if seen.raw != raw else None


def clash_message(kind: str, raw: str, earlier: Spelling) -> str:
    return (f"{raw!r} and {earlier.raw!r} ({earlier.where}) are the same {kind} id once case and look-alike "
            f"characters are ignored; write it one way")
