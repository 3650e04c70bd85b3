"""The team SECI profile's text: ``team_profile.toml``, validated on load (issue 24, item 2).

Pure: standard library, ``seci_lab.model`` and the content package only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..model.team_profile import Dimension, Item, ProfileItems
from . import ContentError, _Entry, _parse, _read

__all__ = ["TeamProfile", "load_team_profile", "parse_team_profile"]

_GROUPS = ("mode", "condition")


@dataclass(frozen=True)
class TeamProfile:
    """The questionnaire (``items``) and the page's texts around it."""

    title: str
    intro: tuple[str, ...]
    origin: str
    sources: tuple[str, ...]
    items: ProfileItems


def _profile(data: dict[str, Any], source: str) -> TeamProfile:
    root = _Entry(data, source)
    dimensions = []
    for entry in root.tables("dimension"):
        group = entry.text("group")
        if group not in _GROUPS:
            raise ContentError(f"{entry.where}: 'group' must be one of {', '.join(_GROUPS)}.")
        dimensions.append(Dimension(entry.text("key"), entry.text("name"), group))
        entry.done()
    items = []
    for entry in root.tables("item"):
        items.append(Item(entry.text("id"), entry.text("dimension"), " ".join(entry.text("text").split())))
        entry.done()
    try:
        questionnaire = ProfileItems(tuple(dimensions), tuple(items), root.texts("scale"))
    except ValueError as problem:
        raise ContentError(f"{source}: {problem}") from problem
    profile = TeamProfile(root.text("title"), root.texts("intro"), " ".join(root.text("origin").split()),
                          root.texts("sources"), questionnaire)
    root.done()
    return profile


def parse_team_profile(text: str, source: str = "<text>") -> TeamProfile:
    """Parse a team profile written in TOML (as ``seci_lab/content/team_profile.toml``)."""
    return _profile(_parse(text, source), source)


@functools.cache
def load_team_profile() -> TeamProfile:
    """The course's team profile (read once per process)."""
    return _profile(_read("team_profile.toml"), "team_profile.toml")
