"""The team SECI profile in Voila and Chromium: rated with the keyboard, saved, and back after a reload.

The section is found on the theory lesson through seci_lab/content/course.py (by kind), so a
renumbering of the course changes nothing here.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from voila_testing import wait_for_voila

from seci_lab.content.course import PAGES
from seci_lab.model.team_profile import PROFILE_KEY

pytestmark = pytest.mark.browser

THEORY = next(p for p in PAGES if p.kind == "theory")


def test_a_sentence_is_rated_with_the_keyboard_saved_and_restored(base_url, page, console, fresh_learner):
    page.goto(f"{base_url}voila/render/{THEORY.href}")
    wait_for_voila(page)
    first = page.locator(".seci-likert").first
    first.scroll_into_view_if_needed()
    # In the group, Space chooses and the arrow keys move the choice (one Tab stop per group:
    # seci-widgets.js names each RadioButtons group).
    radios = first.locator("input[type=radio]")
    radios.nth(0).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(radios.nth(2)).to_be_checked()
    expect(page.locator(".seci-team-profile .seci-message")).to_contain_text("1 of 30 sentences rated")
    expect(page.locator(".seci-team-profile .seci-table-wrap")).to_contain_text("3.00")
    assert fresh_learner.answer(PROFILE_KEY)["answers"] == {"s1": 3}
    page.reload()
    wait_for_voila(page)
    expect(page.locator(".seci-likert").first.locator("input[type=radio]").nth(2)).to_be_checked()
    console.assert_no_errors()
