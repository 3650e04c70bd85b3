"""The one place where participant text is made safe for display.

Text is stored raw and escaped once, at display time (docs/architecture.md, "Security"):

- :func:`html_text` for anything that becomes HTML (``widgets.HTML``, reports);
- :func:`plotly_text` for Plotly text and hover labels, which accept a few HTML tags and
  typeset ``$...$`` as LaTeX.

Widgets that render text as text (``Label``, ``Textarea``, option labels) need neither.
"""

from __future__ import annotations

import html

# shorten lives in the model (the model shortens texts too); it is offered here beside the escapes
from .model.contributions import shorten

__all__ = ["html_text", "plotly_text", "shorten"]


def html_text(text: object) -> str:
    """Escape ``text`` for HTML: ``<``, ``>``, ``&`` and both quotes become entities."""
    return html.escape(str(text), quote=True)


def plotly_text(text: object, limit: int | None = None) -> str:
    """Escape ``text`` for a Plotly label: HTML entities, and ``$`` so it is never typeset.

    Newlines become ``<br>`` (the one tag we add ourselves). ``limit`` shortens first.
    Quotes become numeric entities: plotly.js decodes ``&#34;`` but shows ``&quot;`` as is.
    """
    raw = str(text) if limit is None else shorten(str(text), limit)
    escaped = html.escape(raw, quote=True).replace("&quot;", "&#34;").replace("$", "&#36;")
    return escaped.replace("\n", "<br>")

