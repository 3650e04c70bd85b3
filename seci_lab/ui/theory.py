"""A theory lesson's text and exercises as widgets (``KCC``: the knowledge-creating company).

The text comes from ``seci_lab/content/theory.toml`` and is escaped like every lesson text. An
exercise is written like a quiz item, so it is shown with the quiz's own :class:`QuizItem`
controls and checked by ``seci_lab.model.check``: the learner sees why each answer is right or
wrong. Nothing here opens the learner's store: :mod:`seci_lab.ui.lessons` binds the exercises
to it through ``on_answer`` and ``answered``, as it does for quizzes.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from ..content.sources import references
from ..content.theory import TheoryLesson, TheorySection
from ..escape import html_text
from ..model import Feedback, Question, QuizSession
from .quiz import QuizItem
from .common import full_width

__all__ = ["CheckExercise", "ExerciseTally", "section_widget", "theory_intro", "theory_recap"]

_FULL = full_width()


def _paragraphs(texts) -> str:
    return "".join(f"<p>{html_text(t)}</p>" for t in texts)


def _list(texts) -> str:
    return "<ul>" + "".join(f"<li>{html_text(t)}</li>" for t in texts) + "</ul>"


class CheckExercise(widgets.VBox):
    """One exercise: a quiz-format item with Check, Hint and teaching feedback.

    It owns a one-item :class:`QuizSession` and is the owner its :class:`QuizItem` reports to
    (``session`` and ``_answered``, as a quiz is). ``on_answer(exercise_id, record)`` is called
    after every valid Check with a JSON-able record (``lesson``, ``kind``, ``label``, ``answer``,
    ``correct``, ``score``, ``attempts``, ``hints_used``); ``answered`` is a record saved earlier,
    put back with its feedback (an invalid one is ignored).

    Attributes a test may use: ``question``, ``item`` (the :class:`QuizItem`), ``feedback``
    (the last :class:`Feedback` or None).
    """

    def __init__(self, question: Question, number: int, *, label: str = "",
                 on_answer: Callable[[str, dict], None] | None = None, answered: dict | None = None):
        self.question = question
        self.label = label or question.prompt
        self.on_answer = on_answer
        self.feedback: Feedback | None = None
        self.attempts = 0
        # A one-item session resumed from the saved record: a record that no longer checks
        # against the exercise (stale or forged) is ignored, as in a quiz.
        self.session, restored = QuizSession.resume((question,), {question.id: answered} if answered else {},
                                                     n=1, seed=question.id)
        self.item = QuizItem(self, question, number, label="Exercise", mastery=False)  # exercises teach
        if question.id in restored:
            record, self.feedback = restored[question.id]
            self.attempts = self.session.attempts.get(question.id, 1)
            self.item.restore(record, self.feedback)
        super().__init__([self.item], layout=_FULL)
        self.add_class("seci-check-exercise")

    def _answered(self, item: QuizItem, answer: object, feedback: Feedback) -> None:
        # Called by the QuizItem after a valid Check (an invalid answer never gets here).
        self.feedback = feedback
        self.attempts = self.session.attempts.get(self.question.id, 1)
        if self.on_answer is not None:
            self.on_answer(self.question.id, {
                "lesson": self.question.lesson,
                "kind": self.question.kind,
                "label": self.label,
                "answer": list(answer) if isinstance(answer, tuple) else answer,
                "correct": feedback.correct,
                "score": feedback.score,
                "attempts": self.attempts,
                "hints_used": item.hints_shown,
            })


class ExerciseTally(widgets.HTML):
    """How many of a lesson's exercises the learner has checked and got fully right."""

    def __init__(self, exercises: list[CheckExercise]):
        super().__init__(layout=_FULL)
        self.exercises = exercises
        self.refresh()

    def refresh(self) -> None:
        """Count again and redraw."""
        done = [e for e in self.exercises if e.feedback is not None]
        right = sum(1 for e in done if e.feedback.correct)
        total = len(self.exercises)
        if not done:
            text = f"You have not checked any of the {total} exercises yet."
        else:
            text = (f"You have checked {len(done)} of the {total} exercises; {right} fully right. "
                    "Read the explanations of the others and try them again.") if right < total else (
                    f"All {total} exercises checked and fully right.")
        self.value = f'<p class="seci-exercise-tally" role="status" aria-live="polite">{html_text(text)}</p>'


def theory_intro(lesson: TheoryLesson) -> widgets.HTML:
    """The start of a theory lesson: title, goals and the introduction."""
    widget = widgets.HTML(
        f'<div class="seci-lesson-intro" style="max-width:48em"><p class="seci-lead">{html_text(lesson.title)}</p>'
        f'<h2 id="seci-goals">What you will learn</h2>{_list(lesson.goals)}{_paragraphs(lesson.intro)}</div>',
        layout=_FULL,
    )
    widget.add_class("seci-lesson-intro")
    return widget


def section_widget(section: TheorySection, number: int, exercises: list[CheckExercise]) -> widgets.VBox:
    """One section: its explanation, its case (with the source it is told after) and its exercises."""
    case = section.case
    text = widgets.HTML(
        f'<div class="seci-theory-section" style="max-width:48em">'
        f'<h2 id="seci-section-{number}">{number}. {html_text(section.title)}</h2>'
        f"{_paragraphs(section.paragraphs)}"
        f"<h3>A case: {html_text(case.title)}</h3>{_paragraphs(case.paragraphs)}"
        f'<p style="color:#555"><em>Told in our own words after {html_text(case.source)}.</em></p>'
        f"<h3>{'Exercise' if len(exercises) == 1 else 'Exercises'}</h3></div>",
        layout=_FULL,
    )
    box = widgets.VBox([text, *exercises], layout=_FULL)
    box.add_class(f"seci-section-{section.id}")
    return box


def theory_recap(lesson: TheoryLesson) -> widgets.HTML:
    """The recap of a theory lesson and its sources (full references)."""
    return widgets.HTML(
        f'<div class="seci-lesson-recap" style="max-width:48em">{_list(lesson.recap)}'
        f"<details><summary>Sources</summary>{_list(references(lesson.sources))}</details></div>",
        layout=_FULL,
    )
