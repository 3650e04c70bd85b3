"""A self-paced learner's progress: answers, feedback and spiral contributions that survive restarts.

Every answer is saved when it is entered (an upsert keyed by the answer's key, so a double click
stores once), in the SQLite file of :func:`seci_lab.store.engine.default_url` (the user's data
folder, or ``$SECI_LAB_DB``). A learner takes all of it away in one step (JSON, CSV, an offline
HTML report) and imports the JSON on another machine; an import is validated completely before
anything is written, and written in one transaction, so a bad file changes nothing.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

import pandas as pd
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

from ..escape import html_text
from ..model import MODES, PARTICIPANT_MAX_CHARS, TEXT_MAX_CHARS, Contribution, clean_participant, normalize_text
from ..model.work import QUIZ, import_key, key_kind, key_mode, lab_key
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

SCHEMA = "seci-lab/progress"
SCHEMA_VERSION = 1
DEFAULT_PROFILE = "default"
DEFAULT_NAME = "Me"
#: Caps that keep one learner's file a reasonable size (checked on save and on import).
MAX_ANSWERS = 2000
MAX_CONTRIBUTIONS = 2000
MAX_KEY_CHARS = 120
MAX_RECORD_CHARS = 50_000  # one answer record as JSON: a text and its feedback, or the card board
MAX_IMPORT_BYTES = 5_000_000

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
    Column("round", Integer, nullable=False),
    Column("quality", Float, nullable=True),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("learner_id", "source_key", name="uq_progress_contribution"),
)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not key.strip():
        raise ValueError("An answer key must be non-empty text.")
    if len(key) > MAX_KEY_CHARS:
        raise ValueError(f"An answer key has {len(key)} characters; the limit is {MAX_KEY_CHARS}.")
    return key


def _check_record(key: str, record: object) -> str:
    """The record as canonical JSON, or a ValueError that says what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"The answer {key!r} must be an object (a dict), not {type(record).__name__}.")
    try:
        # sort_keys: the same record always gives the same text, so an unchanged save is a no-op
        encoded = json.dumps(record, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"The answer {key!r} holds something that is not plain JSON data ({error}).") from error
    if len(encoded) > MAX_RECORD_CHARS:
        raise ValueError(f"The answer {key!r} is too long ({len(encoded)} characters; the limit is {MAX_RECORD_CHARS}).")
    text = record.get("text")
    if text is not None:
        if not isinstance(text, str):
            raise ValueError(f"The text of answer {key!r} must be text.")
        if len(normalize_text(text)) > TEXT_MAX_CHARS:
            raise ValueError(f"The text of answer {key!r} has more than {TEXT_MAX_CHARS} characters.")
    return encoded


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
        self.profile = _check_key(profile)
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
        """Move the learner to ``round`` (from 1)."""
        if isinstance(round, bool) or not isinstance(round, int) or round < 1:
            raise ValueError(f"Rounds start at 1; got {round!r}.")
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
        key = _check_key(key)
        encoded = _check_record(key, record)

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
        source_key = _check_key(source_key)
        write(self.engine, lambda conn: self._upsert_contribution(conn, contribution, source_key))
        self._notify()

    @staticmethod
    def _row_values(c: Contribution) -> dict:
        return dict(participant=c.participant, mode=c.mode.value, text=c.text, round=c.round,
                    quality=c.quality, updated_at=_now())

    def _upsert_contribution(self, conn, c: Contribution, source_key: str) -> None:
        values = self._row_values(c)
        row = conn.execute(select(contributions_table.c.id).where(
            contributions_table.c.learner_id == self.learner_id,
            contributions_table.c.source_key == source_key)).first()
        if row is not None:
            conn.execute(update(contributions_table).where(contributions_table.c.id == row.id).values(**values))
            return
        count, last = conn.execute(
            select(func.count(), func.max(contributions_table.c.position))
            .where(contributions_table.c.learner_id == self.learner_id)).one()
        if count >= MAX_CONTRIBUTIONS:
            raise ValueError(f"Your spiral holds {count} contributions, the most one profile can hold.")
        conn.execute(insert(contributions_table).values(
            learner_id=self.learner_id, source_key=source_key, position=(last or 0) + 1, **values))

    def _contribution_rows(self, conn) -> list:
        return conn.execute(select(contributions_table).where(
            contributions_table.c.learner_id == self.learner_id).order_by(contributions_table.c.position)).all()

    @staticmethod
    def _to_contribution(row) -> Contribution:
        return Contribution(participant=row.participant, mode=row.mode, text=row.text,
                            round=row.round, quality=row.quality)

    def contributions(self) -> list[Contribution]:
        """The learner's spiral contributions, in the order they were first added."""
        with read(self.engine) as conn:
            return [self._to_contribution(r) for r in self._contribution_rows(conn)]

    def contribution_keys(self) -> list[str]:
        """The source key of each contribution, in the order of :meth:`contributions`."""
        with read(self.engine) as conn:
            return [r.source_key for r in self._contribution_rows(conn)]

    def remove_contribution(self, source_key: str) -> bool:
        """Remove the contribution saved under ``source_key``; returns whether there was one."""
        result = write(self.engine, lambda conn: conn.execute(delete(contributions_table).where(
            contributions_table.c.learner_id == self.learner_id,
            contributions_table.c.source_key == source_key)).rowcount)
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
            rows = self._contribution_rows(conn)
            free = {}
            for row in rows:
                free.setdefault(self._to_contribution(row), []).append(row)
            keep, new = [], []
            for c in wanted:
                if free.get(c):
                    keep.append((free[c].pop(0), c))
                else:
                    new.append(c)
            for leftovers in free.values():
                for row in leftovers:
                    conn.execute(delete(contributions_table).where(contributions_table.c.id == row.id))
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
                    conn.execute(insert(contributions_table).values(
                        learner_id=self.learner_id, source_key=lab_key(), position=position, **self._row_values(c)))

        write(self.engine, work)
        self._notify()

    def apply_changes(self, before: Iterable[Contribution], after: Iterable[Contribution]) -> None:
        """Save what changed between two versions of a spiral (the spiral lab's ``on_change``).

        Only the difference is written: contributions in ``before`` but not in ``after`` are
        removed (one saved match each), those in ``after`` but not in ``before`` are added with a
        key of their own. Work saved meanwhile from another page (a lesson in another tab) is
        left alone. Matching ignores the participant name (it changes when the learner renames
        themselves). One transaction.
        """
        old, new = list(before), list(after)
        for c in old + new:
            if not isinstance(c, Contribution):
                raise ValueError("Only Contributions can be saved to the spiral.")

        def content(c) -> tuple:
            return (c.mode.value, c.text, c.round, c.quality)

        removed = Counter(map(content, old)) - Counter(map(content, new))
        added = Counter(map(content, new)) - Counter(map(content, old))
        additions = []
        for c in new:  # in the lab's order
            if added[content(c)] > 0:
                added[content(c)] -= 1
                additions.append(c)

        def work(conn):
            rows = self._contribution_rows(conn)
            for row in reversed(rows):  # remove the newest match first
                key = (row.mode, row.text, row.round, row.quality)
                if removed[key] > 0:
                    removed[key] -= 1
                    conn.execute(delete(contributions_table).where(contributions_table.c.id == row.id))
            count = len(rows) + len(additions)
            if count > MAX_CONTRIBUTIONS:
                raise ValueError(f"A spiral can hold at most {MAX_CONTRIBUTIONS} contributions.")
            for c in additions:
                self._upsert_contribution(conn, c, lab_key())

        write(self.engine, work)
        self._notify()

    # --- export / import --------------------------------------------------------------------

    def export_json(self) -> dict:
        """Everything this learner saved, as JSON-ready data (see :meth:`import_json`)."""
        learner = self._learner()
        with read(self.engine) as conn:
            rows = self._contribution_rows(conn)
        return {
            "schema": SCHEMA,
            "version": SCHEMA_VERSION,
            "exported_at": _now(),
            "learner": {"name": learner.name, "round": int(learner.round)},
            "answers": self.answers(),
            "contributions": [
                {"source_key": r.source_key, **self._to_contribution(r).to_dict()} for r in rows
            ],
        }

    def export_bytes(self) -> bytes:
        """:meth:`export_json` as UTF-8 JSON bytes (the file a learner downloads)."""
        return json.dumps(self.export_json(), ensure_ascii=False, indent=2).encode("utf-8")

    def import_json(self, data: dict | str | bytes) -> dict[str, int]:
        """Import work exported by :meth:`export_json` (merging: imported keys replace saved ones).

        The whole file is checked first and written in one transaction: a bad file raises
        ``ValueError`` with a message that says what is wrong, and nothing is changed.

        Returns
        -------
        dict
            ``{"answers": n, "contributions": m}`` imported.
        """
        if isinstance(data, (bytes, bytearray, memoryview)):
            raw = bytes(data)
            if len(raw) > MAX_IMPORT_BYTES:
                raise ValueError(f"The file is {len(raw) / 1e6:.1f} MB; a seci-lab export is at most "
                                 f"{MAX_IMPORT_BYTES / 1e6:.0f} MB. Is it the right file?")
            try:
                data = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValueError("The file is not text (UTF-8): choose the .json file seci-lab exported.") from None
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as error:
                raise ValueError(f"The file is not valid JSON (line {error.lineno}, column {error.colno}: "
                                 f"{error.msg}). It may be cut short: download it again.") from None
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

    # --- take-away files --------------------------------------------------------------------

    def answers_frame(self) -> pd.DataFrame:
        """One row per saved answer: key, mode, text, quality, reasons, hint (other fields as JSON)."""
        rows = []
        for key, record in self.answers().items():
            rest = {k: v for k, v in record.items() if k not in ("text", "quality", "reasons", "hint", "mode")}
            rows.append({
                "key": key,
                "mode": record.get("mode", ""),
                "text": record.get("text", ""),
                "quality": record.get("quality"),
                "reasons": " | ".join(record.get("reasons", []) or []),
                "hint": record.get("hint", ""),
                "details": json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else "",
            })
        return pd.DataFrame(rows, columns=["key", "mode", "text", "quality", "reasons", "hint", "details"])

    def answers_csv(self) -> bytes:
        """The answers as CSV bytes (formula-like cells defused, as in :mod:`seci_lab.exports`)."""
        from ..exports import frame_csv

        return frame_csv(self.answers_frame())

    def contributions_csv(self) -> bytes:
        """The spiral contributions as CSV bytes."""
        from ..exports import contributions_csv

        return contributions_csv(self.contributions())

    def report_html(self, *, include_spiral: bool = True) -> str:
        """A standalone, offline HTML report: answers with their feedback, contributions, spiral.

        Every piece of learner text is escaped with :func:`seci_lab.escape.html_text`. With
        ``include_spiral`` the animated spiral is embedded with plotly.js inlined (about 5 MB).
        """
        return _report_html(self, include_spiral=include_spiral)

    def zip_bytes(self) -> bytes:
        """Everything in one file: report.html, my-work.json and two CSV tables, zipped."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("seci-lab-report.html", self.report_html())
            archive.writestr("seci-lab-my-work.json", self.export_bytes())
            archive.writestr("seci-lab-answers.csv", self.answers_csv())
            archive.writestr("seci-lab-contributions.csv", self.contributions_csv())
        return buffer.getvalue()


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


# --- validation of an imported file ----------------------------------------------------------

def validate_progress_data(data: Any) -> tuple[dict, dict[str, str], list[tuple[str, Contribution]]]:
    """Check a "My work" export (or data of the same shape) completely, as :meth:`Progress.import_json` does.

    Returns
    -------
    tuple
        ``({"name", "round"}, {key: canonical JSON of the record}, [(source_key, Contribution)])``.

    Raises
    ------
    ValueError
        With a message that says what is wrong.
    """
    if not isinstance(data, dict):
        raise ValueError("This is not a seci-lab export: the file must hold a JSON object.")
    if data.get("schema") != SCHEMA:
        raise ValueError(f"This is not a seci-lab progress file (schema {data.get('schema')!r}, "
                         f"expected {SCHEMA!r}).")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError("The file has no valid version number.")
    if version > SCHEMA_VERSION:
        raise ValueError(f"The file is from a newer seci-lab (version {version}); update seci-lab to import it.")
    if version < 1:
        raise ValueError(f"Unknown file version {version}.")
    learner = data.get("learner")
    if not isinstance(learner, dict):
        raise ValueError("The file has no 'learner' section.")
    name = learner.get("name", DEFAULT_NAME)
    try:
        name = clean_participant(name)
    except ValueError as error:
        raise ValueError(f"The learner's name in the file is not valid: {error}") from None
    round_ = learner.get("round", 1)
    if isinstance(round_, bool) or not isinstance(round_, int) or not 1 <= round_ <= 10_000:
        raise ValueError(f"The learner's round in the file must be a whole number from 1; got {round_!r}.")
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise ValueError("'answers' must be an object of key → answer.")
    if len(answers) > MAX_ANSWERS:
        raise ValueError(f"The file has {len(answers)} answers; at most {MAX_ANSWERS} can be imported.")
    encoded = {}
    for key, record in answers.items():
        _check_key(key)
        encoded[key] = _check_record(key, record)
    items = data.get("contributions", [])
    if not isinstance(items, list):
        raise ValueError("'contributions' must be a list.")
    if len(items) > MAX_CONTRIBUTIONS:
        raise ValueError(f"The file has {len(items)} contributions; at most {MAX_CONTRIBUTIONS} can be imported.")
    contributions = []
    seen = set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"Contribution {n} is not an object.")
        source_key = item.get("source_key", import_key(n))
        try:
            _check_key(source_key)
        except ValueError as error:
            raise ValueError(f"Contribution {n}: {error}") from None
        if source_key in seen:
            raise ValueError(f"Contribution {n} repeats the key {source_key!r}.")
        seen.add(source_key)
        quality = item.get("quality")
        if isinstance(quality, float) and math.isnan(quality):
            raise ValueError(f"Contribution {n}: the quality is not a number.")
        try:
            c = Contribution(participant=item.get("participant", name), mode=item.get("mode"),
                             text=item.get("text"), round=item.get("round"), quality=quality)
        except ValueError as error:
            raise ValueError(f"Contribution {n}: {error}") from None
        contributions.append((source_key, c))
    return {"name": name, "round": round_}, encoded, contributions


# --- the report ---------------------------------------------------------------------------------

_REPORT_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; color: #222; }
h1, h2 { color: #1f3f6b; }
.answer { border-left: 4px solid #1f3f6b; padding: 0.3rem 0.8rem; margin: 0.8rem 0; background: #f6f8fb; }
.answer pre { white-space: pre-wrap; font-family: inherit; margin: 0.3rem 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
.note { color: #444; }
"""


def _answer_html(key: str, record: dict) -> str:
    parts = [f'<div class="answer"><h3>{html_text(record.get("label") or key)}</h3>']
    text = record.get("text")
    if isinstance(text, str) and text:
        parts.append(f"<pre>{html_text(text)}</pre>")
    extras = {k: v for k, v in record.items()
              if k not in ("text", "quality", "reasons", "hint", "label", "mode", "saved_at")}
    for k, v in extras.items():
        shown = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        parts.append(f"<p><strong>{html_text(k)}:</strong> {html_text(shown)}</p>")
    quality = record.get("quality")
    if isinstance(quality, (int, float)) and not isinstance(quality, bool):
        parts.append(f"<p><strong>Suggested quality:</strong> {quality:.2f}</p>")
    reasons = record.get("reasons") or []
    if isinstance(reasons, list) and reasons:
        parts.append("<ul>" + "".join(f"<li>{html_text(r)}</li>" for r in reasons) + "</ul>")
    if record.get("hint"):
        parts.append(f"<p><em>To improve:</em> {html_text(record['hint'])}</p>")
    parts.append("</div>")
    return "".join(parts)


def _report_html(progress: Progress, *, include_spiral: bool) -> str:
    from ..exports import contributions_frame
    from ..model import simulate_spiral

    name = progress.name
    answers = progress.answers()
    contributions = progress.contributions()
    sections = []
    by_mode: dict[str, list[tuple[str, dict]]] = {m.value: [] for m in MODES}
    other = []
    for key, record in answers.items():
        mode = key_mode(key)
        (by_mode[mode.value] if mode is not None else other).append((key, record))
    for mode in MODES:
        items = by_mode[mode.value]
        body = "".join(_answer_html(k, r) for k, r in items) or "<p>No answers yet.</p>"
        sections.append(f"<h2>{html_text(mode.label)} ({html_text(mode.conversion)})</h2>{body}")
    if other:
        quiz = [(k, r) for k, r in other if key_kind(k) == QUIZ]
        rest = [(k, r) for k, r in other if key_kind(k) != QUIZ]
        if quiz:
            correct = sum(1 for _, r in quiz if r.get("correct") is True)
            sections.append(f"<h2>Quizzes</h2><p>{correct} of {len(quiz)} answered questions correct.</p>"
                            + "".join(_answer_html(k, r) for k, r in quiz))
        if rest:
            sections.append("<h2>Other work</h2>" + "".join(_answer_html(k, r) for k, r in rest))
    table = contributions_frame(contributions).to_html(escape=True, index=False, na_rep="–", border=0)
    sections.append(f"<h2>My spiral's contributions</h2>{table}")
    if include_spiral and contributions:
        import plotly.io as pio

        from .. import figures

        trajectory = simulate_spiral(contributions, 1, rounds=max(c.round for c in contributions))
        sections.append("<h2>My knowledge spiral</h2>" + pio.to_html(
            figures.spiral_figure(trajectory, animated=True, title="My knowledge spiral"),
            include_plotlyjs=True, full_html=False, div_id="seci-spiral-3d",
            config={"displaylogo": False, "responsive": True}, default_height="600px", auto_play=False))
        sections.append(figures.spiral_table(trajectory).to_html(escape=True, index=False, na_rep="–", border=0))
    title = f"SECI lab: the work of {name}"
    from ..exports import standalone_page

    return standalone_page(title, _REPORT_STYLE, [
        f'<p class="note">Exported {html_text(_now())}. Your answers to the four SECI lessons with '
        "the rubric's feedback, and the knowledge spiral built from them (Nonaka &amp; Takeuchi 1995). "
        "This page works offline.</p>",
        *sections,
    ])
