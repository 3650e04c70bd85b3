"""The instructor dashboard's teacher's kit (widgets, no browser): slides."""

from __future__ import annotations

import io

from pptx import Presentation

from seci_lab.exports.slides import deck_filename, lesson_plan, lesson_steps
from seci_lab.ui.instructor import instructor_page


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
    from seci_lab.ui.instructor import InstructorPage

    page = InstructorPage(key="secret")
    assert page.kit not in page.children
    page.kit.slides.folder.value = str(tmp_path / "out")
    page.kit.slides._on_write()
    assert "instructor key" in page.kit.slides.message.text
    assert not (tmp_path / "out").exists()
