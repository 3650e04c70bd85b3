"""A live workshop in Chromium: ``seci-lab workshop`` with a facilitator and three phones.

One test, several checks (browser tests are slow on two cores): the command starts both
servers and prints the join code; the participant server serves the participant page (no
kernel) and not the facilitator notebook; three phone-sized pages join (one with markup in its
name) and the facilitator runs a whole SECI round: Socialization, Externalization building on
a story, Combination with a cluster and votes, Internalization with a take-away drawn from the
cluster. Texts with markup stay text on the phones and on the facilitator's board; a hidden
contribution leaves the phones' boards; a reload keeps a phone's identity; the phones fit
their screens; no console errors and no request to another site.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
import urllib.error
import urllib.request

import pytest

from seci_lab.env import DB_ENV, FACILITATOR_KEY_ENV
from seci_lab.server.workshop import PARTICIPANT_FOLDER
from voila_testing import ConsoleRecord, start_workshop, steps_named, table_rows, wait_for_chart_name, wait_for_voila

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _running_workshop(root, *args: str):
    """``seci-lab workshop`` with ``args``: yields its server, join code and addresses, then stops it."""
    server, facilitator_port = start_workshop(root, ["--db", str(root / "data" / "ws.sqlite"), *args])
    try:
        text = server.stdout_path.read_text()
        code = re.search(r"Join code:\s+(\S+)", text).group(1)
        facilitator = re.search(rf"http://127\.0\.0\.1:{facilitator_port}/\?token=\S+", text).group(0)
        room = re.search(r"http://\S+/room\?screen=\S+", text).group(0)
        yield {"server": server, "code": code, "join": server.url, "facilitator": facilitator, "room": room,
               "output": text}
    finally:
        server.stop()


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    yield from _running_workshop(tmp_path_factory.mktemp("workshop"), "--title", "Browser test")


def _new_page(browser, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page, ConsoleRecord.attach(page)


XSS = '<img src=x onerror="document.title=1">'


def _join(page, code: str, name: str) -> None:
    page.get_by_label("Join code").fill(code)
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Join", exact=True).click()
    page.get_by_text(f"You joined as {name}").wait_for()


def _send(page, text: str, choose: tuple[str, str] | None = None) -> None:
    """Send ``text``, first picking the option holding ``choose[1]`` in the list labelled ``choose[0]``."""
    page.get_by_label("Your contribution").fill(text)
    if choose:
        _pick_option(page.get_by_label(choose[0]), choose[1])
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Sent: it is on the group board").wait_for()


def _board_has(page, text: str, present: bool = True, timeout: float = 20_000) -> None:
    page.wait_for_function(
        """([text, present]) => {
             const boards = [...document.querySelectorAll('.seci-board')];
             const found = boards.some(b => b.textContent.includes(text));
             return found === present;
           }""", arg=[text, present], timeout=timeout)


def _screen_has(screen, text: str, present: bool = True, timeout: float = 20_000) -> None:
    """Whether ``text`` is (or is no longer) anywhere on the room screen's main area."""
    screen.wait_for_function("([text, present]) => document.querySelector('main').textContent.includes(text) === present",
                             arg=[text, present], timeout=timeout)


def _open_phase(fac, label: str) -> None:
    _pick_option(fac.get_by_label("Phase"), label)
    fac.get_by_role("button", name="Open phase").click()
    fac.get_by_text(f"{label} is open").wait_for()


def _phase_shown(page, label: str) -> None:
    page.locator("#phase").filter(has_text=f"{label} (open)").wait_for()


def _pick_option(select, text: str) -> None:
    # ipywidgets shows spaces in option labels as no-break spaces; the list fills live.
    find = """(el, text) => [...el.options].findIndex(o => o.textContent.replace(/\u00a0/g, ' ').includes(text))"""
    deadline = time.monotonic() + 20
    while select.evaluate(find, text) < 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    index = select.evaluate(find, text)
    assert index >= 0, f"{text!r} is not in the list"
    select.select_option(index=index)


def _facilitator_page(browser, workshop: dict, contexts: list):
    """The facilitator's dashboard, open with the session's join code and the QR code shown."""
    ctx, fac, console = _new_page(browser)
    contexts.append(ctx)
    fac.goto(workshop["facilitator"])
    wait_for_voila(fac)
    fac.get_by_text(workshop["code"]).first.wait_for()
    assert fac.locator("svg[role=img]").count() >= 1  # the QR code of the join address
    return fac, console


def _group_and_vote(fac, cluster: str, item: str, phones) -> None:
    """The facilitator makes ``cluster`` and puts the contribution holding ``item`` in it; every phone votes for it."""
    fac.get_by_label("Cluster name").fill(cluster)
    fac.get_by_role("button", name="Create cluster").click()
    fac.get_by_text("created.").first.wait_for()
    _pick_option(fac.get_by_label("Contribution").nth(1), item)
    _pick_option(fac.get_by_label("Cluster", exact=True), cluster[:20])
    fac.get_by_role("button", name="Put in cluster").click()
    fac.get_by_text("Grouped: ").wait_for()
    for phone, _ in phones:
        phone.get_by_label(re.compile(re.escape(cluster[:20]))).check()
        phone.get_by_text("Vote counted.").wait_for()


def test_workshop_in_browsers(workshop, browser):
    # The participant server serves the participant page, never the facilitator notebook.
    assert _status(workshop["join"] + "voila/render/workshop_facilitator.ipynb") == 404
    assert _status(workshop["join"]) == 200
    # An old link to the kernel-per-visitor notebook (removed) leads to the page.
    with urllib.request.urlopen(workshop["join"] + "voila/render/workshop_participant.ipynb", timeout=30) as moved:
        assert moved.url == workshop["join"] and b'<label for="code">Join code</label>' in moved.read()
    # Without its token the facilitator's server sends a visitor to its login page.
    with urllib.request.urlopen(workshop["facilitator"].split("?")[0] + "voila/render/workshop_facilitator.ipynb",
                                timeout=30) as response:
        assert "/login" in response.url
    assert "Facilitator key:" in workshop["output"]
    # Only the facilitator's server (and so its kernels) knows the facilitator key; no
    # server has a token on its command line.
    import psutil

    children = psutil.Process(workshop["server"].process.pid).children()
    servers = {("participant" if any(Path(a).name == PARTICIPANT_FOLDER for a in c.cmdline()) else "facilitator"): c
               for c in children}
    assert not servers["participant"].children(recursive=True)  # the page runs no kernel
    assert set(servers) == {"participant", "facilitator"}
    assert FACILITATOR_KEY_ENV not in servers["participant"].environ()
    assert servers["facilitator"].environ()[FACILITATOR_KEY_ENV] in workshop["output"]
    assert servers["participant"].environ()[DB_ENV] == servers["facilitator"].environ()[DB_ENV]
    facilitator_token = workshop["facilitator"].split("token=")[1]
    assert all(facilitator_token not in " ".join(c.cmdline()) for c in children)

    contexts = []
    try:
        fac, fac_console = _facilitator_page(browser, workshop, contexts)
        # The room screen for the projector: the printed address is the dashboard's link, and it
        # carries the room screen's own token, not the facilitator's.
        assert fac.get_by_role("link", name="Open the room screen").get_attribute("href") == workshop["room"]
        assert facilitator_token not in workshop["room"] and workshop["room"].startswith(workshop["join"])
        ctx, screen, screen_console = _new_page(browser, {"width": 1920, "height": 1080})
        contexts.append(ctx)
        screen.goto(workshop["room"])
        screen.locator("#join-code").filter(has_text=workshop["code"]).wait_for()
        assert "screen=" not in screen.url  # the token left the address bar the projector shows
        _open_phase(fac, "Socialization")

        phones = []
        for name in (f"Ana {XSS}", "Ben", "Cy"):
            ctx, phone, console = _new_page(browser, PHONE)
            contexts.append(ctx)
            phone.goto(workshop["join"])
            _join(phone, workshop["code"], name)
            phones.append((phone, console))
        (ana, _), (ben, _), (cy, _) = phones
        _send(ana, f"Shadowed the night nurse <i>closely</i> {XSS}")
        _send(ben, "Pair-programmed the billing fix")
        _send(cy, "Sat in on the support calls")

        # Everything reaches the facilitator's board and the spiral (the FigureWidget's data).
        _board_has(fac, "Shadowed the night nurse <i>closely</i>")
        _board_has(fac, "Pair-programmed the billing fix")
        fac.wait_for_function(
            """() => [...document.querySelectorAll('.js-plotly-plot')].some(gd =>
                 (gd.data || []).some(t => String(t.hovertext || '').includes('Pair-programmed the billing fix')))""",
            timeout=60_000)  # the spiral is redrawn after the board: slow when the machine is busy
        hover = fac.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd =>
                 (gd.data || []).map(t => String(t.hovertext || ''))).join(' ')""")
        assert "&lt;i&gt;closely" in hover and "<i>closely" not in hover
        # the spiral is an image with a name saying what it shows, its table beside it
        spiral = wait_for_chart_name(fac, "Knowledge spiral seen from above: ")
        fac.get_by_text("The spiral as a table").click()
        table = fac.locator(".seci-table-wrap[aria-label=\"The group's spiral, step by step\"]")
        assert table_rows(table) == steps_named(spiral) > 0
        assert fac.locator("i", has_text="closely").count() == 0  # shown as text, not markup
        for phone, _ in phones:  # the group board is live, and markup stays text
            _board_has(phone, "Shadowed the night nurse <i>closely</i>")
            _board_has(phone, "Sat in on the support calls")
            assert phone.locator("#board i, #board img, #mine img").count() == 0
            assert phone.title() == "Workshop: join in"  # the payload's script never ran
        ana.get_by_text(f"You are Ana {XSS}").wait_for()
        _screen_has(screen, "Shadowed the night nurse <i>closely</i>")  # on the room screen, as text
        assert screen.locator("#board li", has_text="Shadowed").locator(".by").inner_text() == f"Ana {XSS}"
        assert screen.locator("main i, main img:not(#qr)").count() == 0 and "owned" not in screen.title()

        # Externalization: Ben's model builds on Cy's story.
        _open_phase(fac, "Externalization")
        for phone, _ in phones:
            _phase_shown(phone, "Externalization")
        # Cy's page names the board it shows in its long-poll and gets only the changes.
        with cy.expect_response(lambda r: "/state?since=" in r.url and "&build=" in r.url and r.status == 200,
                                timeout=30_000) as answer:
            _send(ben, "Checklist: ask, log, hand over", ("Builds on", "Sat in on the support calls"))
        assert "board_changes" in answer.value.json()["state"]
        _board_has(cy, "Checklist: ask, log, hand over")
        _board_has(cy, "Pair-programmed the billing fix")  # what was already there stays

        # Combination: the facilitator groups, the phones vote.
        _open_phase(fac, "Combination")
        _group_and_vote(fac, f"Learning by watching {XSS}", "Shadowed the night nurse", phones)
        ana.get_by_text(f"Learning by watching {XSS} (3 votes)").wait_for()
        _board_has(ana, f"in “Learning by watching {XSS}”")

        # Internalization: a take-away drawn from the cluster.
        _open_phase(fac, "Internalization")
        _phase_shown(cy, "Internalization")
        _send(cy, "I will shadow a colleague each month", ("Drawn from the cluster", "Learning by watching"))
        _board_has(ben, "drawn from “Learning by watching")
        _board_has(fac, "I will shadow a colleague each month")

        # Hide Ana's story: it leaves every phone's board.
        _pick_option(fac.get_by_label("Contribution").first, "Shadowed the night nurse")
        fac.get_by_role("button", name="Hide", exact=True).click()
        fac.get_by_text("Hidden from the board").wait_for()
        for phone, _ in phones:
            _board_has(phone, "Shadowed the night nurse", present=False)
            _board_has(phone, "Pair-programmed the billing fix")
        # ... and the room screen (its take-aways and lineage now), where no control ever shows.
        _screen_has(screen, "I will shadow a colleague each month")
        _screen_has(screen, "Shadowed the night nurse", present=False)
        assert screen.locator("button, input, select, textarea, form, a[href]").count() == 0
        assert facilitator_token not in screen.content() and facilitator_token not in screen.url

        # The phones fit their screens, and a reload keeps a participant's identity.
        for phone, _ in phones:
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= PHONE["width"] + 2, f"a phone page scrolls sideways ({width}px)"
        ben.reload()
        ben.get_by_text("Welcome back, Ben").wait_for()
        _board_has(ben, "Pair-programmed the billing fix")

        for record in (fac_console, screen_console, *(console for _, console in phones)):
            record.assert_no_errors()
            assert record.external_requests() == []
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="module")
def good_round_workshop(tmp_path_factory):
    # Six phones on one test machine: each names its own address through the trusted local
    # proxy header, as six phones in a room would have six, so the limits per address hold.
    yield from _running_workshop(tmp_path_factory.mktemp("good-round"), "--title", "One good round",
                                 "--trusted-proxy", "127.0.0.1")


GOOD_ROUND = {
    "Socialization": "I worked beside {} on the night shift and watched how the handover really goes.",
    "Externalization": "{}'s rule of thumb: say the biggest risk first, then the open tasks, in that order.",
    "Combination": "{} merged our handover notes into one checklist of five steps, sorted by risk.",
    "Internalization": "{} will try the five-step checklist on the next three shifts and keep what works.",
}


def test_six_phones_doing_one_good_round_lift_the_facilitators_spiral_to_group(good_round_workshop, browser):
    """Issue 19: a team that shares, conceptualizes, combines and internalizes in one session
    holds knowledge at the group level; the facilitator's spiral says so, in the room's words,
    with the next level's conditions as a meter."""
    workshop = good_round_workshop
    contexts = []
    try:
        fac, fac_console = _facilitator_page(browser, workshop, contexts)
        fac.locator(".seci-progress", has_text="Group: 0 of 5 conditions met").wait_for()
        phones = []
        for i, name in enumerate(("Ana", "Ben", "Cy", "Dee", "Eli", "Fay")):
            ctx = browser.new_context(viewport=PHONE, extra_http_headers={"X-Forwarded-For": f"203.0.113.{10 + i}"})
            contexts.append(ctx)
            phone = ctx.new_page()
            phone.set_default_timeout(60_000)
            console = ConsoleRecord.attach(phone)
            phone.goto(workshop["join"])
            _join(phone, workshop["code"], name)
            phones.append((name, phone, console))
        for phase, text in GOOD_ROUND.items():
            _open_phase(fac, phase)
            for name, phone, _ in phones:
                _phase_shown(phone, phase)
                _send(phone, text.format(name))
        _board_has(fac, GOOD_ROUND["Internalization"].format("Fay"))
        # The header and the spiral speak of one ladder: the spiral's level, in the room's words.
        fac.locator("p", has_text="level: Group (the table groups").first.wait_for(timeout=90_000)
        fac.locator(".seci-progress", has_text="Next level · Organization:").wait_for()
        fac.locator(".seci-progress", has_text="Bring in 9 more people").wait_for()
        level = fac.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd =>
                 (gd.data || []).map(t => String(t.hovertext || ''))).join(' ')""")
        assert "Level: Group" in level
        for record in (fac_console, *(console for _, _, console in phones)):
            record.assert_no_errors()
    finally:
        for context in contexts:
            context.close()


STORY_TITLE = f"Harvest of the night shift {XSS}"


@pytest.fixture(scope="module")
def story_workshop(tmp_path_factory):
    yield from _running_workshop(tmp_path_factory.mktemp("story"), "--format", "csh", "--title", STORY_TITLE)


def _held_polls(page) -> list:
    """Hold this page's next state polls (a phone whose connection lags): returns the held requests."""
    held: list = []
    page.route("**/api/workshop/state?since=*", lambda route: held.append(route))
    return held


def test_story_harvest_in_browsers(story_workshop, browser):
    """A whole Collective Story Harvest: a story told, harvested through arcs, gifts given back
    and voted for, take-aways drawn from a cluster; markup in every field a person fills."""
    ws = story_workshop
    contexts = []
    try:
        fac, fac_console = _facilitator_page(browser, ws, contexts)
        ctx, screen, screen_console = _new_page(browser, {"width": 1280, "height": 720})  # the room screen
        contexts.append(ctx)
        screen.goto(fac.get_by_role("link", name="Open the room screen").get_attribute("href"))
        screen.locator("#join-code").filter(has_text=ws["code"]).wait_for()
        # Beside the QR code, its address as text: the join address with the code to fill in.
        address = fac.locator("code", has_text=ws["join"]).inner_text()
        assert address == f"{ws['join']}#code={ws['code']}"
        assert [o.replace("\u00a0", " ") for o in fac.get_by_label("Phase").locator("option").all_text_contents()] == [
            "Story", "Harvest", "Gifts back", "Take-aways"]
        for arc in (f"Courage {XSS}", "Turning points"):
            fac.get_by_label("Arc", exact=True).fill(arc)
            fac.get_by_role("button", name="Add arc").click()
            fac.get_by_text("added.").first.wait_for()

        # The storyteller joins by name, one harvester with markup in the name, one anonymously.
        phones = []
        for name in ("Teller", f"Hana {XSS}", None):
            ctx, phone, console = _new_page(browser, PHONE)
            contexts.append(ctx)
            if name is None:  # scans the QR code: the code is filled in
                phone.goto(address)
                assert phone.get_by_label("Join code").input_value() == ws["code"]
                phone.get_by_label("Join anonymously").check()
                assert phone.get_by_label("Name").is_disabled()
                phone.get_by_role("button", name="Join", exact=True).click()
                phone.get_by_text("You joined as Anonymous 1").wait_for()
            else:
                phone.goto(ws["join"])
                _join(phone, ws["code"], name)
            phones.append((phone, console))
        (teller, _), (hana, _), (anon, _) = phones
        for phone, _ in phones:  # the title is text, wherever it shows
            phone.locator("#title").filter(has_text=STORY_TITLE).wait_for()

        # Harvesters listen through arcs the facilitator assigns.
        for person, arc in ((f"Hana {XSS}", f"Courage {XSS}"), ("Anonymous 1", "Turning points")):
            _pick_option(fac.get_by_label("Harvester"), person)
            _pick_option(fac.get_by_label("listens through"), arc)
            fac.get_by_role("button", name="Assign arc").click()
            fac.locator("li", has_text=f"{arc}: {person}").wait_for()
        hana.get_by_text(f"You are Hana {XSS} · harvesting the arc “Courage {XSS}”").wait_for()
        anon.get_by_text("You are Anonymous 1 · harvesting the arc “Turning points”").wait_for()

        # Story: the storyteller tells, with a timer on every phone.
        _open_phase(fac, "Story")
        for phone, _ in phones:
            _phase_shown(phone, "Story")
            phone.locator("#prompt").filter(has_text="Tell or note a moment you lived through").wait_for()
            phone.locator("#timer").filter(has_text=re.compile(r"Story: \d+:\d\d left")).wait_for()
        story = f"The night the ward lost power, Kim <b>calmly</b> lit the corridor {XSS}"
        _send(teller, story)
        for page in (fac, hana, anon):
            _board_has(page, story)

        # Harvest: each note is filed under its harvester's arc and builds on the story.
        _open_phase(fac, "Harvest")
        _phase_shown(hana, "Harvest")
        hana.locator("#prompt").filter(has_text=f"Your arc: “Courage {XSS}”").wait_for()
        _send(hana, f"Courage as steadiness, not bravado {XSS}", ("Builds on", "The night the ward lost power"))
        _phase_shown(anon, "Harvest")
        _send(anon, "The turn: asking for torches before anyone panicked")
        for page in (teller, hana, anon):
            _board_has(page, f"(arc “Courage {XSS}”)")
            _board_has(page, "(arc “Turning points”)")
        _board_has(fac, "Courage as steadiness, not bravado")
        _board_has(fac, f"arc “Courage {XSS}”")

        # Gifts back: gifts are sent and the facilitator groups them; everyone votes.
        _open_phase(fac, "Gifts back")
        _phase_shown(teller, "Gifts back")
        _send(hana, "Gift: your calm gave us permission to be calm")
        _group_and_vote(fac, f"Calm is contagious {XSS}", "Gift: your calm", phones)
        teller.get_by_text(f"Calm is contagious {XSS} (3 votes)").wait_for()
        # The room screen shows the gifts' clusters and their votes, in the harvest's words.
        screen.locator("#phase").filter(has_text="Gifts back (open)").wait_for()
        screen.locator("#clusters li").filter(has_text=f"Calm is contagious {XSS}").filter(has_text="3 votes").wait_for()
        fac.locator("li", has_text=f"Calm is contagious {XSS}: 1 contribution, 3 votes").wait_for()

        # A phone whose connection lags still shows Gifts back when Take-aways opens: the server
        # refuses its gift with a message, and the text stays in the field for the new prompt.
        held = _held_polls(anon)
        fac.get_by_label("Cluster name").fill("Torches")
        fac.get_by_role("button", name="Create cluster").click()  # the pending poll answers now
        # (An empty cluster is not offered for votes: the poll's answer shows in the take-aways' list.)
        anon.locator("#draws-on option", has_text="Torches").wait_for(state="attached")
        _open_phase(fac, "Take-aways")
        _phase_shown(anon, "Gifts back")
        late = "I will keep a torch at the nurses' station"
        anon.get_by_label("Your contribution").fill(late)
        anon.get_by_role("button", name="Send", exact=True).click()
        anon.get_by_text("the open phase is now Take-aways. Your text is kept").wait_for()
        assert anon.get_by_label("Your contribution").input_value() == late
        for request in held:  # the connection is back
            request.continue_()
        anon.unroute("**/api/workshop/state?since=*")
        _phase_shown(anon, "Take-aways")
        assert anon.get_by_label("Your contribution").input_value() == late
        _send(anon, late, ("Drawn from the cluster", "Calm is contagious"))

        # Take-aways: the storyteller edits theirs; the edit shows everywhere, still as text.
        _phase_shown(teller, "Take-aways")
        _send(teller, "I will ask for help sooner")
        teller.get_by_role("button", name=re.compile("^Edit: I will ask for help sooner")).click()
        teller.get_by_label("Edit your contribution").fill(f"I will ask for help sooner <u>and say so</u> {XSS}")
        teller.get_by_role("button", name="Save").click()
        teller.get_by_text("Your contribution was changed.").wait_for()
        for page in (fac, hana, anon):
            _board_has(page, f"I will ask for help sooner <u>and say so</u> {XSS}")
        _board_has(hana, "drawn from “Calm is contagious")
        _screen_has(screen, f"I will ask for help sooner <u>and say so</u> {XSS}")  # the take-aways wall
        screen.locator("#lineage").filter(has_text=f"Calm is contagious {XSS}").filter(has_text="Led to:").wait_for()
        assert screen.locator("main u, main b, main img:not(#qr), button, input, a[href]").count() == 0
        assert "Socialization" not in screen.locator("body").inner_text()  # a harvest, not a SECI round

        # A reload keeps the anonymous harvester's place; nothing typed ran as markup anywhere.
        anon.reload()
        anon.get_by_text("Welcome back, Anonymous 1").wait_for()
        _board_has(anon, late)
        for page in (fac, *(phone for phone, _ in phones)):
            assert page.locator("img[src=x], .seci-board b, .seci-board u, #mine u").count() == 0
            assert page.title() != "1", "a payload's script ran"
        for phone, _ in phones:
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= PHONE["width"] + 2, f"a phone page scrolls sideways ({width}px)"
        # The late gift's refusal is the only error any console shows (the browser logs a 409).
        late_console = phones[2][1]
        assert late_console.errors() == ["Failed to load resource: the server responded with a status of 409 (Conflict)"]
        for record in (fac_console, screen_console, *(console for _, console in phones)):
            if record is not late_console:
                record.assert_no_errors()
            assert record.external_requests() == []
    finally:
        for context in contexts:
            context.close()
