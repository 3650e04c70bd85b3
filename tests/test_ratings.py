"""People's ratings (issue 10, item 2) and first quiz attempts (item 4), below the widgets.

The order of precedence, the votes rule and what a learner's file may claim are model rules;
then each place that keeps ratings: the learner's progress store, the hand-in, the instructor's
ratings store and the class analysis, and the workshop store.
"""

from __future__ import annotations

import itertools
import json

import pytest

from class_data import hand_in, quiz_answer, text_answer
from seci_lab.classroom import ClassData
from seci_lab.content import load_questions
from seci_lab.model import DEFAULT_QUALITY, Contribution, check, suggest_quality
from seci_lab.model.contributions import (
    FACILITATOR,
    INSTRUCTOR,
    PRECEDENCE,
    RUBRIC,
    SELF,
    VOTE_LIFT,
    VOTES,
    decide_quality,
    learner_claim,
    votes_quality,
)
from seci_lab.classroom.submission import build_submission
from seci_lab.model.submission import parse_submission
from seci_lab.model.work import counted_attempt, first_attempt, quiz_record, rating_key
from seci_lab.model.workshop import NotAllowed, WorkshopError
from seci_lab.store.classroom import InstructorRatings
from seci_lab.store.progress import open_progress
from seci_lab.store.workshop import WorkshopStore

BANK = {q.id: q for q in load_questions()}


# --- the order of precedence ------------------------------------------------------------------

def test_the_first_source_in_the_order_of_precedence_decides():
    assert PRECEDENCE == (INSTRUCTOR, FACILITATOR, SELF, VOTES, RUBRIC)
    values = {INSTRUCTOR: 0.9, FACILITATOR: 0.7, SELF: 0.5, VOTES: 0.3, RUBRIC: 0.1}
    # every subset of raters, in every order they are given: the strongest present counts
    for n in range(1, len(values) + 1):
        for present in itertools.permutations(values, n):
            ratings = {source: values[source] for source in present}
            strongest = next(source for source in PRECEDENCE if source in present)
            assert decide_quality(ratings) == (values[strongest], strongest)


def test_a_missing_rating_does_not_count_and_nobody_rating_is_unrated():
    assert decide_quality({INSTRUCTOR: None, SELF: 0.4, RUBRIC: 0.8}) == (0.4, SELF)
    assert decide_quality({SELF: None, RUBRIC: None}) == (None, RUBRIC)
    assert decide_quality({}) == (None, RUBRIC)
    assert decide_quality({SELF: 0.0, RUBRIC: 0.9}) == (0.0, SELF)  # a rating of 0 is a rating


@pytest.mark.parametrize("ratings", [{"teacher": 0.5}, {SELF: 1.5}, {SELF: float("nan")}, {INSTRUCTOR: "high"}])
def test_an_unknown_source_or_a_bad_quality_is_refused(ratings):
    with pytest.raises(ValueError):
        decide_quality(ratings)


def test_votes_raise_a_quality_by_the_documented_rule():
    assert votes_quality(0.4, 0, 10) == 0.4 and votes_quality(None, 0, 10) is None  # no votes: unchanged
    assert votes_quality(0.4, 10, 10) == pytest.approx(0.4 + 0.6 * VOTE_LIFT)  # everyone: half way to 1
    assert votes_quality(None, 5, 10) == pytest.approx(DEFAULT_QUALITY + (1 - DEFAULT_QUALITY) * VOTE_LIFT / 2)
    lifted = [votes_quality(0.3, v, 8) for v in range(9)]
    assert lifted == sorted(lifted) and all(q >= 0.3 for q in lifted) and lifted[-1] < 1
    assert votes_quality(1.0, 3, 3) == 1.0
    for bad in ((0.5, -1, 3), (0.5, 1.5, 3), (0.5, 1, -2), (2.0, 1, 3)):
        with pytest.raises(ValueError):
            votes_quality(*bad)


def test_a_learners_file_can_only_claim_the_rubric_or_their_own_rating():
    assert learner_claim(None) == RUBRIC and learner_claim(RUBRIC) == RUBRIC
    for claimed in (SELF, INSTRUCTOR, FACILITATOR, VOTES, "root"):
        assert learner_claim(claimed) == SELF


def test_a_contribution_carries_its_source():
    c = Contribution("Ada", "E", "a metaphor", 1, 0.7)
    assert c.quality_source == RUBRIC and c.rating_note == "" and c.to_dict()["quality_source"] == RUBRIC
    rated = Contribution("Ada", "E", "a metaphor", 1, 0.9, quality_source=SELF)
    assert rated.rating_note == "self-rated" and rated != c
    with pytest.raises(ValueError, match="quality source"):
        Contribution("Ada", "E", "a metaphor", 1, 0.9, quality_source="boss")


def test_the_rating_key_of_an_answers_contributions_is_the_answer_key():
    assert rating_key("r1:E.metaphor") == rating_key("r3:E.metaphor") == "E.metaphor"
    assert rating_key("r2:I.log.2026-03-02") == "I.log.2026-03-02"
    assert rating_key("spiral:abc123") == "spiral:abc123" and rating_key("contribution:4") == "contribution:4"


# --- the learner's store --------------------------------------------------------------------

@pytest.fixture
def progress(tmp_path):
    p = open_progress(url=f"sqlite:///{tmp_path / 'me.sqlite'}")
    p.add_contribution(Contribution("Ada", "S", "I shadowed the baker for a week", 1, 0.4), "r1:S.journal")
    p.add_contribution(Contribution("Ada", "E", "Kneading is like stretching a rubber band", 1, 0.5), "r1:E.metaphor")
    yield p
    p.engine.dispose()


def test_a_self_rating_in_the_lab_keeps_the_contribution_and_its_key(progress):
    before = progress.contributions()
    keys = progress.contribution_keys()
    after = [before[0], Contribution("Ada", "E", before[1].text, 1, 0.9, quality_source=SELF)]
    progress.apply_changes(before, after)
    assert progress.contributions() == after and progress.contribution_keys() == keys
    assert progress.ratings(SELF) == {"r1:E.metaphor": 0.9}
    # saving the answer again (the lesson re-scores it) keeps the learner's own rating
    progress.add_contribution(Contribution("Ada", "E", before[1].text, 1, 0.55), "r1:E.metaphor")
    assert progress.contributions()[1].quality == 0.9 and progress.contributions()[1].quality_source == SELF
    # back to the rubric: the rubric's saved suggestion counts again (not the quality passed)
    progress.apply_changes(progress.contributions(),
                           [before[0], Contribution("Ada", "E", before[1].text, 1, 0.1)])
    assert progress.contributions()[1] == Contribution("Ada", "E", before[1].text, 1, 0.55)
    assert progress.ratings(SELF) == {}


def test_a_contribution_added_with_the_learners_own_quality_is_self_rated(progress):
    mine = Contribution("Ada", "C", "I merged my notes into one table", 1, 0.8, quality_source=SELF)
    progress.apply_changes(progress.contributions(), progress.contributions() + [mine])
    assert progress.contributions()[-1] == mine
    key = progress.contribution_keys()[-1]
    progress.remove_contribution(key)
    assert progress.ratings(SELF) == {}  # the rating goes with its contribution


def test_the_instructors_rating_counts_over_the_learners_own(progress):
    progress.rate("r1:S.journal", 0.3)
    assert progress.contributions()[0].quality_source == SELF
    assert progress.replace_ratings(INSTRUCTOR, {"S.journal": 0.85, "E.metaphor": 0.2})
    assert [(c.quality, c.quality_source) for c in progress.contributions()] == [(0.85, INSTRUCTOR),
                                                                                 (0.2, INSTRUCTOR)]
    assert not progress.replace_ratings(INSTRUCTOR, {"S.journal": 0.85, "E.metaphor": 0.2})  # nothing new
    # the lab cannot re-rate what the instructor rated
    rated = progress.contributions()
    with pytest.raises(ValueError, match="Only your own rating"):
        progress.apply_changes(rated, [rated[0], Contribution("Ada", "E", rated[1].text, 1, 0.9,
                                                              quality_source=INSTRUCTOR)])
    progress.replace_ratings(INSTRUCTOR, {})  # withdrawn in the class store: the learner's own counts again
    assert progress.contributions()[0].quality == 0.3 and progress.contributions()[0].quality_source == SELF
    with pytest.raises(ValueError):
        progress.rate("r1:S.journal", 1.2)
    with pytest.raises(ValueError, match="no longer in your spiral"):
        progress.rate("r9:S.gone", 0.5)


def test_a_file_carries_only_the_learners_own_ratings(progress, tmp_path):
    progress.rate("r1:S.journal", 0.7)
    progress.replace_ratings(INSTRUCTOR, {"E.metaphor": 0.95})
    exported = progress.export_json()
    by_key = {c["source_key"]: c for c in exported["contributions"]}
    assert (by_key["r1:S.journal"]["quality"], by_key["r1:S.journal"]["quality_source"]) == (0.7, SELF)
    assert (by_key["r1:E.metaphor"]["quality"], by_key["r1:E.metaphor"]["quality_source"]) == (0.5, RUBRIC)
    # a file edited to claim the instructor's rating is read as the learner's own
    exported["contributions"][1].update(quality=1.0, quality_source=INSTRUCTOR)
    del exported["contributions"][0]["quality_source"]  # as a file written before sources existed
    other = open_progress(url=f"sqlite:///{tmp_path / 'other.sqlite'}")
    other.import_json(json.dumps(exported))
    assert [(c.quality, c.quality_source) for c in other.contributions()] == [(0.7, RUBRIC), (1.0, SELF)]
    assert other.ratings(INSTRUCTOR) == {}
    other.engine.dispose()


def test_a_hand_in_never_trusts_a_claimed_instructor_rating(progress):
    progress.rate("r1:S.journal", 0.65)
    progress.replace_ratings(INSTRUCTOR, {"E.metaphor": 0.95})
    data = build_submission(progress, "s100")
    sources = [(c["source_key"], c["quality_source"]) for c in data["contributions"]]
    assert sources == [("r1:S.journal", SELF), ("r1:E.metaphor", RUBRIC)]  # the instructor's stays with them
    data["contributions"][1].update(quality=1.0, quality_source=INSTRUCTOR)  # edited by hand
    submission = parse_submission(json.dumps(data).encode(), source="s100.json")
    assert [(c.quality, c.quality_source) for c in submission.contributions] == [(0.65, SELF), (1.0, SELF)]
    assert submission.to_dict()["contributions"][1]["quality_source"] == SELF


# --- the instructor's ratings and the class -------------------------------------------------

METAPHOR = "Debugging is like a detective story: clues, suspects, and a confession from the logs"


def _class(ratings=None) -> ClassData:
    ada = hand_in("S1", "Ada", {"E.metaphor": text_answer("E", METAPHOR, 0.5)}, [
        {"source_key": "r1:E.metaphor", "mode": "E", "text": METAPHOR, "round": 1, "quality": 0.5},
        {"source_key": "r2:E.metaphor", "mode": "E", "text": METAPHOR, "round": 2, "quality": 0.5},
        {"source_key": "spiral:1", "mode": "S", "text": "I sat with the support team", "round": 1,
         "quality": 0.9, "quality_source": SELF},
    ])
    bob = hand_in("s2", "Bob", {"E.metaphor": text_answer("E", "a metaphor", 0.5)})
    return ClassData.from_submissions([ada, bob], ratings)


def test_instructor_ratings_are_kept_per_learner_and_key(tmp_path):
    store = InstructorRatings(f"sqlite:///{tmp_path / 'class.sqlite'}")
    store.rate("S1", "E.metaphor", 0.9)
    store.rate("s1", "E.metaphor", 0.8)  # the same learner: ids compare ignoring case
    store.rate("s2", "spiral:1", 0.1)
    assert store.all() == {"s1": {"E.metaphor": 0.8}, "s2": {"spiral:1": 0.1}}
    assert store.of("S1") == {"E.metaphor": 0.8}
    store.rate("s2", "spiral:1", None)
    assert store.of("s2") == {}
    for bad in (("s1", "E.metaphor", 1.01), ("", "E.metaphor", 0.5), ("s1", "", 0.5)):
        with pytest.raises(ValueError):
            store.rate(*bad)
    store.close()


def test_an_instructors_rating_changes_the_answer_its_contributions_the_spiral_and_the_grade():
    plain = _class()
    rubric = suggest_quality(METAPHOR, "E", "metaphor").quality
    assert plain.answers.set_index(["learner_id", "key"]).loc[("S1", "E.metaphor"), "quality"] == pytest.approx(rubric)
    rated = plain.with_ratings({"s1": {"E.metaphor": 1.0, "spiral:1": 0.2}})
    answer = rated.answers.set_index(["learner_id", "key"]).loc[("S1", "E.metaphor")]
    assert answer["quality"] == 1.0 and answer["quality_source"] == INSTRUCTOR
    bob = rated.answers.set_index(["learner_id", "key"]).loc[("s2", "E.metaphor")]
    assert bob["quality_source"] == RUBRIC  # another learner's answer of the same field is not touched
    # both contributions of the answer follow its rating; the learner's own rating is overridden
    contributions = rated.contributions.set_index("key")
    assert list(contributions.loc[["r1:E.metaphor", "r2:E.metaphor"], "quality"]) == [1.0, 1.0]
    assert (contributions.loc["spiral:1", "quality"], contributions.loc["spiral:1", "quality_source"]) == (0.2, INSTRUCTOR)
    # the class spiral: the mean quality of the rated steps changes and the texts are marked
    before, after = plain.class_spiral_table(), rated.class_spiral_table()
    assert not before["Mean quality"].equals(after["Mean quality"])
    assert "[rated by the instructor]" in "\n".join(after["Examples of what was contributed"])
    assert "[self-rated]" in "\n".join(before["Examples of what was contributed"])
    # the grade's rubric component is the instructor's rating; other learners' grades stay
    grades_before, grades_after = plain.grades().set_index("learner_id"), rated.grades().set_index("learner_id")
    assert grades_after.loc["S1", "rubric"] == 1.0 and grades_after.loc["S1", "grade"] > grades_before.loc["S1", "grade"]
    assert grades_after.loc["s2", "grade"] == grades_before.loc["s2", "grade"]
    assert rated._scored_answers is plain._scored_answers  # ratings do not score the class again


def test_a_learners_own_rating_is_shown_but_never_graded():
    data = _class()
    assert data.learner("S1").contributions_table().set_index("text").loc["I sat with the support team", "rated"] \
        == "self-rated"
    # Ada's self-rated 0.9 contribution has no answer: the grade's rubric part is her answer's rubric quality
    assert data.grades().set_index("learner_id").loc["S1", "rubric"] == pytest.approx(
        suggest_quality(METAPHOR, "E", "metaphor").quality)


def test_the_instructor_can_rate_every_answer_and_every_contribution_no_answer_made():
    rateable = _class().rateable("S1")
    assert list(rateable["key"]) == ["E.metaphor", "spiral:1"]  # the two r<n>:E.metaphor follow their answer


# --- first attempts ---------------------------------------------------------------------------

def test_the_quiz_record_keeps_the_first_and_the_counted_attempt():
    first = quiz_record(None, lesson="S", kind="classify", answer="E", correct=False, score=0.0,
                        attempts=1, hints_used=0, round=0, counts=True)
    again = quiz_record(first, lesson="S", kind="classify", answer="S", correct=True, score=1.0,
                        attempts=2, hints_used=1, round=0, counts=False)
    assert again["answer"] == "S" and again["correct"] is True  # the latest is what the page shows
    assert first_attempt(again) == counted_attempt(again) == {"answer": "E", "correct": False, "score": 0.0, "round": 0}
    later = quiz_record(again, lesson="S", kind="classify", answer="S", correct=True, score=1.0,
                        attempts=3, hints_used=1, round=4, counts=True)  # drawn again in a later set
    assert first_attempt(later)["answer"] == "E" and counted_attempt(later) == {
        "answer": "S", "correct": True, "score": 1.0, "round": 4}
    older = quiz_answer("S", "classify", "S", True, 1.0)  # saved before first attempts were kept
    assert first_attempt(older) == counted_attempt(older) == {"answer": "S", "correct": True, "score": 1.0, "round": 0}


def test_item_difficulty_and_misconceptions_use_first_attempts():
    q = BANK["s-nurse-shadowing"]
    wrong = next(o.key for o in q.options if o.key != q.answer)
    rechecked = quiz_record(quiz_record(None, lesson="S", kind=q.kind, answer=wrong, correct=False, score=0.0,
                                        attempts=1, hints_used=0, round=0, counts=True),
                            lesson="S", kind=q.kind, answer=q.answer, correct=True, score=1.0,
                            attempts=2, hints_used=0, round=0, counts=False)
    older = quiz_answer("S", q.kind, q.answer, True, 1.0)  # an older record: first = latest (right)
    data = ClassData.from_submissions([hand_in("a", "Ann", {f"quiz:{q.id}": rechecked}),
                                       hand_in("b", "Ben", {f"quiz:{q.id}": older})])
    item = data.item_difficulty().set_index("item_id").loc[q.id]
    assert item["answered"] == 2 and item["share_correct"] == 0.5 and item["mean_score"] == 0.5
    wrong_answers = data.wrong_answers()
    assert list(wrong_answers["item_id"]) == [q.id] and wrong_answers.loc[0, "count"] == 1
    assert wrong_answers.loc[0, "wrong_answer"] == q.option(wrong).text
    # completion and grades count the attempt that counted towards mastery: Ann's first
    ann = data.answers.set_index(["learner_id", "key"]).loc[("a", f"quiz:{q.id}")]
    assert not ann["correct"] and ann["score"] == 0 and check(q, q.answer).correct


# --- the workshop -----------------------------------------------------------------------------

@pytest.fixture
def workshop(tmp_path):
    store = WorkshopStore.open(f"sqlite:///{tmp_path / 'ws.sqlite'}", max_per_minute=None)
    session = store.create_session("Ratings", "seci")
    people = [store.join(session.join_code, f"P{n}") for n in range(4)]
    store.open_phase(session.id, session.key, "E")
    ideas = [store.submit(people[n].token, f"idea {n}", f"k{n}") for n in range(3)]
    yield store, session, people, ideas
    store.close()


def test_votes_raise_the_quality_of_a_clusters_members(workshop):
    store, session, people, ideas = workshop
    store.open_phase(session.id, session.key, "C")
    liked = store.create_cluster(session.id, session.key, "liked")
    other = store.create_cluster(session.id, session.key, "other")
    store.assign(session.id, session.key, ideas[0].id, liked.id)
    store.assign(session.id, session.key, ideas[1].id, other.id)
    store.vote(people[0].token, liked.id, True)
    store.vote(people[1].token, liked.id, True)
    store.vote(people[2].token, other.id, True)
    qualities = store.qualities(session.id)  # 3 voters this round: 2 chose "liked", 1 "other"
    assert qualities[ideas[0].id] == (pytest.approx(votes_quality(None, 2, 3)), VOTES)
    assert qualities[ideas[1].id] == (pytest.approx(votes_quality(None, 1, 3)), VOTES)
    assert qualities[ideas[2].id] == (None, RUBRIC)  # in no cluster: the default
    assert votes_quality(None, 2, 3) > votes_quality(None, 1, 3) > DEFAULT_QUALITY
    frame = store.contributions_frame(session.id).set_index("id")
    assert frame.loc[ideas[0].id, "quality_source"] == VOTES
    spiral = {c.text: c for c in store.spiral_contributions(session.id)}
    assert spiral["idea 0"].quality_source == VOTES and spiral["idea 2"].quality is None


def test_the_facilitators_rating_counts_over_votes_and_only_the_facilitator_rates(workshop):
    store, session, people, ideas = workshop
    store.open_phase(session.id, session.key, "C")
    cluster = store.create_cluster(session.id, session.key, "all")
    store.assign(session.id, session.key, ideas[0].id, cluster.id)
    store.vote(people[0].token, cluster.id, True)
    store.rate(session.id, session.key, ideas[0].id, 0.3)
    assert store.qualities(session.id)[ideas[0].id] == (0.3, FACILITATOR)  # below the votes: still counts
    assert store.ratings(session.id) == {ideas[0].id: 0.3}
    with pytest.raises(NotAllowed):
        store.rate(session.id, "not-the-key", ideas[1].id, 1.0)
    with pytest.raises(WorkshopError):
        store.rate(session.id, session.key, ideas[1].id, 1.5)
    other = store.create_session("Another", "seci")
    with pytest.raises(WorkshopError, match="not part of this session"):
        store.rate(other.id, other.key, ideas[1].id, 0.5)
    store.rate(session.id, session.key, ideas[0].id, None)
    assert store.qualities(session.id)[ideas[0].id][1] == VOTES
    assert "rate" in set(store.events_frame(session.id)["kind"])
