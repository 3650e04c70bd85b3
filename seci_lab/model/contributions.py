"""A learner's or participant's contribution to one mode of one round, validated on creation.

Who rated it
------------
A contribution's quality feeds the spiral. It is the rubric's suggestion until a person rates
it, and :attr:`Contribution.quality_source` says whose it is: ``"rubric"``, ``"votes"`` (the
rubric's, or the default, raised by participants' votes: :func:`votes_quality`), ``"self"``
(the learner's own rating), ``"facilitator"`` or ``"instructor"``. When several are known,
:func:`decide_quality` picks the one that counts, in the order of :data:`PRECEDENCE`:

1. ``instructor``: the person who grades the course, and who answers for the grade;
2. ``facilitator``: the person who runs the workshop, with the same role for the session;
3. ``self``: the author, who knows what they meant and whose own spiral it is;
4. ``votes``: peers' votes only *raise* the rubric's suggestion (a vote says "this matters to
   us", not "this is worth 0.8"), so they come after any person's explicit rating;
5. ``rubric``: a machine's suggestion, the fallback.

A person's explicit rating beats a machine's or a crowd's signal, and the person accountable
for the assessment (instructor, facilitator) beats the author. The two never meet on one
contribution (a class and a workshop are separate), so their relative order only matters for a
future mixed use. The reasoning is written out in ``docs/ratings.md``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from .modes import Mode
from .names import normalize_name

__all__ = [
    "FACILITATOR",
    "INSTRUCTOR",
    "PRECEDENCE",
    "QUALITY_SOURCES",
    "RUBRIC",
    "SELF",
    "VOTES",
    "VOTE_LIFT",
    "Contribution",
    "TEXT_MAX_CHARS",
    "PARTICIPANT_MAX_CHARS",
    "DEFAULT_QUALITY",
    "ROUND_MAX",
    "check_round",
    "check_unicode",
    "check_quality",
    "check_quality_source",
    "clean_participant",
    "clean_text",
    "decide_quality",
    "learner_claim",
    "normalize_text",
    "rating_note",
    "shorten",
    "votes_quality",
]

#: Longest text a contribution may hold. A paragraph or two: long enough for an
#: articulated idea, short enough to read on a board and in a hover label.
TEXT_MAX_CHARS = 1000
#: Longest participant name.
PARTICIPANT_MAX_CHARS = 60
#: Highest round a contribution (or a learner) may be in. A course runs a handful of rounds and a
#: workshop a dozen; the spiral is simulated round by round, so a round of a million from one
#: learner's file would cost a minute and gigabytes for the whole class. Checked wherever a round
#: enters: a Contribution, a "My work" import, a hand-in.
ROUND_MAX = 1000
#: Quality an unrated contribution counts with in SECI-Spiral v2: below the level-up threshold
#: q* = 0.6, so work nobody rated never counts as justified (v1 used 0.6, exactly q*; see
#: docs/spiral-model.md).
DEFAULT_QUALITY = 0.5

#: Where a contribution's quality comes from (see the module docstring).
RUBRIC = "rubric"
VOTES = "votes"
SELF = "self"
FACILITATOR = "facilitator"
INSTRUCTOR = "instructor"
#: Whose rating counts when several are known, strongest first (:func:`decide_quality`).
PRECEDENCE = (INSTRUCTOR, FACILITATOR, SELF, VOTES, RUBRIC)
QUALITY_SOURCES = frozenset(PRECEDENCE)
#: How far a cluster that every voter chose raises its members' quality towards 1 (see
#: :func:`votes_quality`): half the way, so votes alone never make a contribution perfect.
VOTE_LIFT = 0.5

_NOTES = {
    RUBRIC: "",
    VOTES: "raised by votes",
    SELF: "self-rated",
    FACILITATOR: "rated by the facilitator",
    INSTRUCTOR: "rated by the instructor",
}

# Control characters other than newline and tab are never meaningful in a contribution;
# bidi overrides and emoji are legitimate text and are kept (they are shown escaped).
#: Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F, fixed by the
#: standard) but newline and tab; one regex pass instead of a category look-up per character.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_unicode(text: str, what: str = "The text") -> str:
    """``text`` when it can be written as UTF-8; ValueError otherwise.

    JSON may spell a lone surrogate (``"\\ud800"``), which Python reads into a ``str`` that no file,
    database or page can hold: refused where it enters, so it never reaches an export.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        bad = text[error.start]
        raise ValueError(f"{what} holds a character that is not valid Unicode (U+{ord(bad):04X}, a lone "
                         f"surrogate) at position {error.start + 1}: the file is damaged or was not made by seci-lab."
                         ) from None
    return text


def check_round(value: object, what: str = "The round") -> int:
    """``value`` when it is a whole number from 1 to :data:`ROUND_MAX`; ValueError saying what to change."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, not {str(value)[:40]!r}.")
    if value < 1:
        raise ValueError(f"Rounds start at 1; got {value}.")
    if value > ROUND_MAX:
        shown = str(value) if value < 10**12 else f"a number of {len(str(value))} digits"
        raise ValueError(f"{what} is {shown}; the highest round is {ROUND_MAX}.")
    return value


def normalize_text(text: str) -> str:
    """Return ``text`` in NFC form, stripped, with line endings unified and control chars removed.

    Raises ValueError when ``text`` is not valid Unicode (:func:`check_unicode`).
    """
    check_unicode(text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text).strip()


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def clean_participant(name: object) -> str:
    """A participant's (or learner's) name, normalised (:func:`seci_lab.model.names.normalize_name`:
    NFKC, no format or control characters, one line); ValueError with what to change if unusable."""
    if not isinstance(name, str):
        raise ValueError("The participant must be a name or id (text).")
    clean = normalize_name(check_unicode(name, "The participant name"))
    if not clean:
        raise ValueError("The participant name is empty: enter a name or an id.")
    if len(clean) > PARTICIPANT_MAX_CHARS:
        raise ValueError(f"The participant name has {len(clean)} characters; the limit is {PARTICIPANT_MAX_CHARS}.")
    return clean


def clean_text(text: object) -> str:
    """A contribution's text, normalised; ValueError with what to change if empty or too long."""
    if not isinstance(text, str):
        raise ValueError("The contribution text must be text.")
    clean = normalize_text(text)
    if not clean:
        raise ValueError("The contribution is empty: write what you want to add.")
    if len(clean) > TEXT_MAX_CHARS:
        raise ValueError(
            f"The contribution has {len(clean)} characters; the limit is {TEXT_MAX_CHARS}. "
            "Shorten it or split it into two contributions."
        )
    return clean


def check_quality(value: object, what: str = "The quality") -> float | None:
    """``value`` as a quality in [0, 1] (``None`` stays None: unrated); ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} must be a number between 0 and 1, not {value!r}.")
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{what} must be between 0 and 1; got {value}.")
    return float(value)


def check_quality_source(source: object) -> str:
    """``source`` if it is one of :data:`QUALITY_SOURCES`; ValueError naming them otherwise."""
    if source not in QUALITY_SOURCES:
        raise ValueError(f"Unknown quality source {source!r}: use one of {', '.join(PRECEDENCE)}.")
    return source  # type: ignore[return-value]


def learner_claim(source: object) -> str:
    """The source a learner's own file may give a quality: ``"rubric"`` (also when none is
    given, as in files written before sources existed) or ``"self"``.

    A file a learner hands in or imports is written on their computer and can be edited, so
    it can only carry the rubric's suggestion and the learner's own rating: any other claim
    ("instructor", "facilitator", "votes", or something unknown) is read as the learner's own
    rating, never trusted. Instructors' and facilitators' ratings live in their own stores.
    """
    return RUBRIC if source is None or source == RUBRIC else SELF


def rating_note(source: str) -> str:
    """How a quality's source is shown beside it: ``"self-rated"``, ``"rated by the instructor"``;
    empty for the rubric's suggestion (the usual case needs no mark)."""
    return _NOTES.get(source, "")


def decide_quality(ratings: Mapping[str, float | None]) -> tuple[float | None, str]:
    """The quality that counts and its source: the first of :data:`PRECEDENCE` that rated.

    This is the one place the order of precedence is applied (the spiral lab, the learner's
    store, the class analysis and the workshop all call it).

    Parameters
    ----------
    ratings : mapping
        Source -> quality in [0, 1], or ``None`` for "this source has not rated". Sources
        not in :data:`QUALITY_SOURCES` raise ValueError.

    Returns
    -------
    tuple
        ``(quality, source)``; ``(None, "rubric")`` when nobody rated (the model then uses
        :data:`DEFAULT_QUALITY`), as for a text the rubric cannot assess.
    """
    for source in ratings:
        check_quality_source(source)
    for source in PRECEDENCE:
        value = ratings.get(source)
        if value is not None:
            return check_quality(value, f"The {source} rating"), source
    return None, RUBRIC


def votes_quality(base: float | None, votes: int, voters: int) -> float | None:
    """A contribution's quality raised by its cluster's votes.

    ``base + (1 - base) * VOTE_LIFT * votes / voters``: the share of the round's voters who
    chose the cluster closes part of the gap to 1, so votes only ever raise a quality, never
    lower it (not voting for something is not a judgement of it), and a cluster every voter
    chose lifts its members half way to 1. An unrated ``base`` counts as
    :data:`DEFAULT_QUALITY`. With no votes (or no voters) the base is returned unchanged.
    """
    if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
        raise ValueError(f"Votes must be a whole number of 0 or more; got {votes!r}.")
    if isinstance(voters, bool) or not isinstance(voters, int) or voters < 0:
        raise ValueError(f"Voters must be a whole number of 0 or more; got {voters!r}.")
    base = check_quality(base, "The quality before votes")
    if votes == 0 or voters == 0:
        return base
    start = DEFAULT_QUALITY if base is None else base
    share = min(1.0, votes / voters)
    return start + (1.0 - start) * VOTE_LIFT * share


@dataclass(frozen=True)
class Contribution:
    """One contribution to the spiral.

    Parameters
    ----------
    participant : str
        Who made it (a name or an anonymous id), at most ``PARTICIPANT_MAX_CHARS`` characters.
    mode : Mode or str
        The SECI mode it belongs to; a letter or name is accepted and turned into a ``Mode``.
    text : str
        What was written, at most ``TEXT_MAX_CHARS`` characters after normalisation.
        Stored raw: escape it when displaying.
    round : int
        The spiral round, from 1 to ``ROUND_MAX``.
    quality : float or None
        A rating in [0, 1]; ``None`` means unrated (the model uses ``DEFAULT_QUALITY``).
    quality_source : str
        Whose quality it is (:data:`QUALITY_SOURCES`); the rubric's unless a person rated it.

    Raises
    ------
    ValueError
        With a message that says what to change.
    """

    participant: str
    mode: Mode
    text: str
    round: int
    quality: float | None = None
    quality_source: str = RUBRIC

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen dataclass: normalised values are set once here
        set_(self, "participant", clean_participant(self.participant))
        set_(self, "mode", Mode.parse(self.mode))
        set_(self, "text", clean_text(self.text))
        check_round(self.round)
        set_(self, "quality", check_quality(self.quality))
        check_quality_source(self.quality_source)

    @property
    def effective_quality(self) -> float:
        """The quality the model uses: the rating, or ``DEFAULT_QUALITY`` when unrated."""
        return DEFAULT_QUALITY if self.quality is None else self.quality

    @property
    def rating_note(self) -> str:
        """``"self-rated"``, ``"rated by the instructor"``, ...; empty for the rubric's quality."""
        return rating_note(self.quality_source)

    def to_dict(self) -> dict:
        """A JSON-ready dict (mode as its letter)."""
        return {
            "participant": self.participant,
            "mode": self.mode.value,
            "text": self.text,
            "round": self.round,
            "quality": self.quality,
            "quality_source": self.quality_source,
        }
