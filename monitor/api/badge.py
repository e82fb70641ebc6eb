"""A commitment's status badge as SVG: its id, its status in words and the date of that reading.

Colours are monitor.palette's (the word is always there: colour is never the only cue); the text
alternative is a <title> plus role="img" and aria-label. Built with xml.etree, so all text is escaped.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from monitor import palette
from monitor.i18n import fmt_date, t

SVG = "http://www.w3.org/2000/svg"
MIME = "image/svg+xml; charset=utf-8"
HEIGHT, PAD, FONT_SIZE = 20, 6, 11
FONT = "Verdana,DejaVu Sans,Geneva,sans-serif"
NARROW, WIDE = set("ijlrtfI.,:;|!' ()·-/1"), set("mwMWOQGCDHNU@%")


def text_width(text: str) -> float:
    """Verdana at 11 px, roughly: enough to size the boxes; textLength makes every renderer fit it exactly."""
    return sum(3.9 if ch in NARROW else 9.0 if ch in WIDE else 7.4 if ch.isupper() or ch.isdigit() else 6.6
               for ch in text)


def ink(background: str) -> str:
    """White on dark colours, near-black on light ones (WCAG relative luminance)."""
    r, g, b = (int(background[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lum = sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
              for w, c in zip((0.2126, 0.7152, 0.0722), (r, g, b)))
    return palette.INK_ON_DARK if lum < 0.35 else palette.INK_ON_LIGHT


def alt_text(row: dict, lang: str) -> str:
    status = t(f"rag.{row.get('rag') or 'unknown'}", lang)
    return t("api.badge.alt", lang, id=row["commitment_id"], status=status,
             date=fmt_date(row.get("current_status_date"), lang))


def build(row: dict, lang: str) -> bytes:
    """`row` is monitor.queries.commitment's: commitment_id, rag, current_status_date."""
    rag = row.get("rag") or "unknown"
    left_text = row["commitment_id"]
    right_text = t("api.badge.status", lang, status=t(f"rag.{rag}", lang),
                   date=fmt_date(row.get("current_status_date"), lang))
    left_w, right_w = (round(text_width(s)) + 2 * PAD for s in (left_text, right_text))
    colour = palette.STATUS.get(rag, palette.UNLISTED)
    label = alt_text(row, lang)
    svg = ET.Element("svg", {"xmlns": SVG, "width": str(left_w + right_w), "height": str(HEIGHT), "role": "img",
                                        "aria-label": label, "viewBox": f"0 0 {left_w + right_w} {HEIGHT}"})
    ET.SubElement(svg, "title").text = label
    ET.SubElement(svg, "rect", {"width": str(left_w), "height": str(HEIGHT), "fill": palette.BADGE_LABEL})
    ET.SubElement(svg, "rect", {"x": str(left_w), "width": str(right_w), "height": str(HEIGHT),
                                          "fill": colour})
    group = ET.SubElement(svg, "g", {"font-family": FONT, "font-size": str(FONT_SIZE),
                                               "text-anchor": "middle", "aria-hidden": "true"})
    for x, width, text, fill in ((left_w / 2, left_w, left_text, ink(palette.BADGE_LABEL)),
                                 (left_w + right_w / 2, right_w, right_text, ink(colour))):
        node = ET.SubElement(group, "text", {"x": f"{x:g}", "y": "14", "fill": fill,
                                                       "textLength": str(width - 2 * PAD),
                                                       "lengthAdjust": "spacingAndGlyphs"})
        node.text = text
    return ET.tostring(svg, encoding="utf-8", xml_declaration=True)
