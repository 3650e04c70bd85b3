"""People's ratings in Voila and Chromium (issue 10's "Done when"): a learner self-rates a
contribution in notebook 05 and sees it marked; an instructor rates a learner's answer and sees
the class spiral and the gradebook change.

One server for both tests (browser tests are slow on two cores): its kernels get
a class folder (a small synthetic class); the learner's database and the instructor's
own database (no class store) are the server's isolated ones.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from class_generator import write_class
from seci_lab.content.course import page_of_kind
from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV
from voila_testing import start_server, wait_for_voila

pytestmark = pytest.mark.browser

N = 8
TEXT = "I shadowed the head baker for 3 days because the written recipe missed how the dough should feel."

_MARKED_IN_HOVER = """(note) => [...document.querySelectorAll('.js-plotly-plot')].some(gd =>
    (gd.data || []).some(t => [].concat(t.hovertext || []).some(h => String(h).includes(note))))"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    write_class(folder, n=N, seed=13, bad_files=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CLASS_DIR_ENV, str(folder))
        for name in (CLASS_DB_ENV, INSTRUCTOR_KEY_ENV):
            mp.delenv(name, raising=False)
        started = start_server(tmp_path_factory.mktemp("serve-ratings"))
    try:
        yield started
    finally:
        started.stop()


def test_a_self_rated_contribution_is_marked_in_the_spiral_lab(server, page, console):
    page.goto(f"{server.url}voila/render/{page_of_kind('spiral').href}")
    wait_for_voila(page)
    page.get_by_label("Your contribution", exact=True).fill(TEXT)
    page.get_by_role("button", name="Add to spiral").click()
    page.get_by_text("Added to round 1").wait_for()
    assert not page.evaluate(_MARKED_IN_HOVER, "self-rated")

    page.get_by_label("Your contributions", exact=True).select_option(index=0)
    page.get_by_role("button", name="Rate it myself").click()
    page.get_by_text("it is marked self-rated").wait_for()
    page.wait_for_function(_MARKED_IN_HOVER, arg="self-rated", timeout=60_000)  # the point's hover label
    page.get_by_role("button", name="Table", exact=True).click()
    page.locator(".seci-spiral-table", has_text="[self-rated]").wait_for()  # the table
    entries = page.get_by_label("Your contributions", exact=True)
    assert "(self-rated)" in entries.locator("option").first.inner_text()  # the list

    # saved: the next visit shows it marked
    page.reload()
    wait_for_voila(page)
    page.wait_for_function(_MARKED_IN_HOVER, arg="self-rated", timeout=60_000)
    console.assert_no_errors()


def _gradebook(page) -> dict[str, str]:
    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as download:
        # the button's accessible name is its tooltip, the import steps: find it by its text
        page.locator("button.seci-download", has_text="Gradebook for Canvas (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    return {row["SIS User ID"]: row["SECI lab"] for row in rows if row["SIS User ID"]}


def test_an_instructors_rating_changes_the_class_spiral_and_the_gradebook(server, page, console):
    page.goto(f"{server.url}voila/render/instructor.ipynb")
    wait_for_voila(page)
    page.get_by_role("button", name="Load the class").click()
    page.get_by_text(f"Loaded {N} learners").wait_for(timeout=90_000)
    before = _gradebook(page)

    page.get_by_role("tab", name="Class spiral").click()
    page.get_by_text("The class spiral as a table").click()
    table = page.locator(".seci-table-wrap[aria-label='The class spiral, step by step']")
    table.wait_for()
    assert "[rated by the instructor]" not in table.inner_text()

    page.get_by_role("tab", name="Learner").click()
    chosen = page.get_by_label("Learner", exact=True).evaluate("el => el.options[el.selectedIndex].textContent")
    learner_id = re.search(r"\(([^()]+)\)\s*$", chosen).group(1)
    item = page.get_by_label("Rate", exact=True).evaluate("el => el.options[el.selectedIndex].textContent")
    current = float(re.search(r"\((\d\.\d\d),\s+rubric\)\s*$", item).group(1))  # no-break spaces in labels
    # the slider by keyboard, as a keyboard user would: Home is 0, End is 1
    handle = page.locator(".widget-slider", has_text="Your rating (0–1)").get_by_role("slider")
    handle.focus()
    handle.press("Home" if current >= 0.5 else "End")
    target = "0.00" if current >= 0.5 else "1.00"
    page.get_by_role("button", name="Save rating").click()
    page.get_by_text(f"Rated {target}.").wait_for()

    page.get_by_role("tab", name="Class spiral").click()
    table.get_by_text("[rated by the instructor]", exact=False).first.wait_for()
    after = _gradebook(page)
    assert after[learner_id] != before[learner_id]
    assert {k: v for k, v in after.items() if k != learner_id} == {k: v for k, v in before.items() if k != learner_id}
    console.assert_no_errors()
