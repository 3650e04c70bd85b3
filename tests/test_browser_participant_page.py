"""The participant page's own behaviour on a phone (390x844), in Chromium.

The participant server's real handlers over a SQLite store, in a thread; the facilitator's
side is driven through the store. The page says once where the session stands; a phase change
clears the last phase's "Sent"; in a voting phase the vote comes before the text box and an
empty cluster is not offered; when the facilitator starts a new session in the room, the
phone is told and can join it with its code filled in. axe-core finds nothing serious; no
console error.
"""

from __future__ import annotations

import pytest

from seci_lab.server.guard import HostAllowList
from seci_lab.server.participant_api import ParticipantSite
from seci_lab.store.workshop import WorkshopStore

from participant_client import SiteServer
from voila_testing import ConsoleRecord, axe_findings

pytestmark = pytest.mark.browser


@pytest.fixture
def room(tmp_path):
    store = WorkshopStore.open(f"sqlite:///{tmp_path / 'ws.sqlite'}", max_per_minute=None)
    session = store.create_session("Night shift retrospective", "seci", join_code="NGHT42")
    server = SiteServer(ParticipantSite(store=store, hosts=HostAllowList()))
    try:
        yield store, session, server
    finally:
        server.stop()
        store.close()


def test_a_phone_follows_the_phases_votes_first_and_is_told_of_a_new_session(browser, axe_path, room):
    store, session, server = room
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    console = ConsoleRecord.attach(page)
    try:
        page.goto(f"http://127.0.0.1:{server.port}/#code=NGHT42")
        page.get_by_label("Name").fill("Ana")
        page.get_by_role("button", name="Join", exact=True).click()
        page.locator("#phase").filter(has_text="Round 1 · Not started yet").wait_for()
        assert page.locator("#phase").text_content() == "Round 1 · Not started yet"  # said once

        store.open_phase(session.id, session.key, "S")
        page.locator("#phase").filter(has_text="Round 1 · Socialization (open)").wait_for()
        page.get_by_label("Your contribution").fill("I shadowed the night nurse")
        page.get_by_role("button", name="Send", exact=True).click()
        page.get_by_text("Sent: it is on the group board").wait_for()
        store.open_phase(session.id, session.key, "C")
        page.locator("#phase").filter(has_text="Combination (open)").wait_for()
        assert page.locator("#message").text_content() == ""  # the last phase's "Sent" is gone

        mine = store.submissions(session.id)[0]
        empty = store.create_cluster(session.id, session.key, "Nothing in it")
        held = store.create_cluster(session.id, session.key, "Shadowing")
        store.assign(session.id, session.key, mine.id, held.id)
        page.get_by_label("Shadowing (0 votes)").wait_for()
        assert page.locator("#votes").get_by_text(empty.name).count() == 0  # an empty cluster is not offered
        vote_top = page.locator("#vote-box").bounding_box()["y"]
        assert vote_top < page.get_by_label("Your contribution").bounding_box()["y"]  # the main task first
        page.get_by_label("Shadowing (0 votes)").check()
        page.get_by_text("Vote counted.").wait_for()
        assert not axe_findings(page)

        store.open_phase(session.id, session.key, "I")
        page.locator("#phase").filter(has_text="Internalization (open)").wait_for()
        text_top = page.get_by_label("Your contribution").bounding_box()["y"]
        assert page.locator("#vote-box").is_hidden() or page.locator("#vote-box").bounding_box()["y"] > text_top

        follow = store.follow_session(session.id, session.key, "After lunch", "csh")
        page.get_by_text(f"The facilitator has started a new session: “After lunch” (join code {follow.join_code}).").wait_for()
        assert not axe_findings(page)
        page.get_by_role("button", name="Join the new session").click()
        page.locator("#join-form").wait_for()
        assert page.get_by_label("Join code").input_value() == follow.join_code
        page.get_by_label("Name").fill("Ana")
        page.get_by_role("button", name="Join", exact=True).click()
        page.locator("#title").filter(has_text="After lunch").wait_for()
        assert page.locator("#next-session").is_hidden()
        assert not console.errors(), console.errors()
    finally:
        context.close()
