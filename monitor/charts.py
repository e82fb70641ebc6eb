"""Vega-Lite specs the pages draw with `st.vega_lite_chart`: plain dicts, so a page's run does not pay for
altair's schema checks (tests/test_pages.py validates every spec instead), and no page loads a second chart
library. Colour is never the only cue: each segment is named in the legend, the tooltip and what a screen
reader reads, and counts are written on the bars where they fit."""
from __future__ import annotations

import pandas as pd

# counts are written in black or white ("ink", no scale); sharing the marks' colour scale breaks the chart
OWN_INK = {"scale": {"color": "independent"}}


def ink(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (#RRGGBB)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#FFFFFF" if 0.299 * r + 0.587 * g + 0.114 * b < 150 else "#1B1F24"


def stacked_bars(segments: pd.DataFrame, series: list[tuple[str, str]], titles: tuple[str, str, str], *,
                 step: int = 24, columns: int = 4) -> tuple[pd.DataFrame, dict]:
    """Horizontal stacked bars, one per group, in the order the groups first appear in `segments`.

    `segments`: columns group, value (the value in words) and n. `series`: (value in words, colour) in
    legend order. `titles`: what the group, the value and the count are called. Returns (data, spec)."""
    order = {g: i for i, g in enumerate(dict.fromkeys(segments["group"]))}
    rank = {v: i for i, (v, _) in enumerate(series)}
    colour = dict(series)
    data = segments[segments["n"] > 0].assign(
        n=lambda d: d["n"].astype(int), rank=lambda d: d["value"].map(rank),
        at=lambda d: d["group"].map(order), ink=lambda d: d["value"].map(lambda v: ink(colour[v])),
    ).sort_values(["at", "rank"], kind="stable").drop(columns=["at", "rank"])
    data["end"] = data.groupby("group")["n"].cumsum()
    data["start"] = data["end"] - data["n"]
    data["middle"] = (data["start"] + data["end"]) / 2
    data["says"] = data["group"] + " · " + data["value"] + ": " + data["n"].astype(str)
    shown = [(v, c) for v, c in series if v in set(data["value"])]
    widest = int(data.groupby("group")["n"].sum().max()) if len(data) else 0
    group_title, value_title, count = titles
    bar = {"mark": {"type": "bar"}, "encoding": {
        "x": {"field": "start", "type": "quantitative", "title": count, "axis": {"format": "d", "tickMinStep": 1}},
        "x2": {"field": "end"},
        "color": {"field": "value", "type": "nominal", "title": None, "sort": [v for v, _ in shown],
                  "scale": {"domain": [v for v, _ in shown], "range": [c for _, c in shown]},
                  "legend": {"orient": "top", "direction": "horizontal", "columns": columns, "labelLimit": 300}},
        "tooltip": [{"field": "group", "type": "nominal", "title": group_title},
                    {"field": "value", "type": "nominal", "title": value_title},
                    {"field": "n", "type": "quantitative", "title": count}],
        "description": {"field": "says", "type": "nominal"}}}
    # a count is written only where it fits: segments under 4% of the longest bar stay unlabelled
    text = {"mark": {"type": "text", "fontSize": 11, "aria": False},
            "transform": [{"filter": f"datum.n >= {0.04 * widest}"}],
            "encoding": {"x": {"field": "middle", "type": "quantitative"}, "text": {"field": "n", "type": "quantitative"},
                         "color": {"field": "ink", "type": "nominal", "scale": None}}}
    y = {"field": "group", "type": "nominal", "sort": list(order), "title": None, "axis": {"labelLimit": 240}}
    return data, {"height": {"step": step}, "encoding": {"y": y}, "layer": [bar, text], "resolve": OWN_INK}
