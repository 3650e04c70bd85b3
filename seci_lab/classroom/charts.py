"""The charts of a class, drawn once for the instructor dashboard and the HTML class report.

Each function takes a frame of :class:`seci_lab.classroom.analysis.ClassData` and returns a plain
``go.Figure`` (or ``None`` when there is nothing to draw): the dashboard shows it in an
``Output`` widget, the report inlines it with :func:`seci_lab.figures.figure_html`. Every chart
has a table beside it with the same data, and colour is never its only signal (patterns,
labels, marker shapes). Learner-made text reaches Plotly only through
:func:`seci_lab.escape.plotly_text`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..escape import plotly_text
from ..figures import MODE_COLORS, describe

__all__ = ["completion_figure", "difficulty_figure", "rubric_figure"]

_INK = "#222222"


def completion_figure(by_mode: pd.DataFrame) -> go.Figure | None:
    """Grouped bars per mode: share of learners who started it, completed it, mean exercises done.

    Each series has its own pattern and a legend entry, and every bar is labelled with its
    value, so colour is not the only signal.

    Parameters
    ----------
    by_mode : pandas.DataFrame
        ``ClassData.completion_by_mode()``.

    Returns
    -------
    plotly.graph_objects.Figure or None
        Three bar traces of four modes each; ``None`` for an empty class.
    """
    needed = {"mode", "mode_name", "learners", "started", "completed", "mean_exercise_share"}
    if by_mode is None or by_mode.empty or not needed <= set(by_mode.columns) or not by_mode["learners"].max():
        return None
    names = [f"{m} {n}" for m, n in zip(by_mode["mode"], by_mode["mode_name"])]
    learners = by_mode["learners"].clip(lower=1).astype(float)
    series = (
        ("Started (share of learners)", by_mode["started"] / learners, "#4e79a7", ""),
        ("Completed (share of learners)", by_mode["completed"] / learners, "#59a14f", "/"),
        ("Mean share of exercises done", by_mode["mean_exercise_share"].astype(float), "#f28e2b", "."),
    )
    fig = go.Figure()
    for name, values, color, pattern in series:
        values = [0.0 if pd.isna(v) else float(v) for v in values]
        fig.add_trace(go.Bar(
            x=names, y=values, name=name, text=[f"{v:.0%}" for v in values], textposition="outside",
            marker=dict(color=color, line=dict(color=_INK, width=1), pattern=dict(shape=pattern)),
            hovertemplate="%{x}: %{y:.0%}<extra>" + name + "</extra>",
        ))
    fig.update_layout(template="plotly_white", height=380, barmode="group",
                      margin=dict(l=50, r=10, t=60, b=40),
                      title=dict(text="Completion per mode", x=0.02),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1.0, xanchor="right"),
                      yaxis=dict(range=[0, 1.15], tickformat=".0%", title=dict(text="share")))
    return describe(fig, "Bar chart of completion per mode: for each of the four modes, the share of "
                         "learners who started it, who completed it, and the mean share of exercises done. "
                         "The table beside it has the same data.")


def difficulty_figure(items: pd.DataFrame, show: int = 20) -> go.Figure | None:
    """Horizontal bars: the ``show`` hardest quiz items and the share of learners fully right.

    Parameters
    ----------
    items : pandas.DataFrame
        ``ClassData.item_difficulty()`` (hardest first).
    show : int
        How many items to draw.

    Returns
    -------
    plotly.graph_objects.Figure or None
        ``None`` when no quiz item was answered.
    """
    if items is None or items.empty:
        return None
    hardest = items.head(show).iloc[::-1]
    fig = go.Figure(go.Bar(
        x=hardest["share_correct"], y=[plotly_text(i) for i in hardest["item_id"]], orientation="h",
        text=[f"{v:.0%}" for v in hardest["share_correct"]], textposition="outside",
        hovertext=[plotly_text(p, 160) for p in hardest["prompt"]], hoverinfo="text+x",
    ))
    fig.update_layout(title=f"The {len(hardest)} hardest quiz items (share fully right)",
                      xaxis=dict(range=[0, 1.1], tickformat=".0%", title="Share of learners fully right"),
                      height=max(320, 26 * len(hardest) + 120), margin=dict(l=200))
    return describe(fig, f"Bar chart of the {len(hardest)} hardest quiz items: the share of learners fully "
                         "right on each. The table beside it has the same data.")


def rubric_figure(summary: pd.DataFrame) -> go.Figure | None:
    """A box per exercise, in the summary's (lesson) order, coloured by mode.

    The boxes are drawn from the summary's statistics (min, quartiles, median, mean, max), so
    the chart holds exactly the data of the table beside it and stays small whatever the size
    of the class.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``ClassData.rubric_summary()``.

    Returns
    -------
    plotly.graph_objects.Figure or None
        One box trace per exercise, named ``"<mode> · <label>"``; ``None`` when no exercise
        has a rubric score.
    """
    needed = {"key", "label", "mode", "mean", "median", "q1", "q3", "min", "max"}
    if summary is None or summary.empty or not needed <= set(summary.columns):
        return None
    fig = go.Figure()
    for row in summary.itertuples(index=False):
        mode = str(row.mode)
        name = plotly_text(f"{mode} · {row.label or row.key}", limit=40)
        color = MODE_COLORS.get(mode[:1], "#777777")
        fig.add_trace(go.Box(
            x=[name], name=name, q1=[row.q1], median=[row.median], q3=[row.q3],
            lowerfence=[row.min], upperfence=[row.max], mean=[row.mean], boxmean=True,
            marker=dict(color=color), line=dict(color=_INK, width=1), fillcolor=color, hoverinfo="y+name",
        ))
    fig.update_layout(template="plotly_white", height=420, showlegend=False,
                      margin=dict(l=50, r=10, t=50, b=120),
                      title=dict(text="Rubric scores per exercise (min, quartiles, median, mean, max; 0–1)", x=0.02),
                      yaxis=dict(range=[0, 1.05], title=dict(text="rubric score")))
    return describe(fig, f"Box plots of rubric scores (0 to 1) for {len(summary)} exercises: minimum, "
                         "quartiles, median, mean and maximum of each. The table beside it has the same data.")
