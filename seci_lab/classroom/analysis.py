"""What an instructor reads from a class's hand-ins: completion, quiz items, rubric scores, spiral.

:class:`ClassData` turns the learners' :class:`~seci_lab.classroom.submission.Submission` objects
into tidy ``pandas`` frames once (one pass over the answers), and every view is then a
vectorised group-by on those frames, so a class of 3,000 learners stays quick.

Definitions (the instructor dashboard and the exports use exactly these):

- **Exercises** of a mode are the free-text fields of its lesson (``seci_lab/content/
  exercises.toml``) plus the card board of Combination (``C.board``) and the self-assessment
  of Internalization (``I.self``). The dated entries of the practice log (``I.log.<date>``)
  count as one exercise, ``I.log``. An exercise is *done* when the learner saved an answer that
  counts as an attempt at it: for a written field, the rubric found one (assessable or
  substantive in another language, on topic, not copied, not a template: ``RubricScore.counts``);
  the board and the self-assessment count when saved. The answers frame says why an answer does
  not count (``uncounted``, a key of :data:`seci_lab.model.rubric.NOT_COUNTING`, or
  ``"rated-zero"``); :meth:`ClassData.not_counted` lists them in words. The instructor's rating
  of an answer overrides: an answer rated above 0 counts, one rated 0 does not.
  The checked exercises of the theory lesson (``check:<id>``, written like quiz items) are that lesson's
  exercises: mode ``"KCC"``, labelled with their section's title, checked again like quiz items
  (``correct`` and ``score``); completion and grades count the four mode lessons only.
- **Completion** of a mode is the share of its exercises done; quiz items answered are
  counted beside it. A learner has *completed* a mode with every exercise done and at least a
  full quiz set (:data:`QUIZ_SET_SIZE` items) answered in that lesson.
- **Quiz item difficulty** is the share of learners who answered the item and got it fully
  right *at their first attempt* (a classical "p value", measured before any explanation was
  shown); mean score includes the partial credit of match and order items. The most common
  wrong first answers are the class's misconceptions: each is shown in words with the
  explanation the question bank gives for that option. Completion and grades count the
  attempt that counted towards mastery (the first in the item's latest set). Records saved
  before first attempts were kept are read as first = latest.
- **Rubric scores** are the qualities :func:`seci_lab.model.suggest_quality` gives the texts
  (a teaching aid, not a grade on its own; see :class:`GradeScheme`), or the instructor's
  rating where the instructor rated the answer (``quality_source`` says which).

**Ratings.** The instructor's ratings (learner id -> rating key -> quality, see
:class:`seci_lab.store.classroom.InstructorRatings`) override the rubric's quality of an answer
and the quality of every contribution made from it, by the one rule of precedence
(:func:`seci_lab.model.contributions.decide_quality`). A learner's own rating ("self") of a
contribution feeds the class spiral like the learner's spiral; grades never count it (the
learner could give themselves anything): the rubric component is the rubric's quality or the
instructor's rating.

A hand-in file is written on the learner's computer and can be edited, so what it claims is
not trusted where it can be checked: every quiz answer is checked again against the question
bank (``correct`` and ``score`` come from :func:`seci_lab.model.check`) and every exercise text
is scored again by the rubric; the quality a file claims is never used. (The instructor
dashboard keeps the scores its own process computed, by rubric fingerprint, field and text
hash, in the instructor's own database, :class:`seci_lab.store.scores.RubricScores`, so a
class loaded again is not scored again.) A quiz item the bank does not have (an item of
another seci-lab version, or one a file invented) is never graded or counted, whatever score the
file gives it: its kind is :data:`UNKNOWN_QUIZ_ITEM`, and loading lists its id as a problem. An
item counts in the lesson the bank gives it, not the one the file names. Contribution
qualities feed the class spiral, which is not graded; a file's claim of a rating by anyone
but the learner is read as the learner's own
(:func:`seci_lab.model.contributions.learner_claim`).

Pure data: pandas and the standard library, no widgets.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from ..content import load_questions
from ..content.exercises import load_exercises
from ..content.theory import load_theory_lesson, theory_lessons
from ..model import MODES, AnswerError, Contribution, Mode, Question, check, simulate_spiral
from ..model.contributions import INSTRUCTOR, RUBRIC, decide_quality
from ..model.rubric import NOT_COUNTING, suggest_qualities
from ..model.rubric_criteria import load_criteria
from ..model.work import (
    BOARD_KEY,
    CHECK,
    CHECK_PREFIX,
    QUIZ,
    REFLECTION_KEY,
    SELF_KEY,
    AnswerKey,
    answer_key,
    check_key,
    counted_attempt,
    first_attempt,
    handed_in_key,
    key_mode,
    parse_key,
    rating_key,
)

from ..model.submission import learner_key

if TYPE_CHECKING:
    from ..model.submission import Submission

__all__ = [
    "ANSWER_COLUMNS",
    "CONTRIBUTION_COLUMNS",
    "EXERCISES",
    "LEARNER_COLUMNS",
    "QUIZ_SET_SIZE",
    "SEARCH_MAX_CHARS",
    "UNKNOWN_QUIZ_ITEM",
    "ClassData",
    "GradeScheme",
    "LearnerView",
    "exercise_key",
]

#: Items in one quiz set of a lesson (the default ``n`` of ``seci_lab.ui.quiz.quiz_widget``).
QUIZ_SET_SIZE = 6
#: Longest search query (a phrase, not a document).
SEARCH_MAX_CHARS = 200
_MODE_LETTERS = tuple(m.value for m in MODES)
#: The kind of an answer to a quiz item the question bank does not have: never checked, graded
#: or counted (the instructor sees it listed in the load's problems and in the learner's answers).
UNKNOWN_QUIZ_ITEM = "quiz item not in the bank"
#: Labels of answers that belong to no mode exercise (keys the lessons save besides them).
_OTHER_LABELS = {REFLECTION_KEY: "Reflection on the critiques"}

LEARNER_COLUMNS = ["learner_id", "name", "email", "course", "handed_in_at", "round", "answers",
                   "contributions", "source", "migrated_from"]
#: ``uncounted`` of an exercise answer the instructor rated 0 (their rating overrides the rubric's).
RATED_ZERO = "rated-zero"
#: Why an exercise answer does not count as done, in plain words, by ``uncounted`` key.
NOT_COUNTED_REASONS = {**NOT_COUNTING, RATED_ZERO: "the instructor rated it 0"}
ANSWER_COLUMNS = ["learner_id", "key", "mode", "kind", "label", "text", "quality", "quality_source", "correct",
                  "score", "exercise", "item_id", "answer", "attempts", "hints_used", "round", "first_answer",
                  "first_correct", "first_score"]
CONTRIBUTION_COLUMNS = ["learner_id", "name", "mode", "text", "round", "quality", "quality_source", "key"]
#: Instructor ratings: learner key (casefolded id) -> rating key -> quality.
Ratings = Mapping[str, Mapping[str, float]]


def _theory_exercises() -> dict[str, tuple[str, str, Question]]:
    """Checked exercise id -> (theory lesson key, label, the exercise), in lesson order."""
    found: dict[str, tuple[str, str, Question]] = {}
    for lesson_key in theory_lessons():
        for section in load_theory_lesson(lesson_key).sections:
            for n, question in enumerate(section.exercises, start=1):
                label = section.title if len(section.exercises) == 1 else f"{section.title}, exercise {n}"
                found[question.id] = (lesson_key, label, question)
    return found


#: The checked exercises of the theory lessons (``KCC``, the knowledge-creating company): id -> (lesson, label, exercise).
CHECKED_EXERCISES: dict[str, tuple[str, str, Question]] = _theory_exercises()


def _exercise_catalogue() -> dict[str, tuple[str, str]]:
    """Exercise key -> (mode letter, label), in lesson order."""
    catalogue: dict[str, tuple[str, str]] = {}
    for mode in MODES:
        for f in load_exercises(mode).fields:
            catalogue[answer_key(mode, f.key)] = (mode.value, f.label)
        if mode is Mode.COMBINATION:
            catalogue[BOARD_KEY] = (mode.value, "Card board")
        if mode is Mode.INTERNALIZATION:
            catalogue[SELF_KEY] = (mode.value, "Self-assessment")
    return catalogue


#: Exercise key -> (mode letter, label), in lesson order; ``I.log`` stands for every log entry.
#: Completion and grades count these.
EXERCISES: dict[str, tuple[str, str]] = _exercise_catalogue()
_EXERCISES_PER_MODE = {m: sum(1 for mode, _ in EXERCISES.values() if mode == m) for m in _MODE_LETTERS}
#: Every exercise key -> (lesson, label): the mode lessons' exercises, then the theory lessons'
#: checked exercises (``check:<id>`` -> ``("KCC", section title)``).
_ALL_EXERCISES: dict[str, tuple[str, str]] = {
    **EXERCISES, **{check_key(i): (lesson, label) for i, (lesson, label, _) in CHECKED_EXERCISES.items()}}


def _exercise_of(parsed: AnswerKey | None) -> str | None:
    """The catalogue key of a parsed answer key: a mode exercise's, or a checked exercise's own key."""
    if parsed is None:
        return None
    exercise = str(parsed) if parsed.kind == CHECK else parsed.exercise
    return exercise if exercise in _ALL_EXERCISES else None


def exercise_key(key: str) -> str | None:
    """The exercise an answer key belongs to (``"I.log.2026-11-28"`` -> ``"I.log"``,
    ``"check:kcc-ex-phases"`` -> itself), or ``None``."""
    try:
        return _exercise_of(parse_key(key))
    except ValueError:
        return None


def _field_of(exercise: str) -> str | None:
    """The exercise field of a catalogue key (``"S.journal"`` -> ``"journal"``); None for the rest."""
    mode, _, field = exercise.partition(".")
    return field if mode in _MODE_LETTERS and field not in ("", "board", "self") else None


@dataclass(frozen=True)
class GradeScheme:
    """How a grade out of ``points`` is made from three components, each between 0 and 1.

    - ``exercises``: the share of all the lessons' exercises the learner did, counting only
      answers that are attempts at the exercise (see the module docstring: a saved answer that
      is copied, off topic, a template or too short to show the work does not count, and the
      grade row says which and why);
    - ``quiz``: for each of the four mode quizzes, the mean score of the items answered times
      the share of a full set answered (at most one set counts), averaged over the four modes:
      answering a whole set fully right gives 1, half the set fully right gives 0.5;
    - ``rubric``: the mean rubric quality of the learner's exercise texts (0 when none).

    The grade is the weighted mean of the components, scaled to 0..100 (``grade``) and to
    ``points`` (the value sent to the LMS). The default weights are 0.4, 0.4 and 0.2.
    """

    weights: Mapping[str, float] = field(
        default_factory=lambda: {"exercises": 0.4, "quiz": 0.4, "rubric": 0.2})
    points: float = 100

    def __post_init__(self) -> None:
        weights = dict(self.weights)
        unknown = sorted(set(weights) - {"exercises", "quiz", "rubric"})
        if unknown:
            raise ValueError(f"Unknown grade component(s) {', '.join(unknown)}: use exercises, quiz and rubric.")
        for name, value in weights.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
                raise ValueError(f"The weight of {name} must be a number of 0 or more; got {value!r}.")
        if sum(weights.values()) <= 0:
            raise ValueError("At least one grade component needs a weight above 0.")
        points = self.points
        if isinstance(points, bool) or not isinstance(points, (int, float)) or math.isnan(points) or points <= 0:
            raise ValueError(f"The points of the assignment must be a number above 0; got {points!r}.")
        object.__setattr__(self, "weights", {k: float(weights.get(k, 0.0)) for k in ("exercises", "quiz", "rubric")})


@dataclass(frozen=True)
class LearnerView:
    """One learner's work: their submission, answers (a frame), contributions and spiral."""

    submission: "Submission"
    answers: pd.DataFrame
    contributions: list[Contribution]
    trajectory: pd.DataFrame

    def answers_with_feedback(self) -> pd.DataFrame:
        """The learner's answers with the feedback they were given, as the instructor reads them.

        Returns
        -------
        pandas.DataFrame
            ``mode``, ``kind``, ``label``, ``answer`` (the text, or the quiz choice that counted
            towards mastery), ``quality`` (0-1: the rubric's, or the instructor's rating),
            ``rated`` ("rated by the instructor", else empty), ``counts`` (for an exercise:
            "yes" or "no: " and why, see :data:`NOT_COUNTED_REASONS`; the instructor's rating
            overrides), ``correct`` (quiz), ``attempts`` and ``feedback`` (the rubric's reasons and
            hint, in words); texts raw.
        """
        answers = self.answers
        records = self.submission.answers
        if answers.empty:
            return pd.DataFrame(columns=["mode", "kind", "label", "answer", "quality", "rated", "counts", "correct",
                                         "attempts", "feedback"])
        shown = answers.sort_values(["kind", "mode", "key"], kind="stable")
        text = shown["text"].where(shown["text"].astype(str) != "", shown["answer"])
        return pd.DataFrame({
            "mode": shown["mode"], "kind": shown["kind"], "label": shown["label"], "answer": text,
            "quality": shown["quality"],
            "rated": [("rated by the instructor" if s == INSTRUCTOR else "") for s in shown["quality_source"]],
            "counts": [("" if k != "exercise" else "yes" if not u else "no: " + NOT_COUNTED_REASONS.get(u, u))
                       for k, u in zip(shown["kind"], shown["uncounted"])],
            "correct": shown["correct"], "attempts": shown["attempts"],
            "feedback": [_feedback(records.get(k)) for k in shown["key"]],
        }).reset_index(drop=True)

    def contributions_table(self) -> pd.DataFrame:
        """The learner's contributions to the spiral: ``round``, ``mode`` (letter and name),
        ``quality``, ``rated`` (who rated it: "self-rated", "rated by the instructor"; empty for
        the rubric's suggestion) and ``text`` (raw)."""
        return pd.DataFrame(
            [(c.round, f"{c.mode.value} {c.mode.label}", c.quality, c.rating_note, c.text) for c in self.contributions],
            columns=["round", "mode", "quality", "rated", "text"])


def _feedback(record: object) -> str:
    """The feedback a learner saw for one answer, in words: rubric reasons and hint."""
    if not isinstance(record, dict):
        return ""
    parts = [str(r) for r in record.get("reasons", []) if isinstance(r, str)] \
        if isinstance(record.get("reasons"), list) else []
    if isinstance(record.get("message"), str) and record["message"].strip():
        parts.insert(0, record["message"].strip())
    hint = record.get("hint")
    if isinstance(hint, str) and hint.strip():
        parts.append("To improve: " + hint.strip())
    return "\n".join(parts)


# --- turning records into rows --------------------------------------------------------------

def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return math.nan
    return float(value)


def _whole(value: object) -> float:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else math.nan


def _answer_json(value: object) -> str:
    """A canonical text of a quiz answer, so equal answers group together."""
    if value is None:
        return ""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return ""


def _bank() -> dict[str, Question]:
    return {q.id: q for q in load_questions()}


def _answer_row(learner_id: str, key: str, record: Mapping, bank: Mapping[str, Question]) -> tuple:
    text = record.get("text")
    text = text if isinstance(text, str) else ""
    quality = _number(record.get("quality"))
    try:
        parsed = parse_key(key)
    except ValueError:
        parsed = None
    if parsed is not None and parsed.kind == QUIZ:
        item_id = parsed.name
        question = bank.get(item_id)
        if question is None:
            # not in the bank: nothing to check it against, so nothing the file says counts
            return (learner_id, key, "", UNKNOWN_QUIZ_ITEM, item_id, "", math.nan, RUBRIC, None, math.nan, "",
                    item_id, _answer_json(counted_attempt(record).get("answer")), _whole(record.get("attempts")),
                    _whole(record.get("hints_used")), _whole(record.get("round")), "", None, math.nan)
        counted, first = counted_attempt(record), first_attempt(record)
        # the item's lesson is the bank's, never the file's (a file could move items into a graded lesson)
        return (learner_id, key, question.lesson if question.lesson in _MODE_LETTERS else "", "quiz",
                question.topic, text, quality, RUBRIC,
                _truth(counted.get("correct")), _number(counted.get("score")),
                "", item_id, _answer_json(counted.get("answer")), _whole(record.get("attempts")),
                _whole(record.get("hints_used")), _whole(record.get("round")),
                _answer_json(first.get("answer")), _truth(first.get("correct")), _number(first.get("score")))
    exercise = _exercise_of(parsed)
    if parsed is not None and exercise is not None and parsed.kind == CHECK:
        # A theory lesson's exercise is written like a quiz item: checked again in _verify.
        mode, label = _ALL_EXERCISES[exercise]
        counted, first = counted_attempt(record), first_attempt(record)
        return (learner_id, key, mode, "exercise", label, "", math.nan, RUBRIC,
                _truth(counted.get("correct")), _number(counted.get("score")), exercise, parsed.name,
                _answer_json(counted.get("answer")), _whole(record.get("attempts")),
                _whole(record.get("hints_used")), _whole(record.get("round")),
                _answer_json(first.get("answer")), _truth(first.get("correct")), _number(first.get("score")))
    if exercise is not None:
        mode, label = _ALL_EXERCISES[exercise]
        kind = "exercise"
    else:
        found = key_mode(key)
        mode, kind, exercise = (found.value if found is not None else ""), "other", ""
        label = record.get("label") if isinstance(record.get("label"), str) else _OTHER_LABELS.get(key, key)
    return (learner_id, key, mode, kind, label, text, quality, RUBRIC, None, math.nan, exercise, "", "",
            _whole(record.get("attempts")), _whole(record.get("hints_used")), _whole(record.get("round")),
            "", None, math.nan)


def _truth(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _answers_frame(rows: list[tuple], bank: Mapping[str, Question],
                   scores: ScoreStore | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=ANSWER_COLUMNS)
    frame["uncounted"] = ""  # why an exercise answer does not count as done ("" when it does)
    for column in ("quality", "score", "attempts", "hints_used", "round", "first_score"):
        frame[column] = frame[column].astype(float)
    _verify(frame, bank, scores)
    frame["correct"] = frame["correct"].astype("boolean")
    frame["first_correct"] = frame["first_correct"].astype("boolean")
    return frame


def _verify(frame: pd.DataFrame, bank: Mapping[str, Question], scores: ScoreStore | None = None) -> None:
    """Check quiz answers and score exercise texts again (in place); see the module docstring.

    Each distinct (item, answer) and (text, mode, exercise) is computed once, so a class of
    thousands costs a few hundred checks and one rubric score per distinct text, computed in
    batches or found in ``scores`` (see :func:`_rubric_qualities`).
    """
    is_check = frame["key"].str.startswith(CHECK_PREFIX)
    quiz = (frame["kind"].eq("quiz") & frame["item_id"].isin(list(bank))) | (
        is_check & frame["kind"].eq("exercise") & frame["item_id"].isin(list(CHECKED_EXERCISES)))
    checked: dict[tuple[bool, str, str], tuple[bool, float]] = {}
    for answer_column, correct_column, score_column in (("answer", "correct", "score"),
                                                        ("first_answer", "first_correct", "first_score")):
        keys = list(zip(is_check[quiz], frame.loc[quiz, "item_id"], frame.loc[quiz, answer_column]))
        for exercise, item_id, answer in set(keys) - set(checked):
            question = CHECKED_EXERCISES[item_id][2] if exercise else bank[item_id]
            try:
                feedback = check(question, json.loads(answer) if answer else None)
                checked[(exercise, item_id, answer)] = (feedback.correct, feedback.score)
            except (AnswerError, TypeError, ValueError):  # no answer, or one the item does not have
                checked[(exercise, item_id, answer)] = (False, 0.0)
        frame.loc[quiz, correct_column] = pd.Series([checked[k][0] for k in keys], index=frame.index[quiz],
                                                    dtype=object)
        frame.loc[quiz, score_column] = [checked[k][1] for k in keys]
        frame[score_column] = frame[score_column].clip(0.0, 1.0)
    exercise = frame["kind"].eq("exercise")
    written = exercise & frame["text"].ne("")
    pairs = list(zip(frame.loc[written, "text"], frame.loc[written, "mode"], frame.loc[written, "exercise"]))
    scored = _rubric_qualities(set(pairs), scores)
    frame.loc[written, "quality"] = [scored[p][0] for p in pairs]
    # Only a written field with its own criteria is judged an attempt or not (issue 22): the
    # board and the self-assessment count when saved.
    judged = exercise & frame["exercise"].map(lambda e: _field_of(e) is not None if isinstance(e, str) else False)
    frame.loc[written & judged, "uncounted"] = [scored[p][1] for p, j in zip(pairs, judged[written]) if j]
    frame.loc[judged & ~written, "uncounted"] = "empty"
    frame.loc[exercise & ~written, "quality"] = math.nan


class ScoreStore(Protocol):
    """Where rubric scores computed before are kept (:class:`seci_lab.store.scores.RubricScores`).

    Keys are ``(text, mode letter, field or None)``; a value is the quality, None when the
    rubric could not assess the text. Only scores this side computed may be kept: never a
    quality read from a hand-in.
    """

    def get_many(self, keys: Iterable[tuple[str, str, str | None]]) -> Mapping[tuple, tuple[float | None, str]]: ...

    def put_many(self, scores: Mapping[tuple[str, str, str | None], tuple[float | None, str]]) -> None: ...


def _rubric_qualities(answers: set[tuple[str, str, str]], scores: ScoreStore | None) -> dict[tuple, tuple[float, str]]:
    """(text, mode, exercise) -> (the rubric's quality, NaN: not assessed; "" when the answer counts
    as an attempt, else why not), each distinct text scored once.

    Scores kept in ``scores`` are used as they are; the others are computed in batches
    (:func:`seci_lab.model.rubric.suggest_qualities`) and kept there.
    """
    keys = {}
    for text, mode, exercise in answers:
        field = _field_of(exercise)
        try:  # a field the rubric has no criteria for gets no score
            load_criteria().for_answer(Mode.parse(mode), field)
        except ValueError:
            continue
        keys[(text, mode, exercise)] = (text, mode, field)
    known = dict(scores.get_many(set(keys.values()))) if scores is not None and keys else {}
    missing = sorted(set(keys.values()) - set(known), key=lambda k: (k[1], k[2] or "", k[0]))
    fresh = {key: (result.quality, result.uncounted) for key, result in suggest_qualities(missing).items()}
    if scores is not None and fresh:
        scores.put_many(fresh)
    known.update(fresh)
    out = {}
    for answer in answers:
        quality, uncounted = known.get(keys[answer], (None, "")) if answer in keys else (None, "")
        out[answer] = (math.nan if quality is None else quality, uncounted)
    return out


def _rated_answers(answers: pd.DataFrame, ratings: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """``answers`` with the instructor's ratings of written answers applied (quality and source)."""
    if not ratings or answers.empty:
        return answers
    out = answers.copy()
    keys = out["learner_id"].map(learner_key)
    for index, who, key, kind, quality in zip(out.index, keys, out["key"], out["kind"], out["quality"]):
        rating = ratings.get(who, {}).get(key)
        if rating is not None and kind != "quiz":
            out.at[index, "quality"], out.at[index, "quality_source"] = decide_quality(
                {INSTRUCTOR: rating, RUBRIC: None if math.isnan(quality) else quality})
            if kind == "exercise":  # the instructor's rating overrides whether it counts as done
                out.at[index, "uncounted"] = "" if rating > 0 else RATED_ZERO
    return out


def _rated_contributions(submission: "Submission", ratings: Mapping[str, float]) -> list[Contribution]:
    """A learner's contributions with the instructor's ratings applied (a contribution follows
    the rating of its answer: :func:`seci_lab.model.work.rating_key`)."""
    rated = []
    for key, c in zip(_source_keys(submission), submission.contributions):
        rating = ratings.get(rating_key(key))
        if rating is not None:
            quality, source = decide_quality({INSTRUCTOR: rating, c.quality_source: c.quality})
            c = replace(c, quality=quality, quality_source=source)
        rated.append(c)
    return rated


def _source_keys(submission: "Submission") -> list[str]:
    keys = list(submission.source_keys)
    return keys if len(keys) == len(submission.contributions) else \
        [handed_in_key(n) for n in range(1, len(submission.contributions) + 1)]


def _contributions_frame(submissions: Sequence["Submission"], rated: Mapping[str, list[Contribution]]) -> pd.DataFrame:
    rows = [(s.learner_id, s.name, c.mode.value, c.text, c.round, math.nan if c.quality is None else c.quality,
             c.quality_source, key)
            for s in submissions for key, c in zip(_source_keys(s), rated[s.learner_id])]
    frame = pd.DataFrame(rows, columns=CONTRIBUTION_COLUMNS)
    frame["quality"] = frame["quality"].astype(float)
    frame["round"] = frame["round"].astype(int)
    return frame


# --- the class --------------------------------------------------------------------------------

class ClassData:
    """A class's hand-ins as tidy frames, with the views of the instructor dashboard.

    Build it with :meth:`from_submissions`. Attributes ``learners``, ``answers`` and
    ``contributions`` are the frames every view is computed from (texts raw: escape them
    when displaying). Frames returned by the views are new objects: change them freely.
    """

    def __init__(self, submissions: Sequence["Submission"], learners: pd.DataFrame,
                 answers: pd.DataFrame, ratings: Ratings | None = None):
        self.submissions: dict[str, Submission] = {s.learner_id: s for s in submissions}
        self.learners = learners
        self._scored_answers = answers  # checked and scored again, before anyone's rating
        self.ratings: dict[str, dict[str, float]] = {str(k): dict(v) for k, v in (ratings or {}).items()}
        self.answers = _rated_answers(answers, self.ratings)
        self._rated = {s.learner_id: _rated_contributions(s, self.ratings.get(learner_key(s.learner_id), {}))
                       for s in submissions}
        self.contributions = _contributions_frame(submissions, self._rated)
        self._bank = _bank()
        self._trajectory: pd.DataFrame | None = None
        self._cache: dict[str, pd.DataFrame] = {}

    def with_ratings(self, ratings: Ratings | None) -> "ClassData":
        """The same class with the instructor's ``ratings`` (learner key -> rating key -> quality)
        applied instead of this one's; the hand-ins are not checked or scored again."""
        return ClassData(list(self.submissions.values()), self.learners, self._scored_answers, ratings)

    def rateable(self, learner_id: str) -> pd.DataFrame:
        """What the instructor can rate of one learner: every written answer, and every spiral
        contribution no answer made (those follow their answer's rating).

        Returns
        -------
        pandas.DataFrame
            ``key`` (the rating key), ``label``, ``mode``, ``text`` (raw), ``quality`` (what
            counts now) and ``quality_source``, answers first.
        """
        columns = ["key", "label", "mode", "text", "quality", "quality_source"]
        a = self.answers
        written = a[(a["learner_id"] == learner_id) & (a["kind"] != "quiz") & (a["text"] != "")]
        rows = list(written[columns].itertuples(index=False, name=None))
        answered = set(written["key"])
        c = self.contributions
        for row in c[c["learner_id"] == learner_id].itertuples(index=False):
            target = rating_key(row.key)
            if target in answered:
                continue
            answered.add(target)
            rows.append((target, f"Spiral contribution, round {row.round}", row.mode, row.text,
                         row.quality, row.quality_source))
        return pd.DataFrame(rows, columns=columns)

    def _cached(self, name: str, compute) -> pd.DataFrame:
        """A view computed once (the frames never change); callers get a copy they may modify."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name].copy()

    @classmethod
    def from_submissions(cls, submissions: Iterable["Submission"], ratings: Ratings | None = None,
                         scores: ScoreStore | None = None) -> "ClassData":
        """Build the class from submissions (one per learner; of repeated ids the latest counts).

        Parameters
        ----------
        submissions : iterable of Submission
            Usually ``ClassLoad.submissions`` from :func:`seci_lab.classroom.load_folder` or
            :meth:`seci_lab.store.classroom.ClassStore.load`.
        ratings : mapping, optional
            The instructor's ratings: learner key (casefolded id) -> rating key -> quality
            (:meth:`seci_lab.store.classroom.InstructorRatings.all`).
        scores : ScoreStore, optional
            Rubric scores computed before by the instructor's side (e.g.
            :class:`seci_lab.store.scores.RubricScores`): texts found there are not scored
            again, and new scores are kept there. The analysis is the same with or without it.

        Returns
        -------
        ClassData
        """
        latest: dict[str, Submission] = {}
        for s in submissions:
            kept = latest.get(s.learner_id)
            if kept is None or s.handed_in_at >= kept.handed_in_at:
                latest[s.learner_id] = s
        ordered = sorted(latest.values(), key=lambda s: (s.name.casefold(), s.learner_id))
        bank = _bank()
        learner_rows, answer_rows = [], []
        for s in ordered:
            learner_rows.append((s.learner_id, s.name, s.email, s.course, s.handed_in_at, int(s.round),
                                 len(s.answers), len(s.contributions), s.source, s.migrated_from))
            for key, record in s.answers.items():
                if isinstance(record, Mapping):
                    answer_rows.append(_answer_row(s.learner_id, key, record, bank))
        learners = pd.DataFrame(learner_rows, columns=LEARNER_COLUMNS)
        return cls(ordered, learners, _answers_frame(answer_rows, bank, scores), ratings)

    def __len__(self) -> int:
        return len(self.learners)

    # -- completion ------------------------------------------------------------------------
    def _exercise_done(self) -> pd.DataFrame:
        """(learner_id, exercise, mode) of every exercise done, once each: an answer that counts
        as an attempt (a practice log counts when one of its entries does)."""
        a = self.answers
        done = a.loc[(a["kind"] == "exercise") & (a["uncounted"] == ""), ["learner_id", "exercise", "mode"]]
        return done.drop_duplicates(["learner_id", "exercise"])

    def not_counted(self) -> pd.DataFrame:
        """The exercise answers saved but not counted as done, and why, in plain words.

        Returns
        -------
        pandas.DataFrame
            ``learner_id``, ``name``, ``key``, ``exercise``, ``label``, ``mode``, ``reason``
            (an exercise another answer of which counts, such as another log entry, is left out).
        """
        return self._cached("not_counted", self._not_counted)

    def _not_counted(self) -> pd.DataFrame:
        a = self.answers
        out = a.loc[(a["kind"] == "exercise") & (a["uncounted"] != ""),
                    ["learner_id", "key", "exercise", "label", "mode", "uncounted"]]
        done = set(zip(*[self._exercise_done()[c] for c in ("learner_id", "exercise")]))
        out = out[pd.Series([pair not in done for pair in zip(out["learner_id"], out["exercise"])],
                            index=out.index, dtype=bool)]
        names = dict(zip(self.learners["learner_id"], self.learners["name"]))
        out = out.assign(name=out["learner_id"].map(names),
                         reason=out["uncounted"].map(lambda k: NOT_COUNTED_REASONS.get(k, k)))
        return out[["learner_id", "name", "key", "exercise", "label", "mode", "reason"]].reset_index(drop=True)

    def _not_counted_summary(self) -> pd.Series:
        """learner_id -> "Label: reason; ..." of the exercises saved but not counted ("" for none)."""
        missing = self.not_counted()
        text = missing.groupby("learner_id").apply(
            lambda g: "; ".join(f"{label}: {reason}" for label, reason in zip(g["label"], g["reason"])),
            include_groups=False) if len(missing) else pd.Series(dtype=str)
        return text.reindex(self.learners["learner_id"], fill_value="").fillna("")

    def _quiz_items(self) -> pd.DataFrame:
        """The latest record of every quiz item each learner answered."""
        return self.answers.loc[self.answers["kind"] == "quiz"].drop_duplicates(["learner_id", "item_id"], keep="last")

    def _per_learner(self, counts: pd.Series) -> pd.DataFrame:
        """A (learner_id, mode) -> count series as a learners x modes frame filled with 0."""
        table = counts.unstack("mode", fill_value=0) if len(counts) else pd.DataFrame()
        table = table.reindex(index=self.learners["learner_id"], columns=list(_MODE_LETTERS), fill_value=0)
        return table.astype(float)

    def completion(self) -> pd.DataFrame:
        """One row per learner: the share of each mode's exercises done and quiz items answered.

        Returns
        -------
        pandas.DataFrame
            ``learner_id``, ``name``, then per mode ``S_exercises`` (share 0..1) and ``S_quiz``
            (items answered in that lesson's quiz), ..., then ``exercises`` (share of all
            exercises), ``quiz`` (all quiz items answered, the critiques and review quizzes
            included), ``modes_completed`` (0-4), ``overall``: the mean over the modes of
            (exercises done + quiz items answered, at most one set) / (exercises + one set), and
            ``not_counted``: the exercises saved but not counted as done, with why ("" for none).
        """
        return self._cached("completion", self._completion)

    def _completion(self) -> pd.DataFrame:
        done = self._per_learner(self._exercise_done().groupby(["learner_id", "mode"]).size())
        quiz_items = self._quiz_items()
        quiz = self._per_learner(quiz_items[quiz_items["mode"] != ""].groupby(["learner_id", "mode"]).size())
        per_mode = pd.Series(_EXERCISES_PER_MODE)
        out = pd.DataFrame({"learner_id": self.learners["learner_id"].to_numpy(),
                            "name": self.learners["name"].to_numpy()})
        for m in _MODE_LETTERS:
            out[f"{m}_exercises"] = (done[m] / per_mode[m]).to_numpy()
            out[f"{m}_quiz"] = quiz[m].to_numpy().astype(int)
        out["exercises"] = (done.sum(axis=1) / per_mode.sum()).to_numpy()
        all_quiz = quiz_items.groupby("learner_id").size()
        out["quiz"] = all_quiz.reindex(self.learners["learner_id"], fill_value=0).to_numpy().astype(int)
        complete = (done >= per_mode) & (quiz >= QUIZ_SET_SIZE)
        out["modes_completed"] = complete.sum(axis=1).to_numpy().astype(int)
        share = (done + quiz.clip(upper=QUIZ_SET_SIZE)) / (per_mode + QUIZ_SET_SIZE)
        out["overall"] = share.mean(axis=1).to_numpy() if len(out) else pd.Series(dtype=float)
        out["not_counted"] = self._not_counted_summary().to_numpy()
        return out

    def completion_by_mode(self) -> pd.DataFrame:
        """One row per mode: how many learners started and completed it, and mean shares.

        Returns
        -------
        pandas.DataFrame
            ``mode``, ``mode_name``, ``exercises`` (how many the lesson has), ``learners``,
            ``started`` (at least one exercise or quiz item), ``completed`` (every exercise and
            a full quiz set), ``mean_exercise_share`` and ``mean_quiz_answered``.
        """
        per = self.completion()
        rows = []
        for mode in MODES:
            m = mode.value
            ex, qz = per[f"{m}_exercises"], per[f"{m}_quiz"]
            rows.append({
                "mode": m, "mode_name": mode.label, "exercises": _EXERCISES_PER_MODE[m],
                "learners": len(per),
                "started": int(((ex > 0) | (qz > 0)).sum()),
                "completed": int(((ex >= 1 - 1e-9) & (qz >= QUIZ_SET_SIZE)).sum()),
                "mean_exercise_share": float(ex.mean()) if len(per) else math.nan,
                "mean_quiz_answered": float(qz.mean()) if len(per) else math.nan,
            })
        return pd.DataFrame(rows, columns=["mode", "mode_name", "exercises", "learners", "started", "completed",
                                           "mean_exercise_share", "mean_quiz_answered"])

    # -- quiz --------------------------------------------------------------------------------
    def item_difficulty(self) -> pd.DataFrame:
        """Per quiz item answered by the class, hardest first.

        Returns
        -------
        pandas.DataFrame
            ``item_id``, ``mode`` (the lesson: S, E, C, I, critiques or general), ``kind``,
            ``prompt``, ``answered`` (learners), ``share_correct`` (fully right at the first
            attempt, 0..1), ``mean_score`` (of the first attempts, with partial credit) and
            ``mean_attempts``. Only items of the question bank (see :data:`UNKNOWN_QUIZ_ITEM`).
        """
        columns = ["item_id", "mode", "kind", "prompt", "answered", "share_correct", "mean_score", "mean_attempts"]
        quiz = self._quiz_items()
        if quiz.empty:
            return pd.DataFrame(columns=columns)
        # first attempts: before the explanation was shown (a re-check only shows it was read)
        grouped = quiz.groupby("item_id").agg(
            answered=("learner_id", "size"),
            share_correct=("first_correct", lambda s: float(s.fillna(False).astype(bool).mean())),
            mean_score=("first_score", "mean"),
            mean_attempts=("attempts", "mean"),
        ).reset_index()
        grouped["mode"] = grouped["item_id"].map(lambda i: self._bank[i].lesson if i in self._bank else "")
        grouped["kind"] = grouped["item_id"].map(lambda i: self._bank[i].kind if i in self._bank else "")
        grouped["prompt"] = grouped["item_id"].map(
            lambda i: self._bank[i].prompt if i in self._bank else "(not in this version's question bank)")
        grouped = grouped.sort_values(["share_correct", "mean_score", "answered", "item_id"],
                                      ascending=[True, True, False, True], kind="stable")
        return grouped[columns].reset_index(drop=True)

    def wrong_answers(self, top: int = 3) -> pd.DataFrame:
        """The class's misconceptions: each quiz item's most common wrong first answers, in words.

        Parameters
        ----------
        top : int
            Wrong answers listed per item (at least 1).

        Returns
        -------
        pandas.DataFrame
            ``item_id``, ``mode``, ``kind``, ``prompt``, ``wrong_answer`` (in words: the option
            chosen; for match items one wrong pairing "item → option"; for order items the
            order given), ``count`` (learners), ``share_of_wrong`` (of the learners who got the
            item wrong), ``explanation`` (the bank's explanation of that option or pairing) and
            ``right_answer``. Items with the most wrong answers come first; within an item the
            most common wrong answer comes first.
        """
        columns = ["item_id", "mode", "kind", "prompt", "wrong_answer", "count", "share_of_wrong",
                   "explanation", "right_answer"]
        if isinstance(top, bool) or not isinstance(top, int) or top < 1:
            raise ValueError(f"top must be a whole number from 1; got {top!r}.")
        quiz = self._quiz_items()
        # first attempts, as the item difficulty: what the learner believed before the explanation
        quiz = quiz.assign(correct=quiz["first_correct"], answer=quiz["first_answer"])
        wrong = quiz[quiz["correct"].fillna(False).astype(bool).eq(False) & quiz["answer"].ne("")]
        if wrong.empty:
            return pd.DataFrame(columns=columns)
        wrong_n = wrong.groupby("item_id").size()
        # Only the distinct answers are put into words: a few hundred, whatever the class size.
        distinct = wrong.groupby(["item_id", "answer"]).size().reset_index(name="count")
        rows = []
        for item_id, answer, count in distinct.itertuples(index=False):
            question = self._bank.get(item_id)
            if question is None:
                rows.append((item_id, answer, "", int(count)))
                continue
            for words, explanation in _wrong_parts(question, json.loads(answer)):
                rows.append((item_id, words, explanation, int(count)))
        parts = pd.DataFrame(rows, columns=["item_id", "wrong_answer", "explanation", "count"])
        parts = parts.groupby(["item_id", "wrong_answer", "explanation"], as_index=False)["count"].sum()
        parts["share_of_wrong"] = parts["count"] / parts["item_id"].map(wrong_n)
        parts["item_wrong"] = parts["item_id"].map(wrong_n)
        parts = parts.sort_values(["item_wrong", "item_id", "count", "wrong_answer"],
                                  ascending=[False, True, False, True], kind="stable")
        parts = parts.groupby("item_id", sort=False).head(top)
        bank = self._bank
        parts["mode"] = parts["item_id"].map(lambda i: bank[i].lesson if i in bank else "")
        parts["kind"] = parts["item_id"].map(lambda i: bank[i].kind if i in bank else "")
        parts["prompt"] = parts["item_id"].map(
            lambda i: bank[i].prompt if i in bank else "(not in this version's question bank)")
        parts["right_answer"] = parts["item_id"].map(lambda i: bank[i].answer_text() if i in bank else "")
        return parts[columns].reset_index(drop=True)

    # -- rubric ------------------------------------------------------------------------------
    def rubric_scores(self) -> pd.DataFrame:
        """Every rubric quality of an exercise text, one row per learner and exercise.

        Returns
        -------
        pandas.DataFrame
            ``key`` (the exercise, e.g. ``E.metaphor``; the practice log's entries are averaged
            into ``I.log``), ``label``, ``mode``, ``learner_id``, ``quality`` (0..1), in lesson order.
        """
        return self._cached("rubric_scores", self._rubric_scores)

    def _rubric_scores(self) -> pd.DataFrame:
        scored = self.answers.loc[(self.answers["kind"] == "exercise") & self.answers["quality"].notna(),
                                  ["exercise", "mode", "learner_id", "quality"]]
        scores = scored.groupby(["exercise", "mode", "learner_id"], as_index=False, sort=False)["quality"].mean()
        scores = scores.rename(columns={"exercise": "key"})
        scores["label"] = scores["key"].map(lambda k: EXERCISES[k][1])
        order = {k: n for n, k in enumerate(EXERCISES)}
        scores["_order"] = scores["key"].map(order)
        scores = scores.sort_values(["_order", "learner_id"], kind="stable")
        return scores[["key", "label", "mode", "learner_id", "quality"]].reset_index(drop=True)

    def rubric_summary(self) -> pd.DataFrame:
        """Per exercise with rubric scores: ``key``, ``label``, ``mode``, ``n``, ``mean``,
        ``median``, ``q1``, ``q3``, ``min`` and ``max`` of the quality, in lesson order."""
        columns = ["key", "label", "mode", "n", "mean", "median", "q1", "q3", "min", "max"]
        scores = self.rubric_scores()
        if scores.empty:
            return pd.DataFrame(columns=columns)
        grouped = scores.groupby(["key", "label", "mode"], sort=False)["quality"]
        summary = grouped.agg(n="size", mean="mean", median="median", min="min", max="max")
        summary["q1"] = grouped.quantile(0.25)
        summary["q3"] = grouped.quantile(0.75)
        return summary.reset_index()[columns]

    # -- spiral ------------------------------------------------------------------------------
    def _all_contributions(self) -> list[Contribution]:
        # One person per learner id, not per name: the spiral counts distinct people (two
        # learners called "Sam" are two people sharing, one learner is one however often named).
        return [replace(c, participant=f"learner {i}")
                for i, s in enumerate(self.submissions.values(), start=1) for c in self._rated[s.learner_id]]

    def class_trajectory(self) -> pd.DataFrame:
        """The class spiral: :func:`seci_lab.model.simulate_spiral` (SECI-Spiral v2, the model of
        the learners' pages) of every learner's contributions.

        The group size N is the number of learners with at least one contribution, so the
        spiral shows knowledge per learner. A round is one pass through the four mode lessons
        (each contribution's own round): round 1 holds every learner's first pass, round 2 the
        second pass of those who went round again. Computed once and cached.

        Returns
        -------
        pandas.DataFrame
            Columns ``TRAJECTORY_COLUMNS``; no rows when nobody contributed.
        """
        if self._trajectory is None:
            contributions = self._all_contributions()
            people = int(self.contributions["learner_id"].nunique()) if len(self.contributions) else 0
            self._trajectory = simulate_spiral(contributions, max(1, people))
        return self._trajectory.copy()

    def class_spiral_table(self, examples: int = 3) -> pd.DataFrame:
        """The class spiral as a table, one row per step, with a few texts instead of all of them.

        :func:`seci_lab.figures.spiral_table` of :meth:`class_trajectory` with ``examples`` texts
        per step (a whole class writes thousands) and the stocks per learner.

        Returns
        -------
        pandas.DataFrame
            "Round", "Mode", "Contributions", "Mean quality", "Tacit (per learner)",
            "Explicit (per learner)", "Shared", "Level", "Level-up", "Still needed" and
            "Examples of what was contributed" (raw text: escape it when displaying).
        """
        from ..figures import spiral_table  # Plotly only where a class is analysed

        return spiral_table(self.class_trajectory(), examples=examples, who="learner")

    # -- one learner ---------------------------------------------------------------------------
    def learner(self, learner_id: str) -> LearnerView:
        """One learner's work and spiral.

        Raises
        ------
        ValueError
            No learner with that id handed in (the message names the id).
        """
        submission = self.submissions.get(learner_id) if isinstance(learner_id, str) else None
        if submission is None:
            raise ValueError(f"No learner with the id {str(learner_id)[:64]!r} handed in work in this class.")
        answers = self.answers[self.answers["learner_id"] == learner_id].reset_index(drop=True)
        contributions = list(self._rated[submission.learner_id])
        rounds = max((c.round for c in contributions), default=0)
        trajectory = simulate_spiral(contributions, 1, rounds=rounds)
        return LearnerView(submission=submission, answers=answers, contributions=contributions,
                           trajectory=trajectory)

    # -- search --------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 200) -> pd.DataFrame:
        """Find ``query`` (case-insensitive, as plain text) in answer texts and contributions.

        A text that is both an answer and the contribution it made is listed once (as the answer).

        Returns
        -------
        pandas.DataFrame
            ``learner_id``, ``name``, ``where`` ("answer" or "contribution"), ``key`` (answer key,
            or ``"round N"`` for a contribution), ``label``, ``mode`` and ``text``; at most
            ``limit`` rows, learners in name order. ``attrs["total"]`` holds the number of matches.

        Raises
        ------
        ValueError
            The query is empty or longer than :data:`SEARCH_MAX_CHARS` characters.
        """
        columns = ["learner_id", "name", "where", "key", "label", "mode", "text"]
        if not isinstance(query, str) or not query.strip():
            raise ValueError("Type a word or phrase to search for.")
        query = query.strip()
        if len(query) > SEARCH_MAX_CHARS:
            raise ValueError(f"Search for at most {SEARCH_MAX_CHARS} characters.")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a whole number from 1; got {limit!r}.")
        names = dict(zip(self.learners["learner_id"], self.learners["name"]))
        a = self.answers
        hit_a = a[a["text"].str.contains(query, case=False, regex=False)]
        found_a = pd.DataFrame({"learner_id": hit_a["learner_id"], "name": hit_a["learner_id"].map(names),
                                "where": "answer", "key": hit_a["key"], "label": hit_a["label"],
                                "mode": hit_a["mode"], "text": hit_a["text"]})
        c = self.contributions
        hit_c = c[c["text"].str.contains(query, case=False, regex=False)]
        found_c = pd.DataFrame({"learner_id": hit_c["learner_id"], "name": hit_c["name"], "where": "contribution",
                                "key": "round " + hit_c["round"].astype(str), "label": "Spiral contribution",
                                "mode": hit_c["mode"], "text": hit_c["text"]})
        found = pd.concat([found_a, found_c], ignore_index=True) if len(found_a) or len(found_c) else \
            pd.DataFrame(columns=columns)
        found = found.drop_duplicates(["learner_id", "mode", "text"], keep="first")
        order = {lid: n for n, lid in enumerate(self.learners["learner_id"])}
        found = found.assign(_order=found["learner_id"].map(order)).sort_values("_order", kind="stable")
        total = len(found)
        result = found[columns].head(limit).reset_index(drop=True)
        result.attrs["total"] = total
        return result

    # -- grades --------------------------------------------------------------------------------
    def grades(self, scheme: GradeScheme = GradeScheme()) -> pd.DataFrame:
        """Each learner's grade components and grade (see :class:`GradeScheme`).

        Returns
        -------
        pandas.DataFrame
            ``learner_id``, ``name``, ``email``, ``exercises``, ``quiz``, ``rubric`` (each
            0..1), ``grade`` (0..100, two decimals), ``points`` (the grade scaled to
            ``scheme.points``, two decimals) and ``not_counted`` (the exercises saved but not
            counted as done, with why; "" for none).
        """
        per = self.completion()
        exercises = per["exercises"].to_numpy(dtype=float)
        quiz_items = self._quiz_items()
        quiz_items = quiz_items[quiz_items["mode"] != ""]
        stats = quiz_items.groupby(["learner_id", "mode"])["score"].agg(["mean", "size"])
        credit = (stats["mean"].fillna(0) * (stats["size"].clip(upper=QUIZ_SET_SIZE) / QUIZ_SET_SIZE))
        quiz = self._per_learner(credit).astype(float).mean(axis=1).to_numpy(dtype=float)
        rubric = self.rubric_scores().groupby("learner_id")["quality"].mean()
        rubric = rubric.reindex(self.learners["learner_id"], fill_value=0.0).fillna(0.0).to_numpy(dtype=float)
        w = scheme.weights
        total = w["exercises"] + w["quiz"] + w["rubric"]
        grade = (w["exercises"] * exercises + w["quiz"] * quiz + w["rubric"] * rubric) / total * 100
        grade = grade.clip(0, 100)
        return pd.DataFrame({
            "learner_id": self.learners["learner_id"].to_numpy(),
            "name": self.learners["name"].to_numpy(),
            "email": self.learners["email"].to_numpy(),
            "exercises": exercises, "quiz": quiz, "rubric": rubric,
            "grade": grade.round(2),
            "points": (grade / 100 * scheme.points).round(2),
            "not_counted": per["not_counted"].to_numpy(),
        })


def _option_text(question: Question, key: object) -> tuple[str, str]:
    try:
        option = question.option(key)  # type: ignore[arg-type]
    except (KeyError, TypeError):
        return f"(an option this question does not have: {str(key)[:40]})", ""
    return option.text, option.explanation


def _wrong_parts(question: Question, answer: object) -> list[tuple[str, str]]:
    """A wrong answer in words, with the explanation that answers the misconception.

    classify/choice: the option chosen and the bank's explanation of it. match: each wrong
    pairing ("item → option chosen") with the item's explanation of the right pairing. order:
    the order given, with the explanation of the first step out of place.
    """
    if question.kind in ("classify", "choice"):
        return [_option_text(question, answer)] if answer != question.answer else []
    if question.kind == "match":
        if not isinstance(answer, Mapping):
            return [("(an answer in the wrong shape)", "")]
        parts = []
        for item in question.items:
            chosen = answer.get(item.key)
            if chosen is None or chosen == question.answer_map[item.key]:
                continue
            text, _ = _option_text(question, chosen)
            right, _ = _option_text(question, question.answer_map[item.key])
            parts.append((f"{item.text} → {text}", f"It is {right}: {item.explanation}"))
        return parts
    # order
    if not isinstance(answer, list):
        return [("(an answer in the wrong shape)", "")]
    words = " → ".join(_option_text(question, k)[0] for k in answer)
    for position, (given, right) in enumerate(zip(answer, question.answer), start=1):
        if given != right:
            text, explanation = _option_text(question, right)
            return [(words, f"Step {position} is “{text}”: {explanation}")]
    return []
