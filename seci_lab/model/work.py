"""The format of a learner's saved work: answer keys, answer records, and what is drawn from them.

The lessons save every answer in the learner's progress store under a key; the hand-in carries
the same keys and records to the instructor, whose analysis reads them back. This module is the
one place that builds and reads them, so a lesson, the store, a hand-in and the class analysis
cannot disagree about what ``I.log.2026-03-02`` means.

Answer keys
    ``<M>.<field>``
        a free-text field of mode ``M`` (S, E, C or I) from ``exercises.toml``: ``S.journal``,
        ``E.metaphor``, ``I.aar_why``; also the Combination card board :data:`BOARD_KEY` and
        the self-assessment :data:`SELF_KEY`.
    ``I.log.<YYYY-MM-DD>``
        one day of the practice log (all days together are the exercise :data:`LOG_EXERCISE`).
    ``quiz:<item id>``
        the latest answer to a quiz item.
    ``check:<exercise id>``
        the latest answer to a checked exercise of a theory lesson (written like a quiz item,
        e.g. ``check:kcc-ex-phases`` of the theory lesson).
    ``reflection:<topic>``
        a reflection, e.g. :data:`REFLECTION_KEY`.
    ``handin:<name>``
        the hand-in form's own memory (:data:`IDENTITY_KEY`); never handed in.
    ``quizset:<lesson>``
        the quiz set a lesson showed last, so a reload shows it again; never handed in.

Contribution source keys (a spiral contribution's idempotency key: saving an answer again
replaces its contribution)
    ``r<round>:<answer key>``
        an exercise's contribution in a round; ``r<round>:C.page`` is the merged page.
    ``spiral:<hex>``
        a contribution added in the spiral lab; ``import:<n>`` and ``contribution:<n>`` number
        contributions of a file that carries no keys.

Records are JSON objects. A free-text answer is an :class:`AnswerRecord` (text, the rubric's
feedback, the quality and its ``quality_source``, round, hints used, and extras such as the
story prompt chosen); the card board is a :class:`Board`; the self-assessment is built by
:func:`self_assessment_record`; a quiz answer by :func:`quiz_record`, which keeps the latest
attempt, the ``first`` attempt ever (the instructor's item difficulty uses it) and the attempt
that ``counted`` towards mastery (the first of its set). A record saved before these fields
existed reads as ``quality_source`` "rubric" and as first = counted = latest
(:func:`first_attempt`, :func:`counted_attempt`).

Ratings
    A person's rating of a contribution is kept under a *rating key*
    (:func:`rating_key`): the answer key for every contribution an answer made (``r2:E.metaphor``
    -> ``E.metaphor``, so an instructor rates "learner + answer key"), the source key itself for
    any other contribution (``spiral:<hex>``). Which rating counts is decided by
    :func:`seci_lab.model.contributions.decide_quality`.

The Combination board draws its cards from the Externalization answers. Which fields that
lesson has is content (``exercises.toml``), and the model never imports content, so
:func:`exercise_cards` takes the field keys from its caller (the Combination widget passes the
fields of ``load_exercises("E")``): a new Externalization field becomes a card with no code change.

Pure: standard library and the rest of ``seci_lab.model`` only.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .contributions import RUBRIC, Contribution, shorten
from .modes import Mode
from .rubric import rubric_field, suggest_quality

__all__ = [
    "AnswerKey",
    "AnswerRecord",
    "BOARD_KEY",
    "Board",
    "EXERCISE",
    "HANDIN",
    "HANDIN_PREFIX",
    "IDENTITY_KEY",
    "LOG",
    "LOG_EXERCISE",
    "LOG_PREFIX",
    "OWN_CARD_SOURCE",
    "PAGE_KEY",
    "CHECK",
    "CHECK_PREFIX",
    "QUIZ",
    "QUIZ_PREFIX",
    "REFLECTION",
    "REFLECTION_KEY",
    "SAMPLE_SOURCE",
    "SELF_KEY",
    "answer_key",
    "check_answers",
    "check_key",
    "contribution_key",
    "counted_attempt",
    "exercise_cards",
    "first_attempt",
    "handed_in_key",
    "import_key",
    "is_page_memory",
    "is_mine",
    "key_kind",
    "key_mode",
    "lab_key",
    "log_entries",
    "log_key",
    "mode_prefix",
    "parse_contribution_key",
    "parse_key",
    "plan_sources",
    "quiz_answers",
    "quiz_key",
    "quiz_record",
    "rating_key",
    "saved_rating",
    "score_answer",
    "self_assessment_record",
]

# --- kinds of answer key -------------------------------------------------------------------------

EXERCISE = "exercise"
LOG = "log"
QUIZ = "quiz"
CHECK = "check"
REFLECTION = "reflection"
HANDIN = "handin"

QUIZ_PREFIX = "quiz:"
#: The quiz set a lesson showed last (``quizset:<lesson>``: its round and item ids), so a reload shows it again.
QUIZ_SET_PREFIX = "quizset:"
CHECK_PREFIX = "check:"
REFLECTION_PREFIX = "reflection:"
HANDIN_PREFIX = "handin:"
_LAB_PREFIX = "spiral:"
_LOG_FIELD = "log"

_RATING_MAX = 5


def _check_name(name: object, what: str) -> str:
    # the rule exercises.toml's field keys follow (letters, digits and _), so every field is a valid key
    if not isinstance(name, str) or not name.replace("_", "").isalnum():
        raise ValueError(f"{what} must be letters, digits and _; got {name!r}.")
    return name


def _check_text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or value != value.strip():
        raise ValueError(f"{what} must be non-empty text without spaces around it; got {value!r}.")
    return value


def answer_key(mode: Mode | str, name: str) -> str:
    """The key of the free-text field (or board, or self-assessment) ``name`` of ``mode``: ``S.journal``."""
    return f"{Mode.parse(mode).value}.{_check_name(name, 'An exercise field')}"


def mode_prefix(mode: Mode | str) -> str:
    """What every exercise key of ``mode`` starts with (``"E."``): for ``Progress.answers(prefix=...)``."""
    return f"{Mode.parse(mode).value}."


#: The Combination lesson's card board.
BOARD_KEY = answer_key(Mode.COMBINATION, "board")
#: The Internalization lesson's before/after self-assessment.
SELF_KEY = answer_key(Mode.INTERNALIZATION, "self")
#: The source of the merged page's contribution (``r<round>:C.page``); no answer is saved under it.
PAGE_KEY = answer_key(Mode.COMBINATION, "page")
#: The practice log as one exercise (its entries are ``I.log.<day>``).
LOG_EXERCISE = answer_key(Mode.INTERNALIZATION, _LOG_FIELD)
LOG_PREFIX = LOG_EXERCISE + "."
#: The critiques lesson's debate (a free reflection before it: a record with only a ``text``).
REFLECTION_KEY = REFLECTION_PREFIX + "critiques"
#: The hand-in form's memory of the learner's id, name and e-mail.
IDENTITY_KEY = HANDIN_PREFIX + "identity"


def log_key(day: dt.date) -> str:
    """The key of the practice log's entry for ``day``: ``I.log.2026-03-02``."""
    if not isinstance(day, dt.date):
        raise ValueError(f"A practice day must be a date; got {day!r}.")
    return LOG_PREFIX + day.isoformat()


def is_page_memory(key: object) -> bool:
    """Whether ``key`` is a page's own memory, not work: the hand-in form's (``handin:...``) or the
    quiz set a lesson showed last (``quizset:...``). Never handed in."""
    return isinstance(key, str) and key.startswith((HANDIN_PREFIX, QUIZ_SET_PREFIX))


def quiz_key(item_id: str) -> str:
    """The key of the answer to the quiz item ``item_id``: ``quiz:s-match-activities``."""
    return QUIZ_PREFIX + _check_text(item_id, "A quiz item id")


def check_key(exercise_id: str) -> str:
    """The key of the answer to a theory lesson's checked exercise: ``check:kcc-ex-phases``."""
    return CHECK_PREFIX + _check_text(exercise_id, "An exercise id")


@dataclass(frozen=True)
class AnswerKey:
    """An answer key taken apart (see :func:`parse_key`); ``str()`` builds it again.

    ``kind`` is :data:`EXERCISE`, :data:`LOG`, :data:`QUIZ`, :data:`CHECK`, :data:`REFLECTION` or
    :data:`HANDIN`;
    ``name`` the field (``"journal"``, ``"board"``), quiz item id, reflection topic or hand-in
    name; ``mode`` is set for exercises and log entries, ``day`` for log entries.
    """

    kind: str
    name: str
    mode: Mode | None = None
    day: dt.date | None = None

    def __str__(self) -> str:
        if self.kind == EXERCISE:
            return answer_key(self.mode, self.name)
        if self.kind == LOG:
            return log_key(self.day)
        prefixes = {QUIZ: QUIZ_PREFIX, CHECK: CHECK_PREFIX, REFLECTION: REFLECTION_PREFIX, HANDIN: HANDIN_PREFIX}
        return prefixes[self.kind] + self.name

    @property
    def exercise(self) -> str | None:
        """The exercise the answer belongs to: its own key, :data:`LOG_EXERCISE` for a log entry, else None."""
        if self.kind == LOG:
            return LOG_EXERCISE
        return str(self) if self.kind == EXERCISE else None


def parse_key(key: object) -> AnswerKey:
    """Take an answer key apart.

    Raises
    ------
    ValueError
        When ``key`` has none of the shapes in the module docstring (an unknown mode letter, an
        empty name, a log entry whose day is not a date written ``YYYY-MM-DD``, ...).
    """
    if not isinstance(key, str):
        raise ValueError(f"An answer key must be text; got {key!r}.")
    for prefix, kind in ((QUIZ_PREFIX, QUIZ), (CHECK_PREFIX, CHECK), (REFLECTION_PREFIX, REFLECTION),
                         (HANDIN_PREFIX, HANDIN)):
        if key.startswith(prefix):
            return AnswerKey(kind, _check_text(key[len(prefix):], f"The name in the key {key!r}"))
    if key.startswith(LOG_PREFIX):
        text = key[len(LOG_PREFIX):]
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
        if day is None or day.isoformat() != text:  # one spelling per day, so a day has one key
            raise ValueError(f"The practice log key {key!r} must end with a day written YYYY-MM-DD.")
        return AnswerKey(LOG, _LOG_FIELD, Mode.INTERNALIZATION, day)
    mode = key_mode(key)
    if mode is None:
        raise ValueError(f"Unknown answer key {key!r}: it starts with no SECI mode letter (S, E, C, I) "
                         "and none of quiz:, check:, reflection:, handin:.")
    return AnswerKey(EXERCISE, _check_name(key[2:], f"The field in the key {key!r}"), mode)


def key_kind(key: str) -> str | None:
    """The kind of answer key ``key`` is (:data:`EXERCISE`, :data:`QUIZ`, ...), or None when it is none."""
    try:
        return parse_key(key).kind
    except ValueError:
        return None


def key_mode(key: str) -> Mode | None:
    """The mode a key of the form ``<M>.<anything>`` belongs to, else None (for grouping any saved key)."""
    head, dot, _ = key.partition(".")
    if not dot:
        return None
    try:
        return Mode(head)
    except ValueError:
        return None


def _of_kind(answers: Mapping[str, dict], kind: str) -> Iterable[tuple[AnswerKey, dict]]:
    """The answers whose key is of ``kind``, with the key taken apart (other keys are passed over)."""
    for key, record in answers.items():
        if key_kind(key) == kind:
            yield parse_key(key), record


def quiz_answers(answers: Mapping[str, dict]) -> dict[str, dict]:
    """The quiz records among ``answers``, by item id (what a quiz widget restores)."""
    return {parsed.name: record for parsed, record in _of_kind(answers, QUIZ)}


def check_answers(answers: Mapping[str, dict]) -> dict[str, dict]:
    """The checked exercises' records among ``answers``, by exercise id (what a theory lesson restores)."""
    return {parsed.name: record for parsed, record in _of_kind(answers, CHECK)}


def log_entries(answers: Mapping[str, dict]) -> list[tuple[dt.date, dict]]:
    """The practice log's entries among ``answers``, earliest day first."""
    return sorted(((parsed.day, record) for parsed, record in _of_kind(answers, LOG)), key=lambda entry: entry[0])


# --- contribution source keys --------------------------------------------------------------------

_ROUND_KEY = re.compile(r"r(?P<round>[1-9][0-9]*):(?P<key>.+)")


def contribution_key(round: int, key: str) -> str:
    """The source key of the contribution an answer makes in ``round``: ``r1:S.journal``."""
    if isinstance(round, bool) or not isinstance(round, int) or round < 1:
        raise ValueError(f"Rounds start at 1; got {round!r}.")
    parse_key(key)
    return f"r{round}:{key}"


def parse_contribution_key(source_key: str) -> tuple[int, str]:
    """``(round, answer key)`` of a source key made by :func:`contribution_key` (ValueError otherwise)."""
    match = _ROUND_KEY.fullmatch(source_key) if isinstance(source_key, str) else None
    if match is None:
        raise ValueError(f"{source_key!r} is not the source key of an answer's contribution (r<round>:<key>).")
    parse_key(match["key"])
    return int(match["round"]), match["key"]


def rating_key(source_key: str) -> str:
    """Where a person's rating of the contribution ``source_key`` is kept (see the module docstring).

    ``r<round>:<answer key>`` gives the answer key (an answer's contributions share its
    rating, whatever round they were made in); any other source key is its own rating key.
    """
    if not isinstance(source_key, str) or not source_key:
        raise ValueError(f"A contribution's source key must be non-empty text; got {source_key!r}.")
    try:
        return parse_contribution_key(source_key)[1]
    except ValueError:
        return source_key


def lab_key() -> str:
    """A new source key for a contribution added in the spiral lab (unique: ``spiral:<hex>``)."""
    return _LAB_PREFIX + uuid.uuid4().hex


def import_key(n: int) -> str:
    """The source key given to the ``n``-th contribution of an imported file that has none."""
    return f"import:{n}"


def handed_in_key(n: int) -> str:
    """The source key given to the ``n``-th contribution of a hand-in that has none."""
    return f"contribution:{n}"


# --- a free-text answer --------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerRecord:
    """A free-text answer as saved: its text, the rubric's feedback, and where it stands.

    ``extras`` are what an exercise saves besides the text (the story prompt chosen, the skill
    described, the item a plan is drawn from); :meth:`to_dict` puts them beside the fields.
    """

    mode: Mode
    label: str
    text: str
    quality: float | None  # None: the rubric could not assess it (e.g. another language)
    reasons: tuple[str, ...]
    hint: str
    round: int
    hints_used: int = 0
    extras: Mapping[str, object] = field(default_factory=dict)
    criteria: tuple[Mapping[str, object], ...] = ()  # the rubric's checklist (RubricScore.as_record)
    message: str = ""
    flags: tuple[str, ...] = ()
    quality_source: str = RUBRIC
    counts: bool | None = None  # whether it counts as an attempt at the exercise (RubricScore.counts)
    reason: str = ""            # why it does not count yet, in plain words (RubricScore.reason)

    def to_dict(self) -> dict:
        """The record as saved (plain JSON data)."""
        record = {
            "mode": self.mode.value,
            "label": self.label,
            "text": self.text,
            "quality": self.quality,
            "quality_source": self.quality_source,
            "reasons": list(self.reasons),
            "hint": self.hint,
            "criteria": [dict(c) for c in self.criteria],
            "message": self.message,
            "flags": list(self.flags),
            "counts": self.counts,
            "reason": self.reason,
            "round": self.round,
            "hints_used": self.hints_used,
        }
        record.update(self.extras)
        return record

    def with_extras(self, extras: Mapping[str, object]) -> "AnswerRecord":
        """The same record with ``extras`` added."""
        return replace(self, extras={**self.extras, **extras})


def score_answer(text: object, mode: Mode | str, *, participant: str, round: int, label: str,
                 hints_used: int = 0, field: str | None = None) -> tuple[Contribution, AnswerRecord]:
    """A field's text scored by the rubric: the contribution it makes to the spiral, and its record.

    ``field`` is the exercise field's key (its criteria apply; the mode's when None or unknown).
    An answer the rubric cannot assess (another language) is saved unrated: quality None.

    Raises
    ------
    ValueError
        With a message for the learner: not text, empty, or over the length cap.
    """
    if not isinstance(text, str):
        raise ValueError("The answer must be text.")
    mode = Mode.parse(mode)
    score = suggest_quality(text, mode, rubric_field(mode, field))
    # Contribution validates the text (empty, over the cap) with messages that say what to change.
    contribution = Contribution(participant=participant, mode=mode, text=text, round=round, quality=score.quality)
    record = AnswerRecord(mode=mode, label=label, text=contribution.text, quality=score.quality,
                          reasons=tuple(score.reasons), hint=score.hint, round=round, hints_used=hints_used,
                          criteria=tuple(c.as_dict() for c in score.criteria), message=score.message,
                          flags=score.flags, counts=score.counts, reason=score.reason)
    return contribution, record


# --- a quiz answer -------------------------------------------------------------------------------

_ATTEMPT_FIELDS = ("answer", "correct", "score", "round")


def _attempt(record: Mapping) -> dict:
    """The latest attempt of a quiz record, in the shape of its ``first`` and ``counted``."""
    return {name: record.get(name) for name in _ATTEMPT_FIELDS}


def _saved_attempt(record: Mapping | None, name: str) -> dict:
    record = record if isinstance(record, Mapping) else {}
    saved = record.get(name)
    if isinstance(saved, Mapping) and "answer" in saved:
        return {field: saved.get(field) for field in _ATTEMPT_FIELDS}
    return _attempt(record)  # an older record: its latest answer stands for it


def first_attempt(record: Mapping | None) -> dict:
    """The first attempt ever at a quiz item: ``answer``, ``correct``, ``score``, ``round``.

    What the learner knew before any explanation was shown (the instructor's item difficulty
    uses it). A record saved before first attempts were kept reads as first = latest.
    """
    return _saved_attempt(record, "first")


def counted_attempt(record: Mapping | None) -> dict:
    """The attempt that counts towards mastery: the first in the set of the record's ``round``
    (a re-check after the explanation was shown does not count). An older record: its latest."""
    return _saved_attempt(record, "counted")


def quiz_record(previous: Mapping | None, *, lesson: str, kind: str, answer: object, correct: bool,
                score: float, attempts: int, hints_used: int, round: int, counts: bool) -> dict:
    """The record of a checked quiz answer (saved under :func:`quiz_key`).

    Parameters
    ----------
    previous : mapping or None
        The item's record so far (None for a first answer).
    lesson, kind, answer, correct, score, attempts, hints_used, round
        The latest attempt, as the quiz shows it; ``round`` is the set it was given in.
    counts : bool
        Whether this attempt counts towards mastery (the first in its set).

    Returns
    -------
    dict
        The latest attempt's fields, plus ``first`` (the first attempt ever, kept from
        ``previous``) and ``counted`` (this attempt when it counts, else the one that did).
    """
    answer = list(answer) if isinstance(answer, tuple) else answer
    record = {"lesson": lesson, "kind": kind, "answer": answer, "correct": bool(correct), "score": float(score),
              "attempts": attempts, "hints_used": hints_used, "round": round}
    latest = _attempt(record)
    record["first"] = first_attempt(previous) if isinstance(previous, Mapping) and previous else latest
    record["counted"] = latest if counts or not previous else counted_attempt(previous)
    return record


# --- the Combination board -----------------------------------------------------------------------

#: The source shown with a card the learner wrote on the board.
OWN_CARD_SOURCE = "Mine: own card"
#: The source of the lesson's sample cards.
SAMPLE_SOURCE = "Sample"
_MINE = "Mine"


def is_mine(source: str) -> bool:
    """Whether a card with this source is the learner's own (an answer or a card they wrote)."""
    return source.startswith(_MINE)


def exercise_cards(answers: Mapping[str, dict], fields: Iterable[str],
                   mode: Mode | str = Mode.EXTERNALIZATION) -> list[tuple[str, str]]:
    """The learner's cards, ``(text, source)``: their saved answers to ``fields`` of ``mode``, in that order.

    Parameters
    ----------
    answers : mapping
        Saved answers by key (others than ``mode``'s are ignored).
    fields : iterable of str
        The field keys of the lesson (from ``load_exercises(mode).fields``).
    """
    cards = []
    for name in fields:
        key = answer_key(mode, name)
        record = answers.get(key)
        if record and isinstance(record.get("text"), str) and record["text"].strip():
            cards.append((record["text"], f"{_MINE}: {record.get('label', key)}"))
    return cards


@dataclass(frozen=True)
class Board:
    """The Combination card board as saved under :data:`BOARD_KEY`.

    ``cards`` are ``(text, source)`` pairs, ``assignment`` the cluster index of each card,
    ``names`` the cluster names (blank: unnamed), ``own_cards`` the cards the learner wrote,
    ``merged`` whether the learner merged the board into a page.
    """

    cards: tuple[tuple[str, str], ...] = ()
    assignment: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    own_cards: tuple[str, ...] = ()
    merged: bool = False

    def to_record(self) -> dict:
        """The record saved under :data:`BOARD_KEY`."""
        return {
            "mode": Mode.COMBINATION.value,
            "label": "Card board",
            "cards": [[text, source] for text, source in self.cards],
            "assignment": list(self.assignment),
            "names": list(self.names),
            "own_cards": list(self.own_cards),
            "merged": self.merged,
        }

    @classmethod
    def from_record(cls, record: Mapping | None) -> "Board":
        """The board in a saved record; what is not in the shape a board is saved in is left out.

        A card keeps its cluster only with a valid pair of text and whole number; a name that is
        not text counts as blank (so the names keep their positions).
        """
        record = record if isinstance(record, Mapping) else {}
        cards, assignment = [], []
        raw_cards, raw_assignment = record.get("cards", []), record.get("assignment", [])
        if isinstance(raw_cards, list) and isinstance(raw_assignment, list):
            for pair, k in zip(raw_cards, raw_assignment):
                if isinstance(pair, list) and pair and isinstance(pair[0], str) and isinstance(k, int):
                    source = pair[1] if len(pair) > 1 and isinstance(pair[1], str) else ""
                    cards.append((pair[0], source))
                    assignment.append(int(k))
        names = record.get("names", [])
        own = record.get("own_cards", [])
        return cls(
            cards=tuple(cards), assignment=tuple(assignment),
            names=tuple(n if isinstance(n, str) else "" for n in names) if isinstance(names, list) else (),
            own_cards=tuple(c for c in own if isinstance(c, str)) if isinstance(own, list) else (),
            merged=bool(record.get("merged")),
        )

    def clusters(self) -> dict[str, int]:
        """The cluster of each card, by the card's text (the first placement of a text counts)."""
        found: dict[str, int] = {}
        for (text, _), k in zip(self.cards, self.assignment):
            found.setdefault(text, k)
        return found


def plan_sources(board: Board) -> list[str]:
    """The items of the merged page an action plan can be drawn from, as sorted "cluster: card" texts.

    Empty until the board is merged. A card in an unnamed cluster shows "Cluster <n>".
    """
    if not board.merged:
        return []
    items = []
    for (text, _), k in zip(board.cards, board.assignment):
        name = board.names[k].strip() if 0 <= k < len(board.names) else ""
        items.append(f"{name or f'Cluster {k + 1}'}: {shorten(' '.join(text.split()), 100)}")
    return sorted(items)


# --- the self-assessment -------------------------------------------------------------------------

def saved_rating(record: Mapping | None, when: str, item: str) -> int:
    """The rating (1-5, or 0 for not rated) of ``item`` ``when`` ("before" or "after") in a saved record."""
    ratings = (record or {}).get(when)
    value = ratings.get(item, 0) if isinstance(ratings, Mapping) else 0
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _RATING_MAX else 0


def self_assessment_record(items: Sequence[str], before: Mapping[str, object],
                           after: Mapping[str, object]) -> dict:
    """The record of a before/after self-assessment (saved under :data:`SELF_KEY`); 0 means not rated.

    Raises
    ------
    ValueError
        A rating is not a whole number from 0 to 5, or nothing is rated.
    """
    record: dict = {"mode": Mode.INTERNALIZATION.value, "label": "Self-assessment, before and after",
                    "items": list(items), "before": {}, "after": {}}
    for when, ratings in (("before", before), ("after", after)):
        for item, value in ratings.items():
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _RATING_MAX:
                raise ValueError(f"Each rating must be between 1 and {_RATING_MAX} (or not rated).")
            if value:
                record[when][item] = value
    if not record["before"] and not record["after"]:
        raise ValueError("Rate at least one statement before saving.")
    return record
