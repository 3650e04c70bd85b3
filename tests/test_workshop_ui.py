"""The facilitator dashboard, built headlessly against a temporary SQLite store.

Facilitator flows (a SECI round and a Collective Story Harvest) with participants acting
through the store, as the participant page's API does (tests/test_participant_api.py tests
the page's side), forged actions a Voila visitor could send (clicks on hidden buttons, values
set on hidden widgets), cross-site scripting payloads in every view and export, and the live
update of the facilitator's spiral.
"""

from __future__ import annotations

import io
import asyncio
import json
import time
import re
import uuid

import openpyxl
import pandas as pd
import pytest

from seci_lab.env import DB_ENV, FACILITATOR_KEY_ENV, JOIN_CODE_ENV, JOIN_URL_ENV
from seci_lab.store.workshop import WorkshopStore
from seci_lab.ui.workshop_common import Countdown, LivePoller, qr_svg
from seci_lab.ui.workshop_facilitator import workshop_facilitator

XSS_NAME = '<img src=x onerror="alert(1)">'
XSS_TEXT = "<script>alert('x')</script> costs $5 and $6 =HYPERLINK(\"http://evil\")"
FORMULA = "=1+2"


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'workshop.sqlite'}"


def _store(url) -> WorkshopStore:
    return WorkshopStore.open(url)


def _facilitator(url, **kw):
    kw.setdefault("can_create", True)
    kw.setdefault("key", "")
    kw.setdefault("join_code", "")
    kw.setdefault("join_url", "http://192.0.2.1:8866/?token=abc")
    return workshop_facilitator(_store(url), live=False, **kw)


def _session(facilitator, title="Retro", fmt="seci"):
    facilitator.title.value = title
    facilitator.format.value = fmt
    facilitator.create_button.click()
    assert facilitator.session is not None, facilitator.message.text
    return facilitator.session


def _join(url, code, name):
    """A participant joining (``name`` None: anonymously), as the page's API does."""
    return _store(url).join(code, name)


def _open(facilitator, phase, minutes=5):
    facilitator.phase.value = phase
    facilitator.minutes.value = minutes
    facilitator.open_button.click()
    assert facilitator.session.phase == phase and facilitator.session.accepting, facilitator.message.text


def _send(url, participant, text, **links):
    """A participant sending ``text`` to the open phase (``links``: parent_id, source_cluster_id)."""
    return _store(url).submit(participant.token, text, uuid.uuid4().hex, **links)


def test_seci_round_end_to_end(url):
    fac = _facilitator(url)
    session = _session(fac)
    assert session.join_code in fac.header.value
    assert "<svg" in fac.qr.value
    # The QR code's address fills in the join code on the phone (in the fragment, never sent).
    assert f"http://192.0.2.1:8866/?token=abc#code={session.join_code}</code>" in fac.qr.value
    ana = _join(url, session.join_code.lower(), "Ana")
    anon = _join(url, session.join_code, None)
    assert anon.display_name.startswith("Anonymous")

    _open(fac, "S")
    story = _send(url, ana, "I shadowed a senior nurse on night shifts")
    _send(url, anon, "Pair programming on the legacy billing code")
    fac.refresh()
    assert "I shadowed a senior nurse" in fac.board.value
    assert "<td>2</td>" in fac.counts.value  # two in Socialization
    assert "Ana" in fac.counts.value  # active now

    _send(url, ana, "Watched the handover")
    _send(url, ana, "A second story")

    _open(fac, "E")
    _send(url, ana, "Handover is a ritual: say the risk first", parent_id=story.id)
    _open(fac, "C")
    fac.cluster_name.value = "Rituals"
    fac.cluster_button.click()
    concept = int(_store(url).contributions_frame(session.id).query("phase == 'E'")["id"].iloc[0])
    fac.assign_item.value = concept
    fac.assign_button.click()
    assert "Rituals: 1 contribution" in fac.clusters_view.value
    cluster_id = _store(url).clusters(session.id)[0].id
    _store(url).vote(anon.token, cluster_id, on=True)
    fac.refresh()
    assert "Rituals: 1 contribution, 1 vote" in fac.clusters_view.value

    _open(fac, "I")
    _send(url, ana, "Start every handover with the top risk", source_cluster_id=cluster_id)
    fac.level_up_button.click()
    assert fac.session.scale_label == "plenary"

    fac.refresh()
    assert fac.trajectory["contributions"].sum() == 6
    assert "Socialization" in fac.spiral_table.value  # the table equivalent of the chart

    report = fac._report_bytes().decode()
    assert "Lineage of ideas" in report
    lineage = report[report.index("Lineage of ideas"):]
    # story -> concept -> cluster -> take-away, in that nesting
    assert lineage.index("Rituals") < lineage.index("say the risk first") < lineage.index("senior nurse")
    assert "Start every handover with the top risk" in lineage
    book = openpyxl.load_workbook(io.BytesIO(fac._excel_bytes()))
    assert {"Contributions", "Clusters", "Participants", "Spiral", "Lineage", "Log"} <= set(book.sheetnames)
    data = json.loads(fac._json_bytes())
    assert len(data["contributions"]) == 6 and data["session"]["scale"] == "plenary"
    csv = pd.read_csv(io.BytesIO(fac._csv_bytes()), encoding="utf-8-sig")
    assert len(csv) == 6


def test_a_refused_level_up_is_explained_and_a_cluster_starts_a_new_spiral(url):
    fac = _facilitator(url)
    session = _session(fac)
    store = _store(url)
    people = [store.join(session.join_code, name) for name in ("Ana", "Ben")]

    def phase(name, round_, cluster=None):
        _open(fac, name)
        items = [store.submit(p.token, f"{name} of {p.display_name} in round {round_}", f"{name}{round_}")
                 for p in people]
        if cluster:
            fac.cluster_name.value = cluster
            fac.cluster_button.click()
            fac.assign_item.value = items[0].id
            fac.assign_button.click()

    phase("S", 1)
    fac.level_up_button.click()  # nothing written down yet: the spiral refuses, and says why
    # One message: not yet, because ... (never "declared" and "refused" together)
    assert fac.message.kind == "error" and fac.message.text.startswith("Not yet: the spiral stays at the Individual level")
    assert "because there is almost no explicit knowledge" in fac.message.text and "declared" not in fac.message.text.lower()
    assert "level: <strong>Individual</strong>" in fac.header.value  # one ladder: the spiral's
    assert "Declared level-up refused" in fac.spiral_table.value
    for name in "EC":  # no Internalization: round 1 stays at the individual level
        phase(name, 1, cluster="Rituals" if name == "C" else None)
    fac.spiral_cluster.value = fac.spiral_cluster.options[-1][1]
    fac.spiral_button.click()
    assert fac.message.kind == "error" and "Group level or above" in fac.message.text
    fac.next_round_button.click()
    for name in "SECI":
        phase(name, 2, cluster="Handover" if name == "C" else None)
    fac.level_up_button.click()
    assert fac.message.kind == "ok" and fac.message.text.startswith("Level-up accepted: the spiral is at the Group level")
    assert "refused" not in fac.message.text.lower()
    assert "level: <strong>Group</strong> (the table groups" in fac.header.value
    assert "Next level · Organization:" in fac.progress_view.value
    handover = next(v for label, v in fac.spiral_cluster.options if label.startswith("Handover"))
    fac.spiral_cluster.value = handover
    fac.spiral_title.value = "Night shift team"
    fac.spiral_button.click()
    assert fac.message.kind == "ok" and "Join code" in fac.message.text, fac.message.text
    (start,) = store.spiral_starts(session.id)
    assert "Handover" in fac.spirals_view.value and f"Session {start.session_id}" in fac.spirals_view.value
    # The new spiral is drawn rising from this one once its team has contributed, and listed in
    # the table.
    assert set(fac.trajectory["spiral"]) == {str(session.id)}
    new = store.session(start.session_id)
    carol = store.join(new.join_code, "Carol")
    key = fac.copy_key.secret  # offered on the Copy key button, never as text on the page
    assert key and key not in fac.message.text and fac.copy_key.join_code == new.join_code
    store.open_phase(new.id, key, "S")
    store.submit(carol.token, "What the last team handed over", "s1")
    fac.refresh()
    assert list(next(t for t in fac.figure.data if t.name == "New spiral").text) == [f"New spiral {new.id}"]
    assert "Started from" in fac.spiral_table.value
    # The new session's own page says where it started.
    other = _facilitator(url, can_create=False)
    other.access_code.value = new.join_code
    other.access_key.value = key
    other.access_button.click()
    assert "A new spiral, started from session" in other.header.value and "Handover" in other.header.value
    # A cluster of another session cannot be forged in.
    other.spiral_cluster.options = [("forged", handover)]
    other.spiral_cluster.value = handover
    other.spiral_button.click()
    assert other.message.kind == "error" and "not part of this session" in other.message.text


def test_hide_and_restore_reach_the_participants_board(url):
    fac = _facilitator(url)
    session = _session(fac)
    ana = _join(url, session.join_code, "Ana")
    _open(fac, "S")
    _send(url, ana, "Rude remark to hide")
    fac.refresh()
    cid = int(_store(url).contributions_frame(session.id)["id"].iloc[0])
    fac.moderate.value = cid
    fac.hide_button.click()
    # The phones' board is the session's visible contributions (participant_api's state).
    assert _store(url).submissions(session.id) == []
    assert "[hidden]" in fac.board.value  # the facilitator still sees it, flagged
    assert fac.trajectory["contributions"].sum() == 0  # and it left the spiral
    fac.restore_button.click()
    assert [s.text for s in _store(url).submissions(session.id)] == ["Rude remark to hide"]


def test_collective_story_harvest(url):
    fac = _facilitator(url)
    session = _session(fac, "Story circle", "csh")
    assert fac.arc_box.layout.display is None
    teller = _join(url, session.join_code, "Teller")
    harvester = _join(url, session.join_code, "Harvester")
    fac.arc_name.value = "What we learn about courage"
    fac.arc_button.click()
    fac.refresh()
    fac.arc_person.value = harvester.id
    fac.arc_choice.value = fac.arc_choice.options[1][1]
    fac.arc_assign_button.click()
    assert "Harvester" in fac.arcs_view.value
    _open(fac, "story")
    story = _send(url, teller, "The night the server room flooded")
    _open(fac, "harvest")
    _send(url, harvester, "Courage was asking for help early", parent_id=story.id)
    _open(fac, "gifts")
    fac.cluster_name.value = "Ask early"
    fac.cluster_button.click()
    fac.assign_item.value = next(v for label, v in fac.assign_item.options if "asking for help" in label)
    fac.assign_button.click()
    _open(fac, "takeaways")
    _send(url, teller, "I will call the on-call lead before trying alone",
          source_cluster_id=_store(url).clusters(session.id)[0].id)
    frame = _store(url).contributions_frame(session.id)
    assert list(frame["mode"]) == ["S", "E", "I"]
    assert frame.loc[frame["phase"] == "harvest", "arc"].iloc[0] == "What we learn about courage"
    lineage = fac._report_bytes().decode().split("Lineage of ideas", 1)[1]
    assert lineage.index("Ask early") < lineage.index("asking for help") < lineage.index("server room flooded")
    assert "call the on-call lead" in lineage
    # The page speaks the format's words: its clusters are the gifts', its spiral's steps,
    # hover texts, table and next-level conditions name the Story Harvest's phases.
    fac.refresh()
    hovers = " ".join(str(t.hovertext) for t in fac.figure.data if t.hovertext)
    shown = " ".join([fac.cluster_box.children[0].value, fac.progress_view.value, fac.spiral_table.value,
                      fac.header.value, fac.counts.value, hovers])
    assert "Clusters (Gifts back)" in shown and "Story" in fac.spiral_table.value and "Round 1 · Harvest" in hovers
    assert not re.search("Socialization|Externalization|Combination|Internalization", shown), shown


def test_a_live_refresh_keeps_what_the_facilitator_chose(url):
    # The board refreshes whenever a phone writes; a choice made meanwhile must stay, or Hide
    # and Assign would act on another contribution or person than the one picked.
    fac = _facilitator(url)
    session = _session(fac, "Story circle", "csh")
    store = _store(url)
    ana, ben = (store.join(session.join_code, name) for name in ("Ana", "Ben"))
    fac.arc_name.value = "Courage"
    fac.arc_button.click()
    _open(fac, "story")
    first = store.submit(ana.token, "The night the power failed", "k1")
    fac.refresh()
    fac.moderate.value = first.id
    fac.arc_person.value = ben.id
    fac.arc_choice.value = store.arcs(session.id)[0].id
    store.submit(ben.token, "A second story arrives", "k2")
    store.join(session.join_code, "Cy")
    fac.refresh()
    assert fac.moderate.value == first.id and fac.arc_person.value == ben.id
    fac.hide_button.click()
    assert [s.id for s in store.submissions(session.id, include_hidden=True) if s.hidden] == [first.id]
    fac.arc_assign_button.click()
    assert store.arcs(session.id)[0].harvesters == (ben.id,)
    assert "(arc" not in fac.board.value  # stories have no arc; harvest notes show theirs
    _open(fac, "harvest")
    store.submit(ben.token, "Courage is steadiness", "k3")
    fac.refresh()
    assert "Courage is steadiness</span> <span class=\"seci-who\">— Ben</span> <em>(arc “Courage”)</em>" in fac.board.value


def test_forged_facilitator_actions_need_the_key(url):
    owner = _facilitator(url)
    session = _session(owner)
    # The facilitator notebook reached another way (no key in the environment, shared DB).
    visitor = _facilitator(url, can_create=False)
    assert visitor.create_box.layout.display == "none" and visitor.session_box.layout.display == "none"
    visitor.title.value = "Rogue"
    visitor.create_button.click()  # hidden button, forged click
    assert visitor.message.kind == "error"
    assert [s.title for s in _store(url).sessions()] == ["Retro"]
    visitor.phase.options = [("Socialization", "S")]
    visitor.phase.value = "S"
    visitor.open_button.click()
    assert visitor.message.kind == "error"
    assert not _store(url).session(session.id).phase_open
    visitor.access_code.value = session.join_code
    visitor.access_key.value = "wrong-key"
    visitor.access_button.click()
    assert visitor.message.kind == "error" and visitor.session is None
    assert visitor.access_key.value == ""  # a wrong key is not left in the page
    # A forged session with a wrong key set directly still fails in the store.
    visitor.session, visitor.key = session, "wrong-key"
    visitor.open_button.click()
    assert visitor.message.kind == "error"
    assert not _store(url).session(session.id).phase_open
    # With the key printed at start, the same page works.
    visitor.session, visitor.key = None, ""
    visitor.access_key.value = owner.key
    visitor.access_button.click()
    assert visitor.session is not None
    _open(visitor, "S")


def _from_the_command(url, monkeypatch):
    """A session started by ``seci-lab workshop``: its key and code in the dashboard's environment."""
    session = _store(url).create_session("From the command", "seci")
    monkeypatch.setenv(DB_ENV, url)
    monkeypatch.setenv(FACILITATOR_KEY_ENV, session.key)
    monkeypatch.setenv(JOIN_CODE_ENV, session.join_code)
    monkeypatch.setenv(JOIN_URL_ENV, "http://192.0.2.7:9000/?token=t")
    return session


def test_key_from_environment_opens_the_session(url, monkeypatch):
    session = _from_the_command(url, monkeypatch)
    fac = workshop_facilitator(live=False)
    assert fac.session is not None and fac.session.id == session.id
    assert fac.access_box.layout.display == "none" and fac.create_box.layout.display is None
    assert "192.0.2.7" in fac.qr.value


def test_without_a_database_the_page_says_so(monkeypatch):
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.delenv(FACILITATOR_KEY_ENV, raising=False)
    facilitator = workshop_facilitator(live=False)
    assert "temporary" in facilitator.children[0].value
    assert facilitator.can_create  # a private trial database: creating a session is harmless


def test_xss_payloads_render_as_text_everywhere(url):
    fac = _facilitator(url)
    session = _session(fac, title=XSS_NAME)
    evil = _join(url, session.join_code, XSS_NAME)
    _open(fac, "S")
    _send(url, evil, XSS_TEXT)
    _send(url, evil, FORMULA)
    _open(fac, "C")
    fac.cluster_name.value = XSS_NAME
    fac.cluster_button.click()
    fac.refresh()
    html_views = [fac.header.value, fac.board.value, fac.counts.value, fac.clusters_view.value,
                  fac.spiral_table.value]
    for view in html_views:
        assert "<script" not in view and "<img" not in view, view
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in fac.board.value
    assert "&lt;script&gt;" in fac.board.value
    # Plotly hover: escaped and `$` neutralised (no LaTeX typesetting).
    hovers = " ".join(str(t.hovertext) for t in fac.figure.data if t.hovertext)
    assert "&lt;script&gt;" in hovers and "<script" not in hovers
    assert "$5" not in hovers and "&#36;5" in hovers
    # Option labels and checkbox descriptions are rendered as text by ipywidgets: raw is fine.
    assert any(XSS_NAME in label for label, _ in fac.moderate.options)
    # Exports.
    report = fac._report_bytes().decode()
    body = report.split("Lineage of ideas", 1)[1]
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "<img src=x" not in report.split("<title>", 1)[1].split("</title>", 1)[0]
    csv = fac._csv_bytes().decode("utf-8-sig")
    assert "'=1+2" in csv and "\n=1+2" not in csv and ",=1+2" not in csv
    book = openpyxl.load_workbook(io.BytesIO(fac._excel_bytes()))
    cells = [c for c in book["Contributions"]["G"] if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)  # text, shown as written
    data = json.loads(fac._json_bytes())
    assert XSS_TEXT in [c["text"] for c in data["contributions"]]  # JSON keeps the raw text


def test_a_pick_in_flight_during_a_live_refresh_acts_on_the_item_picked(url):
    # The page sends a dropdown pick as a position in the list the facilitator saw. If a live
    # refresh has meanwhile put a new contribution into that list, the position must still
    # name the same contribution, or Hide (Rate, Put in cluster) acts on another one.
    fac = _facilitator(url)
    session = _session(fac)
    store = _store(url)
    ana, ben = (store.join(session.join_code, name) for name in ("Ana", "Ben"))
    _open(fac, "S")
    for i in range(3):
        store.submit(ana.token, f"story {i}", f"a{i}", phase="S")
    fac.refresh()
    seen = {name: list(getattr(fac, name).options) for name in ("moderate", "assign_item")}
    picks = {name: next(i for i, (label, _) in enumerate(options) if "story 1" in label)
             for name, options in seen.items()}
    store.submit(ben.token, "arrives while the facilitator picks", "b0", phase="S")
    store.withdraw(ana.token, store.submissions(session.id)[0].id)  # and one leaves
    fac.refresh()  # the live refresh reaches the kernel before the pick does
    for name, index in picks.items():
        getattr(fac, name).index = index  # the page's message: the position picked
    target = next(s.id for s in store.submissions(session.id) if s.text == "story 1")
    assert fac.moderate.value == target and fac.assign_item.value == target
    fac.hide_button.click()
    assert [s.text for s in store.submissions(session.id, include_hidden=True) if s.hidden] == ["story 1"]
    assert "story 1" in fac.message.text  # the message names what was hidden


def test_live_poller_updates_the_spiral_after_a_submission(url):
    fac = _facilitator(url)
    session = _session(fac)
    ana = _join(url, session.join_code, "Ana")
    _open(fac, "S")
    fac.poller.interval = 0.1
    fac.poller.start()
    try:
        _store(url).submit(ana.token, "arrives live", "k-1", phase="S")
        def hovers():
            return " ".join(str(t.hovertext) for t in fac.figure.data if t.hovertext)

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "arrives live" not in hovers():
            time.sleep(0.05)
        assert "arrives live" in hovers()
        with fac.poller.lock:  # the refresh that updated the figure has finished
            assert "arrives live" in fac.board.value
    finally:
        fac.poller.stop()


def test_on_the_kernels_loop_the_board_follows_every_change_and_the_spiral_catches_up(url, monkeypatch):
    """In a kernel the live refresh runs on the event loop: the board at once, the heavy views
    (spiral, moderation lists) throttled but never left behind."""
    from seci_lab.ui import workshop_live as module

    monkeypatch.setattr(module, "LIVE_REST_INTERVAL_S", 4.0)

    def hovers(fac):
        return " ".join(str(t.hovertext) for t in fac.figure.data if t.hovertext)

    async def scenario():
        fac = _facilitator(url)  # built on the running loop, as in a kernel
        assert fac._loop is asyncio.get_running_loop()
        session = _session(fac)
        ana = _join(url, session.join_code, "Ana")
        _open(fac, "S")  # a facilitator's action: everything drawn now, the heavy views too
        fac.poller.interval = 0.05
        fac.poller.start()
        try:
            for i in range(4):
                _store(url).submit(ana.token, f"burst {i}", f"k-{i}", phase="S")
                deadline = time.monotonic() + 10
                while f"burst {i}" not in fac.board.value and time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
                assert f"burst {i}" in fac.board.value  # the board follows each one
            # the heavy views were drawn when the phase opened, under 4 s ago: they wait
            assert "burst" not in hovers(fac)
            assert not any("burst" in label for label, _ in fac.moderate.options)
            # ... and then catch up with the end of the burst, the lists included
            deadline = time.monotonic() + 15
            while "burst 3" not in hovers(fac) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert all(f"burst {i}" in hovers(fac) for i in range(4))
            assert all(any(f"burst {i}" in label for label, _ in fac.moderate.options) for i in range(4))
        finally:
            fac.poller.stop()

    asyncio.run(scenario())


def test_the_lists_keep_the_order_they_first_showed_even_when_a_lower_id_arrives_late(url, monkeypatch):
    # On PostgreSQL a contribution with a lower id can commit after one with a higher id: the
    # late one goes to the end of the lists, so a pick in flight keeps naming its contribution.
    fac = _facilitator(url)
    session = _session(fac)
    store = _store(url)
    ana, ben = (store.join(session.join_code, name) for name in ("Ana", "Ben"))
    _open(fac, "S")
    early = store.submit(ana.token, "committed late", "a0", phase="S")
    later = store.submit(ben.token, "committed first", "b0", phase="S")
    frame = fac.store.contributions_frame
    monkeypatch.setattr(fac.store, "contributions_frame",
                        lambda sid, **kw: frame(sid, **kw).query(f"id != {early.id}"))
    fac.refresh()  # the earlier id is not visible yet
    assert [value for _, value in fac.moderate.options] == [later.id]
    pick = 0  # the facilitator picks "committed first"
    monkeypatch.setattr(fac.store, "contributions_frame", frame)
    fac.refresh()  # now it is
    fac.moderate.index = pick
    assert fac.moderate.value == later.id
    assert [value for _, value in fac.moderate.options] == [later.id, early.id]


def test_countdown_and_qr():
    countdown = Countdown()
    countdown.set(time.time() + 90, "Socialization:")
    assert 85 < countdown.seconds_left() <= 90 and countdown.label == "Socialization:"
    countdown.set(None, "No phase open")
    assert countdown.seconds_left() is None
    svg = qr_svg("http://192.0.2.1:8866/?token=abc", label='QR "<x>"')
    assert svg.startswith("<svg") and 'aria-label="QR &quot;&lt;x&gt;&quot;"' in svg


def test_live_poller_survives_a_failing_read():
    calls = []

    def version():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return len(calls) // 3

    refreshed = []
    poller = LivePoller(version, lambda: refreshed.append(1), interval=0.02)
    poller.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(refreshed) < 2:
        time.sleep(0.02)
    poller.stop()
    assert len(refreshed) >= 2


def test_the_dashboard_opens_the_room_screen_without_giving_it_the_key(url):
    # The facilitator projects the room screen, not this page: its link carries the session's
    # room screen token (which only shows), never the facilitator key nor the join token.
    fac = _facilitator(url)
    session = _session(fac)
    link = fac.room_link.value
    href = re.search(r'href="([^"]+)"', link).group(1)
    token = _store(url).room_screen_token(session.id, fac.key)
    assert href == f"http://192.0.2.1:8866/room?screen={token}"
    assert 'target="_blank"' in link and "noopener" in link and "Open the room screen" in link
    assert fac.key not in link and "token=abc" not in link
    assert _store(url).session_for_room_screen(token) == session.id
    # A new session gets its own room screen.
    second = _session(fac, title="Second")
    assert second.id != session.id and token not in fac.room_link.value


def test_a_session_created_on_the_dashboard_keeps_its_key_off_the_page_and_survives_a_reload(url, monkeypatch):
    # "Create session" printed the new key in the banner (a projected page showed it), and a
    # reload of the dashboard went back to the session it was started with.
    first = _from_the_command(url, monkeypatch)
    fac = workshop_facilitator(live=False)
    fac.title.value, fac.format.value = "Afternoon", "csh"
    fac.create_button.click()
    new = fac.session
    assert new.id != first.id and new.title == "Afternoon", fac.message.text
    assert fac.key not in fac.message.text and "Copy key" in fac.message.text and "reload" in fac.message.text
    assert fac.copy_key.secret == fac.key and fac.copy_key.join_code == new.join_code
    assert fac.key not in fac.header.value + fac.qr.value + fac.room_link.value
    again = workshop_facilitator(live=False)  # a reload: a new kernel with the same environment
    assert again.session.id == new.id and again.key == fac.key
    again.title.value = "Evening"
    again.create_button.click()
    assert workshop_facilitator(live=False).session.title == "Evening"


def test_the_header_says_once_that_nothing_started(url):
    fac = _facilitator(url)
    _session(fac)
    text = re.sub(r"<[^>]+>", "", fac.header.value)
    assert "Round 1 · Not started yet" in text and text.lower().count("not started") == 1
    _open(fac, "S")
    assert "Round 1 · Socialization (open)" in re.sub(r"<[^>]+>", "", fac.header.value)


def test_suggested_clusters_are_accepted_in_one_step_and_several_contributions_move_at_once(url):
    # Clusters were built one contribution at a time (select, then "Put in cluster").
    fac = _facilitator(url)
    session = _session(fac)
    ana, ben = _join(url, session.join_code, "Ana"), _join(url, session.join_code, "Ben")
    _open(fac, "S")
    texts = ["Shadow the night nurse on handover", "Shadow the night nurse at every handover",
             "A checklist for the alarm panel", "The alarm panel needs a checklist", "Coffee"]
    sent = [_send(url, ana if i % 2 else ben, t) for i, t in enumerate(texts)]
    _open(fac, "C")
    fac.cluster_tools.suggest_button.click()
    assert fac.cluster_tools.accept_button.disabled is False, fac.message.text
    assert "Shadow" in fac.cluster_tools.suggestions_view.value and "Coffee" not in fac.cluster_tools.suggestions_view.value
    fac.cluster_tools.accept_button.click()
    assert fac.message.kind == "ok" and fac.message.text.startswith("2 clusters created"), fac.message.text
    clusters = _store(url).clusters(session.id)
    frame = _store(url).contributions_frame(session.id).set_index("id")
    assert [c.members for c in clusters] == [2, 2]
    assert frame.loc[sent[0].id, "cluster"] == frame.loc[sent[1].id, "cluster"] != frame.loc[sent[2].id, "cluster"]
    # Several at once into one cluster, in one step.
    fac.assign_cluster.value = clusters[0].id
    fac.cluster_tools.several.value = (sent[2].id, sent[4].id)
    fac.cluster_tools.move_button.click()
    assert fac.message.text == "2 contributions grouped.", fac.message.text
    assert [c.members for c in _store(url).clusters(session.id)] == [4, 1]
    fac.cluster_tools.move_button.click()  # nothing chosen any more: a message, no change
    assert fac.message.kind == "error" and "Choose one or more" in fac.message.text
