"""A self-paced learner's progress: answers, feedback and spiral contributions that survive restarts.

Every answer is saved when it is entered (an upsert keyed by the answer's key, so a double click
stores once), in the SQLite file of :func:`seci_lab.store.engine.default_url` (the user's data
folder, or ``$SECI_LAB_DB``). A learner exports all of it as one JSON file
(:mod:`seci_lab.model.progress_file`) and imports it on another machine; an import is validated
completely before anything is written, and written in one transaction, so a bad file changes
nothing. The files a learner takes away (report, CSV, ZIP) are built in :mod:`seci_lab.exports.learner`.

Ratings: a contribution's row holds the rubric's suggestion; a person's rating is a row of
``progress_ratings``: the learner's own (``"self"``, kept under the contribution's source key)
and, with a class store, the instructor's (``"instructor"``, under the answer's rating key,
:func:`seci_lab.model.work.rating_key`), brought in by :meth:`Progress.replace_ratings`. The
contributions this store returns carry the quality that counts and its source, decided by
:func:`seci_lab.model.contributions.decide_quality`. A file (export, import) carries only the
rubric's quality and the learner's own rating.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from sqlalchemy import (
    Column,
    Engine,
    Float,
    ForeignKey,
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

from ..model import PARTICIPANT_MAX_CHARS, Contribution, check_round, clean_participant
from ..model.progress_file import (
    DEFAULT_NAME,
    MAX_ANSWERS,
    MAX_CONTRIBUTIONS,
    MAX_IMPORT_BYTES,
    MAX_KEY_CHARS,
    SCHEMA,
    SCHEMA_VERSION,
    check_key,
    check_record,
    decode_progress_file,
    progress_file,
    progress_file_bytes,
    validate_progress_data,
)
from ..model.contributions import INSTRUCTOR, RUBRIC, SELF, check_quality, decide_quality
from ..model.work import lab_key, rating_key
from .engine import create_tables, make_engine, read, write

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_NAME",
    "MAX_ANSWERS",
    "MAX_IMPORT_BYTES",
    "Progress",
    "SCHEMA",
    "SCHEMA_VERSION",
    "open_progress",
    "validate_progress_data",
]

DEFAULT_PROFILE = "default"

metadata = MetaData()

learners = Table(
    "progress_learners", metadata,
    Column("id", Integer, primary_key=True),
    Column("profile", String(MAX_KEY_CHARS), nullable=False, unique=True),
    Column("name", String(PARTICIPANT_MAX_CHARS), nullable=False),
    Column("round", Integer, nullable=False, default=1),
    Column("created_at", String(40), nullable=False),
)

answers_table = Table(
    "progress_answers", metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("progress_learners.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(MAX_KEY_CHARS), nullable=False),
    Column("record", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("learner_id", "key", name="uq_progress_answer"),
)

contributions_table = Table(
    "progress_contributions", metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("progress_learners.id", ondelete="CASCADE"), nullable=False),
    Column("source_key", String(MAX_KEY_CHARS), nullable=False),
    Column("position", Integer, nullable=False),
    Column("participant", String(PARTICIPANT_MAX_CHARS), nullable=False),
    Column("mode", String(1), nullable=False),
    Column("text", Text, nullable=False),
    Column("round", Integer, nullable=False, server_default="1"),  # added to the first schema: round 1
    Column("quality", Float, nullable=True),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("learner_id", "source_key", name="uq_progress_contribution"),
)


ratings_table = Table(
    "progress_ratings", metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("progress_learners.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(MAX_KEY_CHARS), nullable=False),  # a source key (self) or rating key (instructor)
    Column("source", String(16), nullable=False),
    Column("quality", Float, nullable=False),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("learner_id", "key", "source", name="uq_progress_rating"),
)

#: The people whose ratings a learner's store keeps.
RATED_BY = (SELF, INSTRUCTOR)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Progress:
    """One learner profile's saved work. Open it with :func:`open_progress`.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        From :func:`seci_lab.store.engine.make_engine`.
    profile : str
        The profile key; a learner on their own machine uses the default one.
    """

    def __init__(self, engine: Engine, profile: str = DEFAULT_PROFILE):
        self.engine = engine
        self.profile = check_key(profile)
        create_tables(engine, metadata)  # kernels opening a new database at once do not race
        self._listeners: list[Callable[[], None]] = []
        self.learner_id = write(engine, self._ensure_learner)

    # --- learner -----------------------------------------------------------------------------

    def _ensure_learner(self, conn) -> int:
        row = conn.execute(select(learners.c.id).where(learners.c.profile == self.profile)).first()
        if row is not None:
            return row.id
        result = conn.execute(insert(learners).values(
            profile=self.profile, name=DEFAULT_NAME, round=1, created_at=_now()))
        return result.inserted_primary_key[0]

    def _learner(self):
        with read(self.engine) as conn:
            return conn.execute(select(learners).where(learners.c.id == self.learner_id)).one()

    @property
    def name(self) -> str:
        """The learner's name, used as the participant of their contributions."""
        return self._learner().name

    def set_name(self, name: str) -> str:
        """Set the learner's name (validated like a participant name); returns it normalised.

        The name of every contribution already saved is updated too.
        """
        clean = clean_participant(name)

        def work(conn):
            conn.execute(update(learners).where(learners.c.id == self.learner_id).values(name=clean))
            conn.execute(update(contributions_table)
                         .where(contributions_table.c.learner_id == self.learner_id)
                         .values(participant=clean))

        write(self.engine, work)
        self._notify()
        return clean

    @property
    def round(self) -> int:
        """The learner's current round of the spiral (lesson exercises add to it)."""
        return int(self._learner().round)

    def set_round(self, round: int) -> None:
        """Move the learner to ``round`` (from 1 to ``ROUND_MAX``)."""
        check_round(round)
        write(self.engine, lambda conn: conn.execute(
            update(learners).where(learners.c.id == self.learner_id).values(round=round)))
        self._notify()

    # --- change listeners (this process only) -----------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after every change made through this object (e.g. a recap)."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # --- answers ----------------------------------------------------------------------------

    def save_answer(self, key: str, record: dict) -> bool:
        """Save (insert or replace) the answer ``key``. Returns False when it was already saved as is.

        Raises
        ------
        ValueError
            When the key or record is not acceptable (too long, not JSON data).
        """
        key = check_key(key)
        encoded = check_record(key, record)

        def work(conn) -> bool:
            row = conn.execute(select(answers_table.c.id, answers_table.c.record).where(
                answers_table.c.learner_id == self.learner_id, answers_table.c.key == key)).first()
            if row is not None:
                if row.record == encoded:
                    return False
                conn.execute(update(answers_table).where(answers_table.c.id == row.id)
                             .values(record=encoded, updated_at=_now()))
                return True
            count = conn.execute(select(func.count()).select_from(answers_table)
                                 .where(answers_table.c.learner_id == self.learner_id)).scalar_one()
            if count >= MAX_ANSWERS:
                raise ValueError(f"You have {count} saved answers, the most one profile can hold.")
            conn.execute(insert(answers_table).values(
                learner_id=self.learner_id, key=key, record=encoded, updated_at=_now()))
            return True

        changed = write(self.engine, work)
        if changed:
            self._notify()
        return changed

    def answers(self, prefix: str | None = None) -> dict[str, dict]:
        """Saved answers by key (only keys starting with ``prefix`` if given), in key order."""
        query = select(answers_table.c.key, answers_table.c.record).where(
            answers_table.c.learner_id == self.learner_id).order_by(answers_table.c.key)
        with read(self.engine) as conn:
            rows = conn.execute(query).all()
        return {r.key: json.loads(r.record) for r in rows if prefix is None or r.key.startswith(prefix)}

    def answer(self, key: str) -> dict | None:
        """One saved answer, or None."""
        return self.answers().get(key)

    def delete_answer(self, key: str) -> None:
        """Forget the answer ``key`` (its contribution, if any, stays)."""
        write(self.engine, lambda conn: conn.execute(delete(answers_table).where(
            answers_table.c.learner_id == self.learner_id, answers_table.c.key == key)))
        self._notify()

    # --- contributions ----------------------------------------------------------------------

    def add_contribution(self, contribution: Contribution, source_key: str) -> None:
        """Add ``contribution`` to the learner's spiral, or replace the one saved under ``source_key``.

        ``source_key`` is the idempotency key: saving the same answer again updates its
        contribution instead of adding a second one.
        """
        if not isinstance(contribution, Contribution):
            raise ValueError("Only a Contribution can be added to the spiral.")
        source_key = check_key(source_key)
        write(self.engine, lambda conn: self._upsert_contribution(conn, contribution, source_key))
        self._notify()

    @staticmethod
    def _row_values(c: Contribution) -> dict:
        # A person's quality is a rating (kept beside the row); the row keeps the rubric's.
        base = c.quality if c.quality_source == RUBRIC else None
        return dict(participant=c.participant, mode=c.mode.value, text=c.text, round=c.round,
                    quality=base, updated_at=_now())

    def _upsert_contribution(self, conn, c: Contribution, source_key: str) -> None:
        values = self._row_values(c)
        row = conn.execute(select(contributions_table.c.id).where(
            contributions_table.c.learner_id == self.learner_id,
            contributions_table.c.source_key == source_key)).first()
        if row is not None:
            if c.quality_source != RUBRIC:
                values.pop("quality")  # the rubric's suggestion stays; the rating is saved below
            conn.execute(update(contributions_table).where(contributions_table.c.id == row.id).values(**values))
        else:
            count, last = conn.execute(
                select(func.count(), func.max(contributions_table.c.position))
                .where(contributions_table.c.learner_id == self.learner_id)).one()
            if count >= MAX_CONTRIBUTIONS:
                raise ValueError(f"Your spiral holds {count} contributions, the most one profile can hold.")
            conn.execute(insert(contributions_table).values(
                learner_id=self.learner_id, source_key=source_key, position=(last or 0) + 1, **values))
        if c.quality_source != RUBRIC and c.quality is not None:
            # only the learner's own rating can come in through a contribution (learner_claim)
            self._set_rating(conn, source_key, SELF, c.quality)

    # --- ratings ------------------------------------------------------------------------------

    def _set_rating(self, conn, key: str, source: str, quality: float | None) -> None:
        where = (ratings_table.c.learner_id == self.learner_id, ratings_table.c.key == key,
                 ratings_table.c.source == source)
        if quality is None:
            conn.execute(delete(ratings_table).where(*where))
            return
        quality = check_quality(quality)
        if conn.execute(select(ratings_table.c.id).where(*where)).first() is not None:
            conn.execute(update(ratings_table).where(*where).values(quality=quality, updated_at=_now()))
        else:
            conn.execute(insert(ratings_table).values(learner_id=self.learner_id, key=key, source=source,
                                                      quality=quality, updated_at=_now()))

    def _ratings(self, conn) -> dict[tuple[str, str], float]:
        rows = conn.execute(select(ratings_table.c.key, ratings_table.c.source, ratings_table.c.quality)
                            .where(ratings_table.c.learner_id == self.learner_id)).all()
        return {(r.key, r.source): r.quality for r in rows}

    def ratings(self, source: str) -> dict[str, float]:
        """The ratings of ``source`` ("self" or "instructor") by key (source key or rating key)."""
        if source not in RATED_BY:
            raise ValueError(f"A learner's store keeps the ratings of {' and '.join(RATED_BY)}, not {source!r}.")
        with read(self.engine) as conn:
            return {key: q for (key, s), q in self._ratings(conn).items() if s == source}

    def rate(self, source_key: str, quality: float | None) -> None:
        """Set (or with ``None`` clear) the learner's own rating of the contribution ``source_key``.

        Raises
        ------
        ValueError
            No such contribution, or a quality outside [0, 1].
        """
        quality = check_quality(quality, "Your rating")

        def work(conn):
            found = conn.execute(select(contributions_table.c.id).where(
                contributions_table.c.learner_id == self.learner_id,
                contributions_table.c.source_key == source_key)).first()
            if found is None:
                raise ValueError("That contribution is no longer in your spiral.")
            self._set_rating(conn, source_key, SELF, quality)

        write(self.engine, work)
        self._notify()

    def replace_ratings(self, source: str, ratings: dict[str, float]) -> bool:
        """Make the saved ratings of ``source`` equal to ``ratings`` (key -> quality in [0, 1]).

        Used to bring in the instructor's ratings from the class store when a page opens (keys
        are rating keys: :func:`seci_lab.model.work.rating_key`). Returns whether anything changed.
        """
        if source not in RATED_BY:
            raise ValueError(f"A learner's store keeps the ratings of {' and '.join(RATED_BY)}, not {source!r}.")
        wanted = {str(k): check_quality(q) for k, q in ratings.items() if q is not None}

        def work(conn) -> bool:
            saved = {key: q for (key, s), q in self._ratings(conn).items() if s == source}
            if saved == wanted:
                return False
            for key in set(saved) - set(wanted):
                self._set_rating(conn, key, source, None)
            for key, quality in wanted.items():
                if saved.get(key) != quality:
                    self._set_rating(conn, key, source, quality)
            return True

        changed = write(self.engine, work)
        if changed:
            self._notify()
        return changed

    def _contribution_rows(self, conn) -> list:
        return conn.execute(select(contributions_table).where(
            contributions_table.c.learner_id == self.learner_id).order_by(contributions_table.c.position)).all()

    @staticmethod
    def _to_contribution(row, ratings: dict[tuple[str, str], float] | None = None,
                         rated_by: tuple[str, ...] = RATED_BY) -> Contribution:
        """The row as the contribution that counts: its quality decided among the rubric's and
        the ratings of ``rated_by`` (:func:`~seci_lab.model.contributions.decide_quality`)."""
        ratings = ratings or {}
        quality, source = decide_quality({
            RUBRIC: row.quality,
            SELF: ratings.get((row.source_key, SELF)) if SELF in rated_by else None,
            INSTRUCTOR: ratings.get((rating_key(row.source_key), INSTRUCTOR)) if INSTRUCTOR in rated_by else None,
        })
        return Contribution(participant=row.participant, mode=row.mode, text=row.text,
                            round=row.round, quality=quality, quality_source=source)

    def _rated_rows(self, conn, rated_by: tuple[str, ...] = RATED_BY) -> list[tuple[Any, Contribution]]:
        ratings = self._ratings(conn)
        return [(r, self._to_contribution(r, ratings, rated_by)) for r in self._contribution_rows(conn)]

    def contributions(self) -> list[Contribution]:
        """The learner's spiral contributions, in the order they were first added, each with the
        quality that counts (an instructor's rating, else the learner's own, else the rubric's)."""
        with read(self.engine) as conn:
            return [c for _, c in self._rated_rows(conn)]

    def contribution_keys(self) -> list[str]:
        """The source key of each contribution, in the order of :meth:`contributions`."""
        with read(self.engine) as conn:
            return [r.source_key for r in self._contribution_rows(conn)]

    def remove_contribution(self, source_key: str) -> bool:
        """Remove the contribution saved under ``source_key``; returns whether there was one."""
        def work(conn) -> int:
            self._set_rating(conn, source_key, SELF, None)
            return conn.execute(delete(contributions_table).where(
                contributions_table.c.learner_id == self.learner_id,
                contributions_table.c.source_key == source_key)).rowcount

        result = write(self.engine, work)
        self._notify()
        return bool(result)

    def replace_contributions(self, contributions: Iterable[Contribution]) -> None:
        """Make the saved spiral equal to ``contributions`` (the spiral lab's ``on_change``).

        Saved contributions that are still in the list keep their source key (so an exercise's
        answer still updates its own contribution); new ones get a key of their own, missing
        ones are removed. One transaction.
        """
        wanted = list(contributions)
        if len(wanted) > MAX_CONTRIBUTIONS:
            raise ValueError(f"A spiral can hold at most {MAX_CONTRIBUTIONS} contributions.")
        for c in wanted:
            if not isinstance(c, Contribution):
                raise ValueError("Only Contributions can be saved to the spiral.")

        def work(conn):
            rated = self._rated_rows(conn)
            free = {}
            for row, c in rated:
                free.setdefault(c, []).append(row)
            keep, new = [], []
            for c in wanted:
                if free.get(c):
                    keep.append((free[c].pop(0), c))
                else:
                    new.append(c)
            for leftovers in free.values():
                for row in leftovers:
                    self._delete_contribution(conn, row)
            # keep the list's order: renumber positions
            position = 0
            kept = {id(c): row for row, c in keep}
            for c in wanted:
                position += 1
                row = kept.get(id(c))
                if row is not None:
                    conn.execute(update(contributions_table).where(contributions_table.c.id == row.id)
                                 .values(position=position))
                else:
                    key = lab_key()
                    conn.execute(insert(contributions_table).values(
                        learner_id=self.learner_id, source_key=key, position=position, **self._row_values(c)))
                    if c.quality_source != RUBRIC and c.quality is not None:
                        self._set_rating(conn, key, SELF, c.quality)

        write(self.engine, work)
        self._notify()

    def _delete_contribution(self, conn, row) -> None:
        """Delete a contribution's row and the learner's own rating of it."""
        conn.execute(delete(contributions_table).where(contributions_table.c.id == row.id))
        self._set_rating(conn, row.source_key, SELF, None)

    def apply_changes(self, before: Iterable[Contribution], after: Iterable[Contribution]) -> None:
        """Save what changed between two versions of a spiral (the spiral lab's ``on_change``).

        Only the difference is written: contributions in ``before`` but not in ``after`` are
        removed (one saved match each), those in ``after`` but not in ``before`` are added with a
        key of their own. A contribution whose only change is its quality was *re-rated*: a
        ``"self"`` quality becomes the learner's own rating of it, a ``"rubric"`` one clears that
        rating (the rubric's saved suggestion counts again; the given quality only when none was
        saved); its key stays, so its answer still updates it. Read :meth:`contributions` after
        it for the qualities that count. Work saved meanwhile from another page (a lesson in another tab) is left alone.
        Matching ignores the participant name (it changes when the learner renames themselves).
        One transaction.

        Raises
        ------
        ValueError
            Something is not a Contribution, the spiral would be too large, or a re-rating
            claims another source than the rubric or the learner (only they rate here).
        """
        old, new = list(before), list(after)
        for c in old + new:
            if not isinstance(c, Contribution):
                raise ValueError("Only Contributions can be saved to the spiral.")

        def content(c) -> tuple:
            return (c.mode.value, c.text, c.round, c.quality, c.quality_source)

        removed = Counter(map(content, old)) - Counter(map(content, new))
        added = Counter(map(content, new)) - Counter(map(content, old))
        rerated = []  # (content before, contribution after): same text, mode and round, new quality
        for c in new:
            key = content(c)
            if added[key] <= 0:
                continue
            was = next((k for k, n in removed.items() if n > 0 and k[:3] == key[:3]), None)
            if was is not None:
                if c.quality_source not in (RUBRIC, SELF):
                    raise ValueError("Only your own rating can be set here: "
                                     f"the {c.quality_source} rating is not yours to change.")
                removed[was] -= 1
                added[key] -= 1
                rerated.append((was, c))
        additions = []
        for c in new:  # in the lab's order
            if added[content(c)] > 0:
                added[content(c)] -= 1
                additions.append(c)

        def work(conn):
            rated = self._rated_rows(conn)
            for was, c in rerated:
                row = next((r for r, saved in reversed(rated) if content(saved) == was), None)
                if row is None:
                    continue  # removed meanwhile in another tab
                if c.quality_source == SELF:
                    self._set_rating(conn, row.source_key, SELF, c.quality)
                else:
                    self._set_rating(conn, row.source_key, SELF, None)
                    if row.quality is None:  # added with the learner's own quality: the rubric's now
                        conn.execute(update(contributions_table).where(contributions_table.c.id == row.id)
                                     .values(quality=c.quality, updated_at=_now()))
            for row, saved in reversed(rated):  # remove the newest match first
                key = content(saved)
                if removed[key] > 0:
                    removed[key] -= 1
                    self._delete_contribution(conn, row)
            count = len(rated) + len(additions)
            if count > MAX_CONTRIBUTIONS:
                raise ValueError(f"A spiral can hold at most {MAX_CONTRIBUTIONS} contributions.")
            for c in additions:
                self._upsert_contribution(conn, c, lab_key())

        write(self.engine, work)
        self._notify()

    # --- export / import --------------------------------------------------------------------

    def export_json(self) -> dict:
        """Everything this learner saved, as the JSON-ready data of a "My work" file (see :meth:`import_json`)."""
        learner = self._learner()
        with read(self.engine) as conn:
            # a file carries the rubric's quality and the learner's own rating, never another's
            rated = self._rated_rows(conn, rated_by=(SELF,))
        return progress_file(learner.name, learner.round, self.answers(),
                             [(r.source_key, c) for r, c in rated], _now())

    def export_bytes(self) -> bytes:
        """:meth:`export_json` as UTF-8 JSON bytes (the file a learner downloads)."""
        return progress_file_bytes(self.export_json())

    def import_json(self, data: dict | str | bytes) -> dict[str, int]:
        """Import work exported by :meth:`export_json` (merging: imported keys replace saved ones).

        The whole file is checked first (:func:`seci_lab.model.progress_file.validate_progress_data`)
        and written in one transaction: a bad file raises ``ValueError`` with a message that says
        what is wrong, and nothing is changed.

        Returns
        -------
        dict
            ``{"answers": n, "contributions": m}`` imported.
        """
        data = decode_progress_file(data)
        learner, answers, contributions = validate_progress_data(data)

        def work(conn):
            conn.execute(update(learners).where(learners.c.id == self.learner_id).values(
                name=learner["name"], round=max(learner["round"], self._round_in(conn))))
            existing = {r.key for r in conn.execute(select(answers_table.c.key).where(
                answers_table.c.learner_id == self.learner_id))}
            if len(existing | set(answers)) > MAX_ANSWERS:
                raise ValueError(f"Together with your saved work that is more than {MAX_ANSWERS} answers.")
            for key, encoded in answers.items():
                if key in existing:
                    conn.execute(update(answers_table).where(
                        answers_table.c.learner_id == self.learner_id, answers_table.c.key == key)
                        .values(record=encoded, updated_at=_now()))
                else:
                    conn.execute(insert(answers_table).values(
                        learner_id=self.learner_id, key=key, record=encoded, updated_at=_now()))
            for source_key, c in contributions:
                self._upsert_contribution(conn, c, source_key)

        write(self.engine, work)
        self._notify()
        return {"answers": len(answers), "contributions": len(contributions)}

    def _round_in(self, conn) -> int:
        return conn.execute(select(learners.c.round).where(learners.c.id == self.learner_id)).scalar_one()


def open_progress(profile: str = DEFAULT_PROFILE, url: str | None = None) -> Progress:
    """Open (creating if needed) the progress of ``profile`` in the learner database.

    Parameters
    ----------
    profile : str
        Profile key; the default suits a learner on their own machine.
    url : str, optional
        A SQLAlchemy URL; default ``$SECI_LAB_DB`` or the SQLite file in the user's data folder.
    """
    return Progress(make_engine(url), profile)
