"""A transparent rubric that suggests a quality in [0, 1] for a free-text contribution.

It is a teaching aid, not a grader: every point it gives has a reason the learner can read,
and it always offers one concrete hint. The criteria follow the feedback ideas of the domain
brief (section 4.1): concreteness, the mode's own move (sharing an experience, articulating
with a metaphor or model, combining sources, practising), and reflection on why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .contributions import normalize_text
from .modes import Mode

__all__ = ["RubricScore", "suggest_quality", "MODE_CUES"]

# Words that show a contribution does the work of its mode. Lower-case stems, matched at
# word starts, so "observ" matches "observed" and "observation".
MODE_CUES: dict[Mode, tuple[str, ...]] = {
    Mode.SOCIALIZATION: (
        "watch", "observ", "shadow", "together", "beside", "imitat", "apprentic", "practis",
        "practic", "felt", "feel", "noticed", "experienc", "showed", "show me", "side by side",
        "mentor", "visit", "immers",
    ),
    Mode.EXTERNALIZATION: (
        "like a", "as if", "metaphor", "analog", "model", "sketch", "concept", "diagram",
        "step", "rule", "instruction", "describ", "articulat", "hypothes", "is like",
    ),
    Mode.COMBINATION: (
        "combin", "merg", "sort", "cluster", "group", "categor", "table", "checklist",
        "document", "report", "database", "synthes", "compar", "link", "structur", "playbook",
    ),
    Mode.INTERNALIZATION: (
        "tried", "try", "practis", "practic", "appl", "did", "do it", "habit", "routine",
        "repeat", "second nature", "learned by", "learnt by", "next time", "pilot", "simulat",
    ),
}
_REASONING = ("because", "so that", "which means", "therefore", "why", "so i", "so we", "this shows")
_CONCRETE = re.compile(r"\d|\b(when|where|during|after|before|yesterday|today|last)\b", re.I)


@dataclass(frozen=True)
class RubricScore:
    """A suggested quality with the reasons for it and one hint to improve."""

    quality: float
    reasons: tuple[str, ...]
    hint: str


def _has_cue(text: str, cues: tuple[str, ...]) -> bool:
    return any(re.search(r"(?<![a-z])" + re.escape(cue), text) for cue in cues)


def suggest_quality(text: str, mode: Mode | str) -> RubricScore:
    """Score ``text`` as a contribution to ``mode``.

    Four criteria, each with a share of the score: substance (length, up to 0.3), the mode's
    own move (0.3), concreteness (0.2) and reasoning (0.2).

    Returns
    -------
    RubricScore
        ``quality`` in [0, 1], the ``reasons`` behind it and one ``hint``.
    """
    mode = Mode.parse(mode)
    clean = normalize_text(text)
    lower = clean.lower()
    words = re.findall(r"\w+", clean)
    reasons: list[str] = []
    hints: list[str] = []
    score = 0.0

    if len(words) >= 25:
        score += 0.3
        reasons.append("Substance: a developed thought (25+ words).")
    elif len(words) >= 10:
        score += 0.2
        reasons.append("Substance: a full sentence or two.")
        hints.append("Add a sentence or two more: what exactly happened, or what it means.")
    elif words:
        score += 0.1
        reasons.append("Substance: very short.")
        hints.append("Write at least two full sentences so someone else can follow you.")
    else:
        hints.append("Write what you want to add.")

    if _has_cue(lower, MODE_CUES[mode]):
        score += 0.3
        reasons.append(f"{mode.label}: it shows the mode's own move ({mode.conversion}).")
    else:
        hints.append(_MODE_HINT[mode])

    if _CONCRETE.search(clean):
        score += 0.2
        reasons.append("Concrete: it names a time, place or number.")
    else:
        hints.append("Make it concrete: say when, where or how much.")

    if any(marker in lower for marker in _REASONING):
        score += 0.2
        reasons.append("Reflective: it says why, not only what.")
    else:
        hints.append("Say why it matters: add a 'because ...' or 'so that ...'.")

    hint = hints[0] if hints else "Strong answer. To go further, link it to a case from the lesson."
    return RubricScore(quality=round(min(1.0, score), 2), reasons=tuple(reasons), hint=hint)


_MODE_HINT = {
    Mode.SOCIALIZATION: "Describe the shared experience itself: who you watched or worked beside, and what you picked up without words.",
    Mode.EXTERNALIZATION: "Put the know-how into words another person could use: try a metaphor ('it is like ...'), a rule or a sketch of a model.",
    Mode.COMBINATION: "Show how you combined explicit pieces: which documents, notes or ideas you sorted, merged or linked, and into what.",
    Mode.INTERNALIZATION: "Describe putting it into practice: what you tried, how often, and what became second nature.",
}
