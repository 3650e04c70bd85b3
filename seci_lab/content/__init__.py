"""Lesson texts, the critiques page and the quiz bank: data files validated on load.

The data lives in TOML next to this module (``lessons.toml``, ``critiques.toml``,
``questions.toml``; ``exercises.toml`` through ``content.exercises``; ``rubric.toml``, the
rubric's criteria, is read and validated by ``seci_lab.model.rubric_criteria`` because the model
may not import this package) and is read with the standard library's ``tomllib``. A mistake in a file
raises :class:`ContentError` naming the file and the item, so an instructor who extends the
bank learns what to fix. Loading is cached: the files are read once per process.

Pure: standard library and ``seci_lab.model`` only.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..model.exercises import (
    KINDS,
    LESSONS,
    Option,
    Question,
    mode_options,
    validate_bank,
)
from ..model.debate import SPECIAL_CUES, DebatePart, Need
from ..model.modes import MODES, Mode

__all__ = [
    "Case",
    "ContentError",
    "Critique",
    "Critiques",
    "Debate",
    "DEBATE_PARTS",
    "Lesson",
    "ModelSwitches",
    "load_critiques",
    "load_lesson",
    "load_questions",
    "parse_questions",
    "question_bank",
    "questions_for",
]


class ContentError(ValueError):
    """A content file is missing, is not valid TOML, or an entry in it is wrong."""


def _find(items, attr: str, value: str):
    """The item whose ``attr`` is ``value`` (KeyError naming it when there is none)."""
    found = next((item for item in items if getattr(item, attr) == value), None)
    if found is None:
        raise KeyError(value)
    return found


@dataclass(frozen=True)
class Case:
    """A classic case, told briefly in our own words."""

    title: str
    source: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Lesson:
    """One mode's lesson text. The facts table (conversion, creates, trigger, ba) comes from
    :attr:`mode` (``seci_lab.model.modes``) so lessons and dashboards never disagree."""

    mode: Mode
    title: str
    goals: tuple[str, ...]
    explanation: tuple[str, ...]
    case: Case
    recap: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Critique:
    """One line of criticism of the SECI model. ``critics`` (names) and ``terms`` (word starts)
    are what a debate's claim about it names."""

    id: str
    title: str
    who: str
    paragraphs: tuple[str, ...]
    critics: tuple[str, ...]
    terms: tuple[str, ...]


#: The parts of the debate exercise, in order (the page shows one box each).
DEBATE_PARTS = ("claim", "evidence", "reply", "judgement")


@dataclass(frozen=True)
class Debate:
    """The structured debate of the critiques lesson."""

    title: str
    intro: str
    choose_label: str
    parts: tuple[DebatePart, ...]

    def part(self, key: str) -> DebatePart:
        """The part ``key`` (KeyError if there is none)."""
        return _find(self.parts, "key", key)


@dataclass(frozen=True)
class ModelSwitches:
    """The text around the critiques' switches of the spiral model."""

    title: str
    intro: tuple[str, ...]
    sigma_label: str
    phi_label: str
    caveat: str


@dataclass(frozen=True)
class Critiques:
    """The critiques lesson: goals, the critiques, Nonaka's reply, the model's switches, the
    debate exercise, a recap and the sources."""

    title: str
    intro: tuple[str, ...]
    goals: tuple[str, ...]
    sections: tuple[Critique, ...]
    reply_title: str
    reply: tuple[str, ...]
    switches: ModelSwitches
    debate: Debate
    recap: tuple[str, ...]
    sources: tuple[str, ...]

    def section(self, id: str) -> Critique:
        """The critique ``id`` (KeyError if there is none)."""
        return _find(self.sections, "id", id)


# -- reading and checking ---------------------------------------------------------------
def _read(name: str, error: type[ContentError] | None = None) -> dict[str, Any]:
    error = error or ContentError
    try:
        text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    except OSError as problem:
        raise error(f"{name}: cannot read the file ({problem}).") from problem
    return _parse(text, name, error)


def _parse(text: str, source: str, error: type[ContentError] | None = None) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise (error or ContentError)(f"{source}: not valid TOML: {problem}.") from problem


class _Entry:
    """Typed access to one table of a content file; errors (``error``, a ContentError) name
    the file and the entry."""

    def __init__(self, data: object, where: str, error: type[ContentError] | None = None):
        self.error = error or ContentError
        if not isinstance(data, dict):
            raise self.error(f"{where}: expected a table of keys and values.")
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def text(self, key: str, *, default: str | None = None) -> str:
        self.used.add(key)
        value = self.data.get(key, default)
        if value is None:
            raise self.error(f"{self.where}: '{key}' is missing.")
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{self.where}: '{key}' must be non-empty text.")
        return value.strip()

    def texts(self, key: str, *, optional: bool = False) -> tuple[str, ...]:
        self.used.add(key)
        value = self.data.get(key)
        if value is None and optional:
            return ()
        if not isinstance(value, list) or not value:
            raise self.error(f"{self.where}: '{key}' must be a non-empty list of texts.")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{self.where}: '{key}' entry {i + 1} must be non-empty text.")
        return tuple(v.strip() for v in value)

    def table(self, key: str) -> "_Entry":
        self.used.add(key)
        return _Entry(self.data.get(key), f"{self.where}, {key}", self.error)

    def tables(self, key: str, *, optional: bool = False) -> list["_Entry"]:
        self.used.add(key)
        value = self.data.get(key)
        if value is None and optional:
            return []
        if not isinstance(value, list) or not value:
            raise self.error(f"{self.where}: '{key}' must be a non-empty list of tables.")
        return [_Entry(v, f"{self.where}, {key} {i + 1}", self.error) for i, v in enumerate(value)]

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.error(f"{self.where}: unknown key(s) {', '.join(unknown)} (a typo?).")


# -- lessons ----------------------------------------------------------------------------
def _parse_lesson(data: dict[str, Any], mode: Mode, source: str) -> Lesson:
    entry = _Entry(data.get(mode.value), f"{source}, lesson [{mode.value}]")
    case = entry.table("case")
    lesson = Lesson(
        mode=mode,
        title=entry.text("title"),
        goals=entry.texts("goals"),
        explanation=entry.texts("explanation"),
        case=Case(title=case.text("title"), source=case.text("source"), paragraphs=case.texts("paragraphs")),
        recap=entry.texts("recap"),
        sources=entry.texts("sources"),
    )
    case.done()
    entry.done()
    return lesson


@functools.cache
def _lessons() -> dict[Mode, Lesson]:
    data = _read("lessons.toml")
    unknown = sorted(set(data) - {m.value for m in MODES})
    if unknown:
        raise ContentError(f"lessons.toml: unknown lesson(s) {', '.join(unknown)}; use S, E, C, I.")
    return {m: _parse_lesson(data, m, "lessons.toml") for m in MODES}


def load_lesson(mode: Mode | str) -> Lesson:
    """The lesson for ``mode`` (a :class:`Mode`, its letter or its name).

    Raises
    ------
    ContentError
        ``lessons.toml`` is missing or wrong.
    ValueError
        ``mode`` is not a SECI mode.
    """
    return _lessons()[Mode.parse(mode)]


# -- critiques --------------------------------------------------------------------------
def _parse_need(value: object, where: str) -> Need:
    need = _Entry(value, where)
    cues = need.texts("cues")
    unknown = [c for c in cues if c.startswith("@") and c not in SPECIAL_CUES]
    if unknown:
        raise ContentError(f"{where}: unknown cue(s) {', '.join(unknown)}; the special cues are "
                           f"{', '.join(SPECIAL_CUES)}.")
    result = Need(what=need.text("what"), cues=cues, missing=need.text("missing"))
    need.done()
    return result


def _parse_debate(entry: _Entry) -> Debate:
    parts = []
    for part in entry.tables("parts"):
        part.used.update(("min_words", "needs", "on_topic"))
        on_topic = part.data.get("on_topic", False)
        if not isinstance(on_topic, bool):
            raise ContentError(f"{part.where}: 'on_topic' must be true or false.")
        min_words = part.data.get("min_words")
        if isinstance(min_words, bool) or not isinstance(min_words, int) or min_words < 1:
            raise ContentError(f"{part.where}: 'min_words' must be a whole number of at least 1.")
        needs = part.data.get("needs")
        if not isinstance(needs, list) or not needs:
            raise ContentError(f"{part.where}: 'needs' must be a non-empty list of tables.")
        parts.append(DebatePart(
            key=part.text("key"), label=part.text("label"), prompt=part.text("prompt"),
            placeholder=part.text("placeholder"), hints=part.texts("hints"), min_words=min_words, on_topic=on_topic,
            needs=tuple(_parse_need(n, f"{part.where}, need {i + 1}") for i, n in enumerate(needs)),
        ))
        part.done()
    keys = tuple(p.key for p in parts)
    if keys != DEBATE_PARTS:
        raise ContentError(f"{entry.where}: the parts must be {', '.join(DEBATE_PARTS)}, in this order; got "
                           f"{', '.join(keys)}.")
    debate = Debate(title=entry.text("title"), intro=entry.text("intro"), choose_label=entry.text("choose_label"),
                    parts=tuple(parts))
    entry.done()
    return debate


def _parse_critiques(data: dict[str, Any], source: str) -> Critiques:
    entry = _Entry(data, source)
    sections = []
    for section in entry.tables("section"):
        sections.append(
            Critique(
                id=section.text("id"),
                title=section.text("title"),
                who=section.text("who"),
                paragraphs=section.texts("paragraphs"),
                critics=section.texts("critics"),
                terms=section.texts("terms"),
            )
        )
        section.done()
    reply = entry.table("reply")
    switches = entry.table("switches")
    result = Critiques(
        title=entry.text("title"),
        intro=entry.texts("intro"),
        goals=entry.texts("goals"),
        sections=tuple(sections),
        reply_title=reply.text("title"),
        reply=reply.texts("paragraphs"),
        switches=ModelSwitches(title=switches.text("title"), intro=switches.texts("intro"),
                               sigma_label=switches.text("sigma_label"), phi_label=switches.text("phi_label"),
                               caveat=switches.text("caveat")),
        debate=_parse_debate(entry.table("debate")),
        recap=entry.texts("recap"),
        sources=entry.texts("sources"),
    )
    reply.done()
    switches.done()
    entry.done()
    ids = [s.id for s in sections]
    if len(set(ids)) != len(ids):
        raise ContentError(f"{source}: section ids repeat: {ids}.")
    return result


@functools.cache
def load_critiques() -> Critiques:
    """The critiques lesson's content (Polanyi & Tsoukas, Gourlay, the cultural critique,
    Bratianu, and Nonaka & von Krogh's reply), with its goals, the model's switches, the debate
    exercise and the recap."""
    return _parse_critiques(_read("critiques.toml"), "critiques.toml")


# -- questions --------------------------------------------------------------------------
def _parse_question(entry: _Entry) -> Question:
    qid = entry.data.get("id")
    if isinstance(qid, str) and qid.strip():
        entry.where = f"{entry.where} (id {qid.strip()!r})"
    kind = entry.text("kind")
    if kind not in KINDS:
        raise ContentError(f"{entry.where}: kind {kind!r} is not one of {', '.join(KINDS)}.")
    items: tuple[Option, ...] = ()
    if kind == "classify" and "options" not in entry.data:
        explanations = entry.table("explanations")
        options = mode_options({m.value: explanations.text(m.value) for m in MODES})
        explanations.done()
        answer: Any = entry.text("answer")
    else:
        if kind == "match" and "options" not in entry.data:
            options = mode_options({})
        else:
            options = []
            for o in entry.tables("options"):
                # Match targets (e.g. the four ba) need no explanation: the items carry it.
                if kind == "match":
                    o.used.add("explanation")
                    explanation = str(o.data.get("explanation", "")).strip()
                else:
                    explanation = o.text("explanation")
                options.append(Option(o.text("key"), o.text("text"), explanation))
                o.done()
            options = tuple(options)
        if kind == "match":
            parsed, pairs = [], []
            for i in entry.tables("items"):
                parsed.append(Option(i.text("key"), i.text("text"), i.text("explanation")))
                pairs.append((parsed[-1].key, i.text("answer")))
                i.done()
            items, answer = tuple(parsed), tuple(pairs)
        elif kind == "order":
            answer = entry.texts("answer")
        else:
            answer = entry.text("answer")
    modes = entry.texts("modes", optional=True) if entry.data.get("modes") != [] else ()
    entry.used.add("modes")
    try:
        question = Question(
            id=entry.text("id"),
            kind=kind,
            topic=entry.text("topic"),
            lesson=entry.text("lesson"),
            prompt=entry.text("prompt"),
            options=tuple(options),
            answer=answer,
            items=items,
            modes=modes,
            hints=entry.texts("hints"),
            family=entry.text("family") if "family" in entry.data else "",
        )
    except ValueError as error:
        raise ContentError(f"{entry.where}: {error}.") from error
    entry.done()
    return question


def parse_questions(text: str, source: str = "<text>", *, check_bank: bool = False) -> tuple[Question, ...]:
    """Parse a question bank written in TOML (a list of ``[[question]]`` tables).

    Parameters
    ----------
    text
        TOML text, as in ``seci_lab/content/questions.toml``.
    source
        Named in error messages.
    check_bank
        Also check the bank as a whole (unique ids, size, kinds, mode coverage).

    Raises
    ------
    ContentError
        Naming ``source`` and the item (its position and id) that is wrong.
    """
    data = _parse(text, source)
    root = _Entry(data, source)
    questions = tuple(_parse_question(e) for e in root.tables("question"))
    root.done()
    ids = [q.id for q in questions]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ContentError(f"{source}: question id(s) used more than once: {', '.join(repeated)}.")
    if check_bank:
        problems = validate_bank(questions)
        if problems:
            raise ContentError(f"{source}: " + "; ".join(problems) + ".")
    return questions


@functools.cache
def load_questions() -> tuple[Question, ...]:
    """The whole quiz bank, validated (each item, and the bank as a whole). Cached."""
    text = resources.files(__name__).joinpath("questions.toml").read_text(encoding="utf-8")
    return parse_questions(text, "questions.toml", check_bank=True)


def questions_for(lesson: str) -> tuple[Question, ...]:
    """The bank's items for one quiz: ``"S"``, ``"E"``, ``"C"``, ``"I"``, ``"critiques"``,
    ``"general"`` or ``"KCC"`` (the knowledge-creating company)."""
    if lesson not in LESSONS:
        raise ValueError(f"Unknown quiz {lesson!r}: use one of {', '.join(LESSONS)}.")
    return tuple(q for q in load_questions() if q.lesson == lesson)


#: Columns of :func:`question_bank`, in order.
BANK_COLUMNS = ("id", "topic", "kind", "prompt", "options", "answer", "explanations", "lesson", "modes", "hints",
                "family")


def question_bank():
    """The quiz bank as a ``pandas.DataFrame``, one row per item, for instructors.

    Columns: ``id``, ``topic``, ``kind``, ``prompt``, ``options`` (list of option texts; for
    ``match`` the items as ``"item → ?"`` then the options to choose from), ``answer`` (the
    right answer in words), ``explanations`` (dict: option or item text -> explanation),
    ``lesson``, ``modes`` (list of letters), ``hints`` (list, nudge first), ``family`` (items
    that restate each other share one; ``""`` for none).
    """
    import pandas as pd

    rows = []
    for q in load_questions():
        if q.kind == "match":
            options = [i.text for i in q.items] + [o.text for o in q.options]
            explanations = {i.text: i.explanation for i in q.items}
        else:
            options = [o.text for o in q.options]
            explanations = {o.text: o.explanation for o in q.options}
        rows.append(
            {
                "id": q.id,
                "topic": q.topic,
                "kind": q.kind,
                "prompt": q.prompt,
                "options": options,
                "answer": q.answer_text(),
                "explanations": explanations,
                "lesson": q.lesson,
                "modes": list(q.modes),
                "hints": list(q.hints),
                "family": q.family,
            }
        )
    return pd.DataFrame(rows, columns=list(BANK_COLUMNS))
