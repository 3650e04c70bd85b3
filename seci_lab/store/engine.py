"""Database engines for seci-lab: SQLite by default, PostgreSQL (or any SQLAlchemy URL) by choice.

Many Voila kernels (one per visitor) write to the same SQLite file. Python's default
deferred transactions lose writes there ("database is locked" ignores the busy timeout when a
reader upgrades to a writer), so (docs/architecture.md):

- WAL journal, so readers never block the writer;
- every write transaction starts with ``BEGIN IMMEDIATE`` (it takes the write lock up front,
  where the busy timeout applies);
- a 30 s busy timeout and a bounded retry with backoff around each write;
- the threads of one process take turns on a lock per SQLite file before they begin a write:
  SQLite's busy handler makes a writer that finds the file locked sleep 1, 2, 5 ... 100 ms
  before it looks again, so under a stream of writes from several threads one of them could
  lose for seconds (``bench/bench_store_writes.py``: 4 threads, 4 ms writes, worst wait
  1.6-2.7 s; with the lock about 20 ms); another process's writes still wait in the busy handler;
- callers pass an idempotency key where a double click must not store twice.

Use :func:`write` for every change and :func:`read` for queries.
"""

from __future__ import annotations

import os
import random
import threading
import time
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import platformdirs
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from ..env import DB_ENV

__all__ = ["create_tables", "database_url", "default_url", "make_engine", "migrate_columns", "read", "unusable_database",
           "write", "data_dir"]

BUSY_TIMEOUT_S = 30.0
WRITE_ATTEMPTS = 8

_writer_locks: dict[str, threading.RLock] = {}
_writer_locks_guard = threading.Lock()

T = TypeVar("T")


def data_dir() -> Path:
    """The per-user data folder (never inside a served notebooks folder)."""
    return Path(platformdirs.user_data_dir("seci-lab", appauthor=False))


def database_url(value: str) -> str:
    """``value`` as a SQLAlchemy URL: a URL as given, a file path as a SQLite URL (absolute)."""
    value = value.strip()
    return value if "://" in value else f"sqlite:///{Path(value).expanduser().resolve()}"


def default_url() -> str:
    """``$SECI_LAB_DB`` (a SQLAlchemy URL or a file path), else a SQLite file in :func:`data_dir`."""
    value = os.environ.get(DB_ENV, "").strip()
    if value:
        return database_url(value)
    return f"sqlite:///{data_dir() / 'seci-lab.sqlite'}"


def migrate_columns(engine: Engine, metadata: MetaData) -> list[str]:
    """Bring tables made by an older seci-lab up to ``metadata``: add each column they lack.

    The stores' schema changes only by added columns, so this is the whole migration: a column
    added later is nullable or has a server default, and ``ALTER TABLE ... ADD COLUMN`` keeps every
    row. Returns ``"table.column"`` of what was added. Safe when several kernels migrate at once
    (a column another kernel added meanwhile is taken as added).
    """
    from sqlalchemy.schema import CreateColumn

    added = []
    inspector = inspect(engine)
    existing_tables = set(inspector.get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in existing_tables:
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            if not column.nullable and column.server_default is None:
                raise ValueError(f"The database's table {table.name} lacks the column {column.name}, which "
                                 "cannot be added to existing rows: it was made by an incompatible seci-lab.")
            ddl = CreateColumn(column).compile(dialect=engine.dialect)
            statement = f"ALTER TABLE {engine.dialect.identifier_preparer.quote(table.name)} ADD COLUMN {ddl}"
            try:
                write(engine, lambda conn, statement=statement: conn.exec_driver_sql(statement))
            except (OperationalError, ProgrammingError) as error:
                if "duplicate" not in str(error).lower() and "exists" not in str(error).lower():
                    raise
            added.append(f"{table.name}.{column.name}")
    return added


def unusable_database(url: str, error: Exception) -> str:
    """One line saying that the database at ``url`` cannot be used and why (``error``: SQLAlchemy's
    DatabaseError, e.g. "file is not a database" for a damaged SQLite file), without a password."""
    from sqlalchemy.engine import make_url

    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL after all: show where it points, never what precedes an "@"
        shown = url.split("@")[-1]
    reason = (str(getattr(error, "orig", None) or error).strip().splitlines() or ["unknown error"])[0][:200]
    return (f"The database {shown} cannot be used ({reason}): it may be damaged, or not a seci-lab database. "
            "Use another database file (a new one is created), or restore a backup of this one.")


def create_tables(engine: Engine, metadata: MetaData) -> None:
    """Create the tables of ``metadata`` that are missing, and add the columns that tables of an
    older schema lack (:func:`migrate_columns`); safe when many kernels open a store at once."""
    names = set(metadata.tables)
    for attempt in range(5):
        if names <= set(inspect(engine).get_table_names()):
            migrate_columns(engine, metadata)
            return
        try:
            write(engine, lambda conn: metadata.create_all(conn, checkfirst=True))
            migrate_columns(engine, metadata)
            return
        except (OperationalError, ProgrammingError, IntegrityError):
            # Another process created them between our check and create: look again.
            time.sleep(0.05 * (attempt + 1))
    metadata.create_all(engine, checkfirst=True)
    migrate_columns(engine, metadata)


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default :func:`default_url`) with the settings above.

    Raises
    ------
    ValueError
        When the SQLite file's folder cannot be created or the URL is not understood.
    """
    url = url or default_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:" and not path.startswith("file:"):
            try:
                _private_file(Path(path))
            except OSError as error:
                raise ValueError(f"Cannot create the database {path}: {error.strerror}.") from error
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        _configure_sqlite(engine)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as error:  # a bad URL or a missing driver: say which
        raise ValueError(f"Cannot open the database {url!r}: {error}") from error


def _private_file(path: Path) -> None:
    """Create the database file ``path`` readable by its owner only (0600), in a folder only the
    owner may enter (0700) when the folder is new: learners' work is nobody else's business.
    SQLite gives its -wal and -shm files the database file's permissions."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event, not the sqlite3 module, start transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across crashes of the process in WAL
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _is_busy(error: OperationalError) -> bool:
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text or "could not serialize" in text or "deadlock" in text


def write(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run ``work(connection)`` in one write transaction, retrying when the database is busy.

    ``work`` may run more than once, so it must only touch the database (use an idempotency
    key for inserts that must happen once).
    """
    delay = 0.05
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with writer_turn(engine), engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
                with conn.begin():
                    return work(conn)
        except OperationalError as error:
            if attempt == WRITE_ATTEMPTS or not _is_busy(error):
                raise
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")


def writer_turn(engine: Engine) -> AbstractContextManager:
    """This process's turn to write to ``engine``'s SQLite file (a lock per file; nothing to
    wait for on other databases, whose writers queue on row locks)."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    database = engine.url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file:")
    key = f"engine-{id(engine)}" if in_memory else os.path.realpath(database)
    with _writer_locks_guard:
        lock = _writer_locks.get(key)
        if lock is None:
            # Re-entrant: a write begun inside another write on the same thread waits for
            # SQLite's busy timeout and fails, as it did before this lock, instead of hanging.
            lock = _writer_locks[key] = threading.RLock()
    return lock


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A connection for queries (a deferred transaction: never blocks writers under WAL)."""
    with engine.connect() as conn:
        yield conn
