"""Rubric scores kept by the instructor's side: a class loaded again gives the same analysis
without scoring again, and a score a hand-in claims is never what counts."""

from __future__ import annotations

import pandas as pd
import pytest

from class_data import hand_in, synthetic_submissions, text_answer
from seci_lab.classroom import ClassData
from seci_lab.classroom import analysis
from seci_lab.model import suggest_quality
from seci_lab.store.scores import RubricScores

WEAK = "ok fine"  # scores low: too few words of one's own


def _views(data: ClassData) -> dict[str, pd.DataFrame]:
    return {"answers": data.answers, "rubric_scores": data.rubric_scores(), "rubric_summary": data.rubric_summary(),
            "completion": data.completion(), "grades": data.grades(), "spiral": data.class_trajectory()}


def _assert_same(left: ClassData, right: ClassData) -> None:
    a, b = _views(left), _views(right)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


@pytest.fixture
def scored_texts(monkeypatch) -> list:
    """Every (text, mode, field) the analysis asks the rubric to score, in order."""
    asked: list = []
    real = analysis.suggest_qualities

    def recording(answers):
        answers = list(answers)
        asked.extend(answers)
        return real(answers)

    monkeypatch.setattr(analysis, "suggest_qualities", recording)
    return asked


def test_kept_scores_give_the_same_analysis_as_scoring_every_text(tmp_path, scored_texts):
    submissions = synthetic_submissions(30, 7)
    url = f"sqlite:///{tmp_path / 'own.sqlite'}"
    scored_again = ClassData.from_submissions(submissions)
    every_text = len(scored_texts)
    assert every_text > 100

    first = ClassData.from_submissions(submissions, scores=RubricScores(url))  # nothing kept yet
    _assert_same(first, scored_again)
    assert len(scored_texts) == 2 * every_text

    again = ClassData.from_submissions(submissions, scores=RubricScores(url))  # a new process, same database
    _assert_same(again, scored_again)
    assert len(scored_texts) == 2 * every_text  # no text scored this time


def test_a_score_a_hand_in_claims_is_never_trusted_nor_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'own.sqlite'}"
    honest = suggest_quality(WEAK, "S", "story").quality
    assert honest < 0.5
    forged = hand_in("s9", "Mallory", {"S.story": text_answer("S", WEAK, 1.0)})
    for _ in range(2):  # before and after the store holds the text's score
        data = ClassData.from_submissions([forged], scores=RubricScores(url))
        assert data.answers.set_index("key").loc["S.story", "quality"] == pytest.approx(honest)
        assert data.grades().loc[0, "rubric"] == pytest.approx(honest)
    verdict = suggest_quality(WEAK, "S", "story")
    assert RubricScores(url).get_many([(WEAK, "S", "story")]) == {(WEAK, "S", "story"): (honest, verdict.uncounted)}


def test_a_changed_rubric_reuses_no_score(tmp_path):
    url = f"sqlite:///{tmp_path / 'own.sqlite'}"
    key = (WEAK, "S", "story")
    RubricScores(url, version="a" * 64).put_many({key: (0.9, "")})
    assert RubricScores(url, version="a" * 64).get_many([key]) == {key: (0.9, "")}
    newer = RubricScores(url, version="b" * 64)
    assert newer.get_many([key]) == {}
    newer.put_many({key: (0.1, "copied"), ("", "E", None): (None, "empty")})  # the older fingerprint's scores go
    assert RubricScores(url, version="a" * 64).get_many([key]) == {}
    assert newer.get_many([key, ("", "E", None), (WEAK, "S", None)]) == {key: (0.1, "copied"),
                                                                         ("", "E", None): (None, "empty")}


def test_a_store_that_cannot_be_opened_scores_every_text(tmp_path):
    broken = RubricScores(f"sqlite:///{tmp_path}")  # a folder, not a database file
    forged = hand_in("s9", "Mallory", {"S.story": text_answer("S", WEAK, 1.0)})
    data = ClassData.from_submissions([forged], scores=broken)
    assert data.answers.set_index("key").loc["S.story", "quality"] == pytest.approx(
        suggest_quality(WEAK, "S", "story").quality)
