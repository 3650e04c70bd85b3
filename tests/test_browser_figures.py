"""Charts in Chromium: each has role="figure" and a name saying what it shows, its data as a table
beside it that follows what it draws, and motion only on request (reduced motion: jumps).

The instructor's and the facilitator's charts are checked in their own browser tests.
"""

from __future__ import annotations

import pytest
from test_browser_spiral import ROUND, SPIRAL, add, wait_for_points
from voila_testing import table_rows, wait_for_chart_name, wait_for_named_charts, wait_for_voila

from seci_lab.content.course import page_of_kind
from seci_lab.exports.spiral import spiral_html
from seci_lab.model import MODES, Contribution, simulate_spiral

pytestmark = pytest.mark.browser

CRITIQUES = f"voila/render/{page_of_kind('critiques').href}"


def test_spiral_lab_charts_are_named_and_their_table_follows_the_replay(base_url, page, console, fresh_learner):
    page.goto(base_url + SPIRAL)
    wait_for_voila(page)
    (chart,) = wait_for_named_charts(page, 1)
    assert chart["name"].startswith("3-D knowledge spiral: no contributions yet.")
    for mode_label, text in ROUND:
        add(page, mode_label, text)
        page.get_by_text(f"Added to round 1, {mode_label.split(' · ')[1]}").wait_for()
    wait_for_points(page, 4)
    wait_for_chart_name(page, "3-D knowledge spiral: 4 steps in 1 round")
    table = page.locator(".seci-table[aria-label='Your spiral as a table']")
    assert table_rows(table) == 4

    # one step back in the replay (the Step slider, by keyboard): chart, name and table follow
    handle = page.locator(".seci-replay .noUi-handle")
    handle.click()
    page.keyboard.press("ArrowLeft")
    wait_for_points(page, 3)
    wait_for_chart_name(page, "3-D knowledge spiral: 3 steps in 1 round")
    page.wait_for_function("""() => document.querySelectorAll(
        ".seci-table[aria-label='Your spiral as a table'] tbody tr").length === 3""")

    # the top view: its own name, the same table under it
    page.get_by_role("button", name="Top view", exact=True).click()
    top = wait_for_chart_name(page, "Knowledge spiral seen from above: 3 steps")
    assert top["steps"] == table_rows(table) == 3

    # reduced motion: no timed replay, a note says how to step instead; the slider stays
    play, note = page.locator(".seci-replay .widget-play"), page.locator(".seci-replay .seci-motion-note")
    assert play.is_visible() and not note.is_visible()
    page.emulate_media(reduced_motion="reduce")
    play.wait_for(state="hidden")
    note.wait_for(state="visible")
    assert handle.is_visible()
    console.assert_no_errors()


def test_critique_charts_are_named_and_tabled(base_url, page, console, fresh_learner):
    page.goto(base_url + CRITIQUES)
    wait_for_voila(page)
    both = wait_for_named_charts(page, 2)
    page.get_by_text("The two spirals as tables").click()
    for chart, caption in zip(both, ("Model defaults", "With your switches")):
        assert chart["name"].startswith(f"Knowledge spiral seen from above: {chart['steps']} steps")
        assert caption in chart["name"]  # the title, as drawn
        table = page.locator(f".seci-table-wrap[aria-label='{caption}, step by step']")
        assert table_rows(table) == chart["steps"] > 0
    console.assert_no_errors()


def _saved_page(tmp_path) -> str:
    text = "I watched the baker fold the dough for three days and wrote each step down as a rule"
    trajectory = simulate_spiral([Contribution(participant="a", mode=m, text=text, round=r)
                                  for r in (1, 2) for m in MODES], 1)
    path = tmp_path / "spiral.html"
    path.write_text(spiral_html(trajectory), encoding="utf-8")
    return path.as_uri()


_SLIDER = "() => { const s = document.getElementById('seci-spiral-3d').layout.sliders[0]; return s.active || 0; }"
_COUNT_FRAMES = """() => { window.seciFrames = 0;
  document.getElementById('seci-spiral-3d').on('plotly_animatingframe', () => { window.seciFrames += 1; }); }"""


def _play(page) -> None:
    page.evaluate(_COUNT_FRAMES)
    page.locator("#seci-spiral-3d .updatemenu-button").first.click()
    page.wait_for_function(f"() => ({_SLIDER})() === 1")  # the last of two rounds


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_saved_spiral_page_names_charts_follows_rounds_and_honours_reduced_motion(tmp_path, page, console, motion):
    page.emulate_media(reduced_motion=motion)
    page.goto(_saved_page(tmp_path))
    spiral, top = wait_for_named_charts(page, 2)
    assert spiral["name"].startswith("3-D knowledge spiral: 8 steps in 2 rounds")
    assert spiral["name"].endswith("Shown now: Our knowledge spiral. Round 1 of 2 · level: Individual.")
    assert top["name"].startswith("Knowledge spiral seen from above: 8 steps") and top["steps"] == 8
    shown = page.locator("#seci-spiral-table")
    # it opens at round 1 and stays there: nothing plays by itself
    assert page.evaluate(_SLIDER) == 0 and table_rows(shown) == 4
    label = page.locator("#seci-spiral-3d .updatemenu-button").first.text_content()  # SVG text
    _play(page)
    page.wait_for_function("() => !document.querySelector('#seci-spiral-table tbody tr[hidden]')")
    assert table_rows(shown) == 8
    assert "Round 2 of 2" in page.locator("#seci-spiral-3d").get_attribute("aria-label")
    frames = page.evaluate("() => window.seciFrames")
    if motion == "reduce":  # Play jumps to the last round: one frame, no sequence
        assert "Last round" in label and frames == 1
    else:  # Play plays round 1 and round 2
        assert "Play" in label and frames == 2
    console.assert_no_errors()
