"""The quiz and lesson-text widgets driven headlessly, as a learner (or a forged message) would."""

from __future__ import annotations

import html
import json

import ipywidgets as widgets
import pytest

from seci_lab.env import DB_ENV
from seci_lab.content import questions_for
from seci_lab.model import MODES, TEXT_MAX_CHARS, family_count
from seci_lab.ui.lesson import critiques_page, lesson_intro, lesson_recap
from seci_lab.ui.lessons import critiques_lesson
from seci_lab.ui.quiz import quiz_widget


def _item(quiz, kind):
    return next(i for i in quiz.items if i.question.kind == kind)


def _quiz_with(kind, lesson="general", **kwargs):
    """A quiz whose set contains an item of ``kind``: n = whole pool, so every family is shown,
    and the first seed whose draw picks an item of ``kind`` from its family."""
    for seed in range(1, 50):
        quiz = quiz_widget(lesson, n=family_count(questions_for(lesson)), seed=seed, **kwargs)
        if any(i.question.kind == kind for i in quiz.items):
            return quiz, _item(quiz, kind)
    raise AssertionError(f"no set of the {lesson} quiz holds a {kind} item")


def _wrong_key(q):
    return next(o.key for o in q.options if o.key != q.answer)


def _html_texts(widget):
    """All HTML shown inside ``widget``."""
    out = []
    if isinstance(widget, widgets.HTML):
        out.append(widget.value)
    for child in getattr(widget, "children", ()):
        out += _html_texts(child)
    return out


def test_a_right_answer_is_explained_and_reported():
    records = []
    quiz = quiz_widget("S", seed=5, on_answer=lambda i, r: records.append((i, r)))
    assert len(quiz.items) == 6 and not any(i.feedback.value for i in quiz.items)
    item = next(i for i in quiz.items if i.choice is not None)
    q = item.question
    assert [v for _, v in item.choice.options] == [o.key for o in q.options]
    assert item.choice.description  # labelled control
    item.choice.value = q.answer
    item.check_button.click()
    assert "Correct" in item.feedback.value and "score 100%" in item.feedback.value
    assert html.escape(q.option(q.answer).explanation) in item.feedback.value
    (item_id, record), = records
    assert item_id == q.id
    attempt = {"answer": q.answer, "correct": True, "score": 1.0, "round": 0}
    assert record == {"lesson": "S", "kind": q.kind, "answer": q.answer, "correct": True, "score": 1.0,
                      "attempts": 1, "hints_used": 0, "round": 0, "first": attempt, "counted": attempt}
    json.dumps(record)
    assert "1 of 6 answered" in quiz.status.value and "17%" in quiz.status.value


def test_a_wrong_answer_explains_both_options_and_counts_attempts():
    records = []
    quiz, item = _quiz_with("classify", lesson="E", on_answer=lambda i, r: records.append(r))
    q = item.question
    item.choice.value = _wrong_key(q)
    item.check_button.click()
    html = item.feedback.value
    assert "Not quite" in html and "score 0%" in html
    assert "The answer: " in html and q.option(q.answer).text in html
    item.choice.value = q.answer
    item.check_button.click()
    assert [r["correct"] for r in records] == [False, True] and records[-1]["attempts"] == 2
    # the re-check is explained, says it is practice, and the record keeps the first answer
    assert "Correct" in item.feedback.value and "re-check is for practice" in item.feedback.value
    assert records[-1]["first"]["correct"] is False and records[-1]["counted"]["correct"] is False
    assert "0 of 6" not in quiz.status.value and "(0%)" in quiz.status.value


def test_match_with_dropdowns_gives_partial_credit():
    records = []
    quiz, item = _quiz_with("match", on_answer=lambda i, r: records.append(r))
    q = item.question
    right = q.answer_map
    keys = list(right)
    for k in keys:
        item.dropdowns[k].value = right[k]
    assert all(d.description for d in item.dropdowns.values())
    item.dropdowns[keys[0]].value, item.dropdowns[keys[1]].value = right[keys[1]], right[keys[0]]
    item.check_button.click()
    assert "Partly right" in item.feedback.value
    assert records[-1]["score"] == pytest.approx((len(keys) - 2) / len(keys), abs=1e-3)
    assert records[-1]["answer"][keys[0]] == right[keys[1]]
    item.dropdowns[keys[0]].value = ""  # back to "Choose…"
    item.check_button.click()
    assert "Match every item first" in item.message.text and len(records) == 1


def test_order_with_up_and_down_buttons():
    records = []
    quiz, item = _quiz_with("order", on_answer=lambda i, r: records.append(r))
    q = item.question
    assert item.order != list(q.answer)  # never starts solved
    first = item.order[0]
    assert item.up_buttons[first].disabled and item.up_buttons[first].tooltip
    # bubble the steps into the right order with the buttons only
    for target, key in enumerate(q.answer):
        while item.order.index(key) > target:
            item.up_buttons[key].click()
    assert item.order == list(q.answer)
    item.check_button.click()
    assert "Correct" in item.feedback.value and records[-1]["answer"] == list(q.answer)
    item.down_buttons[item.order[-1]].click()  # past the end: nothing moves, no error
    assert item.order == list(q.answer) and not item.message.text


def test_hints_are_progressive():
    quiz = quiz_widget("C", seed=2)
    item = quiz.items[0]
    hints = item.question.hints
    assert not item.hint_box.value
    item.hint_button.click()
    assert hints[0] in item.hint_box.value.replace("&#x27;", "'") and hints[1].replace("'", "&#x27;") not in item.hint_box.value
    assert "1 of" in item.hint_box.value and item.hint_button.description == "Another hint"
    for _ in hints[1:]:
        item.hint_button.click()
    assert all(h.replace("'", "&#x27;") in item.hint_box.value for h in hints)
    assert item.hint_button.disabled
    item.hint_button.click()  # a forged click on the disabled button
    assert "last hint" in item.message.text and item.hints_shown == len(hints)
    records = []
    quiz.on_answer = lambda i, r: records.append(r)
    item.submit(item.question.answer_json())
    assert records[-1]["hints_used"] == len(hints)


def test_mastery_status_and_retry_draws_unseen():
    quiz = quiz_widget("I", seed=4)
    first = {i.question.id for i in quiz.items}
    for item in quiz.items:
        item.submit(item.question.answer_json())
    assert "Mastered" in quiz.status.value and "100%" in quiz.status.value
    quiz.retry_button.click()
    second = {i.question.id for i in quiz.items}
    assert not first & second and len(second) == 6
    assert "0 of 6 answered" in quiz.status.value and "not seen" in quiz.message.text
    for item in quiz.items:
        item.submit(_wrong_answer(item.question))
    assert "Not yet mastered" in quiz.status.value


def _wrong_answer(q):
    if q.kind in ("classify", "choice"):
        return _wrong_key(q)
    if q.kind == "order":
        return list(reversed(q.answer))
    keys = [o.key for o in q.options]
    return {i: next(k for k in keys if k != o) for i, o in q.answer_map.items()}


def test_restore_from_answered_shows_answers_and_feedback():
    saved = {}
    quiz = quiz_widget("general", seed=9, on_answer=lambda i, r: saved.__setitem__(i, r))
    for item in quiz.items[:3]:
        item.submit(item.question.answer_json())
    quiz.items[3].submit(_wrong_answer(quiz.items[3].question))
    answered_ids = [i.question.id for i in quiz.items[:4]]
    stored = json.loads(json.dumps(saved))  # as a store would give it back
    stored["no-such-item"] = {"answer": "S"}
    stored["s-nurse-shadowing"] = {"answer": "S", "round": 0}  # another lesson's item: ignored here
    restored = quiz_widget("general", answered=stored)  # no seed: the restored set is still shown
    ids = [i.question.id for i in restored.items]
    assert set(answered_ids) <= set(ids) and "s-nurse-shadowing" not in ids
    for item in restored.items:
        if item.question.id in answered_ids:
            assert item.feedback.value and item.current_answer() == stored[item.question.id]["answer"]
        else:
            assert not item.feedback.value
    assert "4 of 6 answered" in restored.status.value
    assert restored.session.results[answered_ids[3]].correct is False
    # a retry after a restore draws the items not shown before first (one per family: items
    # that restate each other never share a set)
    never_shown = [q for q in restored.session.pool if q.id not in ids]
    restored.retry()
    drawn = {i.question.family_key for i in restored.items}
    unseen = {q.family_key for q in never_shown}
    # the new set is all new items when the pool has enough, else it holds every unseen one
    assert unseen and (drawn <= unseen if len(unseen) >= len(restored.items) else unseen <= drawn)
    assert len(drawn) == len(restored.items)


def _reloaded(lesson: str, answers: dict, sets: dict):
    """A quiz as a reload builds it from what the page saved (no seed: draws are random)."""
    return quiz_widget(lesson, answered=json.loads(json.dumps(answers)), shown=sets.get("set"),
                       on_answer=answers.__setitem__, on_set=lambda r: sets.__setitem__("set", json.loads(json.dumps(r))))


def test_a_reload_shows_the_same_questions_answered_or_not():
    answers, sets = {}, {}
    first = _reloaded("S", answers, sets)
    shown = [i.question.id for i in first.items]
    assert sets["set"] == {"round": first.session.round, "items": shown}
    for _ in range(3):  # nothing answered: a random draw each time would almost surely differ
        assert [i.question.id for i in _reloaded("S", answers, sets).items] == shown
    # one answered, the rest not: still the same set, with the answer back
    again = _reloaded("S", answers, sets)
    again.items[2].submit(again.items[2].question.answer_json())
    after = _reloaded("S", answers, sets)
    assert [i.question.id for i in after.items] == shown and after.items[2].feedback.value
    # a new set, not answered yet, is the one a reload shows
    after.retry()
    new = [i.question.id for i in after.items]
    assert new != shown
    reloaded = _reloaded("S", answers, sets)
    assert [i.question.id for i in reloaded.items] == new and "0 of 6 answered" in reloaded.status.value


@pytest.mark.parametrize("shown", [
    "not a record", {"round": -1, "items": ["x"]}, {"round": True, "items": []}, {"round": 2, "items": "abc"},
    {"round": 0, "items": ["no-such-item", 7, None]},
])
def test_a_forged_shown_set_is_ignored(shown):
    quiz = quiz_widget("S", seed=0, shown=shown)
    assert len(quiz.items) == 6 and all(i.question.id != "no-such-item" for i in quiz.items)


def test_restore_ignores_forged_or_stale_records():
    q_ids = [q.id for q in quiz_widget("S", n=12, seed=0).session.pool]
    stored = {
        q_ids[0]: {"answer": "not-an-option"},
        q_ids[1]: "not a record",
        q_ids[2]: {"answer": None, "round": -3},
        q_ids[3]: {"answer": ["S"], "attempts": "many"},
    }
    quiz = quiz_widget("S", seed=0, answered=stored)
    assert quiz.session.results == {} and "0 of 6 answered" in quiz.status.value


def test_forged_answers_are_refused_with_a_message():
    records = []
    quiz, order = _quiz_with("order", on_answer=lambda i, r: records.append(r))
    choice, match = _item(quiz, "choice"), _item(quiz, "match")
    choice.check_button.click()
    assert "Choose one option first" in choice.message.text
    choice.submit("<script>alert(1)</script>")
    assert "not part of this question" in choice.message.text and "<script>" not in choice.message.value
    match.submit({"forged-item": "S"})
    assert "not part of this question" in match.message.text
    order.submit(["forged"])
    assert "each step shown exactly once" in order.message.text
    order.move("forged", 1)
    assert "not part of this question" in order.message.text
    assert records == [] and quiz.session.results == {}
    with pytest.raises(ValueError, match="Unknown quiz"):
        quiz_widget("Z")


def test_a_failing_save_callback_keeps_the_page_usable():
    def broken(item_id, record):
        raise RuntimeError("disk full")

    quiz = quiz_widget("S", seed=1, on_answer=broken)
    item = quiz.items[0]
    item.submit(item.question.answer_json())
    assert "Something went wrong" in item.message.text and "Traceback" not in item.message.value
    assert item.feedback.value  # the learner still sees the feedback


@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
def test_lesson_intro_and_recap(mode):
    intro = lesson_intro(mode)
    html = intro.value
    for heading in ("What you will learn", "The mode explained", "A classic case", "Sources"):
        assert heading in html
    assert mode.ba in html and '<th scope="row"' in html
    assert "<script" not in html
    assert "<li>" in lesson_recap(mode).value


def test_critiques_page_debate():
    saved = []
    page = critiques_page(on_save=saved.append)
    debate = page.debate
    assert debate.boxes["judgement"].description and "Tsoukas" in " ".join(_html_texts(page))
    debate.check_button.click()
    assert "Nothing to save yet" in debate.message.text and saved == []
    payload = "<img src=x onerror=alert(1)> $x$ שלום 🙂"
    debate.boxes["claim"].value = payload
    debate.check_button.click()
    assert saved[-1]["parts"]["claim"] == payload and "saved" in debate.message.text
    assert all("<img" not in h for h in _html_texts(page))  # only the Textarea holds it
    debate.boxes["reply"].value = "x" * (TEXT_MAX_CHARS + 1)
    assert "over the limit" in debate.counters["reply"].value
    debate.check_button.click()
    assert f"the limit is {TEXT_MAX_CHARS}" in debate.message.text and len(saved) == 1
    assert debate.boxes["reply"].value == "x" * (TEXT_MAX_CHARS + 1)  # nothing lost
    restored = critiques_page(on_save=saved.append, saved=saved[-1])
    assert restored.debate.boxes["claim"].value == payload and "back" in restored.debate.message.text
    unsaved = critiques_page()
    unsaved.debate.boxes["judgement"].value = "A thought"
    unsaved.debate.check_button.click()
    assert "cannot save" in unsaved.debate.message.text
    assert unsaved.quiz.lesson == "critiques"


def test_critiques_lesson_saves_and_restores_through_the_progress_store(tmp_path, monkeypatch):
    monkeypatch.setenv(DB_ENV, str(tmp_path / "learner.db"))
    page = critiques_lesson()
    page.page.debate.boxes["judgement"].value = "Tsoukas convinces me"
    page.page.debate.check_button.click()
    item = page.review.items[0]
    item.submit(item.question.answer_json())
    critique_item = page.page.quiz.items[0]
    critique_item.submit(_wrong_answer(critique_item.question))
    again = critiques_lesson()  # as after a reload or a kernel restart
    assert again.page.debate.boxes["judgement"].value == "Tsoukas convinces me"
    assert item.question.id in again.review.session.results
    assert again.review.session.results[item.question.id].correct
    assert not again.page.quiz.session.results[critique_item.question.id].correct


def test_a_checked_choice_marks_the_right_option_in_the_list_and_keeps_the_learners_choice():
    # issue 20: the answer was said three times in the feedback and never marked in the list
    from seci_lab.ui.quiz import RIGHT_MARK, QuizItem

    quiz = quiz_widget("S", n=6, seed=3)
    item = next(i for i in quiz.items if isinstance(i, QuizItem) and i.question.kind == "choice")
    wrong = next(o.key for o in item.question.options if o.key != item.question.answer)
    item.choice.value = wrong
    item.check_button.click()
    labels = dict((value, label) for label, value in item.choice.options)
    assert labels[item.question.answer].endswith(RIGHT_MARK)
    assert sum(label.endswith(RIGHT_MARK) for label in labels.values()) == 1
    assert item.choice.value == wrong  # what the learner chose stays chosen
    summary = item.feedback.value.split("</p>")[0]
    assert "The answer is" not in summary
