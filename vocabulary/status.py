"""Status words the whole monitor shares: RAG statuses, IRM completion and results orders, assessors.

The rules that compute a status live in SQL (monitor/sql/views.sql); this module names the values
and their order, so a filter, a chart legend and a spreadsheet list them the same way.
"""
from __future__ import annotations

# What a person reads first, worst first (the order of the watchlist and of every legend).
RAG_STATUSES = ("not_started", "overdue", "in_progress", "on_track", "complete", "withdrawn", "unknown")
# Each status's traffic-light colour: the word is always shown too, colour is never the only cue.
RAG_COLOUR = {"not_started": "red", "overdue": "red", "in_progress": "amber", "on_track": "green",
              "complete": "green", "withdrawn": "grey", "unknown": "grey"}
COLOURS = ("red", "amber", "green", "grey")

# IRM completion codes on the published scale, least to most done, then the two that are not a degree.
COMPLETION_CODES = ("not_started", "limited", "in_progress", "substantial", "complete", "withdrawn", "no_evidence")
RESULTS_BANDS = ("negative", "none", "some", "strong", "top")
AMBITION_BANDS = ("high", "medium", "low")

# Who says where a commitment stands, with the mart columns holding each one's latest reading.
ASSESSORS = ("government", "civil_society", "support_unit", "irm")
LATEST_READING = {"government": ("gov_status", "gov_status_date"),
                  "civil_society": ("cso_status", "cso_status_date"),
                  "support_unit": ("su_status", "su_status_date"),
                  "irm": ("irm_completion", "irm_completion_date")}
