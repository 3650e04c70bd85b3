"""The rubric's guards that read an answer as a whole (rubric v3): word lists, echoes of the
exercise's own words, texts stuffed with cue words, repetition, questions, the lesson's own case,
template slots, chatbot boilerplate, and general statements where one's own experience is asked.
Split from :mod:`.rubric`, which applies the factors; docs/rubric.md explains every threshold.
"""

from __future__ import annotations

import functools
import math
import re
import zlib

from . import text_signals as ts
from .modes import Mode
from .rubric_criteria import FieldRubric, field_texts

__all__ = ["echo_words", "text_guards"]

#: Share of content words taken from the exercise's own text or the course's terms above which
#: an answer only echoes the exercise.
_ECHO_SHARE = 0.55

#: Template slots: single capital letters used as words (X, Y, Z), blanks, bracketed slots, and an
#: ellipsis standing alone ("When I tried ..., because ...", not a trailing "now... slower").
_SLOT_RE = re.compile(r"(?<![\w'’])[WXYZ](?![\w'’.])|_{3,}|\[[^\]]{0,20}\]|<[^<>]{0,20}>|(?<=\s)(?:\.\.\.|…)(?=[\s,.;:]|$)")

#: Signals of one's own experience (Socialization and Internalization are about one's own).
_OWN_EXPERIENCE = ("narrative", "observation", "future_plan", "specifics", "dated_entries", "imperative")

#: Distinct content words per square root of content words (Guiraud's index) below which a text of
#: 20 or more content words repeats itself; unlike a plain type-token ratio it does not fall with
#: length, so long instructions that name the same parts again are not repetition.
_GUIRAUD_MIN = 2.7

#: Share of repeated three-word phrases above which a text counts as repetitive.
_REPEATED_SHARE = 0.09

#: Share of cue words among content words above which a text counts as stuffed with cues.
_STUFFED_SHARE = 0.6

#: Word classes a stuffed text is made of: cues that signal a criterion without saying anything.
_CUE_CLASSES = (ts.SENSORY | ts.BODY_CUE | ts.CAUSAL_WORDS | ts.CONTRAST_WORDS | ts.CHANGE | ts.EXPECT
                | ts.KEEP | ts.COURSE_TERMS | ts.SURPRISE | ts.SAYING | ts.HEDGES)

def _cue_share(doc: ts.Doc) -> float:
    """Share of a text's content words that are cue words (a stuffed text is mostly cues)."""
    classes = _CUE_CLASSES
    words = [t for t in doc.words if t.lower not in ts.stop_words() or t.lower in classes]
    if not words:
        return 0.0
    return sum(bool(ts.lemmas(t.lower) & classes) for t in words) / len(words)

@functools.cache
def echo_words(rubric: FieldRubric) -> frozenset[str]:
    """The lemmas of the exercise's own prompt, hints and placeholder."""
    own = field_texts().get((rubric.mode, rubric.field), "") if rubric.field else ""
    return frozenset(min(ts.lemmas(w)) for w in re.findall(r"[^\W\d_]+", own.lower()))

def _repeated_phrases(doc: ts.Doc) -> float:
    """Share of three-word sequences that occur again (phrases said over and over)."""
    words = [t.lower for t in doc.words]
    grams = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
    if len(grams) < 12:
        return 0.0
    return 1 - len(set(grams)) / len(grams)

def text_guards(mode: Mode, rubric: FieldRubric, doc: ts.Doc, own: str, cache: dict) -> set[str]:
    """The guards that read the text as a whole: word lists, echoes, stuffing, repetition ..."""
    flags: set[str] = set()
    echo = echo_words(rubric)
    tokens = ts.content_words(doc)
    content = {min(ts.lemmas(t.lower)) for t in tokens}
    words = doc.words
    if len(words) >= 8 and (sum(t.lower in ts.stop_words() for t in words) / len(words) < 0.2
                            or len(words) >= 12 and sum(t.lower in ts.GRAMMAR for t in words) / len(words) < 0.1):
        flags.add("word-list")
    elif len(content) >= 10 and len(content & (echo | ts.COURSE_TERMS)) / len(content) > _ECHO_SHARE:
        flags.add("echo")
    elif len(tokens) >= 12 and _cue_share(doc) > _STUFFED_SHARE and (
            len(content) / len(tokens) < 0.75 or _repeated_phrases(doc) > 0.04):
        # Many cue words said over and over; a rich journal is full of sensory words too, but varied.
        flags.add("stuffed")
    if len(tokens) >= 20 and len(content) / math.sqrt(len(tokens)) < _GUIRAUD_MIN:
        flags.add("repetition")  # few distinct words for the length (Guiraud's index: types / sqrt(tokens))
    if len(own) >= 200 and len(zlib.compress(own.encode())) / len(own.encode()) < 0.3:
        flags.add("repetition")
    if _repeated_phrases(doc) > _REPEATED_SHARE:
        flags.add("repetition")
    if doc.sentences and all(doc.text[s:e].rstrip().endswith("?") for s, e in doc.sentences):
        flags.add("question")
    lower = doc.text.lower()
    if any(phrase in lower for phrase in ts.BOILERPLATE_PHRASES):
        flags.add("boilerplate")
    if len(ts.lesson_names(doc)) >= 2 and not ts.narrative(doc).count:
        flags.add("lesson-case")
    if len(_SLOT_RE.findall(own)) >= 2:
        flags.add("template")
    if mode in (Mode.SOCIALIZATION, Mode.INTERNALIZATION) and not ts.own_negated_event(doc) and not any(
            (cache[name] if name in cache else ts.SIGNALS[name](doc)).count for name in _OWN_EXPERIENCE):
        flags.add("generic")
    return flags
