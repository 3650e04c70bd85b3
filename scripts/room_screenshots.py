"""Screenshots of the workshop's room screen at a projector's sizes, into docs/screenshots/.

Run from the repository root: ``python scripts/room_screenshots.py`` (``--out DIR`` writes
elsewhere). It serves the participant server's handlers (the room screen among them) in this
process over a temporary SQLite store, plays a SECI round with a dozen participants through the
store, and drives the system Chromium (``CHROMIUM_PATH`` or /usr/bin/chromium) with Playwright:
``room-screen-<stage>-<width>x<height>.png`` for the joining (before the first phase), the board (Socialization), clusters and votes
(Combination) and the take-aways with their lineage (Internalization), at 1920x1080 and 1280x720.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tornado.ioloop  # noqa: E402
import tornado.web  # noqa: E402

from seci_lab.model.session_view import room_screen_address  # noqa: E402
from seci_lab.server.connections import listen  # noqa: E402
from seci_lab.server.guard import HostAllowList  # noqa: E402
from seci_lab.server.participant_api import SERVER_MAX_BODY_BYTES, ParticipantSite, participant_handlers  # noqa: E402
from seci_lab.store.workshop import WorkshopStore  # noqa: E402

SIZES = [(1920, 1080), (1280, 720)]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NAMES = ["Ana", None, "Ben", "Chiara", None, "Dmitri", "Esi", "Farid", None, "Grace", "Hiro", "Ines"]
NOTES = [
    "Watched the night shift hand over: they talk through every open ticket at the machine",
    "The senior nurse reads the patient's face before the chart",
    "New staff shadow for a week; nobody writes down what they learn",
    "Hand-over is faster when both people stand at the line",
    "I learned more from one late shift with Hiro than from the manual",
    "We have a checklist but nobody uses the back page",
    "Questions get asked at the coffee machine, not in the meeting",
    "The best tips are in people's notebooks, not the wiki",
]


def _serve(site: ParticipantSite) -> int:
    ready = threading.Event()
    port = {}

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        server = listen(tornado.web.Application(participant_handlers(site)), 0, "127.0.0.1", backlog=128,
                        max_body_size=SERVER_MAX_BODY_BYTES)
        port["n"] = next(iter(server._sockets.values())).getsockname()[1]
        ready.set()
        tornado.ioloop.IOLoop.current().start()

    threading.Thread(target=run, daemon=True).start()
    ready.wait(10)
    return port["n"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        store = WorkshopStore.open(f"sqlite:///{Path(tmp) / 'ws.sqlite'}", max_per_minute=None)
        session = store.create_session("Night shift retrospective", "seci", join_code="NGHT42")
        site = ParticipantSite(store=store, hosts=HostAllowList(),
                               join_url="http://192.168.1.23:8866/?token=k7m3qx9p2a")
        port = _serve(site)
        address = room_screen_address(f"http://127.0.0.1:{port}/", store.room_screen_token(session.id, session.key))
        people = [store.join("NGHT42", name) for name in NAMES]
        sent: list = []
        stages: dict = {}

        def socialization() -> None:
            store.open_phase(session.id, session.key, "S", minutes=8)
            sent.extend(store.submit(people[i % len(people)].token, text, f"s{i}") for i, text in enumerate(NOTES))

        def combination() -> None:
            store.open_phase(session.id, session.key, "C", minutes=5)
            clusters = [store.create_cluster(session.id, session.key, name)
                        for name in ("Hand-over at the line", "Shadowing, written down", "Where questions go")]
            for i, item in enumerate(sent):
                store.assign(session.id, session.key, item.id, clusters[i % 3].id)
            for i, person in enumerate(people):
                store.vote(person.token, clusters[0 if i % 3 else 1].id, True)
            stages["clusters"] = clusters

        def internalization() -> None:
            store.open_phase(session.id, session.key, "I")
            for i, text in enumerate(["I will stand at the line for every hand-over",
                                      "I'll keep a shared notebook of tips for new staff",
                                      "Ask Hiro to run one shadowing night a month"]):
                store.submit(people[i].token, text, f"t{i}", source_cluster_id=stages["clusters"][i % 2].id)

        plan = [("join", None), ("board", socialization), ("votes", combination), ("end", internalization)]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                                 args=ARGS)
            pages = []
            for width, height in SIZES:
                page = browser.new_context(viewport={"width": width, "height": height}).new_page()
                page.goto(address)
                page.locator("#join-code").filter(has_text="NGHT42").wait_for()
                pages.append((page, width, height))
            for stage, step in plan:
                if step is not None:
                    step()
                for page, width, height in pages:
                    wanted = {"join": "#qr", "board": "#board li", "votes": "#clusters li",
                              "end": "#takeaways li"}[stage]
                    page.locator(wanted).first.wait_for()
                    page.wait_for_timeout(1500)
                    target = args.out / f"room-screen-{stage}-{width}x{height}.png"
                    page.screenshot(path=str(target))
                    print(target)
            browser.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
