"""The room screen: a read-only page of a session for the projector (issue 25, item 1).

Its token (one per session, derived from the facilitator key, stored hashed) opens the screen
and nothing else: every write that carries it is refused with 403. The view it shows, computed
from one snapshot of the session (:mod:`seci_lab.model.session_view`), holds visible
contributions only, names or "anonymous" as each participant chose, no ids, tokens or keys,
and participants' text stays data (the page's script only ever sets text).
"""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

from seci_lab.model.session_view import ROOM_BOARD_MAX, board, participant_state, room_view
from seci_lab.model.workshop import NotAllowed
from seci_lab.server.guard import HostAllowList
from seci_lab.server.participant_api import ParticipantSite
from seci_lab.server.room_screen import ROOM_PAGE_DIR, SCREEN_COOKIE
from seci_lab.store.workshop import WorkshopStore, room_screen_token

from participant_client import Clock, SiteServer

XSS = ['<img src=x onerror="document.title=1">', "<script>alert(1)</script>", '"><svg onload=alert(1)>',
       "{{7*7}} ${7*7} $x$"]


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    opened = WorkshopStore.open(f"sqlite:///{tmp_path / 'ws.sqlite'}", max_per_minute=None, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def session(store):
    return store.create_session("Room test", "seci", join_code="RUM42")


@pytest.fixture
def server(store, clock):
    running = SiteServer(ParticipantSite(store=store, hosts=HostAllowList(), clock=clock,
                                         join_url="http://192.168.1.23:8866/?token=k7m3qx9p2a"))
    yield running
    running.stop()


def _screen(server, store, session):
    """A browser that opened the room screen's address: it now holds the token's cookie."""
    token = store.room_screen_token(session.id, session.key)
    client = server.client()
    opened = client.request("GET", f"/room?screen={token}")
    assert opened.status == 302 and opened.headers["Location"] == "/room"
    return client, token


def _view(client, since: int | None = None):
    answer = client.request("GET", "/room/api/state" + ("" if since is None else f"?since={since}"))
    assert answer.status == 200, answer.body
    return answer.json


# ------------------------------------------------------------------------------------ the token


def test_room_screen_token_is_the_sessions_own_and_tells_nothing_of_the_key(store, session):
    token = store.room_screen_token(session.id, session.key)
    assert token == store.room_screen_token(session.id, session.key)  # a restart gives the same address
    assert token == room_screen_token(session.key, session.id) and len(token) >= 20 and token.isalnum()
    other = store.create_session("Other", "seci")
    assert store.room_screen_token(other.id, other.key) != token
    assert room_screen_token(session.key, other.id) != token and room_screen_token(other.key, session.id) != token
    assert token not in session.key and session.key not in token
    assert store.session_for_room_screen(token) == session.id
    with pytest.raises(NotAllowed):
        store.room_screen_token(session.id, "not the key")
    with pytest.raises(NotAllowed):
        store.room_screen_token(session.id, other.key)
    for wrong in ("", token[:-1], token + "x", None, 42, "x" * 500):
        with pytest.raises(NotAllowed):
            store.session_for_room_screen(wrong)
    # Stored as its hash only.
    from sqlalchemy import text

    with store.engine.connect() as conn:
        stored = conn.execute(text("select token_hash from ws_room_screens")).scalars().all()
    assert token not in stored and len(stored) == 2 and all(len(h) == 64 for h in stored)


def test_the_token_moves_to_a_cookie_of_the_room_screen_only(server, store, session):
    client, token = _screen(server, store, session)
    cookie = next(c for c in client.request("GET", f"/room?screen={token}").set_cookies
                  if c.startswith(f"{SCREEN_COOKIE}="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/room" in cookie
    page = client.request("GET", "/room")
    assert page.status == 200 and b'role="timer"' in page.body and token.encode() not in page.body
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    for stranger in (server.client(), ):
        assert stranger.request("GET", "/room").status == 403
        assert stranger.request("GET", "/room?screen=guessed0000000000000000").status == 403
        assert stranger.request("GET", "/room/api/state").status == 403
        assert stranger.request("GET", "/room/qr.svg").status == 403
    # A participant's cookie or the join token opens no room screen.
    ana = server.client()
    assert ana.join("RUM42", "Ana").status == 201
    assert ana.request("GET", "/room/api/state").status == 403


def _write_requests(contribution_id: int, cluster_id: int) -> list[tuple[str, str, dict]]:
    """Every write the participant server has, each with a body that would work for a participant."""
    return [
        ("POST", "/api/workshop/join", {"code": "RUM42", "name": "Mallory"}),
        ("POST", "/api/workshop/leave", {}),
        ("POST", "/api/workshop/contributions", {"text": "from the projector", "idempotency_key": "p1"}),
        ("PUT", f"/api/workshop/contributions/{contribution_id}", {"text": "changed"}),
        ("DELETE", f"/api/workshop/contributions/{contribution_id}", {}),
        ("PUT", f"/api/workshop/votes/{cluster_id}", {"on": True}),
        ("POST", "/room", {}), ("PUT", "/room", {}), ("DELETE", "/room", {}),
        ("POST", "/room/api/state", {}), ("PUT", "/room/api/state", {}), ("DELETE", "/room/api/state", {}),
        ("POST", "/room/qr.svg", {}),
    ]


def test_every_write_with_the_room_screen_token_is_refused(server, store, session):
    store.open_phase(session.id, session.key, "C")
    ana = server.client()
    assert ana.join("RUM42", "Ana").status == 201
    mine = ana.send("Ana's note", "a1").json["sent"]
    cluster = store.create_cluster(session.id, session.key, "Pairs")
    store.assign(session.id, session.key, mine, cluster.id)  # an empty cluster takes no vote
    _screen_client, token = _screen(server, store, session)
    before = store.version(session.id)
    requests = _write_requests(mine, cluster.id)
    for method, path, body in requests:
        # The room screen's browser, its token in the cookie (sent here on purpose: the
        # browser sends it to /room only), with the participant's own cookies and XSRF too:
        # the token must take power away, never give it.
        thief = server.client()
        thief.cookies = {**ana.cookies, SCREEN_COOKIE: token}
        refused = thief.request(method, path, body)
        assert refused.status == 403, (method, path, refused.status, refused.body)
        assert "Traceback" not in refused.body.decode()
        # ... and with the token in the address (the participant's cookies, no token cookie).
        query = ("&" if "?" in path else "?") + f"screen={token}"
        thief.cookies = dict(ana.cookies)
        refused = thief.request(method, path + query, body)
        assert refused.status == 403, (method, path, "query", refused.status)
    assert store.version(session.id) == before  # nothing was written
    assert [p.display_name for p in store.participants(session.id)] == ["Ana"]
    # The same writes without the token go through (so the refusals above are the token's).
    assert ana.request("PUT", f"/api/workshop/votes/{cluster.id}", {"on": True}).status == 200
    assert ana.send("another", "a2").status == 201


def test_a_server_with_a_join_token_needs_no_join_token_for_the_room_screen(store, clock, session):
    running = SiteServer(ParticipantSite(store=store, hosts=HostAllowList(), clock=clock, room_token="k7m3qx9p2a"))
    try:
        client, _token = _screen(running, store, session)
        answer = _view(client)
        assert answer["join_url"] == f"http://127.0.0.1:{running.port}/?token=k7m3qx9p2a"
        assert answer["view"]["join_code"] == "RUM42" and answer["view"]["joining"] is True
        qr = client.request("GET", "/room/qr.svg")
        assert qr.status == 200 and qr.headers["Content-Type"] == "image/svg+xml" and b"<svg" in qr.body
    finally:
        running.stop()


# ------------------------------------------------------------------------------------ the view


def test_room_screen_follows_the_session_and_never_shows_what_was_hidden(server, store, session):
    client, _token = _screen(server, store, session)
    first = _view(client)
    assert first["join_url"] == "http://192.168.1.23:8866/?token=k7m3qx9p2a"
    assert first["view"]["board"] == [] and first["view"]["session"]["phase"] is None
    store.open_phase(session.id, session.key, "S", minutes=5)
    ana = store.join("RUM42", "Ana")
    shy = store.join("RUM42", None)
    kept = store.submit(ana.token, "We watched the night shift", "a1")
    rude = store.submit(shy.token, "Rude remark", "s1")
    gone = store.submit(shy.token, "Second thoughts", "s2")
    store.withdraw(shy.token, gone.id)
    answers = {}

    def poll():
        answers["woken"] = _view(client, first["view"]["version"])

    waiting = threading.Thread(target=poll)
    started = time.monotonic()
    waiting.start()
    waiting.join(10)
    woken = answers["woken"]["view"]
    assert time.monotonic() - started < 5
    assert [(i["text"], i["by"]) for i in woken["board"]] == [("Rude remark", "anonymous"),
                                                              ("We watched the night shift", "Ana")]
    assert woken["session"]["phase_label"] == "Socialization" and woken["session"]["deadline"]
    store.hide(session.id, session.key, rude.id)
    after = _view(client, woken["version"])["view"]
    assert [i["id"] for i in after["board"]] == [kept.id]
    body = json.dumps(after)
    for secret in (session.key, ana.token, shy.token, "Rude remark", "Second thoughts", "Anonymous 1"):
        assert secret not in body
    assert not any("participant_id" in item or isinstance(item.get("by"), int) for item in after["board"])


def test_clusters_and_votes_then_take_aways_and_lineage(store, session):
    store.open_phase(session.id, session.key, "E")
    ana, ben = store.join("RUM42", "Ana"), store.join("RUM42", "Ben")
    idea = store.submit(ana.token, "Pair new staff with a mentor", "a1")
    other = store.submit(ben.token, "Write the checklist down", "b1")
    hidden = store.submit(ben.token, "Hidden one", "b2")
    store.hide(session.id, session.key, hidden.id)
    store.open_phase(session.id, session.key, "C")
    pairs = store.create_cluster(session.id, session.key, "Pairs")
    store.create_cluster(session.id, session.key, "Empty")
    for item in (idea, hidden):
        store.assign(session.id, session.key, item.id, pairs.id) if item is idea else None
    store.vote(ana.token, pairs.id, True)
    store.vote(ben.token, pairs.id, True)
    view = room_view(store.snapshot(session.id), prompt="Group and vote")
    assert view["show_clusters"] and not view["show_end"]
    assert view["clusters"][0] == {"name": "Pairs", "votes": 2, "members": ["Pair new staff with a mentor"], "more": 0}
    assert view["board"] == []  # nothing sent in this phase yet
    store.open_phase(session.id, session.key, "I")
    store.submit(ana.token, "I will pair weekly", "a2", source_cluster_id=pairs.id)
    view = room_view(store.snapshot(session.id), prompt="Take away")
    assert view["show_end"] and not view["show_clusters"]
    assert [(t["text"], t["source_cluster"]) for t in view["takeaways"]] == [("I will pair weekly", "Pairs")]
    assert view["lineage"] == [{"cluster": "Pairs", "round": 1, "votes": 2,
                                "members": [{"text": "Pair new staff with a mentor", "by": "Ana", "builds_on": []}],
                                "takeaways": ["I will pair weekly"]}]
    assert "Hidden one" not in json.dumps(view) and "Write the checklist down" not in json.dumps(view["lineage"])
    rows = view["spiral"]["rows"]
    assert rows and {r["mode"] for r in rows} == {"S", "E", "C", "I"} and view["spiral"]["level"]
    assert len({(r["x"], r["y"]) for r in rows}) == len(rows)
    assert other.id not in [t.get("id") for t in view["takeaways"]]


def test_room_board_shows_the_newest_of_a_long_phase(store, session):
    store.open_phase(session.id, session.key, "S")
    ana = store.join("RUM42", "Ana")
    for i in range(ROOM_BOARD_MAX + 5):
        store.submit(ana.token, f"note {i}", f"k{i}")
    view = room_view(store.snapshot(session.id), prompt="")
    assert view["board_total"] == ROOM_BOARD_MAX + 5 and len(view["board"]) == ROOM_BOARD_MAX
    assert view["board"][0]["text"] == f"note {ROOM_BOARD_MAX + 4}"


def test_one_snapshot_feeds_the_participant_state_and_the_spiral(store, session):
    store.open_phase(session.id, session.key, "S")
    ana = store.join("RUM42", "Ana")
    kept = store.submit(ana.token, "kept", "a1")
    hidden = store.submit(ana.token, "hidden", "a2")
    store.hide(session.id, session.key, hidden.id)
    snapshot = store.snapshot(session.id)
    assert snapshot.version == store.version(session.id)
    assert {s.id for s in snapshot.submissions} == {kept.id, hidden.id}  # the read holds everything
    assert [item["id"] for item in board(snapshot)] == [kept.id]
    state = participant_state(snapshot, prompt="Share", text_max=1000)
    assert state["board"][0]["by"] == ana.id and state["session"]["prompt"] == "Share"
    assert state["version"] == snapshot.version and state["clusters"] == [] and state["arcs"] == []
    # The store's spiral is the snapshot's.
    assert store.spiral(session.id).equals(room_view.__globals__["session_spiral"](snapshot))


def test_participant_text_is_data_everywhere_on_the_room_screen(server, store, session):
    store.open_phase(session.id, session.key, "S")
    people = [store.join("RUM42", f"{payload[:20]} {i}") for i, payload in enumerate(XSS)]
    for person, payload in zip(people, XSS):
        store.submit(person.token, payload, f"x-{person.id}")
    store.open_phase(session.id, session.key, "C")
    store.create_cluster(session.id, session.key, XSS[0][:60])
    client, _token = _screen(server, store, session)
    answer = client.request("GET", "/room/api/state")
    assert answer.headers["Content-Type"].startswith("application/json")
    view = answer.json["view"]
    assert {c["name"] for c in view["clusters"]} == {XSS[0][:60]}
    # The page puts text in with textContent only: no way for any of it to become markup.
    script = (ROOM_PAGE_DIR / "room.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setAttribute(\"style\"", "href"):
        assert sink not in script, f"the room screen's script uses {sink}"
    page = (ROOM_PAGE_DIR / "index.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) and not re.search(r"\son[a-z]+=", page)
    # Nothing on the page to act with: no form, button, input or link.
    assert not re.search(r"<(form|button|input|select|textarea|a)\b", page)


def test_a_story_harvest_speaks_its_own_words_on_the_room_screen(store):
    session = store.create_session("Harvest", "csh", join_code="HRVST7")
    store.open_phase(session.id, session.key, "story")
    teller = store.join("HRVST7", "Teller")
    store.submit(teller.token, "The night the ward lost power", "t1")
    store.open_phase(session.id, session.key, "gifts")
    gift = store.submit(teller.token, "Your calm gave us permission", "t2")
    cluster = store.create_cluster(session.id, session.key, "Calm is contagious")
    store.assign(session.id, session.key, gift.id, cluster.id)
    view = room_view(store.snapshot(session.id), prompt="Give back")
    assert view["session"]["phase_label"] == "Gifts back" and view["show_clusters"]
    assert view["clusters"][0]["name"] == "Calm is contagious"
    phases = {row["phase"] for row in view["spiral"]["rows"]}
    assert phases == {"Story", "Harvest", "Gifts back", "Take-aways"}
    assert "Socialization" not in json.dumps(view)


def test_the_pages_files_ship_with_the_package():
    # An installed seci-lab (a wheel, not this checkout) must carry the page, its script and style.
    import tomllib
    from pathlib import Path

    import seci_lab
    from seci_lab.server.participant_api import PAGE_DIR

    root = Path(seci_lab.__file__).parent
    shipped = tomllib.loads((root.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["seci_lab"]
    for folder in (PAGE_DIR, ROOM_PAGE_DIR):
        assert f"{folder.relative_to(root).as_posix()}/*" in shipped
        assert {"index.html"} <= {p.name for p in folder.iterdir()}
