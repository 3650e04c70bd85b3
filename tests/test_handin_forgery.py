"""Issue 21, items 1 and 2: forged hand-ins and claimed quiz scores.

1. Who uploaded a hand-in is the outermost name the LMS wrote (the top-level file or folder of
   the bulk download), applied to everything inside it; a name a learner chose (a file inside an
   upload, the rest of a Moodle file name) never says who uploaded it. A hand-in nobody vouches
   for never replaces one the LMS or the class store vouches for.
2. A quiz score in a file is never used: only items of the question bank are graded, each checked
   again; unknown item ids are listed as problems.

Each attack below replaced a classmate's grade (or raised a grade) before the fix.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import pytest

from seci_lab.classroom import ClassData, load_files, load_folder
from seci_lab.classroom.submission import parse_submission, submission_bytes
from seci_lab.model.submission import assemble_load, lms_uploader

from class_generator import synthetic_class

BOB_TIME = "2026-11-20T10:00:00+00:00"
EVE_TIME = "2026-11-21T10:00:00+00:00"  # later: "the latest hand-in counts" would pick it


def _pair(seed: int = 8) -> tuple[dict, dict]:
    """Bob's own hand-in, and Eve's forgery of it (Bob's id, a later time, no work)."""
    bob = json.loads(json.dumps(synthetic_class(2, seed=seed)[0]))
    bob["handed_in_at"] = BOB_TIME
    bob["learner"]["name"] = "Bob Smith"  # Canvas writes "smithbob", Moodle "Bob Smith"
    forged = json.loads(json.dumps(bob))
    forged["submission_id"] = "f" * 32
    forged["handed_in_at"] = EVE_TIME
    forged["answers"] = {}
    forged["contributions"] = []
    return bob, forged


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bobs_work_counts(result, bob: dict, forged_source: str, uploader: str = "") -> None:
    kept = {s.learner_id: s for s in result.submissions}
    assert kept[bob["learner"]["id"]].submission_id == bob["submission_id"]
    assert kept[bob["learner"]["id"]].answers == bob["answers"]
    assert "replaced by a newer hand-in" not in set(result.problems["action"])
    listed = result.problems.set_index("source")
    assert forged_source in listed.index, list(listed.index)
    assert listed.loc[forged_source, "action"] == "skipped"
    assert uploader in listed.loc[forged_source, "problem"]  # the forger is named


# --- 1. the uploader is the outermost name the LMS wrote ---------------------------------------

def test_the_outermost_lms_name_gives_the_uploader():
    # Canvas: the file Canvas named, or a zip Canvas named with anything inside
    assert lms_uploader("evemallory_666_9666_work.zip/seci-lab-hand-in.json") == ("canvas", "666", "evemallory")
    assert lms_uploader("evemallory_666_9666_work.zip/smithbob_101_9101_hand-in.json") == (
        "canvas", "666", "evemallory")
    assert lms_uploader("submissions.zip/evemallory_666_9666_w.zip/a/b.json") == ("canvas", "666", "evemallory")
    # Moodle: the folder, however deep the file is inside it; the flat name read non-greedily
    assert lms_uploader("Eve Mallory_66_assignsubmission_file_/Bob Smith_77_assignsubmission_file_x.json") == (
        "moodle", "66", "Eve Mallory")
    assert lms_uploader("dl/Eve Mallory_66_assignsubmission_file_/sub/folder/x.json") == (
        "moodle", "66", "Eve Mallory")
    assert lms_uploader("Eve Mallory_66_assignsubmission_file_Bob Smith_77_assignsubmission_file_x.json") == (
        "moodle", "66", "Eve Mallory")
    assert lms_uploader("Eve Mallory_66_assignsubmission_file_work.zip/Bob Smith_77_assignsubmission_file_/x.json") \
        == ("moodle", "66", "Eve Mallory")
    # Canvas never writes folders: a folder shaped like a Canvas name is the instructor's
    assert lms_uploader("mgt_501_2026_hand-ins/loose.json") is None


def test_a_canvas_upload_holding_a_plainly_named_hand_in_never_replaces_a_classmate():
    bob, forged = _pair()
    bulk = _zip({"smithbob_101_9101_seci-lab-hand-in.json": submission_bytes(bob),
                 "evemallory_666_9666_work.zip": _zip({"seci-lab-hand-in.json": submission_bytes(forged)})})
    result = load_files([("submissions.zip", bulk)])
    _bobs_work_counts(result, bob, "submissions.zip/evemallory_666_9666_work.zip/seci-lab-hand-in.json",
                      "Canvas user 666")


def test_a_canvas_upload_holding_a_file_named_like_a_classmates_upload_never_replaces_it():
    bob, forged = _pair()
    bulk = _zip({"smithbob_101_9101_seci-lab-hand-in.json": submission_bytes(bob),
                 "evemallory_666_9666_work.zip": _zip({"smithbob_101_9101_seci-lab-hand-in.json":
                                                       submission_bytes(forged)})})
    result = load_files([("submissions.zip", bulk)])
    source = "submissions.zip/evemallory_666_9666_work.zip/smithbob_101_9101_seci-lab-hand-in.json"
    _bobs_work_counts(result, bob, source, "Canvas user 666")


def test_a_moodle_flat_file_named_after_a_classmate_never_replaces_their_work():
    bob, forged = _pair()
    forged_name = "Eve Mallory_66_assignsubmission_file_Bob Smith_77_assignsubmission_file_hand-in.json"
    files = [("Bob Smith_77_assignsubmission_file_hand-in.json", submission_bytes(bob)),
             (forged_name, submission_bytes(forged))]
    result = load_files(files)
    _bobs_work_counts(result, bob, forged_name, "Moodle participant 66")


def test_a_moodle_folder_holding_a_file_named_after_a_classmate_never_replaces_their_work(tmp_path):
    bob, forged = _pair()
    (tmp_path / "Bob Smith_77_assignsubmission_file_").mkdir()
    (tmp_path / "Bob Smith_77_assignsubmission_file_" / "hand-in.json").write_bytes(submission_bytes(bob))
    eve = tmp_path / "Eve Mallory_66_assignsubmission_file_"
    eve.mkdir()
    (eve / "Bob Smith_77_assignsubmission_file_hand-in.json").write_bytes(submission_bytes(forged))
    result = load_folder(tmp_path)
    source = "Eve Mallory_66_assignsubmission_file_/Bob Smith_77_assignsubmission_file_hand-in.json"
    _bobs_work_counts(result, bob, source, "Moodle participant 66")


def test_a_hand_in_nobody_vouches_for_never_replaces_an_uploaded_one_and_both_are_listed():
    bob, forged = _pair()
    canvas = "smithbob_101_9101_seci-lab-hand-in.json"
    result = load_files([(canvas, submission_bytes(bob)), ("loose/bob.json", submission_bytes(forged))])
    _bobs_work_counts(result, bob, "loose/bob.json")
    listed = result.problems.set_index("source")
    # both are listed, so the instructor can decide
    assert "Canvas user 101" in listed.loc["loose/bob.json", "problem"]
    assert canvas in listed.index and "loose/bob.json" in listed.loc[canvas, "problem"]
    assert listed.loc[canvas, "action"] == "counted (in conflict: check)"


def test_the_rule_holds_for_the_class_store_too():
    """assemble_load (the class store uses it) keeps the vouched-for hand-in over a later one."""
    bob, forged = _pair()
    signed = replace(parse_submission(bob, source="class store #1"), uploader_lms="class store",
                     uploader_id=bob["learner"]["id"])
    unsigned = parse_submission(forged, source="class store #2")
    result = assemble_load([signed, unsigned], [], 2)
    assert [s.submission_id for s in result.submissions] == [bob["submission_id"]]
    listed = result.problems.set_index("source")
    assert listed.loc["class store #2", "action"] == "skipped"
    assert "the signed-in user" in listed.loc["class store #2", "problem"]


def test_hand_ins_nobody_vouches_for_still_load_latest_first():
    """A class collected by hand (no LMS names at all) is not a conflict: the latest counts."""
    bob, later = _pair()
    later["answers"] = bob["answers"]
    result = load_files([("a/bob.json", submission_bytes(bob)), ("b/bob-again.json", submission_bytes(later))])
    assert [s.submission_id for s in result.submissions] == ["f" * 32]
    assert result.problems.set_index("source").loc["a/bob.json", "action"] == "replaced by a newer hand-in"


# --- 2. a quiz score in a file is never used -----------------------------------------------------

def _with_invented_items(data: dict, n: int = 24) -> dict:
    forged = json.loads(json.dumps(data))
    forged["submission_id"] = "e" * 32
    for k in range(n):
        record = {"lesson": "SECI"[k % 4], "kind": "choice", "answer": "a", "correct": True, "score": 1.0,
                  "attempts": 1, "hints_used": 0, "round": 0}
        forged["answers"][f"quiz:invented-{k}"] = {**record, "first": dict(record), "counted": dict(record)}
    return forged


def test_invented_quiz_items_never_raise_a_grade_and_are_listed():
    data = json.loads(json.dumps(synthetic_class(1, seed=5)[0]))
    honest = ClassData.from_submissions([parse_submission(data)]).grades()
    forged = _with_invented_items(data)
    result = load_files([("forged.json", submission_bytes(forged))])
    claimed = ClassData.from_submissions(result.submissions)
    assert claimed.grades()["grade"].tolist() == honest["grade"].tolist()
    assert claimed.completion()["quiz"].tolist() == ClassData.from_submissions([parse_submission(data)]).completion()[
        "quiz"].tolist()
    row = result.problems.set_index("source").loc["forged.json"]
    assert "invented-0" in row["problem"] and "24 quiz items" in row["problem"]
    assert row["learner_id"] == data["learner"]["id"]


def test_a_known_item_counts_in_its_own_lesson_whatever_the_file_says():
    data = json.loads(json.dumps(synthetic_class(1, seed=5)[0]))
    key = next(k for k in data["answers"] if k.startswith("quiz:c-"))
    moved = json.loads(json.dumps(data))
    moved["answers"][key]["lesson"] = "S"
    answers = ClassData.from_submissions([parse_submission(moved)]).answers
    assert answers.set_index("key").loc[key, "mode"] == "C"


@pytest.mark.parametrize("claim", [{"correct": True, "score": 1.0}, {"correct": True, "score": 7.0}])
def test_a_known_items_claimed_score_is_checked_again(claim):
    data = json.loads(json.dumps(synthetic_class(1, seed=5)[0]))
    wrong = next(k for k, r in data["answers"].items() if k.startswith("quiz:") and r.get("score") == 0.0)
    honest = ClassData.from_submissions([parse_submission(data)]).grades()["grade"].tolist()
    for part in (data["answers"][wrong], data["answers"][wrong].get("counted") or {}):
        part.update(claim)
    assert ClassData.from_submissions([parse_submission(data)]).grades()["grade"].tolist() == honest


# --- the instructor sees both -------------------------------------------------------------------

def test_the_dashboard_lists_the_conflict_and_the_unknown_items(tmp_path, monkeypatch):
    from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, DB_ENV, INSTRUCTOR_KEY_ENV
    from seci_lab.ui.instructor import instructor_page

    for name in (CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(DB_ENV, str(tmp_path / "own.sqlite"))
    bob, forged = _pair()
    bob = _with_invented_items(bob, n=3)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "smithbob_101_9101_hand-in.json").write_bytes(submission_bytes(bob))
    (folder / "bob.json").write_bytes(submission_bytes(forged))
    page = instructor_page(str(folder))
    page.load_button.click()
    assert page.message.kind == "ok", page.message.text
    assert list(page.data.learners["learner_id"]) == [bob["learner"]["id"]]
    assert "1 skipped" in page.overview.value and "in conflict: check" in page.overview.value
    actions = dict(zip(page.problems.frame["source"], page.problems.frame["action"]))
    assert actions["bob.json"] == "skipped"
    html = page.problems.html.value
    assert "never replaces that one" in html and "invented-0, invented-1, invented-2" in html
    assert "in conflict: check" in html and "without the unknown quiz items" in html
