"""A learner's quiz for one lesson: a seeded, shuffled set (at most one item per family), its
score against a mastery threshold and, on retry, a new set of items not yet seen (then the least
recently seen). The questions and their checking are :mod:`seci_lab.model.exercises`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .exercises import MASTERY_THRESHOLD, AnswerError, Feedback, Option, Question, check
from .work import counted_attempt

__all__ = ["QuizSession", "draw_questions", "family_count"]


def _rng(seed: int | str | None, round_: int) -> random.Random:
    return random.Random(None if seed is None else f"{seed}:{round_}")


def family_count(pool: Iterable[Question]) -> int:
    """How many items a set drawn from ``pool`` can hold: one per family (or family-less item)."""
    return len({q.family_key for q in pool})


def draw_questions(
    pool: Sequence[Question],
    n: int,
    *,
    seed: int | str | None = None,
    round_: int = 0,
    last_seen: Mapping[str, int] | None = None,
    keep: Sequence[Question] = (),
) -> tuple[Question, ...]:
    """Draw up to ``n`` items from ``pool``: unseen ones first, then the least recently seen,
    never two of one family.

    Deterministic for a given ``seed`` and ``round_``; ``seed=None`` draws at random.
    ``last_seen`` maps item id -> the round it was last shown in. ``keep`` items come first
    (a restored set), minus any that restate one kept before them.
    """
    last_seen = last_seen or {}
    rng = _rng(seed, round_)
    order = list(pool)
    rng.shuffle(order)  # ties (same round, or all unseen) are broken by the seeded shuffle
    order.sort(key=lambda q: last_seen.get(q.id, -1))  # stable: unseen (-1) first
    chosen: list[Question] = []
    taken: set[str] = set()
    for q in [*keep, *order]:
        if len(chosen) >= n:
            break
        if q.family_key not in taken:  # also skips an item already chosen
            chosen.append(q)
            taken.add(q.family_key)
    return tuple(chosen)


def _round_of(record: Mapping) -> int:
    value = record.get("round", 0)
    return value if isinstance(value, int) and value >= 0 else 0


def _valid_records(pool: Sequence[Question], answered: object) -> dict[str, tuple[dict, Feedback]]:
    """Saved records whose answer still checks against ``pool``, each with its feedback."""
    by_id = {q.id: q for q in pool}
    valid = {}
    for item_id, record in (answered.items() if isinstance(answered, Mapping) else ()):
        question = by_id.get(item_id)
        if question is None or not isinstance(record, dict):
            continue
        try:
            valid[item_id] = (record, check(question, record.get("answer")))
        except (AnswerError, TypeError):
            continue
    return valid


def _shown_set(shown: object, pool: Sequence[Question]) -> tuple[int, list[str]]:
    """A saved :meth:`QuizSession.shown_record` checked against ``pool``: ``(round, item ids)``;
    ``(0, [])`` for none or a record that is not one (ids no longer in the pool are left out)."""
    if not isinstance(shown, Mapping):
        return 0, []
    round_, items = shown.get("round"), shown.get("items")
    if isinstance(round_, bool) or not isinstance(round_, int) or round_ < 0 or not isinstance(items, list):
        return 0, []
    known = {q.id for q in pool}
    ids = list(dict.fromkeys(i for i in items if isinstance(i, str) and i in known))
    return round_, ids


def _counted_feedback(question: Question, record: Mapping, latest: Feedback) -> Feedback:
    """The feedback of the attempt that counted in a saved record's set (its ``counted``
    answer, when it is of the record's round and still checks), else the latest's."""
    counted = counted_attempt(record)
    if _round_of(counted) == _round_of(record):
        try:
            return check(question, counted["answer"])
        except (AnswerError, TypeError):
            pass
    return latest


@dataclass
class QuizSession:
    """One learner's quiz for one lesson: the current set, scores and what was seen.

    Parameters
    ----------
    pool
        The lesson's questions.
    n
        Items per set (at most one per family, so capped at the pool's number of families).
    seed
        Makes the draws (and option shuffles) repeatable; ``None`` for random.
    threshold
        Share of the set's total score needed for mastery.

    Mastery counts first attempts: ``counted`` holds each item's first result in the current
    set, which is the one the score and mastery use; ``results`` holds the latest, which is
    what the page shows. The first Check shows the explanation of every option, so a re-check
    after it gets feedback but cannot turn the set into "Mastered" (issue 10). An item drawn
    again in a later set counts afresh there: recalling it a set later is practice, not copying.
    """

    pool: tuple[Question, ...]
    n: int = 6
    seed: int | str | None = None
    threshold: float = MASTERY_THRESHOLD
    round: int = 0
    last_seen: dict[str, int] = field(default_factory=dict)
    current: tuple[Question, ...] = ()
    results: dict[str, Feedback] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    counted: dict[str, Feedback] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.pool:
            raise ValueError("This quiz has no questions.")
        if not 0 < self.threshold <= 1:
            raise ValueError("The mastery threshold must be in (0, 1].")
        self.pool = tuple(self.pool)
        self.n = max(1, min(int(self.n), family_count(self.pool)))
        if not self.current:
            self._draw()

    @classmethod
    def resume(cls, pool: Sequence[Question], answered: Mapping[str, object], *, n: int = 6,
               seed: int | str | None = None,
               shown: object = None) -> tuple["QuizSession", dict[str, tuple[dict, Feedback]]]:
        """A session that goes on from saved answers, as after a reload of the page.

        Parameters
        ----------
        pool
            The lesson's questions.
        answered
            Saved records by item id (JSON objects with ``answer`` and optionally ``round``,
            ``attempts`` and ``counted``, the attempt that counts towards mastery; an older
            record without it counts its latest answer). Records of items not in ``pool``, or
            whose answer no longer checks against it (a forged or stale record), are ignored.
        n, seed
            As for a new session.
        shown
            The set shown last (:meth:`shown_record`, saved when it was drawn), or ``None``. When
            it is at least as recent as the answers, the same set comes back, answered or not, so
            a reload never swaps unanswered questions for new ones. Anything else is ignored.

        Returns
        -------
        tuple
            The session, showing the last shown set (else the latest round's answered items),
            with its results, filled up as a draw would; and the records it used, by item id,
            each with its feedback.
        """
        restored = _valid_records(pool, answered)
        shown_round, shown_ids = _shown_set(shown, pool)
        if not restored and not shown_ids:
            return cls(pool, n=n, seed=seed), restored
        latest = max((_round_of(r) for r, _ in restored.values()), default=0)
        last_seen = {item_id: _round_of(r) for item_id, (r, _) in restored.items()}
        if shown_ids and shown_round >= latest:
            latest = shown_round
            last_seen.update({item_id: max(last_seen.get(item_id, 0), shown_round) for item_id in shown_ids})
        session = cls(pool, n=n, seed=seed, round=latest, last_seen=dict(last_seen))
        # The set to show: the set shown last (or the latest round's answered items), then fill up
        # as a draw would (one item per family, so a set saved before two items became a family shows one).
        by_id = {q.id: q for q in session.pool}
        kept = [by_id[i] for i in shown_ids] if shown_ids and shown_round == latest else []
        kept += [q for q in session.pool if q.id in restored and _round_of(restored[q.id][0]) == latest
                 and q not in kept]
        session.current = draw_questions(session.pool, session.n, seed=seed, round_=latest, last_seen=last_seen,
                                         keep=kept)
        session.last_seen = {**last_seen, **{q.id: latest for q in session.current}}
        session.results = {}
        for q in (q for q in session.current if q.id in restored and _round_of(restored[q.id][0]) == latest):
            record, feedback = restored[q.id]
            attempts = record.get("attempts", 1)
            session.restore(q.id, feedback, attempts if isinstance(attempts, int) and attempts > 0 else 1,
                            counted=_counted_feedback(q, record, feedback))
        return session, restored

    def shown_record(self) -> dict:
        """The set shown now, as a JSON object to save and give back to :meth:`resume` as ``shown``."""
        return {"round": self.round, "items": [q.id for q in self.current]}

    def _draw(self) -> None:
        self.current = draw_questions(self.pool, self.n, seed=self.seed, round_=self.round, last_seen=self.last_seen)
        for q in self.current:
            self.last_seen[q.id] = self.round
        self.results = {}
        self.counted = {}

    def retry(self) -> tuple[Question, ...]:
        """Start a new set: items not yet seen first, then the least recently seen."""
        self.round += 1
        self._draw()
        return self.current

    def question(self, item_id: str) -> Question:
        for q in self.current:
            if q.id == item_id:
                return q
        raise AnswerError("That question is not part of the current set.")

    def counts(self, item_id: str) -> bool:
        """Whether an answer to ``item_id`` now would count towards mastery: no answer to it
        was checked in this set yet (so its explanation has not been shown)."""
        self.question(item_id)
        return item_id not in self.counted

    def answer(self, item_id: str, answer: object) -> Feedback:
        """Check an answer to an item of the current set and record it.

        The first answer in the set counts towards the score and mastery (:attr:`counted`);
        a re-check gets its feedback (:attr:`results` holds the latest) and counts nothing.
        """
        q = self.question(item_id)
        feedback = check(q, answer)
        self.attempts[item_id] = self.attempts.get(item_id, 0) + 1
        self.results[item_id] = feedback
        self.counted.setdefault(item_id, feedback)
        return feedback

    def restore(self, item_id: str, feedback: Feedback, attempts: int = 1,
                counted: Feedback | None = None) -> None:
        """Record a previous result (from storage) for an item of the current set: its latest
        ``feedback`` and the one that ``counted`` towards mastery (default: the latest)."""
        self.question(item_id)
        self.results[item_id] = feedback
        self.counted[item_id] = counted if counted is not None else feedback
        self.attempts[item_id] = max(self.attempts.get(item_id, 0), attempts)

    def option_order(self, question: Question) -> tuple[Option, ...]:
        """The options in display order: shuffled (seeded) for ``order``, as written otherwise.

        Classify options always show S, E, C, I in the canonical order; shuffling an
        ``order`` item is what makes it a question.
        """
        if question.kind != "order":
            return question.options
        rng = _rng(self.seed, f"{self.round}:{question.id}")
        options = list(question.options)
        for _ in range(5):  # never show the right order as the starting point
            rng.shuffle(options)
            if [o.key for o in options] != list(question.answer):
                break
        return tuple(options)

    @property
    def score(self) -> float:
        """Mean score of the first attempts over the current set; unanswered items count 0."""
        return sum(f.score for f in self.counted.values()) / len(self.current)

    @property
    def answered(self) -> int:
        return len(self.counted)

    @property
    def complete(self) -> bool:
        return all(q.id in self.counted for q in self.current)

    @property
    def mastered(self) -> bool:
        """Every item answered and the set's score at or above the threshold."""
        return self.complete and self.score >= self.threshold - 1e-9
