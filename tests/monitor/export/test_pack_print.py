"""The Mexico meeting pack as paper: LibreOffice prints it, and every page can be read without the others."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import duckdb
import openpyxl
import pytest

from monitor.export import build_pack
from monitor.filters import Filters

PAGES_BEFORE = 86  # the AP_MEX04 pack printed 86 pages before it had a print layout


@pytest.fixture(scope="module")
def printed(bundled_db_path, tmp_path_factory):
    """(workbook, text of each PDF page) for the AP_MEX04 pack, converted by headless LibreOffice."""
    for tool in ("soffice", "pdftotext"):
        assert shutil.which(tool), f"{tool} is missing: scripts/test.sh installs LibreOffice and poppler-utils"
    con = duckdb.connect(str(bundled_db_path), read_only=True)
    data = build_pack(con.cursor(), Filters(plan=("AP_MEX04",)), lang="en", since=date(2021, 1, 1))
    con.close()
    folder = tmp_path_factory.mktemp("print")
    (folder / "pack.xlsx").write_bytes(data)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "pdf",
                    "--outdir", str(folder), str(folder / "pack.xlsx")], check=True, capture_output=True, timeout=240)
    text = subprocess.run(["pdftotext", "-layout", str(folder / "pack.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    return openpyxl.load_workbook(io.BytesIO(data)), pages


def sheet_of(page: str) -> str:
    """The running title each page carries: '<sheet> · <scope>'."""
    return next(line for line in page.splitlines() if line.strip()).split(" · ")[0].strip()


def test_the_pack_prints_on_at_most_half_the_pages(printed):
    _, pages = printed
    assert len(pages) <= PAGES_BEFORE // 2


def test_every_page_says_its_sheet_and_number(printed):
    wb, pages = printed
    assert {sheet_of(p) for p in pages} == set(wb.sheetnames)
    assert all(f"Page {i} of {len(pages)}" in page for i, page in enumerate(pages, start=1))


def test_each_sheet_fits_one_page_wide_except_the_commitments_which_repeat_id_and_title(printed):
    wb, pages = printed
    for name in wb.sheetnames[1:]:
        headers = [str(c.value).split()[0] for c in wb[name][1] if c.value]
        own = [p for p in pages if sheet_of(p) == name]
        wanted = headers[:2] if name == "Commitments" else [headers[0], headers[-1]]
        for page in own:  # the header row on every page; all its columns unless the sheet is the wide one
            assert all(word in page for word in wanted), (name, wanted)
    commitments = [p for p in pages if sheet_of(p) == "Commitments"]
    assert len(commitments) > 1 and all("MX0081" in p for p in commitments)
