"""Pure domain model of seci-lab: standard library and pandas only.

Nothing here may import ipywidgets, plotly, voila or sqlalchemy; a test enforces it.
"""

from .contributions import (
    DEFAULT_QUALITY,
    PARTICIPANT_MAX_CHARS,
    TEXT_MAX_CHARS,
    Contribution,
    normalize_text,
)
from .rubric import RubricScore, suggest_quality
from .modes import LEVELS, MODES, Knowledge, Level, Mode, ModeFacts
from .spiral import TRAJECTORY_COLUMNS, SpiralParams, simulate_spiral

__all__ = [
    "Contribution",
    "DEFAULT_QUALITY",
    "Knowledge",
    "LEVELS",
    "Level",
    "MODES",
    "Mode",
    "ModeFacts",
    "PARTICIPANT_MAX_CHARS",
    "SpiralParams",
    "TEXT_MAX_CHARS",
    "TRAJECTORY_COLUMNS",
    "RubricScore",
    "normalize_text",
    "suggest_quality",
    "simulate_spiral",
]
