"""The course frame on every page (issue 20): the course's steps marked from the learner's saved
work, Previous/Next in the course's order, and the page's contents with the quiz score so far.

The order and the titles come from :data:`seci_lab.content.course.PAGES` only. A notebook shows
the frame in its first cell (``course_frame("01_socialization")``); the frame and the page below
share the learner's store (:func:`seci_lab.ui.learner.open_learner_progress` gives one per
kernel), so a saved answer updates the marks and the quiz score at once. The welcome page's frame
adds "Start" or "Continue where you left off" and the course map.

What counts as done is what the instructor's dashboard counts (:mod:`seci_lab.classroom.analysis`):
a lesson with every exercise saved and a full quiz set answered (the theory lesson: its checked
exercises); the critiques with the debate saved and the quiz set answered; the spiral with all
four modes in one round. A page without work of its own (the sources) has no mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import ipywidgets as widgets

from ..content import questions_for
from ..content.course import PAGES, WELCOME, CoursePage, course_page, neighbours, page_minutes
from ..content.exercises import load_exercises
from ..content.theory import load_theory_lesson, theory_lessons
from ..model import MODES, Mode
from ..model.work import (BOARD_KEY, CHECK, QUIZ_PREFIX, REFLECTION_KEY, SELF_KEY, answer_key,
                          check_key, parse_key)
from ..store.progress import Progress
from .common import full_width
from .learner import open_learner_progress
from .templates import render

__all__ = ["DONE", "STARTED", "CourseFrame", "anchor", "continue_page", "course_frame", "page_contents", "page_status",
           "quiz_score", "seci_matrix"]

#: Items in one quiz set of a lesson: the default of :func:`seci_lab.ui.quiz.quiz_widget` and
#: ``seci_lab.classroom.analysis.QUIZ_SET_SIZE`` (a test checks they agree).
QUIZ_SET_SIZE = 6


def _exercise_catalogue() -> dict[str, tuple[str, str]]:
    """Exercise key -> (mode letter, label) in page order, as the instructor's dashboard counts them
    (``seci_lab.classroom.analysis.EXERCISES``, without importing the classroom package on every
    page; a test checks they agree)."""
    catalogue: dict[str, tuple[str, str]] = {}
    for mode in MODES:
        if mode is Mode.COMBINATION:
            catalogue[BOARD_KEY] = (mode.value, "Card board")  # the board comes first on its page
        for f in load_exercises(mode).fields:
            catalogue[answer_key(mode, f.key)] = (mode.value, f.label)
        if mode is Mode.INTERNALIZATION:
            catalogue[SELF_KEY] = (mode.value, "Self-assessment")
    return catalogue


EXERCISES = _exercise_catalogue()
#: The checked exercises of each theory lesson, as answer keys (``check:<id>``).
CHECKED = {key: [check_key(q.id) for s in load_theory_lesson(key).sections for q in s.exercises]
           for key in theory_lessons()}


def exercise_key(key: str) -> str | None:
    """The exercise an answer key counts for (a log entry counts for the log), or None."""
    try:
        parsed = parse_key(key)
    except ValueError:
        return None
    return key if parsed.kind == CHECK else parsed.exercise


DONE = "done"
STARTED = "started"
#: How a step's status is shown: a symbol (hidden from screen readers) and the words read out.
_MARKS = {DONE: ("✓", "done"), STARTED: ("◐", "in progress"), "": ("○", "not started"), None: ("", "")}


def anchor(*parts: str) -> str:
    """The element id the contents list links to: ``anchor("ex", "S.journal")`` -> ``"seci-ex-S-journal"``."""
    return "-".join(["seci", *parts]).replace(".", "-").replace(":", "-")


def _quiz_records(answers: Mapping[str, dict], lesson: str) -> list[dict]:
    return [r for k, r in answers.items()
            if k.startswith(QUIZ_PREFIX) and isinstance(r, dict) and r.get("lesson") == lesson]


def _set_size(lesson: str) -> int:
    return min(QUIZ_SET_SIZE, len(questions_for(lesson)))


def quiz_score(answers: Mapping[str, dict], lesson: str) -> tuple[int, float, int]:
    """The learner's latest quiz set of ``lesson``: (items answered, points of the answers that
    count, items in a set), as the quiz itself counts them."""
    records = _quiz_records(answers, lesson)
    if not records:
        return 0, 0.0, _set_size(lesson)
    latest = max(int(r.get("round", 0) or 0) for r in records)
    current = [r for r in records if int(r.get("round", 0) or 0) == latest]
    points = 0.0
    for r in current:
        counted = r.get("counted") if isinstance(r.get("counted"), dict) else r
        score = counted.get("score", 0)
        points += float(score) if isinstance(score, (int, float)) else 0.0
    return len(current), points, _set_size(lesson)


def _mode_exercises(mode: str) -> list[str]:
    return [key for key, (m, _) in EXERCISES.items() if m == mode]


def page_status(page: CoursePage, answers: Mapping[str, dict], contributions: Sequence = ()) -> str | None:
    """``"done"``, ``"started"`` or ``""`` (not started) for ``page`` from the learner's saved work;
    ``None`` for a page without work of its own (the welcome page, the sources)."""
    if page.kind in ("lesson", "theory"):
        wanted = _mode_exercises(page.key) if page.kind == "lesson" else CHECKED[page.key]
        saved = {exercise_key(k) for k in answers}
        done = [e for e in wanted if e in saved]
        quiz = len(_quiz_records(answers, page.key))
        if len(done) == len(wanted) and quiz >= _set_size(page.key):
            return DONE
        return STARTED if done or quiz else ""
    if page.kind == "critiques":
        debate = REFLECTION_KEY in answers
        quiz = len(_quiz_records(answers, page.key))
        if debate and quiz >= _set_size(page.key):
            return DONE
        return STARTED if debate or quiz else ""
    if page.kind == "spiral":
        rounds: dict[int, set] = {}
        for c in contributions:
            rounds.setdefault(c.round, set()).add(c.mode)
        if any(len(modes) == len(MODES) for modes in rounds.values()):
            return DONE
        return STARTED if rounds else ""
    return None


@dataclass(frozen=True)
class _Entry:
    anchor: str
    label: str
    note: str = ""
    sub: bool = False


def _quiz_entry(answers: Mapping[str, dict], lesson: str, label: str = "Quiz") -> _Entry:
    answered, points, size = quiz_score(answers, lesson)
    note = (f"score {points:.1f} of {size} so far, {answered} answered" if answered
            else f"{size} questions")
    return _Entry(anchor("quiz"), label, note)


def page_contents(page: CoursePage, answers: Mapping[str, dict]) -> list[_Entry]:
    """The contents list of ``page``: its sections in page order, the quiz with its score so far."""
    if page.kind == "lesson":
        saved = {exercise_key(k) for k in answers}
        return [_Entry(anchor("goals"), "Goals"), _Entry(anchor("exercises"), "Exercises"),
                *[_Entry(anchor("ex", key), EXERCISES[key][1], "saved" if key in saved else "", sub=True)
                  for key in _mode_exercises(page.key)],
                _quiz_entry(answers, page.key), _Entry(anchor("recap"), "Recap")]
    if page.kind == "theory":
        lesson = load_theory_lesson(page.key)
        return [_Entry(anchor("goals"), "Goals"),
                *[_Entry(anchor("section", str(n)), f"{n}. {s.title}")
                  for n, s in enumerate(lesson.sections, start=1)],
                _quiz_entry(answers, page.key), _Entry(anchor("recap"), "Recap")]
    if page.kind == "critiques":
        return [_Entry(anchor("goals"), "Goals"), _Entry(anchor("critiques"), "The critiques"),
                _Entry(anchor("exercises"), "Exercise: your debate", "saved" if REFLECTION_KEY in answers else ""),
                _quiz_entry(answers, page.key), _Entry(anchor("recap"), "Recap"),
                _Entry(anchor("review"), "Course review", _quiz_entry(answers, "general").note)]
    if page.kind == "spiral":
        return [_Entry(anchor("lab"), "Your spiral"), _Entry("Goals", "Goals"),
                _Entry("How-to-use-this-page", "How to use this page"),
                _Entry("How-the-model-works", "How the model works"), _Entry("Recap", "Recap"),
                _Entry("Sources", "Sources")]
    if page.kind == "welcome":
        return [_Entry(anchor("start"), "Start"), _Entry(anchor("diagnostic"), "Check your understanding"),
                _Entry(anchor("matrix"), "The SECI matrix"),
                _Entry("The-spiral", "The spiral"), _Entry("How-the-course-works", "How the course works"),
                _Entry("Workshops", "Workshops"), _Entry("Teaching-a-class", "Teaching a class")]
    from ..content.sources import GROUPS

    return [_Entry(anchor("sources"), "Find a source"),
            *[_Entry(anchor("sources", group), heading) for group, heading in GROUPS.items()]]


def continue_page(statuses: Mapping[CoursePage, str | None]) -> tuple[CoursePage, bool]:
    """Where the learner goes on: (the first page with work that is not done, True when they
    started the course at all); the first page when they have not started."""
    started = any(s for s in statuses.values())
    for page in PAGES:
        if statuses.get(page) not in (DONE, None):
            return page, started
    return (PAGES[0], started) if not started else (PAGES[-1], started)


class CourseFrame(widgets.HTML):
    """The frame of one page; it redraws after every change to the learner's store."""

    def __init__(self, page: CoursePage, progress: Progress | None):
        super().__init__(layout=full_width())
        self.page = page
        self.progress = progress
        self.add_class("seci-frame-widget")
        if progress is not None:
            progress.subscribe(self.refresh)
        self.refresh()

    def statuses(self) -> dict[CoursePage, str | None]:
        """Each step's status from the saved work (all "not started" without a store)."""
        answers = self.progress.answers() if self.progress is not None else {}
        contributions = self.progress.contributions() if self.progress is not None else ()
        return {p: page_status(p, answers, contributions) for p in PAGES}

    def refresh(self) -> None:
        """Re-read the store and redraw."""
        answers = self.progress.answers() if self.progress is not None else {}
        statuses = self.statuses()
        steps = [{"page": p, "status": statuses[p], "symbol": _MARKS[statuses[p]][0], "word": _MARKS[statuses[p]][1]}
                 for p in PAGES]
        previous, following = neighbours(self.page)
        html = render("frame.html.j2", welcome=WELCOME, current=self.page, steps=steps, previous=previous,
                      next=following, contents=page_contents(self.page, answers),
                      minutes=page_minutes(self.page))
        if self.page.kind == "welcome":
            target, started = continue_page(statuses)
            html += render("start.html.j2", target=target, started=started, steps=steps,
                           saved=self.progress is not None)
        self.value = html


def course_frame(notebook: str, progress: Progress | None = None) -> CourseFrame:
    """The frame of the page ``notebook`` (e.g. ``"01_socialization"``), bound to the learner's store.

    ``progress`` defaults to the learner's store shared by every widget of this kernel; when it
    cannot be opened, the frame shows the course without marks (the page below says why).
    """
    page = course_page(notebook)
    progress, _problem = open_learner_progress(progress)
    return CourseFrame(page, progress)


def seci_matrix() -> widgets.HTML:
    """The SECI matrix for the welcome page: a 2 x 2 figure in the spiral's mode colours that is a
    table for screen readers (from tacit/explicit in rows, to tacit/explicit in columns)."""
    by = {m.value: m for m in MODES}
    rows = [("tacit", [by["S"], by["E"]]), ("explicit", [by["I"], by["C"]])]
    return widgets.HTML(render("matrix.html.j2", rows=rows), layout=full_width())
