"""Keyboard only, in Voila and Chromium: a learner completes an exercise, a quiz item and a hand-in
in lesson 2 with Tab, Shift+Tab, Enter, Space, the arrow keys and typing; never the mouse.

Each control is reached by tabbing from the one before (so the focus order is the reading
order and nothing needed is unreachable), must look different when focused (focus is visible),
and keeps the focus after its action redraws the page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from voila_testing import wait_for_voila

from seci_lab.classroom import load_files

pytestmark = pytest.mark.browser

LESSON = "voila/render/02_externalization.ipynb"
TEXT = "Kneading is like stretching a rubber band slowly, because gluten snaps when rushed."

# How a control looks: a focus indicator changes at least one of these.
_LOOK = """(el) => { const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor].join(' | '); }"""
_FOCUSED = "(el) => el === document.activeElement"
_ACTIVE = """() => { const el = document.activeElement;
  return el ? `${el.tagName} ${(el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 60)}` : 'none'; }"""


def focused(locator) -> bool:
    return locator.evaluate(_FOCUSED)


def tab_to(page, target, *, key: str = "Tab", limit: int = 150) -> int:
    """Press ``key`` until ``target`` has the focus; returns how many presses it took.

    Fails if it is not reached, or if it looks the same focused as unfocused.
    """
    target.wait_for()
    unfocused = target.evaluate(_LOOK)
    stops = []
    for n in range(1, limit + 1):
        page.keyboard.press(key)
        if focused(target):
            assert target.evaluate(_LOOK) != unfocused, f"no visible focus on {page.evaluate(_ACTIVE)}"
            return n
        stops.append(page.evaluate(_ACTIVE))
    raise AssertionError(f"{key} never reached the control; the focus went through: {stops[-20:]}")


def test_exercise_quiz_and_hand_in_by_keyboard_only(base_url, page, console, fresh_learner):
    page.goto(base_url + LESSON)
    wait_for_voila(page)

    # -- an exercise: type an answer, save it, read the feedback
    box = page.get_by_label("1. Metaphor", exact=True)
    tab_to(page, box)
    page.keyboard.type(TEXT)
    save = page.locator("button.seci-save-E-metaphor")
    assert tab_to(page, save) == 1, "Save answer is the next stop after its box"
    assert tab_to(page, box, key="Shift+Tab") == 1, "Shift+Tab goes back to the box"
    assert box.input_value() == TEXT
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("it is in your spiral").first.wait_for()
    page.locator(".seci-checklist").first.wait_for()
    assert focused(save), f"the focus left Save answer after the feedback came: {page.evaluate(_ACTIVE)}"

    # -- a quiz item: choose with the arrow keys, check, read the result
    item = page.locator(".seci-quiz .widget-radio-box").first
    radios = item.locator("input[type=radio]")
    tab_to(page, radios.first)  # one Tab stop for the whole group
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert radios.nth(1).is_checked() and focused(radios.nth(1))
    question = item.locator("xpath=ancestor::div[.//button[normalize-space()='Check']][1]")
    check = question.get_by_role("button", name="Check")
    assert tab_to(page, check) == 1, "Check is the next stop after the choices"
    page.keyboard.press("Enter")
    question.locator(".seci-feedback").wait_for()
    assert focused(check), f"the focus left Check after the result came: {page.evaluate(_ACTIVE)}"
    quiz = [record for key, record in fresh_learner.answers().items() if key.startswith("quiz:")]
    assert len(quiz) == 1, "the quiz answer is saved"

    # -- the hand-in: open the section, fill the form, download the file
    section = page.locator(".jupyter-widget-Collapse-header", has_text="Hand in to your instructor")
    tab_to(page, section)
    assert section.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    form = page.locator(".seci-handin")
    student = form.get_by_label("Your student id")
    student.wait_for()
    expect(section).to_have_attribute("aria-expanded", "true")
    assert tab_to(page, student) == 1, "the form follows its heading"
    page.keyboard.type("s7654321")
    name = form.get_by_label("Your name")
    assert tab_to(page, name) == 1
    page.keyboard.type("Grace Hopper")
    download = form.get_by_role("button", name="Download my hand-in file")
    assert tab_to(page, download) == 2, "past the optional e-mail to the download"
    with page.expect_download() as file:
        page.keyboard.press("Enter")
    form.get_by_text("Upload it to the assignment").wait_for()
    assert focused(download), f"the focus left the download button: {page.evaluate(_ACTIVE)}"

    result = load_files([(file.value.suggested_filename, open(file.value.path(), "rb").read())])
    assert result.problems.empty
    (sub,) = result.submissions
    assert (sub.learner_id, sub.name) == ("s7654321", "Grace Hopper")
    assert sub.answers["E.metaphor"]["text"] == TEXT
    console.assert_no_errors()
