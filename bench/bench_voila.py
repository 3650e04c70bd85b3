"""Voila time-to-interactive of a dashboard against a one-cell notebook, in Chromium.

Both notebooks are served by the same ``seci-lab serve`` (same settings) from a temp folder.
Each load is cold: a new browser context (empty cache, no cookies) and a new kernel (Voila
starts one per page; with ``--preheat`` a pre-executed one from the pool, refilled between
loads). Loads alternate between the two notebooks; the median of ``--runs`` loads is kept.

Definitions (times from the navigation start, read in the page with ``performance.now()``):

* **interactive**: the first widget control (button, input, select or textarea inside a
  ``.jupyter-widgets`` element) is visible and enabled. The one-cell notebook shows a single
  ``ipywidgets.Button``.
* **complete**: Voila's spinner is gone, every output is filled and every Plotly figure is
  drawn (``.js-plotly-plot .main-svg``).

The ratio is dashboard / one-cell for "interactive"; the goal is at most 1.3.

Usage::

    .venv/bin/python bench/bench_voila.py                  # default settings and --preheat
    .venv/bin/python bench/bench_voila.py --runs 5 --configs default
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from voila_testing import INTERACTIVE_SELECTOR, ConsoleRecord, launch_chromium, start_server  # noqa: E402

DEFAULT_NOTEBOOK = REPO / "notebooks" / "05_knowledge_spiral.ipynb"
BASELINE = "one_cell.ipynb"
CONFIGS = {
    "default": [],
    "preheat": ["--preheat"],  # --VoilaConfiguration.preheat_kernel=True --default_pool_size=1
}
LOAD_TIMEOUT_MS = 120_000

_INTERACTIVE_JS = """(selector) => {
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && !el.disabled) return performance.now();
  }
  return false;
}"""

_COMPLETE_JS = """() => {
  if (document.getElementById('loading')) return false;
  const cells = document.getElementById('rendered_cells');
  if (!cells || getComputedStyle(cells).display === 'none') return false;
  const outputs = [...cells.querySelectorAll('.jp-OutputArea-output')];
  if (!outputs.every(o => o.childElementCount > 0 || o.textContent.trim() !== '')) return false;
  const plots = [...cells.querySelectorAll('.js-plotly-plot')];
  if (!plots.every(p => p.querySelector('.main-svg'))) return false;
  return performance.now();
}"""


def write_baseline(folder: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}}
    nb.cells = [nbformat.v4.new_code_cell('import ipywidgets as widgets\n\nwidgets.Button(description="Go")')]
    nbformat.write(nb, folder / BASELINE)


def load_once(browser, url: str) -> tuple[float, float, list[str]]:
    """One cold load; returns (interactive s, complete s, unexpected console errors)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    record = ConsoleRecord.attach(page)
    try:
        page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        interactive = page.wait_for_function(
            _INTERACTIVE_JS, arg=INTERACTIVE_SELECTOR, polling=50, timeout=LOAD_TIMEOUT_MS
        ).json_value()
        complete = page.wait_for_function(_COMPLETE_JS, polling=50, timeout=LOAD_TIMEOUT_MS).json_value()
        return interactive / 1000, max(complete, interactive) / 1000, record.errors()
    finally:
        page.goto("about:blank")  # unload: Voila stops the page's kernel
        context.close()


def run_config(name: str, extra: list[str], folder: Path, dashboard: str, runs: int, browser, work: Path):
    server = start_server(work / name, extra_args=["--notebooks", str(folder), *extra])
    try:
        settle = 15.0 if "--preheat" in extra else 2.0
        time.sleep(settle * 2 if "--preheat" in extra else 0)  # first pool fill
        results = {dashboard: [], BASELINE: []}
        errors: list[str] = []
        # Warm the server process itself (imports, template compilation) once, untimed.
        load_once(browser, f"{server.url}voila/render/{BASELINE}")
        time.sleep(settle)
        for run in range(runs):
            for notebook in (dashboard, BASELINE):
                interactive, complete, errs = load_once(browser, f"{server.url}voila/render/{notebook}")
                results[notebook].append((interactive, complete))
                errors += errs
                print(f"  {name:8} {notebook:28} run {run + 1}: interactive {interactive:5.2f} s, complete {complete:5.2f} s",
                      file=sys.stderr, flush=True)
                time.sleep(settle)  # let the pool refill (preheat) and the machine calm down
        return results, errors
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebook", type=Path, default=DEFAULT_NOTEBOOK, help="dashboard to measure")
    parser.add_argument("--runs", type=int, default=5, help="cold loads per notebook and configuration")
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated, from {sorted(CONFIGS)}")
    args = parser.parse_args(argv)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown configuration(s) {unknown}; choose from {sorted(CONFIGS)}")

    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="seci-bench-") as tmp:
        work = Path(tmp)
        folder = work / "notebooks"
        folder.mkdir()
        shutil.copy(args.notebook, folder / args.notebook.name)
        write_baseline(folder)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                for name in configs:
                    results, errors = run_config(name, CONFIGS[name], folder, args.notebook.name, args.runs, browser, work)
                    base_tti = statistics.median(t for t, _ in results[BASELINE])
                    for notebook in (args.notebook.name, BASELINE):
                        tti = [t for t, _ in results[notebook]]
                        done = [c for _, c in results[notebook]]
                        rows.append((name, notebook, statistics.median(tti), min(tti), max(tti),
                                     statistics.median(done), statistics.median(tti) / base_tti))
                    if errors:
                        print(f"  {name}: unexpected console errors: {sorted(set(errors))}", file=sys.stderr)
            finally:
                browser.close()

    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, "bench/bench_voila.py", *(argv or sys.argv[1:])])
    print(f"\nVoila time-to-interactive, median of {args.runs} cold loads in Chromium (`{command}`)\n")
    print("| configuration | notebook | interactive (s) | min-max (s) | complete (s) | ratio to one cell |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, notebook, tti, lo, hi, done, ratio in rows:
        print(f"| {name} | {notebook} | {tti:.2f} | {lo:.2f}-{hi:.2f} | {done:.2f} | {ratio:.2f} |")
    print("\ninteractive = first widget control visible and enabled; complete = spinner gone, every output "
          "filled, every Plotly figure drawn; goal: ratio at most 1.3.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
