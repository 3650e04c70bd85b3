"""The team SECI profile (issue 24, item 2): the questionnaire's content, its scoring, a saved
record that is forged or stale, the radar and its table, the group's spread, the page section."""

from __future__ import annotations

import pytest

from seci_lab.charts_profile import profile_figure, profile_table
from seci_lab.content import ContentError
from seci_lab.content.sources import resolve
from seci_lab.content.team_profile import load_team_profile, parse_team_profile
from seci_lab.model.team_profile import (PROFILE_KEY, Dimension, DimensionScore, clean_answers, group_spread,
                                         profile_record, score_profile)
from seci_lab.store.progress import open_progress

PROFILE = load_team_profile()
ITEMS = PROFILE.items


def _by_key(scores):
    return {s.dimension.key: s for s in scores}


def test_four_to_six_items_per_mode_and_every_enabling_condition_rated():
    modes = [d.key for d in ITEMS.dimensions if d.group == "mode"]
    conditions = {d.name for d in ITEMS.dimensions if d.group == "condition"}
    assert modes == ["S", "E", "C", "I"]
    assert all(4 <= len(ITEMS.of(m)) <= 6 for m in modes)
    assert conditions == {"Intention", "Autonomy", "Fluctuation and creative chaos", "Redundancy",
                          "Requisite variety"}
    assert len(ITEMS.scale) == 5


def test_the_page_names_its_sources_and_says_it_is_not_validated():
    assert "not a validated instrument" in PROFILE.origin
    for cite in ("Nonaka, Byosiere, Borucki & Konno 1994", "Farnese et al. 2019"):
        assert cite in PROFILE.sources and resolve(cite) is not None, cite


def test_a_mode_scores_the_mean_of_its_answered_items_only():
    s = ITEMS.of("S")
    record = {"answers": {s[0].id: 5, s[1].id: 2, ITEMS.of("I")[0].id: 4}}
    scores = _by_key(score_profile(record, ITEMS))
    assert scores["S"].mean == 3.5 and scores["S"].answered == 2 and scores["S"].items == len(s)
    assert scores["I"].mean == 4.0
    assert scores["E"].mean is None and scores["E"].answered == 0  # unanswered: no score, not 0
    assert scores["autonomy"].mean is None


@pytest.mark.parametrize("record", [
    None, "junk", 42, [], {"answers": "all fives"}, {"answers": None}, {"version": 99},
    {"answers": {"s1": True, "s2": 5.0, "s3": "5", "s4": 0, "s5": 6, "nope": 5, "e1": None, "e2": [5]}},
])
def test_bad_or_forged_saved_answers_are_ignored_without_a_crash(record):
    assert clean_answers(record, ITEMS) == {}
    assert all(s.mean is None for s in score_profile(record, ITEMS))


def test_a_forged_answer_beside_good_ones_moves_no_score():
    good = {"s1": 2, "s2": 4}
    assert _by_key(score_profile({"answers": {**good, "s3": 999, "s4": True, "x1": 1}}, ITEMS))["S"].mean == 3.0
    assert profile_record({**good, "s3": 999}, ITEMS) == {"version": 1, "answers": good}


def test_the_group_spread_is_median_and_quartiles_over_those_who_answered():
    profiles = [score_profile({"answers": {"s1": v}}, ITEMS) for v in (1, 2, 3, 4, 5)]
    profiles.append(score_profile({}, ITEMS))  # a learner who answered nothing counts nowhere
    spread = {g.dimension.key: g for g in group_spread(profiles, ITEMS)}
    assert (spread["S"].n, spread["S"].median, spread["S"].low, spread["S"].high) == (5, 3.0, 2.0, 4.0)
    assert spread["E"].n == 0 and spread["E"].median is None


def test_the_chart_draws_your_scores_and_the_group_and_the_table_holds_the_same_numbers():
    mine = score_profile({"answers": {"s1": 5, "s2": 4, "e1": 2}}, ITEMS)
    group = group_spread([score_profile({"answers": {"s1": v, "e1": v}}, ITEMS) for v in (1, 3, 5)], ITEMS)
    figure = profile_figure(mine, group)
    yours = figure.data[-1]
    assert yours.type == "scatterpolar" and yours.r[0] == 4.5 and yours.r[1] == 2.0
    assert yours.r[2] is None  # Combination not answered: a gap, not a zero
    assert yours.r[-1] == yours.r[0] and len(yours.theta) == len(ITEMS.dimensions) + 1  # closed line
    assert {t.line.dash for t in figure.data[:-1]} == {"dot", "dash"}  # the group differs by line, not colour alone
    table = profile_table(mine, group)
    assert list(table["dimension"]) == [d.name for d in ITEMS.dimensions]
    row = table.set_index("dimension").loc["Socialization"]
    assert row["your_score"] == "4.50" and row["items_answered"] == "2 of 5"
    assert row["group_median"] == "3.00" and row["group_middle_half"] == "2.00 to 4.00" and row["people"] == 3
    assert table.set_index("dimension").loc["Combination", "your_score"] == "not answered"
    assert "group_median" not in profile_table(mine).columns  # no group, no group columns


def test_names_are_escaped_in_the_chart_and_the_table():
    from seci_lab.ui.common import frame_html

    evil = Dimension("S", "<img src=x onerror=alert(1)>", "mode")
    score = [DimensionScore(evil, 3.0, 1, 1)]
    figure = profile_figure(score)
    assert "<img" not in str(figure.data[0].theta[0])
    html = frame_html(profile_table(score), "t")
    assert "<img" not in html and "&lt;img" in html


def test_a_profile_file_with_an_item_for_an_unknown_dimension_is_refused():
    text = ('title = "t"\nscale = ["1","2","3","4","5"]\nintro = ["i"]\norigin = "o"\nsources = []\n'
            '[[dimension]]\nkey = "S"\nname = "Socialization"\ngroup = "mode"\n'
            '[[item]]\nid = "a"\ndimension = "Q"\ntext = "x"\n')
    with pytest.raises(ContentError, match="unknown dimensions: Q"):
        parse_team_profile(text)


def test_the_section_saves_each_answer_and_restores_it_and_survives_a_forged_record(tmp_path):
    from seci_lab.ui.team_profile import team_profile_section

    progress = open_progress(url=f"sqlite:///{tmp_path / 'learner.sqlite'}")
    progress.save_answer(PROFILE_KEY, {"answers": {"s1": "<script>", "s2": 3, "s3": 77}})
    section = team_profile_section(progress)
    assert section.answers() == {"s2": 3}
    assert section.compare_button is None  # no class store: nothing to compare with
    section.choices["e1"].value = 5
    assert progress.answer(PROFILE_KEY) == {"version": 1, "answers": {"e1": 5, "s2": 3}}
    again = team_profile_section(progress)
    assert again.answers() == {"e1": 5, "s2": 3}
    assert "5.00" in again.table.value and "1 of 5" in again.table.value
    # every control is labelled
    assert all(c.description for c in again.choices.values())


def test_compare_with_my_class_draws_the_hand_ins_profiles_and_ignores_forged_ones(tmp_path):
    from seci_lab import __version__
    from seci_lab.model.submission import submission_data
    from seci_lab.store.classroom import ClassStore
    from seci_lab.ui.team_profile import TeamProfileSection

    url = f"sqlite:///{tmp_path / 'class.db'}"
    store = ClassStore(url)
    records = {"ann": {"answers": {"s1": 1}}, "ben": {"answers": {"s1": 5}},
               "cat": {"answers": {"s1": 99, "s2": True}},  # forged: counts for nobody
               "dan": {"answers": {"s1": 3}}}
    for who, record in records.items():
        learner = open_progress(url=f"sqlite:///{tmp_path / f'{who}.db'}")
        learner.save_answer(PROFILE_KEY, record)
        store.hand_in(submission_data(learner.export_json(), who, name=who.title(), seci_lab_version=__version__))
    section = TeamProfileSection({"answers": {"s1": 4}}, class_url=url)
    section.compare_button.click()
    spread = {g.dimension.key: g for g in section.group}
    assert (spread["S"].n, spread["S"].median, spread["S"].low, spread["S"].high) == (3, 3.0, 2.0, 4.0)
    assert "3 hand-ins" in section.message.text
    assert "Your class: median" in {t.name for t in section.figure.data}
    assert "2.00 to 4.00" in section.table.value


def test_each_lesson_shows_the_minutes_the_timing_script_measured():
    # seci_lab/content/timings.toml is what scripts/page_timings.py writes from the pages as they
    # are built; the frame of each page shows that number (looked up by kind and key, not number).
    import re
    import tomllib
    from pathlib import Path

    from seci_lab.content.course import PAGES, page_minutes
    from seci_lab.ui.frame import course_frame

    data = tomllib.loads((Path(__file__).resolve().parents[1] / "seci_lab" / "content" / "timings.toml")
                         .read_text(encoding="utf-8"))
    written = {(r["kind"], r["key"]): r for r in data["page"]}
    for page in PAGES:
        row = written[(page.kind, page.key)]
        reading = row["words"] / data["assumptions"]["reading_wpm"]
        assert row["reading_minutes"] == round(reading, 1)
        assert row["minutes"] >= reading + row["task_minutes"] - 0.1 and row["minutes"] % 5 == 0
        assert page_minutes(page) == row["minutes"]
        shown = re.search(r"About (\d+) minutes", course_frame(page.notebook).value)
        assert shown and int(shown.group(1)) == row["minutes"], page.title


def test_the_timings_file_is_what_the_script_measures_now():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, str(root / "scripts" / "page_timings.py"), "--check"], cwd=root,
                            capture_output=True, text=True, timeout=500, env={**__import__("os").environ,
                                                                                "PYTHONPATH": str(root)})
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]


def test_compare_with_an_empty_class_says_so_and_draws_no_group(tmp_path):
    from seci_lab.store.classroom import ClassStore
    from seci_lab.ui.team_profile import TeamProfileSection

    url = f"sqlite:///{tmp_path / 'class.db'}"
    ClassStore(url)  # an empty class store
    section = TeamProfileSection({"answers": {"s1": 4}}, class_url=url)
    section.compare_button.click()
    assert section.message.kind == "info" and "Nobody in your class" in section.message.text
    assert section.group == [] and len(section.figure.data) == 1
