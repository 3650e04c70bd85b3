"""The diagnostic's two forms (``diagnostic.toml``), validated on load.

A mistake raises :class:`seci_lab.content.ContentError` naming the item: an unknown form or
concept, a missing option or explanation, two items with one id, forms of different lengths or a
concept with more items on one form than on the other (the forms are parallel).

Pure: standard library and ``seci_lab.model`` only.
"""

from __future__ import annotations

import functools
import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib import resources

from ..model.diagnostic import CONCEPTS, FORMS, DiagnosticItem
from ..model.exercises import TOPICS, Option, Question
from ..model.modes import MODES
from . import ContentError

__all__ = ["Diagnostic", "load_diagnostic", "parse_diagnostic"]

#: Items per form.
FORM_ITEMS = 15


@dataclass(frozen=True)
class Diagnostic:
    """Both forms: ``version``, ``concepts`` (id -> words) and ``items`` (form A's, then B's)."""

    version: int
    concepts: dict[str, str]
    items: tuple[DiagnosticItem, ...]

    def form(self, form: str) -> tuple[DiagnosticItem, ...]:
        """The items of ``form`` in their order."""
        if form not in FORMS:
            raise ValueError(f"A form is A or B; got {form!r}.")
        return tuple(item for item in self.items if item.form == form)


def _mode_options(entry: dict) -> tuple[Option, ...]:
    explanations = entry.get("explanations") or {}
    return tuple(Option(m.value, m.label, str(explanations.get(m.value, ""))) for m in MODES)


def _item(entry: dict, where: str) -> DiagnosticItem:
    form, concept = entry.get("form"), entry.get("concept")
    if form not in FORMS:
        raise ContentError(f"{where}: form {form!r} is not A or B.")
    if concept not in CONCEPTS:
        raise ContentError(f"{where}: concept {concept!r} is not one of {', '.join(CONCEPTS)}.")
    if entry.get("topic") not in TOPICS:
        raise ContentError(f"{where}: topic {entry.get('topic')!r} is not one of the quiz bank's topics.")
    if entry.get("modes") is True:
        options = _mode_options(entry)
    else:
        options = tuple(Option(str(o.get("key", "")), str(o.get("text", "")), str(o.get("explanation", "")))
                        for o in entry.get("options", []))
    try:
        # Hints are never shown in the diagnostic; the concept's words stand in (and let the
        # solver audit look for options that echo them).
        question = Question(id=str(entry.get("id", "")), kind="choice", topic=entry["topic"], lesson="general",
                            prompt=str(entry.get("prompt", "")), options=options, answer=entry.get("answer"),
                            hints=(concept.replace("-", " "),))
    except ValueError as error:
        raise ContentError(f"{where}: {error}") from None
    if len(options) != 4:
        raise ContentError(f"{where}: an item has four options; it has {len(options)}.")
    return DiagnosticItem(form=form, concept=concept, question=question)


def parse_diagnostic(text: str, name: str = "diagnostic.toml") -> Diagnostic:
    """Parse and validate the forms (see the module docstring)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{name} is not valid TOML: {error}") from None
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ContentError(f"{name}: version must be a whole number from 1.")
    concepts = data.get("concepts") or {}
    if sorted(concepts) != sorted(CONCEPTS):
        raise ContentError(f"{name}: [concepts] must name exactly {', '.join(CONCEPTS)}.")
    items = tuple(_item(entry, f"{name}, item {n} ({entry.get('id', '?')})")
                  for n, entry in enumerate(data.get("item", []), start=1))
    ids = Counter(item.id for item in items)
    if repeated := sorted(i for i, n in ids.items() if n > 1):
        raise ContentError(f"{name}: ids used more than once: {', '.join(repeated)}.")
    for form in FORMS:
        n = sum(item.form == form for item in items)
        if n != FORM_ITEMS:
            raise ContentError(f"{name}: form {form} has {n} items; each form has {FORM_ITEMS}.")
    per = Counter((item.form, item.concept) for item in items)
    for concept in CONCEPTS:
        if per[("A", concept)] != per[("B", concept)] or not per[("A", concept)]:
            raise ContentError(f"{name}: concept {concept!r} has {per[('A', concept)]} item(s) on form A and "
                               f"{per[('B', concept)]} on form B; the forms are parallel (same number, at least 1).")
    items = tuple(sorted(items, key=lambda item: FORMS.index(item.form)))
    return Diagnostic(version=version, concepts={k: str(concepts[k]) for k in CONCEPTS}, items=items)


@functools.cache
def load_diagnostic() -> Diagnostic:
    """Both forms of the diagnostic, validated. Cached."""
    text = resources.files(__package__).joinpath("diagnostic.toml").read_text(encoding="utf-8")
    return parse_diagnostic(text)
