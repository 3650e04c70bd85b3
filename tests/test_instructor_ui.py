"""The instructor dashboard, driven headlessly: the widgets built in plain pytest, clicked, read.

One synthetic class of 300 learners with every kind of bad file (tests/class_generator.py) is
loaded once per module through the page's own Load button; the tests then read each view as
an instructor would. The generator puts a script-like payload (``class_generator.XSS_TEXT``)
into one learner's contribution, so every view that shows learner text is checked for escaping.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timezone

import pandas as pd
import pytest

from class_generator import synthetic_class, write_class
from seci_lab.classroom import submission_bytes, submission_filename
from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, DB_ENV, INSTRUCTOR_KEY_ENV
from seci_lab.ui import instructor as instructor_ui
from seci_lab.ui.instructor import PAGE_ROWS, instructor_page

PLOTLY = "application/vnd.plotly.v1+json"
N = 300


@pytest.fixture(autouse=True, scope="module")
def _no_class_config(tmp_path_factory):
    # The instructor's own environment must not leak into these tests, and the ratings an
    # instructor keeps without a class store go to a database of the test's own.
    with pytest.MonkeyPatch.context() as mp:
        for name in (CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV):
            mp.delenv(name, raising=False)
        mp.setenv(DB_ENV, str(tmp_path_factory.mktemp("instructor") / "own.sqlite"))
        yield


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    counts = write_class(folder, n=N, seed=7, bad_files=True)
    return folder, counts


@pytest.fixture(scope="module")
def loaded(class_folder):
    folder, _ = class_folder
    page = instructor_page(str(folder))
    page.load_button.click()
    assert page.message.kind == "ok", page.message.text
    page.render_all()
    return page


def _plotly(output) -> dict:
    assert len(output.outputs) == 1, "the chart was not drawn"
    data = output.outputs[0]["data"]
    assert PLOTLY in data
    json.dumps(data[PLOTLY])  # must travel to the browser as JSON
    return data[PLOTLY]


def _xss_learner(page) -> str:
    texts = page.data.contributions
    hit = texts[texts["text"].str.contains("onerror=alert", regex=False)]
    assert len(hit), "the generator's XSS payload is missing from the class"
    return str(hit["learner_id"].iloc[0])


def test_without_a_class_the_page_says_how_to_start(tmp_path):
    page = instructor_page()
    assert page.message.kind == "info" and "Load a class" in page.message.text
    assert page.tabs.layout.display == "none"
    assert [label for label, _ in page.source.options] == [instructor_ui._SOURCES["folder"],
                                                           instructor_ui._SOURCES["upload"]]
    # Exports are disabled, and a forged click on one builds nothing.
    assert all(button.disabled for button in page.downloads.values())
    assert page.downloads["canvas"].request() is None

    page.load_button.click()  # no folder typed
    assert page.message.kind == "error" and "Type the folder" in page.message.text
    page.folder.value = str(tmp_path / "nowhere")
    page.load_button.click()
    assert page.message.kind == "error" and "There is no folder" in page.message.text
    assert "Traceback" not in page.message.value
    page.source.value = "upload"
    page.load_button.click()
    assert page.message.kind == "error" and "Choose the hand-in files" in page.message.text
    with pytest.raises(ValueError, match="Load a class first"):
        page.search("anything")


def test_a_folder_of_garbage_is_listed_not_crashed(tmp_path):
    (tmp_path / "notes.json").write_text('{"title": "my notes"}')
    (tmp_path / "broken.json").write_bytes(b'{"schema": "seci-lab/submission", "vers')
    (tmp_path / "binary.json").write_bytes(bytes(range(256)))
    (tmp_path / "<img src=x onerror=alert(1)>.json").write_text("[]")
    page = instructor_page(str(tmp_path))
    page.load_button.click()
    assert page.message.kind == "error" and "No hand-ins were found" in page.message.text
    assert len(page.problems.frame) == 4
    assert set(page.problems.frame["action"]) == {"skipped"}
    html = page.problems.html.value
    assert "&lt;img src=x onerror=alert(1)&gt;.json" in html and "<img" not in html
    assert "<strong>0</strong> learners" in page.overview.value
    assert page.tabs.layout.display is None  # the Overview tab shows the problems
    assert all(button.disabled for button in page.downloads.values())


def test_load_lists_every_problem_with_its_reason(loaded, class_folder):
    _, counts = class_folder
    page = loaded
    assert page.progress.value == page.progress.max > 0
    assert len(page.data.learners) == counts["learners"]
    assert f"<strong>{counts['learners']}</strong> learners" in page.overview.value
    problems = page.problems.frame
    expected = sum(v for k, v in counts.items() if k != "learners")
    assert len(problems) == expected
    assert set(problems.columns) == {"source", "learner_id", "problem", "action"}
    actions = problems["action"].value_counts()
    assert actions["migrated"] == counts["older"]
    assert actions["replaced by a newer hand-in"] == counts["replaced"]
    assert (problems["problem"].str.len() > 10).all(), "every problem says what is wrong"
    html = page.problems.html.value
    assert "<caption>" in html and "reason" in html
    for source in problems["source"]:
        assert instructor_ui.html_text(source) in html
    assert str(len(problems)) in page.message.text


def test_every_tab_is_filled(loaded):
    page = loaded
    assert page.rendered >= set(instructor_ui._TABS)
    # Completion: per mode table and chart, per learner table paged.
    assert "Completion per mode" in page.completion_modes.value
    chart = _plotly(page.completion_chart)
    assert len(chart["data"]) == 3 and all(len(t["y"]) == 4 for t in chart["data"])
    assert len(page.completion.frame) == N
    assert f"rows 1–{PAGE_ROWS} of {N}" in page.completion.html.value
    assert page.completion.html.value.count("</tr>") == PAGE_ROWS + 1  # header + one page
    page.completion.next_button.click()
    assert f"rows {PAGE_ROWS + 1}–{2 * PAGE_ROWS} of {N}" in page.completion.html.value
    page.completion.previous_button.click()
    page.completion.previous_button.click()  # forged: already on the first page
    assert page.completion.page == 0
    # Quiz: hardest first, misconceptions with explanations.
    items = page.items.frame
    assert len(items) > 10 and items["share_correct"].is_monotonic_increasing
    wrong = page.wrong.frame
    assert len(wrong) > 0 and wrong["explanation"].astype(str).str.len().gt(0).all()
    assert "misconceptions" in page.wrong.html.value
    # Rubric: a box per exercise, and the summary table.
    rubric = _plotly(page.rubric_chart)
    summary = page.data.rubric_summary()
    assert len(rubric["data"]) == len(summary) > 3
    assert [t["name"][0] for t in rubric["data"]] == list(summary["mode"])  # same order as the table
    assert "median" in page.rubric_summary.value
    # Class spiral: animated, small enough, with its table.
    spiral = _plotly(page.spiral_out)
    assert page.spiral_kind == "animated" and spiral.get("frames")
    assert len(json.dumps(spiral)) < instructor_ui.SPIRAL_JSON_LIMIT
    assert "<table" in page.spiral_table.value
    assert str(len(page.data.contributions)) in page.spiral_note.value
    # Learner: the first learner is shown.
    assert page.learner.value is not None and "<h3>" in page.learner_summary.value
    assert not all(b.disabled for b in page.downloads.values())


def test_overview_leads_with_the_class_and_grades_are_checked_before_export(loaded):
    page = loaded
    overview = page.overview.value
    # cards first: learners, completion as a percentage, the median grade, the quiz items to review
    for card in ("Learners", "Completion", "Median grade", "Quiz items to review"):
        assert f'<span class="seci-card-label">{card}</span>' in overview
    assert overview.index("seci-card") < overview.index("Files not read as they are")
    median = page.data.completion()["overall"].median()
    assert f"{round(median * 100)} %" in overview and "0." + str(median)[2:4] not in overview.split("Completion")[1][:80]
    # the files not read are folded, the count in the fold's title
    assert page.problems_box.selected_index is None
    assert page.problems_box.get_title(0) == f"Files not read as they are ({len(page.problems.frame)})"
    # a quiz item to review is named by its question, its id in a tooltip
    items = page.data.item_difficulty()
    hard = items[(items["answered"] >= 3) & (items["share_correct"] < 0.5)]
    if len(hard):
        first = hard.iloc[0]
        assert f'title="{instructor_ui.html_text(first["item_id"])}"' in overview
    # Grades: every learner, components as percentages, sortable both ways
    grades = page.grades_tab
    assert len(grades.frame) == N
    shown = grades.table.frame
    assert {"Exercises %", "Quiz %", "Rubric %", "Grade (of 100)"} <= set(shown.columns)
    assert shown["Exercises %"].between(0, 100).all()
    assert shown["Grade (of 100)"].is_monotonic_increasing
    grades.order.value = "Highest first"
    assert grades.table.frame["Grade (of 100)"].is_monotonic_decreasing
    grades.sort_by.value = "Name"
    assert list(grades.table.frame["Name"]) == sorted(grades.table.frame["Name"], reverse=True)


def test_learner_view_escapes_their_text(loaded):
    page = loaded
    learner_id = _xss_learner(page)
    page.learner.value = learner_id
    assert instructor_ui.html_text(learner_id) in page.learner_summary.value
    answers = page.learner_answers.frame
    assert len(answers) > 0 and "feedback" in answers
    assert answers["feedback"].str.len().gt(0).any(), "the rubric's reasons and hint are shown"
    assert "<table" in page.learner_answers.html.value
    html = page.learner_contributions.html.value
    assert "onerror=alert(1)" in html  # the text is there, as text ...
    assert "<img src=x" not in html and "<script>" not in html  # ... never as markup
    assert "&lt;script&gt;" in html
    spiral = _plotly(page.learner_spiral)
    hover = json.dumps(spiral["data"])
    assert "<script>" not in hover and "$x^2$" not in hover  # plotly_text escaped < and $
    with pytest.raises(ValueError, match="Choose a learner"):
        page.show_learner("not-a-learner")


def test_search_escapes_results_and_checks_input(loaded):
    page = loaded
    page.search_text.value = "onerror=alert"
    page.search_button.click()
    results = page.search_results.frame
    assert len(results) >= 1 and set(results["learner_id"]) == {_xss_learner(page)}
    html = page.search_results.html.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert "<script>" not in html and page.message.kind == "ok"
    page.search_text.value = "   "
    page.search_button.click()
    assert page.message.kind == "error" and "Type a word" in page.message.text
    page.search_text.value = "x" * 500  # a forged value past any limit in the page
    page.search_button.click()
    assert page.message.kind == "error" and "at most" in page.message.text
    page.search_text.value = "zzzqqq-nobody-wrote-this"
    page.search_button.click()
    assert page.message.kind == "info" and len(page.search_results.frame) == 0


def test_export_buttons_files_read_back(loaded):
    page = loaded
    n = len(page.data.learners)
    page.assignment.value = "SECI lab, week 3"
    canvas = pd.read_csv(io.BytesIO(page.downloads["canvas"].request()), dtype=str)
    assert list(canvas.columns[:5]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas.columns[5] == "SECI lab, week 3"
    assert canvas.iloc[0]["Student"] == "Points Possible" and len(canvas) == n + 1
    grades = canvas.iloc[1:][canvas.columns[5]].astype(float)
    assert grades.between(0, 100).all() and grades.nunique() > 10
    assert set(canvas.iloc[1:]["SIS User ID"]) == set(page.data.learners["learner_id"])
    moodle = pd.read_csv(io.BytesIO(page.downloads["moodle"].request()), dtype=str)
    assert list(moodle.columns) == ["ID number", "Full name", "SECI lab, week 3", "Feedback"]
    assert len(moodle) == n
    sheets = pd.read_excel(io.BytesIO(page.downloads["excel"].request()), sheet_name=None)
    assert len(sheets) >= 6 and any(len(frame) == n for frame in sheets.values())
    report = page.downloads["report"].request().decode("utf-8")
    assert report.startswith("<!DOCTYPE html>") and "<img src=x onerror" not in report
    # A bad assignment name is refused, with the reason shown beside the button.
    page.assignment.value = "   "
    assert page.downloads["canvas"].request() is None
    assert "Give the assignment a name" in page.downloads["canvas"].status
    page.assignment.value = "SECI lab"


def test_upload_of_files_and_a_zip(tmp_path):
    learners = synthetic_class(12, seed=3)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for data in learners[:8]:
            zf.writestr(f"submissions/{submission_filename(data)}", submission_bytes(data))
    files = [(submission_filename(d), submission_bytes(d)) for d in learners[8:]]
    files += [("canvas-download.zip", archive.getvalue()), ("junk.json", b"not json")]
    page = instructor_page()
    page.source.value = "upload"
    page.upload.value = tuple(
        {"name": name, "type": "application/octet-stream", "size": len(content),
         "content": memoryview(content),
         "last_modified": datetime(2026, 11, 28, tzinfo=timezone.utc)}
        for name, content in files)
    page.load_button.click()
    assert page.message.kind == "ok", page.message.text
    assert len(page.data.learners) == 12
    assert list(page.problems.frame["source"]) == ["junk.json"]


def test_an_instructor_key_guards_the_page(tmp_path, class_folder):
    folder, _ = class_folder
    page = instructor_ui.InstructorPage(str(folder), key="s3cret-key")
    assert page.access_box in page.children and page.source_box not in page.children
    page.load_button.click()  # forged: the button is hidden
    assert page.message.kind == "error" and "instructor key" in page.message.text
    assert page.data is None
    page.key.value = "wrong"
    page.unlock_button.click()
    assert page.message.kind == "error" and not page.unlocked
    assert page.key.value == ""  # a typed key does not stay in the page
    page.key.value = "s3cret-key"
    page.unlock_button.click()
    assert page.unlocked and page.source_box in page.children and page.access_box not in page.children


def test_class_store_source(tmp_path, monkeypatch):
    from seci_lab.store.classroom import ClassStore

    monkeypatch.setenv(CLASS_DB_ENV, str(tmp_path / "class.sqlite"))
    store = ClassStore()
    for data in synthetic_class(5, seed=11):
        store.hand_in(data)
    page = instructor_page()
    assert page.source.value == "store"
    page.load_button.click()
    assert page.message.kind == "ok" and "class store" in page.message.text
    assert len(page.data.learners) == 5


def test_unreachable_class_store_is_a_message(monkeypatch):
    monkeypatch.setenv(CLASS_DB_ENV, "postgresql+psycopg://nobody@127.0.0.1:1/class")
    page = instructor_page()
    page.load_button.click()
    assert page.message.kind == "error"
    assert "cannot be reached" in page.message.text or "cannot be opened" in page.message.text
    assert page.data is None and not page.load_button.disabled


def test_loading_another_class_replaces_every_view(class_folder, tmp_path):
    folder, _ = class_folder
    page = instructor_page(str(folder))
    page.load_button.click()
    page.render_all()
    page.search("onerror=alert")
    assert len(page.search_results.frame) and page.spiral_out.outputs
    (tmp_path / "junk.json").write_text("not json")
    page.folder.value = str(tmp_path)
    page.load_button.click()
    assert page.message.kind == "error" and len(page.problems.frame) == 1
    assert page.completion.frame.empty and page.search_results.frame.empty
    assert page.spiral_out.outputs == () and page.completion_chart.outputs == ()
    assert page.learner.options == () and page.learner_summary.value == ""


def test_a_class_of_adequate_work_rises_above_individual_in_the_class_spiral(tmp_path):
    # Issue 19: a class of 40 doing every lesson, every answer graded adequate by the teacher
    # (0.55, inside the quality scale's adequate band), rises as docs/spiral-model.md's table
    # says: one pass of 40 people through the four lessons is the Group level.
    folder = tmp_path / "adequate"
    folder.mkdir()
    for data in synthetic_class(40, seed=5, adequate=True):
        (folder / submission_filename(data)).write_bytes(submission_bytes(data))
    page = instructor_page(str(folder))
    page.load_button.click()
    assert page.message.kind == "ok", page.message.text
    ratings = page._ratings_store()
    for learner_id in page.data.learners["learner_id"].astype(str):
        for key in page.data.rateable(learner_id)["key"]:
            ratings.rate(learner_id, key, 0.55)
    page.load_button.click()
    page.render_all()
    trajectory = page.class_trajectory
    assert int(trajectory[trajectory["round"] == 1]["level"].iloc[-1]) >= 1  # Group after round 1
    assert trajectory["height"].iloc[-1] > 1.0 and int(trajectory["level"].iloc[-1]) >= 1
    note = page.spiral_note.value
    assert "SECI-Spiral v2" in note and "v1" not in note
    assert "A round is one pass through the four mode lessons" in note
    progress = page.spiral_progress.value
    assert "next level · Organization:" in progress and "To do:" in progress
