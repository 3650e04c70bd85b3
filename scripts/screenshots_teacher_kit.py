"""Screenshots of the instructor dashboard's teacher's kit at 1280x900 and 390x844, into docs/screenshots/.

Run from the repository root: ``python scripts/screenshots_teacher_kit.py [--out DIR]``. It starts
``seci-lab serve`` as ``scripts/screenshots.py`` does, opens the instructor dashboard, opens
"Teacher's kit" (``instructor-kit-*.png``), presses "Try it with a sample class" and shows the
sample-data notice above the tabs (``instructor-sample-*.png``), then the Learner tab of the sample
(``instructor-sample-learner-*.png``) and its Learning tab, the pre/post diagnostic's gain
(``instructor-sample-learning-*.png``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from screenshots import ARGS, SIZES, _settle, run_with_server  # noqa: E402


def shoot(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{url}voila/render/instructor.ipynb", timeout=240_000)
            page.wait_for_selector("#loading", state="detached", timeout=240_000)
            page.get_by_role("button", name="Load the class").wait_for(timeout=240_000)
            page.get_by_text("Teacher's kit").first.click()
            page.get_by_role("button", name="Try it with a sample class").wait_for()
            _settle(page)
            page.get_by_text("Teacher's kit").first.scroll_into_view_if_needed()
            page.get_by_role("button", name="Try it with a sample class").scroll_into_view_if_needed()
            written.append(out / f"instructor-kit-{size}.png")
            page.screenshot(path=str(written[-1]))
            page.get_by_role("button", name="Try it with a sample class").click()
            page.locator(".seci-sample-banner").wait_for(timeout=120_000)
            page.get_by_text("Loaded the sample class").wait_for(timeout=120_000)
            _settle(page)
            page.get_by_text("Teacher's kit").first.click()  # fold the kit: the notice and the tabs come up
            _settle(page, 800)
            page.locator(".seci-sample-banner").scroll_into_view_if_needed()
            page.evaluate("() => window.scrollBy(0, document.querySelector('.seci-sample-banner')"
                          ".getBoundingClientRect().top - 10)")
            written.append(out / f"instructor-sample-{size}.png")
            page.screenshot(path=str(written[-1]))
            page.get_by_role("tab", name="Learner").click()
            _settle(page)
            page.evaluate("() => window.scrollBy(0, document.querySelector('.seci-sample-banner')"
                          ".getBoundingClientRect().top - 10)")
            written.append(out / f"instructor-sample-learner-{size}.png")
            page.screenshot(path=str(written[-1]))
            page.get_by_role("tab", name="Learning").click()
            page.get_by_text("Normalized gain of the class averages").first.wait_for(timeout=120_000)
            _settle(page)
            # the page scrolls inside Voila's container, not the window: scroll the headline to the top
            page.evaluate("() => [...document.querySelectorAll('strong')].find(e => "
                          "e.textContent.startsWith('Normalized gain')).scrollIntoView({block: 'start'})")
            _settle(page, 300)
            written.append(out / f"instructor-sample-learning-{size}.png")
            page.screenshot(path=str(written[-1]))
            page.close()
        browser.close()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, flush=True)
    return written


def main(argv: list[str] | None = None) -> None:
    run_with_server(shoot, __doc__.splitlines()[0], "instructor.sqlite", argv)

if __name__ == "__main__":
    main()
