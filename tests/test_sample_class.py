"""The sample class: generated deterministically, varied, labelled, and what is shipped is current."""

from __future__ import annotations

import math
import statistics
import sys
from pathlib import Path

import pytest

from seci_lab.classroom.sample import (
    SAMPLE_COURSE,
    SAMPLE_FILE,
    SAMPLE_LEARNERS,
    label_report,
    label_workbook,
    load_sample_class,
    make_sample_class,
)
from seci_lab.content.diagnostic import load_diagnostic
from seci_lab.content.team_profile import load_team_profile
from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, DB_ENV, INSTRUCTOR_KEY_ENV
from seci_lab.model.diagnostic import POST, PRE, form_for, sitting_key
from seci_lab.model.team_profile import PROFILE_KEY, class_spread, score_profile

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


def _rescored() -> tuple[dict[str, float], dict[str, float]]:
    """Each sample learner's pre- and post-test share right, counted here from the answers
    against the forms' keys (no score is read from the file; none is in it)."""
    forms = load_diagnostic()
    shares: dict[str, dict[str, float]] = {PRE: {}, POST: {}}
    for sub in load_sample_class().load.submissions:
        for sitting in (PRE, POST):
            record = sub.answers.get(sitting_key(sitting))
            if record is None:
                continue
            assert record["done"] and "score" not in record and record["version"] == forms.version
            assert record["form"] == form_for(sitting, sub.learner_id)  # the counterbalanced form of its id
            items = forms.form(record["form"])
            assert set(record["answers"]) == {i.id for i in items}
            right = sum(record["answers"][i.id] == i.question.answer for i in items)
            shares[sitting][sub.learner_id] = right / len(items)
    return shares[PRE], shares[POST]


def test_the_sample_diagnostic_gains_on_average_but_not_every_learner_alike():
    pre, post = _rescored()
    assert not post.keys() - pre.keys() and 1 <= len(pre.keys() - post.keys()) <= 2  # one or two missed the post
    matched = sorted(pre.keys() & post.keys())
    assert len(matched) >= 20
    # half the class starts with each form: both forms are someone's pre-test
    assert {form_for(PRE, lid) for lid in matched} == {"A", "B"}
    mean_pre = statistics.fmean(pre[lid] for lid in matched)
    mean_post = statistics.fmean(post[lid] for lid in matched)
    assert 0.2 <= mean_pre <= 0.6 and (mean_post - mean_pre) / (1 - mean_pre) > 0.2
    gains = [(post[lid] - pre[lid]) / (1 - pre[lid]) for lid in matched]
    assert min(gains) <= 0.05 and max(gains) >= 0.6 and statistics.pstdev(gains) > 0.15


@pytest.fixture
def _own_environment(monkeypatch, tmp_path):
    for name in (CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(DB_ENV, str(tmp_path / "own.sqlite"))


def test_the_sample_learning_tab_shows_the_gain_with_an_interval_and_the_counts(_own_environment):
    from seci_lab.ui.instructor import instructor_page

    page = instructor_page()
    page.kit.sample.button.click()
    assert page.message.kind == "ok", page.message.text
    page.tabs.selected_index = page.tabs.titles.index("Learning")  # opened as the instructor would
    tab = page.learning
    pre, post = _rescored()
    matched = pre.keys() & post.keys()
    mean_pre = statistics.fmean(pre[lid] for lid in matched)
    expected = (statistics.fmean(post[lid] for lid in matched) - mean_pre) / (1 - mean_pre)
    g = tab.result.gain
    assert g.learners == len(matched) and math.isclose(g.value, expected)
    assert 0 < g.low < g.value < g.high  # an interval around a positive gain
    headline = f"Normalized gain of the class averages: {expected:.2f} (95% interval {g.low:.2f} to {g.high:.2f})"
    assert headline in tab.summary.value and f"over {len(matched)} learners" in tab.summary.value
    summary = dict(zip(*(tab.result.summary()[c] for c in ("What", "Value"))))
    assert summary["Learners with a diagnostic"] == str(len(pre))
    assert summary["Learners without one"] == str(SAMPLE_LEARNERS - len(pre))
    assert summary["Only the pre-test"] == str(len(pre.keys() - post.keys())) and summary["Only the post-test"] == "0"
    assert tab.problems.html.value.count("<tr") <= 1  # no sitting with a note: every one is as the forms want
    for lid in pre.keys() - post.keys():
        assert lid in tab.one_test.html.value and "only the pre-test" in tab.one_test.html.value
    assert tab.distribution_chart.outputs and tab.concept_chart.outputs


def test_some_sample_learners_rated_their_team_on_every_dimension():
    items = load_team_profile().items
    records = [s.answers.get(PROFILE_KEY) for s in load_sample_class().load.submissions]
    spread, rated = class_spread(records, items)
    assert 5 <= rated < SAMPLE_LEARNERS and sum(r is not None for r in records) == rated  # every one is valid
    assert all(d.n == rated for d in spread)  # nobody skipped a whole dimension
    assert all(d.high - d.low >= 0.4 for d in spread)  # learners' teams differ on every dimension
    own = [score_profile(r, items) for r in records if r is not None]
    assert all(max(s.mean for s in p) - min(s.mean for s in p) >= 0.5 for p in own)  # each team has highs and lows
