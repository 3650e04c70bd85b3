"""The rubric against answers graded by an independent grader before scoring (issue 10).

``tests/data/rubric_eval.json`` holds answers to every exercise field, each graded 1-3 (null
for an answer in another language), gaming answers marked with their kind. The rubric must
rank them as the grader did (Spearman's rho >= 0.7), give None to the other-language answers,
and score no gaming answer above the median mediocre (grade 2) one. bench/bench_rubric.py
prints the same figures (bench/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from seci_lab.content.exercises import load_exercises
from seci_lab.model import MODES, suggest_quality

EVAL = Path(__file__).parent / "data" / "rubric_eval.json"


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    answers = json.loads(EVAL.read_text(encoding="utf-8"))
    return pd.DataFrame([{**a, "quality": suggest_quality(a["text"], a["mode"], a["field"]).quality}
                         for a in answers])


def test_the_set_covers_every_field_with_grades_and_gaming(scored):
    fields = {(m.value, f.key) for m in MODES for f in load_exercises(m).fields}
    assert fields <= set(zip(scored["mode"], scored["field"]))
    graded = scored[scored["grade"].notna()]
    assert len(graded) >= 80 and set(graded["grade"]) == {1, 2, 3}
    gaming = scored[scored["gaming"].notna()]
    assert len(gaming) >= 20 and gaming["gaming"].nunique() >= 8


def test_other_languages_are_not_scored_and_graded_answers_are(scored):
    other = scored[scored["grade"].isna()]
    assert len(other) >= 1 and other["quality"].isna().all(), other[["id", "quality"]]
    graded = scored[scored["grade"].notna()]
    assert graded["quality"].notna().all(), graded.loc[graded["quality"].isna(), "id"].tolist()


def test_rubric_ranks_answers_as_the_grader_did(scored):
    graded = scored[scored["grade"].notna()]
    rho = graded["grade"].astype(float).corr(graded["quality"].astype(float), method="spearman")
    assert rho >= 0.7, rho


def test_no_gaming_answer_scores_above_the_median_mediocre_one(scored):
    honest = scored[scored["gaming"].isna() & scored["grade"].notna()]
    median_2 = honest.loc[honest["grade"] == 2, "quality"].median()
    gaming = scored[scored["gaming"].notna()]
    above = gaming[gaming["quality"] > median_2]
    assert above.empty, (median_2, above[["id", "gaming", "quality"]].to_dict("records"))
