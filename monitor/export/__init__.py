"""Exports at the safety boundary: the meeting pack (xlsx) and safe CSV/xlsx downloads of any table."""
from monitor.export.download import CSV_MIME, XLSX_MIME, csv_bytes, readable, records_csv, xlsx_bytes
from monitor.export.pack import build_pack
from monitor.export.scope import ScopeError, describe, parse_scope
from monitor.export.template import write_template

__all__ = ["CSV_MIME", "XLSX_MIME", "ScopeError", "build_pack", "csv_bytes", "describe", "parse_scope", "readable",
           "records_csv", "write_template", "xlsx_bytes"]
