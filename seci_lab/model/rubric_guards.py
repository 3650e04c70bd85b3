"""The rubric's guards that do not depend on the exercise field's criteria (rubric v3).

Cleaning (markup, symbols), the language check, what is the learner's own (copies of the
course's texts taken out, definitions, repeated sentences), the copy measures (character
n-gram TF-IDF against every course text (``tfidf``); content-word pairs against each worked example) and
relatedness to a field (TF-IDF of lemmas). Split from :mod:`.rubric` so each module stays small;
docs/rubric.md explains every threshold.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Sequence

from . import text_signals as ts
from .rubric_criteria import FieldRubric, course_texts, field_texts, load_criteria, worked_examples

#: The minimum length (letters) and confidence for calling a Latin-script text another language.
LANG_MIN_LETTERS = 20
LANG_MIN_CONFIDENCE = 0.9
LANG_MAX_ENGLISH_WORDS = 0.6
#: A short text (under LANG_MIN_LETTERS letters or three words) is another language only with at
#: most this share of English words and a letter English does not use.
LANG_SHORT_MAX_ENGLISH_WORDS = 0.34
#: ... or with at most this share of English words when the identifier is at least
#: LANG_SHORT_MIN_CONFIDENCE sure of another language ("wszystko ok").
LANG_SHORT_MAX_ENGLISH_WORDS_SURE = 0.5
LANG_SHORT_MIN_CONFIDENCE = 0.95
#: ... or with at most LANG_SHORT_MAX_ENGLISH_WORDS English words when the identifier is at least this
#: sure ("nie wiem" 0.82); English slang and keyboard mashing ("yolo swag", "asdf qwer") stay under 0.6.
LANG_SHORT_FOREIGN_CONFIDENCE = 0.75
#: A text with less than this share of English words is not English: another language when the
#: identifier is at least LANG_LOW_CONFIDENCE sure of one (or it has letters English does not use),
#: else no words at all (keyboard mashing).
LANG_NO_ENGLISH_WORDS = 0.35
#: What the identifier calls these is no learner's language: "zxx" (no linguistic content) and
#: Latin, which on this course is placeholder text (lorem ipsum, from any of its sentences).
PLACEHOLDER_LANGUAGES = ("zxx", "la")
LANG_LOW_CONFIDENCE = 0.3
#: A copied run of at least this many words (matching the course's texts) is taken out.
COPY_NGRAM = 6
#: Share of the text copied from the course above which the answer is flagged as a copy.
COPIED_SHARE = 0.5


# --- cleaning ------------------------------------------------------------------------------------

_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")


def strip_markup(text: str) -> tuple[str, bool]:
    stripped = _TAG_RE.sub(" ", _SCRIPT_RE.sub(" ", text))
    return stripped, stripped != text


def plain(text: str) -> str:
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


def language(text: str) -> tuple[str | None, bool]:
    """(a language code when the text is confidently not English, whether it reads as no words)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None, False
    non_latin = sum(not _is_latin(ch) for ch in letters) / len(letters)
    if non_latin > 0.5:
        lang, _ = _identifier().classify(text)
        return (lang if lang not in ("en", "zxx") else "another script"), False
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    known = sum(ts.is_known_word(w) for w in words) / len(words) if words else 1.0
    accented = any(not ch.isascii() for ch in letters)
    if len(letters) < LANG_MIN_LETTERS or len(words) < 3:
        # Too short for the identifier alone: another language only when almost no word is English
        # and the text has letters English does not use ("não sei", "così") or the identifier is
        # fairly sure ("nie wiem"), or when at most half of its words are English and the identifier
        # is all but certain ("wszystko ok"); else English.
        if len(words) < 2 or known > LANG_SHORT_MAX_ENGLISH_WORDS_SURE:
            return None, False
        lang, confidence = _identifier().classify(text)
        hardly_english = known <= LANG_SHORT_MAX_ENGLISH_WORDS
        if lang not in ("en", *PLACEHOLDER_LANGUAGES) and (
                hardly_english and (accented or confidence >= LANG_SHORT_FOREIGN_CONFIDENCE)
                or confidence >= LANG_SHORT_MIN_CONFIDENCE):
            return lang, False
        return None, False
    if known >= LANG_MAX_ENGLISH_WORDS:
        return None, False
    lang, confidence = _identifier().classify(text)
    if lang in PLACEHOLDER_LANGUAGES or "lorem ipsum" in text.lower():
        return None, True
    if lang != "en" and confidence >= LANG_MIN_CONFIDENCE:
        return lang, False
    if known < LANG_NO_ENGLISH_WORDS:
        # Hardly a word of English: another language when the identifier names one with some
        # confidence or the text has letters English does not use; else letters that are no words.
        if lang != "en" and (confidence >= LANG_LOW_CONFIDENCE or accented):
            return lang, False
        return None, True
    return None, False


# --- what is the learner's own --------------------------------------------------------------------

@functools.cache
def _course_ngrams() -> frozenset[tuple[str, ...]]:
    grams = set()
    for text in course_texts():
        # A quoted sentence starter ending in an ellipsis ('It is like …') is offered for reuse.
        text = re.sub(r"['‘“\"][^'’”\"]{0,120}(?:…|\.\.\.)['’”\"]", " | ", text)
        words = re.findall(r"[^\W_]+|\|", text.lower())
        grams.update(tuple(words[i:i + COPY_NGRAM]) for i in range(len(words) - COPY_NGRAM + 1))
    return frozenset(grams)


def _remove_copies(text: str) -> tuple[str, float]:
    """The text without runs copied from the course, and the share of words that were copied."""
    matches = list(re.finditer(r"[^\W_]+", text))
    words = [m.group().lower() for m in matches]
    if not words:
        return text, 0.0
    grams = _course_ngrams()
    covered = [False] * len(words)
    for i in range(len(words) - COPY_NGRAM + 1):
        if tuple(words[i:i + COPY_NGRAM]) in grams:
            for k in range(i, i + COPY_NGRAM):
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


def own_text(text: str) -> tuple[str, set[str]]:
    """Sentences of the learner's own: no copies of the course, no definitions, no repeats."""
    flags: set[str] = set()
    text, copied = _remove_copies(text)
    if copied >= COPIED_SHARE:
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
    """The TF-IDF index of the course's texts, kept in the user's cache folder under a digest of
    those texts (:mod:`.disk_cache`): a fresh process reads it instead of fitting it again."""
    import hashlib

    from .disk_cache import load_or_build
    from .tfidf import TfidfIndex, char_wb_ngrams

    texts = [t for t in course_texts() if len(t) >= 40]
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:24]
    state = load_or_build(f"copy-index-{digest}.marshal", lambda: TfidfIndex(texts, char_wb_ngrams).state())
    return TfidfIndex.from_state(state, char_wb_ngrams)


def copy_similarity(text: str) -> float:
    """The highest cosine similarity (TF-IDF of character 3-5-grams) between ``text`` and any
    text of the course: near 1 for a copy, even one with a few words changed."""
    return copy_similarities([text])[0]


def copy_similarities(texts: Sequence[str]) -> list[float]:
    """:func:`copy_similarity` of each text (nothing is loaded for an empty list)."""
    if not texts:
        return []
    index = _copy_model()
    return [index.best(t) for t in texts]


# --- relatedness (TF-IDF of lemmas) ------------------------------------------------------------

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
    from .tfidf import TfidfIndex

    data = load_criteria()
    rubrics = list(data.modes.values()) + list(data.fields.values())
    index = {(r.mode, r.field): k for k, r in enumerate(rubrics)}
    return TfidfIndex([_field_document(r) for r in rubrics], _lemma_analyzer), index


def relatedness(text: str, rubric: FieldRubric) -> float:
    """Cosine similarity (TF-IDF of lemmas) between ``text`` and the field's description (or its
    mode's, whichever is higher)."""
    model, index = _relatedness_model()
    sims = model.similarities(text)
    return float(max(sims[index[(rubric.mode, rubric.field)]], sims[index[(rubric.mode, None)]]))


# --- reworded copies of the worked examples -------------------------------------------------------

#: A text needs this many distinct content words before its word pairs are compared with an example.
EXAMPLE_MIN_WORDS = 8
#: Weight of the shared content words beside the shared word pairs in the example-copy score.
EXAMPLE_WORDS_WEIGHT = 0.5
#: Example-copy score from which an answer counts as a reworded copy of a worked example. On the
#: development probes, paraphrases scored 0.52-0.90 and genuine answers at most 0.43.
EXAMPLE_COPY = 0.48


def _content_sequence(text: str) -> list[str]:
    """The content words of ``text`` in order, as lemmas (numbers kept as written)."""
    out = []
    for word in re.findall(r"[^\W_]+", text.lower()):
        if word.isdigit():
            out.append(word)
        elif ts.is_content_word(word):
            out.append(min(ts.lemmas(word)))
    return out


def _pairs(words: list[str]) -> set[tuple[str, str]]:
    """Ordered pairs of content words next to each other or one apart: what rewording keeps."""
    return {(words[i], words[i + k]) for k in (1, 2) for i in range(len(words) - k)}


@functools.cache
def _example_profiles() -> tuple[tuple[frozenset, frozenset], ...]:
    out = []
    for text in worked_examples():
        words = _content_sequence(text)
        out.append((frozenset(_pairs(words)), frozenset(words)))
    return tuple(out)


def example_copy(text: str) -> float:
    """How much ``text`` is a reworded worked example: the share of its content-word pairs found in
    one example, plus :data:`EXAMPLE_WORDS_WEIGHT` times the share of its content words found there
    (the highest over the examples; 0 for a text of fewer than :data:`EXAMPLE_MIN_WORDS` words).

    Synonyms change single words; a paraphrase keeps most of the example's content words and many
    of their pairs, in order, while a genuine answer in the same domain shares words, not pairs."""
    words = _content_sequence(text)
    distinct = set(words)
    if len(distinct) < EXAMPLE_MIN_WORDS:
        return 0.0
    pairs = _pairs(words)
    best = 0.0
    for example_pairs, example_words in _example_profiles():
        score = len(pairs & example_pairs) / len(pairs) + EXAMPLE_WORDS_WEIGHT * len(distinct & example_words) / len(distinct)
        best = max(best, score)
    return best
