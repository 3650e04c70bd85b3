"""The learner's store as every page of a kernel shares it (the course frame and the page below it).

Kept apart from :mod:`seci_lab.ui.lessons` so a light page (the welcome page, the sources) opens
the store without importing every lesson's widgets.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from ..env import DB_ENV
from ..escape import shorten
from ..store.engine import default_url
from ..store.progress import Progress, open_progress
from .common import Message

__all__ = ["open_learner_progress"]

log = logging.getLogger("seci_lab.ui")

#: The learner's store opened by this kernel, by database URL: the course frame and the page below
#: it share one, so what the page saves updates the frame's marks at once (listeners are per object).
_OPENED: dict[str, Progress] = {}


def open_learner_progress(progress: Progress | None = None) -> tuple[Progress | None, Message | None]:
    """``progress`` when given, else the default learner's progress (one per kernel and database);
    on failure, no progress and a message saying what went wrong."""
    if progress is not None:
        return progress, None
    try:
        url = default_url()
        if url not in _OPENED:
            _OPENED[url] = open_progress(url=url)
        return _OPENED[url], None
    except (ValueError, SQLAlchemyError, OSError) as error:
        log.exception("cannot open the progress store")
        message = Message()
        message.show("error", f"Your work cannot be saved on this computer right now ({shorten(str(error), 200)}). "
                     f"Set {DB_ENV} to a writable file and reopen the page.")
        return None, message
