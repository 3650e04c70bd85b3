"""The printable handout: its parts, its paper sizes, escaping, the command and the "My work" button."""

from __future__ import annotations

import re

import pytest

from seci_lab.cli import main
from seci_lab.content import load_lesson
from seci_lab.content.course import PAGES
from seci_lab.env import DB_ENV
from seci_lab.exports.handout import handout_html, handout_steps
from seci_lab.model import Contribution
from seci_lab.store.progress import open_progress

NASTY = "<script>alert('x')</script> & <img src=x onerror=alert(1)>"


def _work(n_rounds: int = 2) -> list[Contribution]:
    return [Contribution(participant="Robin", mode=m, text=f"{NASTY} I watched the baker for {r} days because",
                         round=r, quality=0.7) for r in range(1, n_rounds + 1) for m in "SECI"]


def test_every_lesson_the_matrix_and_the_spiral_are_in_it():
    page = handout_html(contributions=_work(), learner="Robin")
    for step in handout_steps():
        assert f'id="lesson-{step}"' in page and PAGES[step - 1].label in page
    lesson = load_lesson("C")
    assert lesson.recap[0] in page and lesson.goals[0] in page and "Nonaka, I. &amp; Takeuchi, H. (1995)" in page
    matrix = page[page.index('id="seci-matrix"'):page.index('id="my-spiral"')]
    assert all(name in matrix for name in ("Socialization", "Externalization", "Combination", "Internalization"))
    spiral = page[page.index('id="my-spiral"'):]
    assert "<svg" in spiral and spiral.count("<circle") == 8  # one point per step: 2 rounds x 4 modes
    assert "The spiral, step by step" in spiral and "<h2>Robin's knowledge spiral</h2>" in spiral


def test_the_sources_page_has_no_summary_and_an_unknown_lesson_is_refused():
    assert len(PAGES) not in handout_steps()
    with pytest.raises(ValueError, match=f"There is no lesson {len(PAGES)} with a summary"):
        handout_html([len(PAGES)])
    only = handout_html([2])
    assert 'id="lesson-2"' in only and 'id="lesson-1"' not in only


@pytest.mark.parametrize("paper, size", [("A4", "A4"), ("Letter", "letter")])
def test_the_page_is_laid_out_for_the_paper(paper, size):
    page = handout_html([1], paper=paper)
    assert re.search(r"@page \{ size: " + size + ";", page) and f"paper: {paper}" in page
    assert "@media print" in page and "break-before: page" in page


def test_an_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="A4 or Letter"):
        handout_html([1], paper="A3")


def test_learner_text_is_escaped():
    page = handout_html([1], contributions=_work(1), learner=NASTY)
    assert "<script>" not in page and "<img" not in page and "onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_without_work_the_page_says_where_the_spiral_comes_from():
    page = handout_html([1])
    assert "<svg" not in page and "No contributions yet" in page


def test_the_command_writes_the_learners_handout(tmp_path, capsys, monkeypatch):
    db = tmp_path / "learner.sqlite"
    progress = open_progress(url=f"sqlite:///{db}")
    progress.set_name("Robin <b>")
    for n, c in enumerate(_work(1)):
        progress.add_contribution(c, f"r1:test.{n}")
    progress.engine.dispose()
    out = tmp_path / "out"
    out.mkdir()
    assert main(["handout", "--db", str(db), "--paper", "Letter", "--lesson", "1", "--out", str(out)]) == 0
    page = (out / "seci-lab-handout.html").read_text(encoding="utf-8")
    assert "Robin &lt;b&gt;" in page and page.count("<circle") == 4 and "size: letter" in page
    assert "open it in a browser and print it (Letter)" in capsys.readouterr().out
    # a database that is not there, and a lesson that is not there
    assert main(["handout", "--db", str(tmp_path / "none.sqlite"), "--out", str(out)]) == 1
    assert "There is no saved work at" in capsys.readouterr().err
    assert main(["handout", "--lesson", "99", "--out", str(out)]) == 1
    assert "There is no lesson 99" in capsys.readouterr().err
    monkeypatch.setenv(DB_ENV, str(tmp_path / "never-made.sqlite"))  # the learner's own, not there yet: no spiral
    assert main(["handout", "--out", str(tmp_path / "plain.html")]) == 0
    assert "No contributions yet" in (tmp_path / "plain.html").read_text(encoding="utf-8")


def test_the_my_work_button_downloads_the_handout(tmp_path):
    from seci_lab.ui.mywork import my_work

    progress = open_progress(url=f"sqlite:///{tmp_path / 'l.sqlite'}")
    widget = my_work(progress)
    widget.paper.value = "Letter"
    page = widget.download_handout.request().decode("utf-8")
    assert "size: letter" in page and 'id="seci-matrix"' in page
