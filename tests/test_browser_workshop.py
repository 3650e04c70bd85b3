"""A live workshop in Chromium: ``seci-lab workshop`` with a facilitator and two participants.

One test, several checks (browser tests are slow on two cores): the command starts both
dashboards and prints the join code; the participant server serves only the participant
notebook; two participants (one on a phone-sized screen) join and submit; their texts
appear on the facilitator's board and in the spiral's data; a hidden contribution disappears
from the participants' boards; a reload keeps the participant's identity; no unexpected
console errors.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest

from seci_lab.env import DB_ENV, FACILITATOR_KEY_ENV
from voila_testing import ConsoleRecord, start_workshop, wait_for_voila

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    root = tmp_path_factory.mktemp("workshop")
    server, facilitator_port = start_workshop(root, ["--db", str(root / "data" / "ws.sqlite"), "--title", "Browser test"])
    try:
        text = server.stdout_path.read_text()
        code = re.search(r"Join code:\s+(\S+)", text).group(1)
        assert f"http://127.0.0.1:{facilitator_port}/" in text
        yield {"server": server, "code": code, "join": server.url,
               "facilitator": f"http://127.0.0.1:{facilitator_port}/", "output": text}
    finally:
        server.stop()


def _new_page(browser, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page, ConsoleRecord.attach(page)


def _join(page, code: str, name: str) -> None:
    page.get_by_label("Join code").fill(code)
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Join", exact=True).click()
    page.get_by_text(f"You joined as {name}").wait_for()


def _send(page, text: str) -> None:
    page.get_by_label("Your contribution").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Sent: it is on the group board").wait_for()


def _board_has(page, text: str, present: bool = True, timeout: float = 20_000) -> None:
    page.wait_for_function(
        """([text, present]) => {
             const boards = [...document.querySelectorAll('.seci-board')];
             const found = boards.some(b => b.textContent.includes(text));
             return found === present;
           }""", arg=[text, present], timeout=timeout)


def test_workshop_in_browsers(workshop, browser):
    # The participant server serves the participant notebook only.
    assert _status(workshop["join"] + "voila/render/workshop_facilitator.ipynb") == 404
    assert "Facilitator key:" in workshop["output"]
    # Only the facilitator's server (and so its kernels) knows the facilitator key.
    import psutil

    children = psutil.Process(workshop["server"].process.pid).children()
    servers = {("participant" if any("workshop_participant" in a for a in c.cmdline()) else "facilitator"): c
               for c in children}
    assert set(servers) == {"participant", "facilitator"}
    assert FACILITATOR_KEY_ENV not in servers["participant"].environ()
    assert servers["facilitator"].environ()[FACILITATOR_KEY_ENV] in workshop["output"]
    assert servers["participant"].environ()[DB_ENV] == servers["facilitator"].environ()[DB_ENV]

    contexts = []
    try:
        ctx, fac, fac_console = _new_page(browser)
        contexts.append(ctx)
        fac.goto(workshop["facilitator"])
        wait_for_voila(fac)
        fac.get_by_text(workshop["code"]).first.wait_for()
        assert fac.locator("svg[role=img]").count() >= 1  # the QR code of the join address
        fac.get_by_label("Phase").select_option(label="Socialization")
        fac.get_by_role("button", name="Open phase").click()
        fac.get_by_text("Socialization is open").wait_for()

        ctx, laptop, laptop_console = _new_page(browser)
        contexts.append(ctx)
        ctx, phone, phone_console = _new_page(browser, PHONE)
        contexts.append(ctx)
        for page in (laptop, phone):
            page.goto(workshop["join"])
            wait_for_voila(page)
        _join(laptop, workshop["code"], "Ana <b>")
        _join(phone, workshop["code"], "Ben")
        _send(laptop, "Shadowed the night nurse <i>closely</i>")
        _send(phone, "Pair-programmed the billing fix")

        # Both reach the facilitator's board and the spiral (the FigureWidget's data).
        _board_has(fac, "Shadowed the night nurse <i>closely</i>")
        _board_has(fac, "Pair-programmed the billing fix")
        fac.wait_for_function(
            """() => [...document.querySelectorAll('.js-plotly-plot')].some(gd =>
                 (gd.data || []).some(t => String(t.hovertext || '').includes('Pair-programmed the billing fix')))""",
            timeout=20_000)
        hover = fac.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd =>
                 (gd.data || []).map(t => String(t.hovertext || ''))).join(' ')""")
        assert "&lt;i&gt;closely" in hover and "<i>closely" not in hover
        assert fac.locator("i", has_text="closely").count() == 0  # shown as text, not markup
        _board_has(phone, "Shadowed the night nurse")  # the group board is live for participants

        # Hide the laptop's contribution: it leaves both participants' boards.
        # ipywidgets shows spaces in option labels as no-break spaces.
        select = fac.get_by_label("Contribution").first
        find = """(el, text) => [...el.options].findIndex(o => o.textContent.replace(/\u00a0/g, ' ').includes(text))"""
        deadline = time.monotonic() + 20
        while select.evaluate(find, "Shadowed the night nurse") < 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        index = select.evaluate(find, "Shadowed the night nurse")
        assert index >= 0, "the contribution is not in the moderation list"
        select.select_option(index=index)
        fac.get_by_role("button", name="Hide", exact=True).click()
        fac.get_by_text("Hidden from the board").wait_for()
        for page in (laptop, phone):
            _board_has(page, "Shadowed the night nurse", present=False)
            _board_has(page, "Pair-programmed the billing fix")

        # The phone fits its screen, and a reload keeps the participant's identity.
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 2, f"the phone page scrolls sideways ({width}px)"
        phone.reload()
        wait_for_voila(phone)
        phone.get_by_text("Welcome back, Ben").wait_for()
        _board_has(phone, "Pair-programmed the billing fix")

        for record in (fac_console, laptop_console, phone_console):
            record.assert_no_errors()
            assert record.external_requests() == []
    finally:
        for context in contexts:
            context.close()
