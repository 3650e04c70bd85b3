"""A DataFrame shown a page of rows at a time, with Previous/Next buttons (the instructor
dashboard's tables)."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from .common import Message, frame_html, safe_callback

__all__ = ["PAGE_ROWS", "PagedTable"]

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
        super().__init__([self.html, self.pager, self.message], layout=widgets.Layout(width="100%"))
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
