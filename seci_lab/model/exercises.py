"""Quiz questions as data, checked by pure functions.

A question is a data entry (``seci_lab/content/questions.toml``), never code. Four kinds:

- ``classify``: a scenario; the learner picks the SECI mode it shows (options default to
  the four modes, each with an explanation specific to the scenario);
- ``choice``: multiple choice with exactly one right option;
- ``match``: each item (left) is matched to one of the options (right), partial credit;
- ``order``: the options are put in order, partial credit by pairs in the right order.

Every item has a ``topic`` from :data:`TOPICS` (the course's topic vocabulary, shared with the
lessons) and may have a ``family``: items that restate each other share one, and a quiz set
never holds two items of the same family.

Answers are plain JSON values so they can be stored and restored as they are:
``str`` (classify, choice), ``dict[str, str]`` item key -> option key (match) and
``list[str]`` of option keys (order). :func:`check` turns an answer into :class:`Feedback`;
an answer that names an option the question does not have (a forged widget value) raises
:class:`AnswerError` with a message for the learner.

A learner's quiz, the drawn set, its score and mastery, is :mod:`seci_lab.model.quiz_session`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .modes import MODES

__all__ = [
    "AnswerError",
    "Feedback",
    "KINDS",
    "LESSONS",
    "MASTERY_THRESHOLD",
    "Option",
    "Question",
    "TOPICS",
    "check",
    "mode_options",
    "validate_bank",
]

#: The kinds of question, in the order a lesson introduces them.
KINDS: tuple[str, ...] = ("classify", "choice", "match", "order")
#: Which quiz an item belongs to: one per mode lesson, the critiques page, a course review and
#: the lesson on the knowledge-creating company ("KCC": enabling conditions, five phases,
#: middle-up-down management, hypertext organization, knowledge assets, two dimensions, ba).
LESSONS: tuple[str, ...] = ("S", "E", "C", "I", "critiques", "general", "KCC")
#: The topic vocabulary of the quiz bank: id -> what a learner reads. The lessons map each id
#: to the section that teaches it, so every quizzed topic can be reached through a lesson.
TOPICS: dict[str, str] = {
    "tacit-explicit": "tacit and explicit knowledge",
    "socialization": "socialization",
    "externalization": "externalization",
    "combination": "combination",
    "internalization": "internalization",
    "ba": "ba",
    "spiral": "the knowledge spiral",
    "two-dimensions": "the two dimensions",
    "enabling-conditions": "enabling conditions",
    "five-phases": "the five phases",
    "middle-up-down": "middle-up-down management",
    "hypertext-organization": "the hypertext organization",
    "knowledge-assets": "knowledge assets",
    "ba-2000": "the four ba of 2000",
    "critiques": "critiques of SECI",
}
#: Share of the available score needed to master a lesson's quiz.
MASTERY_THRESHOLD = 0.8


class AnswerError(ValueError):
    """An answer that cannot be checked (nothing chosen, or an option that does not exist)."""


@dataclass(frozen=True)
class Option:
    """One option (or, for ``match``, one item to be matched).

    ``explanation`` teaches: why this option is right or wrong for the question.
    """

    key: str
    text: str
    explanation: str = ""


def mode_options(explanations: Mapping[str, str]) -> tuple[Option, ...]:
    """The four modes as options, e.g. ``"Socialization (tacit → tacit)"``, in S, E, C, I order."""
    return tuple(
        Option(m.value, f"{m.label} ({m.conversion})", str(explanations.get(m.value, ""))) for m in MODES
    )


@dataclass(frozen=True)
class Question:
    """One quiz item. Validated on creation: a bad entry raises ``ValueError`` naming the problem.

    Attributes
    ----------
    answer
        ``str`` option key (classify, choice); ``tuple[str, ...]`` of option keys in the right
        order (order); ``tuple[(item_key, option_key), ...]`` (match; see :attr:`answer_map`).
    items
        For ``match`` only: the things to match, each with the explanation of its pairing.
    hints
        Progressive: a nudge first, then more.
    family
        Items that restate each other share a family (``""``: none); a quiz set holds at most
        one item of a family.
    """

    id: str
    kind: str
    topic: str
    lesson: str
    prompt: str
    options: tuple[Option, ...]
    answer: str | tuple
    items: tuple[Option, ...] = ()
    modes: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    family: str = ""

    def __post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise ValueError("; ".join(problems))

    def _problems(self) -> Iterable[str]:
        if not self.id or not self.id.replace("-", "").replace("_", "").isalnum():
            yield f"id {self.id!r} must be letters, digits, '-' or '_'"
        if self.kind not in KINDS:
            yield f"kind {self.kind!r} is not one of {', '.join(KINDS)}"
            return
        if self.lesson not in LESSONS:
            yield f"lesson {self.lesson!r} is not one of {', '.join(LESSONS)}"
        if self.topic not in TOPICS:
            yield f"topic {self.topic!r} is not one of {', '.join(TOPICS)}"
        if self.family and not self.family.replace("-", "").replace("_", "").isalnum():
            yield f"family {self.family!r} must be letters, digits, '-' or '_'"
        for letter in self.modes:
            if letter not in {m.value for m in MODES}:
                yield f"modes lists {letter!r}: use S, E, C or I"
        if not self.prompt.strip():
            yield "prompt is empty"
        if not self.hints:
            yield "needs at least one hint"
        keys = [o.key for o in self.options]
        if len(set(keys)) != len(keys):
            yield f"option keys repeat: {keys}"
        if len(keys) < 2:
            yield "needs at least two options"
        for option in self.options:
            if not option.text.strip():
                yield f"option {option.key!r} has no text"
            if self.kind != "match" and not option.explanation.strip():
                yield f"option {option.key!r} has no explanation"
        if self.kind in ("classify", "choice"):
            if not isinstance(self.answer, str):
                yield "answer must be exactly one option key"
            elif self.answer not in keys:
                yield f"answer {self.answer!r} is not an option (options: {', '.join(keys)})"
            if self.items:
                yield f"{self.kind} questions have no items"
        elif self.kind == "order":
            answer = tuple(self.answer) if isinstance(self.answer, (tuple, list)) else ()
            if sorted(answer) != sorted(keys):
                yield f"answer must list every option key exactly once (options: {', '.join(keys)})"
        elif self.kind == "match":
            item_keys = [i.key for i in self.items]
            if len(item_keys) < 2:
                yield "a match question needs at least two items"
            if len(set(item_keys)) != len(item_keys):
                yield f"item keys repeat: {item_keys}"
            for item in self.items:
                if not item.text.strip():
                    yield f"item {item.key!r} has no text"
                if not item.explanation.strip():
                    yield f"item {item.key!r} has no explanation"
            try:
                pairs = dict(self.answer)
            except (TypeError, ValueError):
                yield "answer must pair every item with one option"
                return
            if sorted(pairs) != sorted(item_keys):
                yield f"answer must pair every item exactly once (items: {', '.join(item_keys)})"
            for item_key, option_key in pairs.items():
                if option_key not in keys:
                    yield f"answer pairs item {item_key!r} with {option_key!r}, which is not an option"

    # -- conveniences -------------------------------------------------------------------
    @property
    def family_key(self) -> str:
        """What a quiz set holds at most once: the family, or the item itself when it has none."""
        return f"family:{self.family}" if self.family else f"item:{self.id}"

    @property
    def answer_map(self) -> dict[str, str]:
        """For ``match``: item key -> right option key."""
        return dict(self.answer) if self.kind == "match" else {}

    def option(self, key: str) -> Option:
        """The option with ``key`` (``KeyError`` if there is none)."""
        for option in self.options:
            if option.key == key:
                return option
        raise KeyError(key)

    def item(self, key: str) -> Option:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def answer_json(self) -> str | list[str] | dict[str, str]:
        """The right answer in the same JSON shape a learner's answer has."""
        if self.kind == "match":
            return self.answer_map
        if self.kind == "order":
            return list(self.answer)
        return self.answer

    def answer_text(self) -> str:
        """The right answer in words."""
        if self.kind == "match":
            return "; ".join(f"{self.item(i).text} → {self.option(o).text}" for i, o in self.answer)
        if self.kind == "order":
            return " → ".join(self.option(k).text for k in self.answer)
        return self.option(self.answer).text


@dataclass(frozen=True)
class Feedback:
    """What a check returns: enough to teach, not just to grade.

    Attributes
    ----------
    correct
        The answer is fully right.
    score
        In [0, 1]; partial credit for ``match`` and ``order``.
    message
        One sentence for the learner.
    explanations
        ``(label, explanation)`` pairs to show: the chosen option's and (when wrong) the
        right one's; every item for ``match``; every step for ``order``.
    right_answer
        The right answer, JSON shaped like the learner's answer.
    right_answer_text
        The right answer in words.
    """

    correct: bool
    score: float
    message: str
    explanations: tuple[tuple[str, str], ...]
    right_answer: str | list[str] | dict[str, str]
    right_answer_text: str


def _normalize(question: Question, answer: object):
    """Check the answer's shape against the question; raise AnswerError with a clear message."""
    keys = [o.key for o in question.options]
    if question.kind in ("classify", "choice"):
        if answer is None or answer == "":
            raise AnswerError("Choose one option first.")
        if not isinstance(answer, str) or answer not in keys:
            raise AnswerError("That option is not part of this question. Choose one of the options shown.")
        return answer
    if question.kind == "order":
        if not isinstance(answer, (list, tuple)) or not all(isinstance(k, str) for k in answer):
            raise AnswerError("Put the steps in order first.")
        if sorted(answer) != sorted(keys):
            raise AnswerError("The order must use each step shown exactly once. Reset the order and try again.")
        return tuple(answer)
    # match
    if not isinstance(answer, Mapping):
        raise AnswerError("Match each item first.")
    item_keys = [i.key for i in question.items]
    unknown = [k for k in answer if k not in item_keys]
    if unknown:
        raise AnswerError("That item is not part of this question. Match only the items shown.")
    missing = [question.item(k).text for k in item_keys if not answer.get(k)]
    if missing:
        raise AnswerError(f"Match every item first ({len(missing)} still open).")
    if any(v not in keys for v in answer.values()):
        raise AnswerError("That option is not part of this question. Choose one of the options shown.")
    return {k: answer[k] for k in item_keys}


def _pairs_in_order(given: Sequence[str], right: Sequence[str]) -> float:
    """Share of pairs of steps that ``given`` puts in the same relative order as ``right``."""
    position = {k: i for i, k in enumerate(given)}
    pairs = [(a, b) for i, a in enumerate(right) for b in right[i + 1 :]]
    if not pairs:
        return 1.0
    return sum(position[a] < position[b] for a, b in pairs) / len(pairs)


def check(question: Question, answer: object) -> Feedback:
    """Check ``answer`` against ``question`` and explain.

    Parameters
    ----------
    question
        The item.
    answer
        ``str`` option key (classify, choice), ``dict`` item key -> option key (match) or
        ``list`` of option keys (order).

    Returns
    -------
    Feedback

    Raises
    ------
    AnswerError
        Nothing chosen yet, or an option or item the question does not have.
    """
    given = _normalize(question, answer)
    right_json = question.answer_json()
    right_text = question.answer_text()
    if question.kind in ("classify", "choice"):
        chosen = question.option(given)
        correct = given == question.answer
        shown = [(("Right: " if correct else "Not quite: ") + chosen.text, chosen.explanation)]
        if not correct:
            right = question.option(question.answer)
            shown.append(("The answer: " + right.text, right.explanation))
        score = 1.0 if correct else 0.0
        message = (
            f"The answer is: {right_text.rstrip('.')}." if correct
            else f"You chose: {chosen.text.rstrip('.')}. The answer is: {right_text.rstrip('.')}."
        )
    elif question.kind == "match":
        shown = []
        hits = 0
        for item in question.items:
            ok = given[item.key] == question.answer_map[item.key]
            hits += ok
            right = question.option(question.answer_map[item.key]).text
            label = f"{'Right' if ok else 'Not quite'}: {item.text} → {right}"
            if not ok:
                label += f" (you chose {question.option(given[item.key]).text})"
            shown.append((label, item.explanation))
        score = hits / len(question.items)
        correct = hits == len(question.items)
        message = "All matched correctly." if correct else f"{hits} of {len(question.items)} matched correctly."
    else:  # order
        score = _pairs_in_order(given, question.answer)
        correct = list(given) == list(question.answer)
        shown = []
        for position, key in enumerate(question.answer, start=1):
            ok = given[position - 1] == key
            shown.append(
                (f"{position}. {question.option(key).text} ({'in place' if ok else 'you had it at ' + str(given.index(key) + 1)})",
                 question.option(key).explanation)
            )
        in_place = sum(a == b for a, b in zip(given, question.answer))
        message = (
            "Correct order." if correct
            else f"{in_place} of {len(given)} steps in place; {round(score * 100)}% of pairs in the right order."
        )
    return Feedback(
        correct=correct,
        score=round(float(score), 4),
        message=message,
        explanations=tuple(shown),
        right_answer=right_json,
        right_answer_text=right_text,
    )


def validate_bank(questions: Sequence[Question], *, min_per_mode: int = 8, min_items: int = 40) -> list[str]:
    """Problems with a whole bank (an empty list means it is fine).

    Checks unique ids, at least ``min_items`` items, every kind present and every mode
    concerned by at least ``min_per_mode`` items. Single items validate themselves.
    """
    problems = []
    ids = [q.id for q in questions]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        problems.append(f"ids used more than once: {', '.join(repeated)}")
    if len(questions) < min_items:
        problems.append(f"only {len(questions)} items; at least {min_items} are needed")
    kinds = {q.kind for q in questions}
    for kind in KINDS:
        if kind not in kinds:
            problems.append(f"no {kind!r} item")
    for mode in MODES:
        count = sum(mode.value in q.modes for q in questions)
        if count < min_per_mode:
            problems.append(f"mode {mode.value} ({mode.label}) has {count} items; at least {min_per_mode} are needed")
    return problems
