"""``seci-lab serve``: its command line, the Voila settings it chooses, and the served pages."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import plotly
import pytest

from seci_lab import cli
from seci_lab.content.course import RENAMED, page_of_kind
from seci_lab.env import DB_ENV, TOKEN_ENV
from seci_lab.server import config as server_config
from seci_lab.server.errors import UserError
from seci_lab.server.gate import PageGate
from seci_lab.server.guard import host_allow_list
from voila_testing import INTERACTIVE_SELECTOR, start_server, wait_for_interactive, wait_for_voila

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
DASHBOARDS = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb") if p.name != server_config.WELCOME)
SPIRAL = page_of_kind("spiral").href
SPIRAL_LINK = page_of_kind("spiral").label  # as the welcome page's course map names it
TOKEN = "letmein42"
LOAD_TIMEOUT = 90  # seconds for one page load; a hang (voila #1428) never finishes


@pytest.fixture(autouse=True)
def _no_token_in_environment(monkeypatch):
    # A token exported in the tester's shell must not answer for a test that gives none.
    monkeypatch.delenv(TOKEN_ENV, raising=False)


def _config(*argv: str) -> server_config.ServeConfig:
    args = cli.build_parser().parse_args(["serve", *argv])
    return server_config.config_from_args(args)


def _get(url: str, path: str, host: str | None = None) -> http.client.HTTPResponse:
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    conn.request("GET", path, headers={"Host": host} if host else {})
    response = conn.getresponse()
    response.body = response.read().decode("utf-8", errors="replace")
    conn.close()
    return response


# --- command line ---------------------------------------------------------------------------


def test_help_lists_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["serve", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--port", "--host", "--token", "--no-browser", "--notebooks", "--cull-idle-timeout", "--preheat",
                   "--concurrent-starts", "--allow-host"):
        assert option in text
    assert "127.0.0.1" in text and "token" in text


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "serve" in capsys.readouterr().out


def test_defaults_are_local_and_safe():
    config = _config()
    assert config.host == "127.0.0.1"
    assert config.port == 8866
    assert config.token == ""
    assert config.notebooks == server_config.default_notebooks_dir().resolve()
    assert config.urls() == ["http://127.0.0.1:8866/voila/render/00_welcome.ipynb"]
    argv = server_config.voila_argv(config)
    assert argv[0] == str(config.notebooks)
    for setting in (
        "--Voila.ip=127.0.0.1",
        "--Voila.port=8866",
        "--Voila.port_retries=0",
        "--Voila.token=",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.template=seci",
        "--MappingKernelManager.cull_idle_timeout=600",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaExecutor.iopub_timeout=60",
        "--no-browser",
    ):
        assert setting in argv, setting
    # Never a voila.json from the working directory.
    assert f"--Voila.config_file_paths={Path.cwd()}" not in argv


def test_voila_accepts_the_arguments(tmp_path):
    # Every traitlet we pass exists in the installed Voila (a typo would be ignored silently).
    from voila.app import Voila

    app = Voila()
    app.parse_command_line(server_config.voila_argv(_config("--preheat", "--cull-idle-timeout", "30")))
    config = app.config
    assert config.VoilaConfiguration.strip_sources is True
    assert config.VoilaConfiguration.allow_template_override == "NO"
    assert config.VoilaConfiguration.preheat_kernel is True
    from voila.execute import VoilaExecutor

    assert VoilaExecutor(None, config=config).iopub_timeout == 60  # a page under load keeps its widgets
    # Voila does not list the kernel manager among its classes: these stay deferred until
    # the kernel manager reads them, so check them the way it will.
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    manager = AsyncMappingKernelManager(config=config)
    assert (manager.cull_idle_timeout, manager.cull_interval, manager.cull_connected) == (30, 15, False)
    known = {c.__name__ for c in app._classes_inc_parents()} | {"MappingKernelManager"}
    assert set(config) <= known


def test_network_host_gets_a_token():
    config = _config("--host", "0.0.0.0")
    assert len(config.token) >= 10
    assert all(url.endswith(f"?token={config.token}") for url in config.urls())
    assert f"--Voila.token={config.token}" in server_config.voila_argv(config)
    assert config.local_url().startswith("http://127.0.0.1:8866/voila/render/00_welcome.ipynb?token=")
    assert _config("--host", "0.0.0.0", "--token", "room42x").token == "room42x"


def test_network_host_refuses_empty_token(capsys):
    assert cli.main(["serve", "--host", "0.0.0.0", "--token", "", "--no-browser"]) == 1
    assert "token is required" in capsys.readouterr().err


def test_the_token_comes_from_the_environment_or_a_private_file(tmp_path, monkeypatch, capsys):
    # Issue 21, item 9: --token (readable by every user of the computer) was the only way.
    monkeypatch.setenv(TOKEN_ENV, "envtoken7k")
    assert _config("--host", "0.0.0.0").token == "envtoken7k"
    monkeypatch.delenv(TOKEN_ENV)
    token_file = tmp_path / "room.token"
    token_file.write_text("filetoken9m\n")
    token_file.chmod(0o600)
    assert _config("--host", "0.0.0.0", "--token-file", str(token_file)).token == "filetoken9m"
    token_file.chmod(0o640)
    assert cli.main(["serve", "--host", "0.0.0.0", "--token-file", str(token_file), "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "can be read by other users" in err and "chmod 600" in err and "filetoken9m" not in err


def test_the_browser_opens_a_private_file_not_the_token(monkeypatch):
    # Issue 21, item 9: the address with its token went on the browser's command line (ps).
    from seci_lab.server import app

    opened = []
    monkeypatch.setattr(app.webbrowser, "open", lambda target, new=0: opened.append(target) or True)
    url = f"http://127.0.0.1:8867/?token={TOKEN}&next=<x>"
    app._open_browser(url)
    [target] = opened
    assert target.startswith("file://") and TOKEN not in target
    path = Path(urlparse(target).path)
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    page = path.read_text(encoding="utf-8")
    escaped = url.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'<meta http-equiv="refresh" content="1;url={escaped}">' in page and "<x>" not in page
    app._open_browser("http://127.0.0.1:8866/voila/render/00_welcome.ipynb")  # nothing secret: as it is
    assert opened[1] == "http://127.0.0.1:8866/voila/render/00_welcome.ipynb"


@pytest.mark.parametrize("logger", ["tornado.general", "tornado.application", "tornado.access", "Voila",
                                    "ServerApp", "Voila.child"])
def test_secret_query_arguments_are_scrubbed_from_every_server_logger(logger):
    import io
    import logging

    from seci_lab.server.scrub import install_secret_filter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    parent = logging.getLogger(logger.split(".")[0] if logger == "Voila.child" else logger)
    parent.addHandler(handler)
    try:
        install_secret_filter()
        logging.getLogger(logger).warning("%d %s: %s", 404, f"GET /x.ipynb?a=1&token={TOKEN}&_xsrf=2 (127.0.0.1)",
                                          "file or directory does not exist")
    finally:
        parent.removeHandler(handler)
    assert stream.getvalue() == "404 GET /x.ipynb?a=1&token=[secret]&_xsrf=[secret] (127.0.0.1): file or directory does not exist\n"


def test_missing_notebook_folder_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["serve", "--notebooks", str(tmp_path / "nope"), "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "Notebook folder not found" in err and "Traceback" not in err


def test_refuses_to_serve_a_folder_with_a_database(tmp_path, capsys):
    (tmp_path / "lesson.ipynb").write_text((NOTEBOOKS_DIR / "00_welcome.ipynb").read_text())
    (tmp_path / "progress.sqlite").write_bytes(b"")
    assert cli.main(["serve", "--notebooks", str(tmp_path), "--no-browser"]) == 1
    assert "progress.sqlite" in capsys.readouterr().err


def test_refuses_a_database_setting_inside_the_served_folder(tmp_path, monkeypatch, capsys):
    (tmp_path / "lesson.ipynb").write_text((NOTEBOOKS_DIR / "00_welcome.ipynb").read_text())
    monkeypatch.setenv(DB_ENV, str(tmp_path / "sub" / "learners.sqlite"))
    assert cli.main(["serve", "--notebooks", str(tmp_path), "--no-browser"]) == 1
    assert "inside the served folder" in capsys.readouterr().err


def test_database_variable_matches_the_store(tmp_path, monkeypatch):
    # The served-folder check reads the variable the store reads: one database setting.
    pytest.importorskip("sqlalchemy")
    from seci_lab.store.engine import default_url

    monkeypatch.setenv(DB_ENV, str(tmp_path / "learners.sqlite"))
    assert default_url() == f"sqlite:///{tmp_path / 'learners.sqlite'}"
    (tmp_path / "lesson.ipynb").write_text((NOTEBOOKS_DIR / "00_welcome.ipynb").read_text())
    with pytest.raises(UserError, match=DB_ENV):
        server_config.check_notebooks_dir(tmp_path)


def test_folder_without_welcome_opens_the_file_list(tmp_path):
    (tmp_path / "lesson.ipynb").write_text((NOTEBOOKS_DIR / "00_welcome.ipynb").read_text())
    config = _config("--notebooks", str(tmp_path))
    assert config.front_door == "/voila/tree"


@pytest.mark.parametrize("bad", ["0", "70000", "http"])
def test_bad_port_is_a_usage_error(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["serve", "--port", bad])
    assert exit_info.value.code == 2
    assert "port" in capsys.readouterr().err


def test_port_in_use_says_so(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["serve", "--no-browser", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"Port {port} is already in use" in err
    assert "--port" in err
    assert "Traceback" not in err


def test_port_in_use_from_the_console_script(tmp_path):
    script = Path(sys.executable).with_name("seci-lab")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "seci_lab"]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*command, "serve", "--no-browser", "--port", str(port)],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert "already in use" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_template_ships_with_the_package():
    template = server_config.package_dir() / "voila" / "templates" / server_config.TEMPLATE
    assert (template / "conf.json").is_file()
    for name in ("index.html.j2", "page.html"):
        text = (template / name).read_text()
        assert not re.search(r"""(href|src)=["']https?://|import\(["']https?://""", text), name


# --- the running server (HTTP) --------------------------------------------------------------


def test_server_prints_the_welcome_address(voila_server):
    # The fixture is shared by the whole session: read what it printed while starting, not
    # what earlier browser tests made it log since (closed sockets, kernels shut down).
    assert f"{voila_server.url}voila/render/00_welcome.ipynb" in voila_server.startup_output
    assert "Traceback" not in voila_server.startup_output


def test_root_redirects_to_welcome(base_url):
    response = _get(base_url, "/")
    assert response.status in (301, 302)
    assert response.getheader("Location") == "/voila/render/00_welcome.ipynb"


def test_old_addresses_of_renamed_pages_redirect_to_them(base_url, tmp_path):
    # Links and bookmarks from before the course was reordered (issue 23) still open their page,
    # with the query (a token) kept.
    for old, new in RENAMED.items():
        response = _get(base_url, f"/voila/render/{old}.ipynb?token=abc")
        assert response.status == 302, (old, response.status)
        assert response.getheader("Location") == f"/voila/render/{new}.ipynb?token=abc"
    assert _get(base_url, f"/voila/render/{SPIRAL}").status == 200
    # A folder that still holds a notebook under an old name serves it, not a redirect.
    from seci_lab.server.app import _renamed_page_rules

    old, new = next(iter(RENAMED.items()))
    (tmp_path / f"{new}.ipynb").write_text("{}")
    assert [rule[0] for rule in _renamed_page_rules("/", tmp_path)] == [f"/voila/render/{old}[.]ipynb"]
    (tmp_path / f"{old}.ipynb").write_text("{}")
    assert _renamed_page_rules("/", tmp_path) == []


def test_only_the_servers_own_host_names_are_answered(voila_server):
    # A page elsewhere that points its own name at this computer (DNS rebinding) gets nothing.
    url, port = voila_server.url, voila_server.port
    for foreign in (f"rebind.attacker.example:{port}", "evil.example", f"192.0.2.7:{port}"):
        for path in ("/", "/voila/render/00_welcome.ipynb", "/voila/tree"):
            refused = _get(url, path, host=foreign)
            assert refused.status == 403, (foreign, path)
            assert "Welcome to seci-lab" not in refused.body and "host name" in refused.body
    for own in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert _get(url, "/", host=own).getheader("Location") == "/voila/render/00_welcome.ipynb"
        assert "Welcome to seci-lab" in _get(url, "/voila/render/00_welcome.ipynb", host=own).body
    assert "rebind.attacker.example" in voila_server.output()  # the refusal is logged


def test_allow_host_names_join_the_allow_list():
    config = _config("--host", "0.0.0.0", "--allow-host", "seci.example.org", "--allow-host", "lab")
    assert config.allow_hosts == ("seci.example.org", "lab")
    hosts = host_allow_list(config.host, config.allow_hosts)
    assert hosts.allows("seci.example.org") and hosts.allows("LAB:8866") and hosts.allows("127.0.0.1:8866")
    assert not hosts.allows("other.example.org")
    assert not host_allow_list(_config().host).allows("seci.example.org")


def test_sources_stripped_and_template_not_overridable(base_url):
    page = _get(base_url, f"/voila/render/{SPIRAL}?template=lab&theme=dark").body
    assert "spiral_lab()" not in page  # the code cell's source
    assert "cdn.jsdelivr.net" not in page and "cdnjs" not in page
    assert "theme-light" in page


def _page_config(html: str) -> dict:
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page has no page config"
    return json.loads(found.group(1))


def test_one_plotly_js_per_page(base_url):
    # plotly's JupyterLab extension fetches its own plotly.js on every page it is on; only the
    # instructor dashboard shows plain figures (the others' are FigureWidgets, which load the
    # bundle the server serves once per page).
    for name, wanted in ((SPIRAL, False), ("instructor.ipynb", True)):
        extensions = [e["name"] for e in _page_config(_get(base_url, f"/voila/render/{name}").body)["federated_extensions"]]
        assert (server_config.PLOTLY_PAGE_EXTENSION in extensions) is wanted, (name, extensions)
        assert "@jupyter-widgets/jupyterlab-manager" in extensions or "@voila-dashboards/widgets-manager8" in extensions
    bundle = _get(base_url, f"/{server_config.PLOTLY_BUNDLE_PATH}?v={plotly.__version__}")
    assert bundle.status == 200
    assert bundle.body == (Path(plotly.__file__).parent / "package_data" / "widgetbundle.js").read_text(
        encoding="utf-8", errors="replace")


def test_only_the_instructor_page_needs_plotlys_page_extension(tmp_path):
    needs = {p.name for p in NOTEBOOKS_DIR.glob("*.ipynb") if server_config.needs_plotly_page_extension(p)}
    assert needs == {"instructor.ipynb"}
    # A notebook that does not say so (anyone's own, served with --notebooks) keeps it, and so does
    # one that cannot be read.
    plain = tmp_path / "mine.ipynb"
    plain.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert server_config.needs_plotly_page_extension(plain)
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    assert server_config.needs_plotly_page_extension(broken)
    assert server_config.needs_plotly_page_extension(tmp_path / "missing.ipynb")


@pytest.fixture(scope="module")
def token_server(tmp_path_factory):
    """A server with a token, as ``--host 0.0.0.0`` gets one (but listening on loopback only)."""
    server = start_server(tmp_path_factory.mktemp("token"), extra_args=["--token", TOKEN])
    try:
        yield server
    finally:
        server.stop()


def _listening_process(server):
    import psutil

    root = psutil.Process(server.process.pid)
    for process in [root, *root.children(recursive=True)]:
        if any(c.status == psutil.CONN_LISTEN and c.laddr.port == server.port for c in process.net_connections("tcp")):
            return process
    raise AssertionError("no process of the server listens on its port")


def test_a_room_connecting_at_once_is_queued_not_dropped(token_server):
    # 200 phones answered together connect again together. The system queues connections the
    # server has not accepted yet only up to the listen backlog (tornado's default: 128) and
    # drops the rest, which then try again a second later. Stop the server (as a busy one
    # is, for a moment) and connect 300 at once: all must be queued.
    import os
    import selectors
    import signal

    wanted = min(300, int(Path("/proc/sys/net/core/somaxconn").read_text()))
    process = _listening_process(token_server)
    sockets, selector = [], selectors.DefaultSelector()
    os.kill(process.pid, signal.SIGSTOP)
    try:
        for _ in range(wanted):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", token_server.port))
            sockets.append(sock)
            selector.register(sock, selectors.EVENT_WRITE)
        connected, deadline = set(), time.monotonic() + 3
        while len(connected) < wanted and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.1):
                if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    connected.add(key.fileobj)
                selector.unregister(key.fileobj)
    finally:
        os.kill(process.pid, signal.SIGCONT)
        for sock in sockets:
            sock.close()
        selector.close()
    assert len(connected) == wanted, f"{wanted - len(connected)} of {wanted} connections were dropped"
    assert _get(token_server.url, f"/voila/render/00_welcome.ipynb?token={TOKEN}").status == 200  # and it goes on


def test_token_protects_a_shared_server(token_server):
    url = token_server.url
    assert f"{url}voila/render/00_welcome.ipynb?token={TOKEN}" in token_server.output()
    refused = _get(url, "/voila/render/00_welcome.ipynb")
    assert refused.status in (302, 403)  # to the login page, never the notebook
    assert "Welcome to seci-lab" not in refused.body
    assert "Welcome to seci-lab" not in _get(url, "/voila/render/00_welcome.ipynb?token=wrong").body
    redirect = _get(url, f"/?token={TOKEN}")
    assert redirect.getheader("Location") == f"/voila/render/00_welcome.ipynb?token={TOKEN}"
    assert _get(url, f"/voila/tree?token={TOKEN}").status == 200


@pytest.mark.browser
def test_no_token_in_the_servers_log(token_server):
    # Issue 21, item 9: the access log was scrubbed, but tornado's warning for a 404 or 403
    # ("404 GET /voila/render/x.ipynb?token=... (127.0.0.1): file or directory does not exist")
    # printed the token.
    for path in ("/voila/render/missing.ipynb", "/voila/static/missing.js", "/voila/files/missing.txt"):
        assert _get(token_server.url, f"{path}?token={TOKEN}").status in (403, 404)
    deadline = time.monotonic() + 30
    while "missing.txt" not in token_server.stderr_path.read_text(errors="replace") and time.monotonic() < deadline:
        time.sleep(0.2)
    log = token_server.stderr_path.read_text(errors="replace")
    assert "GET /voila/render/missing.ipynb?token=[secret] (127.0.0.1): file or directory does not exist" in log
    assert TOKEN not in log


@pytest.mark.browser
def test_shared_address_works_for_a_participant(token_server, page, console):
    # The printed address carries the token once; the links of the course then work by cookie.
    page.goto(f"{token_server.url}?token={TOKEN}")
    wait_for_voila(page)
    page.get_by_role("link", name=SPIRAL_LINK, exact=True).click()
    page.wait_for_url(f"**/voila/render/{SPIRAL}")
    wait_for_voila(page)
    wait_for_interactive(page)
    console.assert_no_errors()


# --- in the browser -------------------------------------------------------------------------


@pytest.mark.browser
def test_welcome_then_spiral(base_url, page, console):
    page.goto(base_url)  # the front door redirects to the welcome page
    wait_for_voila(page)
    assert page.url.endswith("/voila/render/00_welcome.ipynb")
    assert page.get_by_role("heading", name="Welcome to seci-lab").is_visible()
    assert page.locator("#rendered_cells table").count() >= 2  # the Markdown table and the modes table

    # The course map's relative link works under Voila: /voila/render/<name>.
    link = page.get_by_role("link", name=SPIRAL_LINK, exact=True)
    assert link.get_attribute("href") == SPIRAL
    link.click()
    page.wait_for_url(f"**/voila/render/{SPIRAL}")
    wait_for_voila(page)
    wait_for_interactive(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    console.assert_no_errors()
    assert console.external_requests() == []
    # One plotly.js for the page: the bundle the server serves, not the page extension's copy.
    plotly_requests = [u for u in console.requests if "plotly" in u]
    assert len(plotly_requests) == 1 and server_config.PLOTLY_BUNDLE_PATH in plotly_requests[0], plotly_requests


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")))
def test_every_notebook_renders_without_errors_or_third_parties(name, base_url, page, console):
    page.goto(f"{base_url}voila/render/{name}")
    wait_for_voila(page)
    if page.locator(".jupyter-widgets").count():
        wait_for_interactive(page)
    page.wait_for_timeout(500)  # late console errors (widget views rendering)
    console.assert_no_errors()
    assert console.external_requests() == [], "the page asked a third party (CDN)"
    # Font Awesome icons still draw without the CDN stylesheet (Voila bundles the font).
    for icon in page.locator("#rendered_cells .fa").all()[:3]:
        family = icon.evaluate("e => getComputedStyle(e, '::before').fontFamily")
        assert "Font Awesome" in family


@pytest.mark.browser
def test_closing_a_page_stops_its_kernel(voila_server, page):
    before = {k.pid for k in voila_server.kernel_processes()}
    page.goto(f"{voila_server.url}voila/render/00_welcome.ipynb")
    wait_for_voila(page)
    opened = {k.pid for k in voila_server.kernel_processes()} - before
    assert len(opened) == 1
    page.goto("about:blank")  # unload: Voila's page asks the server to stop its kernel
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and opened & {k.pid for k in voila_server.kernel_processes()}:
        time.sleep(0.5)
    assert not opened & {k.pid for k in voila_server.kernel_processes()}, "the kernel outlived its page"


def test_page_gate_lets_pages_in_by_turn_and_skips_those_who_left():
    import asyncio

    async def scenario():
        gate = PageGate(2)
        inside, most, order, beats = set(), 0, [], []

        async def page(name, hold=0.2, leaves=False):
            nonlocal most

            async def keep_waiting(first):
                beats.append(name)
                if leaves:
                    raise ConnectionError("the visitor closed the page")

            try:
                async with gate.turn(keep_waiting):
                    inside.add(name)
                    most = max(most, len(inside))
                    order.append(name)
                    await asyncio.sleep(hold)
                    inside.discard(name)
            except ConnectionError:
                order.append(f"{name} left")

        tasks = []
        for name, leaves in (("a", False), ("b", False), ("c", True), ("d", False), ("e", False)):
            tasks.append(asyncio.create_task(page(name, leaves=leaves)))
            await asyncio.sleep(0.01)  # arrive in this order
        await asyncio.gather(*tasks)
        return most, order, beats, gate

    # In a thread of its own: Playwright's sync API may already run an event loop in this one.
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        most, order, beats, gate = thread.submit(lambda: asyncio.run(scenario())).result(timeout=60)
    assert most == 2  # never more than the limit at once
    assert order == ["a", "b", "c left", "d", "e"]  # in arrival order; the one who left gave up its place
    assert "a" not in beats and "b" not in beats and "d" in beats  # only waiting pages get keep-alives
    assert gate.waiting == 0


def test_concurrent_starts_option():
    assert _config("--concurrent-starts", "3").concurrent_starts == 3
    assert _config().concurrent_starts == server_config.DEFAULT_CONCURRENT_STARTS >= 2
    with pytest.raises(SystemExit):
        _config("--concurrent-starts", "0")


def test_pages_opened_at_once_are_built_in_turn(tmp_path_factory):
    # Three visitors at the same moment with room for one start: all three get their whole
    # page; those waiting get keep-alive comments first (before the doctype, so the page
    # stays in standards mode) instead of a stalled connection.
    import concurrent.futures

    server = start_server(tmp_path_factory.mktemp("gate"), extra_args=["--concurrent-starts", "1"])
    try:
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            responses = list(pool.map(lambda _: _get(server.url, "/voila/render/00_welcome.ipynb"), range(3)))
        assert [r.status for r in responses] == [200, 200, 200]
        for response in responses:
            assert "Welcome" in response.body and response.body.rstrip().endswith("</html>")
            head = response.body.lstrip()
            while head.startswith("<!--"):
                head = head[head.index("-->") + 3:].lstrip()
            assert head.lower().startswith("<!doctype html>")
        waited = [r for r in responses if r.body.startswith("<!-- seci-lab: many pages")]
        assert len(waited) >= 1
    finally:
        server.stop()


def test_idle_kernels_are_culled(tmp_path_factory):
    # A page that vanishes without unloading (crash, phone asleep, no JavaScript) leaves its
    # kernel: culling stops it once idle. 5 s here; 600 s by default. A plain HTTP GET starts
    # a kernel that no browser ever connects to.
    server = start_server(tmp_path_factory.mktemp("cull"), extra_args=["--cull-idle-timeout", "5"])
    try:
        assert _get(server.url, "/voila/render/00_welcome.ipynb").status == 200
        assert len(server.kernel_processes()) == 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.kernel_processes():
            time.sleep(1)
        assert server.kernel_processes() == [], "idle kernel was not culled"
        assert "Culling" in server.output()
    finally:
        server.stop()


@pytest.mark.browser
@pytest.mark.parametrize("name", DASHBOARDS)
def test_dashboard_loads_ten_times_without_hanging(name, base_url, browser):
    # docs/architecture.md: filling an Output widget while the notebook first runs hangs about 1 load in 5.
    durations = []
    for attempt in range(10):
        context = browser.new_context()
        page = context.new_page()
        start = time.monotonic()
        try:
            page.goto(f"{base_url}voila/render/{name}")
            wait_for_voila(page, timeout=LOAD_TIMEOUT)
            if page.locator(".jupyter-widgets").count():
                page.wait_for_selector(INTERACTIVE_SELECTOR, state="visible", timeout=LOAD_TIMEOUT * 1000)
        except Exception as exc:  # report which load hung, not just a Playwright timeout
            pytest.fail(f"load {attempt + 1} of 10 of {name} did not finish within {LOAD_TIMEOUT} s: {exc}")
        finally:
            durations.append(time.monotonic() - start)
            page.goto("about:blank")  # unload, so the kernel stops instead of piling up
            context.close()
    assert len(durations) == 10



@pytest.mark.parametrize("line", [
    # tornado decodes a query argument's name: "tok%65n" is the token too (seen live in the 404 warning).
    f"404 GET /voila/render/missing.ipynb?tok%65n={TOKEN} (127.0.0.1): file or directory does not exist",
    # An address inside another one's argument (a login page's "next"), encoded once or twice.
    f"404 GET /login?next=%2Fvoila%2Frender%2Fx.ipynb%3Ftoken%3D{TOKEN}%26a%3D1 (127.0.0.1) 1.00ms",
    f"404 GET /login?next=%252Fx%253Fa%253D1%2526token%253D{TOKEN} (127.0.0.1) 1.00ms",
    # A token sent in a header, as the Jupyter server's clients do.
    f'Request headers: {{"Host": "127.0.0.1", "Authorization": "token {TOKEN}"}}',
    f"Authorization: Bearer {TOKEN}",
])
def test_encoded_and_header_tokens_are_scrubbed(line):
    # Review of issue 21, item 9: the filter matched only "?token=" written plainly.
    import io
    import logging

    from seci_lab.server.scrub import install_secret_filter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tornado.general")
    logger.addHandler(handler)
    try:
        install_secret_filter()
        logger.warning("%s", line)
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert TOKEN not in logged and "[secret]" in logged
    assert logged.startswith(line.split(TOKEN)[0])  # the rest of the line is kept


def test_a_huge_body_is_refused_on_its_length_before_it_is_read(token_server):
    # tornado's default holds up to 100 MB of a body in memory before a handler sees it; the
    # server refuses more than 1 MiB on the Content-Length alone (seci_lab.server.connections).
    request = (f"POST /voila/api/shutdown/x HTTP/1.1\r\nHost: 127.0.0.1:{token_server.port}\r\n"
               "Content-Length: 100000000\r\n\r\nabc").encode()
    with socket.create_connection(("127.0.0.1", token_server.port), timeout=20) as sock:
        sock.sendall(request)
        answer = sock.recv(4096)  # a timeout here: the server waits for the 100 MB
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
