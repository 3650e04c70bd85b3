"""The rubric against answers graded by independent graders before scoring (issues 10 and 22).

Each set (tests/data/README_rubric_v3.md) holds answers to every exercise field, graded 1-3 by a
teacher who never saw a machine score (null for an answer in another language), gaming answers
marked with their kind. On every set the rubric must meet issue 22's targets
(``tests/rubric_measures.py``):

- Spearman's rho >= 0.8 between grade and quality over every scored answer, gaming included;
- at most 5 % of the gaming answers above the median adequate (grade 2) answer, none at or above
  the median excellent one;
- the median excellent short answer at or above the median adequate long one;
- every other-language answer unscored (quality None) and counted as done exactly when the grader
  found it substantive;

and the debate checker must agree with its grades (rho >= 0.7). ``rubric_v3_dev.json`` was tuned
on; ``rubric_v3_heldout.json`` and the debate set's "heldout" part were looked at while rubric v3
was improved, so they are development sets now too. ``rubric_v3_heldout2.json`` and
``debate_v3_heldout2.json`` are a fresh held-out set written by another independent helper and
never read while tuning: the lead measured them once, after the tuning (bench/README.md). They
miss issue 22's targets (rho 0.729, 9 of 50 gaming answers above the median adequate one, 4 at the
median excellent one, one other-language answer scored, debate rho 0.675), so on them these tests
hold the rubric to what was measured (:data:`FRESH_FLOORS`): a change must not make it worse there,
and the targets stay open in issue 22. The v2 sets (issue 10) keep their own, older checks. Timing
is bench/bench_rubric.py's to measure, not a test's.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from rubric_measures import (DEBATE_RHO_MIN, GAMING_ABOVE_ADEQUATE_MAX, RHO_MIN, debate_rho, debate_scores,
                             gaming_above_share, load, measures, score_rows)

from seci_lab.content.exercises import load_exercises
from seci_lab.model import MODES

DATA = Path(__file__).parent / "data"
#: Sets that may not be in a checkout yet: the fresh held-out set, written apart from the tuning.
FRESH = {"rubric_v3_heldout2.json", "debate_v3_heldout2.json"}
V3_SETS = ["rubric_v3_dev.json", "rubric_v3_heldout.json", "rubric_v3_heldout2.json"]
DEBATE_SETS = [("debate_v3.json", "dev"), ("debate_v3.json", "heldout"), ("debate_v3_heldout2.json", None)]
#: On the fresh held-out set the targets are not met yet: what was measured once (2026-12-08) is the
#: floor, so no change makes it worse unseen. Keys: rho, gaming share above the median adequate
#: answer, gaming answers at the median excellent one, other-language answers scored, debate rho.
FRESH_FLOORS = {"rho": 0.72, "gaming_above": 9 / 50, "gaming_at_3": 4, "other_scored": 1, "debate_rho": 0.67}


def _path(name: str) -> Path:
    path = DATA / name
    if not path.exists():
        if name in FRESH:
            pytest.skip(f"{name} is the fresh held-out set, written apart from the tuning; not in this checkout")
        pytest.fail(f"{path} is missing")
    return path


@pytest.fixture(scope="module", params=V3_SETS)
def v3(request) -> tuple[pd.DataFrame, dict]:
    frame = score_rows(load(_path(request.param)))
    m = measures(frame)
    m["fresh"] = request.param in FRESH
    return frame, m


def test_v3_set_covers_every_field_short_answers_gaming_and_languages(v3):
    frame, _ = v3
    fields = {(m.value, f.key) for m in MODES for f in load_exercises(m).fields}
    assert fields <= set(zip(frame["mode"], frame["field"]))
    assert frame["gaming"].notna().sum() >= 20 and frame["gaming"].nunique() >= 8
    assert ((frame["grade"] == 3) & frame["short"].fillna(False).astype(bool)).sum() >= 10
    assert frame.loc[frame["grade"].isna(), "language"].nunique() >= 4 or frame["language"].isna().all()


def test_v3_ranks_answers_as_the_grader_did_gaming_included(v3):
    _, m = v3
    assert m["rho"] >= (FRESH_FLOORS["rho"] if m["fresh"] else RHO_MIN), m["rho"]
    assert not m["graded_unassessed"], m["graded_unassessed"]


def test_v3_gaming_answers_stay_below_the_median_adequate_one(v3):
    _, m = v3
    if m["fresh"]:
        assert gaming_above_share(m) <= FRESH_FLOORS["gaming_above"], m["gaming_above_2"].to_dict("records")
        assert len(m["gaming_at_3"]) <= FRESH_FLOORS["gaming_at_3"], m["gaming_at_3"].to_dict("records")
        return
    assert gaming_above_share(m) <= GAMING_ABOVE_ADEQUATE_MAX, m["gaming_above_2"].to_dict("records")
    assert m["gaming_at_3"].empty, m["gaming_at_3"].to_dict("records")


def test_v3_short_excellent_answers_are_not_penalised_for_length(v3):
    _, m = v3
    if math.isnan(m["short_3"]) or math.isnan(m["long_2"]):
        pytest.skip("the set marks no short excellent or no long adequate answer ('short')")
    assert m["short_3"] >= m["long_2"], (m["short_3"], m["long_2"])


def test_v3_other_languages_are_unscored_and_count_exactly_when_substantive(v3):
    _, m = v3
    assert m["other_n"] >= 4
    assert len(m["other_scored"]) <= (FRESH_FLOORS["other_scored"] if m["fresh"] else 0), \
        m["other_scored"].to_dict("records")
    assert m["other_count_wrong"].empty, m["other_count_wrong"].to_dict("records")


@pytest.mark.parametrize("name,split", DEBATE_SETS, ids=[f"{n}:{s or 'all'}" for n, s in DEBATE_SETS])
def test_the_debate_checker_agrees_with_the_grades(name, split):
    frame = debate_scores(load(_path(name)))
    if split is not None:
        frame = frame[frame["split"] == split]
    assert len(frame) >= 20 and set(frame["grade"]) == {1, 2, 3}
    rho = debate_rho(frame)
    assert rho >= (FRESH_FLOORS["debate_rho"] if name in FRESH else DEBATE_RHO_MIN), rho


# --- the v2 sets (issue 10) ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def v2() -> pd.DataFrame:
    return score_rows(load(DATA / "rubric_eval.json"))


def test_v2_set_covers_every_field_with_grades_and_gaming(v2):
    fields = {(m.value, f.key) for m in MODES for f in load_exercises(m).fields}
    assert fields <= set(zip(v2["mode"], v2["field"]))
    graded = v2[v2["grade"].notna()]
    assert len(graded) >= 80 and set(graded["grade"]) == {1, 2, 3}
    assert v2["gaming"].notna().sum() >= 20 and v2["gaming"].nunique() >= 8


def test_v2_ranks_answers_and_leaves_other_languages_unscored(v2):
    m = measures(v2)
    assert m["rho"] >= RHO_MIN, m["rho"]
    assert m["other_n"] >= 1 and m["other_scored"].empty and not m["graded_unassessed"]
    # Issue 10's check: no gaming answer above the median mediocre (grade 2) one.
    assert m["gaming_above_2"].empty, m["gaming_above_2"].to_dict("records")
