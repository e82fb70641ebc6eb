"""The workbook's look in one place: header, wrapped text, links, date formats, highlight fills."""
from openpyxl.styles import Alignment, Font, PatternFill

from monitor.palette import PRINT_FILLS

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
WRAP = Alignment(wrap_text=True, vertical="top")
LINK_FONT = Font(color="0563C1", underline="single")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
COLOUR_FILLS = PRINT_FILLS
FLAG_FILL = PRINT_FILLS["red"]
