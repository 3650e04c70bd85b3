"""The participant page's JSON API over HTTP: every rule break is refused by the server.

A real tornado server (the handlers ``seci-lab workshop`` serves, with Voila's settings) over a
SQLite store; clients speak HTTP as browsers do. What a refusal must do for a person: a status
that says why, a message in plain words, no traceback, and (for a contribution) nothing lost:
the message says the text is kept and nothing is stored.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time

import pytest

from seci_lab.server.guard import HostAllowList, SlidingWindow, TrustedProxies
from seci_lab.server.participant_api import MAX_BODY_BYTES, PAGE_DIR, ParticipantSite
from seci_lab.model.workshop import WorkshopError
from seci_lab.store.attempts import StoredWindow
from seci_lab.store.workshop import WorkshopStore

from participant_client import Clock, SiteServer, closed_by_server, slow_connections


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    opened = WorkshopStore.open(f"sqlite:///{tmp_path / 'ws.sqlite'}", max_per_minute=3, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def session(store):
    return store.create_session("API test", "seci", join_code="TEAM42")


def _serve(store, clock, **kwargs):
    site = ParticipantSite(store=store, hosts=HostAllowList(["192.168.1.23", "workshop.example"]),
                           clock=clock, **kwargs)
    return SiteServer(site)


@pytest.fixture
def server(store, clock):
    running = _serve(store, clock)
    yield running
    running.stop()


def _joined(server, name="Ana"):
    client = server.client()
    response = client.join("team42", name)
    assert response.status == 201, response.body
    return client


def test_join_keeps_identity_in_an_httponly_strict_cookie(server, session, store):
    client = server.client()
    page = client.open_page()
    assert page.status == 200 and b'<label for="code">Join code</label>' in page.body
    assert client.cookies.get("_xsrf")
    joined = client.join("te-am 42", "Ana")
    assert joined.status == 201
    assert joined.json["me"]["name"] == "Ana" and joined.json["state"]["session"]["title"] == "API test"
    cookie = next(c for c in joined.set_cookies if c.startswith("seci_participant="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    token = client.cookies["seci_participant"]
    assert token not in joined.body.decode()  # the secret never reaches script
    assert server.client().request("GET", "/api/workshop/me").json == {"me": None}  # not joined: no error
    # A reload: the cookie finds the same participant.
    assert client.request("GET", "/api/workshop/me").json["me"]["id"] == joined.json["me"]["id"]
    again = client.state()
    assert again.status == 200 and again.json["me"]["id"] == joined.json["me"]["id"]
    assert [p.display_name for p in store.participants(session.id)] == ["Ana"]


def test_page_is_small_strict_and_has_no_html_sinks(server, session):
    client = server.client()
    page = client.open_page()
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>", page.body)
    assert not re.search(rb"\son[a-z]+=", page.body)  # no inline event handlers
    total = len(page.body)
    for asset in ("app.js", "style.css"):
        response = client.request("GET", f"/workshop/static/{asset}")
        assert response.status == 200
        total += len(response.body)
    assert total < 100 * 1024
    script = (PAGE_DIR / "app.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, f"the page script uses {sink}"
    for label in ('for="code">Join code', 'for="name">Name', 'for="text">Your contribution'):
        assert label in page.body.decode()
    assert ">Join</button>" in page.body.decode() and ">Send</button>" in page.body.decode()
    assert 'aria-live="polite"' in page.body.decode()


def test_contributions_follow_the_phase_and_keep_the_text(server, session, store):
    ana = _joined(server)
    closed = ana.send("An idea", "k1")
    assert closed.status == 409 and "Your text is kept" in closed.error
    store.open_phase(session.id, session.key, "S")
    stale = ana.send("An idea", "k1", phase="E")
    assert stale.status == 409 and "open phase is now Socialization" in stale.error
    sent = ana.send("An idea <script>alert(1)</script>", "k1", phase="S")
    assert sent.status == 201 and sent.json["created"] is True
    twice = ana.send("An idea <script>alert(1)</script>", "k1", phase="S")  # a retry: stored once
    assert twice.status == 200 and twice.json["created"] is False and twice.json["sent"] == sent.json["sent"]
    board = ana.state().json["state"]["board"]
    assert [item["text"] for item in board] == ["An idea <script>alert(1)</script>"]  # raw; the page uses textContent
    assert len(store.submissions(session.id)) == 1
    empty = ana.send("   ", "k2", phase="S")
    assert empty.status == 400 and "Traceback" not in empty.body.decode()


def test_rate_cap_holds_across_leaving_and_joining_again(server, session, store):
    store.open_phase(session.id, session.key, "S")
    ana = _joined(server)
    for i in range(3):
        assert ana.send(f"idea {i}", f"k{i}").status == 201
    capped = ana.send("idea 3", "k3")
    assert capped.status == 429 and "Your text is kept" in capped.error
    assert int(capped.headers["Retry-After"]) >= 1
    # Leave, join as someone new from the same device: the cap still holds.
    assert ana.request("POST", "/api/workshop/leave").status == 200
    assert "seci_participant" not in ana.cookies
    assert ana.state().status == 401
    assert ana.join("TEAM42", "Ana again").status == 201
    again = ana.send("idea 4", "k4")
    assert again.status == 429
    assert len(store.submissions(session.id)) == 3


def test_edit_withdraw_and_vote_only_what_one_may(server, session, store):
    store.open_phase(session.id, session.key, "S")
    ana, ben = _joined(server, "Ana"), _joined(server, "Ben")
    mine = ana.send("Ana's idea", "a1").json["sent"]
    assert ben.request("PUT", f"/api/workshop/contributions/{mine}", {"text": "hijacked"}).status == 403
    assert ben.request("DELETE", f"/api/workshop/contributions/{mine}").status == 403
    edited = ana.request("PUT", f"/api/workshop/contributions/{mine}", {"text": "Ana's better idea"})
    assert edited.status == 200 and edited.json["state"]["board"][0]["text"] == "Ana's better idea"
    cluster = store.create_cluster(session.id, session.key, "Shadowing")
    early = ana.request("PUT", f"/api/workshop/votes/{cluster.id}", {"on": True})
    assert early.status == 409 and "Combination" in early.error
    store.open_phase(session.id, session.key, "C")
    assert ana.request("PUT", f"/api/workshop/votes/{cluster.id}", {"on": "yes"}).status == 400
    empty = ana.request("PUT", f"/api/workshop/votes/{cluster.id}", {"on": True})
    assert empty.status == 400 and "has no contributions yet" in empty.error  # nothing in it to vote for
    store.assign(session.id, session.key, mine, cluster.id)
    voted = ana.request("PUT", f"/api/workshop/votes/{cluster.id}", {"on": True})
    assert voted.status == 200 and voted.json["me"]["votes"] == [cluster.id]
    assert voted.json["state"]["clusters"][0]["votes"] == 1
    late = ana.request("PUT", f"/api/workshop/contributions/{mine}", {"text": "too late"})
    assert late.status == 409  # its phase is closed
    store.open_phase(session.id, session.key, "I")
    takeaway = ana.send("I will pair weekly", "t1", phase="I", source_cluster_id=cluster.id)
    assert takeaway.status == 201
    assert ana.state().json["state"]["board"][-1]["source_cluster"] == "Shadowing"
    withdrawn = ana.request("DELETE", f"/api/workshop/contributions/{takeaway.json['sent']}")
    assert withdrawn.status == 200 and [i["text"] for i in withdrawn.json["state"]["board"]] == ["Ana's better idea"]


def test_the_phones_of_a_session_are_told_of_the_one_that_follows_it(server, session, store):
    ana = _joined(server, "Ana")
    state = ana.state().json["state"]
    assert state["next_session"] is None and state["session"]["status"] == "Round 1 · Not started yet"
    follow = store.follow_session(session.id, session.key, "After lunch", "csh")
    told = ana.state().json["state"]["next_session"]
    assert told == {"title": "After lunch", "join_code": follow.join_code}


def test_links_to_another_session_and_hidden_items_stay_out(server, session, store):
    # "Builds on" and "drawn from" naming another session's items (a forged request) are
    # refused and store nothing; a hidden contribution leaves every phone's board; a
    # participant's secret opens no facilitator action.
    other = store.create_session("Other", "seci", join_code="THER77")
    bob = store.join(other.join_code, "Bob")
    store.open_phase(other.id, other.key, "C")
    foreign_cluster = store.create_cluster(other.id, other.key, "Elsewhere")
    store.open_phase(other.id, other.key, "S")
    foreign = store.submit(bob.token, "elsewhere", "b1")
    store.open_phase(session.id, session.key, "S")
    ana = _joined(server)
    linked = ana.send("linking to another session", "a1", parent_id=foreign.id)
    drawn = ana.send("drawing on another session", "a2", source_cluster_id=foreign_cluster.id)
    assert linked.status == 400 and drawn.status == 400 and "Traceback" not in linked.body.decode()
    assert store.submissions(session.id) == []
    rude = ana.send("Rude remark to hide", "a3").json["sent"]
    store.hide(session.id, session.key, rude)
    assert ana.state().json["state"]["board"] == []
    with pytest.raises(WorkshopError):
        store.hide(session.id, ana.cookies["seci_participant"], rude)


def test_story_harvest_arcs_reach_the_harvester(tmp_path, clock):
    store = WorkshopStore.open(f"sqlite:///{tmp_path / 'csh.sqlite'}", clock=clock)
    session = store.create_session("Story circle", "csh", join_code="STRY77")
    running = _serve(store, clock)
    try:
        harvester = running.client()
        person = harvester.join("STRY77", "Hana").json["me"]
        arc = store.create_arc(session.id, session.key, "Courage")
        store.assign_arc(session.id, session.key, person["id"], arc.id)
        store.open_phase(session.id, session.key, "harvest")
        state = harvester.state().json
        assert state["state"]["arcs"] == [{"id": arc.id, "name": "Courage", "harvesters": [person["id"]]}]
        assert state["state"]["session"]["takes_arc"] is True
        sent = harvester.send("She asked for help early", "h1", phase="harvest")
        assert sent.status == 201 and harvester.state().json["state"]["board"][0]["arc"] == "Courage"
    finally:
        running.stop()
        store.close()


@pytest.mark.parametrize("case", ["no xsrf header", "wrong xsrf", "no xsrf cookie", "foreign host",
                                  "no participant cookie", "bad participant cookie", "bad json",
                                  "not an object", "wrong content type", "oversize"])
def test_bad_requests_are_refused_and_store_nothing(server, session, store, case):
    store.open_phase(session.id, session.key, "S")
    ana = _joined(server)
    body = {"text": "x", "idempotency_key": "k", "phase": "S"}
    kwargs = {}
    expected = 403
    if case == "no xsrf header":
        kwargs["xsrf"] = False
    elif case == "wrong xsrf":
        kwargs["headers"] = {"X-XSRFToken": "2|00000000|" + "0" * 32 + "|1"}
    elif case == "no xsrf cookie":
        ana.cookies.pop("_xsrf")
        kwargs["headers"] = {"X-XSRFToken": "forged"}
    elif case == "foreign host":
        ana.host = "rebind.attacker.example:8866"
    elif case == "no participant cookie":
        ana.cookies.pop("seci_participant")
        expected = 401
    elif case == "bad participant cookie":
        ana.cookies["seci_participant"] = "guessed-token"
        expected = 401
    elif case == "bad json":
        kwargs["raw"], expected = b'{"text": "x",', 400
    elif case == "not an object":
        kwargs["raw"], expected = b'["x"]', 400
    elif case == "wrong content type":
        kwargs["content_type"], expected = "text/plain", 415
    elif case == "oversize":
        body["text"] = "x" * (MAX_BODY_BYTES + 10)
        expected = 413
    response = ana.request("POST", "/api/workshop/contributions", body, **kwargs)
    assert response.status == expected, response.body
    assert response.error and "Traceback" not in response.body.decode()
    assert store.submissions(session.id) == []


def test_foreign_host_gets_neither_page_nor_state(server, session):
    ana = _joined(server)
    for host in ("rebind.attacker.example", "evil.example:80", "192.168.1.99"):
        ana.host = host
        assert ana.open_page().status == 403
        assert ana.state().status == 403
    for host in ("localhost:8866", "[::1]:8866", "192.168.1.23:8866", "WORKSHOP.example"):
        ana.host = host
        assert ana.state().status == 200, host


def test_names_are_unique_and_facilitator_is_reserved(server, session):
    _joined(server, "Ana")
    for name, words in (("ana", "already uses"), ("  ANA ", "already uses"), ("Facilitator", "reserved"),
                        ("facilitator", "reserved"), ("Anonymous 1", "anonymous")):
        response = server.client().join("TEAM42", name)
        assert response.status == 400 and words in response.error.lower(), (name, response.body)
    anonymous = server.client().join("TEAM42", None)
    assert anonymous.status == 201 and anonymous.json["me"]["name"] == "Anonymous 1"


def test_look_alike_names_are_refused_with_a_message(server, session):
    # Issue 21, item 7: a zero-width space, a Cyrillic letter or a full-width letter made a
    # second "Ana" or a "Facilitator"; a right-to-left override turned a name around.
    _joined(server, "Ana")
    for name, words in (("Ana\u200b", "already uses the name 'Ana'"), ("\u0410na", "or one that looks like it"),
                        ("F\u0430cilitator", "reserved"), ("Facili\u200btator", "reserved")):
        response = server.client().join("TEAM42", name)
        assert response.status == 400 and words in response.error, (name, response.body)
    turned = server.client().join("TEAM42", "\u202erotatilicaF")
    assert turned.status == 201 and turned.json["me"]["name"] == "rotatilicaF"


def test_closed_rounds_hidden_items_and_closed_phases_refuse_changes(server, session, store):
    # Issue 21, item 8: each of these went through (200) before.
    store.open_phase(session.id, session.key, "S")
    ana = _joined(server, "Ana")
    kept, hidden = (ana.send(text, text).json["sent"] for text in ("kept", "hidden"))
    store.hide(session.id, session.key, hidden)
    edit = ana.request("PUT", f"/api/workshop/contributions/{hidden}", {"text": "sneaked back"})
    assert edit.status == 403 and "hidden" in edit.error
    store.close_phase(session.id, session.key)
    late = ana.request("DELETE", f"/api/workshop/contributions/{kept}")
    assert late.status == 409 and "can no longer be withdrawn" in late.error
    cluster = store.create_cluster(session.id, session.key, "Round one")
    store.next_round(session.id, session.key)
    store.open_phase(session.id, session.key, "C")
    vote = ana.request("PUT", f"/api/workshop/votes/{cluster.id}", {"on": True})
    assert vote.status == 409 and "belongs to round 1" in vote.error
    assert store.clusters(session.id, round=1)[0].votes == 0
    board = store.contributions_frame(session.id, include_hidden=True).set_index("id")
    assert board.loc[hidden, "text"] == "hidden" and not board["withdrawn"].any()


def test_join_code_guessing_and_join_floods_are_limited(store, clock, session):
    running = _serve(store, clock, joins_per_address=StoredWindow(store.engine, "join-address", 4, 600.0, clock),
                     wrong_codes_per_address=StoredWindow(store.engine, "wrong-code-address", 3, 600.0, clock))
    try:
        client = running.client()
        for code in ("AAAA", "BBBB", "CCCC"):
            assert client.join(code, None).status == 404
        locked = client.join("TEAM42", "Ana")  # even the right code waits now
        assert locked.status == 429 and "wrong join codes" in locked.error
        assert store.participants(session.id) == []
    finally:
        running.stop()
    running = _serve(store, clock, joins_per_address=StoredWindow(store.engine, "flood-test", 2, 600.0, clock))
    try:
        client = running.client()
        assert client.join("TEAM42", "P1").status == 201
        assert client.join("TEAM42", "P2").status == 201
        flood = client.join("TEAM42", "P3")
        assert flood.status == 429 and flood.headers["Retry-After"]
        assert len(store.participants(session.id)) == 2
    finally:
        running.stop()
    running = _serve(store, clock, joins_per_session=SlidingWindow(1, 60.0))
    try:
        assert running.client().join("TEAM42", "Q1").status == 201
        assert running.client().join("TEAM42", "Q2").status == 429
    finally:
        running.stop()


def test_limits_hold_across_two_server_processes_sharing_the_database(tmp_path, clock):
    # Two sites, each with its own store (engine) on one database file: what two server
    # processes behind a proxy share. A visitor sent to the other one does not start afresh.
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    stores = [WorkshopStore.open(url, max_per_minute=3, clock=clock) for _ in range(2)]
    session = stores[0].create_session("Two servers", "seci", join_code="TWXX22")
    stores[0].open_phase(session.id, session.key, "S")
    # Behind one proxy (127.0.0.1 here), which names each device in X-Forwarded-For.
    first, second = (_serve(s, clock, trusted_proxies=TrustedProxies(["127.0.0.1"]),
                            wrong_codes_per_address=StoredWindow(s.engine, "wrong-code-address", 4, 600.0, clock))
                     for s in stores)
    try:
        # Wrong join codes add up over both servers.
        guesser = [server.client(headers={"X-Forwarded-For": "10.0.0.66"}) for server in (first, second)]
        for attempt in range(4):
            assert guesser[attempt % 2].join(f"ZZZ{'ABCD'[attempt]}", None).status == 404
        for client in guesser:
            locked = client.join("TWXX22", "Guesser")
            assert locked.status == 429 and "wrong join codes" in locked.error
        # The cap on contributions holds when the device leaves on one and joins on the other.
        ana = first.client(headers={"X-Forwarded-For": "10.0.0.7"})
        assert ana.join("TWXX22", "Ana").status == 201
        for i in range(3):
            assert ana.send(f"idea {i}", f"k{i}").status == 201
        assert ana.request("POST", "/api/workshop/leave").status == 200
        again = second.client(headers={"X-Forwarded-For": "10.0.0.7"})
        assert again.join("TWXX22", "Ana again").status == 201
        capped = again.send("idea 3", "k3")
        assert capped.status == 429 and "Your text is kept" in capped.error
        assert len(stores[1].submissions(session.id)) == 3
        # A minute later the device may send again, through either server.
        clock.now += 61
        assert again.send("idea 3", "k3").status == 201
    finally:
        first.stop()
        second.stop()
        for opened in stores:
            opened.close()


def test_forwarded_addresses_count_only_from_a_trusted_proxy(store, clock, session):
    def guesses(client, count):
        return [client.join(f"ZZZ{'ABCDEFGH'[i]}", None).status for i in range(count)]

    # No trusted proxy (the default): a visitor who writes X-Forwarded-For or X-Real-IP
    # himself is still counted by the connection's address, and is locked out all the same.
    direct = _serve(store, clock, wrong_codes_per_address=StoredWindow(store.engine, "spoof", 3, 600.0, clock))
    try:
        assert guesses(direct.client(), 3) == [404] * 3
        for forged in ({"X-Forwarded-For": "203.0.113.9"}, {"X-Real-IP": "203.0.113.10"},
                       {"X-Forwarded-For": "203.0.113.11, 10.0.0.12", "X-Real-IP": "10.0.0.12"}):
            locked = direct.client(headers=forged).join("TEAM42", "Eve")
            assert locked.status == 429 and "wrong join codes" in locked.error
        assert store.participants(session.id) == []
    finally:
        direct.stop()
    # Behind a trusted proxy (here 127.0.0.1): each visitor is the address the proxy appended.
    proxied = _serve(store, clock, trusted_proxies=TrustedProxies(["127.0.0.1"]),
                     wrong_codes_per_address=StoredWindow(store.engine, "proxied", 3, 600.0, clock))
    try:
        guesser = proxied.client(headers={"X-Forwarded-For": "10.0.0.5"})
        assert guesses(guesser, 3) == [404] * 3
        # What the visitor wrote stands left of the proxy's entry and changes nothing.
        for forged in ("198.51.100.1, 10.0.0.5", "198.51.100.2,10.0.0.5", "not-an-address, 10.0.0.5"):
            guesser.headers["X-Forwarded-For"] = forged
            assert guesser.join("TEAM42", "Eve").status == 429
        neighbour = proxied.client(headers={"X-Forwarded-For": "10.0.0.6", "X-Real-IP": "10.0.0.6"})
        assert neighbour.join("TEAM42", "Ben").status == 201  # another device in the room is not locked
        assert [p.display_name for p in store.participants(session.id)] == ["Ben"]
    finally:
        proxied.stop()


@pytest.mark.parametrize("headers, expected", [
    ({}, "10.1.1.1"),
    ({"X-Forwarded-For": "192.0.2.4"}, "192.0.2.4"),
    ({"X-Forwarded-For": "6.6.6.6, 192.0.2.4"}, "192.0.2.4"),
    ({"X-Forwarded-For": "192.0.2.4, 10.1.1.2"}, "192.0.2.4"),  # a second trusted proxy in the chain
    ({"X-Forwarded-For": "garbage, 10.1.1.2"}, "10.1.1.1"),
    ({"X-Real-IP": "192.0.2.5"}, "192.0.2.5"),
    ({"X-Real-IP": "not an address"}, "10.1.1.1"),
])
def test_trusted_proxy_chain_is_read_from_the_right(headers, expected):
    proxies = TrustedProxies(["10.1.1.0/24"])
    assert proxies.client_address("10.1.1.1", headers) == expected
    assert proxies.client_address("192.0.2.99", headers) == "192.0.2.99"  # not a proxy: its headers count for nothing
    assert TrustedProxies().client_address("10.1.1.1", headers) == "10.1.1.1"  # off by default
    with pytest.raises(ValueError, match="trusted proxy"):
        TrustedProxies(["proxy.example"])


def test_sessions_expire(store, clock, session):
    running = _serve(store, clock, session_lifetime_s=3600)
    try:
        ana = running.client()
        assert ana.join("TEAM42", "Ana").status == 201
        clock.now += 3601
        gone = ana.state()
        assert gone.status == 410 and "ended" in gone.error
        assert running.client().join("TEAM42", "Ben").status == 410
    finally:
        running.stop()


def test_room_token_moves_from_the_address_to_a_cookie(store, clock, session):
    running = _serve(store, clock, room_token="k7m3qx9p2a")
    try:
        stranger = running.client()
        assert stranger.open_page().status == 403
        assert stranger.open_page("?token=wrong").status == 403
        guest = running.client()
        entered = guest.open_page("?token=k7m3qx9p2a")
        assert entered.status == 302 and entered.headers["Location"] == "/"
        assert "HttpOnly" in next(c for c in entered.set_cookies if c.startswith("seci_room="))
        assert guest.open_page().status == 200
        assert guest.join("TEAM42", "Ana").status == 201
        stranger.cookies["_xsrf"] = guest.cookies["_xsrf"]
        assert stranger.join("TEAM42", "Eve").status == 403
    finally:
        running.stop()


def test_a_participant_who_only_reads_counts_as_active(server, session, store, clock):
    # The facilitator's dashboard lists who was active in the last 2 minutes: the page's polls
    # count, written at most once a minute per participant.
    ana = _joined(server)
    clock.now += 130
    assert store.active_participants(session.id) == []
    assert ana.state().status == 200
    assert [p.display_name for p in store.active_participants(session.id)] == ["Ana"]
    seen = store.participants(session.id)[0].last_seen
    clock.now += 30
    assert ana.state().status == 200 and store.participants(session.id)[0].last_seen == seen


def test_the_old_notebook_address_leads_to_the_page(store, clock, session):
    # Links and QR codes to the kernel-per-visitor notebook (removed) still reach the page,
    # with the room token; a foreign host still gets nothing.
    running = _serve(store, clock, room_token="k7m3qx9p2a")
    try:
        guest = running.client()
        moved = guest.request("GET", "/voila/render/workshop_participant.ipynb?token=k7m3qx9p2a")
        assert moved.status == 302 and moved.headers["Location"] == "/?token=k7m3qx9p2a"
        assert guest.open_page("?token=k7m3qx9p2a").status == 302 and guest.open_page().status == 200
        bare = guest.request("GET", "/voila/render/workshop_participant.ipynb")
        assert bare.status == 302 and bare.headers["Location"] == "/"
        foreign = running.client(host="evil.example").request("GET", "/voila/render/workshop_participant.ipynb")
        assert foreign.status == 403
    finally:
        running.stop()


def test_long_poll_answers_when_someone_else_writes(server, session, store):
    store.open_phase(session.id, session.key, "S")
    ana, ben = _joined(server, "Ana"), _joined(server, "Ben")
    version = ana.state().json["version"]
    answers = {}

    def wait():
        answers["poll"] = ana.state(since=version)

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.5)  # the poll is waiting: nothing has changed yet
    assert "poll" not in answers
    assert ben.send("Ben's story", "b1").status == 201
    waiter.join(20)
    poll = answers["poll"]
    assert poll.status == 200 and poll.json["version"] > version
    assert [item["text"] for item in poll.json["state"]["board"]] == ["Ben's story"]
    # A write through the store directly (the facilitator's kernel) wakes a poll too.
    version = poll.json["version"]
    waiter = threading.Thread(target=wait)
    waiter.start()
    store.close_phase(session.id, session.key)
    waiter.join(20)
    assert answers["poll"].json["state"]["session"]["accepting"] is False


def test_a_poll_naming_its_build_gets_only_the_boards_changes(server, session, store):
    store.open_phase(session.id, session.key, "S")
    ana, ben = _joined(server, "Ana"), _joined(server, "Ben")
    for n in range(10):  # a board with some history
        other = store.join(session.join_code, f"Other {n}")
        for i in range(3):
            store.submit(other.token, f"story {i} of {n}", f"o{n}-{i}", phase="S")
    first = ana.state().json
    assert len(first["state"]["board"]) == 30 and first["build"]
    board = {item["id"]: item for item in first["state"]["board"]}

    def poll_after(write, known):
        answers = {}
        waiter = threading.Thread(target=lambda: answers.setdefault(
            "poll", ana.state(since=known["version"], build=known["build"])))
        waiter.start()
        time.sleep(0.3)
        write()
        waiter.join(20)
        assert answers["poll"].status == 200, answers["poll"].body
        changes = answers["poll"].json["state"].get("board_changes")
        if changes:  # what the page does with them
            assert changes["since"] == known["build"]
            board.update({item["id"]: item for item in changes["upsert"]})
            for item_id in changes["remove"]:
                del board[item_id]
        return answers["poll"]

    # a new contribution: only it comes, with the rest of the state
    poll = poll_after(lambda: ben.send("Ben's story", "b1"), first)
    state = poll.json["state"]
    assert "board" not in state and state["session"]["phase"] == "S"
    assert [item["text"] for item in state["board_changes"]["upsert"]] == ["Ben's story"]
    assert state["board_changes"]["remove"] == []
    assert len(poll.body) < len(ana.state().body) / 5
    # an edit sends the item again; hiding one removes it
    bens = state["board_changes"]["upsert"][0]["id"]
    poll = poll_after(lambda: ben.request("PUT", f"/api/workshop/contributions/{bens}",
                                          {"text": "Ben's story, told better"}), poll.json)
    assert [item["text"] for item in poll.json["state"]["board_changes"]["upsert"]] == ["Ben's story, told better"]
    hidden = first["state"]["board"][3]["id"]
    poll = poll_after(lambda: store.hide(session.id, session.key, hidden), poll.json)
    assert poll.json["state"]["board_changes"]["upsert"] == []
    assert poll.json["state"]["board_changes"]["remove"] == [hidden]
    # applied in turn, the changes give the board a whole answer gives
    assert sorted(board.values(), key=lambda item: item["id"]) == ana.state().json["state"]["board"]
    # a build this process does not hold (an old one, another server's): the whole board
    poll = poll_after(lambda: ben.send("Ben's second", "b2"), {"version": poll.json["version"], "build": "f00.1"})
    assert "board_changes" not in poll.json["state"]
    assert poll.json["state"]["board"][-1]["text"] == "Ben's second"


def test_a_poll_that_waited_in_vain_brings_no_board(server, session, store, monkeypatch):
    # In a quiet phase a phone's poll ends after LONG_POLL_S with nothing new: it must not
    # download the whole board again each time.
    from seci_lab.server import participant_api

    monkeypatch.setattr(participant_api, "LONG_POLL_S", 0.3)
    store.open_phase(session.id, session.key, "S")
    ana = _joined(server, "Ana")
    for n in range(5):
        other = store.join(session.join_code, f"Other {n}")
        store.submit(other.token, f"story of {n}", f"o{n}", phase="S")
    first = ana.state().json
    waited = ana.state(since=first["version"], build=first["build"])
    assert waited.status == 200 and waited.json["version"] == first["version"]
    assert waited.json["state"]["board_changes"] == {"since": first["build"], "upsert": [], "remove": []}
    assert "board" not in waited.json["state"] and len(waited.body) < len(ana.state().body) / 2


def test_build_ids_are_unique_across_processes_and_threads(store, session):
    sites = [ParticipantSite(store=store, hosts=HostAllowList()) for _ in range(2)]  # two processes
    second = store.create_session("Another", "seci", join_code="TEAM43")
    ids = []

    def build(site, session_id):
        for _ in range(20):
            store.open_phase(session_id, (session if session_id == session.id else second).key, "S")
            site.builds._build_state(session_id)
            ids.append(site.builds._shared[session_id].id)

    workers = [threading.Thread(target=build, args=(site, sid)) for site in sites for sid in (session.id, second.id)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert len(ids) == 80 and len(set(ids)) == 80
    assert len({i.split(".")[0] for i in ids}) == 2 and all(len(i.split(".")[0]) >= 16 for i in ids)


def test_state_rejects_a_bad_version(server, session):
    ana = _joined(server)
    bad = ana.request("GET", "/api/workshop/state?since=soon")
    assert bad.status == 400 and json.loads(bad.body)["error"]


def test_a_room_asking_at_once_shares_one_build_of_the_state(store, session):
    # 200 phones woken together must not build the board 200 times; and a phone that wants a
    # version newer than the build that just ended gets a new build (once, it spun for ever).
    site = ParticipantSite(store=store, hosts=HostAllowList())
    builds = []
    build = site.builds._build_state
    site.builds._build_state = lambda sid: (builds.append(sid), build(sid))
    answers = {}

    async def room():
        answers["first"] = await asyncio.gather(*(site.builds.shared_state(session.id) for _ in range(50)))
        answers["builds"] = len(builds)
        store.open_phase(session.id, session.key, "S")  # the version moves
        answers["newer"] = await site.builds.shared_state(session.id, store.version(session.id))

    runner = threading.Thread(target=asyncio.run, args=(room(),), daemon=True)
    runner.start()
    runner.join(30)
    assert not runner.is_alive(), "asking for a newer state never answered"
    first, newer = answers["first"], answers["newer"]
    assert len({build.body for build in first}) == 1 and answers["builds"] == 1
    assert newer.version > first[0].version and json.loads(newer.body)["session"]["phase"] == "S" and len(builds) == 2


# ------------------------------------------------------------- hostile clients (issue 21, items 3-6)


def _at_once(calls):
    """Run ``calls`` (functions of no argument) together from threads; their results in order."""
    results = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i):
        start.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def _clients_with_xsrf(server, count, **kwargs):
    clients = [server.client(**kwargs) for _ in range(count)]
    for client in clients:
        client.open_page()
    return clients


def test_concurrent_wrong_codes_are_all_counted_before_any_is_evaluated(store, clock, session):
    running = _serve(store, clock, wrong_codes_per_address=StoredWindow(store.engine, "wrong-code-address", 3, 600.0,
                                                                        clock))
    try:
        guessers = _clients_with_xsrf(running, 40)
        answers = _at_once([lambda c=c, i=i: c.join(f"GUESS{i:02d}", None) for i, c in enumerate(guessers)])
        statuses = sorted(a.status for a in answers)
        assert statuses.count(404) == 3 and statuses.count(429) == 37, statuses
    finally:
        running.stop()


def test_concurrent_joins_with_the_right_code_stop_at_the_limit(store, clock, session):
    running = _serve(store, clock, joins_per_address=StoredWindow(store.engine, "join-address", 4, 600.0, clock))
    try:
        devices = _clients_with_xsrf(running, 30)
        answers = _at_once([lambda c=c, i=i: c.join("TEAM42", f"P{i}") for i, c in enumerate(devices)])
        assert sorted(a.status for a in answers).count(201) == 4
        assert len(store.participants(session.id)) == 4
        taken = store.participants(session.id)[0].display_name
    finally:
        running.stop()
    # A join refused by the store (a taken name) does not use up the device's joins.
    running = _serve(store, clock, joins_per_address=StoredWindow(store.engine, "join-again", 1, 600.0, clock))
    try:
        client = running.client()
        assert client.join("TEAM42", taken).status == 400
        assert client.join("TEAM42", "Someone new").status == 201
    finally:
        running.stop()


def _two_servers_one_database(url, clock):
    stores = [WorkshopStore.open(url, max_per_minute=3, clock=clock) for _ in range(2)]
    servers = [_serve(s, clock, trusted_proxies=TrustedProxies(["127.0.0.1"]),
                      wrong_codes_per_address=StoredWindow(s.engine, "wrong-code-address", 3, 600.0, clock),
                      joins_per_address=StoredWindow(s.engine, "join-address", 2, 600.0, clock))
               for s in stores]
    return stores, servers


def _concurrent_limits_hold_over_two_servers(url, clock):
    stores, servers = _two_servers_one_database(url, clock)
    try:
        session = stores[0].create_session("Two servers", "seci", join_code="TWXX22")
        forwarded = {"headers": {"X-Forwarded-For": "10.0.0.66"}}
        guessers = [c for server in servers for c in _clients_with_xsrf(server, 15, **forwarded)]
        answers = _at_once([lambda c=c, i=i: c.join(f"ZZZ{i:02d}", None) for i, c in enumerate(guessers)])
        assert sorted(a.status for a in answers).count(404) == 3
        forwarded = {"headers": {"X-Forwarded-For": "10.0.0.7"}}
        devices = [c for server in servers for c in _clients_with_xsrf(server, 10, **forwarded)]
        answers = _at_once([lambda c=c, i=i: c.join("TWXX22", f"P{i}") for i, c in enumerate(devices)])
        assert sorted(a.status for a in answers).count(201) == 2
        assert len(stores[0].participants(session.id)) == 2
    finally:
        for server in servers:
            server.stop()
        for opened in stores:
            opened.close()


def test_concurrent_limits_hold_over_two_servers_sharing_sqlite(tmp_path, clock):
    _concurrent_limits_hold_over_two_servers(f"sqlite:///{tmp_path / 'shared.sqlite'}", clock)


def test_concurrent_limits_hold_over_two_servers_sharing_postgresql(pg_cluster, clock):
    _concurrent_limits_hold_over_two_servers(pg_cluster.database("limits_at_once"), clock)


DEEP = b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b', "idempotency_key": "k", "phase": "S"}'


@pytest.mark.parametrize("raw, words", [
    (DEEP, "nested too deeply"),
    (b'{"text": "x", "idempotency_key": "k", "phase": "S", "parent_id": 123456789012345678901234567890}',
     "parent_id must be"),
    (b'{"text": "x", "idempotency_key": "k", "phase": "S", "source_cluster_id": -1}', "source_cluster_id must be"),
    (b'{"text": "x", "idempotency_key": "k\\ud800", "phase": "S"}', "not valid unicode"),
], ids=["5000 deep", "30-digit id", "negative id", "surrogate key"])
def test_hostile_json_gets_a_clear_400_and_stores_nothing(server, session, store, raw, words, caplog):
    store.open_phase(session.id, session.key, "S")
    ana = _joined(server)
    response = ana.request("POST", "/api/workshop/contributions", raw=raw)
    assert response.status == 400, response.body
    assert words in response.error.lower()
    assert store.submissions(session.id) == []
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelname == "ERROR"]


def test_a_join_code_that_is_not_text_counts_as_a_wrong_code(store, clock, session):
    running = _serve(store, clock, wrong_codes_per_address=StoredWindow(store.engine, "wrong-code-address", 2, 600.0,
                                                                        clock))
    try:
        client = running.client()
        client.open_page()
        for code in (b'"TEAM42\\ud800"', b'"\\udc00"'):
            refused = client.request("POST", "/api/workshop/join", raw=b'{"code": ' + code + b', "name": "Ana"}')
            assert refused.status == 400 and "not valid unicode" in refused.error.lower(), refused.body
        locked = client.join("TEAM42", "Ana")
        assert locked.status == 429 and "wrong join codes" in locked.error
        assert store.participants(session.id) == []
    finally:
        running.stop()


def test_one_participant_holds_only_a_few_long_polls(server, session, store):
    from seci_lab.server.participant_api import MAX_POLLS_PER_PARTICIPANT

    ana = _joined(server)
    version = ana.state().json["version"]
    answers = {}
    waiters = [threading.Thread(target=lambda i=i: answers.__setitem__(i, ana.state(since=version)))
               for i in range(MAX_POLLS_PER_PARTICIPANT)]
    for waiter in waiters:
        waiter.start()
    deadline = time.monotonic() + 20
    while sum(server.site.polls.values()) < MAX_POLLS_PER_PARTICIPANT and time.monotonic() < deadline:
        time.sleep(0.05)
    one_more = ana.state(since=version)
    assert one_more.status == 429 and "close one" in one_more.error and one_more.headers["Retry-After"]
    # Another participant still waits as usual; a change answers every poll that waited.
    ben = _joined(server, "Ben")
    store.open_phase(session.id, session.key, "S")
    for waiter in waiters:
        waiter.join(30)
    assert sorted(a.status for a in answers.values()) == [200] * MAX_POLLS_PER_PARTICIPANT
    assert ben.state(since=version).status == 200
    assert server.site.polls == {}


def _raw_exchange(port, request: bytes, source: str = "127.0.0.1", timeout: float = 20) -> bytes:
    """Send ``request`` and read until the server answers and closes (or ``timeout`` passes)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0)) as sock:
        sock.sendall(request)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
        return received


@pytest.mark.parametrize("host", ["127.0.0.1", "rebind.attacker.example"])
def test_a_huge_body_is_refused_on_its_length_before_it_is_read(server, session, host):
    ana = _joined(server)
    head = (f"POST /api/workshop/contributions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Cookie: _xsrf={ana.cookies['_xsrf']}\r\nX-XSRFToken: {ana.cookies['_xsrf']}\r\n"
            "Content-Length: 100000000\r\n\r\n").encode()
    # Only the headers and a few bytes are sent: an answer now means nothing more was awaited.
    answer = _raw_exchange(server.port, head + b'{"text": "', timeout=20)
    assert answer.startswith(b"HTTP/1.1 4"), answer[:200]


def test_a_connection_that_never_finishes_its_headers_is_closed(store, clock, monkeypatch):
    from seci_lab.server import connections

    monkeypatch.setattr(connections, "IDLE_CONNECTION_TIMEOUT_S", 0.5)
    running = _serve(store, clock)
    try:
        started = time.monotonic()
        answer = _raw_exchange(running.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", timeout=30)
        assert answer == b"" and time.monotonic() - started < 25  # closed by the server, not by our timeout
    finally:
        running.stop()


def test_one_address_holds_only_its_cap_of_connections_but_a_trusted_proxy_all(store, clock):
    running = _serve(store, clock, trusted_proxies=TrustedProxies(["127.0.0.3"]))
    running.server.per_address = 5
    try:
        device = slow_connections(running.port, "127.0.0.2", 20)
        proxy = slow_connections(running.port, "127.0.0.3", 20)  # nginx carries a whole room
        assert running.client(source="127.0.0.4").open_page().status == 200
        assert sum(not closed_by_server(s) for s in device) == 5
        assert sum(not closed_by_server(s) for s in proxy) == 20
        for sock in device + proxy:
            sock.close()
    finally:
        running.stop()


def test_concurrent_sends_from_one_address_stop_at_its_cap(tmp_path, clock):
    # Several participants on one device (leaving and joining again): the cap per address.
    roomy = WorkshopStore.open(f"sqlite:///{tmp_path / 'roomy.sqlite'}", max_per_minute=100, clock=clock)
    session = roomy.create_session("Sends at once", "seci", join_code="TEAM42")
    roomy.open_phase(session.id, session.key, "S")
    running = _serve(roomy, clock, submissions_per_address=StoredWindow(roomy.engine, "submit-address", 3, 60.0,
                                                                         clock))
    try:
        people = [_joined(running, f"P{i}") for i in range(4)]
        sends = [lambda p=p, i=i, j=j: p.send(f"idea {i}.{j}", f"k{i}.{j}") for i, p in enumerate(people)
                 for j in range(6)]
        answers = _at_once(sends)
        assert sorted(a.status for a in answers).count(201) == 3
        assert len(roomy.submissions(session.id)) == 3
    finally:
        running.stop()
        roomy.close()
