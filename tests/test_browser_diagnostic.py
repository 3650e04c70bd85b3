"""The pre/post diagnostic in Voila and Chromium (issue 24, item 1): two learners take both
forms on the welcome page (one starts with form A, the other with form B), hand in from a
lesson, and the instructor finds their gain in the Learning tab and in the Excel workbook.

The learner's store is the served kernels' database (``fresh_learner``): between the two
sittings the test marks every course page begun in it, as a learner who worked through the
course would have, so the welcome page offers the post-test.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from voila_testing import axe_findings, wait_for_chart_name, wait_for_voila, wait_for_widgets_shown

from diagnostic_class import FORMS, begin_every_page
from seci_lab.model.diagnostic import POST, PRE, first_form, form_for

pytestmark = pytest.mark.browser

#: (learner id, name, items right before, after); the ids start with different forms.
#: axe-core's critical and serious findings on the check, its results and the Learning tab.
FINDINGS: list = []
LEARNERS = (("ada01", "Ada Lovelace", 5, 12), ("bo5", "Bo Chen", 3, 9))


def _take(page, form: str, right: int) -> None:
    """Answer the open check on the welcome page: the first ``right`` items right, the rest wrong."""
    groups = page.locator(".seci-diagnostic .widget-radio")
    groups.first.wait_for()
    items = FORMS.form(form)
    assert groups.count() == len(items)
    for n, item in enumerate(items):
        q = item.question
        option = q.option(q.answer) if n < right else next(o for o in q.options if o.key != q.answer)
        groups.nth(n).get_by_label(option.text, exact=True).check()
    page.get_by_role("button", name="Finish the check").click()
    page.get_by_text("Your answers are saved and will be handed in").wait_for()


def _forget(progress) -> None:
    """The next learner starts from an empty store."""
    for key in list(progress.answers()):
        progress.delete_answer(key)
    for key in progress.contribution_keys():
        progress.remove_contribution(key)


def _learner(page, base_url, progress, learner_id: str, name: str, pre: int, post: int, folder) -> None:
    page.goto(f"{base_url}voila/render/00_welcome.ipynb")
    wait_for_voila(page)
    page.get_by_label("Your learner id", exact=False).fill(learner_id)
    page.get_by_role("button", name="Start the check before the course").click()
    page.locator(".seci-diagnostic .widget-radio").first.wait_for()
    wait_for_widgets_shown(page)
    FINDINGS.extend(("the open check", f) for f in axe_findings(page))
    _take(page, form_for(PRE, learner_id), pre)
    text = page.locator(".seci-diagnostic-text").inner_text()
    assert "done" in text and "of 15 right" not in text and "Right." not in text  # no key before the post-test

    begin_every_page(progress)
    page.reload()
    wait_for_voila(page)
    page.get_by_role("button", name="Start the check after the course").click()
    _take(page, form_for(POST, learner_id), post)
    results = page.locator(".seci-diagnostic-text")
    results.get_by_text(f"{post} of 15 right", exact=False).wait_for()
    assert f"{pre} of 15 right" in results.inner_text()
    FINDINGS.extend(("the results", f) for f in axe_findings(page))

    page.goto(f"{base_url}voila/render/02_externalization.ipynb")
    wait_for_voila(page)
    page.get_by_text("Hand in to your instructor").click()
    form = page.locator(".seci-handin")
    assert form.get_by_label("Your student id").input_value() == learner_id  # remembered from the check
    form.get_by_label("Your name").fill(name)
    with page.expect_download() as download:
        form.get_by_role("button", name="Download my hand-in file").click()
    (folder / download.value.suggested_filename).write_bytes(open(download.value.path(), "rb").read())


def test_two_learners_take_both_forms_and_the_instructor_finds_their_gain(base_url, page, console, fresh_learner,
                                                                         tmp_path, axe_path):
    assert {first_form(i) for i, *_ in LEARNERS} == {"A", "B"}
    folder = tmp_path / "hand-ins"
    folder.mkdir()
    for learner_id, name, pre, post in LEARNERS:
        _forget(fresh_learner)
        _learner(page, base_url, fresh_learner, learner_id, name, pre, post, folder)
    assert len(list(folder.glob("*.json"))) == 2

    page.goto(f"{base_url}voila/render/instructor.ipynb")
    wait_for_voila(page)
    page.get_by_label("Folder path").fill(str(folder))
    page.get_by_role("button", name="Load the class").click()
    page.get_by_text("Loaded 2 learners").wait_for(timeout=90_000)
    page.get_by_role("tab", name="Learning").click()
    # pre 8/30, post 21/30: the gain of class averages is (0.7 - 0.2667) / (1 - 0.2667) = 0.59
    page.get_by_text("Normalized gain of the class averages: 0.59").wait_for(timeout=60_000)
    wait_for_chart_name(page, "Bar chart of the diagnostic's scores", timeout=90)
    wait_for_chart_name(page, "Bar chart of the share of items right per concept", timeout=90)
    learners = page.locator(".seci-table-wrap[aria-label=\"Every learner's diagnostic\"]")
    text = learners.inner_text()
    assert "Ada Lovelace" in text and "Bo Chen" in text and "matched" in text
    FINDINGS.extend(("the Learning tab", f) for f in axe_findings(page))
    assert not FINDINGS, [(where, f["id"], f["impact"], f["target"]) for where, f in FINDINGS]

    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as download:
        page.locator("button.seci-download", has_text="Excel workbook").click()
    book = pd.read_excel(io.BytesIO(open(download.value.path(), "rb").read()), sheet_name=None)
    summary = dict(zip(book["Learning summary"]["What"], book["Learning summary"]["Value"].astype(str)))
    assert summary["Normalized gain of class averages <g> (Hake 1998)"] == "0.59"
    by_learner = book["Learning by learner"].set_index("learner_id")
    assert by_learner.loc["ada01", "post_score"] == pytest.approx(12 / 15)
    assert by_learner.loc["bo5", "pre_form"] == first_form("bo5") == "B"
    console.assert_no_errors()
