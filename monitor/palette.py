"""Every colour a status is shown in: dashboard cells, badges and charts, and the workbook's fills.

The word is always shown too (colour is never the only cue). Statuses map to a traffic-light colour in
vocabulary.status.RAG_COLOUR; this module says what each colour looks like in each medium.
"""
from __future__ import annotations

from vocabulary.status import COMPLETION_CODES, RESULTS_BANDS

# Table cells on screen: soft backgrounds with dark text of the same hue (CSS for pandas' Styler).
CELL_STYLE = {"red": "background-color: #F8D7DA; color: #7A1C24", "amber": "background-color: #FFF0CC; color: #6B4E00",
              "green": "background-color: #D7EFD9; color: #1E5A24", "grey": "background-color: #ECECEC; color: #333333"}
# st.badge's colour names.
BADGE = {"red": "red", "amber": "orange", "green": "green", "grey": "gray"}
# Workbook fills (openpyxl hex, no '#'): soft enough to print; the word in the cell carries the meaning.
PRINT_FILLS = {"red": "F8CBAD", "amber": "FFE699", "green": "C6EFCE", "grey": "D9D9D9"}

# Chart marks: one colour per traffic light (the compare page's status mix).
SERIES = {"red": "#B22222", "amber": "#E69F00", "green": "#2E7D32", "grey": "#9E9E9E"}
# One shade per status: two reds, two greens, so the overview's bars tell overdue from not started.
STATUS = {"not_started": "#B22222", "overdue": "#E57373", "in_progress": "#E69F00", "on_track": "#81C784",
          "complete": "#2E7D32", "withdrawn": "#616161", "unknown": "#BDBDBD"}
# IRM completion, least to most done, then withdrawn, no evidence and not yet assessed.
COMPLETION = dict(zip((*COMPLETION_CODES, "unknown"),
                      ("#B22222", "#E69F00", "#F2C14E", "#5B9BD5", "#1F4E78", "#616161", "#9E9E9E", "#D9D9D9")))
# IRM early results, negative to outstanding, then not yet assessed.
RESULTS = dict(zip((*RESULTS_BANDS, "unknown"), ("#B22222", "#BDBDBD", "#A5D6A7", "#43A047", "#1B5E20", "#EEEEEE")))
UNLISTED = "#999999"  # a value outside the lists above

OVERDUE = "#B22222"   # milestone marks
ON_TIME = "#1F4E78"
TODAY = "#555555"     # the timeline's rule for today
HEATMAP_SCHEME = "blues"
# Text written on a mark: white on dark colours, near-black on light ones.
INK_ON_DARK = "#FFFFFF"
INK_ON_LIGHT = "#1B1F24"
# the lanes of a story timeline (a commitment's, a case's): what happened, what was due, who said what
LANES = {"event": "#6A51A3", "case": "#6A51A3", "milestone": "#1F4E78", "statement": "#E69F00", "irm": "#2E7D32",
         "watch": "#B22222", "request": "#B22222", "follow_up": "#E69F00", "deadline": "#555555"}
# Status badges (/badge/<id>.svg): the id on the theme's primary colour, the status on its STATUS colour.
BADGE_LABEL = "#1F4E78"
