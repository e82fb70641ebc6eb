"""The API's description: OpenAPI 3.1 for machines (/api/v1/openapi.json) and a page for people (/api/v1/).

Both come from ENDPOINTS and the field lists in monitor.api.records, so they cannot drift apart.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from monitor.api import paths, records
from monitor.i18n import t
from vocabulary.status import COMPLETION_CODES, RAG_STATUSES, RESULTS_BANDS


@dataclass(frozen=True)
class Endpoint:
    path: str
    key: str            # catalogue key api.endpoint.<key>: what it returns, in English and Spanish
    params: tuple[str, ...]
    schema: str | None  # components.schemas name of the JSON body
    csv: bool = False   # also as CSV: a .csv suffix or Accept: text/csv
    media: str = "application/json"
    example: str = ""


ENDPOINTS = (
    Endpoint(f"{paths.API}/commitments", "commitments", records.LIST_PARAMS, "CommitmentList", csv=True,
             example=f"{paths.API}/commitments?member=MEX&status=not_started"),
    Endpoint(f"{paths.API}/commitments/{{commitment_id}}", "commitment", ("lang",), "CommitmentDetail",
             example=f"{paths.API}/commitments/MX0081"),
    Endpoint(f"{paths.API}/plans", "plans", ("lang",), "PlanList", csv=True, example=f"{paths.API}/plans"),
    Endpoint(f"{paths.API}/members", "members", ("lang",), "MemberList", csv=True, example=f"{paths.API}/members"),
    Endpoint(f"{paths.API}/watchlist", "watchlist", ("lang",), "Watchlist", csv=True,
             example=f"{paths.API}/watchlist"),
    Endpoint(f"{paths.API}/cases", "cases", ("lang",), "CaseList", example=f"{paths.API}/cases"),
    Endpoint(f"{paths.API}/cases/{{case_id}}", "case", ("lang",), "CaseDetail",
             example=f"{paths.API}/cases/MX-RP-2018"),
    Endpoint("/feeds/commitment/{commitment_id}.atom", "feed_commitment", ("lang", "since"), None,
             media="application/atom+xml", example="/feeds/commitment/MX0081.atom"),
    Endpoint("/feeds/member/{member_code}.atom", "feed_member", ("lang", "since"), None,
             media="application/atom+xml", example="/feeds/member/MEX.atom"),
    Endpoint("/feeds/plan/{action_plan_id}.atom", "feed_plan", ("lang", "since"), None,
             media="application/atom+xml", example="/feeds/plan/AP_MEX04.atom"),
    Endpoint("/feeds/watchlist.atom", "feed_watchlist", ("lang", "since"), None, media="application/atom+xml",
             example="/feeds/watchlist.atom"),
    Endpoint("/badge/{commitment_id}.svg", "badge", ("lang",), None, media="image/svg+xml",
             example="/badge/MX0081.svg"),
    Endpoint(f"{paths.API}/openapi.json", "openapi", (), None, example=f"{paths.API}/openapi.json"),
)

ENUMS = {"status": RAG_STATUSES, "completion": COMPLETION_CODES, "results": RESULTS_BANDS, "lang": ("en", "es")}
PARAM_HELP = {
    "member": "Member codes, comma-separated (MEX,CRI): see /api/v1/members",
    "region": "Regions, comma-separated", "plan": "Action plan ids, comma-separated (AP_MEX04): see /api/v1/plans",
    "policy_area": "Policy areas, comma-separated", "status": "Monitor statuses, comma-separated",
    "completion": "IRM completion codes, comma-separated", "results": "IRM early-results bands, comma-separated",
    "lead": "Text within the lead institution (up to 200 characters)",
    "q": "Words in titles and descriptions (up to 200 characters)", "starred": "1: IRM starred commitments only",
    "watched": "1: watched commitments only", "limit": f"Page size, 1-{records.MAX_LIMIT} (default "
    f"{records.DEFAULT_LIMIT})", "offset": "Rows to skip (default 0)", "lang": "Language of labels and links: en, es",
    "since": "Changes on or after this date, YYYY-MM-DD (default: one year ago)",
}


def _type(field: str) -> dict:
    if field in ("policy_areas", "evidence_urls", "tags", "review_dates", "links"):
        return {"type": "array", "items": {"type": "string"}}
    if field == "loaded_at":
        return {"type": ["string", "null"], "format": "date-time"}
    if field.endswith(("_date", "_since")) or field in ("as_of", "period_end"):
        return {"type": ["string", "null"], "format": "date"}
    if field == "checked_at":
        return {"type": ["string", "null"], "format": "date-time"}
    if field.startswith("is_") or field in ("assessors_disagree", "dead"):
        return {"type": ["boolean", "null"]}
    if field.startswith(("count_", "days_")) or field in ("seq", "milestone_seq", "plan_number", "source_row",
                                                          "submission_year", "end_year", "total", "limit", "offset",
                                                          "final_status", "request_no", "review_cadence_days"):
        return {"type": ["integer", "null"]}
    if field == "percent_complete":
        return {"type": ["number", "null"]}
    if field.endswith("_url"):
        return {"type": ["string", "null"], "format": "uri"}
    return {"type": ["string", "null"]}


def _object(fields: tuple[str, ...], **extra) -> dict:
    return {"type": "object", "properties": {f: _type(f) for f in fields} | extra}


def _list(item: str, **extra) -> dict:
    return {"type": "object", "properties": {"count": {"type": "integer"}, "items": _ref(item), **extra}}


def _ref(name: str) -> dict:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


def schemas() -> dict:
    detail = _object(records.COMMITMENT_FIELDS + ("description", "description_es"),
                     ratings=_ref("Rating"), milestones=_ref("Milestone"), events=_ref("Event"),
                     sources=_ref("Source"), tags={"type": "array", "items": {"type": "string"}},
                     link_checks=_ref("LinkCheck"),
                     progress_by_assessor={"type": "array", "items": {"type": "object", "properties": {
                         "assessor": {"type": "string"}, "assessor_label": {"type": "string"},
                         "statements": _ref("Statement")}}})
    return {
        "Commitment": _object(records.COMMITMENT_FIELDS),
        "CommitmentDetail": detail,
        "CommitmentList": _list("Commitment", total={"type": "integer"}, limit={"type": "integer"},
                                offset={"type": "integer"}, filters={"type": "object"},
                                as_of={"type": "string", "format": "date"}),
        "Rating": _object(records.RATING_FIELDS), "Milestone": _object(records.MILESTONE_FIELDS),
        "Statement": _object(records.STATEMENT_FIELDS), "Event": _object(records.EVENT_FIELDS),
        "Source": _object(records.SOURCE_FIELDS), "LinkCheck": _object(
            records.LINK_FIELDS, status_code={"type": ["integer", "null"]}),  # HTTP, not a milestone's status
        "Plan": _object(records.PLAN_FIELDS), "PlanList": _list("Plan"),
        "Member": _object(records.MEMBER_FIELDS), "MemberList": _list("Member"),
        "Case": _object(records.CASE_LIST_FIELDS), "CaseList": _list("Case"),
        "CaseDetail": _object(records.CASE_FIELDS, page_url=_type("page_url"), as_of=_type("as_of"),
                              requests=_ref("Request"), follow_ups=_ref("FollowUp")),
        "Request": _object(records.REQUEST_FIELDS), "FollowUp": _object(records.FOLLOW_UP_FIELDS),
        "Watchlist": _list("Commitment", as_of={"type": "string", "format": "date"},
                           feed_url={"type": "string", "format": "uri"}),
        "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "status": {"type": "integer"}, "message": {"type": "string"}}}}},
    }


def _parameter(name: str, where: str = "query") -> dict:
    # list filters take comma-separated values, so only lang is a plain enum; the others list theirs in words
    schema = {"type": "string", "enum": list(ENUMS[name])} if name == "lang" else {"type": "string"}
    out = {"name": name, "in": where, "required": where == "path", "description": PARAM_HELP.get(name, name),
           "schema": schema}
    if name in ENUMS and name != "lang":
        out["description"] += f": {', '.join(ENUMS[name])}"
    return out


def spec(lang: str = "en") -> dict:
    error = {"description": "Refused (a JSON error body)",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    operations = {}
    for e in ENDPOINTS:
        path_params = [p.strip("{}") for p in e.path.replace(".", "/").split("/") if p.startswith("{")]
        content = {e.media: {"schema": {"$ref": f"#/components/schemas/{e.schema}"}} if e.schema else {}}
        if e.csv:
            content["text/csv"] = {}
        operations[e.path] = {"get": {
            "summary": t(f"api.endpoint.{e.key}", lang), "operationId": e.key,
            "parameters": [_parameter(p, "path") for p in path_params] + [_parameter(p) for p in e.params],
            "responses": {"200": {"description": "OK", "headers": {"ETag": {"schema": {"type": "string"}}},
                                  "content": content},
                          "304": {"description": "Not modified since the ETag sent in If-None-Match"},
                          "400": error, "404": error}}}
    operations[IMPORTS] = imports_operation(error)
    return {"openapi": "3.1.0",
            "info": {"title": t("api.title", lang), "version": "1", "description": t("api.intro", lang)},
            "paths": operations, "components": {"schemas": {**schemas(), **import_schemas()}, "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer",
                          "description": "A personal API token: python -m monitor token create EMAIL --role ROLE"}}}}


IMPORTS = f"{paths.API}/imports"  # the one write: POST, with a token (webui/api/imports.py, docs/api.md)


def import_schemas() -> dict:
    problem = {"type": "object", "properties": {
        "file": {"type": "string"}, "sheet": {"type": ["string", "null"]}, "row": {"type": ["integer", "null"]},
        "column": {"type": ["string", "null"]}, "value": {"type": ["string", "null"]}, "expected": {"type": "string"},
        "severity": {"type": "string", "enum": ["error", "warning"]}}}
    counts = {"type": "object", "additionalProperties": {"type": "integer"}}
    return {
        "Problem": problem,
        "ImportReport": {"type": "object", "properties": {
            "file": {"type": "string"}, "kind": {"type": "string"}, "source_sha256": {"type": "string"},
            "rows": {"type": "integer"}, "dry_run": {"type": "boolean"}, "imported_by": {"type": "string"},
            "already_imported_at": {"type": ["string", "null"]}, "added": counts, "changed": counts,
            "warnings": _ref("Problem"), "notes": {"type": "array", "items": {"type": "string"}},
            "written": {"type": "boolean"}}},
        "ImportRefusal": {"type": "object", "properties": {"written": {"type": "boolean"}, "error": {
            "type": "object", "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                                             "problems": _ref("Problem")}}}},
    }


def imports_operation(error: dict) -> dict:
    refused = {"description": "Refused; nothing written",
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportRefusal"}}}}
    form = {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "a .csv or .xlsx file"},
        "kind": {"type": "string", "description": "skip detection: read the file as this kind"},
        "dry_run": {"type": "boolean", "description": "check and count, write nothing"}}}
    return {"post": {
        "summary": "Import a file (support_unit or admin token)", "operationId": "import_file",
        "security": [{"token": []}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": form}}},
        "responses": {"200": {"description": "Imported (or, with dry_run, counted)", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ImportReport"}}}},
            "400": refused, "401": refused, "403": refused, "413": refused, "415": refused, "422": refused,
            "500": error}}}


def index_html(lang: str = "en") -> bytes:
    """The page a person reads at /api/v1/: every endpoint, an example link, and where the fields are described."""
    esc = html.escape
    rows = "\n".join(
        f"<tr><td><code>{esc(e.path)}</code></td><td>{esc(t(f'api.endpoint.{e.key}', lang))}"
        f"{' (JSON, CSV)' if e.csv else ''}</td><td><a href=\"{esc(e.example)}\">{esc(e.example)}</a></td></tr>"
        for e in ENDPOINTS)
    page = f"""<!doctype html>
<html lang="{esc(lang)}"><head><meta charset="utf-8"><title>{esc(t('api.title', lang))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1B1F24}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;
vertical-align:top}}a{{color:#1F4E78}}</style></head>
<body><h1>{esc(t('api.title', lang))}</h1><p>{esc(t('api.intro', lang))}</p>
<p>{esc(t('api.conventions', lang))}</p>
<table><thead><tr><th>{esc(t('api.col.path', lang))}</th><th>{esc(t('api.col.returns', lang))}</th>
<th>{esc(t('api.col.example', lang))}</th></tr></thead><tbody>
{rows}
</tbody></table></body></html>
"""
    return page.encode("utf-8")
