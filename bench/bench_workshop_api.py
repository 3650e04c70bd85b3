"""A room joining the participant page without a kernel: ``seci-lab workshop`` with N
simulated participants (tornado's async HTTP client, one event loop).

Each simulated participant does what a phone does: open the page (which sets the XSRF
cookie), join with a name, keep one long-poll open for the session's state, and send 3
contributions a few seconds apart. Every participant connects from its own loopback address
(127.0.x.y), as phones in a room have their own addresses, so the per-address join and
submission limits apply as they would.

Reported:

* join latency: from requesting the page to the join's answer, p50 and p95;
* submit-to-visible: from sending a contribution to its text arriving in an observer's
  long-poll (another participant's page: the same state the facilitator's board reads), p95;
* the participant server's memory (RSS) and CPU time per participant, from the process
  itself (psutil) before the room joins and after everyone sent;
* beside the kernel-per-participant figures of ``bench_workshop_pages.py``, whose cost per
  page is one kernel.

Bounded: every request has a timeout, the run stops by itself; traffic stays on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from voila_testing import start_workshop  # noqa: E402

from seci_lab.server.workshop import PARTICIPANT_FOLDER  # noqa: E402

SENDS = 3
REQUEST_TIMEOUT_S = 60.0


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Phone:
    """One simulated participant: its own source address and cookies."""

    def __init__(self, base: str, address: str):
        from tornado.httpclient import AsyncHTTPClient

        self.base, self.address = base, address
        self.cookies: dict[str, str] = {}
        self.client = AsyncHTTPClient(force_instance=True, max_clients=4)

    async def request(self, method: str, path: str, body=None, timeout: float = REQUEST_TIMEOUT_S):
        from tornado.httpclient import HTTPRequest

        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        payload = None
        if method != "GET":
            headers.update({"Content-Type": "application/json", "X-XSRFToken": self.cookies.get("_xsrf", "")})
            payload = json.dumps(body or {})
        response = await self.client.fetch(HTTPRequest(
            self.base + path, method=method, headers=headers, body=payload, network_interface=self.address,
            request_timeout=timeout, connect_timeout=REQUEST_TIMEOUT_S, follow_redirects=False), raise_error=False)
        for line in response.headers.get_list("Set-Cookie"):
            name, _, rest = line.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response


async def participant(n: int, base: str, code: str, address: str, start: asyncio.Event, results: dict,
                      sent_at: dict, stop: asyncio.Event) -> None:
    phone = Phone(base, address)
    await start.wait()
    began = time.perf_counter()
    page = await phone.request("GET", "")
    joined = await phone.request("POST", "api/workshop/join", {"code": code, "name": f"P{n}"})
    if page.code != 200 or joined.code != 201:
        results["errors"].append(f"join {n}: {page.code} {joined.code} {joined.body[:120]!r}")
        return
    results["join"].append(time.perf_counter() - began)
    version = json.loads(joined.body)["version"]

    async def keep_polling():  # a phone's open long-poll, as the page keeps one
        nonlocal version
        while not stop.is_set():
            response = await phone.request("GET", f"api/workshop/state?since={version}", timeout=40)
            if response.code == 200:
                version = json.loads(response.body)["version"]
            else:
                await asyncio.sleep(1)

    poller = asyncio.ensure_future(keep_polling())
    try:
        await results["all_joined"].wait()
        for i in range(SENDS):
            await asyncio.sleep(random.uniform(1.0, 4.0))
            text = f"idea {i} of P{n}"
            sent_at[text] = time.perf_counter()
            response = await phone.request("POST", "api/workshop/contributions",
                                           {"text": text, "idempotency_key": f"{n}-{i}", "phase": "S"})
            if response.code != 201:
                results["errors"].append(f"send {n}/{i}: {response.code} {response.body[:120]!r}")
        results["done"] += 1
    finally:
        await stop.wait()
        poller.cancel()
        phone.client.close()


async def observer(base: str, code: str, sent_at: dict, seen: dict, stop: asyncio.Event) -> None:
    """Another page's long-poll: when each sent text became visible."""
    phone = Phone(base, "127.0.0.2")
    await phone.request("GET", "")
    state = json.loads((await phone.request("POST", "api/workshop/join", {"code": code, "name": "Observer"})).body)
    version = state["version"]
    while not stop.is_set():
        response = await phone.request("GET", f"api/workshop/state?since={version}", timeout=40)
        now = time.perf_counter()
        if response.code != 200:
            await asyncio.sleep(0.5)
            continue
        data = json.loads(response.body)
        version = data["version"]
        for item in data["state"]["board"]:
            if item["text"] in sent_at and item["text"] not in seen:
                seen[item["text"]] = now - sent_at[item["text"]]
    phone.client.close()


def _server_process(server):
    import psutil

    for child in psutil.Process(server.process.pid).children():
        if any(Path(part).name == PARTICIPANT_FOLDER for part in child.cmdline()):
            return child
    raise RuntimeError("no participant server process")


async def room(base: str, code: str, n: int, server_process, budget_s: float) -> dict:
    results = {"join": [], "errors": [], "done": 0, "all_joined": asyncio.Event()}
    sent_at: dict[str, float] = {}
    seen: dict[str, float] = {}
    start, stop = asyncio.Event(), asyncio.Event()
    addresses = [f"127.0.{10 + i // 250}.{1 + i % 250}" for i in range(n)]
    watcher = asyncio.ensure_future(observer(base, code, sent_at, seen, stop))
    await asyncio.sleep(1)
    cpu0 = sum(server_process.cpu_times()[:2])
    rss0 = server_process.memory_info().rss
    tasks = [asyncio.ensure_future(participant(i, base, code, addresses[i], start, results, sent_at, stop))
             for i in range(n)]
    t0 = time.perf_counter()
    start.set()
    deadline = t0 + budget_s
    while len(results["join"]) + len(results["errors"]) < n and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    joined_in = time.perf_counter() - t0
    rss_joined = server_process.memory_info().rss
    results["all_joined"].set()
    while results["done"] < len(results["join"]) and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    settle = time.perf_counter() + 5
    while len(seen) < len(sent_at) and time.perf_counter() < min(settle, deadline):
        await asyncio.sleep(0.1)
    cpu1 = sum(server_process.cpu_times()[:2])
    rss1 = server_process.memory_info().rss
    stop.set()
    await asyncio.wait(tasks + [watcher], timeout=45)
    return {"n": n, "joined": len(results["join"]), "joined_in": joined_in, "join": results["join"],
            "visible": list(seen.values()), "sent": len(sent_at), "errors": results["errors"],
            "rss0": rss0, "rss_joined": rss_joined, "rss1": rss1, "cpu": cpu1 - cpu0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--budget", type=float, default=240.0, help="seconds each room may take at most")
    args = parser.parse_args(argv)
    from seci_lab.store.workshop import WorkshopStore

    random.seed(7)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.participants:
            root = Path(tmp) / f"room{n}"
            db = root / "ws.sqlite"
            # The participant server runs no kernel: its memory is the page's.
            server, _ = start_workshop(root, ["--db", str(db), "--title", "Bench"], timeout=180)
            try:
                output = server.output()
                code = re.search(r"Join code:\s+(\S+)", output).group(1)
                key = re.search(r"Facilitator key:\s+(\S+)", output).group(1)
                store = WorkshopStore.open(f"sqlite:///{db}")
                session = store.session_by_code(code)
                store.open_phase(session.id, key, "S")
                store.close()
                process = _server_process(server)
                result = asyncio.run(room(server.url, code, n, process, args.budget))
            finally:
                server.stop()
            rows.append(result)
            if result["errors"]:
                print(f"{len(result['errors'])} errors with {n} participants, e.g. {result['errors'][:3]}")
    print("| participants | joined | all joined in (s) | join p50 (s) | join p95 (s) | submit-to-visible p95 (s) "
          "| seen / sent | server RSS before (MiB) | RSS per participant (KiB) | CPU per participant (ms) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        per_rss = (r["rss1"] - r["rss0"]) / max(1, r["joined"]) / 1024
        print(f"| {r['n']} | {r['joined']} | {r['joined_in']:.1f} | {statistics.median(r['join']) if r['join'] else float('nan'):.2f} "
              f"| {_percentile(r['join'], 95):.2f} | {_percentile(r['visible'], 95):.2f} | {len(r['visible'])} / {r['sent']} "
              f"| {r['rss0'] / 2**20:.0f} | {per_rss:.0f} | {1000 * r['cpu'] / max(1, r['joined']):.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
