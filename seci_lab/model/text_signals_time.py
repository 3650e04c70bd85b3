"""Signals of time and number in a written answer, for the rubric (rubric v3): when something
happened (dates, weekdays, clock times, "last spring"), how long and how often, numbers with what
they count, dated log entries and the next occasion of a plan. Split from :mod:`.text_signals`,
which registers them with the other signals (``SIGNALS``).
"""

from __future__ import annotations

import re

from .lexicon import MONTHS, NUMBER_WORDS, TIME_UNITS, UNITS, WEEKDAYS, lemmas
from .text_doc import _ENTRY_HEAD_RE, _MONTH_ABBR, _NUMBER_RE, Doc, Evidence, _is_content, _merge, _regex

__all__ = ["dated_entries", "duration", "frequency", "moment", "next_occasion", "quantity"]

_CLOCK_RE = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:am|pm|a\.m\.|p\.m\.)(?![a-z])", re.I)
_DATE_RE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b")
_DAY_MONTH_RE = re.compile(
    rf"\b\d{{1,2}}\s+(?:{_MONTH_ABBR}|{'|'.join(MONTHS)})\b|\b(?:{_MONTH_ABBR}|{'|'.join(MONTHS)})\s+\d{{1,2}}\b",
    re.I)
_RELATIVE_TIME_RE = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|this\s+(?:morning|afternoon|evening|week)|"
    r"(?:last|next|that|one|every|each)\s+(?:spring|summer|autumn|fall|winter|week|month|year|night|"
    r"morning|afternoon|evening|day|time|shift|session|weekend|" + "|".join(WEEKDAYS) + r")|"
    r"(?:the\s+)?(?:first|second|third|fourth|last|next)\s+(?:time|session|day|week|visit|shift|call|"
    r"morning|lesson|try|attempt)|"
    r"(?:a|one|two|three|four|five|six|\d+)\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+"
    r"(?:later|ago|before|after|earlier)|at\s+(?:noon|midnight|dawn|dusk|night)|"
    r"in\s+(?:the\s+)?(?:morning|afternoon|evening)|when\s+i\s+(?:was|started|joined|first))\b",
    re.I)
_WEEKDAY_RE = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")s?\b", re.I)
_MONTH_RE = re.compile(r"\b(?:january|february|march|april|june|july|august|september|october|november|"
                       r"december)\b", re.I)
_FREQUENCY_RE = re.compile(
    r"\b(?:every|each|per|a)\s+(?:day|morning|evening|night|week|shift|session|call|time|"
    + "|".join(WEEKDAYS) + r")\b|\b(?:daily|weekly|twice|once a|three times|(?:\d+|two|three|four|five|"
    r"six|seven|eight|nine|ten)\s+times)\b|\bfrom\s+(?:" + "|".join(WEEKDAYS) + r")\s+to\b|\bon\s+\d+\s+\w+",
    re.I)
_NEXT_OCCASION_RE = re.compile(
    r"\b(?:on|this|next|by|before|from)\s+(?:" + "|".join(WEEKDAYS) + r")(?:['’]s)?\b|\btomorrow\b|"
    r"\bnext\s+(?:time|week|session|shift|call|round|month|practice)\b|\bat\s+\d{1,2}(?::\d{2})?\b|"
    r"\bthis\s+(?:week|weekend|afternoon|evening)\b|\bfrom\s+now\s+on\b",
    re.I)


def moment(doc: Doc) -> Evidence:
    """Dates, days, clock times and phrases that place a moment in time."""
    found = Evidence()
    for pattern in (_CLOCK_RE, _DATE_RE, _DAY_MONTH_RE, _RELATIVE_TIME_RE, _WEEKDAY_RE, _MONTH_RE):
        for m in pattern.finditer(doc.text):
            found.add(m.group().lower(), m.start(), m.end())
    return found


def _number_at(doc: Doc, i: int) -> bool:
    t = doc.tokens[i]
    return bool(_NUMBER_RE.match(t.text)) or t.lower in NUMBER_WORDS or (
        t.lower in ("a", "an") and i + 1 < len(doc.tokens) and doc.tokens[i + 1].lower in ("couple", "few", "dozen"))


def quantity(doc: Doc) -> Evidence:
    """Numbers with what they count or measure: ``18 g``, ``ten recalls``, ``8 of 10``, ``25-30 s``."""
    found = Evidence()
    toks = doc.tokens
    for i, t in enumerate(toks):
        if not _number_at(doc, i):
            continue
        j = i + 1
        while j < len(toks) and (toks[j].lower in ("of", "to", "or", "and", "more", "a", "out")
                                 or _NUMBER_RE.match(toks[j].text)) and j - i < 4:
            j += 1
        if j < len(toks) and toks[j].sentence == t.sentence and (
                toks[j].lower in UNITS or lemmas(toks[j].lower) & UNITS or _is_content(toks[j].lower)):
            found.add(f"{t.lower} {toks[j].lower}", t.start, toks[j].end)
        elif _NUMBER_RE.match(t.text) and t.lower not in ("1", "2", "3", "4", "5", "6", "7", "8", "9"):
            found.add(t.lower, t.start, t.end)
    for m in re.finditer(r"\d+\s?%|\d+\s*[-–]\s*\d+", doc.text):
        found.add(m.group(), m.start(), m.end())
    return found


def duration(doc: Doc) -> Evidence:
    """How long or how often: a number (or 'a couple of') with a unit of time."""
    found = Evidence()
    toks = doc.tokens
    for i, t in enumerate(toks):
        if not _number_at(doc, i):
            continue
        for j in range(i + 1, min(i + 4, len(toks))):
            if toks[j].lower in TIME_UNITS or _WEEKDAY_RE.fullmatch(toks[j].lower):
                found.add(f"{t.lower} {toks[j].lower}", t.start, toks[j].end)
                break
    for m in re.finditer(r"\bfor\s+(?:a|the|about|almost|over|nearly)?\s*(?:\w+\s+)?(?:week|month|day|"
                         r"morning|afternoon|while|year|shift|session)s?\b", doc.text, re.I):
        found.add(m.group().lower(), m.start(), m.end())
    return found


def frequency(doc: Doc) -> Evidence:
    """How often: every morning, each call, three times, daily, from Monday to Saturday."""
    return _merge(_regex(doc, _FREQUENCY_RE), duration(doc))


def dated_entries(doc: Doc) -> Evidence:
    """Log entries headed by a day or date (``Day 2:``, ``Tue 11 Mar:``)."""
    found = _regex(doc, _ENTRY_HEAD_RE)
    return found


def next_occasion(doc: Doc) -> Evidence:
    """A concrete next occasion: on Saturday, tomorrow, next session, at 8."""
    return _regex(doc, _NEXT_OCCASION_RE)
