"""The rubric against answers graded by an independent grader before scoring (issues 10 and 22).

``tests/data/rubric_eval.json`` holds answers to every exercise field, each graded 1-3 (null
for an answer in another language), gaming answers marked with their kind. The rubric must
rank them as the grader did (Spearman's rho >= 0.7), give None to the other-language answers,
and score no gaming answer above the median mediocre (grade 2) one.

``tests/data/rubric_v3_heldout.json`` (issue 22) is the held-out part of a second, larger set by
another independent grader (tests/data/README_rubric_v3.md); the rubric was tuned on its
development part only. On it the rubric must not rank short excellent answers below long adequate
ones, and must count an other-language answer as done exactly when the grader found it
substantive. Issue 22's other targets on the held-out part (rho >= 0.8 over all scored answers, at
most 5 % of gaming answers above the median adequate one and none at the median excellent one,
every other-language answer unscored, the debate checker's rho >= 0.7) were not all met when the
held-out part was run at the end; they are not asserted here, and bench/README.md gives the
measured figures. bench/bench_rubric.py prints them all.
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


# --- rubric v3 (issue 22): the held-out part of the independent grader's v3 set ----------------

V3 = Path(__file__).parent / "data" / "rubric_v3_heldout.json"


@pytest.fixture(scope="module")
def v3() -> pd.DataFrame:
    answers = json.loads(V3.read_text(encoding="utf-8"))
    rows = []
    for a in answers:
        score = suggest_quality(a["text"], a["mode"], a["field"])
        rows.append({**a, "quality": score.quality, "counts": score.counts})
    return pd.DataFrame(rows)


def test_v3_set_covers_every_field_short_answers_gaming_and_languages(v3):
    fields = {(m.value, f.key) for m in MODES for f in load_exercises(m).fields}
    assert fields <= set(zip(v3["mode"], v3["field"]))
    assert v3["gaming"].notna().sum() >= 40 and v3["gaming"].nunique() >= 10
    assert ((v3["grade"] == 3) & v3["short"].astype(bool)).sum() >= 20
    assert v3.loc[v3["grade"].isna(), "language"].nunique() >= 4


def test_v3_other_languages_count_as_done_exactly_when_substantive(v3):
    other = v3[v3["grade"].isna()]
    assert (other["counts"] == other["substantive"].astype(bool)).all(), other[["id", "counts", "substantive"]]


def test_v3_short_excellent_answers_are_not_penalised_for_length(v3):
    honest = v3[v3["gaming"].isna()]
    short_3 = honest.loc[(honest["grade"] == 3) & honest["short"].astype(bool), "quality"].median()
    long_2 = honest.loc[(honest["grade"] == 2) & ~honest["short"].astype(bool), "quality"].median()
    assert short_3 >= long_2, (short_3, long_2)
