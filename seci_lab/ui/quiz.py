"""The lesson quiz: a seeded set of items from the bank, checked and explained one by one.

The widgets only collect an answer and show what :func:`seci_lab.model.check` returns. Every
answer is checked again in Python, so a forged widget value (an option the question does
not have) gets a clear message and is never recorded.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from ..content import questions_for
from ..escape import html_text
from ..model import LESSONS, TOPICS, AnswerError, Feedback, Mode, Question, QuizSession
from ..model.work import quiz_record
from .common import Message, full_width, keep_choice, safe_callback

__all__ = ["QuizItem", "QuizWidget", "quiz_widget"]

_FULL = full_width()
_TITLES = {
    "S": "Quiz: Socialization",
    "E": "Quiz: Externalization",
    "C": "Quiz: Combination",
    "I": "Quiz: Internalization",
    "critiques": "Quiz: the critiques",
    "general": "Course review quiz",
    "KCC": "Quiz: the knowledge-creating company",
}
_KIND_HELP = {
    "classify": "Which mode is this? Choose one.",
    "choice": "Choose one answer.",
    "match": "Choose a match for every item.",
    "order": "Put the steps in order with the Up and Down buttons.",
}
_NOT_CHOSEN = ""
# Radio labels in ipywidgets have a fixed height; long options would overlap the next one.
_STYLE = (
    "<style>.seci-quiz .widget-radio-box label{display:flex;flex-direction:row;height:auto;"
    "min-height:var(--jp-widgets-inline-height);white-space:normal;line-height:1.35;"
    "align-items:flex-start;padding:0.15em 0}"
    ".seci-quiz .widget-radio-box input{float:none;order:-1;margin:0.2em 0.5em 0 1px;flex:0 0 auto}"
    ".seci-quiz .widget-radio-box{flex:1 1 auto;min-width:0}</style>"
)


def _lesson_key(lesson: object) -> str:
    if isinstance(lesson, str) and lesson in LESSONS:
        return lesson
    try:
        return Mode.parse(lesson).value
    except ValueError:
        raise ValueError(f"Unknown quiz {lesson!r}: use one of {', '.join(LESSONS)}.") from None


_RECHECK_NOTE = ("This re-check is for practice: your first answer in this set counts towards mastery, "
                 "since the explanation was already shown.")


#: How the right option is marked in the list once an answer was checked (words, not only a symbol).
RIGHT_MARK = "  ✓ the answer"


def _feedback_html(feedback: Feedback, *, counts: bool = True, listed: bool = False) -> str:
    """The feedback of a checked answer. ``listed``: the options are a list that now marks the
    right one, so the summary line that names it again is left out (the explanations follow)."""
    verdict = "Correct" if feedback.correct else ("Partly right" if feedback.score > 0 else "Not quite")
    icon = "✔" if feedback.correct else "✘"
    colour = "#1e5e2f" if feedback.correct else "#8a1c1c"
    items = "".join(
        f"<li><strong>{html_text(label)}</strong><br>{html_text(text)}</li>"
        for label, text in feedback.explanations
    )
    return (
        f'<div class="seci-feedback" role="status" aria-live="polite" '
        f'style="border-left:4px solid {colour};padding:0.3em 0.7em;margin:0.3em 0">'
        f'<p style="margin:0.2em 0"><strong style="color:{colour}">{icon} {verdict}</strong> '
        f"(score {round(feedback.score * 100)}%)."
        + ("" if listed and feedback.explanations else f" {html_text(feedback.message)}") + "</p>"
        f'<ul style="margin:0.2em 0;padding-left:1.2em">{items}</ul>'
        + ("" if counts else f'<p class="seci-recheck" style="margin:0.2em 0"><em>{html_text(_RECHECK_NOTE)}</em></p>')
        + "</div>"
    )


class QuizItem(widgets.VBox):
    """One question with its controls, Check and Hint buttons, hints and feedback.

    Attributes a test may use: ``question``, ``choice`` (RadioButtons: classify, choice),
    ``dropdowns`` (dict item key -> Dropdown: match), ``order`` (list of option keys: order)
    with ``up_buttons``/``down_buttons``, ``check_button``, ``hint_button``, ``hint_box``,
    ``feedback`` (HTML), ``message``, ``hints_shown``.

    ``quiz`` is its owner: a :class:`QuizWidget`, or anything with a ``session``
    (:class:`QuizSession`) and an ``_answered(item, answer, feedback)`` method, such as a theory
    lesson's exercise. ``label`` heads it with its number ("Question 3", "Exercise 3").
    ``mastery`` says whether its owner counts first answers towards mastery (a quiz does): then
    a re-check after the explanation was shown says that it is practice.
    """

    def __init__(self, quiz: "QuizWidget", question: Question, number: int, *, label: str = "Question",
                 mastery: bool = True):
        self.quiz = quiz
        self.mastery = mastery
        self.question = question
        self.hints_shown = 0
        self.message = Message()
        self.feedback = widgets.HTML()
        self.hint_box = widgets.HTML()
        self.choice: widgets.RadioButtons | None = None
        self.dropdowns: dict[str, widgets.Dropdown] = {}
        self.order: list[str] = []
        self.up_buttons: dict[str, widgets.Button] = {}
        self.down_buttons: dict[str, widgets.Button] = {}
        self.order_box = widgets.VBox()

        # A classify item's topic is the mode it is keyed to, so showing it would give the answer.
        topic = "" if question.kind == "classify" else TOPICS.get(question.topic, question.topic)
        topic_html = f' <span style="color:#555">({html_text(topic)})</span>' if topic else ""
        heading = widgets.HTML(
            f'<p style="margin:0.2em 0"><strong>{html_text(label)} {number}</strong>{topic_html}</p>'
            f'<p style="margin:0.2em 0">{html_text(question.prompt)}</p>'
            f'<p style="margin:0.2em 0;color:#555"><em>{html_text(_KIND_HELP[question.kind])}</em></p>',
            layout=_FULL,
        )
        controls = self._controls()
        self.check_button = widgets.Button(
            description="Check", button_style="primary", icon="check",
            tooltip=f"Check your answer to {label.lower()} {number}",
        )
        self.hint_button = widgets.Button(
            description="Hint", icon="lightbulb-o", tooltip=f"Show a hint for {label.lower()} {number}",
        )
        self.check_button.on_click(self._on_check)
        self.hint_button.on_click(self._on_hint)
        super().__init__(
            [heading, controls, widgets.HBox([self.check_button, self.hint_button]),
             self.hint_box, self.message, self.feedback],
            layout=widgets.Layout(border="1px solid #ccc", padding="0.4em 0.8em", margin="0.4em 0", width="100%"),
        )

    # -- controls ------------------------------------------------------------------------
    def _controls(self) -> widgets.Widget:
        q = self.question
        if q.kind in ("classify", "choice"):
            self.choice = widgets.RadioButtons(
                options=[(o.text, o.key) for o in q.options], value=None,
                description="Your answer", style={"description_width": "initial"},
                layout=widgets.Layout(width="100%"),
            )
            return self.choice
        if q.kind == "match":
            rows = []
            choices = [("Choose…", _NOT_CHOSEN)] + [(o.text, o.key) for o in q.options]
            for n, item in enumerate(q.items, start=1):
                dropdown = widgets.Dropdown(
                    options=choices, value=_NOT_CHOSEN, description=f"Match {n}",
                    tooltip=item.text, layout=widgets.Layout(width="auto", max_width="100%"),
                )
                self.dropdowns[item.key] = dropdown
                rows.append(widgets.HTML(f'<p style="margin:0.3em 0 0 0">{n}. {html_text(item.text)}</p>'))
                rows.append(dropdown)
            return widgets.VBox(rows, layout=_FULL)
        # order
        self.order = [o.key for o in self.quiz.session.option_order(q)]
        self._render_order()
        return self.order_box

    def _render_order(self) -> None:
        rows = []
        self.up_buttons, self.down_buttons = {}, {}
        for position, key in enumerate(self.order, start=1):
            text = self.question.option(key).text
            up = widgets.Button(description="Up", icon="arrow-up", tooltip=f"Move '{text}' up",
                                disabled=position == 1, layout=widgets.Layout(width="auto"))
            down = widgets.Button(description="Down", icon="arrow-down", tooltip=f"Move '{text}' down",
                                  disabled=position == len(self.order), layout=widgets.Layout(width="auto"))
            up.on_click(self._mover(key, -1))
            down.on_click(self._mover(key, +1))
            self.up_buttons[key], self.down_buttons[key] = up, down
            label = widgets.HTML(f'<span style="line-height:2">{position}. {html_text(text)}</span>',
                                 layout=widgets.Layout(flex="1 1 auto"))
            rows.append(widgets.HBox([up, down, label], layout=_FULL))
        self.order_box.children = rows

    def _mover(self, key: str, step: int) -> Callable:
        def on_move(_button=None):
            self.move(key, step)
        return on_move

    @safe_callback(lambda self: self.message)
    def move(self, key: str, step: int) -> None:
        """Move step ``key`` up (-1) or down (+1). Moving past either end does nothing."""
        if key not in self.order:
            raise AnswerError("That step is not part of this question.")
        i = self.order.index(key)
        j = i + step
        if 0 <= j < len(self.order):
            self.order[i], self.order[j] = self.order[j], self.order[i]
            self._render_order()

    def current_answer(self) -> object:
        """The answer as the controls show it (JSON-shaped, see ``seci_lab.model.check``)."""
        q = self.question
        if q.kind in ("classify", "choice"):
            return self.choice.value
        if q.kind == "match":
            return {k: d.value for k, d in self.dropdowns.items() if d.value != _NOT_CHOSEN}
        return list(self.order)

    def show_answer(self, answer: object) -> None:
        """Put a (valid) previous answer back into the controls."""
        q = self.question
        if q.kind in ("classify", "choice"):
            self.choice.value = answer
        elif q.kind == "match":
            for key, value in dict(answer).items():
                self.dropdowns[key].value = value
        else:
            self.order = list(answer)
            self._render_order()

    def restore(self, record: dict, feedback: Feedback, *, counts: bool = True) -> None:
        """Show a saved answer (already checked into ``feedback``), its feedback and the hints it
        used; ``counts`` is False for a re-check that did not count towards mastery."""
        self.show_answer(record.get("answer"))
        self.feedback.value = _feedback_html(feedback, counts=counts, listed=self._mark_the_answer())
        hints = record.get("hints_used", 0)
        if isinstance(hints, int) and hints > 0:
            self.hints_shown = min(hints, len(self.question.hints))
            self._render_hints()

    # -- callbacks -----------------------------------------------------------------------
    def _on_check(self, _button=None) -> None:
        self.submit(self.current_answer())

    @safe_callback(lambda self: self.message)
    def submit(self, answer: object) -> None:
        """Check ``answer``; show feedback, update the score and report it via ``on_answer``."""
        self.message.clear()
        counts = self.quiz.session.counts(self.question.id)
        feedback = self.quiz.session.answer(self.question.id, answer)  # AnswerError -> message
        self.feedback.value = _feedback_html(feedback, counts=counts or not self.mastery,
                                             listed=self._mark_the_answer())
        self.quiz._answered(self, answer, feedback)

    def _mark_answer_options(self) -> list[tuple[str, str]]:
        return [(o.text + (RIGHT_MARK if o.key == self.question.answer else ""), o.key)
                for o in self.question.options]

    def _mark_the_answer(self) -> bool:
        """Once an answer was checked, the right option says so in the list (radio items only);
        True when it did."""
        if self.choice is None:
            return False
        keep_choice(self.choice, self._mark_answer_options())
        return True

    def _on_hint(self, _button=None) -> None:
        self.next_hint()

    @safe_callback(lambda self: self.message)
    def next_hint(self) -> None:
        """Show one more hint: a nudge first, more on each request."""
        hints = self.question.hints
        if self.hints_shown >= len(hints):
            self.message.show("info", "That was the last hint. The feedback after Check explains every option.")
            return
        self.hints_shown += 1
        self._render_hints()

    def _render_hints(self) -> None:
        hints = self.question.hints
        shown = "".join(f"<li>{html_text(h)}</li>" for h in hints[: self.hints_shown])
        self.hint_box.value = (
            f'<div class="seci-hints" role="status" aria-live="polite"><strong>Hints</strong> '
            f"({self.hints_shown} of {len(hints)})<ol style='margin:0.2em 0'>{shown}</ol></div>"
        )
        last = self.hints_shown >= len(hints)
        self.hint_button.description = "No more hints" if last else "Another hint"
        self.hint_button.disabled = last


class QuizWidget(widgets.VBox):
    """A lesson's quiz. Build it with :func:`quiz_widget`.

    Attributes a test may use: ``session`` (the pure :class:`QuizSession`), ``items``
    (list of :class:`QuizItem`, one per question of the current set), ``status`` (HTML
    score and mastery), ``retry_button``, ``message``.
    """

    def __init__(self, lesson: str, *, n: int = 6, seed: int | None = None,
                 on_answer: Callable[[str, dict], None] | None = None,
                 answered: dict[str, dict] | None = None,
                 shown: dict | None = None, on_set: Callable[[dict], None] | None = None):
        self.lesson = _lesson_key(lesson)
        self.on_answer = on_answer
        self.on_set = on_set
        self.records: dict[str, dict] = {}
        self.session, restored = QuizSession.resume(questions_for(self.lesson), answered or {}, n=n, seed=seed,
                                                    shown=shown)
        self.message = Message()
        self.status = widgets.HTML(layout=_FULL)
        self.retry_button = widgets.Button(
            description="Try a new set", icon="refresh",
            tooltip="Draw a new set of questions, starting with ones you have not seen",
        )
        self.retry_button.on_click(self._on_retry)
        self.items_box = widgets.VBox(layout=_FULL)
        self.items: list[QuizItem] = []
        title = widgets.HTML(
            f"{_STYLE}<h3>{html_text(_TITLES[self.lesson])}</h3>"
            f"<p>{len(self.session.current)} questions. Check each answer to see why every option is "
            f"right or wrong; use Hint if you are stuck. You master this quiz with "
            f"{round(self.session.threshold * 100)}% or more.</p>",
            layout=_FULL,
        )
        self._build_items(restored)
        if self.session.shown_record() != shown:
            self._remember_set()
        super().__init__([title, self.items_box, self.status, self.retry_button, self.message],
                         layout=widgets.Layout(max_width="960px", width="100%"))
        self.add_class("seci-quiz")

    def _build_items(self, restored: dict[str, tuple[dict, Feedback]]) -> None:
        self.items = [QuizItem(self, q, k) for k, q in enumerate(self.session.current, start=1)]
        for item in self.items:
            if item.question.id in self.session.results and item.question.id in restored:
                record, feedback = restored[item.question.id]
                counted = self.session.counted.get(item.question.id)
                item.restore(record, feedback, counts=counted is None or counted == feedback)
                self.records[item.question.id] = dict(record)
        self.items_box.children = self.items
        self._update_status()

    # -- events --------------------------------------------------------------------------
    def _answered(self, item: QuizItem, answer: object, feedback: Feedback) -> None:
        item_id = item.question.id
        counts = self.session.counted.get(item_id) is feedback  # this answer is the one that counts
        record = quiz_record(
            self.records.get(item_id), lesson=self.lesson, kind=item.question.kind, answer=answer,
            correct=feedback.correct, score=feedback.score, attempts=self.session.attempts.get(item_id, 1),
            hints_used=item.hints_shown, round=self.session.round, counts=counts)
        self.records[item_id] = record
        self._update_status()
        if self.on_answer is not None:
            self.on_answer(item_id, dict(record))

    def _on_retry(self, _button=None) -> None:
        self.retry()

    @safe_callback(lambda self: self.message)
    def retry(self) -> None:
        """Draw a new set: questions not seen yet first, then the least recently seen."""
        self.message.clear()
        self.session.retry()
        self._build_items({})
        self._remember_set()
        self.message.show("info", "Here is a new set. Questions you have not seen come first.")

    def _remember_set(self) -> None:
        """Save the set now shown, so a reload shows the same questions (answered or not)."""
        if self.on_set is not None:
            self.on_set(self.session.shown_record())

    def _update_status(self) -> None:
        s = self.session
        total = len(s.current)
        points = sum(f.score for f in s.counted.values())  # first attempts: re-checks do not count
        if s.mastered:
            verdict = "<strong>Mastered ✔</strong>: well done. Try a new set to practise more."
        elif s.complete:
            verdict = (f"<strong>Not yet mastered</strong>: you need {round(s.threshold * 100)}%. "
                       "Read the explanations, then try a new set.")
        else:
            verdict = (f"{s.answered} of {total} answered. Mastery needs {round(s.threshold * 100)}% of the set, "
                       "counting your first answer to each question.")
        self.status.value = (
            f'<p role="status" aria-live="polite" class="seci-quiz-status">Score: '
            f"{points:.1f} of {total} ({round(s.score * 100)}%). {verdict}</p>"
        )


def quiz_widget(lesson: str, *, n: int = 6, seed: int | None = None,
                on_answer: Callable[[str, dict], None] | None = None,
                answered: dict[str, dict] | None = None, shown: dict | None = None,
                on_set: Callable[[dict], None] | None = None) -> widgets.Widget:
    """Build the quiz of one lesson.

    Parameters
    ----------
    lesson
        ``"S"``, ``"E"``, ``"C"``, ``"I"`` (or a :class:`Mode`), ``"critiques"``, ``"general"``
        or ``"KCC"``.
    n
        Questions per set (capped at the lesson's pool size).
    seed
        Makes the drawn set and the order of steps repeatable; ``None`` draws at random.
    on_answer
        Called as ``on_answer(item_id, record)`` after every valid Check. ``record`` is
        JSON-able (:func:`seci_lab.model.work.quiz_record`): ``lesson``, ``kind``, ``answer``,
        ``correct``, ``score``, ``attempts``, ``hints_used`` and ``round`` of the latest attempt,
        ``first`` (the first attempt ever) and ``counted`` (the one that counts for mastery).
    answered
        Records previously passed to ``on_answer`` (``{item_id: record}``): the latest set is
        shown again with those answers and their feedback. Unknown or invalid records are
        ignored.
    shown, on_set
        ``on_set(record)`` is called with the set shown each time a set is drawn (JSON-able:
        ``round`` and ``items``); give the latest such record back as ``shown`` and a reload shows
        the same questions, answered or not, instead of drawing new ones.

    Returns
    -------
    QuizWidget
        Not displayed; the notebook displays it.
    """
    return QuizWidget(lesson, n=n, seed=seed, on_answer=on_answer, answered=answered, shown=shown, on_set=on_set)
