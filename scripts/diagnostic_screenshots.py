"""Screenshots of the diagnostic (issue 24, item 1) at 1280x900 and 390x844, into docs/screenshots/.

    PYTHONPATH=$PWD python scripts/diagnostic_screenshots.py

Starts ``seci-lab serve`` with a learner database and a folder of 30 simulated hand-ins of its
own (scripts/screenshots.py's server), then takes: the welcome page's check while a learner
answers it (``diagnostic-*.png``), the results after both checks (``diagnostic-results-*.png``)
and the instructor's Learning tab for the folder's class (``learning-*.png``: the gain, the
scores' chart, the concepts' chart).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]

from screenshots import ARGS, SIZES, _settle, serve  # noqa: E402

from diagnostic_class import FORMS, answers, begin_every_page, hand_in  # noqa: E402
from seci_lab.classroom import submission_bytes  # noqa: E402
from seci_lab.model.diagnostic import POST, PRE, form_for, sitting_key, sitting_record  # noqa: E402
from seci_lab.store.progress import open_progress  # noqa: E402

LEARNER = "robin7"


def write_class(folder: Path, n: int = 30, seed: int = 4) -> None:
    rng = random.Random(seed)
    names = ["Ada", "Grace", "Alan", "Zoë", "Kwame", "Mei", "Ravi", "Sofía", "Lars", "Amara"]
    for k in range(n):
        pre = rng.randint(2, 9)
        post = min(15, pre + rng.randint(1, 8))
        kind = k % 10
        sub = hand_in(f"s{k:03d}", f"{names[k % len(names)]} {k}", pre=None if kind == 3 else pre,
                      post=None if kind == 7 else post, rng=rng)
        (folder / f"s{k:03d}.json").write_bytes(submission_bytes(sub.to_dict()))


_TOP = "() => document.getElementById('seci-diagnostic').scrollIntoView({block: 'start'})"


def shoot_learner(page, url: str, db: Path, size: str, out: Path) -> None:
    """The check while it is answered, then (both checks saved in the store) the results."""
    progress = open_progress(url=f"sqlite:///{db}")
    for key in list(progress.answers()):
        progress.delete_answer(key)
    for key in progress.contribution_keys():
        progress.remove_contribution(key)
    page.goto(f"{url}voila/render/00_welcome.ipynb", timeout=240_000)
    page.wait_for_selector(".seci-diagnostic", timeout=240_000)
    page.get_by_label("Your learner id", exact=False).fill(LEARNER)
    page.get_by_role("button", name="Start the check before the course").click()
    groups = page.locator(".seci-diagnostic .widget-radio")
    groups.first.wait_for()
    first = FORMS.form(form_for(PRE, LEARNER))[0].question
    groups.first.get_by_label(first.option(first.answer).text, exact=True).check()
    _settle(page)
    page.evaluate(_TOP)
    page.screenshot(path=str(out / f"diagnostic-{size}.png"))
    for sitting, right in ((PRE, 6), (POST, 11)):
        form = form_for(sitting, LEARNER)
        progress.save_answer(sitting_key(sitting), sitting_record(
            sitting, form, FORMS.version, LEARNER, answers(form, right), done=True,
            started_at="2026-12-01T10:00:00+00:00", done_at="2026-12-01T10:09:00+00:00"))
    begin_every_page(progress)
    progress.engine.dispose()
    page.reload()
    page.wait_for_selector(".seci-diagnostic-text", timeout=240_000)
    _settle(page)
    page.evaluate(_TOP)
    page.screenshot(path=str(out / f"diagnostic-results-{size}.png"))


def shoot_learning(page, url: str, folder: Path, size: str, out: Path) -> None:
    """The instructor's Learning tab for the class in ``folder``: the gain, then each chart."""
    page.goto(f"{url}voila/render/instructor.ipynb", timeout=240_000)
    page.get_by_label("Folder path").wait_for(timeout=240_000)
    page.get_by_label("Folder path").fill(str(folder))
    page.get_by_role("button", name="Load the class").click()
    page.get_by_text("Loaded 30 learners").wait_for(timeout=120_000)
    page.get_by_role("tab", name="Learning").click()
    page.get_by_text("Normalized gain of the class averages:").wait_for(timeout=120_000)
    _settle(page)
    page.locator(".seci-instructor .widget-tab").scroll_into_view_if_needed()
    page.screenshot(path=str(out / f"learning-{size}.png"))
    page.mouse.wheel(0, 700)
    _settle(page, 800)
    page.screenshot(path=str(out / f"learning-charts-{size}.png"))
    page.locator("[aria-label*='items right per concept']").first.scroll_into_view_if_needed()
    _settle(page, 800)
    page.screenshot(path=str(out / f"learning-concepts-{size}.png"))


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory(prefix="seci-diag-shots-") as tmp:
        root = Path(tmp)
        db, folder = root / "learner.sqlite", root / "class"
        folder.mkdir()
        write_class(folder)
        open_progress(url=f"sqlite:///{db}").engine.dispose()
        process, url = serve(root, db)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                            args=ARGS)
                for size, (width, height) in SIZES.items():
                    for shoot, where in ((shoot_learner, db), (shoot_learning, folder)):
                        page = browser.new_page(viewport={"width": width, "height": height})
                        shoot(page, url, where, size, out)
                        page.close()
                    print(f"docs/screenshots/*-{size}.png", flush=True)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
