"""The learner's pages, each one widget bound to their saved work, so a notebook is two lines.

Every lesson has one shape (issue 3): goals and the mode explained, exercises native to the mode,
a short quiz, and a recap that shows what the learner added to their spiral, with their saved
work ("My work": downloads and import) at the end. Everything is saved in the learner's progress
store as it is entered, and restored when the page is opened again. The spiral lab
and the critiques page are bound to the same store in the same way.

Pages are small classes (:class:`LessonPage`, :class:`TheoryPage`, :class:`SpiralPage`,
:class:`CritiquesLesson`) that hold their parts as attributes; the widgets of the lesson text come
from :mod:`seci_lab.ui.lesson` and :mod:`seci_lab.ui.theory`, which never import this module.
:func:`lesson_page` builds the page of any lesson: a mode's (S, E, C, I) or a theory lesson's
(``theory.toml``, e.g. the knowledge-creating company, ``"KCC"``).

With a class store, a lesson and the spiral page bring in the instructor's ratings of the learner
when they open (:func:`instructor_ratings_in`): the learner sees them on their next load, marked
"rated by the instructor" in the recap and the spiral.
"""

from __future__ import annotations

import logging
from typing import Callable

import ipywidgets as widgets
from sqlalchemy.exc import SQLAlchemyError

from ..escape import html_text, shorten
from ..content.course import page_of_kind
from ..content.theory import load_theory_lesson, theory_lessons
from ..model import MODES, Contribution, Mode
from ..model.contributions import INSTRUCTOR
from ..content.exercises import load_exercises
from ..model.rubric import suggest_quality
from ..model.work import (
    QUIZ_SET_PREFIX,
    CHECK_PREFIX,
    IDENTITY_KEY,
    QUIZ_PREFIX,
    REFLECTION_KEY,
    check_answers,
    answer_key,
    check_key,
    mode_prefix,
    quiz_answers,
    quiz_key,
)
from ..store.progress import Progress
from .learner import open_learner_progress
from .handin import hand_in_panel
from .lesson import critiques_page, lesson_intro, lesson_recap
from .mywork import my_work
from .quiz import quiz_widget
from .theory import CheckExercise, ExerciseTally, section_widget, theory_intro, theory_recap

#: The spiral lab, which every lesson's recap links to (its name and step from content/course.py).
_SPIRAL = page_of_kind("spiral")

__all__ = ["EXERCISES", "CritiquesLesson", "LessonPage", "LessonRecap", "SpiralPage", "TheoryPage",
           "check_persistence", "critiques_lesson", "exercises_for", "instructor_ratings_in", "lesson_page", "open_learner_progress",
           "quiz_persistence", "spiral_page", "work_panel"]

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


def instructor_ratings_in(progress: Progress, store_url: str | None = None) -> int:
    """Bring the instructor's ratings of this learner from the class store into ``progress``.

    On the JupyterHub recipe they come from the hand-in service (``$SECI_LAB_HANDIN_SERVICE``),
    which gives the signed-in learner their own ratings only. Otherwise it needs a class store
    (``store_url``, default ``$SECI_LAB_CLASS_DB``) and the learner's id, which the hand-in form
    remembers once the learner handed in. Returns how many ratings the learner now has from the
    instructor (0 without either). A store or service that cannot be reached changes nothing:
    the page opens with what was brought in before.
    """
    from ..classroom.handin_client import HandInService, service_url
    from ..store.classroom import InstructorRatings, class_store_url

    if store_url is None and service_url():
        try:
            progress.replace_ratings(INSTRUCTOR, HandInService().my_ratings())
        except (ValueError, OSError):
            log.warning("the instructor's ratings could not be read from the hand-in service", exc_info=True)
        return len(progress.ratings(INSTRUCTOR))
    url = store_url or class_store_url()
    identity = progress.answer(IDENTITY_KEY) or {}
    learner_id = identity.get("learner_id") if isinstance(identity, dict) else None
    if not url or not isinstance(learner_id, str) or not learner_id.strip():
        return len(progress.ratings(INSTRUCTOR))
    try:
        store = InstructorRatings(url)
        try:
            progress.replace_ratings(INSTRUCTOR, store.of(learner_id))
        finally:
            store.close()
    except (SQLAlchemyError, ValueError, OSError):
        log.warning("the instructor's ratings could not be read from the class store", exc_info=True)
    return len(progress.ratings(INSTRUCTOR))


def _persistence(progress: Progress, key: Callable[[str], str], prefix: str,
                 read: Callable[[dict], dict]) -> tuple[Callable[[str, dict], None], dict[str, dict]]:
    def save(item_id: str, record: dict) -> None:
        progress.save_answer(key(item_id), record)

    return save, read(progress.answers(prefix=prefix))


def quiz_persistence(progress: Progress) -> tuple[Callable[[str, dict], None], dict[str, dict]]:
    """What a quiz widget needs to save its answers in ``progress`` and restore them:
    ``(on_answer, answered)`` (quiz answers are saved under ``quiz:<item id>``)."""
    return _persistence(progress, quiz_key, QUIZ_PREFIX, quiz_answers)


def persisted_quiz(lesson: str, progress: Progress | None) -> widgets.Widget:
    """The quiz of ``lesson`` with its answers and its shown set saved in ``progress`` (saved under
    ``quiz:<item id>`` and ``quizset:<lesson>``), so a reload shows the same questions; without
    ``progress``, a quiz that saves nothing."""
    if progress is None:
        return quiz_widget(lesson)
    save, answered = quiz_persistence(progress)
    key = QUIZ_SET_PREFIX + str(lesson)
    return quiz_widget(lesson, on_answer=save, answered=answered, shown=progress.answer(key),
                       on_set=lambda record: progress.save_answer(key, record))


def check_persistence(progress: Progress) -> tuple[Callable[[str, dict], None], dict[str, dict]]:
    """The same for a theory lesson's checked exercises (saved under ``check:<exercise id>``)."""
    return _persistence(progress, check_key, CHECK_PREFIX, check_answers)


def work_panel(progress: Progress, *, my_work_too: bool = True) -> tuple[widgets.Accordion, widgets.Widget]:
    """The closed accordion at the end of a page: "My work" (unless ``my_work_too`` is False) and
    "Hand in to your instructor". Returns it and the hand-in form."""
    handin = hand_in_panel(progress)
    panels = [(my_work(progress), "My work: download or import")] if my_work_too else []
    panels.append((handin, "Hand in to your instructor"))
    accordion = widgets.Accordion(children=[w for w, _ in panels], titles=tuple(t for _, t in panels))
    accordion.selected_index = None
    return accordion, handin


def _heading(text: str, anchor: str) -> widgets.HTML:
    """A section heading the course frame's contents list links to (``id="seci-<anchor>"``)."""
    return widgets.HTML(f'<h2 id="seci-{anchor}">{html_text(text)}</h2>')


def exercise_tally(mode: Mode, progress: Progress) -> str:
    """How many of ``mode``'s written exercises count as done, and why a saved one does not yet,
    in plain words (HTML): "3 of 5 exercises count as done. Journal does not count yet: ...".

    An exercise counts when one of its saved answers is an attempt at it (the rubric's
    ``RubricScore.counts``; an answer the instructor rated above 0 counts, rated 0 does not), as
    in the instructor's completion and grades (``seci_lab.classroom.analysis``).
    """
    fields = load_exercises(mode).fields
    saved = progress.answers(prefix=mode_prefix(mode))
    ratings = progress.ratings(INSTRUCTOR)
    counted, notes = 0, []
    for f in fields:
        key = answer_key(mode, f.key)
        verdicts = []
        for k, record in saved.items():
            text = record.get("text") if isinstance(record, dict) else None
            if (k == key or k.startswith(key + ".")) and isinstance(text, str) and text.strip():
                rating = ratings.get(k)
                score = suggest_quality(text, mode, f.key)
                verdicts.append((score.counts if rating is None else rating > 0,
                                 score.reason if rating is None else "your instructor rated it 0"))
        if any(ok for ok, _ in verdicts):
            counted += 1
        elif verdicts:
            notes.append(f"<li>{html_text(f.label)} does not count yet: {html_text(verdicts[-1][1])}.</li>")
    total = len(fields)
    head = (f"<p><strong>{counted} of {total}</strong> exercise{'s' if total != 1 else ''} "
            f"{'count' if counted != 1 else 'counts'} as done in this lesson.</p>")
    return head + (f"<ul>{''.join(notes)}</ul>" if notes else "")


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
            items = "".join(f"<li>quality {c.effective_quality:.2f}"
                            + (f" <strong>({html_text(c.rating_note)})</strong>" if c.rating_note else "")
                            + f": {html_text(shorten(' '.join(c.text.split()), 160))}</li>"
                            for c in mine)
            body = (f"<p>You added <strong>{len(mine)}</strong> {html_text(self.mode.label)} "
                    f"contribution{'s' if len(mine) != 1 else ''} to round {round_} of your spiral:</p><ul>{items}</ul>")
        else:
            body = (f"<p>Nothing from this lesson is in your spiral yet: save an answer above and it is "
                    f"added to round {round_} as {html_text(self.mode.label)}.</p>")
        self.summary.value = (
            f'<div class="seci-recap" role="status" aria-live="polite">{exercise_tally(self.mode, self.progress)}{body}'
            f"<p>Round {round_} so far: {html_text(per_mode)}. The spiral rises only when every mode "
            f'is there. <a href="{html_text(_SPIRAL.href)}">See your knowledge spiral '
            f'({html_text(_SPIRAL.label)})</a>.</p></div>'
        )


class LessonPage(widgets.VBox):
    """The whole lesson of one mode: intro, exercises, quiz, recap, "My work" and "Hand in".

    Build it with :func:`lesson_page`. Attributes a test may use: ``mode``, ``progress`` (the
    learner's store), ``exercises``, ``quiz``, ``recap`` (:class:`LessonRecap`) and ``handin``.
    When the store cannot be opened the page shows why first, then the lesson text and the
    quiz; ``progress``, ``exercises``, ``recap`` and ``handin`` are then ``None``.
    """

    def __init__(self, mode: Mode | str, progress: Progress | None = None):
        self.mode = mode = Mode.parse(mode)
        self.exercises = self.recap = self.handin = None
        intro = lesson_intro(mode)
        progress, problem = open_learner_progress(progress)
        self.progress = progress
        if progress is None:
            self.quiz = persisted_quiz(mode.value, None)
            super().__init__([problem, intro, _heading("Quiz", "quiz"), self.quiz])
            return
        instructor_ratings_in(progress)
        self.exercises = exercises_for(mode, progress)
        self.quiz = persisted_quiz(mode.value, progress)
        self.recap = LessonRecap(mode, progress)
        work, self.handin = work_panel(progress)
        super().__init__([
            intro,
            _heading("Exercises", "exercises"), self.exercises,
            _heading("Quiz", "quiz"), self.quiz,
            _heading("Recap", "recap"), lesson_recap(mode), self.recap,
            work,
        ], layout=widgets.Layout(width="100%"))
        self.add_class(f"seci-lesson-{mode.value}")


class TheoryPage(widgets.VBox):
    """A theory lesson (``theory.toml``; the knowledge-creating company is ``"KCC"``): goals and introduction, then each
    section with its case and checked exercises, the lesson's quiz, a recap with the sources, and
    "My work" and "Hand in". Exercise and quiz answers are saved and restored like the quizzes'.

    Build it with :func:`lesson_page`. Attributes a test may use: ``lesson`` (the
    :class:`~seci_lab.content.theory.TheoryLesson`), ``progress``, ``exercises`` (the
    :class:`~seci_lab.ui.theory.CheckExercise` widgets in page order), ``tally``, ``quiz`` and
    ``handin``. When the store cannot be opened the page says why first and still works, saving
    nothing; ``progress`` and ``handin`` are then ``None``.
    """

    def __init__(self, key: str, progress: Progress | None = None):
        self.lesson = lesson = load_theory_lesson(key)
        self.handin = None
        progress, problem = open_learner_progress(progress)
        self.progress = progress
        self._save_check, answered_checks = check_persistence(progress) if progress else (None, {})
        self.exercises: list[CheckExercise] = []
        sections = []
        for number, section in enumerate(lesson.sections, start=1):
            mine = [CheckExercise(q, len(self.exercises) + k, label=section.title, on_answer=self._checked,
                                  answered=answered_checks.get(q.id))
                    for k, q in enumerate(section.exercises, start=1)]
            self.exercises += mine
            sections.append(section_widget(section, number, mine))
        self.tally = ExerciseTally(self.exercises)
        self.quiz = persisted_quiz(key, progress)
        parts = [problem] if problem is not None else []
        parts += [theory_intro(lesson), *sections, _heading("Quiz", "quiz"), self.quiz,
                  _heading("Recap", "recap"), theory_recap(lesson), self.tally]
        # The team SECI profile (issue 24): a questionnaire about the learner's own team.
        from .team_profile import team_profile_section  # Plotly only when the page is built

        self.team_profile = team_profile_section(progress)
        parts += [_heading("Your team's SECI profile", "team-profile"), self.team_profile]
        if progress is not None:
            work, self.handin = work_panel(progress)
            parts.append(work)
        super().__init__(parts, layout=widgets.Layout(width="100%"))
        self.add_class(f"seci-lesson-{key}")

    def _checked(self, exercise_id: str, record: dict) -> None:
        if self._save_check is not None:
            self._save_check(exercise_id, record)
        self.tally.refresh()


def lesson_page(lesson: Mode | str, progress: Progress | None = None) -> LessonPage | TheoryPage:
    """The whole lesson ``lesson``: a mode's (intro, exercises, quiz, recap, "My work", "Hand in")
    or a theory lesson's (see :class:`TheoryPage`).

    Parameters
    ----------
    lesson : Mode or str
        A mode (or its letter or name), or the key of a theory lesson such as ``"KCC"``.
    progress : Progress, optional
        Where the learner's work is saved; default: the default profile of the learner database.
    """
    if isinstance(lesson, str) and lesson in theory_lessons():
        return TheoryPage(lesson, progress)
    try:
        mode = Mode.parse(lesson)
    except ValueError:
        raise ValueError(f"Unknown lesson {lesson!r}: use a mode (S, E, C or I) or one of "
                         f"{', '.join(theory_lessons())}.") from None
    return LessonPage(mode, progress)


class SpiralPage(widgets.VBox):
    """The spiral lab started from the learner's saved contributions, saving every change.

    Build it with :func:`spiral_page`. Attributes: ``lab`` (the :class:`~seci_lab.ui.spiral.SpiralLab`),
    ``progress`` and ``handin`` (both ``None`` when the store cannot be opened: the page says so
    above a lab that saves nothing).
    """

    def __init__(self, progress: Progress | None = None):
        from .spiral import spiral_lab  # Plotly only on the page that draws the spiral

        self.handin = None
        progress, problem = open_learner_progress(progress)
        self.progress = progress
        if progress is None:
            self.lab = spiral_lab()
            super().__init__([problem, self.lab])
            return
        instructor_ratings_in(progress)
        self._saved = progress.contributions()
        self.lab = None  # _save reads it; the lab calls on_change only after it is built
        from .spiral_parts import PRACTICE_KEY, PracticeGroup

        self.lab = spiral_lab(contributions=self._saved, on_change=self._save, round=progress.round,
                              practice=PracticeGroup.from_record(progress.answer(PRACTICE_KEY)),
                              on_practice=lambda p: progress.save_answer(PRACTICE_KEY, p.record()))
        self.lab.participant.value = progress.name
        work, self.handin = work_panel(progress)
        super().__init__([widgets.HTML('<span id="seci-lab"></span>'), self.lab, work],
                         layout=widgets.Layout(width="100%"))

    def _save(self, contributions: list[Contribution]) -> None:
        progress = self.progress
        progress.apply_changes(self._saved, contributions)  # only the difference: other tabs' work stays
        # Show what counts as saved: a rating may not count as given (the instructor's does).
        self._saved = progress.contributions()
        if self.lab is not None and self._saved != list(contributions):
            self.lab.show_contributions(self._saved)
        # The lab's own round follows the learner's round, so "Start next round" there moves the
        # lesson exercises on to the next round too.
        if self.lab is not None and self.lab.round != progress.round:
            progress.set_round(self.lab.round)


def spiral_page(progress: Progress | None = None) -> SpiralPage:
    """The spiral lab started from the learner's saved contributions, saving every change.

    The lab's own round follows the learner's round, so "Start next round" there moves the lesson
    exercises on to the next round too.
    """
    return SpiralPage(progress)


class CritiquesLesson(widgets.VBox):
    """The critiques lesson and a course review quiz, saving the debate and quiz
    answers in the learner's progress.

    Build it with :func:`critiques_lesson`. Attributes: ``page`` (the
    :class:`~seci_lab.ui.lesson.CritiquesPage`), ``review`` (the course review quiz), ``progress``
    and ``handin``. If the store cannot be opened, the page still works and says its work is not
    saved; ``progress`` and ``handin`` are then ``None``.
    """

    def __init__(self, progress: Progress | None = None):
        self.handin = None
        progress, problem = open_learner_progress(progress)
        self.progress = progress
        if progress is None:
            self.page = critiques_page()
            self.review = persisted_quiz("general", None)
            super().__init__([problem, self.page, self.review])
            return
        # The debate is saved where the page's reflection was: an older reflection comes back as the judgement.
        self.page = critiques_page(on_save=self._save_debate, saved=progress.answer(REFLECTION_KEY),
                                   quiz=persisted_quiz("critiques", progress))
        self.review = persisted_quiz("general", progress)
        handin_box, self.handin = work_panel(progress, my_work_too=False)
        super().__init__([
            self.page,
            widgets.HTML('<h2 id="seci-review">Course review</h2>'
                         "<p>Before you go: a quiz across the whole course "
                         "(the spiral, the levels, ba, the five phases and the enabling conditions).</p>"),
            self.review,
            handin_box,
        ], layout=widgets.Layout(max_width="960px", width="100%"))

    def _save_debate(self, record: dict) -> None:
        self.progress.save_answer(REFLECTION_KEY, record)


def critiques_lesson(progress: Progress | None = None) -> CritiquesLesson:
    """The critiques lesson and a course review quiz, saving the debate and quiz
    answers in the learner's progress.

    ``progress`` is a :class:`seci_lab.store.progress.Progress` (default: the learner's own).
    If the store cannot be opened, the page still works and says its work is not saved.
    """
    return CritiquesLesson(progress)
