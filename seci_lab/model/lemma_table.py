"""LemmInflect's English tables, flattened and kept on disk, so a fresh process starts quickly.

LemmInflect ships its lemma and inflection tables inside its wheel as gzip'd text, and parses them
into some 120,000 nested dictionaries on the first look-up: about 0.8 s on a quiet machine and
several seconds under load, most of the rubric's first call in a fresh process (bench/README.md).
The rubric only asks two things of it: every lemma of a lower-case word by part of speech
(``getAllLemmas``), and the verb forms of a lemma (``getAllInflections(lemma, upos="VERB")``).
This module asks LemmInflect each of them once for every lower-case word of its tables, flattens
the answers into two dictionaries of strings, and keeps them in the user's cache folder
(:mod:`.disk_cache`), under LemmInflect's version: a later process reads them in about a tenth of a second
and decodes a word only when it is asked for. The answers are LemmInflect's own, so nothing
changes but the time (``tests/test_rubric.py`` compares them); when the cache cannot be read or
written the tables are built in memory, as before.
"""

from __future__ import annotations

import functools

from .disk_cache import load_or_build

__all__ = ["all_lemmas", "verb_forms"]

#: Separators of the flattened entries ("POS\x1flemma\x1elemma\x1dPOS\x1f...").
_ENTRY, _KEY, _ITEM = "\x1d", "\x1f", "\x1e"
_FORMAT = 1


def _encode(forms: dict[str, tuple[str, ...]]) -> str:
    return _ENTRY.join(key + _KEY + _ITEM.join(values) for key, values in forms.items())


def _decode(flat: str) -> dict[str, tuple[str, ...]]:
    out = {}
    for entry in flat.split(_ENTRY) if flat else ():
        key, _, values = entry.partition(_KEY)
        out[key] = tuple(values.split(_ITEM)) if values else ()
    return out


def _cache_name() -> str:
    from importlib import metadata

    return f"lemminflect-{metadata.version('lemminflect')}-{_FORMAT}.marshal"


def _build() -> tuple[dict[str, str], dict[str, str]]:
    """Ask LemmInflect for every lower-case word of its tables (a few seconds, once per version)."""
    import lemminflect
    from lemminflect.core.Lemmatizer import Lemmatizer

    lemmatizer = Lemmatizer()
    words = {w for w in (*lemmatizer._getLemmaDict(), *lemmatizer._getOverridesDict()) if w == w.lower()}
    lemma_table = {w: _encode(lemminflect.getAllLemmas(w)) for w in words}
    verbs = {lemma for flat in lemma_table.values() for lemma in _decode(flat).get("VERB", ())}
    verb_table = {v: _encode(lemminflect.getAllInflections(v, upos="VERB")) for v in verbs}
    return lemma_table, verb_table


@functools.cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    return load_or_build(_cache_name(), _build)


def all_lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """``lemminflect.getAllLemmas(word)``: every lemma of ``word`` by universal part of speech."""
    if word != word.lower():
        import lemminflect

        return lemminflect.getAllLemmas(word)
    flat = _tables()[0].get(word)
    return _decode(flat) if flat else {}


def verb_forms(lemma: str) -> dict[str, tuple[str, ...]]:
    """``lemminflect.getAllInflections(lemma, upos="VERB")``: the verb's forms by Penn tag."""
    flat = _tables()[1].get(lemma)
    if flat is None:
        import lemminflect

        return lemminflect.getAllInflections(lemma, upos="VERB")
    return _decode(flat)
