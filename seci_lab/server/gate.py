"""Pages built a few at a time, so a room opening the address at once does not stall."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Awaitable, Callable

__all__ = ["PageGate"]

_WAIT_HEARTBEAT_S = 5.0


class PageGate:
    """Lets at most ``limit`` pages be built (kernel started, notebook run) at the same time.

    Pages over the limit wait in arrival order; while one waits, ``keep_waiting(first)`` is
    awaited every few seconds (the handler writes a comment so the connection stays open).
    A visitor who leaves while waiting gives their place up (the write fails).
    """

    def __init__(self, limit: int):
        if limit < 1:
            raise ValueError("at least one page must be allowed to start")
        self.limit = limit
        self.waiting = 0
        self._semaphore = None  # created in the server's event loop

    @contextlib.asynccontextmanager
    async def turn(self, keep_waiting: Callable[[bool], Awaitable[None]]):
        """Enter when it is this page's turn; leaving lets the next waiting page in."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.limit)
        if self._semaphore.locked():  # full, or others already waiting: queue behind them
            await self._wait(keep_waiting)
        else:
            await self._semaphore.acquire()
        try:
            yield
        finally:
            self._semaphore.release()

    async def _wait(self, keep_waiting: Callable[[bool], Awaitable[None]]) -> None:
        acquire = asyncio.ensure_future(self._semaphore.acquire())
        self.waiting += 1
        try:
            await keep_waiting(True)
            while not (await asyncio.wait({acquire}, timeout=_WAIT_HEARTBEAT_S))[0]:
                await keep_waiting(False)
        except BaseException:
            if acquire.done() and not acquire.cancelled() and acquire.exception() is None:
                self._semaphore.release()  # our turn came as we gave up: pass it on
            else:
                acquire.cancel()
            raise
        finally:
            self.waiting -= 1
