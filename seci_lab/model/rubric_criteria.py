"""The rubric's criteria as data: a small pure loader of ``content/rubric.toml``.

The criteria live with the course content (``seci_lab/content/rubric.toml``) so an author edits
them beside the exercises. The content package imports the model, so the model never imports
``seci_lab.content``: this module reads the data *files* of that folder with the standard
library's ``tomllib`` (no code of the content package runs) and validates them here, next to
the dataclasses they become. :func:`course_texts` (in :mod:`.course_texts`) reads the other content files the same way,
for the rubric's "copying the course earns nothing" guard.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .course_texts import course_texts, strings as _strings
from .modes import MODES, Mode

__all__ = [
    "Criterion",
    "CriteriaError",
    "FieldRubric",
    "PAGE_SIGNALS",
    "RubricData",
    "course_texts",
    "field_texts",
    "load_criteria",
    "parse_criteria",
    "worked_examples",
]

RUBRIC_FILE = "rubric.toml"
#: Signals of the Combination page (computed from the sorted cards, not from a text).
PAGE_SIGNALS = ("cohesion", "named", "names_fit", "balance", "own_cards")


class CriteriaError(ValueError):
    """The rubric's criteria file is missing, not valid TOML, or an entry in it is wrong."""


@dataclass(frozen=True)
class Criterion:
    """One thing a good answer shows."""

    id: str
    label: str
    looks_for: str
    hint: str
    weight: float
    signals: tuple[str, ...]
    need: int = 1


@dataclass(frozen=True)
class FieldRubric:
    """The criteria of one exercise field (or of a mode, when ``field`` is None)."""

    mode: Mode | None
    field: str | None
    about: str
    full_words: int
    criteria: tuple[Criterion, ...]
    core: tuple[str, ...] = ()  # criteria that show the answer does this exercise at all
    #: Signals of the field's subject (the person you watched or worked beside): an answer with no
    #: evidence of any of them is about something else, however well formed (docs/rubric.md).
    subject: tuple[str, ...] = ()


@dataclass(frozen=True)
class RubricData:
    """Every field's criteria, each mode's, and the Combination page's."""

    modes: dict[Mode, FieldRubric]
    fields: dict[tuple[Mode, str], FieldRubric]
    page: FieldRubric

    def for_answer(self, mode: Mode, field: str | None) -> FieldRubric:
        """The criteria of ``field`` of ``mode``, or the mode's when ``field`` is None.

        Raises
        ------
        ValueError
            ``field`` is not a field of ``mode``.
        """
        if field is None:
            return self.modes[mode]
        try:
            return self.fields[(mode, field)]
        except KeyError:
            known = ", ".join(sorted(f for m, f in self.fields if m is mode))
            raise ValueError(f"{mode.label} has no exercise field {field!r}; its fields are {known}.") from None


def _text(table: dict, key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CriteriaError(f"{where}: '{key}' must be non-empty text.")
    return " ".join(value.split())


def _criterion(raw: Any, where: str, signals: Collection[str]) -> Criterion:
    if not isinstance(raw, dict):
        raise CriteriaError(f"{where}: expected a table of keys and values.")
    unknown = sorted(set(raw) - {"id", "label", "looks_for", "hint", "weight", "signals", "need"})
    if unknown:
        raise CriteriaError(f"{where}: unknown key(s) {', '.join(unknown)} (a typo?).")
    cid = _text(raw, "id", where)
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
        raise CriteriaError(f"{where} ({cid}): 'weight' must be a number above 0 and at most 10.")
    names = raw.get("signals")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise CriteriaError(f"{where} ({cid}): 'signals' must be a non-empty list of signal names.")
    bad = [n for n in names if n not in signals]
    if bad:
        raise CriteriaError(f"{where} ({cid}): unknown signal(s) {', '.join(bad)}; "
                            f"known: {', '.join(sorted(signals))}.")
    need = raw.get("need", 1)
    if isinstance(need, bool) or not isinstance(need, int) or not 1 <= need <= 10:
        raise CriteriaError(f"{where} ({cid}): 'need' must be a whole number from 1 to 10.")
    return Criterion(cid, _text(raw, "label", where), _text(raw, "looks_for", where),
                     _text(raw, "hint", where), float(weight), tuple(names), need)


def _field_rubric(raw: Any, where: str, mode: Mode | None, field: str | None,
                  signals: Collection[str]) -> FieldRubric:
    if not isinstance(raw, dict):
        raise CriteriaError(f"{where}: expected a table.")
    unknown = sorted(set(raw) - {"about", "full_words", "criteria", "core", "subject"})
    if unknown:
        raise CriteriaError(f"{where}: unknown key(s) {', '.join(unknown)} (a typo?).")
    items = raw.get("criteria")
    if not isinstance(items, list) or not items:
        raise CriteriaError(f"{where}: give at least one criterion ([[...criteria]]).")
    criteria = tuple(_criterion(c, f"{where}, criterion {i + 1}", signals) for i, c in enumerate(items))
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        raise CriteriaError(f"{where}: criterion ids repeat: {ids}.")
    full = raw.get("full_words", 30)
    if isinstance(full, bool) or not isinstance(full, int) or not 5 <= full <= 200:
        raise CriteriaError(f"{where}: 'full_words' must be a whole number from 5 to 200.")
    core = raw.get("core", [])
    if not isinstance(core, list) or not all(isinstance(c, str) and c in ids for c in core):
        raise CriteriaError(f"{where}: 'core' must list ids of its criteria ({', '.join(ids)}).")
    if not core:  # the heaviest criteria show what the exercise is about
        core = [c.id for c in criteria if c.weight == max(x.weight for x in criteria)]
    subject = raw.get("subject", [])
    if not isinstance(subject, list) or not all(isinstance(x, str) and x in signals for x in subject):
        raise CriteriaError(f"{where}: 'subject' must list text signals.")
    return FieldRubric(mode, field, _text(raw, "about", where), full, criteria, tuple(core), tuple(subject))


def parse_criteria(data: dict, text_signals: Collection[str], page_signals: Collection[str],
                   source: str = RUBRIC_FILE) -> RubricData:
    """Validate parsed TOML ``data`` and build the criteria.

    Raises
    ------
    CriteriaError
        Naming the mode, field and criterion that is wrong.
    """
    unknown = sorted(set(data) - {"mode", "field", "page"})
    if unknown:
        raise CriteriaError(f"{source}: unknown table(s) {', '.join(unknown)}; use mode, field and page.")
    modes_raw = data.get("mode")
    fields_raw = data.get("field")
    if not isinstance(modes_raw, dict) or not isinstance(fields_raw, dict):
        raise CriteriaError(f"{source}: [mode.X] and [field.X.key] tables are required.")
    modes = {}
    for mode in MODES:
        if mode.value not in modes_raw:
            raise CriteriaError(f"{source}: [mode.{mode.value}] is missing (criteria for an answer with no field).")
        modes[mode] = _field_rubric(modes_raw[mode.value], f"{source}, [mode.{mode.value}]", mode, None, text_signals)
    extra = sorted(set(modes_raw) - {m.value for m in MODES})
    if extra or sorted(set(fields_raw) - {m.value for m in MODES}):
        raise CriteriaError(f"{source}: unknown mode(s) {', '.join(extra or sorted(fields_raw))}; use S, E, C, I.")
    fields = {}
    for letter, table in fields_raw.items():
        mode = Mode.parse(letter)
        if not isinstance(table, dict):
            raise CriteriaError(f"{source}, [field.{letter}]: expected tables of fields.")
        for key, raw in table.items():
            fields[(mode, key)] = _field_rubric(raw, f"{source}, [field.{letter}.{key}]", mode, key, text_signals)
    page = _field_rubric(data.get("page"), f"{source}, [page]", Mode.COMBINATION, None, page_signals)
    return RubricData(modes, fields, page)


def _content_file(name: str) -> str:
    # The data file inside the content folder, read as a resource of the top package: no code
    # of seci_lab.content is imported (it imports this model).
    return resources.files("seci_lab").joinpath("content", name).read_text(encoding="utf-8")


def _read_toml(name: str) -> dict:
    try:
        return tomllib.loads(_content_file(name))
    except OSError as problem:
        raise CriteriaError(f"{name}: cannot read the file ({problem}).") from problem
    except tomllib.TOMLDecodeError as problem:
        raise CriteriaError(f"{name}: not valid TOML: {problem}.") from problem


@functools.cache
def load_criteria() -> RubricData:
    """The validated criteria of ``content/rubric.toml`` (read once per process)."""
    from .text_signals import SIGNALS

    return parse_criteria(_read_toml(RUBRIC_FILE), SIGNALS, PAGE_SIGNALS)


@functools.cache
def field_texts() -> dict[tuple[Mode, str], str]:
    """Each exercise field's own words (label, prompt, placeholder, hints) from ``exercises.toml``."""
    data = _read_toml("exercises.toml")
    out = {}
    for section in data.values():
        if not isinstance(section, dict) or not isinstance(section.get("mode"), str):
            continue
        try:
            mode = Mode.parse(section["mode"])
        except ValueError:
            continue
        for entry in section.get("fields", []):
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                out[(mode, entry["key"])] = " ".join(_strings({k: v for k, v in entry.items() if k != "key"}))
    return out



@functools.cache
def worked_examples() -> tuple[str, ...]:
    """The worked examples' answers (``strong`` and ``weak`` of ``examples.toml``): a learner can
    reveal them beside every field, so a reworded copy of one is no answer of one's own."""
    out = []
    for section in _read_toml("examples.toml").values():
        for table in section.values() if isinstance(section, dict) else ():
            if isinstance(table, dict):
                out.extend(" ".join(table[k].split()) for k in ("strong", "weak") if isinstance(table.get(k), str))
    return tuple(out)
