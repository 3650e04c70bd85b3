"""Lesson 7 (the knowledge-creating company) and the sources page, driven headlessly."""

from __future__ import annotations

import html

import pytest
from test_content import _wrong_answer
from test_exercises import reopen

from seci_lab.content.sources import GROUPS, load_sources
from seci_lab.content.theory import load_theory_lesson
from seci_lab.env import DB_ENV
from seci_lab.store.progress import open_progress
from seci_lab.ui.lessons import TheoryPage, lesson_page
from seci_lab.ui.sources import sources_html, sources_page

KCC = "KCC"


def test_the_sources_page_lists_every_reference_once_under_its_group():
    page = sources_page()
    text = html.unescape(page.list.value)
    assert page.list.value == sources_html()
    for source in load_sources():
        assert text.count(source.reference) == 1, source.cite
        # under its group's heading: after it, and before the next group's
        position = text.index(source.reference)
        # each group's heading carries an id for the page's contents list: match it by its text
        heading = text.index(f">{GROUPS[source.group]}</h2>")
        later = [text.index(f">{h}</h2>") for g, h in GROUPS.items() if f">{h}</h2>" in text]
        assert heading < position and all(not heading < p < position for p in later)
    assert "Polanyi, M. (1966). The Tacit Dimension. Garden City, NY: Doubleday." in text
    assert "Nonaka &amp; Takeuchi" not in text  # escaped once, not twice


def test_the_sources_page_escapes_its_text(monkeypatch):
    from seci_lab.content import sources

    bad = sources.Source(("Evil",), 2020, (), "theory", "Evil (2020). <script>alert(1)</script>", "<b>x</b>")
    monkeypatch.setattr(sources, "load_sources", lambda: (bad,))
    monkeypatch.setattr("seci_lab.ui.sources.load_sources", lambda: (bad,))
    out = sources_html()
    assert "<script>" not in out and "&lt;script&gt;" in out and "<b>x</b>" not in out


def test_the_sources_page_finds_a_source_by_author_and_year():
    page = sources_page()
    page.search.value = "polanyi 1966"
    text = html.unescape(page.list.value)
    assert "Polanyi, M. (1966). The Tacit Dimension." in text
    assert text.count("<li>") == 1 and not page.message.text
    page.search.value = "<script>nothing-like-this"
    assert "<li>" not in page.list.value and page.message.kind == "info"
    assert "<script>" not in page.message.value  # the query is shown escaped
    page.search.value = ""
    assert page.list.value == sources_html()
    assert not page.message.text


# -- lesson 7 ------------------------------------------------------------------------------

@pytest.fixture
def progress(tmp_path):
    return open_progress(url=f"sqlite:///{tmp_path / 'learner.sqlite'}")


def _exercise(page, exercise_id):
    return next(e for e in page.exercises if e.question.id == exercise_id)


def test_lesson_page_accepts_the_theory_lesson_and_shows_every_section(progress):
    page = lesson_page(KCC, progress)
    assert isinstance(page, TheoryPage) and page.progress is progress
    lesson = load_theory_lesson(KCC)
    shown = " ".join(_html(page))
    for section in lesson.sections:
        assert html.escape(section.title) in shown
        assert html.escape(section.case.title) in shown
    assert [e.question.id for e in page.exercises] == [q.id for q in lesson.exercises]
    # the lesson's own quiz, drawn from the bank's KCC items
    assert page.quiz.lesson == KCC and page.quiz.items
    assert all(i.question.lesson == KCC for i in page.quiz.items)
    assert "Sources" in shown and "Nonaka, I. &amp; Takeuchi, H. (1995)" in shown
    assert "not checked any of the" in page.tally.value
    assert "<strong>Exercise 1</strong>" in page.exercises[0].item.children[0].value


def test_an_exercise_explains_a_wrong_answer_then_a_right_one_and_is_saved(progress):
    page = lesson_page(KCC, progress)
    exercise = _exercise(page, "kcc-ex-phases")  # an order exercise, with Up/Down buttons
    q = exercise.question
    item = exercise.item
    start = list(item.order)
    assert start != list(q.answer)
    item.submit(_wrong_answer(q))
    assert "Not quite" in item.feedback.value or "Partly right" in item.feedback.value
    for option in q.options:  # every step explained, escaped
        assert html.escape(option.explanation) in item.feedback.value
    assert "1 of the" in page.tally.value and "0 fully right" in page.tally.value
    item.submit(list(q.answer))
    assert "Correct" in item.feedback.value
    saved = progress.answers(prefix="check:")["check:kcc-ex-phases"]
    assert saved["correct"] is True and saved["attempts"] == 2 and saved["lesson"] == KCC
    assert saved["answer"] == list(q.answer) and saved["label"] == load_theory_lesson(KCC).section("five-phases").title
    # no spiral contribution and no quiz record: an exercise is neither
    assert progress.contributions() == [] and progress.answers(prefix="quiz:") == {}

    again = lesson_page(KCC, reopen(progress))  # reload: the answer and its feedback come back
    restored = _exercise(again, "kcc-ex-phases")
    assert restored.item.order == list(q.answer) and "Correct" in restored.item.feedback.value
    assert restored.attempts == 2 and "1 of the" in again.tally.value and "1 fully right" in again.tally.value


def test_match_exercise_gives_partial_credit_and_hints(progress):
    page = lesson_page(KCC, progress)
    exercise = _exercise(page, "kcc-ex-conditions")
    item, q = exercise.item, exercise.question
    item.next_hint()
    assert html.escape(q.hints[0]) in item.hint_box.value
    answer = dict(q.answer_map)
    first, second = list(answer)[:2]
    answer[first], answer[second] = answer[second], answer[first]
    for key, value in answer.items():
        item.dropdowns[key].value = value
    item.check_button.click()
    assert "Partly right" in item.feedback.value and f"{len(answer) - 2} of {len(answer)} matched" in item.feedback.value
    assert progress.answers()["check:kcc-ex-conditions"]["hints_used"] == 1


def test_a_forged_or_incomplete_answer_gets_a_message_and_is_not_saved(progress):
    page = lesson_page(KCC, progress)
    item = _exercise(page, "kcc-ex-ba").item
    item.check_button.click()  # nothing chosen
    assert item.message.kind == "error" and "Match every item first" in item.message.text
    item.submit({"shadow": "no-such-ba", "workshop": "dialoguing", "wiki": "systemizing", "simulator": "exercising"})
    assert item.message.kind == "error" and "not part of this question" in item.message.text
    assert progress.answers(prefix="check:") == {} and item.feedback.value == ""


def test_a_saved_answer_that_no_longer_fits_is_ignored(progress):
    progress.save_answer("check:kcc-ex-assets", {"answer": {"feel": "gone"}, "correct": True, "attempts": 1})
    exercise = _exercise(lesson_page(KCC, progress), "kcc-ex-assets")
    assert exercise.feedback is None and exercise.item.feedback.value == ""


def test_the_quiz_of_the_lesson_is_saved_like_every_quiz(progress):
    page = lesson_page(KCC, progress)
    item = page.quiz.items[0]
    q = item.question
    item.submit(list(q.answer) if q.kind == "order" else dict(q.answer_map) if q.kind == "match" else q.answer)
    saved = progress.answers(prefix="quiz:")[f"quiz:{q.id}"]
    assert saved["correct"] is True and saved["lesson"] == KCC
    assert lesson_page(KCC, reopen(progress)).quiz.items[0].question.id == q.id


def test_the_page_works_and_says_so_without_a_database(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(DB_ENV, str(blocker / "sub" / "learner.sqlite"))
    page = lesson_page(KCC)
    assert page.progress is None and page.handin is None
    assert page.children[0].kind == "error" and "cannot be saved" in page.children[0].text
    exercise = page.exercises[0]
    exercise.item.submit(exercise.question.answer_json())  # still checked and explained, saved nowhere
    assert "Correct" in exercise.item.feedback.value and "1 fully right" in page.tally.value


def test_an_unknown_lesson_is_refused_with_a_message():
    with pytest.raises(ValueError, match="Unknown lesson 'XYZ': use a mode .* or one of KCC"):
        lesson_page("XYZ")


def _html(widget):
    out = [widget.value] if hasattr(widget, "value") and isinstance(widget.value, str) else []
    for child in getattr(widget, "children", ()):
        out += _html(child)
    return out
