"""What every handler of a workshop participant server shares: the ``Host`` check, strict
security headers (a CSP that allows only this server), JSON errors that say why and never
show a traceback, the XSRF check (double-submit) and the room token of a shared server.

The participant page's API (:mod:`.participant_api`) and the room screen (:mod:`.room_screen`)
build on :class:`BaseHandler`.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

import tornado.web

__all__ = ["CSP", "ROOM_COOKIE", "ApiError", "BaseHandler"]

ROOM_COOKIE = "seci_room"

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class ApiError(tornado.web.HTTPError):
    """A refusal with a message for the person (``{"error": message}``)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None):
        super().__init__(status)
        self.message, self.retry_after = message, retry_after


class BaseHandler(tornado.web.RequestHandler):
    """Host check, security headers, JSON errors."""

    site: Any  # the server's ParticipantSite

    def initialize(self, site: Any) -> None:
        self.site = site

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Cache-Control", "no-store")

    def _check_host(self) -> None:
        if not self.site.hosts.allows(self.request.host):
            raise ApiError(403, "This server does not answer to that host name.")

    def prepare(self) -> None:
        self._check_host()

    def check_xsrf_cookie(self) -> None:
        # With ``xsrf_cookies`` on, tornado runs this before prepare(): the Host check comes
        # first all the same, so a rebinding page learns nothing, not even that XSRF failed.
        self._check_host()
        try:
            super().check_xsrf_cookie()
        except tornado.web.HTTPError:
            raise ApiError(403, "This page is out of date or was opened from another site: reload it and "
                                 "try again.") from None

    def room_ok(self) -> bool:
        """Whether the request carries the room token (always, on a server without one)."""
        token = self.site.room_token
        if not token:
            return True
        cookie = self.get_cookie(ROOM_COOKIE, "")
        return hmac.compare_digest(cookie.encode(), token.encode())

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, ApiError):
            message = error.message
            if error.retry_after is not None:
                self.set_header("Retry-After", str(int(error.retry_after + 0.999)))
        else:  # never a traceback: a short message by status
            message = {403: "Not allowed here.", 404: "Not found.",
                       405: "That method is not allowed here."}.get(
                status_code, "Something went wrong on the server; try again in a moment.")
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"error": message}))
