"""The mode exercises as data: ``exercises.toml``, validated on load.

Each mode has a title, an introduction, its free-text fields (key, label, prompt, placeholder
and progressive hints: a nudge first, more on request) and a few lists (kinds of shared
experience, story prompts, sample cards, self-assessment items). A mistake in the file raises
:class:`ExerciseContentError` naming the mode and the field.

Pure: standard library and ``seci_lab.model`` only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..model.modes import MODES, Mode
from . import ContentError, _Entry, _find, _read

__all__ = ["ExerciseContentError", "ExerciseField", "ModeExercises", "load_exercises", "parse_exercises"]

_SECTIONS = {Mode.SOCIALIZATION: "socialization", Mode.EXTERNALIZATION: "externalization",
             Mode.COMBINATION: "combination", Mode.INTERNALIZATION: "internalization"}
#: Lists each mode must have (the widgets rely on them).
_REQUIRED_LISTS = {
    Mode.SOCIALIZATION: ("kinds", "timings", "story_prompts"),
    Mode.EXTERNALIZATION: (),
    Mode.COMBINATION: ("sample_cards",),
    Mode.INTERNALIZATION: ("self_items", "self_scale"),
}
_REQUIRED_TEXTS = {Mode.EXTERNALIZATION: ("skill_label", "skill_placeholder")}
#: Field keys each mode must have.
_REQUIRED_FIELDS = {
    Mode.SOCIALIZATION: ("experience", "journal", "story"),
    Mode.EXTERNALIZATION: ("metaphor", "analogy", "model", "instructions", "uncaptured"),
    Mode.COMBINATION: ("synthesis",),
    Mode.INTERNALIZATION: ("plan", "log", "aar_intended", "aar_actual", "aar_why", "aar_sustain"),
}


class ExerciseContentError(ContentError):
    """The exercises file has a mistake; the message names where."""


@dataclass(frozen=True)
class ExerciseField:
    """One free-text answer of an exercise."""

    key: str
    label: str
    prompt: str
    placeholder: str
    hints: tuple[str, ...]


@dataclass(frozen=True)
class ModeExercises:
    """The exercises of one mode's lesson."""

    mode: Mode
    title: str
    intro: str
    fields: tuple[ExerciseField, ...]
    lists: dict[str, tuple[str, ...]]
    texts: dict[str, str]

    def field(self, key: str) -> ExerciseField:
        """The field ``key`` (KeyError if there is none)."""
        return _find(self.fields, "key", key)


def parse_exercises(data: dict) -> dict[Mode, ModeExercises]:
    """Validate parsed TOML ``data`` and build the exercises of every mode.

    Raises
    ------
    ExerciseContentError
        Naming the mode and field that is wrong.
    """
    result = {}
    for mode in MODES:
        section = _SECTIONS[mode]
        if not isinstance(data.get(section), dict):
            raise ExerciseContentError(f"[{section}] is missing.")
        table = _Entry(data[section], f"[{section}]", ExerciseContentError)
        if table.data.get("mode") != mode.value:
            raise ExerciseContentError(f"[{section}]: 'mode' must be {mode.value!r}.")
        fields = []
        for raw in table.tables("fields"):
            key = raw.text("key")
            if not key.replace("_", "").isalnum():
                raise ExerciseContentError(f"{raw.where}: the key {key!r} may hold only letters, digits and _.")
            hints = raw.texts("hints")
            if len(hints) < 2:
                raise ExerciseContentError(f"{raw.where} ({key}): give at least two progressive hints.")
            fields.append(ExerciseField(key, raw.text("label"), raw.text("prompt"), raw.text("placeholder"), hints))
        keys = [f.key for f in fields]
        if len(set(keys)) != len(keys):
            raise ExerciseContentError(f"[{section}]: field keys repeat: {keys}.")
        missing = [k for k in _REQUIRED_FIELDS[mode] if k not in keys]
        if missing:
            raise ExerciseContentError(f"[{section}]: missing fields {missing}.")
        lists = {name: table.texts(name) for name in _REQUIRED_LISTS[mode]}
        texts = {name: table.text(name) for name in _REQUIRED_TEXTS.get(mode, ())}
        result[mode] = ModeExercises(mode, table.text("title"), " ".join(table.text("intro").split()),
                                     tuple(fields), lists, texts)
    return result


@functools.cache
def _load_all() -> dict[Mode, ModeExercises]:
    return parse_exercises(_read("exercises.toml", ExerciseContentError))


def load_exercises(mode: Mode | str) -> ModeExercises:
    """The validated exercises of ``mode`` (read once per process)."""
    return _load_all()[Mode.parse(mode)]
