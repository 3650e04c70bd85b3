"""The knowledge-spiral lab (notebook 05) driven headlessly, as a learner would use it."""

from __future__ import annotations

import csv
import io
import math

import pytest

from seci_lab.model import MODES, TEXT_MAX_CHARS, Contribution, Mode
from seci_lab.ui import spiral_lab
from seci_lab.ui.spiral import PracticeGroup

ALONE = PracticeGroup(on=False)  # the practice group off: a learner really alone

GOOD = {
    Mode.SOCIALIZATION: "I shadowed the head nurse for 3 days and watched how she calms patients, because the manual says nothing about it.",
    Mode.EXTERNALIZATION: "Calming a patient is like tuning an instrument: first listen, then adjust. I wrote it as a 3-step model because others asked.",
    Mode.COMBINATION: "I combined my 3-step model with the ward checklist and two incident reports into one page, sorted by situation, so new staff find it.",
    Mode.INTERNALIZATION: "I practised the one-page guide on 5 night shifts until it became second nature, because reading alone did not stick.",
}


def add(lab, mode, text, quality=None):
    lab.mode.value = mode
    if quality is not None:
        lab.use_rubric.value = False
        lab.quality.value = quality
    lab.text.value = text
    lab.add_button.click()


def full_round(lab, quality=None):
    for mode in MODES:
        add(lab, mode, GOOD[mode], quality)


def plotted_points(fig):
    return sum(len(t.x or ()) for t in fig.data if t.mode and "markers" in t.mode and t.name in {m.label for m in MODES} | {f"{m.value} · {m.label}" for m in MODES})


def test_adding_contributions_grows_the_spiral():
    lab = spiral_lab()
    assert lab.trajectory.empty
    add(lab, Mode.SOCIALIZATION, GOOD[Mode.SOCIALIZATION])
    assert len(lab.contributions) == 1 and lab.text.value == ""
    assert lab.message.kind == "ok" and "Effect on the spiral" in lab.message.text
    # while adding the button says "Adding…" and takes no click; after, it is back
    assert lab.add_button.description == "Add to spiral" and not lab.add_button.disabled
    lab.add_button.disabled = True
    lab.text.value = "A second click while the first is added."
    lab.add_button.click()
    assert len(lab.contributions) == 1
    lab.add_button.disabled, lab.text.value = False, ""
    assert len(lab.trajectory) == 4  # one round simulated
    radius_after_one = lab.trajectory["radius"].iloc[-1]
    for mode in MODES[1:]:
        add(lab, mode, GOOD[mode])
    assert lab.trajectory["radius"].iloc[-1] > radius_after_one
    # the live figure holds the trajectory: one mode marker per step, and the path's head
    # (the "Latest step" marker) sits where the last step of the trajectory is
    traces = {trace.name: trace for trace in lab.figure.data}
    markers = [traces[name] for name in traces if name[:1] in "SECI" and name[1:2] == " "]
    assert len(markers) == 4 and sum(len(trace.x) for trace in markers) == len(lab.trajectory) == 4
    last = lab.trajectory.iloc[-1]
    head = traces["Latest step"]
    angle = math.radians(last["angle"])
    assert head.x[0] == pytest.approx(last["radius"] * math.cos(angle), abs=1e-3)
    assert head.y[0] == pytest.approx(last["radius"] * math.sin(angle), abs=1e-3)
    assert traces["Spiral path"].x[-1] == pytest.approx(head.x[0], abs=1e-3)


def test_rounds_are_reported_and_a_learner_alone_stays_individual():
    lab = spiral_lab(practice=ALONE)
    for _ in range(8):
        full_round(lab, quality=0.9)
        lab.next_round_button.click()
    assert lab.round == 9
    assert len(lab.entries.options) == 32
    # SECI-Spiral v2: knowledge rises above the individual level only when different people
    # share it; the page says so, and shows the progress within the level.
    assert lab.trajectory["level"].max() == 0
    assert "Group: 4 of 5 conditions met" in lab.progress_view.value
    assert "To do:</strong> Share with 1 more person" in lab.progress_view.value
    assert "different people share it" in lab.progress_view.value


def test_next_round_needs_a_contribution():
    lab = spiral_lab()
    lab.next_round_button.click()
    assert lab.round == 1
    assert lab.message.kind == "error" and "no contributions" in lab.message.text


def test_unmet_conditions_are_shown_in_words():
    lab = spiral_lab(practice=ALONE)
    add(lab, Mode.SOCIALIZATION, "short", quality=0.1)
    shown = lab.progress_view.value
    assert "Group: 0 of 5 conditions met" in shown and "Share with 1 more person" in shown
    assert "One more Externalization of adequate quality" in shown  # a missing mode is named
    assert "adequate is 0.40" in shown  # and a weak one, with the scale's number
    assert "archetype" not in shown.lower() and "x*" not in shown  # no model jargon


@pytest.mark.parametrize(
    "text,expected",
    [("   ", "empty"), ("x" * (TEXT_MAX_CHARS + 5), "limit")],
)
def test_bad_input_gets_a_message_and_keeps_the_text(text, expected):
    lab = spiral_lab()
    add(lab, Mode.SOCIALIZATION, GOOD[Mode.SOCIALIZATION])
    lab.text.value = text
    lab.add_button.click()
    assert lab.message.kind == "error" and expected in lab.message.text
    assert lab.text.value == text  # nothing the learner typed is thrown away
    assert len(lab.contributions) == 1


def test_forged_widget_values_cannot_break_the_rules():
    lab = spiral_lab()
    lab.use_rubric.value = False
    # what a crafted comm message does: set_state bypasses the page, not Python's validation
    lab.quality.set_state({"value": 7.0})
    lab.text.value = "I watched a carpenter plane a board."
    lab.add_button.click()
    assert len(lab.contributions) == 1 and 0.0 <= lab.contributions[0].quality <= 1.0
    lab.group_size.set_state({"value": 10_000})
    assert lab.trajectory["participants"].iloc[-1] <= 50 and lab.practice.size <= 50
    lab.round = 1
    lab.text.value = "x" * (TEXT_MAX_CHARS + 1)
    lab.add_button.click()
    assert len(lab.contributions) == 1


def test_html_and_script_are_kept_as_text_and_escaped():
    lab = spiral_lab()
    payload = '<img src=x onerror=alert(1)><script>alert(2)</script> $x^2$'
    add(lab, Mode.EXTERNALIZATION, payload)
    assert lab.contributions[0].text == payload
    assert "<img" not in lab.table.value and "<script" not in lab.table.value
    assert "&lt;img" in lab.table.value
    hover = " ".join(str(t.hovertext) + str(t.text) for t in lab.figure.data)
    assert "<img" not in hover and "<script" not in hover and "$x" not in hover
    assert "<img" not in lab.message.value


def test_rubric_suggests_quality_with_reasons_and_hint():
    lab = spiral_lab()
    lab.mode.value = Mode.SOCIALIZATION
    lab.text.value = "ok"
    low = lab.quality.value
    assert "To improve" in lab.rubric.value
    lab.text.value = GOOD[Mode.SOCIALIZATION]
    assert lab.quality.value > low
    assert "Suggested quality" in lab.rubric.value


def test_remove_and_views_and_replay():
    lab = spiral_lab()
    full_round(lab)
    lab.entries.value = 0
    lab.remove_button.click()
    assert len(lab.contributions) == 3 and lab.contributions[0].mode is Mode.EXTERNALIZATION
    lab.view.value = "Table"
    assert lab.view_box.children == (lab.table,)
    assert "<table" in lab.table.value
    lab.view.value = "Top view"
    # each chart has its data beside it: the table under it
    assert lab.view_box.children == (lab.top_view, lab.table)
    lab.replay.value = 1
    assert "round 1" in lab.replay_label.value.lower()
    assert lab.table.value.count("<tr") == 1 + 1  # header and the one step replayed: it follows the chart
    lab.replay.value = lab.replay.max
    assert "whole spiral" in lab.replay_label.value
    assert lab.table.value.count("<tr") == 1 + len(lab.shown)


def test_the_top_view_opened_during_a_replay_shows_the_replayed_steps():
    from seci_lab import figures

    def points(figure):
        return [list(t.x) if t.x is not None else None for t in figure.data]

    lab = spiral_lab()
    full_round(lab)
    lab.replay.value = 1  # the 3-D view shows the first step
    lab.view.value = "Top view"  # opened now: it shows the same step
    assert points(lab.top_view) == points(figures.spiral_top_view(lab.shown.iloc[:1]))
    lab.replay.value = lab.replay.max
    assert points(lab.top_view) == points(figures.spiral_top_view(lab.shown))
    add(lab, Mode.SOCIALIZATION, GOOD[Mode.SOCIALIZATION])  # and it follows the spiral from then on
    assert points(lab.top_view) == points(figures.spiral_top_view(lab.shown))


def test_model_parameters_change_the_spiral_and_reset():
    lab = spiral_lab()
    for _ in range(3):
        full_round(lab, quality=0.8)
        lab.next_round_button.click()
    base_x = lab.trajectory["X"].iloc[-1]
    lab.param_sliders["phi"].value = 0.2
    assert lab.trajectory["X"].iloc[-1] < base_x
    lab.group_size.value = 10
    assert lab.trajectory["participants"].iloc[-1] == 10
    lab.reset_button.click()
    lab.group_size.value = 5
    assert lab.trajectory["X"].iloc[-1] == pytest.approx(base_x)


def test_downloads_build_files_from_the_current_work():
    lab = spiral_lab()
    full_round(lab)
    sent = []
    lab.download_csv.send = lambda content, buffers=None: sent.append((content, buffers))
    data = lab.download_csv.request()
    assert sent and sent[0][0]["filename"] == "my-knowledge-spiral.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 4 and rows[0]["mode"] == "S"
    html = lab._html_bytes().decode()
    assert "<html" in html.lower() and "plotly" in html.lower()
    contributions = lab.download_contributions.request()
    assert b"shadowed the head nurse" in contributions


def test_csv_export_defuses_formulas():
    lab = spiral_lab()
    add(lab, Mode.COMBINATION, '=HYPERLINK("http://evil","x") combined two checklists into one')
    lab.download_contributions.send = lambda *a, **k: None
    data = lab.download_contributions.request().decode("utf-8-sig")
    assert "'=HYPERLINK" in data


def test_on_change_receives_every_change():
    seen = []
    lab = spiral_lab(on_change=seen.append)
    add(lab, Mode.SOCIALIZATION, GOOD[Mode.SOCIALIZATION])
    lab.next_round_button.click()
    assert len(seen) == 2 and len(seen[-1]) == 1


# --------------------------------------------------------------------------- SECI-Spiral v2 in the lab


def test_the_lab_says_what_would_lift_a_learner_alone():
    lab = spiral_lab(practice=ALONE)
    assert "workshop" not in lab.status.value  # nothing to say before there is a spiral
    full_round(lab, quality=0.9)
    for words in ("stays at the individual level", "different people share it", "class",
                  "workshop", "practise with the simulated group"):
        assert words in lab.status.value + lab.progress_view.value


def test_a_simulated_group_lifts_the_spiral():
    lab = spiral_lab(practice=ALONE)
    for _ in range(6):
        full_round(lab, quality=0.9)
        lab.next_round_button.click()
    assert lab.trajectory["level"].max() == 0
    lab.group_size.value = 6
    lab.simulate_group.value = True
    assert lab.trajectory["level"].max() >= 1
    assert set(lab.trajectory[lab.trajectory["mode"] == "S"]["people"]) == {6}
    assert "stays at the individual level" not in lab.status.value
    assert len(lab.contributions) == 24  # simulated work is never saved as the learner's
    lab.simulate_group.value = False
    assert lab.trajectory["level"].max() == 0


def test_the_page_says_order_within_a_round_does_not_matter():
    lab = spiral_lab()
    assert "order you add contributions in does not change the spiral" in lab.order_note.value
    for mode in reversed(MODES):  # entered I, C, E, S ...
        add(lab, mode, GOOD[mode], 0.8)
    backwards = lab.trajectory.drop(columns="texts")
    ordered = spiral_lab()
    full_round(ordered, quality=0.8)  # ... or S, E, C, I: the same spiral
    assert backwards.equals(ordered.trajectory.drop(columns="texts"))


def test_a_learner_starts_a_new_spiral_and_sees_it():
    lab = spiral_lab(practice=ALONE)
    full_round(lab, quality=0.9)
    assert lab.start_spiral_button.disabled and not lab.seed_step.options
    lab.start_spiral_button.click()  # a forged click on the disabled button
    assert lab.message.kind == "error" and "Group level" in lab.message.text
    lab.group_size.value = 6
    lab.simulate_group.value = True
    for _ in range(6):
        lab.next_round_button.click()
        full_round(lab, quality=0.9)
    assert not lab.start_spiral_button.disabled and lab.seed_step.options
    lab.seed_step.value = lab.seed_step.options[0][1]
    lab.team_size.value = 4
    lab.start_spiral_button.click()
    assert lab.message.kind == "ok" and "New spiral 2 started" in lab.message.text
    assert set(lab.shown["spiral"]) == {"1", "2"}
    assert len(lab.shown) == len(lab.trajectory) + 4 * lab.team_rounds.value
    label = next(t for t in lab.figure.data if t.name == "New spiral")
    assert list(label.text) == ["New spiral 2"]
    assert list(next(t for t in lab.top_view.data if t.name == "New spiral").text) == ["New spiral 2"]
    assert "Started from" in lab.table.value and "Spiral 2" in lab.new_spirals_note.value
    assert "New spiral" in lab._html_bytes().decode()
    lab.replay.value = len(lab.trajectory)  # the replay runs through the new spiral too
    assert not list(next(t for t in lab.figure.data if t.name == "New spiral").x or ())
    lab.replay.value = lab.replay.max
    # Without the simulated group the step falls back to the individual level: the page says
    # the new spiral went, and why.
    lab.simulate_group.value = False
    assert set(lab.shown["spiral"]) == {"1"} and lab.new_spirals == []
    assert "New spiral 2 was removed" in lab.status.value
    lab.simulate_group.value = True
    lab.seed_step.value = lab.seed_step.options[-1][1]
    lab.start_spiral_button.click()
    lab.clear_spirals_button.click()
    assert set(lab.shown["spiral"]) == {"1"} and "removed" in lab.message.text


def test_figures_load_plotly_js_from_the_server_when_it_serves_it(monkeypatch):
    import plotly.graph_objects as go

    from seci_lab.env import PLOTLY_BUNDLE_ENV

    # Under seci-lab serve the figures import the served bundle: the 5 MB module is not sent
    # with each figure, and the page evaluates it once however many figures it shows.
    monkeypatch.setenv(PLOTLY_BUNDLE_ENV, "seci-lab/plotly/widgetbundle.js")
    lab = spiral_lab()
    for figure in (lab.figure, lab.top_view):
        assert isinstance(figure, go.FigureWidget)
        assert len(figure._esm) < 1000 and "seci-lab/plotly/widgetbundle.js?v=" in figure._esm
        assert "import(" in figure._esm and "export default" in figure._esm
    add(lab, Mode.SOCIALIZATION, GOOD[Mode.SOCIALIZATION])  # updates reach the same figures
    assert any(t.x is not None and len(t.x) == len(lab.trajectory) for t in lab.figure.data)

    # Elsewhere (JupyterLab, another server) a figure carries plotly's own bundle, as plotly made it.
    monkeypatch.delenv(PLOTLY_BUNDLE_ENV)
    plain = spiral_lab()
    assert isinstance(plain.figure, go.FigureWidget) and len(plain.figure._esm) > 1_000_000


# --------------------------------------------------------------------------- issue 19: the rise is visible


def test_the_practice_group_is_on_by_default_labelled_and_lifts_the_learner():
    saved = []
    lab = spiral_lab(on_practice=saved.append)
    assert lab.simulate_group.value and lab.practice == PracticeGroup()
    assert "simulated" in lab.simulate_group.description and "not real" in lab.simulate_group.tooltip
    assert "not real people" in lab.practice_note.value
    band = [next(t for t in lab.figure.data if t.name == "Group level")]
    full_round(lab, quality=0.5)
    # One round with four simulated people: the Group level, and the page says what they added.
    assert int(lab.trajectory["level"].iloc[-1]) == 1
    assert "Round 1: 16 contributions, to Socialization, Externalization, Combination, Internalization" \
        in lab.practice_note.value
    assert len(lab.contributions) == 4 and {c.participant for c in lab.contributions} == {"Me"}
    assert "Organization:" in lab.progress_view.value and "Bring in" in lab.progress_view.value
    # the Group band is drawn full now that the spiral stands in it... its own band fills
    assert band[0].z[1][0] > 1.0 or next(t for t in lab.figure.data if t.name == "Individual level").z[1][0] == 1.0
    lab.peer_quality.value = 0.7
    assert saved[-1] == PracticeGroup(on=True, size=5, quality=0.7)


def test_the_meter_fills_as_the_learner_adds_each_mode():
    lab = spiral_lab()
    meters = []
    for mode in MODES:
        add(lab, mode, GOOD[mode], 0.6)
        meters.append(lab.progress_view.value)
    assert "Group: 2 of 5" in meters[0] and "Group: 3 of 5" in meters[1] and "Group: 4 of 5" in meters[2]
    assert "Organization: " in meters[3]  # the round is complete: the spiral stands at the Group level
    individual = next(t for t in lab.figure.data if t.name == "Individual level")
    assert individual.z[1][0] == pytest.approx(1.0)  # the level below is drawn full


def test_the_practice_group_follows_the_learner_and_never_works_alone():
    lab = spiral_lab()
    assert lab.trajectory.empty and "will work beside you" in lab.practice_note.value
    add(lab, Mode.SOCIALIZATION, GOOD[Mode.SOCIALIZATION], 0.6)
    assert int(lab.trajectory["level"].iloc[-1]) == 0  # only Socialization so far
    assert set(lab.trajectory["contributions"]) == {0, 5}
    lab.simulate_group.value = False
    assert "practice group is off" in lab.practice_note.value
    assert set(lab.trajectory["people"]) <= {0, 1}


def test_a_lab_restored_from_saved_work_draws_the_practice_group_from_the_start():
    # The figure shows what it was built with (updates before display are lost): it must be
    # built with the practice group, or a reloaded page would draw "Individual" under "Group".
    saved = [Contribution("Me", m, GOOD[m], 1, 0.6) for m in MODES]
    lab = spiral_lab(contributions=saved)
    assert int(lab.trajectory["level"].iloc[-1]) == 1
    assert "level: Group" in lab.figure.layout.title.text
    alone = spiral_lab(contributions=saved, practice=ALONE)
    assert "level: Individual" in alone.figure.layout.title.text
