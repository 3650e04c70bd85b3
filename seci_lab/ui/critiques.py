"""The critiques lesson's two interactive parts: the critiques as switches of a live spiral, and
a structured debate with feedback.

The widgets wire the learner's input to pure functions (``model.critique_switches``,
``model.debate``) and show what comes back. The spiral is drawn with the course's own figure
(:func:`seci_lab.figures.spiral_top_view`) in ``FigureWidget``s built with their data, never
through an ``Output`` filled while the page first runs (docs/architecture.md). A change of the switches
builds new figures rather than updating the old ones in place: an update sent before the
browser has drawn a figure (plotly.js may still be loading when a learner flips a switch) is
lost, while a new figure shows what it holds whenever it is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets

from ..content import DEBATE_PARTS, load_critiques
from ..content.examples import DEBATE, example_for, example_texts
from ..escape import html_text
from ..model import TEXT_MAX_CHARS, normalize_text
from ..model.contributions import shorten
from ..model.critique_switches import CritiqueSwitches, Outcome, describe_change, simulate_sample
from ..model.debate import MISSING, SUBSTANTIVE, DebateCheck, check_debate
from .common import Message, frame_html, full_width, safe_callback
from .examples import ExampleReveal

__all__ = ["CritiqueSwitchesPanel", "DebateExercise", "debate_record", "page_texts"]

_FULL = full_width()
_WIDE = {"description_width": "initial"}
#: The codifiable share φ the learner can choose, with what each means.
PHI_CHOICES = (
    ("1.00: all tacit knowledge could be put into words", 1.0),
    ("0.80", 0.8),
    ("0.60: the model's default", 0.6),
    ("0.40", 0.4),
    ("0.30", 0.3),
    ("0.20", 0.2),
    ("0.10: almost none of it can", 0.1),
)
_STATUS_WORDS = {SUBSTANTIVE: "there and substantive", "thin": "there, but needs more", MISSING: "missing"}


def page_texts() -> tuple[str, ...]:
    """Everything the critiques page says: a debate part that mostly repeats it is no answer."""
    c = load_critiques()
    return (*c.intro, *c.goals, *(p for s in c.sections for p in s.paragraphs), *c.reply, *c.switches.intro,
            *c.recap, c.debate.intro, *(t for p in c.debate.parts for t in (p.prompt, p.placeholder, *p.hints)))


# --------------------------------------------------------------------------- the switches


def _outcome_rows(base: Outcome, changed: Outcome) -> str:
    def ups(o: Outcome) -> str:
        return ", ".join(str(r) for r in o.level_ups) or "none"

    rows = (
        ("Level reached", base.level.label, changed.level.label),
        ("Level-ups in rounds", ups(base), ups(changed)),
        ("Explicit knowledge per person", f"{base.explicit:.2f}", f"{changed.explicit:.2f}"),
        ("Tacit knowledge per person", f"{base.tacit:.2f}", f"{changed.tacit:.2f}"),
        ("Shared part of the tacit knowledge", f"{base.shared:.0%}", f"{changed.shared:.0%}"),
    )
    body = "".join(f'<tr><th scope="row" style="text-align:left;padding-right:1em">{html_text(a)}</th>'
                   f"<td>{html_text(b)}</td><td>{html_text(c)}</td></tr>" for a, b, c in rows)
    return ('<table class="seci-critique-table"><caption style="text-align:left">The two spirals after '
            '12 rounds, in numbers</caption><thead><tr><th></th><th scope="col">Model defaults</th>'
            f'<th scope="col">With your switches</th></tr></thead><tbody>{body}</tbody></table>')


class CritiqueSwitchesPanel(widgets.VBox):
    """Switch Bratianu's and Polanyi and Tsoukas's critiques on in the spiral model and see what changes.

    Two top views of the same sample group, drawn to one scale: the model's defaults, and the
    model with the learner's switches. A sentence and a table say the same in words.

    Attributes a test may use: ``transfer_only`` (Checkbox), ``phi`` (Dropdown), ``reset_button``,
    ``defaults_figure`` and ``figure`` (the FigureWidgets shown now, in ``charts``), ``summary``
    and ``table`` (HTML), ``spiral_tables`` (the charts' data), ``switches``, ``trajectory``, ``message``.
    """

    def __init__(self):
        from .. import figures  # Plotly only when the panel is built
        from .plotly_widget import figure_widget

        self._figures = figures
        self._figure_widget = figure_widget
        text = load_critiques().switches
        self.switches = CritiqueSwitches()
        self.base_trajectory = simulate_sample()
        self.base = Outcome.of(self.base_trajectory)
        self.trajectory = self.base_trajectory
        self.transfer_only = widgets.Checkbox(value=False, description=text.sigma_label, indent=False,
                                              layout=_FULL)
        self.phi = widgets.Dropdown(options=PHI_CHOICES, value=self.switches.phi, description=text.phi_label,
                                    style=_WIDE, layout=widgets.Layout(width="auto"))
        self.reset_button = widgets.Button(description="Back to the model's defaults", icon="undo",
                                           layout=widgets.Layout(width="auto"))
        self.summary = widgets.HTML(layout=_FULL)
        self.table = widgets.HTML(layout=_FULL)
        # the data of the two charts, beside them, redrawn with them
        self.spiral_tables = widgets.HTML(layout=_FULL)
        self.message = Message(layout=_FULL)
        self.charts = widgets.Box(layout=widgets.Layout(flex_flow="row wrap", width="100%"))
        self.defaults_figure = self.figure = None
        self._draw()
        super().__init__([
            widgets.HTML(f"<h2>{html_text(text.title)}</h2>"
                         + "".join(f"<p>{html_text(p)}</p>" for p in text.intro), layout=_FULL),
            self.transfer_only, widgets.HBox([self.phi, self.reset_button],
                                             layout=widgets.Layout(flex_flow="row wrap")),
            self.summary, self.message, self.charts,
            widgets.Accordion(children=[self.spiral_tables], titles=("The two spirals as tables",)),
            self.table,
            widgets.HTML(f'<p style="color:#555"><em>{html_text(text.caveat)}</em></p>', layout=_FULL),
        ], layout=_FULL)
        self.add_class("seci-critique-switches")
        self.transfer_only.observe(self._on_switch, "value")
        self.phi.observe(self._on_switch, "value")
        self.reset_button.on_click(self._on_reset)
        self._describe()

    def _spiral(self, trajectory, title: str, widest: float):
        figure = self._figures.spiral_top_view(trajectory, title=title, widest=widest)
        # Two figures side by side (one above the other on a narrow screen): a fixed size, since a
        # figure drawn before its box is laid out takes the full page width; the legend goes below
        # the plot, clear of the title.
        figure.update_layout(width=460, height=470, autosize=False, margin=dict(l=30, r=10, t=60, b=110),
                             legend=dict(orientation="h", x=0.0, xanchor="left", y=-0.14, yanchor="top"))
        return self._figure_widget(figure)

    def _draw(self) -> None:
        """New figures of both spirals, drawn to one scale (the wider spiral's)."""
        widest = float(max(self.base_trajectory["radius"].max(), self.trajectory["radius"].max()))
        old = [w for w in (self.defaults_figure, self.figure) if w is not None]
        self.defaults_figure = self._spiral(self.base_trajectory, "Model defaults", widest)
        self.figure = self._spiral(self.trajectory, "With your switches", widest)
        box = widgets.Layout(flex="0 0 auto", max_width="100%", overflow="auto")
        self.charts.children = [widgets.Box([self.defaults_figure], layout=box), widgets.Box([self.figure], layout=box)]
        for widget in old:
            widget.close()
        self.spiral_tables.value = "".join(
            frame_html(self._figures.spiral_table(trajectory, examples=1), caption)
            for trajectory, caption in ((self.base_trajectory, "Model defaults, step by step"),
                                        (self.trajectory, "With your switches, step by step")))

    def _describe(self) -> None:
        changed = Outcome.of(self.trajectory)
        self.summary.value = (f'<p class="seci-critique-summary" role="status" aria-live="polite">'
                              f"{html_text(describe_change(self.switches, self.base, changed))}</p>")
        self.table.value = _outcome_rows(self.base, changed)

    def _on_switch(self, _change=None) -> None:
        self.apply()

    def _on_reset(self, _button=None) -> None:
        # Each change redraws through _on_switch; setting the value a control has already is a no-op.
        self.transfer_only.value = False
        self.phi.value = CritiqueSwitches().phi

    @safe_callback(lambda self: self.message)
    def apply(self) -> None:
        """Run the model with the switches as they are set and redraw (a forged value gets a message)."""
        phi = self.phi.value
        if phi not in dict(PHI_CHOICES).values():
            raise ValueError("Choose one of the listed values of φ.")
        switches = CritiqueSwitches(transfer_only=bool(self.transfer_only.value), phi=phi)
        if switches == self.switches:
            return
        self.switches = switches
        self.trajectory = simulate_sample(switches)
        self.message.clear()
        self._draw()
        self._describe()


# --------------------------------------------------------------------------- the debate


def debate_record(critique: str, texts: Mapping[str, str], checked: DebateCheck, *, example_seen: bool) -> dict:
    """The debate as saved: the critique, each part's text and check, and one text of it all (for
    the instructor's views, which show an answer's ``text``; shortened to the cap of any answer's
    text, while ``parts`` keep every word)."""
    content = load_critiques()
    section = content.section(critique)
    whole = [f"Critique: {section.title}"] + [
        f"{part.label}: {texts.get(part.key, '')}" for part in content.debate.parts if texts.get(part.key)
    ]
    return {
        "label": content.debate.title,
        "critique": critique,
        "parts": {key: texts.get(key, "") for key in DEBATE_PARTS},
        "checked": checked.as_dict(),
        "substantive": checked.substantive,
        # An answer's text is capped like every other (the parts are kept whole beside it).
        "text": shorten("\n".join(whole), TEXT_MAX_CHARS),
        "example_seen": example_seen,
    }


def _feedback_html(checked: DebateCheck) -> str:
    items = []
    for part in checked.parts:
        detail = ""
        if part.shows:
            detail += " It " + "; it ".join(html_text(s) for s in part.shows) + "."
        if part.advice and part.status != SUBSTANTIVE:
            detail += " To add: " + " ".join(html_text(a) for a in part.advice)
        items.append(f"<li><strong>{html_text(part.label)}: {_STATUS_WORDS[part.status]}.</strong>{detail}</li>")
    return (f'<div class="seci-debate-feedback" role="status" aria-live="polite"><p><strong>'
            f"Substantive so far: {checked.substantive} of {len(checked.parts)} parts.</strong></p>"
            f"<ul>{''.join(items)}</ul><p><em>Next:</em> {html_text(checked.next_step())}</p></div>")


class DebateExercise(widgets.VBox):
    """Choose a critique and write its claim, the evidence, Nonaka's reply and your judgement.

    "Check my debate" says which parts are there and substantive and what is missing, and hands
    the debate to ``on_save`` (see :func:`debate_record`), then to ``on_checked`` (saved or not).
    A saved debate comes back in the boxes; an older saved reflection (a record with only a text)
    comes back as the judgement.

    Attributes a test may use: ``critique`` (Dropdown), ``boxes`` (part key -> Textarea),
    ``counters``, ``check_button``, ``feedback``, ``message``, ``example`` (ExampleReveal),
    ``checked`` (the last DebateCheck) and ``saved`` (the last record handed to ``on_save``).
    """

    def __init__(self, *, on_save: Callable[[dict], None] | None = None, saved: Mapping | None = None,
                 on_checked: Callable[[dict], None] | None = None):
        content = load_critiques()
        debate = content.debate
        self.on_save = on_save
        self.on_checked = on_checked
        self.saved: dict | None = None
        self.checked: DebateCheck | None = None
        self._ids = [s.id for s in content.sections]
        self.critique = widgets.Dropdown(options=[(f"{s.title} ({s.who})", s.id) for s in content.sections],
                                         value=self._ids[0], description=debate.choose_label, style=_WIDE,
                                         layout=widgets.Layout(width="auto", max_width="100%"))
        self.boxes: dict[str, widgets.Textarea] = {}
        self.counters: dict[str, widgets.Label] = {}
        rows: list[widgets.Widget] = []
        for part in debate.parts:
            box = widgets.Textarea(placeholder=part.placeholder, rows=4, layout=_FULL, description=part.label,
                                   style=_WIDE)
            box.add_class(f"seci-debate-{part.key}")
            counter = widgets.Label(f"0 / {TEXT_MAX_CHARS} characters")
            hints = "".join(f"<li>{html_text(h)}</li>" for h in part.hints)
            rows += [widgets.HTML(f"<p><strong>{html_text(part.label)}</strong><br>{html_text(part.prompt)}</p>"
                                  f"<details><summary>Hints for {html_text(part.label.split('. ', 1)[-1])}"
                                  f"</summary><ol>{hints}</ol></details>", layout=_FULL),
                     box, counter]
            self.boxes[part.key], self.counters[part.key] = box, counter
            box.observe(self._on_text, "value")
        self.check_button = widgets.Button(description="Check my debate", button_style="primary", icon="check",
                                           tooltip="Feedback on each part; the debate is saved",
                                           layout=widgets.Layout(width="auto"))
        self.check_button.add_class("seci-debate-check")
        self.feedback = widgets.HTML(layout=_FULL)
        self.message = Message(layout=_FULL)
        self.example = ExampleReveal([(p.label, example_for(f"{DEBATE}.{p.key}")) for p in debate.parts],
                                     what="each part of the debate", check="Check my debate",
                                     on_reveal=self._on_reveal,
                                     seen=bool((saved or {}).get("example_seen")))
        super().__init__([
            widgets.HTML(f"<h2>{html_text(debate.title)}</h2><p>{html_text(debate.intro)}</p>", layout=_FULL),
            self.critique, *rows, self.check_button, self.message, self.feedback, self.example,
        ], layout=_FULL)
        self.add_class("seci-debate")
        self.check_button.on_click(self._on_check)
        self._restore(saved)

    # --- restore ---------------------------------------------------------------------------

    def _restore(self, saved: Mapping | None) -> None:
        if not isinstance(saved, Mapping):
            if self.on_save is None:
                self.message.show("info", "Your debate is not saved on this page; copy it somewhere to keep it.")
            return
        parts = saved.get("parts")
        if isinstance(parts, Mapping):
            if saved.get("critique") in self._ids:
                self.critique.value = saved["critique"]
            for key, box in self.boxes.items():
                value = parts.get(key)
                box.value = value if isinstance(value, str) else ""
            self.saved = dict(saved)
            self.message.show("info", "Your saved debate is back.")
        elif isinstance(saved.get("text"), str) and saved["text"].strip():
            # a reflection saved before the debate existed: the learner's own judgement
            self.boxes["judgement"].value = saved["text"]
            self.message.show("info", "Your earlier reflection is back, as your judgement (part 4).")
        if any(box.value.strip() for box in self.boxes.values()):
            self.example.mark_tried()

    # --- callbacks -------------------------------------------------------------------------

    @safe_callback(lambda self: self.message)
    def _on_text(self, _change=None) -> None:
        for key, box in self.boxes.items():
            n = len(box.value or "")
            over = " (over the limit: shorten it before checking)" if n > TEXT_MAX_CHARS else ""
            self.counters[key].value = f"{n} / {TEXT_MAX_CHARS} characters{over}"
        if any((box.value or "").strip() for box in self.boxes.values()):
            self.example.mark_tried()

    def _on_check(self, _button=None) -> None:
        self.check()

    def _on_reveal(self) -> None:
        # The saved debate notes that the examples were seen, not only the next one.
        if self.saved is not None and self.on_save is not None and not self.saved.get("example_seen"):
            self.saved = {**self.saved, "example_seen": True}
            self.on_save(self.saved)

    @safe_callback(lambda self: self.message)
    def check(self) -> None:
        """Check the debate, show the feedback and save it. The texts stay in the boxes whatever happens."""
        self.example.mark_tried()  # pressing check counts as trying, even with empty boxes
        critique = self.critique.value
        if critique not in self._ids:
            raise ValueError("Choose one of the critiques in the list first.")
        texts = {key: normalize_text(box.value) if isinstance(box.value, str) else ""
                 for key, box in self.boxes.items()}
        section = load_critiques().section(critique)
        checked = check_debate(texts, load_critiques().debate.parts, critics=section.critics, terms=section.terms,
                               sources=(*page_texts(), *example_texts()))
        self.checked = checked
        self.feedback.value = _feedback_html(checked)
        if not any(texts.values()):
            self.message.show("info", "Nothing to save yet: write at least one part, then check again.")
            return
        record = debate_record(critique, texts, checked, example_seen=self.example.revealed)
        if self.on_save is None:
            self.message.show("info", "This page cannot save your debate; copy it somewhere to keep it.")
        else:
            self.on_save(record)
            self.saved = record
            self.message.show("ok", f"Your debate is saved ({checked.substantive} of {len(checked.parts)} parts "
                                    "substantive).")
        if self.on_checked is not None:
            self.on_checked(record)
