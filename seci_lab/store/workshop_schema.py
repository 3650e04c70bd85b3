"""The workshop store's tables and the statements of its hot paths, defined once.

:mod:`seci_lab.store.workshop` runs every query and transaction over these; the snapshot
reader (:mod:`seci_lab.store.workshop_snapshot`) reads them too. Secrets are stored as their
SHA-256 only (:func:`hash_secret`): facilitator keys, participant tokens, room screen tokens.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    insert,
    select,
    update,
)

from ..model import PARTICIPANT_MAX_CHARS
from ..model.workshop import IDEMPOTENCY_KEY_MAX, LABEL_MAX, TITLE_MAX

__all__ = [
    "hash_secret",
    "metadata",
    "ws_arcs",
    "ws_clusters",
    "ws_contributions",
    "ws_events",
    "ws_participants",
    "ws_ratings",
    "ws_room_screens",
    "ws_sessions",
    "ws_spiral_starts",
    "ws_successors",
    "ws_votes",
]

# --------------------------------------------------------------------------------------- schema

metadata = MetaData()

ws_sessions = Table(
    "ws_sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(TITLE_MAX), nullable=False),
    Column("format", String(8), nullable=False),
    Column("join_code", String(16), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False),
    Column("round", Integer, nullable=False, default=1),
    Column("phase", String(16)),
    Column("phase_open", Boolean, nullable=False, default=False),
    Column("phase_opened_at", Float),
    Column("deadline", Float),
    Column("scale", Integer, nullable=False, default=0),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", Float, nullable=False),
)

ws_arcs = Table(
    "ws_arcs", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("ws_sessions.id"), nullable=False),
    Column("name", String(LABEL_MAX), nullable=False),
    UniqueConstraint("session_id", "name", name="uq_ws_arc_name"),
)

ws_participants = Table(
    "ws_participants", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("ws_sessions.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("display_name", String(PARTICIPANT_MAX_CHARS), nullable=False),
    Column("anonymous", Boolean, nullable=False),
    Column("arc_id", Integer, ForeignKey("ws_arcs.id")),
    Column("joined_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Index("ix_ws_participants_session", "session_id"),
)

ws_clusters = Table(
    "ws_clusters", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("ws_sessions.id"), nullable=False),
    Column("name", String(LABEL_MAX), nullable=False),
    Column("round", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("session_id", "round", "name", name="uq_ws_cluster_name"),
)

ws_contributions = Table(
    "ws_contributions", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("ws_sessions.id"), nullable=False),
    Column("participant_id", Integer, ForeignKey("ws_participants.id"), nullable=False),
    Column("idempotency_key", String(IDEMPOTENCY_KEY_MAX), nullable=False),
    Column("round", Integer, nullable=False),
    Column("phase", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("parent_id", Integer, ForeignKey("ws_contributions.id")),
    Column("arc_id", Integer, ForeignKey("ws_arcs.id")),
    Column("cluster_id", Integer, ForeignKey("ws_clusters.id")),
    Column("source_cluster_id", Integer, ForeignKey("ws_clusters.id")),
    Column("hidden", Boolean, nullable=False, default=False),
    Column("withdrawn", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
    Column("edited_at", Float),
    UniqueConstraint("participant_id", "idempotency_key", name="uq_ws_contribution_key"),
    Index("ix_ws_contributions_session", "session_id", "round", "phase"),
    Index("ix_ws_contributions_rate", "participant_id", "created_at"),
)

ws_votes = Table(
    "ws_votes", metadata,
    Column("participant_id", Integer, ForeignKey("ws_participants.id"), primary_key=True),
    Column("cluster_id", Integer, ForeignKey("ws_clusters.id"), primary_key=True),
    Column("created_at", Float, nullable=False),
)

# A session that is a new spiral, started from a cluster of another session (its parent): the
# step of the parent's spiral it rises from and the explicit knowledge it starts with, fixed
# when it starts (SECI-Spiral v2, docs/spiral-model.md).
ws_spiral_starts = Table(
    "ws_spiral_starts", metadata,
    Column("session_id", Integer, ForeignKey("ws_sessions.id"), primary_key=True),
    Column("parent_session_id", Integer, ForeignKey("ws_sessions.id"), nullable=False),
    Column("cluster_id", Integer, ForeignKey("ws_clusters.id"), nullable=False),
    Column("parent_step", Integer, nullable=False),
    Column("parent_round", Integer, nullable=False),
    Column("level", Integer, nullable=False),
    Column("explicit", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_ws_spiral_starts_parent", "parent_session_id"),
)

ws_ratings = Table(
    "ws_ratings", metadata,
    Column("contribution_id", Integer, ForeignKey("ws_contributions.id"), primary_key=True),
    Column("session_id", Integer, ForeignKey("ws_sessions.id"), nullable=False),
    Column("quality", Float, nullable=False),
    Column("rated_at", Float, nullable=False),
    Index("ix_ws_ratings_session", "session_id"),
)

ws_events = Table(
    "ws_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("ws_sessions.id"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("round", Integer, nullable=False),
    Column("phase", String(16)),
    Column("detail", String(200)),
    Column("at", Float, nullable=False),
    Index("ix_ws_events_session", "session_id"),
)


# Statements of the hot paths (submit, version polling), built once: building a statement and
# its cache key costs more Python time than running it on SQLite, and it happens inside the
# write lock.
_SQL_BUMP = (
    update(ws_sessions).where(ws_sessions.c.id == bindparam("b_session"))
    .values(version=ws_sessions.c.version + 1)
)
_SQL_SESSION = select(ws_sessions).where(ws_sessions.c.id == bindparam("b_session"))
_SQL_VERSION = select(ws_sessions.c.version).where(ws_sessions.c.id == bindparam("b_session"))
_SQL_BY_TOKEN = select(ws_participants).where(ws_participants.c.token_hash == bindparam("b_token"))
_SQL_BY_KEY = select(ws_contributions).where(and_(
    ws_contributions.c.participant_id == bindparam("b_participant"),
    ws_contributions.c.idempotency_key == bindparam("b_key"),
))
_SQL_RECENT = (
    select(ws_contributions.c.created_at)
    .where(and_(
        ws_contributions.c.participant_id == bindparam("b_participant"),
        ws_contributions.c.created_at > bindparam("b_since"),
    ))
    .order_by(ws_contributions.c.created_at)
)
_SQL_INSERT_CONTRIBUTION = insert(ws_contributions)
_SQL_SEEN = (
    update(ws_participants).where(ws_participants.c.id == bindparam("b_participant"))
    .values(last_seen=bindparam("b_now"))
)


# A session's room screen (a read-only page for the projector): the SHA-256 of its token
# (seci_lab.store.workshop.room_screen_token derives the token from the facilitator key).
ws_room_screens = Table(
    "ws_room_screens", metadata,
    Column("session_id", Integer, ForeignKey("ws_sessions.id"), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
)

# The session a facilitator started from a session's dashboard to follow it in the same room
# (its key is derived from this one's: seci_lab.store.workshop_keys.next_session_key). The old
# session's phones are offered the new one; the dashboard reloaded with the old key opens it.
ws_successors = Table(
    "ws_successors", metadata,
    Column("session_id", Integer, ForeignKey("ws_sessions.id"), primary_key=True),
    Column("successor_id", Integer, ForeignKey("ws_sessions.id"), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
)


def hash_secret(secret: str) -> str:
    """The SHA-256 (hex) a secret is stored and looked up by."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
