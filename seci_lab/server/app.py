"""The Voila application of ``seci-lab serve``, run in this process.

A small subclass of Voila adds the ``/`` redirect to the front door, swaps in a page handler
that lets kernels stop when their page closes and builds pages in turn (:class:`PageGate`),
and prints the address once the server listens. Voila and tornado are imported only when the
server starts, so the command line stays quick.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import webbrowser

from .config import ServeConfig, package_dir, voila_argv
from .gate import PageGate
from .network import check_port_free, is_wildcard

__all__ = ["open_browser", "run_voila", "serve", "setup_logging"]

log = logging.getLogger("seci_lab.server")


def serve(config: ServeConfig) -> int:
    """``seci-lab serve``: check the port, then run Voila until it is stopped."""
    check_port_free(config.host, config.port)
    run_voila(config)
    return 0


def run_voila(config: ServeConfig) -> None:
    """Run Voila in this process until it is stopped (Ctrl+C or SIGTERM)."""
    # Our template lives in seci_lab/voila/templates/seci; Voila finds templates (and their
    # static files) through the Jupyter data path, so the package directory joins it.
    data_path = [str(package_dir())] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(data_path)
    app_class = _voila_app_class(config)
    app_class.launch_instance(argv=voila_argv(config))


def _voila_app_class(config: ServeConfig):
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

        def init_handlers(self):
            handlers = [
                (rule[0], RenderHandler, *rule[2:]) if len(rule) > 1 and rule[1] is TornadoVoilaHandler else rule
                for rule in super().init_handlers()
            ]
            if config.front_door != "/voila/tree":
                # Query arguments (a token) are kept by tornado's RedirectHandler.
                target = url_path_join(self.base_url, config.front_door)
                handlers.insert(0, (self.server_url, tornado.web.RedirectHandler, {"url": target}))
            return handlers

        def start(self):
            tornado.ioloop.IOLoop.current().add_callback(_announce, config)
            super().start()

    SeciVoila.__name__ = "Voila"  # log lines read "[Voila] ...", as in Voila's documentation
    return SeciVoila


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
    """Open ``url`` in the desktop's browser, from a thread (it may block); warn without one."""
    threading.Thread(target=_open_browser, args=(url,), daemon=True).start()


def _open_browser(url: str) -> None:
    try:
        if not webbrowser.open(url, new=2):
            log.warning("No web browser found; open %s yourself.", url)
    except webbrowser.Error as exc:  # pragma: no cover - depends on the desktop
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
