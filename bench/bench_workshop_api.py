"""A room joining the participant page without a kernel: ``seci-lab workshop`` with N
simulated participants (tornado's async HTTP client, one event loop), while real Chromium
pages are open: the facilitator's dashboard and a few phone-sized participant pages.

Each simulated participant does what a phone does: open the page (which sets the XSRF
cookie), join with a name, keep one long-poll open for the session's state, and send 3
contributions a few seconds apart. Every participant connects from its own loopback address
(127.0.x.y), as phones in a room have their own addresses, so the per-address join and
submission limits apply as they would. The Chromium phones join through the page's form and
send 2 contributions each with its Send button (they share one address, 127.0.0.1, whose
submission cap is 10 a minute).

Reported:

* join latency: from requesting the page to the join's answer, p50 and p95;
* submit-to-visible on the facilitator's board, as the facilitator sees it: from sending a
  contribution to its text appearing in the board of the facilitator's Voila page in Chromium
  (a MutationObserver in that page notes when each text first shows; the page and the bench
  share this computer's clock), p50 and p95;
* submit-to-visible on another phone: the text arriving in another participant's long-poll;
* submit-to-visible on the room screen (``/room``, the projector's read-only page) open in
  Chromium at 1920x1080: from sending to the text first showing on its board (a
  MutationObserver, as on the facilitator's page). The room screen shows the newest 40 of the
  phase, so a text with 40 newer ones sent within the same update never shows there: the
  count shown says how many did; the phone's long-poll in the same run is its baseline;
* the participant server's memory (RSS) and CPU time per participant, from the process itself
  (psutil) before the room joins and after everyone sent; the facilitator's server and kernel
  CPU in the same interval;
* beside it, measured in the same run: the kernel-per-participant notebook
  (``bench_workshop_pages.py``'s measurement at a small count): K notebook pages opened at once,
  the time until all are interactive, and the server's memory and CPU per page.

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

from voila_testing import CHROMIUM_ARGS, find_chromium, start_workshop  # noqa: E402

from seci_lab.server.workshop import PARTICIPANT_FOLDER  # noqa: E402

SENDS = 3
PHONE_SENDS = 2
PHONE = {"width": 390, "height": 844}
REQUEST_TIMEOUT_S = 60.0
_VERSION = re.compile(rb'\{"version":(\d+),"build":"([^"]*)"')

# Runs in the facilitator's page: the first time (Date.now(), ms) each text shows in its board.
_WATCH_BOARD_JS = """() => {
  window.__seen = {};
  const note = () => {
    const now = Date.now();
    for (const node of document.querySelectorAll('.seci-board .seci-text')) {
      const text = node.textContent;
      if (!(text in window.__seen)) window.__seen[text] = now;
    }
  };
  new MutationObserver(note).observe(document.body, {childList: true, subtree: true, characterData: true});
  note();
}"""


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
    first = json.loads(joined.body)
    version, build = first["version"], first["build"]

    async def keep_polling():  # a phone's open long-poll, as the page keeps one
        nonlocal version, build
        while not stop.is_set():
            response = await phone.request("GET", f"api/workshop/state?since={version}&build={build}", timeout=40)
            if response.code == 200:
                # Only the version and build: a real phone parses the state on its own processor,
                # not on the 2 cores this bench shares with the server (the observer parses it all).
                results["polled_bytes"] += len(response.body)
                found = _VERSION.match(response.body)
                version, build = int(found.group(1)), found.group(2).decode()
            else:
                await asyncio.sleep(1)

    poller = asyncio.ensure_future(keep_polling())
    try:
        await results["all_joined"].wait()
        for i in range(SENDS):
            await asyncio.sleep(random.uniform(1.0, 4.0))
            text = f"idea {i} of P{n}"
            sent_at[text] = time.time()
            response = await phone.request("POST", "api/workshop/contributions",
                                           {"text": text, "idempotency_key": f"{n}-{i}", "phase": "S"})
            if response.code not in (200, 201):
                results["errors"].append(f"send {n}/{i}: {response.code} {response.body[:120]!r}")
        results["done"] += 1
    finally:
        await stop.wait()
        poller.cancel()
        phone.client.close()


# Runs in the room screen: the first time each text shows on its board (a card's first text node).
_WATCH_ROOM_JS = """() => {
  window.__seen = {};
  const note = () => {
    const now = Date.now();
    for (const node of document.querySelectorAll('#board li')) {
      const text = node.firstChild ? node.firstChild.nodeValue : '';
      if (!(text in window.__seen)) window.__seen[text] = now;
    }
  };
  new MutationObserver(note).observe(document.getElementById('board'), {childList: true, subtree: true});
  note();
}"""


async def open_room_screen(browser, url: str, code: str):
    """The room screen at a projector's size, with its board watcher installed."""
    context = await browser.new_context(viewport={"width": 1920, "height": 1080})
    page = await context.new_page()
    page.set_default_timeout(60_000)
    await page.goto(url)
    await page.locator("#join-code").filter(has_text=code).wait_for()
    await page.evaluate(_WATCH_ROOM_JS)
    return page


async def observer(base: str, code: str, sent_at: dict, seen: dict, stop: asyncio.Event) -> None:
    """Another page's long-poll: when each sent text became visible there."""
    phone = Phone(base, "127.0.0.2")
    await phone.request("GET", "")
    state = json.loads((await phone.request("POST", "api/workshop/join", {"code": code, "name": "Observer"})).body)
    version, build = state["version"], state["build"]
    while not stop.is_set():
        response = await phone.request("GET", f"api/workshop/state?since={version}&build={build}", timeout=40)
        now = time.time()
        if response.code != 200:
            await asyncio.sleep(0.5)
            continue
        data = json.loads(response.body)
        version, build = data["version"], data["build"]
        changes = data["state"].get("board_changes")
        for item in changes["upsert"] if changes else data["state"]["board"]:
            if item["text"] in sent_at and item["text"] not in seen:
                seen[item["text"]] = now - sent_at[item["text"]]
    phone.client.close()


async def chromium_phone(browser, base: str, code: str, n: int, results: dict, sent_at: dict) -> None:
    """A real phone-sized page: join with the form, then send with the Send button."""
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    page.set_default_timeout(REQUEST_TIMEOUT_S * 1000)
    await page.goto(base)
    await page.get_by_label("Join code").fill(code)
    await page.get_by_label("Name").fill(f"Phone {n}")
    await page.get_by_role("button", name="Join", exact=True).click()
    await page.get_by_text(f"You joined as Phone {n}").wait_for()
    results["phones"].append(page)
    await results["all_joined"].wait()
    for i in range(PHONE_SENDS):
        await asyncio.sleep(random.uniform(1.0, 4.0))
        text = f"phone idea {i} of Phone {n}"
        await page.get_by_label("Your contribution").fill(text)
        await page.evaluate("() => { document.getElementById('message').textContent = ''; }")
        sent_at[text] = time.time()
        await page.get_by_role("button", name="Send", exact=True).click()
        await page.get_by_text("Sent: it is on the group board").wait_for()
    results["done_phones"] += 1


async def open_facilitator(browser, url: str, code: str):
    """The facilitator's Voila page, rendered, with the board watcher installed."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(180_000)
    await page.goto(url)
    await page.wait_for_selector("#loading", state="detached")
    await page.get_by_text(code).first.wait_for()
    await page.get_by_text("No contributions in this round yet").wait_for()
    await page.evaluate(_WATCH_BOARD_JS)
    return page


def _processes(server):
    """The participant server process, and the facilitator's server with its kernels."""
    import psutil

    participant, facilitator = None, []
    for child in psutil.Process(server.process.pid).children():
        if any(Path(part).name == PARTICIPANT_FOLDER for part in child.cmdline()):
            participant = child
        else:
            facilitator = [child, *child.children(recursive=True)]
    if participant is None:
        raise RuntimeError("no participant server process")
    return participant, facilitator


def _cpu(processes) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except Exception:  # noqa: BLE001 - a process that ended counts no more
            pass
    return total


async def room(server, facilitator_url: str, code: str, n: int, phones: int, budget_s: float,
               room_url: str = "") -> dict:
    from playwright.async_api import async_playwright

    results = {"join": [], "errors": [], "done": 0, "polled_bytes": 0, "done_phones": 0, "phones": [], "all_joined": asyncio.Event()}
    sent_at: dict[str, float] = {}
    seen: dict[str, float] = {}
    start, stop = asyncio.Event(), asyncio.Event()
    addresses = [f"127.0.{10 + i // 250}.{1 + i % 250}" for i in range(n)]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            fac = await open_facilitator(browser, facilitator_url, code)
            screen = await open_room_screen(browser, room_url, code) if room_url else None
            process, facilitator = _processes(server)  # the facilitator's kernel runs now
            phone_tasks = [asyncio.ensure_future(chromium_phone(browser, server.url, code, i, results, sent_at))
                           for i in range(phones)]
            deadline = time.monotonic() + 120
            while len(results["phones"]) < phones and time.monotonic() < deadline:
                if any(t.done() and t.exception() for t in phone_tasks):
                    raise next(t.exception() for t in phone_tasks if t.done() and t.exception())
                await asyncio.sleep(0.1)
            watcher = asyncio.ensure_future(observer(server.url, code, sent_at, seen, stop))
            await asyncio.sleep(2)
            cpu0, fac_cpu0 = _cpu([process]), _cpu(facilitator)
            rss0 = process.memory_info().rss
            tasks = [asyncio.ensure_future(participant(i, server.url, code, addresses[i], start, results, sent_at, stop))
                     for i in range(n)]
            t0 = time.perf_counter()
            start.set()
            end = t0 + budget_s
            while len(results["join"]) + len(results["errors"]) < n and time.perf_counter() < end:
                await asyncio.sleep(0.05)
            joined_in = time.perf_counter() - t0
            results["all_joined"].set()
            while ((results["done"] < len(results["join"]) or results["done_phones"] < phones)
                   and time.perf_counter() < end):
                await asyncio.sleep(0.1)
            for task in phone_tasks:
                if task.done() and task.exception():
                    results["errors"].append(f"a Chromium phone: {task.exception()!r}"[:300])
            settle = time.perf_counter() + 20
            on_board: dict[str, float] = {}
            while time.perf_counter() < min(settle, end):
                on_board = await fac.evaluate("() => window.__seen")
                if all(text in on_board for text in sent_at) and len(seen) >= len(sent_at):
                    break
                await asyncio.sleep(0.25)
            on_screen = await screen.evaluate("() => window.__seen") if screen is not None else {}
            cpu1, fac_cpu1 = _cpu([process]), _cpu(facilitator)
            rss1 = process.memory_info().rss
            stop.set()
            await asyncio.wait(tasks + [watcher], timeout=45)
        finally:
            await browser.close()
    board = [on_board[text] / 1000 - sent for text, sent in sent_at.items() if text in on_board]
    screen_seen = [on_screen[text] / 1000 - sent for text, sent in sent_at.items() if text in on_screen]
    return {"n": n, "phones": phones, "joined": len(results["join"]), "joined_in": joined_in, "join": results["join"],
            "board": board, "screen": screen_seen, "visible": list(seen.values()), "sent": len(sent_at), "errors": results["errors"],
            "rss0": rss0, "rss1": rss1, "cpu": cpu1 - cpu0, "fac_cpu": fac_cpu1 - fac_cpu0,
            "polled_per_phone": results["polled_bytes"] / max(1, len(results["join"]))}


def kernel_pages(pages: int) -> dict:
    """``bench_workshop_pages.py``'s measurement at a small count: ``pages`` notebook pages
    (one kernel each) opened at once; the server's memory and CPU (with its kernels) per page."""
    import psutil
    from playwright.sync_api import sync_playwright

    from bench_workshop_pages import PAGES_PER_BROWSER, arrival, participant_kernels, start_room
    from voila_testing import launch_chromium

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browsers = [launch_chromium(playwright) for _ in range(max(1, -(-pages // PAGES_PER_BROWSER)))]
        server, url = start_room(Path(tmp) / "kernels", [])
        try:
            def tree():
                root = psutil.Process(server.process.pid)
                return [root, *root.children(recursive=True)]

            def rss():
                return sum(p.memory_info().rss for p in tree() if p.is_running())

            rss0, cpu0 = rss(), _cpu(tree())
            times = arrival(browsers, url, pages, timeout=600)
            kernels = participant_kernels(server)
            rss1, cpu1 = rss(), _cpu(tree())
            kernel_rss = statistics.median(k.memory_info().rss for k in kernels) if kernels else float("nan")
        finally:
            server.stop()
            for one in browsers:
                one.close()
    return {"pages": pages, "all": times[-1], "median": statistics.median(times), "rss_per": (rss1 - rss0) / pages,
            "kernel_rss": kernel_rss, "cpu_per": (cpu1 - cpu0) / pages}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[200])
    parser.add_argument("--phones", type=int, default=5, help="real Chromium phone pages open during the room")
    parser.add_argument("--kernel-pages", type=int, default=5,
                        help="notebook pages (one kernel each) measured beside it; 0 to skip")
    parser.add_argument("--budget", type=float, default=240.0, help="seconds each room may take at most")
    args = parser.parse_args(argv)
    from seci_lab.store.workshop import WorkshopStore

    random.seed(7)
    rows = []
    kernels = kernel_pages(args.kernel_pages) if args.kernel_pages else None
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.participants:
            root = Path(tmp) / f"room{n}"
            db = root / "ws.sqlite"
            # The participant server runs no kernel: its memory is the page's.
            server, fac_port = start_workshop(root, ["--db", str(db), "--title", "Bench"], timeout=180)
            try:
                output = server.output()
                code = re.search(r"Join code:\s+(\S+)", output).group(1)
                key = re.search(r"Facilitator key:\s+(\S+)", output).group(1)
                facilitator_url = re.search(rf"http://127\.0\.0\.1:{fac_port}/\?token=\S+", output).group(0)
                room_url = re.search(r"http://\S+/room\?screen=\S+", output).group(0)
                store = WorkshopStore.open(f"sqlite:///{db}")
                session = store.session_by_code(code)
                store.open_phase(session.id, key, "S")
                store.close()
                result = asyncio.run(room(server, facilitator_url, code, n, args.phones, args.budget, room_url))
            finally:
                server.stop()
            rows.append(result)
            if result["errors"]:
                print(f"{len(result['errors'])} errors with {n} participants, e.g. {result['errors'][:3]}")
    print("| participants (+ Chromium phones) | all joined in (s) | join p50 (s) | join p95 (s) "
          "| submit-to-visible on the facilitator's board p50 / p95 (s) | on another phone p95 (s) "
          "| on the room screen p50 / p95 (s), shown / sent "
          "| on the board / sent | server RSS before (MiB) | RSS per participant (KiB) | CPU per participant (ms) "
          "| facilitator server + kernel CPU (s) | board updates downloaded per phone (KiB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        people = max(1, r["joined"] + r["phones"])
        per_rss = (r["rss1"] - r["rss0"]) / people / 1024
        print(f"| {r['n']} (+ {r['phones']}) | {r['joined_in']:.1f} "
              f"| {statistics.median(r['join']) if r['join'] else float('nan'):.2f} "
              f"| {_percentile(r['join'], 95):.2f} | {_percentile(r['board'], 50):.2f} / {_percentile(r['board'], 95):.2f} "
              f"| {_percentile(r['visible'], 95):.2f} "
              f"| {_percentile(r['screen'], 50):.2f} / {_percentile(r['screen'], 95):.2f}, {len(r['screen'])} / {r['sent']} "
              f"| {len(r['board'])} / {r['sent']} "
              f"| {r['rss0'] / 2**20:.0f} | {per_rss:.0f} | {1000 * r['cpu'] / people:.0f} | {r['fac_cpu']:.1f} "
              f"| {r['polled_per_phone'] / 1024:.0f} |")
    if kernels:
        print(f"\nKernel per participant, same run: {kernels['pages']} notebook pages opened at once, all interactive "
              f"in {kernels['all']:.1f} s (median {kernels['median']:.1f} s); per page {kernels['rss_per'] / 2**20:.0f} MiB "
              f"of server memory (a kernel: {kernels['kernel_rss'] / 2**20:.0f} MiB) and "
              f"{kernels['cpu_per']:.1f} s of CPU (server and kernels).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
