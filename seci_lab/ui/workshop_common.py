"""Pieces of the workshop dashboards: the store, live polling, the timer, QR, the board.

- :func:`open_workshop_store` opens the workshop store at ``$SECI_LAB_DB`` (``seci-lab
  workshop`` sets it); without one, a notebook run headlessly falls back to a SQLite file in a
  temporary folder and says so.
- :class:`LivePoller` watches the store's change counter from a kernel thread and calls a
  refresh function when it moves, so a board updates within a second of a submission without
  the page asking.
- :class:`Countdown` shows a phase's time left, ticking in the browser (no message per second).
- :func:`qr_svg` (from :mod:`seci_lab.exports.qr`) draws the join address as an SVG made by us from the address alone.
- :func:`board_html` draws the live board: contributions grouped by round and phase, escaped.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import anywidget
import ipywidgets as widgets
import traitlets

from ..env import DB_ENV
from ..escape import html_text, shorten
from ..exports.qr import qr_svg
from ..model import Level

if TYPE_CHECKING:  # the participant page draws its first board after joining: pandas loads then
    import pandas as pd

__all__ = [
    "Countdown",
    "LivePoller",
    "board_html",
    "full_width",
    "labelled",
    "one_line",
    "open_workshop_store",
    "declared_note",
    "origin_html",
    "qr_svg",
    "room_link_html",
]

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.5


def open_workshop_store(url: str | None = None):
    """Open the workshop store; returns ``(store, note)``.

    ``note`` is ``""`` when the database came from ``url`` or ``$SECI_LAB_DB``; otherwise the
    store is a SQLite file in a new temporary folder (a notebook run on its own, e.g. in the
    test suite) and ``note`` says that nothing will be shared with other pages.
    """
    from ..store.workshop import WorkshopStore

    note = ""
    if not url and not os.environ.get(DB_ENV, "").strip():
        folder = Path(tempfile.mkdtemp(prefix="seci-lab-workshop-"))
        url = f"sqlite:///{folder / 'workshop.sqlite'}"
        note = ("No workshop database is configured, so this page uses a private temporary one. "
                "Start a workshop with the command seci-lab workshop to share it with participants.")
    return WorkshopStore.open(url), note


def full_width() -> widgets.Layout:
    """A full-width layout, new on each call: widgets sharing one Layout would also share
    ``display: none``."""
    return widgets.Layout(width="100%")


def labelled(widget: widgets.Widget, label: str) -> widgets.Widget:
    """``widget`` with ``label`` as its description, shown at full length."""
    widget.description = label
    widget.style = {"description_width": "initial"}
    return widget


def one_line(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters: for dropdown options naming a contribution."""
    return shorten(" ".join(str(text).split()), limit)


def board_html(frame: pd.DataFrame, *, show_hidden: bool = False, empty: str = "Nothing on the board yet.") -> str:
    """Contributions (rows of ``WorkshopStore.contributions_frame``) as an accessible list grouped
    by round and phase; every text escaped. ``show_hidden`` flags hidden and withdrawn ones (the
    facilitator's board)."""
    if frame.empty:
        return f'<p class="seci-board-empty">{html_text(empty)}</p>'
    parts = ['<div class="seci-board">']
    for (round_, label), group in frame.groupby(["round", "phase_label"], sort=False):
        parts.append(f"<h4>Round {int(round_)} · {html_text(label)} ({len(group)})</h4><ul>")
        for row in group.itertuples(index=False):
            flags = []
            if show_hidden and bool(row.hidden):
                flags.append("[hidden]")
            if show_hidden and bool(row.withdrawn):
                flags.append("[withdrawn]")
            # A harvest note is read through its arc (Story Harvest), as the phones show it.
            arc = f" <em>(arc “{html_text(row.arc)}”)</em>" if isinstance(row.arc, str) else ""
            cluster = f" <em>in “{html_text(row.cluster)}”</em>" if isinstance(row.cluster, str) else ""
            flag = f"<strong>{' '.join(flags)}</strong> " if flags else ""
            parts.append(f'<li data-id="{int(row.id)}">{flag}<span class="seci-text">{html_text(row.text)}</span>'
                         f' <span class="seci-who">— {html_text(row.participant)}</span>{arc}{cluster}</li>')
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


class LivePoller:
    """Call ``refresh()`` whenever ``version()`` changes, from a daemon thread.

    Widget updates from a kernel thread reach the page under Voila (ipykernel sends comm
    messages from any thread); a lock keeps a refresh from running alongside another.
    """

    def __init__(self, version: Callable[[], object], refresh: Callable[[], None],
                 interval: float = POLL_INTERVAL_S, lock: threading.RLock | None = None):
        self._version = version
        self._refresh = refresh
        self.interval = interval
        self.lock = lock or threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: object = None

    def start(self) -> None:
        """Start polling (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="seci-lab-live", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()

    def seen(self, version: object) -> None:
        """Note a version already shown (after a refresh done by a callback)."""
        self._last = version

    def _run(self) -> None:
        failures = 0
        while not self._stop.wait(self.interval):
            try:
                current = self._version()
                if current != self._last:
                    with self.lock:
                        self._refresh()
                    self._last = current
                failures = 0
            except Exception:  # a database hiccup: log it, back off, keep the page alive
                failures += 1
                log.exception("live update failed")
                self._stop.wait(min(30.0, self.interval * 2 ** failures))


_COUNTDOWN_ESM = r"""
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "seci-countdown";
  box.setAttribute("role", "timer");
  box.setAttribute("aria-live", "off");
  let offset = 0;
  const fmt = (s) => {
    s = Math.max(0, Math.round(s));
    const m = Math.floor(s / 60), r = s % 60;
    return m + ":" + String(r).padStart(2, "0");
  };
  const tick = () => {
    const deadline = model.get("deadline");
    const label = model.get("label");
    if (!deadline) { box.textContent = label; box.dataset.state = "none"; return; }
    const left = deadline - (Date.now() + offset) / 1000;
    box.dataset.state = left > 0 ? "running" : "over";
    box.textContent = label + " " + (left > 0 ? fmt(left) + " left" : "time is up");
  };
  const sync = () => { offset = model.get("server_now") * 1000 - Date.now(); tick(); };
  sync();
  model.on("change", sync);
  const timer = setInterval(tick, 1000);
  el.appendChild(box);
  return () => clearInterval(timer);
}
export default { render };
"""


class Countdown(anywidget.AnyWidget):
    """Time left until ``deadline`` (Unix seconds; 0 = no deadline), ticking in the browser.

    ``server_now`` is the kernel's clock when the deadline was set, so a phone whose clock is
    off still counts down correctly.
    """

    _esm = _COUNTDOWN_ESM
    _css = ".seci-countdown{font-weight:600;font-size:1.1em;padding:0.2em 0}"
    deadline = traitlets.Float(0.0).tag(sync=True)
    server_now = traitlets.Float(0.0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)

    def set(self, deadline: float | None, label: str) -> None:
        """Show ``label`` and the time left until ``deadline`` (None: no timer)."""
        with self.hold_sync():
            self.server_now = time.time()
            self.deadline = float(deadline or 0.0)
            self.label = label

    def seconds_left(self) -> float | None:
        """Seconds until the deadline by the kernel's clock (None without a deadline)."""
        return None if not self.deadline else max(0.0, self.deadline - time.time())


def origin_html(start) -> str:
    """Where a session that is a new spiral started (nothing for a first spiral)."""
    if start is None:
        return ""
    return (f"<p>A new spiral, started from session {start.parent_session_id}'s cluster "
            f"“{html_text(start.cluster_name)}” (round {start.seed.round}, "
            f"{html_text(Level(start.seed.level).label)} level): it starts from that spiral's explicit "
            "knowledge.</p>")


def declared_note(trajectory, session_id: int, round_: int) -> str:
    """What the spiral model made of the level-up declared in ``round_`` (its ``note``)."""
    rows = trajectory[(trajectory["spiral"] == str(session_id)) & (trajectory["round"] == round_)
                      & (trajectory["mode"] == "I")] if len(trajectory) else trajectory
    return str(rows["note"].iloc[0]) if len(rows) else ""


def room_link_html(store, session, key: str, join_url: str) -> str:
    """The facilitator's link to the session's room screen (read-only, its own token: never the
    facilitator's key or token), or where to find it when no join address is known."""
    from ..model.session_view import room_screen_address
    from .templates import render

    token = store.room_screen_token(session.id, key)
    return render("room_link.html.j2", href=room_screen_address(join_url, token) if join_url else "", token=token)
