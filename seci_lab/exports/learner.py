"""The files a learner takes away from their saved work: an offline HTML report, the answers as
a table (CSV), and one ZIP with everything ("My work" in every lesson).

Built here, above the store, from what :class:`seci_lab.store.progress.Progress` holds: the store
only stores. The JSON file of the ZIP is the store's own export
(:meth:`~seci_lab.store.progress.Progress.export_bytes`, format in
:mod:`seci_lab.model.progress_file`); the CSV helpers and the page skeleton are those of
:mod:`seci_lab.exports`, as for a workshop's files (:mod:`seci_lab.exports.workshop`). Every piece of learner text is escaped with
:func:`seci_lab.escape.html_text`; spreadsheet cells are defused.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from typing import TYPE_CHECKING

from . import contributions_csv, frame_csv

if TYPE_CHECKING:
    import pandas as pd

    from ..store.progress import Progress

__all__ = ["answers_csv", "answers_frame", "report_html", "zip_bytes"]

#: The answers table's columns; fields of a record not in them go, as JSON, into "details".
_ANSWER_COLUMNS = ["key", "mode", "text", "quality", "reasons", "hint", "details"]
#: The rubric's feedback in an answer record (shown as feedback, not as the answer's details).
_RUBRIC_KEYS = ("quality", "reasons", "hint", "criteria", "message", "flags")


def answers_frame(answers: Mapping[str, dict]) -> pd.DataFrame:
    """One row per saved answer: key, mode, text, quality, reasons, hint (other fields as JSON)."""
    import pandas as pd

    rows = []
    for key, record in answers.items():
        rest = {k: v for k, v in record.items() if k not in _RUBRIC_KEYS + ("text", "mode")}
        rows.append({
            "key": key,
            "mode": record.get("mode", ""),
            "text": record.get("text", ""),
            "quality": record.get("quality"),
            "reasons": " | ".join(record.get("reasons", []) or []),
            "hint": record.get("hint", ""),
            "details": json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else "",
        })
    return pd.DataFrame(rows, columns=_ANSWER_COLUMNS)


def answers_csv(progress: Progress) -> bytes:
    """The learner's answers as CSV bytes (formula-like cells defused, as in :mod:`seci_lab.exports`)."""
    return frame_csv(answers_frame(progress.answers()))


def report_html(progress: Progress) -> str:
    """The learner's portfolio: a standalone HTML page that opens offline (see :mod:`.portfolio`)."""
    from .portfolio import portfolio_html

    return portfolio_html(progress.name, progress.answers(), progress.contributions())


def zip_bytes(progress: Progress) -> bytes:
    """Everything in one file: report.html, my-work.json and two CSV tables, zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("seci-lab-report.html", report_html(progress))
        archive.writestr("seci-lab-my-work.json", progress.export_bytes())
        archive.writestr("seci-lab-answers.csv", answers_csv(progress))
        archive.writestr("seci-lab-contributions.csv", contributions_csv(progress.contributions()))
    return buffer.getvalue()
