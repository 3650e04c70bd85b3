"""The instructor dashboard in Voila and Chromium, as an instructor uses it.

One test, several checks (browser tests are slow on two cores): a server whose kernels get
``SECI_LAB_CLASS_DIR`` (a synthetic class of 60 learners plus bad files) serves
instructor.ipynb; the folder is filled in, Load reads the class, the problems table shows each
skipped or migrated file with its reason, one learner's work (holding a script-like payload)
shows as text, the class spiral is drawn, and the console has no unexpected errors.
"""

from __future__ import annotations

import json

import pytest

from class_generator import synthetic_class, write_class
from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV
from voila_testing import start_server, steps_named, table_rows, wait_for_chart_name, wait_for_voila

pytestmark = pytest.mark.browser

N = 60
SEED = 5


def start_class_server(tmp_path_factory, class_db: str | None = None):
    """``seci-lab serve`` whose kernels get ``SECI_LAB_CLASS_DIR`` (a synthetic class plus bad
    files) and, if given, ``SECI_LAB_CLASS_DB``. Returns the server, the folder and its counts."""
    folder = tmp_path_factory.mktemp("class")
    counts = write_class(folder, n=N, seed=SEED, bad_files=True)
    # start_server passes this process's environment (plus isolated dirs) to seci-lab serve,
    # whose kernels inherit it.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CLASS_DIR_ENV, str(folder))
        for name in (CLASS_DB_ENV, INSTRUCTOR_KEY_ENV):
            mp.delenv(name, raising=False)
        if class_db:
            mp.setenv(CLASS_DB_ENV, class_db)
        server = start_server(tmp_path_factory.mktemp("serve-instructor"))
    return server, folder, counts


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    server, folder, counts = start_class_server(tmp_path_factory)
    try:
        yield server, folder, counts
    finally:
        server.stop()


def _xss_learner() -> tuple[str, str]:
    for data in synthetic_class(N, seed=SEED):
        if any("onerror=alert" in c["text"] for c in data["contributions"]):
            return data["learner"]["id"], data["learner"]["name"]
    raise AssertionError("the generator's XSS payload is missing from the class")


def test_instructor_loads_a_class_in_the_browser(class_server, page, console):
    server, folder, counts = class_server
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server.url}voila/render/instructor.ipynb")
    wait_for_voila(page)

    page.get_by_text("Load a class to start").wait_for()
    assert page.get_by_label("Folder path").input_value() == str(folder)
    page.get_by_role("button", name="Load the class").click()
    page.get_by_text(f"Loaded {N} learners").wait_for(timeout=90_000)

    # Overview: the class first, as cards; the files not read folded under their count, with the
    # reason and what was done, as text, once opened.
    page.locator(".seci-card", has_text="Median grade").wait_for()
    expected = sum(v for k, v in counts.items() if k != "learners")
    page.get_by_text(f"Files not read as they are ({expected})").click()
    problems = page.locator(".seci-table-wrap[aria-label^='Files skipped']")
    problems.wait_for()
    text = problems.inner_text()
    assert "migrated" in text and "replaced by a newer hand-in" in text and "skipped" in text
    rows = problems.locator("tbody tr").count()
    assert rows == expected
    # each chart is an image with a name saying what it shows, its table beside it
    page.get_by_role("tab", name="Completion").click()
    wait_for_chart_name(page, "Bar chart of completion per mode", timeout=90)
    page.locator(".seci-table-wrap[aria-label='Completion per mode']").wait_for()

    # One learner's work: the payload is shown as text, never run or rendered as markup.
    learner_id, name = _xss_learner()
    page.get_by_role("tab", name="Learner").click()
    select = page.get_by_label("Learner", exact=True)
    # ipywidgets writes spaces in option labels as no-break spaces: find the option by its id.
    index = select.evaluate("(el, id) => [...el.options].findIndex(o => o.textContent.includes(id))", learner_id)
    assert index >= 0, f"{learner_id} is not in the list of learners"
    select.select_option(index=index)
    page.locator("h3", has_text=name).wait_for()
    contributions = page.locator(".seci-table-wrap[aria-label^='Contributions of']")
    contributions.get_by_text("onerror=alert(1)", exact=False).wait_for()
    assert "<img src=x onerror=alert(1)>" in contributions.inner_text()
    assert page.locator("img[src=x]").count() == 0
    page.locator(".seci-table-wrap[aria-label^='Answers and feedback of']").wait_for()

    # The class spiral is drawn by plotly.js in the page.
    page.get_by_role("tab", name="Class spiral").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')].some(gd =>
             (gd._transitionData && gd._transitionData._frames || []).length > 0)""",
        timeout=60_000)
    spiral = wait_for_chart_name(page, " steps in ", timeout=90)  # 3-D, or seen from above for a big class
    page.get_by_text("The class spiral as a table").click()
    table = page.locator(".seci-table-wrap[aria-label='The class spiral, step by step']")
    assert table_rows(table) == steps_named(spiral) > 0

    assert dialogs == [], f"injected script ran: {dialogs}"
    console.assert_no_errors()
    assert not console.external_requests(), json.dumps(console.external_requests()[:5])
