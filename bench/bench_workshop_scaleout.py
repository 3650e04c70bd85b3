"""Two participant servers on one PostgreSQL: how soon a page waiting on one server sees a
contribution sent through the other.

A throwaway PostgreSQL cluster (tests/pg_testing.py) and two ``seci-lab workshop
--participants-only`` servers. An observer keeps a long-poll open on the first
server; a participant sends a contribution. *Cross*: sent through the second server (the
first learns of it by reading the session's version from the database); *same* (the baseline,
interleaved round by round): sent through the first server itself. Reported: time from sending
to the observer's poll answering with the text, p50 / p95 / max, and the ratio cross / same.

Every sender connects from its own loopback address (127.0.1.N) so the per-address limits
apply as in a room. Bounded: every request has a timeout; traffic stays on loopback.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from participant_client import Client  # noqa: E402
from pg_testing import start_postgres  # noqa: E402
from voila_testing import start_workshop  # noqa: E402

SENDS_PER_SENDER = 3  # under the cap of 10 a minute per participant and per address


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _on(port: int, client: Client, source: str | None = None) -> Client:
    direct = Client(port, source=source)
    direct.cookies = client.cookies
    return direct


def _round(observer: Client, sender: Client, text: str, key: str) -> float:
    """Seconds from sending ``text`` to the observer's waiting poll answering with it."""
    version = observer.state().json["version"]
    seen: dict[str, float] = {}

    def wait() -> None:
        since = version
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            answer = observer.state(since=since)
            if any(item["text"] == text for item in answer.json["state"]["board"]):
                seen["at"] = time.perf_counter()
                return
            since = answer.json["version"]

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.4)  # the poll is waiting
    started = time.perf_counter()
    response = sender.send(text, key, phase="S")
    if response.status != 201:
        raise RuntimeError(f"send refused: {response.status} {response.body[:200]!r}")
    waiter.join(40)
    if "at" not in seen:
        raise RuntimeError("the observer never saw the contribution")
    return seen["at"] - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=24, help="rounds of each kind (default 24)")
    args = parser.parse_args()
    from seci_lab.store.workshop import WorkshopStore

    cluster = start_postgres()
    servers = []
    try:
        url = cluster.database("bench_scaleout")
        store = WorkshopStore.open(url)
        session = store.create_session("Bench", "seci", join_code="BENCH7")
        store.open_phase(session.id, session.key, "S")
        root = Path(tempfile.mkdtemp(prefix="seci-bench-scaleout-"))
        for name in ("first", "second"):
            server, _ = start_workshop(root / name, ["--participants-only", "--db", url],
                                       banner="participant page only")
            servers.append(server)
        first, second = (s.port for s in servers)
        observer = Client(first)
        assert observer.join("BENCH7", "Observer").status == 201
        senders: list[tuple[str, Client]] = []
        timings: dict[str, list[float]] = {"cross": [], "same": []}
        for n in range(args.rounds * 2):
            if n % SENDS_PER_SENDER == 0:
                source = f"127.0.1.{len(senders) + 1}"
                joined = Client(first, source=source)
                if joined.join("BENCH7", f"Sender {len(senders) + 1}").status != 201:
                    raise RuntimeError("a sender could not join")
                senders.append((source, joined))
            source, sender = senders[-1]
            kind = "cross" if n % 2 == 0 else "same"
            through = _on(second if kind == "cross" else first, sender, source)
            timings[kind].append(_round(observer, through, f"contribution {n}", f"k{n}"))
        load = os.getloadavg()[0]
        print(f"Load average (1 min) at the end: {load:.1f}; {args.rounds} rounds of each kind, interleaved.")
        print("| sent through | p50 (s) | p95 (s) | max (s) |")
        print("| --- | ---: | ---: | ---: |")
        for kind, label in (("same", "the observer's server (baseline)"), ("cross", "the other server")):
            values = timings[kind]
            print(f"| {label} | {statistics.median(values):.2f} | {_percentile(values, 95):.2f} | {max(values):.2f} |")
        print(f"| ratio other / same | {statistics.median(timings['cross']) / statistics.median(timings['same']):.2f}x | "
              f"{_percentile(timings['cross'], 95) / _percentile(timings['same'], 95):.2f}x | |")
        store.close()
    finally:
        for server in servers:
            server.stop()
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
