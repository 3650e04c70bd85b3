"""The workshop store: rules, idempotency, concurrency, crash safety, on SQLite and PostgreSQL.

The behaviour tests run against SQLite (a temp file) and against a real PostgreSQL server that
the ``pg_url`` fixture starts (initdb + pg_ctl in a temp dir, as the ``postgres`` user when run
as root) and removes at the end. Without PostgreSQL binaries those runs are skipped, unless
``CI=true``, where they fail. ``scripts/ensure-postgres.sh`` (called by ``make test``) installs
Debian's postgresql when root.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from seci_lab.model import TEXT_MAX_CHARS, Mode, simulate_spiral
from seci_lab.model.workshop import JOIN_CODE_ALPHABET
from seci_lab.store.workshop import (
    NotAllowed,
    PhaseClosed,
    RateLimited,
    WorkshopError,
    WorkshopStore,
    metadata,
)

IN_CI = os.environ.get("CI", "").lower() == "true"
WRITER = Path(__file__).with_name("workshop_writer.py")
ROOT = Path(__file__).resolve().parents[1]


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# ------------------------------------------------------------------------- PostgreSQL server
# ``pg_url`` (conftest.py) starts one throwaway server for the whole test session.


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty workshop database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workshop.sqlite'}"
        return
    url = request.getfixturevalue("pg_url")
    yield url
    store = WorkshopStore.open(url)
    metadata.drop_all(store.engine)
    store.close()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def store(db_url, clock):
    opened = WorkshopStore.open(db_url, max_per_minute=5, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def seci(store):
    """A SECI session with two participants, Socialization open for 10 minutes."""
    session = store.create_session("Onboarding in our team", "seci")
    ana = store.join(session.join_code, "Ana")
    ben = store.join(session.join_code, "Ben")
    store.open_phase(session.id, session.key, "S", minutes=10)
    return session, ana, ben


def test_a_hidden_or_withdrawn_contribution_cannot_go_in_a_cluster(store, seci):
    session, ana, ben = seci
    kept, gone, hidden = (store.submit(ana.token, text, f"k-{text}") for text in ("kept", "gone", "hidden"))
    cluster = store.create_cluster(session.id, session.key, "Patterns")
    store.assign(session.id, session.key, gone.id, cluster.id)
    store.withdraw(ana.token, gone.id)
    store.hide(session.id, session.key, hidden.id)
    for item, why in ((gone, "withdrawn"), (hidden, "hidden")):
        with pytest.raises(WorkshopError, match=why):
            store.assign(session.id, session.key, item.id, cluster.id)
    store.assign(session.id, session.key, gone.id, None)  # taking one out is fine
    store.assign(session.id, session.key, kept.id, cluster.id)
    assert {s.id: s.cluster_id for s in store.submissions(session.id, include_hidden=True)} == {
        kept.id: cluster.id, gone.id: None, hidden.id: None}


def test_the_threads_of_a_process_take_turns_per_database_file(tmp_path):
    # Writers of one process queue on a lock per file (SQLite's busy handler would make them
    # sleep and lose to each other); two spellings of a file are one file, other files and
    # in-memory databases have their own, PostgreSQL needs none.
    from seci_lab.store.engine import make_engine, writer_turn

    (tmp_path / "a").mkdir()
    one = make_engine(f"sqlite:///{tmp_path / 'a' / 'ws.sqlite'}")
    same = make_engine(f"sqlite:///{tmp_path / 'a' / '..' / 'a' / 'ws.sqlite'}")
    other = make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")
    memory, memory2 = make_engine("sqlite://"), make_engine("sqlite:///:memory:")
    assert writer_turn(one) is writer_turn(same)
    assert len({id(writer_turn(e)) for e in (one, other, memory, memory2)}) == 4
    assert not hasattr(writer_turn(make_engine("postgresql+psycopg://nobody@localhost/none")), "acquire")
    # a write inside a write on the same thread does not wait on itself
    with writer_turn(one):
        assert writer_turn(one).acquire(timeout=1)
        writer_turn(one).release()


# ------------------------------------------------------------------------------ sessions


def test_create_session_gives_a_key_and_an_unambiguous_unique_code(store):
    codes = set()
    for i in range(20):
        session = store.create_session(f"Workshop {i}")
        assert session.key and len(session.key) >= 24
        assert len(session.join_code) == 6 and set(session.join_code) <= set(JOIN_CODE_ALPHABET)
        assert not set(session.join_code) & set("0O1IL")
        codes.add(session.join_code)
        assert store.check_key(session.id, session.key)
        assert not store.check_key(session.id, session.key + "x")
    assert len(codes) == 20
    # The key itself is never stored, only its hash.
    with store.engine.connect() as conn:
        stored = conn.execute(text("select key_hash from ws_sessions")).scalars().all()
    assert session.key not in stored and all(len(h) == 64 for h in stored)
    assert store.session(session.id).key is None


def test_custom_join_codes_are_checked(store):
    session = store.create_session("Retro", join_code="team-42")
    assert session.join_code == "TEAM42"
    assert store.session_by_code(" team 42 ").id == session.id
    with pytest.raises(WorkshopError, match="already used"):
        store.create_session("Other", join_code="TEAM42")
    with pytest.raises(WorkshopError, match="without 0, O, 1, I and L"):
        store.create_session("Other", join_code="HOLA10")
    with pytest.raises(WorkshopError, match="check it with the facilitator"):
        store.session_by_code("ZZZZZZ")
    with pytest.raises(WorkshopError, match="Unknown workshop format"):
        store.create_session("Other", format="world-cafe")
    with pytest.raises(WorkshopError, match="title is empty"):
        store.create_session("   ")


# --------------------------------------------------------------------------- participants


def test_rejoin_keeps_identity_and_anonymous_join_works(store):
    session = store.create_session("Demo")
    ana = store.join(session.join_code, "Ana")
    anon = store.join(session.join_code)
    anon2 = store.join(session.join_code, "   ")
    assert anon.anonymous and anon.display_name == "Anonymous 1"
    assert anon2.display_name == "Anonymous 2"
    again = store.rejoin(ana.token)
    assert (again.id, again.display_name, again.session_id) == (ana.id, "Ana", session.id)
    with pytest.raises(NotAllowed):
        store.rejoin("not-a-token")
    with pytest.raises(WorkshopError, match="limit is 60"):
        store.join(session.join_code, "x" * 61)
    # Tokens are stored hashed only.
    with store.engine.connect() as conn:
        hashes = conn.execute(text("select token_hash from ws_participants")).scalars().all()
    assert ana.token not in hashes


def test_active_participants_follow_last_seen(store, clock):
    session = store.create_session("Demo")
    ana = store.join(session.join_code, "Ana")
    clock.advance(300)
    ben = store.join(session.join_code, "Ben")
    assert [p.id for p in store.active_participants(session.id, within_s=120)] == [ben.id]
    store.touch(ana.token)
    assert {p.id for p in store.active_participants(session.id)} == {ana.id, ben.id}
    assert len(store.participants(session.id)) == 2


# ---------------------------------------------------------------------------- submissions


def test_submit_is_stored_once_per_idempotency_key(store, seci):
    session, ana, ben = seci
    first = store.submit(ana.token, "I learned the recipe by watching", "click-1")
    again = store.submit(ana.token, "I learned the recipe by watching", "click-1")
    assert first.created and not again.created and again.id == first.id
    # The same key from another participant is another submission.
    other = store.submit(ben.token, "Same words, other person", "click-1")
    assert other.id != first.id
    frame = store.contributions_frame(session.id)
    assert len(frame) == 2 and frame["text"].tolist()[0] == "I learned the recipe by watching"
    assert frame["participant"].tolist() == ["Ana", "Ben"]


def test_text_follows_contribution_rules_and_is_stored_raw(store, seci):
    session, ana, _ = seci
    with pytest.raises(WorkshopError, match="empty"):
        store.submit(ana.token, "  \n ", "k1")
    with pytest.raises(WorkshopError, match=f"limit is {TEXT_MAX_CHARS}"):
        store.submit(ana.token, "a" * (TEXT_MAX_CHARS + 1), "k2")
    payload = '<img src=x onerror="alert(1)"> $x$ =cmd()'
    stored = store.submit(ana.token, payload, "k3")
    assert stored.text == payload
    assert store.contributions_frame(session.id)["text"].tolist() == [payload]
    with pytest.raises(WorkshopError, match="idempotency key"):
        store.submit(ana.token, "text", "")


def test_closed_phase_stale_phase_and_timer_refuse_submissions(store, seci, clock):
    session, ana, _ = seci
    store.submit(ana.token, "a story", "k1", phase="S")
    with pytest.raises(PhaseClosed, match="open phase is now Socialization"):
        store.submit(ana.token, "from a stale page", "k2", phase="E")
    clock.advance(10 * 60 + 6)  # past the deadline and its grace
    assert not store.session(session.id).accepting
    with pytest.raises(PhaseClosed, match="Time is up"):
        store.submit(ana.token, "too late", "k3")
    store.open_phase(session.id, session.key, "E")
    store.close_phase(session.id, session.key)
    with pytest.raises(PhaseClosed, match="No phase is open"):
        store.submit(ana.token, "closed", "k4")
    store.next_round(session.id, session.key)
    with pytest.raises(PhaseClosed):
        store.submit(ana.token, "no phase yet", "k5")
    # A double click that arrives after the close still returns the stored contribution.
    assert not store.submit(ana.token, "a story", "k1").created
    assert len(store.contributions_frame(session.id)) == 1


def test_rate_cap_is_per_participant_per_minute(store, seci, clock):
    session, ana, ben = seci
    for i in range(5):
        store.submit(ana.token, f"idea {i}", f"k{i}")
        clock.advance(1)
    with pytest.raises(RateLimited) as refused:
        store.submit(ana.token, "one too many", "k5")
    assert 50 <= refused.value.retry_after <= 60
    store.submit(ben.token, "Ben is not capped by Ana", "b1")
    assert not store.submit(ana.token, "idea 0", "k0").created  # a retry is not a new submission
    clock.advance(56)  # the first submission leaves the 60 s window
    store.submit(ana.token, "one more after a minute", "k5")
    assert (store.contributions_frame(session.id)["participant"] == "Ana").sum() == 6


def test_rate_cap_holds_across_store_objects(db_url, clock):
    """Each kernel has its own store object: the cap is counted in the database."""
    stores = [WorkshopStore.open(db_url, max_per_minute=3, clock=clock) for _ in range(3)]
    session = stores[0].create_session("Cap")
    ana = stores[0].join(session.join_code, "Ana")
    stores[0].open_phase(session.id, session.key, "S")
    for i, store in enumerate(stores):
        store.submit(ana.token, f"idea {i}", f"k{i}")
    with pytest.raises(RateLimited):
        stores[1].submit(ana.token, "fourth", "k3")
    for store in stores:
        store.close()


# ------------------------------------------------------------------------ forged actions


def test_participants_cannot_act_as_facilitator(store, seci):
    session, ana, ben = seci
    mine = store.submit(ana.token, "mine", "k1")
    cluster = store.create_cluster(session.id, session.key, "Patterns")
    before = store.version(session.id)
    forged = [
        lambda: store.open_phase(session.id, ana.token, "E"),
        lambda: store.close_phase(session.id, ana.token),
        lambda: store.next_round(session.id, ana.token),
        lambda: store.declare_level_up(session.id, ana.token),
        lambda: store.hide(session.id, ben.token, mine.id),
        lambda: store.restore(session.id, ben.token, mine.id),
        lambda: store.create_cluster(session.id, ana.token, "Mine"),
        lambda: store.assign(session.id, ben.token, mine.id, cluster.id),
        lambda: store.open_phase(session.id, None, "E"),
        lambda: store.open_phase(session.id, "", "E"),
        lambda: store.edit(ben.token, mine.id, "Ben rewrites Ana"),
        lambda: store.withdraw(ben.token, mine.id),
    ]
    for action in forged:
        with pytest.raises(NotAllowed):
            action()
    assert store.version(session.id) == before  # refused actions change nothing
    assert store.session(session.id).phase == "S"
    frame = store.contributions_frame(session.id)
    assert frame["text"].tolist() == ["mine"] and frame["cluster_id"].isna().all()


def test_a_key_only_opens_its_own_session(store):
    first = store.create_session("One")
    second = store.create_session("Two")
    with pytest.raises(NotAllowed):
        store.open_phase(second.id, first.key, "S")
    other_session_person = store.join(second.join_code, "Cy")
    store.open_phase(second.id, second.key, "S")
    theirs = store.submit(other_session_person.token, "in session two", "k")
    with pytest.raises(WorkshopError, match="not part of this session"):
        store.hide(first.id, first.key, theirs.id)


def test_ids_read_from_a_dataframe_are_accepted(store, seci):
    """Dashboards pick ids out of contributions_frame: numpy integers must work like ints."""
    session, ana, _ = seci
    story = store.submit(ana.token, "a story", "k1")
    frame = store.contributions_frame(session.id)
    numpy_id = frame["id"].iloc[0]
    assert type(numpy_id) is not int
    cluster = store.create_cluster(session.id, session.key, "Group")
    store.assign(session.id, session.key, numpy_id, store.clusters(frame["session_id"].iloc[0])[0].id)
    store.hide(frame["session_id"].iloc[0], session.key, numpy_id)
    child = store.submit(ana.token, "builds on it", "k2", source_cluster_id=cluster.id)
    assert child.source_cluster_id == cluster.id
    assert store.contributions_frame(session.id, include_hidden=True).set_index("id").loc[story.id, "cluster_id"] == cluster.id
    with pytest.raises(WorkshopError, match="whole number"):
        store.hide(session.id, session.key, "1")
    with pytest.raises(WorkshopError, match="whole number"):
        store.hide(session.id, session.key, True)


def test_participants_edit_and_withdraw_only_their_own(store, seci):
    session, ana, _ = seci
    mine = store.submit(ana.token, "first draft", "k1")
    assert store.edit(ana.token, mine.id, "second draft").text == "second draft"
    store.withdraw(ana.token, mine.id)
    assert store.contributions_frame(session.id).empty
    assert store.contributions_frame(session.id, include_hidden=True)["withdrawn"].tolist() == [True]


# ----------------------------------------------------------------------- facilitator flow


def test_hide_and_restore(store, seci):
    session, ana, ben = seci
    kept = store.submit(ana.token, "kept", "k1")
    rude = store.submit(ben.token, "off topic", "k2")
    store.hide(session.id, session.key, rude.id)
    assert store.contributions_frame(session.id)["id"].tolist() == [kept.id]
    everything = store.contributions_frame(session.id, include_hidden=True)
    assert everything.set_index("id").loc[rude.id, "hidden"]
    assert [c.text for c in store.spiral_contributions(session.id)] == ["kept"]
    assert store.phase_counts(session.id)["S"] == 1
    store.restore(session.id, session.key, rude.id)
    assert store.contributions_frame(session.id)["id"].tolist() == [kept.id, rude.id]


def test_clusters_votes_and_lineage_in_a_seci_round(store, seci):
    session, ana, ben = seci
    story = store.submit(ana.token, "The night shift taught me to listen to the machine", "s1")
    store.open_phase(session.id, session.key, "E")
    concept = store.submit(ben.token, "Machines talk through sound", "e1", parent_id=story.id)
    cluster = store.create_cluster(session.id, session.key, "Listening")
    with pytest.raises(WorkshopError, match="already a cluster"):
        store.create_cluster(session.id, session.key, "Listening")
    store.assign(session.id, session.key, concept.id, cluster.id)
    with pytest.raises(PhaseClosed, match="Combination"):
        store.vote(ana.token, cluster.id)
    store.open_phase(session.id, session.key, "Combination")
    assert store.vote(ana.token, cluster.id) is True
    assert store.vote(ana.token, cluster.id, on=True) is True  # a double click stays one vote
    assert store.vote(ben.token, cluster.id) is True
    assert store.clusters(session.id)[0].votes == 2
    assert store.vote(ben.token, cluster.id) is False  # toggled off
    assert store.clusters(session.id)[0].votes == 1 and store.clusters(session.id)[0].members == 1
    assert store.my_votes(ana.token) == {cluster.id}
    store.open_phase(session.id, session.key, "I")
    takeaway = store.submit(ana.token, "I will record machine sounds", "i1", source_cluster_id=cluster.id)
    edges = set(map(tuple, store.lineage_frame(session.id).itertuples(index=False)))
    assert edges == {
        (f"contribution:{concept.id}", f"contribution:{story.id}", "builds on"),
        (f"contribution:{concept.id}", f"cluster:{cluster.id}", "grouped in"),
        (f"contribution:{takeaway.id}", f"cluster:{cluster.id}", "draws on"),
    }
    frame = store.contributions_frame(session.id)
    assert frame["mode"].tolist() == ["S", "E", "I"]
    assert frame.set_index("id").loc[concept.id, "cluster"] == "Listening"
    assert store.phase_counts(session.id) == {"S": 1, "E": 1, "C": 0, "I": 1}


def test_rounds_level_ups_and_the_spiral(store, seci, clock):
    session, ana, ben = seci
    for round_ in (1, 2):
        for phase in "SECI":
            clock.advance(61)  # stay under the rate cap of 5 a minute
            store.open_phase(session.id, session.key, phase)
            for person in (ana, ben):
                store.submit(person.token, f"{phase} idea in round {round_}", f"{phase}{round_}")
        if round_ == 1:
            assert store.declare_level_up(session.id, session.key).scale_label == "plenary"
            store.next_round(session.id, session.key)
    assert store.session(session.id).round == 2
    assert store.declare_level_up(session.id, session.key).scale_label == "organization"
    with pytest.raises(WorkshopError, match="already at the organization level"):
        store.declare_level_up(session.id, session.key)
    contributions, participants, cross = store.spiral_inputs(session.id)
    assert participants == 2 and cross == [1, 2]
    assert [(c.round, c.mode) for c in contributions[:4]] == [(1, Mode("S"))] * 2 + [(1, Mode("E"))] * 2
    trajectory = simulate_spiral(contributions, participants, cross_level_rounds=cross)
    assert len(trajectory) == 8
    assert store.phase_counts(session.id, round=1) == {"S": 2, "E": 2, "C": 2, "I": 2}


def _full_round(store, session, people, clock, round_, cluster_name, phases="SECI"):
    """Everyone contributes in every phase; a cluster of the round's concepts in Combination."""
    cluster = None
    for phase in phases:
        clock.advance(61)  # stay under the rate cap of 5 a minute
        store.open_phase(session.id, session.key, phase)
        for person in people:
            item = store.submit(person.token, f"{phase} idea of {person.display_name} in round {round_}",
                                f"{phase}{round_}")
            if phase == "E":
                concept = item
        if phase == "C":
            cluster = store.create_cluster(session.id, session.key, cluster_name)
            store.assign(session.id, session.key, concept.id, cluster.id)
    return cluster


def test_a_new_spiral_starts_from_a_cluster_at_the_group_level(store, seci, clock):
    from seci_lab.exports.workshop import session_family

    session, ana, ben = seci
    # A round of two people without Internalization: the spiral stays at the individual level.
    first = _full_round(store, session, (ana, ben), clock, 1, "Listening", phases="SEC")
    # The facilitator declares a level-up: the spiral refuses it (almost nothing written down
    # yet), and no new spiral can start from knowledge that stayed with individuals; the
    # refusal says why.
    store.declare_level_up(session.id, session.key)
    note = store.spiral(session.id).iloc[-1]["note"]
    assert note.startswith("Declared level-up refused") and "explicit" in note
    with pytest.raises(WorkshopError, match="Group level or above"):
        store.start_spiral(session.id, session.key, first.id)
    store.next_round(session.id, session.key)
    second = _full_round(store, session, (ana, ben), clock, 2, "Listening again")
    store.declare_level_up(session.id, session.key)  # accepted now, with a warning
    spiral = store.spiral(session.id)
    assert spiral.iloc[-1]["level"] == 1 and spiral.iloc[-1]["note"].startswith("Declared level-up accepted")
    with pytest.raises(NotAllowed):
        store.start_spiral(session.id, ana.token, second.id)
    with pytest.raises(WorkshopError, match="Group level or above"):
        store.start_spiral(session.id, session.key, first.id)  # round 1 ended at the individual level

    new = store.start_spiral(session.id, session.key, second.id, "Night shift team")
    assert new.key and new.join_code != session.join_code and new.title == "Night shift team"
    assert store.check_key(new.id, new.key) and not store.check_key(new.id, session.key)
    start = store.spiral_start(new.id)
    assert (start.parent_session_id, start.cluster_id, start.cluster_name) == (session.id, second.id, "Listening again")
    end_of_round_2 = spiral[(spiral["round"] == 2) & (spiral["mode"] == "I")].iloc[0]
    assert (start.seed.parent, start.seed.step, start.seed.level) == (str(session.id), int(end_of_round_2["step"]), 1)
    assert start.seed.explicit == pytest.approx(0.5 * end_of_round_2["X"] / 2)
    assert store.spiral_starts(session.id) == [start] and store.spiral_start(session.id) is None
    assert store.events_frame(session.id)["kind"].tolist()[-1] == "new_spiral"
    # The new session's spiral starts from that explicit knowledge, with its lineage ...
    carol = store.join(new.join_code, "Carol")
    store.join(new.join_code, "Dev")
    store.open_phase(new.id, new.key, "S")
    store.submit(carol.token, "I watched how the last team handed over", "s1")
    child = store.spiral(new.id)
    assert child["X"].iloc[0] == pytest.approx(2 * start.seed.explicit)
    assert set(child["spiral"]) == {str(new.id)} and set(child["parent"]) == {str(session.id)}
    # ... and is drawn with its parent.
    family = session_family(store, session.id)
    assert list(dict.fromkeys(family["spiral"])) == [str(session.id), str(new.id)]
    assert list(dict.fromkeys(session_family(store, new.id)["spiral"])) == [str(new.id)]
    # A title is checked, and a cluster of another session is refused.
    with pytest.raises(WorkshopError, match="title"):
        store.start_spiral(session.id, session.key, second.id, "x" * 500)
    other = store.create_session("Other team")
    with pytest.raises(WorkshopError, match="not part of this session"):
        store.start_spiral(other.id, other.key, second.id)


def test_collective_story_harvest_flow(store, clock):
    session = store.create_session("Stories of courage", format="csh")
    assert session.phases == ("story", "harvest", "gifts", "takeaways")
    teller = store.join(session.join_code, "Storyteller")
    harvester = store.join(session.join_code, "Harvester")
    witness = store.join(session.join_code)
    arc = store.create_arc(session.id, session.key, "What we learn about courage")
    store.assign_arc(session.id, session.key, harvester.id, arc.id)
    assert store.arcs(session.id)[0].harvesters == (harvester.id,)
    with pytest.raises(WorkshopError, match="Unknown phase"):
        store.open_phase(session.id, session.key, "S")
    store.open_phase(session.id, session.key, "story", minutes=20)
    story = store.submit(teller.token, "The day I stopped the line", "t1")
    store.open_phase(session.id, session.key, "harvest")
    note = store.submit(harvester.token, "Courage as stepping in before being sure", "h1", parent_id=story.id)
    plain = store.submit(witness.token, "The room went quiet", "w1", parent_id=story.id)
    assert note.arc_id == arc.id and plain.arc_id is None
    store.open_phase(session.id, session.key, "gifts back")
    gift = store.submit(harvester.token, "Your pause was the courage", "g1", parent_id=note.id)
    cluster = store.create_cluster(session.id, session.key, "Stepping in")
    store.assign(session.id, session.key, gift.id, cluster.id)
    assert store.vote(witness.token, cluster.id)
    store.open_phase(session.id, session.key, "take-aways")
    store.submit(teller.token, "I will ask for a pause earlier", "t2", source_cluster_id=cluster.id)
    frame = store.contributions_frame(session.id)
    assert frame["phase"].tolist() == ["story", "harvest", "harvest", "gifts", "takeaways"]
    assert frame["mode"].tolist() == ["S", "E", "E", "C", "I"]  # the documented CSH -> SECI mapping
    assert frame.set_index("id").loc[note.id, "arc"] == "What we learn about courage"
    assert [c.mode.value for c in store.spiral_contributions(session.id)] == ["S", "E", "E", "C", "I"]
    assert len(store.lineage_frame(session.id)) == 5
    seci_session = store.create_session("Plain")
    with pytest.raises(WorkshopError, match="Collective Story Harvest"):
        store.create_arc(seci_session.id, seci_session.key, "an arc")


def test_version_grows_with_every_write_and_only_then(store, clock):
    session = store.create_session("Demo")
    seen = [store.version(session.id)]

    def bumped() -> bool:
        seen.append(store.version(session.id))
        return seen[-1] > seen[-2]

    ana = store.join(session.join_code, "Ana")
    assert bumped()
    store.open_phase(session.id, session.key, "C")
    assert bumped()
    mine = store.submit(ana.token, "idea", "k1")
    assert bumped()
    store.submit(ana.token, "idea", "k1")  # a duplicate click
    assert bumped()
    cluster = store.create_cluster(session.id, session.key, "Group")
    assert bumped()
    store.assign(session.id, session.key, mine.id, cluster.id)
    assert bumped()
    store.vote(ana.token, cluster.id)
    assert bumped()
    store.hide(session.id, session.key, mine.id)
    assert bumped()
    clock.advance(30)
    store.touch(ana.token)  # heartbeats do not make every dashboard redraw
    assert not bumped()
    assert store.participants(session.id)[0].last_seen == clock.now
    with pytest.raises(PhaseClosed):
        store.close_phase(session.id, session.key)
        store.submit(ana.token, "closed", "k2")
    seen.append(store.version(session.id))
    assert not bumped()  # the refused submission rolled back


def test_concurrent_stores_keep_versions_monotonic(db_url):
    first, second = WorkshopStore.open(db_url), WorkshopStore.open(db_url)
    session = first.create_session("Demo")
    versions = []
    for i in range(6):
        (first if i % 2 else second).join(session.join_code, f"P{i}")
        versions.append(first.version(session.id))
    assert versions == sorted(set(versions))
    first.close()
    second.close()


# ------------------------------------------------------------------- many processes (SQLite)


def _start_writers(url: str, code: str, names: list[str], count: int, ack_dir: Path, start_file: Path | None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return {
        name: subprocess.Popen(
            [sys.executable, str(WRITER), url, code, name, str(count), str(ack_dir / f"{name}.ack"),
             *([str(start_file)] if start_file else [])],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        for name in names
    }


def _run_writers(store, session, url: str, names: list[str], count: int, tmp_path: Path) -> None:
    """Start a writer process per name, let them all join, then release them at once; each must
    submit ``count`` contributions and exit 0."""
    start = tmp_path / "go"
    writers = _start_writers(url, session.join_code, names, count, tmp_path, start)
    deadline = time.monotonic() + 120
    while len(store.participants(session.id)) < len(names) and time.monotonic() < deadline:
        if any(p.poll() not in (None, 0) for p in writers.values()):
            break
        time.sleep(0.1)
    start.touch()
    for name, process in writers.items():
        _, err = process.communicate(timeout=180)
        assert process.returncode == 0, f"writer {name} failed: {err.decode(errors='replace')[-2000:]}"


def test_32_processes_x_50_submissions_are_stored_exactly_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    store = WorkshopStore.open(url, max_per_minute=None)
    session = store.create_session("Big room")
    store.open_phase(session.id, session.key, "E")
    names = [f"w{i:02d}" for i in range(32)]
    _run_writers(store, session, url, names, 50, tmp_path)
    frame = store.contributions_frame(session.id)
    assert len(frame) == 32 * 50
    expected = {f"contribution {i} from {name}" for name in names for i in range(50)}
    assert set(frame["text"]) == expected and frame["text"].is_unique
    with store.engine.connect() as conn:
        keys = conn.execute(text("select idempotency_key from ws_contributions")).scalars().all()
    assert sorted(keys) == sorted(f"{name}-{i}" for name in names for i in range(50))
    store.close()


def test_kill_9_mid_write_loses_no_acknowledged_submission(tmp_path):
    path = tmp_path / "workshop.sqlite"
    url = f"sqlite:///{path}"
    store = WorkshopStore.open(url, max_per_minute=None)
    session = store.create_session("Crashy room")
    store.open_phase(session.id, session.key, "S")
    rng = random.Random(4)
    acknowledged: set[str] = set()
    killed_mid_submit = 0
    for round_ in range(5):
        names = [f"r{round_}w{i}" for i in range(4)]
        writers = _start_writers(url, session.join_code, names, 0, tmp_path, None)
        # Let every writer get well into its loop, then kill all at a random moment.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            acks = [tmp_path / f"{n}.ack" for n in names]
            if all(a.exists() and a.stat().st_size > 400 for a in acks):
                break
            if any(p.poll() is not None for p in writers.values()):
                break
            time.sleep(0.05)
        time.sleep(rng.uniform(0.05, 0.4))
        for process in writers.values():
            assert process.poll() is None, f"a writer stopped by itself: {process.stderr.read().decode()[-2000:]}"
            os.kill(process.pid, signal.SIGKILL)
        for process in writers.values():
            process.wait(timeout=30)
            process.stderr.close()
            assert process.returncode == -signal.SIGKILL
        for name in names:
            lines = [line for line in (tmp_path / f"{name}.ack").read_text().splitlines() if line.strip()]
            acknowledged.update(line.split()[0] for line in lines if not line.startswith("?"))
            killed_mid_submit += lines[-1].startswith("?")
    assert len(acknowledged) > 5 * 4 * 5
    assert killed_mid_submit >= 3, "too few kills landed inside a submission to test anything"
    with store.engine.connect() as conn:
        stored = conn.execute(text("select idempotency_key from ws_contributions")).scalars().all()
    assert len(stored) == len(set(stored))
    missing = acknowledged - set(stored)
    assert not missing, f"{len(missing)} acknowledged submissions lost, e.g. {sorted(missing)[:5]}"
    store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The store still works after the crashes.
    reopened = WorkshopStore.open(url)
    person = reopened.join(session.join_code, "After")
    assert reopened.submit(person.token, "still works", "after-1").created
    reopened.close()


def test_concurrent_writers_on_postgresql_store_each_submission_once(pg_url, tmp_path):
    """8 processes x 25 submissions (every fifth sent twice) into one PostgreSQL session."""
    import psycopg

    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS ws_concurrency")
        conn.execute("CREATE DATABASE ws_concurrency")
    url = pg_url.rsplit("/", 1)[0] + "/ws_concurrency"
    store = WorkshopStore.open(url, max_per_minute=None)
    session = store.create_session("Hub room")
    store.open_phase(session.id, session.key, "C")
    _run_writers(store, session, url, [f"pg{i}" for i in range(8)], 25, tmp_path)
    frame = store.contributions_frame(session.id)
    assert len(frame) == 8 * 25 and frame["text"].is_unique
    assert store.version(session.id) > 8 * 25 * 1.2  # every submit, duplicates included, bumped it
    store.close()


# ------------------------------------------------------- the rules' gaps (issue 21, item 8)


def test_votes_go_only_to_the_current_rounds_clusters(store, seci):
    # A vote in round 2 for a round-1 cluster counted and raised its members' quality in the
    # spiral; taking an old vote back lowered it. Both are refused, and the spiral is unchanged.
    session, ana, ben = seci
    idea = store.submit(ana.token, "Pair on the first week", "s1")
    old = store.create_cluster(session.id, session.key, "Pairing")
    store.assign(session.id, session.key, idea.id, old.id)
    store.open_phase(session.id, session.key, "C")
    assert store.vote(ana.token, old.id) is True
    store.next_round(session.id, session.key)
    store.open_phase(session.id, session.key, "C")
    before = store.spiral(session.id)
    for token, on in ((ben.token, True), (ana.token, False), (ana.token, None)):
        with pytest.raises(PhaseClosed, match="belongs to round 1; its voting is closed"):
            store.vote(token, old.id, on=on)
    assert store.clusters(session.id, round=1)[0].votes == 1 and store.my_votes(ben.token) == set()
    assert store.spiral(session.id).equals(before)
    new = store.create_cluster(session.id, session.key, "Pairing, again")
    store.assign(session.id, session.key, store.submit(ben.token, "Pair again", "c1").id, new.id)
    assert store.vote(ben.token, new.id) is True


def test_several_contributions_move_together_or_not_at_all(store, seci):
    session, ana, ben = seci
    items = [store.submit(ana.token, f"idea {i}", f"k{i}").id for i in range(3)]
    cluster = store.create_cluster(session.id, session.key, "Ideas", members=items[:1])
    assert store.clusters(session.id)[0].members == 1
    store.hide(session.id, session.key, items[2])
    with pytest.raises(WorkshopError, match="hidden"):
        store.assign(session.id, session.key, items[1:], cluster.id)
    assert store.clusters(session.id)[0].members == 1  # the one that could move did not
    store.assign(session.id, session.key, items[:2], cluster.id)
    assert store.clusters(session.id)[0].members == 2


def test_an_empty_cluster_takes_no_vote(store, seci):
    # A participant could vote for a cluster with nothing in it (a fresh one, or one whose only
    # contribution was hidden): its vote counted for nothing the room could see.
    session, ana, ben = seci
    idea = store.submit(ana.token, "Pair on the first week", "s1")
    empty = store.create_cluster(session.id, session.key, "Nothing yet")
    held = store.create_cluster(session.id, session.key, "Pairing")
    store.assign(session.id, session.key, idea.id, held.id)
    store.open_phase(session.id, session.key, "C")
    with pytest.raises(WorkshopError, match="“Nothing yet” has no contributions yet"):
        store.vote(ana.token, empty.id)
    assert store.vote(ana.token, held.id) is True
    store.hide(session.id, session.key, idea.id)
    with pytest.raises(WorkshopError, match="no contributions yet"):
        store.vote(ben.token, held.id, on=True)
    assert store.vote(ana.token, held.id, on=False) is False  # a vote given before is taken back
    assert [c.votes for c in store.clusters(session.id)] == [0, 0]


def test_a_session_that_follows_another_is_offered_to_its_phones(store, seci):
    session, ana, _ = seci
    with pytest.raises(NotAllowed):
        store.follow_session(session.id, "wrong", "Next")
    assert store.snapshot(session.id).successor is None
    nxt = store.follow_session(session.id, session.key, "Afternoon", "csh")
    assert store.snapshot(session.id).successor.join_code == nxt.join_code
    assert store.latest_session(session.id, session.key).key == nxt.key and store.check_key(nxt.id, nxt.key)
    with pytest.raises(WorkshopError, match="already follows"):
        store.follow_session(session.id, session.key, "Again")
    assert store.latest_session(nxt.id, nxt.key).id == nxt.id


def test_withdrawing_needs_the_phase_open_as_editing_does(store, seci, clock):
    # The README says participants withdraw "while their phase is open"; after the phase closed,
    # or in a later round, a withdrawal went through all the same.
    session, ana, _ = seci
    first, second = store.submit(ana.token, "first", "k1"), store.submit(ana.token, "second", "k2")
    store.close_phase(session.id, session.key)
    with pytest.raises(PhaseClosed, match="Socialization phase is closed: that contribution can no longer be withdrawn"):
        store.withdraw(ana.token, first.id)
    store.open_phase(session.id, session.key, "E")
    with pytest.raises(PhaseClosed, match="can no longer be withdrawn"):
        store.withdraw(ana.token, first.id)
    store.next_round(session.id, session.key)
    store.open_phase(session.id, session.key, "S")
    with pytest.raises(PhaseClosed, match="earlier round; it can no longer be withdrawn"):
        store.withdraw(ana.token, second.id)
    assert not store.contributions_frame(session.id, include_hidden=True)["withdrawn"].any()
    third = store.submit(ana.token, "third", "k3")
    store.withdraw(ana.token, third.id)
    store.withdraw(ana.token, third.id)  # a retried request changes nothing
    assert store.contributions_frame(session.id)["text"].tolist() == ["first", "second"]


def test_a_hidden_or_withdrawn_contribution_cannot_be_edited(store, seci):
    session, ana, _ = seci
    hidden, gone = store.submit(ana.token, "hidden", "k1"), store.submit(ana.token, "gone", "k2")
    store.hide(session.id, session.key, hidden.id)
    store.withdraw(ana.token, gone.id)
    for item, why in ((hidden, "facilitator has hidden that contribution"), (gone, "You have withdrawn")):
        with pytest.raises(NotAllowed, match=f"{why}.*can no longer be edited"):
            store.edit(ana.token, item.id, "changed behind the moderator's back")
    texts = store.contributions_frame(session.id, include_hidden=True).set_index("id")["text"]
    assert texts[hidden.id] == "hidden" and texts[gone.id] == "gone"


# ---------------------------------------------------------- look-alike names (issue 21, item 7)


@pytest.mark.parametrize("name", [
    "Ana\u200b", "\u200bAna", "A\u200dna", "Аna",  # zero-width space / joiner, Cyrillic А
    "ＡＮＡ", "Ana\u3164", "\u2066Ana\u2069",  # full-width letters, a Hangul filler, a bidi isolate
])
def test_a_name_that_looks_like_a_taken_one_is_refused(store, seci, name):
    session, _, _ = seci
    with pytest.raises(WorkshopError, match="already uses the name"):
        store.join(session.join_code, name)
    assert [p.display_name for p in store.participants(session.id)] == ["Ana", "Ben"]


@pytest.mark.parametrize("name", [
    "F\u0430cilitator", "Facili\u200btator", "FACILITAT\u039eR".replace("\u039e", "\u041e"),  # Cyrillic а, ZWSP, Cyrillic О
    "Faci1itator", "\uff26acilitator", "Facil\u0456tator",  # digit one, full-width F, Ukrainian і
])
def test_a_name_that_looks_like_facilitator_is_reserved(store, seci, name):
    session, _, _ = seci
    with pytest.raises(WorkshopError, match="reserved"):
        store.join(session.join_code, name)


def test_names_are_stored_without_invisible_or_reordering_characters(store, seci):
    # A right-to-left override made "\u202erotatilicaF" show as "Facilitator"; without format
    # characters the name shows as typed, and nobody else can take it again.
    session, _, _ = seci
    joined = store.join(session.join_code, "\u202erotatilicaF")
    assert joined.display_name == "rotatilicaF"
    assert store.join(session.join_code, "Zo\u00eb  \u00adM.").display_name == "Zoë M."
    with pytest.raises(WorkshopError, match="already uses"):
        store.join(session.join_code, "rotatilicaF\u200e")
    assert store.join(session.join_code, "Anna").display_name == "Anna"  # a different name is fine
