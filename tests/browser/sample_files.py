"""Small OGP-export-shaped CSV files for upload tests, made from the bundled export's real header."""
from __future__ import annotations

import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "data" / "seed" / "ogp_export" / "ogp_commitments_open_parliament_2024-07_part_a.csv"
XSS_TITLE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _header_and_row() -> tuple[list[str], list[str]]:
    with open(EXPORT, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        return next(reader), next(reader)


def ogp_export_csv(member: str = "Atlantis", code: str = "ATL", commitment_id: str = "AT0001",
                   title: str = "Open registers of beneficial owners", **overrides: str) -> bytes:
    """One commitment of a member the bundled data does not have, every other column as published."""
    header, row = _header_and_row()
    values = dict(zip(header, row))
    values.update({"Commitment Unique Identifier": commitment_id, "Country/Locality": member, "Code": code,
                   "Action Plan ID": f"AP_{code}01", "Action Plan Number": "1", "Commitment Title": title,
                   "Short Title": title, "URL": f"https://www.opengovpartnership.org/members/{member.lower()}/"})
    values.update(overrides)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerow([values[h] for h in header])
    return out.getvalue().encode("utf-8")


def invalid_ogp_export_csv() -> bytes:
    """Same shape, with a malformed commitment id and an empty title: errors the Data page must list."""
    return ogp_export_csv(commitment_id="NOT-AN-ID", title="")
