"""The class analysis: every view on a small class whose answers are known, then on 300 synthetic learners."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from class_data import hand_in, quiz_answer, synthetic_data, synthetic_submissions, text_answer
from class_generator import XSS_TEXT, _Bank
from seci_lab.classroom import ClassData, GradeScheme
from seci_lab.classroom.analysis import CHECKED_EXERCISES, EXERCISES, QUIZ_SET_SIZE, UNKNOWN_QUIZ_ITEM, exercise_key
from seci_lab.content import load_questions, questions_for
from seci_lab.model import Contribution, check, simulate_spiral, suggest_quality

BANK = {q.id: q for q in load_questions()}
S_ITEMS = [q for q in questions_for("S")][:QUIZ_SET_SIZE]
#: Bob's items of lesson S (issue 23: lesson S asks no classify item, only what it teaches): one Ada
#: answered right, and the lesson's match item with its first row paired wrongly.
S_MISSED = S_ITEMS[1]
S_MATCH = next(q for q in questions_for("S") if q.kind == "match")
S_ROW = S_MATCH.items[0].key
S_WRONG_OPTION = next(o.key for o in S_MATCH.options if o.key != S_MATCH.answer_map[S_ROW])


def rq(text: str, key: str) -> float:
    """The rubric's quality of a text saved under ``key`` (e.g. ``"S.journal"``, ``"I.log.2026-11-01"``):
    what the analysis computes with the field's criteria, whatever a file claims."""
    mode, field = key.split(".")[:2]
    return suggest_quality(text, mode, field).quality


# Short real attempts: since rubric v3 (issue 22) a saved fragment ("Journal of the night shift")
# no longer counts as an exercise done, so Ada's answers each do a little of the exercise's work.
ADA_TEXTS = {
    "S.experience": "Last March I spent two night shifts beside my mentor Ama on the children's ward, "
                    "to learn how she calms a frightened family before a procedure.",
    "S.journal": "At 2 am Ama knelt beside the bed, lowered her voice and waited until the mother's "
                 "breathing slowed; I cannot explain how she knew when to start talking.",
    "S.story": "In my first week at the bakery, Jo stopped my hand before I fed our sourdough starter cold "
               "water, and it stayed lively. I have checked the water at 26 degrees ever since.",
    "E.metaphor": "Debugging is like a detective story, because every clue in the log narrows the suspects "
                  "until one remains.",
    "I.log.2026-11-01": "Day 1: tried the checklist on 5 calls; it took 4 minutes each and I forgot step 2 twice.",
    "I.log.2026-11-02": "Day 2: tried it again on 6 calls; easier than yesterday, 3 minutes each, no step missed."}


def _quiz(q, answer) -> dict:
    feedback = check(q, answer)
    return quiz_answer(q.lesson, q.kind, answer, feedback.correct, feedback.score)


def _wrong_choice(q) -> str:
    return next(o.key for o in q.options if o.key != q.answer)


@pytest.fixture(scope="module")
def small() -> ClassData:
    """Ada did all of Socialization, a set of its quiz (4 of 6 right), one metaphor and two log
    entries; Bob only answered four quiz items wrongly; Cy handed in nothing."""
    ada_answers = {key: text_answer(key[0], text, 0.5) for key, text in ADA_TEXTS.items()}
    for n, q in enumerate(S_ITEMS):
        ada_answers[f"quiz:{q.id}"] = _quiz(q, q.answer_json() if n < 4 else
                                            (_wrong_choice(q) if q.kind in ("classify", "choice") else None))
    ada_contributions = [
        {"mode": "S", "text": ADA_TEXTS["S.story"], "round": 1, "quality": 0.4},
        {"mode": "C", "text": "I merged the cards into a page of three clusters", "round": 1, "quality": 0.7},
    ]
    nurse, match, order = S_MISSED, S_MATCH, BANK["e-honda-city-ladder"]
    choice = BANK["s-ba-originating"]
    wrong_match = dict(match.answer_map, **{S_ROW: S_WRONG_OPTION})  # one wrong pairing
    wrong_order = list(reversed(order.answer))
    bob_answers = {
        f"quiz:{nurse.id}": _quiz(nurse, _wrong_choice(nurse)),
        f"quiz:{choice.id}": _quiz(choice, "c"),
        f"quiz:{match.id}": _quiz(match, wrong_match),
        f"quiz:{order.id}": _quiz(order, wrong_order),
    }
    return ClassData.from_submissions([
        hand_in("s1", "Ada Lovelace", ada_answers, ada_contributions, email="ada@example.edu"),
        hand_in("s2", "Bob Okafor", bob_answers),
        hand_in("s3", "Cy Young"),
    ])


def _row(frame: pd.DataFrame, learner_id: str) -> pd.Series:
    rows = frame[frame["learner_id"] == learner_id]
    assert len(rows) == 1
    return rows.iloc[0]


def test_ada_answers_are_all_six_s_items_valid():
    # Guard of the fixture: the first six S items are classify/choice ones, so Ada's two wrong
    # answers are real options and her score is 4 of 6.
    assert all(q.kind in ("classify", "choice") for q in S_ITEMS[4:])


def test_frames_hold_every_learner_answer_and_contribution(small):
    assert list(small.learners["learner_id"]) == ["s1", "s2", "s3"]  # name order
    assert len(small.answers) == 6 + QUIZ_SET_SIZE + 4
    assert set(small.answers["kind"]) == {"exercise", "quiz"}
    logs = small.answers[small.answers["key"].str.startswith("I.log.")]
    assert set(logs["exercise"]) == {"I.log"} and set(logs["mode"]) == {"I"}
    assert len(small.contributions) == 2 and set(small.contributions["name"]) == {"Ada Lovelace"}
    assert exercise_key("I.log.2026-11-30") == "I.log" and exercise_key("quiz:x") is None


def test_completion_per_learner(small):
    per = small.completion()
    ada, bob, cy = (_row(per, i) for i in ("s1", "s2", "s3"))
    n_i = sum(1 for mode, _ in EXERCISES.values() if mode == "I")
    assert ada["S_exercises"] == 1.0 and ada["S_quiz"] == QUIZ_SET_SIZE
    assert ada["E_exercises"] == pytest.approx(1 / 5)
    assert ada["I_exercises"] == pytest.approx(1 / n_i)  # two log entries are one exercise
    assert ada["exercises"] == pytest.approx(5 / len(EXERCISES))
    assert ada["modes_completed"] == 1
    expected = (1 + 1 / (5 + QUIZ_SET_SIZE) + 0 + 1 / (n_i + QUIZ_SET_SIZE)) / 4
    assert ada["overall"] == pytest.approx(expected)
    # Bob's quiz items: two S ones and one E (match, order are S and E items)
    assert bob["S_quiz"] == 3 and bob["E_quiz"] == 1 and bob["quiz"] == 4 and bob["exercises"] == 0
    assert cy[["exercises", "quiz", "overall", "modes_completed"]].tolist() == [0, 0, 0, 0]


def test_completion_by_mode(small):
    by_mode = small.completion_by_mode().set_index("mode")
    assert list(by_mode.index) == ["S", "E", "C", "I"]
    assert by_mode.loc["S", "started"] == 2 and by_mode.loc["S", "completed"] == 1
    assert by_mode.loc["C", "started"] == 0 and by_mode.loc["C", "exercises"] == 2
    assert by_mode.loc["S", "mean_exercise_share"] == pytest.approx(1 / 3)
    assert (by_mode["learners"] == 3).all()


def test_item_difficulty(small):
    items = small.item_difficulty()
    nurse = items.set_index("item_id").loc[S_MISSED.id]
    assert nurse["answered"] == 2 and nurse["share_correct"] == 0.5 and nurse["mode"] == "S"
    assert nurse["prompt"] == S_MISSED.prompt
    assert items["share_correct"].is_monotonic_increasing  # hardest first
    assert items.iloc[0]["share_correct"] == 0.0


def test_wrong_answers_in_words_with_the_explanation_of_the_option_chosen(small):
    wrong = small.wrong_answers()
    nurse = S_MISSED
    row = wrong[wrong["item_id"] == nurse.id].iloc[0]
    assert row["wrong_answer"] == nurse.option(_wrong_choice(nurse)).text
    assert row["explanation"] == nurse.option(_wrong_choice(nurse)).explanation
    assert row["count"] == 1 and row["share_of_wrong"] == 1.0
    assert row["right_answer"] == nurse.answer_text()
    match = S_MATCH
    pairs = wrong[wrong["item_id"] == match.id]
    assert list(pairs["wrong_answer"]) == [f"{match.item(S_ROW).text} → {match.option(S_WRONG_OPTION).text}"]
    assert match.item(S_ROW).explanation in pairs.iloc[0]["explanation"]
    order = BANK["e-honda-city-ladder"]
    given = wrong[wrong["item_id"] == order.id].iloc[0]
    assert given["wrong_answer"] == " → ".join(order.option(k).text for k in reversed(order.answer))
    assert order.option(order.answer[0]).explanation in given["explanation"]
    with pytest.raises(ValueError):
        small.wrong_answers(top=0)


def test_rubric_scores_and_summary(small):
    scores = small.rubric_scores()
    assert set(scores["learner_id"]) == {"s1"}
    log = scores[scores["key"] == "I.log"]
    expected = (rq(ADA_TEXTS["I.log.2026-11-01"], "I.log") + rq(ADA_TEXTS["I.log.2026-11-02"], "I.log")) / 2
    assert len(log) == 1 and log.iloc[0]["quality"] == pytest.approx(expected)  # the mean of two entries
    summary = small.rubric_summary().set_index("key")
    assert list(summary.index) == ["S.experience", "S.journal", "S.story", "E.metaphor", "I.log"]  # lesson order
    assert summary.loc["S.experience", "n"] == 1
    assert summary.loc["S.experience", "median"] == pytest.approx(rq(ADA_TEXTS["S.experience"], "S.experience"))


def test_class_trajectory_is_the_spiral_of_everyones_contributions(small):
    trajectory = small.class_trajectory()
    ada = small.learner("s1").contributions
    expected = simulate_spiral(ada, 1)
    assert int(trajectory["participants"].iloc[0]) == 1  # only Ada contributed
    pd.testing.assert_frame_equal(trajectory.drop(columns="texts"), expected.drop(columns="texts"))
    assert trajectory["contributions"].sum() == 2


def test_class_spiral_counts_learners_not_names():
    # Two learners with the same name are two people sharing: the class spiral rises
    # (SECI-Spiral v2 needs distinct people in Socialization); one learner alone does not.
    def work(round_):
        return [{"mode": m, "text": f"{m} work in round {round_}", "round": round_, "quality": 0.9}
                for m in "SECI"]

    sams = [hand_in(f"s{i}", "Sam", contributions=[c for r in range(1, 9) for c in work(r)]) for i in (1, 2, 3)]
    together = ClassData.from_submissions(sams).class_trajectory()
    assert set(together[together["mode"] == "S"]["people"]) == {3}
    assert together["level"].max() >= 1
    alone = ClassData.from_submissions(sams[:1]).class_trajectory()
    assert alone["level"].max() == 0


def test_one_learner_on_demand(small):
    view = small.learner("s1")
    assert view.submission.name == "Ada Lovelace"
    assert len(view.answers) == 6 + QUIZ_SET_SIZE and set(view.answers["learner_id"]) == {"s1"}
    assert all(isinstance(c, Contribution) for c in view.contributions)
    assert view.trajectory["contributions"].sum() == 2
    empty = small.learner("s3")
    assert empty.answers.empty and empty.trajectory.empty
    with pytest.raises(ValueError, match="nobody"):
        small.learner("nobody")


def test_search_is_case_insensitive_and_lists_a_text_once(small):
    found = small.search("sourdough STARTER")
    assert len(found) == 1 and found.iloc[0]["where"] == "answer" and found.iloc[0]["key"] == "S.story"
    assert found.attrs["total"] == 1
    only_contribution = small.search("three clusters")
    assert list(only_contribution["where"]) == ["contribution"]
    assert small.search("tried", limit=1).attrs["total"] == 2
    assert len(small.search("tried", limit=1)) == 1
    assert small.search("[a-z]+").empty  # plain text, not a regular expression
    with pytest.raises(ValueError):
        small.search("   ")


def test_grades_follow_the_scheme(small):
    grades = small.grades().set_index("learner_id")
    exercises = 5 / len(EXERCISES)
    quiz = (4 / QUIZ_SET_SIZE) / 4  # S set 4 of 6 right; E, C, I nothing
    log = (rq(ADA_TEXTS["I.log.2026-11-01"], "I.log") + rq(ADA_TEXTS["I.log.2026-11-02"], "I.log")) / 2
    rubric = (sum(rq(ADA_TEXTS[k], k) for k in ("S.experience", "S.journal", "S.story", "E.metaphor"))
              + log) / 5
    assert grades.loc["s1", "exercises"] == pytest.approx(exercises)
    assert grades.loc["s1", "quiz"] == pytest.approx(quiz)
    assert grades.loc["s1", "rubric"] == pytest.approx(rubric)
    assert grades.loc["s1", "grade"] == pytest.approx(round(100 * (0.4 * exercises + 0.4 * quiz + 0.2 * rubric), 2))
    assert grades.loc["s1", "email"] == "ada@example.edu"
    # Bob: match 3 of 4 and order with partial credit, on 3 S items and 1 E item
    bob_s = sum(q["score"] for k, q in small.learner("s2").answers.set_index("key").iterrows()
                if q["mode"] == "S") / 3 * (3 / QUIZ_SET_SIZE)
    bob_e = small.learner("s2").answers.query("mode == 'E'")["score"].mean() * (1 / QUIZ_SET_SIZE)
    assert grades.loc["s2", "quiz"] == pytest.approx((bob_s + bob_e) / 4)
    assert grades.loc["s3", "grade"] == 0
    quiz_only = small.grades(GradeScheme(weights={"quiz": 1}, points=20)).set_index("learner_id")
    assert quiz_only.loc["s1", "grade"] == pytest.approx(round(100 * quiz, 2))
    assert quiz_only.loc["s1", "points"] == pytest.approx(round(20 * quiz, 2))


def test_what_a_hand_in_claims_is_checked_again():
    """A learner can edit the file: a wrong answer marked right, a weak text rated 1.0 and an
    absurd score count for what they are."""
    nurse, match = BANK["s-nurse-shadowing"], BANK["s-match-activities"]
    forged = hand_in("s9", "Mallory", {
        f"quiz:{nurse.id}": quiz_answer("S", "classify", "E", True, 1.0),
        f"quiz:{match.id}": quiz_answer("S", "match", dict(match.answer_map, shadow="E"), True, 1000.0),
        "quiz:not-in-the-bank": quiz_answer("S", "choice", "a", True, 7.0),
        "quiz:s-tanaka-baker": quiz_answer("S", "classify", "Z", True, 1.0),  # an option that does not exist
        "S.story": text_answer("S", "ok", 1.0),
        "C.board": {"mode": "C", "label": "Card board", "quality": 1.0, "merged": True},
    })
    data = ClassData.from_submissions([forged])
    quiz = data.answers.set_index("key")
    assert not quiz.loc[f"quiz:{nurse.id}", "correct"] and quiz.loc[f"quiz:{nurse.id}", "score"] == 0
    assert not quiz.loc[f"quiz:{match.id}", "correct"] and quiz.loc[f"quiz:{match.id}", "score"] == 0.75
    # an item the bank does not have: nothing to check it against, so the file's score never counts
    unknown = quiz.loc["quiz:not-in-the-bank"]
    assert unknown["kind"] == UNKNOWN_QUIZ_ITEM and math.isnan(unknown["score"]) and unknown["mode"] == ""
    assert pd.isna(unknown["correct"])
    assert not quiz.loc["quiz:s-tanaka-baker", "correct"] and quiz.loc["quiz:s-tanaka-baker", "score"] == 0
    assert quiz.loc["S.story", "quality"] == pytest.approx(rq("ok", "S.story")) and rq("ok", "S.story") < 0.5
    assert math.isnan(quiz.loc["C.board", "quality"])
    assert data.grades().loc[0, "rubric"] == pytest.approx(rq("ok", "S.story"))


def test_lesson_7_exercises_belong_to_lesson_7_and_are_checked_again():
    """A theory lesson's checked exercises (``check:<id>``) are lesson 7's ("KCC") exercises with
    their section's title, checked again like quiz items (a claimed right answer counts for what
    it is); the grade and the mode completion, which count the four mode lessons, do not move."""
    phases, conditions = CHECKED_EXERCISES["kcc-ex-phases"][2], CHECKED_EXERCISES["kcc-ex-conditions"][2]
    wrong_conditions = dict(conditions.answer_map, vision="chaos", target="intention")  # two of five swapped
    checks = {
        "check:kcc-ex-phases": {"lesson": "KCC", "kind": "order", "label": "x", "answer": phases.answer_json(),
                                "correct": True, "score": 1.0, "attempts": 2, "hints_used": 1},
        "check:kcc-ex-conditions": {"lesson": "KCC", "kind": "match", "label": "x", "answer": wrong_conditions,
                                    "correct": True, "score": 1.0, "attempts": 1, "hints_used": 0},
    }
    text = {"S.story": text_answer("S", "Our Sourdough Starter story", 0.5)}
    with_checks = ClassData.from_submissions([hand_in("s1", "Ada", {**text, **checks})])
    rows = with_checks.answers.set_index("key")
    assert set(rows["kind"]) == {"exercise"}  # no "other" row
    phases_row, conditions_row = rows.loc["check:kcc-ex-phases"], rows.loc["check:kcc-ex-conditions"]
    assert phases_row["mode"] == conditions_row["mode"] == "KCC"
    assert phases_row["label"] == "Five phases of organizational knowledge creation"
    assert conditions_row["label"] == "Five enabling conditions"
    assert phases_row["exercise"] == "check:kcc-ex-phases" and phases_row["item_id"] == "kcc-ex-phases"
    assert phases_row["correct"] and phases_row["score"] == 1.0 and phases_row["attempts"] == 2
    assert not conditions_row["correct"] and conditions_row["score"] == pytest.approx(
        check(conditions, wrong_conditions).score) and conditions_row["score"] < 1
    assert math.isnan(phases_row["quality"])  # a checked exercise has no rubric score
    assert exercise_key("check:kcc-ex-phases") == "check:kcc-ex-phases" and "check:kcc-ex-phases" not in EXERCISES
    shown = with_checks.learner("s1").answers_with_feedback().set_index("label")
    assert shown.loc["Five enabling conditions", "mode"] == "KCC" and not shown.loc["Five enabling conditions", "correct"]
    without = ClassData.from_submissions([hand_in("s1", "Ada", text)])
    pd.testing.assert_frame_equal(with_checks.grades(), without.grades())
    pd.testing.assert_frame_equal(with_checks.completion(), without.completion())
    assert with_checks.item_difficulty().empty  # exercises, not quiz items


@pytest.mark.parametrize("weights, points", [({"exercises": -1}, 100), ({"essay": 1}, 100),
                                             ({"quiz": 0, "exercises": 0, "rubric": 0}, 100),
                                             ({"quiz": 1}, 0), ({"quiz": float("nan")}, 100)])
def test_grade_scheme_rejects_nonsense(weights, points):
    with pytest.raises(ValueError):
        GradeScheme(weights=weights, points=points)


def test_the_latest_hand_in_of_a_learner_counts():
    early = hand_in("s1", "Ada", {"S.story": text_answer("S", "first draft", 0.1)}, at="2026-11-27T10:00:00+00:00")
    late = hand_in("s1", "Ada", {"S.story": text_answer("S", "final version", 0.9)}, at="2026-11-28T10:00:00+00:00")
    data = ClassData.from_submissions([late, early])
    assert len(data) == 1 and list(data.answers["text"]) == ["final version"]


def test_a_class_that_only_took_quizzes(small):
    bob = small.learner("s2").submission
    data = ClassData.from_submissions([bob])
    completion = data.completion()
    assert completion["S_exercises"].dtype == float and completion.loc[0, "S_exercises"] == 0
    assert data.rubric_summary().empty and data.class_trajectory().empty
    assert 0 < data.grades().loc[0, "grade"] < 40  # quiz credit only
    assert data.search("anything").empty


def test_an_empty_class_gives_empty_views():
    data = ClassData.from_submissions([])
    for view in (data.completion, data.completion_by_mode, data.item_difficulty, data.wrong_answers,
                 data.rubric_scores, data.rubric_summary, data.class_trajectory, data.grades):
        frame = view()
        assert isinstance(frame, pd.DataFrame)
    assert data.completion().empty and data.grades().empty and data.class_trajectory().empty
    assert len(data.completion_by_mode()) == 4
    assert data.search("anything").empty


# --- 300 synthetic learners -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic() -> ClassData:
    return synthetic_data(300, 7)


def test_synthetic_class_shapes(synthetic):
    assert len(synthetic) == 300 and synthetic.learners["learner_id"].is_unique
    completion = synthetic.completion()
    assert len(completion) == 300 and completion["overall"].between(0, 1).all()
    by_mode = synthetic.completion_by_mode().set_index("mode")
    assert (by_mode["completed"] <= by_mode["started"]).all()
    # Diligence falls off lesson by lesson, as the generator's profiles say.
    assert by_mode.loc["S", "mean_exercise_share"] > by_mode.loc["I", "mean_exercise_share"]
    assert by_mode.loc["S", "completed"] > 0
    items = synthetic.item_difficulty()
    assert items["answered"].sum() == (synthetic.answers["kind"] == "quiz").sum()
    assert items["share_correct"].is_monotonic_increasing
    summary = synthetic.rubric_summary()
    assert (summary["q1"] <= summary["median"]).all() and (summary["median"] <= summary["q3"]).all()
    assert summary["max"].max() - summary["min"].min() > 0.5  # scores spread


def test_the_favoured_misconception_comes_first(synthetic):
    misconception = _Bank(7).misconception
    wrong = synthetic.wrong_answers(top=3)
    quiz = synthetic.answers[synthetic.answers["kind"] == "quiz"]
    wrong_n = quiz[quiz["correct"].eq(False)].groupby("item_id").size()
    checked = hits = 0
    for item_id, rows in wrong.groupby("item_id", sort=False):
        q = BANK[item_id]
        if q.kind not in ("classify", "choice") or wrong_n[item_id] < 6:
            continue
        checked += 1
        hits += rows.iloc[0]["wrong_answer"] == q.option(misconception[item_id]).text
        assert rows["count"].is_monotonic_decreasing
    assert checked >= 20
    assert hits >= 0.9 * checked


def test_search_finds_the_planted_phrase(synthetic):
    found = synthetic.search("ONERROR=alert(1)")
    # in the learner's round-1 story (an answer, or only a contribution if round 2 replaced the answer)
    assert len(found) == 1 and found.iloc[0]["text"] == XSS_TEXT and found.iloc[0]["mode"] == "S"


def test_synthetic_grades_and_spiral(synthetic):
    grades = synthetic.grades()
    assert len(grades) == 300 and grades["grade"].between(0, 100).all()
    assert grades["grade"].std() > 10  # a class, not one grade for all
    assert (grades["points"] == grades["grade"]).all()
    trajectory = synthetic.class_trajectory()
    contributors = synthetic.contributions["learner_id"].nunique()
    assert int(trajectory["participants"].iloc[0]) == contributors
    assert trajectory["contributions"].sum() == len(synthetic.contributions)
    assert trajectory["round"].max() == 2  # some learners went round twice
    table = synthetic.class_spiral_table(examples=2)
    assert len(table) == len(trajectory) and table["Contributions"].sum() == len(synthetic.contributions)
    examples = table["Examples of what was contributed"].str.split("\n")
    assert examples.map(len).max() == 2 and examples.map(lambda e: max(len(t) for t in e)).max() <= 160
    assert not math.isnan(trajectory["radius"].iloc[-1])


def test_the_order_of_the_files_does_not_matter():
    shuffled = list(synthetic_submissions(300, 7))[::-1]
    again = ClassData.from_submissions(shuffled)
    pd.testing.assert_frame_equal(again.grades(), synthetic_data(300, 7).grades())
    pd.testing.assert_frame_equal(again.wrong_answers(), synthetic_data(300, 7).wrong_answers())


JUNK = {"S.experience": "asdf", "S.journal": "asdf asdf", "S.story": "x", "E.metaphor": "lorem ipsum",
        "E.instructions": "When I tried it, because X.", "I.log.2026-11-01": "....",
        "I.plan": "I will keep trying to improve next time."}


def test_a_forged_hand_in_of_junk_earns_no_exercise_credit_and_its_grade_row_says_why():
    """Issue 22: any saved text used to count as done (40 of 100 points for 'asdf' everywhere)."""
    forged = hand_in("s9", "Mallory", {k: text_answer(k[0], t, 1.0) for k, t in JUNK.items()})
    data = ClassData.from_submissions([forged])
    row = data.grades().iloc[0]
    assert row["exercises"] == 0.0 and data.completion().iloc[0]["exercises"] == 0.0
    assert "Journal" in row["not_counted"] or "journal" in row["not_counted"].lower()
    missing = data.not_counted()
    assert set(missing["exercise"]) == {exercise_key(k) for k in JUNK}
    assert missing["reason"].str.len().gt(10).all()
    feedback = data.learner("s9").answers_with_feedback()
    assert feedback.loc[feedback["kind"] == "exercise", "counts"].str.startswith("no: ").all()


def test_the_instructors_rating_overrides_whether_an_answer_counts():
    forged = hand_in("s9", "Mallory", {"S.journal": text_answer("S", "asdf asdf", 1.0),
                                       "S.story": text_answer("S", ADA_TEXTS["S.story"], 1.0)})
    data = ClassData.from_submissions([forged])
    assert data.completion().iloc[0]["S_exercises"] == pytest.approx(1 / 3)
    rated = data.with_ratings({"s9": {"S.journal": 0.5, "S.story": 0.0}})
    assert rated.completion().iloc[0]["S_exercises"] == pytest.approx(1 / 3)
    assert list(rated.not_counted()["reason"]) == ["the instructor rated it 0"]
    assert data.with_ratings({"s9": {"S.journal": 0.5}}).completion().iloc[0]["S_exercises"] == pytest.approx(2 / 3)
