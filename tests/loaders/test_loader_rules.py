"""Rules every loader shares, each defined once (loaders/cells.py, loaders/batch.py, loaders/reading.py)."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import loader_files as f
import openpyxl
import pyarrow as pa
import pytest
from repo import REPO

from loaders import cells, nap_workbook, ogp_export
from loaders.batch import InvalidFile, stable_id, stable_ids
from loaders.reading import HEADER_SCAN_ROWS

SAMPLE = (REPO / "data" / "seed" / "ogp_export"
          / "ogp_commitments_open_parliament_2024-07_part_a.csv")


def sample_rows(n: int) -> list[list[str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[: n + 1]


def export_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


VALUES = [None, "", "007", "NA", 1, 0, -3, 1.0, -0.0, 0.5, 2.3, 12.0, 1e15, 1234567890123456.0, 1e16, 1e300,
          True, False, date(2021, 2, 3), datetime(2021, 2, 3), datetime(2021, 2, 3, 4, 5), time(4, 5),
          timedelta(days=2)]


def test_a_column_reads_exactly_as_its_cells_do():
    assert cells.text_array(VALUES).to_pylist() == [cells.cell_text(v) for v in VALUES]
    assert [cells.cell_text(v) for v in (1.0, -0.0, 1234567890123456.0, 1e16, True, None)] == [
        "1", "0", "1234567890123456", "1e+16", "TRUE", ""]


@pytest.mark.parametrize("raw, repaired", [
    ("2.2999999999999998", "2.3"), ("8.1999999999999993", "8.2"), ("10.130000000000001", "10.13"),
    ("123456.10000000001", "123456.1"),
    ("0.30000000000000004", "0.30000000000000004"),  # 0.1 + 0.2 is another double than 0.3: as written
    ("3.14159265358979", "3.14159265358979"),  # a typed decimal of 15 digits is kept, never cut to 6
    ("1.2345678901234567", "1.2345678901234567"),  # 17 digits that are no shorter decimal: as written
    ("3.2.5", "3.2.5"), ("7", "7"), ("", ""), ("NA", "NA"),
])
def test_float_noise_is_repaired_without_losing_digits(raw, repaired):
    assert cells.repair_float_noise(raw) == repaired


@pytest.mark.parametrize("raw, repaired", [("2.2999999999999998", "2.3"), ("8.1999999999999993", "8.2")])
def test_both_commitment_loaders_repair_float_noise_alike(raw, repaired):
    rows = sample_rows(1)
    rows[1][rows[0].index("Commitment Number")] = raw
    export = ogp_export.load(export_csv(rows), "export.csv").tables["commitment"].iloc[0]
    plan = nap_workbook.load(f.csv_bytes([f.HEADERS, f.with_row(f.ROWS[0], 4, raw)[0]]), "plan.csv")
    nap = f.stored(plan, "commitment")[0]
    assert (export.commitment_number, export.commitment_number_raw) == (repaired, raw)
    assert (nap["commitment_number"], nap["commitment_number_raw"]) == (repaired, raw)


def test_the_vectorised_key_is_stable_id_row_for_row():
    parts = [("commitment", "AL0050", "completion", "", "irm", "IRM end-of-term report"),
             ("commitment", None, "completion", None, "irm", "report"),
             ("action_plan", "AP_MEX04", "early_results_count", "significant", "irm", "Informe de resultados – año 1"),
             ("", "", "", "", "", ""), (None, None, None, None, None, None), ("a\x1fb", "c", "", "", "", "ü")]
    columns = ("a", "b", "c", "d", "e", "f")
    table = pa.table({c: pa.array([p[i] for p in parts], pa.string()) for i, c in enumerate(columns)})
    assert stable_ids(table, columns).to_pylist() == [stable_id(*p) for p in parts]


def titled_export(title_rows: int) -> bytes:
    book = openpyxl.Workbook()
    for i in range(title_rows):
        book.active.append([f"title line {i + 1}"])
    for row in sample_rows(2):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_export_looks_for_its_header_as_deep_as_every_loader():
    assert ogp_export.load(titled_export(HEADER_SCAN_ROWS - 1), "titled.xlsx").errors == []
    with pytest.raises(InvalidFile, match=f"in its first {HEADER_SCAN_ROWS} rows"):
        ogp_export.load(titled_export(HEADER_SCAN_ROWS), "titled.xlsx")
