"""The Compare page's portfolio map: region > member > plan > commitment, sized by commitments, coloured by status.

Plotly, not Vega-Lite: Vega-Lite draws no clickable hierarchy. Plotly is imported inside `figure` only, and only the
Compare page imports this module, so the overview and every first-visit page load none of Plotly's script."""
from __future__ import annotations

import pandas as pd

from monitor import palette

SEP = "/"


def nodes(rows: pd.DataFrame, words: dict[str, str], unknown_region: str) -> pd.DataFrame:
    """One row per node (id, parent, label, value, colour, kind, key, hover) from commitment rows with region,
    member_code, member_name, action_plan_id, plan label (`plan`), commitment_id, title and rag (the status code).
    `words`: status code -> its word, for the hover text."""
    rows = rows.assign(region=rows["region"].fillna(unknown_region))
    out = []
    for region, r in rows.groupby("region", sort=True):
        out.append((region, "", region, len(r), "#FFFFFF", "region", region, f"{region}: {len(r)}"))
        for (code, name), m in r.groupby(["member_code", "member_name"], sort=True):
            mid = f"{region}{SEP}{code}"
            out.append((mid, region, name, len(m), "#FFFFFF", "member", code, f"{name}: {len(m)}"))
            for (plan_id, plan), p in m.groupby(["action_plan_id", "plan"], sort=True):
                pid = f"{mid}{SEP}{plan_id}"
                out.append((pid, mid, plan, len(p), "#FFFFFF", "plan", plan_id, f"{plan}: {len(p)}"))
                for c in p.to_dict("records"):
                    status = c["rag"] if c["rag"] in palette.STATUS else "unknown"
                    out.append((f"{pid}{SEP}{c['commitment_id']}", pid, c["commitment_id"], 1, palette.STATUS[status],
                                "commitment", c["commitment_id"],
                                f"{c['commitment_id']}: {str(c['title'])[:80]} · {words.get(status, status)}"))
    return pd.DataFrame(out, columns=["id", "parent", "label", "value", "colour", "kind", "key", "hover"])


def figure(tree: pd.DataFrame):
    import plotly.graph_objects as go

    fig = go.Figure(go.Treemap(
        ids=tree["id"].tolist(), parents=tree["parent"].tolist(), labels=tree["label"].tolist(),
        values=[int(v) for v in tree["value"]], branchvalues="total", marker={"colors": tree["colour"].tolist()},
        customdata=tree[["kind", "key"]].to_numpy().tolist(), hovertext=tree["hover"].tolist(), hoverinfo="text",
        textinfo="label", maxdepth=3))  # plain lists: the spec stays readable JSON, not typed arrays
    fig.update_layout(margin={"t": 8, "l": 4, "r": 4, "b": 4}, height=560)
    return fig


def picked(points: list[dict], tree: pd.DataFrame) -> tuple[str, str] | None:
    """What a click chose, as (kind, key): ('commitment', 'MX0081'), ('member', 'MEX'); None for anything else."""
    for point in points or []:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and len(data) == 2:
            return str(data[0]), str(data[1])
        found = tree[tree["id"] == point.get("id")] if point.get("id") is not None else tree.iloc[0:0]
        index = point.get("point_index", point.get("pointNumber"))
        if found.empty and isinstance(index, int) and 0 <= index < len(tree):
            found = tree.iloc[[index]]
        if not found.empty:
            return str(found.iloc[0]["kind"]), str(found.iloc[0]["key"])
    return None
