"""Shared fixtures: a served seci-lab (Voila) and a system Chromium driven by Playwright.

Browser tests are marked ``@pytest.mark.browser``. Without a Chromium they are skipped, unless
``CI=true``, where they fail (docs/architecture.md). Helpers live in ``voila_testing.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from seci_lab.store import write
from seci_lab.store.progress import DEFAULT_NAME, answers_table, contributions_table, learners, open_progress

from voila_testing import ConsoleRecord, VoilaServer, find_chromium, free_port, launch_chromium, start_server

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


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


def _unavailable(reason: str):
    _missing(reason, "the PostgreSQL store tests")


@pytest.fixture(scope="session")
def pg_url():
    """URL of a throwaway PostgreSQL cluster on a free port, dropped at the end of the session.

    initdb + pg_ctl in a temp dir, as the ``postgres`` user when run as root. Without the
    binaries the tests using it are skipped, unless ``CI=true``, where they fail.
    """
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        _unavailable("PostgreSQL server binaries not found: run scripts/ensure-postgres.sh or apt-get install postgresql")
    # PostgreSQL refuses to run as root: use the postgres account then (Debian creates it).
    prefix: list[str] = []
    as_root = os.geteuid() == 0
    if as_root:
        runuser = shutil.which("runuser")
        try:
            import pwd

            account = pwd.getpwnam("postgres")
        except KeyError:
            account = None
        if not runuser or account is None:
            _unavailable("running as root without a 'postgres' account or runuser to start PostgreSQL")
        prefix = [runuser, "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="seci-lab-pg-"))
    data = base / "data"
    if as_root:
        os.chown(base, account.pw_uid, account.pw_gid)
    port = free_port()
    log = base / "server.log"
    try:
        subprocess.run(
            prefix + [initdb, "-D", str(data), "-U", "seci", "-A", "trust", "-E", "UTF8", "--no-locale"],
            check=True, capture_output=True, timeout=120,
        )
        subprocess.run(
            prefix + [pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
                      f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=on", "start"],
            check=True, capture_output=True, timeout=90,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        _unavailable(f"could not start PostgreSQL: {error} {detail.decode(errors='replace')[-1000:]} {server_log}")
    try:
        yield f"postgresql+psycopg://seci@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(prefix + [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


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
