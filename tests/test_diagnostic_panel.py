"""The learner's diagnostic on the welcome page (issue 24, item 1), driven headlessly: the
pre-test before the lessons, saved as it goes, no key or explanation until the post-test is
done, the post-test on the other form once every page is begun, and both handed in."""

from __future__ import annotations

import pytest

from diagnostic_class import FORMS, begin_every_page
from seci_lab.classroom.analysis import ClassData
from seci_lab.classroom.learning import MATCHED, learning
from seci_lab.classroom.submission import build_submission, parse_submission
from seci_lab.model.diagnostic import POST, PRE, form_for, sitting_key
from seci_lab.model.submission import submission_bytes
from seci_lab.store.progress import open_progress
from seci_lab.ui.diagnostic import DiagnosticPanel


@pytest.fixture
def progress(tmp_path):
    return open_progress(url=f"sqlite:///{tmp_path / 'learner.sqlite'}")


def _take(panel: DiagnosticPanel, right: int) -> None:
    """Answer the open form: the first ``right`` items right, the rest wrong."""
    items = FORMS.form(panel._form_shown)
    for n, (item, radio) in enumerate(zip(items, panel.questions)):
        q = item.question
        radio.value = q.answer if n < right else next(o.key for o in q.options if o.key != q.answer)


def test_the_pre_test_is_saved_as_it_goes_and_shows_no_key(progress):
    panel = DiagnosticPanel(progress)
    assert panel.state == "pre" and panel.start_button in panel.children
    assert panel.text.value.count('id="seci-diagnostic"') == 1  # the welcome page's contents link here
    assert "already started the lessons" not in panel.text.value
    progress.save_answer("S.journal", {"mode": "S", "label": "Journal", "text": "A first entry."})
    assert "already started the lessons" in DiagnosticPanel(progress).text.value
    panel.learner_id.value = ""
    panel.start_button.click()
    assert panel.message.kind == "error" and "learner id" in panel.message.text
    panel.learner_id.value = "s0042"
    panel.start_button.click()
    form = form_for(PRE, "s0042")
    assert panel._form_shown == form and len(panel.questions) == 15 and panel.finish_button in panel.children
    panel.questions[0].value = FORMS.form(form)[0].question.answer
    # a reload keeps the choice
    again = DiagnosticPanel(progress)
    assert again.sitting == PRE and again.questions[0].value == FORMS.form(form)[0].question.answer
    # finishing with blanks asks once, then finishes
    again.finish_button.click()
    assert again.message.kind == "error" and "14 questions are not answered" in again.message.text
    again.finish_button.click()
    assert again.message.kind == "ok" and again.state == "wait"
    record = progress.answer(sitting_key(PRE))
    assert record["done"] is True and record["form"] == form and "score" not in record
    # nothing of the key or the explanations is shown before the post-test
    text = again.text.value
    assert "Right." not in text and "of 15 right" not in text and FORMS.form(form)[0].question.options[0].text not in text
    # a forged click on Start or Finish changes nothing
    again.start_button.click()
    assert again.message.kind == "error" and progress.answer(sitting_key(POST)) is None
    again.finish_button.click()
    assert again.message.kind == "error"
    assert progress.answer("handin:identity")["learner_id"] == "s0042"


def test_the_post_test_opens_after_the_course_on_the_other_form_and_then_explains(progress, tmp_path):
    panel = DiagnosticPanel(progress)
    panel.learner_id.value = "s0042"
    panel.start_button.click()
    _take(panel, 5)
    panel.finish_button.click()
    begin_every_page(progress)
    panel = DiagnosticPanel(progress)
    assert panel.state == "post"
    panel.learner_id.value = "another id"  # the post-test takes the other form whatever id is typed now
    panel.start_button.click()
    assert panel._form_shown == form_for(POST, "s0042") != form_for(PRE, "s0042")
    _take(panel, 12)
    panel.finish_button.click()
    assert panel.state == "done" and panel.message.kind == "ok"
    text = panel.text.value
    assert "5 of 15 right" in text and "12 of 15 right" in text and "normalized gain is 0.70" in text
    # every item's explanation, the key's, is shown now (for both forms)
    shown = text.replace("&#39;", "'").replace("&amp;", "&")
    for item in FORMS.items:
        why = item.question.option(item.question.answer).explanation.removeprefix("Right. ")
        assert why.split(".")[0] in shown, item.id
    # handed in with the rest of the work, and the instructor's analysis matches it
    sub = parse_submission(submission_bytes(build_submission(progress, "s0042", name="Ada")), "s0042.json")
    result = learning(ClassData.from_submissions([sub]))
    row = result.learners.iloc[0]
    assert row["status"] == MATCHED and row["pre_score"] == pytest.approx(5 / 15)
    assert row["post_score"] == pytest.approx(12 / 15)


def test_a_learner_who_skipped_the_pre_test_can_take_the_post_test(progress):
    begin_every_page(progress)
    panel = DiagnosticPanel(progress)
    assert panel.state == "post" and "did not take the check before" in panel.text.value
    panel.learner_id.value = "late1"
    panel.start_button.click()
    _take(panel, 9)
    panel.finish_button.click()
    assert panel.state == "done" and "9 of 15 right" in panel.text.value and "gain" not in panel.text.value


def test_the_welcome_page_sends_a_new_learner_to_the_check_first(progress):
    from seci_lab.ui.frame import course_frame

    def start_box() -> str:  # the Start section, without the page's contents list (which always links the check)
        return course_frame("00_welcome", progress).value.split('id="seci-start"')[1].split("seci-map")[0]

    assert 'href="#seci-diagnostic"' in start_box()
    begin_every_page(progress)
    assert 'href="#seci-diagnostic"' not in start_box()
