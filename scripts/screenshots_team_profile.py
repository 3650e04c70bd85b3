"""Screenshots of the team SECI profile (the theory lesson's section) at 1280x900 and 390x844.

Run from the repository root: ``python scripts/screenshots_team_profile.py [--out DIR]``. It starts
``seci-lab serve`` as ``scripts/screenshots.py`` does, opens the theory lesson (found in
``seci_lab/content/course.py`` by its kind, so a renumbering changes nothing here), rates a few
sentences and shoots the questionnaire (``team-profile-items-*.png``) and the radar with its table
(``team-profile-chart-*.png``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from screenshots import ARGS, SIZES, _settle, run_with_server  # noqa: E402

from seci_lab.content.course import PAGES  # noqa: E402

_RATINGS = {1: "Often", 2: "Almost always", 6: "Sometimes", 7: "Rarely", 11: "Often", 16: "Never",
            17: "Rarely", 21: "Almost always", 23: "Sometimes", 25: "Often", 29: "Often"}


def _scroll_to(page, selector: str) -> None:
    page.evaluate("(s) => document.querySelector(s).scrollIntoView({block: 'start'})", selector)


def shoot(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    theory = next(p for p in PAGES if p.kind == "theory")
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{url}voila/render/{theory.href}", timeout=240_000)
            page.wait_for_selector("#loading", state="detached", timeout=240_000)
            page.wait_for_selector(".seci-team-profile", timeout=240_000)
            for n, label in _RATINGS.items():
                group = page.locator(".seci-likert").nth(n - 1)
                group.get_by_label(label, exact=True).check()
            _settle(page)
            _scroll_to(page, ".seci-team-profile")
            written.append(out / f"team-profile-items-{size}.png")
            page.screenshot(path=str(written[-1]))
            _scroll_to(page, ".seci-team-profile .js-plotly-plot")
            page.locator(".seci-team-profile .js-plotly-plot").get_by_text("Socialization").first.wait_for(timeout=120_000)
            _settle(page, 800)
            written.append(out / f"team-profile-chart-{size}.png")
            page.screenshot(path=str(written[-1]))
            page.close()
        browser.close()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, flush=True)
    return written


def main(argv: list[str] | None = None) -> None:
    run_with_server(shoot, __doc__.splitlines()[0], "learner.sqlite", argv)

if __name__ == "__main__":
    main()
