"""The figures' shared vocabulary: colours, symbols, the Plotly configuration, accessible names and the
trajectory check every view starts with."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..escape import plotly_text
from ..model.modes import MODES

#: Okabe-Ito colours (safe for the common colour-vision deficiencies). Colour is never the
#: only signal: every mode also has its own marker symbol (:data:`MODE_SYMBOLS`).
MODE_COLORS: dict[str, str] = {"S": "#E69F00", "E": "#56B4E9", "C": "#009E73", "I": "#CC79A7"}
#: Marker symbols that exist both in 2-D and in 3-D (scatter3d knows only eight, drawn as
#: font glyphs; its "x" showed as a missing-glyph box in Debian's Chromium, "cross" did not).
MODE_SYMBOLS: dict[str, str] = {"S": "circle", "E": "diamond", "C": "square", "I": "cross"}

#: The Plotly configuration of every chart seci-lab shows, in a widget or in a saved page.
PLOTLY_CONFIG: dict[str, bool] = {"displaylogo": False, "responsive": True}

_LEVEL_COLORS = ("#9e9e9e", "#4e79a7", "#59a14f", "#e15759")  # faint bands, one per level
_INK = "#222222"
_PATH_COLOR = "#555555"
_HOVER_TEXTS = 5  # contributions listed in a hover label before "+ n more"
_HOVER_TEXT_CHARS = 120  # each one cut to this length ...
_HOVER_WRAP = 60  # ... and wrapped at this width, so the label stays readable on a phone
_ARC_POINTS = 8  # path segments per quarter turn: smooth enough, and cheap in JSON
_FRAME_MS = 700  # one round per 0.7 s: slow enough to follow the four modes of a turn
_EMPTY_NOTE = "Add contributions to start your spiral"
_META_KEY = "seci_lab_figure"  # layout.meta tag that tells update_figure_widget the view
# layout.meta keys read in the browser (voila/templates/seci/seci-widgets.js): the chart's accessible
# name, and the id of the table whose rows follow the round an animation shows
_LABEL_KEY = "seci_lab_label"
_TABLE_KEY = "seci_lab_table"
_DEFAULT_TITLE = "Your knowledge spiral"
_TEMPLATE = "plotly_white"
_X_TITLE = "← to tacit · to explicit →"
_Y_TITLE = "← from explicit · from tacit →"

_CHILD_SCALE = 0.5  # a seeded spiral is drawn at half its parent's size, from the parent's step
_MODE_NAMES: dict[str, str] = {m.value: m.label for m in MODES}

# Both 3-D figures start with the same 7 traces: four level bands, their edges, the level
# labels and the quadrant labels (see _fixed_3d); the data traces follow.
_FIXED_3D = 7




def _title(title: str | None, subtitle: str) -> str:
    # A title may come from a session name, i.e. from a person: escape it like any text.
    main = plotly_text(_DEFAULT_TITLE if title is None else title, limit=120)
    return f"{main}<br><sup>{subtitle}</sup>" if subtitle else main


def _reach(widest: float) -> float:
    # Radius of the bands and labels: a little beyond the widest point of the spiral.
    return max(1.0, widest) * 1.15


def describe(figure: go.Figure, label: str, *, table: str | None = None) -> go.Figure:
    """Give ``figure`` an accessible name, and optionally the id of the table showing its data.

    The page's script (seci-widgets.js) gives the chart ``role="figure"`` and this name, followed by
    its title as drawn; ``table`` names an HTML table whose rows follow the round an animated
    figure shows. Returns ``figure`` (changed in place).
    """
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    meta = {**meta, _LABEL_KEY: str(label)}
    if table is not None:
        meta[_TABLE_KEY] = str(table)
    figure.layout.meta = meta
    return figure


def figure_label(figure: go.Figure) -> str:
    """The accessible name :func:`describe` (or a spiral view) gave ``figure``; "" if none."""
    meta = figure.layout.meta
    return str(meta.get(_LABEL_KEY, "")) if isinstance(meta, dict) else ""


def _r(value: float) -> float:
    # Four decimals are far below a pixel and keep the JSON small.
    return round(float(value), 4)


def _check(trajectory: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(trajectory, pd.DataFrame):
        raise TypeError(
            f"Expected the DataFrame returned by simulate_spiral, got {type(trajectory).__name__}."
        )
    needed = {"round", "mode", "mode_name", "level", "level_name", "leveled_up", "radius",
              "angle", "height", "texts", "contributions", "quality", "T", "X", "participants"}
    missing = sorted(needed - set(trajectory.columns))
    if missing:
        raise ValueError(
            "The trajectory lacks the columns " + ", ".join(missing)
            + ": pass the DataFrame returned by simulate_spiral."
        )
    return trajectory


def _empty_annotation() -> dict:
    return dict(text=_EMPTY_NOTE, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                font=dict(size=16, color=_INK), bgcolor="rgba(255,255,255,0.85)")


