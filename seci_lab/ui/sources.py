"""The sources page: the full reference of every work the course cites, grouped as in ``sources.toml``."""

from __future__ import annotations

import unicodedata

import ipywidgets as widgets

from ..content.sources import GROUPS, load_sources
from ..escape import html_text
from .common import Message, safe_callback

__all__ = ["SourcesPage", "sources_html", "sources_page"]

#: Longest search text taken (a reference is shorter than this).
_QUERY_MAX = 200


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def sources_html(query: str = "") -> str:
    """The grouped reference list as HTML (every text escaped); only the works whose reference or
    note contains every word of ``query`` (case and accents as typed are folded the same way)."""
    words = _fold(query).split()
    parts = []
    for group, heading in GROUPS.items():
        entries = sorted((s for s in load_sources() if s.group == group
                          and all(w in _fold(f"{s.reference} {s.note}") for w in words)),
                         key=lambda s: s.reference.lower())
        if not entries:
            continue
        items = "".join(
            f'<li><p style="margin:0.2em 0">{html_text(s.reference)}</p>'
            + (f'<p style="margin:0 0 0.5em 0;color:#555">{html_text(s.note)}</p>' if s.note else "")
            + "</li>"
            for s in entries
        )
        parts.append(f'<h2 id="seci-sources-{html_text(group)}">{html_text(heading)}</h2>'
                     f"<ul class='seci-sources'>{items}</ul>")
    return f'<div class="seci-sources-page" id="seci-sources" style="max-width:48em">{"".join(parts)}</div>'


class SourcesPage(widgets.VBox):
    """The reference list with a search box: type an author, a year or a word to narrow it."""

    def __init__(self) -> None:
        self.search = widgets.Text(
            description="Find a source", placeholder="an author, a year or a word",
            continuous_update=True, style={"description_width": "initial"},
            layout=widgets.Layout(width="min(36em, 100%)"))
        self.message = Message()
        self.list = widgets.HTML(sources_html(), layout=widgets.Layout(width="100%"))
        self.search.observe(self._on_search, names="value")
        super().__init__([self.search, self.message, self.list])

    @safe_callback(lambda self: self.message)
    def _on_search(self, _change=None) -> None:
        query = str(self.search.value or "")[:_QUERY_MAX]  # a crafted value is cut, never trusted
        self.list.value = sources_html(query)
        if query.strip() and "<li>" not in self.list.value:
            self.message.show("info", f"No source matches \"{query.strip()}\". Clear the box to see them all.")
        else:
            self.message.clear()


def sources_page() -> SourcesPage:
    """The sources page as a widget (not displayed: the notebook displays it)."""
    return SourcesPage()
