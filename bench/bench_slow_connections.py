"""Other participants' answers while one address holds 1,000 slow connections (issue 21, item 3).

Starts ``seci-lab workshop`` (its participant server as in a room), then one address
(127.0.0.2) opens ``--slow`` connections that send part of a request's headers and wait (a
"slowloris"), and ``--participants`` others, each from its own loopback address (127.0.1.x),
open the page, join and ask for the session's state ``--polls`` times, as phones do. Reported:
the latency of every request of the others (p50, p95, max), how many failed, and how many of
the slow connections the server still held; first without the slow connections, then with them.

Bounded: every request has a 30 s timeout; traffic stays on loopback.
"""

from __future__ import annotations

import argparse
import re
import resource
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from participant_client import Client  # noqa: E402
from voila_testing import start_workshop  # noqa: E402


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _participants(port: int, code: str, count: int, polls: int, tag: str) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def one(i: int) -> None:
        device = Client(port, source=f"127.0.1.{i + 1}")
        steps = [("GET", "/", None), ("POST", "/api/workshop/join", {"code": code, "name": f"{tag}{i}"})]
        steps += [("GET", "/api/workshop/state", None)] * polls
        for method, path, body in steps:
            started = time.perf_counter()
            try:
                ok = device.request(method, path, body, timeout=30).status < 400
            except OSError:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                failures[0] += not ok

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return latencies, failures[0]


def _report(label: str, latencies: list[float], failures: int) -> None:
    print(f"{label}: {len(latencies)} requests, {failures} failed; p50 {statistics.median(latencies):.3f} s, "
          f"p95 {_percentile(latencies, 95):.3f} s, max {max(latencies):.3f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=1000)
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--polls", type=int, default=5)
    args = parser.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory() as tmp:
        server, _ = start_workshop(Path(tmp) / "ws")
        try:
            code = re.search(r"Join code:\s+(\S+)", server.output()).group(1)
            _report("without slow connections", *_participants(server.port, code, args.participants, args.polls, "a"))
            slow = []
            for _ in range(args.slow):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=10, source_address=("127.0.0.2", 0))
                try:
                    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                except OSError:
                    pass
                slow.append(sock)
            _report(f"while 127.0.0.2 holds {args.slow} slow connections",
                    *_participants(server.port, code, args.participants, args.polls, "b"))
            held = 0
            for sock in slow:
                sock.setblocking(False)
                try:
                    held += sock.recv(1, socket.MSG_PEEK) != b""
                except BlockingIOError:
                    held += 1
                except OSError:
                    pass
            print(f"slow connections the server still held: {held} of {args.slow}", flush=True)
            for sock in slow:
                sock.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
