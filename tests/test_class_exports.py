"""The class exports read back as an LMS, a spreadsheet and a browser would read them."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from class_data import hand_in, synthetic_data, synthetic_submissions, text_answer
from class_generator import write_class
from seci_lab.classroom import ClassData, GradeScheme, class_report_html, class_workbook, gradebook_csv, load_folder
from seci_lab.classroom.exports import CANVAS_COLUMNS, WORKBOOK_SHEETS

PAYLOAD = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def synthetic() -> ClassData:
    return synthetic_data(300, 7)


@pytest.fixture(scope="module")
def hostile() -> ClassData:
    """Learner text written to attack each sink: script tags, formulas, dollars, control-free but odd."""
    return ClassData.from_submissions([
        hand_in("s1", f"Eve {PAYLOAD}"[:60], {
            "S.story": text_answer("S", f"My story {PAYLOAD} $x$", 0.5),
            "E.metaphor": text_answer("E", "=HYPERLINK(\"http://evil.example\",\"click\")", 0.4),
        }, [{"mode": "S", "text": f"My story {PAYLOAD} $x$", "round": 1, "quality": 0.5},
            {"mode": "E", "text": "=HYPERLINK(\"http://evil.example\",\"click\")", "round": 1, "quality": 0.4},
            {"mode": "C", "text": "@SUM(1+1) merged cards", "round": 1, "quality": 0.6}]),
        hand_in("s2", "=1+2", {"S.journal": text_answer("S", "A plain journal", 0.6)},
                [{"mode": "S", "text": "A plain journal", "round": 1, "quality": 0.6}], course="-MGT"),
    ])


def _read_csv(raw: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)


def test_canvas_gradebook_reads_back_with_the_columns_canvas_expects(synthetic):
    raw = gradebook_csv(synthetic, "canvas", assignment="SECI lab")
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte-order mark glued to "Student"
    frame = _read_csv(raw)
    assert list(frame.columns) == CANVAS_COLUMNS + ["SECI lab"]
    assert frame.iloc[0]["Student"] == "Points Possible" and float(frame.iloc[0]["SECI lab"]) == 100
    rows = frame.iloc[1:]
    grades = synthetic.grades()
    assert len(rows) == len(grades) == 300 and rows["SIS User ID"].is_unique
    assert (rows["SIS User ID"] == rows["SIS Login ID"]).all() and (rows["ID"] == "").all()
    merged = rows.merge(grades, left_on="SIS User ID", right_on="learner_id", validate="one_to_one")
    assert len(merged) == 300
    assert (merged["SECI lab"].astype(float) - merged["points"]).abs().max() < 0.006
    assert (merged["Student"] == merged["name"]).all()


def test_moodle_gradebook_reads_back_with_an_identifier_column_per_learner(synthetic):
    scheme = GradeScheme(weights={"exercises": 1, "quiz": 1, "rubric": 0}, points=20)
    frame = _read_csv(gradebook_csv(synthetic, "moodle", assignment="SECI lab (week 3)", scheme=scheme))
    assert list(frame.columns) == ["ID number", "Full name", "SECI lab (week 3)", "Feedback"]
    grades = synthetic.grades(scheme)
    assert len(frame) == 300 and frame["ID number"].tolist() == grades["learner_id"].tolist()
    points = frame["SECI lab (week 3)"].astype(float)
    assert (points - grades["points"]).abs().max() < 0.006 and points.between(0, 20).all()
    by_email = _read_csv(gradebook_csv(synthetic, "moodle", identify_by="email"))
    assert list(by_email.columns)[0] == "Email address" and "ID number" not in by_email.columns
    with_email = grades[grades["email"] != ""]
    assert by_email["Email address"].tolist() == with_email["email"].tolist()
    assert frame["Feedback"].str.contains("quiz").all()


def test_gradebook_defuses_formulas_and_rejects_bad_settings(hostile):
    canvas = _read_csv(gradebook_csv(hostile, "canvas", assignment="SECI lab (12345)"))
    assert "SECI lab (12345)" in canvas.columns  # an existing Canvas assignment, named with its id
    assert "'=1+2" in canvas["Student"].tolist() and "'-MGT" in canvas["Section"].tolist()
    moodle = _read_csv(gradebook_csv(hostile, "moodle"))
    assert "'=1+2" in moodle["Full name"].tolist()
    with pytest.raises(ValueError, match="flavour"):
        gradebook_csv(hostile, "blackboard")
    for bad in ("", "   ", "Student", "x" * 200):
        with pytest.raises(ValueError):
            gradebook_csv(hostile, "canvas", assignment=bad)


def test_workbook_has_one_sheet_per_view_that_reads_back(synthetic):
    raw = class_workbook(synthetic)
    book = pd.read_excel(io.BytesIO(raw), sheet_name=None)
    assert list(book) == list(WORKBOOK_SHEETS) and all(len(name) <= 31 for name in book)
    grades = synthetic.grades()
    pd.testing.assert_series_equal(book["Grades"]["grade"], grades["grade"], check_names=False)
    assert book["Grades"]["learner_id"].astype(str).tolist() == grades["learner_id"].tolist()
    completion = synthetic.completion()
    assert book["Completion"]["overall"].to_numpy() == pytest.approx(completion["overall"].to_numpy())
    wrong = synthetic.wrong_answers()
    assert book["Misconceptions"]["wrong_answer"].tolist() == wrong["wrong_answer"].tolist()
    assert book["Quiz items"]["item_id"].tolist() == synthetic.item_difficulty()["item_id"].tolist()
    wide = book["Rubric scores"].set_index("learner_id")
    scores = synthetic.rubric_scores()
    assert len(wide) == 300 and list(wide.columns[1:]) == list(dict.fromkeys(scores["key"]))
    assert wide.iloc[:, 1:].notna().sum().sum() == len(scores)
    first = scores.iloc[0]
    assert wide.loc[first["learner_id"], first["key"]] == pytest.approx(first["quality"])
    assert len(book["Contributions"]) == len(synthetic.contributions)
    written = synthetic.answers[(synthetic.answers["kind"] != "quiz") & (synthetic.answers["text"] != "")]
    assert len(book["Answers"]) == len(written) and book["Answers"]["text"].notna().all()
    assert "Reflection on the critiques" in set(book["Answers"]["label"])
    assert book["Class spiral"]["Contributions"].sum() == len(synthetic.contributions)
    assert len(book["Learners"]) == 300 and book["Problems"].empty


def test_workbook_defuses_formulas_and_lists_the_problems(tmp_path, hostile):
    problems = pd.DataFrame([{"source": "=evil.json", "learner_id": "", "problem": "Not JSON", "action": "skipped"}])
    book = openpyxl.load_workbook(io.BytesIO(class_workbook(hostile, problems)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in ("=HYPERLINK(\"http://evil.example\",\"click\")", "@SUM(1+1) merged cards", "=evil.json"):
        assert texts[text].quotePrefix and texts[text].data_type == "s"  # shown exactly, run never
    assert not [t for t in texts if t.startswith("'")]  # no literal apostrophe anywhere
    # A class loaded from an LMS download: the loader's problems go to their sheet.
    write_class(tmp_path / "download", n=12, seed=3)
    load = load_folder(tmp_path / "download")
    data = ClassData.from_submissions(load.submissions)
    sheets = pd.read_excel(io.BytesIO(class_workbook(data, load.problems)), sheet_name=None)
    assert len(sheets["Problems"]) == len(load.problems) > 0
    assert set(sheets["Problems"]["action"]) <= {"skipped", "migrated", "replaced by a newer hand-in"}
    assert len(sheets["Learners"]) == len(load.submissions) == 12


def test_report_escapes_learner_text_and_works_offline(hostile):
    problems = pd.DataFrame([{"source": f"{PAYLOAD}.json", "learner_id": "", "problem": "Not JSON",
                              "action": "skipped"}])
    html = class_report_html(hostile, problems)
    assert PAYLOAD not in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    # Offline: plotly.js is inlined and no tag loads anything from the network (the bundle's own
    # text mentions URLs in strings, so script bodies are left out of the scan).
    assert html.count("plotly.js v") == 1
    assert all("src" not in tag for tag in re.findall(r"<script[^>]*>", html))
    markup = re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.DOTALL)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup, re.IGNORECASE)
    assert "<link" not in markup and "@import" not in markup
    assert html.lstrip().startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


def test_report_of_the_synthetic_class_has_a_table_for_each_chart(synthetic):
    html = class_report_html(synthetic)
    charts = re.findall(r'<div id="(seci-class-[a-z-]+)"', html)
    assert charts == ["seci-class-completion", "seci-class-difficulty", "seci-class-rubric",
                      "seci-class-spiral", "seci-class-spiral-top"]
    for caption in ("Completion per mode", "Quiz items, hardest first", "Most common wrong answers per item",
                    "Rubric quality per exercise", "The class spiral, step by step", "Grades"):
        assert f"<caption>{caption}</caption>" in html
    # plotly.js (several MB) is inlined once, not once per chart
    assert len(html) < 7_000_000
    assert html.count("Plotly.newPlot") == len(charts)
    assert '"frames"' in html or "addFrames" in html  # the class spiral is animated
    assert "<img src=x onerror" not in html and "<script>alert('x')" not in html


@pytest.mark.browser
def test_report_in_chromium_offline(tmp_path, hostile, page, console):
    """The report as an instructor opens it from disk: every chart drawn, the spiral plays, the
    learners' script-like text shown as text and never run, and no request leaves the computer."""
    data = ClassData.from_submissions(list(synthetic_submissions(30, 7)) + list(hostile.submissions.values()))
    path = tmp_path / "class-report.html"
    path.write_text(class_report_html(data), "utf-8")
    page.add_init_script("window.alert = () => { window.__xss = (window.__xss || 0) + 1; };")
    page.goto(path.as_uri())
    for chart in ("completion", "difficulty", "rubric", "spiral", "spiral-top"):
        page.wait_for_selector(f"#seci-class-{chart} .main-svg", timeout=60_000)
    assert page.locator("#seci-class-spiral canvas").count() > 0  # the 3-D scene is drawn
    page.locator("#seci-class-spiral").get_by_text("▶ Play").click()
    page.wait_for_function(
        "() => document.getElementById('seci-class-spiral')._fullLayout.sliders[0].active >= 1", timeout=30_000)
    text = page.evaluate("() => document.body.textContent")
    assert PAYLOAD in text  # Eve's name in the tables, as text
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("table caption").count() >= 7
    assert console.external_requests() == []
    assert [e for e in console.errors() if e != "undefined"] == []


def test_exports_of_an_empty_class():
    data = ClassData.from_submissions([])
    canvas = _read_csv(gradebook_csv(data))
    assert list(canvas["Student"]) == ["Points Possible"]  # the header rows only
    assert _read_csv(gradebook_csv(data, "moodle")).empty
    book = pd.read_excel(io.BytesIO(class_workbook(data)), sheet_name=None)
    assert list(book) == list(WORKBOOK_SHEETS) and book["Grades"].empty
    html = class_report_html(data)
    assert "0 learners handed in" in html and "Plotly.newPlot" not in html
