"""Lesson text as widgets: a mode's introduction and recap, and the critiques page.

The text is our own content from ``seci_lab/content`` (validated on load). It is still passed
through :func:`seci_lab.escape.html_text`; the markup around it is built here. Nothing here
opens the learner's store: :mod:`seci_lab.ui.lessons` binds these widgets to it.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from ..content import Lesson, load_critiques, load_lesson
from ..content.sources import references
from ..escape import html_text
from ..model import TEXT_MAX_CHARS, Mode, normalize_text
from .common import Message, safe_callback

__all__ = ["CritiquesPage", "critiques_page", "lesson_intro", "lesson_recap"]

_FULL = widgets.Layout(width="100%")


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
        f"<h1>{html_text(lesson.title)}</h1>"
        f"<h2>What you will learn</h2>{_list(lesson.goals)}"
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
    """The critiques page: text, a reflection box with Save, and the critiques quiz.

    Attributes a test may use: ``reflection`` (Textarea), ``save_button``, ``counter``,
    ``message``, ``quiz``, ``saved_text`` (the last text handed to ``on_save``).
    """

    def __init__(self, *, on_save: Callable[[str], None] | None = None, saved: str | None = None,
                 on_answer: Callable[[str, dict], None] | None = None,
                 answered: dict[str, dict] | None = None):
        from .quiz import quiz_widget

        content = load_critiques()
        self.on_save = on_save
        self.saved_text = saved if isinstance(saved, str) else None
        sections = "".join(
            f"<h2>{html_text(s.title)}</h2><p style='color:#555'><em>{html_text(s.who)}</em></p>"
            f"{_paragraphs(s.paragraphs)}"
            for s in content.sections
        )
        text = widgets.HTML(
            f'<div class="seci-critiques" style="max-width:48em"><h1>{html_text(content.title)}</h1>'
            f"{_paragraphs(content.intro)}{sections}"
            f"<h2>{html_text(content.reply_title)}</h2>{_paragraphs(content.reply)}"
            f"<details><summary>Sources</summary>{_list(references(content.sources))}</details></div>",
            layout=_FULL,
        )
        prompt = widgets.HTML(
            f"<h2>Your reflection</h2><p>{html_text(content.debate.part('judgement').prompt)}</p>", layout=_FULL
        )
        self.reflection = widgets.Textarea(
            value=self.saved_text or "", rows=6, layout=widgets.Layout(width="auto"),
            placeholder="Write your reflection here…",
            description="Your reflection", style={"description_width": "initial"},
        )
        self.counter = widgets.Label()
        self.save_button = widgets.Button(
            description="Save reflection", button_style="primary", icon="save",
            tooltip="Save your reflection",
        )
        self.message = Message()
        if on_save is None:
            self.message.show("info", "Your reflection is not saved on this page; copy it somewhere if you want to keep it.")
        elif self.saved_text:
            self.message.show("ok", "Your saved reflection is back in the box.")
        self.reflection.observe(self._on_typing, names="value")
        self.save_button.on_click(self._on_save)
        self._update_counter()
        self.quiz = quiz_widget("critiques", on_answer=on_answer, answered=answered)
        super().__init__(
            [text, prompt, self.reflection, widgets.HBox([self.save_button, self.counter]), self.message, self.quiz],
            layout=widgets.Layout(max_width="960px", width="100%"),
        )

    def _update_counter(self) -> None:
        n = len(normalize_text(self.reflection.value or ""))
        over = " (too long)" if n > TEXT_MAX_CHARS else ""
        self.counter.value = f"{n} / {TEXT_MAX_CHARS} characters{over}"

    def _on_typing(self, _change=None) -> None:
        self._update_counter()

    def _on_save(self, _button=None) -> None:
        self.save()

    @safe_callback(lambda self: self.message)
    def save(self) -> None:
        """Check the reflection and hand it to ``on_save``. The text stays in the box either way."""
        raw = self.reflection.value if isinstance(self.reflection.value, str) else ""
        text = normalize_text(raw)
        if not text:
            raise ValueError("Write your reflection first: the box is empty.")
        if len(text) > TEXT_MAX_CHARS:
            raise ValueError(
                f"Your reflection has {len(text)} characters; the limit is {TEXT_MAX_CHARS}. "
                "Shorten it and save again (your text is still in the box)."
            )
        if self.on_save is None:
            self.message.show("info", "This page cannot save your reflection; copy it somewhere to keep it.")
            return
        self.on_save(text)
        self.saved_text = text
        self.message.show("ok", "Your reflection is saved.")


def critiques_page(*, on_save: Callable[[str], None] | None = None, saved: str | None = None,
                   on_answer: Callable[[str, dict], None] | None = None,
                   answered: dict[str, dict] | None = None) -> widgets.Widget:
    """The critiques page with a reflection prompt and the critiques quiz.

    Parameters
    ----------
    on_save
        Called with the (normalised) reflection text when the learner saves a valid one.
    saved
        A previously saved reflection, put back in the box.
    on_answer, answered
        As in :func:`seci_lab.ui.quiz.quiz_widget`, for the critiques quiz.
    """
    return CritiquesPage(on_save=on_save, saved=saved, on_answer=on_answer, answered=answered)
