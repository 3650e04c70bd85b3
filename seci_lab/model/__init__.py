"""Pure domain model of seci-lab: standard library and pandas.

Nothing here may import ipywidgets, plotly, voila or sqlalchemy, nor seci_lab.content (which
imports the model); tests enforce it. The rubric reads its criteria from the content folder's
data file and imports its text libraries (NumPy, LemmInflect, py3langid) on first use,
never at import.
"""

from .contributions import (
    DEFAULT_QUALITY,
    PARTICIPANT_MAX_CHARS,
    ROUND_MAX,
    TEXT_MAX_CHARS,
    Contribution,
    check_round,
    check_unicode,
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
    TOPICS,
    check,
    mode_options,
    validate_bank,
)
from .quiz_session import QuizSession, draw_questions, family_count
from .rubric import CriterionResult, RubricScore, rubric_field, suggest_quality
from .rubric_page import page_quality
from .modes import LEVELS, MODES, Knowledge, Level, Mode, ModeFacts
from .spiral import (
    ROOT_SPIRAL,
    TRAJECTORY_COLUMNS,
    SpiralParams,
    SpiralSeed,
    join_spirals,
    seed_spiral,
    simulate_spiral,
    simulated_group,
    simulated_team,
)
from .spiral_levels import Condition, LevelProgress, level_progress

__all__ = [
    "ROUND_MAX",
    "check_round",
    "check_unicode",
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
    "ROOT_SPIRAL",
    "SpiralParams",
    "SpiralSeed",
    "TEXT_MAX_CHARS",
    "TRAJECTORY_COLUMNS",
    "CriterionResult",
    "RubricScore",
    "clean_participant",
    "clean_text",
    "normalize_text",
    "page_quality",
    "rubric_field",
    "suggest_quality",
    "join_spirals",
    "seed_spiral",
    "simulate_spiral",
    "simulated_group",
    "simulated_team",
    "Condition",
    "LevelProgress",
    "level_progress",
]
