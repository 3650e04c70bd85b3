"""Handing in from a lesson in Voila and Chromium: the learner's file downloads and the instructor's
loader reads it back with their work."""

from __future__ import annotations

import pytest
from voila_testing import wait_for_voila

from seci_lab.classroom import load_files

pytestmark = pytest.mark.browser

TEXT = "Kneading is like stretching a rubber band <b>slowly</b>, because gluten snaps when rushed."


def test_a_learner_hands_in_a_file_from_a_lesson(base_url, page, console, fresh_learner):
    page.goto(f"{base_url}voila/render/02_externalization.ipynb")
    wait_for_voila(page)
    page.get_by_label("1. Metaphor", exact=True).fill(TEXT)
    page.locator("button.seci-save-E-metaphor").click()
    page.get_by_text("it is in your spiral").first.wait_for()

    page.get_by_text("Hand in to your instructor").click()
    form = page.locator(".seci-handin")
    # a click without an id: refused with the reason, no file
    form.get_by_label("Your student id").fill("")
    form.get_by_role("button", name="Download my hand-in file").click()
    form.get_by_text("learner id is empty").first.wait_for()
    form.get_by_label("Your student id").fill("s7654321")
    form.get_by_label("Your name").fill("Grace Hopper")
    with page.expect_download() as download:
        form.get_by_role("button", name="Download my hand-in file").click()
    name = download.value.suggested_filename
    assert name.startswith("seci-lab-hand-in_s7654321_") and name.endswith(".json")
    data = open(download.value.path(), "rb").read()
    form.get_by_text("Upload it to the assignment").wait_for()

    result = load_files([(name, data)])
    assert result.problems.empty
    (sub,) = result.submissions
    assert (sub.learner_id, sub.name) == ("s7654321", "Grace Hopper")
    assert sub.answers["E.metaphor"]["text"] == TEXT
    assert [c.text for c in sub.contributions] == [TEXT]
    console.assert_no_errors()
