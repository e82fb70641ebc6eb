"""Loader for OGP's public "commitment data" export (171 columns), as CSV or XLSX.

What becomes what:
- identification columns -> member, action_plan, commitment (dates parsed, the raw text kept);
- the 86 policy-area columns -> commitment_tag (scheme ogp_policy_area; '0' means "not tagged" and is not stored);
- every IRM indicator column (105-142) -> one assessment row per non-empty cell; a label column and its
  `_` code column become one row (value_raw = the label, value_numeric = the code);
  the two `Report Publication Year` columns are not ratings: they name the report of the ratings beside them.

Not imported, on purpose: the OGP-internal analysis columns (`Most Recently Assessed` ... `Binding constraint`,
`Latest IRM Report`, `Subnational in NAPs`, `id`). They are derived from the indicators and the monitor
recomputes them; storing them would add a second truth that goes stale. `URL` and `Action Plan ID`, which sit
among them, are imported.

Rows are numbered as a spreadsheet shows them: the header row is row 1, and in a CSV one record is one row,
so a cell with line breaks does not shift the numbering. Pure: never opens the monitor database.
"""
from __future__ import annotations

import csv
import hashlib
import io
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import repeat

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import python_calamine as calamine

from loaders import dates, gate
from loaders.batch import Batch, Problem, SourceInfo
from vocabulary import scales

KIND = "ogp_export"

ID = "Commitment Unique Identifier"
REQUIRED = (ID, "Country/Locality", "Code", "Action Plan ID", "Commitment Title")
SIGNATURE = ("Country/Locality", "Code", "Action Plan ID", "Commitment Title", "Full Text", "Action Plan Number",
             "Specificity", "Potential Impact", "Completion (End Of Term)", "Did It Open Government (Overall)")
ID_PATTERN = r"^[A-Z]{2,3}\d{4}$"
HEADER_SCAN_ROWS = 10
ODD_CELLS = (bool, date, time, timedelta, type(None))  # workbook cells whose str() is not the export's text
TOKENS = ("ND", "NR", "NA")
MEMBER_TYPES = {"national": "national", "legacy local": "legacy_local", "local": "local", "other": "other"}
LEGACY, REFRESH = "irm_legacy", "irm_refresh"
PROGRESS_YEAR = "Report Publication Year (Progress Report)"
END_YEAR = "Report Publication Year (End Of Term)"
PLAN_RESULTS = "Potential for Results"  # present (not ND) only on refreshed-methodology plans
REPORTS = {  # (stage, refreshed plan?) -> report name; the publication year is appended when known
    ("design", False): "IRM progress report", ("design", True): "IRM action plan review",
    ("final", False): "IRM end-of-term report", ("final", True): "IRM results report",
}
STAGE_YEAR = {"design": PROGRESS_YEAR, "final": END_YEAR}
ARTEFACT = r"^-?\d+\.\d{12,}$"  # Excel's 17-significant-digit float text: 8.1999999999999993

IDENTIFICATION = (
    'Commitment Unique Identifier', 'Country/Locality', 'Action Plan Number', 'Commitment Number', 'Code',
    'Region', 'National Or Local', 'Commitment Dummy', 'Year Of Submission', 'Action Plan End Year',
    'Action Plan Duration (Years)', 'Theme', 'Commitment Title', 'Short Title', 'Full Text', 'Start Date',
    'End Date', 'Lead Institution', 'Supporting Institution(s)',
)
POLICY_AREAS = (
    'Anti-Corruption and Integrity', 'Anti-corruption Institutions', 'Anti-Corruption Strategies',
    'Asset Disclosure', 'Audits', 'Beneficial Ownership', 'Conflicts Of Interest', 'Elections',
    'Political Finance', 'Lobbying', 'Open Contracting', 'Public Procurement', 'Right To Information',
    'Whistleblower Protections', 'Civic Space and Enabling Environment', 'Freedom of Assembly',
    'Freedom of Association', 'Freedom of Expression', 'Democratizing Decision-Making', 'Digital Participation',
    'Mainstreaming Participation', 'Regulatory Governance', 'Social Accountability', 'Digital Governance',
    'Automated Decision-making', 'Data Stewardship and Privacy', 'Digital Inclusion',
    'Disinformation/Misinformation', 'Online Civic Space', 'Environment & Climate', 'Climate Finance',
    'Climate Mitigation and Adaptation', 'Environmental Regulation', 'International Environmental Agreements',
    'Fiscal Openness', 'Publication Of Budget/Fiscal Information',
    'Public Participation In Budget/Fiscal Policy', 'Oversight Of Budget/Fiscal Policies',
    'Stimulus and Economic Recovery', 'Tax', 'Debt', 'Inclusion', 'Gender', 'Gender-Based Violence',
    'Economic Inclusion', 'LGBTQIA+', 'People with Disabilities', 'Youth', 'Justice', 'Access to Justice',
    'Open Justice', 'Policing & Corrections', 'Judiciary', 'Open Parliaments', 'Public Service Delivery',
    'Citizenship & Immigration', 'Education', 'Health & Nutrition', 'Infrastructure & Transport',
    'Water & Sanitation', 'Capacity Building', 'Digital Transformation', 'Legislation', 'Regulation',
    'Legislative Oversight', 'Open Data', 'Public Participation', 'Aid', 'Energy', 'Extractive Industries',
    'Land and Spatial Planning', 'Media & Telecommunications', 'Science & Technology',
    'Security & Public Safety', 'Labor', 'Private Sector', 'Subnational', 'Human Rights',
    'Open Parliament Plan', 'Sustainable Development Goals', 'Open Data (Water/Sanitation)',
    'Open Data (Health)', 'Open Data (Education)', 'Participation in Lawmaking', 'Access to information',
    'Money in Politics',
)

DERIVED = (  # OGP-internal analysis columns: recomputed by the monitor, never imported (URL, Action Plan ID excepted)
    'Most Recently Assessed', 'Star - Most Recently Assessed', 'IRM Assessed', 'Updated? (Website)',
    'Active Commitment', 'Max star', 'Ambition Assessed', 'Comp Assessed', 'DIOG Assessed', 'Midterm Only',
    'Max Completion', 'Raw Completion', 'High Completion', 'High Ambition', 'High DIOG',
    'Ambitious and complete, or DIOG', 'Ambitious but not complete', 'Complete but not ambitious',
    'Not complete or ambitious', 'Not reviewed', 'CHECKSUM', 'IRM-Based Score', 'Binding constraint', 'URL',
    'Latest IRM Report', 'Subnational in NAPs', 'Action Plan ID', 'id',
)


@dataclass(frozen=True)
class Indicator:
    """How one IRM column becomes assessment rows. methodology None: decided per row by the plan's methodology."""

    header: str
    indicator: str
    qualifier: str = ""
    scale_id: str | None = "yes_no"
    code_header: str | None = None
    methodology: str | None = LEGACY
    stage: str = "design"  # design: progress report / action plan review; final: end-of-term / results report
    code_offset: int = 0  # per-value DIOG codes sit one above the overall ones (Not Applicable takes 0)
    refresh_qualifier: str | None = None


INDICATORS = (
    Indicator("Compound", "compound"),
    Indicator("Cluster", "cluster", scale_id=None),
    Indicator("Specificity", "specificity", scale_id="specificity", code_header="_Specificity"),
    Indicator("Verifiable", "verifiable", methodology=REFRESH),
    Indicator("OGP Value Access To Information", "ogp_value", "access_to_information"),
    Indicator("OGP Value Civic Participation", "ogp_value", "civic_participation"),
    Indicator("OGP Value Public Accountability", "ogp_value", "public_accountability"),
    Indicator("OGP Value Technology", "ogp_value", "technology_and_innovation"),
    Indicator("_Relevant", "relevance", methodology=None),
    Indicator("Potential Impact", "potential_impact", scale_id="potential_impact", code_header="_Potential Impact"),
    Indicator("Completion (Progress Report)", "completion", "midterm", "completion", "_CompletionProgress"),
    Indicator("Starred (2015 Only)", "starred", "formula_2015"),
    Indicator("Starred (Current Formula) Progress Report", "starred", "current_progress"),
    Indicator(PLAN_RESULTS, "potential_for_results", scale_id="potential_for_results",
              code_header="_Potential for Results", methodology=REFRESH),
    Indicator("Cluster (AP Review)", "in_cluster", methodology=REFRESH),
    Indicator("Cluster Commitment ID(s)", "cluster_members", scale_id=None, methodology=REFRESH),
    Indicator("Completion (End Of Term)", "completion", "end_of_term", "completion", "_CompletionEndTerm",
              methodology=None, stage="final", refresh_qualifier="results_report"),
    Indicator("Change In Completion", "change_in_completion", scale_id="change_in_completion",
              code_header="_ChangeCompletion", stage="final"),
    Indicator("Early Results", "early_results", scale_id="early_results", code_header="_Early Results",
              methodology=REFRESH, stage="final"),
    Indicator("Did It Open Government (Overall)", "did_it_open_government", "overall", "did_it_open_government",
              "_OpenGovernment", stage="final"),
    Indicator("Did It Open Government (Access To Information)", "did_it_open_government", "access_to_information",
              "did_it_open_government", "_DIOGATI", stage="final", code_offset=1),
    Indicator("Did It Open Government (Civic Participation)", "did_it_open_government", "civic_participation",
              "did_it_open_government", "_DIOGCP", stage="final", code_offset=1),
    Indicator("Did It Open Government: Public Accountability", "did_it_open_government", "public_accountability",
              "did_it_open_government", "_DIOGPA", stage="final", code_offset=1),
    Indicator("Starred (Current Formula) End of Term", "starred", "current_end_of_term", stage="final"),
    Indicator("Carried Forward", "carried_forward", stage="final"),
)
IRM = (PROGRESS_YEAR, END_YEAR) + tuple(i.header for i in INDICATORS) + tuple(
    i.code_header for i in INDICATORS if i.code_header)
KNOWN = IDENTIFICATION + POLICY_AREAS + IRM + DERIVED
NOT_READ = tuple(h for h in DERIVED if h not in ("URL", "Action Plan ID")) + ("Commitment Dummy",)


@dataclass
class Sheet:
    """The header row as written, the cells of the columns the loader reads (as text), and where they are."""

    headers: list[str]
    frame: pd.DataFrame
    header_row: int
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fold(header: object) -> str:
    return " ".join(str(header).replace("\ufeff", "").split()).casefold()


FOLDED = {fold(h): h for h in KNOWN}


def matches(headers: list[str]) -> bool:
    """An OGP export has the commitment id column and most of the signature columns."""
    folded = {fold(h) for h in headers}
    return fold(ID) in folded and sum(fold(h) in folded for h in SIGNATURE) >= 3


def load(data: bytes, name: str) -> Batch:
    """Read, validate and map one export file; every problem found is in batch.problems.

    Raises loaders.batch.InvalidFile only when the file cannot be read as a table at all.
    """
    kind = gate.sniff(data, name)
    sheet = _read_xlsx(data, name) if kind == "xlsx" else _read_csv(data, name)
    source = SourceInfo(name, hashlib.sha256(data).hexdigest(), len(data), KIND)
    batch = Batch(source, problems=sheet.problems, notes=sheet.notes)
    frame, header_problems = _canonical(sheet, name)
    batch.problems.extend(header_problems)
    if any(p.severity == "error" for p in header_problems):
        return batch
    ctx = Context(name, sheet.sheet, frame, frame.index.to_numpy() + sheet.header_row + 1)
    batch.problems.extend(_check_ids(ctx) + _check_required_cells(ctx))
    batch.tables = {
        "member": _members(ctx), "action_plan": _plans(ctx), "commitment": _commitments(ctx),
        "commitment_tag": _tags(ctx), "assessment": _assessments(ctx),
    }
    batch.problems.extend(ctx.problems)
    batch.notes.extend(ctx.notes)
    return batch


@dataclass
class Context:
    """One file's cells with their row numbers, plus the problems found while mapping them."""

    name: str
    sheet: str | None
    frame: pd.DataFrame
    rows: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, expected: str, row: int | None, column: str | None, value: object,
                severity: str = "error") -> None:
        self.problems.append(Problem(self.name, expected, self.sheet, None if row is None else int(row), column,
                                     None if value is None else str(value), severity))

    def col(self, header: str) -> pd.Series:
        return self.frame[header] if header in self.frame else pd.Series("", index=self.frame.index, dtype="str")

    def provenance(self) -> dict[str, object]:
        return {"source_sheet": self.sheet, "source_row": self.rows.astype("int32")}


# --- reading -------------------------------------------------------------------------------------------------

def _read_csv(data: bytes, name: str) -> Sheet:
    """Every cell as text via pyarrow (parallel, handles quoted line breaks); Python's csv only for bad rows."""
    text, notes = _without_bom(data, name)
    header = _csv_header(text, name)
    invalid: list[object] = []
    try:
        table = _arrow_csv(text, header, invalid)
    except pa.ArrowInvalid as exc:
        if "utf8" not in str(exc).lower():
            raise gate.refuse(name, f"the CSV could not be parsed ({exc})") from None
        text, note = _from_cp1252(text, name)
        notes.append(note)
        table = _arrow_csv(text, header, invalid)
    read = _read_columns(header)
    if invalid:
        frame, problems = _read_csv_strictly(text, header, name)
        return Sheet(header, frame.iloc[:, read], 1, problems=problems, notes=notes)
    frame = table.to_pandas()
    frame.columns = [header[i] for i in read]
    return Sheet(header, frame, 1, notes=notes)


def _read_columns(header: list[str]) -> list[int]:
    """Positions of the columns the loader uses; derived and unknown ones are never converted, which saves time."""
    return [i for i, h in enumerate(header) if FOLDED.get(fold(h)) not in (None,) + NOT_READ]


def _arrow_csv(text: bytes | memoryview, header: list[str], invalid: list[object]) -> pa.Table:
    names = [f"c{i}" for i in range(len(header))]
    read = [names[i] for i in _read_columns(header)]
    return pv.read_csv(
        pa.BufferReader(text),
        read_options=pv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
        parse_options=pv.ParseOptions(newlines_in_values=True, invalid_row_handler=_collect(invalid)),
        convert_options=pv.ConvertOptions(column_types={n: pa.string() for n in read}, include_columns=read,
                                          strings_can_be_null=False, quoted_strings_can_be_null=False),
    )


def _collect(sink: list[object]) -> Callable[[object], str]:
    def handler(row: object) -> str:
        sink.append(row)
        return "skip"
    return handler


def _without_bom(data: bytes, name: str) -> tuple[bytes | memoryview, list[str]]:
    """UTF-8 without its BOM (zero-copy); UTF-16 is converted, with a note."""
    if data.startswith(b"\xef\xbb\xbf"):
        return memoryview(data)[3:], []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").encode("utf-8"), [f"{name}: read as UTF-16 text"]
    return data, []


def _from_cp1252(text: bytes | memoryview, name: str) -> tuple[bytes, str]:
    """Excel's "CSV" on Windows writes cp1252; decode it rather than refuse it, and say so."""
    raw, where = bytes(text), None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = exc.start
    try:
        converted = raw.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        raise gate.refuse(name, "the file is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'",
                          value=f"byte {where}") from None
    return converted, f"{name}: not valid UTF-8 (first bad byte at offset {where}); read as Windows-1252"


def _csv_header(text: bytes | memoryview, name: str) -> list[str]:
    head = bytes(text[: 1 << 20]).decode("utf-8", errors="replace")
    first = next(csv.reader(io.StringIO(head, newline="")), None)
    if not first or not any(h.strip() for h in first):
        raise gate.refuse(name, "the first row should hold the column headers of the OGP export "
                                f"(for example '{ID}'), but it is empty")
    return first


def _read_csv_strictly(text: bytes | memoryview, header: list[str], name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Slow path for files with rows of the wrong width: locate each one, and keep the rest aligned."""
    reader = csv.reader(io.StringIO(bytes(text).decode("utf-8"), newline=""))
    next(reader)
    width, rows, problems = len(header), [], []
    for record in reader:
        if not record:
            continue
        row = len(rows) + 2
        if len(record) != width:
            problems.append(_width_problem(name, header, record, row))
            record = (record + [""] * width)[:width]
        rows.append(record)
    return pd.DataFrame(rows, columns=header, dtype="str"), problems


def _width_problem(name: str, header: list[str], record: list[str], row: int) -> Problem:
    width = len(header)
    expected = (f"{width} fields, like the header row, but this row has {len(record)}; "
                "a cell containing a comma or line break must be in double quotes")
    if len(record) > width:
        return Problem(name, expected, None, row, f"(no header: field {width + 1})", ",".join(record[width:]))
    return Problem(name, expected, None, row, header[len(record)], None)


def _read_xlsx(data: bytes, name: str) -> Sheet:
    """The first visible worksheet with an OGP export header in its first rows, read by calamine."""
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in book.sheets_metadata:
            if meta.visible != calamine.SheetVisibleEnum.Visible or meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
                header = [_cell_text(v) for v in row]
                if matches(header):
                    return _sheet_from_rows(rows[i + 1:], header, i + 1, meta.name, name)
    except calamine.CalamineError as exc:
        raise gate.refuse(name, f"the workbook could not be read ({exc}); save or download it again") from None
    raise gate.refuse(name, f"no visible sheet has the OGP export header (with '{ID}') "
                            f"in its first {HEADER_SCAN_ROWS} rows")


def _sheet_from_rows(body: list[list[object]], header: list[str], header_row: int, sheet: str,
                     name: str) -> Sheet:
    while body and all(v in ("", None) for v in body[-1]):
        body.pop()
    columns = list(zip(*body)) if body else [()] * len(header)
    read = _read_columns(header)
    frame = pa.table({str(i): _text_array(columns[i]) for i in read}).to_pandas()
    frame.columns = [header[i] for i in read]
    return Sheet(header, frame, header_row, sheet)


def _text_array(values: tuple[object, ...]) -> pa.Array:
    """A column as text, without a Python call per cell: str() in C, then whole floats lose their '.0'."""
    try:
        return pa.array(values, pa.string()).fill_null("")
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        pass
    n = len(values)
    kinds = list(map(type, values))  # one pass over the (cache-cold) cells; later passes touch only type objects
    texts = pa.array(list(map(str, values)), pa.string())
    if float in kinds:
        floats = np.fromiter(map(operator.is_, kinds, repeat(float)), bool, n)
        texts = pc.if_else(floats, pc.replace_substring_regex(texts, r"^(-?\d+)\.0$", r"\1"), texts)
    if set(kinds) - {str, float, int}:
        odd = np.fromiter(map(issubclass, kinds, repeat(ODD_CELLS)), bool, n)
        cells = texts.to_numpy(zero_copy_only=False)
        cells[odd] = [_cell_text(v) for v in np.fromiter(values, object, n)[odd]]
        texts = pa.array(cells, pa.string())
    return texts


def _cell_text(value: object) -> str:
    """A workbook cell as the export would write it: 1 not 1.0, dates as ISO text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- headers -------------------------------------------------------------------------------------------------

def _canonical(sheet: Sheet, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Rename headers to their published spelling; report missing, unknown and repeated ones."""
    def at(expected: str, column: str, severity: str = "error") -> Problem:
        return Problem(name, expected, sheet.sheet, sheet.header_row, column, column, severity)

    problems, seen = [], set()
    for header in (h for h in sheet.headers if h.strip()):
        canonical = FOLDED.get(fold(header), header.strip())
        if canonical in seen:
            problems.append(at(f"each column once; '{canonical}' appears twice in the header row", canonical))
        elif canonical not in FOLDED.values():
            problems.append(at("a column of the OGP commitment export; this one is not imported", canonical,
                               "warning"))
        seen.add(canonical)
    frame = sheet.frame.set_axis([FOLDED.get(fold(h), h.strip()) for h in sheet.frame.columns], axis=1)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for column in REQUIRED:
        if column not in seen:
            problems.append(Problem(name, f"a column '{column}' in the header row (row {sheet.header_row}); "
                                          "it is required", sheet.sheet, sheet.header_row, column, None))
    return frame, problems


# --- validation ----------------------------------------------------------------------------------------------

def _check_ids(ctx: Context) -> list[Problem]:
    raw = ctx.frame[ID]
    ids = raw.str.strip()
    if (ids != raw).any():
        ctx.notes.append(f"{ctx.name}: spaces around {int((ids != raw).sum())} commitment ids were removed")
    ctx.frame[ID] = ids
    problems = [Problem(ctx.name, "a commitment id such as AL0050 or BUE0009 (2-3 capital letters, 4 digits)",
                        ctx.sheet, int(ctx.rows[i]), ID, ids.iat[i])
                for i in np.flatnonzero(~ids.str.fullmatch(ID_PATTERN).to_numpy(dtype=bool))]
    dup = ids.duplicated(keep=False).to_numpy() & (ids != "").to_numpy()
    first = pd.Series(ctx.rows, index=ids.index).groupby(ids).transform("min").to_numpy()
    for i in np.flatnonzero(dup & (ctx.rows != first)):
        problems.append(Problem(ctx.name, f"each commitment id once; {ids.iat[i]} is also on row {first[i]}",
                                ctx.sheet, int(ctx.rows[i]), ID, ids.iat[i]))
    return problems


def _check_required_cells(ctx: Context) -> list[Problem]:
    problems = []
    for column in REQUIRED[1:]:
        blank = ctx.frame[column].str.strip() == ""
        problems += [Problem(ctx.name, f"a value in '{column}'; it is required", ctx.sheet, int(ctx.rows[i]),
                             column, "") for i in np.flatnonzero(blank.to_numpy())]
    return problems


def _report_conflicts(ctx: Context, keys: pd.Series, values: pd.Series, column: str, what: str) -> None:
    """Warn when rows of one member or plan disagree; the first row's value is kept."""
    pairs = pd.DataFrame({"key": keys, "value": values, "row": ctx.rows}).drop_duplicates(["key", "value"])
    clashing = pairs[pairs.duplicated("key", keep=False)]
    for key, group in clashing.groupby("key", sort=False):
        kept = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            ctx.problem(f"the same {column} on every row of {what} {key}; row {kept['row']} has "
                        f"{kept['value']!r}, which is kept", other["row"], column, other["value"], "warning")


# --- canonical tables ----------------------------------------------------------------------------------------

def _members(ctx: Context) -> pd.DataFrame:
    code = ctx.frame["Code"].str.strip()
    kinds = ctx.col("National Or Local").str.strip()
    member_type = kinds.str.casefold().map(MEMBER_TYPES)
    for i in np.flatnonzero((member_type.isna() & (kinds != "")).to_numpy()):
        ctx.problem("National, Local, Legacy Local or Other", ctx.rows[i], "National Or Local", kinds.iat[i],
                    "warning")
    frame = pd.DataFrame({
        "member_code": code, "name": ctx.frame["Country/Locality"].str.strip(),
        "member_type": member_type.astype("str"), "region": _blank_to_null(ctx.col("Region").str.strip()),
        "id_prefix": ctx.frame[ID].str.extract(r"^([A-Z]+)", expand=False), **ctx.provenance(),
    })
    for column, header in (("name", "Country/Locality"), ("region", "Region"), ("id_prefix", ID)):
        _report_conflicts(ctx, code, frame[column], header, "member")
    return frame.drop_duplicates("member_code").reset_index(drop=True)


def _plans(ctx: Context) -> pd.DataFrame:
    plan = ctx.frame["Action Plan ID"].str.strip()
    frame = pd.DataFrame({
        "action_plan_id": plan, "member_code": ctx.frame["Code"].str.strip(),
        "plan_number": _integers(ctx, "Action Plan Number"), "submission_year": _integers(ctx, "Year Of Submission"),
        "end_year": _integers(ctx, "Action Plan End Year"),
        "duration_years": _integers(ctx, "Action Plan Duration (Years)"), **ctx.provenance(),
    })
    for column, header in (("member_code", "Code"), ("plan_number", "Action Plan Number"),
                           ("submission_year", "Year Of Submission"), ("end_year", "Action Plan End Year")):
        _report_conflicts(ctx, plan, frame[column].astype("str"), header, "action plan")
    return frame.drop_duplicates("action_plan_id").reset_index(drop=True)


def _integers(ctx: Context, header: str) -> pd.Series:
    """Whole numbers; ND/NR/NA and blanks become NULL, anything else is reported and becomes NULL."""
    text = ctx.col(header).str.strip()
    numbers = pd.to_numeric(text.where(text.str.fullmatch(r"-?\d+(\.0+)?"), None), errors="coerce")
    odd = numbers.isna() & ~text.isin(("",) + TOKENS)
    for i in np.flatnonzero(odd.to_numpy()):
        ctx.problem("a whole number (or ND, NR, NA)", ctx.rows[i], header, text.iat[i], "warning")
    return numbers.astype("Int32")


def _commitments(ctx: Context) -> pd.DataFrame:
    number_raw = ctx.col("Commitment Number")
    frame = pd.DataFrame({
        "commitment_id": ctx.frame[ID], "action_plan_id": ctx.frame["Action Plan ID"].str.strip(),
        "member_code": ctx.frame["Code"].str.strip(),
        "commitment_number": _blank_to_null(repair_float_text(number_raw.str.strip())),
        "commitment_number_raw": number_raw,
        "title": ctx.frame["Commitment Title"].str.strip(),
        "short_title": _token_to_null(ctx.col("Short Title").str.strip()),
        "description": _blank_to_null(ctx.col("Full Text")),
        "theme": _token_to_null(ctx.col("Theme").str.strip()),
        "lead_institution": _blank_to_null(ctx.col("Lead Institution")),
        "supporting_institutions": _blank_to_null(ctx.col("Supporting Institution(s)")),
        **_date_columns(ctx.col("Start Date"), "start_date"),
        **_date_columns(ctx.col("End Date"), "end_date"),
        "ogp_url": _token_to_null(ctx.col("URL").str.strip()),
        **ctx.provenance(),
    })
    return frame


def repair_float_text(text: pd.Series) -> pd.Series:
    """8.1999999999999993 -> 8.2: Excel's float noise in text that was typed as a short decimal."""
    noisy = text.str.fullmatch(ARTEFACT).fillna(False).to_numpy(dtype=bool)
    if not noisy.any():
        return text
    repaired = text.copy()
    repaired[noisy] = [_repair(v) for v in text[noisy]]
    return repaired


def _repair(text: str) -> str:
    return repr(float(text)) if re.fullmatch(ARTEFACT, text) else text


def _date_columns(raw: pd.Series, prefix: str) -> dict[str, pd.Series]:
    """Parse each distinct text once; NA and blanks get precision none, impossible years stay NULL."""
    parsed = {text: dates.parse_date(text) for text in raw.unique()}
    return {
        prefix: _dates(raw.map({t: p.value for t, p in parsed.items()})),
        f"{prefix}_raw": _blank_to_null(raw),
        f"{prefix}_precision": raw.map({t: p.precision for t, p in parsed.items()}).astype("str"),
    }


def _dates(values: pd.Series) -> pd.Series:
    """DATE, not timestamp: the writer compares row hashes, and hash(timestamp) differs from hash(date)."""
    return pd.Series(pa.array(values.astype(object).where(values.notna(), None), pa.date32()),
                     index=values.index, dtype=pd.ArrowDtype(pa.date32()))


def _blank_to_null(text: pd.Series) -> pd.Series:
    """Searching for one non-space character is cheap; stripping 20 KB cells to compare them is not."""
    return text.where(text.str.contains(r"\S", regex=True), None)


def _token_to_null(text: pd.Series) -> pd.Series:
    return text.where(~text.isin(("",) + TOKENS), None)


def _tags(ctx: Context) -> pd.DataFrame:
    """One row per policy-area cell that is not '0' (1, ND, NA as published)."""
    present = [h for h in POLICY_AREAS if h in ctx.frame]
    if not present:
        return pd.DataFrame()
    cells = ctx.frame[present].to_numpy()
    tagged = (cells != "0") & (cells != "")
    row_i, col_i = np.nonzero(tagged)
    values = pd.Series(cells[row_i, col_i], dtype="str").str.strip()
    for k in np.flatnonzero(~values.isin(("1", "0") + TOKENS).to_numpy()):
        ctx.problem("0, 1, ND, NR or NA", ctx.rows[row_i[k]], present[col_i[k]], values.iat[k], "warning")
    return pd.DataFrame({
        "commitment_id": ctx.frame[ID].to_numpy()[row_i], "scheme": "ogp_policy_area",
        "tag": np.asarray(present, dtype=object)[col_i], "value": values.to_numpy(),
        "source_sheet": ctx.sheet, "source_row": ctx.rows[row_i].astype("int32"),
    })


# --- assessments ---------------------------------------------------------------------------------------------

ASSESSMENT_COLUMNS = (
    "assessment_id", "subject_type", "subject_id", "indicator", "qualifier", "assessor", "report", "methodology",
    "scale_id", "value_raw", "value_code", "value_numeric", "band", "missing_reason", "as_of",
    "source_sheet", "source_row", "source_column",
)


def _assessments(ctx: Context) -> pd.DataFrame:
    """Melt every IRM indicator column into rows, one per non-empty cell (pyarrow kernels, distinct values mapped once)."""
    refreshed = ~ctx.col(PLAN_RESULTS).str.strip().isin(("", "ND")).to_numpy()
    reports = {stage: _reports(ctx, stage, refreshed) for stage in STAGE_YEAR}
    parts = [_melt(ctx, spec, refreshed, reports[spec.stage]) for spec in INDICATORS if spec.header in ctx.frame]
    if not parts:
        return pd.DataFrame(columns=list(ASSESSMENT_COLUMNS))
    table = pa.concat_tables(parts)
    # The key leaves out the publication year: a later export that replaces NR with a year updates the row.
    keyed = table.set_column(table.schema.get_field_index("report"), "report",
                             pc.replace_substring_regex(table.column("report"), r" \d{4}$", ""))
    ids = stable_ids(keyed, ("subject_type", "subject_id", "indicator", "qualifier", "assessor", "report"))
    table = table.add_column(0, "assessment_id", ids).select(list(ASSESSMENT_COLUMNS))
    return table.to_pandas(types_mapper={pa.date32(): pd.ArrowDtype(pa.date32())}.get)


def _reports(ctx: Context, stage: str, refreshed: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Report name (with its publication year, not part of the row's key) and as_of (only a full date)."""
    header = STAGE_YEAR[stage]
    raw = ctx.col(header).str.strip()
    parsed = {text: dates.parse_date(text) for text in raw.unique()}
    for text, p in parsed.items():
        if p.value is None and text not in ("",) + TOKENS:
            for i in np.flatnonzero((raw == text).to_numpy()):
                ctx.problem("a publication year such as 2017 (or ND, NR, NA)", ctx.rows[i], header, text, "warning")
    cells = _arrow(raw)
    year = _lookup(cells, {t: f" {p.value.year}" if p.value else "" for t, p in parsed.items()})
    base = pc.if_else(pa.array(refreshed), REPORTS[(stage, True)], REPORTS[(stage, False)])
    as_of = _lookup(cells, {t: p.value if p.precision == "day" else None for t, p in parsed.items()}, pa.date32())
    return pc.binary_join_element_wise(base, year, ""), as_of


def _melt(ctx: Context, spec: Indicator, refreshed: np.ndarray, reports: tuple[pa.Array, pa.Array]) -> pa.Table:
    cells = _arrow(ctx.frame[spec.header])
    keep = pc.not_equal(cells, "")
    raw = cells.filter(keep)
    uniques = pc.unique(raw).to_pylist()
    codes = {u: _value_code(spec, u) for u in uniques}
    missing = {u: None if codes[u] else scales.missing_reason(u) for u in uniques}
    unknown = [u for u in uniques if spec.scale_id and not codes[u] and not missing[u]]
    if unknown:
        _report_unknown_labels(ctx, spec, cells, unknown)
    n, row_refreshed = len(raw), pa.array(refreshed).filter(keep)
    methodology = pc.if_else(row_refreshed, REFRESH, LEGACY) if spec.methodology is None else _repeat(spec.methodology, n)
    qualifier = pc.if_else(row_refreshed, spec.refresh_qualifier, spec.qualifier) if spec.refresh_qualifier \
        else _repeat(spec.qualifier, n)
    return pa.table({
        "subject_type": _repeat("commitment", n), "subject_id": _arrow(ctx.frame[ID]).filter(keep),
        "indicator": _repeat(spec.indicator, n), "qualifier": qualifier, "assessor": _repeat("irm", n),
        "report": reports[0].filter(keep), "methodology": methodology, "scale_id": _repeat(spec.scale_id, n),
        "value_raw": raw, "value_code": _lookup(raw, codes),
        "value_numeric": _code_numbers(ctx, spec, cells).filter(keep),
        "band": _lookup(raw, {u: scales.band(spec.scale_id, c) if spec.scale_id else None for u, c in codes.items()}),
        "missing_reason": _lookup(raw, missing), "as_of": reports[1].filter(keep),
        "source_sheet": _repeat(ctx.sheet, n), "source_row": pa.array(ctx.rows.astype("int32")).filter(keep),
        "source_column": _repeat(spec.header, n),
    })


def _arrow(series: pd.Series) -> pa.Array:
    return pa.array(series, pa.string())


def _repeat(value: str | None, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _lookup(cells: pa.Array, mapping: dict[str, object], kind: pa.DataType = pa.string()) -> pa.Array:
    """Each cell's mapped value; mapping covers every distinct cell, so the work is per distinct value."""
    keys = list(mapping)
    return pa.array([mapping[k] for k in keys], kind).take(pc.index_in(cells, value_set=pa.array(keys, pa.string())))


def _value_code(spec: Indicator, raw: str) -> str | None:
    if spec.scale_id:
        return scales.resolve(spec.scale_id, raw)
    text = raw.strip()
    return None if text in TOKENS else _repair(text)


def _report_unknown_labels(ctx: Context, spec: Indicator, cells: pa.Array, unknown: list[str]) -> None:
    allowed = scales.allowed_labels(spec.scale_id) + (["1", "0"] if spec.scale_id == "yes_no" else []) + list(TOKENS)
    expected = f"a published {spec.scale_id} label: {', '.join(allowed)}"
    hits = pc.is_in(cells, value_set=pa.array(unknown, pa.string())).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(hits):
        ctx.problem(expected, ctx.rows[i], spec.header, cells[i].as_py())


def _code_numbers(ctx: Context, spec: Indicator, cells: pa.Array) -> pa.Array:
    """The export's numeric code for each row (the `_` column, or the 0/1 cell itself); warns on disagreement."""
    if spec.code_header and spec.code_header in ctx.frame:
        code = _arrow(ctx.frame[spec.code_header])
        _report_disagreements(ctx, spec, cells, code)
    elif spec.scale_id == "yes_no":
        code = cells
    else:
        return pa.nulls(len(cells), pa.float64())
    return _lookup(code, {u: _number(u) for u in pc.unique(code).to_pylist()}, pa.float64())


def _number(text: str) -> float | None:
    return float(text) if re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", text) else None


def _report_disagreements(ctx: Context, spec: Indicator, label: pa.Array, code: pa.Array) -> None:
    """Label and code disagree (Increase with _ChangeCompletion 0): warn, keep the label."""
    pairs = pa.table({"label": label, "code": code})
    distinct = pairs.group_by(["label", "code"]).aggregate([]).to_pylist()
    bad = {(p["label"], p["code"]) for p in distinct if p["label"] != "" and not _agrees(spec, p["label"], p["code"])}
    if not bad:
        return
    for i in np.flatnonzero(pc.is_in(label, value_set=pa.array(sorted({b[0] for b in bad}))).to_numpy(
            zero_copy_only=False)):
        text, number = label[i].as_py(), code[i].as_py()
        if (text, number) in bad:
            ctx.problem(f"'{spec.code_header}' to agree with '{spec.header}' ({text!r}); the label is kept",
                        ctx.rows[i], spec.code_header, number, "warning")


def _agrees(spec: Indicator, label: str, code: str) -> bool:
    token = scales.missing_reason(label)
    value_code = scales.resolve(spec.scale_id, label)
    if value_code is None:
        return token is not None and scales.missing_reason(code) == token
    number = _number(code)
    if number is None:
        return False
    if spec.scale_id == "change_in_completion":
        return np.sign(number) == {"increase": 1, "decrease": -1, "no_change": 0}[value_code]
    published = scales.value(spec.scale_id, value_code).ogp_export_code
    if not published:
        return True
    return number == int(published) + (spec.code_offset if value_code != "not_applicable" else 0)


def stable_ids(table: pa.Table, columns: tuple[str, ...]) -> pa.ChunkedArray:
    """loaders.batch.stable_id for every row at once (sha1 in an in-memory DuckDB, not a Python loop)."""
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        keys = table.select(list(columns))
        joined = " || chr(31) || ".join(f"coalesce({c}, '')" for c in columns)
        return con.sql(f"select left(sha1({joined}), 20) as id from keys").to_arrow_table().column("id")
    finally:
        con.close()
