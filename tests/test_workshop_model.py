"""The workshop domain without a database: phases and formats, scales, the input rules, which
phase accepts what, lineage and the group's spiral, and the phase prompts' content file."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from seci_lab.content import ContentError
from seci_lab.content.workshop import load_prompts, parse_prompts, phase_prompt
from seci_lab.model import PARTICIPANT_MAX_CHARS, TEXT_MAX_CHARS, Mode
from seci_lab.model.workshop_votes import check_voting
from seci_lab.model.workshop import (
    DEADLINE_GRACE_S,
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Cluster,
    Format,
    Participant,
    Phase,
    PhaseClosed,
    Scale,
    Session,
    Submission,
    WorkshopError,
    anonymous_name,
    check_accepting,
    check_editable,
    check_id,
    check_idempotency_key,
    check_join_code,
    check_minutes,
    cluster_seed,
    check_name_free,
    clean_display_name,
    clean_label,
    clean_submission_text,
    lineage_edges,
    new_join_code,
    parse_join_code,
    session_trajectory,
    spiral_contributions,
    spiral_inputs,
)

NOW = 1_800_000_000.0


def _session(format=Format.SECI, phase=Phase.S, *, open=True, deadline=None, round=1) -> Session:
    return Session(id=1, title="Retro", format=format, join_code="TEAM42", round=round, phase=phase,
                   phase_open=open, phase_opened_at=NOW - 60, deadline=deadline, scale=Scale.TABLE,
                   version=1, created_at=NOW - 600, accepting=open)


def _submission(id, phase, text="idea", *, participant=1, round=1, parent=None, cluster=None, source=None,
                hidden=False, withdrawn=False) -> Submission:
    return Submission(id=id, session_id=1, participant_id=participant, round=round, phase=phase, text=text,
                      parent_id=parent, arc_id=None, cluster_id=cluster, source_cluster_id=source,
                      hidden=hidden, withdrawn=withdrawn, created_at=NOW)


def _people(*names: str) -> list[Participant]:
    return [Participant(id=i, session_id=1, display_name=name, anonymous=False, arc_id=None,
                        joined_at=NOW, last_seen=NOW) for i, name in enumerate(names, start=1)]


# ---------------------------------------------------------------------- phase facts


def test_each_format_lists_its_phases_in_order_with_their_modes():
    assert Format.SECI.phases == ("S", "E", "C", "I")
    assert Format.CSH.phases == ("story", "harvest", "gifts", "takeaways")
    # Both formats turn once through the spiral: the documented CSH -> SECI mapping.
    for format in Format:
        assert [p.mode for p in format.phases] == [Mode.SOCIALIZATION, Mode.EXTERNALIZATION,
                                                   Mode.COMBINATION, Mode.INTERNALIZATION]
    assert [p.label for p in Format.CSH.phases] == ["Story", "Harvest", "Gifts back", "Take-aways"]
    assert Phase.C.label == "Combination" and Phase("takeaways") is Phase.TAKEAWAYS
    assert [f.label for f in Format] == ["SECI round", "Collective Story Harvest"]


def test_only_combination_takes_votes_and_only_internalization_takes_takeaways():
    assert {p for p in Phase if p.takes_votes} == {Phase.C, Phase.GIFTS}
    assert {p for p in Phase if p.takes_takeaways} == {Phase.I, Phase.TAKEAWAYS}
    assert {p for p in Phase if p.takes_arc} == {Phase.HARVEST}


def test_phases_are_read_as_a_facilitator_types_them():
    assert Format.SECI.parse_phase("c") is Phase.C
    assert Format.SECI.parse_phase(" Externalization ") is Phase.E
    assert Format.SECI.parse_phase(Mode.INTERNALIZATION) is Phase.I
    assert Format.CSH.parse_phase("Gifts back") is Phase.GIFTS
    assert Format.CSH.parse_phase("take-away") is Phase.TAKEAWAYS
    assert Format.CSH.parse_phase("HARVEST") is Phase.HARVEST
    with pytest.raises(WorkshopError, match="Unknown phase 'S' for this session: use one of story, harvest"):
        Format.CSH.parse_phase("S")
    with pytest.raises(WorkshopError, match="use one of S, E, C, I"):
        Format.SECI.parse_phase("story")
    with pytest.raises(WorkshopError, match="Unknown phase"):
        Format.SECI.parse_phase(3)


def test_formats_and_scales():
    assert Format.parse("csh") is Format.CSH
    with pytest.raises(WorkshopError, match="Unknown workshop format 'world-cafe'"):
        Format.parse("world-cafe")
    assert [s.label for s in Scale] == ["table", "plenary", "organization"]
    assert Scale.TABLE.next() is Scale.PLENARY and Scale.PLENARY.next() is Scale.ORGANIZATION
    with pytest.raises(WorkshopError, match="already at the organization level"):
        Scale.ORGANIZATION.next()
    session = _session()
    assert session.scale_label == "table" and session.phase_label == "Socialization"
    assert _session(phase=None, open=False).phase_label == "Not started"


# --------------------------------------------------------------------- input rules


def test_labels_and_names_are_normalised_and_capped():
    assert clean_label("  Cafe\u0301\r\nteam\x07 ", "title", 20) == "Café team"
    with pytest.raises(WorkshopError, match="The cluster name is empty"):
        clean_label(" \n ", "cluster name", 80)
    with pytest.raises(WorkshopError, match="has 81 characters; the limit is 80"):
        clean_label("x" * 81, "arc name", 80)
    with pytest.raises(WorkshopError, match="must be text"):
        clean_label(None, "title", 80)
    assert clean_display_name(None) is None and clean_display_name("   ") is None  # anonymous
    assert clean_display_name(" Ana ") == "Ana"
    with pytest.raises(WorkshopError, match=f"limit is {PARTICIPANT_MAX_CHARS}"):
        clean_display_name("x" * (PARTICIPANT_MAX_CHARS + 1))
    assert anonymous_name(0) == "Anonymous 1" and anonymous_name(4) == "Anonymous 5"


def test_texts_follow_the_contribution_rules_and_stay_raw():
    payload = '<img src=x onerror="alert(1)"> $x$ =cmd()'
    assert clean_submission_text(f"  {payload}\r\n") == payload
    with pytest.raises(WorkshopError, match="empty"):
        clean_submission_text(" \n ")
    with pytest.raises(WorkshopError, match=f"limit is {TEXT_MAX_CHARS}"):
        clean_submission_text("a" * (TEXT_MAX_CHARS + 1))


def test_ids_keys_timers_and_join_codes():
    assert check_id(np.int64(7), "contribution id") == 7
    for bad in (True, "1", 1.0, None):
        with pytest.raises(WorkshopError, match="whole number"):
            check_id(bad, "contribution id")
    assert check_idempotency_key("click-1") == "click-1"
    for bad in ("", "  ", None, "k" * 81):
        with pytest.raises(WorkshopError, match="idempotency key"):
            check_idempotency_key(bad)
    assert check_minutes(None) is None and check_minutes(10) == 10 and check_minutes(0.5) == 0.5
    for bad in (0, -1, 1441, True, "5"):
        with pytest.raises(WorkshopError, match="between 0 and 1440 minutes"):
            check_minutes(bad)
    assert parse_join_code(" ab3-k9x ") == "AB3K9X"
    with pytest.raises(WorkshopError, match="Enter the join code"):
        parse_join_code(" - ")
    assert check_join_code("team-42") == "TEAM42"
    with pytest.raises(WorkshopError, match="without 0, O, 1, I and L .*; remove 0 1 L O"):
        check_join_code("HOLA10")
    with pytest.raises(WorkshopError, match="4 to 12"):
        check_join_code("ABC")
    codes = {new_join_code() for _ in range(50)}
    assert len(codes) > 45
    assert all(len(c) == JOIN_CODE_LENGTH and set(c) <= set(JOIN_CODE_ALPHABET) for c in codes)


# ------------------------------------------------------------ what a phase accepts


def test_a_submission_needs_the_open_phase_before_its_deadline():
    check_accepting(_session(), NOW)
    check_accepting(_session(), NOW, "s")  # the page's phase, as the facilitator named it
    with pytest.raises(PhaseClosed, match="No phase is open right now.*Your text is kept"):
        check_accepting(_session(open=False), NOW)
    with pytest.raises(PhaseClosed, match="No phase is open"):
        check_accepting(_session(phase=None, open=False), NOW)
    with pytest.raises(PhaseClosed, match="open phase is now Socialization.*Your text is kept"):
        check_accepting(_session(), NOW, "E")  # a stale page
    with pytest.raises(PhaseClosed, match="open phase is now Story"):
        check_accepting(_session(Format.CSH, Phase.STORY), NOW, "no such phase")
    timed = _session(deadline=NOW)
    check_accepting(timed, NOW + DEADLINE_GRACE_S)  # the grace for network and click latency
    with pytest.raises(PhaseClosed, match="Time is up for Socialization"):
        check_accepting(timed, NOW + DEADLINE_GRACE_S + 0.01)


def test_votes_only_in_an_open_combination_and_edits_only_in_the_current_round():
    check_voting(_session(phase=Phase.C), NOW)
    check_voting(_session(Format.CSH, Phase.GIFTS), NOW)
    with pytest.raises(PhaseClosed, match="Voting for clusters happens during Combination"):
        check_voting(_session(phase=Phase.I), NOW)
    with pytest.raises(PhaseClosed, match="Voting for clusters happens during Gifts back; it is not open now"):
        check_voting(_session(Format.CSH, Phase.HARVEST), NOW)  # a Story Harvest's phone reads its own words
    with pytest.raises(PhaseClosed, match="No phase is open"):
        check_voting(_session(phase=Phase.C, open=False), NOW)
    check_editable(_session(phase=Phase.E, round=2), _submission(1, Phase.E, round=2), NOW)
    with pytest.raises(PhaseClosed, match="open phase is now Externalization"):
        check_editable(_session(phase=Phase.E), _submission(1, Phase.S), NOW)
    with pytest.raises(PhaseClosed, match="earlier round"):
        check_editable(_session(phase=Phase.E, round=2), _submission(1, Phase.E, round=1), NOW)


# ---------------------------------------------------------- lineage and the spiral


def test_lineage_links_only_visible_ideas():
    story = _submission(1, Phase.STORY)
    note = _submission(2, Phase.HARVEST, parent=1, cluster=9)
    gone = _submission(3, Phase.HARVEST, hidden=True, cluster=9)
    on_gone = _submission(4, Phase.GIFTS, parent=3)
    take = _submission(5, Phase.TAKEAWAYS, source=9)
    withdrawn = _submission(6, Phase.TAKEAWAYS, source=9, withdrawn=True)
    assert lineage_edges([story, note, gone, on_gone, take, withdrawn]) == [
        ("contribution:2", "contribution:1", "builds on"),
        ("contribution:2", "cluster:9", "grouped in"),
        ("contribution:5", "cluster:9", "draws on"),
    ]


def test_the_group_spiral_counts_visible_submissions_by_mode_and_everyone_who_joined():
    people = _people("Teller", "Harvester", "Witness")
    submissions = [_submission(1, Phase.STORY, "The day I stopped the line", participant=1),
                   _submission(2, Phase.HARVEST, "Courage as stepping in", participant=2),
                   _submission(3, Phase.HARVEST, "rude", participant=3, hidden=True),
                   _submission(4, Phase.TAKEAWAYS, "Ask for a pause", participant=1, round=2)]
    contributions = spiral_contributions(submissions, people)
    assert [(c.participant, c.mode.value, c.round, c.quality) for c in contributions] == [
        ("Teller", "S", 1, None), ("Harvester", "E", 1, None), ("Teller", "I", 2, None)]
    assert spiral_inputs(submissions, people, [2, 1, 2])[1:] == (3, [1, 2])
    assert spiral_inputs([], [], [])[1] == 1  # an empty session still has a spiral of one
    trajectory = session_trajectory(submissions, people, [1])
    assert len(trajectory) == 8 and trajectory["contributions"].sum() == 3
    assert trajectory["participants"].eq(3).all()


def test_a_declared_round_is_simulated_and_a_cluster_seeds_only_from_the_group_level():
    people = _people("Ana", "Ben", "Cy", "Dee")
    phases = (Phase.S, Phase.E, Phase.C, Phase.I)
    first = [_submission(i * 4 + k + 1, phase, participant=k + 1)
             for i, phase in enumerate(phases) for k in range(4)]
    # Declared after round 1: accepted (something was written down). Declared again in round 2,
    # which has no contribution yet: still judged, and refused with its reason.
    trajectory = session_trajectory(first, people, [1, 2], session_id=7)
    assert trajectory["round"].max() == 2 and set(trajectory["spiral"]) == {"7"}
    notes = list(trajectory[trajectory["mode"] == "I"]["note"])
    assert notes[0].startswith("Declared level-up accepted") and notes[1].startswith("Declared level-up refused")
    cluster = Cluster(id=3, session_id=7, name="Rituals", round=1)
    seed = cluster_seed(trajectory, cluster)
    assert (seed.parent, seed.step, seed.level) == ("7", 3, 1)  # the end of round 1
    # Only Socialization, nothing declared: the spiral stays at the individual level.
    undeclared = session_trajectory(first[:4], people, [], session_id=7)
    with pytest.raises(WorkshopError, match="“Rituals” yet.*Group level or above"):
        cluster_seed(undeclared, cluster)
    with pytest.raises(WorkshopError, match="Round 5 of the spiral has no steps yet"):
        cluster_seed(trajectory, Cluster(id=4, session_id=7, name="Later", round=5))


# ------------------------------------------------------------------ prompts content


def test_every_phase_has_a_prompt():
    prompts = load_prompts()
    assert set(prompts) == set(Phase)
    assert all(len(text) > 40 and "\n" not in text for text in prompts.values())
    assert "metaphor" in phase_prompt("E") and "arc" in phase_prompt(Phase.HARVEST)


_GOOD = {p.value: f"Prompt for {p.value}." for p in Format.SECI.phases}
_CSH = {p.value: f"Prompt for {p.value}." for p in Format.CSH.phases}


def _toml(seci: dict, csh: dict, extra: str = "") -> str:
    def table(name, values):
        return f"[{name}]\n" + "".join(f'{k} = "{v}"\n' for k, v in values.items())

    return table("seci", seci) + table("csh", csh) + extra


def test_prompt_files_are_checked_on_load():
    parsed = parse_prompts(_toml(_GOOD, _CSH))
    assert parsed[Phase.GIFTS] == "Prompt for gifts."
    missing = {k: v for k, v in _CSH.items() if k != "gifts"}
    with pytest.raises(ContentError, match=r"my\.toml, csh: 'gifts' is missing"):
        parse_prompts(_toml(_GOOD, missing), "my.toml")
    with pytest.raises(ContentError, match=r"seci: 'C' must be non-empty text"):
        parse_prompts(_toml({**_GOOD, "C": "  "}, _CSH))
    with pytest.raises(ContentError, match=r"seci: unknown key\(s\) X"):
        parse_prompts(_toml({**_GOOD, "X": "typo"}, _CSH))
    with pytest.raises(ContentError, match=r"unknown key\(s\) world"):
        parse_prompts(_toml(_GOOD, _CSH, '[world]\nS = "x"\n'))
    with pytest.raises(ContentError, match="not valid TOML"):
        parse_prompts("[seci\n")


def test_the_workshop_model_is_pure():
    code = ("import sys, seci_lab.model.workshop, seci_lab.content.workshop;"
            "bad = [m for m in ('pandas', 'ipywidgets', 'plotly', 'voila', 'sqlalchemy', 'anywidget')"
            " if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_names_compare_by_their_confusable_skeletons():
    from seci_lab.model import clean_participant
    from seci_lab.model.names import name_skeleton, names_look_alike

    # Zero-width and bidi characters go, compatibility forms fold (NFKC); the name stays readable.
    assert clean_participant("\u202eAna\u200b \u00a0 Lee\u2069") == "Ana Lee"
    assert clean_participant("\uff21\uff4e\uff41") == "Ana"
    assert name_skeleton("\u0410n\u0430") == name_skeleton("Ana")  # Cyrillic А and а
    for same in (("Ana", "ANA"), ("Ian", "lan"), ("Olga", "0lga"), ("Facilitator", "Faci1itator")):
        assert names_look_alike(*same), same
    for different in (("Ana", "Anna"), ("José", "Jose"), ("Zoë", "Zoe"), ("张伟", "张三")):
        assert not names_look_alike(*different), different
    with pytest.raises(WorkshopError, match="reserved"):
        clean_display_name("\u0192acilitator".replace("\u0192", "F\u200b"))
    with pytest.raises(WorkshopError, match="anonymous participants"):
        clean_display_name("\u0410nonymous 3")
    assert clean_display_name("\u200b\u200d") is None  # nothing visible: joins anonymously


def test_withdrawing_and_editing_follow_the_board():
    open_e = _session(phase=Phase.E)
    check_editable(open_e, _submission(1, Phase.E), NOW, "withdrawn")
    with pytest.raises(PhaseClosed, match="Socialization phase is closed: that contribution can no longer be withdrawn"):
        check_editable(open_e, _submission(1, Phase.S), NOW, "withdrawn")
    with pytest.raises(PhaseClosed, match="can no longer be withdrawn"):
        check_editable(_session(phase=Phase.E, open=False), _submission(1, Phase.E), NOW, "withdrawn")
    with pytest.raises(WorkshopError, match="hidden that contribution; it can no longer be edited"):
        check_editable(open_e, _submission(1, Phase.E, hidden=True), NOW)
    with pytest.raises(WorkshopError, match="You have withdrawn"):
        check_editable(open_e, _submission(1, Phase.E, withdrawn=True), NOW)


@pytest.mark.parametrize("hidden", ["\ufe0f", "\ufe00", "\u180b", "\u180f", "\U000e0100", "\u2065", "\ufff0",
                                    "\U000e0000", "\u2800"])
def test_no_invisible_character_makes_a_name_new(hidden):
    # Review of issue 21, item 7: the variation selectors (combining marks, not format
    # characters), the unassigned default-ignorable code points and the blank Braille pattern
    # show nothing, so "Ana" with one of them looked like "Ana" and was accepted beside it.
    from seci_lab.model import clean_participant

    assert clean_participant(f"{hidden}Ana{hidden}") == "Ana"
    assert clean_participant(f"A{hidden}na") == ("A na" if hidden == "\u2800" else "Ana")  # a blank is a space
    with pytest.raises(WorkshopError, match="already uses the name"):
        check_name_free(clean_display_name(f"Ana{hidden}"), ["Ana"])
    with pytest.raises(WorkshopError, match="reserved"):
        clean_display_name(f"Facilitator{hidden}")


@pytest.mark.parametrize("blank", ["\ufe0f", "\u2800\u2800", "\u0301", "\u0300\u0316", "\U000e0100 \u2065"])
def test_a_name_that_shows_nothing_is_no_name(blank):
    # A name made only of marks with nothing to sit on, or of invisible characters, is shown to
    # the room as a blank: the participant joins anonymously, a learner is asked for a name.
    from seci_lab.model import clean_participant

    assert clean_display_name(blank) is None
    with pytest.raises(ValueError, match="name is empty"):
        clean_participant(blank)
    assert clean_participant("Ana\u0301") == "An\u00e1"  # a mark on a letter stays
