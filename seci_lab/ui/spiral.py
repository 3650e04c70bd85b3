"""The knowledge-spiral lab: enter contributions per mode and round, watch the spiral grow.

The widgets only wire the learner's input to the model (``simulate_spiral``, the rubric) and
show what comes back; every rule (caps, quality range, round order) is checked in Python.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import figures
from ..escape import html_text, shorten
from ..exports import contributions_csv, html_table, trajectory_csv
from ..exports.spiral import spiral_html
from ..model import (
    MODES,
    TEXT_MAX_CHARS,
    Contribution,
    Level,
    Mode,
    SpiralParams,
    simulate_spiral,
    suggest_quality,
)
from .common import Message, safe_callback
from .download import DownloadButton

__all__ = ["SpiralLab", "spiral_lab", "MODE_PROMPTS"]

#: What to write for each mode, in the learner's terms (after Nonaka & Takeuchi 1995, ch. 3).
MODE_PROMPTS = {
    Mode.SOCIALIZATION: "Share an experience: whom did you watch, shadow or work beside, and what did you pick up without words?",
    Mode.EXTERNALIZATION: "Put tacit know-how into words: a metaphor, an analogy, a rule or a first model someone else could use.",
    Mode.COMBINATION: "Combine explicit pieces: which notes, documents or ideas did you sort, merge or link, and into what?",
    Mode.INTERNALIZATION: "Learn by doing: what did you try out from the written knowledge, and what is becoming second nature?",
}

#: Parameters a curious learner may change, with a label and slider range.
_EXPLORABLE = (
    ("phi", "Codifiable share φ (Polanyi/Tsoukas: below 1, some know-how never gets into words)", 0.1, 1.0, 0.05),
    ("sigma", "Socialization creates σ (0 = Bratianu: it only transfers)", 0.0, 0.3, 0.01),
    ("q_star", "Quality needed to justify a concept q*", 0.3, 0.9, 0.05),
    ("s_star", "Shared fraction needed to level up s*", 0.2, 0.9, 0.05),
    ("x_star", "Explicit stock needed, share of capacity x*", 0.1, 0.9, 0.05),
    ("rho", "Shared fraction kept after a level-up ρ", 0.1, 1.0, 0.05),
    ("p_E", "Base intensity of Externalization p_E", 0.05, 0.6, 0.05),
)

_VIEWS = ("3-D spiral", "Top view", "Table")
_FULL = widgets.Layout(width="100%")


def _labelled(widget: widgets.Widget, label: str) -> widgets.Widget:
    """Give a control a visible label that wraps (descriptions are truncated on phones)."""
    widget.description = label
    widget.style = {"description_width": "initial"}
    return widget


class SpiralLab(widgets.VBox):
    """The whole lab as one widget. Build it with :func:`spiral_lab`.

    Attributes a test or a notebook may use: ``contributions`` (list of Contribution),
    ``trajectory`` (the latest model output), ``round`` (the round being entered), and the
    controls ``mode``, ``text``, ``participant``, ``quality``, ``use_rubric``, ``add_button``,
    ``next_round_button``, ``group_size``, ``view``, ``replay``, ``figure``.
    """

    def __init__(self, participants: int = 1, contributions: list[Contribution] | None = None,
                 on_change: Callable[[list[Contribution]], None] | None = None, round: int = 1):
        self.contributions: list[Contribution] = list(contributions or [])
        self.round = max(max((c.round for c in self.contributions), default=1), max(1, int(round)))
        self.params = SpiralParams()
        self.on_change = on_change
        # Built from the starting contributions: a FigureWidget shows its data at construction;
        # updates sent before the page displays it are lost.
        self.trajectory = simulate_spiral(self.contributions, participants, self.params,
                                          rounds=self._rounds()) if self.contributions else simulate_spiral([], 1)

        # --- entry form -------------------------------------------------------------------
        self.round_label = widgets.HTML()
        self.next_round_button = widgets.Button(
            description="Start next round", icon="forward",
            tooltip="Finish this round and start the next one",
        )
        self.mode = _labelled(widgets.Dropdown(
            options=[(f"{m.value} · {m.label} ({m.conversion})", m) for m in MODES],
            value=Mode.SOCIALIZATION, layout=widgets.Layout(width="auto"),
        ), "Mode")
        self.prompt = widgets.Label(MODE_PROMPTS[Mode.SOCIALIZATION], layout=_FULL)
        self.text = widgets.Textarea(
            placeholder="Write your contribution here…", rows=4, layout=_FULL,
            description="Your contribution", style={"description_width": "initial"},
        )
        self.counter = widgets.Label(f"0 / {TEXT_MAX_CHARS} characters")
        self.participant = _labelled(widgets.Text(value="Me", placeholder="a name or an id"), "Who contributed")
        self.use_rubric = widgets.Checkbox(
            value=True, description="Let the rubric suggest the quality", indent=False,
        )
        self.quality = _labelled(widgets.FloatSlider(
            value=0.6, min=0.0, max=1.0, step=0.05, readout_format=".2f", disabled=True,
            continuous_update=False,
        ), "Quality (0-1)")
        self.rubric = widgets.HTML()
        self.add_button = widgets.Button(
            description="Add to spiral", button_style="primary", icon="plus",
            tooltip="Add this contribution to the current round",
        )
        self.message = Message()

        # --- spiral, status and views --------------------------------------------------------
        self.status = widgets.HTML()
        self.view = widgets.ToggleButtons(
            options=_VIEWS, value=_VIEWS[0], description="View",
            tooltips=["Rotatable 3-D spiral", "The spiral seen from above (2-D)", "The same data as a table"],
        )
        self.figure = go.FigureWidget(figures.spiral_figure(self.trajectory, animated=False))
        self.top_view = go.FigureWidget(figures.spiral_top_view(self.trajectory))
        self.table = widgets.HTML()
        self.view_box = widgets.Box([self.figure], layout=_FULL)

        self.replay = widgets.Play(value=0, min=0, max=0, step=1, interval=350,
                                   description="Replay the spiral")
        self.replay_step = _labelled(widgets.IntSlider(value=0, min=0, max=0, readout=False), "Step")
        self.replay_label = widgets.Label("")
        widgets.jslink((self.replay, "value"), (self.replay_step, "value"))

        # --- your contributions ---------------------------------------------------------------
        self.entries = widgets.Select(options=[], rows=6, layout=_FULL,
                                      description="Your contributions",
                                      style={"description_width": "initial"})
        self.remove_button = widgets.Button(description="Remove selected", icon="trash",
                                            tooltip="Remove the selected contribution")

        # --- explore the model -------------------------------------------------------------
        self.group_size = _labelled(widgets.BoundedIntText(value=participants, min=1, max=500),
                                    "Group size N (people contributing)")
        self.param_sliders = {
            name: _labelled(widgets.FloatSlider(
                value=getattr(self.params, name), min=lo, max=hi, step=step,
                readout_format=".2f", continuous_update=False, layout=_FULL,
            ), label)
            for name, label, lo, hi, step in _EXPLORABLE
        }
        self.reset_button = widgets.Button(description="Reset the model", icon="undo")
        explore = widgets.VBox([
            widgets.Label("Change the model to see how its assumptions shape the spiral (brief: SECI-Spiral v1)."),
            self.group_size, *self.param_sliders.values(), self.reset_button,
        ])
        self.explore = widgets.Accordion(children=[explore], titles=("Explore the model",))
        self.explore.selected_index = None

        # --- downloads ---------------------------------------------------------------------
        self.download_html = DownloadButton(
            "Download spiral (HTML)", "my-knowledge-spiral.html", "text/html", self._html_bytes,
            tooltip="A standalone page with the animated spiral; opens offline",
        )
        self.download_csv = DownloadButton(
            "Download spiral data (CSV)", "my-knowledge-spiral.csv", "text/csv",
            lambda: trajectory_csv(self.trajectory),
        )
        self.download_contributions = DownloadButton(
            "Download contributions (CSV)", "my-contributions.csv", "text/csv",
            lambda: contributions_csv(self.contributions),
        )

        super().__init__([
            widgets.HTML("<h3>Add to your spiral</h3>"),
            widgets.HBox([self.round_label, self.next_round_button]),
            self.mode, self.prompt, self.text, self.counter, self.participant,
            widgets.HBox([self.use_rubric, self.quality]), self.rubric,
            self.add_button, self.message,
            widgets.HTML("<h3>Your knowledge spiral</h3>"),
            self.status, self.view, self.view_box,
            widgets.HBox([self.replay, self.replay_step, self.replay_label]),
            widgets.HTML("<h3>Your contributions</h3>"),
            self.entries, self.remove_button,
            self.explore,
            widgets.HTML("<h3>Take your work with you</h3>"),
            widgets.HBox([self.download_html, self.download_csv, self.download_contributions],
                         layout=widgets.Layout(flex_flow="row wrap")),
        ], layout=widgets.Layout(max_width="960px"))

        self.mode.observe(self._on_mode, "value")
        self.text.observe(self._on_text, "value")
        self.use_rubric.observe(self._on_use_rubric, "value")
        self.add_button.on_click(self._on_add)
        self.next_round_button.on_click(self._on_next_round)
        self.remove_button.on_click(self._on_remove)
        self.view.observe(self._on_view, "value")
        self.replay.observe(self._on_replay, "value")
        self.group_size.observe(self._on_model_change, "value")
        for slider in self.param_sliders.values():
            slider.observe(self._on_model_change, "value")
        self.reset_button.on_click(self._on_reset)
        self._refresh()

    # --- callbacks: each calls the model, then updates widgets ------------------------------

    @safe_callback(lambda self: self.message)
    def _on_mode(self, change) -> None:
        self.prompt.value = MODE_PROMPTS[change["new"]]
        self._on_text(None)

    @safe_callback(lambda self: self.message)
    def _on_text(self, _change) -> None:
        length = len(self.text.value)
        over = length > TEXT_MAX_CHARS
        self.counter.value = (
            f"{length} / {TEXT_MAX_CHARS} characters" + (" (too long: shorten it)" if over else "")
        )
        if not self.text.value.strip():
            self.rubric.value = ""
            return
        score = suggest_quality(self.text.value, self.mode.value)
        if self.use_rubric.value and score.quality is not None:
            self.quality.value = score.quality
        self.rubric.value = _rubric_html(score)

    @safe_callback(lambda self: self.message)
    def _on_use_rubric(self, change) -> None:
        self.quality.disabled = change["new"]
        self._on_text(None)

    @safe_callback(lambda self: self.message)
    def _on_add(self, _button=None) -> None:
        if self.add_button.disabled:
            return
        text = self.text.value
        quality = (suggest_quality(text, self.mode.value).quality
                   if self.use_rubric.value and text.strip() else self.quality.value)
        # Contribution validates everything (empty, too long, quality range); a ValueError is
        # shown beside the form and the text stays in the box.
        contribution = Contribution(
            participant=self.participant.value, mode=self.mode.value, text=text,
            round=self.round, quality=quality,
        )
        before = self.trajectory
        self.contributions.append(contribution)
        self._refresh()
        self.text.value = ""
        self.message.show("ok", f"Added to round {self.round}, {contribution.mode.label}. "
                                + _effect(before, self.trajectory))
        self._changed()

    @safe_callback(lambda self: self.message)
    def _on_next_round(self, _button=None) -> None:
        if not any(c.round == self.round for c in self.contributions):
            raise ValueError(
                f"Round {self.round} has no contributions yet: add at least one before "
                f"starting round {self.round + 1}."
            )
        missing = [m.label for m in MODES
                   if not any(c.round == self.round and c.mode is m for c in self.contributions)]
        self.round += 1
        self._refresh()
        note = (f" Round {self.round - 1} had no {', '.join(missing)}: the spiral needs every mode "
                "to rise." if missing else "")
        self.message.show("info", f"Round {self.round} started.{note}")
        self._changed()

    @safe_callback(lambda self: self.message)
    def _on_remove(self, _button=None) -> None:
        index = self.entries.value
        if index is None or not 0 <= index < len(self.contributions):
            raise ValueError("Select a contribution in the list first, then remove it.")
        removed = self.contributions.pop(index)
        self._refresh()
        self.message.show("ok", f"Removed “{shorten(removed.text, 60)}” from round {removed.round}.")
        self._changed()

    @safe_callback(lambda self: self.message)
    def _on_view(self, change) -> None:
        self.view_box.children = [
            {"3-D spiral": self.figure, "Top view": self.top_view, "Table": self.table}[change["new"]]
        ]

    @safe_callback(lambda self: self.message)
    def _on_replay(self, change) -> None:
        steps = change["new"]
        partial = self.trajectory.iloc[:steps]
        figures.update_figure_widget(self.figure, partial)
        figures.update_figure_widget(self.top_view, partial)
        if steps >= len(self.trajectory):
            self.replay_label.value = "Showing the whole spiral."
        else:
            row = self.trajectory.iloc[steps - 1] if steps else None
            self.replay_label.value = (
                "Replay: start." if row is None else
                f"Replay: round {row['round']}, {row['mode_name']}, {row['level_name']} level."
            )

    @safe_callback(lambda self: self.message)
    def _on_model_change(self, _change) -> None:
        size = self.group_size.value
        if not 1 <= size <= 500:  # BoundedIntText clamps in the page; a forged value is refused here
            raise ValueError("The group size must be between 1 and 500.")
        values = {name: slider.value for name, slider in self.param_sliders.items()}
        self.params = dataclasses.replace(SpiralParams(), **values)
        self._refresh()

    @safe_callback(lambda self: self.message)
    def _on_reset(self, _button=None) -> None:
        defaults = SpiralParams()
        with self.hold_trait_notifications():
            for name, slider in self.param_sliders.items():
                slider.value = getattr(defaults, name)
        self.params = defaults
        self._refresh()
        self.message.show("info", "The model is back to its default parameters.")

    # --- helpers ---------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Re-run the model on the current contributions and update every view."""
        self.trajectory = simulate_spiral(
            self.contributions, self.group_size.value, self.params, rounds=self._rounds(),
        )
        figures.update_figure_widget(self.figure, self.trajectory)
        figures.update_figure_widget(self.top_view, self.trajectory)
        self.table.value = _table_html(self.trajectory)
        self.status.value = _status_html(self.trajectory)
        self.round_label.value = f"<strong>Round {self.round}</strong>"
        self.entries.options = [
            (f"R{c.round} · {c.mode.value} · q {c.effective_quality:.2f} · {c.participant}: "
             f"{shorten(' '.join(c.text.split()), 80)}", i)
            for i, c in enumerate(self.contributions)
        ]
        steps = len(self.trajectory)
        with self.replay.hold_trait_notifications():
            self.replay.max = steps
            self.replay_step.max = steps
            self.replay.value = steps
        self.replay_label.value = "Press play to watch your spiral grow." if steps else ""

    def _rounds(self) -> int:
        """Simulate up to the last round with a contribution (the round being entered may be empty)."""
        return max((c.round for c in self.contributions), default=0)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(list(self.contributions))

    def _html_bytes(self) -> bytes:
        return spiral_html(self.trajectory, title="My knowledge spiral").encode("utf-8")


def spiral_lab(participants: int = 1, contributions: list[Contribution] | None = None,
               on_change: Callable[[list[Contribution]], None] | None = None,
               round: int = 1) -> SpiralLab:
    """Build the knowledge-spiral lab widget (it does not display itself).

    Parameters
    ----------
    participants : int
        Initial group size N for the model.
    contributions : list of Contribution, optional
        Work to start from (for example restored from a save).
    on_change : callable, optional
        Called with the contributions after every change, e.g. to save them.
    round : int
        The round being entered (at least the last round of ``contributions``), e.g. restored.
    """
    return SpiralLab(participants=participants, contributions=contributions, on_change=on_change,
                     round=round)


def _rubric_html(score) -> str:
    if score.quality is None:
        return f'<div class="seci-rubric"><strong>Not assessed</strong>: {html_text(score.message)}</div>'
    reasons = "".join(f"<li>{html_text(r)}</li>" for r in score.reasons)
    return (
        f'<div class="seci-rubric"><strong>Suggested quality {score.quality:.2f}</strong>'
        f"<ul>{reasons}</ul><em>To improve:</em> {html_text(score.hint)}</div>"
    )


def _effect(before: pd.DataFrame, after: pd.DataFrame) -> str:
    """The contribution's marginal effect on the spiral, in words (brief 4.1, in-app feedback)."""
    if after.empty:
        return ""
    new = after.iloc[-1]
    old = before.iloc[-1] if not before.empty else None
    d_t = new["T"] - (old["T"] if old is not None else new["participants"])
    d_x = new["X"] - (old["X"] if old is not None else 0.0)
    d_s = new["shared"] - (old["shared"] if old is not None else 0.0)
    return f"Effect on the spiral: tacit {d_t:+.2f}, explicit {d_x:+.2f}, shared {d_s:+.0%}."


def _status_html(trajectory: pd.DataFrame) -> str:
    if trajectory.empty:
        return ("<p><strong>Level:</strong> Individual. Add a contribution to each of the four "
                "modes, then start the next round: your spiral grows with every turn.</p>")
    last = trajectory.iloc[-1]
    level = Level(int(last["level"]))
    ups = trajectory[trajectory["leveled_up"]]
    history = (", ".join(f"{r['level_name']} in round {r['round']}" for _, r in ups.iterrows())
               if not ups.empty else "none yet")
    if level is Level.INTER_ORGANIZATION:
        todo = "<p>Your spiral has reached the top level. It can keep growing wider.</p>"
    else:
        nxt = Level(level + 1).label
        items = [u for u in str(last["unmet"]).split("; ") if u]
        todo = (f"<p><strong>Still needed to reach {html_text(nxt)}:</strong></p><ul>"
                + "".join(f"<li>{html_text(u)}</li>" for u in items) + "</ul>") if items else (
            f"<p>All conditions to reach {html_text(nxt)} were met this round.</p>")
    return (
        f'<div class="seci-status" role="status" aria-live="polite">'
        f"<p><strong>Level:</strong> {html_text(level.label)} · <strong>Round:</strong> {last['round']} · "
        f"<strong>Tacit per person:</strong> {last['T'] / last['participants']:.2f} · "
        f"<strong>Explicit per person:</strong> {last['X'] / last['participants']:.2f} · "
        f"<strong>Shared:</strong> {last['shared']:.0%}</p>"
        f"<p><strong>Level-ups:</strong> {html_text(history)}</p>{todo}</div>"
    )


def _table_html(trajectory: pd.DataFrame) -> str:
    table = figures.spiral_table(trajectory)
    if table.empty:
        return "<p>No steps yet: the table fills as you add contributions.</p>"
    return ('<div class="seci-table" style="max-height:420px;overflow:auto">'
            + html_table(table, classes="seci-spiral-table") + "</div>")
