"""The sample class: generated deterministically, varied, labelled, and what is shipped is current."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from seci_lab.classroom.sample import (
    SAMPLE_COURSE,
    SAMPLE_FILE,
    SAMPLE_LEARNERS,
    label_report,
    label_workbook,
    load_sample_class,
    make_sample_class,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from make_sample_class import sample_text  # noqa: E402


def test_the_shipped_sample_is_what_the_generator_gives():
    # Fails when the generator, the lessons' work or the rubric changed: run scripts/make_sample_class.py
    assert SAMPLE_FILE.read_text(encoding="utf-8") == sample_text()


def test_another_seed_gives_another_class_of_the_same_size():
    other = make_sample_class(seed=1, learners=6)
    assert len(other["hand_ins"]) == 6
    shipped = load_sample_class()
    assert {h["learner"]["name"] for h in other["hand_ins"]} != {s.name for s in shipped.load.submissions[:6]}


def test_thirty_learners_of_varied_work_all_labelled_as_sample():
    sample = load_sample_class()
    subs = sample.load.submissions
    assert len(subs) == SAMPLE_LEARNERS and sample.load.problems.empty  # every hand-in passed the checks
    assert all(s.learner_id.startswith("sample-") and s.name.endswith("(sample)") and s.course == SAMPLE_COURSE
               for s in subs)
    answers = [len(s.answers) for s in subs]
    assert min(answers) <= 2 and max(answers) >= 25  # from nearly nothing to every lesson
    qualities = [r["quality"] for s in subs for k, r in s.answers.items()
                 if k[:2] in ("S.", "E.", "C.", "I.") and isinstance(r.get("quality"), float)]
    assert len(qualities) > 100 and statistics.pstdev(qualities) > 0.1
    attempts = [r["attempts"] for s in subs for k, r in s.answers.items() if k.startswith("quiz:")]
    assert len(attempts) > 100 and {1, 2} <= set(attempts)
    assert sum(len(s.contributions) for s in subs) > 200 and any(s.round == 2 for s in subs)
    rated = {lid for lid, keys in sample.ratings.items() if keys}
    assert 5 <= len(rated) <= SAMPLE_LEARNERS and rated <= {s.learner_id for s in subs}
    assert len(sample.scores) > 100  # the rubric's scores of these texts, under today's rubric


def test_the_exports_say_sample_data_inside(tmp_path):
    import io

    from openpyxl import Workbook, load_workbook

    book = Workbook()
    book.active.title = "Grades"
    out = io.BytesIO()
    book.save(out)
    labelled = load_workbook(io.BytesIO(label_workbook(out.getvalue())))
    assert labelled.sheetnames == ["SAMPLE DATA", "Grades"] and labelled["SAMPLE DATA"]["A1"].value == "SAMPLE DATA"
    page = label_report("<html><head><title>Class report</title></head><body class='x'><h1>Class</h1></body></html>")
    assert "<title>SAMPLE DATA: Class report</title>" in page
    assert page.index("SAMPLE DATA.</strong>") < page.index("<h1>Class</h1>")
