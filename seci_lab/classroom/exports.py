"""What an instructor takes away from a class: a gradebook for the LMS, a workbook, a report.

Gradebook CSV (:func:`gradebook_csv`), one row per learner, UTF-8 without a byte-order mark,
comma-separated, ``.`` as the decimal point, formula-like text defused (an apostrophe before
``=``, ``+``, ``-``, ``@``: see :func:`seci_lab.exports.defuse_cell`):

``flavor="canvas"`` follows the file Canvas's Gradebook exports and imports (Grades > Import):

- columns ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column
  named after the assignment (Canvas requires ``Student`` and ``ID`` first and ``Section`` as
  the last student column; everything after it is an assignment);
- a second row whose ``Student`` cell is ``Points Possible`` holds the assignment's points, so
  a new assignment column is created with the right maximum;
- Canvas matches a row to a student by ``ID`` (its own numeric user id), then ``SIS User ID``,
  then ``SIS Login ID``, and last by the name in ``Student``. seci-lab does not know Canvas's numeric id, so ``ID`` is empty and the
  learner id entered at hand-in (the student number or login) fills both SIS columns;
  ``Student`` holds the name and ``Section`` the course, both for reading only;
- an assignment that already exists in Canvas is named with its id, ``"SECI lab (12345)"``
  (copy the header from a Canvas export); a name alone makes Canvas create a new assignment.

``flavor="moodle"`` suits Moodle's grade import (Grades > Import > CSV file):

- columns ``ID number``, ``Email address``, ``Full name``, the assignment's column (the grade in
  points) and ``Feedback`` (the three components in words);
- on import choose "Identify user by": map from ``ID number`` to "ID number" (or from
  ``Email address`` to "Email address"), map the assignment's column to its grade item (or
  "new grade item") and ``Feedback`` to that item's feedback; ``Full name`` is ignored.

The grade is ``ClassData.grades(scheme)["points"]``: out of ``scheme.points`` (default 100).

The workbook (:func:`class_workbook`) has one sheet per view of the instructor dashboard, and
the report (:func:`class_report_html`) is one offline HTML page with each chart and its table.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from ..escape import html_text
from ..exports import PAGE_STYLE, defuse_frame, excel_workbook, html_table, standalone_page, utc_text
from ..model import MODES
from .analysis import QUIZ_SET_SIZE, ClassData, GradeScheme

__all__ = ["FLAVORS", "class_report_html", "class_workbook", "gradebook_csv", "gradebook_frame"]

#: Gradebook layouts :func:`gradebook_csv` writes.
FLAVORS = ("canvas", "moodle")
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["ID number", "Email address", "Full name"]
_POINTS_POSSIBLE = "Points Possible"


def _check_assignment(assignment: object) -> str:
    if not isinstance(assignment, str) or not assignment.strip():
        raise ValueError("Give the assignment a name (the LMS shows it as the column's title).")
    name = " ".join(assignment.split())
    if len(name) > 120:
        raise ValueError(f"The assignment name has {len(name)} characters; keep it under 120.")
    if name.casefold() in {c.casefold() for c in CANVAS_COLUMNS + MOODLE_COLUMNS + ["Feedback", _POINTS_POSSIBLE]}:
        raise ValueError(f"“{name}” is the name of another column of the gradebook: choose another name.")
    return name


def _feedback(grades: pd.DataFrame) -> pd.Series:
    return ("Exercises done " + (grades["exercises"] * 100).round().astype(int).astype(str) + "%, quiz "
            + (grades["quiz"] * 100).round().astype(int).astype(str) + "%, rubric quality "
            + grades["rubric"].round(2).map("{:.2f}".format) + " (seci-lab)")


def gradebook_frame(data: ClassData, flavor: str = "canvas", *, assignment: str = "SECI lab",
                    scheme: GradeScheme = GradeScheme()) -> pd.DataFrame:
    """The gradebook as a DataFrame, exactly as :func:`gradebook_csv` writes it (not defused).

    For ``"canvas"`` the first row is the ``Points Possible`` row.
    """
    if flavor not in FLAVORS:
        raise ValueError(f"Unknown gradebook flavour {flavor!r}: use one of {', '.join(FLAVORS)}.")
    name = _check_assignment(assignment)
    grades = data.grades(scheme)
    course = data.learners["course"].to_numpy()
    if flavor == "canvas":
        frame = pd.DataFrame({
            "Student": grades["name"], "ID": "", "SIS User ID": grades["learner_id"],
            "SIS Login ID": grades["learner_id"], "Section": course, name: grades["points"],
        }, columns=CANVAS_COLUMNS + [name])
        points = pd.DataFrame([{"Student": _POINTS_POSSIBLE, "ID": "", "SIS User ID": "", "SIS Login ID": "",
                                "Section": "", name: float(scheme.points)}])
        return pd.concat([points, frame], ignore_index=True)
    return pd.DataFrame({
        "ID number": grades["learner_id"], "Email address": grades["email"], "Full name": grades["name"],
        name: grades["points"], "Feedback": _feedback(grades),
    }, columns=MOODLE_COLUMNS + [name, "Feedback"])


def gradebook_csv(data: ClassData, flavor: str = "canvas", *, assignment: str = "SECI lab",
                  scheme: GradeScheme = GradeScheme()) -> bytes:
    """The class's grades as a CSV file that Canvas or Moodle imports (see the module docstring).

    Parameters
    ----------
    data : ClassData
        The class.
    flavor : {"canvas", "moodle"}
        The LMS's column conventions.
    assignment : str
        The grade column's title: the assignment's name (Canvas: ``"Name (id)"`` for an
        existing assignment).
    scheme : GradeScheme
        How the grade is computed, and the assignment's points.

    Returns
    -------
    bytes
        UTF-8 CSV, one row per learner (Canvas: after the ``Points Possible`` row).

    Raises
    ------
    ValueError
        An unknown flavour or an unusable assignment name.
    """
    frame = gradebook_frame(data, flavor, assignment=assignment, scheme=scheme)
    frame = defuse_frame(frame)
    # No byte-order mark: LMS importers read plain UTF-8, and a BOM would stick to the first header.
    return frame.to_csv(index=False, lineterminator="\r\n", float_format="%.2f").encode("utf-8")


# --- the workbook ------------------------------------------------------------------------------

def _problems_frame(problems: pd.DataFrame | None) -> pd.DataFrame:
    if problems is None:
        return pd.DataFrame(columns=["source", "learner_id", "problem", "action"])
    return problems.reset_index(drop=True)


def _about(data: ClassData) -> pd.DataFrame:
    rows = [
        ("Learners", len(data)),
        ("Answers", len(data.answers)),
        ("Spiral contributions", len(data.contributions)),
        ("Made", utc_text(datetime.now(timezone.utc))),
        ("Completion", "Share of each mode's exercises with a saved answer; quiz items answered beside it. "
                       f"A mode is completed with every exercise and a full quiz set ({QUIZ_SET_SIZE} items)."),
        ("Quiz items", "share_correct: learners fully right among those who answered (hardest first)."),
        ("Misconceptions", "The most common wrong answers per quiz item, with the question bank's explanation."),
        ("Rubric", "Suggested quality (0-1) of each exercise text: a teaching aid, not a grade on its own."),
        ("Grades", "Weighted mean of exercises done, quiz credit and rubric quality: see GradeScheme."),
    ]
    return pd.DataFrame(rows, columns=["What", "Value"])


def _rubric_wide(data: ClassData) -> pd.DataFrame:
    """Rubric qualities with one row per learner and one column per exercise (lesson order):
    the distribution of each exercise is a column, and a third of the cells of the long form."""
    scores = data.rubric_scores()
    order = list(dict.fromkeys(scores["key"]))
    wide = scores.pivot(index="learner_id", columns="key", values="quality").reindex(columns=order)
    wide = wide.reindex(data.learners["learner_id"])
    wide.insert(0, "name", data.learners["name"].to_numpy())
    return wide.reset_index().rename_axis(columns=None)


def _answer_texts(data: ClassData) -> pd.DataFrame:
    """Every written answer (exercises, reflections) with its rubric quality; quiz items are on
    their own sheets."""
    a = data.answers
    texts = a.loc[(a["kind"] != "quiz") & (a["text"] != ""), ["learner_id", "key", "mode", "label", "text", "quality"]]
    names = dict(zip(data.learners["learner_id"], data.learners["name"]))
    return texts.assign(name=texts["learner_id"].map(names))[
        ["learner_id", "name", "key", "mode", "label", "text", "quality"]].reset_index(drop=True)


def _workbook_sheets(data: ClassData, problems: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    return {
        "About": _about(data),
        "Learners": data.learners,
        "Completion": data.completion(),
        "Completion by mode": data.completion_by_mode(),
        "Quiz items": data.item_difficulty(),
        "Misconceptions": data.wrong_answers(),
        "Rubric scores": _rubric_wide(data),
        "Rubric summary": data.rubric_summary(),
        "Class spiral": data.class_spiral_table(),
        "Answers": _answer_texts(data),
        "Contributions": data.contributions,
        "Grades": data.grades(),
        "Problems": _problems_frame(problems),
    }


#: Sheet names of :func:`class_workbook`, in order (each at most 31 characters, Excel's limit).
WORKBOOK_SHEETS = ("About", "Learners", "Completion", "Completion by mode", "Quiz items", "Misconceptions",
                   "Rubric scores", "Rubric summary", "Class spiral", "Answers", "Contributions", "Grades",
                   "Problems")


def class_workbook(data: ClassData, problems: pd.DataFrame | None = None) -> bytes:
    """An Excel workbook (.xlsx) with one sheet per view of the class (see ``WORKBOOK_SHEETS``).

    Parameters
    ----------
    data : ClassData
        The class.
    problems : pandas.DataFrame, optional
        ``ClassLoad.problems``: files skipped or migrated while loading, on the "Problems" sheet.

    Returns
    -------
    bytes
        The .xlsx file. Text that a spreadsheet would run as a formula is defused; times are UTC.
    """
    sheets = _workbook_sheets(data, problems)
    return excel_workbook({name: sheets[name] for name in WORKBOOK_SHEETS})


# --- the report --------------------------------------------------------------------------------

def _section(title: str, intro: str, *parts: str) -> str:
    return f"<section><h2>{html_text(title)}</h2><p class=\"note\">{intro}</p>{''.join(parts)}</section>"


def class_report_html(data: ClassData, problems: pd.DataFrame | None = None) -> str:
    """A standalone HTML report of the class that works offline.

    Completion (chart and tables), quiz item difficulty and misconceptions, rubric scores, the
    class spiral (animated, with a table), grades and the files that were skipped. plotly.js
    is inlined once (about 5 MB); every learner text and file name is escaped with
    :func:`seci_lab.escape.html_text` (tables through :func:`seci_lab.exports.html_table`). Texts are
    summarised (a few examples per spiral step), not listed in full, so a class of thousands
    gives a page of reasonable size; the workbook has everything.
    """
    from ..figures import figure_html, spiral_figure, spiral_top_view
    from .charts import completion_figure, difficulty_figure, rubric_figure

    first = True

    def chart(figure, div_id: str, height: str = "420px") -> list[str]:
        # plotly.js goes into the page once, with the first figure drawn; the others use it.
        nonlocal first
        if figure is None:
            return []
        html = figure_html(figure, div_id, plotlyjs=first, height=height)
        first = False
        return [html]

    n = len(data)
    course = sorted({c for c in data.learners["course"] if c})
    title = "SECI lab class report" + (f": {', '.join(course)}" if course else "")
    by_mode = data.completion_by_mode()
    completion = data.completion()
    items = data.item_difficulty()
    wrong = data.wrong_answers()
    summary = data.rubric_summary()
    trajectory = data.class_trajectory()
    grades = data.grades()
    problems = _problems_frame(problems)
    sections = []

    by_mode_table = by_mode.rename(columns={
        "mode": "Mode", "mode_name": "Name", "exercises": "Exercises", "learners": "Learners",
        "started": "Started", "completed": "Completed", "mean_exercise_share": "Mean share of exercises done",
        "mean_quiz_answered": "Mean quiz items answered"})
    parts = chart(completion_figure(by_mode), "seci-class-completion")
    parts.append(html_table(by_mode_table, "Completion per mode"))
    learner_table = completion.copy()
    for m in MODES:
        learner_table[f"{m.value}_exercises"] = (learner_table[f"{m.value}_exercises"] * 100).round().astype(int)
    learner_table["exercises"] = (learner_table["exercises"] * 100).round().astype(int)
    learner_table["overall"] = (learner_table["overall"] * 100).round().astype(int)
    learner_table = learner_table.rename(columns={
        **{f"{m.value}_exercises": f"{m.value} exercises %" for m in MODES},
        **{f"{m.value}_quiz": f"{m.value} quiz items" for m in MODES},
        "learner_id": "Learner id", "name": "Name", "exercises": "All exercises %", "quiz": "Quiz items",
        "modes_completed": "Modes completed", "overall": "Overall %"})
    parts.append(f"<details><summary>Completion per learner ({n})</summary>"
                 f"{html_table(learner_table, 'Completion per learner')}</details>")
    sections.append(_section(
        "Completion", f"{n} learner{'s' if n != 1 else ''} handed in. A mode is completed with every exercise "
        f"saved and a full quiz set ({QUIZ_SET_SIZE} items) answered.", *parts))

    parts = chart(difficulty_figure(items), "seci-class-difficulty")
    shown = items.assign(share_correct=(items["share_correct"] * 100).round().astype("Int64")).rename(columns={
        "item_id": "Item", "mode": "Quiz", "kind": "Kind", "prompt": "Question", "answered": "Answered",
        "share_correct": "Fully right %", "mean_score": "Mean score", "mean_attempts": "Mean attempts"})
    parts.append(html_table(shown, "Quiz items, hardest first"))
    parts.append("<h3>Misconceptions: the most common wrong answers</h3>")
    parts.append(html_table(wrong.rename(columns={
        "item_id": "Item", "mode": "Quiz", "kind": "Kind", "prompt": "Question", "wrong_answer": "Wrong answer",
        "count": "Learners", "share_of_wrong": "Share of wrong answers", "explanation": "Why it is wrong",
        "right_answer": "Right answer"}), "Most common wrong answers per item"))
    sections.append(_section("Quiz items", "Share of learners fully right per item (a classical difficulty "
                             "index) and the wrong answers chosen most often, with the explanation to "
                             "discuss in class.", *parts))

    parts = chart(rubric_figure(summary), "seci-class-rubric")
    parts.append(html_table(summary.rename(columns={"key": "Exercise", "label": "Label", "mode": "Mode"}),
                        "Rubric quality per exercise"))
    sections.append(_section("Rubric scores", "The rubric's suggested quality (0 to 1) of every exercise text: "
                             "concreteness, the mode's own move and reasoning. A teaching aid, not a grade.",
                             *parts))

    parts = []
    if len(trajectory):
        parts += chart(spiral_figure(trajectory, animated=True, title="The class's knowledge spiral"),
                       "seci-class-spiral", "640px")
        parts += chart(spiral_top_view(trajectory, title="The class's knowledge spiral"),
                       "seci-class-spiral-top", "520px")
    parts.append(html_table(data.class_spiral_table(), "The class spiral, step by step"))
    sections.append(_section(
        "The class spiral", f"SECI-Spiral v1 (Nonaka &amp; Takeuchi 1995; the project's didactic model) run "
        f"on all {len(data.contributions)} contributions of the class, per learner. Press Play or move the "
        "slider; the table holds the same data.", *parts))

    grade_table = grades.rename(columns={"learner_id": "Learner id", "name": "Name", "email": "Email",
                                         "exercises": "Exercises", "quiz": "Quiz", "rubric": "Rubric",
                                         "grade": "Grade (0-100)", "points": "Points"})
    sections.append(_section("Grades", "Weighted mean of exercises done (0.4), quiz credit (0.4) and rubric "
                             "quality (0.2) by default; the gradebook CSV carries the same points.",
                             f"<details><summary>Grades ({n})</summary>{html_table(grade_table, 'Grades')}</details>"))
    sections.append(_section("Files skipped or migrated", f"{len(problems)} problem(s) while loading the class.",
                             html_table(problems, "Problems while loading")))

    made = utc_text(datetime.now(timezone.utc))
    return standalone_page(title, PAGE_STYLE, [
        f'<p class="note">Made {made} by seci-lab from the hand-ins of {n} learner{"s" if n != 1 else ""}. '
        "This page works offline; every chart has a table with the same data.</p>",
        *sections,
    ])
