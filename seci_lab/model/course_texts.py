"""Every text of the course's content files, read as data (no code of the content package runs).

The rubric uses them for its "copying the course earns nothing" guard, and the text signals to
tell the course's own names (Tanaka, Osaka) from the learner's. A module of its own, so that the
rubric's loader and the text signals both read them and neither imports the other.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

__all__ = ["NOT_COURSE_TEXT", "course_texts", "strings"]

#: Data files of the content folder that are no course text a learner reads (the rubric's lexicons).
NOT_COURSE_TEXT = frozenset({"lexicons.toml"})


def strings(value: Any) -> list[str]:
    """Every string inside a TOML value (tables and arrays walked in order)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@functools.cache
def course_texts() -> tuple[str, ...]:
    """Every text of the course's content files (lessons, exercises, quiz, critiques, rubric)."""
    texts: list[str] = []
    for entry in resources.files("seci_lab").joinpath("content").iterdir():
        if entry.name.endswith(".toml") and entry.name not in NOT_COURSE_TEXT:
            try:
                texts.extend(strings(tomllib.loads(entry.read_text(encoding="utf-8"))))
            except (OSError, tomllib.TOMLDecodeError):
                continue  # the content package reports a broken file; copying it is still no answer
    return tuple(texts)
