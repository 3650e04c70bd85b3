"""The room screen in Chromium at a projector's sizes (1920x1080 and 1280x720).

The participant server's real handlers over a SQLite store, in a thread; the session is driven
through the store as the facilitator's dashboard drives it. At each size: the screen opens
from the address the facilitator gets (its token then leaves the address bar), shows the
join code and QR code, follows a contribution within a second of its sending and drops it
within a second of the facilitator hiding it; participants' markup stays text; nothing hidden
and no control is ever on it; axe-core finds nothing serious; the board can be read with the
keyboard (its scrolling regions take focus); no animation when the room asks for reduced
motion; no console error and no request to another site.
"""

from __future__ import annotations

import time

import pytest

from seci_lab.model.session_view import room_screen_address
from seci_lab.server.guard import HostAllowList
from seci_lab.server.participant_api import ParticipantSite
from seci_lab.store.workshop import WorkshopStore

from participant_client import SiteServer
from voila_testing import ConsoleRecord, axe_findings

pytestmark = pytest.mark.browser

SIZES = [{"width": 1920, "height": 1080}, {"width": 1280, "height": 720}]
XSS = '<img src=x onerror="document.title=\'owned\'">'
CONTROLS = "button, input, select, textarea, form, a[href], [contenteditable]"


@pytest.fixture
def room(tmp_path):
    store = WorkshopStore.open(f"sqlite:///{tmp_path / 'ws.sqlite'}", max_per_minute=None)
    session = store.create_session("Night shift retrospective", "seci", join_code="NGHT42")
    site = ParticipantSite(store=store, hosts=HostAllowList())
    server = SiteServer(site)
    try:
        yield store, session, server
    finally:
        server.stop()
        store.close()


def _visible_within(page, text: str, present: bool, seconds: float) -> float:
    """Seconds until ``text`` is (or is no longer) on the room screen's board; fails after ``seconds``."""
    started = time.monotonic()
    page.wait_for_function(
        """([text, present]) => document.getElementById('board').textContent.includes(text) === present""",
        arg=[text, present], timeout=seconds * 1000, polling="raf")
    return time.monotonic() - started


def _no_controls_nor_hidden(page, hidden_texts) -> None:
    assert page.locator(CONTROLS).count() == 0, "the room screen holds a control"
    body = page.evaluate("() => document.body.textContent")  # hidden panels included
    for text in hidden_texts:
        assert text not in body


@pytest.mark.parametrize("size", SIZES, ids=["1920x1080", "1280x720"])
def test_room_screen_follows_the_room_and_drops_what_the_facilitator_hides(browser, axe_path, room, size):
    store, session, server = room
    token = store.room_screen_token(session.id, session.key)
    address = room_screen_address(f"http://127.0.0.1:{server.port}/", token)
    context = browser.new_context(viewport=size, bypass_csp=True, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(30_000)
    console = ConsoleRecord.attach(page)
    try:
        page.goto(address)
        assert page.url == f"http://127.0.0.1:{server.port}/room"  # the token left the address bar
        page.locator("#join-code").filter(has_text="NGHT42").wait_for()
        page.wait_for_function("() => { const img = document.getElementById('qr'); "
                               "return img.complete && img.naturalWidth > 0; }")  # the QR code drew
        assert page.get_by_role("img", name="QR code of the join address").count() == 1
        assert not axe_findings(page)  # the first screen: joining, the large code
        store.open_phase(session.id, session.key, "S", minutes=5)
        page.locator("#phase").filter(has_text="Socialization (open)").wait_for()
        page.locator("#timer").filter(has_text="left").wait_for()

        ana = store.join("NGHT42", "Ana")
        shy = store.join("NGHT42", None)
        mallory = store.join("NGHT42", XSS[:40])
        store.submit(ana.token, "We watched the night shift hand over", "a1")
        store.submit(mallory.token, XSS, "m1")
        _visible_within(page, XSS, True, 5)  # the markup arrives as text
        rude = store.submit(shy.token, "Rude remark about Ben", "s1")
        shown_after = _visible_within(page, "Rude remark about Ben", True, 2.0)
        assert page.locator("#board li", has_text="Rude remark").locator(".by").inner_text() == "anonymous"
        assert page.locator("#board img").count() == 0 and page.title() != "owned"
        store.hide(session.id, session.key, rude.id)
        gone_after = _visible_within(page, "Rude remark about Ben", False, 1.0)
        withdrawn = store.submit(ana.token, "Second thoughts", "a2")
        _visible_within(page, "Second thoughts", True, 2.0)
        store.withdraw(ana.token, withdrawn.id)
        _visible_within(page, "Second thoughts", False, 1.0)
        _no_controls_nor_hidden(page, ["Rude remark", "Second thoughts", session.key, ana.token])
        findings = axe_findings(page)  # the board, with markup in a name and a text
        assert not findings, findings
        assert shown_after < 2.0 and gone_after < 1.0

        # Large type for the back of the room, and it all fits the projector's screen.
        card = page.locator("#board li").first
        assert float(card.evaluate("li => parseFloat(getComputedStyle(li).fontSize)")) >= 0.0125 * size["width"]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
        assert page.evaluate("() => document.documentElement.scrollHeight") <= size["height"]
        # Reduced motion: the new card's highlight is not animated.
        assert page.locator("#board li.new").evaluate_all(
            "items => items.every(li => getComputedStyle(li).animationName === 'none')")

        # Clusters and votes, then take-aways and lineage.
        store.open_phase(session.id, session.key, "C")
        cluster = store.create_cluster(session.id, session.key, "Hand-over rituals")
        first = store.submissions(session.id)[0]
        store.assign(session.id, session.key, first.id, cluster.id)
        store.vote(ana.token, cluster.id, True)
        page.locator("#clusters li").filter(has_text="Hand-over rituals").filter(has_text="1 vote").wait_for()
        assert page.locator("#board-panel").is_hidden()
        store.open_phase(session.id, session.key, "I")
        store.submit(ana.token, "I will pair on my first night", "a3", source_cluster_id=cluster.id)
        page.locator("#takeaways").filter(has_text="I will pair on my first night").wait_for()
        page.locator("#lineage").filter(has_text="Hand-over rituals").filter(has_text="Led to:").wait_for()
        page.locator("#spiral-table tbody tr").first.wait_for()
        assert page.locator("#spiral circle").count() >= 4
        _no_controls_nor_hidden(page, ["Rude remark", "Second thoughts"])

        findings = axe_findings(page)
        assert not findings, findings
        # The keyboard reaches every scrolling region (the lists that may run longer than the screen).
        focused = set()
        for _ in range(6):
            page.keyboard.press("Tab")
            focused.add(page.evaluate("() => document.activeElement.id || document.activeElement.className"))
        assert {"end-panel", "table-box scroll"} <= focused
        console.assert_no_errors()
        assert console.external_requests() == []
    finally:
        context.close()
