"""`seci-lab slides`: every deck opens in python-pptx, each slide has its title, its figure or text,
and speaker notes from the lesson with the sources; bad requests get a clear message."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from seci_lab.cli import main
from seci_lab.content import load_lesson
from seci_lab.content.course import PAGES
from seci_lab.exports.slides import course_plan, deck_filename, lesson_plan, lesson_steps, write_decks

FIGURE_NAMES = {"seci-matrix": "figure: The SECI matrix", "ba": "figure: Ba on two axes",
                "spiral": "figure: The knowledge spiral", "five-phases": "figure: The five phases",
                "hypertext": "figure: The hypertext organization"}


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    assert main(["slides", "--all", "--out", str(out)]) == 0
    return out


def _figure(slide):
    groups = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.GROUP and s.name.startswith("figure: ")]
    return groups[0] if groups else None


def _texts(shape) -> list[str]:
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        return [t for s in shape.shapes for t in _texts(s)]
    return [shape.text_frame.text] if shape.has_text_frame and shape.text_frame.text.strip() else []


def _check_deck(path: Path, plans) -> None:
    deck = Presentation(str(path))
    slides = list(deck.slides)
    assert len(slides) == len(plans), path.name
    for slide, plan in zip(slides, plans):
        assert slide.shapes.title.text == plan.title
        notes = slide.notes_slide.notes_text_frame.text
        assert notes == plan.notes and "Sources:\n- " in notes, (path.name, plan.title)
        figure = _figure(slide)
        if plan.figure:
            assert figure is not None and figure.name == FIGURE_NAMES[plan.figure], (path.name, plan.title)
            # real shapes a teacher can edit, with words in them, not a picture
            assert len(figure.shapes) >= 5 and len(_texts(figure)) >= 4
        elif plan.subtitle:
            assert slide.placeholders[1].text_frame.text == plan.subtitle
        else:
            assert figure is None
            body = slide.placeholders[1].text_frame
            assert [p.text for p in body.paragraphs] == list(plan.bullets) and plan.bullets


def test_every_deck_has_titles_figures_and_notes(decks):
    names = sorted(p.name for p in decks.glob("*.pptx"))
    assert names == sorted([deck_filename(s) for s in lesson_steps()] + ["seci-lab-course.pptx"])
    for step in lesson_steps():
        _check_deck(decks / deck_filename(step), lesson_plan(step))
    _check_deck(decks / "seci-lab-course.pptx", course_plan())


def test_the_course_deck_holds_each_figure_and_the_lesson_list():
    plans = course_plan()
    assert {p.figure for p in plans if p.figure} == set(FIGURE_NAMES)
    lessons = next(p for p in plans if p.title == "The lessons")
    assert [b.split(":")[0] for b in lessons.bullets] == [p.label for p in PAGES if p.step in lesson_steps()]


def test_a_mode_lesson_marks_its_mode_and_reads_its_text_in_the_notes(decks):
    deck = Presentation(str(decks / deck_filename(2)))
    matrix = next(s for s in deck.slides if (f := _figure(s)) is not None and f.name == FIGURE_NAMES["seci-matrix"])
    cells = {s.name: s.text_frame.text for s in _figure(matrix).shapes if s.name.startswith("cell ")}
    assert "(this lesson)" in cells["cell E"] and not any("(this lesson)" in t for k, t in cells.items() if k != "cell E")
    lesson = load_lesson("E")
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides]
    assert any(lesson.explanation[1] in n for n in notes)
    assert any("Nonaka, I. & Takeuchi, H. (1995). The Knowledge-Creating Company" in n for n in notes)
    assert any(f"Case source: {lesson.case.source}" in n for n in notes)


@pytest.mark.parametrize("lesson, message", [
    ("8", "step 8 is the sources page, which has no slides; the lessons with slides are 1, 2, 3"),
    ("99", "there is no lesson 99"),
])
def test_unknown_lessons_are_refused_with_the_lessons_that_exist(tmp_path, capsys, lesson, message):
    assert main(["slides", "--lesson", lesson, "--out", str(tmp_path / "out")]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing written, not even the folder


def test_a_lesson_number_must_be_a_whole_number_from_1(capsys):
    with pytest.raises(SystemExit):
        main(["slides", "--lesson", "0"])
    assert "must be at least 1" in capsys.readouterr().err


def test_a_folder_that_cannot_be_written_is_named(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file")
    assert main(["slides", "--lesson", "1", "--out", str(blocker)]) == 1
    assert f"{blocker} is a file, not a folder" in capsys.readouterr().err
    assert main(["slides", "--lesson", "1", "--out", str(blocker / "sub")]) == 1
    assert f"The folder {blocker / 'sub'} cannot be created" in capsys.readouterr().err
    # a read-only folder (root may write anyway, so its permission check is what is simulated)
    monkeypatch.setattr("seci_lab.exports.slides.os.access", lambda *_: False)
    assert main(["slides", "--lesson", "1", "--out", str(tmp_path)]) == 1
    assert f"The folder {tmp_path} cannot be written to" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.pptx"))


def test_progress_is_reported_per_file(tmp_path):
    seen = []
    write_decks(tmp_path, [1, 3], course=True, progress=lambda done, total, name: seen.append((done, total, name)))
    assert seen == [(0, 3, deck_filename(1)), (1, 3, deck_filename(3)), (2, 3, "seci-lab-course.pptx"), (3, 3, "")]


def test_a_deck_renders_in_libreoffice(decks, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office or not shutil.which("pdftoppm"):
        pytest.skip("LibreOffice (libreoffice-impress) or pdftoppm (poppler-utils) is not installed here, "
                    "so no deck can be rendered to images")
    deck = decks / deck_filename(7)
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(deck)], check=True, timeout=180, capture_output=True)
    pdf = tmp_path / deck.with_suffix(".pdf").name
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(lesson_plan(7))
    from PIL import Image

    for page in pages:  # each page has ink on it: title, text or figure were drawn
        extrema = Image.open(page).convert("L").getextrema()
        assert extrema[0] < 100 and extrema[1] > 200, page.name
