"""Lesson text as widgets: a mode's introduction and recap, and the critiques lesson.

The text is our own content from ``seci_lab/content`` (validated on load). It is still passed
through :func:`seci_lab.escape.html_text`; the markup around it is built here. Nothing here
opens the learner's store: :mod:`seci_lab.ui.lessons` binds these widgets to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Callable

import ipywidgets as widgets

from ..content import Lesson, load_critiques, load_lesson
from ..content.course import page_of_kind
from ..content.sources import references
from ..escape import html_text
from ..model import Mode
from .common import full_width

__all__ = ["CritiquesPage", "critiques_page", "lesson_intro", "lesson_recap"]

_FULL = full_width()


def _paragraphs(texts) -> str:
    return "".join(f"<p>{html_text(t)}</p>" for t in texts)


def _list(texts, tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{html_text(t)}</li>" for t in texts) + f"</{tag}>"


def _facts_table(mode: Mode) -> str:
    # The same facts the dashboards use (seci_lab.model.modes), so lesson and spiral agree.
    rows = (
        ("Conversion", mode.conversion),
        ("What it creates", mode.creates),
        ("What sets it off", mode.trigger),
        ("Its ba (shared context)", mode.ba),
        ("Typical activities", ", ".join(mode.facts.activities)),
    )
    body = "".join(
        f'<tr><th scope="row" style="text-align:left;padding:0.2em 0.8em 0.2em 0;vertical-align:top">'
        f'{html_text(k)}</th><td style="text-align:left;padding:0.2em 0">{html_text(v)}</td></tr>'
        for k, v in rows
    )
    return (f'<table class="seci-facts"><caption style="text-align:left"><strong>'
            f"{html_text(mode.label)} at a glance</strong></caption>{body}</table>")


def _intro_html(lesson: Lesson) -> str:
    case = lesson.case
    return (
        f'<div class="seci-lesson-intro" style="max-width:48em">'
        f'<p class="seci-lead">{html_text(lesson.title)}</p>'
        f'<h2 id="seci-goals">What you will learn</h2>{_list(lesson.goals)}'
        f"<h2>The mode explained</h2>{_facts_table(lesson.mode)}{_paragraphs(lesson.explanation)}"
        f"<h2>A classic case: {html_text(case.title)}</h2>{_paragraphs(case.paragraphs)}"
        f'<p style="color:#555"><em>Told in our own words after {html_text(case.source)}.</em></p>'
        f"<details><summary>Sources</summary>{_list(references(lesson.sources))}</details>"
        f"</div>"
    )


def lesson_intro(mode: Mode | str) -> widgets.Widget:
    """The start of a mode's lesson: goals, the mode explained (with its facts), a classic case, sources.

    Parameters
    ----------
    mode
        A :class:`Mode`, its letter or its name.
    """
    lesson = load_lesson(mode)
    widget = widgets.HTML(_intro_html(lesson), layout=_FULL)
    widget.add_class("seci-lesson-intro")
    return widget


def lesson_recap(mode: Mode | str) -> widgets.Widget:
    """The recap text of a mode's lesson (what to remember, and what comes next)."""
    lesson = load_lesson(mode)
    widget = widgets.HTML(
        f'<div class="seci-lesson-recap" style="max-width:48em">{_list(lesson.recap)}</div>', layout=_FULL
    )
    return widget


class CritiquesPage(widgets.VBox):
    """The critiques lesson, in the shape of the other lessons: the goals, the critiques and
    Nonaka's reply, the critiques as switches of a live spiral, a debate exercise with feedback,
    the critiques quiz, a recap and the sources.

    Parameters
    ----------
    on_save
        Called with the debate's record (see :func:`seci_lab.ui.critiques.debate_record`) each
        time the learner checks a debate with something in it.
    saved
        A saved debate record, put back in the boxes (an older reflection record, with only a
        text, comes back as the judgement).
    quiz
        The critiques quiz to show (:func:`seci_lab.ui.lessons.persisted_quiz` saves it); by default
        one that saves nothing.

    Attributes a test may use: ``switches`` (:class:`~seci_lab.ui.critiques.CritiqueSwitchesPanel`),
    ``debate`` (:class:`~seci_lab.ui.critiques.DebateExercise`), ``quiz`` and ``recap`` (HTML).
    """

    def __init__(self, *, on_save: Callable[[dict], None] | None = None, saved: Mapping | None = None,
                 quiz: widgets.Widget | None = None):
        from .critiques import CritiqueSwitchesPanel, DebateExercise
        from .quiz import quiz_widget

        content = load_critiques()
        sections = "".join(
            f"<h3>{html_text(s.title)}</h3><p style='color:#555'><em>{html_text(s.who)}</em></p>"
            f"{_paragraphs(s.paragraphs)}"
            for s in content.sections
        )
        text = widgets.HTML(
            f'<div class="seci-critiques" style="max-width:48em"><p class="seci-lead">{html_text(content.title)}</p>'
            f'<h2 id="seci-goals">What you will learn</h2>{_list(content.goals)}{_paragraphs(content.intro)}'
            f'<h2 id="seci-critiques">The critiques</h2>{sections}'
            f"<h3>{html_text(content.reply_title)}</h3>{_paragraphs(content.reply)}</div>",
            layout=_FULL,
        )
        self.switches = CritiqueSwitchesPanel()
        self.debate = DebateExercise(on_save=on_save, saved=saved, on_checked=self._show_recap)
        self.quiz = quiz if quiz is not None else quiz_widget("critiques")
        self.recap = widgets.HTML(layout=_FULL)
        self._recap_text = f'<div class="seci-lesson-recap" style="max-width:48em">{_list(content.recap)}</div>'
        self._show_recap(saved if isinstance(saved, Mapping) and "parts" in saved else None)
        super().__init__([
            text, self.switches,
            widgets.HTML('<h2 id="seci-exercises">Exercise</h2>', layout=_FULL), self.debate,
            widgets.HTML('<h2 id="seci-quiz">Quiz</h2>', layout=_FULL), self.quiz,
            widgets.HTML('<h2 id="seci-recap">Recap</h2>', layout=_FULL), self.recap,
            widgets.HTML(f"<h2>Sources</h2>{_list(references(content.sources))}"
                         f'<p>Every work the course cites: <a href="{html_text(page_of_kind("sources").href)}">'
                         'the sources page</a>.</p>',
                         layout=_FULL),
        ], layout=widgets.Layout(max_width="960px", width="100%"))
        self.add_class("seci-lesson-critiques")

    def _show_recap(self, record: Mapping | None) -> None:
        """The recap text, and where the learner's debate stands."""
        if record is None:
            mine = ("<p>Your debate is not checked yet: choose a critique above, write the four parts "
                    "and press Check my debate.</p>")
        else:
            content = load_critiques()
            try:
                title = content.section(str(record.get("critique"))).title
            except KeyError:
                title = "a critique"
            count = record.get("substantive")
            count = count if isinstance(count, int) and not isinstance(count, bool) else 0
            mine = (f"<p>Your debate on <em>{html_text(title)}</em>: {count} of {len(content.debate.parts)} "
                    "parts are there and substantive.</p>")
        self.recap.value = (f'{self._recap_text}<div class="seci-recap" role="status" aria-live="polite">'
                            f"{mine}</div>")


def critiques_page(*, on_save: Callable[[dict], None] | None = None, saved: Mapping | None = None,
                   quiz: widgets.Widget | None = None) -> CritiquesPage:
    """The critiques lesson as one widget (see :class:`CritiquesPage` for the parameters)."""
    return CritiquesPage(on_save=on_save, saved=saved, quiz=quiz)
