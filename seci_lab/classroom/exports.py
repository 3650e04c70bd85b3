"""What an instructor takes away from a class: a gradebook for the LMS, a workbook, a report.

Gradebook CSV (:func:`gradebook_csv`), one row per learner, UTF-8 without a byte-order mark,
comma-separated, CRLF rows, ``.`` as the decimal point. Ids, logins and e-mails are written
exactly as given, since the LMS matches them exactly (an apostrophe before an id starting with
``-`` would match nobody, and Moodle aborts the whole import on one unmatched id); display names
(``Student``, ``Section``, ``Full name``) are defused as a spreadsheet needs (an apostrophe before
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
  A name containing "Current Score", "Final Score", "Points", "Grade" or "Override" is refused
  (Canvas drops such a column); a learner whose name contains "Points Possible" is shown by id
  (Canvas would take the row for the points row).

``flavor="moodle"`` suits Moodle's grade import (Grades > Import > CSV file):

- columns: one identifier, ``ID number`` (``identify_by="idnumber"``) or ``Email address``
  (``"email"``: learners without an e-mail are left out, since Moodle credits an empty cell to
  the previous row's user), then ``Full name``, the assignment's column (the grade in points)
  and ``Feedback`` (the three components in words);
- create the grade item first, with maximum = the points (Moodle clamps grades to the item's
  maximum and cannot map feedback to a new item); on import map the identifier column to the
  same field, the assignment's column to the grade item and ``Feedback`` to its feedback.

The grade is ``ClassData.grades(scheme)["points"]``: out of ``scheme.points`` (default 100).

The workbook (:func:`class_workbook`) has one sheet per view of the instructor dashboard, and
the report (:func:`class_report_html`) is one offline HTML page with each chart and its table.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Iterable

import pandas as pd

from ..escape import html_text
from ..exports import PAGE_STYLE, csv_bytes, defuse_cell, excel_workbook, html_table, standalone_page, utc_text
from ..model import MODES
from .analysis import QUIZ_SET_SIZE, ClassData, GradeScheme
from .learning import learning

__all__ = ["FLAVORS", "MOODLE_IDENTITIES", "canvas_assignment_id", "canvas_assignment_problem", "class_report_html",
           "class_workbook", "gradebook_csv", "gradebook_frame", "gradebook_omissions"]

#: Gradebook layouts :func:`gradebook_csv` writes.
FLAVORS = ("canvas", "moodle")
#: How Moodle's import identifies a row's user: by ID number or by e-mail (one column, the one
#: mapped; a file with both invites the other mapping, under which an empty cell credits the
#: previous row's user).
MOODLE_IDENTITIES = {"idnumber": "ID number", "email": "Email address"}
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["ID number", "Email address", "Full name"]
_POINTS_POSSIBLE = "Points Possible"
#: Canvas's importer drops a column whose header contains one of these (its own computed columns).
CANVAS_DROPPED_WORDS = ("Current Score", "Final Score", "Current Points", "Final Points", "Points", "Grade",
                        "Override")
_CANVAS_ID_SUFFIX = re.compile(r"\((\d+)\)\s*$")


def _check_assignment(assignment: object) -> str:
    if not isinstance(assignment, str) or not assignment.strip():
        raise ValueError("Give the assignment a name (the LMS shows it as the column's title).")
    name = " ".join(assignment.split())
    if len(name) > 120:
        raise ValueError(f"The assignment name has {len(name)} characters; keep it under 120.")
    if name.casefold() in {c.casefold() for c in CANVAS_COLUMNS + MOODLE_COLUMNS + ["Feedback", _POINTS_POSSIBLE]}:
        raise ValueError(f"“{name}” is the name of another column of the gradebook: choose another name.")
    return name


def canvas_assignment_problem(assignment: str) -> str | None:
    """Why Canvas would drop a gradebook column named ``assignment``, or None.

    Canvas's importer ignores columns whose header contains "Current Score", "Final Score",
    "Points", "Grade" or "Override" (its own computed columns), so such a name would import nothing.
    """
    folded = assignment.casefold()
    for word in CANVAS_DROPPED_WORDS:
        if word.casefold() in folded:
            return (f"Canvas ignores a column whose name contains “{word}” (it takes it for one of its own "
                    "computed columns), so nothing would be imported: choose a name without it.")
    return None


def canvas_assignment_id(assignment: str) -> str | None:
    """The Canvas assignment id a trailing ``(digits)`` in ``assignment`` gives, or None.

    Canvas reads ``"SECI lab (12345)"`` as assignment 12345: the grades go to that existing
    assignment (and to none if there is no such assignment) rather than to a new one.
    """
    match = _CANVAS_ID_SUFFIX.search(assignment)
    return match[1] if match else None


def _feedback(grades: pd.DataFrame) -> pd.Series:
    not_counted = grades["not_counted"].map(lambda t: f". Not counted yet: {t}" if t else "")
    return ("Exercises done " + (grades["exercises"] * 100).round().astype(int).astype(str) + "%, quiz "
            + (grades["quiz"] * 100).round().astype(int).astype(str) + "%, rubric quality "
            + grades["rubric"].round(2).map("{:.2f}".format) + not_counted + " (seci-lab)")


def _display(values: pd.Series) -> pd.Series:
    """Names shown for reading only, defused as a spreadsheet would need (the LMS matches no one
    by them, so the apostrophe costs nothing there)."""
    return values.map(defuse_cell)


def _not_points_row(names: pd.Series, ids: pd.Series) -> pd.Series:
    """Canvas takes any row whose first cell contains "Points Possible" for the points row: a
    learner so named is shown by their id instead."""
    clash = names.str.casefold().str.contains(_POINTS_POSSIBLE.casefold(), regex=False)
    return names.where(~clash, "Learner " + ids)


def gradebook_frame(data: ClassData, flavor: str = "canvas", *, assignment: str = "SECI lab",
                    scheme: GradeScheme = GradeScheme(), identify_by: str = "idnumber",
                    leave_out: Iterable[str] = ()) -> pd.DataFrame:
    """The gradebook exactly as :func:`gradebook_csv` writes it.

    Ids, logins and e-mails are written as given (the LMS matches them exactly); only display
    names are defused. For ``"canvas"`` the first row is the ``Points Possible`` row; for
    ``"moodle"`` the one identifier column is ``identify_by``'s, and with ``"email"`` the
    learners without an e-mail are left out (see :func:`gradebook_omissions`). The learners in
    ``leave_out`` (learner ids) are not written.
    """
    if flavor not in FLAVORS:
        raise ValueError(f"Unknown gradebook flavour {flavor!r}: use one of {', '.join(FLAVORS)}.")
    name = _check_assignment(assignment)
    grades = data.grades(scheme)
    course = pd.Series(data.learners["course"].to_numpy(), index=grades.index, dtype=object)
    keep = ~grades["learner_id"].isin(set(leave_out))
    if flavor == "canvas":
        problem = canvas_assignment_problem(name)
        if problem:
            raise ValueError(problem)
        grades, course = grades[keep], course[keep]
        frame = pd.DataFrame({
            "Student": _display(_not_points_row(grades["name"].astype(str), grades["learner_id"].astype(str))),
            "ID": "", "SIS User ID": grades["learner_id"], "SIS Login ID": grades["learner_id"],
            "Section": _display(course), name: grades["points"],
        }, columns=CANVAS_COLUMNS + [name])
        points = pd.DataFrame([{"Student": _POINTS_POSSIBLE, "ID": "", "SIS User ID": "", "SIS Login ID": "",
                                "Section": "", name: float(scheme.points)}])
        return pd.concat([points, frame], ignore_index=True)
    if identify_by not in MOODLE_IDENTITIES:
        raise ValueError(f"Moodle identifies users by {' or '.join(MOODLE_IDENTITIES)}, not {identify_by!r}.")
    identifier = grades["learner_id"] if identify_by == "idnumber" else grades["email"]
    keep &= identifier.astype(str).str.strip() != ""
    grades = grades[keep]
    column = MOODLE_IDENTITIES[identify_by]
    return pd.DataFrame({
        column: identifier[keep], "Full name": _display(grades["name"]),
        name: grades["points"], "Feedback": _feedback(grades),
    }, columns=[column, "Full name", name, "Feedback"]).reset_index(drop=True)


def gradebook_omissions(data: ClassData, flavor: str, *, identify_by: str = "idnumber") -> list[str]:
    """Learner ids :func:`gradebook_frame` cannot write for this LMS mapping: with Moodle's
    e-mail mapping, those without an e-mail (Moodle would credit the previous row's user)."""
    if flavor == "moodle" and identify_by == "email":
        learners = data.learners
        return learners.loc[learners["email"].astype(str).str.strip() == "", "learner_id"].astype(str).tolist()
    return []


def gradebook_csv(data: ClassData, flavor: str = "canvas", *, assignment: str = "SECI lab",
                  scheme: GradeScheme = GradeScheme(), identify_by: str = "idnumber",
                  leave_out: Iterable[str] = ()) -> bytes:
    """The class's grades as a CSV file that Canvas or Moodle imports (see the module docstring).

    Parameters
    ----------
    data : ClassData
        The class.
    flavor : {"canvas", "moodle"}
        The LMS's column conventions.
    assignment : str
        The grade column's title: the assignment's name (Canvas: ``"Name (id)"`` for an
        existing assignment; a name Canvas would drop is refused).
    scheme : GradeScheme
        How the grade is computed, and the assignment's points.
    identify_by : {"idnumber", "email"}
        Moodle only: the identifier column (map it to the same field on import).
    leave_out : iterable of str
        Learner ids not to write (e.g. learners not in the LMS's roster: Moodle aborts the
        whole import on one unknown user).

    Returns
    -------
    bytes
        UTF-8 CSV, one row per learner (Canvas: after the ``Points Possible`` row); every cell
        holding a line break or carriage return is quoted.

    Raises
    ------
    ValueError
        An unknown flavour or an unusable assignment name.
    """
    frame = gradebook_frame(data, flavor, assignment=assignment, scheme=scheme, identify_by=identify_by,
                            leave_out=leave_out)
    # No byte-order mark: LMS importers read plain UTF-8, and a BOM would stick to the first header.
    return csv_bytes(frame, float_format="%.2f")


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
        ("Completion", "Share of each mode's exercises done: saved with an answer that counts as an attempt "
                       "(not copied, off topic, a template or too short; not_counted says which did not count "
                       "and why; the instructor's rating overrides). Quiz items answered beside it. "
                       f"A mode is completed with every exercise and a full quiz set ({QUIZ_SET_SIZE} items)."),
        ("Quiz items", "share_correct: learners fully right at their first attempt among those who answered "
                       "(hardest first)."),
        ("Misconceptions", "The most common wrong first answers per quiz item, with the question bank's explanation."),
        ("Rubric", "Suggested quality (0-1) of each exercise text, or the instructor's rating where there is one: "
                   "a teaching aid, not a grade on its own."),
        ("Ratings", f"{sum(len(v) for v in data.ratings.values())} instructor rating(s) applied. quality_source says "
                    "whose quality counts: rubric, self (the learner's own; never graded) or instructor."),
        ("Learning", "The pre/post diagnostic scored again from its answers: Hake's normalized gain of class "
                     "averages over learners who took both forms, with a 95% bootstrap interval; see the "
                     "Learning sheets and docs/diagnostic.md."),
        ("Grades", "Weighted mean of exercises done (answers that count as attempts only; not_counted says "
                   "which did not and why), quiz credit and rubric quality: see GradeScheme."),
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
        **_learning_sheets(learning(data)),
        "Problems": _problems_frame(problems),
    }


#: Sheet names of :func:`class_workbook`, in order (each at most 31 characters, Excel's limit).
WORKBOOK_SHEETS = ("About", "Learners", "Completion", "Completion by mode", "Quiz items", "Misconceptions",
                   "Rubric scores", "Rubric summary", "Class spiral", "Answers", "Contributions", "Grades",
                   "Learning summary", "Learning by learner", "Learning by concept", "Learning distribution",
                   "Diagnostic forms", "Diagnostic sittings", "Problems")


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


def _learner_completion(completion: pd.DataFrame) -> pd.DataFrame:
    """``ClassData.completion()`` as the report shows it: shares in whole percent, columns in words."""
    table = completion.copy()
    for column in [f"{m.value}_exercises" for m in MODES] + ["exercises", "overall"]:
        table[column] = (table[column] * 100).round().astype(int)
    return table.rename(columns={
        **{f"{m.value}_exercises": f"{m.value} exercises %" for m in MODES},
        **{f"{m.value}_quiz": f"{m.value} quiz items" for m in MODES},
        "learner_id": "Learner id", "name": "Name", "exercises": "All exercises %", "quiz": "Quiz items",
        "modes_completed": "Modes completed", "overall": "Overall %",
        "not_counted": "Exercises not counted, and why"})


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
    parts.append(f"<details><summary>Completion per learner ({n})</summary>"
                 f"{html_table(_learner_completion(completion), 'Completion per learner')}</details>")
    sections.append(_section(
        "Completion", f"{n} learner{'s' if n != 1 else ''} handed in. An exercise is done when its answer counts "
        "as an attempt (not copied, off topic, a template or too short: the last column says which did not "
        "count and why; the instructor's rating overrides). A mode is completed with every exercise "
        f"done and a full quiz set ({QUIZ_SET_SIZE} items) answered.", *parts))

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
    rated = sum(len(v) for v in data.ratings.values())
    sections.append(_section("Rubric scores", "The rubric's suggested quality (0 to 1) of every exercise text: "
                             "concreteness, the mode's own move and reasoning. A teaching aid, not a grade."
                             + (f" {rated} answer(s) and contribution(s) carry the instructor's rating instead, "
                                "which also counts in the class spiral and the grades." if rated else ""),
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
        "slider; the table holds the same data and marks each text someone rated (self-rated, rated by "
        "the instructor).", *parts))

    grade_table = grades.rename(columns={"learner_id": "Learner id", "name": "Name", "email": "Email",
                                         "exercises": "Exercises", "quiz": "Quiz", "rubric": "Rubric",
                                         "grade": "Grade (0-100)", "points": "Points",
                                         "not_counted": "Exercises not counted, and why"})
    sections.append(_section("Grades", "Weighted mean of exercises done (0.4), quiz credit (0.4) and rubric "
                             "quality (0.2) by default; the gradebook CSV carries the same points.",
                             f"<details><summary>Grades ({n})</summary>{html_table(grade_table, 'Grades')}</details>"))
    sections.append(_section("Learning: the pre/post diagnostic", "What the class learned, from the diagnostic "
                             "each learner took before and after the course.",
                             *_learning_report_parts(learning(data), chart)))
    sections.append(_section("Files skipped or migrated", f"{len(problems)} problem(s) while loading the class.",
                             html_table(problems, "Problems while loading")))

    made = utc_text(datetime.now(timezone.utc))
    return standalone_page(title, PAGE_STYLE, [
        f'<p class="note">Made {made} by seci-lab from the hand-ins of {n} learner{"s" if n != 1 else ""}. '
        "This page works offline; every chart has a table with the same data.</p>",
        *sections,
    ])


def _learning_sheets(result):
    from .learning_charts import learning_sheets  # plotly: only where a workbook is written

    return learning_sheets(result)


def _learning_report_parts(result, chart):
    from .learning_charts import learning_report_parts  # plotly: only where a report is written

    return learning_report_parts(result, chart)
