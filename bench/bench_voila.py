"""Voila time to interactive of every dashboard against a one-FigureWidget notebook, in Chromium.

Servers, all from this environment and started once:

* ``seci-lab serve`` with its defaults (no ``--preheat``), serving the shipped notebooks; its
  kernels get ``SECI_LAB_CLASS_DIR`` = a small synthetic class (``--class-size`` learners), so
  the instructor dashboard opens with the class's folder filled in;
* ``seci-lab workshop`` with its defaults and a live session: ``--participants`` people joined
  and sent a contribution each to the open Socialization phase before the first load. Its
  facilitator dashboard is a Voila page; its participant page has no kernel;
* the baseline: a plain ``voila`` (no seci-lab settings) serving a one-cell notebook that
  displays one ``go.FigureWidget`` of three points.

Each load is cold: a new browser context (empty cache, no cookies) and, for Voila pages, a new
kernel. Loads are interleaved: every round loads the baseline, then a few dashboards, then the
baseline again, and so on, so that the machine's load weighs on both alike. A dashboard's ratio
is its median over the rounds divided by the median of every baseline load of the run.

**Interactive** (times from the navigation start, read in the page with ``performance.now()``,
polled every 50 ms, at most 180 s; a load that times out counts as infinitely slow in the
median and is listed): on a Voila page, the spinner is gone, the cells are shown, every output is
filled, at least as many Plotly figures as the page shows at first are drawn (``.main-svg``)
and the page's known control (listed below, e.g. "Add to spiral") is visible and enabled. On
the participant page (no Voila): its Join button is visible and enabled.

Also recorded per page: copies of plotly.js fetched or evaluated (responses of 4 MB or more:
a plotly.js bundle by URL, or a FigureWidget's inline module evaluated from a ``blob:`` URL)
and the megabytes received over the kernel's websocket.

Usage::

    .venv/bin/python bench/bench_voila.py                       # every dashboard, 5 rounds
    .venv/bin/python bench/bench_voila.py --runs 2 --only 06_knowledge_spiral,instructor
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from playwright.sync_api import TimeoutError as PlaywrightTimeout

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from voila_testing import (  # noqa: E402
    VoilaServer,
    free_port,
    isolated_env,
    launch_chromium,
    start_server,
    start_workshop,
)

LOAD_TIMEOUT_MS = 180_000
BASELINE = "baseline"
BIG_RESPONSE = 4_000_000  # every plotly.js bundle is 4.8-5.0 MB; nothing else on a page comes near


@dataclass(frozen=True)
class Dashboard:
    """A page to load and what makes it interactive."""

    name: str
    server: str  # "serve", "workshop", "facilitator" or "baseline"
    path: str  # appended to the server's URL
    control: str  # CSS selector of the known control
    text: str = ""  # the control's exact text, when the selector alone is not enough
    figures: int = 0  # Plotly figures drawn at first


DASHBOARDS = [
    Dashboard("00_welcome", "serve", "voila/render/00_welcome.ipynb", 'a[href*="01_socialization"]'),
    Dashboard("01_socialization", "serve", "voila/render/01_socialization.ipynb", "button", "Save answer"),
    Dashboard("02_externalization", "serve", "voila/render/02_externalization.ipynb", "button", "Save answer"),
    Dashboard("03_combination", "serve", "voila/render/03_combination.ipynb", "button", "Add card"),
    Dashboard("04_internalization", "serve", "voila/render/04_internalization.ipynb", "button", "Save answer"),
    Dashboard("05_knowledge_creating_company", "serve", "voila/render/05_knowledge_creating_company.ipynb",
              "button", "Check"),
    Dashboard("06_knowledge_spiral", "serve", "voila/render/06_knowledge_spiral.ipynb", "button", "Add to spiral",
              figures=1),
    Dashboard("07_critiques", "serve", "voila/render/07_critiques.ipynb", "button", "Check my debate", figures=2),
    Dashboard("08_sources", "serve", "voila/render/08_sources.ipynb", 'input[placeholder^="an author"]'),
    Dashboard("instructor", "serve", "voila/render/instructor.ipynb", "button", "Load the class"),
    Dashboard("workshop_facilitator", "facilitator", "", "button", "Open phase", figures=1),
    Dashboard("participant page (no kernel)", "workshop", "", "button#join", "Join"),
]
BASELINE_PAGE = Dashboard(BASELINE, "baseline", "voila/render/one_figure.ipynb", ".js-plotly-plot .main-svg",
                          figures=1)

_STALLED_JS = """() => {
  const cells = document.getElementById('rendered_cells');
  const outputs = cells ? [...cells.querySelectorAll('.jp-OutputArea-output')] : [];
  return JSON.stringify({loading: !!document.getElementById('loading'), cells: !!cells,
    empty_outputs: outputs.filter(o => !(o.childElementCount > 0 || o.textContent.trim() !== '')).length,
    figures: document.querySelectorAll('.js-plotly-plot .main-svg').length});
}"""

_READY_JS = """([css, text, figures]) => {
  if (document.body && document.body.dataset.voila !== undefined) {
    if (document.getElementById('loading')) return false;
    const cells = document.getElementById('rendered_cells');
    if (!cells || getComputedStyle(cells).display === 'none') return false;
    const outputs = [...cells.querySelectorAll('.jp-OutputArea-output')];
    if (!outputs.every(o => o.childElementCount > 0 || o.textContent.trim() !== '')) return false;
    if (cells.querySelectorAll('.js-plotly-plot .main-svg').length < figures) return false;
  }
  for (const el of document.querySelectorAll(css)) {
    if (text && el.textContent.trim() !== text) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && !el.disabled) return performance.now();
  }
  return false;
}"""


@dataclass
class Load:
    seconds: float  # infinite when the page did not become interactive within LOAD_TIMEOUT_MS
    plotly_copies: int
    websocket_mb: float
    stalled: str = ""  # what was still missing when it timed out


@dataclass
class Servers:
    urls: dict[str, str] = field(default_factory=dict)
    running: list[VoilaServer] = field(default_factory=list)

    def stop(self) -> None:
        for server in self.running:
            server.stop()


def write_baseline(folder: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}}
    nb.cells = [nbformat.v4.new_code_cell(
        "import plotly.graph_objects as go\n\ngo.FigureWidget(go.Scatter(x=[1, 2, 3], y=[1, 3, 2]))")]
    nbformat.write(nb, folder / "one_figure.ipynb")


def start_plain_voila(root: Path, notebooks: Path, timeout: float = 90.0) -> VoilaServer:
    """``voila`` with its own defaults, serving ``notebooks``, from an empty working directory."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cwd").mkdir(exist_ok=True)
    port = free_port()
    out, err = root / "voila.out", root / "voila.err"
    cmd = [str(Path(sys.executable).with_name("voila")), str(notebooks), "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1"]
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(cmd, cwd=root / "cwd", env=isolated_env(root), stdout=stdout, stderr=stderr)
    server = VoilaServer(f"http://127.0.0.1:{port}/", port, process, root, out, err)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"voila exited with {process.returncode}:\n{server.output()}")
        if "http://" in server.output() and f":{port}" in server.output():
            return server
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"voila did not come up within {timeout:.0f} s:\n{server.output()}")


def start_servers(work: Path, class_size: int, participants: int, needed: set[str]) -> Servers:
    from class_generator import write_class
    from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV

    servers = Servers()
    try:
        baseline_dir = work / "baseline-notebooks"
        baseline_dir.mkdir()
        write_baseline(baseline_dir)
        plain = start_plain_voila(work / "plain-voila", baseline_dir)
        servers.running.append(plain)
        servers.urls["baseline"] = plain.url
        if "serve" in needed:
            class_dir = work / "class"
            class_dir.mkdir()
            write_class(class_dir, n=class_size, seed=7, bad_files=False)
            os.environ[CLASS_DIR_ENV] = str(class_dir)  # start_server passes our environment on
            for name in (CLASS_DB_ENV, INSTRUCTOR_KEY_ENV):
                os.environ.pop(name, None)
            serve = start_server(work / "serve")
            servers.running.append(serve)
            servers.urls["serve"] = serve.url
        if needed & {"workshop", "facilitator"}:
            root = work / "workshop"
            db = root / "data" / "ws.sqlite"
            workshop, facilitator_port = start_workshop(root, ["--db", str(db), "--title", "Bench"])
            servers.running.append(workshop)
            text = workshop.stdout_path.read_text()
            code = re.search(r"Join code:\s+(\S+)", text).group(1)
            key = re.search(r"Facilitator key:\s+(\S+)", text).group(1)
            servers.urls["workshop"] = workshop.url
            servers.urls["facilitator"] = re.search(rf"http://127\.0\.0\.1:{facilitator_port}/\?token=\S+",
                                                    text).group(0)
            live_session(f"sqlite:///{db}", code, key, participants)
    except BaseException:
        servers.stop()
        raise
    return servers


def live_session(db: str, code: str, key: str, participants: int) -> None:
    """People join the session and each sends a contribution to the open Socialization phase."""
    from seci_lab.store.workshop import WorkshopStore

    store = WorkshopStore.open(db, max_per_minute=None)
    try:
        session = store.session_by_code(code)
        store.open_phase(session.id, key, "S")
        for i in range(participants):
            me = store.join(code, f"Person {i + 1}")
            store.submit(me.token, f"Shadowed a colleague on the night shift, visit {i + 1}", f"bench-{i}")
    finally:
        store.close()


def load_once(browser, url: str, dashboard: Dashboard) -> Load:
    """One cold load, until the page is interactive."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    big: list[str] = []
    ws_bytes = [0]

    def on_response(response) -> None:
        size = response.headers.get("content-length")
        if size and size.isdigit() and int(size) >= BIG_RESPONSE:
            big.append(response.url)

    def on_websocket(ws) -> None:
        ws.on("framereceived", lambda payload: ws_bytes.__setitem__(0, ws_bytes[0] + len(payload)))

    page.on("response", on_response)
    page.on("websocket", on_websocket)
    try:
        page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        try:
            ready = page.wait_for_function(
                _READY_JS, arg=[dashboard.control, dashboard.text, dashboard.figures], polling=50,
                timeout=LOAD_TIMEOUT_MS,
            ).json_value()
        except PlaywrightTimeout:
            return Load(math.inf, len(big), ws_bytes[0] / 1e6, stalled=page.evaluate(_STALLED_JS))
        return Load(ready / 1000, len(big), ws_bytes[0] / 1e6)
    finally:
        page.goto("about:blank")  # unload: Voila stops the page's kernel
        context.close()


def schedule(dashboards: list[Dashboard], every: int) -> list[Dashboard]:
    """One round: the baseline, ``every`` dashboards, the baseline again, ..."""
    order: list[Dashboard] = []
    for start in range(0, len(dashboards), every):
        order.append(BASELINE_PAGE)
        order += dashboards[start:start + every]
    return order


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds: cold loads of each page")
    parser.add_argument("--only", default="", help="comma-separated dashboard names (default: all)")
    parser.add_argument("--every", type=int, default=4, help="dashboards between two baseline loads")
    parser.add_argument("--class-size", type=int, default=12, help="learners in the instructor's class")
    parser.add_argument("--participants", type=int, default=6, help="people in the live workshop session")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between loads")
    args = parser.parse_args(argv)
    wanted = [n.strip() for n in args.only.split(",") if n.strip()]
    dashboards = [d for d in DASHBOARDS if not wanted or d.name in wanted]
    if wanted and len(dashboards) != len(wanted):
        parser.error(f"unknown dashboard(s); choose from {[d.name for d in DASHBOARDS]}")

    from playwright.sync_api import sync_playwright

    results: dict[str, list[Load]] = {d.name: [] for d in [BASELINE_PAGE, *dashboards]}
    uptimes = [os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="seci-bench-") as tmp:
        servers = start_servers(Path(tmp), args.class_size, args.participants, {d.server for d in dashboards})
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    # Warm each server process once (imports, templates), untimed.
                    for d in {d.server: d for d in [BASELINE_PAGE, *dashboards]}.values():
                        load_once(browser, servers.urls[d.server] + d.path, d)
                    for run in range(args.runs):
                        for d in schedule(dashboards, args.every):
                            load = load_once(browser, servers.urls[d.server] + d.path, d)
                            results[d.name].append(load)
                            print(f"  run {run + 1} {d.name:32} {load.seconds:6.2f} s  plotly.js x{load.plotly_copies}"
                                  f"  ws {load.websocket_mb:5.2f} MB  load {os.getloadavg()[0]:.1f}"
                                  + (f"  TIMED OUT, still missing: {load.stalled}" if load.stalled else ""),
                                  file=sys.stderr, flush=True)
                            time.sleep(args.pause)
                        uptimes.append(os.getloadavg())
                finally:
                    browser.close()
        finally:
            servers.stop()

    base = statistics.median(load.seconds for load in results[BASELINE])
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", "bench/bench_voila.py", *(argv or sys.argv[1:])])
    print(f"\nTime to interactive, median of {args.runs} cold loads in Chromium (`{command}`); "
          f"load average (1 min) {min(u[0] for u in uptimes):.1f}-{max(u[0] for u in uptimes):.1f} during the run\n")
    print("| page | interactive (s) | min-max (s) | ratio to baseline | timed out | plotly.js copies | websocket MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, loads in results.items():
        secs = [load.seconds for load in loads]  # a load that timed out counts as infinitely slow
        median = statistics.median(secs)
        label = "baseline: one FigureWidget, plain voila" if name == BASELINE else name
        print(f"| {label} | {median:.2f} | {min(secs):.2f}-{max(secs):.2f} | {median / base:.2f} | "
              f"{sum(math.isinf(x) for x in secs)} | {statistics.median(load.plotly_copies for load in loads):.0f} | "
              f"{statistics.median(load.websocket_mb for load in loads):.1f} |")
    print("\nGoal: every ratio at most 1.3 (the spiral lab below 1.0 if possible).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
