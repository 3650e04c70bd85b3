"""Secrets kept out of the servers' logs: a :class:`logging.Filter` for every logger that writes
a request's address.

tornado's access log is replaced by :func:`seci_lab.server.app.log_request_scrubbed`, but other
lines carry the address too: tornado's warning for a 404 or 403 (``404 GET
/voila/render/x.ipynb?token=... (127.0.0.1): file or directory does not exist``, on
``tornado.general``), uncaught errors (``tornado.application``) and the Jupyter server's and
Voila's own messages. The filter rewrites each record's message with the values of ``token``,
``key`` and ``_xsrf`` query arguments replaced by ``[secret]``, whichever logger it reached:
also when the name is percent-encoded (tornado reads ``tok%65n`` as ``token``), when the
address sits encoded inside another one's argument (``/login?next=%2F...%3Ftoken%3D...``), and
a token in an ``Authorization`` header.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

__all__ = ["SCRUBBED_LOGGERS", "SecretFilter", "install_secret_filter", "scrub_text"]

#: The loggers that write requests' addresses: tornado's three, the Jupyter server's and Voila's
#: application loggers (traitlets names them after the class), and the root logger's own records.
SCRUBBED_LOGGERS = ("tornado.access", "tornado.application", "tornado.general", "Voila", "ServerApp",
                    "VoilaApp", "")

_SECRET_NAMES = frozenset({"token", "key", "_xsrf"})
# A query argument: its separator ("?", "&", ";", or one of them percent-encoded, once or more,
# as in an address inside another one's "next" argument), its name (tornado decodes "tok%65n"
# to "token"), "=" (or "%3D"...) and its value, up to the next separator, plain or encoded
# (a value already scrubbed, "[secret]", is left as it is).
_ENCODED_SEPARATOR = r"%(?:25)*(?:26|3b|23|3f)"
_ARGUMENT = re.compile(
    rf"(?P<lead>(?:[?&;]|%(?:25)*(?:3f|26|3b))(?P<name>(?:[\w.\-]|(?!{_ENCODED_SEPARATOR}|%(?:25)*3d)%[0-9a-f]{{2}})+)"
    r"(?:=|%(?:25)*3d))"
    rf"(?!\[secret\])(?P<value>(?:(?!{_ENCODED_SEPARATOR})[^&;#\s'\"<>)\]])+)", re.IGNORECASE)
# A token in a header: "Authorization: token ...", also as a JSON dump of the headers.
_AUTHORIZATION = re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:token|bearer|basic)\s+)(?!\[secret\])[^\s\"',}]+")


def _decoded(name: str) -> str:
    for _ in range(4):  # "%2565" is "%65" is "e"
        plainer = unquote(name)
        if plainer == name:
            break
        name = plainer
    return name.lower()


def _scrub_argument(match: re.Match) -> str:
    if _decoded(match["name"]) not in _SECRET_NAMES:
        return match[0]
    return match["lead"] + "[secret]"


def scrub_text(text: str) -> str:
    """``text`` with the values of secret query arguments (``?token=...``, also percent-encoded)
    and of ``Authorization`` headers replaced by ``[secret]``."""
    return _AUTHORIZATION.sub(r"\1[secret]", _ARGUMENT.sub(_scrub_argument, text))


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
