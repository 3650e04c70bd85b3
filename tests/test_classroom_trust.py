"""A classroom an instructor can trust (issue 12): each finding of the hostile-input review,
kept from coming back. Limits and isolation: no learner's file can stop the class."""

from __future__ import annotations

import io
import json
import os
import tracemalloc
import zipfile
from datetime import datetime, timezone

import pytest

from seci_lab.classroom import ClassData, class_report_html, class_workbook, gradebook_csv, load_files, load_folder
from seci_lab.classroom import submission as submission_module
from seci_lab.classroom.submission import SubmissionError, parse_submission, submission_bytes
from seci_lab.env import HUB_USER_VARIABLE, INSTRUCTOR_KEY_ENV, OFF_LOOPBACK_ENV
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


# --- gradebooks the LMS accepts ------------------------------------------------------------------

def _hostile_ids_class() -> ClassData:
    subs = _class(4, seed=11)
    subs[0]["learner"]["id"] = "-s100"
    subs[1]["learner"]["id"] = "+44 7000"
    subs[2]["learner"]["id"] = "@bob"
    subs[2]["learner"]["email"] = ""
    subs[3]["learner"]["name"] = "Points Possible Pat"
    subs[3]["learner"]["email"] = "=pat@example.edu"
    return ClassData.from_submissions([parse_submission(d) for d in subs])


def _csv_rows(raw: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_ids_logins_and_emails_are_written_exactly_as_the_lms_knows_them():
    data = _hostile_ids_class()
    canvas = _csv_rows(gradebook_csv(data, "canvas"))
    header = canvas[0]
    ids = {row[header.index("SIS User ID")] for row in canvas[2:]}
    assert {"-s100", "+44 7000", "@bob"} <= ids and not [i for i in ids if i.startswith("'")]
    assert all(row[header.index("SIS User ID")] == row[header.index("SIS Login ID")] for row in canvas[2:])
    moodle = _csv_rows(gradebook_csv(data, "moodle"))
    assert {row[0] for row in moodle[1:]} >= {"-s100", "+44 7000", "@bob"}
    by_email = _csv_rows(gradebook_csv(data, "moodle", identify_by="email"))
    assert "=pat@example.edu" in {row[0] for row in by_email[1:]}


def test_no_learner_row_passes_for_canvas_points_row():
    data = _hostile_ids_class()
    rows = _csv_rows(gradebook_csv(data, "canvas"))
    points_rows = [row for row in rows[1:] if "points possible" in row[0].casefold()]
    assert len(points_rows) == 1 and rows[1] == points_rows[0] and rows[1][0] == "Points Possible"


def test_rows_without_an_email_are_never_written_under_the_email_mapping():
    from seci_lab.classroom.exports import gradebook_omissions

    data = _hostile_ids_class()
    rows = _csv_rows(gradebook_csv(data, "moodle", identify_by="email"))
    assert rows[0][0] == "Email address" and all(row[0].strip() for row in rows[1:])
    assert len(rows) - 1 == len(data) - 1 and gradebook_omissions(data, "moodle", identify_by="email") == ["@bob"]
    assert "Email address" not in _csv_rows(gradebook_csv(data, "moodle"))[0]  # one identifier per file


@pytest.mark.parametrize("name", ["SECI Final Score", "Current Score", "Points", "Lab grade", "Override 2"])
def test_assignment_names_canvas_would_drop_are_refused(name):
    data = _hostile_ids_class()
    with pytest.raises(ValueError, match="Canvas ignores"):
        gradebook_csv(data, "canvas", assignment=name)
    gradebook_csv(data, "moodle", assignment=name)  # Moodle maps columns by hand: fine there


def test_a_trailing_number_is_explained_as_a_canvas_assignment_id():
    from seci_lab.classroom.exports import canvas_assignment_id

    assert canvas_assignment_id("SECI lab (12345)") == "12345" and canvas_assignment_id("SECI lab (week 3)") is None


def test_every_csv_cell_holding_a_carriage_return_is_quoted():
    import pandas as pd

    from seci_lab.exports import csv_bytes, frame_csv

    frame = pd.DataFrame({"text": ["one\rtwo", "three\r\nfour", "plain"], "n": [1, 2, 3]})
    for raw in (csv_bytes(frame), frame_csv(frame)):
        text = raw.decode("utf-8-sig")
        assert '"one\rtwo"' in text and '"three\r\nfour"' in text
        assert len(_csv_rows(raw.lstrip(b"\xef\xbb\xbf"))) == 4  # header and three rows, no extra row
    subs = _class(1)
    subs[0]["learner"]["name"] = "Ann"
    subs[0]["course"] = "MGT\r501"
    data = ClassData.from_submissions([parse_submission(d) for d in subs])
    rows = _csv_rows(gradebook_csv(data, "canvas"))
    assert len(rows) == 3


def test_the_dashboard_chooses_points_and_leaves_out_learners_not_in_the_roster():
    from seci_lab.classroom.submission import ClassLoad
    from seci_lab.ui.instructor import InstructorPage

    import pandas as pd

    subs = _class(3, seed=4)
    ids = [d["learner"]["id"] for d in subs]
    page = InstructorPage(key="")
    page.show_class(ClassLoad([parse_submission(d) for d in subs], pd.DataFrame(columns=["source", "learner_id",
                                                                                          "problem", "action"])))
    roster = "Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"
    roster += "".join(f"Person {n},{100 + n},{i},{i},A\n" for n, i in enumerate(ids[:2]))
    page.roster_upload.value = ({"name": "roster.csv", "type": "text/csv", "size": len(roster),
                                 "content": memoryview(roster.encode()),
                                 "last_modified": datetime.now(timezone.utc)},)
    assert ids[2] in page.roster_note.value and "left out" in page.roster_note.value
    page.points.value = 20
    rows = _csv_rows(page._gradebook("canvas"))
    assert rows[1][0] == "Points Possible" and float(rows[1][-1]) == 20
    assert {row[2] for row in rows[2:]} == set(ids[:2])
    assert all(0 <= float(row[-1]) <= 20 for row in rows[2:])
    page.leave_out.value = False
    assert {row[0] for row in _csv_rows(page._gradebook("moodle"))[1:]} == set(ids)
    page.assignment.value = "SECI lab (4711)"
    assert "4711" in page.assignment_note.value and "existing assignment" in page.assignment_note.value
    page.assignment.value = "Final Score"
    assert "Canvas ignores" in page.assignment_note.value


# --- identity: nobody can replace a classmate's work ---------------------------------------------

def _canvas_name(last_first: str, user_id: int, data: dict, late: str = "") -> str:
    return f"{late}{last_first}_{user_id}_{9000 + user_id}_seci-lab-hand-in.json"


def test_a_forged_canvas_hand_in_never_replaces_a_classmates_work():
    """The finding: a file uploaded by another Canvas user, claiming Bob's id and 2099, replaced Bob's."""
    subs = _class(3, seed=8)
    bob = subs[0]
    bob_name = bob["learner"]["name"]
    forged = json.loads(json.dumps(bob))
    forged["submission_id"] = "f" * 32
    forged["answers"] = {}
    forged["contributions"] = []
    last_first = "".join(reversed(bob_name.split())).lower()
    files = [(_canvas_name(last_first, 101, bob), submission_bytes(bob)),
             (_canvas_name("evemallory", 666, forged, late="late_"), submission_bytes(forged)),
             (_canvas_name("x", 102, subs[1]), submission_bytes(subs[1]))]
    result = load_files(files)
    kept = {s.learner_id: s for s in result.submissions}
    assert kept[bob["learner"]["id"]].uploader_id == "101" and kept[bob["learner"]["id"]].answers == bob["answers"]
    row = result.problems.set_index("source").loc[files[1][0]]
    assert "Canvas user 666" in row["problem"] and row["action"] == "skipped"
    assert "replaced" not in " ".join(result.problems["action"])


def test_a_hand_in_time_in_the_future_is_refused():
    data = _class(1)[0]
    data["handed_in_at"] = "2099-01-01T00:00:00+00:00"
    with pytest.raises(SubmissionError, match="in the future"):
        parse_submission(data)


def test_the_roster_decides_who_uploaded_what():
    from seci_lab.classroom.roster import parse_roster

    subs = _class(2, seed=9)
    ann, ben = subs
    claim = json.loads(json.dumps(ben))
    claim["submission_id"] = "e" * 32
    roster = parse_roster(("Student,ID,SIS User ID,SIS Login ID,Section\n"
                           f"Ann,201,{ann['learner']['id']},ann,A\nBen,202,{ben['learner']['id']},ben,A\n").encode())
    # Ann (Canvas user 201) hands in a file claiming Ben's id: refused, named, and Ben's stands.
    files = [("a_201_1_x.json", submission_bytes(claim)), ("b_202_2_y.json", submission_bytes(ben)),
             ("a_201_3_z.json", submission_bytes(ann))]
    result = load_files(files, roster=roster)
    assert {s.learner_id: s.uploader_id for s in result.submissions} == {
        ann["learner"]["id"]: "201", ben["learner"]["id"]: "202"}
    row = result.problems.set_index("source").loc["a_201_1_x.json"]
    assert "roster knows as Ann" in row["problem"]


def test_moodle_bulk_download_names_give_the_uploader():
    from seci_lab.model.submission import lms_uploader

    assert lms_uploader("dl/Bob Smith_77_assignsubmission_file_/hand-in.json") == ("moodle", "77", "Bob Smith")
    assert lms_uploader("Bob Smith_77_assignsubmission_file_hand-in.json") == ("moodle", "77", "Bob Smith")
    assert lms_uploader("smithbob_LATE_12_34_hand-in.json") == ("canvas", "12", "smithbob")
    assert lms_uploader("late_smithbob_12_34_hand-in.json") == ("canvas", "12", "smithbob")
    assert lms_uploader("loose/hand-in.json") is None


def test_the_class_store_records_the_signed_in_user_and_refuses_another_id(tmp_path):
    from seci_lab.store.classroom import ClassStore

    store = ClassStore(f"sqlite:///{tmp_path / 'class.db'}")
    ann, ben = _class(2, seed=10)
    store.hand_in(ann, user=ann["learner"]["id"])
    with pytest.raises(SubmissionError, match="signed in as"):
        store.hand_in(ben, user=ann["learner"]["id"])
    loaded = store.load()
    assert [(s.learner_id, s.uploader_id) for s in loaded.submissions] == [(ann["learner"]["id"], ann["learner"]["id"])]


def test_the_hand_in_form_refuses_an_id_that_is_not_the_signed_in_users(tmp_path, monkeypatch):
    from seci_lab.store.classroom import ClassStore
    from seci_lab.ui.handin import HandIn

    monkeypatch.setenv(HUB_USER_VARIABLE, "ann")
    url = f"sqlite:///{tmp_path / 'class.db'}"
    progress = open_progress(url=f"sqlite:///{tmp_path / 'me.db'}")
    form = HandIn(progress, store_url=url)
    assert form.learner_id.value == "ann" and form.learner_id.disabled
    form.name.value = "Ann"
    form.learner_id.value = "bob"  # a forged widget message
    form._on_hand_in()
    assert "signed in as ann" in form.message.value
    assert ClassStore(url).load().submissions == []
    form.learner_id.value = "ann"
    form._on_hand_in()
    assert [s.uploader_id for s in ClassStore(url).load().submissions] == ["ann"]


def test_a_class_store_of_the_first_schema_is_migrated_and_loads(tmp_path):
    import sqlite3

    from seci_lab.store.classroom import ClassStore

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the table as the first seci-lab made it
        conn.execute("CREATE TABLE class_submissions (id INTEGER PRIMARY KEY, submission_id VARCHAR(32) NOT NULL "
                     "UNIQUE, learner_id VARCHAR(64) NOT NULL, learner_key VARCHAR(64) NOT NULL, handed_in_at "
                     "VARCHAR(40) NOT NULL, stored_at VARCHAR(40) NOT NULL, data TEXT NOT NULL)")
        old = _class(1, seed=12)[0]
        conn.execute("INSERT INTO class_submissions (submission_id, learner_id, learner_key, handed_in_at, stored_at, "
                     "data) VALUES (?, ?, ?, ?, ?, ?)", (old["submission_id"], old["learner"]["id"],
                                                         old["learner"]["id"].casefold(), old["handed_in_at"],
                                                         old["handed_in_at"], json.dumps(old)))
    store = ClassStore(f"sqlite:///{path}")
    new = _class(2, seed=13)[1]
    store.hand_in(new, user=new["learner"]["id"])
    loaded = store.load()
    assert sorted(s.learner_id for s in loaded.submissions) == sorted([old["learner"]["id"], new["learner"]["id"]])


# --- safe defaults --------------------------------------------------------------------------------

def test_off_loopback_the_instructor_dashboard_needs_a_key(monkeypatch, tmp_path):
    from seci_lab.ui.instructor import InstructorPage

    monkeypatch.delenv(INSTRUCTOR_KEY_ENV, raising=False)
    monkeypatch.setenv(OFF_LOOPBACK_ENV, "1")
    page = InstructorPage(folder=str(tmp_path))
    assert not page.unlocked and INSTRUCTOR_KEY_ENV in page.children[-1].value
    page._on_load()  # a forged click on a button that is not on the page
    assert "instructor key" in page.message.value and page.loaded is None
    page.key.value = ""
    page._on_unlock()
    assert not page.unlocked
    monkeypatch.delenv(OFF_LOOPBACK_ENV)
    assert InstructorPage(folder=str(tmp_path)).unlocked  # on this computer only: open as before


def test_serve_tells_the_kernels_when_it_listens_beyond_loopback(monkeypatch, tmp_path):
    from seci_lab.server import app
    from seci_lab.server.config import ServeConfig

    seen = {}

    class Fake:
        @staticmethod
        def launch_instance(argv):
            seen["flag"] = os.environ.get(OFF_LOOPBACK_ENV)

    monkeypatch.setattr(app, "_voila_app_class", lambda config, *rest: Fake)
    monkeypatch.delenv(OFF_LOOPBACK_ENV, raising=False)
    for host, flag in (("0.0.0.0", "1"), ("127.0.0.1", None), ("192.168.1.5", "1"), ("localhost", None)):
        app.run_voila(ServeConfig(notebooks=tmp_path, host=host))
        assert seen["flag"] == flag


def test_database_files_are_created_private(tmp_path):
    import stat as stat_module

    folder = tmp_path / "data" / "seci-lab"
    progress = open_progress(url=f"sqlite:///{folder / 'me.db'}")
    progress.save_answer("S.journal", {"text": "mine"})
    assert stat_module.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():  # the database and SQLite's -wal and -shm files
        assert stat_module.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_a_failed_save_says_so_and_keeps_the_text(tmp_path):
    from sqlalchemy import create_engine

    from seci_lab.content.exercises import load_exercises
    from seci_lab.ui.answer import TextAnswer

    path = tmp_path / "me.db"
    progress = open_progress(url=f"sqlite:///{path}")
    field = load_exercises("S").fields[0]
    box = TextAnswer(progress, Mode.SOCIALIZATION, f"S.{field.key}", field)
    # the database becomes read-only under the page (a full disk fails the same way)
    progress.engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    box.text.value = "I watched the baker knead the dough for an hour before I tried it myself."
    box._on_save()
    assert "NOT saved" in box.message.value and "lost" not in box.message.value
    assert box.text.value.startswith("I watched the baker")
    assert open_progress(url=f"sqlite:///{path}").answers() == {}


def test_a_learner_database_of_the_first_schema_is_migrated(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the first schema: contributions had no round yet
        conn.executescript("""
            CREATE TABLE progress_learners (id INTEGER PRIMARY KEY, profile VARCHAR(120) NOT NULL UNIQUE,
                name VARCHAR(60) NOT NULL, round INTEGER NOT NULL, created_at VARCHAR(40) NOT NULL);
            CREATE TABLE progress_answers (id INTEGER PRIMARY KEY, learner_id INTEGER NOT NULL, key VARCHAR(120)
                NOT NULL, record TEXT NOT NULL, updated_at VARCHAR(40) NOT NULL);
            CREATE TABLE progress_contributions (id INTEGER PRIMARY KEY, learner_id INTEGER NOT NULL,
                source_key VARCHAR(120) NOT NULL, position INTEGER NOT NULL, participant VARCHAR(60) NOT NULL,
                mode VARCHAR(1) NOT NULL, text TEXT NOT NULL, quality FLOAT, updated_at VARCHAR(40) NOT NULL);
            INSERT INTO progress_learners VALUES (1, 'default', 'Ann', 1, '2026-01-01T00:00:00+00:00');
            INSERT INTO progress_answers VALUES (1, 1, 'S.journal', '{"text": "old answer"}', '2026-01-01');
        """)
        conn.execute("INSERT INTO progress_contributions VALUES (1, 1, 'r1:S.journal', 1, 'Ann', 'S', 'old answer', "
                     "0.5, '2026-01-01')")
    progress = open_progress(url=f"sqlite:///{path}")
    assert progress.answers() == {"S.journal": {"text": "old answer"}}
    assert [(c.text, c.round) for c in progress.contributions()] == [("old answer", 1)]
    progress.add_contribution(Contribution("Ann", "E", "new", 2), source_key="r2:E.metaphor")
    assert [c.round for c in open_progress(url=f"sqlite:///{path}").contributions()] == [1, 2]
