"""Wakes the participant page's long-polls when a session's version moves
(:mod:`.participant_api`): one reader per server process, not one per phone."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

__all__ = ["COALESCE_S", "WATCH_INTERVAL_S", "VersionWatch"]

log = logging.getLogger("seci_lab.server")

#: How often the process reads each watched session's version (one indexed read).
WATCH_INTERVAL_S = 0.25
#: Changes within this long are sent to the waiting pages in one answer.
COALESCE_S = 0.2


class VersionWatch:
    """Wakes long-polls when a session's version moves: one reader per process, not per phone.

    It polls the database (so a write from another process, e.g. the facilitator's kernel,
    is seen too) while anyone waits, and is poked right after a write made here.
    """

    def __init__(self, read_version: Callable[[int], int], run: Callable[..., Awaitable[Any]]):
        # ``read_version`` is a blocking store call, run off the event loop by ``run``.
        self.read_version, self.run = read_version, run
        self.versions: dict[int, int] = {}
        self.changed: dict[int, asyncio.Event] = {}
        self.waiting: dict[int, int] = {}
        self._pending: set[int] = set()
        self._task: asyncio.Task | None = None

    async def wait_newer(self, session_id: int, since: int, timeout: float) -> None:
        """Return once the session's version exceeds ``since`` or ``timeout`` passed."""
        deadline = asyncio.get_running_loop().time() + timeout
        self.waiting[session_id] = self.waiting.get(session_id, 0) + 1
        try:
            if self._task is None or self._task.done():
                self._task = asyncio.ensure_future(self._poll())
            while self.versions.get(session_id, 0) <= since:
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    return
                event = self.changed.setdefault(session_id, asyncio.Event())
                try:
                    await asyncio.wait_for(event.wait(), left)
                except asyncio.TimeoutError:
                    return
        finally:
            self.waiting[session_id] -= 1

    def poke(self, session_id: int, version: int) -> None:
        """The session is at ``version`` (read here, e.g. after a write): when that is news,
        wake the waiters soon instead of at the next poll.

        Changes close together are answered together (within ``COALESCE_S``): a room sending
        at once would otherwise wake every phone's poll once per contribution.
        """
        if version <= self.versions.get(session_id, 0):
            return
        self.versions[session_id] = version
        if session_id not in self._pending:
            self._pending.add(session_id)
            asyncio.get_running_loop().call_later(COALESCE_S, self._wake, session_id)

    def _wake(self, session_id: int) -> None:
        self._pending.discard(session_id)
        event = self.changed.pop(session_id, None)
        if event is not None:
            event.set()

    async def _poll(self) -> None:
        while any(self.waiting.values()):
            for session_id in [s for s, n in self.waiting.items() if n]:
                try:
                    version = await self.run(self.read_version, session_id)
                except Exception:  # noqa: BLE001 - a failed read: try again at the next tick
                    log.exception("Reading the version of session %s failed", session_id)
                    continue
                if version > self.versions.get(session_id, 0):
                    self.poke(session_id, version)
            await asyncio.sleep(WATCH_INTERVAL_S)
