"""The learner's report as a portfolio: what they wrote and learned, readable by a person.

One standalone HTML page, small and quick to open (no plotly.js: the spiral is the inline SVG
sketch of :func:`seci_lab.exports.handout.spiral_sketch`, with its table). In course order:

- each mode lesson's exercises: the prompt, the learner's answer, its checklist chip (the band on
  the course's quality scale, the criteria met and missing), the hint, and whether it counts;
- each quiz question answered: the question, the option chosen, the right option, and whether
  it was right (in words, not by colour);
- other saved work (the theory lesson's checks, the critiques debate, settings) by its label;
- the spiral, as a sketch and a table (the contributions themselves are in the CSV of the ZIP).

Every text goes through a Jinja2 template with autoescape (``templates/portfolio.html.j2``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping, Sequence

import jinja2

from ..content import load_questions
from ..content.course import PAGES
from ..content.exercises import load_exercises
from ..model import AnswerError, Contribution, Mode, Question, check
from ..model.progress_file import DEFAULT_NAME
from ..model.quality_scale import band
from ..model.work import QUIZ, QUIZ_SET_PREFIX, key_kind, key_mode
from .handout import spiral_sketch

__all__ = ["portfolio_html"]

#: Fields of an answer record the portfolio shows in its own way (the rest is not shown).
_TECHNICAL = ("criteria", "flags", "counts", "reason", "reasons", "quality", "quality_source", "hint", "message",
              "mode", "kind", "saved_at", "hints_used", "label", "text")


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("seci_lab.exports", "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _criteria(record: Mapping) -> tuple[list[str], list[str]]:
    met, missing = [], []
    for criterion in record.get("criteria") or ():
        if isinstance(criterion, Mapping) and isinstance(criterion.get("label"), str):
            (met if criterion.get("status") == "met" else missing).append(criterion["label"])
    return met, missing


def _exercise(field, record: Mapping | None) -> dict:
    """One exercise field with the learner's answer and its feedback (None: not answered)."""
    entry = {"label": field.label, "prompt": field.prompt, "text": "", "chip": "", "missing": [], "hint": "",
             "note": ""}
    if not isinstance(record, Mapping):
        return entry
    text = record.get("text")
    entry["text"] = text if isinstance(text, str) else ""
    quality = record.get("quality")
    quality = quality if isinstance(quality, (int, float)) and not isinstance(quality, bool) else None
    met, missing = _criteria(record)
    level = band(quality)
    checked = f"{len(met)} of {len(met) + len(missing)} criteria met" if met or missing else ""
    entry["chip"] = " · ".join(part for part in (level.value.capitalize() if level else "", checked) if part)
    entry["missing"] = missing
    entry["hint"] = record.get("hint") if isinstance(record.get("hint"), str) else ""
    if record.get("counts") is False:
        reason = record.get("reason") if isinstance(record.get("reason"), str) else ""
        entry["note"] = "Does not count as done yet" + (f": {reason}" if reason else ".")
    return entry


def _option_text(question: Question, key: object) -> str:
    try:
        return question.option(str(key)).text
    except KeyError:
        return str(key)


def _answer_lines(question: Question, answer: object) -> list[str]:
    """An answer (option keys, as saved) in words: one line per part."""
    if question.kind == "match" and isinstance(answer, Mapping):
        lines = []
        for item in question.items:
            lines.append(f"{item.text} → {_option_text(question, answer.get(item.key, '–'))}")
        return lines
    if question.kind == "order" and isinstance(answer, (list, tuple)):
        return [f"{n}. {_option_text(question, key)}" for n, key in enumerate(answer, start=1)]
    return [_option_text(question, answer)]


def _quiz_item(question: Question, record: Mapping) -> dict | None:
    """A saved quiz answer checked again against the bank (a record's own "correct" is not trusted);
    None for an answer that is not one of the question's options."""
    try:
        feedback = check(question, record.get("answer"))
    except (AnswerError, TypeError):
        return None
    right, partly = feedback.correct, 0 < feedback.score < 1
    return {"prompt": question.prompt, "chosen": _answer_lines(question, record.get("answer")),
            "right": _answer_lines(question, question.answer_json()),
            "verdict": "Right" if right else ("Partly right" if partly else "Not right"), "correct": right}


def _mode_exercises(mode: Mode, answers: Mapping[str, dict]) -> list[dict]:
    """A mode lesson's exercises in the lesson's order, then its other saved answers (a practice log's
    days, a field of an older version) under their own labels: nothing saved is left out."""
    fields = load_exercises(mode.value).fields
    known = {f"{mode.value}.{f.key}" for f in fields}
    entries = [_exercise(f, answers.get(f"{mode.value}.{f.key}")) for f in fields]
    for key, record in answers.items():
        if key_mode(key) is mode and key not in known and isinstance(record, Mapping):
            label = record.get("label") if isinstance(record.get("label"), str) else key
            entries.append(_exercise(_Field(label, ""), record))
    return entries


@dataclass(frozen=True)
class _Field:
    label: str
    prompt: str


def _lessons(answers: Mapping[str, dict], bank: Mapping[str, Question]) -> list[dict]:
    quiz_by_lesson: dict[str, list[dict]] = {}
    for key, record in answers.items():
        if key_kind(key) == QUIZ and isinstance(record, Mapping):
            question = bank.get(key.removeprefix("quiz:"))
            item = _quiz_item(question, record) if question is not None else None
            if item is not None:
                quiz_by_lesson.setdefault(question.lesson, []).append(item)
    lessons = []
    for page in PAGES:
        exercises = []
        if page.kind == "lesson":
            exercises = _mode_exercises(Mode.parse(page.key), answers)
        quiz = quiz_by_lesson.get(page.key, [])
        if exercises or quiz:
            lessons.append({"label": page.label, "exercises": exercises, "quiz": quiz,
                            "answered": sum(1 for e in exercises if e["text"]),
                            "right": sum(1 for q in quiz if q["correct"])})
    review = quiz_by_lesson.get("general", [])
    if review:
        lessons.append({"label": "Course review", "exercises": [], "quiz": review, "answered": 0,
                        "right": sum(1 for q in review if q["correct"])})
    return lessons


def _other(answers: Mapping[str, dict]) -> list[dict]:
    """Saved work that is neither a mode exercise nor a quiz answer, by its label."""
    other = []
    for key, record in answers.items():
        if key.startswith(QUIZ_SET_PREFIX) or key_kind(key) == QUIZ or key_mode(key) is not None:
            continue
        if not isinstance(record, Mapping):
            continue
        label = record.get("label") if isinstance(record.get("label"), str) else key
        text = record.get("text") if isinstance(record.get("text"), str) else ""
        parts = [f"{k}: {v}" for k, v in record.items()
                 if k not in _TECHNICAL and isinstance(v, str) and v.strip() and k not in ("answer",)]
        other.append({"label": label, "text": text, "parts": parts if not text else []})
    return other


def portfolio_html(name: str, answers: Mapping[str, dict], contributions: Sequence[Contribution]) -> str:
    """The portfolio page of a learner called ``name`` with these saved ``answers`` and ``contributions``."""
    named = bool(name and name.strip() and name.strip() != DEFAULT_NAME)
    bank = {q.id: q for q in load_questions()}
    lessons = _lessons(answers, bank)
    return _environment().get_template("portfolio.html.j2").render(
        name=name.strip() if named else "", made=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        lessons=lessons, other=_other(answers), spiral=spiral_sketch(contributions))
