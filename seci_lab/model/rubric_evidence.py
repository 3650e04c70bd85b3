"""Rubric v3: evidence comes from the sentences that do the exercise's work (issue 22).

The text signals (:mod:`.text_signals`) find kinds of language anywhere in an answer. Counted
anywhere, they let padding pay: one good sentence in fluent filler, or stock phrases that fit
any field ("next time I will keep improving"), met criteria. Here evidence is read per sentence:

- a sentence's evidence counts only when the sentence also says something *specific*: a word of
  its own that is not a cue word, a stock phrase, a word of the course or of the exercise's own
  prompt (:func:`specific_words`); a number or a name counts as specific;
- words inside a negation's scope are no evidence (the signals skip them, ``Token.negated``);
- the sentences whose evidence counts are the *working* sentences; the content words of the
  other sentences are *filler*, which dilutes the quality instead of feeding it
  (:func:`filler_factor`);
- the substance of an answer is the distinct specific words of its working sentences, and it
  saturates at a small number (:data:`SATURATION_WORDS`): once the criteria are met, more words
  add nothing, so a short excellent answer is not penalised.

Every threshold is named here; docs/rubric.md explains them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from . import text_signals as ts
from .rubric_criteria import Criterion

__all__ = [
    "FILLER_FLOOR",
    "FILLER_FREE",
    "MIN_SPECIFIC",
    "SATURATION_WORDS",
    "SentenceEvidence",
    "criterion_evidence",
    "working_sentences",
    "filler_factor",
    "read_sentences",
    "substance",
]

#: A sentence's evidence counts only when it has at least this many specific words.
MIN_SPECIFIC = 1
#: Distinct specific words of the working sentences at which an answer's substance is full.
SATURATION_WORDS = 9
#: Share of an answer's content words in filler sentences that costs nothing (context is fine).
FILLER_FREE = 0.45
#: The lowest factor filler can bring the quality down to (an answer all filler gets this).
FILLER_FLOOR = 0.35

#: Words that fit an answer to any field and say nothing of one's own: stock phrases, judgements,
#: hedges, negators, verbs and comparatives of change and the course's own terms. A sentence made
#: only of them ("next time I will keep improving") gives no evidence. Cue words ("because", "watched", "springy") and the
#: exercise's own words are specific, but never for their own evidence (SHORT_EVIDENCE); lists of
#: them are caught by the word-list and stuffing guards.
GENERIC_WORDS = (ts.STOCK_WORDS | ts.COURSE_TERMS | ts.JUDGEMENT | ts.HEDGES | ts.NEGATORS | ts.KEEP
                 | ts.CHANGE_ACTION | ts.CHANGE)
#: Evidence of a word or a short phrase (at most this many words) must come with a specific word
#: of its sentence besides its own words: "change" or "next time" does not vouch for itself.
SHORT_EVIDENCE = 3
#: Generic words that are no cue of any criterion: stock phrases, judgements, hedges, course terms.
FLUFF_WORDS = ts.STOCK_WORDS | ts.COURSE_TERMS | ts.JUDGEMENT | ts.HEDGES
#: A sentence made mostly of fluff (this share of its content words or more) is filler, whatever
#: cue it holds ("this experience confirmed how much experts know"): fluent padding.
GENERIC_SHARE = 0.6
#: Signals whose evidence qualifies what the sentence before it said ("I still cannot explain how
#: she knew"): it counts in a sentence of no specific words of its own when the one before works.
LEANS_ON_CONTEXT = frozenset({"unsayable"})
#: A sentence works when it has at most this many content words per piece of evidence it gives:
#: a cue word or two in a long fluent sentence is filler, which dilutes instead of feeding.
WORDS_PER_EVIDENCE = 10


@dataclass(frozen=True)
class SentenceEvidence:
    """An answer read sentence by sentence: how specific each sentence is."""

    doc: ts.Doc
    specific: tuple[frozenset[str], ...]   # per sentence: its specific words (lemmas)
    content: tuple[int, ...]               # per sentence: how many content words it has
    generic: tuple[int, ...]               # per sentence: how many of them are generic words
    starts: tuple[int, ...]                # per sentence: where it starts (for look-ups)

    def sentence_at(self, pos: int) -> int:
        """The index of the sentence that holds character ``pos``."""
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def counts(self, i: int, span: tuple[int, int] | None = None) -> bool:
        """Whether evidence found in sentence ``i`` (at ``span``) counts: the sentence says
        something specific besides the words of the evidence itself."""
        words = self.specific[i]
        own = _WORD_RE.findall(self.doc.text[span[0]:span[1]].lower()) if span is not None else []
        if len(own) <= SHORT_EVIDENCE:
            words = words - {_lemma(w) for w in own} - set(own)
        return len(words) >= MIN_SPECIFIC


_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _lemma(word: str) -> str:
    return min(ts.lemmas(word))


def specific_words(tokens: list[ts.Token], echo: frozenset[str], names: set[int]) -> frozenset[str]:
    """The specific words of a sentence: numbers, names, and content words that are not generic
    (:data:`GENERIC_WORDS`) nor the exercise's own words (``echo``: "steps", "cues"), and not
    negated in a refusal."""
    out = set()
    # A negated word is still a specific statement ("I didn't need the fret chart"), unless the
    # sentence refuses with a polarity item ("I didn't watch anyone", "nothing I noticed").
    refusal = any(t.lower in ts.POLARITY_ITEMS for t in tokens)
    for t in tokens:
        if t.negated and refusal:
            continue
        if ts.is_number(t.text) or t.start in names:
            out.add(t.lower)
            continue
        if not ts.is_content_word(t.lower):
            continue
        forms = ts.lemmas(t.lower)
        if forms & GENERIC_WORDS or forms & echo or not ts.is_known_word(t.lower) and len(t.lower) > 14:
            continue
        out.add(_lemma(t.lower))
    return frozenset(out)


def read_sentences(doc: ts.Doc, echo: frozenset[str]) -> SentenceEvidence:
    """Split ``doc`` into sentences and measure how specific each one is."""
    names = {t.start for t in ts.proper_names(doc)}
    by_sentence: list[list[ts.Token]] = [[] for _ in doc.sentences]
    for t in doc.tokens:
        by_sentence[t.sentence].append(t)
    specific = tuple(specific_words(toks, echo, names) for toks in by_sentence)
    content = tuple(sum(ts.is_content_word(t.lower) for t in toks) for toks in by_sentence)
    generic = tuple(sum(ts.is_content_word(t.lower) and bool(ts.lemmas(t.lower) & FLUFF_WORDS) for t in toks)
                    for toks in by_sentence)
    return SentenceEvidence(doc, specific, content, generic, tuple(s for s, _ in doc.sentences))


def working_sentences(criteria, reading: SentenceEvidence, cache: dict) -> set[int]:
    """The sentences that do the exercise's work: specific, and dense enough in evidence for the
    field's criteria (at most :data:`WORDS_PER_EVIDENCE` content words per piece of evidence)."""
    pieces: dict[int, set[str]] = {}
    for criterion in criteria:
        for name in criterion.signals:
            if name not in cache:
                cache[name] = ts.SIGNALS[name](reading.doc)
            for key, span in cache[name].found.items():
                i = reading.sentence_at(span[0])
                if reading.counts(i, span) or name in LEANS_ON_CONTEXT and i > 0 and reading.counts(i - 1):
                    pieces.setdefault(i, set()).add(f"{name}:{key}")
    best = max(pieces, key=lambda i: (len(pieces[i]), -i), default=None)  # the best sentence always works
    return {i for i, found in pieces.items() if i == best or (
        reading.content[i] <= WORDS_PER_EVIDENCE * len(found)
        and reading.generic[i] < GENERIC_SHARE * max(1, reading.content[i]))}


def criterion_evidence(criterion: Criterion, reading: SentenceEvidence, cache: dict,
                       working: set[int]) -> ts.Evidence:
    """The evidence for ``criterion`` from the working sentences only."""
    evidence = ts.Evidence()
    for name in criterion.signals:
        if name not in cache:
            cache[name] = ts.SIGNALS[name](reading.doc)
        for key, span in cache[name].found.items():
            i = reading.sentence_at(span[0]) if reading.doc.sentences else -1
            if i in working and (reading.counts(i, span) or name in LEANS_ON_CONTEXT and i - 1 in working):
                evidence.add(f"{name}:{key}", *span)
    return evidence


def substance(reading: SentenceEvidence, working: set[int]) -> float:
    """Distinct specific words of the working sentences, against :data:`SATURATION_WORDS` (0..1)."""
    words = set().union(*(reading.specific[i] for i in working)) if working else set()
    return min(1.0, len(words) / SATURATION_WORDS)


def filler_factor(reading: SentenceEvidence, working: set[int]) -> tuple[float, float]:
    """(the factor filler costs, the share of content words in filler sentences)."""
    total = sum(reading.content)
    if not total:
        return 1.0, 0.0
    filler = sum(n for i, n in enumerate(reading.content) if i not in working) / total
    if filler <= FILLER_FREE:
        return 1.0, filler
    return max(FILLER_FLOOR, 1 - (filler - FILLER_FREE) / (1 - FILLER_FREE)), filler
