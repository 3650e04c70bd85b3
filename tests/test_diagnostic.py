"""The pre/post diagnostic (issue 24, item 1): the forms pass the quiz audit's test-wise
solvers, restate no quiz item, are parallel by concept; the form order is counterbalanced by
the learner id; a saved sitting is scored again from its answers whatever the file claims."""

from __future__ import annotations

import math
from importlib import resources

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from bank_solvers import MARGIN, chance, over_margin
from diagnostic_class import answers
from seci_lab.content import ContentError, load_questions
from seci_lab.content.diagnostic import FORM_ITEMS, load_diagnostic, parse_diagnostic
from seci_lab.model.diagnostic import (CONCEPTS, FORMS, POST, PRE, first_form, form_for, normalized_gain,
                                       score_sitting, sitting_record)
from test_bank_audit import NEAR_DUPLICATE, _signature

DIAGNOSTIC = load_diagnostic()


@pytest.mark.parametrize("form", FORMS)
def test_no_test_wise_solver_beats_chance_by_more_than_8_points_on_a_form(form):
    items = [item.question for item in DIAGNOSTIC.form(form)]
    over = over_margin(items)
    assert not over, (f"form {form}: chance {chance(items):.0%}, solvers above chance + {MARGIN:.0%}: "
                      + ", ".join(f"{n} {r:.0%}" for n, r in sorted(over.items(), key=lambda kv: -kv[1])))


def test_the_forms_are_parallel_and_cover_every_concept():
    for form in FORMS:
        items = DIAGNOSTIC.form(form)
        assert len(items) == FORM_ITEMS
        assert {item.concept for item in items} == set(CONCEPTS)
    per = {f: sorted(item.concept for item in DIAGNOSTIC.form(f)) for f in FORMS}
    assert per["A"] == per["B"]
    # keys spread over the positions, so no position answers a form
    for form in FORMS:
        positions = [[o.key for o in i.question.options].index(i.question.answer) for i in DIAGNOSTIC.form(form)]
        assert max(positions.count(p) for p in range(4)) <= 5, (form, positions)


def test_no_diagnostic_item_restates_a_quiz_item():
    items, bank = [i.question for i in DIAGNOSTIC.items], list(load_questions())
    texts = [_signature(q) for q in (*items, *bank)]
    sim = cosine_similarity(TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts))
    n = len(items)
    twins = [f"{a.id} ~ {b.id} ({sim[i, n + j]:.2f})" for i, a in enumerate(items) for j, b in enumerate(bank)
             if sim[i, n + j] >= NEAR_DUPLICATE]
    assert not twins, f"diagnostic items that restate a quiz item: {twins}"


def test_a_broken_form_file_names_its_problem():
    good = resources.files("seci_lab.content").joinpath("diagnostic.toml").read_text(encoding="utf-8")
    with pytest.raises(ContentError, match="form B has 14 items"):
        parse_diagnostic(good[:good.rindex("[[item]]")])
    with pytest.raises(ContentError, match="concept 'spirals'"):
        parse_diagnostic(good.replace('concept = "spiral"', 'concept = "spirals"', 1))


def test_the_first_form_is_counterbalanced_by_the_learner_id():
    ids = [f"s{n:04d}" for n in range(2000)]
    firsts = [first_form(i) for i in ids]
    assert 0.45 < firsts.count("A") / len(ids) < 0.55
    # the same id, whatever its case or surrounding spaces, always gets the same form
    assert first_form(" S0001 ") == first_form("s0001")
    for i in ids[:50]:
        assert {form_for(PRE, i), form_for(POST, i)} == {"A", "B"} and form_for(PRE, i) == first_form(i)


def _record(form: str, n_right: int, **extra) -> dict:
    record = sitting_record(PRE, form, DIAGNOSTIC.version, "s1", answers(form, n_right), done=True,
                            started_at="2026-12-01T10:00:00+00:00", done_at="2026-12-01T10:09:00+00:00")
    return {**record, **extra}


def test_a_sitting_is_scored_from_its_answers_never_from_a_claimed_score():
    scored = score_sitting(PRE, _record("A", 6, score=15, right=15), DIAGNOSTIC.items, DIAGNOSTIC.version)
    assert scored.status == "scored" and scored.right == 6 and scored.items == 15
    assert math.isclose(scored.score, 6 / 15)
    assert any("claims a score of 15" in note for note in scored.notes)
    assert sum(r for r, _ in scored.by_concept.values()) == 6
    assert sum(n for _, n in scored.by_concept.values()) == 15


def test_bad_sittings_are_named_and_not_scored():
    items, version = DIAGNOSTIC.items, DIAGNOSTIC.version
    older = score_sitting(PRE, _record("A", 15, version=version - 1 if version > 1 else 0), items, version)
    assert older.status == "older version" and math.isnan(older.score)
    assert score_sitting(PRE, _record("A", 15, version=version + 1), items, version).status == "newer version"
    assert score_sitting(PRE, _record("A", 15, done=False), items, version).status == "unfinished"
    for junk in ("text", None, [], {"form": "C"}, {"form": "A"}, {"form": "A", "version": version, "answers": []}):
        scored = score_sitting(PRE, junk, items, version)
        assert scored.status == "unreadable" and math.isnan(scored.score) and scored.notes
    # answers to the other form's items, or options an item lacks, score nothing
    mixed = _record("A", 0, answers={**answers("B", 15), DIAGNOSTIC.form("A")[0].id: "z"})
    scored = score_sitting(PRE, mixed, items, version)
    assert scored.right == 0 and scored.answered == 0 and any("not on form A" in n for n in scored.notes)


def test_the_normalized_gain_of_two_shares():
    assert normalized_gain(0.4, 0.7) == pytest.approx(0.5)
    assert normalized_gain(0.5, 0.25) == pytest.approx(-0.5)
    assert math.isnan(normalized_gain(1.0, 1.0)) and math.isnan(normalized_gain(math.nan, 0.5))


def test_the_simulated_pilot_finds_the_forms_equivalent():
    # scripts/diagnostic_pilot.py (docs/diagnostic.md): the same simulated learners take both
    # forms; their mean shares right differ by less than the 5-point equivalence margin.
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "diagnostic_pilot.py"
    spec = importlib.util.spec_from_file_location("diagnostic_pilot", path)
    pilot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pilot)
    forms, sim = pilot.simulate(300, seed=3)
    for sitting in ("pre", "post"):
        a = sim[sitting][:, [j for j, i in enumerate(forms.items) if i.form == "A"]].mean()
        b = sim[sitting][:, [j for j, i in enumerate(forms.items) if i.form == "B"]].mean()
        assert abs(a - b) < 0.05, (sitting, a, b)
    assert sim["post"].mean() > sim["pre"].mean() + 0.2  # the items register what the course adds
