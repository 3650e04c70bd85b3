"""A learner's or participant's contribution to one mode of one round, validated on creation."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from .modes import Mode

__all__ = [
    "Contribution",
    "TEXT_MAX_CHARS",
    "PARTICIPANT_MAX_CHARS",
    "DEFAULT_QUALITY",
    "ROUND_MAX",
    "check_round",
    "check_unicode",
    "clean_participant",
    "clean_text",
    "normalize_text",
    "shorten",
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

# Control characters other than newline and tab are never meaningful in a contribution;
# bidi overrides and emoji are legitimate text and are kept (they are shown escaped).
_ALLOWED_CONTROLS = {"\n", "\t"}


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
    text = "".join(
        ch for ch in text if ch in _ALLOWED_CONTROLS or unicodedata.category(ch) != "Cc"
    )
    return text.strip()


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def clean_participant(name: object) -> str:
    """A participant's (or learner's) name, normalised; ValueError with what to change if unusable."""
    if not isinstance(name, str):
        raise ValueError("The participant must be a name or id (text).")
    clean = normalize_text(name)
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

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen dataclass: normalised values are set once here
        set_(self, "participant", clean_participant(self.participant))
        set_(self, "mode", Mode.parse(self.mode))
        set_(self, "text", clean_text(self.text))
        check_round(self.round)
        if self.quality is not None:
            if isinstance(self.quality, bool) or not isinstance(self.quality, (int, float)):
                raise ValueError(f"The quality must be a number between 0 and 1, not {self.quality!r}.")
            if math.isnan(self.quality) or not 0.0 <= self.quality <= 1.0:
                raise ValueError(f"The quality must be between 0 and 1; got {self.quality}.")
            set_(self, "quality", float(self.quality))

    @property
    def effective_quality(self) -> float:
        """The quality the model uses: the rating, or ``DEFAULT_QUALITY`` when unrated."""
        return DEFAULT_QUALITY if self.quality is None else self.quality

    def to_dict(self) -> dict:
        """A JSON-ready dict (mode as its letter)."""
        return {
            "participant": self.participant,
            "mode": self.mode.value,
            "text": self.text,
            "round": self.round,
            "quality": self.quality,
        }
