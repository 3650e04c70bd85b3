"""The live workshop as a domain: formats and their phases, scales, the records a session is
made of, the rules that need no database, and a session's spiral.

Everything a page, a script or a server needs to know about a workshop without opening the
database lives here; :mod:`seci_lab.store.workshop` stores these records and checks, inside its
transactions, the rules that depend on what is stored (keys, idempotency, rate caps, the phase
open at the moment of writing). Pure: standard library and ``seci_lab.model`` only.

Formats and phases
------------------
``seci``: phases ``S``, ``E``, ``C``, ``I`` (Socialization, Externalization, Combination,
Internalization), repeatable in rounds.

``csh`` (Collective Story Harvest, Art of Hosting): phases ``story``, ``harvest``, ``gifts``,
``takeaways``. For the spiral they map to SECI modes as follows (our didactic mapping, after
section 5 of the domain brief; CSH was not derived from Nonaka):

==========  ====  ===================================================================
CSH phase   mode  why
==========  ====  ===================================================================
story       S     a storyteller shares lived experience; listeners take in tacit cues
harvest     E     harvesters articulate what the story implied, each through an arc
gifts       C     the harvest converges into gifts given back, grouped in clusters
takeaways   I     storyteller and listeners name what they take away and will apply
==========  ====  ===================================================================

Participants vote for clusters in the Combination phases (``C``, ``gifts``; the rules in
:mod:`seci_lab.model.workshop_votes`) and write take-aways, which may draw on a cluster, in the
Internalization phases (``I``, ``takeaways``).

Qualities: a workshop's contributions are not scored by the rubric (its criteria are those of
the lessons' exercise fields, not of a sticky note), so each counts with the default quality
until the group or the facilitator rates it. Participants' votes for a cluster raise the
quality of its members (:func:`seci_lab.model.contributions.votes_quality`: the share of the
round's voters who chose the cluster closes half of the gap to 1 at most); a facilitator's
rating of a contribution counts over the votes (:func:`submission_qualities`, which applies
:func:`seci_lab.model.contributions.decide_quality`).

Lineage: a contribution may name a ``parent_id`` (the earlier contribution it builds on, e.g.
a harvest note on a story), belongs to at most one cluster (set by the facilitator), and may
name a ``source_cluster_id`` (e.g. a take-away drawn from a cluster); :func:`lineage_edges`
lists these links.
"""

from __future__ import annotations

import operator
import secrets
import time
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from .contributions import (
    FACILITATOR,
    RUBRIC,
    VOTES,
    Contribution,
    check_unicode,
    clean_participant,
    clean_text,
    decide_quality,
    normalize_text,
    votes_quality,
)
from .modes import Mode
from .names import name_keys, name_skeleton, names_look_alike, normalize_name
from .spiral import SpiralSeed, seed_spiral, simulate_spiral

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEADLINE_GRACE_S",
    "IDEMPOTENCY_KEY_MAX",
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "LABEL_MAX",
    "SCALES",
    "TIMER_MAX_MINUTES",
    "TITLE_MAX",
    "Arc",
    "Cluster",
    "Format",
    "NotAllowed",
    "Participant",
    "Phase",
    "PhaseClosed",
    "RateLimited",
    "Scale",
    "Session",
    "Submission",
    "WorkshopError",
    "anonymous_name",
    "check_accepting",
    "check_editable",
    "check_id",
    "check_idempotency_key",
    "check_join_code",
    "check_minutes",
    "check_name_free",
    "clean_display_name",
    "clean_label",
    "clean_submission_text",
    "is_accepting",
    "is_expired",
    "lineage_edges",
    "new_join_code",
    "normalize_join_code",
    "parse_join_code",
    "SpiralStart",
    "cluster_seed",
    "session_trajectory",
    "spiral_contributions",
    "spiral_inputs",
    "submission_qualities",
]

#: Join codes avoid 0/O, 1/I/L, which are easy to confuse when read off a projector.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
IDEMPOTENCY_KEY_MAX = 80
#: Longest cluster or arc name.
LABEL_MAX = 80
#: Longest session title.
TITLE_MAX = 120
TIMER_MAX_MINUTES = 24 * 60
#: Seconds after a deadline during which a submission still counts (network and click latency).
DEADLINE_GRACE_S = 5.0
#: Names nobody may join as (compared without case): the facilitator speaks for the room.
RESERVED_NAMES = ("facilitator",)


# ------------------------------------------------------------------------------ errors


class WorkshopError(ValueError):
    """A workshop rule refused the action; the message says what to do instead."""


class NotAllowed(WorkshopError):
    """The key or token does not allow this action (wrong key, someone else's contribution)."""


class PhaseClosed(WorkshopError):
    """The phase is not open (closed, another phase is open, or its time is up)."""


class RateLimited(WorkshopError):
    """Too many submissions in the last minute; ``retry_after`` says how many seconds to wait."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# --------------------------------------------------------------------- formats and phases


@dataclass(frozen=True)
class _PhaseFacts:
    format: str
    mode: Mode
    label: str
    takes_votes: bool = False
    takes_takeaways: bool = False
    takes_arc: bool = False


_PHASES = {
    "S": _PhaseFacts("seci", Mode.SOCIALIZATION, "Socialization"),
    "E": _PhaseFacts("seci", Mode.EXTERNALIZATION, "Externalization"),
    "C": _PhaseFacts("seci", Mode.COMBINATION, "Combination", takes_votes=True),
    "I": _PhaseFacts("seci", Mode.INTERNALIZATION, "Internalization", takes_takeaways=True),
    "story": _PhaseFacts("csh", Mode.SOCIALIZATION, "Story"),
    "harvest": _PhaseFacts("csh", Mode.EXTERNALIZATION, "Harvest", takes_arc=True),
    "gifts": _PhaseFacts("csh", Mode.COMBINATION, "Gifts back", takes_votes=True),
    "takeaways": _PhaseFacts("csh", Mode.INTERNALIZATION, "Take-aways", takes_takeaways=True),
}
# What people type for a Story Harvest phase, after dropping case, spaces and dashes.
_CSH_ALIASES = {"giftsback": "gifts", "takeaway": "takeaways"}


class Phase(StrEnum):
    """A phase of a workshop format. The value is what is stored (``"S"``, ``"harvest"``)."""

    S = "S"
    E = "E"
    C = "C"
    I = "I"  # noqa: E741 - the SECI letter
    STORY = "story"
    HARVEST = "harvest"
    GIFTS = "gifts"
    TAKEAWAYS = "takeaways"

    @property
    def mode(self) -> Mode:
        """The SECI mode this phase feeds in the spiral (see the module docstring for CSH)."""
        return _PHASES[self.value].mode

    @property
    def label(self) -> str:
        """Human name, e.g. ``"Gifts back"``."""
        return _PHASES[self.value].label

    @property
    def takes_votes(self) -> bool:
        """Participants vote for clusters in this phase (the Combination phases)."""
        return _PHASES[self.value].takes_votes

    @property
    def takes_takeaways(self) -> bool:
        """Contributions are take-aways, which may draw on a cluster (the Internalization phases)."""
        return _PHASES[self.value].takes_takeaways

    @property
    def takes_arc(self) -> bool:
        """A harvester's contribution is filed under their arc (the harvest phase)."""
        return _PHASES[self.value].takes_arc


class Format(StrEnum):
    """A workshop format: a SECI round or a Collective Story Harvest."""

    SECI = "seci"
    CSH = "csh"

    @property
    def label(self) -> str:
        """Human name, e.g. ``"Collective Story Harvest"``."""
        return "SECI round" if self is Format.SECI else "Collective Story Harvest"

    @property
    def phases(self) -> tuple[Phase, ...]:
        """The format's phases in order."""
        return tuple(p for p in Phase if _PHASES[p.value].format == self.value)

    @classmethod
    def parse(cls, value: object) -> Format:
        """The format named ``value`` (``"seci"`` or ``"csh"``); WorkshopError otherwise."""
        try:
            return cls(value)
        except ValueError:
            raise WorkshopError(f"Unknown workshop format {value!r}: use 'seci' (a SECI round) or "
                                "'csh' (Collective Story Harvest).") from None

    def parse_phase(self, value: object) -> Phase:
        """The phase of this format that ``value`` names, as a facilitator may type it.

        A SECI phase by its letter or its mode's name in any case (``"c"``, ``"Combination"``);
        a Story Harvest phase in any case, with or without spaces and dashes (``"Gifts back"``,
        ``"take-aways"``). WorkshopError naming the phases otherwise.
        """
        if isinstance(value, str):
            if self is Format.SECI:
                try:
                    return Phase(Mode.parse(value).value)
                except ValueError:
                    pass
            else:
                lowered = value.strip().lower().replace("-", "").replace(" ", "")
                lowered = _CSH_ALIASES.get(lowered, lowered)
                if lowered in self.phases:
                    return Phase(lowered)
        raise WorkshopError(f"Unknown phase {value!r} for this session: use one of {', '.join(self.phases)}.")


class Scale(IntEnum):
    """The community a workshop's knowledge has reached; a declared level-up moves one step."""

    TABLE = 0
    PLENARY = 1
    ORGANIZATION = 2

    @property
    def label(self) -> str:
        """``"table"``, ``"plenary"`` or ``"organization"``."""
        return self.name.lower()

    def next(self) -> Scale:
        """The scale one step up; WorkshopError at the top."""
        if self is Scale.ORGANIZATION:
            raise WorkshopError("The session is already at the organization level: there is no level above it here.")
        return Scale(self + 1)


SCALES: tuple[str, ...] = tuple(s.label for s in Scale)


# ---------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Session:
    """A workshop session as last read.

    ``key`` (the facilitator key) is set only on the object returned when the session is
    created: show it to the facilitator once; the store keeps only its hash. ``accepting`` is
    whether a submission would be taken when it was read (phase open and deadline not passed,
    :func:`is_accepting`); ``deadline`` is a UNIX time in seconds or ``None`` (no timer).
    """

    id: int
    title: str
    format: Format
    join_code: str
    round: int
    phase: Phase | None
    phase_open: bool
    phase_opened_at: float | None
    deadline: float | None
    scale: Scale
    version: int
    created_at: float
    accepting: bool
    key: str | None = None

    @property
    def phases(self) -> tuple[Phase, ...]:
        """This session's phases in order."""
        return self.format.phases

    @property
    def scale_label(self) -> str:
        """``"table"``, ``"plenary"`` or ``"organization"``."""
        return Scale(self.scale).label

    @property
    def phase_label(self) -> str:
        """Human name of the current phase, or ``"Not started"``."""
        return self.phase.label if self.phase else "Not started"

    def seconds_left(self, now: float | None = None) -> float | None:
        """Seconds until the deadline (0 when passed), ``None`` without a timer or when closed."""
        if not self.phase_open or self.deadline is None:
            return None
        return max(0.0, self.deadline - (time.time() if now is None else now))


@dataclass(frozen=True)
class Participant:
    """A participant. ``token`` is set on what joining and rejoining return (keep it in the
    participant's kernel or browser to rejoin with the same identity); never show it to others."""

    id: int
    session_id: int
    display_name: str
    anonymous: bool
    arc_id: int | None
    joined_at: float
    last_seen: float
    token: str | None = None


@dataclass(frozen=True)
class Submission:
    """A stored contribution. ``created`` is False when the idempotency key was seen before
    (a double click or retry): the first stored contribution is returned unchanged."""

    id: int
    session_id: int
    participant_id: int
    round: int
    phase: Phase
    text: str
    parent_id: int | None
    arc_id: int | None
    cluster_id: int | None
    source_cluster_id: int | None
    hidden: bool
    withdrawn: bool
    created_at: float
    created: bool = True
    edited_at: float | None = None

    @property
    def mode(self) -> Mode:
        """The SECI mode its phase feeds."""
        return self.phase.mode

    @property
    def visible(self) -> bool:
        """On the board and in the spiral: neither hidden by the facilitator nor withdrawn."""
        return not (self.hidden or self.withdrawn)


@dataclass(frozen=True)
class Cluster:
    """A named group of contributions made by the facilitator during Combination."""

    id: int
    session_id: int
    name: str
    round: int
    votes: int = 0
    members: int = 0


@dataclass(frozen=True)
class Arc:
    """A Collective Story Harvest arc (a lens a harvester listens through)."""

    id: int
    session_id: int
    name: str
    harvesters: tuple[int, ...] = ()


# ---------------------------------------------------------------------- input rules


def check_id(value: object, what: str) -> int:
    """A record id as an ``int``; numpy integers pass (ids often come out of a DataFrame), bools
    and floats do not."""
    if isinstance(value, bool):
        raise WorkshopError(f"The {what} must be a whole number, not {value!r}.")
    try:
        return operator.index(value)
    except TypeError:
        raise WorkshopError(f"The {what} must be a whole number, not {value!r}.") from None


def clean_label(value: object, what: str, limit: int) -> str:
    """A one-line label (title, name, cluster or arc name), normalised; WorkshopError naming
    ``what`` when it is not text, empty or longer than ``limit``."""
    if not isinstance(value, str):
        raise WorkshopError(f"The {what} must be text.")
    text = normalize_text(value).replace("\n", " ")
    if not text:
        raise WorkshopError(f"The {what} is empty: enter one.")
    if len(text) > limit:
        raise WorkshopError(f"The {what} has {len(text)} characters; the limit is {limit}.")
    return text


def clean_display_name(value: object) -> str | None:
    """A participant's name, normalised (:func:`seci_lab.model.clean_participant`), or ``None`` to
    join anonymously (no name, or nothing visible). WorkshopError when too long, not text, like
    the reserved "Facilitator" (look-alikes included: :func:`seci_lab.model.names.names_look_alike`)
    or shaped like the name of an anonymous participant ("Anonymous 3")."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise WorkshopError("The name must be text.")
    try:
        check_unicode(value, "The name")
        if not normalize_name(value):
            return None
        name = clean_participant(value)
    except ValueError as error:
        raise WorkshopError(str(error).replace("participant name", "name")) from None
    if any(names_look_alike(name, reserved) for reserved in RESERVED_NAMES):
        raise WorkshopError(f"The name {name!r} is reserved (or looks like it): choose another name.")
    words = name.split()
    if (len(words) == 2 and names_look_alike(words[0], "anonymous")
            and (words[1].isdigit() or name_skeleton(words[1]).isdigit())):
        raise WorkshopError("Names like 'Anonymous 3' are given to anonymous participants: choose another "
                            "name, or tick “Join anonymously”.")
    return name


def check_name_free(name: str, taken: Iterable[str]) -> None:
    """WorkshopError when ``name`` or a look-alike of it is already used in the session (case,
    spacing, invisible characters and confusable letters ignored: :func:`names_look_alike`)."""
    keys = name_keys(name)
    for other in taken:
        if not keys.isdisjoint(name_keys(other)):
            same = normalize_name(other).casefold() == name.casefold()
            raise WorkshopError(f"Someone in this session already uses the name {name!r}"
                                f"{'' if same else ' or one that looks like it'}: add an initial or choose another name.")


def anonymous_name(already: int) -> str:
    """The name shown for a session's next anonymous participant after ``already`` of them."""
    return f"Anonymous {already + 1}"


def clean_submission_text(text: object) -> str:
    """A contribution's text by the model's rules and caps (:func:`seci_lab.model.clean_text`)."""
    try:
        return clean_text(text)
    except ValueError as error:
        raise WorkshopError(str(error)) from None


def check_idempotency_key(key: object) -> str:
    """The idempotency key of a submission: non-empty text of at most ``IDEMPOTENCY_KEY_MAX``."""
    if not isinstance(key, str) or not key.strip():
        raise WorkshopError("Each submission needs an idempotency key (a unique text per click).")
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise WorkshopError(f"The idempotency key is longer than {IDEMPOTENCY_KEY_MAX} characters.")
    return key


def check_minutes(minutes: object) -> int | float | None:
    """A phase timer in minutes, as given (``None``: no timer); WorkshopError outside (0, 1440]."""
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not 0 < minutes <= TIMER_MAX_MINUTES:
        raise WorkshopError(f"The timer must be between 0 and {TIMER_MAX_MINUTES} minutes; got {minutes!r}.")
    return minutes


def normalize_join_code(code: object) -> str:
    """Upper-case a typed join code and drop spaces and dashes (``"ab3-k9x"`` -> ``"AB3K9X"``)."""
    if not isinstance(code, str):
        raise WorkshopError("Enter the join code shown by the facilitator.")
    return "".join(ch for ch in code.upper() if not ch.isspace() and ch != "-")


def parse_join_code(code: object) -> str:
    """A typed join code, normalised; WorkshopError when nothing is left."""
    normalized = normalize_join_code(code)
    if not normalized:
        raise WorkshopError("Enter the join code shown by the facilitator.")
    return normalized


def check_join_code(code: object) -> str:
    """A join code a facilitator chose: 4 to 12 characters of ``JOIN_CODE_ALPHABET``."""
    normalized = normalize_join_code(code)
    bad = sorted({ch for ch in normalized if ch not in JOIN_CODE_ALPHABET})
    if bad or not 4 <= len(normalized) <= 12:
        raise WorkshopError(
            "A join code has 4 to 12 letters and digits, without 0, O, 1, I and L "
            f"(easy to confuse on a projector){'; remove ' + ' '.join(bad) if bad else ''}."
        )
    return normalized


def new_join_code() -> str:
    """A random join code of ``JOIN_CODE_LENGTH`` characters."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


# --------------------------------------------------------------- what a phase accepts


def is_accepting(phase_open: bool, deadline: float | None, now: float) -> bool:
    """Whether a phase takes submissions at ``now``: open, and its deadline (plus the grace of
    ``DEADLINE_GRACE_S``) not passed."""
    return bool(phase_open) and (deadline is None or now <= deadline + DEADLINE_GRACE_S)


def is_expired(created_at: float, now: float, lifetime_s: float | None) -> bool:
    """Whether a session created at ``created_at`` is over for participants: more than
    ``lifetime_s`` seconds before ``now`` (``None``: sessions never expire)."""
    return lifetime_s is not None and now > created_at + lifetime_s


def check_accepting(session: Session, now: float, phase: object = None) -> None:
    """PhaseClosed unless ``session`` takes a submission at ``now``.

    ``phase`` is the phase the participant's page showed (``None``: whatever is open); a page
    showing another phase than the open one is stale and refused, so a text written for one
    prompt does not land under another. Every message says the text typed is kept.
    """
    if session.phase is None or not session.phase_open:
        raise PhaseClosed("No phase is open right now: wait for the facilitator to open the next one. Your text is kept.")
    if phase is not None:
        try:
            wanted = session.format.parse_phase(phase)
        except WorkshopError:
            wanted = None
        if wanted != session.phase:
            raise PhaseClosed(
                f"That phase is closed; the open phase is now {session.phase.label}. "
                "Your text is kept: check the prompt and send it again."
            )
    if not is_accepting(session.phase_open, session.deadline, now):
        raise PhaseClosed(f"Time is up for {session.phase.label}: the facilitator's timer has ended. Your text is kept.")


def check_editable(session: Session, submission: Submission, now: float, action: str = "edited") -> None:
    """Whether ``submission`` may still be edited (or, with ``action="withdrawn"``, withdrawn).

    NotAllowed when the facilitator hid it or its author withdrew it (it is off the board);
    PhaseClosed unless its phase is open, its time not up, in the current round.
    """
    if submission.withdrawn:
        raise NotAllowed(f"You have withdrawn that contribution; it can no longer be {action}.")
    if submission.hidden:
        raise NotAllowed(f"The facilitator has hidden that contribution; it can no longer be {action}.")
    if action == "edited":
        check_accepting(session, now, submission.phase)
    elif session.phase != submission.phase or not is_accepting(session.phase_open, session.deadline, now):
        raise PhaseClosed(f"The {submission.phase.label} phase is closed: that contribution can no longer be {action}.")
    if submission.round != session.round:
        raise PhaseClosed(f"That contribution belongs to an earlier round; it can no longer be {action}.")


# ------------------------------------------------------------- lineage and the spiral


def lineage_edges(submissions: Iterable[Submission]) -> list[tuple[str, str, str]]:
    """Links between the visible ideas, as ``(source, target, relation)``.

    Nodes are ``"contribution:<id>"`` or ``"cluster:<id>"``; relations are ``"builds on"`` (a
    contribution on its visible parent), ``"grouped in"`` (a contribution in a cluster) and
    ``"draws on"`` (a contribution, e.g. a take-away, on a cluster).
    """
    shown = [s for s in submissions if s.visible]
    ids = {s.id for s in shown}
    edges = []
    for s in shown:
        if s.parent_id is not None and s.parent_id in ids:
            edges.append((f"contribution:{s.id}", f"contribution:{s.parent_id}", "builds on"))
        if s.cluster_id is not None:
            edges.append((f"contribution:{s.id}", f"cluster:{s.cluster_id}", "grouped in"))
        if s.source_cluster_id is not None:
            edges.append((f"contribution:{s.id}", f"cluster:{s.source_cluster_id}", "draws on"))
    return edges


#: What :func:`submission_qualities` gives: contribution id -> (quality or None, its source).
Qualities = Mapping[int, tuple[float | None, str]]


def submission_qualities(submissions: Iterable[Submission], *, ratings: Mapping[int, float] | None = None,
                         clusters: Iterable[Cluster] = (), voters: Mapping[int, int] | None = None) -> dict[int, tuple[float | None, str]]:
    """The quality each submission counts with in the spiral, and whose it is.

    Parameters
    ----------
    submissions : iterable of Submission
        The session's contributions.
    ratings : mapping, optional
        The facilitator's ratings: contribution id -> quality in [0, 1].
    clusters : iterable of Cluster
        The session's clusters with their vote counts.
    voters : mapping, optional
        Round -> how many participants voted for at least one cluster in that round.

    Returns
    -------
    dict
        Contribution id -> ``(quality, source)``: the facilitator's rating, else the default
        raised by the votes of the contribution's cluster (``"votes"``), else unrated
        (``(None, "rubric")``: the model's default quality).
    """
    ratings, voters = ratings or {}, voters or {}
    by_id = {c.id: c for c in clusters}
    qualities = {}
    for s in submissions:
        cluster = by_id.get(s.cluster_id) if s.cluster_id is not None else None
        voted = None
        if cluster is not None and cluster.votes:
            voted = votes_quality(None, cluster.votes, max(cluster.votes, voters.get(cluster.round, 0)))
        qualities[s.id] = decide_quality({FACILITATOR: ratings.get(s.id), VOTES: voted, RUBRIC: None})
    return qualities


def spiral_contributions(submissions: Iterable[Submission], participants: Sequence[Participant],
                         qualities: Qualities | None = None) -> list[Contribution]:
    """The visible submissions as :class:`~seci_lab.model.Contribution`, in the order given.

    Each phase feeds its SECI mode (:attr:`Phase.mode`) and keeps its round; the participant is
    the display name; the quality and its source come from ``qualities``
    (:func:`submission_qualities`), unrated without.
    """
    names = {p.id: p.display_name for p in participants}
    qualities = qualities or {}
    contributions = []
    for s in submissions:
        if s.visible:
            quality, source = qualities.get(s.id, (None, RUBRIC))
            contributions.append(Contribution(participant=names[s.participant_id], mode=s.mode, text=s.text,
                                              round=s.round, quality=quality, quality_source=source))
    return contributions


def spiral_inputs(submissions: Iterable[Submission], participants: Sequence[Participant],
                  cross_level_rounds: Iterable[int], qualities: Qualities | None = None,
                  ) -> tuple[list[Contribution], int, list[int]]:
    """``(contributions, participants, cross_level_rounds)`` ready for ``simulate_spiral``:
    the number of participants is everyone who joined (at least 1)."""
    return (spiral_contributions(submissions, participants, qualities), max(1, len(participants)),
            sorted(set(cross_level_rounds)))


def session_trajectory(submissions: Iterable[Submission], participants: Sequence[Participant],
                       cross_level_rounds: Iterable[int], *, session_id: int | None = None,
                       start: SpiralStart | None = None, qualities: Qualities | None = None) -> pd.DataFrame:
    """The group's spiral: :func:`~seci_lab.model.simulate_spiral` over a session's visible
    submissions, with the rounds at whose end a level-up was declared.

    The rounds run to the last one with a contribution or a declared level-up, so a declaration
    the model refuses (no explicit knowledge yet) shows its reason in the ``note`` column. With
    ``session_id`` the spiral's id is the session's; a session started from another's cluster
    (``start``) begins from that spiral's explicit knowledge, with its lineage. ``qualities``
    (:func:`submission_qualities`) are what the contributions count with: votes and the
    facilitator's ratings; unrated without.
    """
    contributions, people, cross = spiral_inputs(submissions, participants, cross_level_rounds, qualities)
    rounds = max([c.round for c in contributions] + cross + [0])
    spiral_id = str(session_id) if session_id is not None else "1"
    return simulate_spiral(contributions, people, cross_level_rounds=cross, rounds=rounds,
                           seed=None if start is None else start.seed, spiral_id=spiral_id)


@dataclass(frozen=True)
class SpiralStart:
    """A session that is a new spiral, started by a facilitator from a cluster of another.

    Knowledge that reached the group level can trigger a new spiral (Nonaka, Toyama & Konno
    2000): another team, or the next project, starts from the explicit knowledge created.
    ``seed`` is the model's :class:`~seci_lab.model.SpiralSeed` (its ``parent`` is the parent
    session's id as text, the spiral id :func:`session_trajectory` gives it).
    """

    session_id: int
    parent_session_id: int
    cluster_id: int
    cluster_name: str
    seed: SpiralSeed
    created_at: float


def cluster_seed(trajectory: pd.DataFrame, cluster: Cluster) -> SpiralSeed:
    """Where a new spiral starts from ``cluster``: the end of the cluster's round in the
    session's spiral (its Internalization step), if the knowledge reached the group level.

    Raises
    ------
    WorkshopError
        With the reason: the round has no steps yet, or the spiral is below the group level
        there (what the model says, and what would allow it).
    """
    rows = trajectory[(trajectory["round"] == cluster.round) & (trajectory["mode"] == Mode.INTERNALIZATION.value)]
    if rows.empty:
        raise WorkshopError(f"Round {cluster.round} of the spiral has no steps yet: a new spiral starts "
                            "from a round the group has worked through.")
    try:
        return seed_spiral(trajectory, int(rows["step"].iloc[0]))
    except ValueError as error:
        raise WorkshopError(f"A new spiral cannot start from the cluster “{cluster.name}” yet. {error} "
                            "Carry on with the rounds (or declare a level-up) first.") from error
