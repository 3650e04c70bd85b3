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
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..escape import html_text
from . import contributions_csv, contributions_frame, frame_csv, standalone_page
from ..model import MODES, Contribution, simulate_spiral
from ..model.work import QUIZ, QUIZ_SET_PREFIX, key_kind, key_mode

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


def report_html(progress: Progress, *, include_spiral: bool = True) -> str:
    """A standalone, offline HTML report: answers with their feedback, contributions, spiral.

    With ``include_spiral`` the animated spiral is embedded with plotly.js inlined (about 5 MB).
    """
    return _report_html(progress.name, progress.answers(), progress.contributions(), include_spiral=include_spiral)


def zip_bytes(progress: Progress) -> bytes:
    """Everything in one file: report.html, my-work.json and two CSV tables, zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("seci-lab-report.html", report_html(progress))
        archive.writestr("seci-lab-my-work.json", progress.export_bytes())
        archive.writestr("seci-lab-answers.csv", answers_csv(progress))
        archive.writestr("seci-lab-contributions.csv", contributions_csv(progress.contributions()))
    return buffer.getvalue()


# --- the report ---------------------------------------------------------------------------------

_REPORT_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; color: #222; }
h1, h2 { color: #1f3f6b; }
.answer { border-left: 4px solid #1f3f6b; padding: 0.3rem 0.8rem; margin: 0.8rem 0; background: #f6f8fb; }
.answer pre { white-space: pre-wrap; font-family: inherit; margin: 0.3rem 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
.note { color: #444; }
"""


def _answer_html(key: str, record: dict) -> str:
    parts = [f'<div class="answer"><h3>{html_text(record.get("label") or key)}</h3>']
    text = record.get("text")
    if isinstance(text, str) and text:
        parts.append(f"<pre>{html_text(text)}</pre>")
    extras = {k: v for k, v in record.items()
              if k not in _RUBRIC_KEYS + ("label", "text", "mode", "saved_at")}
    for k, v in extras.items():
        shown = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        parts.append(f"<p><strong>{html_text(k)}:</strong> {html_text(shown)}</p>")
    quality = record.get("quality")
    if isinstance(quality, (int, float)) and not isinstance(quality, bool):
        parts.append(f"<p><strong>Suggested quality:</strong> {quality:.2f}</p>")
    reasons = record.get("reasons") or []
    if isinstance(reasons, list) and reasons:
        parts.append("<ul>" + "".join(f"<li>{html_text(r)}</li>" for r in reasons) + "</ul>")
    if isinstance(record.get("message"), str) and record["message"]:
        parts.append(f"<p>{html_text(record['message'])}</p>")
    if record.get("hint"):
        parts.append(f"<p><em>To improve:</em> {html_text(record['hint'])}</p>")
    parts.append("</div>")
    return "".join(parts)


def _report_html(name: str, answers: Mapping[str, dict], contributions: Sequence[Contribution], *,
                 include_spiral: bool) -> str:
    sections = []
    by_mode: dict[str, list[tuple[str, dict]]] = {m.value: [] for m in MODES}
    other = []
    for key, record in answers.items():
        if key.startswith(QUIZ_SET_PREFIX):  # which questions a quiz showed: the page's state, not work
            continue
        mode = key_mode(key)
        (by_mode[mode.value] if mode is not None else other).append((key, record))
    for mode in MODES:
        items = by_mode[mode.value]
        body = "".join(_answer_html(k, r) for k, r in items) or "<p>No answers yet.</p>"
        sections.append(f"<h2>{html_text(mode.label)} ({html_text(mode.conversion)})</h2>{body}")
    if other:
        quiz = [(k, r) for k, r in other if key_kind(k) == QUIZ]
        rest = [(k, r) for k, r in other if key_kind(k) != QUIZ]
        if quiz:
            correct = sum(1 for _, r in quiz if r.get("correct") is True)
            sections.append(f"<h2>Quizzes</h2><p>{correct} of {len(quiz)} answered questions correct.</p>"
                            + "".join(_answer_html(k, r) for k, r in quiz))
        if rest:
            sections.append("<h2>Other work</h2>" + "".join(_answer_html(k, r) for k, r in rest))
    table = contributions_frame(contributions).to_html(escape=True, index=False, na_rep="–", border=0)
    sections.append(f"<h2>My spiral's contributions</h2>{table}")
    if include_spiral and contributions:
        from .. import figures  # plotly: loaded only when a report is built

        trajectory = simulate_spiral(contributions, 1, rounds=max(c.round for c in contributions))
        sections.append("<h2>My knowledge spiral</h2>" + figures.figure_html(
            figures.spiral_figure(trajectory, animated=True, title="My knowledge spiral"), "seci-spiral-3d",
            plotlyjs=True, height="600px"))
        sections.append(figures.spiral_table(trajectory).to_html(escape=True, index=False, na_rep="–", border=0))
    title = f"SECI lab: the work of {name}"
    exported = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return standalone_page(title, _REPORT_STYLE, [
        f'<p class="note">Exported {html_text(exported)}. Your answers to the four SECI lessons with '
        "the rubric's feedback, and the knowledge spiral built from them (Nonaka &amp; Takeuchi 1995). "
        "This page works offline.</p>",
        *sections,
    ])
