"""Figures in offline HTML pages, with the one Plotly configuration and the page script."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from .base import PLOTLY_CONFIG


def page_script() -> str:
    """The script that names charts, makes accordions keyboard-operable and honours reduced motion.

    The Voila template includes the same file; a saved page inlines it after its charts.
    """
    from importlib.resources import files

    return files("seci_lab").joinpath("voila/templates/seci/seci-widgets.js").read_text(encoding="utf-8")


def figure_html(figure: go.Figure, div_id: str, *, plotlyjs: bool, height: str) -> str:
    """``figure`` as a piece of an offline HTML page, with :data:`PLOTLY_CONFIG`.

    ``plotlyjs`` inlines plotly.js (about 5 MB): pass ``True`` for the first figure of a page
    only, the others use it; the page script (:func:`page_script`, which names every chart of the
    page) comes with it. An animated figure waits for Play: it never plays by itself.
    """
    html = pio.to_html(figure, include_plotlyjs=plotlyjs, full_html=False, div_id=div_id,
                       config=PLOTLY_CONFIG, default_height=height, auto_play=False)
    return html + f"<script>{page_script()}</script>" if plotlyjs else html
