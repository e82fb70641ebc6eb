"""The blank NAP workbook a government fills in: the sheets and headers loaders.nap_workbook reads, a level
drop-down, and an instructions sheet explaining every column (texts in monitor/locales, `[template]`)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loaders.nap_workbook import COMMITMENTS, LEVELS, MILESTONES
from loaders.reading import SheetSpec
from monitor.export.styles import HEADER_FILL, HEADER_FONT
from monitor.i18n import catalogue, language, t

SHEETS = (COMMITMENTS, MILESTONES)
LEVEL_ROWS = 5000  # rows of the Milestones sheet that get the level drop-down
INSTRUCTION_WIDTHS = (14, 24, 12, 70, 30, 60)


def write_template(path: Path | str, lang: str = "en") -> Path:
    """A blank workbook to fill in: both sheets with styled, frozen headers, a level drop-down, and an
    instructions sheet explaining every column in `lang` (examples live there, not in the data)."""
    lang = language(lang)
    book = Workbook()
    book.remove(book.active)
    for spec in SHEETS:
        sheet = book.create_sheet(spec.name)
        sheet.append([c.name for c in spec.columns])
        for cell in sheet[1]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            sheet.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 4)
        sheet.freeze_panes = "A2"
    levels = DataValidation(type="list", formula1=f'"{",".join(dict.fromkeys(LEVELS.values()))}"', allow_blank=True)
    book[MILESTONES.name].add_data_validation(levels)
    letter = _letter(MILESTONES, "level")
    levels.add(f"{letter}2:{letter}{LEVEL_ROWS}")
    _instructions(book.create_sheet(t("template.sheet", lang)), lang)
    path = Path(path)
    book.save(path)
    return path


def _letter(spec: SheetSpec, column: str) -> str:
    return get_column_letter([c.name for c in spec.columns].index(column) + 1)


def _instructions(sheet, lang: str) -> None:
    sheet.append([t("template.title", lang)])
    sheet.append([t("template.intro", lang)])
    sheet.append([])
    sheet.append([t(f"template.heading.{h}", lang)
                  for h in ("sheet", "column", "required", "explanation", "example", "also_accepted")])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for spec in SHEETS:
        for c in spec.columns:
            sheet.append([spec.name, c.name, t("template.yes", lang) if c.required else "",
                          _text(lang, "help", spec, c.name), _text(lang, "example", spec, c.name),
                          "; ".join((*c.en, *c.es))])
    sheet["A1"].font = Font(bold=True, size=14)
    for index, width in enumerate(INSTRUCTION_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _text(lang: str, kind: str, spec: SheetSpec, column: str) -> str:
    """The sheet's own text for a column where it differs (a milestone's title), else the column's, else ''."""
    texts = catalogue(lang)
    for key in (f"template.{kind}.{spec.name.lower()}.{column}", f"template.{kind}.{column}"):
        if key in texts:
            return texts[key]
    return ""
