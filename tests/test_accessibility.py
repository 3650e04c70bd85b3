"""Charts have a name and their data beside them; nothing moves by itself; reduced motion is honoured.

What the browser does with these (role, name, the table following the round, Play jumping) is
checked in tests/test_browser_figures.py; here, what Python gives the page.
"""

from __future__ import annotations

import re
from importlib.resources import files

import plotly.graph_objects as go

from seci_lab import figures
from seci_lab.classroom.charts import completion_figure, rubric_figure
from seci_lab.exports.spiral import spiral_html
from seci_lab.model import MODES, Contribution, simulate_spiral
from seci_lab.ui.spiral import spiral_lab

TEMPLATE = files("seci_lab").joinpath("voila/templates/seci")


def _trajectory(rounds: int = 2):
    texts = "I watched the baker fold the dough for three days and wrote each step down as a rule"
    return simulate_spiral([Contribution(participant="a", mode=m, text=texts, round=r)
                            for r in range(1, rounds + 1) for m in MODES], 1)


def test_every_spiral_view_names_what_it_shows():
    empty = simulate_spiral([], 1)
    assert figures.figure_label(figures.spiral_top_view(empty)) == \
        "Knowledge spiral seen from above: no contributions yet."
    trajectory = _trajectory(2)
    for fig, view in ((figures.spiral_figure(trajectory, animated=True), "3-D knowledge spiral"),
                      (figures.spiral_figure(trajectory, animated=False), "3-D knowledge spiral"),
                      (figures.spiral_top_view(trajectory), "Knowledge spiral seen from above")):
        label = figures.figure_label(fig)
        assert label.startswith(f"{view}: 8 steps in 2 rounds, now at the Individual level")
        assert "table" in label


def test_a_live_figure_gets_the_name_of_its_new_data():
    widget = go.FigureWidget(figures.spiral_top_view(simulate_spiral([], 1)))
    figures.update_figure_widget(widget, _trajectory(1))
    assert figures.figure_label(widget).startswith("Knowledge spiral seen from above: 4 steps in 1 round,")


def test_describe_keeps_the_view_tag_and_names_a_table():
    fig = figures.describe(figures.spiral_top_view(_trajectory(1)), "A name", table="t1")
    assert figures.figure_label(fig) == "A name"
    assert fig.layout.meta["seci_lab_table"] == "t1"
    widget = go.FigureWidget(fig)
    figures.update_figure_widget(widget, _trajectory(2))  # still known as a top view
    assert figures.figure_label(widget).startswith("Knowledge spiral seen from above: 8 steps")
    assert figures.figure_label(go.Figure()) == ""


def test_class_charts_are_named():
    import pandas as pd

    by_mode = pd.DataFrame({"mode": ["S", "E"], "mode_name": ["Socialization", "Externalization"],
                            "learners": [4, 4], "started": [3, 2], "completed": [1, 2],
                            "mean_exercise_share": [0.5, 0.25]})
    assert figures.figure_label(completion_figure(by_mode)).startswith("Bar chart of completion per mode")
    summary = pd.DataFrame({"key": ["E.metaphor"], "label": ["Metaphor"], "mode": ["E"], "mean": [0.5],
                            "median": [0.5], "q1": [0.4], "q3": [0.6], "min": [0.1], "max": [0.9]})
    assert figures.figure_label(rubric_figure(summary)).startswith("Box plots of rubric scores (0 to 1) for 1 exercise")


def test_the_saved_spiral_page_never_plays_by_itself_and_carries_the_page_script():
    html = spiral_html(_trajectory(2))
    # plotly writes Plotly.animate(...) after the plot only when asked to autoplay
    assert "Plotly.animate" not in html
    assert html.count(figures.page_script()) == 1
    assert 'id="seci-spiral-table"' in html
    assert '"seci_lab_table":"seci-spiral-table"' in html.replace(" ", "")


def test_the_page_script_is_the_one_the_template_includes_and_handles_reduced_motion():
    script = figures.page_script()
    template = TEMPLATE.joinpath("index.html.j2").read_text(encoding="utf-8")
    assert '{% include "seci-widgets.js" %}' in template
    assert "prefers-reduced-motion: reduce" in script
    # Jinja would read these as its own markup in the included file
    assert not re.search(r"\{[{%#]", script)
    # under reduced motion the lab's timed replay is hidden and a note says how to step instead
    rule = re.search(r"@media \(prefers-reduced-motion: reduce\) \{(.*?)\n    \}", template, re.S)
    assert rule and ".seci-replay .widget-play { display: none; }" in rule.group(1)
    assert ".seci-replay .seci-motion-note { display: block; }" in rule.group(1)
    # the note's default (hidden) comes first, or it would win over the media rule
    assert template.index(".seci-replay .seci-motion-note { display: none; }") < rule.start()


def test_the_lab_replay_never_plays_by_itself():
    lab = spiral_lab()
    assert lab.replay.playing is False
    assert "seci-replay" in lab.replay_box._dom_classes
    assert lab.replay in lab.replay_box.children and lab.replay_step in lab.replay_box.children
    assert "seci-motion-note" in lab.motion_note.value
    for mode in MODES:
        lab.mode.value = mode
        lab.text.value = "I watched the baker fold the dough for three days and wrote down each step."
        lab.add_button.click()
    assert lab.replay.playing is False and lab.replay.value == lab.replay.max == 4


def test_the_critique_charts_have_their_data_beside_them_and_it_follows_the_switches():
    from seci_lab.ui.critiques import CritiqueSwitchesPanel

    panel = CritiqueSwitchesPanel()
    tables = panel.spiral_tables.value
    assert tables.count("<table") == 2 and "Model defaults, step by step" in tables
    rows = len(panel.base_trajectory)
    assert tables.count("<tr") == 2 * (1 + rows)
    assert figures.figure_label(panel.figure).startswith(f"Knowledge spiral seen from above: {rows} steps")
    panel.transfer_only.value = True  # socialization only transfers: a different spiral
    assert panel.spiral_tables.value != tables
    assert panel.spiral_tables.value.count("<tr") == 2 + rows + len(panel.trajectory)


def test_every_table_cell_names_its_column_so_a_phone_can_show_rows_as_cards():
    import pandas as pd

    from seci_lab.exports import html_table

    table = html_table(pd.DataFrame({"mean_quality": [0.5], 'x"><script>': ["<b>t</b>\nline 2"]}),
                       classes="seci-cards")
    assert table.count('data-label="mean quality"') == 1 and "<script>" not in table
    assert 'data-label="x&#34;&gt;&lt;script&gt;"' in table and "&lt;b&gt;t&lt;/b&gt;<br>line 2" in table
    assert 'class="dataframe seci-cards"' in table
