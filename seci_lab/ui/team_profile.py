"""The team SECI profile as a page section: the questionnaire, the radar and its table (issue 24).

Each sentence is a labelled group of radio buttons (arrow keys move within it, Tab to the next).
Every change is saved at once under :data:`~seci_lab.model.team_profile.PROFILE_KEY` in the
learner's store, so it is kept and handed in like the rest of their work; a saved record that is
forged or stale is read through :func:`~seci_lab.model.team_profile.clean_answers` (bad answers
dropped, never a crash). With a class store (``SECI_LAB_CLASS_DB``), **Compare with my class**
draws the class's spread from the profiles in its hand-ins, each scored again here.
"""

from __future__ import annotations

from typing import Callable, Sequence

import ipywidgets as widgets

from ..charts_profile import profile_figure, profile_table
from ..content.sources import references
from ..content.team_profile import TeamProfile, load_team_profile
from ..escape import html_text
from ..exports import html_table
from ..model.team_profile import PROFILE_KEY, GroupSpread, class_spread, clean_answers, profile_record, score_profile
from ..store.classroom import ClassStore, class_store_url
from ..store.progress import Progress
from .common import Message, full_width, safe_callback
from .plotly_widget import figure_widget

__all__ = ["TeamProfileSection", "team_profile_section"]

_FULL = full_width()
# The scale's five choices on one line where they fit; on a phone the table's rows become cards,
# each cell after its column's name (as the spiral lab's table does at every width).
_LIKERT_CSS = ("<style>.seci-likert .widget-radio-box{flex-direction:row;flex-wrap:wrap;gap:0.2em 1.2em}"
               ".seci-likert .widget-radio-box label{margin:0}"
               "@media (max-width:40rem){table.seci-profile-table thead{position:absolute;width:1px;height:1px;"
               "overflow:hidden;clip-path:inset(50%)}table.seci-profile-table,table.seci-profile-table tbody,"
               "table.seci-profile-table tr,table.seci-profile-table td,table.seci-profile-table caption{display:block;width:100%;"
               "box-sizing:border-box;text-align:left}"
               "table.seci-profile-table tr{border:1px solid #c4cad3;border-radius:6px;padding:0.3rem 0.6rem;"
               "margin-bottom:0.5rem}table.seci-profile-table td{border:none;padding:0.1rem 0}"
               "table.seci-profile-table td::before{content:attr(data-label) \": \";font-weight:600}}</style>")


class TeamProfileSection(widgets.VBox):
    """The questionnaire, then the radar and its table, redrawn after every answer.

    Attributes a test may use: ``profile`` (the :class:`TeamProfile`), ``choices`` (item id to
    its RadioButtons), ``figure``, ``table`` (HTML), ``message``, ``compare_button`` (None
    without a class store), ``group`` (the class's :class:`GroupSpread` rows, empty until loaded).
    """

    def __init__(self, saved: object = None, *, save: Callable[[dict], None] | None = None,
                 group: Sequence[GroupSpread] = (), class_url: str | None = None,
                 profile: TeamProfile | None = None):
        self.profile = profile or load_team_profile()
        self.save = save
        self.group = list(group)
        self.class_url = class_url
        items = self.profile.items
        answers = clean_answers(saved, items)
        self.message = Message()
        self.choices: dict[str, widgets.RadioButtons] = {}
        rows = []
        options = [(label, value) for value, label in enumerate(items.scale, start=1)]
        for n, item in enumerate(items.items, start=1):
            text = widgets.HTML(f'<p class="seci-profile-item"><strong>{n}.</strong> {html_text(item.text)}</p>',
                                layout=_FULL)
            choice = widgets.RadioButtons(options=options, value=answers.get(item.id),
                                          description=f"How often is sentence {n} true?", tooltip=item.text,
                                          style={"description_width": "initial"}, layout=_FULL)
            choice.add_class("seci-likert")
            choice.observe(self._changed, "value")
            self.choices[item.id] = choice
            rows.append(widgets.VBox([text, choice], layout=_FULL))
        self.figure = figure_widget(profile_figure(score_profile(saved, items), self.group))
        self.table = widgets.HTML(layout=_FULL)
        self.compare_button = None
        tail: list[widgets.Widget] = []
        if class_url:
            self.compare_button = widgets.Button(description="Compare with my class", icon="users",
                                                 tooltip="Draw the spread of the profiles handed in by your class")
            self.compare_button.on_click(self._on_compare)
            tail.append(self.compare_button)
        intro = "".join(f"<p>{html_text(p)}</p>" for p in self.profile.intro)
        sources = "".join(f"<li>{html_text(r)}</li>" for r in references(self.profile.sources))
        head = widgets.HTML(
            f'{_LIKERT_CSS}<div style="max-width:48em">{intro}'
            f'<p class="seci-profile-origin"><strong>Where this comes from.</strong> {html_text(self.profile.origin)}</p>'
            f"<details><summary>Sources</summary><ul>{sources}</ul></details></div>", layout=_FULL)
        super().__init__([head, *rows, self.message, widgets.HTML("<h3>Your profile</h3>"), self.figure,
                          self.table, *tail], layout=_FULL)
        self.add_class("seci-team-profile")
        self.redraw()

    def answers(self) -> dict[str, int]:
        """The answers chosen now (item id to 1..5)."""
        return {k: c.value for k, c in self.choices.items() if c.value is not None}

    def record(self) -> dict:
        """What is saved."""
        return profile_record(self.answers(), self.profile.items)

    def redraw(self) -> None:
        """Draw the radar and the table again from the answers and the group."""
        mine = score_profile(self.record(), self.profile.items)
        fresh = profile_figure(mine, self.group)
        if [t.name for t in fresh.data] == [t.name for t in self.figure.data]:
            with self.figure.batch_update():  # the same lines with new values: update in place
                for shown, new in zip(self.figure.data, fresh.data):
                    shown.r = new.r
        else:  # the group's lines came or went: a new figure
            old, self.figure = self.figure, figure_widget(fresh)
            self.children = tuple(self.figure if c is old else c for c in self.children)
        caption = "Your team's SECI profile as a table (mean of your ratings, 1 = never, 5 = almost always)"
        table = html_table(profile_table(mine, self.group), caption, classes="seci-table seci-profile-table")
        self.table.value = (f'<div class="seci-table-wrap" role="region" tabindex="0" '
                            f'aria-label="{html_text(caption)}">{table}</div>')

    @safe_callback(lambda self: self.message)
    def _changed(self, change) -> None:
        if self.save is not None:
            self.save(self.record())
            self.message.show("saved", f"{len(self.answers())} of {len(self.choices)} sentences rated.")
        self.redraw()

    @safe_callback(lambda self: self.message)
    def _on_compare(self, _button=None) -> None:  # not _compare: ipywidgets.Widget has its own
        submissions = ClassStore(self.class_url).load().submissions
        spread, people = class_spread((s.answers.get(PROFILE_KEY) for s in submissions), self.profile.items)
        if not people:
            self.message.show("info", "Nobody in your class has handed in a team profile yet.")
            return
        self.group = spread
        self.message.show("ok", f"Drawn beside yours: the profiles of {people} hand-ins of your class.")
        self.redraw()


def team_profile_section(progress: Progress | None) -> TeamProfileSection:
    """The section bound to the learner's store (saving nothing when there is none)."""
    if progress is None:
        return TeamProfileSection()
    return TeamProfileSection(progress.answer(PROFILE_KEY),
                              save=lambda record: progress.save_answer(PROFILE_KEY, record),
                              class_url=class_store_url())
