"""People's names: one normal form to store, and a look-alike test for the unique and reserved names.

A name is shown to a whole room, so two names that *look* the same are the same name: "Ana" and
"Ana" with a zero-width space, "Facilitator" spelt with a Cyrillic "а", or a name turned around
by a right-to-left override. :func:`normalize_name` gives the form that is stored (Unicode NFKC,
format and control characters dropped, runs of spaces as one); :func:`names_look_alike` compares
two names by their confusable *skeletons* (Unicode Technical Standard #39, section 4), ignoring
case.

The confusable table is Unicode's ``confusables.txt`` as the ``confusable_homoglyphs`` package
ships it (MIT licence). That package stores each source character with its prototype and each
prototype with all its sources; :func:`_prototypes` turns this back into the standard's mapping
(every character of a class to the one character or sequence the others all point to). The table
is read on first use, never at import (about 85 ms).
"""

from __future__ import annotations

import functools
import unicodedata

__all__ = ["name_keys", "name_skeleton", "names_look_alike", "normalize_name"]

# Characters that show nothing: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties,
# Unicode 15.1), which also holds characters that are not format characters (Cf): the Hangul
# fillers, the combining grapheme joiner, the Khmer inherent vowels, the variation selectors
# (combining marks) and code points kept unassigned for future invisible characters.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
_INVISIBLE = frozenset(chr(code) for low, high in _IGNORABLE_RANGES for code in range(low, high + 1))
# Shown as a blank though it is a symbol (So): read as a space.
_BLANKS = str.maketrans({"\u2800": " "})
# What a name needs at least one of to show anything: a letter, digit, punctuation or symbol
# (a mark alone has nothing to sit on; separators and the rest show nothing).
_SHOWN = ("L", "N", "P", "S")
# The package wraps right-to-left characters in left-to-right marks for display.
_MARKS = "\u200e\u200f"


def _visible(text: str) -> str:
    return "".join(ch for ch in text if ch not in _INVISIBLE and unicodedata.category(ch) not in ("Cc", "Cf"))


def normalize_name(text: str) -> str:
    """``text`` as a name is stored: NFKC, without format (Cf), control (Cc) or other invisible
    (default-ignorable) characters, whitespace runs as one space, stripped.

    NFKC folds compatibility forms (full-width "Ａｎａ", ligatures, superscripts) into their plain
    letters. Dropping format characters removes zero-width spaces and joiners, bidi overrides
    and isolates, and soft hyphens; an emoji sequence joined by U+200D falls apart into its
    emoji (a name stays readable). A name that would show nothing (only marks, blanks or
    invisible characters) is the empty string.
    """
    text = unicodedata.normalize("NFKC", _visible(text)).translate(_BLANKS)
    name = " ".join(_visible(text).split())
    return name if any(unicodedata.category(ch)[0] in _SHOWN for ch in name) else ""


@functools.cache
def _prototypes() -> dict[str, str]:
    """Character -> its prototype in ``confusables.txt`` (characters that are their own prototype are absent)."""
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    listed = {char: {entry["c"].strip(_MARKS) for entry in entries} for char, entries in confusables_data.items()}
    for char, others in listed.items():
        for other in others:
            parent[find(other)] = find(char)
    classes: dict[str, list[str]] = {}
    for node in list(parent):
        classes.setdefault(find(node), []).append(node)
    mapping = {}
    for members in classes.values():
        # The prototype is the member every other listed member points to (a source lists only
        # its prototype); in a class of two each points to the other, and either will do.
        keys = [m for m in members if m in listed]
        shared = [m for m in members if all(m in listed[k] for k in keys if k != m)]
        prototype = min(shared or members, key=lambda m: (len(m), m))
        mapping.update({m: prototype for m in keys if m != prototype})
    return mapping


def name_skeleton(name: str) -> str:
    """The TR39 skeleton of :func:`normalize_name` of ``name``: NFD, each character replaced by its
    confusable prototype, NFD again. Two names with the same skeleton look alike."""
    table = _prototypes()
    text = unicodedata.normalize("NFD", normalize_name(name))
    return unicodedata.normalize("NFD", "".join(table.get(ch, ch) for ch in text))


@functools.lru_cache(maxsize=4096)
def name_keys(name: str) -> frozenset[str]:
    """The skeletons two look-alike names share at least one of: of the name as typed ("Ian" ->
    "lan") and of its lower case (case is ignored). Cached: a join compares against every name
    of the session, inside the write transaction."""
    return frozenset({name_skeleton(name), name_skeleton(normalize_name(name).casefold())})


def names_look_alike(first: str, second: str) -> bool:
    """Whether two names would be taken for one another: the same skeletons, case ignored.

    >>> names_look_alike("Ana", "ANA"), names_look_alike("Facilitator", "F\\u0430cilitator")
    (True, True)
    >>> names_look_alike("Ana", "Anna")
    False
    """
    return not name_keys(first).isdisjoint(name_keys(second))
