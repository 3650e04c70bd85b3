"""The rubric's English lexicon: word classes as data, lemmas and verb forms (rubric v3).

The closed word classes (perception, body, connectives, units, stock phrases, negators, the stop
list ...) are data, ``seci_lab/content/lexicons.toml``, read with ``tomllib`` when this module is
imported (no code of the content package runs). Lemmas and verb forms come from LemmInflect's
English lexicon, which ships its data inside its wheel and is read on the first look-up (through
:mod:`.lemma_table`, which keeps it flattened on disk), so importing the model stays light. Split from :mod:`.text_signals`, which reads text with them.
"""

from __future__ import annotations

import functools
import re

from .lemma_table import all_lemmas, verb_forms

__all__ = ["is_base_verb", "is_known_word", "is_past_tense", "is_present_third", "lemmas", "stop_words"]

# --- closed word classes and stock phrases: data (content/lexicons.toml) -------------------------

def _read_lexicons() -> dict:
    import tomllib
    from importlib import resources

    text = resources.files("seci_lab").joinpath("content", "lexicons.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


_LEXICONS = _read_lexicons()


def _words_of(name: str) -> frozenset[str]:
    return frozenset(_LEXICONS[name])


def _phrases_of(name: str) -> tuple[str, ...]:
    return tuple(_LEXICONS[name])


SENSORY = _words_of("sensory")
BODY_CUE = _words_of("body_cue")
CAUSAL_WORDS = _words_of("causal_words")
CAUSAL_PHRASES = _phrases_of("causal_phrases")
CONTRAST_WORDS = _words_of("contrast_words")
CONTRAST_PHRASES = _phrases_of("contrast_phrases")
SAYING = _words_of("saying")
NEGATION = _words_of("negation")
DIFFICULTY = _words_of("difficulty")
HEDGES = _words_of("hedges")
UNITS = _words_of("units")
NUMBER_WORDS = _words_of("number_words")
TIME_UNITS = _words_of("time_units")
THIRD_PERSON = _words_of("third_person")
FIRST_PERSON = _words_of("first_person")
CO_PRESENCE = _phrases_of("co_presence")
PLACE_PREPS = _words_of("place_preps")
LEARNING_PATH = _words_of("learning_path")
LEARNING_VERBS = _words_of("learning_verbs")
JUDGEMENT = _words_of("judgement")
SURPRISE = _words_of("surprise")
CHANGE = _words_of("change")
CHANGE_PHRASES = _phrases_of("change_phrases")
LEARNING_PATH_PHRASES = _phrases_of("learning_path_phrases")
ARTEFACT = _words_of("artefact")
RELATION = _words_of("relation")
GAP = _words_of("gap")
EXPECT = _words_of("expect")
KEEP = _words_of("keep")
CHANGE_ACTION = _words_of("change_action")
GRAMMAR = _words_of("grammar")
COURSE_TERMS = _words_of("course_terms")
_EXTRA_WORDS = _words_of("extra_words")
NEGATORS = _words_of("negators")
SCOPE_BREAKERS = _words_of("scope_breakers")
STOCK_WORDS = _words_of("stock_words")
POLARITY_ITEMS = _words_of("polarity_items")
BOILERPLATE_PHRASES = _phrases_of("boilerplate_phrases")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")

DEFINITION_RE = re.compile(
    r"^\s*(?:(?:a|an|the)\s+)?(?:tacit\s+|explicit\s+)?(?:" + "|".join(sorted(COURSE_TERMS)) +
    r")\w*\s+(?:is|are|means|refers)\b", re.I)


# --- lexicon look-ups (lazy) -------------------------------------------------------------------

@functools.cache
def stop_words() -> frozenset[str]:
    """English function words (the Glasgow stop list, plus contractions and a few fillers): data."""
    return _words_of("stop_words") | _words_of("extra_stop_words")


@functools.lru_cache(maxsize=20000)
def _all_lemmas(word: str) -> dict[str, tuple[str, ...]]:
    return all_lemmas(word)


@functools.lru_cache(maxsize=20000)
def lemmas(word: str) -> frozenset[str]:
    """Every dictionary lemma of ``word`` (lower case), the word itself included."""
    found = {word}
    for forms in _all_lemmas(word).values():
        found.update(forms)
    return frozenset(found)


@functools.lru_cache(maxsize=20000)
def is_known_word(word: str) -> bool:
    """Whether ``word`` (lower case) is an English word: a function word or in the lexicon."""
    return word in stop_words() or bool(_all_lemmas(word)) or word in _EXTRA_WORDS


_MODALS = frozenset("might could would should must may can shall will ought".split())
_PAST_NEGATIVES = frozenset("didn't wasn't weren't hadn't couldn't".split())


@functools.lru_cache(maxsize=20000)
def is_past_tense(word: str) -> bool:
    """``watched``, ``saw``, ``felt``: a past-tense form (VBD) of a verb, not its base form."""
    if word in _MODALS:
        return False
    if word in _PAST_NEGATIVES:
        return True
    verbs = _all_lemmas(word).get("VERB", ())
    for lemma in verbs:
        if lemma != word and word in verb_forms(lemma).get("VBD", ()):
            return True
    # Verbs the lexicon does not know ("trued", "dialled") still show their -ed ending.
    return not verbs and len(word) > 4 and word.endswith("ed") and word not in stop_words()


@functools.lru_cache(maxsize=20000)
def is_base_verb(word: str) -> bool:
    """``weigh``, ``tap``, ``stop``: the base form of a verb (what an imperative starts with)."""
    if word in stop_words() - {"keep", "put", "take", "give", "call", "show", "fill", "find",
                               "move", "leave", "let", "make", "get", "go", "do"}:
        return False
    return word in _all_lemmas(word).get("VERB", ())


@functools.lru_cache(maxsize=20000)
def is_present_third(word: str) -> bool:
    """``plucks``, ``leans``: a present-tense verb of the third person singular (VBZ)."""
    return any(word in verb_forms(lemma).get("VBZ", ())
               for lemma in _all_lemmas(word).get("VERB", ()) if lemma != word)
