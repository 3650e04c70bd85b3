"""Helpers of the classroom analysis and export tests: hand-built hand-ins and the synthetic class.

The synthetic class is built once per test run (cached) because generating and parsing 300
learners' hand-ins takes a few seconds.
"""

from __future__ import annotations

import functools
import uuid

from class_generator import synthetic_class
from seci_lab.classroom import ClassData, Submission, parse_submission


def hand_in(learner_id: str, name: str, answers: dict | None = None, contributions: list | None = None, *,
            at: str = "2026-11-28T10:00:00+00:00", email: str = "", course: str = "MGT 501") -> Submission:
    """A valid hand-in (schema v1) parsed by the real loader."""
    data = {
        "schema": "seci-lab/submission", "version": 1, "submission_id": uuid.uuid4().hex,
        "handed_in_at": at, "seci_lab_version": "0.1.0", "course": course,
        "learner": {"id": learner_id, "name": name, "email": email, "round": 1},
        "answers": answers or {},
        "contributions": [{"source_key": f"k{n}", "participant": name, **c}
                          for n, c in enumerate(contributions or [])],
    }
    return parse_submission(data, source=f"{learner_id}.json")


def text_answer(mode: str, text: str, quality: float, label: str = "x") -> dict:
    """An exercise record as ``seci_lab.ui.answer.TextAnswer`` saves it."""
    return {"mode": mode, "label": label, "text": text, "quality": quality, "reasons": [], "hint": "",
            "round": 1, "hints_used": 0}


def quiz_answer(lesson: str, kind: str, answer, correct: bool, score: float, attempts: int = 1) -> dict:
    """A quiz record as ``seci_lab.ui.quiz.QuizWidget`` saves it."""
    return {"lesson": lesson, "kind": kind, "answer": answer, "correct": correct, "score": score,
            "attempts": attempts, "hints_used": 0, "round": 0}


@functools.cache
def synthetic_submissions(n: int = 300, seed: int = 7) -> tuple[Submission, ...]:
    return tuple(parse_submission(d, source=f"learner-{i}.json") for i, d in enumerate(synthetic_class(n, seed)))


@functools.cache
def synthetic_data(n: int = 300, seed: int = 7) -> ClassData:
    return ClassData.from_submissions(synthetic_submissions(n, seed))
