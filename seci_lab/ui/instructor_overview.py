"""The instructor dashboard's Overview (the class at a glance, as cards) and its Grades tab.

The Overview leads with the class, not with problems: learners, completion, the median grade and
the quiz items to review, then a count of the files not read as they are, whose list is folded.
The Grades tab shows each learner's grade components as percentages, sortable, before anything is
exported. Text goes through a Jinja2 template with autoescape (``templates/overview.html.j2``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd

from ..exports import utc_text
from .common import full_width, labelled
from .instructor_views import PagedTable
from .templates import render

if TYPE_CHECKING:  # the class's analysis is loaded with a class, not with the page
    from ..classroom.analysis import ClassData, GradeScheme

__all__ = ["GradesTab", "REVIEW_SHARE", "overview_html"]

#: A quiz item is "to review" when fewer than this share of learners were fully right at first.
REVIEW_SHARE = 0.5
#: ... and at least this many learners answered it (one learner's slip is not the class's).
REVIEW_MIN_ANSWERED = 3


def _percent(share: float) -> str:
    return "–" if share is None or pd.isna(share) else f"{round(float(share) * 100)} %"


def overview_html(data: ClassData, problems: pd.DataFrame, scheme: GradeScheme) -> str:
    """The Overview's cards for a loaded class and the files not read as they are (``problems``)."""
    learners = data.learners
    n = len(learners)
    courses = sorted({str(c) for c in learners.get("course", []) if str(c)})
    counts = problems["action"].value_counts() if "action" in problems else pd.Series(dtype=int)
    review = []
    completion = grade = "–"
    if n:
        completion = _percent(data.completion()["overall"].median())
        grade = f"{data.grades(scheme)['grade'].median():.0f}"
        items = data.item_difficulty()
        hard = items[(items["answered"] >= REVIEW_MIN_ANSWERED) & (items["share_correct"] < REVIEW_SHARE)]
        review = [{"id": str(r.item_id), "prompt": str(r.prompt), "share": _percent(r.share_correct)}
                  for r in hard.itertuples(index=False)]
    when = (f"{utc_text(learners['handed_in_at'].min())} to {utc_text(learners['handed_in_at'].max())}"
            if n else "")
    return render("overview.html.j2", learners=n, courses=", ".join(courses[:5]), completion=completion,
                  grade=grade, review=review, when=when, problems=len(problems),
                  actions=", ".join(f"{int(k)} {a}" for a, k in counts.items()))


#: The Grades tab's columns, as the instructor reads them.
_GRADE_COLUMNS = {"learner_id": "Learner id", "name": "Name", "exercises": "Exercises %", "quiz": "Quiz %",
                  "rubric": "Rubric %", "grade": "Grade (of 100)", "points": "Points", "not_counted": "Not counted, and why"}
_SORTS = {"Grade": "grade", "Name": "name", "Learner id": "learner_id", "Exercises": "exercises", "Quiz": "quiz",
          "Rubric": "rubric"}


class GradesTab(widgets.VBox):
    """Each learner's grade before export, sortable. Attributes: ``sort_by``, ``order``, ``table``
    (a :class:`PagedTable`), ``frame`` (the grades as computed, 0-1 shares)."""

    def __init__(self):
        self.frame = pd.DataFrame()
        self.sort_by = labelled(widgets.Dropdown(options=list(_SORTS), value="Grade"), "Sort by")
        self.order = widgets.ToggleButtons(options=["Lowest first", "Highest first"], value="Lowest first",
                                           description="Order", tooltips=["Lowest first", "Highest first"])
        self.table = PagedTable("Grades before export: each component as a percentage, the grade out of 100",
                                empty="load a class to see its grades.")
        self.sort_by.observe(self._resort, "value")
        self.order.observe(self._resort, "value")
        super().__init__([
            widgets.HTML("<p>Check the grades here before you export the gradebook (Export tab): the grade "
                         "is the weighted mean of the three components (the exercises that count, the quizzes, the "
                         "rubric; README, “Teaching a class”), and an exercise that does not count says why.</p>"),
            widgets.HBox([self.sort_by, self.order], layout=widgets.Layout(flex_flow="row wrap")),
            self.table,
        ], layout=full_width())

    def show(self, data: ClassData, scheme: GradeScheme) -> None:
        self.frame = data.grades(scheme)
        self._resort()

    def _resort(self, _change=None) -> None:
        if self.frame.empty:
            self.table.set(self.frame)
            return
        key = _SORTS[self.sort_by.value]
        ascending = self.order.value == "Lowest first"
        frame = self.frame.sort_values([key, "learner_id"], ascending=[ascending, True], kind="stable")
        shown = frame[list(_GRADE_COLUMNS)].copy()
        for column in ("exercises", "quiz", "rubric"):
            shown[column] = (shown[column] * 100).round().astype("Int64")
        self.table.set(shown.rename(columns=_GRADE_COLUMNS))
