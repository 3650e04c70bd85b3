"""Shared fixtures: a served seci-lab (Voila) and a system Chromium driven by Playwright.

Browser tests are marked ``@pytest.mark.browser``. Without a Chromium they are skipped, unless
``CI=true``, where they fail (docs/architecture.md). Helpers live in ``voila_testing.py``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from seci_lab.store import write
from seci_lab.store.progress import DEFAULT_NAME, answers_table, contributions_table, learners, open_progress

from pg_testing import PostgresCluster, PostgresUnavailable, start_postgres
from voila_testing import AXE_PATH, ConsoleRecord, VoilaServer, find_chromium, launch_chromium, start_server

IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing(reason: str, what: str = "browser tests"):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: {what} must run, not skip)", pytrace=False)
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


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe-core's script, installed from npm by `make test` (``npm ci --prefix tests/js``)."""
    if not AXE_PATH.is_file():
        _missing("axe-core is not installed: run `npm ci --prefix tests/js` (make test does)",
                 "the accessibility tests")
    return AXE_PATH


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
    """What ``page`` logged: ``console.assert_no_errors()`` allows only the harmless list of docs/architecture.md."""
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


# ------------------------------------------------------------------------- PostgreSQL server


def _unavailable(reason: str):
    _missing(reason, "the PostgreSQL store tests")


@pytest.fixture(scope="session")
def pg_cluster() -> PostgresCluster:
    """A throwaway PostgreSQL cluster on a free port (tests/pg_testing.py), stopped and removed
    at the end of the session. Without the binaries the tests using it are skipped, unless
    ``CI=true``, where they fail."""
    try:
        cluster = start_postgres()
    except PostgresUnavailable as error:
        _unavailable(str(error))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_url(pg_cluster) -> str:
    """URL of the throwaway cluster's ``postgres`` database."""
    return pg_cluster.url


# ------------------------------------------------------------------------------------- nginx


@pytest.fixture(scope="session")
def nginx_path() -> str:
    """Debian's nginx (on PATH or /usr/sbin, which is not on a user's PATH), for the reverse-proxy
    test; skipped without it, unless ``CI=true``, where it fails."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        _missing("nginx not found: run scripts/ensure-nginx.sh or apt-get install nginx", "the reverse-proxy test")
    return found


# ------------------------------------------------------------------------- JupyterHub's proxy


@pytest.fixture(scope="session")
def configurable_http_proxy() -> str:
    """The configurable-http-proxy command that scripts/ensure-proxy.sh installed into the venv
    (or one on PATH). Without it the JupyterHub test is skipped, unless ``CI=true``."""
    local = Path(sys.prefix) / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    found = str(local) if local.is_file() else shutil.which("configurable-http-proxy")
    if found is None:
        _missing("configurable-http-proxy is not installed: run scripts/ensure-proxy.sh", "the JupyterHub test")
    return found
