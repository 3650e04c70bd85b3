"""What one device may hold of a server: connections, time, bytes and open files.

Both ``seci-lab serve`` and the workshop's servers listen through :func:`listen`, which gives
tornado's HTTP server these limits (tornado's defaults: an hour to send the headers, no limit
for the body, 100 MB bodies, no cap per address):

- a connection that sends no complete request headers within ``IDLE_CONNECTION_TIMEOUT_S``
  (also a kept-alive connection with nothing to do) is closed, and so is one whose body takes
  longer than ``BODY_TIMEOUT_S``;
- a body larger than ``max_body_size`` is refused on its ``Content-Length`` before it is read
  (tornado answers ``400 Bad Request`` and closes the connection);
- one address holds at most :func:`per_address_cap` connections at once; more are closed as
  they are accepted. A phone's browser opens at most 6 connections to a server, and even a room
  of 200 phones behind one NAT stays below the cap. Connections from a trusted reverse proxy
  (``--trusted-proxy``) are not capped per address: the proxy carries every visitor's
  connection and caps each visitor itself (``docs/nginx-workshop.conf``: ``limit_conn``);
- when the process runs out of open files, accepting pauses for ``ACCEPT_PAUSE_S`` (tornado's
  own accept handler would fail on every turn of the loop, writing a traceback each time);
  :func:`raise_open_files_limit` lifts the soft limit to the hard one when the server starts.
"""

from __future__ import annotations

import errno
import logging
import socket
import time
from typing import Any, Callable

import tornado.httpserver
import tornado.ioloop

from .guard import TrustedProxies

__all__ = [
    "ACCEPT_PAUSE_S",
    "BODY_TIMEOUT_S",
    "IDLE_CONNECTION_TIMEOUT_S",
    "MAX_CONNECTIONS_PER_ADDRESS",
    "GuardedHTTPServer",
    "listen",
    "open_files_limit",
    "per_address_cap",
    "raise_open_files_limit",
]

log = logging.getLogger("seci_lab.server")

#: Seconds a connection may take to send a request's headers, or stay idle between requests.
IDLE_CONNECTION_TIMEOUT_S = 60.0
#: Seconds a request's body may take to arrive.
BODY_TIMEOUT_S = 60.0
#: Connections one address may hold at once (lowered to a quarter of the open-files limit).
MAX_CONNECTIONS_PER_ADDRESS = 512
#: How long accepting pauses when the process has no file left for a new connection.
ACCEPT_PAUSE_S = 0.5
#: At most one warning about refused connections or exhausted files per this many seconds.
WARN_EVERY_S = 60.0
_OUT_OF_FILES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
#: Connections accepted per readiness of the listening socket (tornado's own figure).
_ACCEPT_BATCH = 128


def open_files_limit() -> int | None:
    """The soft limit of open files of this process (None where unknown, e.g. Windows)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else soft


def raise_open_files_limit() -> int | None:
    """Lift the soft limit of open files to the hard limit (a server of a room needs more than
    the usual 1,024); returns the limit now in force."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for wanted in (hard, 10_240):  # macOS refuses an unlimited soft limit: its kernel caps at OPEN_MAX
        if wanted == resource.RLIM_INFINITY or (soft != resource.RLIM_INFINITY and wanted <= soft):
            continue
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            break
        except (ValueError, OSError):
            continue
    return open_files_limit()


def per_address_cap(files: int | None = None) -> int:
    """Connections one address may hold: ``MAX_CONNECTIONS_PER_ADDRESS``, or a quarter of the
    open-files limit when that is lower (one address never takes the files of everyone else)."""
    files = open_files_limit() if files is None else files
    return MAX_CONNECTIONS_PER_ADDRESS if files is None else max(8, min(MAX_CONNECTIONS_PER_ADDRESS, files // 4))


class _Throttled:
    """A warning logged at most once per ``WARN_EVERY_S``, with how often it happened meanwhile."""

    def __init__(self, message: str):
        self.message, self.count, self.last = message, 0, float("-inf")

    def __call__(self, *args: Any) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self.last >= WARN_EVERY_S:
            log.warning(self.message + " (%d times since the last such message)", *args, self.count)
            self.last, self.count = now, 0


class GuardedHTTPServer(tornado.httpserver.HTTPServer):
    """tornado's HTTP server with a cap of connections per address and an accept loop that
    pauses instead of spinning when the process is out of open files."""

    def initialize(self, *args: Any, per_address: int | None = None,
                   trusted_proxies: TrustedProxies | None = None, **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self.per_address = per_address_cap() if per_address is None else per_address
        self.trusted_proxies = trusted_proxies or TrustedProxies()
        self.open_by_address: dict[str, int] = {}
        self._address_of: dict[int, str] = {}
        self._refused = _Throttled("Closed connections from %s: it already holds %d (the cap per address)")
        self._out_of_files = _Throttled("Out of open files (%s): accepting pauses for a moment")

    def handle_stream(self, stream, address) -> None:
        ip = address[0] if isinstance(address, tuple) else ""
        if ip and not self.trusted_proxies.trusts(ip):
            held = self.open_by_address.get(ip, 0)
            if held >= self.per_address:
                self._refused(ip, held)
                stream.close()
                return
            self.open_by_address[ip] = held + 1
            self._address_of[id(stream)] = ip
        super().handle_stream(stream, address)

    def on_close(self, server_conn) -> None:
        ip = self._address_of.pop(id(server_conn.stream), None)
        if ip is not None:
            left = self.open_by_address.get(ip, 1) - 1
            if left > 0:
                self.open_by_address[ip] = left
            else:
                self.open_by_address.pop(ip, None)
        super().on_close(server_conn)

    def add_sockets(self, sockets) -> None:
        for sock in sockets:
            self._sockets[sock.fileno()] = sock
            self._handlers[sock.fileno()] = _accept_with_pause(sock, self._handle_connection, self._out_of_files)


def _accept_with_pause(sock: socket.socket, callback: Callable[[socket.socket, Any], None],
                       warn: Callable[..., None]) -> Callable[[], None]:
    """tornado's ``add_accept_handler``, except that running out of open files stops accepting
    for ``ACCEPT_PAUSE_S`` (the waiting connections stay in the system's queue) instead of
    raising on every turn of the event loop."""
    loop = tornado.ioloop.IOLoop.current()
    state: dict[str, Any] = {"removed": False, "paused": None}

    def resume() -> None:
        state["paused"] = None
        if not state["removed"]:
            loop.add_handler(sock, accept, tornado.ioloop.IOLoop.READ)

    def accept(_fd, _events) -> None:
        for _ in range(_ACCEPT_BATCH):
            if state["removed"]:
                return
            try:
                connection, address = sock.accept()
            except BlockingIOError:
                return
            except ConnectionAbortedError:
                continue
            except OSError as error:
                if error.errno not in _OUT_OF_FILES:
                    raise
                warn(error.strerror or errno.errorcode.get(error.errno, "?"))
                loop.remove_handler(sock)
                state["paused"] = loop.call_later(ACCEPT_PAUSE_S, resume)
                return
            callback(connection, address)

    def remove() -> None:
        if state["paused"] is not None:
            loop.remove_timeout(state["paused"])
        else:
            loop.remove_handler(sock)
        state["removed"] = True

    loop.add_handler(sock, accept, tornado.ioloop.IOLoop.READ)
    return remove


def listen(app, port: int, address: str = "", *, backlog: int, max_body_size: int,
           trusted_proxies: TrustedProxies | None = None, per_address: int | None = None,
           **kwargs: Any) -> GuardedHTTPServer:
    """Serve tornado ``app`` on ``address:port`` with the limits above (the signature of
    ``tornado.web.Application.listen``, which Voila calls)."""
    from tornado.netutil import bind_sockets

    server = GuardedHTTPServer(app, idle_connection_timeout=IDLE_CONNECTION_TIMEOUT_S, body_timeout=BODY_TIMEOUT_S,
                               max_body_size=max_body_size, per_address=per_address,
                               trusted_proxies=trusted_proxies)
    server.add_sockets(bind_sockets(port, address=address or None, backlog=backlog, **kwargs))
    return server
