"""Rubric v2: a transparent checklist that suggests a quality in [0, 1] for a written answer.

It is a teaching aid, not a grader. Every exercise field has its own criteria, kept as data in
``content/rubric.toml`` (what a good answer shows, after the domain brief's section 4.1): an
observation journal shows a concrete moment, sensory detail and what resists words; exact
instructions show ordered imperative steps with quantities, conditions and a stop criterion;
an After Action Review answers its question; and so on. Each criterion counts *linguistic*
evidence (``text_signals``): past-tense narrative, imperatives, dates, numbers with units,
perception vocabulary, causal and contrast connectives, matched on whole words.

The learner sees a checklist (met, partly, missing, with the words that met each criterion)
and one hint for the most valuable missing criterion; the number comes second. Guards keep the
number honest (docs/rubric.md):

- text copied from the exercise or the lesson, definitions of the course's terms, and repeated
  sentences are taken out before scoring: they earn nothing;
- a list of cue words, or text stuffed with them, is capped (function-word ratio, cue density);
- repeated words, too few words of one's own, questions instead of answers, and text that reads
  as no words at all score low;
- an answer that shares almost nothing with the exercise (TF-IDF similarity, ``tfidf``) and
  meets no criterion is flagged as not being about the exercise;
- an answer in another language is not scored (``quality`` None) and says so: py3langid, whose
  model ships inside its wheel, names the language; short English is never taken for another
  language (a minimum length, the share of English words, and a confidence threshold).

Heavy libraries (NumPy, LemmInflect, py3langid) are imported on the first call, never
when the model is imported.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from .contributions import TEXT_MAX_CHARS, normalize_text
from .modes import Mode
from .quality_scale import ADEQUATE, STRONG
from .rubric_criteria import PAGE_SIGNALS, Criterion, FieldRubric, load_criteria
from .rubric_evidence import criterion_evidence, working_sentences, filler_factor, read_sentences, substance
from .rubric_guards import (EXAMPLE_COPY, copy_similarities, copy_similarity, example_copy, language, own_text,
                            plain, relatedness, strip_markup)
from . import text_signals as ts
from .rubric_text_guards import echo_words as _echo_words, text_guards as _text_guards

__all__ = [
    "CriterionResult",
    "PAGE_SIGNALS",
    "RubricScore",
    "copy_similarities",
    "copy_similarity",
    "example_copy",
    "rubric_field",
    "rubric_version",
    "suggest_qualities",
    "suggest_quality",
]


MESSAGES = {
    "empty": "Nothing to assess yet: write your answer.",
    "too-long": "The answer is over the {limit}-character limit: shorten it before saving.",
    "not-text": "The answer must be text.",
    "other-language": "Can't assess this language; your answer is saved and counts with the default quality.",
    "no-words": "This does not read as words: write your answer in sentences.",
    "markup": "Tags such as <b> are kept as plain text; only your words were assessed.",
    "copied": "Most of this repeats the exercise or the lesson: only your own words count.",
    "lesson-case": "This retells the lesson's case: tell your own.",
    "theory": "Definitions from the lesson earn nothing here: apply them to your own case.",
    "repetition": "Repeated sentences or words count once.",
    "word-list": "This reads as a list of words rather than sentences: write full sentences about your own case.",
    "template": "Fill in the blanks: letters such as X and Y are placeholders, not your answer.",
    "generic": "This speaks in general terms: write about your own experience, what you did or saw.",
    "echo": "This mostly repeats the exercise's own words: say what you did, saw or mean, in yours.",
    "stuffed": "Many cue words, little said: write what actually happened, in your own words.",
    "question": "This asks a question instead of answering it: the hints below the box show what is asked.",
    "few-words": "Too few words of your own to assess: write a sentence or two about your own case.",
    "off-topic": "This does not seem to be about the exercise: reread the prompt above the box.",
    "filler": "Most sentences say nothing of the exercise's points: the quality comes from those that do.",
    "off-field": "This reads as an answer to another exercise of this lesson: check you wrote it in the right box.",
    "boilerplate": "This reads as a general text, not your own case: write what you saw, did or plan.",
    "no-subject": "Say who this is about: the person you watched or worked beside, by name or role.",
}

#: Why an answer does not (yet) count as an attempt at the exercise, in plain words for the
#: learner's recap and the instructor's tables: never an accusation, always what to do.
NOT_COUNTING = {
    "empty": "there is no answer yet",
    "not-text": "the answer is not text",
    "too-long": "it is longer than the box allows; shorten it and save again",
    "no-words": "it does not read as words yet; write it in sentences",
    "copied": "it follows the exercise's text or the worked example very closely; write it from your own case, in your own words",
    "template": "it still has blanks or placeholders (X, Y, ___) to fill in",
    "off-topic": "it seems to be about something other than this exercise; the prompt above the box says what is asked",
    "off-field": "it reads as an answer to another exercise of this lesson; check it is in the right box",
    "few-words": "it is too short to show the exercise's work yet; a sentence or two about your own case will do",
    "word-list": "it reads as a list of words; write what happened in sentences",
    "stuffed": "it is mostly cue words; say what actually happened, in your own words",
    "question": "it asks a question instead of answering; the hints below the box show what is asked",
    "nothing-met": "none of the checklist's points shows yet; the hint says where to start",
    "boilerplate": "it reads as a general description rather than your own case; write what you saw, did or plan",
    "other-language-short": "it is too short to count yet, in any language",
}
#: The guards whose flag means an answer is no attempt at the exercise (docs/rubric.md).
_BLOCKING = ("no-words", "copied", "template", "off-topic", "off-field", "few-words", "word-list", "stuffed", "question",
             "boilerplate")

# Quality multipliers of the guards (docs/rubric.md explains each).
_CAP_FEW_WORDS = 0.1
#: The highest quality of an answer that does not count as an attempt (off topic, copied ...).
_CAP_NOT_COUNTING = 0.1
_FACTOR = {"no-subject": 0.5, "template": 0.2, "generic": 0.4, "lesson-case": 0.3, "echo": 0.25, "word-list": 0.15, "stuffed": 0.15, "repetition": 0.5, "question": 0.3}
#: Character-n-gram similarity to a course text from which an answer counts as a (reworded) copy.
#: Genuine answers on the development set peak near 0.5; reworded copies start near 0.54.
_COPY_SIMILAR = 0.6

#: Below this TF-IDF cosine with the field's description, an answer that meets no criterion
#: is flagged as not about the exercise.
_RELATED_MIN = 0.2
#: Longest text assessed (a text over TEXT_MAX_CHARS is assessed with a message; the store refuses it).
_ASSESS_MAX_CHARS = 4 * TEXT_MAX_CHARS


@dataclass(frozen=True)
class CriterionResult:
    """How an answer did on one criterion."""

    id: str
    label: str
    looks_for: str
    hint: str
    weight: float
    score: float      # 0 (missing) .. 1 (met)
    excerpt: str = ""  # the words of the answer that met it (raw: escape when showing)

    @property
    def status(self) -> str:
        """``"met"``, ``"partly"`` or ``"missing"``."""
        return "met" if self.score >= 0.999 else ("partly" if self.score > 0 else "missing")

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "status": self.status,
                "score": round(self.score, 2), "excerpt": self.excerpt}


@dataclass(frozen=True)
class RubricScore:
    """A checklist of criteria, one hint, a message, and the suggested quality.

    ``quality`` is None when the rubric cannot assess the answer (empty, over the limit,
    another language); ``message`` then says why. ``flags`` name the guards that fired.
    """

    quality: float | None
    criteria: tuple[CriterionResult, ...] = ()
    hint: str = ""
    message: str = ""
    flags: tuple[str, ...] = ()
    #: "" when the answer counts as an attempt at the exercise (for completion and grades:
    #: assessable or substantive in another language, on topic, not copied, not a template),
    #: else the key of why not in ``NOT_COUNTING`` ("copied", "off-topic", "few-words" ...).
    uncounted: str = "empty"

    @property
    def counts(self) -> bool:
        """Whether the answer counts as an attempt at the exercise (completion and grades)."""
        return not self.uncounted

    @property
    def reason(self) -> str:
        """Why it does not count yet, in plain words ("" when it counts)."""
        return NOT_COUNTING.get(self.uncounted, "") if self.uncounted else ""

    @property
    def assessed(self) -> bool:
        return self.quality is not None

    @property
    def reasons(self) -> tuple[str, ...]:
        """The checklist in words, one line per criterion (for reports and older views)."""
        lines = []
        for c in self.criteria:
            line = f"{c.status.capitalize()}: {c.label}"
            if c.excerpt:
                line += f" (“{c.excerpt}”)"
            lines.append(line + ".")
        return tuple(lines)

    def as_record(self) -> dict:
        """The JSON-ready fields saved with an answer."""
        return {"quality": self.quality, "criteria": [c.as_dict() for c in self.criteria],
                "reasons": list(self.reasons), "hint": self.hint, "message": self.message,
                "flags": list(self.flags), "counts": self.counts, "reason": self.reason}


# --- scoring -------------------------------------------------------------------------------------

def _excerpt(doc: ts.Doc, span: tuple[int, int], limit: int = 90) -> str:
    """The words around ``span``: at least a few words, at most ``limit`` characters."""
    start, end = span
    if end - start < 25:
        sentence = next(((s, e) for s, e in doc.sentences if s <= start < e), (start, end))
        start = max(sentence[0], start - 30)
        end = min(sentence[1], max(end, start + 60))
        while start > sentence[0] and doc.text[start - 1].isalnum():
            start -= 1
        while end < sentence[1] and doc.text[end:end + 1].isalnum():
            end += 1
    words = " ".join(doc.text[start:end].split()).strip(" ,;:")
    return words if len(words) <= limit else words[:limit - 1].rstrip() + "…"


def _score_criterion(criterion: Criterion, reading, cache: dict, working: set[int]) -> CriterionResult:
    """A criterion's result from the evidence of the working sentences."""
    doc = reading.doc
    evidence = criterion_evidence(criterion, reading, cache, working)
    score = min(1.0, evidence.count / criterion.need)
    spans = evidence.spans
    if len(spans) >= 2 and all(end - start < 25 for start, end in spans[:4]):
        # Single words or short phrases (sensory words, connectives): quote them, not a sentence.
        words = list(dict.fromkeys(" ".join(doc.text[a:b].split()) for a, b in sorted(spans)[:6]))
        excerpt = " … ".join(words[:4])
    else:
        excerpt = _excerpt(doc, spans[0]) if spans else ""
    return CriterionResult(criterion.id, criterion.label, criterion.looks_for, criterion.hint,
                           criterion.weight, score, excerpt)


def _cannot_assess(flag: str, uncounted: str | None = None, **fmt) -> RubricScore:
    return RubricScore(quality=None, message=MESSAGES[flag].format(**fmt), flags=(flag,),
                       uncounted=flag if uncounted is None else uncounted)


def _hint(results: Sequence[CriterionResult]) -> str:
    missing = [r for r in results if r.score < 0.999]
    if not missing:
        return "Every criterion is met. To go further, link your answer to a case from the lesson."
    return max(missing, key=lambda r: r.weight * (1 - r.score)).hint


def rubric_field(mode: Mode | str, field: str | None) -> str | None:
    """``field`` when the rubric has criteria for it, else None (the mode's criteria apply)."""
    return field if field is not None and (Mode.parse(mode), field) in load_criteria().fields else None


def suggest_quality(text: str, mode: Mode | str, field: str | None = None) -> RubricScore:
    """Assess ``text`` as an answer to exercise ``field`` of ``mode`` (or to the mode itself).

    Parameters
    ----------
    text : str
        The learner's answer, raw.
    mode : Mode or str
        The SECI mode (a Mode, its letter or its name).
    field : str, optional
        The exercise field's key (``"journal"``, ``"aar_why"``); None uses the mode's criteria.

    Returns
    -------
    RubricScore
        The checklist, one hint, a message and ``quality`` in [0, 1], or None when the answer
        cannot be assessed (empty, over the limit, another language). Never raises for any text.

    Raises
    ------
    ValueError
        ``mode`` is not a SECI mode, or ``field`` is not one of its exercise fields.
    """
    mode = Mode.parse(mode)
    load_criteria().for_answer(mode, field)  # a field the mode does not have is a ValueError
    if not isinstance(text, str):
        return _cannot_assess("not-text")
    return _suggest(text, mode, field)


@functools.lru_cache(maxsize=4096)
def _suggest(text: str, mode: Mode, field: str | None) -> RubricScore:
    # Cached: a class's analysis and the spiral lab's live feedback ask again for the same text.
    return _assess(mode, field, _prepare(text))


@dataclass(frozen=True)
class _Prepared:
    """A text made ready for scoring: ``clean`` and its ``flags``, or why it stops early."""

    clean: str
    flags: frozenset[str]
    stop: str | None = None  # "empty", "too-long", "other-language" or "no-words"


def _prepare(text: str) -> _Prepared:
    """Everything of the assessment that does not depend on the exercise field."""
    clean = normalize_text(text)
    if not clean:
        return _Prepared("", frozenset(), "empty")
    flags: set[str] = set()
    if len(clean) > _ASSESS_MAX_CHARS:
        return _Prepared(clean, frozenset(), "too-long")
    if len(clean) > TEXT_MAX_CHARS:
        flags.add("too-long")  # assessed all the same: a long answer is not a bad one
    clean, markup = strip_markup(clean)
    if markup:
        flags.add("markup")
    clean = plain(clean).strip()
    lang, no_words = language(clean)
    if lang is not None:
        return _Prepared(clean, frozenset(flags), "other-language")
    if no_words or not re.search(r"[^\W\d_]", clean):
        return _Prepared(clean, frozenset(flags), "no-words")
    return _Prepared(clean, frozenset(flags))


#: An answer in another language counts as done when it has at least this many letters of its
#: own script (a language-neutral check: scripts differ in letters per word, so the floor is low
#: for the scripts that write a word in one or two characters).
_OTHER_LANGUAGE_MIN_LETTERS = 60
_OTHER_LANGUAGE_MIN_LETTERS_DENSE = 20
#: ... and, in a script that separates its words, at least this many different words (a real
#: attempt says several things; "asdf asdf asdf ..." of any length is no attempt).
_OTHER_LANGUAGE_MIN_WORDS = 8
#: Scripts that write a word in one or two characters (Han, Kana, Hangul).
_DENSE_SCRIPT_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _other_language(clean: str, similarity: float | None) -> RubricScore:
    """Not scored (quality None), counted as done when substantive in its own script and no copy."""
    letters = [ch for ch in clean if ch.isalpha()]
    dense = sum(bool(_DENSE_SCRIPT_RE.match(ch)) for ch in letters) > len(letters) / 2
    distinct = len(set(re.findall(r"[^\W\d_]+", clean.lower())))
    enough = len(letters) >= _OTHER_LANGUAGE_MIN_LETTERS_DENSE if dense else (
        len(letters) >= _OTHER_LANGUAGE_MIN_LETTERS and distinct >= _OTHER_LANGUAGE_MIN_WORDS)
    copied = (similarity if similarity is not None else copy_similarity(clean)) >= _COPY_SIMILAR
    return _cannot_assess("other-language", uncounted="copied" if copied else "" if enough else "other-language-short")


def _assess(mode: Mode, field: str | None, prepared: _Prepared, similarity: float | None = None) -> RubricScore:
    """The score of a prepared text; ``similarity`` is its :func:`copy_similarity` when known."""
    rubric = load_criteria().for_answer(mode, field)
    if prepared.stop == "empty":
        return _cannot_assess("empty")
    if prepared.stop == "too-long":
        return _cannot_assess("too-long", limit=TEXT_MAX_CHARS)
    if prepared.stop == "other-language":
        return _other_language(prepared.clean, similarity)
    flags = set(prepared.flags)
    if prepared.stop == "no-words":
        return _finish(rubric, (), 0.0, flags | {"no-words"})
    clean = prepared.clean
    if similarity is None:
        similarity = copy_similarity(clean)
    own, own_flags = own_text(clean)
    flags |= own_flags
    doc = ts.analyse(own)
    echo = _echo_words(rubric)
    reading = read_sentences(doc, echo)
    cache: dict = {}
    working = working_sentences(rubric.criteria, reading, cache)
    results = tuple(_score_criterion(c, reading, cache, working) for c in rubric.criteria)
    total = sum(c.weight for c in rubric.criteria)
    base = sum(r.weight * r.score for r in results) / total
    # Substance saturates: once the criteria are met, more words add nothing (issue 22, 3);
    # filler sentences dilute the quality instead of feeding it (issue 22, 2).
    dilution, filler = filler_factor(reading, working)
    if dilution < _FILLER_FLAG:
        flags.add("filler")
    quality = base * (_SUBSTANCE_FLOOR + (1 - _SUBSTANCE_FLOOR) * substance(reading, working)) * dilution
    content = {min(ts.lemmas(t.lower)) for t in ts.content_words(doc)} - ts.COURSE_TERMS
    other = _other_field(rubric, base, doc, cache)
    if other is not None:
        flags.add("off-field")
    # The work done, on the shared scale; then the guards, which no calibration softens.
    quality = _calibrate(min(quality, _core_cap(rubric, results, own, content, flags)))
    flags |= _text_guards(mode, rubric, doc, own, cache)
    if rubric.subject and not any((cache[n] if n in cache else ts.SIGNALS[n](doc)).count for n in rubric.subject):
        flags.add("no-subject")
    if similarity >= _COPY_SIMILAR or max(example_copy(own), example_copy(clean)) >= EXAMPLE_COPY:
        flags.add("copied")
    for flag, factor in _FACTOR.items():
        if flag in flags:
            quality *= factor
    if len(content) < _FEW_WORDS:
        flags.add("few-words")
        quality = min(quality, _CAP_FEW_WORDS * len(content) / _FEW_WORDS)
    if any(f in flags for f in _BLOCKING):
        quality = min(quality, _CAP_NOT_COUNTING)  # no attempt at the exercise: "not yet", at most
    return _finish(rubric, results, quality, flags)


#: Below this factor the learner is told that most sentences say nothing of the exercise's points.
_FILLER_FLAG = 0.75
#: Share of the quality an answer keeps however few specific words it has (the criteria decide).
_SUBSTANCE_FLOOR = 0.5
#: An answer with fewer distinct content words of its own than this is too short to assess (three
#: words do a terse answer's work: "I expected the students to be quieter").
_FEW_WORDS = 3
#: Without evidence for a core criterion, an answer has not shown the exercise's work unless it
#: meets at least this share of the other criteria's weight and shares the field's vocabulary;
#: otherwise its raw quality stays at most _NO_CORE_CAP (below ADEQUATE once calibrated).
_CORE_OTHER_SHARE = 0.5
_NO_CORE_CAP = 0.18


#: An answer whose criteria-met share under another field of the same lesson exceeds its own by at
#: least this much, while it meets under a third of its own, answers that other exercise (an honest
#: answer that meets its own field in part is not sent to another: the learner chose the box).
_OFF_FIELD_MARGIN = 0.4
_OFF_FIELD_OWN_MAX = 0.35


def _other_field(rubric: FieldRubric, base: float, doc: ts.Doc, cache: dict) -> str | None:
    """The label of another exercise of the same lesson this answer does much better, or None
    (a good metaphor handed in as the instructions, an After Action Review handed in as a story)."""
    if rubric.field is None or base >= _OFF_FIELD_OWN_MAX:
        return None
    best, label = base + _OFF_FIELD_MARGIN, None
    for (mode, field), other in load_criteria().fields.items():
        if mode is not rubric.mode or field == rubric.field:
            continue
        reading = read_sentences(doc, _echo_words(other))
        working = working_sentences(other.criteria, reading, cache)
        scores = [_score_criterion(c, reading, cache, working).score for c in other.criteria]
        share = sum(c.weight * x for c, x in zip(other.criteria, scores)) / sum(c.weight for c in other.criteria)
        if share >= best:
            best, label = share, field
    return label


def _core_cap(rubric: FieldRubric, results: Sequence[CriterionResult], own: str, content: set[str],
              flags: set[str]) -> float:
    """The highest raw quality an answer may have given its core criteria (1 when one is met).

    Off topic takes three independent signs, never one pattern: no evidence for a core criterion,
    little vocabulary shared with the field (TF-IDF), and less than half of the other criteria met.
    Two of them keep the answer below ADEQUATE; an answer whose core is phrased in words no signal
    knows ("I have used it ever since") but which meets the rest in the field's terms is not capped.
    """
    if any(r.score > 0 for r in results if r.id in rubric.core):
        return 1.0
    others = [r for r in results if r.id not in rubric.core]
    weight = sum(r.weight for r in others)
    share = sum(r.weight * r.score for r in others) / weight if weight else 0.0
    unrelated = len(content) >= 6 and relatedness(own, rubric) < _RELATED_MIN
    if unrelated and share < _CORE_OTHER_SHARE:
        flags.add("off-topic")
    return _NO_CORE_CAP if unrelated or share < _CORE_OTHER_SHARE else 1.0


#: The rubric's raw quality (criteria met x substance x guards) mapped onto the shared quality
#: scale (``quality_scale``): (raw, quality) knots of a monotone piecewise-linear map, chosen on
#: the development answers so that a teacher's adequate answers land in [ADEQUATE, STRONG) and
#: excellent ones at STRONG or above (docs/rubric.md reports the check).
_CALIBRATION = ((0.0, 0.0), (0.2, ADEQUATE), (0.75, STRONG), (1.0, 1.0))


def _calibrate(raw: float) -> float:
    if math.isnan(raw):
        return 0.0
    raw = min(1.0, max(0.0, raw))
    for (x0, y0), (x1, y1) in zip(_CALIBRATION, _CALIBRATION[1:]):
        if raw <= x1:
            return y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
    return 1.0


#: The modules whose code decides a score (besides this one).
_SCORING_MODULES = ("contributions.py", "course_texts.py", "modes.py", "rubric_criteria.py", "rubric_evidence.py", "tfidf.py",
                    "rubric_text_guards.py", "lexicon.py", "lemma_table.py", "text_doc.py", "text_signals_time.py",
                    "rubric_guards.py", "text_signals.py")
#: The libraries whose data or algorithms decide a score.
_SCORING_LIBRARIES = ("lemminflect", "py3langid", "numpy")


@functools.cache
def rubric_version() -> str:
    """A fingerprint of everything a score depends on (hex SHA-256).

    It covers the rubric's code, the course content (criteria, exercises and every text the
    copy guard compares with) and the versions of the libraries it uses, so a score kept under
    one fingerprint is exactly what :func:`suggest_quality` gives today: a store of scores
    (``seci_lab.store.scores``) never has to guess whether an edit to the content or the code
    made a kept score stale.
    """
    from importlib import metadata, resources
    from pathlib import Path

    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("rubric.py",) + _SCORING_MODULES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    content = resources.files("seci_lab").joinpath("content")
    for entry in sorted(content.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    for library in _SCORING_LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library}=={version}\0".encode())
    return digest.hexdigest()


def suggest_qualities(answers: Iterable[tuple[str, Mode | str, str | None]]) -> dict[tuple, RubricScore]:
    """:func:`suggest_quality` of many answers at once, each distinct ``(text, mode, field)`` once.

    The texts are compared with the course in batches (:func:`copy_similarities`), which makes a
    class of thousands of texts several times quicker; every score is exactly
    ``suggest_quality(text, mode, field)`` (``tests/test_rubric.py`` checks it).

    Parameters
    ----------
    answers : iterable of (text, mode, field)
        As the arguments of :func:`suggest_quality`.

    Returns
    -------
    dict
        ``(text, mode, field)`` as given -> its :class:`RubricScore`.

    Raises
    ------
    ValueError
        A mode is not a SECI mode, or a field is not one of its exercise fields.
    """
    wanted = list(dict.fromkeys(answers))
    parsed = []
    for text, mode, field in wanted:
        mode = Mode.parse(mode)
        load_criteria().for_answer(mode, field)  # a field the mode does not have is a ValueError
        parsed.append((text, mode, field))
    # Each distinct text is prepared once, whatever the fields it answers.
    prepared = {text: _prepare(text) for text, _, _ in parsed if isinstance(text, str)}
    to_compare = [p.clean for p in prepared.values() if p.stop is None]
    similarity = dict(zip(to_compare, copy_similarities(to_compare)))
    out = {}
    for given, (text, mode, field) in zip(wanted, parsed):
        if not isinstance(text, str):
            out[given] = _cannot_assess("not-text")
            continue
        p = prepared[text]
        out[given] = _assess(mode, field, p, similarity.get(p.clean))
    return out


_FLAG_ORDER = ("too-long", "no-words", "boilerplate", "off-topic", "off-field", "copied", "no-subject", "filler", "lesson-case", "theory", "template", "generic", "echo", "word-list", "stuffed", "question",
               "repetition", "few-words", "markup")


def _finish(rubric: FieldRubric, results: tuple[CriterionResult, ...], quality: float,
            flags: set[str]) -> RubricScore:
    if not results:
        results = tuple(CriterionResult(c.id, c.label, c.looks_for, c.hint, c.weight, 0.0)
                        for c in rubric.criteria)
    ordered = tuple(f for f in _FLAG_ORDER if f in flags)
    met = sum(r.status == "met" for r in results)
    messages = [MESSAGES[f] for f in ordered]
    headline = f"{met} of {len(results)} criteria met."
    message = " ".join([headline] + messages)
    quality = 0.0 if math.isnan(quality) else round(min(1.0, max(0.0, quality)), 2)
    blocking = next((f for f in ordered if f in _BLOCKING), None)
    if blocking is None and not any(r.score > 0 for r in results):
        blocking = "nothing-met"
    return RubricScore(quality=quality, criteria=results, hint=_hint(results), message=message,
                       flags=ordered, uncounted=blocking or "")
