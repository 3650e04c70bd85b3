"""The course frame (issue 20): one list of pages drives every page's steps, Previous/Next and the
welcome page; the marks follow the learner's saved work; the contents link to what is on the page;
a saved answer gets one judgement that agrees with its checklist; the palette passes WCAG AA."""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as widgets
import nbformat
import pytest

from seci_lab.content.course import PAGES, RENAMED, WELCOME, course_page, neighbours, page_of_kind
from seci_lab.model import MODES, Mode
from seci_lab.model.work import quiz_key, quiz_record
from seci_lab.store.progress import open_progress
from seci_lab.ui.answer import judgement
from seci_lab.ui.frame import course_frame, page_contents, page_status, seci_matrix
from seci_lab.ui.lessons import critiques_lesson, lesson_page
from seci_lab.ui.socialization import socialization_exercises
from seci_lab.ui.sources import sources_page

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CSS = ROOT / "seci_lab" / "voila" / "templates" / "seci" / "static" / "seci-course.css"
ORDER = (WELCOME, *PAGES)
_HREF = re.compile(r'href="([^"#]+\.ipynb)"')


@pytest.fixture
def progress(tmp_path):
    return open_progress(url=f"sqlite:///{tmp_path / 'learner.sqlite'}")


def _nb(name: str):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def test_every_course_notebook_is_in_the_one_list_and_shows_the_frame_first():
    listed = {p.notebook for p in ORDER}
    served = {p.stem for p in NOTEBOOKS.glob("*.ipynb")} - {"instructor", "workshop_facilitator"}
    assert served == listed
    for page in ORDER:
        first = _nb(page.notebook).cells[0]
        assert first.cell_type == "code" and f'course_frame("{page.notebook}")' in first.source, page.notebook


def test_no_notebook_keeps_course_links_by_hand():
    # Previous/Next and the course map come from PAGES: a hand-kept link went stale before
    # (lesson 7 led back to lesson 4, 06 and 07 pointed at each other).
    for page in ORDER:
        text = "\n".join(c.source for c in _nb(page.notebook).cells if c.cell_type == "markdown")
        assert "<nav" not in text and "Next:" not in text and "Back to the welcome page" not in text, page.notebook


@pytest.mark.parametrize("page", ORDER, ids=[p.notebook for p in ORDER])
def test_previous_and_next_follow_the_list(page, progress):
    html = course_frame(page.notebook, progress).value
    before, after = neighbours(page)
    i = ORDER.index(page)
    assert before == (ORDER[i - 1] if i else None) and after == (ORDER[i + 1] if i + 1 < len(ORDER) else None)
    prev_link = re.search(r'rel="prev" href="([^"]+)"', html)
    next_link = re.search(r'rel="next" href="([^"]+)"', html)
    assert (prev_link.group(1) if prev_link else None) == (before.href if before else None)
    assert (next_link.group(1) if next_link else None) == (after.href if after else None)
    # the steps list every page in the list's order, the current one marked for screen readers
    steps = html.split('aria-label="Course"')[1].split("</nav>")[0]
    assert _HREF.findall(steps) == [WELCOME.href, *[p.href for p in PAGES]]
    assert steps.count('aria-current="page"') == 1
    assert 'aria-label="On this page"' in html


def _html_of(widget) -> str:
    """Every HTML value under ``widget`` (what the page shows), children first to last."""
    out = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        out.append(_html_of(child))
    return "\n".join(out)


def _page_widget(page, progress):
    if page.kind in ("lesson", "theory"):
        return lesson_page(page.key, progress)
    if page.kind == "critiques":
        return critiques_lesson(progress)
    return sources_page()


@pytest.mark.parametrize("page", [p for p in PAGES if p.kind != "spiral"], ids=lambda p: p.notebook)
def test_every_contents_entry_links_to_an_element_of_its_page(page, progress):
    html = _html_of(_page_widget(page, progress))
    entries = page_contents(page, {})
    assert entries
    for entry in entries:
        assert html.count(f'id="{entry.anchor}"') == 1, (page.notebook, entry)


@pytest.mark.parametrize("name", ["00_welcome", page_of_kind("spiral").notebook])
def test_contents_of_markdown_pages_name_their_headings(name):
    # nbconvert gives a markdown heading the id of its text with "-" for spaces
    headings = {line[3:].strip().replace(" ", "-") for c in _nb(name).cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if line.startswith("## ")}
    made = {"seci-start", "seci-matrix", "seci-lab", "seci-diagnostic"}  # seci-diagnostic: ui/diagnostic.py
    for entry in page_contents(course_page(name), {}):
        assert entry.anchor in headings | made, entry
    assert 'id="seci-matrix"' in seci_matrix().value


def test_every_page_with_work_has_goals_and_a_recap():
    # Issue 23 item 5: the spiral lab too is in the lessons' shape (goals first, a recap at the end).
    for page in PAGES:
        if page.kind in ("lesson", "theory", "spiral", "critiques"):
            labels = [e.label for e in page_contents(page, {})]
            assert "Goals" in labels and "Recap" in labels, (page.notebook, labels)
            assert labels.index("Goals") < labels.index("Recap"), page.notebook


def _status(progress, notebook):
    page = course_page(notebook)
    return page_status(page, progress.answers(), progress.contributions())


def _answer_quiz(progress, lesson: str, n: int):
    for k in range(n):
        progress.save_answer(quiz_key(f"{lesson}-item-{k}"), quiz_record(
            None, lesson=lesson, kind="single", answer=0, correct=True, score=1.0, attempts=1,
            hints_used=0, round=1, counts=True))


def test_marks_follow_the_saved_work_and_the_frame_redraws_on_save(progress):
    frame = course_frame("01_socialization", progress)
    assert "Socialization<span class=\"seci-sr\"> (not started)" in frame.value
    ex = socialization_exercises(progress)  # the same store, as on a page
    ex.answers["journal"].text.value = "I noticed she pauses before every fold, which I cannot explain yet."
    ex.answers["journal"].save_button.click()
    assert "Socialization<span class=\"seci-sr\"> (in progress)" in frame.value  # redrawn at once
    assert _status(progress, "02_externalization") == ""
    for key in ("experience", "story"):
        ex.answers[key].text.value = f"My {key}: I watched the baker fold the dough for three mornings in a row."
        ex.answers[key].save_button.click()
    assert _status(progress, "01_socialization") == "started"  # the quiz is not answered yet
    _answer_quiz(progress, "S", 6)
    assert _status(progress, "01_socialization") == "done"
    assert "Socialization<span class=\"seci-sr\"> (done)" in course_frame("01_socialization", progress).value
    # the spiral is in progress with one mode in the round, done with all four
    assert _status(progress, page_of_kind("spiral").notebook) == "started"
    assert _status(progress, page_of_kind("sources").notebook) is None  # a page without work has no mark


def test_pages_renamed_by_the_new_order_keep_their_old_names_and_saved_work(progress):
    # Saved work is keyed by lesson (quiz records name "KCC", "critiques"), never by page: work
    # saved before the course was reordered marks the renamed pages, reached by old or new name.
    assert RENAMED and not set(RENAMED) & {p.notebook for p in PAGES}
    for old, new in RENAMED.items():
        assert course_page(old) is course_page(new) is course_page(f"{old}.ipynb")
        assert course_frame(old, progress).page is course_page(new)
    _answer_quiz(progress, "critiques", 2)
    critiques = page_of_kind("critiques")
    assert _status(progress, "06_critiques") == _status(progress, critiques.notebook) == "started"
    frame = course_frame("06_critiques", progress).value
    assert f'href="{critiques.href}"' in frame and "06_critiques.ipynb" not in frame


def test_the_quiz_entry_shows_the_score_so_far(progress):
    assert "6 questions" in course_frame("02_externalization", progress).value
    _answer_quiz(progress, "E", 2)
    assert "score 2.0 of 6 so far, 2 answered" in course_frame("02_externalization", progress).value


def test_welcome_offers_start_then_continue_and_maps_the_course(progress):
    first = course_frame("00_welcome", progress).value
    assert f'href="{PAGES[0].href}">Start: {PAGES[0].label}' in first
    assert [h for h in _HREF.findall(first.split('class="seci-map"')[1])] == [p.href for p in PAGES]
    _answer_quiz(progress, PAGES[0].key, 6)  # the first lesson's quiz, not its exercises
    again = course_frame("00_welcome", progress).value
    assert f"Continue where you left off: {PAGES[0].label}" in again


def test_the_welcome_matrix_is_a_table_of_the_four_modes():
    html = seci_matrix().value
    assert "<table>" in html and "<caption>" in html and html.count('scope="col"') == 2
    assert all(f"<strong>{m.label}</strong>" in html for m in MODES)


@pytest.mark.parametrize("quality, met, total, words", [
    (0.55, 0, 4, "Not yet: 0 of 4"),   # a number in the good band never overrides "nothing met"
    (0.55, 3, 4, "Good: 3 of 4"),
    (0.9, 4, 4, "Strong"),
    (0.9, 3, 4, "Good: 3 of 4"),        # strong needs every criterion
    (0.1, 4, 4, "Not yet: 4 of 4"),
])
def test_one_judgement_that_agrees_with_the_checklist(quality, met, total, words):
    assert judgement(quality, met, total)[1] == words


def test_an_answer_that_meets_nothing_is_saved_neutrally_and_judged_not_yet(progress):
    answer = socialization_exercises(progress).answers["journal"]
    answer.text.value = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."
    answer.save_button.click()
    record = progress.answer("S.journal")
    assert not any(c["status"] == "met" for c in record["criteria"])
    assert answer.message.kind == "saved" and "Done" not in answer.message.value
    assert re.search(r'class="seci-chip seci-chip-not-yet">Not yet: 0 of \d', answer.feedback.value)
    assert answer.feedback.value.count("seci-chip ") == 1


def test_save_says_checking_and_is_disabled_while_scoring(progress, monkeypatch):
    import seci_lab.ui.answer as answer_module

    answer = socialization_exercises(progress).answers["journal"]
    seen = []
    real = answer_module.score_answer

    def watching(*args, **kwargs):
        seen.append((answer.save_button.disabled, answer.save_button.description, answer.feedback.value))
        return real(*args, **kwargs)

    monkeypatch.setattr(answer_module, "score_answer", watching)
    answer.text.value = "I noticed she pauses before every fold, which I cannot explain yet."
    answer.save_button.click()
    disabled, words, feedback = seen[0]
    assert disabled and words == "Checking..." and "Checking your answer" in feedback and "Checklist" not in feedback
    assert not answer.save_button.disabled and answer.save_button.description == "Save answer"
    assert "Checklist" in answer.feedback.value


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_palette_passes_wcag_aa():
    css = CSS.read_text()
    var = dict(re.findall(r"--(seci-[\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    for text in ["seci-ink", "seci-muted", "seci-accent", *[f"seci-{m.value}-ink" for m in MODES]]:
        for ground in ["seci-paper", "seci-soft", *[f"seci-{m.value}-soft" for m in MODES]]:
            assert contrast(var[text], var[ground]) >= 4.5, (text, ground)
    assert contrast("#ffffff", var["seci-accent"]) >= 4.5  # white on primary buttons and Start
    # the focus ring is the accent blue (3:1 against white), not the orange-red of an error
    a11y = (CSS.parent / "seci-a11y.css").read_text()
    ring = re.search(r"#rendered_cells :focus-visible \{\s*outline: 3px solid (#[0-9a-fA-F]{6})", a11y).group(1)
    assert ring.lower() == var["seci-accent"].lower() and contrast(ring, "#ffffff") >= 3


def test_lesson_titles_follow_the_list():
    for page in PAGES:
        heading = next(c for c in _nb(page.notebook).cells if c.cell_type == "markdown").source.splitlines()[0]
        if page.kind in ("lesson", "theory", "critiques"):
            assert heading == f"# Lesson {page.step}: {page.title}", page.notebook


def test_a_mode_has_one_lesson_page():
    assert [p.key for p in PAGES if p.kind == "lesson"] == [m.value for m in MODES]
    assert course_page("01_socialization.ipynb") is PAGES[0]
    with pytest.raises(ValueError, match="not a page of the course"):
        course_page("99_nothing")
    assert Mode.parse(PAGES[0].key) is Mode.SOCIALIZATION


def test_the_frame_counts_exercises_as_the_instructor_does():
    # the frame keeps its own copy to spare every page the classroom package; they must agree
    from seci_lab.classroom.analysis import CHECKED_EXERCISES
    from seci_lab.classroom.analysis import EXERCISES as COUNTED
    from seci_lab.classroom.analysis import QUIZ_SET_SIZE as SET
    from seci_lab.ui import frame

    assert frame.EXERCISES == COUNTED and frame.QUIZ_SET_SIZE == SET
    assert {k for keys in frame.CHECKED.values() for k in keys} == {f"check:{i}" for i in CHECKED_EXERCISES}
    assert frame.exercise_key("I.log.2026-11-28") == "I.log" and frame.exercise_key("nonsense") is None
