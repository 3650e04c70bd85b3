"""What both workshop servers check before answering: the Host header, and how often an
address may try something.

A page on another site can point its own host name at this computer's address (DNS
rebinding) and then talk to a server here as if it were that site: the browser sends the
attacker's name in the ``Host`` header. Answering only the names this server really goes by
(loopback, its LAN address, this computer's name, and names the facilitator configures) stops
that. :class:`SlidingWindow` counts attempts per key (an address, a session) in the last
minutes, in this process, for the join limits of the participant page.

Behind a reverse proxy every visitor's connection comes from the proxy, so per-address limits
would count the whole room as one. :class:`TrustedProxies` believes ``X-Forwarded-For`` /
``X-Real-IP`` only from the proxies the operator names; from anyone else those headers are
ignored (a visitor could write any address there and escape every limit).
"""

from __future__ import annotations

import collections
import ipaddress
import socket
import threading
import time
from typing import Callable, Iterable, Mapping, Protocol

from .network import is_wildcard, lan_address

__all__ = ["HostAllowList", "SlidingWindow", "TrustedProxies", "Window", "host_allow_list"]

_LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


def _bare_host(header: str) -> str:
    """``header`` (a Host header: name or address, maybe a port) as a lower-case name or address."""
    host = header.strip().lower()
    if host.startswith("["):  # [::1]:8866
        return host[1:host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


class HostAllowList:
    """The host names and addresses a server answers to; loopback always."""

    def __init__(self, names: Iterable[str] = ()):
        self.names = frozenset(n for n in (_bare_host(name) for name in names) if n)

    def allows(self, header: str | None) -> bool:
        """Whether a request with this ``Host`` header is for this server."""
        if not header:
            return False
        host = _bare_host(header)
        if host in self.names or host in _LOOPBACK_NAMES:
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def __repr__(self) -> str:
        return f"HostAllowList({sorted(self.names)!r})"


def host_allow_list(listen_host: str, extra: Iterable[str] = ()) -> HostAllowList:
    """The allow-list of a server listening on ``listen_host``: that address, and on every
    interface also the LAN address and this computer's name (with ``.local``), plus ``extra``."""
    names = [*extra]
    if is_wildcard(listen_host):
        hostname = socket.gethostname()
        names += [h for h in (lan_address(), hostname, f"{hostname}.local") if h]
    else:
        names.append(listen_host)
    return HostAllowList(names)


class TrustedProxies:
    """The reverse proxies (addresses or networks, e.g. ``127.0.0.1``, ``10.0.0.0/8``) whose
    word about the visitor's address is believed; none by default."""

    def __init__(self, networks: Iterable[str] = ()):
        try:
            self.networks = tuple(ipaddress.ip_network(n.strip(), strict=False) for n in networks if n.strip())
        except ValueError as error:
            raise ValueError(f"A trusted proxy must be an address or a network such as 10.0.0.0/8: {error}") from None

    def trusts(self, address: str) -> bool:
        """Whether ``address`` is one of the trusted proxies."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client_address(self, peer: str, headers: Mapping[str, str]) -> str:
        """The visitor's address: the connection's ``peer``, unless that is a trusted proxy.

        Then the nearest address in ``X-Forwarded-For`` that is not a trusted proxy (each proxy
        appends the address it saw, so whatever a visitor wrote there stands left of it), else
        ``X-Real-IP``, else ``peer``.
        """
        if not self.trusts(peer):
            return peer
        chain = [hop.strip() for hop in headers.get("X-Forwarded-For", "").split(",")]
        for hop in reversed([h for h in chain if h]):
            if not _is_address(hop):
                break  # not written by a proxy: nothing further left can be believed
            if not self.trusts(hop):
                return hop
        real = headers.get("X-Real-IP", "").strip()
        return real if _is_address(real) else peer

    def __bool__(self) -> bool:
        return bool(self.networks)

    def __repr__(self) -> str:
        return f"TrustedProxies({[str(n) for n in self.networks]!r})"


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class Window(Protocol):
    """A limit of attempts per key in a time window (:class:`SlidingWindow`, or one counted
    in the database: :class:`seci_lab.store.attempts.StoredWindow`)."""

    limit: int

    def retry_after(self, key: object) -> float | None: ...

    def hit(self, key: object) -> None: ...

    def take(self, key: object) -> float | None:
        """Check and count one attempt in one step: seconds to wait (nothing counted), or
        ``None`` (counted). Requests in flight at once cannot all pass a check together."""

    def give_back(self, key: object) -> None:
        """Undo one counted attempt of ``key`` (it turned out not to count)."""


class SlidingWindow:
    """At most ``limit`` hits per key in any ``window_s`` seconds (kept in this process)."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._hits: dict[object, collections.deque[float]] = {}
        self._lock = threading.Lock()  # take() runs in the database threads too

    def _recent(self, key: object) -> collections.deque[float]:
        hits = self._hits.setdefault(key, collections.deque())
        cutoff = self.clock() - self.window_s
        while hits and hits[0] <= cutoff:
            hits.popleft()
        return hits

    def retry_after(self, key: object) -> float | None:
        """Seconds to wait before ``key`` may try again, or ``None`` when it may now."""
        hits = self._recent(key)
        if len(hits) < self.limit:
            return None
        return max(1.0, hits[0] + self.window_s - self.clock())

    def take(self, key: object) -> float | None:
        """Seconds to wait (nothing counted), or ``None`` after counting one attempt of ``key``."""
        with self._lock:
            wait = self.retry_after(key)
            if wait is None:
                self.hit(key)
            return wait

    def give_back(self, key: object) -> None:
        """Forget the latest attempt of ``key``."""
        with self._lock:
            hits = self._recent(key)
            if hits:
                hits.pop()

    def hit(self, key: object) -> None:
        """Count one attempt of ``key``."""
        self._recent(key).append(self.clock())
        if len(self._hits) > 10_000:  # forget keys with nothing recent (a long session's visitors)
            for stale in [k for k, v in self._hits.items() if not v]:
                del self._hits[stale]
