"""The Learning tab's charts and tables, drawn once for the dashboard, the workbook and the report.

Each chart is a plain ``go.Figure`` built from a view of :class:`seci_lab.classroom.learning.Learning`
with a table beside it holding the same data; the two sittings differ by pattern and by name in
the legend and on each bar, never by colour alone. No learner text reaches these charts.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..escape import html_text
from ..exports import html_table
from ..figures import describe
from .learning import RESAMPLES, Learning

__all__ = ["concept_figure", "distribution_figure", "learning_report_parts", "learning_sheets", "shown_tables"]

_INK = "#222222"
#: Short names on the concept chart's axis (a phone has room for little more); the table beside
#: it has each concept's full words.
_SHORT = {"modes": "four modes", "tacit-explicit": "tacit/explicit", "ba": "ba", "spiral": "spiral",
          "enabling-conditions": "conditions", "critiques": "critiques"}
_SERIES = (("pre", "Before (pre-test)", "#4e79a7", ""), ("post", "After (post-test)", "#f28e2b", "/"))


def distribution_figure(distribution: pd.DataFrame) -> go.Figure | None:
    """Grouped bars: learners per number of items right, before and after. None without a scored sitting."""
    if distribution is None or distribution.empty or not (
            distribution["pre_learners"].sum() or distribution["post_learners"].sum()):
        return None
    # the legend sits under the chart: beside the title it runs into it on a phone
    fig = go.Figure()
    for sitting, name, color, pattern in _SERIES:
        values = distribution[f"{sitting}_learners"].astype(int).tolist()
        fig.add_trace(go.Bar(
            x=distribution["right"].tolist(), y=values, name=name, text=[str(v) if v else "" for v in values],
            textposition="outside", marker=dict(color=color, line=dict(color=_INK, width=1), pattern=dict(shape=pattern)),
            hovertemplate="%{x} right: %{y} learner(s)<extra>" + name + "</extra>"))
    top = int(max(distribution["pre_learners"].max(), distribution["post_learners"].max()))
    fig.update_layout(template="plotly_white", height=400, barmode="group", margin=dict(l=50, r=10, t=50, b=100),
                      title=dict(text="Diagnostic scores before and after", x=0.02),
                      legend=dict(orientation="h", yanchor="top", y=-0.22, x=0, xanchor="left"),
                      xaxis=dict(title=dict(text="items right (of 15)"), dtick=1),
                      yaxis=dict(title=dict(text="learners"), range=[0, top * 1.25 + 0.5], dtick=max(1, top // 5)))
    return describe(fig, "Bar chart of the diagnostic's scores: for each number of items right, how many learners "
                         "scored it before the course (plain bars) and after (hatched bars). The table beside it "
                         "has the same data.")


def concept_figure(by_concept: pd.DataFrame) -> go.Figure | None:
    """Grouped horizontal bars: mean share right per concept before and after (matched learners)."""
    if by_concept is None or by_concept.empty or not by_concept["learners"].max():
        return None
    fig = go.Figure()
    names = [_SHORT.get(c, c) for c in by_concept["concept"]]
    labels = [f"{w} (g {g:.2f})" if not math.isnan(g) else w for w, g in zip(names, by_concept["gain"])]
    for sitting, name, color, pattern in _SERIES:
        values = [0.0 if pd.isna(v) else float(v) for v in by_concept[f"mean_{sitting}"]]
        fig.add_trace(go.Bar(
            y=labels, x=values, name=name, orientation="h", text=[f"{v:.0%}" for v in values],
            textposition="outside", marker=dict(color=color, line=dict(color=_INK, width=1), pattern=dict(shape=pattern)),
            hovertemplate="%{y}: %{x:.0%}<extra>" + name + "</extra>"))
    fig.update_layout(template="plotly_white", height=460, barmode="group", margin=dict(l=10, r=10, t=50, b=90),
                      title=dict(text="Share right per concept", x=0.02),
                      legend=dict(orientation="h", yanchor="top", y=-0.22, x=0, xanchor="left"),
                      xaxis=dict(range=[0, 1.25], tickformat=".0%"), yaxis=dict(autorange="reversed", automargin=True))
    return describe(fig, "Bar chart of the share of items right per concept before (plain) and after (hatched) "
                         "the course, for the learners who took both tests; each concept's label ends with its "
                         "normalized gain. The table beside it has the same data.")


def _pct(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "–" if pd.isna(v) else f"{v:.0%}")


def _num(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "–" if pd.isna(v) else f"{v:.2f}")


def shown_tables(result: Learning) -> dict[str, tuple[pd.DataFrame, str]]:
    """The Learning views as the dashboard and the report show them: name -> (frame, caption)."""
    dist = result.distribution().rename(columns={"right": "Items right", "pre_learners": "Learners before",
                                                 "post_learners": "Learners after"})
    concepts = result.by_concept()
    concepts = concepts.assign(mean_pre=_pct(concepts["mean_pre"]), mean_post=_pct(concepts["mean_post"]),
                               gain=_num(concepts["gain"])).rename(columns={
        "concept": "Concept", "what": "What", "items_per_form": "Items per form", "learners": "Matched learners",
        "mean_pre": "Mean before", "mean_post": "Mean after", "gain": "Gain of averages"})
    forms = result.form_difficulty()
    forms = forms.assign(mean_score=_pct(forms["mean_score"])).rename(columns={
        "form": "Form", "sitting": "Sitting", "learners": "Learners", "mean_score": "Mean score"})
    learners = result.learners
    learners = learners.assign(pre_score=_pct(learners["pre_score"]), post_score=_pct(learners["post_score"]),
                               gain=_num(learners["gain"])).rename(columns={
        "learner_id": "Learner id", "name": "Name", "pre_form": "Form before", "pre_score": "Before",
        "post_form": "Form after", "post_score": "After", "gain": "Individual gain", "status": "Status"})
    one = learners[learners["Status"] != "matched"].reset_index(drop=True)
    problems = result.problems().rename(columns={"learner_id": "Learner id", "name": "Name", "sitting": "Sitting",
                                                 "form": "Form", "status": "Status", "notes": "What was found"})
    return {
        "summary": (result.summary(), "The class's normalized gain"),
        "distribution": (dist, "Learners per score, before and after"),
        "concepts": (concepts, "Gain per concept (matched learners)"),
        "forms": (forms, "The two forms' mean difficulty (share right)"),
        "one_test": (one, "Learners who took only one test, or the same form twice"),
        "learners": (learners, "Every learner's diagnostic"),
        "problems": (problems, "Diagnostics shown as found: claimed scores, other versions, unfinished"),
    }


def learning_sheets(result: Learning) -> dict[str, pd.DataFrame]:
    """The workbook's Learning sheets (raw numbers, not formatted)."""
    return {
        "Learning summary": result.summary(),
        "Learning by learner": result.learners,
        "Learning by concept": result.by_concept(),
        "Learning distribution": result.distribution(),
        "Diagnostic forms": result.form_difficulty(),
        "Diagnostic sittings": result.sittings,
    }


#: What the Learning views mean, once, for the tab and the report.
EXPLAINED = (
    "Each learner takes one form of the diagnostic before lesson 1 and the other after the course (which "
    "comes first depends on the learner id). Every sitting is scored again here from its answers; a score in "
    "a file is never used. The gain is Hake's (1998) normalized gain of the class averages, (post − pre) / "
    "(1 − pre), over the learners who took both tests on different forms, with a 95% bootstrap interval "
    f"({RESAMPLES} resamples of learners). The average of individual gains is shown beside it.")


def learning_report_parts(result: Learning, chart) -> list[str]:
    """The report's Learning section body: ``chart(figure, div_id)`` draws a figure."""
    tables = shown_tables(result)
    parts = [html_table(*tables["summary"])]
    parts += chart(distribution_figure(result.distribution()), "seci-learning-distribution")
    parts.append(html_table(*tables["distribution"]))
    parts += chart(concept_figure(result.by_concept()), "seci-learning-concepts")
    for name in ("concepts", "forms", "one_test", "problems"):
        parts.append(html_table(*tables[name]))
    parts.append(f"<details><summary>Every learner's diagnostic ({len(result.learners)})</summary>"
                 f"{html_table(*tables['learners'])}</details>")
    return [f'<p class="note">{html_text(EXPLAINED)}</p>', *parts]
