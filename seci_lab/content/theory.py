"""Lessons on the theory around the four modes (``theory.toml``), validated on load.

Such a lesson (key ``"KCC"``: the knowledge-creating company) has goals, an
introduction, sections and a recap. Each section explains one idea, tells a short case and has
one or more exercises, written like quiz items and checked by ``seci_lab.model.check``, so an
exercise gives the same teaching feedback as the quiz. A mistake in the file raises
:class:`ContentError` naming the lesson, the section and the entry.

Pure: standard library and ``seci_lab.model`` only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..model.exercises import Question
from . import Case, ContentError, _Entry, _parse_question, _read

__all__ = ["TheoryLesson", "TheorySection", "load_theory_lesson", "parse_theory", "theory_lessons"]


@dataclass(frozen=True)
class TheorySection:
    """One idea of a theory lesson: explanation, a short case and exercises with feedback."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    case: Case
    exercises: tuple[Question, ...]


@dataclass(frozen=True)
class TheoryLesson:
    """A lesson made of sections; ``key`` is also its quiz (``questions.toml`` items with that lesson)."""

    key: str
    title: str
    goals: tuple[str, ...]
    intro: tuple[str, ...]
    sections: tuple[TheorySection, ...]
    recap: tuple[str, ...]
    sources: tuple[str, ...]

    def section(self, section_id: str) -> TheorySection:
        """The section ``section_id`` (KeyError if there is none)."""
        return {s.id: s for s in self.sections}[section_id]

    @property
    def exercises(self) -> tuple[Question, ...]:
        """Every exercise of the lesson, in page order."""
        return tuple(q for s in self.sections for q in s.exercises)


def _parse_exercise(entry: _Entry, key: str) -> Question:
    if "lesson" in entry.data:
        raise ContentError(f"{entry.where}: leave out 'lesson': an exercise belongs to the lesson it is in.")
    # The exercise is a quiz item in form, so the bank's parser checks it the same way.
    return _parse_question(_Entry({**entry.data, "lesson": key}, entry.where))


def _parse_section(entry: _Entry, key: str) -> TheorySection:
    case = entry.table("case")
    section = TheorySection(
        id=entry.text("id"),
        title=entry.text("title"),
        paragraphs=entry.texts("paragraphs"),
        case=Case(title=case.text("title"), source=case.text("source"), paragraphs=case.texts("paragraphs")),
        exercises=tuple(_parse_exercise(e, key) for e in entry.tables("exercise")),
    )
    case.done()
    entry.done()
    return section


def parse_theory(data: dict, source: str) -> dict[str, TheoryLesson]:
    """Validate parsed TOML ``data`` (one table per lesson key) and build its lessons.

    Raises
    ------
    ContentError
        Naming ``source``, the lesson and the entry that is wrong.
    """
    lessons = {}
    for key in data:
        entry = _Entry(data[key], f"{source}, lesson [{key}]")
        sections = tuple(_parse_section(s, key) for s in entry.tables("section"))
        lesson = TheoryLesson(key=key, title=entry.text("title"), goals=entry.texts("goals"),
                              intro=entry.texts("intro"), sections=sections, recap=entry.texts("recap"),
                              sources=entry.texts("sources"))
        entry.done()
        for what, ids in (("section ids", [s.id for s in sections]), ("exercise ids", [q.id for q in lesson.exercises])):
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                raise ContentError(f"{source}, lesson [{key}]: {what} used more than once: {', '.join(repeated)}.")
        lessons[key] = lesson
    return lessons


@functools.cache
def _lessons() -> dict[str, TheoryLesson]:
    return parse_theory(_read("theory.toml"), "theory.toml")


def theory_lessons() -> tuple[str, ...]:
    """The keys of the theory lessons, in file order (e.g. ``("KCC",)``)."""
    return tuple(_lessons())


def load_theory_lesson(key: str) -> TheoryLesson:
    """The theory lesson ``key`` (read and checked once per process).

    Raises
    ------
    ValueError
        ``key`` names no theory lesson.
    """
    lessons = _lessons()
    if key not in lessons:
        raise ValueError(f"Unknown lesson {key!r}: the theory lessons are {', '.join(lessons)}.")
    return lessons[key]
