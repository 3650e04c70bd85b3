"""Solver audit (issue 23, item 2): a learner who knows no SECI and reads only surface cues
(length, hedge words, absolute words, words shared with the prompt or the hints, position)
gets no more than chance + 8 points on any lesson's choice items; no hint or other item's
explanation hands over a key; lesson 7's exercises do not come back as quiz items; items
quiz only what is taught by their lesson; pools hold three fresh sets per lesson.

The solvers live in tests/bank_solvers.py; ``python bench/bank_solvers.py`` prints their rates.
"""

from __future__ import annotations

import re

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from bank_solvers import MARGIN, _stems, chance, over_margin, rates
from seci_lab.content import load_questions, questions_for
from seci_lab.content.theory import load_theory_lesson
from seci_lab.model import LESSONS, MODES, Option, Question, QuizSession, family_count
from test_bank_audit import NEAR_DUPLICATE, SET_SIZE, _signature

BANK = load_questions()
CHOICE = [q for q in BANK if q.kind == "choice"]
CHOICE_LESSONS = [lesson for lesson in LESSONS if any(q.lesson == lesson for q in CHOICE)]
MODE_NAMES = {m.value: m.label.lower() for m in MODES}


def _choice(lesson: str) -> list[Question]:
    return [q for q in CHOICE if q.lesson == lesson]


# -- the solvers ----------------------------------------------------------------------------
@pytest.mark.parametrize("lesson", CHOICE_LESSONS)
def test_no_test_wise_solver_beats_chance_by_more_than_8_points(lesson):
    items = _choice(lesson)
    over = over_margin(items)
    report = (f"lesson {lesson}: chance {chance(items):.0%}, solvers above chance + {MARGIN:.0%}: "
              + ", ".join(f"{name} {rate:.0%}" for name, rate in sorted(over.items(), key=lambda kv: -kv[1])))
    assert not over, report


def _choice_item(item_id: str, options: list[str], answer: str, hint: str = "a nudge") -> Question:
    return Question(id=item_id, kind="choice", topic="ba", lesson="general", prompt="Which is right?",
                    options=tuple(Option(k, t, "why") for k, t in zip("abcd", options)), answer=answer,
                    hints=(hint,))


def test_the_solvers_catch_keys_that_stand_out():
    # The old pattern: the key is the long, careful option; the distractors are short and absolute.
    cued = [_choice_item(f"x{i}", ["It is always the database.", "It never needs people at all.",
                                    "It can often emerge from shared experience in many settings.",
                                    "Only managers have it."], "c") for i in range(4)]
    r = rates(cued)
    assert r["longest"] == r["most hedged"] == r["least absolute"] == 1.0 and r["position 3"] == 1.0
    assert set(over_margin(cued)) >= {"longest", "most hedged", "least absolute", "most hedged, then longest"}
    # The hint that shares its words with the key is caught too.
    hinted = [_choice_item("h", ["Red ba", "Green ba", "Blue ba", "Grey ba"], "b", hint="Think of green fields.")]
    assert rates(hinted)["hint overlap"] == 1.0
    # A key that no cue singles out earns chance.
    flat = [_choice_item(f"f{i}", ["Alpha one", "Bravo two", "Gamma six", "Delta ten"], "abcd"[i]) for i in range(4)]
    assert not over_margin(flat)


# -- keys handed over by hints and other items' explanations -------------------------------
def _explanations(q: Question) -> list[str]:
    return [o.explanation for o in (*q.options, *q.items) if o.explanation]


def _names(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(phrase.lower())}(?![a-z])", text.lower()) is not None


def _sentences(q: Question) -> list[str]:
    return [s for e in _explanations(q) for s in re.split(r"(?<=[.;:])\s", e)]


#: Content words an explanation's sentence must share with an item's prompt to speak of its
#: scene: naming a term while teaching it elsewhere is teaching, naming it for this scene is a key.
SCENE_WORDS = 3
#: Authors, cited everywhere; they tie no sentence to one story.
AUTHORS = {"Nonaka", "Takeuchi", "Konno", "Toyama", "Polanyi"}

#: Names in prompts that tie an episode to a story told in several items.
STORY_NAMES = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]{3,}")


def explanation_leaks(bank) -> list[str]:
    """Items whose key another item's explanation gives away: a choice key's text named in an
    explanation of another item of the same quiz, or a classify episode (recognised by a name
    from its prompt, such as Tanaka) called by its mode in any other item's explanation."""
    found = []
    for a in bank:
        others = [b for b in bank if b.id != a.id]
        if a.kind == "choice":
            key, scene = a.option(a.answer).text.rstrip("."), _stems(a.prompt)
            for b in (b for b in others if b.lesson == a.lesson):
                for sentence in _sentences(b):
                    if _names(sentence, key) and len(scene & _stems(sentence)) >= SCENE_WORDS:
                        found.append(f"{a.id}: {b.id} says '{sentence}'")
        elif a.kind == "classify":
            names = set(STORY_NAMES.findall(a.prompt)) - {m.label for m in MODES} - AUTHORS
            for b in others:
                for sentence in _sentences(b):
                    if any(_names(sentence, n) for n in names) and _names(sentence, MODE_NAMES[a.answer]):
                        found.append(f"{a.id}: {b.id} says '{sentence}'")
    return found


def test_no_item_gives_away_the_key_of_another():
    leaks = explanation_leaks(BANK)
    assert not leaks, "explanations that name another item's key:\n" + "\n".join(leaks)


def test_the_explanation_check_catches_a_give_away():
    a = _choice_item("a", ["Redundancy", "Autonomy", "Intention", "Creative chaos"], "a")
    b = _choice_item("b", ["Originating ba", "Exercising ba", "Dialoguing ba", "Cyber ba"], "b")
    b = Question(**{**b.__dict__, "options": (Option("a", "Originating ba", "Redundancy means overlap."),
                                              *b.options[1:])})
    assert explanation_leaks([a, b]) == []  # teaching what a term means elsewhere is no give-away
    a = Question(**{**a.__dict__, "prompt": "Engineers overlap their phases and share more than they need. Which?"})
    b = Question(**{**b.__dict__, "options": (Option("a", "Originating ba", "When engineers overlap phases and share "
                                                     "more than needed, that is Redundancy."), *b.options[1:])})
    assert explanation_leaks([a, b]) == ["a: b says 'When engineers overlap phases and share more than needed, "
                                         "that is Redundancy.'"]
    tanaka = next(q for q in BANK if q.id == "s-tanaka-baker")
    told = Question(**{**b.__dict__, "options": (Option("a", "One", "Tanaka's time with the baker was socialization."),
                                                 *b.options[1:])})
    assert any("tanaka-baker" in leak for leak in explanation_leaks([tanaka, told]))


# -- lesson 7's exercises are not quiz items ---------------------------------------------------
def test_lesson_7_exercises_do_not_come_back_as_quiz_items():
    exercises = load_theory_lesson("KCC").exercises
    texts = [_signature(q) for q in (*exercises, *BANK)]
    sim = cosine_similarity(TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts))
    n = len(exercises)
    twins = [f"{ex.id} ~ {q.id} ({sim[i, n + j]:.2f})" for i, ex in enumerate(exercises) for j, q in enumerate(BANK)
             if sim[i, n + j] >= NEAR_DUPLICATE]
    assert not twins, f"quiz items that restate an exercise of lesson 7: {twins}"


# -- a retry meets new items -------------------------------------------------------------------
@pytest.mark.parametrize("lesson", LESSONS)
def test_every_pool_holds_three_fresh_sets(lesson):
    pool = questions_for(lesson)
    families = family_count(pool)
    assert families >= 3 * SET_SIZE, f"lesson {lesson}: {families} families, not three sets of {SET_SIZE}"
    # The first set and two retries meet only items not seen before.
    for seed in range(20):
        session = QuizSession(pool, n=SET_SIZE, seed=seed)
        seen: set[str] = set()
        for round_ in range(3):
            ids = {q.id for q in session.current}
            assert len(ids) == SET_SIZE and not ids & seen, (lesson, seed, round_, sorted(ids & seen))
            seen |= ids
            session.retry()
