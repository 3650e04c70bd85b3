"""Files a learner takes away: CSV tables of their contributions and of their spiral; the one
writer of Excel workbooks (:func:`excel_workbook`); and the HTML every page and report of
seci-lab is made of: tables (:func:`html_table`) and the skeleton of a standalone page
(:func:`standalone_page`, styled with :data:`PAGE_STYLE`). A learner's saved work (report,
answers CSV, ZIP) is in :mod:`seci_lab.exports.learner`, a workshop session's files in
:mod:`seci_lab.exports.workshop`.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) are prefixed with an apostrophe in CSV files, the OWASP advice
against CSV injection; in workbooks they are protected by the cell's quote-prefix style instead,
so the cell shows the text as written.
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable, Mapping

from ..escape import html_text, shorten
from ..model import Contribution

if TYPE_CHECKING:  # imported where a table is built, so pages that only escape text start faster
    import pandas as pd

__all__ = ["PAGE_STYLE", "contributions_frame", "contributions_csv", "csv_bytes", "defuse_cell", "defuse_frame", "excel_frame",
           "excel_workbook", "frame_csv", "html_table", "standalone_page", "trajectory_csv", "utc_text"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_CELL_MAX = 32_767
# Characters openpyxl refuses (control characters other than tab, newline, carriage return).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CELL_JSON_CHARS = 300  # a record shown in a table cell is cut to this length


def defuse_cell(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula with an apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame, *, bom: bool = False, float_format: str | None = None) -> bytes:
    """``frame`` as UTF-8 CSV bytes, as written (defuse first where that is wanted).

    Rows end in CRLF (RFC 4180). That also makes every cell holding a carriage return quoted:
    Python's csv module quotes a cell only for the characters of the line terminator, so with
    ``"\n"`` a bare ``"\r"`` in a cell is written unquoted and starts a new row in a spreadsheet.
    """
    text = frame.to_csv(index=False, lineterminator="\r\n", float_format=float_format)
    return text.encode("utf-8-sig" if bom else "utf-8")


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A DataFrame as UTF-8 CSV bytes (with BOM), every text cell passed through :func:`defuse_cell`."""
    # UTF-8 with BOM so that Excel opens accents, right-to-left text and emoji correctly.
    return csv_bytes(defuse_frame(frame), bom=True)


def _is_text(series) -> bool:
    import pandas as pd

    return series.dtype == object or pd.api.types.is_string_dtype(series)


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`defuse_cell`."""
    safe = frame.copy()
    for column in safe.columns:
        if _is_text(safe[column]):
            safe[column] = safe[column].map(defuse_cell)
    return safe


def _excel_cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, (list, tuple)):
        value = " | ".join(str(v) for v in value)
    if isinstance(value, str):
        value = _ILLEGAL_XLSX.sub("", value)
        if len(value) > _EXCEL_CELL_MAX:
            value = shorten(value, _EXCEL_CELL_MAX)
    return value


def excel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` an Excel sheet can hold: text within Excel's limits (as written:
    :func:`excel_workbook` protects formula-like text with the cell's style), lists joined, time
    zones dropped (Excel has none: times in UTC)."""
    import pandas as pd

    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            safe[column] = series.dt.tz_convert("UTC").dt.tz_localize(None)
        elif _is_text(series):
            safe[column] = series.map(_excel_cell)
        elif series.dtype == "boolean":
            safe[column] = series.astype(object).where(series.notna(), None)
    return safe


def excel_workbook(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An Excel workbook (.xlsx) with one sheet per frame, in order, each through :func:`excel_frame`.

    Every sheet has its header row frozen and columns wide enough for their titles. Sheet
    names are cut to 31 characters, Excel's limit. Text that Excel would run as a formula is
    written as text with the cell's quote-prefix style (what Excel itself does when one types
    ``'=...``): the cell shows the text exactly, never a literal apostrophe.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    def cell(value: object) -> object:
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            protected = WriteOnlyCell(sheet, value=value)
            protected.data_type = "s"  # openpyxl would store text starting with "=" as a formula
            protected.quotePrefix = True
            return protected
        return value

    # Write-only mode streams rows to the file: several times faster than pandas' cell-by-cell
    # writer, which matters for the contributions of a class of thousands.
    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        frame = excel_frame(frame)
        sheet = book.create_sheet(title=str(name)[:31])
        sheet.freeze_panes = "A2"
        for n, column in enumerate(frame.columns, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = min(60, max(10, len(str(column)) + 2))
        sheet.append([cell(str(c)) for c in frame.columns])
        columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
        for row in zip(*columns):
            sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def contributions_frame(contributions: Iterable[Contribution]) -> pd.DataFrame:
    """One row per contribution: round, mode, participant, text, quality and ``quality_source``
    (whose quality it is: "rubric", "self", "instructor", ...)."""
    import pandas as pd

    columns = ["round", "mode", "mode_name", "participant", "text", "quality", "quality_source"]
    rows = [
        {"round": c.round, "mode": c.mode.value, "mode_name": c.mode.label,
         "participant": c.participant, "text": c.text, "quality": c.quality, "quality_source": c.quality_source}
        for c in contributions
    ]
    return pd.DataFrame(rows, columns=columns)


def contributions_csv(contributions: Iterable[Contribution]) -> bytes:
    """The contributions as CSV bytes (UTF-8)."""
    return frame_csv(contributions_frame(contributions))


def trajectory_csv(trajectory: pd.DataFrame) -> bytes:
    """A spiral trajectory as CSV bytes; the texts of each step (and their quality sources) are
    joined with `` | ``."""
    frame = trajectory.copy()
    for column in ("texts", "sources"):
        if column in frame:
            frame[column] = frame[column].map(lambda items: " | ".join(items))
    return frame_csv(frame)


def standalone_page(title: str, style: str, body: Iterable[str]) -> str:
    """A whole HTML document: ``title`` (escaped here) as title and heading, then ``body``.

    ``body`` is markup the caller built, every piece of learner text in it already escaped
    with :func:`seci_lab.escape.html_text`. The page makes no request of its own: reports
    inline plotly.js in ``body`` when they show a chart, so they open offline.
    """
    heading = html_text(title)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{heading}</title>", f"<style>{style}</style>", "</head>", "<body>",
        f"<h1>{heading}</h1>", *body, "</body>", "</html>",
    ])


#: The style sheet of every standalone page (:func:`standalone_page`): reports and the spiral.
PAGE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 1100px; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1, h2 { color: #1f3f6b; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.4rem; vertical-align: top; text-align: left; }
td { white-space: pre-line; }
th { background: #f3f3f3; position: sticky; top: 0; }
.note { color: #444; }
details { margin: 0.5rem 0 1.5rem; }
"""


def _cell_text(value: object) -> object:
    """A value as a table cell shows it: lists one item a line, records as short JSON text."""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)[:_CELL_JSON_CHARS]
    return value


_TABLE = """\
<table border="0" class="dataframe{% if classes %} {{ classes }}{% endif %}">
{%- if caption is not none %}<caption>{{ caption }}</caption>{% endif %}
  <thead>
    <tr style="text-align: right;">
{%- for column in columns %}
      <th>{{ column }}</th>
{%- endfor %}
    </tr>
  </thead>
  <tbody>
{%- for row in rows %}
    <tr>
{%- for column, lines in row %}
      <td data-label="{{ column }}">{% for line in lines %}{{ line }}{% if not loop.last %}<br>{% endif %}{% endfor %}</td>
{%- endfor %}
    </tr>
{%- endfor %}
  </tbody>
</table>"""


def _table_template():
    global _TABLE_TEMPLATE
    if _TABLE_TEMPLATE is None:
        from jinja2 import Environment

        _TABLE_TEMPLATE = Environment(autoescape=True).from_string(_TABLE)
    return _TABLE_TEMPLATE


_TABLE_TEMPLATE = None


def _cell_lines(value: object, *, floats: bool) -> list[str]:
    """A cell's text as lines (escaped by the template): yes/no, "–" for missing, two decimals."""
    import pandas as pd

    if isinstance(value, (list, tuple, dict)):
        value = _cell_text(value)
    if value is None or (not isinstance(value, (str, list, tuple, dict)) and pd.isna(value)):
        return ["–"]
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return ["yes" if value else "no"]
    if floats and isinstance(value, float):
        return [f"{value:.2f}"]
    return str(value).splitlines() or [""]


def html_table(frame: pd.DataFrame, caption: str | None = None, *, classes: str | None = None) -> str:
    """``frame`` as an HTML table in which every cell and the caption are escaped.

    Used by every table seci-lab shows, in a widget or in a saved page, so they all read the
    same: underscores in column names become spaces, yes/no for booleans, "–" for a missing
    value, two decimals, a line break in a text as a line break, lists one item a line. Each
    cell names its column (``data-label``), so a narrow screen can show a row as a card.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show (all of them).
    caption : str, optional
        What the table shows (escaped), as its ``<caption>``.
    classes : str, optional
        CSS classes of the ``<table>``, besides ``dataframe``.
    """
    import pandas as pd

    columns = [str(c).replace("_", " ") for c in frame.columns]  # "share correct", not "share_correct"
    floats = [pd.api.types.is_float_dtype(frame[c]) for c in frame.columns]
    rows = [[(columns[i], _cell_lines(value, floats=floats[i])) for i, value in enumerate(values)]
            for values in frame.itertuples(index=False, name=None)]
    return _table_template().render(columns=columns, rows=rows, caption=caption, classes=classes or "")


def utc_text(moment: object) -> str:
    """``moment`` as "YYYY-MM-DD HH:MM UTC" (a time without zone is taken as UTC); "–" when
    missing, the value as given when it is not a time."""
    import pandas as pd

    try:
        stamp = pd.Timestamp(moment)
    except (TypeError, ValueError):
        return str(moment)
    if pd.isna(stamp):
        return "–"
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%d %H:%M UTC")
