"""The prompts of a live workshop's phases: ``workshop.toml``, validated on load.

One table per format (``[seci]``, ``[csh]``), one prompt per phase of that format. A missing
prompt, an empty one or an unknown key raises :class:`WorkshopContentError` naming the format
and the phase.

Pure: standard library and ``seci_lab.model`` only.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any, Mapping

from ..model.workshop import Format, Phase
from . import ContentError, _Entry, _parse, _read

__all__ = ["WorkshopContentError", "load_prompts", "parse_prompts", "phase_prompt"]


class WorkshopContentError(ContentError):
    """The workshop content file has a mistake; the message names where."""


def _prompts(data: dict[str, Any], source: str) -> Mapping[Phase, str]:
    root = _Entry(data, source, WorkshopContentError)
    prompts: dict[Phase, str] = {}
    for format in Format:
        table = root.table(format.value)
        for phase in format.phases:
            # One paragraph in the file may span lines; the page shows it as one.
            prompts[phase] = " ".join(table.text(phase.value).split())
        table.done()
    root.done()
    return MappingProxyType(prompts)


def parse_prompts(text: str, source: str = "<text>") -> Mapping[Phase, str]:
    """Parse workshop prompts written in TOML (as ``seci_lab/content/workshop.toml``).

    Raises
    ------
    WorkshopContentError
        Naming ``source``, the format and the phase that is wrong.
    """
    return _prompts(_parse(text, source, WorkshopContentError), source)


@functools.cache
def load_prompts() -> Mapping[Phase, str]:
    """Every phase's prompt, validated (read once per process)."""
    return _prompts(_read("workshop.toml", WorkshopContentError), "workshop.toml")


def phase_prompt(phase: Phase | str) -> str:
    """What participants read while ``phase`` is open."""
    return load_prompts()[Phase(phase)]
