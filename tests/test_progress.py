"""The learner's progress store: saved as entered, restored in a fresh process, exported and
imported on another machine, and never changed by a bad file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from seci_lab.env import DB_ENV
from seci_lab.model import TEXT_MAX_CHARS, Contribution, Mode
from seci_lab.exports.learner import answers_csv, report_html, zip_bytes
from seci_lab.store import read
from seci_lab.store.progress import (
    MAX_ANSWERS,
    SCHEMA,
    Progress,
    answers_table,
    contributions_table,
    open_progress,
)

PAYLOAD = '<img src=x onerror=alert(1)><script>alert("x")</script>'
RTL = "\u202eمرحبا بالعالم שלום"
EMOJI = "Kneading 🍞 is like 🧶 — 3 folds"


def url(tmp_path, name="learner.sqlite") -> str:
    return f"sqlite:///{tmp_path / name}"


@pytest.fixture
def progress(tmp_path) -> Progress:
    return open_progress(url=url(tmp_path))


def fill(p: Progress) -> None:
    p.set_name("Ada")
    p.save_answer("S.journal", {"mode": "S", "text": "I watched the baker for 3 days because", "quality": 0.7,
                                "reasons": ["Concrete"], "hint": "Say why."})
    p.save_answer("E.metaphor", {"mode": "E", "text": PAYLOAD, "quality": 0.1, "reasons": [], "hint": "h"})
    p.save_answer("quiz:q1", {"lesson": "S", "answer": "S", "correct": True, "score": 1.0})
    p.add_contribution(Contribution("Ada", Mode.SOCIALIZATION, "I watched the baker for 3 days because", 1, 0.7),
                       "r1:S.journal")
    p.add_contribution(Contribution("Ada", Mode.EXTERNALIZATION, RTL + " " + EMOJI, 1, 0.4), "r1:E.metaphor")


def comparable(p: Progress) -> dict:
    data = p.export_json()
    data.pop("exported_at")
    return data


def count(p: Progress, table) -> int:
    with read(p.engine) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_saved_work_is_seen_by_a_fresh_process(tmp_path):
    db = tmp_path / "learner.sqlite"
    p = open_progress(url=f"sqlite:///{db}")
    fill(p)
    script = textwrap.dedent("""
        import json
        from seci_lab.store.progress import open_progress
        p = open_progress()   # no URL: $SECI_LAB_DB, as in a restarted kernel
        print(json.dumps({"name": p.name, "answers": p.answers(),
                          "contributions": [c.to_dict() for c in p.contributions()]}))
    """)
    env = dict(os.environ, **{DB_ENV: str(db)})
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert seen["name"] == "Ada"
    assert seen["answers"] == p.answers()
    assert seen["answers"]["E.metaphor"]["text"] == PAYLOAD  # stored raw
    assert [c["text"] for c in seen["contributions"]] == [c.text for c in p.contributions()]
    assert seen["contributions"][1]["text"] == RTL + " " + EMOJI


def test_double_save_stores_once(progress):
    record = {"mode": "S", "text": "same answer", "quality": 0.5}
    assert progress.save_answer("S.story", record) is True
    assert progress.save_answer("S.story", dict(record)) is False  # the second click changes nothing
    c = Contribution("Me", "S", "same answer", 1, 0.5)
    progress.add_contribution(c, "r1:S.story")
    progress.add_contribution(c, "r1:S.story")
    assert count(progress, answers_table) == 1
    assert count(progress, contributions_table) == 1
    # an edited answer replaces the saved one, still once
    progress.save_answer("S.story", {**record, "text": "edited"})
    progress.add_contribution(Contribution("Me", "S", "edited", 1, 0.5), "r1:S.story")
    assert progress.answers()["S.story"]["text"] == "edited"
    assert [c.text for c in progress.contributions()] == ["edited"]


def test_profiles_are_separate(tmp_path):
    a = open_progress("alice", url=url(tmp_path))
    b = open_progress("bob", url=url(tmp_path))
    a.save_answer("S.journal", {"text": "alice's"})
    assert b.answers() == {}
    assert open_progress("alice", url=url(tmp_path)).answers()["S.journal"]["text"] == "alice's"


def test_export_import_round_trip_on_another_machine(tmp_path, progress):
    fill(progress)
    exported = progress.export_bytes()
    other = open_progress(url=url(tmp_path, "other-machine.sqlite"))
    counts = other.import_json(exported)
    assert counts == {"answers": 3, "contributions": 2}
    assert comparable(other) == comparable(progress)
    assert other.contributions() == progress.contributions()
    # importing again (a double click) does not duplicate anything
    other.import_json(exported)
    assert comparable(other) == comparable(progress)
    assert len(other.contributions()) == 2


def test_import_merges_with_work_already_there(tmp_path, progress):
    fill(progress)
    other = open_progress(url=url(tmp_path, "other.sqlite"))
    other.save_answer("I.plan", {"text": "my plan"})
    other.import_json(progress.export_json())
    assert set(other.answers()) == {"I.plan", "S.journal", "E.metaphor", "quiz:q1"}


def _valid(progress) -> dict:
    fill(progress)
    return progress.export_json()


BAD_FILES = [
    ("wrong schema", lambda d: {**d, "schema": "something-else"}, "not work saved by seci-lab"),
    ("no schema", lambda d: {k: v for k, v in d.items() if k != "schema"}, "not work saved by seci-lab"),
    ("a hand-in file", lambda d: {**d, "schema": "seci-lab/submission"}, "it is a hand-in file"),
    ("newer version", lambda d: {**d, "version": 99}, "newer seci-lab"),
    ("version as text", lambda d: {**d, "version": "1"}, "version"),
    ("not an object", lambda d: [d], "JSON object"),
    ("answers as list", lambda d: {**d, "answers": []}, "'answers' must be an object"),
    ("answer not a dict", lambda d: {**d, "answers": {"S.x": "text"}}, "must be an object"),
    ("answer text as number", lambda d: {**d, "answers": {"S.x": {"text": 5}}}, "must be text"),
    ("answer text over cap", lambda d: {**d, "answers": {"S.x": {"text": "a" * (TEXT_MAX_CHARS + 1)}}},
     f"more than {TEXT_MAX_CHARS}"),
    ("too many answers", lambda d: {**d, "answers": {f"k{i}": {} for i in range(MAX_ANSWERS + 1)}}, "at most"),
    ("contribution text over cap",
     lambda d: {**d, "contributions": d["contributions"] + [{"mode": "S", "text": "b" * 5000, "round": 1}]},
     "Contribution 3: The contribution has 5000 characters"),
    ("contribution bad mode", lambda d: {**d, "contributions": [{"mode": "X", "text": "t", "round": 1}]},
     "Unknown SECI mode"),
    ("contribution round as text", lambda d: {**d, "contributions": [{"mode": "S", "text": "t", "round": "1"}]},
     "whole number"),
    ("quality out of range",
     lambda d: {**d, "contributions": [{"mode": "S", "text": "t", "round": 1, "quality": 7}]}, "between 0 and 1"),
    ("learner name too long", lambda d: {**d, "learner": {"name": "n" * 500, "round": 1}}, "name"),
]


@pytest.mark.parametrize("name,mutate,expected", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_refused_and_changes_nothing(tmp_path, progress, name, mutate, expected):
    good = _valid(progress)
    target = open_progress(url=url(tmp_path, "target.sqlite"))
    target.save_answer("I.plan", {"text": "already here"})
    before = comparable(target)
    with pytest.raises(ValueError, match=expected):
        target.import_json(json.dumps(mutate(good)).encode("utf-8"))
    assert comparable(target) == before


def test_truncated_and_binary_files_are_refused(tmp_path, progress):
    _valid(progress)
    raw = progress.export_bytes()
    target = open_progress(url=url(tmp_path, "target.sqlite"))
    before = comparable(target)
    with pytest.raises(ValueError, match="not valid JSON.*cut short"):
        target.import_json(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="not text"):
        target.import_json(b"\xff\xfe\x00\x81binary")
    assert comparable(target) == before


def test_a_late_error_rolls_back_the_whole_import(tmp_path, progress):
    """Validation passes, then the write fails midway: nothing of the file may remain."""
    good = _valid(progress)
    target = open_progress(url=url(tmp_path, "target.sqlite"))
    # fill the target to the cap with other keys, so the merged total is over it
    for i in range(MAX_ANSWERS - 1):
        target.save_answer(f"x{i:04d}", {})
    before = comparable(target)
    with pytest.raises(ValueError, match=f"more than {MAX_ANSWERS} answers"):
        target.import_json(good)
    assert comparable(target) == before


def test_replace_contributions_keeps_exercise_keys(progress):
    fill(progress)
    lab_list = progress.contributions()
    removed = lab_list.pop(0)
    added = Contribution("Ada", "C", "I combined the notes into a table", 1)
    progress.replace_contributions(lab_list + [added])
    assert progress.contributions() == lab_list + [added]
    keys = progress.contribution_keys()
    assert keys[0] == "r1:E.metaphor" and keys[1].startswith("spiral:")
    assert removed not in progress.contributions()
    # saving the exercise again updates its own contribution, not a copy
    progress.add_contribution(Contribution("Ada", "E", "new metaphor", 1, 0.5), "r1:E.metaphor")
    assert [c.text for c in progress.contributions()] == ["new metaphor", added.text]


def test_name_and_round(progress):
    assert progress.name == "Me" and progress.round == 1
    fill(progress)
    assert {c.participant for c in progress.contributions()} == {"Ada"}
    with pytest.raises(ValueError, match="empty"):
        progress.set_name("   ")
    progress.set_round(2)
    assert progress.round == 2
    with pytest.raises(ValueError):
        progress.set_round(0)


def test_report_is_a_portfolio_standalone_small_and_escaped(progress):
    from seci_lab.content import questions_for

    fill(progress)
    right, wrong = questions_for("S")[:2]
    progress.save_answer(f"quiz:{right.id}", {"lesson": "S", "answer": right.answer_json(), "correct": True,
                                              "score": 1.0})
    other = next(o.key for o in wrong.options if o.key != wrong.answer_json()) if wrong.kind in ("choice", "classify") \
        else wrong.answer_json()
    progress.save_answer(f"quiz:{wrong.id}", {"lesson": "S", "answer": other, "correct": False, "score": 0.0})
    html = report_html(progress)
    assert html.startswith("<!DOCTYPE html>") and "SECI lab portfolio: Ada" in html
    assert "<script" not in html and "<img src=x" not in html  # nothing runs, learner text is text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "مرحبا" in html and "🍞" in html
    # each prompt with the answer and its feedback; each quiz question with the right option
    assert "I watched the baker for 3 days because" in html and "Say why." in html
    assert html.count("Not answered yet.") >= 1  # the lesson's other exercises, named
    assert right.prompt.split("<")[0][:40] in html and "1 of 2 quiz questions right" in html
    assert "Right ✔" in html and "Not right ✘" in html and "The right answer:" in html
    # no internal field names or JSON, no 5 MB of plotly.js: a page that opens at once
    for internal in ('"counted"', "quality_source", "hints_used", "quizset"):
        assert internal not in html
    assert "<svg" in html and len(html.encode()) < 200_000


def test_report_asks_for_a_name_while_it_is_the_default(progress):
    assert "My SECI lab portfolio" in report_html(progress) and "Save your name" in report_html(progress)


def test_csv_and_zip_hold_everything(progress):
    import csv
    import io
    import zipfile

    fill(progress)
    progress.save_answer("S.formula", {"text": "=HYPERLINK(\"http://x\")"})
    rows = list(csv.DictReader(io.StringIO(answers_csv(progress).decode("utf-8-sig"))))
    by_key = {r["key"]: r for r in rows}
    assert by_key["E.metaphor"]["text"] == PAYLOAD
    assert by_key["S.formula"]["text"].startswith("'=")  # defused for spreadsheets
    names = zipfile.ZipFile(io.BytesIO(zip_bytes(progress))).namelist()
    assert sorted(names) == sorted(["seci-lab-report.html", "seci-lab-my-work.json",
                                    "seci-lab-answers.csv", "seci-lab-contributions.csv"])
    data = json.loads(zipfile.ZipFile(io.BytesIO(zip_bytes(progress))).read("seci-lab-my-work.json"))
    assert data["schema"] == SCHEMA


def test_bad_records_are_refused(progress):
    with pytest.raises(ValueError, match="not plain JSON"):
        progress.save_answer("S.x", {"when": object()})
    with pytest.raises(ValueError, match="must be an object"):
        progress.save_answer("S.x", ["list"])
    with pytest.raises(ValueError, match="key"):
        progress.save_answer("", {})
    assert progress.answers() == {}


def test_apply_changes_writes_only_the_difference(progress):
    fill(progress)
    start = progress.contributions()
    # meanwhile, a lesson in another tab saves an answer
    progress.add_contribution(Contribution("Ada", "I", "practised in another tab", 1, 0.5), "r1:I.plan")
    added = Contribution("Ada", "C", "combined notes into a table", 1)
    progress.apply_changes(start, start[1:] + [added])  # the lab removed the first and added one
    assert [c.text for c in progress.contributions()] == [start[1].text, "practised in another tab", added.text]
    assert progress.contribution_keys()[:2] == ["r1:E.metaphor", "r1:I.plan"]
    # the same change applied twice (a double click) does not add twice
    progress.apply_changes(start[1:] + [added], start[1:] + [added])
    assert len(progress.contributions()) == 3
