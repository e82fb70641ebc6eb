"""Export scopes as people type them (`plan:AP_MEX04`, `member:MEX`, `watchlist`, `filters:<query>`).

A scope is a Filters value: the pack asks the same questions of the database as the page it came from.
Unknown codes and unknown filter names are errors, not empty packs: a typo must not look like
"nothing to report".
"""
from __future__ import annotations

from dataclasses import fields
from difflib import get_close_matches
from urllib.parse import parse_qsl

from monitor.filters import Filters
from monitor.i18n import plan_label, t
from vocabulary.status import RAG_STATUSES

KINDS = ("all", "member", "plan", "watchlist", "filters")


class ScopeError(ValueError):
    """The scope text cannot be read, or names a member or plan the monitor does not hold."""


def parse_scope(text: str, options: dict) -> Filters:
    """`options` is queries.filter_options(cur): the members and plans that exist."""
    kind, _, value = text.strip().partition(":")
    if kind not in KINDS:
        raise ScopeError(f"unknown scope {text!r}: use one of all, member:CODE, plan:ID, watchlist, "
                         "filters:'member=MEX&status=overdue'")
    if kind in ("all", "watchlist"):
        if value:
            raise ScopeError(f"scope {kind!r} takes no value (got {value!r})")
        return Filters(watched=kind == "watchlist")
    if not value:
        raise ScopeError(f"scope {kind!r} needs a value, e.g. member:MEX or plan:AP_MEX04")
    if kind == "filters":
        return _from_query(value, options)
    codes = tuple(v.strip() for v in value.split(",") if v.strip())
    known = {m[0] for m in options["members"]} if kind == "member" else {p[0] for p in options["plans"]}
    _require_known(kind, codes, known)
    return Filters(member=codes) if kind == "member" else Filters(plan=codes)


def _from_query(query: str, options: dict) -> Filters:
    names = {f.name for f in fields(Filters)}
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    unknown = sorted({k for k, _ in pairs} - names - {"lang"})
    if unknown:
        raise ScopeError(f"unknown filter(s) {', '.join(unknown)}: known filters are {', '.join(sorted(names))}")
    f = Filters.from_params(dict(pairs))
    _require_known("member", f.member, {m[0] for m in options["members"]})
    _require_known("plan", f.plan, {p[0] for p in options["plans"]})
    _require_known("status", f.status, set(RAG_STATUSES))
    return f


def _require_known(kind: str, codes: tuple[str, ...], known: set[str]) -> None:
    missing = [c for c in codes if c not in known]
    if missing:
        hint = sorted({k for m in missing for k in get_close_matches(m, known, n=5, cutoff=0.6)})
        raise ScopeError(f"no {kind} {', '.join(missing)} in the database"
                         + (f" (did you mean {', '.join(hint)}?)" if hint else ""))


def describe(f: Filters, options: dict, lang: str) -> tuple[str, str]:
    """(what the pack covers, the filters in words) for the Summary and the page."""
    members = dict(options["members"])
    plans = {p[0]: f"{plan_label(p, lang)}, {p[0]}" for p in options["plans"]}  # the id: packs are cited by it
    params = f.to_params()
    if not params:
        return t("export.scope.all", lang), t("export.scope.no_filters", lang)
    words = filter_words(f, members, plans, lang)
    if set(params) == {"plan"}:
        return t("export.scope.plan", lang, names=", ".join(plans.get(p, p) for p in f.plan)), words
    if set(params) == {"member"}:
        return t("export.scope.member", lang, names=", ".join(members.get(m, m) for m in f.member)), words
    if set(params) == {"watched"}:
        return t("export.scope.watchlist", lang), words
    return t("export.scope.filters", lang, filters=words), words


def filter_words(f: Filters, members: dict, plans: dict, lang: str) -> str:
    """'member: Mexico; status: Overdue' in the reader's language."""
    shown = {"member": lambda v: members.get(v, v), "plan": lambda v: plans.get(v, v),
             "status": lambda v: t(f"rag.{v}", lang)}
    parts = []
    for name, value in f.to_params().items():
        label = t(f"export.filter.{name}", lang)
        if isinstance(getattr(f, name), tuple):
            parts.append(f"{label}: {', '.join(shown.get(name, str)(v) for v in getattr(f, name))}")
        elif isinstance(getattr(f, name), bool):
            parts.append(label)
        else:
            parts.append(f"{label}: {value}")
    return "; ".join(parts)
