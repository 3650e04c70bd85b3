"""The structured debate of the critiques lesson: claim, evidence, reply, judgement, checked.

A learner picks one critique of the SECI model and writes four parts: the critic's claim, the
evidence for it, the reply of Nonaka and his colleagues, and their own judgement (the staged
debate the domain brief suggests for teaching the critiques). :func:`check_debate` says, part
by part, whether it is there and substantive, and what is missing. What a part needs is data
(``content/critiques.toml``), given here as :class:`DebatePart` objects. The cues that show a
need are whole words or phrases, matched without regard to case; a cue ending in ``*`` is a
word start, so ``convinc*`` finds "convincing" and "convinced".

Since rubric v3 (issue 22) the checker has the rubric's guards (docs/rubric.md): a part of
:data:`GUARD_MIN_WORDS` words or more that reworded a worked example, lists names or cue words
instead of sentences, or is made of fluff is not substantive, and a need is met only by a cue in
a sentence that says something specific besides the cue (``rubric_evidence``). Each part and the
whole debate get a ``score`` in [0, 1] (substantive 1, thin a share of its needs, missing 0).

Pure: the standard library and the rubric's own modules (their libraries load on first use).
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
#: The rubric's guards judge a part of at least this many words (a shorter part is thin by its
#: part's ``min_words`` anyway).
GUARD_MIN_WORDS = 6
#: Below this share of grammar words (articles, prepositions, pronouns) a part is a list, not prose.
_GRAMMAR_MIN = 0.12
#: At or above this share of its words being the part's cue words, a part strings cues together.
_CUE_MAX = 0.5
#: At or above this share of its words being names (capitalised words inside a sentence) and years,
#: a part is a list of names.
_NAMES_MAX = 0.4
#: The example-copy score (rubric_guards.example_copy) from which a part is a reworded worked example.
#: Higher than the rubric's (0.48): a debate summarises the same few sources as the examples, so a
#: genuine claim shares their words and pairs ("tacit knowing is ineffable"); only a near-copy counts.
EXAMPLE_COPY = 1.0
#: A reworded worked example also shows two signs at once: many of an example's content-word pairs
#: (rubric_guards.example_copy at least this) and a character n-gram similarity to a course text
#: (rubric_guards.copy_similarity) of at least COPY_SIMILAR. Genuine claims that cite the same sources
#: show one sign or the other, never both (tests/data/debate_v3.json: genuine parts at most 0.88 / 0.59
#: or 0.42 / 0.70; paraphrases 0.88-1.08 / 0.75-0.83).
EXAMPLE_PAIRS = 0.8
COPY_SIMILAR = 0.72
#: A part's score (0..1) is the share of its needs met, times how much it says: the distinct content
#: words of its working sentences (its own, the critics' names and the critique's terms; not the
#: needs' generic cues nor fluff) against SATURATION_WORDS, from SUBSTANCE_FLOOR for none. A guard
#: that fires, or a missing part, scores 0.
SATURATION_WORDS = 12
SUBSTANCE_FLOOR = 0.4
#: A part of at least this many content words, most of them fluff (rubric_evidence.FLUFF_WORDS; the
#: course's terms are a debate's subject, not fluff), is filler.
_FILLER_MIN_WORDS = 5
GUARD_ADVICE = {
    "copied": "This follows a worked example closely: say it in your own words, about the critique you chose.",
    "word-list": "This reads as a list of words: write the point in full sentences.",
    "names": "A list of names is not yet an argument: say what the critic claims, and why.",
    "filler": "These sentences could stand in any essay: say something specific about this critique.",
    "off-topic": "This does not name the debate's sides yet: say which critic, or which part of the model, you mean.",
}
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
    #: Whether the part must name the debate's subject (a critic, Nonaka, the model or one of the
    #: critique's terms): a judgement about another debate is not one about this.
    on_topic: bool = False


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
    needs: int = 1      # how many needs the part has
    guard: str = ""     # the rubric guard that fired ("copied", "word-list", "names", "filler", "off-topic"), or ""
    substance: float = 1.0  # distinct specific words against SATURATION_WORDS (0..1)

    @property
    def score(self) -> float:
        """The share of the needs met, times how much the part says (0 when a guard fired or the
        part is missing); see :data:`SATURATION_WORDS`."""
        if self.status == MISSING or self.guard:
            return 0.0
        share = len(self.shows) / max(1, self.needs)
        return share * (SUBSTANCE_FLOOR + (1 - SUBSTANCE_FLOOR) * self.substance)

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

    @property
    def score(self) -> float:
        """The mean score of the parts (0..1)."""
        return sum(p.score for p in self.parts) / len(self.parts) if self.parts else 0.0

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
               sources: Iterable[str] = (), guard_examples: bool = True) -> PartCheck:
    """Check one part of a debate (see :func:`check_debate`)."""
    clean = normalize_text(text if isinstance(text, str) else "")
    words = _words(clean)
    if not words:
        return PartCheck(part.key, part.label, MISSING, 0, (), (f"Write this part: {part.prompt}",))
    if copied_share(clean, sources) >= _COPIED_SHARE:
        return PartCheck(part.key, part.label, THIN, len(words), (),
                         ("Most of this repeats the page or an example: say it in your own words.",),
                         len(part.needs), "copied")
    guard = (_guard(clean, words, critics, guard_examples, _cue_words(part, (), ()))
             if len(words) >= GUARD_MIN_WORDS else "")
    if not guard and part.on_topic and len(words) >= GUARD_MIN_WORDS and not _names_subject(clean, critics, terms):
        guard = "off-topic"
    if guard:
        return PartCheck(part.key, part.label, THIN, len(words), (), (GUARD_ADVICE[guard],), len(part.needs), guard, 0.0)
    places, specific = _working_text(clean, part, critics, terms)
    if len(words) < GUARD_MIN_WORDS:
        places = clean.lower()  # too short for the guards: its cues count wherever they are
    shows = tuple(n.what for n in part.needs if _met(places, n, critics, terms))
    advice = [n.missing for n in part.needs if n.what not in shows]
    if len(words) < part.min_words:
        advice.append(f"Develop it: {len(words)} words so far, at least {part.min_words} make a point someone can weigh.")
    return PartCheck(part.key, part.label, THIN if advice else SUBSTANTIVE, len(words), shows, tuple(advice),
                     len(part.needs), "", min(1.0, specific / SATURATION_WORDS))


def _debate_fluff() -> frozenset[str]:
    from . import text_signals as ts

    return ts.STOCK_WORDS | ts.JUDGEMENT | ts.HEDGES


def _cue_words(part: DebatePart, critics: tuple[str, ...], terms: tuple[str, ...]) -> set[str]:
    """The words of a part's cues, lower case (a stem cue without its ``*``); the critics' names and
    the critique's terms only when given (they are a debate's subject, not stuffing)."""
    return {w.lower() for n in part.needs for c in _resolve(n.cues, critics, terms)
            if c not in SPECIAL_CUES
            for w in _WORD.findall(c.rstrip("*"))}


def _guard(clean: str, words: list[str], critics: tuple[str, ...], examples: bool = True,
           cue_words: set[str] = frozenset()) -> str:
    """The rubric guard a part trips ("copied", "word-list", "names", "filler"), or ""."""
    from .rubric_evidence import GENERIC_SHARE
    from .rubric_guards import copy_similarity, example_copy
    from . import text_signals as ts

    if examples:
        pairs = example_copy(clean)
        if pairs >= EXAMPLE_COPY or pairs >= EXAMPLE_PAIRS and copy_similarity(clean) >= COPY_SIMILAR:
            return "copied"  # a debate's own thresholds: see their comments
    if len(words) >= 8 and sum(w in ts.GRAMMAR for w in words) / len(words) < _GRAMMAR_MIN:
        return "word-list"
    if cue_words and sum(any(w == c or len(c) >= 4 and w.startswith(c) for c in cue_words) for w in words) \
            >= _CUE_MAX * len(words):
        return "word-list"  # the part's cue words strung together
    doc = ts.analyse(clean)
    critic_words = {w.lower() for c in critics for w in _WORD.findall(c)}
    names = [t for t in doc.tokens if _YEAR.fullmatch(t.text) or t.lower in critic_words
             or (not t.first and t.text[:1].isupper() and t.text != "I")]
    if len(names) / max(1, len(doc.tokens)) >= _NAMES_MAX:
        return "names"
    content = [t for t in doc.tokens if ts.is_content_word(t.lower)]
    fluff = sum(bool(ts.lemmas(t.lower) & _debate_fluff()) for t in content)
    if len(content) >= _FILLER_MIN_WORDS and fluff >= GENERIC_SHARE * len(content):
        return "filler"
    return ""


def _names_subject(clean: str, critics: tuple[str, ...], terms: tuple[str, ...]) -> bool:
    """Whether a part names the debate's subject: a critic, one of the critique's terms, Nonaka and his
    colleagues, or the course's own terms (SECI, tacit, explicit ...)."""
    from . import text_signals as ts

    lower = clean.lower()
    if any(_has(lower, name) for name in (*critics, *terms, *_REPLIERS)):
        return True
    return any(ts.lemmas(w) & ts.COURSE_TERMS for w in _words(clean))


#: Who replied to the critiques (the reply part's own cue; a judgement may weigh them).
_REPLIERS = ("Nonaka", "Takeuchi", "von Krogh", "Toyama", "Konno")


def _working_text(clean: str, part: DebatePart, critics: tuple[str, ...],
                  terms: tuple[str, ...]) -> tuple[str, int]:
    """The sentences of a part that say something specific besides its cues, lower case (a need is
    met only there: stuffed cue words and stock sentences meet nothing), and how many distinct
    specific words they hold."""
    from .rubric_evidence import FLUFF_WORDS, GENERIC_SHARE
    from . import text_signals as ts

    cue_words = _cue_words(part, critics, terms)
    generic_cues = _cue_words(part, (), ())
    doc = ts.analyse(clean)
    kept, distinct = [], set()
    for i, (start, end) in enumerate(doc.sentences):
        toks = doc.sentence_tokens(i)
        content = [t for t in toks if ts.is_content_word(t.lower) or _YEAR.fullmatch(t.text)]
        fluff = sum(bool(ts.lemmas(t.lower) & _debate_fluff()) for t in content)
        specific = [t for t in content if t.lower not in cue_words and not ts.lemmas(t.lower) & FLUFF_WORDS
                    and not any(t.lower.startswith(c) for c in cue_words if len(c) >= 4)]
        if specific and fluff < GENERIC_SHARE * max(1, len(content)):
            kept.append(doc.text[start:end])
            # What it says: its own words, the critics' names and the critique's terms (the debate's
            # subject), not the needs' generic cues ("study", "because") nor fluff.
            distinct.update(min(ts.lemmas(t.lower)) for t in content
                            if t.lower not in generic_cues and not ts.lemmas(t.lower) & FLUFF_WORDS
                            and not any(t.lower.startswith(c) for c in generic_cues if len(c) >= 4))
    return " \n ".join(kept).lower(), len(distinct)


def check_debate(texts: Mapping[str, str], parts: Iterable[DebatePart], *, critics: Iterable[str] = (),
                 terms: Iterable[str] = (), sources: Iterable[str] = (), guard_examples: bool = True) -> DebateCheck:
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
    guard_examples
        Whether a part that rewords a worked example is thin (True); False checks an example itself.

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
    return DebateCheck(tuple(check_part(texts.get(p.key, ""), p, critics=critics, terms=terms, sources=sources,
                                        guard_examples=guard_examples) for p in parts))
