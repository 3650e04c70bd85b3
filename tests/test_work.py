"""The format of saved work (seci_lab.model.work): keys built and taken apart again, records,
the Combination cards drawn from the Externalization answers, and the plan sources of the board."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from seci_lab.content.exercises import ExerciseField, load_exercises
from seci_lab.model import Mode, TEXT_MAX_CHARS, suggest_quality
from seci_lab.model.work import (
    BOARD_KEY,
    EXERCISE,
    HANDIN,
    IDENTITY_KEY,
    LOG,
    LOG_EXERCISE,
    CHECK,
    QUIZ,
    REFLECTION,
    REFLECTION_KEY,
    SELF_KEY,
    Board,
    answer_key,
    check_answers,
    check_key,
    contribution_key,
    exercise_cards,
    key_kind,
    key_mode,
    lab_key,
    log_entries,
    log_key,
    parse_contribution_key,
    parse_key,
    plan_sources,
    quiz_answers,
    quiz_key,
    saved_rating,
    score_answer,
    self_assessment_record,
)

DAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize("key, kind, name, mode", [
    ("S.journal", EXERCISE, "journal", Mode.SOCIALIZATION),
    ("E.metaphor", EXERCISE, "metaphor", Mode.EXTERNALIZATION),
    ("I.aar_why", EXERCISE, "aar_why", Mode.INTERNALIZATION),
    (BOARD_KEY, EXERCISE, "board", Mode.COMBINATION),
    (SELF_KEY, EXERCISE, "self", Mode.INTERNALIZATION),
    ("I.log.2026-03-02", LOG, "log", Mode.INTERNALIZATION),
    ("quiz:s-match-activities", QUIZ, "s-match-activities", None),
    ("check:kcc-ex-phases", CHECK, "kcc-ex-phases", None),
    (REFLECTION_KEY, REFLECTION, "critiques", None),
    (IDENTITY_KEY, HANDIN, "identity", None),
])
def test_every_key_the_lessons_save_parses_and_builds_again(key, kind, name, mode):
    parsed = parse_key(key)
    assert (parsed.kind, parsed.name, parsed.mode) == (kind, name, mode)
    assert str(parsed) == key and key_kind(key) == kind


def test_builders_give_the_keys_saved_today():
    # the keys in learners' stores and hand-in files: changing one would orphan saved work
    assert answer_key("S", "journal") == "S.journal" and answer_key(Mode.COMBINATION, "board") == BOARD_KEY == "C.board"
    assert SELF_KEY == "I.self" and REFLECTION_KEY == "reflection:critiques" and IDENTITY_KEY == "handin:identity"
    assert log_key(DAY) == "I.log.2026-03-02" and parse_key(log_key(DAY)).day == DAY
    assert parse_key(log_key(DAY)).exercise == LOG_EXERCISE == "I.log"
    assert parse_key("E.metaphor").exercise == "E.metaphor" and parse_key("quiz:x").exercise is None
    assert quiz_key("e-choice-1") == "quiz:e-choice-1" and check_key("kcc-ex-ba") == "check:kcc-ex-ba"
    assert parse_key("check:kcc-ex-ba").exercise is None  # not a mode exercise: no spiral contribution
    assert contribution_key(3, "S.journal") == "r3:S.journal"
    assert parse_contribution_key("r12:I.log.2026-03-02") == (12, "I.log.2026-03-02")
    assert lab_key().startswith("spiral:") and lab_key() != lab_key()


@pytest.mark.parametrize("bad", [
    "", "S", "S.", "X.journal", "s.journal", "S.journal.extra", "S.two words", "E.<script>",
    "I.log.", "I.log.yesterday", "I.log.2026-02-30", "I.log.20260302", "quiz:", "quiz: padded", "check:",
    "reflection:", "handin:", "journal", None, 3,
])
def test_bad_keys_are_refused_with_a_message(bad):
    with pytest.raises(ValueError, match="key|must|Unknown"):
        parse_key(bad)
    if isinstance(bad, str):
        assert key_kind(bad) is None


@pytest.mark.parametrize("bad", [(0, "S.journal"), (True, "S.journal"), (1, "not a key"), (1, "")])
def test_bad_contribution_keys_are_refused(bad):
    with pytest.raises(ValueError):
        contribution_key(*bad)


@pytest.mark.parametrize("bad", ["spiral:abc", "r0:S.journal", "r1:", "r1:X.y", "rx:S.journal", "S.journal"])
def test_source_keys_that_no_answer_made_are_not_taken_apart(bad):
    with pytest.raises(ValueError):
        parse_contribution_key(bad)


def test_builders_refuse_what_would_make_a_bad_key():
    for call in (lambda: answer_key("S", "two words"), lambda: answer_key("X", "journal"),
                 lambda: answer_key("S", ""), lambda: quiz_key(""), lambda: check_key(" x"), lambda: log_key("2026-03-02")):
        with pytest.raises(ValueError):
            call()


def test_key_mode_groups_any_key_by_its_letter():
    assert key_mode("S.formula") is Mode.SOCIALIZATION and key_mode("I.log.whatever") is Mode.INTERNALIZATION
    assert key_mode("quiz:x") is None and key_mode("S") is None and key_mode("Z.x") is None


def test_quiz_answers_and_log_entries_are_read_from_the_saved_answers():
    answers = {"quiz:a": {"correct": True}, "quiz:b": {"correct": False}, "S.journal": {"text": "x"},
               "I.log.2026-03-03": {"text": "second"}, "I.log.2026-03-02": {"text": "first"},
               "I.log.garbled": {"text": "?"}}
    assert quiz_answers(answers) == {"a": {"correct": True}, "b": {"correct": False}}
    assert check_answers({**answers, "check:kcc-ex-ba": {"score": 0.5}}) == {"kcc-ex-ba": {"score": 0.5}}
    assert check_answers(answers) == {}
    assert log_entries(answers) == [(DAY, {"text": "first"}), (DAY + dt.timedelta(days=1), {"text": "second"})]


def test_a_fields_text_becomes_a_scored_contribution_and_record():
    text = "I watched the baker knead for 3 days because the dough felt different each time."
    contribution, record = score_answer(text, "S", participant="Ada", round=2, label="Journal", hints_used=1,
                                        field="journal")
    score = suggest_quality(text, "S", "journal")  # the field's own criteria
    assert contribution.quality == score.quality and contribution.round == 2 and contribution.participant == "Ada"
    assert record.to_dict() == {"mode": "S", "label": "Journal", "text": contribution.text,
                                "quality": score.quality, "quality_source": "rubric", "reasons": list(score.reasons),
                                "hint": score.hint,
                                "criteria": [c.as_dict() for c in score.criteria], "message": score.message,
                                "flags": list(score.flags), "counts": score.counts, "reason": score.reason,
                                "round": 2, "hints_used": 1}
    assert [c["id"] for c in record.to_dict()["criteria"]] == ["moment", "sensory", "attention", "unsaid"]
    # Another language: saved, unrated (the spiral uses the default quality), and it says why.
    other, unrated = score_answer("Ich habe drei Tage neben dem Bäcker gearbeitet und seine Hände beobachtet.",
                                  "S", participant="Ada", round=2, label="Journal", field="journal")
    assert other.quality is None and unrated.quality is None and "language" in unrated.message
    assert record.with_extras({"story_prompt": "A night shift"}).to_dict()["story_prompt"] == "A night shift"
    for bad, message in (("   ", "empty"), ("w" * (TEXT_MAX_CHARS + 1), "limit"), (None, "must be text")):
        with pytest.raises(ValueError, match=message):
            score_answer(bad, "S", participant="Ada", round=1, label="Journal")


def test_cards_are_the_saved_answers_of_the_fields_passed_in_order():
    answers = {"E.model": {"text": "A model", "label": "3. Model"}, "E.metaphor": {"text": "A metaphor"},
               "E.analogy": {"text": "   "}, "S.journal": {"text": "not a card"}}
    assert exercise_cards(answers, ["metaphor", "analogy", "model"]) == [
        ("A metaphor", "Mine: E.metaphor"), ("A model", "Mine: 3. Model")]


def test_a_new_externalization_field_becomes_a_card():
    fields = [f.key for f in load_exercises("E").fields] + ["sketch"]
    cards = exercise_cards({"E.sketch": {"text": "A sketch of the fold", "label": "6. Sketch"}}, fields)
    assert cards == [("A sketch of the fold", "Mine: 6. Sketch")]


def test_the_combination_board_takes_a_new_externalization_field_from_the_content(tmp_path, monkeypatch):
    # exercises.toml gains a field: the board shows its answer with no change to the widget's code
    from seci_lab.store.progress import open_progress
    from seci_lab.ui import combination

    real = load_exercises("E")
    sketch = ExerciseField("sketch", "6. Sketch", "Sketch it.", "a sketch", ("A nudge.", "More."))
    grown = dataclasses.replace(real, fields=real.fields + (sketch,))
    monkeypatch.setattr(combination, "load_exercises",
                        lambda mode: grown if Mode.parse(mode) is Mode.EXTERNALIZATION else load_exercises(mode))
    progress = open_progress(url=f"sqlite:///{tmp_path / 'p.sqlite'}")
    progress.save_answer("E.sketch", {"mode": "E", "label": "6. Sketch", "text": "Fold, turn, fold again"})
    board = combination.combination_exercises(progress)
    assert ("Fold, turn, fold again", "Mine: 6. Sketch") in board.cards


def test_the_board_record_round_trips_and_bad_parts_are_left_out():
    board = Board(cards=(("a", "Mine: own card"), ("b", "Sample")), assignment=(1, 0), names=("Named", ""),
                  own_cards=("a",), merged=True)
    record = board.to_record()
    assert record["mode"] == "C" and record["cards"] == [["a", "Mine: own card"], ["b", "Sample"]]
    assert Board.from_record(record) == board
    odd = Board.from_record({"cards": [["a", "S"], "junk", ["c"], [3, "x"]], "assignment": [0, 1, 2, 1],
                             "names": ["One", 7], "own_cards": ["a", 5], "merged": 1})
    assert odd.cards == (("a", "S"), ("c", "")) and odd.assignment == (0, 2)
    assert Board.from_record({"cards": [["a", "S"], ["b", "S"]], "assignment": [0, "1"]}).cards == (("a", "S"),)
    assert odd.names == ("One", "") and odd.own_cards == ("a",) and odd.merged is True
    assert Board.from_record(None) == Board() and Board.from_record({"cards": "x"}) == Board()


def test_plan_sources_are_the_merged_page_items():
    board = Board(cards=(("Fold  the\ndough", "Sample"), ("Rest it", "Sample"), ("Weigh " + "x" * 200, "Sample")),
                  assignment=(0, 1, 5), names=("Handling", "  "), merged=True)
    items = plan_sources(board)
    assert items[:2] == ["Cluster 2: Rest it", "Cluster 6: " + ("Weigh " + "x" * 200)[:99].rstrip() + "…"]
    assert items[2] == "Handling: Fold the dough"
    assert plan_sources(dataclasses.replace(board, merged=False)) == []


def test_self_assessment_record_and_ratings():
    record = self_assessment_record(["one", "two"], {"one": 2, "two": 0}, {"one": 4, "two": 5})
    assert record["before"] == {"one": 2} and record["after"] == {"one": 4, "two": 5}
    assert saved_rating(record, "after", "two") == 5 and saved_rating(record, "before", "two") == 0
    assert saved_rating({"before": {"one": True}}, "before", "one") == 0
    assert saved_rating({"before": {"one": 9}}, "before", "one") == 0 and saved_rating(None, "after", "x") == 0
    with pytest.raises(ValueError, match="at least one"):
        self_assessment_record(["one"], {"one": 0}, {"one": 0})
    with pytest.raises(ValueError, match="between 1 and 5"):
        self_assessment_record(["one"], {"one": 6}, {})


def test_the_saved_work_formats_are_pure_and_the_store_loads_nothing_above_the_model():
    # model/ never imports a GUI, Plotly or the database; store/ holds tables, queries and
    # transactions only, so it loads no report, figure, export, classroom or widget code
    import subprocess
    import sys

    script = (
        "import sys, seci_lab.model.work, seci_lab.model.progress_file, seci_lab.model.submission;"
        "impure = [m for m in ('ipywidgets', 'plotly', 'sqlalchemy', 'voila') if m in sys.modules];"
        "import seci_lab.store.progress, seci_lab.store.classroom, seci_lab.store.workshop;"
        "above = sorted(m for m in sys.modules if m.startswith(('seci_lab.classroom', 'seci_lab.figures', "
        "'seci_lab.exports', 'seci_lab.ui', 'plotly', 'ipywidgets')));"
        "print(impure, above)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] []"
