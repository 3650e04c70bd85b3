"""The class store: learners' hand-ins in one database the instructor loads the class from.

Configured by ``$SECI_LAB_CLASS_DB`` (a SQLAlchemy URL, or a SQLite file path on a shared
server's local disk; PostgreSQL for a JupyterHub with several hosts). Each hand-in is one row,
kept whole as its JSON: a learner may hand in again any time and the latest counts, while the
earlier ones stay for the record (listed "replaced by a newer hand-in" when the class is loaded).

The submission id is the idempotency key: the same hand-in sent twice (a double click, a retry
after a timeout) is stored once. Writes go through :func:`seci_lab.store.engine.write`
(``BEGIN IMMEDIATE``, busy timeout, bounded retry), so many kernels can hand in at once.

The instructor's ratings (:class:`InstructorRatings`, table ``instructor_ratings``) are kept in
the class store when there is one, where every class view reads them and a learner's page shows
the learner theirs on its next load; without a class store, in the instructor's own database
(``$SECI_LAB_DB``). A rating is kept per learner and answer key
(:func:`seci_lab.model.work.rating_key`), so it outlives a new hand-in.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from ..model.submission import (
    MAX_SUBMISSION_BYTES,
    ClassLoad,
    SubmissionError,
    assemble_load,
    learner_key,
    parse_submission,
    problem_row,
)
from ..content import load_questions
from ..env import CLASS_DB_ENV
from ..model.contributions import check_quality
from .engine import create_tables, database_url, default_url, make_engine, read, write

__all__ = ["ClassStore", "HandInReceipt", "InstructorRatings", "class_store_url", "load_rows"]

SOURCE = "class store"

metadata = MetaData()

class_submissions = Table(
    "class_submissions", metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", String(32), nullable=False, unique=True),
    Column("learner_id", String(64), nullable=False),
    Column("learner_key", String(64), nullable=False, index=True),  # casefolded: ids compare ignoring case
    Column("handed_in_at", String(40), nullable=False),  # ISO 8601 UTC, sorts as text
    Column("stored_at", String(40), nullable=False),
    Column("data", Text, nullable=False),
    # who the server says handed it in (JupyterHub's user), added in schema 2; NULL: nobody vouches
    Column("uploader", String(64), nullable=True),
)


RATING_KEY_MAX = 120  # the longest answer or source key a learner's store keeps

ratings_metadata = MetaData()

instructor_ratings = Table(
    "instructor_ratings", ratings_metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_key", String(64), nullable=False),  # casefolded learner id, as hand-ins are matched
    Column("learner_id", String(64), nullable=False),
    Column("key", String(RATING_KEY_MAX), nullable=False),
    Column("quality", Float, nullable=False),
    Column("rated_at", String(40), nullable=False),
    UniqueConstraint("learner_key", "key", name="uq_instructor_rating"),
)


def class_store_url() -> str | None:
    """``$SECI_LAB_CLASS_DB`` as a SQLAlchemy URL (a plain path becomes a SQLite URL), or None."""
    value = os.environ.get(CLASS_DB_ENV, "").strip()
    return database_url(value) if value else None


@dataclass(frozen=True)
class HandInReceipt:
    """What :meth:`ClassStore.hand_in` stored.

    ``stored_again`` is True when this very hand-in (same submission id) was already there, so
    nothing new was written.
    """

    submission_id: str
    learner_id: str
    handed_in_at: datetime
    stored_again: bool


class ClassStore:
    """The hand-ins of a class in a database.

    Parameters
    ----------
    url : str, optional
        A SQLAlchemy URL; default :func:`class_store_url`.

    Raises
    ------
    ValueError
        When no class store is configured, or the database cannot be opened.
    """

    def __init__(self, url: str | None = None):
        url = url or class_store_url()
        if not url:
            raise ValueError(f"No class store is configured: set {CLASS_DB_ENV} to a database URL "
                             "(or hand in a submission file through the LMS).")
        self.url = url
        self.engine = make_engine(url)
        create_tables(self.engine, metadata)

    def hand_in(self, data: dict, user: str | None = None) -> HandInReceipt:
        """Store a hand-in (validated completely first); the same submission id twice is stored once.

        ``user`` is the authenticated user handing in (on JupyterHub ``$JUPYTERHUB_USER``, which the
        page cannot change): it is stored with the server's time, and a hand-in under another
        learner id is refused. The server's time is the hand-in's time when the class is loaded.

        Raises
        ------
        SubmissionError
            When the hand-in is not valid, or claims another learner than ``user``; nothing is stored.
        """
        submission = parse_submission(data, source=SOURCE)
        if user and learner_key(submission.learner_id) != learner_key(user):
            raise SubmissionError(f"You are signed in as {user}: hand in under your own id ({user}), not "
                                  f"{submission.learner_id}.")
        encoded = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if len(encoded.encode("utf-8")) > MAX_SUBMISSION_BYTES:
            raise SubmissionError(f"The hand-in is over {MAX_SUBMISSION_BYTES / 1e6:.0f} MB.", "too large")
        now = datetime.now(timezone.utc).replace(microsecond=0)
        # With a signed-in user the server's clock is the hand-in's time: a time in the data is the sender's.
        moment = now if user else submission.handed_in_at
        when = moment.isoformat(timespec="seconds")

        def work(conn) -> bool:
            row = conn.execute(select(class_submissions.c.id, class_submissions.c.uploader).where(
                class_submissions.c.submission_id == submission.submission_id)).first()
            if row is not None:
                if user and learner_key(row.uploader or "") != learner_key(user):
                    # someone else's hand-in id: never "stored already" for another user
                    raise SubmissionError("This hand-in's id belongs to another hand-in: press Hand in again "
                                          "(each hand-in gets a new id).")
                return True
            conn.execute(insert(class_submissions).values(
                submission_id=submission.submission_id, learner_id=submission.learner_id,
                learner_key=learner_key(submission.learner_id), handed_in_at=when,
                stored_at=now.isoformat(timespec="seconds"), data=encoded,
                uploader=user or None))
            return False

        try:
            again = write(self.engine, work)
        except IntegrityError:  # another kernel stored the same submission id between our check and insert
            again = True
        return HandInReceipt(submission_id=submission.submission_id, learner_id=submission.learner_id,
                             handed_in_at=moment, stored_again=again)

    def rows(self) -> list[dict]:
        """Every stored hand-in, oldest first, as :func:`load_rows` takes them (what the hand-in
        service sends the instructor's dashboard)."""
        query = select(class_submissions.c.submission_id, class_submissions.c.learner_id,
                       class_submissions.c.data, class_submissions.c.uploader,
                       class_submissions.c.stored_at).order_by(class_submissions.c.id)
        with read(self.engine) as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def load(self, progress: Callable[[int, int], None] | None = None) -> ClassLoad:
        """Every hand-in: each learner's latest, the earlier ones listed as replaced (see :func:`load_rows`)."""
        return load_rows(self.rows(), progress)

    def count(self) -> int:
        """How many learners handed in at least once."""
        with read(self.engine) as conn:
            return int(conn.execute(select(func.count(func.distinct(class_submissions.c.learner_key)))).scalar_one())

    def latest_row(self, learner_id: str) -> dict | None:
        """The latest hand-in of ``learner_id`` (submission id, learner id, handed in, stored), or None."""
        query = (select(class_submissions.c.submission_id, class_submissions.c.learner_id,
                        class_submissions.c.handed_in_at, class_submissions.c.stored_at)
                 .where(class_submissions.c.learner_key == learner_key(learner_id))
                 .order_by(class_submissions.c.handed_in_at.desc(), class_submissions.c.id.desc()).limit(1))
        with read(self.engine) as conn:
            row = conn.execute(query).first()
        return None if row is None else dict(row._mapping)

    def latest(self, learner_id: str) -> datetime | None:
        """When ``learner_id`` last handed in, or None."""
        query = select(func.max(class_submissions.c.handed_in_at)).where(
            class_submissions.c.learner_key == learner_key(learner_id))
        with read(self.engine) as conn:
            value = conn.execute(query).scalar_one()
        return datetime.fromisoformat(value) if value else None


def load_rows(rows: list[dict], progress: Callable[[int, int], None] | None = None) -> ClassLoad:
    """A class from stored hand-in rows (``submission_id``, ``learner_id``, ``data``, ``uploader``,
    ``stored_at``): each learner's latest, the earlier ones listed as replaced (see :class:`ClassLoad`).

    A row with an uploader (the signed-in user who handed it in) counts only for that user, at
    the time it was stored; one stored under a signed-in user is never replaced by one stored
    without; answers to quiz items the question bank does not have are listed (``assemble_load``)."""
    parsed, problems = [], []
    for done, row in enumerate(rows, start=1):
        source = f"{SOURCE} #{str(row['submission_id'])[:8]}"
        try:
            sub = parse_submission(row["data"], source=source)
            if row.get("uploader"):
                if learner_key(sub.learner_id) != learner_key(row["uploader"]):
                    raise SubmissionError(f"Claims learner {sub.learner_id} but was handed in by the signed-in "
                                          f"user {row['uploader']}: not counted for anyone.")
                sub = replace(sub, uploader_lms=SOURCE, uploader_id=row["uploader"],
                              handed_in_at=datetime.fromisoformat(row["stored_at"]))
            parsed.append(sub)
        except SubmissionError as error:  # e.g. stored by a newer seci-lab
            problems.append(problem_row(source, str(row.get("learner_id", "")), error.reason))
        except Exception as error:  # noqa: BLE001 - one odd row must never stop the class from loading
            problems.append(problem_row(source, str(row.get("learner_id", "")),
                                        f"Could not be read ({type(error).__name__}: {str(error)[:200]})."))
        if progress is not None:
            progress(done, len(rows))
    return assemble_load(parsed, problems, len(rows), quiz_items={q.id for q in load_questions()})


class InstructorRatings:
    """The instructor's ratings of learners' answers and contributions, by learner and key.

    Parameters
    ----------
    url : str, optional
        A SQLAlchemy URL: the class store's (:func:`class_store_url`) when there is one, so
        learners' pages can show their ratings; default the instructor's own database
        (:func:`seci_lab.store.engine.default_url`).
    """

    def __init__(self, url: str | None = None):
        self.url = url or class_store_url() or default_url()
        self.engine = make_engine(self.url)
        create_tables(self.engine, ratings_metadata)

    def rate(self, learner_id: str, key: str, quality: float | None) -> None:
        """Set the rating of ``learner_id``'s ``key`` (an answer key or contribution key), or
        clear it with ``None``.

        Raises
        ------
        ValueError
            An empty or over-long key or learner id, or a quality outside [0, 1].
        """
        learner_id = str(learner_id).strip()
        if not learner_id or len(learner_id) > 64:
            raise ValueError("Choose a learner from the list.")
        if not isinstance(key, str) or not key or len(key) > RATING_KEY_MAX:
            raise ValueError("Choose an answer or contribution to rate.")
        quality = check_quality(quality, "The rating")
        who = learner_key(learner_id)
        where = (instructor_ratings.c.learner_key == who, instructor_ratings.c.key == key)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")

        def work(conn) -> None:
            if quality is None:
                conn.execute(delete(instructor_ratings).where(*where))
            elif conn.execute(select(instructor_ratings.c.id).where(*where)).first() is not None:
                conn.execute(update(instructor_ratings).where(*where).values(quality=quality, rated_at=now))
            else:
                conn.execute(insert(instructor_ratings).values(learner_key=who, learner_id=learner_id, key=key,
                                                               quality=quality, rated_at=now))

        write(self.engine, work)

    def all(self) -> dict[str, dict[str, float]]:
        """Every rating: learner key (the casefolded id, :func:`learner_key`) -> key -> quality."""
        query = select(instructor_ratings.c.learner_key, instructor_ratings.c.key, instructor_ratings.c.quality)
        ratings: dict[str, dict[str, float]] = {}
        with read(self.engine) as conn:
            for row in conn.execute(query):
                ratings.setdefault(row.learner_key, {})[row.key] = float(row.quality)
        return ratings

    def of(self, learner_id: str) -> dict[str, float]:
        """The ratings of one learner, by key (what the learner's pages show)."""
        query = select(instructor_ratings.c.key, instructor_ratings.c.quality).where(
            instructor_ratings.c.learner_key == learner_key(str(learner_id)))
        with read(self.engine) as conn:
            return {row.key: float(row.quality) for row in conn.execute(query)}

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()
