"""The participant page without a kernel: a small HTML/JS page and a JSON API over
:class:`~seci_lab.store.workshop.WorkshopStore`, as tornado handlers in the server process.

A Voila page costs a Python kernel per visitor (70-130 MiB and about 2 s of CPU); these
handlers answer a join with one database write and keep nothing per participant but a cookie.
Every rule is the store's and the model's (phase open, own contributions, the rate cap, text
caps, unique names); what is checked here is what only a web server knows:

- the ``Host`` header is one of this server's names (:class:`~.guard.HostAllowList`);
- the room token of a shared server: ``/?token=...`` sets an HttpOnly cookie and redirects to
  ``/``, so the token leaves the address bar, history and ``Referer``;
- every state-changing request carries tornado's XSRF token in the ``X-XSRFToken`` header
  (double-submit: it must match the ``_xsrf`` cookie), is JSON (``Content-Type``) and small;
- the participant's secret lives in an HttpOnly, ``SameSite=Strict`` cookie, never in script;
- joins are limited per address and per session, wrong join codes per address, and a
  participant's submissions per address too, so leaving and joining again keeps the cap; the
  limits per address are counted in the database, so they hold over several server processes
  behind a proxy, and a proxy's ``X-Forwarded-For`` counts only from ``trusted_proxies``; each
  attempt is checked and counted in one step (``Window.take``), so requests sent at once
  cannot pass a check together;
- request JSON is checked before use: nesting, lone surrogates anywhere, ids within 64 bits
  (400 with a message); a participant holds at most ``MAX_POLLS_PER_PARTICIPANT`` long-polls;
  the server's listener (:mod:`.connections`) bounds connections, time and body size;
- sessions end for participants ``session_lifetime_s`` after they were created.

API (JSON in and out; errors are ``{"error": message}`` with a status that says why):

=======  ==================================  =================================================
GET      ``/api/workshop/me``                the state once joined, ``{"me": null}`` before
GET      ``/api/workshop/state?since=V``     the session (long-poll: waits up to 25 s for a
                                             version newer than ``V``); with ``&build=B``
                                             (the ``build`` of the answer last shown) only
                                             the board's changes since then, see below
POST     ``/api/workshop/join``              ``{code, name}`` (no name: anonymous)
POST     ``/api/workshop/leave``             forget the participant on this device
POST     ``/api/workshop/contributions``     ``{text, idempotency_key, phase, parent_id,
                                             source_cluster_id}`` (a take-away draws on a
                                             cluster); answers ``{sent, created, version}``
PUT      ``/api/workshop/contributions/ID``  ``{text}``: edit one's own
DELETE   ``/api/workshop/contributions/ID``  withdraw one's own
PUT      ``/api/workshop/votes/ID``          ``{on}``: vote for a cluster or take it back
=======  ==================================  =================================================

The same server serves the session's read-only room screen for the projector under ``/room``
(:mod:`.room_screen`); a write carrying its token gets 403 here too. The state is built once per
version from one read of the session (:mod:`.session_builds`, :mod:`seci_lab.model.session_view`).

A state answer is ``{version, build, me, state}``; ``state.board`` lists every contribution on
the board. A long-poll that names the ``build`` it shows gets ``state.board_changes``
(``{since, upsert, remove}``: contributions new or changed, ids gone) instead, when this
process still holds that build; otherwise (an old or another process's build) the whole board.
A room of 200 phones with 600 contributions on the board would otherwise download the board
(about 100 kB) on every change, several times a second, over the room's Wi-Fi.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import tornado.web

from ..model.workshop import NotAllowed, Participant, PhaseClosed, RateLimited, WorkshopError, is_expired
from ..store.attempts import StoredWindow
from ..store.workshop import WorkshopStore
from .api_base import ROOM_COOKIE, ApiError, BaseHandler
from .guard import HostAllowList, SlidingWindow, TrustedProxies, Window
from .room_screen import READ_ONLY, SCREEN_COOKIE, room_handlers
from .session_builds import RoomBuilds, StateBuilds, json_bytes
from .version_watch import VersionWatch

__all__ = ["PAGE_DIR", "ParticipantSite", "participant_handlers"]

log = logging.getLogger("seci_lab.server")

PAGE_DIR = Path(__file__).with_name("participant_page")
PARTICIPANT_COOKIE = "seci_participant"
#: Larger bodies are refused before parsing (a contribution is at most a few kilobytes).
MAX_BODY_BYTES = 16 * 1024
#: The participant server refuses larger bodies on their Content-Length, before reading them
#: (:mod:`.connections`); between this and ``MAX_BODY_BYTES`` the API answers 413 itself.
SERVER_MAX_BODY_BYTES = 64 * 1024
#: Ids in a request are database row ids: 64-bit integers.
MAX_ID = 2**63 - 1
#: Long-polls one participant may have waiting at once (a page each: a few tabs or devices).
MAX_POLLS_PER_PARTICIPANT = 4
#: A long-poll answers after this long even when nothing changed (proxies cut idle requests).
LONG_POLL_S = 25.0
DEFAULT_SESSION_LIFETIME_S = 12 * 3600.0
#: A participant's requests mark them active on the facilitator's dashboard ("active in the
#: last 2 minutes"), with at most one write per participant this often (a room stays cheap).
HEARTBEAT_S = 60.0


@dataclass
class ParticipantSite:
    """Settings and shared state of the participant page in one server process."""

    store: WorkshopStore
    hosts: HostAllowList
    room_token: str = ""
    session_lifetime_s: float | None = DEFAULT_SESSION_LIFETIME_S
    #: Whose ``X-Forwarded-For`` / ``X-Real-IP`` is believed (a reverse proxy in front); the
    #: limits per address below count the connection's address otherwise.
    trusted_proxies: TrustedProxies = field(default_factory=TrustedProxies)
    # The limits per address are counted in the database (StoredWindow), so they hold when
    # several server processes share it behind a proxy; None means the default below. The
    # handlers call them in the executor (a database read or write) and the per-session one,
    # in memory, on the event loop.
    #: A phone joins once; a few more for a reload after leaving, a second person on a laptop.
    joins_per_address: Window | None = None
    #: A room of 200 joining within 10 s stays well under this. Counted in this process: it
    #: spreads a rush over this process's capacity, and each process has its own.
    joins_per_session: Window = field(default_factory=lambda: SlidingWindow(600, 60.0))
    #: Wrong join codes from one address before it must wait (guessing a 6-character code
    #: of 31 symbols at 10 per 10 minutes takes centuries).
    wrong_codes_per_address: Window | None = None
    #: Submissions per address: the store caps each participant, this keeps the cap when a
    #: device leaves and joins again as someone new.
    submissions_per_address: Window | None = None
    executor: concurrent.futures.Executor = field(
        default_factory=lambda: concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="seci-api"))
    clock: Callable[[], float] = time.time
    #: The address participants open (``seci-lab workshop``'s join address, e.g. a proxy's),
    #: shown with its QR code on the room screen; "" for this server's own address.
    join_url: str = ""

    def __post_init__(self) -> None:
        engine = self.store.engine
        if self.joins_per_address is None:
            self.joins_per_address = StoredWindow(engine, "join-address", 10, 600.0, self.clock)
        if self.wrong_codes_per_address is None:
            self.wrong_codes_per_address = StoredWindow(engine, "wrong-code-address", 10, 600.0, self.clock)
        if self.submissions_per_address is None and self.store.max_per_minute is not None:
            self.submissions_per_address = StoredWindow(engine, "submit-address", self.store.max_per_minute,
                                                        60.0, self.clock)
        self.watch = VersionWatch(self.store.version, self.run)
        self.builds = StateBuilds(self.store, self.run)
        self.rooms = RoomBuilds(self.builds, self.session_lifetime_s)
        #: Room screen tokens seen, and their sessions; QR codes drawn, by address.
        self.room_screens: dict[str, int] = {}
        self.qr_codes: dict[str, str] = {}
        self._people: dict[str, tuple[Participant, float]] = {}
        self._heard: dict[str, float] = {}
        #: Long-polls waiting now, per participant token.
        self.polls: dict[str, int] = {}

    def person(self, token: str) -> tuple[Participant, float]:
        """The participant of ``token`` and their session's start; kept in memory after the
        first read (neither changes), so a poll costs no lookup. NotAllowed for unknown tokens."""
        known = self._people.get(token)
        if known is None:
            participant = self.store.participant_for(token)
            known = (participant, self.store.session(participant.session_id).created_at)
            if len(self._people) > 20_000:
                self._people.clear()
            self._people[token] = known
        return known

    def known(self, token: str) -> tuple[Participant, float] | None:
        """What :meth:`person` has kept for ``token``, without reading the database (None if nothing)."""
        return self._people.get(token)

    async def heartbeat(self, token: str) -> None:
        """Mark the participant of ``token`` active, at most once per ``HEARTBEAT_S`` (their
        page's polls are the heartbeat: someone who only reads still counts as present)."""
        now = self.clock()
        if now - self._heard.get(token, float("-inf")) < HEARTBEAT_S:
            return
        if len(self._heard) > 20_000:
            self._heard.clear()
        self._heard[token] = now
        await self.run(self.store.touch, token)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking store call off the event loop (Voila's kernels share the loop)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

# ------------------------------------------------------------------------------------ handlers


class PageHandler(BaseHandler):
    """``/``: the page; ``/?token=...`` keeps the room token in a cookie and drops it from the address."""

    def get(self) -> None:
        token = self.get_query_argument("token", None)
        if token is not None and self.site.room_token:
            if not hmac.compare_digest(token.encode(), self.site.room_token.encode()):
                raise tornado.web.HTTPError(403)
            self.set_cookie(ROOM_COOKIE, token, httponly=True, samesite="Strict", path="/",
                            expires_days=None if self.site.session_lifetime_s is None
                            else self.site.session_lifetime_s / 86400)
            self.redirect(self.request.path or "/")
            return
        if not self.room_ok():
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=UTF-8")
            self.finish("Open the join address shown by the facilitator (it includes a token).")
            return
        self.xsrf_token  # noqa: B018 - sets the _xsrf cookie the page's script sends back
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish((PAGE_DIR / "index.html").read_bytes())


class AssetHandler(BaseHandler, tornado.web.StaticFileHandler):
    """The page's script and style sheet (same origin: the CSP allows nothing else)."""

    def initialize(self, site: ParticipantSite, path: str) -> None:  # type: ignore[override]
        BaseHandler.initialize(self, site)
        tornado.web.StaticFileHandler.initialize(self, path=path)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")


class _ApiHandler(BaseHandler):
    """JSON in, JSON out, for one participant (the cookie)."""

    def compute_etag(self) -> None:
        # Answers are never cached (no-store): hashing every state sent to a room is wasted work.
        return None

    def prepare(self) -> None:
        super().prepare()
        if not self.room_ok():
            raise ApiError(403, "Open the join address shown by the facilitator (it includes a token).")
        if self.request.method in ("POST", "PUT", "DELETE"):
            if self.get_cookie(SCREEN_COOKIE) or self.get_query_argument("screen", None) is not None:
                raise ApiError(403, READ_ONLY)  # a room screen's token shows, it never acts
            # Voila's tornado settings leave ``xsrf_cookies`` off, so tornado would not check:
            # check here, for every state-changing request.
            self.check_xsrf_cookie()
            if len(self.request.body) > MAX_BODY_BYTES:
                raise ApiError(413, f"That is too long to send (more than {MAX_BODY_BYTES // 1024} kB).")

    def body(self) -> dict:
        """The request's JSON object (415 when not JSON, 400 when not an object)."""
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise ApiError(415, "Send JSON (Content-Type: application/json).")
        try:
            data = json.loads(self.request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "The request is not valid JSON.") from None
        except RecursionError:
            raise ApiError(400, "The request is nested too deeply.") from None
        if not isinstance(data, dict):
            raise ApiError(400, "The request must be a JSON object.")
        try:
            # Every string a visitor sends, checked at once: JSON may hold a lone surrogate
            # (\ud800), which is no character and which the database cannot store.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(400, "The request holds text that is not valid Unicode (a lone surrogate).") from None
        except RecursionError:
            raise ApiError(400, "The request is nested too deeply.") from None
        return data

    @staticmethod
    def optional_id(data: dict, name: str) -> int | None:
        """``data[name]``: the id of a row (a whole number from 1 to 2**63 - 1), or None when absent."""
        value = data.get(name)
        if value is None or value == 0 and not isinstance(value, bool):
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
            raise ApiError(400, f"{name} must be the number of an item on the board.")
        return value

    def address(self) -> str:
        """The visitor's address, for the limits per address (through a trusted proxy: the
        address the proxy saw)."""
        return self.site.trusted_proxies.client_address(self.request.remote_ip or "?", self.request.headers)

    async def me(self):
        """The participant of this device's cookie, whose session has not ended (401/410 otherwise)."""
        token = self.get_cookie(PARTICIPANT_COOKIE)
        if not token:
            raise ApiError(401, "You have not joined yet: enter the join code.")
        try:
            # Known already (a page's every poll after the first): no trip to the database threads.
            person, started = self.site.known(token) or await self.site.run(self.site.person, token)
        except NotAllowed:
            self.clear_cookie(PARTICIPANT_COOKIE, path="/")
            raise ApiError(401, "This device's place in the session is not known any more: join again.") from None
        if is_expired(started, self.site.clock(), self.site.session_lifetime_s):
            self.clear_cookie(PARTICIPANT_COOKIE, path="/")
            raise ApiError(410, "This session has ended. Ask the facilitator for the code of a new one.")
        await self.site.heartbeat(token)
        return token, person

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A store call, its refusals turned into answers that say what to do."""
        try:
            return await self.site.run(lambda: fn(*args, **kwargs))
        except RateLimited as error:
            raise ApiError(429, str(error), retry_after=error.retry_after) from None
        except NotAllowed as error:
            raise ApiError(403, str(error)) from None
        except PhaseClosed as error:
            raise ApiError(409, str(error)) from None
        except WorkshopError as error:
            raise ApiError(400, str(error)) from None

    async def send_state(self, token: str, person, status: int = 200, known_version: int | None = None,
                         since_build: str | None = None) -> None:
        build = await self.site.builds.shared_state(person.session_id, known_version)
        self.site.watch.poke(person.session_id, build.version)
        votes = await self.site.run(self.site.store.my_votes, token) if build.has_clusters else ()
        # The harvester's arc is in the state's arcs (it can change while the page is open).
        me = {"id": person.id, "name": person.display_name, "anonymous": person.anonymous,
              "votes": sorted(votes)}
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(b'{"version":' + str(build.version).encode() + b',"build":' + json_bytes(build.id)
                    + b',"me":' + json_bytes(me)
                    + b',"state":' + self.site.builds.state_bytes(person.session_id, build, since_build) + b"}")


class JoinHandler(_ApiHandler):
    """A join. Each limit is checked and counted in one step (:meth:`Window.take`), so that
    requests in flight at once cannot all pass a check made before any of them was counted;
    an attempt is given back when it turns out not to count (the right code, a refused join)."""

    async def post(self) -> None:
        site, address = self.site, self.address()
        # Counted as a wrong code until the code proves right (also a request that is no code).
        wait = await site.run(site.wrong_codes_per_address.take, address)
        if wait is not None:
            raise ApiError(429, f"Too many wrong join codes from this device: try again in {wait / 60:.0f} "
                                 "min, or ask the facilitator.", retry_after=wait)
        data = self.body()
        try:
            session = await site.run(site.store.session_by_code, data.get("code"))
        except WorkshopError as error:
            raise ApiError(404 if "No session" in str(error) else 400, str(error)) from None
        await site.run(site.wrong_codes_per_address.give_back, address)
        if is_expired(session.created_at, site.clock(), site.session_lifetime_s):
            raise ApiError(410, "This session has ended. Ask the facilitator for the code of a new one.")
        wait = await site.run(site.joins_per_address.take, address)
        if wait is not None:
            raise ApiError(429, f"This device has joined many times in a short while: wait {wait:.0f} s.",
                            retry_after=wait)
        wait = site.joins_per_session.take(session.id)
        if wait is not None:
            await site.run(site.joins_per_address.give_back, address)
            raise ApiError(429, f"Many people are joining right now: try again in {wait:.0f} s.", retry_after=wait)
        try:
            person = await self.call(site.store.join, session.join_code, data.get("name"))
        except BaseException:
            site.joins_per_session.give_back(session.id)
            await site.run(site.joins_per_address.give_back, address)
            raise
        self.set_cookie(PARTICIPANT_COOKIE, person.token, httponly=True, samesite="Strict", path="/",
                        expires_days=None if self.site.session_lifetime_s is None
                        else self.site.session_lifetime_s / 86400)
        await self.send_state(person.token, person, 201)


class LeaveHandler(_ApiHandler):
    async def post(self) -> None:
        self.clear_cookie(PARTICIPANT_COOKIE, path="/")
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"left": True}))


class StateHandler(_ApiHandler):
    async def get(self) -> None:
        token, person = await self.me()
        since = self.get_query_argument("since", "")
        if since:
            try:
                since_version = int(since)
            except ValueError:
                raise ApiError(400, "since must be a whole number (the version last seen).") from None
            polls = self.site.polls
            if polls.get(token, 0) >= MAX_POLLS_PER_PARTICIPANT:
                raise ApiError(429, f"This session is open on more than {MAX_POLLS_PER_PARTICIPANT} pages at once "
                                     "for you: close one.", retry_after=LONG_POLL_S)
            polls[token] = polls.get(token, 0) + 1
            try:
                await self.site.watch.wait_newer(person.session_id, since_version, LONG_POLL_S)
            finally:
                if polls[token] > 1:
                    polls[token] -= 1
                else:
                    del polls[token]
            if self.request.connection.stream.closed():
                return
            # The version the watch saw: the room's polls woken together share one state.
            await self.send_state(token, person, known_version=self.site.watch.versions.get(person.session_id),
                                  since_build=self.get_query_argument("build", "")[:40] or None)
            return
        await self.send_state(token, person)


class MeHandler(_ApiHandler):
    """What the page asks first: the state when this device has joined, ``{"me": null}`` when not
    (a 200 either way: not having joined yet is no error)."""

    async def get(self) -> None:
        try:
            token, person = await self.me()
        except ApiError as error:
            if error.status_code != 401:
                raise
            self.set_header("Content-Type", "application/json; charset=UTF-8")
            self.finish(json.dumps({"me": None}))
            return
        await self.send_state(token, person)


class MovedHandler(BaseHandler):
    """The address of the kernel-per-visitor notebook this page replaced: an old link or QR code
    leads to the page (a room token in the query goes along)."""

    def initialize(self, site: ParticipantSite, target: str) -> None:  # type: ignore[override]
        super().initialize(site)
        self.target = target

    def get(self) -> None:
        query = self.request.query
        self.redirect(self.target + (f"?{query}" if query else ""))


class IconHandler(BaseHandler):
    """Browsers ask for ``/favicon.ico``; an empty answer keeps a 404 out of their console."""

    def get(self) -> None:
        self.set_status(204)
        self.set_header("Cache-Control", "max-age=86400")


class ContributionsHandler(_ApiHandler):
    async def post(self) -> None:
        data = self.body()
        parent_id, source_cluster_id = self.optional_id(data, "parent_id"), self.optional_id(data, "source_cluster_id")
        token, person = await self.me()
        limit = self.site.submissions_per_address
        key = (person.session_id, self.address())
        store = self.site.store

        def submit():
            # One trip to the database threads for the check, the write and the count: when a
            # room sends at once, each trip waits its turn behind the others' work. The check
            # counts at once (take); a send that stores nothing gives its count back.
            if limit is not None:
                wait = limit.take(key)
                if wait is not None:
                    return None, None, wait
            try:
                sent = store.submit(token, data.get("text"), data.get("idempotency_key"), phase=data.get("phase"),
                                    parent_id=parent_id, source_cluster_id=source_cluster_id)
            except BaseException:
                if limit is not None:
                    limit.give_back(key)
                raise
            if not sent.created and limit is not None:
                limit.give_back(key)
            return sent, store.version(person.session_id), None

        submission, version, wait = await self.call(submit)
        if submission is None:
            raise ApiError(429, f"This device has sent {limit.limit} contributions in the last minute (the "
                                 f"limit). Your text is kept: send it again in {wait:.0f} s.", retry_after=wait)
        self.site.watch.poke(person.session_id, version)
        # No state in the answer: when a room sends at once, building the board for every
        # send would cost more than all the rest; the page's long-poll brings it.
        self.set_status(201 if submission.created else 200)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"sent": submission.id, "created": submission.created, "version": version}))


class ContributionHandler(_ApiHandler):
    async def put(self, contribution_id: str) -> None:
        data = self.body()
        token, person = await self.me()
        await self.call(self.site.store.edit, token, int(contribution_id), data.get("text"))
        await self.send_state(token, person)

    async def delete(self, contribution_id: str) -> None:
        token, person = await self.me()
        await self.call(self.site.store.withdraw, token, int(contribution_id))
        await self.send_state(token, person)


class VoteHandler(_ApiHandler):
    async def put(self, cluster_id: str) -> None:
        data = self.body()
        on = data.get("on")
        if not isinstance(on, bool):
            raise ApiError(400, "Say whether you vote: {\"on\": true} or {\"on\": false}.")
        token, person = await self.me()
        await self.call(self.site.store.vote, token, int(cluster_id), on)
        await self.send_state(token, person)


def participant_handlers(site: ParticipantSite, base_url: str = "/") -> list[tuple]:
    """The page's and the API's URL rules, for ``tornado.web.Application`` or Voila's handlers."""
    base = base_url.rstrip("/")
    kwargs = {"site": site}
    return [
        (base + "/", PageHandler, kwargs),
        (base + r"/workshop/static/(app\.js|style\.css)", AssetHandler, {"site": site, "path": str(PAGE_DIR)}),
        (base + "/api/workshop/join", JoinHandler, kwargs),
        (base + "/api/workshop/leave", LeaveHandler, kwargs),
        (base + "/api/workshop/state", StateHandler, kwargs),
        (base + "/api/workshop/me", MeHandler, kwargs),
        (base + "/favicon.ico", IconHandler, kwargs),
        (base + r"/voila/render/workshop_participant\.ipynb", MovedHandler, {"site": site, "target": base + "/"}),
        (base + "/api/workshop/contributions", ContributionsHandler, kwargs),
        (base + r"/api/workshop/contributions/(\d{1,12})", ContributionHandler, kwargs),
        (base + r"/api/workshop/votes/(\d{1,12})", VoteHandler, kwargs),
        *room_handlers(site, base),
    ]
