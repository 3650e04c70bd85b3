"""The four lessons in Voila and Chromium: a learner completes one exercise in each, reloads and
finds the work restored, and sees it in their spiral on notebook 05."""

from __future__ import annotations

import pytest
from seci_lab.content.course import page_of_kind
from test_browser_spiral import wait_for_points
from voila_testing import wait_for_voila

pytestmark = pytest.mark.browser

# notebook, textarea label, store key, text (one with markup, one right-to-left with emoji)
STEPS = [
    ("01_socialization", "Observation journal", "S-journal",
     "I watched the baker pause before each fold for 3 days, because the dough told her something."),
    ("02_externalization", "1. Metaphor", "E-metaphor",
     "Kneading is like stretching a rubber band <b>slowly</b>, because gluten snaps when rushed."),
    ("03_combination", "What the combined page says", "C-synthesis",
     "I combined my steps with the sample cards into 3 clusters: watch, write, practise — מרחב 🍞"),
    ("04_internalization", "Action plan", "I-plan",
     "I will practise the fold on 5 loaves this week and log each day, because the notes are not enough."),
]


def open_lesson(page, base_url, name):
    page.goto(f"{base_url}voila/render/{name}.ipynb")
    wait_for_voila(page)


def test_lessons_save_restore_and_feed_the_spiral(base_url, page, console, fresh_learner):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    for name, label, key, text in STEPS:
        open_lesson(page, base_url, name)
        page.get_by_label(label, exact=True).fill(text)
        page.locator(f"button.seci-save-{key}").click()
        page.get_by_text("it is in your spiral").first.wait_for()
        # the feedback is a checklist: each criterion with a symbol and a word, then one hint
        checklist = page.locator(".seci-checklist").first
        checklist.wait_for()
        items = checklist.locator("li").all_inner_texts()
        assert len(items) >= 3 and all(any(w in i for w in ("Met", "Partly", "Missing")) for i in items), items
        feedback = page.locator(".seci-rubric", has=checklist)
        assert feedback.get_by_text("To improve:").count() == 1
        assert feedback.locator(".seci-chip").count() == 1 and "what is this?" in feedback.inner_text()
        # the recap shows it, escaped (markup appears as text)
        page.locator(".seci-recap").get_by_text(text[:30]).wait_for()

    # the store holds all four, one contribution per mode
    saved = fresh_learner.contributions()
    assert [c.mode.value for c in saved] == ["S", "E", "C", "I"]
    assert saved[1].text == STEPS[1][3]  # stored raw

    # the spiral lab is built from what the learner wrote
    open_lesson(page, base_url, page_of_kind("spiral").notebook)
    wait_for_points(page, 4)  # one step per mode: S, E, C, I of round 1
    # ipywidgets writes option labels with non-breaking spaces
    options = [o.replace("\xa0", " ") for o in
               page.get_by_label("Your contributions", exact=True).locator("option").all_inner_texts()]
    assert any("baker pause" in o for o in options) and any("<b>slowly</b>" in o for o in options)

    # reload each lesson: the work is back in its box
    for name, label, _key, text in STEPS:
        open_lesson(page, base_url, name)
        assert page.get_by_label(label, exact=True).input_value() == text
        page.get_by_text("Your saved answer is back").first.wait_for()

    assert dialogs == [], f"injected script ran: {dialogs}"
    assert page.locator("b", has_text="slowly").count() == 0
    console.assert_no_errors()
