"""The instructor dashboard's Learning tab: the pre/post diagnostic of the class (issue 24, item 1).

It only wires widgets to :mod:`seci_lab.classroom.learning` (the analysis) and
:mod:`seci_lab.classroom.learning_charts` (the charts and the tables shown beside them, the same
as in the HTML report). The dashboard (:mod:`seci_lab.ui.instructor`) fills it with
:meth:`LearningTab.show` when the tab is first opened and empties it with :meth:`LearningTab.clear`.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..escape import html_text
from .common import frame_html
from .instructor_views import PagedTable, figure_output

__all__ = ["LearningTab"]


class LearningTab(widgets.VBox):
    """The Learning tab. Attributes tests use: ``summary`` (the gain and its interval, HTML),
    ``distribution_chart``/``distribution_table``, ``concept_chart``/``concept_table``,
    ``forms_table``, ``one_test`` and ``learners`` (paged tables), ``problems`` (paged), and
    ``result`` (the :class:`~seci_lab.classroom.learning.Learning` shown, or None)."""

    def __init__(self):
        self.result = None
        self.intro = widgets.HTML()
        self.summary = widgets.HTML()
        self.distribution_chart = widgets.Output()
        self.distribution_table = widgets.HTML()
        self.concept_chart = widgets.Output()
        self.concept_table = widgets.HTML()
        self.forms_table = widgets.HTML()
        self.one_test = PagedTable("Learners who took only one test, or the same form twice",
                                   empty="every learner with a diagnostic took both tests on different forms.")
        self.problems = PagedTable("Diagnostics shown as found: claimed scores, other versions, unfinished",
                                   empty="every sitting was read as it is.")
        self.learners = PagedTable("Every learner's diagnostic", empty="no learner handed in a diagnostic.")
        super().__init__([self.intro, self.summary, self.distribution_chart, self.distribution_table,
                          self.concept_chart, self.concept_table, self.forms_table, self.one_test, self.problems,
                          self.learners], layout=widgets.Layout(width="100%"))

    def clear(self) -> None:
        """Show nothing (a new class is being loaded)."""
        self.result = None
        for out in (self.distribution_chart, self.concept_chart):
            out.outputs = ()
        for html in (self.intro, self.summary, self.distribution_table, self.concept_table, self.forms_table):
            html.value = ""
        for table in (self.one_test, self.problems, self.learners):
            table.set(None)

    def show(self, data) -> None:
        """Fill the tab from a class (:class:`~seci_lab.classroom.analysis.ClassData`)."""
        from ..classroom.learning import learning
        from ..classroom.learning_charts import EXPLAINED, concept_figure, distribution_figure, shown_tables

        result = learning(data)
        self.result = result
        tables = shown_tables(result)
        self.intro.value = f"<h3>Learning: the pre/post diagnostic</h3><p>{html_text(EXPLAINED)}</p>"
        g = result.gain
        if g.learners:
            interval = ("" if g.low != g.low else f" (95% interval {g.low:.2f} to {g.high:.2f})")
            value = "undefined" if g.value != g.value else f"{g.value:.2f}"
            headline = (f"<p><strong>Normalized gain of the class averages: {html_text(value)}"
                        f"{html_text(interval)}</strong>, over {g.learners} learner{'s' if g.learners != 1 else ''} "
                        "who took both tests.</p>")
        else:
            headline = "<p><strong>No learner took both tests yet</strong>, so there is no gain to show.</p>"
        self.summary.value = headline + frame_html(*tables["summary"])
        fig = distribution_figure(result.distribution())
        if fig is not None:
            figure_output(self.distribution_chart, fig, "Scores before and after; the table below has the same data.")
        self.distribution_table.value = frame_html(*tables["distribution"])
        fig = concept_figure(result.by_concept())
        if fig is not None:
            figure_output(self.concept_chart, fig, "Share right per concept; the table below has the same data.")
        self.concept_table.value = frame_html(*tables["concepts"])
        self.forms_table.value = frame_html(*tables["forms"])
        self.one_test.set(*tables["one_test"])
        self.problems.set(*tables["problems"])
        self.learners.set(*tables["learners"])
