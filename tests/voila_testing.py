"""Support for the browser tests and the Voila benchmark: a served seci-lab, Chromium, checks.

Used by ``tests/conftest.py`` (fixtures) and ``bench/bench_voila.py``. Kept free of pytest
so the benchmark can import it; Playwright and psutil are imported only when needed.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence
from urllib.parse import urlparse

from seci_lab.env import DB_ENV, TOKEN_ENV

__all__ = [
    "AXE_BLOCKING",
    "AXE_PATH",
    "AXE_TAGS",
    "CHROMIUM_ARGS",
    "ConsoleRecord",
    "INTERACTIVE_SELECTOR",
    "KNOWN_HARMLESS_CONSOLE",
    "VoilaServer",
    "charts",
    "axe_findings",
    "find_chromium",
    "free_port",
    "launch_chromium",
    "layout_problems",
    "page_errors",
    "start_server",
    "start_workshop",
    "steps_named",
    "table_rows",
    "wait_for_interactive",
    "wait_for_chart_name",
    "wait_for_named_charts",
    "wait_for_widgets_shown",
    "wait_for_voila",
]

# docs/architecture.md: Debian's Chromium, never a Playwright download.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# docs/architecture.md, "Voila and Plotly". Matched by text;
# anything else at level "error" (or any uncaught page error) fails a browser test.
KNOWN_HARMLESS_CONSOLE = (
    re.compile(r"r\.setData is not a function"),  # plotly's page extension; the figure renders
    re.compile(r"font-?awesome", re.IGNORECASE),  # the CDN stylesheet, when offline (our template drops it)
    # Version warnings of the JupyterLab core bundled in Voila (shared-module negotiation).
    re.compile(r"Unsatisfied version .* of shared singleton module"),
    re.compile(r"No satisfying version .* of shared module"),
    # anywidget 0.11 logs this when a model's ESM takes over 2 s to load (AbortSignal.timeout
    # in its Runtime), i.e. while the page is busy parsing plotly.js; the widget still loads.
    # Measured on notebook 05: 4 of 12 cold loads logged it, and the 3 download buttons
    # (anywidget) downloaded their files in all 12. Listed here, not in docs/architecture.md.
    re.compile(r"^\[anywidget\] Failed to initialize model\.$"),
)

# The first thing a learner can use: a widget control that is visible and enabled.
INTERACTIVE_SELECTOR = ", ".join(
    f"{scope}:not([disabled])"
    for tag in ("button", "input", "select", "textarea")
    for scope in (f".jupyter-widgets {tag}", f"{tag}.jupyter-widgets")  # inside a widget, or one itself
)

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# axe-core from npm (tests/js/package.json pins it; `make test` runs `npm ci --prefix tests/js`).
AXE_PATH = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core's tags).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
AXE_BLOCKING = ("critical", "serious")


def find_chromium() -> str | None:
    """The Chromium to drive: ``$CHROMIUM_PATH``, then /usr/bin/chromium, else None."""
    candidates = [os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium"]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def launch_chromium(playwright, executable: str | None = None):
    """Launch the system Chromium headless with the flags docs/architecture.md lists."""
    executable = executable or find_chromium()
    if executable is None:
        raise RuntimeError("No Chromium: set CHROMIUM_PATH or install chromium (scripts/ensure-chromium.sh).")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seci_lab_command() -> list[str]:
    script = Path(sys.executable).with_name("seci-lab")
    if script.exists():
        return [str(script)]
    found = shutil.which("seci-lab")
    return [found] if found else [sys.executable, "-m", "seci_lab"]


def isolated_env(root: Path) -> dict[str, str]:
    """Environment for a server or kernel whose home, Jupyter and data dirs are under ``root``."""
    dirs = {
        "HOME": "home",
        "TMPDIR": "tmp",
        "JUPYTER_CONFIG_DIR": "jupyter/config",
        "JUPYTER_DATA_DIR": "jupyter/data",
        "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
        "IPYTHONDIR": "ipython",
        "XDG_CACHE_HOME": "xdg/cache",
        "XDG_CONFIG_HOME": "xdg/config",
        "XDG_DATA_HOME": "xdg/data",
        "MPLCONFIGDIR": "xdg/matplotlib",
    }
    env = dict(os.environ)
    for name, sub in dirs.items():
        path = root / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    # The learner database (seci_lab.store), outside every served folder.
    (root / "data").mkdir(parents=True, exist_ok=True)
    env[DB_ENV] = str(root / "data" / "seci-lab.sqlite")
    env["JUPYTER_PLATFORM_DIRS"] = "1"  # silence jupyter_core's path-migration warning
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("JUPYTER_PATH", None)
    env.pop(TOKEN_ENV, None)  # a token exported in the tester's shell would lock the servers
    env["BROWSER"] = "true"  # belt and braces with --no-browser: never open a desktop browser
    return env


@dataclass
class VoilaServer:
    """A ``seci-lab serve`` subprocess."""

    url: str  # base URL, ending in "/"
    port: int
    process: subprocess.Popen
    root: Path
    stdout_path: Path
    stderr_path: Path
    # psutil.Process objects, not bare pids: a pid is soon reused (pid_max may be 32768), and
    # ending a reused pid at stop() would end another process, such as the tests' Chromium.
    kernels_seen: set = field(default_factory=set)
    # What the command printed until it answered: the session-wide server also logs every
    # later test's kernels and closed browser sockets, which say nothing about starting up.
    startup_output: str = ""
    descendants: dict = field(default_factory=dict)  # pid -> psutil.Process, see remember_descendants

    def output(self) -> str:
        """What the command printed so far (stdout, then stderr)."""
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(errors="replace")

    def kernel_processes(self) -> list:
        """The server's kernel processes that are running now (psutil objects)."""
        import psutil

        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        kernels = [c for c in children if _is_kernel(c)]
        self.kernels_seen.update(kernels)
        return kernels

    def remember_descendants(self) -> None:
        """Note every process the server started so far (a hub's proxy, servers, kernels), so that
        :meth:`stop` ends them even when the server died first and they were left orphaned."""
        import psutil

        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return
        for child in children:
            self.descendants.setdefault(child.pid, child)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (Voila then shuts its kernels down), then kill what is left, by pid."""
        import psutil

        self.kernel_processes()  # remember the pids before the parent goes
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        leftovers = [c for c in children if c.is_running()]
        # psutil.Process.is_running is False for a pid since reused by another process
        leftovers += [p for p in self.descendants.values() if p not in leftovers and p.is_running()]
        # is_running() compares the start time too, so a pid since given to another process is skipped
        leftovers += [p for p in self.kernels_seen if p not in leftovers and p.is_running()]
        for proc in leftovers:
            try:
                proc.terminate()
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(leftovers, timeout=5)
        for proc in alive:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass


def _is_kernel(proc) -> bool:
    try:
        cmdline = proc.cmdline()
    except Exception:  # process gone or not ours to read
        return False
    return any("ipykernel" in part for part in cmdline)


def start_server(
    root: Path,
    extra_args: Sequence[str] = (),
    port: int | None = None,
    timeout: float = 90.0,
    command: Sequence[str] | None = None,
) -> VoilaServer:
    """Start ``seci-lab serve --no-browser`` from an empty working directory under ``root``.

    Waits until ``/`` answers and the address is printed; raises RuntimeError with the
    server's output when it does not come up.
    """
    root.mkdir(parents=True, exist_ok=True)
    cwd = root / "cwd"  # an empty directory: proves the command works from anywhere
    cwd.mkdir(exist_ok=True)
    port = port or free_port()
    stdout_path, stderr_path = root / "serve.out", root / "serve.err"
    cmd = list(command or _seci_lab_command()) + ["serve", "--no-browser", "--port", str(port), *extra_args]
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        process = subprocess.Popen(cmd, cwd=cwd, env=isolated_env(root), stdout=out, stderr=err)
    server = VoilaServer(f"http://127.0.0.1:{port}/", port, process, root, stdout_path, stderr_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"seci-lab serve exited with {process.returncode}:\n{server.output()}")
        if f"127.0.0.1:{port}/" in stdout_path.read_text(errors="replace") and _answers(port):
            server.startup_output = server.output()
            return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"seci-lab serve did not come up within {timeout:.0f} s:\n{server.output()}")


def start_workshop(root: Path, extra_args: Sequence[str] = (), timeout: float = 120.0,
                   ready=None, banner: str = "Join code:") -> tuple[VoilaServer, int]:
    """Start ``seci-lab workshop --no-browser`` from an empty working directory under ``root``.

    Waits until ``banner`` (the join code) is printed (and ``ready(output)`` is true, if given). Returns the
    participant server and the facilitator's port; raises RuntimeError with the output when
    the workshop does not come up.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "cwd").mkdir(exist_ok=True)
    port, facilitator_port = free_port(), free_port()
    out, err = root / "workshop.out", root / "workshop.err"
    cmd = [*_seci_lab_command(), "workshop", "--no-browser", "--port", str(port),
           "--facilitator-port", str(facilitator_port), *extra_args]
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(cmd, cwd=root / "cwd", env=isolated_env(root), stdout=stdout, stderr=stderr)
    server = VoilaServer(f"http://127.0.0.1:{port}/", port, process, root, out, err)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = server.output()
        if banner in text and (ready is None or ready(text)):
            return server, facilitator_port
        if process.poll() is not None:
            raise RuntimeError(f"seci-lab workshop exited with {process.returncode}:\n{server.output()}")
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"seci-lab workshop did not come up within {timeout:.0f} s:\n{server.output()}")


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status < 500
    except OSError:
        return False
    finally:
        conn.close()


@dataclass
class ConsoleRecord:
    """Console messages, uncaught page errors and requests of one Playwright page."""

    messages: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page) -> "ConsoleRecord":
        record = cls()
        page.on("console", lambda msg: record.messages.append((msg.type, msg.text)))
        page.on("pageerror", lambda exc: record.page_errors.append(str(exc)))
        page.on("requestfailed", lambda req: record.failed_requests.append(f"{req.url} ({req.failure})"))
        page.on("request", lambda req: record.requests.append(req.url))
        return record

    def errors(self) -> list[str]:
        """Console errors and page errors that are not on the known-harmless list."""
        found = [text for kind, text in self.messages if kind == "error"] + self.page_errors
        return [text for text in found if not any(p.search(text) for p in KNOWN_HARMLESS_CONSOLE)]

    def assert_no_errors(self) -> None:
        """Fail with every unexpected console or page error."""
        errors = self.errors()
        assert not errors, "unexpected browser console errors:\n" + "\n---\n".join(errors)

    def external_requests(self) -> list[str]:
        """Requests that left this computer (anything but localhost; data: and blob: are local)."""
        return [
            url for url in self.requests
            if urlparse(url).scheme in ("http", "https", "ws", "wss")
            and urlparse(url).hostname not in _LOCAL_HOSTS
        ]


def wait_for_voila(page, timeout: float = 60.0) -> None:
    """Wait until a Voila page is rendered: spinner gone, cells shown, every output filled.

    Voila 0.5 shows ``#loading`` while the kernel runs the notebook, then shows
    ``#rendered_cells``; widget outputs stay empty until the widget manager has loaded the
    models (for plotly, after its bundle). Raises AssertionError when Voila reports a failed
    cell, so a broken page fails fast instead of timing out.
    """
    ms = timeout * 1000
    page.wait_for_selector("#rendered_cells", state="visible", timeout=ms)
    page.wait_for_selector("#loading", state="detached", timeout=ms)
    page.wait_for_function(
        """() => [...document.querySelectorAll('#rendered_cells .jp-OutputArea-output')]
                 .every(out => out.childElementCount > 0 || out.textContent.trim() !== '')""",
        timeout=ms,
    )
    problems = page_errors(page)
    assert not problems, "the Voila page shows errors:\n" + "\n".join(problems)


def page_errors(page) -> list[str]:
    """Error outputs visible in a Voila page: failed cells, stderr, widgets that did not render."""
    return page.evaluate(
        """() => {
          const found = [];
          for (const el of document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]'))
            found.push('stderr: ' + el.textContent.trim().slice(0, 500));
          const text = document.body ? document.body.innerText : '';
          for (const marker of ['There was an error when executing cell', 'Error displaying widget',
                                'Traceback (most recent call last)'])
            if (text.includes(marker)) found.push(marker);
          return found;
        }"""
    )


def wait_for_widgets_shown(page, timeout: float = 60.0, quiet: float = 1.5) -> None:
    """Wait until the page's cells stop changing for ``quiet`` seconds: every widget view drawn.

    Widget views render one by one after Voila shows the cells (the first control can be
    usable while the next ones, or a figure, are still being built), so a check of the whole
    page waits for the rendered cells to hold the same number of elements for a while.
    """
    page.evaluate("() => { window.__seciQuiet = {count: -1, since: 0}; }")
    page.wait_for_function(
        """(quietMs) => {
             const count = document.querySelectorAll('#rendered_cells *').length;
             const state = window.__seciQuiet, now = performance.now();
             if (count !== state.count) { state.count = count; state.since = now; return false; }
             return now - state.since >= quietMs;
           }""",
        arg=quiet * 1000, polling=250, timeout=timeout * 1000,
    )


def axe_findings(page, rules: Sequence[str] = (), impacts: Sequence[str] = AXE_BLOCKING) -> list[dict]:
    """Run axe-core on ``page`` as it is now; one dict per violating element and rule.

    Checks the WCAG A/AA rules (:data:`AXE_TAGS`), or only ``rules`` when given. Keeps the
    findings whose impact is in ``impacts``: each has ``id``, ``impact``, ``target`` (a CSS
    selector) and ``help``. axe-core is injected once per page load (``add_script_tag``).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_PATH))
    run_only = {"type": "rule", "values": list(rules)} if rules else {"type": "tag", "values": list(AXE_TAGS)}
    return page.evaluate(
        """async ([runOnly, impacts]) => {
             const result = await window.axe.run(document, {runOnly, resultTypes: ['violations']});
             return result.violations.flatMap(v => v.nodes
               .filter(n => impacts.includes(n.impact || v.impact))
               .map(n => ({id: v.id, impact: n.impact || v.impact, target: n.target.join(' '), help: v.help})));
           }""",
        [run_only, list(impacts)],
    )


def wait_for_interactive(page, timeout: float = 60.0) -> None:
    """Wait until the first widget control is visible and enabled (the benchmark's "interactive")."""
    page.wait_for_selector(INTERACTIVE_SELECTOR, state="visible", timeout=timeout * 1000)


# Each chart shown: its role, its accessible name, and the steps its mode markers draw (traces
# named "S Socialization" ... "I Internalization"; an animation's legend keys draw none).
_CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(gd => gd.getClientRects().length > 0)
  .map(gd => {
    let steps = 0;
    for (const t of gd.data || [])
      if (/^[SECI] [A-Z][a-z]+$/.test(t.name || '') && t.x) steps += [...t.x].filter(v => v !== null).length;
    return {role: gd.getAttribute('role'), name: gd.getAttribute('aria-label') || '', steps};
  })"""


def charts(page) -> list[dict]:
    """The charts visible in the page: ``{"role", "name", "steps"}`` each, in page order."""
    return page.evaluate(_CHARTS_JS)


def wait_for_named_charts(page, n: int, timeout: float = 90.0) -> list[dict]:
    """Wait until ``n`` charts are visible, each with role="figure" and a name; returns :func:`charts`."""
    page.wait_for_function(
        f"""() => {{ const c = ({_CHARTS_JS})();
             return c.length === {n} && c.every(x => x.role === 'figure' && x.name.length > 0); }}""",
        timeout=timeout * 1000)
    return charts(page)


def wait_for_chart_name(page, text: str, timeout: float = 60.0) -> dict:
    """Wait until a visible chart's name contains ``text``; returns that chart (:func:`charts`)."""
    page.wait_for_function(f"""(text) => ({_CHARTS_JS})().some(c => c.role === 'figure' && c.name.includes(text))""",
                           arg=text, timeout=timeout * 1000)
    return next(c for c in charts(page) if text in c["name"])


def steps_named(chart: dict) -> int:
    """How many steps a spiral chart's name says it draws ("... 12 steps in 3 rounds ...")."""
    found = re.search(r"(\d+) steps? in \d+ rounds?", chart["name"])
    assert found, f"the chart's name does not say its steps: {chart['name']!r}"
    return int(found.group(1))


def table_rows(table) -> int:
    """The body rows of the HTML table(s) in a locator that are shown (not hidden)."""
    return table.evaluate("el => [...el.querySelectorAll('tbody tr')].filter(r => !r.hidden).length")


# What a phone shows cut: Voila's page scrolls inside a container,
# so "the page does not scroll sideways" alone misses clipped widgets. A box is cut when it ends
# right of the viewport (outside a box made to scroll: the course steps, a table's wrapper, the
# chart; or one drawn for screen readers only, .seci-sr-only) or when it hides its own overflow while its
# content is wider.
_LAYOUT_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const SCROLL_BOXES = '.seci-steps ol, .seci-table-wrap, .jp-RenderedHTMLCommon table, pre, .js-plotly-plot, .seci-sr, .seci-sr-only';
  const bad = [];
  const name = e => `${e.tagName.toLowerCase()}.${String(e.className).trim().split(/\\s+/).slice(-2).join('.')}`;
  if (document.scrollingElement.scrollWidth > vw + 1) bad.push(`the page scrolls sideways to ${document.scrollingElement.scrollWidth}px`);
  for (const e of document.querySelectorAll('#rendered_cells *')) {
    if (e.closest(SCROLL_BOXES)) continue;
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.right > vw + 1) bad.push(`${name(e)} ends at ${Math.round(r.right)}px of ${vw}`);
    const s = getComputedStyle(e);
    if ((s.overflowX === 'hidden' || s.overflowX === 'clip') && e.scrollWidth > e.clientWidth + 1)
      bad.push(`${name(e)} cuts ${e.scrollWidth - e.clientWidth}px of its content`);
  }
  return bad;
}"""


def layout_problems(page) -> list[str]:
    """Boxes of the page cut at its current width (empty when nothing is cut)."""
    return page.evaluate(_LAYOUT_JS)
