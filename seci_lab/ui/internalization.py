"""Internalization exercises: an action plan, a practice log, an After Action Review, and a
before/after self-assessment.

Internalization embodies explicit knowledge as tacit know-how by doing (Nonaka & Takeuchi 1995,
ch. 3). The plan is drawn from the learner's combined page (lesson 03); the practice log keeps
one entry per day; the After Action Review asks its four questions (US Army, TC 25-20, 1993);
the self-assessment shows what changed.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets

from ..content.exercises import load_exercises
from ..escape import html_text, shorten
from ..model import Mode
from ..model.work import (
    BOARD_KEY,
    LOG_PREFIX,
    SELF_KEY,
    Board,
    answer_key,
    log_entries,
    log_key,
    saved_rating,
    self_assessment_record,
)
from ..model.work import plan_sources as board_plan_sources
from ..store.progress import Progress
from .answer import TextAnswer, section_html
from .common import Message, full_width, safe_callback

__all__ = ["InternalizationExercises", "internalization_exercises", "plan_sources"]

MODE = Mode.INTERNALIZATION
_NOT_RATED = ("not rated", 0)
_FULL = full_width()
_AAR = ("aar_intended", "aar_actual", "aar_why", "aar_sustain")
_OWN_IDEA = "My own idea (not from the page)"


def plan_sources(progress: Progress) -> list[str]:
    """The items of the learner's merged page (lesson 03), as "cluster: card" texts."""
    return board_plan_sources(Board.from_record(progress.answer(BOARD_KEY)))


class InternalizationExercises(widgets.VBox):
    """The Internalization exercises.

    Attributes: ``answers`` (key → TextAnswer; the log's key follows ``log_day``),
    ``plan_from``, ``log_day``, ``log_list``, ``before``/``after`` (item → Dropdown),
    ``self_button``, ``self_result``.
    """

    def __init__(self, progress: Progress, today: dt.date | None = None):
        content = load_exercises(MODE)
        self.progress = progress
        self.today = today or dt.date.today()
        fields = {f.key: f for f in content.fields}
        self.message = Message(layout=_FULL)

        # --- action plan --------------------------------------------------------------------------
        self.plan_from = widgets.Dropdown(description="Drawn from your combined page",
                                          style={"description_width": "initial"}, layout=_FULL)
        self.reload_button = widgets.Button(layout=widgets.Layout(width="auto"), description="Reload my page", icon="refresh",
                                            tooltip="Take in the page you merged in the Combination lesson")
        plan_key = answer_key(MODE, "plan")
        self._fill_plan_sources((progress.answer(plan_key) or {}).get("drawn_from"))

        def plan_extras() -> dict:
            if self.plan_from.value not in self.plan_from.options:
                raise ValueError("Choose the item of your combined page the plan is drawn from.")
            return {"drawn_from": self.plan_from.value}

        self.answers = {"plan": TextAnswer(progress, MODE, plan_key, fields["plan"], plan_extras)}

        # --- practice log ---------------------------------------------------------------------------
        self.log_day = widgets.DatePicker(value=self.today, description="Day of practice",
                                          style={"description_width": "initial"})
        self.log_list = widgets.HTML(layout=_FULL)
        self.answers["log"] = TextAnswer(progress, MODE, log_key(self.today), fields["log"],
                                         on_saved=lambda _record: self._show_log())
        self._show_log()

        # --- After Action Review --------------------------------------------------------------------
        for key in _AAR:
            self.answers[key] = TextAnswer(progress, MODE, answer_key(MODE, key), fields[key])

        # --- self-assessment ------------------------------------------------------------------------
        scale = list(content.lists["self_scale"])
        options = [_NOT_RATED] + [(label, i + 1) for i, label in enumerate(scale)]
        saved = progress.answer(SELF_KEY) or {}
        self.items = list(content.lists["self_items"])
        self.before = {}
        self.after = {}
        rows = []
        for n, item in enumerate(self.items, start=1):
            self.before[item] = widgets.Dropdown(options=options, value=saved_rating(saved, "before", item),
                                                 description=f"Before, statement {n}",
                                                 style={"description_width": "initial"})
            self.after[item] = widgets.Dropdown(options=options, value=saved_rating(saved, "after", item),
                                                description=f"After, statement {n}",
                                                style={"description_width": "initial"})
            rows.append(widgets.VBox([widgets.HTML(f"<strong>{n}.</strong> {html_text(item)}"),
                                      widgets.HBox([self.before[item], self.after[item]])]))
        self.self_button = widgets.Button(layout=widgets.Layout(width="auto"), description="Save self-assessment", button_style="primary",
                                          icon="save", tooltip="Save your before and after ratings")
        self.self_result = widgets.HTML(self._self_summary(saved) if saved else "", layout=_FULL)

        self.reload_button.on_click(self._on_reload)
        self.log_day.observe(self._on_day, names="value")
        self.self_button.on_click(self._on_self)

        super().__init__([
            section_html(content.title, content.intro),
            section_html("1. Action plan", level=4),
            widgets.HBox([self.plan_from, self.reload_button]), self.answers["plan"],
            section_html("2. Practice log", "Come back on the days you practise: one entry per day.", level=4),
            self.log_day, self.answers["log"], self.log_list,
            section_html("3. After Action Review", "Four questions after you have practised.", level=4),
            *(self.answers[k] for k in _AAR),
            section_html("4. Before and after", "Rate yourself before you started practising and now "
                         "(1 = not at all, 5 = fully).", level=4, anchor="seci-ex-I-self"),
            *rows, self.self_button, self.message, self.self_result,
        ], layout=_FULL)
        self.add_class("seci-exercises")

    # --- helpers ------------------------------------------------------------------------------------

    def _fill_plan_sources(self, selected: str | None = None) -> None:
        options = plan_sources(self.progress) + [_OWN_IDEA]
        if selected and selected not in options:
            options.insert(0, selected)  # what the saved plan was drawn from, even if the page changed
        self.plan_from.options = options
        self.plan_from.value = selected if selected in options else options[0]

    def _show_log(self) -> None:
        entries = log_entries(self.progress.answers(prefix=LOG_PREFIX))
        if not entries:
            self.log_list.value = "<p>No practice logged yet.</p>"
            return
        items = "".join(
            f"<li><strong>{html_text(day.isoformat())}</strong>: "
            f"{html_text(shorten(' '.join(str(r.get('text', '')).split()), 160))}</li>"
            for day, r in entries
        )
        self.log_list.value = f"<p><strong>Your practice log ({len(entries)} days)</strong></p><ul>{items}</ul>"

    def _self_summary(self, record: dict) -> str:
        lines = []
        for n, item in enumerate(self.items, start=1):
            b, a = saved_rating(record, "before", item), saved_rating(record, "after", item)
            if b and a:
                change = "no change" if a == b else (f"up {a - b}" if a > b else f"down {b - a}")
                lines.append(f"<li>Statement {n}: {b} → {a} ({change})</li>")
        if not lines:
            return "<p>Rate a statement both before and after to see the change.</p>"
        return "<p><strong>Your change</strong></p><ul>" + "".join(lines) + "</ul>"

    # --- callbacks ----------------------------------------------------------------------------------

    @safe_callback(lambda self: self.message)
    def _on_reload(self, _button=None) -> None:
        self._fill_plan_sources(self.plan_from.value)
        n = len(self.plan_from.options) - 1
        self.message.show("info", f"{n} item(s) from your combined page." if n else
                          "No merged page yet: merge your cards in lesson 03, or plan from your own idea.")

    @safe_callback(lambda self: self.answers["log"].message)
    def _on_day(self, change) -> None:
        day = change["new"]
        if not isinstance(day, dt.date):
            raise ValueError("Choose the day you practised.")
        if abs((day - self.today).days) > 366:
            raise ValueError("Choose a day within a year of today.")
        self.answers["log"].set_key(log_key(day))

    @safe_callback(lambda self: self.message)
    def _on_self(self, _button=None) -> None:
        record = self_assessment_record(self.items, {item: d.value for item, d in self.before.items()},
                                             {item: d.value for item, d in self.after.items()})
        self.progress.save_answer(SELF_KEY, record)
        self.self_result.value = self._self_summary(record)
        self.message.show("ok", "Self-assessment saved.")


def internalization_exercises(progress: Progress, today: dt.date | None = None) -> InternalizationExercises:
    """Build the Internalization exercises for ``progress`` (it does not display itself)."""
    return InternalizationExercises(progress, today=today)
