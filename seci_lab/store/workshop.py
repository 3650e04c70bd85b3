"""The shared store of a live workshop: sessions, participants, phases, contributions, clusters.

A facilitator's kernel and every participant's kernel (one Voila kernel per visitor) open the
same database and talk to it only through :class:`WorkshopStore`, which returns the records of
:mod:`seci_lab.model.workshop` (formats, phases, the session, participant, submission, cluster
and arc dataclasses and the rules that need no database live there). Every rule a participant
could try to bypass by forging widget messages is checked here, inside the write transaction:

- facilitator actions need the facilitator key returned by :meth:`WorkshopStore.create_session`
  (only its SHA-256 is stored; comparison is constant-time);
- a participant token (returned by :meth:`WorkshopStore.join`, again stored only as a hash)
  can submit, edit or withdraw its *own* contributions, vote and take away, nothing else;
- submissions go only to the open phase, before its deadline, at most ``max_per_minute`` per
  participant (counted in the database, so the cap holds across many kernel processes), with
  an idempotency key so that a double click or a retry stores once;
- texts follow :class:`seci_lab.model.Contribution`'s rules and caps;
- only the facilitator rates a contribution (:meth:`WorkshopStore.rate`); a rating counts over
  participants' votes in the spiral (:func:`seci_lab.model.workshop.submission_qualities`).

Every write runs through :func:`seci_lab.store.engine.write` (``BEGIN IMMEDIATE`` and a bounded
retry on SQLite) and first bumps the session's ``version`` counter, which also serialises the
writes of one session on PostgreSQL (row lock). Dashboards poll :meth:`WorkshopStore.version`
(one indexed read) and refresh only when it changed.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import TYPE_CHECKING, Callable, Sequence

from sqlalchemy import Connection, Engine, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..model import Contribution
from ..model.contributions import check_quality
from ..model.session_view import SessionSnapshot, session_spiral
from ..model.workshop import (
    LABEL_MAX,
    TITLE_MAX,
    Arc,
    Cluster,
    Format,
    NotAllowed,
    Participant,
    Phase,
    PhaseClosed,
    RateLimited,
    Scale,
    Session,
    SpiralStart,
    Submission,
    WorkshopError,
    anonymous_name,
    check_accepting,
    check_editable,
    check_id,
    check_idempotency_key,
    check_join_code,
    check_minutes,
    check_name_free,
    clean_display_name,
    clean_label,
    clean_submission_text,
    cluster_seed,
    lineage_edges,
    new_join_code,
    parse_join_code,
    spiral_contributions,
    spiral_inputs,
    submission_qualities,
)
from ..model.workshop_votes import check_votable, check_vote_round, check_voting
from .engine import create_tables, make_engine, read, write
from .workshop_schema import (
    _SQL_BUMP,
    _SQL_BY_KEY,
    _SQL_BY_TOKEN,
    _SQL_INSERT_CONTRIBUTION,
    _SQL_RECENT,
    _SQL_SEEN,
    _SQL_SESSION,
    _SQL_VERSION,
    metadata,
    ws_arcs,
    ws_clusters,
    ws_contributions,
    ws_events,
    ws_participants,
    ws_ratings,
    ws_room_screens,
    ws_sessions,
    ws_spiral_starts,
    ws_successors,
    ws_votes,
)
from .workshop_schema import hash_secret as _hash
from .workshop_keys import FACILITATOR_KEY_ALPHABET, new_facilitator_key, next_session_key, room_screen_token
from .workshop_snapshot import (
    read_arcs,
    read_clusters,
    read_cross_level_rounds,
    read_ratings,
    read_snapshot,
    read_starts,
    read_votes,
    to_participant,
    to_session,
    to_submission,
)

if TYPE_CHECKING:  # imported by the frame methods only: participant kernels start faster without it
    import pandas as pd

# The records and errors are the model's; they are named here too because the store returns
# and raises them (scripts import them from where they call).
__all__ = [
    "DEFAULT_MAX_PER_MINUTE",
    "FACILITATOR_KEY_ALPHABET",
    "Arc",
    "Cluster",
    "NotAllowed",
    "Participant",
    "PhaseClosed",
    "RateLimited",
    "Session",
    "SpiralStart",
    "Submission",
    "WorkshopError",
    "WorkshopStore",
    "metadata",
    "new_facilitator_key",
    "room_screen_token",
]

DEFAULT_MAX_PER_MINUTE = 10
#: A heartbeat (``touch``) closer than this to the last one is not written.
TOUCH_INTERVAL_S = 10.0

# ------------------------------------------------------------------------------------- store


class WorkshopStore:
    """Scripting API and shared state of live workshops.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        From :func:`seci_lab.store.make_engine`; prefer :meth:`open`.
    max_per_minute : int or None
        Submissions a participant may make in any 60 s window (``None``: no cap).
    clock : callable
        Returns the current UNIX time in seconds (tests pass a fake clock).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        max_per_minute: int | None = DEFAULT_MAX_PER_MINUTE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_per_minute is not None and (isinstance(max_per_minute, bool) or not isinstance(max_per_minute, int) or max_per_minute < 1):
            raise WorkshopError(f"max_per_minute must be a positive whole number or None; got {max_per_minute!r}.")
        self.engine = engine
        self.max_per_minute = max_per_minute
        self.clock = clock
        create_tables(engine, metadata)

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        max_per_minute: int | None = DEFAULT_MAX_PER_MINUTE,
        clock: Callable[[], float] = time.time,
    ) -> "WorkshopStore":
        """Open (and create if needed) the workshop tables at ``url``.

        ``url`` is a SQLAlchemy URL (``sqlite:////path/ws.sqlite``,
        ``postgresql+psycopg://user@host/db``) or ``None`` for ``$SECI_LAB_DB`` or the per-user
        default SQLite file.
        """
        return cls(make_engine(url), max_per_minute=max_per_minute, clock=clock)

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()

    # -- internal helpers --------------------------------------------------------------------

    def _write(self, work: Callable[[Connection], object]):
        return write(self.engine, work)

    def _session_row(self, conn: Connection, session_id: object, *, lock: bool = False):
        session_id = check_id(session_id, "session id")
        query = select(ws_sessions).where(ws_sessions.c.id == session_id)
        if lock:
            query = query.with_for_update()
        row = conn.execute(query).mappings().first()
        if row is None:
            raise WorkshopError(f"There is no workshop session {session_id}; check the join code or start a new session.")
        return row

    def _bump(self, conn: Connection, session_id: int) -> None:
        # First statement of every write: takes the session's row lock on PostgreSQL, so the
        # check-then-insert steps below (idempotency, rate cap) are serialised per session.
        result = conn.execute(_SQL_BUMP, {"b_session": session_id})
        if result.rowcount != 1:
            raise WorkshopError(f"There is no workshop session {session_id}; check the join code or start a new session.")

    def _facilitator(self, conn: Connection, session_id: object, key: object):
        session_id = check_id(session_id, "session id")
        self._bump(conn, session_id)
        row = self._session_row(conn, session_id)
        if not isinstance(key, str) or not hmac.compare_digest(_hash(key), row["key_hash"]):
            raise NotAllowed("Only the facilitator can do this: the facilitator key is missing or wrong.")
        return row

    def _participant_by_token(self, conn: Connection, token: object):
        if not isinstance(token, str) or not token:
            raise NotAllowed("You have not joined this session: join with the code first.")
        row = conn.execute(_SQL_BY_TOKEN, {"b_token": _hash(token)}).mappings().first()
        if row is None:
            raise NotAllowed("This participant token is not known: join again with the session's code.")
        return row

    def _participant(self, conn: Connection, token: object, *, bump: bool = True):
        row = self._participant_by_token(conn, token)
        if bump:
            self._bump(conn, row["session_id"])
        return row

    def _to_session(self, row, key: str | None = None) -> Session:
        return to_session(row, self.clock(), key)

    _to_participant = staticmethod(to_participant)
    _to_submission = staticmethod(to_submission)

    def _event(self, conn: Connection, session_id: int, kind: str, round_: int, phase: str | None, detail: str = "") -> None:
        conn.execute(insert(ws_events).values(
            session_id=session_id, kind=kind, round=round_, phase=phase, detail=detail[:200], at=self.clock()
        ))

    def _contribution_in(self, conn: Connection, session_id: int, contribution_id: object):
        contribution_id = check_id(contribution_id, "contribution id")
        row = conn.execute(
            select(ws_contributions).where(ws_contributions.c.id == contribution_id)
        ).mappings().first()
        if row is None or row["session_id"] != session_id:
            raise WorkshopError(f"Contribution {contribution_id} is not part of this session.")
        return row

    def _cluster_in(self, conn: Connection, session_id: int, cluster_id: object):
        cluster_id = check_id(cluster_id, "cluster id")
        row = conn.execute(select(ws_clusters).where(ws_clusters.c.id == cluster_id)).mappings().first()
        if row is None or row["session_id"] != session_id:
            raise WorkshopError(f"Cluster {cluster_id} is not part of this session.")
        return row

    # -- sessions (facilitator) --------------------------------------------------------------

    def create_session(self, title: str, format: str = "seci", join_code: str | None = None) -> Session:
        """Create a session and return it with its facilitator ``key`` (shown once, stored hashed).

        Parameters
        ----------
        title : str
            Shown to participants (at most 120 characters).
        format : {"seci", "csh"}
            A SECI round or a Collective Story Harvest.
        join_code : str, optional
            4-12 characters from ``seci_lab.model.workshop.JOIN_CODE_ALPHABET`` (no 0, O, 1, I,
            L); a random 6-character code when omitted.

        Raises
        ------
        WorkshopError
            Bad title, format or code, or the code is already used by another session.
        """
        title = clean_label(title, "session title", TITLE_MAX)
        fmt = Format.parse(format)
        return self._create_session(title, fmt, join_code)

    def follow_session(self, session_id: int, key: str, title: str, format: str = "seci",
                       join_code: str | None = None) -> Session:
        """Start a new session that follows ``session_id`` in the same room (NotAllowed without
        its key). Its key is derived from ``key`` (:func:`next_session_key`): the dashboard opened
        with ``key`` finds it again (:meth:`latest_session`), and the old session's phones are
        offered the new one (``SessionSnapshot.successor``). A session is followed once."""
        title = clean_label(title, "session title", TITLE_MAX)
        fmt = Format.parse(format)

        def also(conn: Connection, new_id: int) -> None:
            old = self._facilitator(conn, session_id, key)
            if conn.execute(select(ws_successors.c.successor_id)
                            .where(ws_successors.c.session_id == old["id"])).first() is not None:
                raise WorkshopError("A newer session already follows this one: reload the page to open it.")
            conn.execute(insert(ws_successors).values(session_id=old["id"], successor_id=new_id,
                                                      created_at=self.clock()))

        return self._create_session(title, fmt, join_code, also=also,
                                    key_for=lambda code: next_session_key(key, code))

    def latest_session(self, session_id: int, key: str) -> Session:
        """The newest session in the chain started from session ``session_id``'s dashboard
        (:meth:`follow_session`), with its key; the session itself when none follows it."""
        if not self.check_key(session_id, key):
            raise NotAllowed("Only the facilitator can do this: the facilitator key is missing or wrong.")
        with read(self.engine) as conn:
            row = self._session_row(conn, session_id)
            for _ in range(1000):
                nxt = conn.execute(select(ws_sessions).join(ws_successors, ws_successors.c.successor_id == ws_sessions.c.id)
                                   .where(ws_successors.c.session_id == row["id"])).mappings().first()
                candidate = None if nxt is None else next_session_key(key, nxt["join_code"])
                if candidate is None or not hmac.compare_digest(_hash(candidate), nxt["key_hash"]):
                    break
                row, key = nxt, candidate
        return self._to_session(row, key=key)

    def _create_session(self, title: str, fmt: Format, join_code: str | None,
                        also: Callable[[Connection, int], None] | None = None,
                        key_for: Callable[[str], str] | None = None) -> Session:
        """Insert a session (a free join code, a new key or ``key_for(code)``); ``also(conn,
        new_id)`` runs in the same transaction, so a session and what it belongs to are stored
        together or not at all."""
        if join_code is not None:
            code = check_join_code(join_code)
        now = self.clock()

        for _attempt in range(20):
            candidate = code if join_code is not None else new_join_code()
            key = new_facilitator_key() if key_for is None else key_for(candidate)

            def work(conn: Connection, candidate=candidate, key=key):
                taken = conn.execute(
                    select(ws_sessions.c.id).where(ws_sessions.c.join_code == candidate)
                ).first()
                if taken is not None:
                    return None
                new_id = conn.execute(insert(ws_sessions).values(
                    title=title, format=fmt.value, join_code=candidate, key_hash=_hash(key), round=1,
                    phase=None, phase_open=False, scale=0, version=1, created_at=now,
                )).inserted_primary_key[0]
                self._event(conn, new_id, "created", 1, None, title)
                if also is not None:
                    also(conn, new_id)
                return conn.execute(select(ws_sessions).where(ws_sessions.c.id == new_id)).mappings().one()

            try:
                row = self._write(work)
            except IntegrityError:  # another process took the code between check and insert
                row = None
            if row is not None:
                return self._to_session(row, key=key)
            if join_code is not None:
                raise WorkshopError(f"The join code {code} is already used by another session: choose another.")
        raise WorkshopError("Could not find a free join code; try again.")

    def session(self, session_id: int) -> Session:
        """The session as stored now (without its key)."""
        with read(self.engine) as conn:
            return self._to_session(self._session_row(conn, session_id))

    def session_by_code(self, code: str) -> Session:
        """The session with this join code (case, spaces and dashes ignored).

        Raises
        ------
        WorkshopError
            No session has this code.
        """
        normalized = parse_join_code(code)
        with read(self.engine) as conn:
            row = conn.execute(select(ws_sessions).where(ws_sessions.c.join_code == normalized)).mappings().first()
        if row is None:
            raise WorkshopError(f"No session has the code {normalized[:16]!r}: check it with the facilitator.")
        return self._to_session(row)

    def sessions(self) -> list[Session]:
        """All sessions, newest first (without keys)."""
        with read(self.engine) as conn:
            rows = conn.execute(select(ws_sessions).order_by(ws_sessions.c.id.desc())).mappings().all()
        return [self._to_session(row) for row in rows]

    def check_key(self, session_id: int, key: str) -> bool:
        """Whether ``key`` is this session's facilitator key (constant-time comparison)."""
        with read(self.engine) as conn:
            row = self._session_row(conn, session_id)
        return isinstance(key, str) and hmac.compare_digest(_hash(key), row["key_hash"])

    def version(self, session_id: int) -> int:
        """The session's change counter: it grows with every write to the session.

        Poll it (about once a second) and re-read only when it changed. Every write call bumps
        it, a repeated submission (same idempotency key) included; refused actions do not.
        """
        with read(self.engine) as conn:
            value = conn.execute(_SQL_VERSION, {"b_session": check_id(session_id, "session id")}).scalar()
        if value is None:
            raise WorkshopError(f"There is no workshop session {session_id}.")
        return int(value)

    def snapshot(self, session_id: int) -> SessionSnapshot:
        """Everything the session holds now, read in one transaction
        (:class:`~seci_lab.model.session_view.SessionSnapshot`): the participant page's state,
        the room screen and the spiral are computed from it (:mod:`seci_lab.model.session_view`)."""
        return read_snapshot(self.engine, session_id, self.clock)

    # -- the room screen (a read-only page for the projector) ---------------------------------

    def room_screen_token(self, session_id: int, key: str) -> str:
        """The session's room screen token, for the facilitator (NotAllowed without the key).

        The token lets a browser show the session's room screen and nothing else: it reads,
        never writes. It is derived from the facilitator key (:func:`room_screen_token`), so
        the same key gives the same token after a restart, and the key cannot be worked back
        from it; the store keeps its SHA-256 only.
        """
        token = room_screen_token(key if isinstance(key, str) else "", check_id(session_id, "session id"))

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            stored = conn.execute(select(ws_room_screens.c.token_hash)
                                  .where(ws_room_screens.c.session_id == row["id"])).scalar()
            if stored != _hash(token):
                conn.execute(ws_room_screens.delete().where(ws_room_screens.c.session_id == row["id"]))
                conn.execute(insert(ws_room_screens).values(session_id=row["id"], token_hash=_hash(token),
                                                            created_at=self.clock()))

        self._write(work)
        return token

    def session_for_room_screen(self, token: object) -> int:
        """The id of the session whose room screen ``token`` shows (NotAllowed for any other text)."""
        if not isinstance(token, str) or not token or len(token) > 64:
            raise NotAllowed("This room screen address is not complete: open the one the facilitator's page gives.")
        with read(self.engine) as conn:
            found = conn.execute(select(ws_room_screens.c.session_id)
                                 .where(ws_room_screens.c.token_hash == _hash(token))).scalar()
        if found is None:
            raise NotAllowed("This room screen address is not known: open the one the facilitator's page gives.")
        return int(found)

    # -- phases (facilitator) ----------------------------------------------------------------

    def open_phase(self, session_id: int, key: str, phase: str, minutes: float | None = None) -> Session:
        """Open ``phase`` of the current round (closing any other), with an optional timer.

        ``minutes`` sets the deadline ``now + minutes``; submissions after it (plus a 5 s grace)
        are refused. Opening the phase that is already open restarts its timer.
        """
        minutes = check_minutes(minutes)

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            name = Format(row["format"]).parse_phase(phase).value
            now = self.clock()
            conn.execute(update(ws_sessions).where(ws_sessions.c.id == row["id"]).values(
                phase=name, phase_open=True, phase_opened_at=now,
                deadline=None if minutes is None else now + float(minutes) * 60.0,
            ))
            self._event(conn, row["id"], "open_phase", row["round"], name, "" if minutes is None else f"{minutes} min")
            return conn.execute(select(ws_sessions).where(ws_sessions.c.id == row["id"])).mappings().one()

        return self._to_session(self._write(work))

    def close_phase(self, session_id: int, key: str) -> Session:
        """Close the open phase (no more submissions); the phase stays current for reading."""

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            conn.execute(update(ws_sessions).where(ws_sessions.c.id == row["id"]).values(phase_open=False))
            self._event(conn, row["id"], "close_phase", row["round"], row["phase"])
            return conn.execute(select(ws_sessions).where(ws_sessions.c.id == row["id"])).mappings().one()

        return self._to_session(self._write(work))

    def next_round(self, session_id: int, key: str) -> Session:
        """Close the current phase and start the next round (no phase open yet)."""

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            conn.execute(update(ws_sessions).where(ws_sessions.c.id == row["id"]).values(
                round=row["round"] + 1, phase=None, phase_open=False, phase_opened_at=None, deadline=None,
            ))
            self._event(conn, row["id"], "next_round", row["round"] + 1, None)
            return conn.execute(select(ws_sessions).where(ws_sessions.c.id == row["id"])).mappings().one()

        return self._to_session(self._write(work))

    def declare_level_up(self, session_id: int, key: str) -> Session:
        """Declare a cross-leveling event: table -> plenary -> organization.

        The current round is recorded as a cross-level round for the spiral
        (:meth:`cross_level_rounds`).
        """

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            scale = Scale(row["scale"]).next()
            conn.execute(update(ws_sessions).where(ws_sessions.c.id == row["id"]).values(scale=int(scale)))
            self._event(conn, row["id"], "level_up", row["round"], row["phase"], scale.label)
            return conn.execute(select(ws_sessions).where(ws_sessions.c.id == row["id"])).mappings().one()

        return self._to_session(self._write(work))

    def cross_level_rounds(self, session_id: int) -> list[int]:
        """Rounds at whose end the facilitator declared a level-up (for ``simulate_spiral``)."""
        with read(self.engine) as conn:
            return read_cross_level_rounds(conn, check_id(session_id, "session id"))

    # -- new spirals (facilitator) ------------------------------------------------------------

    def spiral(self, session_id: int) -> pd.DataFrame:
        """The session's spiral now (:func:`seci_lab.model.workshop.session_trajectory`): its id
        is the session's, and a session started from another's cluster starts from that
        spiral's explicit knowledge. Contributions count with their :meth:`qualities` (votes and
        the facilitator's ratings)."""
        return session_spiral(self.snapshot(session_id))

    def start_spiral(self, session_id: int, key: str, cluster_id: int, title: str | None = None) -> Session:
        """Start a new spiral from a cluster: a new session (another team, or the next project)
        that starts from the explicit knowledge of this session's spiral at the end of the
        cluster's round, with its lineage (this session, the cluster, the step).

        Returns the new session with its own facilitator ``key`` (shown once); participants join
        it with its join code. Knowledge must have reached the group level there.

        Raises
        ------
        NotAllowed
            Wrong facilitator key.
        WorkshopError
            The cluster is not this session's, or the spiral is below the group level at the end
            of its round (the message says why and what would allow it), or a bad title.
        """
        session_id = check_id(session_id, "session id")
        with read(self.engine) as conn:
            row = self._session_row(conn, session_id)
            if not isinstance(key, str) or not hmac.compare_digest(_hash(key), row["key_hash"]):
                raise NotAllowed("Only the facilitator can do this: the facilitator key is missing or wrong.")
            found = self._cluster_in(conn, session_id, cluster_id)
        cluster = Cluster(id=found["id"], session_id=session_id, name=found["name"], round=found["round"])
        seed = cluster_seed(self.spiral(session_id), cluster)
        name = clean_label(title if title is not None and str(title).strip() else
                           f"{cluster.name}: a new spiral"[:TITLE_MAX], "session title", TITLE_MAX)

        def also(conn: Connection, new_id: int) -> None:
            parent = self._facilitator(conn, session_id, key)  # the key again, inside the transaction
            self._cluster_in(conn, session_id, cluster.id)
            conn.execute(insert(ws_spiral_starts).values(
                session_id=new_id, parent_session_id=session_id, cluster_id=cluster.id,
                parent_step=seed.step, parent_round=seed.round, level=seed.level,
                explicit=seed.explicit, created_at=self.clock(),
            ))
            self._event(conn, session_id, "new_spiral", parent["round"], parent["phase"],
                        f"session {new_id} from cluster {cluster.id}")

        return self._create_session(name, Format(row["format"]), None, also=also)

    def _starts(self, where) -> list[SpiralStart]:
        with read(self.engine) as conn:
            return read_starts(conn, where)

    def spiral_start(self, session_id: int) -> SpiralStart | None:
        """Where this session's spiral started, if it is a new spiral from another's cluster."""
        found = self._starts(ws_spiral_starts.c.session_id == check_id(session_id, "session id"))
        return found[0] if found else None

    def spiral_starts(self, session_id: int) -> list[SpiralStart]:
        """The new spirals started from this session's clusters, oldest first."""
        return self._starts(ws_spiral_starts.c.parent_session_id == check_id(session_id, "session id"))

    def events_frame(self, session_id: int) -> pd.DataFrame:
        """The session's log: created, open_phase, close_phase, next_round, level_up, hide, restore."""
        import pandas as pd

        session_id = check_id(session_id, "session id")
        with read(self.engine) as conn:
            rows = conn.execute(select(ws_events).where(ws_events.c.session_id == session_id).order_by(ws_events.c.id)).mappings().all()
        frame = pd.DataFrame([dict(r) for r in rows], columns=["id", "session_id", "kind", "round", "phase", "detail", "at"])
        frame["at"] = pd.to_datetime(frame["at"], unit="s", utc=True)
        return frame

    # -- participants ------------------------------------------------------------------------

    def join(self, code: str, display_name: str | None = None) -> Participant:
        """Join the session with this code; returns the participant with its secret ``token``.

        An empty or missing name joins anonymously (shown as "Anonymous N"). A name already used
        in the session (case ignored) and the reserved "Facilitator" are refused (WorkshopError).
        """
        session = self.session_by_code(code)
        name = clean_display_name(display_name)
        token = secrets.token_urlsafe(24)
        now = self.clock()

        def work(conn):
            self._bump(conn, session.id)
            shown = name
            if shown is not None:  # checked inside the write: two phones sending one name race
                check_name_free(shown, conn.execute(select(ws_participants.c.display_name).where(
                    ws_participants.c.session_id == session.id)).scalars())
            if shown is None:
                count = conn.execute(select(func.count()).select_from(ws_participants).where(
                    and_(ws_participants.c.session_id == session.id, ws_participants.c.anonymous.is_(True))
                )).scalar()
                shown = anonymous_name(count)
            new_id = conn.execute(insert(ws_participants).values(
                session_id=session.id, token_hash=_hash(token), display_name=shown,
                anonymous=name is None, arc_id=None, joined_at=now, last_seen=now,
            )).inserted_primary_key[0]
            return conn.execute(select(ws_participants).where(ws_participants.c.id == new_id)).mappings().one()

        return self._to_participant(self._write(work), token=token)

    def rejoin(self, token: str) -> Participant:
        """The participant this token belongs to (after a page reload), marked as seen now."""

        def work(conn):
            row = self._participant_by_token(conn, token)
            conn.execute(update(ws_participants).where(ws_participants.c.id == row["id"]).values(last_seen=self.clock()))
            return conn.execute(select(ws_participants).where(ws_participants.c.id == row["id"])).mappings().one()

        return self._to_participant(self._write(work), token=token)

    def participant_for(self, token: str) -> Participant:
        """The participant this token belongs to, read only (NotAllowed for an unknown token)."""
        with read(self.engine) as conn:
            return self._to_participant(self._participant_by_token(conn, token))

    def touch(self, token: str) -> None:
        """Mark the participant as active now (a heartbeat). Does not change ``version``.

        Writes at most once per ``TOUCH_INTERVAL_S`` seconds per participant (a read otherwise),
        so heartbeats from a full room do not compete with submissions for the write lock.
        """
        now = self.clock()
        with read(self.engine) as conn:
            row = self._participant_by_token(conn, token)
        if row["last_seen"] >= now - TOUCH_INTERVAL_S:
            return

        def work(conn):
            row = self._participant_by_token(conn, token)
            conn.execute(update(ws_participants).where(ws_participants.c.id == row["id"]).values(last_seen=now))

        self._write(work)

    def participants(self, session_id: int) -> list[Participant]:
        """Everyone who joined, in joining order (without tokens)."""
        session_id = check_id(session_id, "session id")
        with read(self.engine) as conn:
            rows = conn.execute(select(ws_participants).where(
                ws_participants.c.session_id == session_id).order_by(ws_participants.c.id)).mappings().all()
        return [self._to_participant(r) for r in rows]

    def active_participants(self, session_id: int, within_s: float = 120.0) -> list[Participant]:
        """Participants seen (joined, submitted, voted, heartbeat) in the last ``within_s`` seconds."""
        since = self.clock() - within_s
        return [p for p in self.participants(session_id) if p.last_seen >= since]

    # -- arcs (Collective Story Harvest) -----------------------------------------------------

    def create_arc(self, session_id: int, key: str, name: str) -> Arc:
        """Add a harvest arc (a lens such as "what we learn about courage") to a CSH session."""
        name = clean_label(name, "arc name", LABEL_MAX)

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            if row["format"] != Format.CSH:
                raise WorkshopError("Arcs belong to a Collective Story Harvest; this session is a SECI round.")
            exists = conn.execute(select(ws_arcs.c.id).where(and_(ws_arcs.c.session_id == row["id"], ws_arcs.c.name == name))).first()
            if exists is not None:
                raise WorkshopError(f"There is already an arc named {name!r}.")
            new_id = conn.execute(insert(ws_arcs).values(session_id=row["id"], name=name)).inserted_primary_key[0]
            return Arc(id=new_id, session_id=row["id"], name=name)

        return self._write(work)

    def assign_arc(self, session_id: int, key: str, participant_id: int, arc_id: int | None) -> None:
        """Make a participant the harvester of an arc (``None`` removes the assignment)."""

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            person = conn.execute(select(ws_participants).where(ws_participants.c.id == check_id(participant_id, "participant id"))).mappings().first()
            if person is None or person["session_id"] != row["id"]:
                raise WorkshopError(f"Participant {participant_id} is not part of this session.")
            arc = None
            if arc_id is not None:
                found = conn.execute(select(ws_arcs).where(ws_arcs.c.id == check_id(arc_id, "arc id"))).mappings().first()
                if found is None or found["session_id"] != row["id"]:
                    raise WorkshopError(f"Arc {arc_id} is not part of this session.")
                arc = found["id"]
            conn.execute(update(ws_participants).where(ws_participants.c.id == person["id"]).values(arc_id=arc))

        self._write(work)

    def arcs(self, session_id: int) -> list[Arc]:
        """The session's arcs with their harvesters' participant ids."""
        with read(self.engine) as conn:
            return read_arcs(conn, check_id(session_id, "session id"))

    # -- contributions (participants) --------------------------------------------------------

    def submit(
        self,
        token: str,
        text: str,
        idempotency_key: str,
        *,
        phase: str | None = None,
        parent_id: int | None = None,
        source_cluster_id: int | None = None,
    ) -> Submission:
        """Store a contribution to the open phase, once per ``idempotency_key``.

        Parameters
        ----------
        token : str
            The participant's token from :meth:`join`.
        text : str
            At most ``TEXT_MAX_CHARS`` characters after normalisation; stored raw (escape it
            when displaying).
        idempotency_key : str
            A fresh unique text per submit click (e.g. ``uuid4().hex``), reused on retries: a
            second call with the same key returns the first contribution (``created=False``).
        phase : str, optional
            The phase the page showed; refused if it is not the open phase (a stale page).
        parent_id : int, optional
            A visible contribution of this session this one builds on (lineage).
        source_cluster_id : int, optional
            A cluster this contribution draws on (e.g. a take-away from a cluster).

        Raises
        ------
        PhaseClosed
            No phase open, another phase open, or its time is up.
        RateLimited
            More than ``max_per_minute`` submissions in the last 60 s.
        WorkshopError
            Empty or too long text, unknown parent or cluster, bad token.
        """
        idempotency_key = check_idempotency_key(idempotency_key)
        # Validate outside the transaction (the write lock is held for as short as possible);
        # the text rules do not depend on the phase.
        clean = clean_submission_text(text)

        def work(conn):
            person = self._participant(conn, token)
            existing = conn.execute(
                _SQL_BY_KEY, {"b_participant": person["id"], "b_key": idempotency_key}
            ).mappings().first()
            if existing is not None:
                return self._to_submission(existing, created=False)
            session = self._to_session(conn.execute(_SQL_SESSION, {"b_session": person["session_id"]}).mappings().one())
            now = self.clock()
            check_accepting(session, now, phase)
            current = session.phase
            if self.max_per_minute is not None:
                recent = conn.execute(
                    _SQL_RECENT, {"b_participant": person["id"], "b_since": now - 60.0}
                ).scalars().all()
                if len(recent) >= self.max_per_minute:
                    wait = max(1.0, recent[len(recent) - self.max_per_minute] + 60.0 - now)
                    raise RateLimited(
                        f"You have sent {len(recent)} contributions in the last minute (the limit is "
                        f"{self.max_per_minute}). Your text is kept: send it again in {wait:.0f} s.",
                        retry_after=wait,
                    )
            parent = source = None
            if parent_id is not None:
                row = self._contribution_in(conn, session.id, parent_id)
                if row["hidden"] or row["withdrawn"]:
                    raise WorkshopError(f"Contribution {parent_id} is no longer on the board; choose another.")
                parent = row["id"]
            if source_cluster_id is not None:
                source = self._cluster_in(conn, session.id, source_cluster_id)["id"]
            values = dict(
                session_id=session.id, participant_id=person["id"], idempotency_key=idempotency_key,
                round=session.round, phase=current.value, text=clean, parent_id=parent,
                arc_id=person["arc_id"] if current.takes_arc else None,
                cluster_id=None, source_cluster_id=source, hidden=False, withdrawn=False,
                created_at=now,
            )
            values["id"] = conn.execute(_SQL_INSERT_CONTRIBUTION, values).inserted_primary_key[0]
            conn.execute(_SQL_SEEN, {"b_participant": person["id"], "b_now": now})
            return self._to_submission(values)

        return self._write(work)

    def edit(self, token: str, contribution_id: int, text: str) -> Submission:
        """Change the text of one's own contribution while its phase is open in the current round and it is on
        the board (not hidden by the facilitator, not withdrawn)."""

        def work(conn):
            person = self._participant(conn, token)
            row = self._contribution_in(conn, person["session_id"], contribution_id)
            if row["participant_id"] != person["id"]:
                raise NotAllowed("You can only edit your own contributions.")
            session = self._to_session(conn.execute(_SQL_SESSION, {"b_session": person["session_id"]}).mappings().one())
            check_editable(session, self._to_submission(row), self.clock())
            clean = clean_submission_text(text)
            conn.execute(update(ws_contributions).where(ws_contributions.c.id == row["id"]).values(text=clean, edited_at=self.clock()))
            return self._to_submission(conn.execute(select(ws_contributions).where(ws_contributions.c.id == row["id"])).mappings().one())

        return self._write(work)

    def withdraw(self, token: str, contribution_id: int) -> None:
        """Take one's own contribution off the board (kept in the database and in exports as withdrawn),
        while its phase is open in the current round, as for :meth:`edit`; withdrawing it again changes nothing."""

        def work(conn):
            person = self._participant(conn, token)
            row = self._contribution_in(conn, person["session_id"], contribution_id)
            if row["participant_id"] != person["id"]:
                raise NotAllowed("You can only withdraw your own contributions.")
            if row["withdrawn"]:
                return  # a retried request: withdrawn already
            session = self._to_session(conn.execute(_SQL_SESSION, {"b_session": person["session_id"]}).mappings().one())
            check_editable(session, self._to_submission(row), self.clock(), "withdrawn")
            conn.execute(update(ws_contributions).where(ws_contributions.c.id == row["id"]).values(withdrawn=True))

        self._write(work)

    # -- moderation (facilitator) ------------------------------------------------------------

    def hide(self, session_id: int, key: str, contribution_id: int) -> None:
        """Hide a contribution from the group board and the spiral (kept; see :meth:`restore`)."""
        self._set_hidden(session_id, key, contribution_id, True)

    def restore(self, session_id: int, key: str, contribution_id: int) -> None:
        """Show a hidden contribution again."""
        self._set_hidden(session_id, key, contribution_id, False)

    def _set_hidden(self, session_id, key, contribution_id, hidden: bool) -> None:
        def work(conn):
            row = self._facilitator(conn, session_id, key)
            target = self._contribution_in(conn, row["id"], contribution_id)
            conn.execute(update(ws_contributions).where(ws_contributions.c.id == target["id"]).values(hidden=hidden))
            self._event(conn, row["id"], "hide" if hidden else "restore", row["round"], target["phase"], str(target["id"]))

        self._write(work)

    # -- clusters and votes ------------------------------------------------------------------

    def create_cluster(self, session_id: int, key: str, name: str, members: Sequence[int] = ()) -> Cluster:
        """Create a named cluster in the current round (names are unique within a round), with
        ``members`` put in it in the same transaction (a suggested cluster accepted in one step)."""
        name = clean_label(name, "cluster name", LABEL_MAX)

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            exists = conn.execute(select(ws_clusters.c.id).where(and_(
                ws_clusters.c.session_id == row["id"], ws_clusters.c.round == row["round"], ws_clusters.c.name == name,
            ))).first()
            if exists is not None:
                raise WorkshopError(f"There is already a cluster named {name!r} in this round.")
            new_id = conn.execute(insert(ws_clusters).values(
                session_id=row["id"], name=name, round=row["round"], created_at=self.clock()
            )).inserted_primary_key[0]
            for item in members:
                self._assign_in(conn, row["id"], item, new_id)
            return Cluster(id=new_id, session_id=row["id"], name=name, round=row["round"], members=len(members))

        return self._write(work)

    def rename_cluster(self, session_id: int, key: str, cluster_id: int, name: str) -> None:
        """Rename a cluster."""
        name = clean_label(name, "cluster name", LABEL_MAX)

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            cluster = self._cluster_in(conn, row["id"], cluster_id)
            clash = conn.execute(select(ws_clusters.c.id).where(and_(
                ws_clusters.c.session_id == row["id"], ws_clusters.c.round == cluster["round"],
                ws_clusters.c.name == name, ws_clusters.c.id != cluster["id"],
            ))).first()
            if clash is not None:
                raise WorkshopError(f"There is already a cluster named {name!r} in this round.")
            conn.execute(update(ws_clusters).where(ws_clusters.c.id == cluster["id"]).values(name=name))

        self._write(work)

    def assign(self, session_id: int, key: str, contribution_id: int | Sequence[int], cluster_id: int | None) -> None:
        """Put a contribution, or several (a list of ids, moved together or not at all), in a
        cluster (``None`` takes them out). A contribution is in at most one.

        A hidden or withdrawn contribution is off the board: it can be taken out of its cluster,
        not put in one (WorkshopError)."""
        items = list(contribution_id) if isinstance(contribution_id, (list, tuple)) else [contribution_id]

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            for item in items:
                self._assign_in(conn, row["id"], item, cluster_id)

        self._write(work)

    def _assign_in(self, conn: Connection, session_id: int, contribution_id: object, cluster_id: object) -> None:
        target = self._contribution_in(conn, session_id, contribution_id)
        if cluster_id is not None and (target["hidden"] or target["withdrawn"]):
            state = "withdrawn by its author" if target["withdrawn"] else "hidden (restore it first)"
            raise WorkshopError(f"Contribution {target['id']} is {state}: it cannot go in a cluster.")
        cluster = None if cluster_id is None else self._cluster_in(conn, session_id, cluster_id)["id"]
        conn.execute(update(ws_contributions).where(ws_contributions.c.id == target["id"]).values(cluster_id=cluster))

    def vote(self, token: str, cluster_id: int, on: bool | None = None) -> bool:
        """Vote for a cluster of the current round while the Combination (or gifts) phase is open.

        One vote per participant per cluster. ``on=None`` toggles; ``True``/``False`` set the vote
        (idempotent, the safer choice for a button that may be clicked twice). Returns whether the
        participant now votes for the cluster.
        """

        def work(conn):
            person = self._participant(conn, token)
            session = self._to_session(conn.execute(_SQL_SESSION, {"b_session": person["session_id"]}).mappings().one())
            check_voting(session, self.clock())
            cluster = self._cluster_in(conn, session.id, cluster_id)
            check_vote_round(session, Cluster(id=cluster["id"], session_id=session.id, name=cluster["name"],
                                              round=cluster["round"]))
            current = conn.execute(select(ws_votes.c.cluster_id).where(and_(
                ws_votes.c.participant_id == person["id"], ws_votes.c.cluster_id == cluster["id"]))).first() is not None
            wanted = (not current) if on is None else bool(on)
            if wanted and not current:
                check_votable(Cluster(id=cluster["id"], session_id=session.id, name=cluster["name"], round=cluster["round"],
                                      members=conn.execute(select(func.count()).where(and_(
                                          ws_contributions.c.cluster_id == cluster["id"],
                                          ws_contributions.c.hidden.is_(False),
                                          ws_contributions.c.withdrawn.is_(False)))).scalar()))
                conn.execute(insert(ws_votes).values(participant_id=person["id"], cluster_id=cluster["id"], created_at=self.clock()))
            elif current and not wanted:
                conn.execute(ws_votes.delete().where(and_(
                    ws_votes.c.participant_id == person["id"], ws_votes.c.cluster_id == cluster["id"])))
            conn.execute(update(ws_participants).where(ws_participants.c.id == person["id"]).values(last_seen=self.clock()))
            return wanted

        return self._write(work)

    def my_votes(self, token: str) -> set[int]:
        """Cluster ids this participant votes for."""
        with read(self.engine) as conn:
            person = self._participant_by_token(conn, token)
            return set(conn.execute(select(ws_votes.c.cluster_id).where(ws_votes.c.participant_id == person["id"])).scalars())

    def clusters(self, session_id: int, round: int | None = None) -> list[Cluster]:
        """Clusters (of one round, or all), with vote counts and visible members."""
        with read(self.engine) as conn:
            return read_clusters(conn, check_id(session_id, "session id"),
                                 None if round is None else check_id(round, "round"))

    # -- reading -----------------------------------------------------------------------------

    FRAME_COLUMNS = (
        "id", "session_id", "round", "phase", "phase_label", "mode", "participant_id", "participant",
        "text", "parent_id", "arc_id", "arc", "cluster_id", "cluster", "source_cluster_id",
        "hidden", "withdrawn", "created_at", "edited_at", "quality", "quality_source",
    )

    def contributions_frame(self, session_id: int, include_hidden: bool = False) -> pd.DataFrame:
        """The session's contributions, oldest first, as a DataFrame (columns ``FRAME_COLUMNS``).

        Hidden (moderated) and withdrawn contributions are left out unless ``include_hidden``.
        ``created_at``/``edited_at`` are UTC timestamps; ``mode`` is the SECI letter the phase feeds;
        ``quality`` and ``quality_source`` are what the contribution counts with in the spiral
        (:meth:`qualities`; no quality: the default). Texts are raw: escape them when displaying.
        """
        import pandas as pd


        c, p = ws_contributions, ws_participants
        arc, cluster = ws_arcs.alias("arc"), ws_clusters.alias("cluster")
        query = (
            select(c, p.c.display_name.label("participant"), arc.c.name.label("arc"), cluster.c.name.label("cluster"))
            .join(p, p.c.id == c.c.participant_id)
            .outerjoin(arc, arc.c.id == c.c.arc_id)
            .outerjoin(cluster, cluster.c.id == c.c.cluster_id)
            .where(c.c.session_id == check_id(session_id, "session id"))
            .order_by(c.c.id)
        )
        if not include_hidden:
            query = query.where(and_(c.c.hidden.is_(False), c.c.withdrawn.is_(False)))
        with read(self.engine) as conn:
            rows = conn.execute(query).mappings().all()
            qualities = self._qualities_in(conn, check_id(session_id, "session id"),
                                           [self._to_submission(r) for r in rows])
        records = []
        for r in rows:
            record = {name: r.get(name) for name in self.FRAME_COLUMNS if name in r}
            phase = Phase(r["phase"])
            record["phase_label"] = phase.label
            record["mode"] = phase.mode.value
            record["hidden"] = bool(r["hidden"])
            record["withdrawn"] = bool(r["withdrawn"])
            record["quality"], record["quality_source"] = qualities.get(r["id"], (None, "rubric"))
            records.append(record)
        frame = pd.DataFrame(records, columns=list(self.FRAME_COLUMNS))
        for column in ("created_at", "edited_at"):
            frame[column] = pd.to_datetime(frame[column].astype("float64"), unit="s", utc=True)
        for column in ("parent_id", "arc_id", "cluster_id", "source_cluster_id"):
            frame[column] = frame[column].astype("Int64")
        frame["quality"] = frame["quality"].astype("float64")
        return frame

    def phase_counts(self, session_id: int, round: int | None = None) -> dict[str, int]:
        """Visible contributions per phase of a round (default: the current round), every phase listed."""
        session = self.session(session_id)
        round_ = session.round if round is None else check_id(round, "round")
        with read(self.engine) as conn:
            rows = conn.execute(select(ws_contributions.c.phase, func.count()).where(and_(
                ws_contributions.c.session_id == session.id, ws_contributions.c.round == round_,
                ws_contributions.c.hidden.is_(False), ws_contributions.c.withdrawn.is_(False),
            )).group_by(ws_contributions.c.phase)).all()
        counts = {phase.value: 0 for phase in session.phases}
        counts.update({phase: int(n) for phase, n in rows})
        return counts

    def submissions(self, session_id: int, include_hidden: bool = False) -> list[Submission]:
        """The session's contributions, oldest first; hidden and withdrawn ones only if ``include_hidden``."""
        query = select(ws_contributions).where(
            ws_contributions.c.session_id == check_id(session_id, "session id")).order_by(ws_contributions.c.id)
        if not include_hidden:
            query = query.where(and_(ws_contributions.c.hidden.is_(False), ws_contributions.c.withdrawn.is_(False)))
        with read(self.engine) as conn:
            return [self._to_submission(row) for row in conn.execute(query).mappings()]

    def spiral_contributions(self, session_id: int) -> list[Contribution]:
        """Visible contributions as :class:`seci_lab.model.Contribution` for ``simulate_spiral``
        (:func:`seci_lab.model.workshop.spiral_contributions`), with their :meth:`qualities`."""
        submissions = self.submissions(session_id)
        return spiral_contributions(submissions, self.participants(session_id), self._qualities(session_id, submissions))

    def spiral_inputs(self, session_id: int) -> tuple[list[Contribution], int, list[int]]:
        """``(contributions, participants, cross_level_rounds)`` ready for ``simulate_spiral``.

        ``participants`` is the number who joined (at least 1); qualities as :meth:`qualities`.
        """
        submissions = self.submissions(session_id)
        return spiral_inputs(submissions, self.participants(session_id), self.cross_level_rounds(session_id),
                             self._qualities(session_id, submissions))

    # -- ratings -----------------------------------------------------------------------------

    def rate(self, session_id: int, key: str, contribution_id: int, quality: float | None) -> None:
        """The facilitator rates a contribution (0-1), or clears the rating with ``None``.

        The rating counts over participants' votes in the group's spiral. Raises NotAllowed
        without the facilitator key, WorkshopError for a quality outside [0, 1] or a
        contribution of another session.
        """
        try:
            quality = check_quality(quality, "The rating")
        except ValueError as error:
            raise WorkshopError(str(error)) from None

        def work(conn):
            row = self._facilitator(conn, session_id, key)
            target = self._contribution_in(conn, row["id"], contribution_id)
            conn.execute(ws_ratings.delete().where(ws_ratings.c.contribution_id == target["id"]))
            if quality is not None:
                conn.execute(insert(ws_ratings).values(contribution_id=target["id"], session_id=row["id"],
                                                       quality=quality, rated_at=self.clock()))
            self._event(conn, row["id"], "rate", row["round"], target["phase"],
                        f"{target['id']}: {'cleared' if quality is None else f'{quality:.2f}'}")

        self._write(work)

    def ratings(self, session_id: int) -> dict[int, float]:
        """The facilitator's ratings: contribution id -> quality."""
        with read(self.engine) as conn:
            return self._ratings_in(conn, check_id(session_id, "session id"))

    _ratings_in = staticmethod(read_ratings)

    def qualities(self, session_id: int) -> dict[int, tuple[float | None, str]]:
        """What each contribution counts with in the spiral, and whose quality it is: the
        facilitator's rating, else the default raised by its cluster's votes, else unrated
        (:func:`seci_lab.model.workshop.submission_qualities`)."""
        return self._qualities(session_id, self.submissions(session_id, include_hidden=True))

    def _qualities(self, session_id: int, submissions: list[Submission]) -> dict[int, tuple[float | None, str]]:
        with read(self.engine) as conn:
            return self._qualities_in(conn, check_id(session_id, "session id"), submissions)

    def _qualities_in(self, conn: Connection, session_id: int,
                      submissions: list[Submission]) -> dict[int, tuple[float | None, str]]:
        # Two reads (ratings; votes with their cluster's round): participants' pages call this on
        # every refresh, through contributions_frame.
        clusters, voters = read_votes(conn, session_id)
        return submission_qualities(submissions, ratings=read_ratings(conn, session_id), clusters=clusters,
                                    voters=voters)

    def lineage_frame(self, session_id: int) -> pd.DataFrame:
        """Links between ideas, one row per edge, for the lineage view of a report.

        Columns ``source``, ``target``, ``relation`` (:func:`seci_lab.model.workshop.lineage_edges`).
        Only visible contributions appear.
        """
        import pandas as pd

        return pd.DataFrame(lineage_edges(self.submissions(session_id)), columns=["source", "target", "relation"])
