"""Worked examples as data: ``examples.toml``, validated on load.

Every free-text field of the mode exercises (``exercises.toml``) and every part of the debate on
the critiques page (``critiques.toml``) has a :class:`WorkedExample`: a strong answer, a weak one
and what the weak one lacks. They are keyed like the answers they illustrate: ``"S.journal"``
(an exercise field, the key its answer is saved under) and ``"debate.claim"``. A table for a
field that does not exist, a field without a table, or a wrong entry raises
:class:`ExampleContentError` naming it.

The examples are reference texts an answer must not copy: :func:`example_texts` gives them to
any check that treats copying the course as no answer.

Pure: standard library and ``seci_lab.model`` only.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..model.modes import MODES
from ..model.work import answer_key
from . import ContentError, _Entry, _read, load_critiques
from .exercises import load_exercises

__all__ = ["DEBATE", "ExampleContentError", "WorkedExample", "example_fields", "example_for", "example_texts",
           "load_examples", "parse_examples"]

#: The table of the debate's parts (``[debate.claim]`` ...).
DEBATE = "debate"
#: A weak example is the shorter one by at least this factor, in words.
_SHORTER = 2


class ExampleContentError(ContentError):
    """The worked examples file has a mistake; the message names where."""


@dataclass(frozen=True)
class WorkedExample:
    """A strong and a weak answer to one field, and what the weak one lacks.

    ``context`` says what the example assumes (the skill, the story prompt, the critique), or is
    empty.
    """

    strong: str
    weak: str
    lacks: tuple[str, ...]
    context: str = ""


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _one_line(text: str) -> str:
    # Spaces tidied within each line; numbered steps keep their own lines.
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


def _parse_example(value: object, where: str) -> WorkedExample:
    entry = _Entry(value, where, ExampleContentError)
    example = WorkedExample(
        strong=_one_line(entry.text("strong")), weak=_one_line(entry.text("weak")),
        lacks=entry.texts("lacks"), context=entry.text("context") if "context" in entry.data else "",
    )
    entry.done()
    if len(example.lacks) < 2:
        raise ExampleContentError(f"{where}: name at least two things the weak answer lacks.")
    if _words(example.strong) < _SHORTER * _words(example.weak):
        raise ExampleContentError(f"{where}: the strong answer should be at least {_SHORTER} times as long as "
                                  "the weak one; a strong answer says more.")
    return example


def parse_examples(data: dict, fields: list[str]) -> dict[str, WorkedExample]:
    """Validate parsed TOML ``data`` against the answer ``fields`` that need an example
    (``["S.experience", ..., "debate.judgement"]``) and build the examples, in that order.

    Raises
    ------
    ExampleContentError
        Naming the field that has no example, or the table that is wrong or unknown.
    """
    found: dict[str, object] = {}
    for group, table in data.items():
        if not isinstance(table, dict):
            raise ExampleContentError(f"examples.toml: [{group}] must be a table of fields.")
        for name, value in table.items():
            found[f"{group}.{name}"] = value
    unknown = [k for k in found if k not in fields]
    if unknown:
        raise ExampleContentError(f"examples.toml: no exercise field is called {', '.join(unknown)} (a typo?).")
    missing = [k for k in fields if k not in found]
    if missing:
        raise ExampleContentError(f"examples.toml: these fields have no worked example yet: {', '.join(missing)}.")
    return {k: _parse_example(found[k], f"examples.toml, [{k}]") for k in fields}


def example_fields() -> list[str]:
    """Every answer that needs a worked example: each exercise field, then each debate part."""
    keys = [answer_key(mode, f.key) for mode in MODES for f in load_exercises(mode).fields]
    return keys + [f"{DEBATE}.{p.key}" for p in load_critiques().debate.parts]


@functools.cache
def load_examples() -> dict[str, WorkedExample]:
    """The validated worked examples, by answer key (read once per process)."""
    return parse_examples(_read("examples.toml", ExampleContentError), example_fields())


def example_for(key: str) -> WorkedExample:
    """The worked example of the answer ``key`` (``"S.journal"``, ``"debate.claim"``).

    Raises
    ------
    KeyError
        When no field has that key.
    """
    return load_examples()[key]


def example_texts() -> tuple[str, ...]:
    """Every strong and weak example: texts an answer must not copy to earn credit."""
    return tuple(t for e in load_examples().values() for t in (e.strong, e.weak))
