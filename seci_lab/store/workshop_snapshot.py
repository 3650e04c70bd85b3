"""Reading a workshop session: rows into the model's records, and the whole session in one
transaction (:func:`read_snapshot`, behind :meth:`WorkshopStore.snapshot
<seci_lab.store.workshop.WorkshopStore.snapshot>`).

Each read below takes an open connection, so the store's methods and the snapshot run the same
SQL; the snapshot runs them all inside one transaction (SQLite: one deferred transaction, one
view of the WAL; PostgreSQL: REPEATABLE READ), so every view built from it shows one moment of
the session: no board that has a contribution whose cluster the same view lacks.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import Connection, Engine, and_, func, select

from ..model import SpiralSeed
from ..model.session_view import SessionSnapshot
from ..model.workshop import (
    Arc,
    Cluster,
    Format,
    Participant,
    Phase,
    Scale,
    Session,
    SpiralStart,
    Submission,
    WorkshopError,
    check_id,
    is_accepting,
)
from .workshop_schema import (
    ws_arcs,
    ws_clusters,
    ws_contributions,
    ws_events,
    ws_participants,
    ws_ratings,
    ws_sessions,
    ws_successors,
    ws_spiral_starts,
    ws_votes,
)

__all__ = [
    "read_arcs",
    "read_clusters",
    "read_cross_level_rounds",
    "read_ratings",
    "read_snapshot",
    "read_starts",
    "read_votes",
    "to_participant",
    "to_session",
    "to_submission",
]


# ------------------------------------------------------------------------- rows to records


def to_session(row, now: float, key: str | None = None) -> Session:
    """A ``ws_sessions`` row as a :class:`Session` (``accepting`` as of ``now``)."""
    return Session(
        id=row["id"], title=row["title"], format=Format(row["format"]), join_code=row["join_code"],
        round=row["round"], phase=None if row["phase"] is None else Phase(row["phase"]),
        phase_open=bool(row["phase_open"]), phase_opened_at=row["phase_opened_at"], deadline=row["deadline"],
        scale=Scale(row["scale"]), version=row["version"], created_at=row["created_at"],
        accepting=is_accepting(row["phase_open"], row["deadline"], now), key=key,
    )


def to_participant(row, token: str | None = None) -> Participant:
    """A ``ws_participants`` row as a :class:`Participant` (``token`` only where one was just made)."""
    return Participant(
        id=row["id"], session_id=row["session_id"], display_name=row["display_name"],
        anonymous=bool(row["anonymous"]), arc_id=row["arc_id"], joined_at=row["joined_at"],
        last_seen=row["last_seen"], token=token,
    )


def to_submission(row, created: bool = True) -> Submission:
    """A ``ws_contributions`` row as a :class:`Submission`."""
    return Submission(
        id=row["id"], session_id=row["session_id"], participant_id=row["participant_id"],
        round=row["round"], phase=Phase(row["phase"]), text=row["text"], parent_id=row["parent_id"],
        arc_id=row["arc_id"], cluster_id=row["cluster_id"],
        source_cluster_id=row["source_cluster_id"], hidden=bool(row["hidden"]),
        withdrawn=bool(row["withdrawn"]), created_at=row["created_at"], created=created,
        edited_at=row.get("edited_at"),
    )


def _to_start(row, names: dict[int, str]) -> SpiralStart:
    seed = SpiralSeed(parent=str(row["parent_session_id"]), step=row["parent_step"],
                      round=row["parent_round"], level=row["level"], explicit=row["explicit"])
    return SpiralStart(session_id=row["session_id"], parent_session_id=row["parent_session_id"],
                       cluster_id=row["cluster_id"], cluster_name=names.get(row["cluster_id"], ""),
                       seed=seed, created_at=row["created_at"])


# ------------------------------------------------------------------------------- the reads


def read_cross_level_rounds(conn: Connection, session_id: int) -> list[int]:
    """Rounds at whose end the facilitator declared a level-up."""
    rows = conn.execute(select(ws_events.c.round).where(and_(
        ws_events.c.session_id == session_id, ws_events.c.kind == "level_up")).order_by(ws_events.c.id)).scalars().all()
    return sorted(set(rows))


def read_starts(conn: Connection, where) -> list[SpiralStart]:
    """The spiral starts matching ``where`` (a condition on ``ws_spiral_starts``)."""
    rows = conn.execute(select(ws_spiral_starts).where(where).order_by(ws_spiral_starts.c.session_id)).mappings().all()
    ids = {r["cluster_id"] for r in rows}
    names = dict(conn.execute(select(ws_clusters.c.id, ws_clusters.c.name)
                              .where(ws_clusters.c.id.in_(ids))).all()) if ids else {}
    return [_to_start(r, names) for r in rows]


def read_arcs(conn: Connection, session_id: int) -> list[Arc]:
    """The session's arcs with their harvesters' participant ids."""
    arcs = conn.execute(select(ws_arcs).where(ws_arcs.c.session_id == session_id).order_by(ws_arcs.c.id)).mappings().all()
    people = conn.execute(select(ws_participants.c.id, ws_participants.c.arc_id).where(
        and_(ws_participants.c.session_id == session_id, ws_participants.c.arc_id.is_not(None)))).all()
    return [Arc(id=a["id"], session_id=a["session_id"], name=a["name"],
                harvesters=tuple(p for p, arc in people if arc == a["id"])) for a in arcs]


def read_clusters(conn: Connection, session_id: int, round_: int | None = None) -> list[Cluster]:
    """Clusters (of one round, or all), with vote counts and visible members."""
    query = select(ws_clusters).where(ws_clusters.c.session_id == session_id)
    if round_ is not None:
        query = query.where(ws_clusters.c.round == round_)
    rows = conn.execute(query.order_by(ws_clusters.c.id)).mappings().all()
    votes = dict(conn.execute(select(ws_votes.c.cluster_id, func.count()).join(
        ws_clusters, ws_clusters.c.id == ws_votes.c.cluster_id).where(
        ws_clusters.c.session_id == session_id).group_by(ws_votes.c.cluster_id)).all())
    members = dict(conn.execute(select(ws_contributions.c.cluster_id, func.count()).where(and_(
        ws_contributions.c.session_id == session_id, ws_contributions.c.cluster_id.is_not(None),
        ws_contributions.c.hidden.is_(False), ws_contributions.c.withdrawn.is_(False),
    )).group_by(ws_contributions.c.cluster_id)).all())
    return [Cluster(id=r["id"], session_id=r["session_id"], name=r["name"], round=r["round"],
                    votes=int(votes.get(r["id"], 0)), members=int(members.get(r["id"], 0))) for r in rows]


def read_ratings(conn: Connection, session_id: int) -> dict[int, float]:
    """The facilitator's ratings: contribution id -> quality."""
    query = select(ws_ratings.c.contribution_id, ws_ratings.c.quality).where(ws_ratings.c.session_id == session_id)
    return {int(r.contribution_id): float(r.quality) for r in conn.execute(query)}


def read_votes(conn: Connection, session_id: int) -> tuple[list[Cluster], dict[int, int]]:
    """The clusters that have votes (id, round and count only) and, per round, how many
    participants voted for at least one cluster: what the qualities of votes need."""
    votes = conn.execute(select(ws_clusters.c.id, ws_clusters.c.round, ws_votes.c.participant_id)
                         .join(ws_votes, ws_votes.c.cluster_id == ws_clusters.c.id)
                         .where(ws_clusters.c.session_id == session_id)).all()
    per_cluster: dict[int, tuple[int, int]] = {}
    voters: dict[int, set[int]] = {}
    for cluster_id, round_, person in votes:
        n = per_cluster.get(cluster_id, (round_, 0))[1]
        per_cluster[cluster_id] = (round_, n + 1)
        voters.setdefault(round_, set()).add(person)
    clusters = [Cluster(id=c, session_id=session_id, name="", round=r, votes=n) for c, (r, n) in per_cluster.items()]
    return clusters, {r: len(people) for r, people in voters.items()}


def read_snapshot(engine: Engine, session_id: object, clock: Callable[[], float]) -> SessionSnapshot:
    """Every record of the session, read in one transaction (see the module's docstring)."""
    session_id = check_id(session_id, "session id")
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            row = conn.execute(select(ws_sessions).where(ws_sessions.c.id == session_id)).mappings().first()
            if row is None:
                raise WorkshopError(f"There is no workshop session {session_id}.")
            now = clock()
            people = conn.execute(select(ws_participants).where(ws_participants.c.session_id == session_id)
                                  .order_by(ws_participants.c.id)).mappings().all()
            submissions = conn.execute(select(ws_contributions).where(ws_contributions.c.session_id == session_id)
                                       .order_by(ws_contributions.c.id)).mappings().all()
            clusters = read_clusters(conn, session_id)
            _voted, voters = read_votes(conn, session_id)
            starts = read_starts(conn, ws_spiral_starts.c.session_id == session_id)
            successor = conn.execute(select(ws_sessions).join(ws_successors, ws_successors.c.successor_id == ws_sessions.c.id)
                                     .where(ws_successors.c.session_id == session_id)).mappings().first()
            return SessionSnapshot(
                session=to_session(row, now), participants=tuple(to_participant(p) for p in people),
                submissions=tuple(to_submission(s) for s in submissions), clusters=tuple(clusters),
                arcs=tuple(read_arcs(conn, session_id)), ratings=read_ratings(conn, session_id), voters=voters,
                cross_level_rounds=tuple(read_cross_level_rounds(conn, session_id)),
                start=starts[0] if starts else None, read_at=now,
                successor=None if successor is None else to_session(successor, now))
