"""The spiral seen from above, as a 2-D scatter of the same steps."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..model.modes import MODES
from .base import (
    _INK,
    _LABEL_KEY,
    _META_KEY,
    _PATH_COLOR,
    _TEMPLATE,
    _X_TITLE,
    _Y_TITLE,
    MODE_COLORS,
    MODE_SYMBOLS,
    _check,
    _empty_annotation,
    _r,
    _reach,
    _title,
)
from .steps import _label_trace, _levelup_text, _mode_name, _new_spiral_text, _spiral_label, _Steps



def spiral_top_view(trajectory: pd.DataFrame, *, title: str | None = None,
                    widest: float | None = None) -> go.Figure:
    """The spiral seen from above: a 2-D scatter of the same steps and hover labels.

    Marker symbol and colour show the mode, marker size the level (bigger is higher), and a
    labelled ring marks each level-up.

    Parameters
    ----------
    trajectory : pandas.DataFrame
        The output of :func:`seci_lab.model.simulate_spiral`; may have zero rows.
    title : str, optional
        Figure title (escaped).
    widest : float, optional
        Make room for a spiral this wide (its largest ``radius``) as well as this one. By
        default a view fits its own spiral; give two views the radius of the wider of the two
        and they are drawn to one scale, so their sizes can be compared.

    Returns
    -------
    plotly.graph_objects.Figure
        With a fixed set of traces: the path, one marker trace per mode (S, E, C, I), the
        level-ups, the starts of new spirals and the latest step (8 traces), so
        :func:`update_figure_widget` can update a ``go.FigureWidget`` of it in place.
    """
    steps = _Steps(_check(trajectory))
    px, py, _ = steps.path()
    data: list[go.Scatter] = [go.Scatter(
        x=px, y=py, mode="lines", line=dict(color=_PATH_COLOR, width=2),
        hoverinfo="skip", showlegend=False, name="Spiral path",
    )]
    for mode in MODES:
        idx = steps.of_mode(mode)
        data.append(go.Scatter(
            x=steps.pick(idx, "x"), y=steps.pick(idx, "y"), mode="markers",
            name=_mode_name(mode), legendgroup=mode.value,
            marker=dict(symbol=MODE_SYMBOLS[mode.value], color=MODE_COLORS[mode.value],
                        size=[8 + 3 * level for level in steps.pick(idx, "level")],
                        line=dict(color=_INK, width=1)),
            hovertext=steps.pick(idx, "hover"), hoverinfo="text",
        ))
    data.append(_label_trace(go.Scatter, steps, steps.level_ups(), "Level-up", _levelup_text, "top center",
                             dict(symbol="circle-open", size=22, line=dict(width=2))))
    data.append(_label_trace(go.Scatter, steps, steps.new_spirals(), "New spiral", _new_spiral_text,
                             "bottom center", dict(symbol="square-open", size=16, line=dict(width=2))))
    last = steps.latest()
    data.append(go.Scatter(x=steps.pick(last, "x"), y=steps.pick(last, "y"), mode="markers",
                           name="Latest step", hoverinfo="skip",
                           marker=dict(symbol="circle-open", color=_INK, size=26,
                                       line=dict(width=3))))

    reach = steps.reach if widest is None else max(steps.reach, _reach(float(widest)))
    lim = 1.3 * reach
    annotations = []
    for mode in MODES:
        a = math.radians(mode.facts.angle)
        annotations.append(dict(
            x=_r(1.05 * reach * math.cos(a)), y=_r(1.05 * reach * math.sin(a)), showarrow=False,
            text=f"<b>{mode.value} {mode.label}</b><br>{mode.conversion}",
            font=dict(color=_INK, size=12), xanchor="center", yanchor="middle",
        ))
    annotations.append(dict(
        text="Bigger marker = higher level (Individual → Inter-organization)",
        x=0.0, y=-0.08, xref="paper", yref="paper", xanchor="left", yanchor="top",
        showarrow=False, font=dict(color=_INK, size=11),
    ))
    if not steps.n:
        annotations.append(_empty_annotation())
    axis = dict(range=[-lim, lim], showticklabels=False, zeroline=False, showgrid=False)
    layout = dict(
        template=_TEMPLATE,
        title=dict(text=_title(title, steps.subtitle()), x=0.02, xanchor="left"),
        meta={_META_KEY: "top", _LABEL_KEY: _spiral_label(steps, "Knowledge spiral seen from above")},
        uirevision="seci-lab-top",
        margin=dict(l=40, r=10, t=70, b=70),
        xaxis=dict(axis, title=dict(text=_X_TITLE)),
        yaxis=dict(axis, title=dict(text=_Y_TITLE), scaleanchor="x", scaleratio=1),
        shapes=[
            dict(type="line", x0=-lim, x1=lim, y0=0, y1=0, line=dict(color="#bbbbbb", width=1)),
            dict(type="line", x0=0, x1=0, y0=-lim, y1=lim, line=dict(color="#bbbbbb", width=1)),
        ],
        annotations=annotations,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1.0, xanchor="right"),
    )
    return go.Figure(data=data, layout=layout)


