"""Files a learner takes away: CSV tables of their contributions and of their spiral, and the
skeleton of every standalone HTML page seci-lab writes (:func:`standalone_page`).

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) are prefixed with an apostrophe, the OWASP advice against
CSV injection; the text is otherwise exported as written.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable

from .escape import html_text, shorten
from .model import Contribution

if TYPE_CHECKING:  # imported where a table is built, so pages that only escape text start faster
    import pandas as pd

__all__ = ["contributions_frame", "contributions_csv", "defuse_cell", "defuse_frame", "excel_frame", "frame_csv",
           "standalone_page", "trajectory_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_CELL_MAX = 32_767
# Characters openpyxl refuses (control characters other than tab, newline, carriage return).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def defuse_cell(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula with an apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A DataFrame as UTF-8 CSV bytes (with BOM), every text cell passed through :func:`defuse_cell`."""
    # UTF-8 with BOM so that Excel opens accents, right-to-left text and emoji correctly.
    return defuse_frame(frame).to_csv(index=False).encode("utf-8-sig")


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
        if len(value) > _EXCEL_CELL_MAX - 1:
            value = shorten(value, _EXCEL_CELL_MAX - 1)
    return defuse_cell(value)


def excel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` an Excel sheet can hold: text defused and within Excel's limits, lists
    joined, time zones dropped (Excel has none: times in UTC)."""
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


def contributions_frame(contributions: Iterable[Contribution]) -> pd.DataFrame:
    """One row per contribution: round, mode, participant, text, quality."""
    import pandas as pd

    rows = [
        {"round": c.round, "mode": c.mode.value, "mode_name": c.mode.label,
         "participant": c.participant, "text": c.text, "quality": c.quality}
        for c in contributions
    ]
    return pd.DataFrame(rows, columns=["round", "mode", "mode_name", "participant", "text", "quality"])


def contributions_csv(contributions: Iterable[Contribution]) -> bytes:
    """The contributions as CSV bytes (UTF-8)."""
    return frame_csv(contributions_frame(contributions))


def trajectory_csv(trajectory: pd.DataFrame) -> bytes:
    """A spiral trajectory as CSV bytes; the texts of each step are joined with `` | ``."""
    frame = trajectory.copy()
    frame["texts"] = frame["texts"].map(lambda texts: " | ".join(texts))
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
