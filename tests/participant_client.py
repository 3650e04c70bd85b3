"""A participant page's server in a thread, and a small cookie-keeping HTTP client for it.

The server is the real tornado application of the participant page (handlers of
:mod:`seci_lab.server.participant_api` with Voila's tornado settings), over a
SQLite WorkshopStore; the client speaks HTTP as a browser would (cookies, the XSRF header).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import http.cookies
import json
import socket
import threading
import time
from dataclasses import dataclass, field

import tornado.ioloop
import tornado.web

from seci_lab.server.connections import listen
from seci_lab.server.participant_api import SERVER_MAX_BODY_BYTES, ParticipantSite, participant_handlers


class Clock:
    """A clock the test moves by hand (``clock.now += 60``)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class SiteServer:
    """``site`` served on a free loopback port from a thread until :meth:`stop`."""

    def __init__(self, site: ParticipantSite):
        self.site = site
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the test server did not start")

    def _run(self) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        # Voila's settings: xsrf_cookies off (the handlers check XSRF themselves).
        app = tornado.web.Application(participant_handlers(self.site))
        # The participant server's listener: its timeouts, body size and caps per address.
        server = listen(app, 0, "127.0.0.1", backlog=128, max_body_size=SERVER_MAX_BODY_BYTES,
                        trusted_proxies=self.site.trusted_proxies)
        self.port = next(iter(server._sockets.values())).getsockname()[1]
        self.server = server
        self.loop = tornado.ioloop.IOLoop.current()
        self._ready.set()
        self.loop.start()
        server.stop()

    def stop(self) -> None:
        self.loop.add_callback(self.loop.stop)
        self._thread.join(10)

    def client(self, **kwargs) -> "Client":
        return Client(self.port, **kwargs)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    set_cookies: list[str] = field(default_factory=list)

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def error(self) -> str:
        return self.json.get("error", "")


class Client:
    """One browser: keeps cookies, sends the XSRF header it read from the ``_xsrf`` cookie."""

    def __init__(self, port: int, host: str | None = None, headers: dict[str, str] | None = None,
                 source: str | None = None):
        self.port = port
        self.host = host or f"127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.headers = dict(headers or {})  # sent with every request (e.g. X-Forwarded-For)
        self.source = source  # the address it connects from (another loopback address: another device)

    def request(self, method: str, path: str, body=None, *, raw: bytes | None = None,
                content_type: str | None = "application/json", xsrf: bool = True, headers=None,
                timeout: float = 60) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(self.source, 0) if self.source else None)
        sent = {"Host": self.host}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = raw
        if method != "GET":
            if data is None:
                data = json.dumps({} if body is None else body).encode()
            if content_type:
                sent["Content-Type"] = content_type
            if xsrf and "_xsrf" in self.cookies:
                sent["X-XSRFToken"] = self.cookies["_xsrf"]
        sent.update(self.headers)
        sent.update(headers or {})
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            payload = response.read()
        finally:
            conn.close()
        cookies = response.headers.get_all("Set-Cookie") or []
        for line in cookies:
            jar = http.cookies.SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["expires"] and "1970" in morsel["expires"] or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, response.headers, payload, cookies)

    # -- what the page does --------------------------------------------------------------------

    def open_page(self, query: str = "") -> Response:
        return self.request("GET", "/" + query)

    def join(self, code: str, name: str | None) -> Response:
        if "_xsrf" not in self.cookies:
            self.open_page()
        return self.request("POST", "/api/workshop/join", {"code": code, "name": name})

    def state(self, since: int | None = None, build: str | None = None) -> Response:
        query = "" if since is None else f"?since={since}" + ("" if build is None else f"&build={build}")
        return self.request("GET", "/api/workshop/state" + query)

    def send(self, text: str, key: str, **extra) -> Response:
        return self.request("POST", "/api/workshop/contributions", {"text": text, "idempotency_key": key, **extra})


def slow_connections(port: int, source: str, count: int) -> list[socket.socket]:
    """``count`` connections from ``source`` that send part of a request's headers, then wait."""
    opened = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
        with contextlib.suppress(OSError):  # a connection the server closed at once
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        opened.append(sock)
    return opened


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed ``sock`` (it becomes non-blocking)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
