"""The class's hand-in service: a JupyterHub-managed service that owns the class store.

On the JupyterHub recipe (``deploy/jupyterhub/jupyterhub_config.py``) the hub starts this process
(``python -m seci_lab.server.handin_service``) as the service ``seci-handin``, with the class
store's URL (``$SECI_LAB_CLASS_DB``) in its environment and in no learner's. It is the pattern
ngshare uses for nbgrader: learners' servers hold no database credentials, and every hand-in,
class load and rating is an HTTP request to this service, authenticated through the hub
(:class:`jupyterhub.services.auth.HubOAuth`: a JupyterHub token in the ``Authorization`` header,
which the learner's server holds, or the hub's OAuth cookie for a browser). So:

- the learner id of a hand-in is the hub's name for whoever sent it, never the request's; a
  hand-in claiming another id is refused with 403 and nothing is stored;
- its time is the service's clock (whatever the hand-in says) and its rubric scores are the
  service's own, computed when it arrives in a worker pool of processes
  (:func:`seci_lab.classroom.arrival.score_submission`), never on the event loop or in the
  request: the hand-in is answered once stored, and scored just after;
- the class, every rating and rating writes are served only to members of the hub group
  ``instructors`` (:data:`INSTRUCTORS_GROUP`); a learner reads only their own latest hand-in and
  their own ratings;
- bodies are capped (:data:`MAX_BODY_BYTES`, refused on ``Content-Length`` before they are read)
  and checked in Python (JSON, an object, valid Unicode, the hand-in format).

API under the service's prefix (``/services/seci-handin/``), JSON in and out, errors
``{"error": message}``:

======  ======================  ====================================================  ===========
GET     ``api/whoami``          ``{name, instructor}``                                anyone
POST    ``api/handins``         a hand-in (``docs/submission-format.md``) -> receipt  anyone
GET     ``api/handins/mine``    ``{latest: {submission_id, handed_in_at} | null}``    anyone
GET     ``api/ratings/mine``    ``{ratings: {key: quality}}``                         anyone
GET     ``api/class``           ``{handins, scores, rubric_version}``                 instructors
GET     ``api/ratings``         ``{ratings: {learner key: {key: quality}}}``          instructors
PUT     ``api/ratings``         ``{learner_id, key, quality}`` (null clears)          instructors
======  ======================  ====================================================  ===========
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import secrets
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import timezone
from typing import Any, Callable
from urllib.parse import urlparse

import tornado.ioloop
import tornado.web
from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated, UserNotAllowed
from sqlalchemy.exc import SQLAlchemyError

from ..classroom.arrival import score_submission
from ..env import CLASS_DB_ENV
from ..model.submission import MAX_SUBMISSION_BYTES, SubmissionError, learner_key
from ..store.classroom import ClassStore, InstructorRatings
from ..store.engine import database_url
from ..store.scores import RubricScores, text_digest
from .connections import listen

__all__ = ["INSTRUCTORS_GROUP", "MAX_BODY_BYTES", "SERVICE_NAME", "HandInSite", "service_app"]

log = logging.getLogger("seci_lab.handin_service")

#: The service's name in the hub (its prefix is ``/services/seci-handin/``).
SERVICE_NAME = "seci-handin"
#: Members of this hub group are the class's instructors.
INSTRUCTORS_GROUP = "instructors"
#: The largest request body read: a hand-in file's cap and room for the JSON around it.
MAX_BODY_BYTES = MAX_SUBMISSION_BYTES + 64 * 1024
#: A rating request is small.
MAX_RATING_BYTES = 4096


class HandInSite:
    """What the handlers share: the stores, the database threads and the scoring processes.

    Parameters
    ----------
    url : str
        The class store's SQLAlchemy URL (PostgreSQL on a hub; SQLite works for one machine).
    workers : int
        Processes that score hand-ins with the rubric.
    """

    def __init__(self, url: str, workers: int = 1):
        self.store = ClassStore(url)
        self.ratings = InstructorRatings(url)
        self.scores = RubricScores(url)
        self.database = ThreadPoolExecutor(max_workers=4, thread_name_prefix="seci-handin-db")
        # spawn, not fork: the parent has threads (tornado, the database pool)
        self.scoring = ProcessPoolExecutor(max_workers=max(1, workers),
                                           mp_context=multiprocessing.get_context("spawn"))
        self.pending: set[asyncio.Task] = set()

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a database thread."""
        return await asyncio.get_running_loop().run_in_executor(self.database, fn, *args)

    def score_later(self, data: dict) -> None:
        """Score ``data`` in a worker process and keep the scores (after the request is answered)."""
        task = asyncio.get_running_loop().create_task(self._score(data))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _score(self, data: dict) -> None:
        try:
            verdicts = await asyncio.get_running_loop().run_in_executor(self.scoring, score_submission, data)
            await self.run(self.scores.put_many, verdicts)
        except Exception:  # noqa: BLE001 - the dashboard scores what is missing; log and go on
            log.exception("a hand-in could not be scored on arrival")

    async def score_unscored(self) -> int:
        """Score, in the workers, each learner's latest hand-in that holds a text with no kept
        score (one that arrived while the service stopped before scoring it); returns how many.
        A text the rubric has no criteria for is never kept, so its hand-in is scored again: the
        scores are the same, and the dashboard never waits for them."""
        rows = await self.run(self.store.rows)
        kept = {digest for _, _, digest, _, _ in await self.run(self.scores.rows)}
        latest = {learner_key(str(row["learner_id"])): row for row in rows}  # rows come oldest first
        waiting = []
        for row in latest.values():
            try:
                answers = json.loads(row["data"]).get("answers", {})
            except (ValueError, AttributeError):
                continue
            texts = [a.get("text") for a in answers.values() if isinstance(a, dict)]
            if any(isinstance(t, str) and t.strip() and text_digest(t) not in kept for t in texts):
                waiting.append(json.loads(row["data"]))
        for data in waiting:
            await self._score(data)
        return len(waiting)

    def close(self) -> None:
        self.scoring.shutdown(wait=False, cancel_futures=True)
        self.database.shutdown(wait=False)
        for engine in (self.store.engine, self.ratings.engine):
            engine.dispose()
        self.scores.close()


class _Refused(tornado.web.HTTPError):
    def __init__(self, status: int, message: str):
        super().__init__(status)
        self.message = message


class _Api(HubOAuthenticated, tornado.web.RequestHandler):
    """A JSON endpoint for a hub user (a JupyterHub token or the service's OAuth cookie)."""

    instructors_only = False
    body_cap = MAX_RATING_BYTES

    def initialize(self, site: HandInSite, hub_auth: HubOAuth) -> None:
        self.site = site
        self.hub_auth = hub_auth

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    async def prepare(self) -> None:
        length = self.request.headers.get("Content-Length")
        if len(self.request.body or b"") > self.body_cap or (length and length.isdigit() and int(length) > self.body_cap):
            raise _Refused(413, f"That is too large to send here (more than {self.body_cap // 1024:,} kB).")
        try:
            model = await self.hub_auth.get_user(self, sync=False)
            model = self.check_hub_user(model) if model else None
        except UserNotAllowed:
            model = None
            raise _Refused(403, "Your JupyterHub sign-in may not use the hand-in service.") from None
        if not model:
            raise _Refused(401, "Sign in to the class's JupyterHub first.")
        if model.get("kind", "user") != "user":
            raise _Refused(403, "Only people hand in and load classes here, not services.")
        self.current_user = model
        if self.instructors_only and not self.instructor:
            raise _Refused(403, f"Only the class's instructors (the hub group “{INSTRUCTORS_GROUP}”) may do this.")

    @property
    def name(self) -> str:
        return str(self.current_user["name"])

    @property
    def instructor(self) -> bool:
        return INSTRUCTORS_GROUP in (self.current_user.get("groups") or [])

    def body(self) -> dict:
        """The request's JSON object, checked (415, 400 with a message)."""
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise _Refused(415, "Send JSON (Content-Type: application/json).")
        try:
            data = json.loads(self.request.body.decode("utf-8"))
            json.dumps(data, ensure_ascii=False).encode("utf-8")  # a lone surrogate anywhere
        except (ValueError, UnicodeError):
            raise _Refused(400, "The request is not valid JSON text.") from None
        except RecursionError:
            raise _Refused(400, "The request is nested too deeply.") from None
        if not isinstance(data, dict):
            raise _Refused(400, "The request must be a JSON object.")
        return data

    def reply(self, value: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(value, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        message = error.message if isinstance(error, _Refused) else {
            403: "Not allowed here.", 404: "Not found.", 405: "That method is not allowed here."}.get(
            status_code, "The hand-in service failed; try again in a moment.")
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"error": message}))


class WhoAmIHandler(_Api):
    def get(self) -> None:
        self.reply({"name": self.name, "instructor": self.instructor})


class HandInsHandler(_Api):
    body_cap = MAX_BODY_BYTES

    async def post(self) -> None:
        data = self.body()
        learner = data.get("learner")
        claimed = learner.get("id") if isinstance(learner, dict) else None
        if isinstance(claimed, str) and claimed.strip() and learner_key(claimed.strip()) != learner_key(self.name):
            raise _Refused(403, f"You are signed in as {self.name}: hand in under your own id ({self.name}), "
                                f"not {claimed.strip()[:64]}.")
        if isinstance(learner, dict):
            learner["id"] = self.name  # the hub's name for the sender, whatever the page sent
        try:
            receipt = await self.site.run(self.site.store.hand_in, data, self.name)
        except SubmissionError as error:
            raise _Refused(413 if error.kind == "too large" else 400, error.reason) from None
        if not receipt.stored_again:
            self.site.score_later(data)
        self.reply({"submission_id": receipt.submission_id, "learner_id": receipt.learner_id,
                    "handed_in_at": receipt.handed_in_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
                    "stored_again": receipt.stored_again}, status=200 if receipt.stored_again else 201)


class MineHandler(_Api):
    async def get(self) -> None:
        row = await self.site.run(self.site.store.latest_row, self.name)
        self.reply({"latest": None if row is None else {
            "submission_id": row["submission_id"], "handed_in_at": row["handed_in_at"]}})


class MyRatingsHandler(_Api):
    async def get(self) -> None:
        self.reply({"ratings": await self.site.run(self.site.ratings.of, self.name)})


class ClassHandler(_Api):
    instructors_only = True

    async def get(self) -> None:
        rows = await self.site.run(self.site.store.rows)
        scores = await self.site.run(self.site.scores.rows)
        self.reply({"handins": rows, "scores": scores, "rubric_version": self.site.scores.version})


class RatingsHandler(_Api):
    instructors_only = True

    async def get(self) -> None:
        self.reply({"ratings": await self.site.run(self.site.ratings.all)})

    async def put(self) -> None:
        data = self.body()
        quality = data.get("quality")
        if quality is not None and (isinstance(quality, bool) or not isinstance(quality, (int, float))):
            raise _Refused(400, "A rating is a number from 0 to 1, or null to clear it.")
        learner_id = data.get("learner_id")
        if not isinstance(learner_id, str):
            raise _Refused(400, "Choose a learner from the list.")
        try:
            await self.site.run(self.site.ratings.rate, learner_id, data.get("key"), quality)
        except ValueError as error:
            raise _Refused(400, str(error)) from None
        self.reply({"learner_id": learner_id, "key": data.get("key"), "quality": quality})


class IndexHandler(HubOAuthenticated, tornado.web.RequestHandler):
    """``/``: a browser signs in through the hub (OAuth) and sees who it is."""

    def initialize(self, site: HandInSite, hub_auth: HubOAuth) -> None:
        self.hub_auth = hub_auth

    @tornado.web.authenticated
    def get(self) -> None:
        user = self.current_user
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"service": SERVICE_NAME, "name": user["name"],
                                "instructor": INSTRUCTORS_GROUP in (user.get("groups") or [])}))


class OAuthCallbackHandler(HubOAuthCallbackHandler):
    """``oauth_callback``: the hub's OAuth finishes with the same ``HubOAuth`` that started it
    (it keeps each sign-in's PKCE verifier in memory)."""

    def initialize(self, hub_auth: HubOAuth) -> None:
        self.hub_auth = hub_auth


def service_app(site: HandInSite, prefix: str, hub_auth: HubOAuth | None = None) -> tornado.web.Application:
    """The service's tornado application, its routes under ``prefix``."""
    hub_auth = hub_auth or HubOAuth(cache_max_age=60)
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    kwargs = {"site": site, "hub_auth": hub_auth}
    routes = [
        (prefix, IndexHandler, kwargs),
        (prefix + "oauth_callback", OAuthCallbackHandler, {"hub_auth": hub_auth}),
        (prefix + "api/whoami", WhoAmIHandler, kwargs),
        (prefix + "api/handins", HandInsHandler, kwargs),
        (prefix + "api/handins/mine", MineHandler, kwargs),
        (prefix + "api/ratings/mine", MyRatingsHandler, kwargs),
        (prefix + "api/class", ClassHandler, kwargs),
        (prefix + "api/ratings", RatingsHandler, kwargs),
    ]
    return tornado.web.Application(routes, cookie_secret=secrets.token_bytes(32), hub_auth=hub_auth,
                                   xsrf_cookies=False)  # HubOAuth checks XSRF for cookie-signed requests


def main(argv: list[str] | None = None) -> int:
    """Run the service as the hub starts it (``$JUPYTERHUB_SERVICE_URL``, ``$JUPYTERHUB_SERVICE_PREFIX``)."""
    parser = argparse.ArgumentParser(description="seci-lab's hand-in service for JupyterHub")
    parser.add_argument("--workers", type=int, default=1, help="processes scoring hand-ins (default 1)")
    parser.add_argument("--ip", default="", help="the address to listen on (default: the host of "
                                                 "$JUPYTERHUB_SERVICE_URL; 0.0.0.0 in a hub pod on Kubernetes)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[seci-handin %(levelname)s %(asctime)s] %(message)s")
    store = os.environ.get(CLASS_DB_ENV, "").strip()
    if not store:
        print(f"Set {CLASS_DB_ENV} (the class store's database URL) in the service's environment.", file=sys.stderr)
        return 2
    address = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")
    try:
        site = HandInSite(database_url(store), workers=args.workers)
    except (SQLAlchemyError, ValueError) as error:
        print(f"The class store cannot be opened: {str(error)[:300]}", file=sys.stderr)
        return 2
    # tornado closes the connection on a body over its cap without a word; up to twice the cap
    # the handler answers 413 with a message
    listen(service_app(site, prefix), address.port or 80, args.ip or address.hostname or "127.0.0.1", backlog=128,
           max_body_size=2 * MAX_BODY_BYTES)
    log.info("serving %s on %s:%s", prefix, address.hostname, address.port)
    tornado.ioloop.IOLoop.current().add_callback(site.score_unscored)  # what a stopped service left
    try:
        tornado.ioloop.IOLoop.current().start()
    finally:
        site.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
