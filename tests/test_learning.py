"""The Learning view of a class (issue 24, item 1): the normalized gain and its interval on
synthetic classes with a known gain, and every kind of bad diagnostic shown, counted and
never crashing a view."""

from __future__ import annotations

import math

import numpy as np
import pytest

from diagnostic_class import FORMS, hand_in, sitting
from seci_lab.classroom.analysis import ClassData
from seci_lab.classroom.learning import MATCHED, ONLY_POST, ONLY_PRE, SAME_FORM, class_gain, learning
from seci_lab.classroom.learning_charts import concept_figure, distribution_figure, learning_sheets, shown_tables
from seci_lab.model.diagnostic import POST, PRE, sitting_key


def _class(subs):
    return ClassData.from_submissions(subs)


def test_a_class_with_a_known_gain_gets_it_with_an_interval_around_it():
    # 10 learners 2 -> 10 and 10 learners 8 -> 10 (of 15): mean pre 5/15, mean post 10/15,
    # so the gain of class averages is exactly (2/3 - 1/3) / (1 - 1/3) = 0.5, while the
    # average of individual gains is (8/13 + 2/7) / 2 = 0.4505.
    subs = [hand_in(f"lo{n}", pre=2, post=10) for n in range(10)] + [hand_in(f"hi{n}", pre=8, post=10)
                                                                      for n in range(10)]
    result = learning(_class(subs))
    g = result.gain
    assert g.learners == 20 and g.value == pytest.approx(0.5)
    assert g.mean_pre == pytest.approx(5 / 15) and g.mean_post == pytest.approx(10 / 15)
    assert g.individual == pytest.approx((8 / 13 + 2 / 7) / 2)
    assert g.low < 0.5 < g.high and g.high - g.low < 0.3
    assert learning(_class(subs)).gain.low == g.low  # seeded: the same class, the same interval
    summary = dict(result.summary().itertuples(index=False, name=None))
    assert summary["Normalized gain of class averages <g> (Hake 1998)"] == "0.50"


def test_the_interval_covers_a_simulated_population_gain_and_narrows_with_more_learners():
    rng = np.random.default_rng(7)
    true_g = 0.4

    def simulate(n):
        ability = rng.uniform(0.1, 0.6, n)
        pre = rng.binomial(15, ability) / 15
        post = rng.binomial(15, ability + true_g * (1 - ability)) / 15
        return class_gain(pre, post)

    small, large = simulate(30), simulate(600)
    assert small.low < true_g < small.high and large.low < true_g < large.high
    assert (large.high - large.low) < (small.high - small.low) / 2


def test_pre_at_100_percent_is_handled():
    g = class_gain([1.0, 1.0], [1.0, 0.8])
    assert math.isnan(g.value) and math.isnan(g.low) and "nothing left to gain" in g.note
    g = class_gain([1.0, 0.5], [1.0, 0.75])  # one learner at 100 %: counted, left out of individual gains
    assert g.value == pytest.approx((0.875 - 0.75) / 0.25) and g.perfect_pre == 1 and g.individual_n == 1
    assert g.individual == pytest.approx(0.5)
    assert math.isnan(class_gain([], []).value)


def test_bad_diagnostics_are_shown_as_such_counted_and_kept_out_of_the_gain():
    older = sitting(PRE, "A", 15, version=FORMS.version - 1 if FORMS.version > 1 else 0)
    forged = sitting(PRE, "A", 3, score=15, right=15)
    subs = [
        hand_in("good1", pre=4, post=12), hand_in("good2", pre=6, post=9),
        hand_in("postonly", post=11),                                    # a post-test without a pre-test
        hand_in("preonly", pre=5),
        hand_in("twice", pre=5, post=9, pre_form="A", post_form="A"),   # the same form twice
        hand_in("forged", post=10, post_form="B", records={sitting_key(PRE): {**forged, "form": "A"}}),
        hand_in("older", post=8, records={sitting_key(PRE): older}),    # a diagnostic of an older version
        hand_in("unread", records={sitting_key(PRE): {"form": "Q", "answers": "all right"}}),
        hand_in("unfinished", records={sitting_key(PRE): sitting(PRE, "B", 4, done=False)}),
        hand_in("none"),
    ]
    result = learning(_class(subs))
    status = dict(zip(result.learners["learner_id"], result.learners["status"]))
    assert status["good1"] == status["good2"] == status["forged"] == MATCHED
    assert status["postonly"] == ONLY_POST and status["preonly"] == ONLY_PRE and status["older"] == ONLY_POST
    assert status["twice"] == SAME_FORM
    assert status["unread"] == status["unfinished"] == "no scored test" and "none" not in status
    assert result.without == 1
    # the forged file's score is its answers' 3 of 15, never the 15 it claims
    forged_pre = result.sittings[(result.sittings["learner_id"] == "forged") & (result.sittings["sitting"] == PRE)]
    assert forged_pre["right"].item() == 3 and "claims a score of 15" in forged_pre["notes"].item()
    notes = " ".join(result.problems()["notes"])
    assert "version" in notes and "not finished" in notes and "names no form" in notes and "not in the gain" in notes
    matched = result.learners[result.learners["status"] == MATCHED]
    assert result.gain.learners == len(matched) and "twice" not in set(matched["learner_id"])
    one = set(result.one_test()["learner_id"])
    assert {"postonly", "preonly", "twice", "older", "unread", "unfinished"} <= one
    # every view and export of it builds
    assert distribution_figure(result.distribution()) is not None and concept_figure(result.by_concept()) is not None
    assert all(len(frame) for frame in learning_sheets(result).values())
    assert set(shown_tables(result)) >= {"summary", "concepts", "forms", "one_test"}


def test_a_class_without_any_diagnostic_shows_empty_views():
    result = learning(_class([hand_in("a"), hand_in("b")]))
    assert result.without == 2 and result.learners.empty and math.isnan(result.gain.value)
    assert distribution_figure(result.distribution()) is None and concept_figure(result.by_concept()) is None
    shown_tables(result)  # builds
    assert dict(result.summary().itertuples(index=False, name=None))["Learners without one"] == "2"


def test_the_forms_mean_difficulty_compares_the_forms_in_the_same_sitting():
    subs = []
    for n in range(40):
        pre_form = "A" if n % 2 else "B"
        # form B is harder: 3 items fewer right on it, in either sitting
        subs.append(hand_in(f"s{n}", pre=8 - 3 * (pre_form == "B"), post=12 - 3 * (pre_form == "A"),
                            pre_form=pre_form, post_form="B" if pre_form == "A" else "A"))
    forms = learning(_class(subs)).form_difficulty().set_index(["form", "sitting"])["mean_score"]
    assert forms[("A", PRE)] - forms[("B", PRE)] == pytest.approx(3 / 15)
    assert forms[("A", POST)] - forms[("B", POST)] == pytest.approx(3 / 15)
