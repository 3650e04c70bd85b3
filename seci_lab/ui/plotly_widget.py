"""Plotly ``FigureWidget``s that load plotly.js once per page under ``seci-lab serve``.

A ``go.FigureWidget`` is an anywidget whose front-end module is plotly's whole widget bundle
(about 5 MB): every instance sends it over the kernel's websocket, and the page evaluates it once
per instance (from a ``blob:`` URL). The spiral lab and the critiques page each showed two
figures, so two copies; the critiques page makes new figures whenever a switch changes.

``seci-lab serve`` serves that same bundle from one URL (``seci_lab.server.app``) and tells its
kernels where, in ``$SECI_LAB_PLOTLY_BUNDLE``. Figures built here then carry a three-line module
that imports the bundle from that URL: the browser fetches it once (and caches it), and its
module map evaluates it once per page however many figures there are. Without the variable (in
JupyterLab, or under another server) figures are plain ``go.FigureWidget``s. The figure's
Python side, its data and its updates are plotly's own either way.
"""

from __future__ import annotations

import json
import os
from functools import cache

import plotly
import plotly.graph_objects as go

from ..env import PLOTLY_BUNDLE_ENV

__all__ = ["bundle_loader", "figure_widget"]


def bundle_loader(path: str) -> str:
    """The front-end module of a figure: plotly's widget bundle imported from ``path``, which is
    relative to the server's base URL (Voila's page gives it as ``<body data-base-url>``, that
    base followed by ``voila/``)."""
    return (
        "const base = new URL(document.body.dataset.baseUrl || '/voila/', location.href);\n"
        f"const bundle = await import(new URL('../' + {json.dumps(path)}, base).href);\n"
        "export default bundle.default;\n"
    )


@cache
def _widget_class(path: str) -> type[go.FigureWidget]:
    # anywidget reads ``_esm`` from the class when an instance is made: a subclass carries the
    # loader from the start, so the 5 MB bundle is never sent.
    return type("FigureWidget", (go.FigureWidget,), {"_esm": bundle_loader(path), "__module__": __name__})


def figure_widget(figure: go.Figure | dict | None = None) -> go.FigureWidget:
    """A ``go.FigureWidget`` of ``figure``, loading plotly.js by URL when the server serves it."""
    path = os.environ.get(PLOTLY_BUNDLE_ENV, "").strip()
    if not path:
        return go.FigureWidget(figure)
    return _widget_class(f"{path}?v={plotly.__version__}")(figure)
