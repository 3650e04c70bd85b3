"""Attempts counted in the database, so that a limit holds in every server process at once.

Two workshop servers behind a reverse proxy share one database but no memory: a limit kept in
one process's memory (wrong join codes per address, contributions per device) would let a
visitor who reaches the other process start afresh. :class:`StoredWindow` counts the attempts
in a table of the shared database instead. Keys (an address, a session) are stored only as
SHA-256 digests, and attempts older than the window are deleted as new ones come in.

:meth:`StoredWindow.take` checks and counts in one write transaction, under a lock held until it
commits (SQLite: ``BEGIN IMMEDIATE``, one writer at a time; PostgreSQL: a transaction-scoped
advisory lock per limit and key, as a row lock cannot guard rows that do not exist yet). So
requests in flight at the same moment, in one process or several, pass one after the other and
never more than the limit: 300 concurrent wrong join codes are not all evaluated.
"""

from __future__ import annotations

import hashlib
import time
from typing import Callable

from sqlalchemy import (Column, Engine, Float, Index, Integer, MetaData, String, Table, and_, bindparam, delete, insert,
                        select, text)

from .engine import create_tables, read, write

__all__ = ["StoredWindow", "attempts_table"]

metadata = MetaData()

attempts_table = Table(
    "ws_attempts", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("key_hash", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_ws_attempts_key", "kind", "key_hash", "at"),
)

#: Old attempts are deleted once every this many hits (per window object).
PRUNE_EVERY = 200

# Built once (as the workshop store's hot statements): building one costs more than running it.
_SQL_RECENT = (
    select(attempts_table.c.at)
    .where(and_(attempts_table.c.kind == bindparam("b_kind"), attempts_table.c.key_hash == bindparam("b_key"),
                attempts_table.c.at > bindparam("b_since")))
    .order_by(attempts_table.c.at.desc()).limit(bindparam("b_limit"))
)
_SQL_HIT = insert(attempts_table)
_SQL_PRUNE = delete(attempts_table).where(and_(
    attempts_table.c.kind == bindparam("b_kind"), attempts_table.c.at <= bindparam("b_before")))


def _digest(key: object) -> str:
    return hashlib.sha256(repr(key).encode("utf-8", "backslashreplace")).hexdigest()


def _hash_kind(kind: str) -> int:
    """A 64-bit number for ``kind``, mixed into the advisory lock of each key."""
    return int.from_bytes(hashlib.sha256(kind.encode()).digest()[:8], "big", signed=True)


class StoredWindow:
    """At most ``limit`` hits per key in any ``window_s`` seconds, counted in the database of
    ``engine`` under ``kind`` (one name per limit): the same count for every process using it.

    The interface of :class:`seci_lab.server.guard.SlidingWindow`.
    """

    def __init__(self, engine: Engine, kind: str, limit: int, window_s: float,
                 clock: Callable[[], float] = time.time):
        self.engine, self.kind, self.limit, self.window_s, self.clock = engine, kind, limit, window_s, clock
        self._hits = 0
        create_tables(engine, metadata)

    def retry_after(self, key: object) -> float | None:
        """Seconds to wait before ``key`` may try again, or ``None`` when it may now."""
        now = self.clock()
        with read(self.engine) as conn:
            recent = conn.execute(_SQL_RECENT, {"b_kind": self.kind, "b_key": _digest(key),
                                                "b_since": now - self.window_s, "b_limit": self.limit}).scalars().all()
        if len(recent) < self.limit:
            return None
        return max(1.0, recent[-1] + self.window_s - now)  # when the oldest of the last ``limit`` expires

    def take(self, key: object) -> float | None:
        """Seconds to wait (nothing counted), or ``None`` after counting one attempt of ``key``:
        the check and the count in one transaction, under a lock per key."""
        digest = _digest(key)

        def work(conn):
            now = self.clock()
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:lock)"),
                             {"lock": int.from_bytes(bytes.fromhex(digest)[:8], "big", signed=True)
                              ^ _hash_kind(self.kind)})
            recent = conn.execute(_SQL_RECENT, {"b_kind": self.kind, "b_key": digest, "b_since": now - self.window_s,
                                                "b_limit": self.limit}).scalars().all()
            if len(recent) >= self.limit:
                return max(1.0, recent[-1] + self.window_s - now)
            conn.execute(_SQL_HIT, {"kind": self.kind, "key_hash": digest, "at": now})
            return None

        return write(self.engine, work)

    def give_back(self, key: object) -> None:
        """Forget the latest attempt of ``key`` (it turned out not to count: the right code)."""
        digest = _digest(key)

        def work(conn):
            latest = conn.execute(select(attempts_table.c.id).where(and_(
                attempts_table.c.kind == self.kind, attempts_table.c.key_hash == digest))
                .order_by(attempts_table.c.at.desc(), attempts_table.c.id.desc()).limit(1)).scalar()
            if latest is not None:
                conn.execute(delete(attempts_table).where(attempts_table.c.id == latest))

        write(self.engine, work)

    def hit(self, key: object) -> None:
        """Count one attempt of ``key`` now."""
        now = self.clock()
        self._hits += 1
        prune = self._hits % PRUNE_EVERY == 0

        def work(conn):
            conn.execute(_SQL_HIT, {"kind": self.kind, "key_hash": _digest(key), "at": now})
            if prune:
                conn.execute(_SQL_PRUNE, {"b_kind": self.kind, "b_before": now - self.window_s})

        write(self.engine, work)
