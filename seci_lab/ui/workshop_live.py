"""The facilitator page's live refresh, run on the kernel's event loop.

The live poller notices a change from its thread; the redraw itself runs on the kernel's loop
(:meth:`LoopRefresh._live`): the board, header and counts at once, the heavy views (the
spiral, its table, the moderation and cluster lists) at most every ``LIVE_REST_INTERVAL_S``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

__all__ = ["LIVE_REST_INTERVAL_S", "LoopRefresh"]

log = logging.getLogger(__name__)

#: While contributions stream in, the board, header and counts follow every change; the
#: rest (the spiral, its table, the moderation and cluster lists) at most this often. Those
#: are the page's heavy redraws (a Plotly figure, two lists of hundreds of options): redrawn
#: on every change, a room of 200 kept the browser busy and the board fell behind.
LIVE_REST_INTERVAL_S = 1.5


class LoopRefresh:
    """Mixin of a page with ``refresh()``, ``_refresh_board()`` (the quick views, returning what
    it read) and ``_refresh_rest()`` (the heavy ones): call :meth:`_start_loop_refresh` in
    ``__init__``, :meth:`_rest_started` when the heavy views are redrawn, and give the poller
    :meth:`_live`."""

    def _start_loop_refresh(self) -> None:
        # The kernel's event loop (None outside a kernel): the live refresh runs there, see _live.
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        self._queued = False
        self._rest_handle: asyncio.TimerHandle | None = None
        self._rest_at = float("-inf")  # when the heavy views were last brought up to date (loop time)

    def _rest_started(self) -> None:
        if self._loop is not None:
            self._rest_at = self._loop.time()

    def _live(self) -> None:
        """The live poller's refresh (called from its thread): done on the kernel's event loop.

        The kernel handles the browser's messages about the spiral's FigureWidget on that loop,
        holding the widget's sync meanwhile; an edit made from another thread at that moment
        (plotly sends each edit as a value set and reset at once) lost its first value, and
        the spiral stopped following the board.
        """
        loop = self._loop
        if loop is None or loop.is_closed() or not loop.is_running():
            self.refresh()
        elif not self._queued:
            self._queued = True
            loop.call_soon_threadsafe(self._queued_refresh)

    @staticmethod
    def _live_step(step: Callable[[], object]) -> bool:
        """Run one live redraw; a failure (a database hiccup) is logged and the next change
        redraws again. Returns whether it succeeded."""
        try:
            step()
            return True
        except Exception:
            log.exception("live update failed")
            return False

    def _queued_refresh(self) -> None:
        """A live change on the kernel's loop: the board now, the heavy views throttled."""
        self._queued = False
        if not self._live_step(self._refresh_board):
            return
        if self._rest_handle is None and self._loop is not None:
            delay = max(0.0, self._rest_at + LIVE_REST_INTERVAL_S - self._loop.time())
            self._rest_handle = self._loop.call_later(delay, self._queued_rest)

    def _queued_rest(self) -> None:
        self._rest_handle = None
        self._live_step(self._refresh_rest)
