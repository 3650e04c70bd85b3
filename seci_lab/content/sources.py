"""The course's sources: full references (``sources.toml``) and the citations that point to them.

Content cites works author-year, as in "Nonaka & Takeuchi 1995", "(Polanyi 1966)",
"Nonaka, Toyama & Konno (2000)", "Gourlay (2003, 2006)" or an abbreviation such as
"N&T 1995". :func:`citations` finds such mentions in a text and :func:`resolve` finds the
entry each one names, so a test can check that every citation a learner reads has a full
reference on the sources page.

Pure: standard library and the content package only.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import ContentError, _Entry, _read

__all__ = ["GROUPS", "Citation", "Source", "citations", "load_sources", "references", "resolve", "unresolved"]

#: Where the sources page lists a work, in page order, with the heading it shows.
GROUPS: dict[str, str] = {
    "theory": "The theory",
    "cases": "Cases",
    "critiques": "Critiques",
    "methods": "Methods used in the exercises",
}
# Capitalised words that can stand before a year without being an author ("In 1987",
# "March 1987"). A month counts as an author only in the form "March (1991)".
_NOT_AUTHORS = frozenset("A An In By Since From Until Around About Before After During Of To The And Mid Late Early".split())
_MONTHS = frozenset("January February March April May June July August September October November "
                    "December".split())


@dataclass(frozen=True)
class Source:
    """One work: its authors (surnames), year, abbreviations, full reference and group."""

    authors: tuple[str, ...]
    year: int
    short: tuple[str, ...]
    group: str
    reference: str
    note: str = ""

    @property
    def cite(self) -> str:
        """How the course cites it, e.g. ``"Nonaka, Toyama & Konno 2000"``."""
        return f"{_join(self.authors)} {self.year}"

    def forms(self) -> set[str]:
        """Every author form that names this work (without the year), normalised."""
        names = list(self.authors)
        forms = {_join(names), *self.short}
        if len(names) == 2:
            forms.add(f"{names[0]} and {names[1]}")
        if len(names) >= 3:
            forms |= {f"{names[0]} et al", f"{', '.join(names[:-1])} and {names[-1]}"}
        return {_normal(f) for f in forms}


@dataclass(frozen=True)
class Citation:
    """An author-year mention found in a text: the authors as written and one year."""

    authors: str
    year: int
    text: str  # the mention as written, for messages

    def __str__(self) -> str:
        return self.text


def _join(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} & {names[-1]}"


def _normal(authors: str) -> str:
    authors = re.sub(r"\s+", " ", authors.replace("&", " & ")).strip()
    authors = re.sub(r" and ", " & ", authors)
    return re.sub(r" et al\.?$", " et al", authors)


# -- the list -----------------------------------------------------------------------------
def _parse_sources(data: dict, source: str) -> tuple[Source, ...]:
    root = _Entry(data, source)
    result = []
    for entry in root.tables("source"):
        year = entry.data.get("year")
        entry.used.add("year")
        if not isinstance(year, int) or not 1500 <= year <= 2100:
            raise ContentError(f"{entry.where}: 'year' must be a year such as 1995.")
        group = entry.text("group")
        if group not in GROUPS:
            raise ContentError(f"{entry.where}: group {group!r} is not one of {', '.join(GROUPS)}.")
        item = Source(authors=entry.texts("authors"), year=year, short=entry.texts("short", optional=True),
                      group=group, reference=entry.text("reference"),
                      note=entry.text("note") if "note" in entry.data else "")
        if str(year) not in item.reference or item.authors[0] not in item.reference:
            raise ContentError(f"{entry.where}: the reference must name {item.authors[0]} and {year}.")
        entry.done()
        result.append(item)
    root.done()
    seen: dict[tuple[str, int], Source] = {}
    for item in result:
        for form in item.forms():
            other = seen.setdefault((form, item.year), item)
            if other is not item:
                raise ContentError(f"{source}: '{form} {item.year}' would name two works: "
                                   f"{other.reference} / {item.reference}")
    return tuple(result)


@functools.cache
def load_sources() -> tuple[Source, ...]:
    """Every source, in the file's order (read and checked once per process)."""
    return _parse_sources(_read("sources.toml"), "sources.toml")


@functools.cache
def _index() -> dict[tuple[str, int], Source]:
    return {(form, s.year): s for s in load_sources() for form in s.forms()}


# -- finding and resolving citations ------------------------------------------------------
@functools.cache
def _pattern() -> re.Pattern:
    # Known names with a space or particle ("von Krogh", "US Army") first, then one capitalised word.
    spaced = sorted({a for s in load_sources() for a in s.authors if " " in a}, key=len, reverse=True)
    name = "(?:" + "".join(re.escape(a) + "|" for a in spaced) + r"[A-Z][\w\-]*)"
    abbreviation = r"[A-Z]+&[A-Z][a-z]?"
    authors = rf"(?:{abbreviation}|{name}(?:(?:, {name})* (?:&|and) {name})?(?: et al\.?)?)"
    year = r"(?:19|20)\d\d[a-z]?"
    return re.compile(rf"(?<![\w&])({authors})(?:'s|’s)? (\(?)({year}(?:, {year})*)")


def citations(text: str) -> list[Citation]:
    """The author-year citations in ``text``, one per year ("Gourlay (2003, 2006)" gives two)."""
    text = re.sub(r"\s+", " ", text)
    found = []
    for match in _pattern().finditer(text):
        authors, paren, years = match.groups()
        if authors in _NOT_AUTHORS or (authors in _MONTHS and not paren):
            continue
        for year in years.split(", "):
            found.append(Citation(authors, int(year[:4]), f"{authors} {year}"))
    return found


def resolve(citation: Citation | str) -> Source | None:
    """The source a citation names (a :class:`Citation` or text like ``"N&T 1995"``), or None."""
    if isinstance(citation, str):
        found = citations(citation)
        if len(found) != 1:
            return None
        citation = found[0]
    return _index().get((_normal(citation.authors), citation.year))


def unresolved(text: str) -> list[str]:
    """The citations in ``text`` that name no source (empty when every one resolves)."""
    return [str(c) for c in citations(text) if resolve(c) is None]


def references(cites) -> tuple[str, ...]:
    """The full references of ``cites`` (texts like ``"Nonaka 1994"``), in the given order.

    Raises
    ------
    ContentError
        A cite names no source in ``sources.toml``.
    """
    result = []
    for cite in cites:
        source = resolve(cite)
        if source is None:
            raise ContentError(f"{cite!r} names no work in sources.toml: add it there or fix the citation.")
        result.append(source.reference)
    return tuple(result)
