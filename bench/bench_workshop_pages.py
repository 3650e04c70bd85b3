"""Kernel-per-participant pages: kernel memory and a room arriving at once.

seci-lab's participants use a page without a kernel (bench/bench_workshop_api.py measures
it). The Voila notebook page it replaced, one kernel per participant, is the comparison: this
bench serves its own copy of that page (``bench/kernel_page``: the notebook and its module)
with ``seci-lab serve`` and the same server settings ``seci-lab workshop`` used for it.

Two measurements, each beside a baseline taken in the same run:

* **memory**: RSS of one participant kernel (page rendered, live polling running) beside a
  bare ipykernel that has imported ipywidgets and plotly;
* **arrival**: N participant pages (default 50) opened at the same moment in one headless
  Chromium, each in its own context (no shared cache); the time until each page is
  interactive (the join form's first control is visible and enabled), from the moment the
  first navigation started. Run with the default kernel pool (``--preheat``: one pre-executed
  kernel waits) and without it (``--no-preheat``). ``--stagger S`` spaces the arrivals.

Three configurations: the pool (``--preheat``, pages built in turn: what ``seci-lab workshop``
did for this page by default), no pool, and every page started at once
(``--concurrent-starts 1000``). Results and what they mean: bench/README.md.

Usage::

    .venv/bin/python bench/bench_workshop_pages.py               # 50 pages at once, both configs
    .venv/bin/python bench/bench_workshop_pages.py --pages 20 --stagger 1
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from voila_testing import (  # noqa: E402
    ConsoleRecord,
    INTERACTIVE_SELECTOR,
    VoilaServer,
    _is_kernel,
    launch_chromium,
    start_server,
)

PAGES_PER_BROWSER = 8
KERNEL_PAGE = Path(__file__).resolve().parent / "kernel_page"
NOTEBOOK = "workshop_participant.ipynb"
CONFIGS = {
    "pool": ["--preheat"],                                   # kernel pool and pages built in turn
    "no-pool": [],
    "no-gate": ["--preheat", "--concurrent-starts", "1000"],  # every page's kernel starts at once
}
LABELS = {
    "pool": "one pre-executed kernel (--preheat), pages built in turn",
    "no-pool": "no kernel pool, pages built in turn",
    "no-gate": "one pre-executed kernel, every page started at once (--concurrent-starts 1000)",
}
_INTERACTIVE_JS = """(selector) => {
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && !el.disabled) return true;
  }
  return false;
}"""


def _mib(n: int) -> float:
    return n / 2**20


def bare_kernel_rss() -> float:
    """RSS (MiB) of an ipykernel after ``import ipywidgets, plotly.graph_objects``."""
    import psutil
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive("import ipywidgets, plotly.graph_objects", timeout=60)
        time.sleep(0.5)
        return _mib(psutil.Process(manager.provisioner.process.pid).memory_info().rss)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def start_room(root: Path, extra: list[str]) -> tuple[VoilaServer, str]:
    """``seci-lab serve`` of a folder holding only the kernel page, its pool (with --preheat) ready."""
    folder = root / "kernel_page"
    folder.mkdir(parents=True)
    for name in (NOTEBOOK, "kernel_participant.py"):
        shutil.copy2(KERNEL_PAGE / name, folder / name)
    server = start_server(root, ["--notebooks", str(folder), *extra], timeout=180)
    if "--preheat" in extra:
        deadline = time.monotonic() + 180
        while "Kernel pool of" not in server.output() and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # let the pool's kernel finish its notebook
    return server, server.url + f"voila/render/{NOTEBOOK}"


def participant_kernels(server: VoilaServer) -> list:
    import psutil

    return [k for k in psutil.Process(server.process.pid).children(recursive=True) if _is_kernel(k)]


def arrival(browsers, url: str, pages: int, timeout: float = 600.0, stagger: float = 0.0) -> list[float]:
    """Seconds until each of ``pages`` pages, opened at once, is interactive.

    The pages are spread over several Chromium processes: one Chromium stalls kernel
    WebSockets beyond about a dozen pages to the same host (measured here: 11 of 20 and 15
    of 25 connected), which phones in a room, each its own browser, do not share.
    """
    contexts = [browsers[i % len(browsers)].new_context(viewport={"width": 390, "height": 844})
                for i in range(pages)]
    opened = [c.new_page() for c in contexts]
    consoles = [ConsoleRecord.attach(p) for p in opened]
    start = time.monotonic()
    for page in opened:
        # Start the navigation without waiting for the server's first byte, so the pages
        # really arrive together (goto would wait for each response in turn).
        page.evaluate("(u) => { window.location.href = u; }", url)
        if stagger:
            time.sleep(stagger)
    done: dict[int, float] = {}
    deadline = start + timeout
    report = start + 15
    try:
        while len(done) < pages and time.monotonic() < deadline:
            if time.monotonic() > report:
                report += 15
                print(f"  {len(done)} of {pages} interactive after {time.monotonic() - start:.0f} s", file=sys.stderr)
            for i, page in enumerate(opened):
                if i not in done:
                    try:
                        if page.evaluate(_INTERACTIVE_JS, INTERACTIVE_SELECTOR):
                            done[i] = time.monotonic() - start
                    except Exception:  # navigating: try again
                        pass
            time.sleep(0.1)
        if len(done) < pages:
            index = next(i for i in range(pages) if i not in done)
            stuck = opened[index]
            print("its console:", consoles[index].messages[-8:], consoles[index].page_errors[-3:], file=sys.stderr)
            print("a page that is not interactive shows:\n" + stuck.evaluate("() => document.body ? document.body.innerText.slice(0, 800) : ''"), file=sys.stderr)
    finally:
        for context in contexts:
            context.close()
    if len(done) < pages:
        raise RuntimeError(f"only {len(done)} of {pages} pages became interactive within {timeout:.0f} s")
    return sorted(done.values())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for all pages")
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds between two arrivals (0: all at once)")
    parser.add_argument("--log-dir", default=None, help="keep each server's log here (to study a stall)")
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = []
    bare = bare_kernel_rss()
    kernel_rss = None
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browsers = [launch_chromium(playwright) for _ in range(max(1, -(-args.pages // PAGES_PER_BROWSER)))]
        browser = browsers[0]
        try:
            for name in args.configs:
                server, url = start_room(Path(tmp) / name, CONFIGS[name])
                try:
                    times = arrival(browsers, url, args.pages, args.timeout, args.stagger)
                    if kernel_rss is None:
                        # One page open and rendered: its kernel (the live poller running).
                        context = browser.new_context()
                        page = context.new_page()
                        page.goto(url)
                        page.wait_for_selector(INTERACTIVE_SELECTOR, timeout=120_000)
                        time.sleep(2)
                        rss = [_mib(k.memory_info().rss) for k in participant_kernels(server)]
                        kernel_rss = statistics.median(rss) if rss else float("nan")
                        context.close()
                finally:
                    server.stop()
                    if args.log_dir:
                        Path(args.log_dir).mkdir(parents=True, exist_ok=True)
                        (Path(args.log_dir) / f"{name}.log").write_text(server.output())
                rows.append((name, times))
        finally:
            for one in browsers:
                one.close()

    when = f"one every {args.stagger:g} s" if args.stagger else "all at once"
    print(f"\nParticipant pages arriving {when}: {args.pages} pages, 390x844, {len(browsers)} Chromium "
          f"processes, 2-core machine")
    print("| configuration | first interactive (s) | median (s) | all interactive (s) |")
    print("| --- | --- | --- | --- |")
    for name, times in rows:
        print(f"| {LABELS[name]} | {times[0]:.1f} | {statistics.median(times):.1f} | {times[-1]:.1f} |")
    print("\nKernel memory (RSS)")
    print("| kernel | MiB | ratio |")
    print("| --- | --- | --- |")
    print(f"| bare ipykernel + ipywidgets + plotly imported (baseline) | {bare:.0f} | 1.00 |")
    print(f"| participant kernel, page rendered | {kernel_rss:.0f} | {kernel_rss / bare:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
