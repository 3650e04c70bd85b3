"""Shared fixtures: a served seci-lab (Voila) and a system Chromium driven by Playwright.

Browser tests are marked ``@pytest.mark.browser``. Without a Chromium they are skipped, unless
``CI=true``, where they fail (DESIGN.md). Helpers live in ``voila_testing.py``.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import delete, update

from seci_lab.store import write
from seci_lab.store.progress import DEFAULT_NAME, answers_table, contributions_table, learners, open_progress

from voila_testing import ConsoleRecord, VoilaServer, find_chromium, launch_chromium, start_server

IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory) -> VoilaServer:
    """``seci-lab serve --no-browser --port <free>`` started from an empty temp directory,
    with HOME, Jupyter and data dirs in tmp; stopped with its kernels at the end."""
    server = start_server(tmp_path_factory.mktemp("serve"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(voila_server) -> str:
    """Base URL of the served seci-lab, e.g. ``http://127.0.0.1:40123/``."""
    return voila_server.url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        _missing("no Chromium found: set CHROMIUM_PATH or install chromium (scripts/ensure-chromium.sh)")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    """The system Chromium, headless, through Playwright's sync API (one per test module).

    Not per session: Playwright's sync API cannot start while another instance runs in the
    same thread, so a session-wide one would break tests that start their own
    (tests/test_figures.py). A launch costs about a second.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, chromium_path)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def _recorded_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    record = ConsoleRecord.attach(page)
    try:
        yield page, record
    finally:
        context.close()


@pytest.fixture
def page(_recorded_page):
    """A fresh page (own browser context: no shared cookies or cache) in Chromium."""
    return _recorded_page[0]


@pytest.fixture
def console(_recorded_page) -> ConsoleRecord:
    """What ``page`` logged: ``console.assert_no_errors()`` allows only DESIGN.md's harmless list."""
    return _recorded_page[1]


@pytest.fixture
def fresh_learner(voila_server):
    """The served kernels' learner database (tests/voila_testing.py isolated_env), emptied
    before and after, so other browser tests on the same server start from a blank spiral."""
    db = voila_server.root / "data" / "seci-lab.sqlite"
    progress = open_progress(url=f"sqlite:///{db}")

    def reset():
        def work(conn):
            conn.execute(delete(answers_table))
            conn.execute(delete(contributions_table))
            conn.execute(update(learners).values(name=DEFAULT_NAME, round=1))
        write(progress.engine, work)

    reset()
    yield progress
    reset()
    progress.engine.dispose()
