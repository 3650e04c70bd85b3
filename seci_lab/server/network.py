"""Where a server listens: loopback or not, the addresses to print, whether the port is free."""

from __future__ import annotations

import errno
import ipaddress
import socket

from .errors import UserError

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "check_port_free",
    "is_loopback",
    "is_wildcard",
    "lan_address",
    "reachable_hosts",
    "url_host",
]

DEFAULT_PORT = 8866
DEFAULT_HOST = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this computer."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """True when ``host`` means every network interface of this computer."""
    return host in ("", "0.0.0.0", "::", "[::]")


def lan_address() -> str | None:
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


def reachable_hosts(host: str) -> list[str]:
    """The host names to print for a server listening on ``host``: the LAN address and this
    computer's name first when it listens on every interface."""
    if not is_wildcard(host):
        return [host]
    return [h for h in (lan_address(), socket.gethostname()) if h] or ["127.0.0.1"]


def url_host(host: str) -> str:
    """``host`` as it goes into a URL (an IPv6 address in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def check_port_free(host: str, port: int) -> None:
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
