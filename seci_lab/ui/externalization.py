"""Externalization exercises: the metaphor → analogy → model ladder, exact instructions, and
naming what the instructions still cannot capture.

Nonaka & Takeuchi (1995, ch. 3) describe articulating tacit knowledge through a sequence of
metaphor, analogy and model; Polanyi (1966) and Tsoukas (2003) remind us that some knowing
stays tacit, which the last exercise makes the learner name.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..content.exercises import load_exercises
from ..model import Mode, normalize_text
from ..model.work import answer_key, mode_prefix
from ..store.progress import Progress
from .answer import TextAnswer, section_html

__all__ = ["SKILL_MAX_CHARS", "ExternalizationExercises", "externalization_exercises"]

MODE = Mode.EXTERNALIZATION
SKILL_MAX_CHARS = 120
_LADDER = ("metaphor", "analogy", "model")


class ExternalizationExercises(widgets.VBox):
    """The Externalization exercises. ``answers`` maps a field key to its :class:`TextAnswer`."""

    def __init__(self, progress: Progress):
        content = load_exercises(MODE)
        self.progress = progress
        saved_skill = next((r.get("skill") for r in progress.answers(prefix=mode_prefix(MODE)).values()
                            if isinstance(r.get("skill"), str)), "")
        self.skill = widgets.Text(value=saved_skill, description=content.texts["skill_label"],
                                  placeholder=content.texts["skill_placeholder"],
                                  style={"description_width": "initial"}, layout=widgets.Layout(width="100%"))

        def skill_extras() -> dict:
            skill = normalize_text(self.skill.value or "")
            if len(skill) > SKILL_MAX_CHARS:
                raise ValueError(f"The skill's name has {len(skill)} characters; keep it under "
                                 f"{SKILL_MAX_CHARS} (describe it in the answers below).")
            return {"skill": skill}

        self.answers = {f.key: TextAnswer(progress, MODE, answer_key(MODE, f.key), f, skill_extras) for f in content.fields}
        ladder = [self.answers[k] for k in _LADDER]
        rest = [a for k, a in self.answers.items() if k not in _LADDER]
        super().__init__([
            section_html(content.title, content.intro),
            self.skill,
            section_html("1. Climb the ladder: metaphor, analogy, model", level=4),
            *ladder,
            section_html("2. Exact instructions, and what they miss", level=4),
            *rest,
        ], layout=widgets.Layout(width="100%"))
        self.add_class("seci-exercises")


def externalization_exercises(progress: Progress) -> ExternalizationExercises:
    """Build the Externalization exercises for ``progress`` (it does not display itself)."""
    return ExternalizationExercises(progress)
