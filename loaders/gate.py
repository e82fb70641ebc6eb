"""Gate 0: look at a file's bytes before any parser does, and refuse what is empty, damaged or hostile."""
from __future__ import annotations

import io
import re
import zipfile

from loaders import xlsx_scan
from loaders.batch import InvalidFile, Problem

MAX_FILE_BYTES = 300 * 1024 * 1024      # the 60,000-commitment benchmark export is ~280 MB as CSV
MAX_XLSX_UNPACKED = 2 * 1024 ** 3       # declared uncompressed size of all members
MAX_XLSX_RATIO = 200                    # a zip bomb compresses 1000:1; real sheets stay under ~30:1
MAX_XLSX_MEMBERS = 2000
# A sheet's XML is read whole by the value reader (~3 bytes of memory per byte of XML): a large sheet part must
# hold real data. Real sheets compress 3-10:1 (text) and rarely 20:1; a 2.3 MB workbook holding 315 MB of
# repeated rows (137:1) took 18 s and 834 MB before its last row was refused.
MAX_SHEET_RATIO = 40
SHEET_RATIO_FROM = 20_000_000           # parts smaller than this are cheap to read whatever their ratio
MAX_SHEET_CELLS = 30_000_000            # from a sheet's <dimension>: 60,000 commitments x 171 columns is 10 M
SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s+ref=["']([^"']+)["']""")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def refuse(name: str, expected: str, value: str | None = None) -> InvalidFile:
    return InvalidFile([Problem(name, expected, value=value)])


def sniff(data: bytes, name: str) -> str:
    """'xlsx' or 'csv' from the content (not the name); refuses everything else with a reason."""
    if not data:
        raise refuse(name, "the file is empty (0 bytes); export the sheet again")
    if len(data) > MAX_FILE_BYTES:
        raise refuse(name, f"the file is {len(data) / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB")
    if data.startswith(OLE2_MAGIC):
        raise refuse(name, "this is a password-protected workbook or an old .xls file; "
                           "save it as an unprotected .xlsx (Excel Workbook) and try again")
    if data.startswith(ZIP_MAGIC):
        check_xlsx_container(data, name)
        return "xlsx"
    if data.startswith(b"%PDF"):
        raise refuse(name, "this is a PDF; the monitor reads .xlsx workbooks and .csv files")
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise refuse(name, "the file is named like a workbook but is not one (no .xlsx content); "
                           "open it in Excel and save as .xlsx, or rename it .csv if it is text")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse(name, "this looks like a binary file, not a CSV text file")
    return "csv"


def check_xlsx_container(data: bytes, name: str) -> None:
    """Refuse damaged, macro-enabled and zip-bomb workbooks from the zip directory alone."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse(name, "the workbook is damaged (incomplete or corrupt zip); save or download it again") from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise refuse(name, "this zip file is not an Excel workbook (no xl/workbook.xml)")
    if any(n.endswith("vbaProject.bin") for n in names):
        raise refuse(name, "the workbook contains macros; save it as a plain .xlsx without macros")
    if len(members) > MAX_XLSX_MEMBERS:
        raise refuse(name, f"the workbook has {len(members)} parts; a real workbook has far fewer")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED:
        raise refuse(name, f"the workbook would unpack to {unpacked / 1e9:.1f} GB; refused as a possible zip bomb")
    for m in members:
        if m.compress_size and m.file_size / m.compress_size > MAX_XLSX_RATIO and m.file_size > 10_000_000:
            raise refuse(name, f"part {m.filename} compresses {m.file_size // m.compress_size}:1; "
                               "refused as a possible zip bomb")
        if (SHEET_PART.fullmatch(m.filename) and m.file_size > SHEET_RATIO_FROM and m.compress_size
                and m.file_size / m.compress_size > MAX_SHEET_RATIO):
            raise refuse(name, f"sheet {m.filename} would unpack to {m.file_size / 1e6:,.0f} MB of XML from "
                               f"{m.compress_size / 1e6:,.1f} MB ({m.file_size // m.compress_size}:1); real sheets "
                               f"compress under {MAX_SHEET_RATIO}:1, so this is refused as repeated filler (a "
                               "decompression bomb). If the data is real, save it as CSV")
    for m in members:
        if m.filename.endswith((".xml", ".rels")):
            with archive.open(m) as part:
                head = part.read(2048)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise refuse(name, f"part {m.filename} declares XML entities; refused (real workbooks never do)")
            if SHEET_PART.fullmatch(m.filename):
                _check_dimension(name, m.filename, head)


def _check_dimension(name: str, part: str, head: bytes) -> None:
    """A sheet that declares more cells than any OGP file has (A1:XFD1048576) is refused before it is read."""
    found = DIMENSION.search(head)
    try:
        (r0, c0), (r1, c1) = xlsx_scan.range_position(found[1].decode()) if found else ((0, 0), (0, 0))
    except (ValueError, UnicodeDecodeError):
        return  # an unreadable dimension proves nothing; the ratio and size limits still apply
    cells = (r1 - r0 + 1) * (c1 - c0 + 1)
    if cells > MAX_SHEET_CELLS:
        raise refuse(name, f"sheet {part} declares {cells:,} cells ({found[1].decode()}); the limit is "
                           f"{MAX_SHEET_CELLS:,}. Delete the empty rows and columns, or save the data as CSV")
