"""Vega-Lite specs the pages draw with `st.vega_lite_chart`: plain dicts, so a page's run does not pay for
altair's schema checks (tests/webui/test_pages.py validates every spec instead), and no page loads a second chart
library. Colour is never the only cue: each segment is named in the legend, the tooltip and what a screen
reader reads, and counts are written on the bars where they fit.

Pages pass the words (labels and titles in the reader's language); these functions shape the rows and the spec.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from monitor import palette
from vocabulary.status import COLOURS

# counts are written in black or white ("ink", no scale); sharing the marks' colour scale breaks the chart
OWN_INK = {"scale": {"color": "independent"}}


def ink(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (#RRGGBB)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return palette.INK_ON_DARK if 0.299 * r + 0.587 * g + 0.114 * b < 150 else palette.INK_ON_LIGHT


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
            "encoding": {"x": {"field": "middle", "type": "quantitative"},
                         "text": {"field": "n", "type": "quantitative"},
                         "color": {"field": "ink", "type": "nominal", "scale": None}}}
    y = {"field": "group", "type": "nominal", "sort": list(order), "title": None, "axis": {"labelLimit": 240}}
    return data, {"height": {"step": step}, "encoding": {"y": y}, "layer": [bar, text], "resolve": OWN_INK}


def status_mix(counts: pd.DataFrame, groups: pd.Series, words: dict[str, str], titles: tuple[str, str, str]
               ) -> tuple[pd.DataFrame, dict]:
    """Stacked bars of the traffic-light counts (columns red, amber, green, grey of `counts`) per group.

    `groups`: each row's group in words; `words`: each colour's name in the legend. Returns (data, spec)."""
    segments = pd.concat([pd.DataFrame({"group": groups.to_numpy(), "value": words[colour],
                                        "n": counts[colour].fillna(0).to_numpy()}) for colour in COLOURS],
                         ignore_index=True)
    series = [(words[colour], palette.SERIES[colour]) for colour in COLOURS]
    return stacked_bars(segments, series, titles, step=28, columns=2)


def ambition_completion(counts: pd.DataFrame, ambition: dict[str, str], completion: dict[str, str],
                        titles: tuple[str, str, str]) -> tuple[pd.DataFrame, dict]:
    """The IRM's classic grid: ambition down, completion across, a shaded cell with its count for each pair.

    `counts`: columns ambition, completion (codes) and n. `ambition`, `completion`: code -> words, in the
    order shown; codes with no count are left out. `titles`: completion, ambition, count. Returns (data, spec)."""
    rows = [a for a in ambition if a in set(counts["ambition"])]
    columns = [c for c in completion if c in set(counts["completion"])]
    grid = counts.pivot_table(index="ambition", columns="completion", values="n", aggfunc="sum", fill_value=0)
    grid = grid.reindex(index=rows, columns=columns, fill_value=0)
    x, y = [completion[c] for c in columns], [ambition[a] for a in rows]
    grid.index, grid.columns = y, x
    cells = grid.rename_axis(index="ambition", columns="completion").stack().rename("n").reset_index()
    cells["n"] = cells["n"].astype(int)
    cells["says"] = cells["ambition"] + " · " + cells["completion"] + ": " + cells["n"].astype(str)
    cells["ink"] = (cells["n"] > cells["n"].max() / 2).map({True: palette.INK_ON_DARK, False: palette.INK_ON_LIGHT})
    x_title, y_title, count = titles
    rect = {"mark": {"type": "rect"}, "encoding": {
        "color": {"field": "n", "type": "quantitative", "scale": {"scheme": palette.HEATMAP_SCHEME}, "legend": None},
        "tooltip": [{"field": "ambition", "type": "nominal", "title": y_title},
                    {"field": "completion", "type": "nominal", "title": x_title},
                    {"field": "n", "type": "quantitative", "title": count}],
        "description": {"field": "says", "type": "nominal"}}}
    text = {"mark": {"type": "text", "fontSize": 12, "aria": False}, "encoding": {
        "text": {"field": "n", "type": "quantitative"}, "color": {"field": "ink", "type": "nominal", "scale": None}}}
    axes = {"x": {"field": "completion", "type": "nominal", "sort": x, "title": x_title,
                  "axis": {"labelAngle": 0, "labelLimit": 200}},
            "y": {"field": "ambition", "type": "nominal", "sort": y, "title": y_title}}
    return cells, {"height": {"step": 50}, "encoding": axes, "layer": [rect, text], "resolve": OWN_INK}


# time-axis ticks as ISO years or year-months: Vega's default labels are month names in English, whatever the language
ISO_TICKS = {"labelExpr": "utcFormat(datum.value, utcmonth(datum.value) == 0 ? '%Y' : '%Y-%m')"}


def milestone_timeline(dated: pd.DataFrame, legend: tuple[str, str], titles: dict[str, str], today: date
                       ) -> tuple[pd.DataFrame, dict]:
    """Dated milestones on a time axis, one row each by name, and a rule for today. Overdue ones in red crosses,
    the others in blue circles, with the word in the legend; the status and the flag in words in the tooltips.

    `dated`: columns name, due (ISO day), due_text, status, overdue (one of the `legend` words: late, on time)
    and flag. `titles`: milestone, due, status, flag, today. Returns (data, spec)."""
    dated = dated.assign(says=dated["name"] + " · " + dated["due_text"] + " · " + dated["status"] + " · "
                         + dated["flag"])
    late, on_time = legend
    marks = [m for m in ((late, palette.OVERDUE, "cross"), (on_time, palette.ON_TIME, "circle"))
             if m[0] in set(dated["overdue"])]
    names, due = list(dict.fromkeys(dated["name"])), titles["due"]
    days = [date.fromisoformat(d) for d in dated["due"]] + [today]
    # over two years, a tick a year: Vega's own ticks every 3 months thin out to one arbitrary month a year
    axis = {**ISO_TICKS, "tickCount": "year"} if (max(days) - min(days)).days > 730 else ISO_TICKS
    key = {"field": "overdue", "type": "nominal", "title": None,
           "legend": {"orient": "top", "direction": "horizontal", "labelLimit": 200}}
    points = {"mark": {"type": "point", "filled": True, "size": 160}, "encoding": {
        "x": {"field": "due", "type": "temporal", "title": due, "scale": {"type": "utc"}, "axis": axis},
        "y": {"field": "name", "type": "nominal", "sort": names, "title": None, "axis": {"labelLimit": 400}},
        "color": {**key, "scale": {"domain": [m[0] for m in marks], "range": [m[1] for m in marks]}},
        "shape": {**key, "scale": {"domain": [m[0] for m in marks], "range": [m[2] for m in marks]}},
        "tooltip": [{"field": "name", "type": "nominal", "title": titles["milestone"]},
                    {"field": "due_text", "type": "nominal", "title": due},
                    {"field": "status", "type": "nominal", "title": titles["status"]},
                    {"field": "flag", "type": "nominal", "title": titles["flag"]}],
        "description": {"field": "says", "type": "nominal"}}}
    rule = today_rule(today, titles["today"])
    return dated, {"height": {"step": 34}, "layer": [points, rule]}


def today_rule(today: date, label: str) -> dict:
    """A dashed vertical rule at today with its word on top: a time axis's reference point."""
    return {"data": {"values": [{"day": today.isoformat(), "label": label}]},
            "encoding": {"x": {"field": "day", "type": "temporal"}},
            "layer": [{"mark": {"type": "rule", "strokeDash": [4, 4], "color": palette.TODAY}},
                      {"mark": {"type": "text", "baseline": "bottom", "dy": -4, "color": palette.TODAY},
                       "encoding": {"y": {"value": 0}, "text": {"field": "label", "type": "nominal"}}}]}


def story_timeline(points: pd.DataFrame, lanes: list[tuple[str, str]], titles: dict[str, str], today: date
                   ) -> tuple[pd.DataFrame, dict]:
    """Everything dated about one subject on one time axis: a row per lane (events, milestones, statements...),
    a point per fact (a bar from start to end where it spans a window), a rule for today, a legend in words.

    `points`: columns lane (one of the `lanes` words), start and end (ISO days; end may be empty), when (the date
    in words), label (what happened) and says (one sentence for screen readers). `lanes`: (word, colour) in
    order. `titles`: lane, when, what, today. Returns (data, spec)."""
    order = [word for word, _ in lanes if word in set(points["lane"])]
    colour = {"field": "lane", "type": "nominal", "title": None,
              "scale": {"domain": order, "range": [c for w, c in lanes if w in order]},
              "legend": {"orient": "top", "direction": "horizontal", "labelLimit": 240}}
    days = [date.fromisoformat(d) for d in points["start"]] + [today]
    axis = {**ISO_TICKS, "tickCount": "year"} if (max(days) - min(days)).days > 730 else ISO_TICKS
    x = {"field": "start", "type": "temporal", "title": None, "scale": {"type": "utc"}, "axis": axis}
    y = {"field": "lane", "type": "nominal", "sort": order, "title": None, "axis": {"labelLimit": 200}}
    tooltip = [{"field": "lane", "type": "nominal", "title": titles["lane"]},
               {"field": "when", "type": "nominal", "title": titles["when"]},
               {"field": "label", "type": "nominal", "title": titles["what"]}]
    windows = {"transform": [{"filter": "datum.end"}], "mark": {"type": "rule", "strokeWidth": 6, "opacity": 0.5},
               "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "color": colour, "tooltip": tooltip}}
    marks = {"mark": {"type": "point", "filled": True, "size": 110, "opacity": 0.85},
             "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip,
                          "description": {"field": "says", "type": "nominal"}}}
    rule = today_rule(today, titles["today"])
    return points, {"height": {"step": 46}, "layer": [windows, marks, rule]}
