"""The four mode lessons as one widget each, so that a lesson notebook is two lines of code.

Every lesson has one shape (issue 3): goals and the mode explained, exercises native to the mode,
a short quiz, and a recap that shows what the learner added to their spiral, with their saved
work ("My work": downloads and import) at the end. Everything is saved in the learner's progress
store as it is entered, and restored when the page is opened again.
"""

from __future__ import annotations

import logging
from typing import Callable

import ipywidgets as widgets
from sqlalchemy.exc import SQLAlchemyError

from ..escape import html_text, shorten
from ..model import MODES, Contribution, Mode
from ..model.work import QUIZ_PREFIX, quiz_answers, quiz_key
from ..store.progress import Progress, open_progress
from .common import Message
from .handin import hand_in_panel
from .mywork import my_work

__all__ = ["EXERCISES", "LessonRecap", "lesson_page", "spiral_page", "exercises_for", "open_learner_progress",
           "quiz_persistence", "work_panel"]

log = logging.getLogger("seci_lab.ui")

def _factories() -> dict[Mode, Callable[[Progress], widgets.Widget]]:
    from .combination import combination_exercises
    from .externalization import externalization_exercises
    from .internalization import internalization_exercises
    from .socialization import socialization_exercises

    return {
        Mode.SOCIALIZATION: socialization_exercises,
        Mode.EXTERNALIZATION: externalization_exercises,
        Mode.COMBINATION: combination_exercises,
        Mode.INTERNALIZATION: internalization_exercises,
    }


#: The exercise factory of each mode, in MODES order (a test checks every mode has one).
EXERCISES = _factories()


def exercises_for(mode: Mode | str, progress: Progress) -> widgets.Widget:
    """The exercises widget of ``mode`` bound to ``progress``."""
    return EXERCISES[Mode.parse(mode)](progress)


def open_learner_progress() -> tuple[Progress | None, Message | None]:
    """Open the default learner's progress; on failure, a message saying what went wrong."""
    try:
        return open_progress(), None
    except (ValueError, SQLAlchemyError, OSError) as error:
        log.exception("cannot open the progress store")
        message = Message()
        message.show("error", f"Your work cannot be saved on this computer right now ({shorten(str(error), 200)}). "
                     "Set SECI_LAB_DB to a writable file and reopen the page.")
        return None, message


def quiz_persistence(progress: Progress) -> tuple[Callable[[str, dict], None], dict[str, dict]]:
    """What a quiz widget needs to save its answers in ``progress`` and restore them:
    ``(on_answer, answered)`` (quiz answers are saved under ``quiz:<item id>``)."""
    def save_quiz_answer(item_id: str, record: dict) -> None:
        progress.save_answer(quiz_key(item_id), record)

    answered = quiz_answers(progress.answers(prefix=QUIZ_PREFIX))
    return save_quiz_answer, answered


def work_panel(progress: Progress, *, my_work_too: bool = True) -> tuple[widgets.Accordion, widgets.Widget]:
    """The closed accordion at the end of a page: "My work" (unless ``my_work_too`` is False) and
    "Hand in to your instructor". Returns it and the hand-in form."""
    handin = hand_in_panel(progress)
    panels = [(my_work(progress), "My work: download or import")] if my_work_too else []
    panels.append((handin, "Hand in to your instructor"))
    accordion = widgets.Accordion(children=[w for w, _ in panels], titles=tuple(t for _, t in panels))
    accordion.selected_index = None
    return accordion, handin


def _heading(text: str) -> widgets.HTML:
    return widgets.HTML(f"<h2>{html_text(text)}</h2>")


class LessonRecap(widgets.VBox):
    """What the learner added to their spiral in this lesson's mode, kept up to date."""

    def __init__(self, mode: Mode, progress: Progress):
        self.mode = mode
        self.progress = progress
        self.summary = widgets.HTML(layout=widgets.Layout(width="100%"))
        super().__init__([self.summary], layout=widgets.Layout(width="100%"))
        progress.subscribe(self.refresh)
        self.refresh()

    def contributions(self) -> list[Contribution]:
        """This mode's contributions in the learner's current round."""
        round_ = self.progress.round
        return [c for c in self.progress.contributions() if c.mode is self.mode and c.round == round_]

    def refresh(self) -> None:
        """Re-read the store and redraw."""
        round_ = self.progress.round
        mine = self.contributions()
        all_ = self.progress.contributions()
        per_mode = ", ".join(f"{m.label} {sum(1 for c in all_ if c.mode is m and c.round == round_)}" for m in MODES)
        if mine:
            items = "".join(f"<li>quality {c.effective_quality:.2f}: {html_text(shorten(' '.join(c.text.split()), 160))}</li>"
                            for c in mine)
            body = (f"<p>You added <strong>{len(mine)}</strong> {html_text(self.mode.label)} "
                    f"contribution{'s' if len(mine) != 1 else ''} to round {round_} of your spiral:</p><ul>{items}</ul>")
        else:
            body = (f"<p>Nothing from this lesson is in your spiral yet: save an answer above and it is "
                    f"added to round {round_} as {html_text(self.mode.label)}.</p>")
        self.summary.value = (
            f'<div class="seci-recap" role="status" aria-live="polite">{body}'
            f"<p>Round {round_} so far: {html_text(per_mode)}. The spiral rises only when every mode "
            'is there. <a href="05_knowledge_spiral.ipynb">See your knowledge spiral (notebook 05)</a>.</p></div>'
        )


def lesson_page(mode: Mode | str, progress: Progress | None = None) -> widgets.Widget:
    """The whole lesson of ``mode``: intro, exercises, quiz, recap, "My work" and "Hand in".

    Parameters
    ----------
    mode : Mode or str
        The lesson's mode.
    progress : Progress, optional
        Where the learner's work is saved; default: the default profile of the learner database.
    """
    from .lesson import lesson_intro, lesson_recap
    from .quiz import quiz_widget

    mode = Mode.parse(mode)
    intro = lesson_intro(mode)
    if progress is None:
        progress, problem = open_learner_progress()
        if progress is None:
            return widgets.VBox([problem, intro, _heading("Quiz"), quiz_widget(mode.value)])

    save_quiz_answer, answered = quiz_persistence(progress)
    exercises = exercises_for(mode, progress)
    quiz = quiz_widget(mode.value, on_answer=save_quiz_answer, answered=answered)
    recap = LessonRecap(mode, progress)
    work, handin = work_panel(progress)
    page = widgets.VBox([
        intro,
        _heading("Exercises"), exercises,
        _heading("Quiz"), quiz,
        _heading("Recap"), lesson_recap(mode), recap,
        work,
    ], layout=widgets.Layout(width="100%"))
    page.add_class(f"seci-lesson-{mode.value}")
    page.exercises, page.quiz, page.recap, page.progress, page.handin = exercises, quiz, recap, progress, handin
    return page


def spiral_page(progress: Progress | None = None) -> widgets.Widget:
    """Notebook 05: the spiral lab started from the learner's saved contributions, saving every change.

    The lab's own round follows the learner's round, so "Start next round" there moves the lesson
    exercises on to the next round too.
    """
    from .spiral import spiral_lab

    if progress is None:
        progress, problem = open_learner_progress()
        if progress is None:
            return widgets.VBox([problem, spiral_lab()])
    lab = None
    saved = progress.contributions()

    def save_spiral(contributions: list[Contribution]) -> None:
        nonlocal saved
        progress.apply_changes(saved, contributions)  # only the difference: other tabs' work stays
        saved = list(contributions)
        if lab is not None and lab.round != progress.round:
            progress.set_round(lab.round)

    lab = spiral_lab(contributions=saved, on_change=save_spiral, round=progress.round)
    lab.participant.value = progress.name
    work, handin = work_panel(progress)
    page = widgets.VBox([lab, work], layout=widgets.Layout(width="100%"))
    page.lab, page.progress, page.handin = lab, progress, handin
    return page
