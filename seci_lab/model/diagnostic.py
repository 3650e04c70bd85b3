"""The pre/post diagnostic of SECI understanding (issue 24, item 1): forms, who takes which
first, the saved record, and scoring it again from its answers.

Two parallel forms, ``"A"`` and ``"B"`` (``seci_lab/content/diagnostic.toml``), of choice items
each tagged with a concept. A learner takes one form before lesson 1 (the *pre* sitting) and the
other after the course (the *post* sitting); which form comes first is decided by a hash of the
learner id (:func:`first_form`), so half a class starts with each form and a harder form cannot
pass for learning.

Saved work: one record per sitting under :data:`PRE_KEY` (``diagnostic:pre``) and
:data:`POST_KEY` (``diagnostic:post``) in the learner's progress store, handed in with the rest
of the work (these keys are owned here, beside :mod:`seci_lab.model.work`'s). A record
(:func:`sitting_record`)::

    {"label": "Diagnostic before the course", "sitting": "pre", "form": "A", "version": 1,
     "learner_id": "s123", "answers": {"dA-modes-chef": "b", ...}, "done": true,
     "started_at": "<ISO>", "done_at": "<ISO>"}

It holds no score: the instructor's dashboard scores it again from ``answers`` against the
forms of this seci-lab (:func:`score_sitting`); a score a file carries is read only to say that
it differs. Pure: the standard library and the rest of :mod:`seci_lab.model`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .exercises import Question
from .submission import learner_key

__all__ = [
    "CONCEPTS",
    "DIAGNOSTIC_PREFIX",
    "FORMS",
    "POST",
    "POST_KEY",
    "PRE",
    "PRE_KEY",
    "SITTINGS",
    "DiagnosticItem",
    "ScoredSitting",
    "first_form",
    "form_for",
    "normalized_gain",
    "score_sitting",
    "sitting_key",
    "sitting_record",
]

FORMS = ("A", "B")
PRE, POST = "pre", "post"
SITTINGS = (PRE, POST)
DIAGNOSTIC_PREFIX = "diagnostic:"
PRE_KEY = DIAGNOSTIC_PREFIX + PRE
POST_KEY = DIAGNOSTIC_PREFIX + POST
#: The concepts an item is tagged with, in the order the dashboard shows them (the words are
#: the content file's ``[concepts]``).
CONCEPTS = ("modes", "tacit-explicit", "ba", "spiral", "enabling-conditions", "critiques")
_LABELS = {PRE: "Diagnostic before the course", POST: "Diagnostic after the course"}


@dataclass(frozen=True)
class DiagnosticItem:
    """One item of a form: a choice :class:`~seci_lab.model.exercises.Question` with its form and concept."""

    form: str
    concept: str
    question: Question

    @property
    def id(self) -> str:
        return self.question.id


def sitting_key(sitting: str) -> str:
    """``diagnostic:pre`` or ``diagnostic:post``."""
    if sitting not in SITTINGS:
        raise ValueError(f"A sitting is {PRE!r} or {POST!r}; got {sitting!r}.")
    return DIAGNOSTIC_PREFIX + sitting


def first_form(learner_id: str) -> str:
    """The form a learner takes first: ``"A"`` or ``"B"`` by the parity of a SHA-256 of the
    learner id as hand-ins compare it (case and Unicode form ignored), so the same id always
    gives the same form, on the learner's page and on the instructor's dashboard."""
    digest = hashlib.sha256(learner_key(learner_id).encode("utf-8")).digest()
    return FORMS[digest[0] & 1]


def form_for(sitting: str, learner_id: str) -> str:
    """The form of ``sitting`` for ``learner_id``: the first form before, the other after."""
    first = first_form(learner_id)
    if sitting_key(sitting) == PRE_KEY:
        return first
    return FORMS[1 - FORMS.index(first)]


def sitting_record(sitting: str, form: str, version: int, learner_id: str, answers: Mapping[str, str], *,
                   done: bool, started_at: str, done_at: str = "") -> dict:
    """The record saved under :func:`sitting_key` (see the module docstring); no score in it."""
    sitting_key(sitting)
    if form not in FORMS:
        raise ValueError(f"A form is A or B; got {form!r}.")
    return {"label": _LABELS[sitting], "sitting": sitting, "form": form, "version": int(version),
            "learner_id": learner_id, "answers": {str(k): str(v) for k, v in answers.items()},
            "done": bool(done), "started_at": started_at, "done_at": done_at}


@dataclass(frozen=True)
class ScoredSitting:
    """A saved sitting scored again. ``score`` is the share of the form's items right (NaN when
    not scored); ``by_concept`` maps a concept to (right, items); ``status`` is "scored",
    "unfinished", "older version", "newer version" or "unreadable"; ``notes`` say what else
    was found (a claimed score that differs, answers to items not on the form)."""

    sitting: str
    form: str
    version: int | None
    status: str
    right: int = 0
    items: int = 0
    answered: int = 0
    by_concept: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    learner_id: str = ""

    @property
    def score(self) -> float:
        return self.right / self.items if self.status == "scored" and self.items else math.nan


def _claimed(record: Mapping) -> float | None:
    for name in ("score", "right", "correct"):
        value = record.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def score_sitting(sitting: str, record: object, items: Sequence[DiagnosticItem], version: int) -> ScoredSitting:
    """Score a saved sitting again from its answers against this seci-lab's ``items``.

    Never raises on what a file holds: a record that is not an object, names no known form or
    has no answers is "unreadable"; one of another ``version`` is not scored (its items
    differ); one not finished is "unfinished". Only answers to items of the record's form
    count; an unknown item or option scores nothing and is noted.
    """
    if not isinstance(record, Mapping):
        return ScoredSitting(sitting, "", None, "unreadable", notes=("The record is not an object.",))
    form = record.get("form")
    raw_version = record.get("version")
    saved_version = raw_version if isinstance(raw_version, int) and not isinstance(raw_version, bool) else None
    learner_id = record.get("learner_id") if isinstance(record.get("learner_id"), str) else ""
    if form not in FORMS:
        return ScoredSitting(sitting, "", saved_version, "unreadable", learner_id=learner_id,
                             notes=(f"It names no form A or B ({str(form)[:20]!r}).",))
    if saved_version is None:
        return ScoredSitting(sitting, form, None, "unreadable", learner_id=learner_id,
                             notes=("It has no version number.",))
    if saved_version != version:
        status = "older version" if saved_version < version else "newer version"
        return ScoredSitting(sitting, form, saved_version, status, learner_id=learner_id, notes=(
            f"Taken with version {saved_version} of the diagnostic; this seci-lab has version {version}, whose "
            "items differ, so it is not scored.",))
    answers = record.get("answers")
    if not isinstance(answers, Mapping):
        return ScoredSitting(sitting, form, saved_version, "unreadable", learner_id=learner_id,
                             notes=("It has no answers.",))
    on_form = [item for item in items if item.form == form]
    by_concept: dict[str, list[int]] = {}
    right = answered = 0
    for item in on_form:
        given = answers.get(item.id)
        keys = {o.key for o in item.question.options}
        ok = isinstance(given, str) and given == item.question.answer
        answered += isinstance(given, str) and given in keys
        right += ok
        tally = by_concept.setdefault(item.concept, [0, 0])
        tally[0] += ok
        tally[1] += 1
    notes = []
    foreign = [k for k in answers if k not in {item.id for item in on_form}]
    if foreign:
        notes.append(f"{len(foreign)} answer(s) to items not on form {form} left out.")
    claimed = _claimed(record)
    if claimed is not None and not (math.isclose(claimed, right) or math.isclose(claimed, right / max(1, len(on_form)))):
        notes.append(f"The file claims a score of {claimed:g}; its answers give {right} of {len(on_form)}, "
                     "which counts.")
    done = record.get("done") is True
    return ScoredSitting(sitting, form, saved_version, "scored" if done else "unfinished", right=right,
                         items=len(on_form), answered=answered,
                         by_concept={k: (v[0], v[1]) for k, v in by_concept.items()}, notes=tuple(notes),
                         learner_id=learner_id)


def normalized_gain(pre: float, post: float) -> float:
    """Hake's (1998) normalized gain ``(post - pre) / (1 - pre)`` of two shares in [0, 1];
    NaN when ``pre`` is 1 (nothing left to gain) or either is not a number."""
    if not (isinstance(pre, (int, float)) and isinstance(post, (int, float))) or math.isnan(pre) or math.isnan(post):
        return math.nan
    if pre >= 1.0:
        return math.nan
    return (post - pre) / (1.0 - pre)
