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
- an answer that shares almost nothing with the exercise (TF-IDF similarity, scikit-learn) and
  meets no criterion is flagged as not being about the exercise;
- an answer in another language is not scored (``quality`` None) and says so: py3langid, whose
  model ships inside its wheel, names the language; short English is never taken for another
  language (a minimum length, the share of English words, and a confidence threshold).

Heavy libraries (scikit-learn, LemmInflect, py3langid) are imported on the first call, never
when the model is imported.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Iterable, Sequence

from .contributions import TEXT_MAX_CHARS, normalize_text
from .modes import Mode
from .rubric_criteria import PAGE_SIGNALS, Criterion, FieldRubric, course_texts, field_texts, load_criteria
from . import text_signals as ts

__all__ = [
    "CriterionResult",
    "PAGE_SIGNALS",
    "RubricScore",
    "page_quality",
    "copy_similarities",
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
}

# Quality multipliers of the guards (docs/rubric.md explains each).
_CAP_FEW_WORDS = 0.1
_CAP_OFF_TOPIC = 0.1
_FACTOR = {"template": 0.2, "generic": 0.4, "lesson-case": 0.3, "echo": 0.25, "word-list": 0.15, "stuffed": 0.15, "repetition": 0.5, "question": 0.3}
#: A copied run of at least this many words (matching the course's texts) is taken out.
_COPY_NGRAM = 6
#: Share of the text copied from the course above which the answer is flagged as a copy.
_COPIED_SHARE = 0.5
#: Character-n-gram similarity to a course text from which an answer counts as a (reworded) copy.
_COPY_SIMILAR = 0.7
#: Below this TF-IDF cosine with the field's description, an answer that meets no criterion
#: is flagged as not about the exercise.
_RELATED_MIN = 0.2
#: Longest text assessed (a text over TEXT_MAX_CHARS is assessed with a message; the store refuses it).
_ASSESS_MAX_CHARS = 4 * TEXT_MAX_CHARS
#: Share of content words taken from the exercise's own text or the course's terms above which
#: an answer only echoes the exercise.
_ECHO_SHARE = 0.55
#: Template slots: single capital letters used as words (X, Y, Z), blanks, bracketed slots.
_SLOT_RE = re.compile(r"(?<![\w'’])[WXYZ](?![\w'’.])|_{3,}|\[[^\]]{0,20}\]|<[^<>]{0,20}>|\.\.\.(?=\s|$)")
#: Signals of one's own experience (Socialization and Internalization are about one's own).
_OWN_EXPERIENCE = ("narrative", "observation", "future_plan", "specifics", "dated_entries", "imperative")
#: Share of repeated three-word phrases above which a text counts as repetitive.
_REPEATED_SHARE = 0.09
#: Share of cue words among content words above which a text counts as stuffed with cues.
_STUFFED_SHARE = 0.6
#: The minimum length (letters) and confidence for calling a Latin-script text another language.
_LANG_MIN_LETTERS = 20
_LANG_MIN_CONFIDENCE = 0.9
_LANG_MAX_ENGLISH_WORDS = 0.6


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
                "flags": list(self.flags)}


# --- cleaning ------------------------------------------------------------------------------------

_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")


def _strip_markup(text: str) -> tuple[str, bool]:
    stripped = _TAG_RE.sub(" ", _SCRIPT_RE.sub(" ", text))
    return stripped, stripped != text


def _plain(text: str) -> str:
    """Letters, digits and punctuation only: emoji, symbols and bidi or zero-width marks go."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cf", "So", "Sk", "Cs", "Co", "Cn") or ch in "\ufe0f":
            out.append(" ")
        else:
            out.append(ch)
    return re.sub(r"[ \t]+", " ", "".join(out))


# --- language ------------------------------------------------------------------------------------

@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _is_latin(ch: str) -> bool:
    return ch < "\u0250" or "\u1e00" <= ch <= "\u1eff"


def _language(text: str) -> tuple[str | None, bool]:
    """(a language code when the text is confidently not English, whether it reads as no words)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None, False
    non_latin = sum(not _is_latin(ch) for ch in letters) / len(letters)
    if non_latin > 0.5:
        lang, _ = _identifier().classify(text)
        return (lang if lang not in ("en", "zxx") else "another script"), False
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    if len(letters) < _LANG_MIN_LETTERS or len(words) < 3:
        return None, False  # too short to tell: English is assumed
    known = sum(ts.is_known_word(w) for w in words) / len(words)
    if known >= _LANG_MAX_ENGLISH_WORDS:
        return None, False
    lang, confidence = _identifier().classify(text)
    if lang == "zxx" or "lorem ipsum" in text.lower():
        return None, True
    if lang != "en" and confidence >= _LANG_MIN_CONFIDENCE:
        return lang, False
    return None, known < 0.35


# --- what is the learner's own --------------------------------------------------------------------

@functools.cache
def _course_ngrams() -> frozenset[tuple[str, ...]]:
    grams = set()
    for text in course_texts():
        # A quoted sentence starter ending in an ellipsis ('It is like …') is offered for reuse.
        text = re.sub(r"['‘“\"][^'’”\"]{0,120}(?:…|\.\.\.)['’”\"]", " | ", text)
        words = re.findall(r"[^\W_]+|\|", text.lower())
        grams.update(tuple(words[i:i + _COPY_NGRAM]) for i in range(len(words) - _COPY_NGRAM + 1))
    return frozenset(grams)


def _remove_copies(text: str) -> tuple[str, float]:
    """The text without runs copied from the course, and the share of words that were copied."""
    matches = list(re.finditer(r"[^\W_]+", text))
    words = [m.group().lower() for m in matches]
    if not words:
        return text, 0.0
    grams = _course_ngrams()
    covered = [False] * len(words)
    for i in range(len(words) - _COPY_NGRAM + 1):
        if tuple(words[i:i + _COPY_NGRAM]) in grams:
            for k in range(i, i + _COPY_NGRAM):
                covered[k] = True
    if not any(covered):
        return text, 0.0
    pieces, last = [], 0
    for i, m in enumerate(matches):
        if covered[i]:
            pieces.append(text[last:m.start()])
            last = m.end()
    pieces.append(text[last:])
    return "".join(pieces), sum(covered) / len(words)


def _own_text(text: str) -> tuple[str, set[str]]:
    """Sentences of the learner's own: no copies of the course, no definitions, no repeats."""
    flags: set[str] = set()
    text, copied = _remove_copies(text)
    if copied >= _COPIED_SHARE:
        flags.add("copied")
    doc = ts.analyse(text)
    kept, seen = [], set()
    for i, (start, end) in enumerate(doc.sentences):
        sentence = doc.text[start:end]
        key = " ".join(t.lower for t in doc.sentence_tokens(i))
        if ts.DEFINITION_RE.match(sentence):
            flags.add("theory")
            continue
        if key in seen:
            flags.add("repetition")
            continue
        seen.add(key)
        kept.append((start, end))
    if len(kept) == len(doc.sentences):
        return doc.text.strip(), flags
    parts, prev_end = [], None
    for start, end in kept:
        if prev_end is not None:
            parts.append("\n" if "\n" in doc.text[prev_end:start] else " ")
        parts.append(doc.text[start:end])
        prev_end = end
    return "".join(parts).strip(), flags


@functools.cache
def _copy_model():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [t for t in course_texts() if len(t) >= 40]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    return vectorizer, vectorizer.fit_transform(texts)


def copy_similarity(text: str) -> float:
    """The highest cosine similarity (TF-IDF of character 3-5-grams) between ``text`` and any
    text of the course: near 1 for a copy, even one with a few words changed."""
    return copy_similarities([text])[0]


#: Texts compared with the course in one sparse product (bounds its memory).
_BATCH = 256


def copy_similarities(texts: Sequence[str]) -> list[float]:
    """:func:`copy_similarity` of each text, in a few sparse products instead of one per text.

    The same product of the same rows, so each value is exactly the one-text value; only the
    fixed cost of a product (a pass over the course's whole matrix) is paid once per batch.
    """
    if not texts:
        return []  # nothing to compare: the libraries are not even loaded
    vectorizer, matrix = _copy_model()
    out: list[float] = []
    for start in range(0, len(texts), _BATCH):
        products = matrix @ vectorizer.transform(list(texts[start:start + _BATCH])).T
        out.extend(float(v) for v in products.max(axis=0).toarray().ravel())
    return out


# --- relatedness (scikit-learn TF-IDF) ------------------------------------------------------------

def _lemma_analyzer(text: str) -> list[str]:
    out = []
    for word in re.findall(r"[^\W\d_]+", text.lower()):
        if len(word) > 2 and word not in ts.stop_words():
            forms = sorted(ts.lemmas(word) - {word}) or [word]
            out.append(forms[0])
    return out


def _field_document(rubric: FieldRubric) -> str:
    own = field_texts().get((rubric.mode, rubric.field), "") if rubric.field else ""
    return " ".join([rubric.about, own] + [f"{c.label}. {c.looks_for}" for c in rubric.criteria])


@functools.cache
def _relatedness_model():
    from sklearn.feature_extraction.text import TfidfVectorizer

    data = load_criteria()
    rubrics = list(data.modes.values()) + list(data.fields.values())
    docs = [_field_document(r) for r in rubrics]
    vectorizer = TfidfVectorizer(analyzer=_lemma_analyzer, sublinear_tf=True)
    matrix = vectorizer.fit_transform(docs)
    index = {(r.mode, r.field): k for k, r in enumerate(rubrics)}
    return vectorizer, matrix, index


def relatedness(text: str, rubric: FieldRubric) -> float:
    """Cosine similarity (TF-IDF of lemmas) between ``text`` and the field's description."""
    vectorizer, matrix, index = _relatedness_model()
    vec = vectorizer.transform([text])
    row = matrix[index[(rubric.mode, rubric.field)]]
    mode_row = matrix[index[(rubric.mode, None)]]
    return float(max((vec @ row.T).toarray()[0, 0], (vec @ mode_row.T).toarray()[0, 0]))


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


def _score_criterion(criterion: Criterion, doc: ts.Doc, cache: dict) -> CriterionResult:
    evidence = ts.Evidence()
    for name in criterion.signals:
        if name not in cache:
            cache[name] = ts.SIGNALS[name](doc)
        for key, span in cache[name].found.items():
            evidence.add(f"{name}:{key}", *span)
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
def _echo_words(rubric: FieldRubric) -> frozenset[str]:
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


def _cannot_assess(flag: str, **fmt) -> RubricScore:
    return RubricScore(quality=None, message=MESSAGES[flag].format(**fmt), flags=(flag,))


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
    clean, markup = _strip_markup(clean)
    if markup:
        flags.add("markup")
    clean = _plain(clean).strip()
    language, no_words = _language(clean)
    if language is not None:
        return _Prepared(clean, frozenset(flags), "other-language")
    if no_words or not re.search(r"[^\W\d_]", clean):
        return _Prepared(clean, frozenset(flags), "no-words")
    return _Prepared(clean, frozenset(flags))


def _assess(mode: Mode, field: str | None, prepared: _Prepared, similarity: float | None = None) -> RubricScore:
    """The score of a prepared text; ``similarity`` is its :func:`copy_similarity` when known."""
    rubric = load_criteria().for_answer(mode, field)
    if prepared.stop == "empty":
        return _cannot_assess("empty")
    if prepared.stop == "too-long":
        return _cannot_assess("too-long", limit=TEXT_MAX_CHARS)
    if prepared.stop == "other-language":
        return _cannot_assess("other-language")
    flags = set(prepared.flags)
    if prepared.stop == "no-words":
        return _finish(rubric, (), 0.0, flags | {"no-words"})
    clean = prepared.clean
    if similarity is None:
        similarity = copy_similarity(clean)
    own, own_flags = _own_text(clean)
    flags |= own_flags
    doc = ts.analyse(own)
    cache: dict = {}
    results = tuple(_score_criterion(c, doc, cache) for c in rubric.criteria)
    total = sum(c.weight for c in rubric.criteria)
    base = sum(r.weight * r.score for r in results) / total

    # Substance: distinct content words, not the course's terms; the words of the exercise's own
    # prompt and hints count half (echoing "steps", "cues" or "clusters" says little new).
    echo = _echo_words(rubric)
    content = {min(ts.lemmas(t.lower)) for t in ts.content_words(doc)}
    substance = min(1.0, (len(content - echo - ts.COURSE_TERMS) + 0.5 * len(content & echo - ts.COURSE_TERMS))
                    / rubric.full_words)
    quality = base * (0.35 + 0.65 * substance)

    words = doc.words
    if len(words) >= 8 and (sum(t.lower in ts.stop_words() for t in words) / len(words) < 0.2
                            or len(words) >= 12 and sum(t.lower in ts.GRAMMAR for t in words) / len(words) < 0.1):
        flags.add("word-list")
    elif len(content) >= 10 and len(content & (echo | ts.COURSE_TERMS)) / len(content) > _ECHO_SHARE:
        flags.add("echo")
    elif len(ts.content_words(doc)) >= 12 and _cue_share(doc) > _STUFFED_SHARE and (
            len(content) / len(ts.content_words(doc)) < 0.75 or _repeated_phrases(doc) > 0.04):
        # Many cue words said over and over; a rich journal is full of sensory words too, but varied.
        flags.add("stuffed")
    content_tokens = [t for t in ts.content_words(doc)]
    if len(content_tokens) >= 20 and len(content) / len(content_tokens) < 0.6:
        flags.add("repetition")
    if len(own) >= 200 and len(zlib.compress(own.encode())) / len(own.encode()) < 0.3:
        flags.add("repetition")
    if _repeated_phrases(doc) > _REPEATED_SHARE:
        flags.add("repetition")
    if doc.sentences and all(doc.text[s:e].rstrip().endswith("?") for s, e in doc.sentences):
        flags.add("question")
    if len(ts.lesson_names(doc)) >= 2 and not ts.narrative(doc).count:
        flags.add("lesson-case")
    if len(_SLOT_RE.findall(own)) >= 2:
        flags.add("template")
    if mode in (Mode.SOCIALIZATION, Mode.INTERNALIZATION) and not any(
            (cache[name] if name in cache else ts.SIGNALS[name](doc)).count for name in _OWN_EXPERIENCE):
        flags.add("generic")
    if similarity >= _COPY_SIMILAR:
        flags.add("copied")
        quality *= max(0.0, (0.9 - similarity) / (0.9 - _COPY_SIMILAR))
    for flag, factor in _FACTOR.items():
        if flag in flags:
            quality *= factor
    if len(content - ts.COURSE_TERMS) < 4:
        flags.add("few-words")
        quality = min(quality, _CAP_FEW_WORDS * len(content - ts.COURSE_TERMS) / 4)
    core_met = any(r.score > 0 for r in results if r.id in rubric.core)
    if not core_met and len(content) >= 6 and relatedness(own, rubric) < _RELATED_MIN:
        flags.add("off-topic")
        quality = min(quality, _CAP_OFF_TOPIC)
    return _finish(rubric, results, quality, flags)


#: The modules whose code decides a score (besides this one).
_SCORING_MODULES = ("contributions.py", "course_texts.py", "modes.py", "rubric_criteria.py", "text_signals.py")
#: The libraries whose data or algorithms decide a score.
_SCORING_LIBRARIES = ("scikit-learn", "lemminflect", "py3langid", "scipy", "numpy")


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


_FLAG_ORDER = ("too-long", "no-words", "off-topic", "copied", "lesson-case", "theory", "template", "generic", "echo", "word-list", "stuffed", "question",
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
    return RubricScore(quality=quality, criteria=results, hint=_hint(results), message=message,
                       flags=ordered)


# --- the Combination page -------------------------------------------------------------------------

def page_quality(cards: Sequence[str], assignment: Sequence[int], names: Sequence[str],
                 own: Sequence[bool]) -> RubricScore:
    """Assess a merged Combination page: how well the cards are clustered and named.

    Parameters
    ----------
    cards : sequence of str
        The cards' texts.
    assignment : sequence of int
        Each card's cluster (an index into ``names``).
    names : sequence of str
        The names the learner gave the clusters ("" when unnamed).
    own : sequence of bool
        Whether each card is the learner's own (not a sample card).

    Returns
    -------
    RubricScore
        The page's checklist; ``quality`` follows how coherent and well named the clusters are.
    """
    from .combination import cosine_matrix, tokens

    rubric = load_criteria().page
    n = len(cards)
    if n == 0 or len(assignment) != n:
        return _cannot_assess("empty")
    used = sorted(set(assignment))
    members = {k: [i for i in range(n) if assignment[i] == k] for k in used}
    sim = cosine_matrix(list(cards))
    signals: dict[str, tuple[float, str]] = {}

    # Cohesion: mean silhouette of the cards (cosine similarity of TF-IDF), 0.25 or more is full.
    silhouettes = []
    for i in range(n):
        mine = [j for j in members[assignment[i]] if j != i]
        if not mine:
            continue
        a = sum(sim[i][j] for j in mine) / len(mine)
        others = [sum(sim[i][j] for j in members[k]) / len(members[k]) for k in used if k != assignment[i]]
        b = max(others) if others else 0.0
        silhouettes.append((a - b) / max(a, b) if max(a, b) > 0 else 0.0)
    mean_sil = sum(silhouettes) / len(silhouettes) if silhouettes else 0.0
    signals["cohesion"] = (min(1.0, max(0.0, mean_sil / 0.25)), f"mean silhouette {mean_sil:.2f}")

    labels = [" ".join((names[k] if k < len(names) else "").split()) for k in used]
    default = re.compile(r"^(cluster|group)?\s*\d*$", re.I)
    proper = [lab for lab in labels if lab and not default.match(lab)]
    distinct = len({lab.lower() for lab in proper})
    signals["named"] = (distinct / len(used), ", ".join(proper[:4]))

    fits, fitting = 0, []
    for k, label in zip(used, labels):
        words = set(tokens(label))
        card_words = set(t for i in members[k] for t in tokens(cards[i]))
        if words & card_words:
            fits += 1
            fitting.append(label)
    signals["names_fit"] = (fits / len(used), ", ".join(fitting[:4]))

    biggest = max(len(m) for m in members.values()) / n
    singles = sum(len(m) == 1 for m in members.values()) / len(used)
    balance = (1.0 if len(used) >= 2 else 0.0) * (1.0 if biggest <= 0.7 else 0.3) * (1.0 if singles <= 0.5 else 0.5)
    signals["balance"] = (balance, f"{len(used)} clusters, the largest holds {round(biggest * 100)} % of the cards")
    own_count = sum(bool(o) for o in own)
    signals["own_cards"] = (1.0 if own_count else 0.0, f"{own_count} of your own cards" if own_count else "")

    results = []
    for c in rubric.criteria:
        score = sum(signals[s][0] for s in c.signals) / len(c.signals)
        excerpt = "; ".join(signals[s][1] for s in c.signals if signals[s][1] and score > 0)
        results.append(CriterionResult(c.id, c.label, c.looks_for, c.hint, c.weight, score, excerpt))
    total = sum(c.weight for c in rubric.criteria)
    quality = sum(r.weight * r.score for r in results) / total
    return _finish(rubric, tuple(results), quality, set())
