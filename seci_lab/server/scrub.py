"""Secrets kept out of the servers' logs: a :class:`logging.Filter` for every logger that writes
a request's address.

tornado's access log is replaced by :func:`seci_lab.server.app.log_request_scrubbed`, but other
lines carry the address too: tornado's warning for a 404 or 403 (``404 GET
/voila/render/x.ipynb?token=... (127.0.0.1): file or directory does not exist``, on
``tornado.general``), uncaught errors (``tornado.application``) and the Jupyter server's and
Voila's own messages. The filter rewrites each record's message with the values of ``token``,
``key`` and ``_xsrf`` query arguments replaced by ``[secret]``, whichever logger it reached.
"""

from __future__ import annotations

import logging
import re

__all__ = ["SCRUBBED_LOGGERS", "SecretFilter", "install_secret_filter", "scrub_text"]

#: The loggers that write requests' addresses: tornado's three, the Jupyter server's and Voila's
#: application loggers (traitlets names them after the class), and the root logger's own records.
SCRUBBED_LOGGERS = ("tornado.access", "tornado.application", "tornado.general", "Voila", "ServerApp",
                    "VoilaApp", "")

# A value up to the next separator; one already scrubbed ("[secret]") is left as it is.
_SECRET_ARGUMENT = re.compile(r"(?i)([?&;](?:token|key|_xsrf)=)(?!\[secret\])[^&;#\s'\"<>)\]]+")


def scrub_text(text: str) -> str:
    """``text`` with the values of secret query arguments (``?token=...``) replaced by ``[secret]``."""
    return _SECRET_ARGUMENT.sub(r"\1[secret]", text)


class SecretFilter(logging.Filter):
    """Rewrites a record whose message holds a secret query argument (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format itself is the handler's business
            return True
        scrubbed = scrub_text(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


_FILTER = SecretFilter()


def install_secret_filter(*extra: logging.Logger) -> None:
    """Put the filter on :data:`SCRUBBED_LOGGERS`, on ``extra`` loggers, and on all their handlers
    (a logger's filter sees only the records logged on it, a handler's also those of its children).
    Idempotent."""
    loggers = [logging.getLogger(name) if name else logging.getLogger() for name in SCRUBBED_LOGGERS]
    for logger in [*loggers, *extra]:
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
