"""The critiques lesson in Voila and Chromium: the critique switches redraw the live spiral and say what
changed, the debate gets feedback and is saved, and its example opens only after trying."""

from __future__ import annotations

import pytest

from seci_lab.content.course import page_of_kind
from seci_lab.model.work import REFLECTION_KEY
from voila_testing import wait_for_voila

pytestmark = pytest.mark.browser

CRITIQUES = f"voila/render/{page_of_kind('critiques').href}"
SIGMA = "Bratianu: socialization only transfers (σ = 0)"
PHI = "Polanyi and Tsoukas: codifiable share φ"
CLAIM = ("Tsoukas (2003) argues that tacit knowledge is partly ineffable, so externalization can never "
         "convert all of it into words.")

# The widest step of the live top view titled ``title``: how big the spiral is drawn.
_WIDEST_JS = """(title) => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const t = gd.layout && gd.layout.title && gd.layout.title.text;
    if (!t || !t.startsWith(title)) continue;
    let widest = 0;
    for (const trace of gd.data || [])
      if (trace.mode === 'markers' && trace.x)
        trace.x.forEach((x, i) => { widest = Math.max(widest, Math.hypot(x, trace.y[i])); });
    return widest;
  }
  return null;
}"""


def big_scripts(page) -> list[str]:
    """Scripts the page loaded that are as big as plotly.js (about 5 MB; nothing else comes close)."""
    return page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(e => e.decodedBodySize > 3e6).map(e => e.name)""")


def y_ranges(page, values: bool = False) -> list:
    """The titles (or the y ranges, as text) of the live spirals, in page order."""
    return page.evaluate("""(values) => [...document.querySelectorAll('.js-plotly-plot')]
        .filter(gd => gd.layout && gd.layout.title)
        .map(gd => values ? JSON.stringify(gd.layout.yaxis.range) : gd.layout.title.text.split('<br>')[0])""",
                         values)


def widest(page, title: str):
    return page.evaluate(_WIDEST_JS, title)


def test_learner_switches_critiques_and_debates(base_url, page, console, fresh_learner):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + CRITIQUES)
    wait_for_voila(page)

    # the lesson's shape
    for heading in ("What you will learn", "The critiques", "Debate a critique", "Recap", "Sources"):
        page.get_by_role("heading", name=heading, exact=True).first.wait_for()

    # Polanyi and Tsoukas, switched at once (plotly.js may still be loading): a smaller codifiable
    # share shrinks the spiral, drawn to the scale of the defaults, and the page says so in words
    page.get_by_label(PHI, exact=True).select_option(index=4)  # 0.30
    page.get_by_text("4.87 explicit knowledge per person instead of 12.98").wait_for()
    page.wait_for_function(f"""() => {{ const w = ({_WIDEST_JS}); const d = w('Model defaults');
        return d > 0 && w('With your switches') > 0 && w('With your switches') < d * 0.8; }}""")
    assert y_ranges(page) == ["Model defaults", "With your switches"] and len(set(y_ranges(page, values=True))) == 1
    start = widest(page, "Model defaults")
    # back to the defaults: the same spiral twice
    page.get_by_role("button", name="Back to the model's defaults").click()
    page.get_by_text("Switch on a critique to see what it changes").wait_for()
    page.wait_for_function(f"() => Math.abs(({_WIDEST_JS})('With your switches') - {start}) < 1e-6")
    page.get_by_label(PHI, exact=True).select_option(index=4)
    page.wait_for_function(f"() => ({_WIDEST_JS})('With your switches') < {start} * 0.8")
    # Bratianu on top: the sentence names it, the table gives the numbers
    page.get_by_label(SIGMA, exact=True).check()
    page.get_by_text("With Bratianu's view").wait_for()
    page.get_by_text("4.53 explicit knowledge per person instead of 12.98").wait_for()
    assert page.get_by_role("table").filter(has_text="Level reached").count() == 1

    # the debate: the example waits until the learner has tried
    show = page.get_by_role("button", name="Show an example")
    assert show.is_disabled()
    page.get_by_label("1. The claim", exact=True).fill(CLAIM)
    page.get_by_role("button", name="Check my debate").click()
    page.locator(".seci-message.seci-ok", has_text="Your debate is saved").wait_for()
    page.get_by_text("1. The claim: there and substantive.").wait_for()
    page.get_by_text("2. The evidence: missing.").wait_for()
    assert not show.is_disabled()
    show.click()
    page.get_by_text("What the weak answer lacks").first.wait_for()
    record = fresh_learner.answer(REFLECTION_KEY)
    assert record["parts"]["claim"] == CLAIM and record["checked"]["claim"]["status"] == "substantive"

    # one plotly.js on the page (docs/architecture.md): both spirals are FigureWidgets of one bundle
    assert len(big_scripts(page)) == 1, big_scripts(page)

    # a reload brings the debate back
    page.reload()
    wait_for_voila(page)
    assert page.get_by_label("1. The claim", exact=True).input_value() == CLAIM
    page.locator(".seci-message", has_text="Your saved debate is back").wait_for()
    assert fresh_learner.answer(REFLECTION_KEY)["example_seen"] is True

    assert dialogs == []
    console.assert_no_errors()
