"""Socialization exercises: a shared experience, an observation journal and a story circle.

Socialization passes tacit knowledge on through shared experience (Nonaka & Takeuchi 1995,
ch. 3); the exercises ask the learner to plan or recall one, to note what they noticed but
cannot yet say (Polanyi 1966) and to tell a story to a circle of colleagues.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..content.exercises import load_exercises
from ..model import Mode
from ..model.work import answer_key
from ..store.progress import Progress
from .answer import TextAnswer, section_html

__all__ = ["SocializationExercises", "socialization_exercises"]

MODE = Mode.SOCIALIZATION


def _restored(progress: Progress, key: str, name: str, options) -> object:
    record = progress.answer(key) or {}
    value = record.get(name)
    return value if value in options else options[0]


class SocializationExercises(widgets.VBox):
    """The Socialization exercises. ``answers`` maps a field key to its :class:`TextAnswer`."""

    def __init__(self, progress: Progress):
        content = load_exercises(MODE)
        self.progress = progress
        experience_key, story_key = answer_key(MODE, "experience"), answer_key(MODE, "story")
        kinds, timings, prompts = (list(content.lists[n]) for n in ("kinds", "timings", "story_prompts"))
        self.kind = widgets.Dropdown(options=kinds, value=_restored(progress, experience_key, "kind", kinds),
                                     description="Kind of shared experience",
                                     style={"description_width": "initial"})
        self.timing = widgets.RadioButtons(options=timings,
                                           value=_restored(progress, experience_key, "timing", timings),
                                           description="Plan or recall", style={"description_width": "initial"})
        self.story_prompt = widgets.Dropdown(
            options=prompts, value=_restored(progress, story_key, "story_prompt", prompts),
            description="Story prompt", style={"description_width": "initial"},
            layout=widgets.Layout(width="100%"))

        def experience_extras() -> dict:
            if self.kind.value not in kinds or self.timing.value not in timings:
                raise ValueError("Choose the kind of experience and whether you plan or recall it.")
            return {"kind": self.kind.value, "timing": self.timing.value}

        def story_extras() -> dict:
            if self.story_prompt.value not in prompts:
                raise ValueError("Choose one of the story prompts.")
            return {"story_prompt": self.story_prompt.value}

        fields = {f.key: f for f in content.fields}
        extras = {"experience": experience_extras, "story": story_extras}
        self.answers = {name: TextAnswer(progress, MODE, answer_key(MODE, name), fields[name], extras.get(name))
                        for name in ("experience", "journal", "story")}
        super().__init__([
            section_html(content.title, content.intro),
            section_html("1. A shared experience", level=4),
            self.kind, self.timing, self.answers["experience"],
            section_html("2. Observation journal", level=4),
            self.answers["journal"],
            section_html("3. Story circle", "Tell a story to colleagues (or write it for them): stories "
                         "let listeners relive a situation, which is how tacit knowledge travels.", level=4),
            self.story_prompt, self.answers["story"],
        ], layout=widgets.Layout(width="100%"))
        self.add_class("seci-exercises")


def socialization_exercises(progress: Progress) -> SocializationExercises:
    """Build the Socialization exercises for ``progress`` (it does not display itself)."""
    return SocializationExercises(progress)
