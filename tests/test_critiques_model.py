"""The critiques lesson's pure parts: the debate check and the critiques as model switches."""

from __future__ import annotations

import pytest

from seci_lab.content import ContentError, _parse_critiques, _read, load_critiques
from seci_lab.model import TEXT_MAX_CHARS, Level
from seci_lab.model.critique_switches import (
    CritiqueSwitches,
    Outcome,
    describe_change,
    sample_group,
    simulate_sample,
)
from seci_lab.model.debate import DebatePart, Need, check_debate, copied_share

CRITIQUES = load_critiques()
PARTS = CRITIQUES.debate.parts


def _check(texts, critique="bratianu", sources=()):
    section = CRITIQUES.section(critique)
    return check_debate(texts, PARTS, critics=section.critics, terms=section.terms, sources=sources)


# -- the debate -------------------------------------------------------------------------
def test_the_lesson_content_has_the_shape_of_the_other_lessons():
    assert len(CRITIQUES.goals) >= 3 and len(CRITIQUES.recap) >= 3 and CRITIQUES.sources
    assert [p.key for p in PARTS] == ["claim", "evidence", "reply", "judgement"]
    assert all(p.label and p.prompt and len(p.hints) >= 2 and p.needs for p in PARTS)
    assert "σ = 0" in CRITIQUES.switches.sigma_label and "φ" in CRITIQUES.switches.phi_label
    for section in CRITIQUES.sections:  # a claim about a critique can name its critics
        assert all(name in section.who for name in section.critics), section.id


def test_an_empty_debate_is_missing_every_part_and_says_what_to_write():
    checked = _check({})
    assert [p.status for p in checked.parts] == ["missing"] * 4
    assert checked.substantive == 0 and not checked.complete
    assert checked.next_step().startswith("1. The claim: Write this part")


def test_each_part_says_what_it_shows_and_what_is_missing():
    texts = {
        "claim": "Bratianu (2010) argues that socialization and combination are transfers, not conversions, "
                 "because only two modes change the type of knowledge.",
        "evidence": "Convincing stuff.",
        "reply": "Nonaka would say a lot of things about this whole matter of knowledge and people.",
        "judgement": "",
    }
    checked = _check(texts)
    claim, evidence, reply, judgement = checked.parts
    assert claim.status == "substantive" and claim.shows == ("names the critic", "says what in the model is attacked")
    assert evidence.status == "thin" and "Give the evidence itself" in evidence.advice[0]
    assert any("at least 15" in a for a in evidence.advice)
    # Waffle around a name: since rubric v3 (issue 22) the rubric's filler guard says so, and the
    # name alone no longer counts.
    assert reply.status == "thin" and reply.guard == "filler" and reply.score == 0.0
    assert "specific" in reply.advice[0]
    named = _check({**texts, "reply": "Nonaka would reply that the two kinds of knowledge sit on a continuum, "
                                      "and that this answers Bratianu."}).parts[2]
    assert named.status == "substantive" and 0 < named.score <= 1.0
    # The score grows with what a part says (issue 22): the same reply with its case says more.
    fuller = _check({**texts, "reply": "Nonaka and von Krogh (2009) reply that the two kinds of knowledge sit on a "
                                       "continuum, so a team's shared routines and a written checklist interact; "
                                       "this answers Bratianu only in part."}).parts[2]
    assert fuller.status == "substantive" and fuller.score > named.score
    assert judgement.status == "missing"
    assert checked.substantive == 1 and checked.next_step().startswith("2. The evidence: Give the evidence")
    assert checked.as_dict()["claim"]["status"] == "substantive"


def test_a_judgement_about_another_question_is_off_topic():
    judgement = ("I think open-plan offices are worse than private rooms, because the constant noise at my old bank "
                 "made every phone call with a client twice as long and the printer queue never stopped.")
    part = _check({"judgement": judgement}).parts[3]
    assert part.guard == "off-topic" and part.score == 0.0 and "critic" in part.advice[0]
    on_topic = _check({"judgement": judgement.replace("open-plan offices are worse than private rooms",
                                                      "Bratianu is right that combination only transfers")}).parts[3]
    assert on_topic.guard == "" and on_topic.score > 0


def test_a_claim_must_name_the_critic_of_the_chosen_critique():
    claim = {"claim": "Bratianu (2010) argues that socialization and combination are transfers, not conversions "
                      "of knowledge at all."}
    assert _check(claim, "bratianu").parts[0].status == "substantive"
    other = _check(claim, "culture").parts[0]
    assert other.status == "thin" and other.advice[0].startswith("Name the critic")


def test_cues_are_whole_words_unless_marked_as_word_starts():
    part = DebatePart("judgement", "4. Your judgement", "Judge.", "", ("a", "b"), 1,
                      (Need("gives a reason", ("so", "convinc*"), "Add a reason."),))
    assert check_debate({"judgement": "I sort things"}, [part]).parts[0].status == "thin"
    assert check_debate({"judgement": "I do, so there"}, [part]).parts[0].status == "substantive"
    assert check_debate({"judgement": "Convincing"}, [part]).parts[0].status == "substantive"
    dated = DebatePart("evidence", "Evidence", "Give it.", "", ("a", "b"), 1,
                       (Need("dated", ("@year",), "Add a year."),))
    assert check_debate({"evidence": "Gourlay 2006"}, [dated]).parts[0].status == "substantive"
    assert check_debate({"evidence": "Gourlay 20066"}, [dated]).parts[0].status == "thin"


def test_a_part_copied_from_the_page_is_not_substantive():
    paragraph = CRITIQUES.section("bratianu").paragraphs[0]
    checked = _check({"claim": paragraph}, sources=[paragraph])
    assert checked.parts[0].status == "thin" and "own words" in checked.parts[0].advice[0]
    assert copied_share(paragraph, [paragraph]) == 1.0
    assert copied_share("too short to copy", [paragraph]) == 0.0


def test_an_over_long_part_is_refused_with_a_message():
    with pytest.raises(ValueError, match=rf"3. Nonaka's reply has {TEXT_MAX_CHARS + 1} characters"):
        _check({"reply": "x" * (TEXT_MAX_CHARS + 1)})


def test_a_broken_debate_in_the_content_is_named():
    data = _read("critiques.toml")
    data["debate"]["parts"] = data["debate"]["parts"][:3]
    with pytest.raises(ContentError, match="the parts must be claim, evidence, reply, judgement"):
        _parse_critiques(data, "critiques.toml")
    data = _read("critiques.toml")
    data["debate"]["parts"][0]["needs"][0]["cues"] = ["@critic"]
    with pytest.raises(ContentError, match=r"parts 1, need 1: unknown cue\(s\) @critic"):
        _parse_critiques(data, "critiques.toml")
    data = _read("critiques.toml")
    data["debate"]["parts"][1]["min_words"] = 0
    with pytest.raises(ContentError, match="'min_words' must be a whole number"):
        _parse_critiques(data, "critiques.toml")


# -- the critiques as switches of the model -----------------------------------------------
def test_the_sample_group_reproduces_the_reference_rows():
    assert len(sample_group()) == 12 * 12 * 4
    # docs/spiral-model.md, the v2 results table: balanced N=12 q=0.7; σ=0 (Bratianu); φ=0.3
    expected = {
        CritiqueSwitches(): (9.89, 12.98, Level.ORGANIZATION, (1, 3)),
        CritiqueSwitches(transfer_only=True): (8.85, 12.07, Level.ORGANIZATION, (1, 3)),
        CritiqueSwitches(phi=0.3): (4.37, 4.87, Level.ORGANIZATION, (1, 3)),
    }
    for switches, (tacit, explicit, level, ups) in expected.items():
        outcome = Outcome.of(simulate_sample(switches))
        assert (round(outcome.tacit, 2), round(outcome.explicit, 2), outcome.level, outcome.level_ups) == \
            (tacit, explicit, level, ups)


def test_the_change_is_said_in_words():
    base = Outcome.of(simulate_sample())
    off = describe_change(CritiqueSwitches(), base, base)
    assert "Organization level" in off and "rounds 1 and 3" in off and "12.98 explicit" in off
    both = CritiqueSwitches(transfer_only=True, phi=0.3)
    said = describe_change(both, base, Outcome.of(simulate_sample(both)))
    assert "Bratianu" in said and "φ = 0.30" in said and "70% of tacit knowledge never gets into words" in said
    # The sample group's work is good (0.7): the critiques shrink what it writes down, not its level.
    assert "still reaches the Organization level at the same rounds" in said
    assert "4.53 explicit knowledge per person instead of 12.98 (65% less)" in said
    bratianu = CritiqueSwitches(transfer_only=True)
    said = describe_change(bratianu, base, Outcome.of(simulate_sample(bratianu)))
    assert "still reaches the Organization level at the same rounds" in said and "12.07 explicit" in said
    everything = CritiqueSwitches(phi=1.0)
    said = describe_change(everything, base, Outcome.of(simulate_sample(everything)))
    assert "the view the critics reject" in said and "more" in said


@pytest.mark.parametrize("phi", [0, -0.1, 1.01, float("nan"), "0.5", True])
def test_switches_refuse_an_impossible_phi(phi):
    with pytest.raises(ValueError, match="codifiable share"):
        CritiqueSwitches(phi=phi)


def test_switches_set_only_sigma_and_phi():
    params = CritiqueSwitches(transfer_only=True, phi=0.25).params()
    assert params.sigma == 0 and params.phi == 0.25
    assert CritiqueSwitches().params() == type(params)()
    assert not CritiqueSwitches().active and CritiqueSwitches(phi=0.5).active
    with pytest.raises(ValueError):
        CritiqueSwitches(transfer_only="yes")
    with pytest.raises(ValueError, match="empty spiral"):
        Outcome.of(simulate_sample().iloc[:0])
