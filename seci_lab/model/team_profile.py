"""The team SECI profile (issue 24, item 2): its items, a learner's saved answers, the scores.

A profile is a set of Likert items, each rating one *dimension*: a SECI mode (S, E, C, I) or an
enabling condition (intention, autonomy, ...). The questionnaire's text lives in
``seci_lab/content/team_profile.toml``; this module only knows its shape and scores it.

A saved profile is the record ``{"version": 1, "answers": {item id: 1..5}}`` under
:data:`PROFILE_KEY`. Nothing in a record is trusted: an unknown item, a value that is not a whole
number on the scale (a bool, a float, text, 0, 6) or a record of another shape is ignored, so a
forged or stale file never crashes a page and never moves a score.

Pure: the standard library only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

__all__ = ["PROFILE_KEY", "RECORD_VERSION", "Dimension", "DimensionScore", "GroupSpread", "Item",
           "ProfileItems", "class_spread", "clean_answers", "group_spread", "profile_record", "score_profile"]

#: Where a learner's answers are saved (beside ``spiral:practice-group``, the lab's own setting).
PROFILE_KEY = "profile:team"
RECORD_VERSION = 1
#: The scale's lowest and highest points (1 = the scale's first label).
LOW, HIGH = 1, 5


@dataclass(frozen=True)
class Dimension:
    """What items rate: ``group`` is ``"mode"`` or ``"condition"``."""

    key: str
    name: str
    group: str


@dataclass(frozen=True)
class Item:
    """One sentence to rate; ``dimension`` is a :class:`Dimension` key."""

    id: str
    dimension: str
    text: str


@dataclass(frozen=True)
class ProfileItems:
    """The questionnaire: its dimensions in chart order and its items in page order."""

    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    scale: tuple[str, ...]

    def __post_init__(self):
        keys = [d.key for d in self.dimensions]
        if len(set(keys)) != len(keys):
            raise ValueError("Two dimensions of the team profile have the same key.")
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("Two items of the team profile have the same id.")
        unknown = sorted({i.dimension for i in self.items} - set(keys))
        if unknown:
            raise ValueError(f"Team profile items rate unknown dimensions: {', '.join(unknown)}.")
        empty = [k for k in keys if not any(i.dimension == k for i in self.items)]
        if empty:
            raise ValueError(f"Team profile dimensions without items: {', '.join(empty)}.")
        if len(self.scale) != HIGH - LOW + 1:
            raise ValueError(f"The team profile's scale must have {HIGH - LOW + 1} labels.")

    def of(self, dimension: str) -> tuple[Item, ...]:
        """The items that rate ``dimension``, in page order."""
        return tuple(i for i in self.items if i.dimension == dimension)


@dataclass(frozen=True)
class DimensionScore:
    """One dimension's score: the mean of the answered items (None when none was), and counts."""

    dimension: Dimension
    mean: float | None
    answered: int
    items: int


@dataclass(frozen=True)
class GroupSpread:
    """A group's scores on one dimension: how many people rated it, median and middle half."""

    dimension: Dimension
    n: int
    median: float | None
    low: float | None  # first quartile
    high: float | None  # third quartile


def _valid_value(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if LOW <= value <= HIGH else None


def clean_answers(record: object, items: ProfileItems) -> dict[str, int]:
    """The valid answers in a saved record (anything else in it is dropped, never raised)."""
    if not isinstance(record, Mapping):
        return {}
    answers = record.get("answers")
    if not isinstance(answers, Mapping):
        return {}
    known = {i.id for i in items.items}
    clean = {}
    for key, value in answers.items():
        valid = _valid_value(value)
        if isinstance(key, str) and key in known and valid is not None:
            clean[key] = valid
    return clean


def profile_record(answers: Mapping[str, int], items: ProfileItems) -> dict:
    """The record to save for ``answers`` (only valid answers to known items are kept)."""
    clean = clean_answers({"answers": dict(answers)}, items)
    return {"version": RECORD_VERSION, "answers": dict(sorted(clean.items()))}


def score_profile(record: object, items: ProfileItems) -> list[DimensionScore]:
    """Each dimension's mean over the answered items, in the questionnaire's order."""
    answers = clean_answers(record, items)
    scores = []
    for dimension in items.dimensions:
        mine = items.of(dimension.key)
        values = [answers[i.id] for i in mine if i.id in answers]
        mean = round(statistics.fmean(values), 2) if values else None
        scores.append(DimensionScore(dimension, mean, len(values), len(mine)))
    return scores


def group_spread(profiles: Iterable[Sequence[DimensionScore]], items: ProfileItems) -> list[GroupSpread]:
    """The group's median and quartiles per dimension over the people who rated it."""
    by_key: dict[str, list[float]] = {d.key: [] for d in items.dimensions}
    for profile in profiles:
        for score in profile:
            if score.mean is not None and score.dimension.key in by_key:
                by_key[score.dimension.key].append(score.mean)
    spreads = []
    for dimension in items.dimensions:
        values = sorted(by_key[dimension.key])
        if not values:
            spreads.append(GroupSpread(dimension, 0, None, None, None))
            continue
        if len(values) == 1:
            low = high = values[0]
        else:
            low, _, high = statistics.quantiles(values, n=4, method="inclusive")
        spreads.append(GroupSpread(dimension, len(values), round(statistics.median(values), 2),
                                   round(low, 2), round(high, 2)))
    return spreads


def class_spread(records: Iterable[object], items: ProfileItems) -> tuple[list[GroupSpread], int]:
    """The spread of a class's saved profiles (e.g. each hand-in's ``answers[PROFILE_KEY]``) and
    how many of them had a valid answer; a missing, forged or empty record counts for nobody."""
    profiles = [score_profile(r, items) for r in records if clean_answers(r, items)]
    return group_spread(profiles, items), len(profiles)
