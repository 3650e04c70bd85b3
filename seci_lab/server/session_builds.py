"""What a workshop server sends about a session, built once per version and shared.

One server process answers many pages of one session: 200 phones' long-polls and a room
screen or two, all woken by one version watch (:mod:`.version_watch`). Each kind of answer is
built once per version of the session, at most one build at a time (requests arriving while
a build runs wait for it and share its bytes), from one read of the session
(:meth:`~seci_lab.store.workshop.WorkshopStore.snapshot`), and the newest read is shared by
both kinds: the room screen, woken with the phones, reuses the read their build made.

- :class:`StateBuilds`: the participant page's state (:func:`~seci_lab.model.session_view.participant_state`),
  with an id per build so that a page's poll gets only the board's changes since the build it shows;
- :class:`RoomBuilds`: the room screen's view (:func:`~seci_lab.model.session_view.room_view`).

A room of 200 phones with 600 contributions on the board would otherwise download the board
(about 100 kB) on every change, several times a second, over the room's Wi-Fi; and building
per request took most of the server's time.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Awaitable, Callable

from ..content.workshop import phase_prompt
from ..model import TEXT_MAX_CHARS
from ..model.session_view import SessionSnapshot, participant_state, room_view
from ..store.workshop import WorkshopStore

__all__ = ["KEPT_BUILDS", "KEPT_SESSIONS", "Build", "RoomBuilds", "StateBuilds", "json_bytes"]

#: Builds of each session's state kept to answer with the board's changes since one of them.
KEPT_BUILDS = 8
#: Sessions whose builds are kept (the ones asked about most lately); others build again.
KEPT_SESSIONS = 16

Run = Callable[..., Awaitable[Any]]


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _prompt(snapshot: SessionSnapshot) -> str:
    phase = snapshot.session.phase
    return phase_prompt(phase) if phase else ""


@dataclass(frozen=True)
class Build:
    """One build of a session's shared state: its version, an id pages send back to get only
    the changes since, the whole state as JSON, and its parts for computing changes (a past
    build keeps only its id and board: ``body`` and ``rest`` are emptied)."""

    version: int
    id: str
    body: bytes
    has_clusters: bool
    board: dict[int, dict]
    rest: dict


class _OneAtATime:
    """The newest value per session of something with a ``version``, made by ``make`` (run off
    the event loop by ``run``; it stores what it made in ``newest``) at most once at a time."""

    def __init__(self, run: Run, make: Callable[[int], None]):
        self.run, self.make = run, make
        self.newest: dict[int, Any] = {}
        self._making: dict[int, asyncio.Future] = {}

    async def get(self, session_id: int, at_least: int) -> Any:
        while True:
            cached = self.newest.get(session_id)
            if cached is not None and cached.version >= at_least:
                return cached
            making = self._making.get(session_id)
            if making is None or making.done():  # a build that ended may be older than wanted
                making = self._making[session_id] = asyncio.ensure_future(self.run(self.make, session_id))
            await asyncio.shield(making)


class StateBuilds:
    """The participant page's state of each session, built once per version (see the module)."""

    def __init__(self, store: WorkshopStore, run: Run):
        self.store, self.run = store, run
        #: The newest read of each session (shared with :class:`RoomBuilds`).
        self.snapshots: dict[int, SessionSnapshot] = {}
        self._latest = _OneAtATime(run, lambda session_id: self._build_state(session_id))
        self._shared = self._latest.newest
        self._builds: OrderedDict[int, OrderedDict[str, Build]] = OrderedDict()  # the last KEPT_BUILDS per session
        self._changes: dict[tuple[str, str], bytes] = {}
        # Build ids: one random prefix per process (another process's ids never match ours),
        # then a counter (next() on itertools.count is atomic under the GIL: the database
        # threads build states for several sessions at once).
        self._build_prefix = secrets.token_hex(8)
        self._build_numbers = itertools.count(1)

    def read(self, session_id: int, at_least: int = 0) -> SessionSnapshot:
        """The newest read of the session if it holds version ``at_least``, else a new read
        (blocking: call it off the event loop)."""
        kept = self.snapshots.get(session_id)
        if kept is not None and kept.version >= max(at_least, 1):
            return kept
        snapshot = self.store.snapshot(session_id)
        kept = self.snapshots.get(session_id)
        if kept is None or kept.version < snapshot.version:
            self.snapshots[session_id] = snapshot
        return snapshot

    async def shared_state(self, session_id: int, at_least: int | None = None) -> Build:
        """The build of what every participant of the session sees, at version ``at_least`` or
        newer (``None``: the version the database holds now)."""
        if at_least is None:
            at_least = await self.run(self.store.version, session_id)
        return await self._latest.get(session_id, at_least)

    def state_bytes(self, session_id: int, build: Build, since_build: str | None) -> bytes:
        """The JSON of ``build`` for a page that shows ``since_build``: the board's changes
        when this process still holds that build, the whole board otherwise."""
        kept = self._builds.get(session_id, {})
        old = kept.get(since_build) if since_build else None
        if old is None:
            return build.body
        key = (old.id, build.id)
        body = self._changes.get(key)
        if body is None:  # computed once, shared by every phone that showed the same build
            upsert = [item for item_id, item in build.board.items() if old.board.get(item_id) != item]
            remove = [item_id for item_id in old.board if item_id not in build.board]
            body = json_bytes({**build.rest, "board_changes": {"since": old.id, "upsert": upsert, "remove": remove}})
            if len(self._changes) > 4 * KEPT_BUILDS:
                self._changes.clear()
            self._changes[key] = body
        return body

    def _build_state(self, session_id: int) -> None:
        snapshot = self.store.snapshot(session_id)  # always a new read: the version was seen to move
        kept = self.snapshots.get(session_id)
        if kept is None or kept.version < snapshot.version:
            self.snapshots[session_id] = snapshot
        version = snapshot.version
        cached = self._shared.get(session_id)
        if cached is not None and cached.version >= version:
            return
        state = participant_state(snapshot, prompt=_prompt(snapshot), text_max=TEXT_MAX_CHARS)
        board = state.pop("board")
        before = cached.board if cached is not None else {}
        # An item unchanged since the last build is that build's object: the kept builds share
        # their items instead of each holding a copy of the board.
        items = {item["id"]: before[item["id"]] if before.get(item["id"]) == item else item for item in board}
        build = Build(version, f"{self._build_prefix}.{next(self._build_numbers)}",
                      json_bytes({**state, "board": board}), bool(state["clusters"]), items, state)
        self._shared[session_id] = build
        kept_builds = self._builds.setdefault(session_id, OrderedDict())
        if cached is not None and cached.id in kept_builds:  # past builds only answer "what changed since"
            kept_builds[cached.id] = replace(cached, body=b"", rest={})
        kept_builds[build.id] = build
        while len(kept_builds) > KEPT_BUILDS:
            kept_builds.popitem(last=False)
        # A server that runs many sessions keeps the builds of the ones asked about lately.
        self._builds.move_to_end(session_id)
        while len(self._builds) > KEPT_SESSIONS:
            gone, _ = self._builds.popitem(last=False)
            self._shared.pop(gone, None)
            self.snapshots.pop(gone, None)


@dataclass(frozen=True)
class RoomBuild:
    """The room screen's view of a session at one version, as JSON."""

    version: int
    body: bytes


class RoomBuilds:
    """The room screen's view of each session, built once per version from the newest read
    :class:`StateBuilds` holds (or a new one); the spiral model runs here, once per version."""

    def __init__(self, states: StateBuilds, lifetime_s: float | None):
        self.states, self.lifetime_s = states, lifetime_s
        self._latest = _OneAtATime(states.run, lambda session_id: self._build(session_id))
        self._wanted: dict[int, int] = {}

    async def view(self, session_id: int, at_least: int | None = None) -> RoomBuild:
        """The view at version ``at_least`` or newer (``None``: the version the database holds now)."""
        if at_least is None:
            at_least = await self.states.run(self.states.store.version, session_id)
        self._wanted[session_id] = max(at_least, self._wanted.get(session_id, 0))
        return await self._latest.get(session_id, at_least)

    def _build(self, session_id: int) -> None:
        snapshot = self.states.read(session_id, self._wanted.get(session_id, 0))
        cached = self._latest.newest.get(session_id)
        if cached is not None and cached.version >= snapshot.version:
            return
        view = room_view(snapshot, prompt=_prompt(snapshot), lifetime_s=self.lifetime_s)
        self._latest.newest[session_id] = RoomBuild(snapshot.version, json_bytes(view))
        if len(self._latest.newest) > KEPT_SESSIONS:
            self._latest.newest.pop(next(iter(self._latest.newest)))
