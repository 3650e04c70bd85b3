"""A classroom an instructor can trust (issue 12): each finding of the hostile-input review,
kept from coming back. Limits and isolation: no learner's file can stop the class."""

from __future__ import annotations

import io
import json
import os
import tracemalloc
import zipfile

import pytest

from seci_lab.classroom import ClassData, class_report_html, class_workbook, gradebook_csv, load_files, load_folder
from seci_lab.classroom import submission as submission_module
from seci_lab.classroom.submission import SubmissionError, parse_submission, submission_bytes
from seci_lab.model import ROUND_MAX, Contribution, Mode
from seci_lab.store.progress import open_progress

from class_generator import synthetic_class


def _class(n: int = 3, seed: int = 5) -> list[dict]:
    return json.loads(json.dumps(synthetic_class(n, seed=seed)))


def _raw(data: dict) -> bytes:
    return json.dumps(data).encode("utf-8")


# --- rounds: one documented cap wherever a round enters ----------------------------------------

def test_a_contribution_round_past_the_cap_is_refused_with_the_cap():
    assert Contribution("Ann", Mode.SOCIALIZATION, "watched", ROUND_MAX).round == ROUND_MAX
    for round_ in (ROUND_MAX + 1, 10**30):
        with pytest.raises(ValueError, match=f"highest round is {ROUND_MAX}"):
            Contribution("Ann", Mode.SOCIALIZATION, "watched", round_)


@pytest.mark.parametrize("where", ["contribution", "learner"])
@pytest.mark.parametrize("round_", [1_000_000, 10**30])
def test_a_huge_round_in_one_hand_in_is_listed_and_the_class_still_loads(where, round_):
    subs = _class(3)
    bad = subs[1]
    if where == "contribution":
        bad["contributions"].append({"mode": "S", "text": "late", "round": round_, "quality": None})
    else:
        bad["learner"]["round"] = round_
    result = load_files([(f"{d['learner']['id']}.json", _raw(d)) for d in subs])
    assert sorted(s.learner_id for s in result.submissions) == sorted(d["learner"]["id"] for d in (subs[0], subs[2]))
    row = result.problems.set_index("source").loc[f"{bad['learner']['id']}.json"]
    assert f"highest round is {ROUND_MAX}" in row["problem"] and row["action"] == "skipped"
    data = ClassData.from_submissions(result.submissions)
    assert len(data.class_trajectory()) > 0 and gradebook_csv(data)


def test_my_work_import_refuses_a_huge_round_and_changes_nothing(tmp_path):
    progress = open_progress(url=f"sqlite:///{tmp_path / 'me.db'}")
    progress.add_contribution(Contribution("Me", "S", "mine", 1), source_key="r1:S.journal")
    exported = progress.export_json()
    exported["contributions"].append({"source_key": "x", "participant": "Me", "mode": "E", "text": "t",
                                      "round": 10**30, "quality": None})
    with pytest.raises(ValueError, match="highest round"):
        progress.import_json(json.dumps(exported))
    exported["contributions"].pop()
    exported["learner"]["round"] = ROUND_MAX + 1
    with pytest.raises(ValueError, match="highest round"):
        progress.import_json(json.dumps(exported))
    assert [c.text for c in progress.contributions()] == ["mine"] and progress.round == 1
    with pytest.raises(ValueError, match="highest round"):
        progress.set_round(ROUND_MAX + 1)


# --- text that is not Unicode ------------------------------------------------------------------

@pytest.mark.parametrize("field", ["answer", "name", "contribution", "key"])
def test_a_lone_surrogate_is_refused_at_parse_time_with_a_reason(field):
    data = _class(1)[0]
    if field == "answer":
        data["answers"]["S.journal"] = {"text": "bad \ud800 text"}
    elif field == "name":
        data["learner"]["name"] = "Ann \udfff"
    elif field == "contribution":
        data["contributions"].append({"mode": "S", "text": "x\ud800", "round": 1})
    else:
        data["answers"]["S.\ud800"] = {"text": "ok"}
    raw = json.dumps(data).encode("ascii")  # JSON spells it "\ud800": valid JSON, invalid text
    with pytest.raises(SubmissionError, match="not valid Unicode") as info:
        parse_submission(raw, source="x.json")
    assert info.value.kind == "malformed"


def test_one_learners_lone_surrogate_never_stops_the_gradebooks_or_the_report():
    subs = _class(3)
    subs[0]["answers"]["S.journal"] = {"text": "\ud800"}
    subs[2]["learner"]["id"] = "s-\udc80"
    result = load_files([(f"f{n}.json", json.dumps(d).encode("ascii")) for n, d in enumerate(subs)])
    assert [s.learner_id for s in result.submissions] == [subs[1]["learner"]["id"]]
    assert set(result.problems["source"]) == {"f0.json", "f2.json"}
    assert result.problems["problem"].str.contains("not valid Unicode").all()
    data = ClassData.from_submissions(result.submissions)
    for flavor in ("canvas", "moodle"):
        gradebook_csv(data, flavor).decode("utf-8")
    class_report_html(data, result.problems).encode("utf-8")
    class_workbook(data, result.problems)


def test_my_work_import_refuses_a_lone_surrogate(tmp_path):
    progress = open_progress(url=f"sqlite:///{tmp_path / 'me.db'}")
    exported = progress.export_json()
    exported["answers"]["S.journal"] = {"text": "\ud800"}
    with pytest.raises(ValueError, match="not valid Unicode"):
        progress.import_json(json.dumps(exported).encode("ascii"))
    assert progress.answers() == {}


# --- zips ----------------------------------------------------------------------------------------

def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_member_is_listed_not_inflated():
    subs = _class(2)
    bomb = b'{"x": "' + b"0" * 4_000_000 + b'"}'  # 4 MB of zeros: about 1000 to 1
    raw = _zip({"a.json": submission_bytes(subs[0]), "bomb.json": bomb, "b.json": submission_bytes(subs[1])})
    assert len(raw) < 100_000
    result = load_files([("class.zip", raw)])
    assert len(result.submissions) == 2
    problems = dict(zip(result.problems["source"], result.problems["problem"]))
    assert "zip bomb" in problems["class.zip/bomb.json"]


def test_the_total_a_load_inflates_to_is_capped(monkeypatch):
    subs = _class(6)
    sizes = [len(submission_bytes(d)) for d in subs]
    monkeypatch.setattr(submission_module, "MAX_ZIP_TOTAL_BYTES", sum(sizes[:3]))
    raw = _zip({f"{n}.json": submission_bytes(d) for n, d in enumerate(subs)})
    result = load_files([("class.zip", raw)])
    assert [s.source for s in sorted(result.submissions, key=lambda s: s.source)] == [
        f"class.zip/{n}.json" for n in range(3)]
    assert list(result.problems["source"]) == [f"class.zip/{n}.json" for n in range(3, 6)]
    assert result.problems["problem"].str.contains("once unpacked").all()


def test_a_zip_with_too_many_entries_is_not_read(monkeypatch):
    monkeypatch.setattr(submission_module, "MAX_ZIP_MEMBERS", 5)
    raw = _zip({f"{n}.json": b"{}" for n in range(6)})
    result = load_files([("many.zip", raw)])
    assert result.submissions == [] and list(result.problems["source"]) == ["many.zip"]
    assert "entries" in result.problems["problem"][0]


def test_a_zip_in_a_zip_is_read_and_deeper_ones_are_bounded():
    subs = _class(3)
    inner = _zip({"learner.json": submission_bytes(subs[1])})
    deepest = _zip({"c.json": submission_bytes(subs[2])})
    deeper = _zip({"deepest.zip": deepest})
    raw = _zip({"a.json": submission_bytes(subs[0]), "late/inner.zip": inner, "deeper.zip": deeper})
    result = load_files([("lms.zip", raw)])
    assert sorted(s.learner_id for s in result.submissions) == sorted(d["learner"]["id"] for d in subs[:2])
    assert "lms.zip/late/inner.zip/learner.json" in {s.source for s in result.submissions}
    problems = dict(zip(result.problems["source"], result.problems["problem"]))
    assert "levels deep" in problems["lms.zip/deeper.zip/deepest.zip"]


def test_zip_members_are_read_one_at_a_time(tmp_path):
    # 40 members of 1 MB that do not compress: all in memory at once would be 40 MB
    members = {f"m{n}.json": os.urandom(1_000_000) for n in range(40)}
    path = tmp_path / "big.zip"
    path.write_bytes(_zip(members, zipfile.ZIP_STORED))
    del members
    tracemalloc.start()
    try:
        result = load_folder(tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.problems) == 40 and result.submissions == []
    assert peak < 15_000_000


# --- the chosen folder: no links out of it, special files named ---------------------------------

def test_links_out_of_the_folder_are_not_followed(tmp_path):
    subs = _class(2)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_bytes(submission_bytes(subs[0]))
    folder = tmp_path / "class"
    (folder / "inside").mkdir(parents=True)
    (folder / "inside" / "b.json").write_bytes(submission_bytes(subs[1]))
    (folder / "link.json").symlink_to(outside / "secret.json")
    (folder / "same.json").symlink_to(folder / "inside" / "b.json")  # a link within the folder is fine
    (folder / "outdir").symlink_to(outside, target_is_directory=True)
    result = load_folder(folder)
    assert {s.learner_id for s in result.submissions} == {subs[1]["learner"]["id"]}
    problems = dict(zip(result.problems["source"], result.problems["problem"]))
    assert "outside the chosen folder" in problems["link.json"]
    assert not any("secret" in s for s in result.problems["source"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_fifo_is_listed_with_a_reason_and_never_opened(tmp_path):
    subs = _class(1)
    (tmp_path / "a.json").write_bytes(submission_bytes(subs[0]))
    os.mkfifo(tmp_path / "pipe.json")  # opening it would block the dashboard for ever
    os.mkfifo(tmp_path / "pipe")
    result = load_folder(tmp_path)
    assert len(result.submissions) == 1
    problems = dict(zip(result.problems["source"], result.problems["problem"]))
    assert set(problems) == {"pipe.json", "pipe"}
    assert all("named pipe (FIFO)" in p for p in problems.values())


def test_a_file_name_that_is_not_utf8_does_not_break_the_exports(tmp_path):
    subs = _class(2)
    (tmp_path / "good.json").write_bytes(submission_bytes(subs[0]))
    (tmp_path / os.fsdecode(b"bad-\xff.json")).write_bytes(b"{")
    result = load_folder(tmp_path)
    assert len(result.submissions) == 1 and len(result.problems) == 1
    data = ClassData.from_submissions(result.submissions)
    class_report_html(data, result.problems).encode("utf-8")
    class_workbook(data, result.problems)
