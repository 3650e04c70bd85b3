"""The instructor dashboard's Learning tab, driven headlessly (issue 24, item 1): a class whose
hand-ins carry good and bad diagnostics is loaded through the page's own Load button; the tab
shows the gain, both charts with their tables, the one-test learners and the forms, and a class
without any diagnostic still opens the tab."""

from __future__ import annotations

import json

import pytest

from diagnostic_class import hand_in, sitting
from seci_lab.classroom import submission_bytes
from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, DB_ENV, INSTRUCTOR_KEY_ENV
from seci_lab.model.diagnostic import PRE, sitting_key
from seci_lab.ui.instructor import instructor_page

PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(autouse=True)
def _own_env(tmp_path, monkeypatch):
    for name in (CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(DB_ENV, str(tmp_path / "own.sqlite"))


def _page(tmp_path, subs):
    for sub in subs:
        (tmp_path / f"{sub.learner_id}.json").write_bytes(submission_bytes(sub.to_dict()))
    page = instructor_page(str(tmp_path))
    page.load_button.click()
    assert page.message.kind == "ok", page.message.text
    page.tabs.selected_index = page.tabs.titles.index("Learning")  # opened as the instructor would
    return page


def test_the_learning_tab_shows_the_gain_charts_tables_and_bad_diagnostics(tmp_path):
    forged = {**sitting(PRE, "A", 2), "score": 15}
    subs = [hand_in(f"s{n}", f"Learner {n}", pre=4 + n % 3, post=11 + n % 3) for n in range(8)]
    subs += [hand_in("late", "<b>Late</b> Comer", post=12),
             hand_in("forger", "Forger", post=12, post_form="B", records={sitting_key(PRE): forged})]
    page = _page(tmp_path, subs)
    tab = page.learning
    assert "Learning" in page.rendered and tab.result is not None
    assert page.message.kind == "ok"
    g = tab.result.gain
    assert g.learners == 9 and f"{g.value:.2f}" in tab.summary.value and "95% interval" in tab.summary.value
    for out in (tab.distribution_chart, tab.concept_chart):
        assert len(out.outputs) == 1 and PLOTLY in out.outputs[0]["data"]
        json.dumps(out.outputs[0]["data"][PLOTLY])
    assert "Learners per score" in tab.distribution_table.value and "Gain per concept" in tab.concept_table.value
    assert "mean difficulty" in tab.forms_table.value
    assert "late" in tab.one_test.html.value and "only the post-test" in tab.one_test.html.value
    assert "claims a score of 15" in tab.problems.html.value
    assert "<b>Late</b>" not in tab.learners.html.value and "&lt;b&gt;Late" in tab.learners.html.value
    # a new load empties the tab first
    page.load_button.click()
    assert page.learning.result is not None


def test_a_class_without_diagnostics_opens_the_tab_with_a_message(tmp_path):
    page = _page(tmp_path, [hand_in("a"), hand_in("b")])
    tab = page.learning
    assert page.message.kind == "ok" and "No learner took both tests" in tab.summary.value
    assert tab.distribution_chart.outputs == () and "no learner handed in a diagnostic" in tab.learners.html.value
