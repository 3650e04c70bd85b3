"""One read of a workshop session, and what each screen shows of it.

:class:`SessionSnapshot` is everything a session holds at one moment, read by
:meth:`seci_lab.store.workshop.WorkshopStore.snapshot` in one transaction. The projections
below are computed from it, once per version of the session, by whichever server shows it:

- :func:`board` and :func:`participant_state`: the participant page's JSON (the board of
  visible contributions, the clusters of the current round, the arcs);
- :func:`session_spiral`: the group's spiral (:func:`~seci_lab.model.workshop.session_trajectory`
  with the votes' and the facilitator's qualities);
- :func:`room_view`: the room screen on the projector (the phase, the board of the current
  phase, clusters and votes, the take-aways wall, the lineage and the spiral as plain rows).

Only visible contributions (neither hidden by the facilitator nor withdrawn by their author)
reach any of them; texts stay raw here (pages show them as text, never as markup). Pure:
standard library and ``seci_lab.model`` only (pandas through the spiral model).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from .workshop import (
    Arc,
    Cluster,
    Participant,
    Session,
    SpiralStart,
    Submission,
    is_expired,
    lineage_edges,
    session_trajectory,
    submission_qualities,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ROOM_BOARD_MAX",
    "SessionSnapshot",
    "board",
    "in_session_words",
    "participant_state",
    "phase_status",
    "qualities",
    "room_screen_address",
    "room_view",
    "session_spiral",
    "session_words",
    "trajectory_in_session_words",
]

#: The room screen shows at most this many contributions of the current phase, newest first
#: (large type on a projector: more would not be read, and the page says how many there are).
ROOM_BOARD_MAX = 40
#: Members shown under each cluster on the room screen.
ROOM_CLUSTER_MEMBERS = 5
#: What the room screen shows for a participant who joined without a name.
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class SessionSnapshot:
    """A session as one transaction read it: every record the views need, nothing derived.

    ``submissions`` are all of the session's contributions, oldest first, hidden and withdrawn
    ones included (flagged): the projections leave those out. ``clusters`` are every round's,
    with their votes and visible members counted. ``voters`` is, per round, how many
    participants voted for at least one cluster; ``read_at`` the store's clock at the read;
    ``successor`` the session the facilitator started to follow this one in the same room.
    """

    session: Session
    participants: tuple[Participant, ...]
    submissions: tuple[Submission, ...]
    clusters: tuple[Cluster, ...]
    arcs: tuple[Arc, ...]
    ratings: Mapping[int, float] = field(default_factory=dict)
    voters: Mapping[int, int] = field(default_factory=dict)
    cross_level_rounds: tuple[int, ...] = ()
    start: SpiralStart | None = None
    read_at: float = 0.0
    successor: Session | None = None

    @property
    def version(self) -> int:
        """The session's change counter at the read."""
        return self.session.version

    @property
    def visible(self) -> list[Submission]:
        """The contributions on the board, oldest first."""
        return [s for s in self.submissions if s.visible]


def qualities(snapshot: SessionSnapshot) -> dict[int, tuple[float | None, str]]:
    """What each contribution counts with in the spiral (:func:`~.workshop.submission_qualities`)."""
    return submission_qualities(snapshot.submissions, ratings=snapshot.ratings, clusters=snapshot.clusters,
                                voters=snapshot.voters)


def session_spiral(snapshot: SessionSnapshot) -> pd.DataFrame:
    """The session's spiral now: its visible contributions with the qualities votes and the
    facilitator's ratings give them, the declared level-ups and where a new spiral started."""
    return session_trajectory(snapshot.submissions, snapshot.participants, snapshot.cross_level_rounds,
                              session_id=snapshot.session.id, start=snapshot.start, qualities=qualities(snapshot))


def _names(snapshot: SessionSnapshot) -> tuple[dict[int, Participant], dict[int, str], dict[int, str]]:
    return ({p.id: p for p in snapshot.participants}, {c.id: c.name for c in snapshot.clusters},
            {a.id: a.name for a in snapshot.arcs})


def board(snapshot: SessionSnapshot) -> list[dict]:
    """The participant page's board: every visible contribution, oldest first, with its author's
    id (``by``, so a page finds its own) and shown name, its cluster, arc and what it draws on."""
    people, clusters, arcs = _names(snapshot)
    return [
        {"id": s.id, "round": s.round, "phase": s.phase.value, "phase_label": s.phase.label, "text": s.text,
         "by": s.participant_id,
         "participant": people[s.participant_id].display_name if s.participant_id in people else "",
         "cluster": clusters.get(s.cluster_id), "arc": arcs.get(s.arc_id), "parent_id": s.parent_id,
         "source_cluster": clusters.get(s.source_cluster_id), "edited": s.edited_at is not None}
        for s in snapshot.visible
    ]


def phase_status(session: Session) -> str:
    """Where the session stands, said once: "Round 2 · Story (open)", "Round 1 · Not started
    yet" (the page's heading and the facilitator's header both show this line)."""
    if session.phase is None:
        return f"Round {session.round} · Not started yet"
    return f"Round {session.round} · {session.phase.label} ({'open' if session.accepting else 'closed'})"


def session_words(session: Session) -> dict[str, str]:
    """Each SECI mode's name -> the session's phase that feeds it ("Socialization" -> "Story"
    in a Collective Story Harvest; the same words in a SECI round)."""
    return {phase.mode.label: phase.label for phase in session.phases}


def in_session_words(text: str, session: Session) -> str:
    """``text`` (the model's own words: notes, conditions) with each mode named by the session's
    phase, so a Story Harvest reads "Harvest of adequate quality", not "Externalization"."""
    for mode, phase in session_words(session).items():
        text = text.replace(mode, phase)
    return text


def trajectory_in_session_words(trajectory: pd.DataFrame, session: Session) -> pd.DataFrame:
    """A copy of ``trajectory`` whose ``mode_name``, ``note`` and ``unmet`` use the session's phase names
    (the facilitator's spiral, its hover texts and its table)."""
    named = trajectory.copy()
    for column in ("mode_name", "note", "unmet"):
        if column in named.columns:
            named[column] = [in_session_words(str(v), session) if isinstance(v, str) else v for v in named[column]]
    return named


def _session_header(session: Session, prompt: str) -> dict:
    phase = session.phase
    return {
        "title": session.title, "format": session.format.value, "format_label": session.format.label,
        "round": session.round, "scale": session.scale_label,
        "phase": phase.value if phase else None, "phase_label": session.phase_label,
        "phase_open": session.phase_open, "accepting": session.accepting, "deadline": session.deadline,
        "takes_votes": bool(phase and phase.takes_votes),
        "takes_takeaways": bool(phase and phase.takes_takeaways),
        "takes_arc": bool(phase and phase.takes_arc),
        "prompt": prompt, "status": phase_status(session),
    }


def participant_state(snapshot: SessionSnapshot, *, prompt: str, text_max: int) -> dict:
    """What every participant of the session sees (the JSON API's ``state``): the session, the
    board, the current round's clusters with their votes, the arcs with their harvesters."""
    session = snapshot.session
    return {
        "version": snapshot.version,
        "server_time": snapshot.read_at,
        "session": {**_session_header(session, prompt), "text_max": text_max},
        "board": board(snapshot),
        "clusters": [{"id": c.id, "name": c.name, "round": c.round, "votes": c.votes, "members": c.members}
                     for c in snapshot.clusters if c.round == session.round],
        "arcs": [{"id": a.id, "name": a.name, "harvesters": list(a.harvesters)} for a in snapshot.arcs],
        # A newer session in the same room: the phones of this one are offered its join code.
        "next_session": None if snapshot.successor is None else {
            "title": snapshot.successor.title, "join_code": snapshot.successor.join_code},
    }


# ------------------------------------------------------------------------- the room screen


def _shown_name(person: Participant | None) -> str:
    if person is None:
        return ""
    return ANONYMOUS if person.anonymous else person.display_name


def _room_item(s: Submission, people: Mapping[int, Participant], clusters: Mapping[int, str]) -> dict:
    return {"id": s.id, "text": s.text, "by": _shown_name(people.get(s.participant_id)),
            "phase_label": s.phase.label, "round": s.round,
            "cluster": clusters.get(s.cluster_id), "source_cluster": clusters.get(s.source_cluster_id)}


def _spiral_rows(trajectory: pd.DataFrame, session: Session) -> list[dict]:
    """The spiral as plain numbers for the room screen's drawing and its table (a top view: the
    angle is the mode, the radius the knowledge held); each step named by the session's phase
    that feeds its mode (a Story Harvest's "Story", not "Socialization")."""
    phases = {phase.mode.value: phase.label for phase in session.phases}  # by letter: the rows' mode
    rows = []
    for r in trajectory.itertuples(index=False):
        radius, angle = float(r.radius), math.radians(float(r.angle))
        rows.append({"step": int(r.step), "round": int(r.round), "mode": str(r.mode),
                     "phase": phases.get(str(r.mode), str(r.mode_name)),
                     "contributions": int(r.contributions), "level": int(r.level), "level_name": str(r.level_name),
                     "leveled_up": bool(r.leveled_up),
                     "x": round(radius * math.cos(angle), 4), "y": round(radius * math.sin(angle), 4)})
    return rows


def _lineage(snapshot: SessionSnapshot, people: Mapping[int, Participant]) -> list[dict]:
    """Each cluster with what was grouped in it and what draws on it, oldest first (story ->
    concept -> cluster -> take-away), from :func:`~.workshop.lineage_edges`."""
    visible = {s.id: s for s in snapshot.visible}
    grouped: dict[int, list[str]] = {}
    drawn: dict[int, list[str]] = {}
    built: dict[int, list[str]] = {}
    for source, target, relation in lineage_edges(snapshot.submissions):
        item = visible[int(source.split(":")[1])]
        target_id = int(target.split(":")[1])
        if relation == "grouped in":
            grouped.setdefault(target_id, []).append(item.text)
        elif relation == "draws on":
            drawn.setdefault(target_id, []).append(item.text)
        else:
            built.setdefault(target_id, []).append(item.text)
    chains = []
    for cluster in snapshot.clusters:
        members = [s for s in snapshot.visible if s.cluster_id == cluster.id]
        if not members and cluster.id not in drawn:
            continue
        chains.append({
            "cluster": cluster.name, "round": cluster.round, "votes": cluster.votes,
            "members": [{"text": s.text, "by": _shown_name(people.get(s.participant_id)),
                         "builds_on": [visible[s.parent_id].text] if s.parent_id in visible else []}
                        for s in members],
            "takeaways": drawn.get(cluster.id, []),
        })
    return chains


def room_view(snapshot: SessionSnapshot, *, prompt: str, lifetime_s: float | None = None,
              spiral: pd.DataFrame | None = None) -> dict:
    """What the room screen shows of the session: read-only, visible contributions only.

    ``joining`` says whether people can still join (the session has not ended: participants'
    places end ``lifetime_s`` after it began). ``board`` holds the newest contributions of the
    current phase (of the current round when no phase has opened), each with its author's name
    or "anonymous" as they chose; ``clusters`` the current round's clusters with their votes
    and some members (shown while a phase takes votes); ``takeaways`` every round's take-aways,
    newest first, and ``lineage`` what each cluster grew from and led to (shown while take-aways
    are written); ``spiral`` the group's spiral as rows (``spiral`` computed already, or here).
    No participant ids, tokens, hidden or withdrawn contributions, nor anything to act with.
    """
    session = snapshot.session
    people, clusters, _arcs = _names(snapshot)
    phase = session.phase
    current = [s for s in snapshot.visible if s.round == session.round and (phase is None or s.phase == phase)]
    newest = list(reversed(current))[:ROOM_BOARD_MAX]
    round_clusters = []
    for c in snapshot.clusters:
        if c.round != session.round:
            continue
        members = [s.text for s in snapshot.visible if s.cluster_id == c.id]
        round_clusters.append({"name": c.name, "votes": c.votes, "members": members[:ROOM_CLUSTER_MEMBERS],
                               "more": max(0, len(members) - ROOM_CLUSTER_MEMBERS)})
    round_clusters.sort(key=lambda c: -c["votes"])
    takeaways = [_room_item(s, people, clusters) for s in reversed(snapshot.visible) if s.phase.takes_takeaways]
    trajectory = session_spiral(snapshot) if spiral is None else spiral
    rows = _spiral_rows(trajectory, session)
    last = trajectory.iloc[-1] if len(trajectory) else None
    return {
        "version": snapshot.version,
        "server_time": snapshot.read_at,
        "session": _session_header(session, prompt),
        "join_code": session.join_code,
        "joining": not is_expired(session.created_at, snapshot.read_at, lifetime_s),
        "participants": len(snapshot.participants),
        "contributions": len(snapshot.visible),
        "board": [_room_item(s, people, clusters) for s in newest],
        "board_total": len(current),
        "show_clusters": bool(phase and phase.takes_votes),
        "clusters": round_clusters,
        "show_end": bool(phase and phase.takes_takeaways),
        "takeaways": takeaways,
        "lineage": _lineage(snapshot, people),
        "spiral": {
            "rows": rows,
            "level": str(last["level_name"]) if last is not None else "",
        },
    }


def room_screen_address(join_url: str, token: str) -> str:
    """The room screen's address on the participant server of ``join_url`` (whose query, the
    join token, it leaves out): ``.../room?screen=TOKEN``."""
    base = join_url.split("#", 1)[0].split("?", 1)[0]
    return f"{base if base.endswith('/') else base + '/'}room?screen={token}"
