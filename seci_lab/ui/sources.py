"""The sources page: the full reference of every work the course cites, grouped as in ``sources.toml``."""

from __future__ import annotations

import ipywidgets as widgets

from ..content.sources import GROUPS, load_sources
from ..escape import html_text

__all__ = ["sources_html", "sources_page"]


def sources_html() -> str:
    """The grouped reference list as HTML (every text escaped)."""
    parts = []
    for group, heading in GROUPS.items():
        entries = sorted((s for s in load_sources() if s.group == group), key=lambda s: s.reference.lower())
        if not entries:
            continue
        items = "".join(
            f'<li><p style="margin:0.2em 0">{html_text(s.reference)}</p>'
            + (f'<p style="margin:0 0 0.5em 0;color:#555">{html_text(s.note)}</p>' if s.note else "")
            + "</li>"
            for s in entries
        )
        parts.append(f"<h2>{html_text(heading)}</h2><ul class='seci-sources'>{items}</ul>")
    return f'<div class="seci-sources-page" style="max-width:48em">{"".join(parts)}</div>'


def sources_page() -> widgets.Widget:
    """The sources page as a widget (not displayed: the notebook displays it)."""
    return widgets.HTML(sources_html(), layout=widgets.Layout(width="100%"))
