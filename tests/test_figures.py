"""Figures of the spiral: structure, escaping, linear size, widget updates, and in Chromium."""

from __future__ import annotations

import contextlib
import functools
import os
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from seci_lab.figures import (
    MODE_SYMBOLS,
    spiral_figure,
    spiral_table,
    spiral_top_view,
    update_figure_widget,
)
from seci_lab.exports.spiral import spiral_html
from bench.naive_spiral import _naive_cumulative_figure
from seci_lab.model import LEVELS, MODES, Contribution, join_spirals, seed_spiral, simulate_spiral

HOSTILE = (
    '<img src=x onerror="window.__xss=1">',
    "$x^2$",
    '<a href="javascript:window.__xss=2">x</a>',
)
HOSTILE_TITLE = '<script>window.__xss=3</script> Team $A$'
QUADRANTS = ("S Socialization", "E Externalization", "C Combination", "I Internalization")


@functools.lru_cache(maxsize=None)
def trajectory(rounds: int, participants: int = 12, hostile: bool = False) -> pd.DataFrame:
    """One contribution per participant per mode per round at q = 0.7 (the brief's session)."""
    contributions = []
    for r in range(1, rounds + 1):
        for mode in MODES:
            for p in range(participants):
                text = f"idea {p} for {mode.value} in round {r}"
                if hostile and p < len(HOSTILE):
                    text = HOSTILE[p]
                contributions.append(
                    Contribution(participant=f"p{p}", mode=mode, text=text, round=r, quality=0.7)
                )
    return simulate_spiral(contributions, participants, rounds=rounds)


@functools.lru_cache(maxsize=None)
def family(rounds: int = 8, child_rounds: int = 4, child_id: str = "2") -> pd.DataFrame:
    """The brief's session and a team of 5 seeded from its first step at the Group level."""
    parent = trajectory(rounds)
    step = int(parent[parent["level"] >= 1]["step"].iloc[0])
    team = [Contribution(f"t{p}", m, f"team idea {p} {m.value} {r}", r, 0.7)
            for r in range(1, child_rounds + 1) for m in MODES for p in range(5)]
    child = simulate_spiral(team, 5, seed=seed_spiral(parent, step), spiral_id=child_id)
    return join_spirals(parent, child)


def round_indices(fig: go.Figure) -> dict[int, int]:
    """Trace index of each round's trace in the animated figure."""
    return {
        int(t.name.split()[1]): i
        for i, t in enumerate(fig.data)
        if t.name and t.name.startswith("Round ")
    }


def strings(obj) -> list[str]:
    """Every string inside a JSON-like structure."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if isinstance(obj, (list, tuple)):
        return [s for v in obj for s in strings(v)]
    return []


def hover_strings(fig: go.Figure) -> list[str]:
    """All hover texts and texts of traces and frames, and the titles."""
    spec = fig.to_plotly_json()
    out = []
    for trace in spec["data"] + [d for f in spec.get("frames", []) for d in f.get("data", [])]:
        for key in ("hovertext", "text", "name"):
            out += strings(trace.get(key))
    for layout in [spec["layout"]] + [f.get("layout", {}) for f in spec.get("frames", [])]:
        out += strings(layout.get("title"))
        out += strings(layout.get("annotations"))
    return out


# --------------------------------------------------------------------------- animated


def test_one_frame_per_round_and_each_frame_touches_only_its_round():
    t = trajectory(6)
    fig = spiral_figure(t)
    rounds = round_indices(fig)
    assert sorted(rounds) == [1, 2, 3, 4, 5, 6]
    assert [f.name for f in fig.frames] == [str(r) for r in range(1, 7)]
    latest = next(i for i, tr in enumerate(fig.data) if tr.name == "Latest step")
    for r, frame in zip(range(2, 7), fig.frames[1:]):
        assert frame.baseframe == str(r - 1)
        assert list(frame.traces) == [latest, rounds[r]]
        own = frame.data[1].to_plotly_json()
        assert own == {"type": "scatter3d", "visible": True}  # no data repeated in frames
        assert len(frame.data[0].x) == 1  # the "latest step" marker only
    first = fig.frames[0]
    assert first.baseframe is None
    settings = dict(zip(first.traces, first.data))
    for r, i in rounds.items():
        assert settings[i].visible is (r == 1)
        assert settings[i].x is None  # visibility only


def computed_visibility(fig: go.Figure, name: str) -> dict[int, bool]:
    """What plotly.js Plots.computeFrame does: merge the frame with its baseframe chain."""
    frames = {f.name: f for f in fig.frames}
    chain = []
    frame = frames[name]
    while frame is not None:
        chain.append(frame)
        frame = frames.get(frame.baseframe) if frame.baseframe else None
    visible: dict[int, bool] = {i: tr.visible for i, tr in enumerate(fig.data)}
    for frame in reversed(chain):
        for index, data in zip(frame.traces, frame.data):
            if data.visible is not None:
                visible[index] = data.visible
    return visible


def test_any_slider_jump_shows_exactly_rounds_up_to_the_target():
    t = trajectory(7)
    fig = spiral_figure(t)
    rounds = round_indices(fig)
    # Initial state: round 1 only, and the slider at its start.
    assert [r for r, i in rounds.items() if fig.data[i].visible] == [1]
    assert fig.layout.sliders[0].active == 0
    for target in (7, 3, 6, 1, 5, 2, 7):
        visible = computed_visibility(fig, str(target))
        assert [r for r, i in rounds.items() if visible[i]] == list(range(1, target + 1))


def test_round_traces_hold_each_step_once_with_hover():
    t = trajectory(3)
    fig = spiral_figure(t)
    hovers = [h for i in round_indices(fig).values() for h in fig.data[i].hovertext if h]
    assert len(hovers) == len(t) == 12
    assert all(h.startswith("<b>Round ") for h in hovers)


def test_slider_steps_and_play_pause():
    t = trajectory(5)
    fig = spiral_figure(t)
    (slider,) = fig.layout.sliders
    assert [s.label for s in slider.steps] == ["1", "2", "3", "4", "5"]
    assert [list(s.args[0]) for s in slider.steps] == [[str(r)] for r in range(1, 6)]
    assert all(s.method == "animate" for s in slider.steps)
    assert all(s.args[1]["frame"]["redraw"] for s in slider.steps)  # 3-D must redraw
    buttons = {b.label: b for b in fig.layout.updatemenus[0].buttons}
    play = next(b for label, b in buttons.items() if "Play" in label)
    pause = next(b for label, b in buttons.items() if "Pause" in label)
    assert play.method == "animate" and play.args[0] is None
    assert play.args[1]["frame"]["duration"] > 0
    assert list(pause.args[0]) == [None]
    assert pause.args[1]["mode"] == "immediate"


# --------------------------------------------------------------------------- labels, symbols


@pytest.mark.parametrize("animated", [True, False])
def test_level_bands_and_quadrants_are_labelled(animated):
    fig = spiral_figure(trajectory(3), animated=animated)
    texts = " ".join(hover_strings(fig))
    for level in LEVELS:
        assert level.label in texts
    for quadrant in QUADRANTS:
        assert quadrant in texts
    bands = [tr for tr in fig.data if tr.type == "surface"]
    assert len(bands) == len(LEVELS)
    # Band L spans heights L..L+1; its lower part, up to the fill line, is in the strong colour.
    for level, band in zip(LEVELS, bands):
        assert min(band.z[0]) == level and max(band.z[-1]) == level + 1
        assert level <= band.z[1][0] == band.z[2][0] <= level + 1


def test_the_current_band_fills_as_the_next_levels_conditions_are_met():
    def bands_of(contributions, people):
        fig = spiral_figure(simulate_spiral(contributions, people), animated=False)
        return {tr.name: tr.z[1][0] for tr in fig.data if tr.type == "surface"}

    alone = [Contribution("me", m, "x", 1, 0.6) for m in MODES[:2]]
    # Alone, two modes done well: 2 of the 5 conditions of Group, so 40 % of the band.
    assert bands_of(alone, 1)["Individual level"] == pytest.approx(0.4)
    team = [Contribution(f"p{i}", m, "x", 1, 0.6) for m in MODES for i in range(5)]
    filled = bands_of(team, 5)
    assert filled["Individual level"] == 1.0  # passed: full
    assert 1.0 < filled["Group level"] < 2.0 and filled["Organization level"] == 2.0


def test_top_view_quadrants_and_level_hint():
    fig = spiral_top_view(trajectory(3))
    texts = " ".join(a.text for a in fig.layout.annotations)
    for quadrant in QUADRANTS:
        assert quadrant in texts
    assert "level" in texts.lower()


def test_modes_differ_by_symbol_not_only_colour():
    assert len(set(MODE_SYMBOLS.values())) == 4
    for fig in (spiral_figure(trajectory(2), animated=False), spiral_top_view(trajectory(2))):
        marks = [tr for tr in fig.data if tr.name in QUADRANTS]
        assert [tr.name for tr in marks] == list(QUADRANTS)
        assert len({tr.marker.symbol for tr in marks}) == 4
        assert len({tr.marker.color for tr in marks}) == 4
    anim = spiral_figure(trajectory(2))
    round1 = anim.data[round_indices(anim)[1]]
    shown = [s for s, size in zip(round1.marker.symbol, round1.marker.size) if size]
    assert shown == [MODE_SYMBOLS[m.value] for m in MODES]


def test_positions_follow_the_geometry():
    import math

    t = trajectory(2)
    fig = spiral_figure(t, animated=False)
    s_trace = next(tr for tr in fig.data if tr.name == "S Socialization")
    row = t[t["mode"] == "S"].iloc[0]
    a = math.radians(row["angle"])
    assert s_trace.x[0] == pytest.approx(row["radius"] * math.cos(a), abs=1e-3)
    assert s_trace.y[0] == pytest.approx(row["radius"] * math.sin(a), abs=1e-3)
    assert s_trace.z[0] == pytest.approx(row["height"], abs=1e-3)
    assert s_trace.x[0] < 0 < s_trace.y[0]  # Socialization is top-left


# --------------------------------------------------------------------------- escaping


def all_figures(t: pd.DataFrame, title: str | None = None) -> list[go.Figure]:
    return [spiral_figure(t, title=title), spiral_figure(t, animated=False, title=title),
            spiral_top_view(t, title=title), _naive_cumulative_figure(t, title=title)]


def test_participant_text_is_escaped_everywhere():
    t = trajectory(2, hostile=True)
    for fig in all_figures(t, title=HOSTILE_TITLE):
        texts = hover_strings(fig)
        joined = "\n".join(texts)
        assert "&lt;img src=x onerror=" in joined  # the texts are there, escaped
        assert "&lt;a href=&#34;javascript:" in joined
        assert "&#36;x^2&#36;" in joined
        for s in texts:
            assert "<img" not in s and "<a " not in s and "<script" not in s
            assert "$" not in s
        # ... and nothing else in the figure carries them raw.
        raw = fig.to_json()
        assert "<img" not in raw and "<script" not in raw and "<a " not in raw
        assert 'href="javascript' not in raw and 'href=\\"javascript' not in raw


def test_hover_lists_five_texts_then_a_count_and_shortens_long_ones():
    long = "word " * 100
    contributions = [
        Contribution(participant=f"p{p}", mode=m, text=long if p == 0 else f"idea {p}",
                     round=1, quality=0.7)
        for m in MODES for p in range(12)
    ]
    t = simulate_spiral(contributions, 12)
    fig = spiral_figure(t, animated=False)
    hover = fig.data[[tr.name for tr in fig.data].index("S Socialization")].hovertext[0]
    assert hover.count("• ") == 5
    assert "+ 7 more" in hover
    first = hover.split("• ")[1].split("• ")[0]
    assert "…" in first and len(first.replace("<br>", " ")) < 140
    for label in ("Round 1", "Socialization", "Level: Individual"):
        assert label in hover


# --------------------------------------------------------------------------- static, widget


def fixed_shape(fig: go.Figure) -> list[tuple[str, str]]:
    return [(tr.type, tr.name) for tr in fig.data]


@pytest.mark.parametrize("view", ["3d", "top"])
def test_static_trace_set_does_not_depend_on_rounds_or_spirals(view):
    def build(t):
        return spiral_figure(t, animated=False) if view == "3d" else spiral_top_view(t)

    shapes = [fixed_shape(build(t)) for t in (*(trajectory(n) for n in (0, 1, 5, 50)), family())]
    assert all(shape == shapes[0] for shape in shapes)
    assert len(shapes[0]) == (15 if view == "3d" else 8)
    for n in (0, 5):
        fig = build(trajectory(n))
        assert not fig.frames and not fig.layout.sliders and not fig.layout.updatemenus


@pytest.mark.parametrize("animated", [True, False])
def test_empty_trajectory_gives_an_inviting_figure(animated):
    t = trajectory(0)
    assert len(t) == 0
    for fig in (spiral_figure(t, animated=animated), spiral_top_view(t)):
        notes = [a.text for a in fig.layout.annotations]
        assert any("Add contributions to start your spiral" in n for n in notes)
        assert not fig.frames
        fig.to_json()  # valid
    fig = spiral_figure(t, animated=animated)
    assert sum(tr.type == "surface" for tr in fig.data) == 4
    assert all(q in " ".join(hover_strings(fig)) for q in QUADRANTS)


def comparable(trace) -> dict:
    spec = trace.to_plotly_json()
    spec.pop("uid", None)
    return spec


@pytest.mark.parametrize("view", ["3d", "top"])
def test_update_figure_widget_matches_a_fresh_figure(view):
    def build(t):
        return spiral_figure(t, animated=False) if view == "3d" else spiral_top_view(t)

    widget = go.FigureWidget(build(trajectory(0)))
    if view == "3d":
        widget.layout.scene.camera.eye = dict(x=2.0, y=0.1, z=0.3)  # as a learner rotated it
    for n in (1, 5, 50, 2):
        update_figure_widget(widget, trajectory(n), title="Class A")
        fresh = spiral_figure(trajectory(n), animated=False, title="Class A") if view == "3d" \
            else spiral_top_view(trajectory(n), title="Class A")
        assert [comparable(a) for a in widget.data] == [comparable(b) for b in fresh.data]
        assert widget.layout.title.text == fresh.layout.title.text
        assert [a.text for a in widget.layout.annotations] == [
            a.text for a in fresh.layout.annotations
        ]
        if view == "3d":
            assert widget.layout.scene.xaxis.range == fresh.layout.scene.xaxis.range
            assert widget.layout.scene.camera.eye.x == 2.0  # the viewpoint is kept
        else:
            assert widget.layout.xaxis.range == fresh.layout.xaxis.range
    assert not any("Add contributions" in a.text for a in widget.layout.annotations)


def test_update_figure_widget_refuses_an_unknown_widget():
    with pytest.raises(ValueError, match="spiral_top_view"):
        update_figure_widget(go.FigureWidget(), trajectory(1))


# --------------------------------------------------------------------------- new spirals


def test_a_new_spiral_rises_from_its_parents_step():
    import math

    t = family()
    parent_step = int(t[t["spiral"] == "2"]["parent_step"].iloc[0])
    p = t[(t["spiral"] == "1") & (t["step"] == parent_step)].iloc[0]
    child = t[t["spiral"] == "2"]
    fig = spiral_figure(t, animated=False)
    s_trace = next(tr for tr in fig.data if tr.name == "S Socialization")
    px = p["radius"] * math.cos(math.radians(p["angle"]))
    py = p["radius"] * math.sin(math.radians(p["angle"]))
    first = child.iloc[0]  # the new spiral's first Socialization, at half size around the parent's step
    a = math.radians(first["angle"])
    expected = (px + 0.5 * first["radius"] * math.cos(a), py + 0.5 * first["radius"] * math.sin(a),
                p["height"] + 0.5 * first["height"])
    index = len(t[(t["spiral"] == "1") & (t["mode"] == "S")])  # after the parent's S steps
    assert (s_trace.x[index], s_trace.y[index], s_trace.z[index]) == pytest.approx(expected, abs=1e-3)
    # The path links the parent's step to the new spiral, and the start is labelled.
    path = next(tr for tr in fig.data if tr.name == "Spiral path")
    points = list(zip(path.x, path.y, path.z))
    start = points.index((None, None, None)) + 1  # the root's path, a break, then the new spiral's
    assert points.count((None, None, None)) == 1
    assert points[start] == pytest.approx((px, py, p["height"]), abs=1e-3)  # from the parent's step
    assert points[start + 8] == pytest.approx(expected, abs=1e-3)  # 7 link points, then the step
    new = next(tr for tr in fig.data if tr.name == "New spiral")
    assert list(new.text) == ["New spiral 2"]
    # Its hovers say where it started; the parent's do not.
    hover = s_trace.hovertext[index]
    assert hover.startswith("<b>Spiral 2 · Round 1") and f"New spiral from spiral 1, round {p['round']}" in hover
    assert "Spiral" not in s_trace.hovertext[0]
    top = spiral_top_view(t)
    assert list(next(tr for tr in top.data if tr.name == "New spiral").text) == ["New spiral 2"]


def test_new_spirals_play_on_the_common_clock():
    t = family()
    fig = spiral_figure(t)
    offset = int(t[t["spiral"] == "2"]["round_offset"].iloc[0])
    rounds = round_indices(fig)  # the root's rounds
    children = {int(tr.name.split()[-1]): i for i, tr in enumerate(fig.data)
                if tr.name and tr.name.startswith("Spiral 2, round")}
    assert sorted(children) == [1, 2, 3, 4]
    last = max(max(rounds), offset + max(children))
    assert [f.name for f in fig.frames] == [str(r) for r in range(1, last + 1)]
    for target in (last, 1, offset, offset + 1, offset + 3, 2):
        visible = computed_visibility(fig, str(target))
        assert [r for r, i in rounds.items() if visible[i]] == list(range(1, min(target, max(rounds)) + 1))
        assert [k for k, i in children.items() if visible[i]] == [k for k in children if offset + k <= target]
    # Each later frame touches only the traces of its round: the JSON stays linear.
    for frame in fig.frames[1:]:
        assert all(d.to_plotly_json() == {"type": "scatter3d", "visible": True} for d in frame.data[1:])
    first = fig.data[children[1]]  # from the parent's step (no marker), 7 link points, its first step
    assert first.marker.size[0] == 0 and first.marker.size[8] == 12 and first.text[8] == "New spiral 2"
    assert "2 spirals" in fig.frames[offset].layout.title.text


def test_new_spiral_texts_are_escaped():
    hostile_id = '<img src=x onerror="window.__xss=4">'
    t = family(child_id=hostile_id)
    for fig in (spiral_figure(t), spiral_figure(t, animated=False), spiral_top_view(t)):
        raw = fig.to_json()
        assert "<img" not in raw
        assert "&lt;img src=x onerror=" in "\n".join(hover_strings(fig))
    table = spiral_table(t)
    assert hostile_id in set(table["Spiral"])  # raw in the table: escaped where it is shown


def test_the_table_names_each_spiral_and_where_it_started():
    t = family()
    table = spiral_table(t)
    assert list(table.columns[:3]) == ["Spiral", "Started from", "Round"]
    child = table[table["Spiral"] == "2"]
    parent_round = int(t[t["spiral"] == "2"]["round_offset"].iloc[0])
    assert set(table[table["Spiral"] == "1"]["Started from"]) == {""}
    assert set(child["Started from"]) == {f"spiral 1, round {parent_round} (Internalization)"}
    assert (child["People"] == 5).all() and len(child) == 16


def test_a_declared_level_up_is_explained_in_hover_and_table():
    only_sharing = [Contribution(f"p{p}", "S", "shared", r, 0.7) for r in (1, 2) for p in range(4)]
    t = simulate_spiral(only_sharing, 4, cross_level_rounds=[2])
    note = t["note"].iloc[-1]
    assert note.startswith("Declared level-up refused")
    assert spiral_table(t)["Note"].iloc[-1] == note
    internalization = next(tr for tr in spiral_figure(t, animated=False).data if tr.name == "I Internalization")
    hover = internalization.hovertext[-1]
    assert "Declared level-up refused" in hover


# --------------------------------------------------------------------------- size


def test_json_grows_linearly_with_rounds():
    # Bytes, not seconds: the time to build a figure is bench/bench_spiral.py's to measure.
    small = len(spiral_figure(trajectory(100)).to_json())
    large = len(spiral_figure(trajectory(1000)).to_json())
    assert large <= 10.5 * small, (small, large)


def test_naive_cumulative_baseline_grows_faster():
    # The benchmark's baseline: quadratic, so 4x the rounds gives far more than 4x the bytes.
    small = len(_naive_cumulative_figure(trajectory(10)).to_json())
    large = len(_naive_cumulative_figure(trajectory(40)).to_json())
    ours = len(spiral_figure(trajectory(40)).to_json())
    assert large > 8 * small
    assert ours < large / 3


# --------------------------------------------------------------------------- table, html


def test_spiral_table():
    t = trajectory(3, hostile=True)
    table = spiral_table(t)
    assert list(table.columns) == [
        "Round", "Mode", "Contributions", "People", "Mean quality", "Tacit (per person)",
        "Explicit (per person)", "Shared", "Level", "Level-up", "Still needed", "Note",
        "What was contributed",
    ]
    assert (table["People"] == 12).all()
    assert len(table) == len(t) == 12
    assert list(table["Round"]) == [1] * 4 + [2] * 4 + [3] * 4
    assert list(table["Mode"][:4]) == list(QUADRANTS)
    assert (table["Contributions"] == 12).all()
    assert table["Mean quality"].iloc[0] == pytest.approx(0.7)
    assert HOSTILE[0] in table["What was contributed"].iloc[0]  # raw: escaped on display
    assert table["Tacit (per person)"].iloc[0] == pytest.approx(t["T"].iloc[0] / 12, abs=0.01)
    empty = spiral_table(trajectory(0))
    assert list(empty.columns) == list(table.columns) and len(empty) == 0


def test_spiral_html_is_self_contained_and_escaped():
    page = spiral_html(trajectory(3, hostile=True), title=HOSTILE_TITLE)
    assert page.startswith("<!DOCTYPE html>")
    assert len(page) > 3_000_000  # plotly.js inlined
    # No script is loaded from anywhere (plotly.js itself mentions cdn.plot.ly for geo maps).
    assert not re.search(r"<script[^>]*\ssrc=", page)
    assert 'src="http' not in page and "src='http" not in page
    assert "<script>window.__xss" not in page
    assert "&lt;script&gt;window.__xss=3&lt;/script&gt; Team $A$" in page  # the heading
    assert "<img src=x" not in page and '<a href="javascript' not in page
    assert page.count('class="plotly-graph-div"') == 2
    assert "<table" in page and "Still needed" in page


def test_spiral_html_of_an_empty_trajectory():
    page = spiral_html(trajectory(0))
    assert "Add contributions to start your spiral" in page


# --------------------------------------------------------------------------- browser

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but no Chromium: set CHROMIUM_PATH or install /usr/bin/chromium")
    pytest.skip("no system Chromium (set CHROMIUM_PATH)")


SLIDER = "document.getElementById('seci-spiral-3d')._fullLayout.sliders[0]"
VISIBLE_ROUNDS = """() => document.getElementById('seci-spiral-3d')._fullData
    .filter(t => t.name && t.name.startsWith('Round ') && t.visible === true)
    .map(t => Number(t.name.split(' ')[1]))"""


@contextlib.contextmanager
def chromium_page(errors: list[str], requests: list[str]):
    """A Chromium page that records its errors and requests; the browser closes afterwards."""
    executable = chromium_path()
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("request", lambda r: requests.append(r.url))
            yield page
        finally:
            browser.close()


def jump_to(page, k: int) -> None:
    """Play the 3-D figure's frame k with the slider step's own arguments, as its click does."""
    page.evaluate(
        """async (k) => { const gd = document.getElementById('seci-spiral-3d');
           const step = gd.layout.sliders[0].steps[k - 1];
           await Plotly.animate(gd, step.args[0], step.args[1]); }""",
        k,
    )


@pytest.mark.browser
def test_spiral_html_in_chromium(tmp_path):
    path = tmp_path / "spiral.html"
    path.write_text(spiral_html(trajectory(6, hostile=True), title=HOSTILE_TITLE), "utf-8")
    errors: list[str] = []
    requests: list[str] = []
    with chromium_page(errors, requests) as page:
        page.goto(path.as_uri())
        page.wait_for_selector("#seci-spiral-3d .main-svg", timeout=60_000)
        page.wait_for_selector("#seci-spiral-top .main-svg", timeout=60_000)
        assert page.locator("#seci-spiral-3d canvas").count() > 0  # WebGL scene drawn
        # Opens at round 1 (no auto-play), slider at the start.
        assert page.evaluate(VISIBLE_ROUNDS) == [1]

        page.get_by_text("▶ Play").click()
        page.wait_for_function(
            f"() => {SLIDER}.active >= 2",
            timeout=30_000,
        )
        assert errors == []
        page.get_by_text("❚❚ Pause").click()
        page.wait_for_timeout(500)
        # plotly.js rejects the interrupted Play's promise with `undefined` and re-throws it
        # from its button handler (Plots.executeAPICommand): an unhandled rejection that
        # every Play/Pause pair causes. Allow exactly that one, nothing else.
        assert set(errors) <= {"undefined"} and len(errors) <= 1, errors
        errors.clear()
        shown = page.evaluate(VISIBLE_ROUNDS)
        assert len(shown) >= 3 and shown == list(range(1, len(shown) + 1))

        # Slider jumps in both directions, with the slider steps' own arguments.
        for target in (6, 2, 5, 1, 4):
            jump_to(page, target)
            assert page.evaluate(VISIBLE_ROUNDS) == list(range(1, target + 1))
            title = page.evaluate(
                "() => document.getElementById('seci-spiral-3d')._fullLayout.title.text")
            assert f"Round {target} of 6" in title

        # A real click on the slider rail's far end goes to the last round.
        rail = page.locator("#seci-spiral-3d .slider-rail-rect").bounding_box()
        page.mouse.click(rail["x"] + rail["width"] - 2, rail["y"] + rail["height"] / 2)
        # The slider moves at once; the frame is drawn when plotly.js gets to it.
        page.wait_for_function(
            f"() => {SLIDER}.active === 5",
            timeout=30_000,
        )
        page.wait_for_function(f"() => ({VISIBLE_ROUNDS})().length === 6", timeout=30_000)
        assert page.evaluate(VISIBLE_ROUNDS) == [1, 2, 3, 4, 5, 6]

        # Hover a step with hostile texts in the top view: shown as text, never run.
        page.evaluate(
            """() => Plotly.Fx.hover('seci-spiral-top', [{curveNumber: 1, pointNumber: 0}])"""
        )
        hover = page.locator("#seci-spiral-top .hoverlayer").text_content()
        assert '<img src=x onerror="window.__xss=1">' in hover
        assert "$x^2$" in hover
        assert page.evaluate(
            "() => document.querySelectorAll('img, .hoverlayer a, .gtitle a').length") == 0
        assert page.evaluate("() => window.__xss") is None
        title = page.locator("h1").inner_text()
        assert title == HOSTILE_TITLE
    assert errors == []
    assert all(url.startswith("file:") for url in requests), requests  # works offline


VISIBLE_CHILD_ROUNDS = """() => document.getElementById('seci-spiral-3d')._fullData
    .filter(t => t.name && t.name.startsWith('Spiral 2, round ') && t.visible === true)
    .map(t => Number(t.name.split(' ').pop()))"""


@pytest.mark.browser
def test_a_family_of_spirals_in_chromium(tmp_path):
    # plotly.js, not only our model of it: a new spiral's rounds appear and vanish with the
    # slider on the common clock, and the page has no errors.
    t = family()
    offset = int(t[t["spiral"] == "2"]["round_offset"].iloc[0])
    path = tmp_path / "family.html"
    path.write_text(spiral_html(t, title="Two spirals"), "utf-8")
    errors: list[str] = []
    with chromium_page(errors, []) as page:
        page.goto(path.as_uri())
        page.wait_for_selector("#seci-spiral-3d .main-svg", timeout=60_000)
        last = page.evaluate(f"() => {SLIDER}.steps.length")
        assert last == max(8, offset + 4)
        for target in (last, offset, offset + 2, 1, last):
            jump_to(page, target)
            assert page.evaluate(VISIBLE_ROUNDS) == list(range(1, min(target, 8) + 1))
            assert page.evaluate(VISIBLE_CHILD_ROUNDS) == [k for k in range(1, 5) if offset + k <= target]
        assert "New spiral 2" in page.locator("#seci-spiral-top").inner_text()
        assert "Started from" in page.locator("table").first.inner_text()
    assert errors == []
