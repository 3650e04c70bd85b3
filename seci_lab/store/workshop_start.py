"""Opening a workshop's database for ``seci-lab workshop``: a new session, or one resumed with
its key, and a database checked before any server starts (one line to act on when it is
damaged or not a database)."""

from __future__ import annotations

from sqlalchemy.exc import DatabaseError

from ..model.workshop import NotAllowed, WorkshopError
from .engine import unusable_database
from .workshop import WorkshopStore

__all__ = ["check_database", "start_session"]


def start_session(url: str, title: str, format: str = "seci", *, join_code: str | None = None,
                  resume: str | None = None, key: str | None = None, room_screen: bool = False):
    """Create a session at ``url``, or resume the session ``resume`` (its join code) with its ``key``.

    Returns ``(session, key)``, and with ``room_screen`` ``(session, key, room screen token)``.
    Raises WorkshopError (a ValueError) with a message to act on, also for a database that
    cannot be used (a damaged file: :func:`seci_lab.store.engine.unusable_database`).
    """
    store = check_database(url)
    try:
        if resume:
            session = store.session_by_code(resume)
            if not key or not store.check_key(session.id, key):
                raise NotAllowed(f"The facilitator key does not match session {session.join_code}: "
                                 "give the key printed when it was created.")
        else:
            session = store.create_session(title, format, join_code)
            key = session.key
        if room_screen:
            return session, key, store.room_screen_token(session.id, key)
        return session, key
    except DatabaseError as error:
        raise WorkshopError(unusable_database(url, error)) from None
    finally:
        store.close()


def check_database(url: str) -> WorkshopStore:
    """The workshop store at ``url``, opened (its tables created or brought up to date); WorkshopError
    with one line to act on when the database cannot be used (damaged, not a database, unreadable)."""
    try:
        return WorkshopStore.open(url)
    except DatabaseError as error:
        raise WorkshopError(unusable_database(url, error)) from None
