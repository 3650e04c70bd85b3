"""The room screen: a read-only page of a session for the projector, served by the workshop's
participant server(s) without a kernel, like the participant page.

The facilitator's page (or ``seci-lab workshop``) gives its address, ``/room?screen=TOKEN``,
with the session's **room screen token** (:meth:`~seci_lab.store.workshop.WorkshopStore.room_screen_token`):
never the facilitator's token or key. The token only shows: a browser that opens the address
gets it in an HttpOnly cookie scoped to ``/room`` and is sent to ``/room``, so the token
leaves the address bar (which a projector shows) and the browser's history; every write that
carries it, here or on the participant API, is refused with 403.

=======  ===========================  ================================================
GET      ``/room?screen=TOKEN``       keep the token in a cookie, go to ``/room``
GET      ``/room``                    the page (plain HTML, one script, one style sheet)
GET      ``/room/api/state?since=V``  the session's room view (long-poll: waits up to 25 s for a
                                      version newer than ``V``), ``{now, join_url, view}``
GET      ``/room/qr.svg``             the QR code of the join address (with the join code after ``#``)
=======  ===========================  ================================================

The view (:func:`~seci_lab.model.session_view.room_view`) is built once per version of the
session (:class:`~.session_builds.RoomBuilds`) and holds only visible contributions, authors'
names or "anonymous" as they chose, and nothing to act with.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import tornado.web

from ..exports.qr import qr_svg
from ..model.workshop import NotAllowed, WorkshopError
from .api_base import ApiError, BaseHandler
from .session_builds import json_bytes

__all__ = ["ROOM_PAGE_DIR", "ROOM_POLL_S", "SCREEN_COOKIE", "room_handlers"]

ROOM_PAGE_DIR = Path(__file__).with_name("room_page")
#: The cookie holding a room screen token (path ``/room``: the participant API never gets it).
SCREEN_COOKIE = "seci_room_screen"
#: A room screen's long-poll answers after this long even when nothing changed.
ROOM_POLL_S = 25.0
READ_ONLY = "The room screen only shows the session: it cannot change anything."
UNKNOWN = "Open the room screen's address from the facilitator's page or the seci-lab workshop command."


class _RoomHandler(BaseHandler):
    """A room screen request: reads only, with the room screen token's cookie."""

    def initialize(self, site, base: str) -> None:  # type: ignore[override]
        super().initialize(site)
        self.base = base

    def prepare(self) -> None:
        super().prepare()
        if self.request.method not in ("GET", "HEAD"):
            raise ApiError(403, READ_ONLY)

    def compute_etag(self) -> None:
        return None

    async def session_id(self, token: str | None = None) -> int:
        """The session whose room screen this request may show (403 without a known token)."""
        token = self.get_cookie(SCREEN_COOKIE, "") if token is None else token
        known = self.site.room_screens.get(token)
        if known is not None:
            return known
        try:
            session_id = await self.site.run(self.site.store.session_for_room_screen, token)
        except NotAllowed:
            raise ApiError(403, UNKNOWN) from None
        if len(self.site.room_screens) > 1000:
            self.site.room_screens.clear()
        self.site.room_screens[token] = session_id
        return session_id

    def join_url(self, code: str) -> str:
        """The address participants open, with the join code after ``#`` (never sent to a server)."""
        url = self.site.join_url
        if not url:  # e.g. a server started without seci-lab workshop: this server's own address
            url = f"{self.request.protocol}://{self.request.host}{self.base}/"
            if self.site.room_token:
                url += f"?token={self.site.room_token}"
        return f"{url}#{code}" if code else url

    # Every write method, on every room screen address, is refused (prepare says why).
    def post(self, *_args) -> None:
        raise ApiError(403, READ_ONLY)

    put = delete = patch = post


class RoomPageHandler(_RoomHandler):
    """``/room``: the page; ``/room?screen=TOKEN`` keeps the token in a cookie and drops it from the address."""

    async def get(self) -> None:
        token = self.get_query_argument("screen", None)
        if token is not None:
            try:
                await self.session_id(token)
            except ApiError:
                self._text(403, UNKNOWN)
                return
            self.set_cookie(SCREEN_COOKIE, token, httponly=True, samesite="Strict", path=self.base + "/room",
                            expires_days=None if self.site.session_lifetime_s is None
                            else self.site.session_lifetime_s / 86400)
            self.redirect(self.base + "/room")
            return
        try:
            await self.session_id()
        except ApiError:
            self._text(403, UNKNOWN)
            return
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish((ROOM_PAGE_DIR / "index.html").read_bytes())

    def _text(self, status: int, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(message)


class RoomStateHandler(_RoomHandler):
    """The room view, at once or when the session moves past ``since`` (a long-poll)."""

    async def get(self) -> None:
        session_id = await self.session_id()
        since = self.get_query_argument("since", "")
        known = None
        if since:
            try:
                since_version = int(since)
            except ValueError:
                raise ApiError(400, "since must be a whole number (the version last seen).") from None
            await self.site.watch.wait_newer(session_id, since_version, ROOM_POLL_S)
            if self.request.connection.stream.closed():
                return
            known = self.site.watch.versions.get(session_id)
        try:
            build = await self.site.rooms.view(session_id, known)
        except WorkshopError:
            raise ApiError(404, "This session is not in the database any more.") from None
        self.site.watch.poke(session_id, build.version)
        address = json_bytes(self.join_url(""))
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(b'{"now":' + json_bytes(self.site.clock()) + b',"join_url":' + address
                    + b',"view":' + build.body + b"}")


class RoomQrHandler(_RoomHandler):
    """The QR code of the join address with the session's code (a phone that scans it only needs a name)."""

    async def get(self) -> None:
        session_id = await self.session_id()
        session = await self.site.run(self.site.store.session, session_id)
        url = self.join_url(session.join_code)
        if urlsplit(url).scheme not in ("http", "https"):
            raise ApiError(404, "No join address.")
        svg = self.site.qr_codes.get(url)
        if svg is None:
            svg = self.site.qr_codes[url] = qr_svg(url, inline=False)
        self.set_header("Content-Type", "image/svg+xml")
        self.finish(svg)


class RoomAssetHandler(_RoomHandler, tornado.web.StaticFileHandler):
    """The page's script and style sheet (same origin: the CSP allows nothing else)."""

    def initialize(self, site, base: str, path: str) -> None:  # type: ignore[override]
        _RoomHandler.initialize(self, site, base)
        tornado.web.StaticFileHandler.initialize(self, path=path)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")


def room_handlers(site, base: str) -> list[tuple]:
    """The room screen's URL rules (``base``: the server's base URL without its trailing ``/``)."""
    kwargs = {"site": site, "base": base}
    return [
        (base + "/room", RoomPageHandler, kwargs),
        (base + "/room/api/state", RoomStateHandler, kwargs),
        (base + "/room/qr.svg", RoomQrHandler, kwargs),
        (base + r"/room/static/(room\.js|room\.css)", RoomAssetHandler, {**kwargs, "path": str(ROOM_PAGE_DIR)}),
    ]

