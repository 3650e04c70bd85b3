"""Where each quiz topic is taught (``topics.toml``): topic id -> lesson sections and key terms.

The quiz bank tags every item with a topic id; this map sends each id to the lesson sections
that teach it; the notebook that shows each lesson comes from the course's one list of pages
(:mod:`seci_lab.content.course`). :func:`section_text` reads a
section from the lesson content, so a test can check that the map points at real sections that
use the topic's terms: a learner who misses a quiz item can always find where it is taught.

Pure: standard library and the content package only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..model.modes import MODES
from . import ContentError, _Entry, _read, load_critiques, load_lesson
from .course import lesson_page
from .theory import load_theory_lesson, theory_lessons

__all__ = ["Place", "Topic", "lesson_keys", "lesson_notebook", "load_topics", "parse_topics", "section_text"]

_MODE_SECTIONS = ("explanation", "case")
_CRITIQUES = "critiques"


@dataclass(frozen=True)
class Place:
    """A section of a lesson: ``lesson`` (S, E, C, I, a theory lesson key or critiques) and ``section``."""

    lesson: str
    section: str


@dataclass(frozen=True)
class Topic:
    """A quiz topic, the sections that teach it and the terms a learner finds there."""

    id: str
    teach: tuple[Place, ...]
    terms: tuple[str, ...]


def lesson_keys() -> tuple[str, ...]:
    """Every lesson a topic can point to: the four modes, the theory lessons and the critiques."""
    return (*(m.value for m in MODES), *theory_lessons(), _CRITIQUES)


def section_text(place: Place) -> str:
    """The text of the section at ``place`` (its paragraphs, and its case for a theory section).

    Raises
    ------
    KeyError
        The lesson or the section does not exist.
    """
    if place.lesson in {m.value for m in MODES}:
        lesson = load_lesson(place.lesson)
        parts = {"explanation": lesson.explanation, "case": lesson.case.paragraphs}
        return " ".join(parts[place.section])
    if place.lesson == _CRITIQUES:
        critiques = load_critiques()
        sections = {s.id: s.paragraphs for s in critiques.sections} | {"reply": critiques.reply}
        return " ".join(sections[place.section])
    if place.lesson in theory_lessons():
        section = load_theory_lesson(place.lesson).section(place.section)
        return " ".join([*section.paragraphs, *section.case.paragraphs])
    raise KeyError(place.lesson)


def parse_topics(data: dict, source: str) -> dict[str, Topic]:
    """Check parsed TOML ``data``: the topics by id.

    Raises
    ------
    ContentError
        An entry is malformed or names a lesson that does not exist.
    """
    lessons = lesson_keys()
    topics = {}
    for topic_id, raw in data.items():
        entry = _Entry(raw, f"{source}, [{topic_id}]")
        places = []
        for spot in entry.tables("teach"):
            place = Place(spot.text("lesson"), spot.text("section"))
            spot.done()
            if place.lesson not in lessons:
                raise ContentError(f"{entry.where}: lesson {place.lesson!r} is not one of {', '.join(lessons)}.")
            if place.lesson in {m.value for m in MODES} and place.section not in _MODE_SECTIONS:
                raise ContentError(f"{entry.where}: a mode lesson's section is one of {', '.join(_MODE_SECTIONS)}.")
            places.append(place)
        topics[topic_id] = Topic(topic_id, tuple(places), entry.texts("terms"))
        entry.done()
    return topics


@functools.cache
def load_topics() -> dict[str, Topic]:
    """Every quiz topic by id (read and checked once per process)."""
    return parse_topics(_read("topics.toml"), "topics.toml")


def lesson_notebook(lesson: str) -> str:
    """The notebook that shows ``lesson``, e.g. ``"05_knowledge_creating_company.ipynb"`` for
    ``"KCC"`` (from :data:`seci_lab.content.course.PAGES`)."""
    return lesson_page(lesson).href
