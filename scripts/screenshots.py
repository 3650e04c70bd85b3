"""Screenshots of every course page at 1280x900 and on a 390x844 phone, into docs/screenshots/.

Run from the repository root: ``python scripts/screenshots.py`` (``--out DIR`` writes elsewhere,
``--pages 00_welcome 06_knowledge_spiral`` takes only those). It starts ``seci-lab serve`` on a free
port with a learner database of its own in a temporary folder, saves some work there first (lesson 1
done, lesson 2 begun) so the course frame shows its marks, and drives the system Chromium
(``CHROMIUM_PATH`` or /usr/bin/chromium) with Playwright. Each picture is the first screen a
visitor sees: ``<page>-desktop.png`` and ``<page>-phone.png``. The README shows them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from seci_lab.content.course import PAGES, WELCOME  # noqa: E402

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(db: Path) -> None:
    """Lesson 1 done (its exercises saved, a quiz set answered) and lesson 2 begun."""
    from seci_lab.model.work import quiz_key, quiz_record
    from seci_lab.store.progress import open_progress
    from seci_lab.ui.externalization import externalization_exercises
    from seci_lab.ui.socialization import socialization_exercises

    progress = open_progress(url=f"sqlite:///{db}")
    progress.set_name("Robin")
    texts = {
        "experience": "I spent two mornings beside our senior support engineer while she handled calls, "
                      "because I wanted to learn how she calms an angry customer.",
        "journal": "Before she answered she always paused and breathed out; I noticed her voice dropped, "
                   "but I still cannot explain how she knew when to stop listening and start fixing.",
        "story": "My first week at the workshop, the foreman let me ruin a board so I would feel the grain.",
    }
    exercises = socialization_exercises(progress)
    for key, text in texts.items():
        exercises.answers[key].text.value = text
        exercises.answers[key].save_button.click()
    for n, question in enumerate(_questions("S")[:6]):
        progress.save_answer(quiz_key(question.id), quiz_record(
            None, lesson="S", kind=question.kind, answer=question.answer, correct=n != 2, score=0.0 if n == 2 else 1.0,
            attempts=1, hints_used=0, round=1, counts=True))
    ladder = externalization_exercises(progress)
    ladder.answers["metaphor"].text.value = "Calming a caller is like letting air out of a tyre slowly."
    ladder.answers["metaphor"].save_button.click()
    progress.engine.dispose()


def _questions(lesson: str):
    from seci_lab.content import questions_for

    return list(questions_for(lesson))


def serve(root: Path, db: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "HOME": str(root / "home"), "SECI_LAB_DB": str(db),
           "JUPYTER_RUNTIME_DIR": str(root / "runtime"), "PYTHONPATH": str(ROOT)}
    (root / "home").mkdir(exist_ok=True)
    command = shutil.which("seci-lab") or str(Path(sys.executable).with_name("seci-lab"))
    log = open(root / "serve.log", "wb")
    process = subprocess.Popen([command, "serve", "--no-browser", "--port", str(port)], cwd=root, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=2)
            return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"seci-lab serve did not start; see {root / 'serve.log'}")


def shoot(url: str, names: list[str], out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for name in names:
            for size, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{url}voila/render/{name}.ipynb", timeout=240_000)
                page.wait_for_selector("#loading", state="detached", timeout=240_000)
                page.wait_for_selector(".seci-frame", timeout=240_000)
                _settle(page)
                path = out / f"{name}-{size}.png"
                page.screenshot(path=str(path))
                written.append(path)
                page.close()
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, flush=True)
        browser.close()
    return written


def _settle(page, quiet_ms: int = 1500) -> None:
    """Wait until the widgets stop being drawn (the element count holds still), as the tests do."""
    page.evaluate("() => { window.__quiet = {n: -1, t: 0}; }")
    page.wait_for_function(
        """(q) => { const n = document.querySelectorAll('#rendered_cells *').length, s = window.__quiet,
                    now = performance.now(); if (n !== s.n) { s.n = n; s.t = now; return false; }
                    return now - s.t >= q; }""", arg=quiet_ms, polling=250, timeout=120_000)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--pages", nargs="*", default=[p.notebook for p in (WELCOME, *PAGES)])
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="seci-shots-") as tmp:
        root = Path(tmp)
        db = root / "learner.sqlite"
        seed(db)
        process, url = serve(root, db)
        try:
            shoot(url, args.pages, args.out)
        finally:
            process.terminate()
            process.wait(timeout=30)



def run_with_server(shoot, description: str, database: str, argv: list[str] | None = None) -> None:
    """The ``main`` of a screenshot script: ``--out DIR`` (default docs/screenshots/), then
    ``shoot(url, out)`` against ``seci-lab serve`` started with the database ``database`` in a
    temporary folder, stopped afterwards."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="seci-shots-") as tmp:
        root = Path(tmp)
        process, url = serve(root, root / database)
        try:
            shoot(url, args.out)
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
