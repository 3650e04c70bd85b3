"""Worked examples (issue 11, item 4): every exercise field has a strong and a weak example, the
examples do what their field asks, and they are not the prompt, placeholder or hint texts."""

from __future__ import annotations

import re

import pytest

from seci_lab.content import load_critiques
from seci_lab.content.examples import (
    ExampleContentError,
    example_fields,
    example_for,
    example_texts,
    load_examples,
    parse_examples,
)
from seci_lab.content.exercises import load_exercises
from seci_lab.model import MODES
from seci_lab.model.debate import check_debate, copied_share

EXAMPLES = load_examples()


def _field_texts() -> dict[str, list[str]]:
    """Each field's own words on the page: label, prompt, placeholder and hints."""
    texts = {}
    for mode in MODES:
        for f in load_exercises(mode).fields:
            texts[f"{mode.value}.{f.key}"] = [f.label, f.prompt, f.placeholder, *f.hints]
    for part in load_critiques().debate.parts:
        texts[f"debate.{part.key}"] = [part.label, part.prompt, part.placeholder, *part.hints]
    return texts


def _page_texts() -> list[str]:
    """Everything the critiques page says, the debate's prompts and hints included."""
    c = load_critiques()
    return [*c.intro, *(p for s in c.sections for p in s.paragraphs), *c.reply, *c.switches.intro,
            c.debate.intro, *(t for p in c.debate.parts for t in (p.prompt, p.placeholder, *p.hints))]


def test_every_exercise_field_and_debate_part_has_both_examples():
    fields = example_fields()
    assert list(EXAMPLES) == fields
    # every field of the four lessons, then the four parts of the debate
    assert len(fields) == sum(len(load_exercises(m).fields) for m in MODES) + 4
    assert fields[-4:] == ["debate.claim", "debate.evidence", "debate.reply", "debate.judgement"]
    for key, example in EXAMPLES.items():
        assert example.strong and example.weak and example.strong != example.weak, key
        assert len(example.lacks) >= 2, key
        assert len(example.strong.split()) >= 2 * len(example.weak.split()), key
    assert example_for("S.journal") is EXAMPLES["S.journal"]
    with pytest.raises(KeyError):
        example_for("S.nothing")


def test_examples_are_new_texts_not_the_placeholders_or_hints():
    # A learner who copies the placeholder and one who copies the revealed example are told apart
    # only if the two texts differ: no run of five words in common with any field's own words.
    every_field = [t for texts in _field_texts().values() for t in texts]
    for key, example in EXAMPLES.items():
        for text in (example.strong, example.weak):
            assert copied_share(text, every_field) == 0, (key, text[:60])


def test_example_texts_are_every_strong_and_weak_answer():
    texts = example_texts()
    assert len(texts) == 2 * len(EXAMPLES)
    assert EXAMPLES["E.instructions"].strong in texts and EXAMPLES["debate.judgement"].weak in texts


def test_the_strong_instructions_are_exact_instructions():
    strong = EXAMPLES["E.instructions"].strong
    steps = strong.splitlines()
    assert [int(re.match(r"(\d+)\. ", s).group(1)) for s in steps] == list(range(1, len(steps) + 1))
    # each step starts with what to do, not with a description
    assert all(not re.match(r"\d+\. (The|A|An|It|I|You)\b", s) for s in steps)
    assert re.search(r"\bif\b", strong, re.I) and re.search(r"\d+ (minutes|strokes|degrees)", strong)
    assert "Stop when" in steps[-1]
    assert any("stop criterion" in lack for lack in EXAMPLES["E.instructions"].lacks)


def test_the_strong_after_action_review_answers_its_four_questions():
    intended, actual, why, sustain = (EXAMPLES[f"I.aar_{k}"].strong for k in ("intended", "actual", "why", "sustain"))
    assert "expected" in intended and re.search(r"\d|five|ten|twenty", intended)
    assert re.search(r"\d+ of the", actual) or re.search(r"\bon \w+ of the", actual)
    assert "because" in why and "Why" in why
    assert sustain.startswith("Sustain:") and "Improve:" in sustain and "Monday" in sustain


def test_the_debate_examples_pass_and_fail_the_debate_check_as_they_should():
    critiques = load_critiques()
    tacit = critiques.section("tacit")
    parts = critiques.debate.parts
    strong = {p.key: EXAMPLES[f"debate.{p.key}"].strong for p in parts}
    weak = {p.key: EXAMPLES[f"debate.{p.key}"].weak for p in parts}
    # The examples checked as examples (guard_examples=False): a learner's copy of one is thin (below).
    checked = check_debate(strong, parts, critics=tacit.critics, terms=tacit.terms, sources=_page_texts(),
                           guard_examples=False)
    assert [p.status for p in checked.parts] == ["substantive"] * 4
    checked = check_debate(weak, parts, critics=tacit.critics, terms=tacit.terms, sources=_page_texts(),
                           guard_examples=False)
    assert all(p.status == "thin" and p.advice for p in checked.parts)
    # since rubric v3 the checker knows the worked examples itself: a copy of one is thin
    assert [p.status for p in check_debate(strong, parts, critics=tacit.critics, terms=tacit.terms).parts] == \
        ["thin"] * 4
    # pasting the revealed strong example earns nothing: it repeats a text of the page
    pasted = check_debate(strong, parts, critics=tacit.critics, terms=tacit.terms,
                          sources=[*_page_texts(), *example_texts()])
    assert [p.status for p in pasted.parts] == ["thin"] * 4
    assert "own words" in pasted.parts[0].advice[0]


def test_a_missing_or_unknown_example_is_named():
    data = {"S": {"journal": {"strong": "A long and careful answer with many details in it.", "weak": "Short.",
                              "lacks": ["detail", "a moment"]}}}
    with pytest.raises(ExampleContentError, match=r"no worked example yet: S.story"):
        parse_examples(data, ["S.journal", "S.story"])
    with pytest.raises(ExampleContentError, match=r"no exercise field is called S.journal"):
        parse_examples(data, ["S.story"])
    data["S"]["journal"]["weak"] = "A weak answer that is about as long as the strong one."
    with pytest.raises(ExampleContentError, match=r"\[S.journal\]: the strong answer should be"):
        parse_examples(data, ["S.journal"])
    data["S"]["journal"].update(weak="Short.", lacks=["only one"])
    with pytest.raises(ExampleContentError, match="at least two things"):
        parse_examples(data, ["S.journal"])
    data["S"]["journal"].update(lacks=["detail", "a moment"], strong_text="typo")
    with pytest.raises(ExampleContentError, match="unknown key"):
        parse_examples(data, ["S.journal"])
