"""The instructor dashboard's teacher's kit (widgets, no browser): slides and the sample class."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation

from class_generator import write_class
from seci_lab.classroom.sample import SAMPLE_COURSE, SAMPLE_LEARNERS
from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, DB_ENV, INSTRUCTOR_KEY_ENV
from seci_lab.exports.slides import deck_filename, lesson_plan, lesson_steps
from seci_lab.store.classroom import ClassStore, InstructorRatings
from seci_lab.store.scores import RubricScores
from seci_lab.ui.instructor import InstructorPage, instructor_page


@pytest.fixture(autouse=True)
def _own_environment(monkeypatch, tmp_path):
    for name in (CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(DB_ENV, str(tmp_path / "own.sqlite"))


def test_the_slides_button_writes_the_chosen_lesson_with_progress(tmp_path):
    page = instructor_page()
    assert page.kit in page.children
    panel = page.kit.slides
    panel.lesson.value = "3"
    panel.folder.value = str(tmp_path / "deck")
    panel._on_write()
    assert panel.message.kind == "ok", panel.message.text
    assert [p.name for p in panel.written] == [deck_filename(3)]
    assert (panel.progress.value, panel.progress.max) == (1, 1) and panel.progress_label.value == "1 of 1 written"
    assert len(Presentation(str(panel.written[0])).slides) == len(lesson_plan(3))


def test_every_lesson_and_the_course_in_one_press(tmp_path):
    panel = instructor_page().kit.slides
    panel.lesson.value = "every"
    assert panel.download.disabled  # several files go to a folder, not one download
    panel.folder.value = str(tmp_path)
    panel._on_write()
    assert len(panel.written) == len(lesson_steps()) + 1


def test_the_download_is_the_chosen_deck():
    panel = instructor_page().kit.slides
    panel.lesson.value = "7"
    assert panel.download.filename == deck_filename(7)
    deck = Presentation(io.BytesIO(panel.download.request()))
    assert [s.shapes.title.text for s in deck.slides] == [p.title for p in lesson_plan(7)]


def test_bad_requests_get_a_message_and_write_nothing(tmp_path):
    panel = instructor_page().kit.slides
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    panel.folder.value = str(blocker)
    panel._on_write()
    assert panel.message.kind == "error" and "is a file, not a folder" in panel.message.text
    panel.folder.value = "  "
    panel._on_write()
    assert "Type the folder" in panel.message.text
    panel.lesson.value = "1"
    panel.lesson.options = [*panel.lesson.options, ("forged", "8")]  # a forged value reaching Python
    panel.lesson.value = "8"
    panel.folder.value = str(tmp_path / "out")
    panel._on_write()
    assert "Choose the lesson from the list" in panel.message.text
    assert not (tmp_path / "out").exists()
    assert not panel.write_button.disabled


def test_a_locked_dashboard_writes_no_slides(tmp_path):
    page = InstructorPage(key="secret")
    assert page.kit not in page.children
    page.kit.slides.folder.value = str(tmp_path / "out")
    page.kit.slides._on_write()
    assert "instructor key" in page.kit.slides.message.text
    assert not (tmp_path / "out").exists()


# --- the sample class -------------------------------------------------------------------------

def _sample_page() -> InstructorPage:
    page = instructor_page()
    page.kit.sample.button.click()
    assert page.message.kind == "ok", page.message.text
    return page


def test_the_sample_class_fills_every_tab_and_is_labelled_above_them():
    page = _sample_page()
    assert len(page.data.learners) == SAMPLE_LEARNERS and page.kit.sample.active
    banner = page.kit.sample.banner
    assert banner.layout.display is None and "SAMPLE DATA" in banner.value
    # the banner sits right above the tabs, so it shows whichever tab is open
    assert page.children.index(banner) + 1 == page.children.index(page.tabs)
    page.render_all()
    assert SAMPLE_COURSE in page.overview.value
    assert not page.completion.frame.empty and not page.items.frame.empty and page.spiral_out.outputs
    assert "(sample)" in page.learner_summary.value
    qualities = page.data.answers["quality_source"]
    assert (qualities == "instructor").sum() >= 5  # the sample's own ratings count


def test_every_export_of_the_sample_says_so():
    page = _sample_page()
    assert all(b.filename.startswith("SAMPLE-") for b in page.downloads.values())
    book = load_workbook(io.BytesIO(page.downloads["excel"].request()))
    assert book.sheetnames[0] == "SAMPLE DATA"
    report = page.downloads["report"].request().decode("utf-8")
    assert "<title>SAMPLE DATA: " in report and "generated learners, not a real class" in report
    canvas = pd.read_csv(io.BytesIO(page.downloads["canvas"].request()))
    names = canvas["Student"].dropna().tolist()[1:]  # after the Points Possible row
    assert len(names) == SAMPLE_LEARNERS and all(n.endswith("(sample)") for n in names)


def test_the_sample_never_enters_the_class_store_or_the_instructors_database(tmp_path, monkeypatch):
    store_url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    monkeypatch.setenv(CLASS_DB_ENV, store_url)
    page = _sample_page()
    folder = page.kit.sample._folder
    learner = page.learner.value
    page.rate(learner, page.data.rateable(learner)["key"].iloc[0], 0.11)
    assert "with the sample class only" in page.rating_note.value
    # nothing in the class store, its ratings, or the instructor's own rubric scores
    assert ClassStore(store_url).count() == 0 and InstructorRatings(store_url).all() == {}
    with RubricScores()._ready().connect() as conn:
        assert conn.exec_driver_sql("select count(*) from rubric_verdicts").scalar() == 0
    # loading a real class leaves the sample: its stores, labels and temporary database go
    write_class(tmp_path / "real", 4, seed=11, bad_files=False)
    page.source.value = "folder"
    page.folder.value = str(tmp_path / "real")
    page.load_button.click()
    assert page.message.kind == "ok", page.message.text
    assert not page.kit.sample.active and page.kit.sample.banner.layout.display == "none"
    assert not any(i.startswith("sample-") for i in page.data.learners["learner_id"])
    assert not any(b.filename.startswith("SAMPLE-") for b in page.downloads.values())
    assert page._ratings_store().url == store_url and not Path(folder).exists()
    assert (page.data.answers["quality_source"] == "instructor").sum() == 0  # no sample rating came along


def test_a_locked_dashboard_loads_no_sample():
    page = InstructorPage(key="secret")
    page.kit.sample.button.click()
    assert "instructor key" in page.kit.sample.message.text and page.data is None
