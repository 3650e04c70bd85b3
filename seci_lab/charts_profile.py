"""The team SECI profile as a radar chart (Plotly ``Scatterpolar``) and as the same data in a table.

One's own scores are a solid line with markers; a group's median is a dashed line and its middle
half (first to third quartile) two dotted lines, so colour is never the only signal. A dimension
nobody answered has no point (the line has a gap there) and reads "not answered" in the table.

Floor 4 (docs/architecture.md): imports ``seci_lab.model``, ``seci_lab.escape`` and Plotly.
"""

from __future__ import annotations

from typing import Sequence

import textwrap

import pandas as pd
import plotly.graph_objects as go

from .escape import plotly_text
from .model.team_profile import HIGH, LOW, DimensionScore, GroupSpread

__all__ = ["profile_figure", "profile_table"]

_MINE = "#1f4e79"
_GROUP = "#b35900"
_NOT_ANSWERED = "not answered"


def _closed(values: list, labels: list[str]) -> tuple[list, list[str]]:
    # A radar's line closes by repeating its first point.
    return values + values[:1], labels + labels[:1]


def profile_figure(mine: Sequence[DimensionScore], group: Sequence[GroupSpread] = (),
                   *, group_label: str = "Your class") -> go.Figure:
    """The radar of ``mine`` and, when given, of the group's median and middle half."""
    # Long names on two lines, so the chart keeps its size on a phone.
    labels = [plotly_text("\n".join(textwrap.wrap(s.dimension.name, 16))) for s in mine]
    figure = go.Figure()
    if group and any(g.n for g in group):
        who = plotly_text(group_label)
        for name, values, dash, width in (
                (f"{who}: middle half, low", [g.low for g in group], "dot", 1),
                (f"{who}: middle half, high", [g.high for g in group], "dot", 1),
                (f"{who}: median", [g.median for g in group], "dash", 2)):
            r, theta = _closed(values, labels)
            figure.add_trace(go.Scatterpolar(
                r=r, theta=theta, name=name, mode="lines+markers", connectgaps=False,
                line={"color": _GROUP, "dash": dash, "width": width}, marker={"symbol": "square", "size": 5},
                hovertemplate="%{theta}: %{r:.2f}<extra>" + name + "</extra>"))
    r, theta = _closed([s.mean for s in mine], labels)
    figure.add_trace(go.Scatterpolar(
        r=r, theta=theta, name="Your team (your ratings)", mode="lines+markers", connectgaps=False,
        fill="toself", fillcolor="rgba(31, 78, 121, 0.12)", line={"color": _MINE, "width": 3},
        marker={"symbol": "circle", "size": 8},
        hovertemplate="%{theta}: %{r:.2f}<extra>your ratings</extra>"))
    figure.update_layout(
        polar={"radialaxis": {"range": [0, HIGH], "tickvals": list(range(LOW, HIGH + 1)), "angle": 90},
               "angularaxis": {"direction": "clockwise", "type": "category"}},
        showlegend=True, legend={"orientation": "h", "y": -0.12},
        margin={"l": 70, "r": 70, "t": 30, "b": 40}, height=460, autosize=True,
        meta={"seci_lab_figure": "team-profile",
              "seci_lab_label": "Radar chart of your team's SECI profile: the mean of your ratings per mode and "
                                "enabling condition, 1 to 5" + ("; with your class's median and middle half"
                                                                 if group else "") + ". The table below has the same numbers."})
    return figure


def profile_table(mine: Sequence[DimensionScore], group: Sequence[GroupSpread] = ()) -> pd.DataFrame:
    """The chart's data, one row per dimension (the table shown beside the chart)."""
    rows = []
    spreads = {g.dimension.key: g for g in group}
    for score in mine:
        row = {
            "rates": "SECI mode" if score.dimension.group == "mode" else "Enabling condition",
            "dimension": score.dimension.name,
            "your_score": f"{score.mean:.2f}" if score.mean is not None else _NOT_ANSWERED,
            "items_answered": f"{score.answered} of {score.items}",
        }
        if group:
            spread = spreads.get(score.dimension.key)
            if spread is None or spread.n == 0:
                row.update(group_median="no ratings", group_middle_half="–", people=0)
            else:
                row.update(group_median=f"{spread.median:.2f}", group_middle_half=f"{spread.low:.2f} to {spread.high:.2f}",
                           people=spread.n)
        rows.append(row)
    return pd.DataFrame(rows)
