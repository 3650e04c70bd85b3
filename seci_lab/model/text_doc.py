"""An answer read as text: sentences, steps and tokens with a negation's scope, and the evidence
a signal finds in it (rubric v3). Split from :mod:`.text_signals`, whose signals read a :class:`Doc`."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Callable

from .lexicon import NEGATORS, SCOPE_BREAKERS, WEEKDAYS, lemmas, stop_words

__all__ = ["Doc", "Evidence", "Token", "analyse", "content_words", "is_content_word", "is_number"]

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,:]\d+)*", re.UNICODE)
_NUMBER_RE = re.compile(r"^\d+(?:[.,:]\d+)*$")
#: Punctuation that ends a clause, and with it a negation's scope.
_CLAUSE_BREAK_RE = re.compile(r"[,;:()\[\]—–]|\s-\s")
_STEP_MARK_RE = re.compile(r"^\s*(?:\(?\d{1,2}[.):]|[-*•–]|step\s+\d+[.:]?|[a-e][.)])\s*", re.I)
_INLINE_STEP_RE = re.compile(r"(?<=\S)\s+(?=\(?\d{1,2}[.)]\s+[^\W\d_])")
_SENT_SPLIT_RE = re.compile(r"(?<=[.!?;])\s+|\n+")
_MONTH_ABBR = "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
_DAY_ABBR = "mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
_ENTRY_HEAD_RE = re.compile(
    rf"^\s*(?:day\s+\d+|(?:{_DAY_ABBR}|{'|'.join(WEEKDAYS)})\b[^:\n]{{0,12}}|\d{{1,2}}[/.-]\d{{1,2}}[^:\n]{{0,8}}|"
    rf"(?:entry|week|session)\s+\d+)\s*[:\-–]", re.I | re.M)


# --- the analysed text ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    text: str
    lower: str
    start: int
    end: int
    sentence: int
    first: bool  # first word of its sentence or line
    negated: bool = False  # inside a negation's scope: "gesture" in "I can't describe any gesture"


@dataclass
class Doc:
    """An answer split into sentences, steps and tokens, with character offsets into :attr:`text`."""

    text: str
    sentences: list[tuple[int, int]]
    tokens: list[Token]
    steps: list[tuple[int, int]]

    @functools.cached_property
    def words(self) -> list[Token]:
        return [t for t in self.tokens if not _NUMBER_RE.match(t.text)]

    def sentence_text(self, i: int) -> str:
        start, end = self.sentences[i]
        return self.text[start:end]

    def sentence_tokens(self, i: int) -> list[Token]:
        return [t for t in self.tokens if t.sentence == i]


def _unwrap(text: str) -> str:
    """Join lines broken inside a sentence (a hard wrap), keep lines that start a step or entry."""
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1].rstrip()
        starts_item = bool(_STEP_MARK_RE.match(line) or _ENTRY_HEAD_RE.match(line))
        if prev and line.strip() and not starts_item and not re.search(r"[.!?:;]$", prev) and (
                line.lstrip()[:1].islower() or len(prev) >= 50):
            out[-1] = prev + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


@functools.lru_cache(maxsize=512)
def analyse(text: str) -> Doc:
    """Split ``text`` (already cleaned) into sentences, steps and tokens. Cached: the rubric reads the
    same text more than once (its own sentences, each field of the lesson); treat a Doc as read-only."""
    # Inline enumerations ("1. Put ... 2. Press ...") become one line per step.
    text = _unwrap(_INLINE_STEP_RE.sub("\n", text))
    sentences: list[tuple[int, int]] = []
    steps: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        mark = _STEP_MARK_RE.match(line)
        if mark and len(line) > mark.end() + 2:
            steps.append((line_start + mark.end(), line_start + len(line)))
        for piece in re.finditer(r"[^.!?;]+(?:[.!?;]+|$)", line):
            chunk = piece.group()
            if chunk.strip() and re.search(r"[^\W\d_]", chunk):
                sentences.append((line_start + piece.start(), line_start + piece.end()))
            elif chunk.strip() and sentences and sentences[-1][1] >= line_start + piece.start() - 1:
                # "18.0 g": a number split off by its decimal point stays with its sentence
                sentences[-1] = (sentences[-1][0], line_start + piece.end())
            elif chunk.strip():
                sentences.append((line_start + piece.start(), line_start + piece.end()))
    tokens: list[Token] = []
    for i, (start, end) in enumerate(sentences):
        first, negated, last = True, False, start
        for m in _WORD_RE.finditer(text, start, end):
            word = m.group().replace("’", "'")
            lower = word.lower()
            if _CLAUSE_BREAK_RE.search(text, last, m.start()) or lower in SCOPE_BREAKERS:
                negated = False
            tokens.append(Token(word, lower, m.start(), m.end(), i, first, negated and lower not in NEGATORS))
            if lower in NEGATORS:
                negated = True
            last = m.end()
            if not _NUMBER_RE.match(word):
                first = False
    # A step written as sentences in sequence ("First ..., then ...") counts as steps too.
    if len(steps) < 2:
        seq = [t for t in tokens if t.lower in ("first", "then", "next", "finally", "second", "third",
                                                 "lastly", "afterwards")
               and (t.first or text[max(0, t.start - 2):t.start].strip() in (",", ";", "-", "–"))]
        if len(seq) >= 2:
            steps = [(t.start, sentences[t.sentence][1]) for t in seq]
    return Doc(text=text, sentences=sentences, tokens=tokens, steps=steps)


@functools.lru_cache(maxsize=20000)
def _is_content(lower: str) -> bool:
    return len(lower) > 2 and lower not in stop_words() and not _NUMBER_RE.match(lower)


def content_words(doc: Doc) -> list[Token]:
    """Tokens that carry content: not function words, not numbers, at least three letters."""
    return [t for t in doc.tokens if _is_content(t.lower)]


# --- evidence -----------------------------------------------------------------------------------

@dataclass
class Evidence:
    """What a signal found: distinct keys (what counts), each with the character span to quote."""

    found: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.found)

    @property
    def spans(self) -> list[tuple[int, int]]:
        return list(self.found.values())

    def add(self, key: str, start: int, end: int) -> None:
        self.found.setdefault(key, (start, end))


def _lexicon(doc: Doc, words: frozenset[str], phrases: tuple[str, ...] = ()) -> Evidence:
    found = Evidence()
    for t in doc.tokens:
        if t.negated:
            continue  # "no smell", "I didn't hear anything": not evidence of what was perceived
        hit = lemmas(t.lower) & words
        if hit:
            found.add(min(hit), t.start, t.end)
    lower = doc.text.lower()
    for phrase in phrases:
        for m in re.finditer(r"\b" + re.escape(phrase) + r"\b", lower):
            found.add(phrase, m.start(), m.end())
    return found


def _regex(doc: Doc, pattern: re.Pattern, key: Callable[[re.Match], str] | None = None) -> Evidence:
    found = Evidence()
    for m in pattern.finditer(doc.text):
        found.add(key(m) if key else m.group().lower().strip(), m.start(), m.end())
    return found


def _per_sentence(doc: Doc, test: Callable[[list[Token]], bool]) -> Evidence:
    found = Evidence()
    for i, (start, end) in enumerate(doc.sentences):
        toks = doc.sentence_tokens(i)
        if toks and test(toks):
            found.add(" ".join(t.lower for t in toks), start, end)
    return found


def _merge(*evidence: Evidence) -> Evidence:
    out = Evidence()
    for ev in evidence:
        for key, span in ev.found.items():
            out.add(key, *span)
    return out


def is_number(text: str) -> bool:
    """``18``, ``2.5``, ``9:30``: a number written in digits."""
    return bool(_NUMBER_RE.match(text))


def is_content_word(lower: str) -> bool:
    """A word that carries content: not a function word, not a number, three letters or more."""
    return _is_content(lower)
