"""The structured debate of the critiques lesson: claim, evidence, reply, judgement, checked.

A learner picks one critique of the SECI model and writes four parts: the critic's claim, the
evidence for it, the reply of Nonaka and his colleagues, and their own judgement (the staged
debate the domain brief suggests for teaching the critiques). :func:`check_debate` says, part
by part, whether it is there and substantive, and what is missing. What a part needs is data
(``content/critiques.toml``), given here as :class:`DebatePart` objects. The cues that show a
need are whole words or phrases, matched without regard to case; a cue ending in ``*`` is a
word start, so ``convinc*`` finds "convincing" and "convinced".

Pure: standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .contributions import TEXT_MAX_CHARS, normalize_text

__all__ = [
    "CRITICS",
    "DebateCheck",
    "DebatePart",
    "Need",
    "PartCheck",
    "SPECIAL_CUES",
    "TERMS",
    "YEAR",
    "check_debate",
    "check_part",
    "copied_share",
]

#: Cue placeholders resolved when checking: the chosen critique's critics and its key terms,
#: and any year (1900-2099), which marks a dated source.
CRITICS = "@critics"
TERMS = "@terms"
YEAR = "@year"
SPECIAL_CUES = (CRITICS, TERMS, YEAR)

_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
_WORD = re.compile(r"\w+(?:['’]\w+)?")
#: A copied run is at least this many words long; copying most of a part makes it not count.
_RUN = 5
_COPIED_SHARE = 0.5

MISSING, THIN, SUBSTANTIVE = "missing", "thin", "substantive"


@dataclass(frozen=True)
class Need:
    """One thing a substantive part shows: ``what`` (in words), the ``cues`` that show it (words,
    ``stem*`` word starts, or one of :data:`SPECIAL_CUES`), and the ``missing`` advice when none is there."""

    what: str
    cues: tuple[str, ...]
    missing: str


@dataclass(frozen=True)
class DebatePart:
    """One of the four parts of a debate, as the page asks for it."""

    key: str
    label: str
    prompt: str
    placeholder: str
    hints: tuple[str, ...]
    min_words: int
    needs: tuple[Need, ...]


@dataclass(frozen=True)
class PartCheck:
    """How one part did: ``status`` is "missing", "thin" or "substantive"; ``shows`` the needs it
    meets (in words), ``advice`` what to add, best first."""

    key: str
    label: str
    status: str
    words: int
    shows: tuple[str, ...]
    advice: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"status": self.status, "words": self.words, "shows": list(self.shows),
                "advice": list(self.advice)}


@dataclass(frozen=True)
class DebateCheck:
    """The feedback on a whole debate."""

    parts: tuple[PartCheck, ...]

    @property
    def substantive(self) -> int:
        """How many parts are substantive."""
        return sum(p.status == SUBSTANTIVE for p in self.parts)

    @property
    def complete(self) -> bool:
        return self.substantive == len(self.parts)

    def next_step(self) -> str:
        """The one thing to do next: the first advice of the first part that is not substantive."""
        for part in self.parts:
            if part.status != SUBSTANTIVE:
                return f"{part.label}: {part.advice[0]}"
        return "Every part is there and substantive. To go further, answer the strongest objection to your judgement."

    def as_dict(self) -> dict:
        return {p.key: p.as_dict() for p in self.parts}


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _has(lower: str, cue: str) -> bool:
    # Whole words ("so" never finds "sort"); a cue ending in * is a word start ("convinc*").
    stem = cue.endswith("*")
    pattern = r"(?<!\w)" + re.escape(cue.rstrip("*").lower()) + ("" if stem else r"(?!\w)")
    return re.search(pattern, lower) is not None


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + _RUN]) for i in range(len(words) - _RUN + 1)}


def copied_share(text: str, sources: Iterable[str]) -> float:
    """The share of ``text``'s five-word runs that also occur in one of ``sources`` (0 when the
    text is shorter than five words)."""
    runs = _runs(_words(text))
    if not runs:
        return 0.0
    seen: set[tuple[str, ...]] = set()
    for source in sources:
        seen |= _runs(_words(source))
    return len(runs & seen) / len(runs)


def _resolve(cues: tuple[str, ...], critics: tuple[str, ...], terms: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for cue in cues:
        out.extend(critics if cue == CRITICS else terms if cue == TERMS else (cue,))
    return tuple(out)


def _met(lower: str, need: Need, critics: tuple[str, ...], terms: tuple[str, ...]) -> bool:
    if YEAR in need.cues and _YEAR.search(lower):
        return True
    return any(_has(lower, cue) for cue in _resolve(need.cues, critics, terms) if cue != YEAR)


def check_part(text: str, part: DebatePart, *, critics: tuple[str, ...] = (), terms: tuple[str, ...] = (),
               sources: Iterable[str] = ()) -> PartCheck:
    """Check one part of a debate (see :func:`check_debate`)."""
    clean = normalize_text(text if isinstance(text, str) else "")
    words = _words(clean)
    if not words:
        return PartCheck(part.key, part.label, MISSING, 0, (), (f"Write this part: {part.prompt}",))
    if copied_share(clean, sources) >= _COPIED_SHARE:
        return PartCheck(part.key, part.label, THIN, len(words), (),
                         ("Most of this repeats the page or an example: say it in your own words.",))
    lower = clean.lower()
    shows = tuple(n.what for n in part.needs if _met(lower, n, critics, terms))
    advice = [n.missing for n in part.needs if n.what not in shows]
    if len(words) < part.min_words:
        advice.append(f"Develop it: {len(words)} words so far, at least {part.min_words} make a point someone can weigh.")
    return PartCheck(part.key, part.label, THIN if advice else SUBSTANTIVE, len(words), shows, tuple(advice))


def check_debate(texts: Mapping[str, str], parts: Iterable[DebatePart], *, critics: Iterable[str] = (),
                 terms: Iterable[str] = (), sources: Iterable[str] = ()) -> DebateCheck:
    """Check a debate: which parts are there and substantive, and what each one is missing.

    Parameters
    ----------
    texts
        The learner's text of each part, by part key (a missing key is an empty part).
    parts
        What the debate asks for, in order.
    critics, terms
        The chosen critique's critics (names) and key terms, for the cues :data:`CRITICS` and
        :data:`TERMS`.
    sources
        Texts a part must not mostly repeat (the page, the prompts, the worked examples).

    Raises
    ------
    ValueError
        When a part is over :data:`TEXT_MAX_CHARS` characters (the message says which).
    """
    parts = tuple(parts)
    for part in parts:
        text = texts.get(part.key, "")
        if isinstance(text, str) and len(normalize_text(text)) > TEXT_MAX_CHARS:
            raise ValueError(f"{part.label} has {len(normalize_text(text))} characters; the limit is "
                             f"{TEXT_MAX_CHARS}. Shorten it and check again (your text is still in the box).")
    critics, terms, sources = tuple(critics), tuple(terms), tuple(sources)
    return DebateCheck(tuple(check_part(texts.get(p.key, ""), p, critics=critics, terms=terms, sources=sources)
                             for p in parts))
