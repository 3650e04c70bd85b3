"""The Voila application of ``seci-lab serve``, run in this process.

A small subclass of Voila adds the ``/`` redirect to the front door, swaps in a page handler
that lets kernels stop when their page closes and builds pages in turn (:class:`PageGate`),
and prints the address once the server listens. Voila and tornado are imported only when the
server starts, so the command line stays quick.
"""

from __future__ import annotations

import atexit
import functools
import html
import logging
import os
import shutil
import sys
import tempfile
import threading
import webbrowser
from pathlib import Path
from typing import Callable

from .config import (
    PLOTLY_BUNDLE_PATH,
    PLOTLY_PAGE_EXTENSION,
    ServeConfig,
    needs_plotly_page_extension,
    package_dir,
    voila_argv,
)
from .gate import PageGate
from ..env import OFF_LOOPBACK_ENV, PLOTLY_BUNDLE_ENV, TOKEN_ENV
from .guard import HostAllowList, TrustedProxies, host_allow_list
from .network import check_port_free, is_loopback, is_wildcard
from .scrub import install_secret_filter

__all__ = ["browser_open_file", "guard_hosts", "log_request_scrubbed", "open_browser", "run_voila", "scrub_uri", "serve", "setup_logging"]

log = logging.getLogger("seci_lab.server")

#: Request bodies of ``seci-lab serve`` (Voila's pages post little: a kernel's shutdown; the
#: widgets talk over a websocket).
SERVE_MAX_BODY_BYTES = 1024 * 1024


def serve(config: ServeConfig) -> int:
    """``seci-lab serve``: check the port, then run Voila until it is stopped, answering only
    its own host names (against DNS rebinding, as the workshop servers do)."""
    check_port_free(config.host, config.port)
    run_voila(config, hosts=host_allow_list(config.host, config.allow_hosts))
    return 0


#: Builds extra URL rules from the server's base URL (the participant page of a workshop).
ExtraHandlers = Callable[[str], list]


def run_voila(config: ServeConfig, *, hosts: HostAllowList | None = None,
              extra_handlers: ExtraHandlers | None = None, max_body_size: int = SERVE_MAX_BODY_BYTES,
              trusted_proxies: TrustedProxies | None = None) -> None:
    """Run Voila in this process until it is stopped (Ctrl+C or SIGTERM).

    ``hosts``: answer only requests whose ``Host`` header it allows (403 otherwise), against
    DNS rebinding. ``extra_handlers``: more URL rules, matched before Voila's. The server
    listens with :mod:`.connections`' limits: ``max_body_size`` bytes per request body, and no
    cap of connections per address for ``trusted_proxies``.
    """
    from .connections import raise_open_files_limit

    raise_open_files_limit()
    # Our template lives in seci_lab/voila/templates/seci; Voila finds templates (and their
    # static files) through the Jupyter data path, so the package directory joins it.
    data_path = [str(package_dir())] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(data_path)
    # The kernels inherit this environment: not the token a person gave (the server has it now)...
    os.environ.pop(TOKEN_ENV, None)
    # ...and tell the pages whether others can reach them.
    if is_loopback(config.host):
        os.environ.pop(OFF_LOOPBACK_ENV, None)
    else:
        os.environ[OFF_LOOPBACK_ENV] = "1"
    # ...and where plotly's widget bundle is served, so their figures load it once per page.
    os.environ[PLOTLY_BUNDLE_ENV] = PLOTLY_BUNDLE_PATH
    app_class = _voila_app_class(config, hosts, extra_handlers, max_body_size, trusted_proxies)
    app_class.launch_instance(argv=voila_argv(config))


def _voila_app_class(config: ServeConfig, hosts: HostAllowList | None = None,
                     extra_handlers: ExtraHandlers | None = None, max_body_size: int = SERVE_MAX_BODY_BYTES,
                     trusted_proxies: TrustedProxies | None = None):
    import tornado.ioloop
    import tornado.web
    from jupyter_server.utils import url_path_join
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    gate = PageGate(config.concurrent_starts)

    class RenderHandler(TornadoVoilaHandler):
        """Voila's page handler, also setting the ``_xsrf`` cookie, with pages built in turn.

        On unload, Voila's page asks the server to shut its kernel down, sending the
        ``_xsrf`` cookie as form field; Voila 0.5.13 never sets that cookie, so the request
        gets HTTP 403 and every visit leaves a kernel running. Reading ``xsrf_token`` sets
        the cookie before the page streams.

        At most ``config.concurrent_starts`` pages are built at once (:class:`PageGate`).
        """

        @tornado.web.authenticated
        async def get(self, path=None):
            self.xsrf_token  # noqa: B018 - the property sets the cookie
            async with gate.turn(self._keep_waiting):
                await super().get(path)

        async def _keep_waiting(self, first: bool) -> None:
            # HTML comments before the doctype are allowed (the page stays in standards mode);
            # they keep phones and proxies from timing out while the page waits its turn.
            if first:
                self.set_header("Content-Type", "text/html")
                self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
            self.write("<!-- seci-lab: many pages are opening at once; this one is waiting its turn -->\n")
            await self.flush()

    class SeciVoila(Voila):
        """Voila with ``/`` redirecting to the welcome notebook, kernels shut down when their
        page closes, and a clear start-up banner."""

        def initialize(self, argv=None):
            super().initialize(argv)
            self.voila_configuration.page_config_hook = _page_config_hook(
                config, self.voila_configuration.page_config_hook)

        def init_handlers(self):
            handlers = [
                (rule[0], RenderHandler, *rule[2:]) if len(rule) > 1 and rule[1] is TornadoVoilaHandler else rule
                for rule in super().init_handlers()
            ]
            if config.front_door not in ("/voila/tree", "/"):
                # Query arguments (a token) are kept by tornado's RedirectHandler.
                target = url_path_join(self.base_url, config.front_door)
                handlers.insert(0, (self.server_url, tornado.web.RedirectHandler, {"url": target}))
            if extra_handlers is not None:
                handlers[:0] = extra_handlers(self.base_url)
            handlers[:0] = _renamed_page_rules(self.base_url, config.notebooks)
            handlers.insert(0, _plotly_bundle_rule(self.base_url))
            return handlers

        def listen(self):
            # Every request passes here first, Voila's own and the page's alike.
            if hosts is not None:
                guard_hosts(self.app, hosts)
            # tornado's access log would print a token given in a query string; its warnings
            # (a 404's) and the Jupyter server's and Voila's messages would too.
            self.app.settings["log_function"] = log_request_scrubbed
            install_secret_filter(self.log)
            # A room answered together connects again together: with tornado's queue of 128
            # waiting connections the rest were dropped and each phone's system tried again
            # 1 s later (seen as sends taking 1.1-1.3 s with 200 phones). The server gets the
            # limits of .connections (timeouts, body size, connections per address).
            from .connections import listen as guarded_listen

            listen = self.app.listen
            self.app.listen = functools.partial(guarded_listen, self.app, backlog=LISTEN_BACKLOG,
                                                max_body_size=max_body_size, trusted_proxies=trusted_proxies)
            try:
                super().listen()
            finally:
                self.app.listen = listen

        def start(self):
            tornado.ioloop.IOLoop.current().add_callback(_announce, config)
            super().start()

    SeciVoila.__name__ = "Voila"  # log lines read "[Voila] ...", as in Voila's documentation
    return SeciVoila


def _page_config_hook(config: ServeConfig, previous: Callable | None = None) -> Callable:
    """Voila's ``page_config_hook``: pages whose notebook needs no plotly extension
    (:func:`needs_plotly_page_extension`) do not load it, and so one copy of plotly.js less."""
    from pathlib import Path

    def hook(page_config: dict, **kwargs) -> dict:
        if previous is not None:
            page_config = previous(page_config, **kwargs)
        notebook = Path(kwargs.get("notebook_path") or "")
        if not notebook.is_absolute():
            notebook = config.notebooks / notebook
        if not needs_plotly_page_extension(notebook):
            page_config["federated_extensions"] = [
                ext for ext in page_config.get("federated_extensions", []) if ext.get("name") != PLOTLY_PAGE_EXTENSION]
        return page_config

    return hook


def _renamed_page_rules(base_url: str, notebooks: Path) -> list[tuple]:
    """URL rules sending the old address of each renamed course page (``RENAMED`` in
    :mod:`seci_lab.content.course`, e.g. ``/voila/render/05_knowledge_spiral.ipynb``) to its
    page now, keeping the query (a token). Only where the old file is gone from the served folder
    and the new one is there: a folder that still holds the old notebook serves it as before.

    The redirect is temporary (302): a browser does not remember it, should a later course
    use an old name again.
    """
    import tornado.web
    from jupyter_server.utils import url_path_join

    from ..content.course import RENAMED

    rules = []
    for old, new in RENAMED.items():
        if (notebooks / f"{old}.ipynb").exists() or not (notebooks / f"{new}.ipynb").is_file():
            continue
        pattern = url_path_join(base_url, "voila/render", f"{old}[.]ipynb")
        target = url_path_join(base_url, "voila/render", f"{new}.ipynb")
        rules.append((pattern, tornado.web.RedirectHandler, {"url": target, "permanent": False}))
    return rules


def _plotly_bundle_rule(base_url: str) -> tuple:
    """The URL rule serving plotly's widget bundle at ``PLOTLY_BUNDLE_PATH`` (seci_lab.ui.plotly_widget).

    Public code, like Voila's own static files. Figures ask for it with ``?v=<plotly version>``,
    so tornado lets browsers cache it for long.
    """
    from pathlib import Path

    import plotly
    import tornado.web
    from jupyter_server.utils import url_path_join

    folder, name = PLOTLY_BUNDLE_PATH.rsplit("/", 1)
    bundle = Path(plotly.__file__).parent / "package_data" / name
    pattern = url_path_join(base_url, folder, f"({name.replace('.', '[.]')})")
    return (pattern, tornado.web.StaticFileHandler, {"path": str(bundle.parent)})


def guard_hosts(app, hosts: HostAllowList) -> None:
    """Make tornado ``app`` answer 403 to every request whose ``Host`` ``hosts`` does not allow."""
    import tornado.web

    class RefusedHostHandler(tornado.web.RequestHandler):
        def prepare(self):
            log.warning("Refused a request for the unknown host %r (DNS rebinding?)", self.request.host[:100])
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=UTF-8")
            self.finish("This server does not answer to that host name.")

    find_handler = app.find_handler

    def checked_find_handler(request, **kwargs):
        if not hosts.allows(request.host):
            return app.get_handler_delegate(request, RefusedHostHandler)
        return find_handler(request, **kwargs)

    app.find_handler = checked_find_handler


#: Connections the system may hold for the server before it accepts them (the system caps it
#: at net.core.somaxconn): a room of phones connecting at once.
LISTEN_BACKLOG = 1024

_SECRET_QUERY = ("token", "key", "_xsrf")


def scrub_uri(uri: str) -> str:
    """``uri`` with the values of secret query arguments (``token``...) replaced by ``[secret]``."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(uri)
    if not parts.query:
        return uri
    query = [(k, "[secret]" if k.lower() in _SECRET_QUERY else v)
             for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]")))


def log_request_scrubbed(handler) -> None:
    """tornado's access log line, without secrets in the query string."""
    status = handler.get_status()
    logger = logging.getLogger("tornado.access")
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    request = handler.request
    logger.log(level, "%d %s %s (%s) %.2fms", status, request.method, scrub_uri(request.uri),
               request.remote_ip, 1000.0 * request.request_time())


def _announce(config: ServeConfig) -> None:
    """Runs once the server listens: print where to go, open the browser."""
    urls = config.urls()
    lines = ["", "seci-lab is serving " + str(config.notebooks), "Open in a browser:"]
    lines += [f"    {url}" for url in urls]
    if config.token:
        lines.append("Share this address (token included) with the people in the room.")
    if is_wildcard(config.host):
        lines.append("Other devices must be on the same network; a firewall may need to allow port "
                     f"{config.port}.")
    lines += [f"Kernels of pages that vanish without closing stop after {config.cull_idle_timeout} s idle.",
              "Press Ctrl+C to stop.", ""]
    print("\n".join(lines), flush=True)
    if config.open_browser:
        open_browser(config.local_url())


def open_browser(url: str) -> None:
    """Open ``url`` in the desktop's browser, from a thread (it may block); warn without one.

    An address with a token reaches the browser through :func:`browser_open_file`, never on the
    browser's command line, which every user of the computer can read.
    """
    threading.Thread(target=_open_browser, args=(url,), daemon=True).start()


_REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="1;url={url}">
<title>Opening seci-lab</title></head>
<body><p>Opening seci-lab&hellip; If nothing happens, <a href="{url}">open it here</a>.</p></body></html>
"""


def browser_open_file(url: str) -> Path:
    """An HTML file that sends a browser on to ``url``, readable by its owner only (0600, in a new
    0700 folder), removed when this process exits: as jupyter_server opens its browser, so that a
    token in ``url`` stays off the browser's command line."""
    folder = Path(tempfile.mkdtemp(prefix="seci-lab-open-"))  # created 0700
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "open.html"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(_REDIRECT_PAGE.format(url=html.escape(url, quote=True)))
    return path


def _open_browser(url: str) -> None:
    try:
        target = browser_open_file(url).as_uri() if "token=" in url else url
        if not webbrowser.open(target, new=2):
            log.warning("No web browser found; open %s yourself.", url)
    except (webbrowser.Error, OSError) as exc:  # depends on the desktop (and on a writable temporary folder)
        log.warning("Could not open a browser (%s); open %s yourself.", exc, url)


def setup_logging() -> None:
    """Print the server's own messages as ``[seci-lab] ...`` on stderr."""
    # Our logger only: the root logger would also print tornado's access log of every file.
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[seci-lab] %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
