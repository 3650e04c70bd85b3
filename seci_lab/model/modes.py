"""The four SECI modes, the ontological levels and the facts a lesson states about them.

Sources: Nonaka (1994) "A dynamic theory of organizational knowledge creation";
Nonaka & Takeuchi (1995) *The Knowledge-Creating Company*, ch. 3; Nonaka & Konno (1998)
"The concept of 'ba'"; Nonaka, Toyama & Konno (2000) "SECI, Ba and Leadership".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum

__all__ = ["Knowledge", "Mode", "Level", "MODES", "LEVELS", "ModeFacts"]


class Knowledge(str, Enum):
    """The epistemological dimension: the two kinds of knowledge a mode converts."""

    TACIT = "tacit"
    EXPLICIT = "explicit"


@dataclass(frozen=True)
class ModeFacts:
    """What a lesson says about one mode (paraphrased; sources in the module docstring)."""

    name: str
    source: Knowledge
    target: Knowledge
    creates: str
    trigger: str
    ba: str
    activities: tuple[str, ...]
    case: str
    angle: float  # degrees: where the mode sits in the classic 2x2 SECI matrix


_FACTS = {
    "S": ModeFacts(
        name="Socialization",
        source=Knowledge.TACIT,
        target=Knowledge.TACIT,
        creates="sympathized knowledge (shared mental models, technical skills)",
        trigger="building a field of interaction",
        ba="originating ba",
        activities=("apprenticeship", "job shadowing", "customer immersion", "shared work"),
        case=(
            "Ikuko Tanaka of Matsushita trained beside the head baker of the Osaka "
            "International Hotel to learn how he kneaded dough (Nonaka & Takeuchi 1995)."
        ),
        angle=135.0,
    ),
    "E": ModeFacts(
        name="Externalization",
        source=Knowledge.TACIT,
        target=Knowledge.EXPLICIT,
        creates="conceptual knowledge (metaphors, analogies, models)",
        trigger="meaningful dialogue and collective reflection",
        ba="dialoguing (interacting) ba",
        activities=("dialogue", "metaphor and analogy", "sketching", "writing a first model"),
        case=(
            "Honda City's team moved from the metaphor 'automobile evolution' to the concept "
            "'man-maximum, machine-minimum' and the 'Tall Boy' car (Nonaka 1991)."
        ),
        angle=45.0,
    ),
    "C": ModeFacts(
        name="Combination",
        source=Knowledge.EXPLICIT,
        target=Knowledge.EXPLICIT,
        creates="systemic knowledge (documents, specifications, databases)",
        trigger="linking new explicit knowledge with existing knowledge",
        ba="systemizing (cyber) ba",
        activities=("reports", "syntheses", "databases", "standards and specifications"),
        case=(
            "The Home Bakery team turned the 'twisting stretch' into a product specification, "
            "down to ribs inside the machine (Nonaka & Takeuchi 1995)."
        ),
        angle=-45.0,
    ),
    "I": ModeFacts(
        name="Internalization",
        source=Knowledge.EXPLICIT,
        target=Knowledge.TACIT,
        creates="operational knowledge (know-how embodied through practice)",
        trigger="learning by doing",
        ba="exercising ba",
        activities=("practice", "simulation", "pilots", "training with manuals"),
        case=(
            "Matsushita staff lived a month at the 1,800-hour working-year target to "
            "experience what the policy meant (Nonaka & Takeuchi 1995)."
        ),
        angle=-135.0,
    ),
}


class Mode(str, Enum):
    """A SECI knowledge-conversion mode. The value is the one-letter code."""

    SOCIALIZATION = "S"
    EXTERNALIZATION = "E"
    COMBINATION = "C"
    INTERNALIZATION = "I"

    @property
    def facts(self) -> ModeFacts:
        return _FACTS[self.value]

    @property
    def label(self) -> str:
        """Human name, e.g. ``"Socialization"``."""
        return self.facts.name

    @property
    def source(self) -> Knowledge:
        return self.facts.source

    @property
    def target(self) -> Knowledge:
        return self.facts.target

    @property
    def conversion(self) -> str:
        """e.g. ``"tacit → explicit"``."""
        return f"{self.source.value} → {self.target.value}"

    @property
    def creates(self) -> str:
        return self.facts.creates

    @property
    def trigger(self) -> str:
        return self.facts.trigger

    @property
    def ba(self) -> str:
        return self.facts.ba

    @classmethod
    def parse(cls, value: object) -> "Mode":
        """Accept a Mode, its letter or its name in any case (``"e"``, ``"Externalization"``)."""
        if isinstance(value, Mode):
            return value
        if isinstance(value, str):
            key = value.strip().upper()
            for mode in cls:
                if key in (mode.value, mode.name, mode.label.upper()):
                    return mode
        choices = ", ".join(f"{m.value} ({m.label})" for m in cls)
        raise ValueError(f"Unknown SECI mode {value!r}: use one of {choices}.")


class Level(IntEnum):
    """The ontological dimension: who holds the knowledge (Nonaka 1994)."""

    INDIVIDUAL = 0
    GROUP = 1
    ORGANIZATION = 2
    INTER_ORGANIZATION = 3

    @property
    def label(self) -> str:
        """Human name, e.g. ``"Inter-organization"``."""
        return self.name.replace("_", "-").capitalize()


#: The canonical order of one turn of the spiral. Everything that lists modes uses this.
MODES: tuple[Mode, ...] = (
    Mode.SOCIALIZATION,
    Mode.EXTERNALIZATION,
    Mode.COMBINATION,
    Mode.INTERNALIZATION,
)
LEVELS: tuple[Level, ...] = tuple(Level)
