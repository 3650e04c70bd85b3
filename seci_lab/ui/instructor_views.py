"""The instructor dashboard's shared pieces: a paged table and a figure placed in an ``Output``.

Moved out of :mod:`seci_lab.ui.instructor` so each tab can live in its own module (the Learning
tab, :mod:`seci_lab.ui.learning_tab`) without importing the page that holds it.
"""

from __future__ import annotations

import json

import ipywidgets as widgets
import pandas as pd

from .common import Message, frame_html, full_width, safe_callback

__all__ = ["INSTRUCTOR_CSS", "PAGE_ROWS", "PagedTable", "figure_json_size", "figure_output"]

INSTRUCTOR_CSS = """
<style>
.seci-instructor .seci-table-wrap { max-height: 460px; overflow: auto; border: 1px solid #ddd; }
.seci-instructor .seci-table-wrap:focus { outline: 2px solid #1f3f6b; }
.seci-instructor table.seci-table { border-collapse: collapse; font-size: 0.88em; }
.seci-instructor table.seci-table caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
.seci-instructor table.seci-table th, .seci-instructor table.seci-table td {
  border: 1px solid #ccc; padding: 0.2em 0.4em; vertical-align: top; text-align: left; }
.seci-instructor table.seci-table td { white-space: pre-line; }
.seci-instructor table.seci-table th { background: #f3f3f3; position: sticky; top: 0; }
/* nine tabs: each as wide as its name, wrapping onto a second row rather than cut short */
.seci-instructor .lm-TabBar-content { flex-wrap: wrap; }
.seci-instructor .lm-TabBar-tab { flex: 0 0 auto; min-width: 0; max-width: none; }
/* the Overview's cards: the class at a glance, side by side as the width allows */
.seci-instructor ul.seci-cards-row { list-style: none; padding: 0; display: grid; gap: 0.75rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 12rem), 1fr)); }
.seci-instructor .seci-card { border: 1px solid #c4cad3; border-radius: 8px; padding: 0.6rem 0.8rem;
  display: flex; flex-direction: column; gap: 0.15rem; }
.seci-instructor .seci-card-label { font-weight: 600; color: #1f3f6b; }
.seci-instructor .seci-card-value { font-size: 1.6em; }
.seci-instructor .seci-card-note { font-size: 0.85em; color: #4a5565; }
</style>
"""

PAGE_ROWS = 100  # rows of a table shown at once; the Excel workbook has them all


class PagedTable(widgets.VBox):
    """A DataFrame shown :data:`PAGE_ROWS` rows at a time, with Previous/Next buttons.

    Attributes: ``frame`` (all rows), ``page`` (0-based), ``html`` (the table shown), ``info``,
    ``previous_button``, ``next_button``.
    """

    def __init__(self, caption: str, empty: str = "Nothing to show.", rows: int = PAGE_ROWS):
        self.caption = caption
        self.empty = empty
        self.rows = rows
        self.frame = pd.DataFrame()
        self.page = 0
        self.html = widgets.HTML()
        self.info = widgets.Label("")
        self.previous_button = widgets.Button(description="Previous rows", icon="arrow-left",
                                              tooltip=f"Previous {rows} rows of: {caption}")
        self.next_button = widgets.Button(description="Next rows", icon="arrow-right",
                                          tooltip=f"Next {rows} rows of: {caption}")
        self.message = Message()
        self.pager = widgets.HBox([self.previous_button, self.next_button, self.info],
                                  layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.previous_button.on_click(self._on_previous)
        self.next_button.on_click(self._on_next)
        super().__init__([self.html, self.pager, self.message], layout=full_width())
        self.set(self.frame)

    @property
    def pages(self) -> int:
        """How many pages the frame fills (at least 1)."""
        return max(1, -(-len(self.frame) // self.rows))

    def set(self, frame: pd.DataFrame | None, caption: str | None = None) -> None:
        """Show ``frame`` from its first page."""
        self.frame = frame if frame is not None else pd.DataFrame()
        if caption is not None:
            self.caption = caption
        self.page = 0
        self._render()

    def _render(self) -> None:
        n = len(self.frame)
        start = self.page * self.rows
        part = self.frame.iloc[start:start + self.rows]
        caption = self.caption
        if n > self.rows:
            caption += f" (rows {start + 1}–{start + len(part)} of {n})"
        self.html.value = frame_html(part, caption, empty=self.empty)
        self.pager.layout.display = None if n > self.rows else "none"
        self.info.value = f"Page {self.page + 1} of {self.pages}" if n > self.rows else ""
        self.previous_button.disabled = self.page == 0
        self.next_button.disabled = self.page + 1 >= self.pages

    @safe_callback(lambda self: self.message)
    def _on_previous(self, _button=None) -> None:
        self.page = max(0, self.page - 1)  # also when a forged click reaches a disabled button
        self._render()

    @safe_callback(lambda self: self.message)
    def _on_next(self, _button=None) -> None:
        self.page = min(self.pages - 1, self.page + 1)
        self._render()


def figure_output(out: widgets.Output, fig, description: str) -> None:
    """Show a plain ``go.Figure`` (animation frames included) in ``out``.

    Assigning ``outputs`` rather than ``with out: fig.show()``: docs/architecture.md, "A hang to avoid".
    The JSON goes through plotly's own encoder (numpy arrays, dates), then plain dicts.
    """
    import plotly.io as pio

    from ..figures import PLOTLY_CONFIG, describe, figure_label

    if not figure_label(fig):  # the chart's accessible name in the page (seci-widgets.js)
        describe(fig, description)
    spec = json.loads(pio.to_json(fig, validate=False))
    spec["config"] = dict(PLOTLY_CONFIG)
    out.outputs = ({
        "output_type": "display_data",
        "data": {"application/vnd.plotly.v1+json": spec, "text/plain": description},
        "metadata": {},
    },)


def figure_json_size(fig) -> int:
    import plotly.io as pio

    return len(pio.to_json(fig, validate=False))
