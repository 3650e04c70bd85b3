"""The spiral lab in Voila and Chromium, used as a learner would."""

from __future__ import annotations

import pytest

from seci_lab.content.course import page_of_kind
from voila_testing import wait_for_voila

pytestmark = pytest.mark.browser

SPIRAL = f"voila/render/{page_of_kind('spiral').href}"

ROUND = [
    ("S · Socialization", "I shadowed the head baker for 3 days because the recipe missed the kneading."),
    ("E · Externalization", "Kneading is like stretching a rubber band and twisting it: I wrote it as 3 steps."),
    ("C · Combination", "I combined my 3 steps with the machine spec into one table, sorted by phase."),
    ("I · Internalization", "I practised the table's steps on 4 loaves until they became second nature."),
]


_POINTS_JS = """() => {
          const modes = ['S Socialization', 'E Externalization', 'C Combination', 'I Internalization'];
          let best = 0;
          for (const gd of document.querySelectorAll('.js-plotly-plot')) {
            let n = 0;
            for (const t of (gd.data || []))
              if (t.type === 'scatter3d' && modes.includes(t.name) && t.x) n += t.x.length;
            best = Math.max(best, n);
          }
          return best;
        }"""


def spiral_points(page) -> int:
    """Number of mode steps drawn in the live 3-D FigureWidget (one marker per step)."""
    return page.evaluate(_POINTS_JS)


def wait_for_points(page, n: int) -> None:
    """Wait until the live spiral shows ``n`` steps (updates arrive over the websocket)."""
    page.wait_for_function(f"() => ({_POINTS_JS})() === {n}", timeout=20_000)


def add(page, mode_label: str, text: str) -> None:
    # ipywidgets writes option labels with non-breaking spaces: pick by position
    index = [label for label, _ in ROUND].index(mode_label)
    page.get_by_label("Mode", exact=True).select_option(index=index)
    box = page.get_by_label("Your contribution", exact=True)
    box.fill(text)
    page.get_by_role("button", name="Add to spiral").click()


def test_learner_builds_a_spiral(base_url, page, console, fresh_learner):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + SPIRAL)
    wait_for_voila(page)
    assert spiral_points(page) == 0

    # The practice group is on by default, labelled as simulated (issue 19).
    practice = page.get_by_label("Practise with a simulated group", exact=False)
    assert practice.is_checked()
    page.locator(".seci-practice", has_text="not real people").wait_for()
    page.locator(".seci-progress", has_text="Group: 0 of 5 conditions met").wait_for()

    add(page, *ROUND[0])
    page.get_by_text("Added to round 1").wait_for()
    wait_for_points(page, 4)  # one round = four mode steps
    # the meter fills as the learner works: sharing with the practice group, one mode done
    page.locator(".seci-progress", has_text="Group: 2 of 5 conditions met").wait_for()
    meter = page.locator(".seci-progress progress")
    assert meter.get_attribute("value") == "2" and meter.get_attribute("max") == "5"
    page.locator(".seci-practice", has_text="Round 1: 4 contributions, to Socialization").wait_for()

    for mode_label, text in ROUND[1:]:
        add(page, mode_label, text)
        name = mode_label.split(" · ")[1]
        page.wait_for_function(f"() => document.body.innerText.includes('Added to round 1, {name}')")
    # the round is complete: the spiral rises to the Group level, and the meter now counts
    # toward Organization, with what to do next
    page.locator(".seci-status", has_text="Level: Group").wait_for()
    page.locator(".seci-progress", has_text="Organization:").wait_for()
    page.locator(".seci-progress", has_text="Bring in").wait_for()
    page.locator(".seci-practice", has_text="Round 1: 16 contributions").wait_for()
    # without the practice group, alone, it stays individual and the page says what would lift it;
    # it also says that the order within a round does not matter
    practice.uncheck()
    page.locator(".seci-alone", has_text="stays at the individual level").wait_for()
    page.locator(".seci-progress", has_text="Share with 1 more person").wait_for()
    page.get_by_text("the order you add contributions in does not change the spiral").wait_for()
    # the choice is kept with the learner's progress: off after a reload, until ticked again
    page.locator(".seci-practice", has_text="practice group is off").wait_for()
    page.reload()
    wait_for_voila(page)
    practice = page.get_by_label("Practise with a simulated group", exact=False)
    assert not practice.is_checked()
    practice.check()
    page.locator(".seci-status", has_text="Level: Group").wait_for()
    page.get_by_role("button", name="Start next round").click()
    page.get_by_text("Round 2 started").wait_for()
    add(page, *ROUND[0])
    page.wait_for_function("() => document.body.innerText.includes('Added to round 2')")
    wait_for_points(page, 8)  # the spiral grew by a round

    # bad input: a message beside the field, the text kept
    page.get_by_label("Your contribution", exact=True).fill("   ")
    page.get_by_role("button", name="Add to spiral").click()
    page.get_by_text("The contribution is empty").wait_for()

    # hostile text is shown as text and never runs
    payload = '<img src=x onerror=alert(1)><script>alert(2)</script>'
    add(page, "E · Externalization", payload)
    page.wait_for_function("() => document.body.innerText.includes('Added to round 2, Externalization')")
    page.get_by_role("button", name="Table", exact=True).click()
    page.wait_for_function("(p) => document.body.innerText.includes(p)", arg=payload)
    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0

    # downloads work in the browser
    with page.expect_download() as download:
        page.get_by_role("button", name="Download spiral data (CSV)").click()
    path = download.value.path()
    content = open(path, encoding="utf-8-sig").read()
    assert content.startswith("step,round,mode") and "shadowed the head baker" in content

    console.assert_no_errors()


def _spiral_lab_href() -> str:
    from seci_lab.content.course import PAGES

    return "voila/render/" + next(p for p in PAGES if p.kind == "spiral").href


@pytest.mark.parametrize("view", ["3-D spiral", "Top view", "Table"])
def test_replay_runs_in_every_view_without_console_errors(base_url, page, console, fresh_learner, view):
    page.goto(base_url + _spiral_lab_href())
    wait_for_voila(page)
    add(page, *ROUND[0])  # with the practice group: one round of four steps
    page.get_by_text("Added to round 1").wait_for()
    page.get_by_role("button", name=view, exact=True).click()
    page.locator(".seci-replay .widget-play button").first.click()  # Play
    page.locator(".seci-replay", has_text="Replay: round 1").wait_for(timeout=20_000)
    page.locator(".seci-replay", has_text="Showing the whole spiral.").wait_for(timeout=20_000)
    # the table follows the replay in every view, and the chart shows the whole spiral again after
    page.get_by_role("button", name="3-D spiral", exact=True).click()
    wait_for_points(page, 4)
    console.assert_no_errors()
