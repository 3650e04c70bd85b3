"""The course frame in a browser (issue 20), at 1280x900 and on a 390x844 phone, on every page of
the course: nothing is cut or scrolls the page sideways, the steps and Previous/Next follow the one
list of pages, the contents list is there and every entry leads to something on the page; and the
marks follow the learner's saved work as it is saved."""

from __future__ import annotations

import pytest

from seci_lab.content.course import PAGES, WELCOME
from voila_testing import layout_problems, wait_for_voila, wait_for_widgets_shown

pytestmark = pytest.mark.browser

ORDER = (WELCOME, *PAGES)
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def open_page(page, base_url: str, notebook: str) -> None:
    page.goto(f"{base_url}voila/render/{notebook}.ipynb", timeout=180_000)
    wait_for_voila(page, timeout=180)
    page.locator(".seci-frame").first.wait_for()
    wait_for_widgets_shown(page)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("course_page", ORDER, ids=[p.notebook for p in ORDER])
def test_every_page_has_the_frame_and_nothing_cut(course_page, size, base_url, page):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    open_page(page, base_url, course_page.notebook)
    assert layout_problems(page) == []

    steps = page.get_by_role("navigation", name="Course", exact=True)
    hrefs = steps.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == [p.href for p in ORDER]
    i = ORDER.index(course_page)
    moves = page.get_by_role("navigation", name="Previous and next page")
    prev_link, next_link = moves.locator("a[rel=prev]"), moves.locator("a[rel=next]")
    assert (prev_link.get_attribute("href") if prev_link.count() else None) == (ORDER[i - 1].href if i else None)
    assert (next_link.get_attribute("href") if next_link.count() else None) == (
        ORDER[i + 1].href if i + 1 < len(ORDER) else None)

    contents = page.get_by_role("navigation", name="On this page")
    assert contents.count() == 1
    targets = contents.locator("a[href^='#']").evaluate_all("links => links.map(a => a.getAttribute('href').slice(1))")
    assert targets
    missing = page.evaluate("ids => ids.filter(id => !document.getElementById(id))", targets)
    assert not missing, f"contents entries lead nowhere: {missing}"


def test_the_contents_follow_the_scroll_and_open_on_a_phone(base_url, page):
    open_page(page, base_url, "01_socialization")
    toc = page.get_by_role("navigation", name="On this page")
    assert toc.evaluate("e => getComputedStyle(e).position") == "fixed"  # beside the text as it scrolls
    page.evaluate("() => document.getElementById('seci-quiz').scrollIntoView({block: 'start'})")
    page.wait_for_function("() => (document.querySelector('.seci-toc a[aria-current=location]') || {}).textContent"
                           " === 'Quiz'")  # the section being read is marked

    page.set_viewport_size({"width": 390, "height": 844})
    summary = toc.locator("summary")
    summary.wait_for()
    page.wait_for_function("() => !document.querySelector('.seci-toc details').open")  # closed: a button
    summary.focus()
    page.keyboard.press("Enter")  # keyboard reachable
    toc.get_by_role("link", name="Recap").click()
    page.wait_for_function("() => document.getElementById('seci-recap').getBoundingClientRect().top < 844")


def test_the_marks_follow_the_saved_work(base_url, page, fresh_learner):
    open_page(page, base_url, "01_socialization")
    step = page.get_by_role("navigation", name="Course", exact=True).locator("a[href='01_socialization.ipynb']")
    assert "(not started)" in step.inner_text()
    page.get_by_label("Observation journal", exact=True).fill(
        "Before every fold she pressed the dough twice and waited; I could not say what she felt for.")
    page.locator("button.seci-save-S-journal").click()
    page.get_by_text("it is in your spiral").first.wait_for()
    page.wait_for_function("() => document.querySelector(\"a[href='01_socialization.ipynb']\").innerText"
                           ".includes('(in progress)')")
    assert "saved" in page.get_by_role("navigation", name="On this page").inner_text()

    open_page(page, base_url, "00_welcome")
    start = page.locator(".seci-start")
    assert "Continue where you left off: 1. Socialization" in start.inner_text()
    assert "(in progress)" in start.locator("li").first.inner_text()
