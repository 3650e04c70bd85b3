"""The instructor's own store of rubric scores, so a class loaded again is not scored again.

The class analysis scores every exercise text of every hand-in with the rubric
(:func:`seci_lab.model.suggest_quality`), because the quality a hand-in file claims was written
on the learner's computer and is never trusted. Scoring a text takes milliseconds, but a class
holds thousands of texts, and the dashboard loads the same class again and again as hand-ins
arrive. This store keeps each score the instructor's own process computed, under:

- the rubric's fingerprint (:func:`seci_lab.model.rubric.rubric_version`: its code, the course
  content and the libraries' versions), so a changed rubric never reuses an older score;
- the exercise's mode and field (one text can answer two fields, with different criteria);
- the SHA-256 of the text, so the store holds no learner's words.

Each score is the quality and, since rubric v3, whether the answer counts as an attempt at the
exercise (``uncounted``: "" when it counts, else the guard's key in
:data:`seci_lab.model.rubric.NOT_COUNTING`, e.g. "copied"), so completion and grades read it
without scoring again.

Only the instructor's process writes here: it lives in the instructor's own database
(``$SECI_LAB_DB``), never in the class store, which learners' kernels write to. A score read
back is exactly the one computed (``quality`` None for a text the rubric cannot assess).
Scores of an older fingerprint are deleted when scores of a new one are kept.

A cache must never stop a class from loading: when the database cannot be read or written,
:meth:`RubricScores.get_many` finds nothing and :meth:`RubricScores.put_many` keeps nothing,
and a warning is logged.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping

from sqlalchemy import Column, Float, MetaData, String, Table, and_, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from ..model.rubric import rubric_version
from .engine import create_tables, make_engine, read, write

__all__ = ["RubricScores", "Verdict", "text_digest"]

log = logging.getLogger(__name__)

metadata = MetaData()

rubric_scores = Table(
    # v3: a table of its own (the older "rubric_scores" had no ``uncounted``; its rows are stale
    # under any newer fingerprint anyway and are never read).
    "rubric_verdicts", metadata,
    # The key's order serves the look-up: one fingerprint, many texts.
    Column("version", String(64), primary_key=True),  # rubric_version() when it was scored
    Column("text_sha256", String(64), primary_key=True),
    Column("mode", String(8), primary_key=True),
    Column("field", String(64), primary_key=True),  # "" for the mode's own criteria
    Column("quality", Float, nullable=True),  # None: the rubric could not assess the text
    Column("uncounted", String(32), nullable=False, default=""),  # "" counts; else why not
)

#: Digests looked up per query (well under SQLite's limit of bound parameters).
_CHUNK = 500

#: A score's key: (text, mode letter, field or None), as ``suggest_quality`` takes them.
Key = tuple[str, str, "str | None"]
#: A score: (quality or None, "" when the answer counts as an attempt or the key of why not).
Verdict = tuple["float | None", str]


def text_digest(text: str) -> str:
    """The SHA-256 (hex) a text is kept under."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class RubricScores:
    """Rubric scores the instructor's process computed, by rubric fingerprint, field and text.

    Parameters
    ----------
    url : str, optional
        A SQLAlchemy URL; default the instructor's own database
        (:func:`seci_lab.store.engine.default_url`).
    version : str, optional
        The rubric fingerprint scores are kept and read under; default
        :func:`seci_lab.model.rubric.rubric_version`. Tests pass another to show a changed
        rubric reuses nothing.
    """

    def __init__(self, url: str | None = None, version: str | None = None):
        self.url = url
        self.version = version or rubric_version()
        self._engine = None

    def _ready(self):
        if self._engine is None:
            engine = make_engine(self.url)
            create_tables(engine, metadata)
            self._engine = engine
        return self._engine

    def get_many(self, keys: Iterable[Key]) -> dict[Key, Verdict]:
        """The kept scores of ``keys`` (those never kept are left out)."""
        wanted: dict[tuple[str, str, str], Key] = {}
        for key in keys:
            text, mode, field = key
            wanted[(str(mode), field or "", text_digest(text))] = key
        if not wanted:
            return {}
        found: dict[Key, Verdict] = {}
        digests = sorted({d for _, _, d in wanted})
        try:
            engine = self._ready()
            with read(engine) as conn:
                for start in range(0, len(digests), _CHUNK):
                    rows = conn.execute(select(rubric_scores.c.mode, rubric_scores.c.field,
                                               rubric_scores.c.text_sha256, rubric_scores.c.quality,
                                               rubric_scores.c.uncounted)
                                        .where(and_(rubric_scores.c.version == self.version,
                                                    rubric_scores.c.text_sha256.in_(digests[start:start + _CHUNK]))))
                    for mode, field, digest, quality, uncounted in rows:
                        key = wanted.get((mode, field, digest))
                        if key is not None:
                            found[key] = (quality, uncounted or "")
        except (SQLAlchemyError, ValueError, OSError) as error:
            log.warning("kept rubric scores unreadable, scoring every text: %s", error)
            return {}
        return found

    def put_many(self, scores: Mapping[Key, Verdict]) -> None:
        """Keep ``scores`` (key -> (quality or None, uncounted)) under this fingerprint; older
        fingerprints go."""
        rows = {(str(mode), field or "", text_digest(text)): verdict for (text, mode, field), verdict in scores.items()}
        if not rows:
            return
        values = [{"version": self.version, "mode": m, "field": f, "text_sha256": d, "quality": q,
                   "uncounted": u} for (m, f, d), (q, u) in rows.items()]

        def work(conn) -> None:
            conn.execute(delete(rubric_scores).where(rubric_scores.c.version != self.version))
            digests = sorted({v["text_sha256"] for v in values})
            kept = set()
            for start in range(0, len(digests), _CHUNK):
                kept.update(conn.execute(
                    select(rubric_scores.c.mode, rubric_scores.c.field, rubric_scores.c.text_sha256)
                    .where(and_(rubric_scores.c.version == self.version,
                                rubric_scores.c.text_sha256.in_(digests[start:start + _CHUNK])))).all())
            new = [v for v in values if (v["mode"], v["field"], v["text_sha256"]) not in kept]
            if new:
                conn.execute(insert(rubric_scores), new)

        try:
            write(self._ready(), work)
        except (SQLAlchemyError, ValueError, OSError) as error:
            log.warning("rubric scores not kept: %s", error)

    def rows(self) -> list[tuple]:
        """Every kept score of this fingerprint: ``(mode, field, text_sha256, quality, uncounted)``."""
        with read(self._ready()) as conn:
            return [tuple(row) for row in conn.execute(
                select(rubric_scores.c.mode, rubric_scores.c.field, rubric_scores.c.text_sha256,
                       rubric_scores.c.quality, rubric_scores.c.uncounted)
                .where(rubric_scores.c.version == self.version))]

    def close(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
