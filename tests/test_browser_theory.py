"""The theory lesson (the knowledge-creating company) in Voila and Chromium: a learner reaches it from the
welcome page, checks an exercise (wrong, then right), answers a quiz item, reloads and finds both
restored, and follows the navigation to the sources page."""

from __future__ import annotations

import pytest
from voila_testing import wait_for_voila

from seci_lab.content.course import course_page, lesson_page
from seci_lab.content.theory import load_theory_lesson

pytestmark = pytest.mark.browser

LESSON = lesson_page("KCC").href


def test_lesson_7_exercise_quiz_restore_and_sources(base_url, page, console, fresh_learner):
    page.goto(f"{base_url}voila/render/00_welcome.ipynb")
    wait_for_voila(page)
    # the welcome page's course map names each page as the one list of pages does
    page.get_by_role("link", name=course_page(LESSON.removesuffix(".ipynb")).label, exact=True).click()
    wait_for_voila(page)
    assert page.url.endswith(LESSON)
    lesson = load_theory_lesson("KCC")
    for section in lesson.sections:
        page.get_by_role("heading", name=section.title).wait_for()

    # the first exercise: each question looks at one of the two dimensions
    exercise = page.locator(".seci-check-exercise").first
    question = lesson.section("two-dimensions").exercises[0]
    options = {o.key: o.text for o in question.options}
    answer = question.answer_map
    items = [i.key for i in question.items]
    wrong = {k: next(o for o in options if o != answer[k]) for k in items}
    for n, key in enumerate(items, start=1):
        exercise.get_by_label(f"Match {n}", exact=True).select_option(label=options[wrong[key]])
    exercise.get_by_role("button", name="Check").click()
    exercise.locator(".seci-feedback").get_by_text("✘ Not quite", exact=True).wait_for()
    assert exercise.locator(".seci-feedback").get_by_text(question.items[0].explanation[:40]).count() == 1
    for n, key in enumerate(items, start=1):
        exercise.get_by_label(f"Match {n}", exact=True).select_option(label=options[answer[key]])
    exercise.get_by_role("button", name="Check").click()
    exercise.locator(".seci-feedback").get_by_text("✔ Correct", exact=True).wait_for()
    page.locator(".seci-exercise-tally").get_by_text("1 fully right").wait_for()

    # the lesson's quiz: answer the first item with radio buttons (its set is drawn at random)
    quiz = page.locator(".seci-quiz").first
    quiz.get_by_role("heading", name="Quiz: the knowledge-creating company").wait_for()
    radio = quiz.locator(".widget-radio-box input").first
    item = radio.locator("xpath=ancestor::div[.//button[normalize-space()='Check']][1]")
    radio.check()
    item.get_by_role("button", name="Check").click()
    item.locator(".seci-feedback").wait_for()

    saved = fresh_learner.answers()
    assert saved["check:kcc-ex-dimensions"]["correct"] is True
    assert saved["check:kcc-ex-dimensions"]["attempts"] == 2
    assert [k for k in saved if k.startswith("quiz:")], "the quiz answer is saved"

    # reload: the exercise's answer and feedback and the quiz answer come back
    page.reload()
    wait_for_voila(page)
    exercise = page.locator(".seci-check-exercise").first
    exercise.locator(".seci-feedback").get_by_text("✔ Correct", exact=True).wait_for()
    assert exercise.get_by_label("Match 1", exact=True).input_value() == options[answer[items[0]]]
    page.locator(".seci-quiz .seci-feedback").first.wait_for()

    # the navigation reaches the sources page
    page.get_by_role("link", name="Sources").first.click()
    wait_for_voila(page)
    page.get_by_text("Polanyi, M. (1966). The Tacit Dimension. Garden City, NY: Doubleday.").wait_for()
    console.assert_no_errors()
