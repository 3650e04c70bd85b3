"""Hand-in files: format, validation with reasons, migration of "My work" files, loading a class
from a folder or an LMS zip, and the class store."""

from __future__ import annotations

import io
import json
import multiprocessing
import statistics
import zipfile
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from seci_lab.classroom import (
    PROBLEM_COLUMNS,
    SubmissionError,
    build_submission,
    load_files,
    load_folder,
    parse_submission,
    submission_bytes,
    submission_filename,
)
from seci_lab.content import load_questions
from seci_lab.env import CLASS_DB_ENV
from seci_lab.model import Contribution, Mode
from seci_lab.store.classroom import ClassStore, class_store_url
from seci_lab.store.classroom import metadata as class_metadata
from seci_lab.store.progress import open_progress

from class_generator import XSS_TEXT, synthetic_class, write_class


@pytest.fixture
def progress(tmp_path):
    """A learner's progress with a text answer, a quiz answer, a board and two contributions."""
    p = open_progress(url=f"sqlite:///{tmp_path / 'me.db'}")
    p.set_name("Zoë Okafor")
    p.save_answer("S.journal", {"mode": "S", "label": "Observation journal", "text": "I watched <her> hands.",
                                "quality": 0.4, "reasons": ["Concrete."], "hint": "Say why.", "round": 1,
                                "hints_used": 1})
    p.save_answer("quiz:s-match-activities", {"lesson": "S", "kind": "match", "answer": {"shadow": "S"},
                                              "correct": False, "score": 0.25, "attempts": 2, "hints_used": 0,
                                              "round": 0})
    p.save_answer("C.board", {"mode": "C", "cards": [["a", "Mine"]], "assignment": [0], "merged": True})
    p.add_contribution(Contribution("Zoë Okafor", Mode.SOCIALIZATION, "I watched <her> hands.", 1, 0.4),
                       source_key="r1:S.journal")
    p.add_contribution(Contribution("Zoë Okafor", Mode.COMBINATION, "Merged $5$ cards.", 1, None),
                       source_key="r1:C.page")
    return p


def _valid(**changes) -> dict:
    data = synthetic_class(12, seed=3)[0]
    data = json.loads(json.dumps(data))
    for key, value in changes.items():
        data[key] = value
    return data


# --- round trip --------------------------------------------------------------------------------

def test_build_bytes_parse_round_trip_equals_the_saved_work(progress):
    progress.save_answer("handin:identity", {"learner_id": "old"})  # the form's memory is not handed in
    data = build_submission(progress, "  s1234567 ", email="zoe@example.edu", course="MGT 501")
    raw = submission_bytes(data)
    name = submission_filename(data)
    assert name.startswith("seci-lab-hand-in_s1234567_") and name.endswith(".json")
    sub = parse_submission(raw, source=name)
    assert (sub.learner_id, sub.name, sub.email, sub.course) == ("s1234567", "Zoë Okafor", "zoe@example.edu", "MGT 501")
    expected = {k: v for k, v in progress.answers().items() if not k.startswith("handin:")}
    assert dict(sub.answers) == expected
    assert list(sub.contributions) == progress.contributions()
    assert sub.round == progress.round
    assert sub.handed_in_at.tzinfo is not None and abs(sub.handed_in_at - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert len(sub.submission_id) == 32 and sub.migrated_from is None and sub.source == name
    # and back out again: to_dict is a valid v1 hand-in with the same content
    again = parse_submission(sub.to_dict())
    assert dict(again.answers) == dict(sub.answers) and again.contributions == sub.contributions


def test_build_uses_the_given_name_for_every_contribution(progress):
    data = build_submission(progress, "s1", name="Zoe O.")
    sub = parse_submission(data)
    assert {c.participant for c in sub.contributions} == {"Zoe O."}


@pytest.mark.parametrize("learner_id, reason", [
    ("", "learner id is empty"),
    ("   ", "learner id is empty"),
    ("x" * 65, "65 characters; the limit is 64"),
    ("s1\n2", "control characters"),
])
def test_build_refuses_a_bad_learner_id_with_a_reason(progress, learner_id, reason):
    with pytest.raises(SubmissionError, match=reason):
        build_submission(progress, learner_id)


# --- every kind of bad file --------------------------------------------------------------------

def _bytes(data) -> bytes:
    return json.dumps(data).encode("utf-8")


BAD = {
    "not json": (b"my notes", "malformed", "not valid JSON"),
    "empty": (b"  \n", "malformed", "empty"),
    "not utf-8": ('{"a": "Zo\xeb"}'.encode("latin-1"), "malformed", "not UTF-8"),
    "truncated": (submission_bytes(_valid())[:300], "malformed", "cut short"),
    "json list": (b"[1, 2]", "foreign", "JSON list"),
    "notebook": (_bytes({"cells": [], "nbformat": 4}), "foreign", "no seci-lab schema"),
    "other schema": (_bytes({"schema": "other/app"}), "foreign", "other/app"),
    "newer": (_bytes(_valid(version=2)), "newer", "update seci-lab"),
    "version text": (_bytes(_valid(version="1")), "invalid", "version number"),
    "too large": (b'{"x": "' + b"y" * 5_000_001 + b'"}', "too large", "at most 5 MB"),
    "bad submission id": (_bytes(_valid(submission_id="abc")), "invalid", "submission id"),
    "no learner": (_bytes(_valid(learner="s1")), "invalid", "'learner' section"),
    "empty id": (_bytes(_valid(learner={"id": "", "name": "A"})), "invalid", "learner id is empty"),
    "empty name": (_bytes(_valid(learner={"id": "s1", "name": " "})), "invalid", "name is not valid"),
    "bad email": (_bytes(_valid(learner={"id": "s1", "name": "A", "email": "not an email"})), "invalid", "e-mail"),
    "bad round": (_bytes(_valid(learner={"id": "s1", "name": "A", "round": 0})), "invalid", "round"),
    "naive time": (_bytes(_valid(handed_in_at="2026-11-28T10:00:00")), "invalid", "no time zone"),
    "not a time": (_bytes(_valid(handed_in_at="yesterday")), "invalid", "not an ISO 8601"),
    "answers list": (_bytes(_valid(answers=[])), "invalid", "'answers' must be an object"),
    "answer not object": (_bytes(_valid(answers={"S.x": "text"})), "invalid", "must be an object"),
    "long text": (_bytes(_valid(answers={"S.x": {"text": "w" * 1001}})), "invalid", "more than 1000"),
    "bad quality": (_bytes(_valid(contributions=[{"mode": "S", "text": "t", "round": 1, "quality": 3}])),
                    "invalid", "between 0 and 1"),
    "bad mode": (_bytes(_valid(contributions=[{"mode": "Q", "text": "t", "round": 1}])), "invalid", "Contribution 1"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_bad_file_kind_is_refused_with_its_reason(case):
    raw, kind, reason = BAD[case]
    with pytest.raises(SubmissionError) as info:
        parse_submission(raw, source=f"{case}.json")
    assert info.value.kind == kind
    assert reason.lower() in info.value.reason.lower()


def test_load_files_lists_every_bad_file_and_never_raises():
    good = _valid()
    files = [(f"{case}.json", raw) for case, (raw, _, _) in BAD.items()] + [("good.json", submission_bytes(good))]
    result = load_files(files)
    assert [s.learner_id for s in result.submissions] == [good["learner"]["id"]]
    assert list(result.problems.columns) == PROBLEM_COLUMNS
    assert sorted(result.problems["source"]) == sorted(f"{case}.json" for case in BAD)
    assert set(result.problems["action"]) == {"skipped"}
    row = result.problems.set_index("source").loc["newer.json"]
    assert "update seci-lab" in row["problem"] and row["learner_id"] == good["learner"]["id"]


# --- migration of the older "My work" file -------------------------------------------------------

def test_an_older_my_work_file_is_migrated_with_the_id_from_its_name(progress):
    raw = progress.export_bytes()
    sub = parse_submission(raw, source="uploads/s7654321.json")
    assert sub.learner_id == "s7654321" and sub.name == "Zoë Okafor"
    assert sub.migrated_from == "seci-lab/progress v1"
    assert dict(sub.answers) == progress.answers()
    assert list(sub.contributions) == progress.contributions()
    assert parse_submission(raw, source="other/s7654321.json").submission_id == sub.submission_id

    # an LMS-renamed default download: the LMS's id; a plain default name: a reason, not a guess
    assert parse_submission(raw, source="lovelaceada_4711_803_seci-lab-my-work.json").learner_id == "4711"
    assert parse_submission(raw, source="Ada L_321_assignsubmission_file_/seci-lab-my-work (1).json").learner_id == "321"
    with pytest.raises(SubmissionError, match="rename the file"):
        parse_submission(raw, source="seci-lab-my-work.json")

    result = load_files([("s7654321.json", raw), ("seci-lab-my-work.json", raw)])
    assert [s.learner_id for s in result.submissions] == ["s7654321"]
    actions = dict(zip(result.problems["source"], result.problems["action"]))
    assert actions == {"s7654321.json": "migrated", "seci-lab-my-work.json": "skipped"}


def test_a_my_work_file_of_a_newer_version_says_update():
    data = {"schema": "seci-lab/progress", "version": 9, "exported_at": "2026-11-28T10:00:00+00:00",
            "learner": {"name": "A", "round": 1}, "answers": {}, "contributions": []}
    with pytest.raises(SubmissionError, match="update seci-lab") as info:
        parse_submission(_bytes(data), source="s1.json")
    assert info.value.kind == "newer"


# --- duplicates and hand-ins again ---------------------------------------------------------------

def test_same_submission_twice_is_listed_once_and_the_latest_hand_in_counts():
    a, b = (json.loads(json.dumps(d)) for d in synthetic_class(2, seed=11))
    earlier = json.loads(json.dumps(a))
    earlier["submission_id"] = "0" * 32
    earlier["handed_in_at"] = "2026-11-01T09:00:00+00:00"
    earlier["answers"] = {}
    same_time = json.loads(json.dumps(b))
    same_time["submission_id"] = "f" * 32
    same_time["answers"] = {}
    files = [("a.json", submission_bytes(a)), ("a-copy.json", submission_bytes(a)),
             ("a-early.json", submission_bytes(earlier)), ("b.json", submission_bytes(b)),
             ("z-b-again.json", submission_bytes(same_time))]
    result = load_files(files)
    kept = {s.learner_id: s for s in result.submissions}
    assert kept[a["learner"]["id"]].submission_id == a["submission_id"]
    assert kept[b["learner"]["id"]].submission_id == "f" * 32  # same time: the one read later counts
    actions = dict(zip(result.problems["source"], result.problems["action"]))
    assert actions == {"a-copy.json": "skipped", "a-early.json": "replaced by a newer hand-in",
                       "b.json": "replaced by a newer hand-in"}
    problem = result.problems.set_index("source").loc["a-copy.json", "problem"]
    assert "duplicate" in problem and "a.json" in problem


# --- a whole class ---------------------------------------------------------------------------------

def test_load_folder_of_a_synthetic_class_of_300_with_bad_files(tmp_path):
    counts = write_class(tmp_path / "class", n=300, seed=7)
    calls = []
    result = load_folder(tmp_path / "class", progress=lambda done, total: calls.append((done, total)))
    assert len(result.submissions) == counts["learners"] == 300
    assert len({s.learner_id for s in result.submissions}) == 300
    actions = Counter(result.problems["action"])
    skipped = sum(counts[k] for k in ("malformed", "foreign", "newer", "invalid", "oversize", "duplicates"))
    assert actions == {"skipped": skipped, "migrated": counts["older"], "replaced by a newer hand-in": counts["replaced"]}
    assert result.problems["problem"].str.len().min() > 10  # every row says why
    assert calls[-1] == (result.files, result.files)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # the older files stand in for those learners' hand-ins; every other bad file is one more
    assert result.files == 300 + sum(v for k, v in counts.items() if k not in ("learners", "older"))
    migrated = result.problems[result.problems["action"] == "migrated"]
    assert all(s.migrated_from for s in result.submissions if s.learner_id in set(migrated["learner_id"]))


def test_synthetic_class_is_deterministic_and_has_something_to_find():
    one = synthetic_class(120, seed=5)
    assert one == synthetic_class(120, seed=5)
    assert one != synthetic_class(120, seed=6)
    subs = [parse_submission(d) for d in one]
    # diligence differs: complete learners, quiz-only learners, and some with (almost) nothing
    texts = [sum(1 for a in s.answers.values() if "text" in a) for s in subs]
    quizzes = [sum(1 for k in s.answers if k.startswith("quiz:")) for s in subs]
    assert max(texts) >= 15 and sum(1 for t, q in zip(texts, quizzes) if t == 0 and q > 0) >= 3
    assert any(t == 0 and q == 0 for t, q in zip(texts, quizzes)) or min(texts) <= 3
    # rubric scores spread
    qualities = [a["quality"] for s in subs for a in s.answers.values() if isinstance(a.get("quality"), float)]
    assert statistics.pstdev(qualities) > 0.15
    # a misconception: on some item, most wrong learners chose the same wrong answer
    wrong = Counter()
    for s in subs:
        for key, a in s.answers.items():
            if key.startswith("quiz:") and a["correct"] is False:
                wrong[(key, json.dumps(a["answer"], sort_keys=True))] += 1
    per_item = Counter()
    for (key, _), n in wrong.items():
        per_item[key] += n
    shares = [n / per_item[key] for (key, _), n in wrong.items() if per_item[key] >= 8]
    assert shares and max(shares) >= 0.5
    # answers are the bank's, checked: a correct record's answer is the right one
    bank = {q.id: q for q in load_questions()}
    for s in subs[:30]:
        for key, a in s.answers.items():
            if key.startswith("quiz:") and a["correct"]:
                assert a["answer"] == bank[key[5:]].answer_json()
    # contributions agree with answers, and one story carries a script-like payload
    s = next(s for s in subs if "S.story" in s.answers)
    assert s.answers["S.story"]["text"] == XSS_TEXT
    assert XSS_TEXT in {c.text for c in s.contributions}


def test_zip_bulk_downloads_are_read_member_by_member(tmp_path):
    subs = synthetic_class(4, seed=9)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for data in subs[:3]:
            archive.writestr(f"submissions/{submission_filename(data)}", submission_bytes(data))
        archive.writestr("submissions/broken.json", b"{")
        archive.writestr("__MACOSX/submissions/._x.json", b"\x00\x01")
        archive.writestr("readme.txt", b"not a hand-in")
    (tmp_path / "canvas.zip").write_bytes(buffer.getvalue())
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "one.json").write_bytes(submission_bytes(subs[3]))
    (tmp_path / "not-a-zip.zip").write_bytes(b"PK? no")
    (tmp_path / ".ipynb_checkpoints").mkdir()  # JupyterLab's copy of a file the instructor opened
    (tmp_path / ".ipynb_checkpoints" / "one-checkpoint.json").write_bytes(submission_bytes(subs[3]))
    result = load_folder(tmp_path)
    assert sorted(s.learner_id for s in result.submissions) == sorted(d["learner"]["id"] for d in subs)
    assert {s.source for s in result.submissions} >= {f"canvas.zip/submissions/{submission_filename(subs[0])}",
                                                      "loose/one.json"}
    problems = dict(zip(result.problems["source"], result.problems["problem"]))
    assert set(problems) == {"canvas.zip/submissions/broken.json", "not-a-zip.zip"}
    assert "zip" in problems["not-a-zip.zip"]


@pytest.mark.parametrize("make", ["empty", "missing", "only-other-files"])
def test_an_empty_or_missing_folder_gives_a_reason_not_an_error(tmp_path, make):
    folder = tmp_path / "class"
    if make != "missing":
        folder.mkdir()
    if make == "only-other-files":
        (folder / "notes.txt").write_text("x")
    result = load_folder(folder)
    assert result.submissions == []
    assert len(result.problems) == 1 and result.problems.loc[0, "action"] == "skipped"
    assert "folder" in result.problems.loc[0, "problem"]


def test_a_huge_folder_is_refused_instead_of_scanning_the_disk(tmp_path, monkeypatch):
    # An instructor who types "/" or their home folder gets a message at once, not a scan of the disk.
    from seci_lab.classroom import submission

    monkeypatch.setattr(submission, "MAX_FOLDER_ENTRIES", 20)
    for n in range(30):
        (tmp_path / f"notes-{n}.txt").write_text("x")
    result = load_folder(tmp_path)
    assert result.submissions == []
    assert "more than 20" in result.problems.loc[0, "problem"]


# --- the class store -----------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def class_url(request, tmp_path):
    """An empty class store database on each backend (PostgreSQL as on a JupyterHub)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'class.db'}"
        return
    url = request.getfixturevalue("pg_url")
    yield url
    store = ClassStore(url)
    class_metadata.drop_all(store.engine)
    store.engine.dispose()


def test_class_store_hand_in_is_idempotent_and_the_latest_counts(class_url):
    store = ClassStore(class_url)
    a, b = synthetic_class(2, seed=4)
    first = store.hand_in(a)
    assert not first.stored_again and first.learner_id == a["learner"]["id"]
    assert store.hand_in(a).stored_again  # a double click stores once
    later = json.loads(json.dumps(a))
    later["submission_id"] = "a" * 32
    later["handed_in_at"] = (datetime.fromisoformat(a["handed_in_at"]) + timedelta(hours=1)).isoformat()
    store.hand_in(later)
    store.hand_in(b)
    assert store.count() == 2
    result = store.load()
    kept = {s.learner_id: s.submission_id for s in result.submissions}
    assert kept == {a["learner"]["id"]: "a" * 32, b["learner"]["id"]: b["submission_id"]}
    assert list(result.problems["action"]) == ["replaced by a newer hand-in"]
    assert store.latest(a["learner"]["id"].upper()) == datetime.fromisoformat(later["handed_in_at"])


def test_class_store_refuses_an_invalid_hand_in_and_stores_nothing(class_url):
    store = ClassStore(class_url)
    bad = _valid(learner={"id": "", "name": "A"})
    with pytest.raises(SubmissionError, match="learner id is empty"):
        store.hand_in(bad)
    assert store.count() == 0 and store.load().submissions == []


def test_class_store_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(CLASS_DB_ENV, raising=False)
    assert class_store_url() is None
    with pytest.raises(ValueError, match=CLASS_DB_ENV):
        ClassStore()
    monkeypatch.setenv(CLASS_DB_ENV, str(tmp_path / "c.db"))
    assert class_store_url() == f"sqlite:///{tmp_path / 'c.db'}"
    assert ClassStore().count() == 0


def _hand_in_all(url: str, dicts: list[dict]) -> None:
    store = ClassStore(url)
    for data in dicts:
        store.hand_in(data)


def test_class_store_takes_the_same_hand_ins_from_several_processes_at_once(class_url):
    """Three kernels hand in the same 30 hand-ins at once (double clicks racing): each stored once."""
    subs = synthetic_class(30, seed=12)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hand_in_all, args=(class_url, subs[k:] + subs[:k])) for k in (0, 10, 20)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(180)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    store = ClassStore(class_url)
    assert store.count() == 30
    result = store.load()
    assert result.files == 30 and len(result.submissions) == 30 and result.problems.empty


def test_the_classroom_package_loads_no_widgets_or_plotly():
    import subprocess
    import sys

    script = ("import sys, seci_lab.classroom, seci_lab.store.classroom;"
              "bad = [m for m in ('ipywidgets', 'plotly', 'voila', 'anywidget') if m in sys.modules];"
              "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_latest_finds_a_learner_whatever_the_case_or_unicode_form(tmp_path, progress):
    # "é" typed as one code point at hand-in, as e + combining accent when asked: one learner.
    import unicodedata

    store = ClassStore(f"sqlite:///{tmp_path / 'class.db'}")
    store.hand_in(build_submission(progress, "andré.m"))
    assert store.latest(unicodedata.normalize("NFD", " ANDRÉ.M ")) is not None
