"""The knowledge-spiral lab: enter contributions per mode and round, watch the spiral grow.

The widgets only wire the learner's input to the model (``simulate_spiral``, the rubric) and
show what comes back; every rule (caps, quality range, round order) is checked in Python.
Alone, a spiral stays at the individual level (SECI-Spiral v2), so the lab starts with a
practice group: simulated people, labelled as such, who work in the modes the learner works in;
it is kept with the learner's progress. The learner's own contributions stay theirs. The page
shows the next level's conditions as actions with a meter (:func:`seci_lab.model.level_progress`).
Under "Explore the model" a learner can change the model and start new spirals from a step at
the group level.

A contribution's quality is the rubric's suggestion until the learner rates it: by unticking
"Let the rubric suggest the quality" when adding it, or later with "Rate it myself" on any of
their contributions (lesson answers included). Self-rated contributions are marked
"self-rated" in the hover labels, the table and the list; a rating by the instructor (brought
in from the class store) counts over the learner's own (:func:`seci_lab.model.decide_quality`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import figures
from ..escape import html_text, shorten
from ..exports import contributions_csv, trajectory_csv
from ..exports.spiral import spiral_html
from ..model import (
    MODES,
    TEXT_MAX_CHARS,
    Contribution,
    Level,
    Mode,
    SpiralParams,
    level_progress,
    join_spirals,
    seed_spiral,
    simulate_spiral,
    simulated_group,
    simulated_team,
    suggest_quality,
)
from ..model.contributions import RUBRIC, SELF, check_quality
from ..model.spiral_effect import contribution_effect
from .answer import feedback_html
from .common import Message, safe_callback
from .common import labelled as _labelled
from .download import DownloadButton
from .plotly_widget import figure_widget
from .spiral_progress import progress_html
from .spiral_parts import ALONE_NOTE, ORDER_NOTE, PracticeGroup, practice_html, status_html, table_html

__all__ = ["ALONE_NOTE", "MODE_PROMPTS", "NewSpiral", "ORDER_NOTE", "PracticeGroup", "SpiralLab", "spiral_lab"]

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
    ("q_star", "Quality that counts fully toward a level-up q* (the course's “adequate”: 0.40)", 0.2, 0.9, 0.05),
    ("p_E", "Base intensity of Externalization p_E", 0.05, 0.6, 0.05),
)

_VIEWS = ("3-D spiral", "Top view", "Table")

_MAX_NEW_SPIRALS = 5


@dataclass(frozen=True)
class NewSpiral:
    """A new spiral started in the lab: a simulated team, from a step of the learner's spiral."""

    id: str
    step: int
    size: int
    quality: float
    rounds: int
_FULL = widgets.Layout(width="100%")


class SpiralLab(widgets.VBox):
    """The whole lab as one widget. Build it with :func:`spiral_lab`.

    Attributes a test or a notebook may use: ``contributions`` (list of Contribution),
    ``trajectory`` (the latest model output for the learner's spiral), ``shown`` (what the
    views draw: it and the new spirals started from it), ``new_spirals`` (list of
    :class:`NewSpiral`), ``round`` (the round being entered), and the controls ``mode``,
    ``text``, ``participant``, ``quality``, ``use_rubric``, ``add_button``,
    ``next_round_button``, ``group_size``, ``simulate_group``, ``peer_quality`` (the practice
    group: ``practice`` holds its settings), ``progress_view`` (the next level's conditions),
    ``seed_step``, ``team_size``, ``team_quality``, ``team_rounds``, ``start_spiral_button``,
    ``clear_spirals_button``, ``view``, ``replay``, ``figure``, ``entries``, ``remove_button``,
    ``my_rating``, ``rate_button`` and ``unrate_button``.
    """

    def __init__(self, participants: int = 1, contributions: list[Contribution] | None = None,
                 on_change: Callable[[list[Contribution]], None] | None = None, round: int = 1,
                 practice: PracticeGroup | None = None,
                 on_practice: Callable[[PracticeGroup], None] | None = None):
        self.contributions: list[Contribution] = list(contributions or [])
        self.round = max(max((c.round for c in self.contributions), default=1), max(1, int(round)))
        self.params = SpiralParams()
        self.on_change = on_change
        self.on_practice = on_practice
        self.practice = practice if isinstance(practice, PracticeGroup) else PracticeGroup()
        self._participants = max(1, int(participants))
        self.new_spirals: list[NewSpiral] = []
        # Built from the starting contributions: a FigureWidget shows its data at construction;
        # updates sent before the page displays it are lost.
        self.trajectory = self._simulate()[0]
        self.shown = self.trajectory

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
            value=True, description="Let the rubric suggest the quality (untick to rate it yourself)", indent=False,
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
        self.order_note = widgets.HTML(f'<p class="seci-note"><em>{html_text(ORDER_NOTE)}</em></p>')

        # --- spiral, status and views --------------------------------------------------------
        self.status = widgets.HTML()
        self.view = widgets.ToggleButtons(
            options=_VIEWS, value=_VIEWS[0], description="View",
            tooltips=["Rotatable 3-D spiral", "The spiral seen from above (2-D)", "The same data as a table"],
        )
        self.figure = figure_widget(figures.spiral_figure(self.trajectory, animated=False))
        self._drawn = self.trajectory  # what the figures show (all of it, or a replay's first steps)
        self._top_view: go.FigureWidget | None = None  # built when first shown (see top_view)
        # What each chart was last drawn with: only the chart on screen is updated (see _draw).
        self._charted: dict[str, pd.DataFrame] = {"3-D spiral": self.trajectory}
        self.table = widgets.HTML()
        # Each chart has its data beside it: the table under it follows what it draws (replay included).
        self.table.add_class("seci-sr-only")  # shown in the Table view; under a chart, for screen readers
        self.view_box = widgets.VBox([self.figure, self.table], layout=_FULL)

        self.replay = widgets.Play(value=0, min=0, max=0, step=1, interval=350,
                                   description="Replay the spiral")
        self.replay_step = _labelled(widgets.IntSlider(value=0, min=0, max=0, readout=False), "Step")
        self.replay_label = widgets.Label("")
        widgets.jslink((self.replay, "value"), (self.replay_step, "value"))
        # The replay never starts on its own; under prefers-reduced-motion the page hides Play
        # (seci template) and this note says how to step through instead.
        self.motion_note = widgets.HTML(
            '<p class="seci-motion-note">Your system asks for reduced motion, so the replay does not '
            "play: move the Step slider (arrow keys) to go through your spiral one step at a time.</p>")
        self.replay_box = widgets.HBox([self.replay, self.replay_step, self.replay_label, self.motion_note],
                                       layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.replay_box.add_class("seci-replay")

        # --- your contributions ---------------------------------------------------------------
        self.entries = widgets.Select(options=[], rows=6, layout=_FULL,
                                      description="Your contributions",
                                      style={"description_width": "initial"})
        self.remove_button = widgets.Button(description="Remove selected", icon="trash",
                                            tooltip="Remove the selected contribution")
        self.my_rating = _labelled(widgets.FloatSlider(
            value=0.6, min=0.0, max=1.0, step=0.05, readout_format=".2f", continuous_update=False,
        ), "Your rating of the selected one (0-1)")
        self.rate_button = widgets.Button(description="Rate it myself", icon="star",
                                          tooltip="Give the selected contribution your own quality (marked self-rated)")
        self.unrate_button = widgets.Button(description="Use the rubric's suggestion", icon="undo",
                                            tooltip="Drop your own rating of the selected contribution")

        # --- practice group (simulated people) and progress --------------------------------
        self.simulate_group = widgets.Checkbox(
            value=self.practice.on, indent=False, layout=_FULL,
            description="Practise with a simulated group",
            tooltip="The other people are simulated, not real: each adds one contribution to every "
                    "mode you work in, per round",
        )
        self.group_size = _labelled(widgets.BoundedIntText(value=self.practice.size, min=2, max=50),
                                    "People in the group, you included")
        self.peer_quality = _labelled(widgets.FloatSlider(
            value=self.practice.quality, min=0.0, max=1.0, step=0.05, readout_format=".2f",
            continuous_update=False, layout=widgets.Layout(width="21em", max_width="100%"),
        ), "Simulated people's quality")
        self.practice_note = widgets.HTML()
        self.practice_box = widgets.VBox([
            widgets.HTML("<h4>Practice group (simulated)</h4><p>The other people in it are simulated, "
                         "not real: each adds one contribution to every mode you work in, per round. "
                         "Alone, a spiral never rises above the individual level.</p>"),
            self.simulate_group,
            # in rows of their own, as the entry form's slider: a slider in a column loses its track
            widgets.HBox([self.group_size], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.peer_quality], layout=widgets.Layout(flex_flow="row wrap")),
            self.practice_note,
        ], layout=_FULL)
        self.practice_box.add_class("seci-practice")
        self.progress_view = widgets.HTML()

        # --- explore the model -------------------------------------------------------------
        self.param_sliders = {
            name: _labelled(widgets.FloatSlider(
                value=getattr(self.params, name), min=lo, max=hi, step=step,
                readout_format=".2f", continuous_update=False, layout=_FULL,
            ), label)
            for name, label, lo, hi, step in _EXPLORABLE
        }
        self.reset_button = widgets.Button(description="Reset the model", icon="undo")
        explore = widgets.VBox([
            widgets.Label("Change the model to see how its assumptions shape the spiral (SECI-Spiral v2, "
                          "docs/spiral-model.md)."),
            *self.param_sliders.values(), self.reset_button,
        ])

        # --- new spirals -------------------------------------------------------------------
        self.seed_step = _labelled(widgets.Dropdown(options=[], layout=_FULL), "Start from")
        self.team_size = _labelled(widgets.BoundedIntText(value=5, min=2, max=50), "Team size")
        self.team_quality = _labelled(widgets.FloatSlider(
            value=0.7, min=0.0, max=1.0, step=0.05, readout_format=".2f", continuous_update=False,
        ), "Quality of the team's work")
        self.team_rounds = _labelled(widgets.BoundedIntText(value=4, min=1, max=20), "Rounds")
        self.start_spiral_button = widgets.Button(
            description="Start a new spiral", icon="share-alt",
            tooltip="A simulated team starts a new spiral from the explicit knowledge of the chosen step",
        )
        self.clear_spirals_button = widgets.Button(description="Remove the new spirals", icon="trash")
        self.new_spirals_note = widgets.HTML()
        grow = widgets.VBox([
            widgets.HTML(
                "<p>Knowledge that reached the group level can trigger a new spiral (Nonaka, Toyama "
                "&amp; Konno 2000): another team, or a next project, starts from the explicit "
                "knowledge created. Pick a step of your spiral at the Group level or above; a "
                "simulated team starts there at its own individual level. The new spiral is drawn "
                "rising from that step. It is a what-if: it is not saved.</p>"),
            self.seed_step, widgets.HBox([self.team_size, self.team_rounds],
                                         layout=widgets.Layout(flex_flow="row wrap")),
            self.team_quality, widgets.HBox([self.start_spiral_button, self.clear_spirals_button]),
            self.new_spirals_note,
        ])
        self.explore = widgets.Accordion(children=[explore, grow],
                                         titles=("Explore the model", "Start a new spiral"))
        self.explore.selected_index = None

        # --- downloads ---------------------------------------------------------------------
        self.download_html = DownloadButton(
            "Download spiral (HTML)", "my-knowledge-spiral.html", "text/html", self._html_bytes,
            tooltip="A standalone page with the animated spiral; opens offline",
        )
        self.download_csv = DownloadButton(
            "Download spiral data (CSV)", "my-knowledge-spiral.csv", "text/csv",
            lambda: trajectory_csv(self.shown),
        )
        self.download_contributions = DownloadButton(
            "Download contributions (CSV)", "my-contributions.csv", "text/csv",
            lambda: contributions_csv(self.contributions),
        )

        # The spiral first (issue 20): its status and figure on the first screen, the form below.
        super().__init__([
            widgets.HTML("<h3>Your knowledge spiral</h3>"),
            self.status, self.view, self.view_box, self.replay_box, self.progress_view,
            widgets.HTML("<h3>Add to your spiral</h3>"),
            widgets.HBox([self.round_label, self.next_round_button]),
            self.mode, self.prompt, self.text, self.counter, self.participant,
            widgets.HBox([self.use_rubric, self.quality]), self.rubric,
            self.add_button, self.message, self.order_note, self.practice_box,
            widgets.HTML("<h3>Your contributions</h3>"),
            self.entries,
            widgets.HBox([self.remove_button, self.my_rating, self.rate_button, self.unrate_button],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
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
        self.entries.observe(self._on_entry, "value")
        self.rate_button.on_click(self._on_rate)
        self.unrate_button.on_click(self._on_unrate)
        self.view.observe(self._on_view, "value")
        self.replay.observe(self._on_replay, "value")
        self.group_size.observe(self._on_model_change, "value")
        self.simulate_group.observe(self._on_model_change, "value")
        self.peer_quality.observe(self._on_model_change, "value")
        self.start_spiral_button.on_click(self._on_start_spiral)
        self.clear_spirals_button.on_click(self._on_clear_spirals)
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
        self.rubric.value = feedback_html(score.as_record())

    @safe_callback(lambda self: self.message)
    def _on_use_rubric(self, change) -> None:
        self.quality.disabled = change["new"]
        self._on_text(None)

    @safe_callback(lambda self: self.message)
    def _on_add(self, _button=None) -> None:
        if self.add_button.disabled:  # a second click while the first is being added
            return
        # Scoring and redrawing take a moment: say so, and take no second click meanwhile.
        self.add_button.disabled, self.add_button.description = True, "Adding…"
        self.message.show("info", "Adding your contribution and redrawing the spiral…")
        try:
            self._add()
        finally:
            self.add_button.disabled, self.add_button.description = False, "Add to spiral"

    def _add(self) -> None:
        text = self.text.value
        by_rubric = bool(self.use_rubric.value)
        quality = (suggest_quality(text, self.mode.value).quality
                   if by_rubric and text.strip() else self.quality.value)
        # Contribution validates everything (empty, too long, quality range); a ValueError is
        # shown beside the form and the text stays in the box.
        contribution = Contribution(
            participant=self.participant.value, mode=self.mode.value, text=text,
            round=self.round, quality=quality, quality_source=RUBRIC if by_rubric else SELF,
        )
        before = self.trajectory
        self.contributions.append(contribution)
        self._refresh()
        self.text.value = ""
        self.message.show("ok", f"Added to round {self.round}, {contribution.mode.label}. "
                                + contribution_effect(before, self.trajectory, contribution))
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

    def _selected(self) -> tuple[int, Contribution]:
        index = self.entries.value
        if index is None or not 0 <= index < len(self.contributions):
            raise ValueError("Select a contribution in the list first.")
        return index, self.contributions[index]

    @safe_callback(lambda self: self.message)
    def _on_entry(self, _change=None) -> None:
        if self.entries.value is not None and 0 <= self.entries.value < len(self.contributions):
            self.my_rating.value = self.contributions[self.entries.value].effective_quality

    @safe_callback(lambda self: self.message)
    def _on_rate(self, _button=None) -> None:
        index, c = self._selected()
        quality = check_quality(self.my_rating.value, "Your rating")  # a forged value gets a message
        if c.quality_source not in (RUBRIC, SELF):
            raise ValueError(f"This contribution is {c.rating_note} ({c.effective_quality:.2f}), and their rating "
                             "counts over your own. Talk to them if you see it differently.")
        self.contributions[index] = dataclasses.replace(c, quality=quality, quality_source=SELF)
        self._refresh()
        self.entries.value = index
        self.message.show("ok", f"You rated “{shorten(c.text, 60)}” {quality:.2f}: it is marked self-rated "
                                "in your spiral, its table and your hand-in.")
        self._changed()

    @safe_callback(lambda self: self.message)
    def _on_unrate(self, _button=None) -> None:
        index, c = self._selected()
        if c.quality_source != SELF:
            raise ValueError("You have not rated this contribution yourself: it already counts with "
                             + ("the rubric's suggestion." if c.quality_source == RUBRIC else f"the quality {c.rating_note}."))
        suggestion = suggest_quality(c.text, c.mode).quality
        self.contributions[index] = dataclasses.replace(c, quality=suggestion, quality_source=RUBRIC)
        self._refresh()
        self.entries.value = index
        self.message.show("ok", f"Your rating of “{shorten(c.text, 60)}” is gone: the rubric's suggestion counts.")
        self._changed()

    def show_contributions(self, contributions: list[Contribution]) -> None:
        """Show ``contributions`` (as saved, e.g. after a rating came in) without reporting a change."""
        index = self.entries.value
        self.contributions = list(contributions)
        self.round = max(self.round, max((c.round for c in self.contributions), default=1))
        self._refresh()
        if index is not None and index < len(self.contributions):
            self.entries.value = index

    @safe_callback(lambda self: self.message)
    def _on_view(self, change) -> None:
        # each chart with its table under it; the top view is built when first shown
        self.view_box.children = {"3-D spiral": lambda: [self.figure, self.table],
                                  "Top view": lambda: [self.top_view, self.table],
                                  "Table": lambda: [self.table]}[change["new"]]()
        # Under a chart the table is for screen readers only (it follows the replay); the Table view shows it.
        (self.table.remove_class if change["new"] == "Table" else self.table.add_class)("seci-sr-only")
        self.table.value = table_html(self._drawn, shown=change["new"] == "Table")
        self._draw(self._drawn)  # the chart now shown catches up with what the others showed

    @safe_callback(lambda self: self.message)
    def _on_replay(self, change) -> None:
        steps = change["new"]
        partial = self.shown.iloc[:steps]
        self._draw(partial)
        self.table.value = table_html(partial, shown=self.view.value == "Table")
        if steps >= len(self.shown):
            self.replay_label.value = "Showing the whole spiral."
        else:
            row = self.shown.iloc[steps - 1] if steps else None
            self.replay_label.value = (
                "Replay: start." if row is None else
                f"Replay: round {row['round']}, {row['mode_name']}, {row['level_name']} level."
            )

    @safe_callback(lambda self: self.message)
    def _on_model_change(self, _change) -> None:
        size, quality = self.group_size.value, self.peer_quality.value
        # BoundedIntText and the slider clamp in the page; a forged value is refused here.
        if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= 50:
            raise ValueError("A practice group has 2 to 50 people, you included.")
        check_quality(quality, "The simulated people's quality")
        practice = PracticeGroup(on=bool(self.simulate_group.value), size=size, quality=float(quality))
        values = {name: slider.value for name, slider in self.param_sliders.items()}
        self.params = dataclasses.replace(SpiralParams(), **values)
        changed = practice != self.practice
        self.practice = practice
        self._refresh()
        if changed and self.on_practice is not None:
            self.on_practice(practice)

    @safe_callback(lambda self: self.message)
    def _on_start_spiral(self, _button=None) -> None:
        step = self.seed_step.value
        if not isinstance(step, int) or isinstance(step, bool):
            raise ValueError("Your spiral has no step at the Group level yet: a new spiral starts from "
                             "knowledge a group holds. Practise with the simulated group above to try it.")
        if len(self.new_spirals) >= _MAX_NEW_SPIRALS:
            raise ValueError(f"At most {_MAX_NEW_SPIRALS} new spirals: remove them to start others.")
        size, rounds, quality = self.team_size.value, self.team_rounds.value, self.team_quality.value
        if not (2 <= size <= 50 and 1 <= rounds <= 20 and 0.0 <= quality <= 1.0):
            raise ValueError("A team has 2 to 50 people, plays 1 to 20 rounds, at a quality from 0 to 1.")
        seed_spiral(self.trajectory, step, self.params)  # refused with the model's reason
        spiral = NewSpiral(id=str(len(self.new_spirals) + 2), step=step, size=size,
                           quality=float(quality), rounds=rounds)
        self.new_spirals.append(spiral)
        self._refresh()
        row = self.trajectory[self.trajectory["step"] == step].iloc[0]
        self.message.show("ok", f"New spiral {spiral.id} started from round {row['round']} "
                                f"({row['mode_name']}): a team of {size} for {rounds} rounds. It rises from "
                                "that step in the 3-D view, the top view and the table.")

    @safe_callback(lambda self: self.message)
    def _on_clear_spirals(self, _button=None) -> None:
        if not self.new_spirals:
            raise ValueError("There is no new spiral to remove.")
        self.new_spirals = []
        self._refresh()
        self.message.show("ok", "The new spirals are removed.")

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
        practice = self.practice
        self.trajectory, simulated = self._simulate()
        self._notice = ""
        self.shown = self._with_new_spirals()
        self._draw(self.shown)
        self.table.value = table_html(self.shown, shown=self.view.value == "Table")
        alone = len({c.participant.casefold() for c in self.contributions + simulated}) < 2
        self.progress_view.value = progress_html(level_progress(self.trajectory, self.params))
        self.practice_note.value = practice_html(practice, simulated, bool(self.contributions))
        self.status.value = status_html(self.trajectory, alone=alone and bool(self.contributions),
                                         notice=self._notice)
        self.round_label.value = f"<strong>Round {self.round}</strong>"
        self.entries.options = [
            (f"R{c.round} · {c.mode.value} · q {c.effective_quality:.2f}"
             + (f" ({c.rating_note})" if c.rating_note else "")
             + f" · {c.participant}: {shorten(' '.join(c.text.split()), 80)}", i)
            for i, c in enumerate(self.contributions)
        ]
        self._seed_options()
        steps = len(self.shown)
        with self.replay.hold_trait_notifications():
            self.replay.max = steps
            self.replay_step.max = steps
            self.replay.value = steps
        self.replay_label.value = "Press play to watch your spiral grow." if steps else ""

    @property
    def top_view(self) -> go.FigureWidget:
        """The spiral seen from above, built the first time it is asked for (when the learner picks
        "Top view"), from what the 3-D view shows then: most learners never open it, and building
        it with the page cost the page's start a second figure."""
        if self._top_view is None:
            self._top_view = figure_widget(figures.spiral_top_view(self._drawn))
            self._charted["Top view"] = self._drawn
        return self._top_view

    def _draw(self, frame: pd.DataFrame) -> None:
        """Show ``frame`` in the chart on screen; a hidden chart catches up when it is shown again.

        Updating a chart that is not on the page makes plotly.js fail in the browser ("Error setting
        state") at every step of a replay, so only the chart in view is drawn, and only when it does
        not show ``frame`` already (a refresh moves the replay to its end, asking for the same frame).
        """
        self._drawn = frame
        view = self.view.value
        chart = {"3-D spiral": self.figure, "Top view": self._top_view}.get(view)
        shown = self._charted.get(view)
        if chart is None or (shown is not None and shown.equals(frame)):
            return
        figures.update_figure_widget(chart, frame)
        self._charted[view] = frame

    def _with_new_spirals(self) -> pd.DataFrame:
        """The learner's spiral and the new spirals started from it that still have a place.

        A new spiral whose step no longer exists or fell below the group level (contributions
        removed, the model changed) is dropped, and the page says so.
        """
        if not self.new_spirals:
            return self.trajectory
        kept, children, dropped = [], [], []
        for spiral in self.new_spirals:
            try:
                seed = seed_spiral(self.trajectory, spiral.step, self.params)
            except ValueError:
                dropped.append(spiral.id)
                continue
            team = simulated_team(spiral.size, spiral.quality, spiral.rounds)
            children.append(simulate_spiral(team, spiral.size, self.params, seed=seed, spiral_id=spiral.id))
            kept.append(spiral)
        self.new_spirals = kept
        if dropped:
            self._notice = (f"New spiral {', '.join(dropped)} was removed: the step it started from is no "
                            "longer at the Group level.")
        return join_spirals(self.trajectory, *children)

    def _seed_options(self) -> None:
        rows = self.trajectory[self.trajectory["level"] >= Level.GROUP] if len(self.trajectory) else self.trajectory
        options = [(f"Round {r.round} · {r.mode_name} · {r.level_name} level", int(r.step))
                   for r in rows.itertuples(index=False)]
        self.seed_step.options = options
        self.seed_step.disabled = self.start_spiral_button.disabled = not options
        started = "".join(
            f"<li>Spiral {html_text(sp.id)}: a team of {sp.size} at quality {sp.quality:.2f} for "
            f"{sp.rounds} rounds, from step {sp.step}</li>" for sp in self.new_spirals)
        self.new_spirals_note.value = (
            (f"<ul>{started}</ul>" if started else "")
            + ("" if options else "<p>No step of your spiral is at the Group level yet: a new spiral "
                                  "starts from knowledge a group holds.</p>"))

    def _simulate(self) -> tuple[pd.DataFrame, list[Contribution]]:
        """The learner's spiral with the practice group when it is on, and what the simulated
        people added (never part of ``contributions``)."""
        practice = self.practice
        if not self.contributions:
            return simulate_spiral([], 1), []
        simulated = (simulated_group(self.contributions, practice.size, practice.quality, follow=True)
                     if practice.on else [])
        group = practice.size if practice.on else self._participants
        return simulate_spiral(self.contributions + simulated, group, self.params, rounds=self._rounds()), simulated

    def _rounds(self) -> int:
        """Simulate up to the last round with a contribution (the round being entered may be empty)."""
        return max((c.round for c in self.contributions), default=0)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(list(self.contributions))

    def _html_bytes(self) -> bytes:
        return spiral_html(self.shown, title="My knowledge spiral").encode("utf-8")


def spiral_lab(participants: int = 1, contributions: list[Contribution] | None = None,
               on_change: Callable[[list[Contribution]], None] | None = None,
               round: int = 1, practice: PracticeGroup | None = None,
               on_practice: Callable[[PracticeGroup], None] | None = None) -> SpiralLab:
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
    practice : PracticeGroup, optional
        The practice group's settings (restored); on, 5 people at quality 0.5 by default.
    on_practice : callable, optional
        Called with the new settings when the learner changes the practice group, to save them.
    """
    return SpiralLab(participants=participants, contributions=contributions, on_change=on_change,
                     round=round, practice=practice, on_practice=on_practice)
