"""Pure domain model of seci-lab: standard library and pandas only.

Nothing here may import ipywidgets, plotly, voila or sqlalchemy; a test enforces it.
"""

from .contributions import (
    DEFAULT_QUALITY,
    PARTICIPANT_MAX_CHARS,
    TEXT_MAX_CHARS,
    Contribution,
    clean_participant,
    clean_text,
    normalize_text,
)
from .exercises import (
    KINDS,
    LESSONS,
    MASTERY_THRESHOLD,
    AnswerError,
    Feedback,
    Option,
    Question,
    QuizSession,
    TOPICS,
    check,
    draw_questions,
    family_count,
    mode_options,
    validate_bank,
)
from .rubric import RubricScore, suggest_quality
from .modes import LEVELS, MODES, Knowledge, Level, Mode, ModeFacts
from .spiral import TRAJECTORY_COLUMNS, SpiralParams, simulate_spiral

__all__ = [
    "AnswerError",
    "Feedback",
    "KINDS",
    "LESSONS",
    "MASTERY_THRESHOLD",
    "Option",
    "Question",
    "QuizSession",
    "TOPICS",
    "check",
    "draw_questions",
    "family_count",
    "mode_options",
    "validate_bank",
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
    "clean_participant",
    "clean_text",
    "normalize_text",
    "suggest_quality",
    "simulate_spiral",
]
