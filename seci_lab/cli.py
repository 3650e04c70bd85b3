"""The ``seci-lab`` command.

``seci-lab serve`` runs the lessons and dashboards with Voila, with the safe settings of
DESIGN.md: sources stripped, no template or theme override from the query string, idle
kernels culled, loopback only unless ``--host`` says otherwise (and then with a token), the
welcome notebook as front door, and a template that makes no third-party request.

The notebooks ship inside the package (``seci_lab/notebooks``), so the command works from any
working directory. Voila runs in this process (a small subclass adds the ``/`` redirect and
prints the address once the server listens).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import ipaddress
import logging
import os
import secrets
import socket
import sys
import threading
import webbrowser
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Awaitable, Callable, Sequence

__all__ = ["PageGate", "ServeConfig", "build_parser", "main", "voila_argv"]

log = logging.getLogger("seci_lab.cli")

DEFAULT_PORT = 8866
DEFAULT_HOST = "127.0.0.1"
WELCOME = "00_welcome.ipynb"
TEMPLATE = "seci"
# A page that closes normally stops its kernel (see RenderHandler); one that vanishes (crash,
# lost network, a phone asleep) leaves it running, about 125 MiB each (DESIGN.md). Only kernels
# with no open page are culled (cull_connected=False), so a learner reading slowly keeps
# theirs; 10 minutes lets a phone that slept reconnect.
DEFAULT_CULL_IDLE_TIMEOUT = 600
_DB_ENV = "SECI_LAB_DB"  # seci_lab.store.engine.DB_ENV (not imported: no SQLAlchemy at start-up)
# Files that must never sit in a served folder (DESIGN.md: databases and exports outside).
_FORBIDDEN_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".db-wal", ".db-shm", ".db-journal")
# Easy to read aloud and type on a phone: no 0/o, 1/l/i. 10 of 31 symbols is about 50 bits,
# plenty for a room's network during a session.
_TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_TOKEN_LENGTH = 10
# A page's kernel start and notebook run cost about two CPU seconds. When a whole room opens
# the join address in the same second, starting every kernel at once makes all of them slow
# and, on a small laptop, some pages never connect (bench/bench_workshop_pages.py). So only this
# many pages are built at once; the others wait in line, their connection kept alive.
DEFAULT_CONCURRENT_STARTS = max(2, os.cpu_count() or 2)
_WAIT_HEARTBEAT_S = 5.0
IOPUB_TIMEOUT_S = 60


class UserError(Exception):
    """A problem the person running the command can fix; printed without a traceback."""


def package_dir() -> Path:
    """The installed ``seci_lab`` package directory (also a Jupyter data dir for our template)."""
    return Path(str(resources.files("seci_lab")))


def default_notebooks_dir() -> Path:
    """The lessons and dashboards shipped with the package."""
    return package_dir() / "notebooks"


def generate_token() -> str:
    """A random token that is easy to type from a projector."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(_TOKEN_LENGTH))


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this computer."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    return host in ("", "0.0.0.0", "::", "[::]")


def _lan_address() -> str | None:
    """This computer's address on the local network, or None (offline, no route)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # connect() on UDP sends nothing; it only picks the outgoing interface.
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@dataclass
class ServeConfig:
    """Everything ``seci-lab serve`` decides before Voila starts."""

    notebooks: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str = ""
    open_browser: bool = True
    cull_idle_timeout: int = DEFAULT_CULL_IDLE_TIMEOUT
    preheat: bool = False
    concurrent_starts: int = DEFAULT_CONCURRENT_STARTS

    @property
    def front_door(self) -> str:
        """Path of the first page: the welcome notebook, or the file list without one."""
        if (self.notebooks / WELCOME).is_file():
            return f"/voila/render/{WELCOME}"
        return "/voila/tree"

    def urls(self) -> list[str]:
        """The addresses to print, each with the token when there is one."""
        hosts = [self.host]
        if _is_wildcard(self.host):
            hosts = [h for h in (_lan_address(), socket.gethostname()) if h] or ["127.0.0.1"]
        query = f"?token={self.token}" if self.token else ""
        return [f"http://{_url_host(h)}:{self.port}{self.front_door}{query}" for h in hosts]

    def local_url(self) -> str:
        """The address a browser on this computer opens."""
        host = "127.0.0.1" if _is_wildcard(self.host) else self.host
        query = f"?token={self.token}" if self.token else ""
        return f"http://{_url_host(host)}:{self.port}{self.front_door}{query}"


def voila_argv(config: ServeConfig) -> list[str]:
    """The Voila command line (traitlets) for ``config``; every safety setting is explicit."""
    cull_interval = max(1, min(60, config.cull_idle_timeout // 2))
    argv = [
        str(config.notebooks),
        "--no-browser",  # we open the welcome page ourselves (with the token)
        f"--Voila.ip={config.host}",
        f"--Voila.port={config.port}",
        "--Voila.port_retries=0",  # never move silently to another port than the one printed
        f"--Voila.token={config.token}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        f"--MappingKernelManager.cull_idle_timeout={config.cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        # nbclient waits 4 s for a cell's output after the kernel's reply, then drops it: on a
        # busy laptop (a room joining at once) the page came without its widgets and never
        # became interactive (bench/bench_workshop_pages.py). It stops waiting at the kernel's
        # idle message anyway, so a longer wait costs nothing when all is well.
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_S}",
    ]
    # Only the user's Jupyter config, never a voila.json in whatever directory we run from.
    argv += [f"--Voila.config_file_paths={path}" for path in _jupyter_config_paths()]
    if config.preheat:
        # One pre-executed kernel per notebook waits for the next visitor.
        argv += ["--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=1"]
    return argv


def _jupyter_config_paths() -> list[str]:
    from jupyter_core.paths import jupyter_config_path

    return list(jupyter_config_path())


def _check_notebooks_dir(path: Path) -> Path:
    path = path.expanduser().resolve()
    if not path.is_dir():
        raise UserError(f"Notebook folder not found: {path}. Give an existing folder with --notebooks.")
    notebooks = sorted(p.name for p in path.glob("*.ipynb"))
    if not notebooks:
        raise UserError(f"No notebooks (*.ipynb) in {path}. Give the folder of the lessons with --notebooks.")
    forbidden = sorted(
        str(p.relative_to(path)) for p in path.rglob("*") if p.name.lower().endswith(_FORBIDDEN_SUFFIXES)
    )
    if forbidden:
        raise UserError(
            f"Refusing to serve {path}: it holds database files ({', '.join(forbidden[:5])}). "
            "Anyone who can open a page could run a notebook next to them; move them out of the served folder."
        )
    database = os.environ.get(_DB_ENV, "").strip()
    if database and "://" not in database:
        db_path = Path(database).expanduser().resolve()
        if db_path.is_relative_to(path):
            raise UserError(
                f"{_DB_ENV}={database} puts the learner database inside the served folder {path}. "
                "Point it to a folder outside (or unset it to use the per-user data folder)."
            )
    return path


def _check_port_free(host: str, port: int) -> None:
    """Fail with a clear message when ``host:port`` cannot be listened on (as tornado would)."""
    from tornado.netutil import bind_sockets

    try:
        sockets = bind_sockets(port, address=host)
    except socket.gaierror as exc:
        raise UserError(f"Unknown host {host!r} ({exc.strerror}). Use an address such as 127.0.0.1 or 0.0.0.0.") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(
                f"Port {port} is already in use on {host} (is another seci-lab or Voila running?). "
                f"Stop it, or choose another port: seci-lab serve --port {port + 1}"
            ) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise UserError(
                f"No permission to listen on port {port} (ports below 1024 need administrator rights). "
                f"Choose another port, e.g. --port {DEFAULT_PORT}."
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise UserError(
                f"Cannot listen on {host}: it is not an address of this computer. "
                "Use 127.0.0.1 (this computer only) or 0.0.0.0 (every network it is on)."
            ) from None
        raise UserError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    for sock in sockets:
        sock.close()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``seci-lab``."""
    parser = argparse.ArgumentParser(
        prog="seci-lab",
        description="Learn the SECI model of knowledge creation with notebooks and Voila dashboards.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = sub.add_parser(
        "serve",
        help="serve the lessons and dashboards in the browser (Voila)",
        description=(
            "Serve the lessons and dashboards with Voila. By default only this computer can open "
            "them (http://127.0.0.1:8866/). For a room, use --host 0.0.0.0: the server then requires "
            "a token, which is printed as part of the address to share. A page's kernel stops when "
            "the page closes, or after --cull-idle-timeout seconds idle when the page vanished "
            "(crash, lost network). Stop the server with Ctrl+C."
        ),
    )
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, metavar="N",
        help=f"TCP port to listen on (default {DEFAULT_PORT}); the command fails if it is in use",
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, metavar="H",
        help=(
            f"address to listen on (default {DEFAULT_HOST}: this computer only). Use 0.0.0.0 to let "
            "other devices on the network join; a token is then required"
        ),
    )
    serve.add_argument(
        "--token", default=None, metavar="TOKEN",
        help=(
            "token visitors need (part of the printed address). Generated when --host is reachable "
            "from other computers and none is given; set one to keep the same address across restarts"
        ),
    )
    serve.add_argument("--no-browser", action="store_true", help="do not open a web browser on start")
    serve.add_argument(
        "--notebooks", type=Path, default=None, metavar="DIR",
        help="folder of notebooks to serve instead of the lessons shipped with seci-lab",
    )
    serve.add_argument(
        "--cull-idle-timeout", type=_positive_int, default=DEFAULT_CULL_IDLE_TIMEOUT, metavar="SECONDS",
        help=(
            "stop the kernel of a page that vanished without closing after it has been idle this long "
            f"(default {DEFAULT_CULL_IDLE_TIMEOUT}; each kernel holds about 125 MiB)"
        ),
    )
    serve.add_argument(
        "--preheat", action="store_true",
        help="keep one pre-executed kernel per notebook ready, so pages open faster (uses more memory)",
    )
    serve.add_argument(
        "--concurrent-starts", type=_positive_int, default=DEFAULT_CONCURRENT_STARTS, metavar="N",
        help=(
            "pages whose kernel starts at the same time; more pages opened at once wait in line "
            f"(default: the number of CPU cores, at least 2; here {DEFAULT_CONCURRENT_STARTS})"
        ),
    )
    serve.set_defaults(func=_serve)
    from .workshop_server import add_parser as _add_workshop_parser

    _add_workshop_parser(sub)
    return parser


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, not {value}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def resolve_token(host: str, token: str | None) -> str:
    """The access token for ``host``: the one given, or a new one off loopback; "" for loopback
    without one. Raises :class:`UserError` for a token with surrounding spaces, or an empty
    token where other computers can connect."""
    if token is not None and token != token.strip():
        raise UserError("The token must not start or end with spaces.")
    if not is_loopback(host):
        if token == "":
            raise UserError(f"--host {host} lets other computers connect, so a token is required. "
                            "Leave out --token to get one generated.")
        token = token or generate_token()
    return token or ""


def config_from_args(args: argparse.Namespace) -> ServeConfig:
    """Validate the parsed options into a :class:`ServeConfig` (raises :class:`UserError`)."""
    notebooks = _check_notebooks_dir(args.notebooks or default_notebooks_dir())
    token = resolve_token(args.host, args.token)
    return ServeConfig(
        notebooks=notebooks,
        host=args.host,
        port=args.port,
        token=token,
        open_browser=not args.no_browser,
        cull_idle_timeout=args.cull_idle_timeout,
        preheat=args.preheat,
        concurrent_starts=args.concurrent_starts,
    )


def _serve(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    _check_port_free(config.host, config.port)
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
        gets HTTP 403 and every visit leaves a kernel running (DESIGN.md). Reading
        ``xsrf_token`` sets the cookie before the page streams.

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


class PageGate:
    """Lets at most ``limit`` pages be built (kernel started, notebook run) at the same time.

    Pages over the limit wait in arrival order; while one waits, ``keep_waiting(first)`` is
    awaited every few seconds (the handler writes a comment so the connection stays open).
    A visitor who leaves while waiting gives their place up (the write fails).
    """

    def __init__(self, limit: int):
        if limit < 1:
            raise ValueError("at least one page must be allowed to start")
        self.limit = limit
        self.waiting = 0
        self._semaphore = None  # created in the server's event loop

    @contextlib.asynccontextmanager
    async def turn(self, keep_waiting: Callable[[bool], Awaitable[None]]):
        """Enter when it is this page's turn; leaving lets the next waiting page in."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.limit)
        if self._semaphore.locked():  # full, or others already waiting: queue behind them
            await self._wait(keep_waiting)
        else:
            await self._semaphore.acquire()
        try:
            yield
        finally:
            self._semaphore.release()

    async def _wait(self, keep_waiting: Callable[[bool], Awaitable[None]]) -> None:
        acquire = asyncio.ensure_future(self._semaphore.acquire())
        self.waiting += 1
        try:
            await keep_waiting(True)
            while not (await asyncio.wait({acquire}, timeout=_WAIT_HEARTBEAT_S))[0]:
                await keep_waiting(False)
        except BaseException:
            if acquire.done() and not acquire.cancelled() and acquire.exception() is None:
                self._semaphore.release()  # our turn came as we gave up: pass it on
            else:
                acquire.cancel()
            raise
        finally:
            self.waiting -= 1


def _announce(config: ServeConfig) -> None:
    """Runs once the server listens: print where to go, open the browser."""
    urls = config.urls()
    lines = ["", "seci-lab is serving " + str(config.notebooks), "Open in a browser:"]
    lines += [f"    {url}" for url in urls]
    if config.token:
        lines.append("Share this address (token included) with the people in the room.")
    if _is_wildcard(config.host):
        lines.append("Other devices must be on the same network; a firewall may need to allow port "
                     f"{config.port}.")
    lines += [f"Kernels of pages that vanish without closing stop after {config.cull_idle_timeout} s idle.",
              "Press Ctrl+C to stop.", ""]
    print("\n".join(lines), flush=True)
    if config.open_browser:
        threading.Thread(target=_open_browser, args=(config.local_url(),), daemon=True).start()


def _open_browser(url: str) -> None:
    try:
        if not webbrowser.open(url, new=2):
            log.warning("No web browser found; open %s yourself.", url)
    except webbrowser.Error as exc:  # pragma: no cover - depends on the desktop
        log.warning("Could not open a browser (%s); open %s yourself.", exc, url)


def _setup_logging() -> None:
    # Our logger only: the root logger would also print tornado's access log of every file.
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[seci-lab] %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``seci-lab`` console script; returns the exit status."""
    _setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except UserError as exc:
        print(f"seci-lab: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
