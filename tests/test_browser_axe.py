"""Every dashboard passes axe-core's WCAG 2.0-2.2 A and AA rules without a critical or serious
finding: the welcome page, the lessons, the sources page, the spiral lab, the critiques, the
instructor dashboard with a class loaded, the facilitator dashboard with a live session and
the participant page (no kernel).

axe-core 4 comes from npm (tests/js/package-lock.json pins it; `make test` installs it) and is
injected by Playwright once the page rendered and its widgets are shown; folded accordion
sections are unfolded and every tab is opened, so their contents are checked too. A failure
lists each finding: the page, the rule, its impact, the element and what to fix. The template's
own promises are checked as well: one main landmark, a navigation landmark, a skip link that
takes the keyboard to the main content, underlined links and a visible focus.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from seci_lab.content.course import PAGES, WELCOME, page_of_kind
from test_browser_instructor import N, start_class_server
from test_browser_workshop import PHONE, _facilitator_page, _join, _open_phase, _running_workshop, _send
from voila_testing import axe_findings, wait_for_interactive, wait_for_voila, wait_for_widgets_shown

pytestmark = pytest.mark.browser

# The pages served by `seci-lab serve`, in the order of the course.
COURSE = [p.notebook for p in (WELCOME, *PAGES)]
SPIRAL = page_of_kind("spiral").notebook


def report(findings: dict[str, list[dict]]) -> str:
    """One line per finding: where, impact, rule, element, and axe-core's advice."""
    lines = [f"{where}: [{f['impact']}] {f['id']} at {f['target']}: {f['help']}"
             for where, found in findings.items() for f in found]
    return f"{len(lines)} critical or serious accessibility findings (axe-core):\n" + "\n".join(lines)


def check(page, findings: dict[str, list[dict]], where: str) -> None:
    """Run axe-core on the page as shown now; file its critical and serious findings under ``where``."""
    found = axe_findings(page)
    if found:
        findings[where] = found


# What must be on a page before it is checked (the controls of its known findings, issue 14).
SHOWN = {
    "00_welcome": ".seci-start a",  # the course frame's Start (the check's own controls: test_browser_diagnostic.py)
    SPIRAL: ".widget-play button, .widget-slider [role=slider]",
    "instructor": ".widget-radio-box input",
    "workshop_facilitator": ".widget-slider [role=slider]",
}


def open_dashboard(page, url: str, shown: str | None = None) -> None:
    """Open a Voila page and wait until its widgets are drawn (and ``shown`` is visible)."""
    page.goto(url, timeout=180_000)  # a page runs its notebook first: slow on a loaded machine
    wait_for_voila(page, timeout=180)
    if shown:  # its known controls, or on a page without controls what it shows
        page.locator(shown).first.wait_for()
    elif page.locator(".jupyter-widgets").count():
        wait_for_interactive(page)
    wait_for_widgets_shown(page)


def check_with_sections_unfolded(page, findings: dict[str, list[dict]], where: str) -> None:
    """Check the page, then again with every folded accordion section opened, one at a time
    per accordion (an ipywidgets Accordion shows one section)."""
    check(page, findings, where)
    headers = page.locator(".jupyter-widget-Collapse:not(.jupyter-widget-Collapse-open) > .jupyter-widget-Collapse-header")
    titles = [t.strip() for t in headers.all_inner_texts()]
    for title in titles:
        header = page.locator(".jupyter-widget-Collapse-header", has_text=title).first
        if not header.is_visible():  # inside another folded section or tab
            continue
        header.click()
        page.locator(".jupyter-widget-Collapse-open > .jupyter-widget-Collapse-header", has_text=title).first.wait_for()
        wait_for_widgets_shown(page)
        check(page, findings, f"{where}, section {title!r} open")


@pytest.mark.parametrize("name", COURSE)
def test_course_page_has_no_serious_accessibility_findings(name, base_url, page, axe_path):
    open_dashboard(page, f"{base_url}voila/render/{name}.ipynb", SHOWN.get(name))
    findings: dict[str, list[dict]] = {}
    check_with_sections_unfolded(page, findings, name)
    assert not findings, report(findings)


@pytest.mark.parametrize("name", COURSE)
def test_course_page_at_phone_width_has_no_serious_accessibility_findings(name, base_url, page, axe_path):
    # 390x844: the stylesheet stacks labels, wraps buttons and hides Plotly's toolbar there (issue 20)
    page.set_viewport_size({"width": 390, "height": 844})
    open_dashboard(page, f"{base_url}voila/render/{name}.ipynb", SHOWN.get(name))
    findings: dict[str, list[dict]] = {}
    check_with_sections_unfolded(page, findings, f"{name} at 390 px")
    assert not findings, report(findings)


def test_template_gives_landmarks_a_skip_link_underlined_links_and_a_visible_focus(base_url, page, axe_path):
    open_dashboard(page, f"{base_url}voila/render/01_socialization.ipynb")
    assert page.get_by_role("main").count() == 1
    course = page.get_by_role("navigation", name="Course", exact=True)
    assert course.get_by_role("link", name=re.compile(r"\bSources$")).count() == 1
    assert page.get_by_role("navigation", name="On this page").count() == 1
    # axe-core's landmark rules (best practice, not WCAG tags): every finding counts here.
    landmarks = axe_findings(page, rules=("landmark-one-main", "landmark-no-duplicate-main", "skip-link",
                                          "region", "landmark-unique"),
                             impacts=("minor", "moderate", "serious", "critical"))
    assert not landmarks, report({"01_socialization": landmarks})

    # The first Tab reaches the skip link, shown on screen; following it puts the focus on <main>.
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to the main content"
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 0, "the focused skip link is off-screen"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "rendered_cells"

    # Links are underlined; a control focused by keyboard shows a solid outline at least 2 px wide.
    link = page.get_by_role("navigation", name="Previous and next page").get_by_role("link").first
    assert "underline" in link.evaluate("e => getComputedStyle(e).textDecorationLine")
    page.keyboard.press("Tab")
    outline = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert outline[0] == "A" and outline[1] == "solid" and outline[2] >= 2, outline


def test_instructor_dashboard_with_a_class_has_no_serious_findings(tmp_path_factory, page, axe_path):
    # With a class store configured, the source is a choice of three (radio buttons).
    store = tmp_path_factory.mktemp("class-store") / "class.sqlite"
    server, folder, _ = start_class_server(tmp_path_factory, class_db=f"sqlite:///{store}")
    findings: dict[str, list[dict]] = {}
    try:
        open_dashboard(page, f"{server.url}voila/render/instructor.ipynb", SHOWN["instructor"])
        page.get_by_text("Load a class to start").wait_for()
        assert page.get_by_role("radio").count() == 3
        check(page, findings, "instructor, before loading")
        page.get_by_role("radio", name="Folder on the server").check()
        page.get_by_role("button", name="Load the class").click()
        page.get_by_text(f"Loaded {N} learners").wait_for(timeout=90_000)
        for tab in page.get_by_role("tab").all_inner_texts():
            page.get_by_role("tab", name=tab, exact=True).click()
            page.locator("[role=tab][aria-selected=true]", has_text=tab).wait_for()
            wait_for_widgets_shown(page)
            check_with_sections_unfolded(page, findings, f"instructor, tab {tab!r}")
    finally:
        server.stop()
    assert not findings, report(findings)


def test_facilitator_and_participant_pages_in_a_live_session_have_no_serious_findings(tmp_path_factory, browser,
                                                                                      axe_path):
    findings: dict[str, list[dict]] = {}
    contexts: list = []
    root = tmp_path_factory.mktemp("workshop-axe")
    with contextmanager(_running_workshop)(root, "--title", "Accessibility check") as workshop:
        try:
            fac, _ = _facilitator_page(browser, workshop, contexts)
            fac.locator(SHOWN["workshop_facilitator"]).first.wait_for()
            _open_phase(fac, "Socialization")

            # The participant page sends a Content-Security-Policy without inline scripts, which
            # Playwright's script tag is: this context lets it in (the page is otherwise unchanged).
            context = browser.new_context(viewport=PHONE, bypass_csp=True)
            contexts.append(context)
            phone = context.new_page()
            phone.set_default_timeout(60_000)
            phone.goto(workshop["join"])
            phone.get_by_label("Join code").wait_for()
            check(phone, findings, "participant, join form")
            _join(phone, workshop["code"], "Ana")
            _send(phone, "I shadowed the night nurse for a shift.")
            phone.locator("#board").get_by_text("I shadowed the night nurse").wait_for()
            check(phone, findings, "participant, joined, with a contribution on the board")

            fac.locator(".seci-board").filter(has_text="I shadowed the night nurse").first.wait_for()
            wait_for_widgets_shown(fac)
            check_with_sections_unfolded(fac, findings, "facilitator, live session")
        finally:
            for context in contexts:
                context.close()
    assert not findings, report(findings)
