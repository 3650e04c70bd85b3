"""Rubric v2: criteria per exercise field as data, linguistic signals, guards against gaming,
other languages and bad input. Each test names the behaviour a learner or teacher relies on."""

from __future__ import annotations

import copy
import subprocess
import sys
import tomllib
from importlib import resources

import pytest

from seci_lab.content.exercises import load_exercises
from seci_lab.model import MODES, TEXT_MAX_CHARS, Mode, page_quality, rubric_field, suggest_quality
from seci_lab.model import text_signals as ts
from seci_lab.model.quality_scale import ADEQUATE, STRONG
from seci_lab.model.rubric import MESSAGES
from seci_lab.model.rubric_criteria import PAGE_SIGNALS, CriteriaError, load_criteria, parse_criteria


def q(text: str, mode: str, field: str | None = None) -> float:
    score = suggest_quality(text, mode, field)
    assert score.quality is not None, score.message
    return score.quality


def status(text: str, mode: str, field: str | None, criterion: str) -> str:
    score = suggest_quality(text, mode, field)
    return next(c.status for c in score.criteria if c.id == criterion)


# --- the criteria as data -------------------------------------------------------------------------

def test_every_exercise_field_has_its_own_criteria():
    data = load_criteria()
    for mode in MODES:
        for f in load_exercises(mode).fields:
            rubric = data.for_answer(mode, f.key)
            assert rubric.field == f.key and len(rubric.criteria) >= 3, f"{mode.value}.{f.key}"
            for c in rubric.criteria:
                assert c.label and c.looks_for and c.hint and c.weight > 0 and c.signals
        assert data.for_answer(mode, None).field is None  # a field-less answer: the mode's criteria


def test_field_less_call_uses_mode_criteria_and_unknown_field_is_refused():
    score = suggest_quality("I watched her knead the dough beside the oven.", "S")
    assert [c.id for c in score.criteria] == [c.id for c in load_criteria().modes[Mode.SOCIALIZATION].criteria]
    with pytest.raises(ValueError, match="journal"):
        suggest_quality("text", "S", "no_such_field")
    assert rubric_field("S", "no_such_field") is None and rubric_field("S", "journal") == "journal"


def _rubric_data() -> dict:
    text = resources.files("seci_lab").joinpath("content", "rubric.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["field"]["S"]["journal"]["criteria"][0].update(signals=["telepathy"]), "unknown signal"),
    (lambda d: d["field"]["S"]["journal"]["criteria"][0].update(weight=0), "weight"),
    (lambda d: d["field"]["S"]["journal"]["criteria"][0].pop("hint"), "hint"),
    (lambda d: d["field"]["S"]["journal"]["criteria"][0].update(need=0), "need"),
    (lambda d: d["field"]["S"]["journal"]["criteria"][1].update(id="moment"), "repeat"),
    (lambda d: d["mode"].pop("C"), r"\[mode.C\]"),
    (lambda d: d["field"]["S"]["journal"].update(colour="red"), "unknown key"),
    (lambda d: d["field"]["S"]["journal"].update(subject=["telepathy"]), "'subject' must list text signals"),
])
def test_a_mistake_in_the_criteria_file_is_named(change, message):
    data = copy.deepcopy(_rubric_data())
    change(data)
    with pytest.raises(CriteriaError, match=message):
        parse_criteria(data, ts.SIGNALS, PAGE_SIGNALS)


def test_model_stays_pure_and_light_at_import():
    code = ("import sys, seci_lab.model;"
            "bad = [m for m in ('seci_lab.content', 'sklearn', 'py3langid', 'lemminflect', 'ipywidgets',"
            " 'plotly', 'sqlalchemy') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- criterion types: each signal finds its kind of language, whole words only --------------------

def test_sensory_detail_and_what_resists_words_in_a_journal():
    rich = ("She paused before each cut and tilted the board toward the window. I heard the knife "
            "change pitch near the bone and felt the handle warm in my palm. I still cannot explain "
            "how she knew where to stop.")
    assert status(rich, "S", "journal", "sensory") == "met"
    assert status(rich, "S", "journal", "unsaid") == "met"
    flat = "The meeting covered the budget and the schedule for the next quarter."
    assert status(flat, "S", "journal", "sensory") == "missing"
    assert status(flat, "S", "journal", "unsaid") == "missing"


def test_ordered_imperative_steps_with_quantities_conditions_and_a_stop_rule():
    steps = ("1. Fill the kettle with 500 ml of water.\n2. Heat it until it just starts to hiss.\n"
             "3. Pour 250 ml over 15 g of tea leaves.\n4. If the tea tastes bitter, shorten the brew.\n"
             "5. Stop when the colour is amber, after about 3 minutes.")
    for criterion in ("ordered", "verbs", "quantities", "conditions", "stop"):
        assert status(steps, "E", "instructions", criterion) == "met", criterion
    prose = "Making tea is easy and everybody knows how to do it well."
    for criterion in ("ordered", "verbs", "stop"):
        assert status(prose, "E", "instructions", criterion) == "missing", criterion


def test_imperatives_are_verbs_in_their_base_form_not_nouns_or_past_tense():
    doc = ts.analyse("Weigh the flour.\nKneaded it twice.\nThe dough rests.\nTaste the sauce.")
    found = {k.split("@")[0] for k in ts.imperative(doc).found}
    assert found == {"weigh", "taste"}


def test_first_person_past_narrative_and_dates():
    doc = ts.analyse("Last Tuesday I watched the baker. On 3 March we tried it again at 7:30.")
    assert ts.narrative(doc).count == 2
    assert ts.moment(doc).count >= 3
    assert ts.narrative(ts.analyse("You should watch the baker. Bakers watch dough.")).count == 0


def test_numbers_count_with_what_they_measure():
    found = ts.quantity(ts.analyse("Add 18 g of coffee, wait 30 seconds, and repeat twice; 8 of 10 worked."))
    assert found.count >= 3
    assert ts.quantity(ts.analyse("Some coffee and some waiting.")).count == 0


def test_metaphor_comparison_and_why_it_fits():
    good = "Reviewing code is like proofreading a map, because one wrong turn sends everyone astray."
    assert status(good, "E", "metaphor", "image") == "met"
    assert status(good, "E", "metaphor", "why_fits") == "met"
    assert status("I like my job and I would like more training.", "E", "metaphor", "image") == "missing"


def test_analogy_pairs_and_where_it_breaks():
    good = ("The map is the code base; a wrong turn is a bug; the legend is the naming convention. "
            "But unlike a map, code changes every day while you read it.")
    assert status(good, "E", "analogy", "pairs") == "met"
    assert status(good, "E", "analogy", "breaks") == "met"
    assert status("They are quite similar in many respects overall.", "E", "analogy", "breaks") == "missing"


def test_after_action_review_questions_each_need_their_own_answer():
    why = ("Because I rushed the second step under time pressure. Behind that, my notes never said how long "
           "to wait, so I guessed.")
    assert status(why, "I", "aar_why", "cause") == "met" and status(why, "I", "aar_why", "deeper") == "met"
    sustain = "Keep the checklist by the till. Change the order of steps two and three, and try it on Friday."
    for criterion in ("keep", "change", "when_next"):
        assert status(sustain, "I", "aar_sustain", criterion) == "met", criterion
    assert status("It went fine.", "I", "aar_sustain", "keep") == "missing"


def test_practice_log_dated_entries_and_change_over_time():
    log = ("Day 1: I tried the greeting script on 4 calls and read every line from the card.\n"
           "Day 2: 6 calls; the opening felt easier and I no longer needed the card for it.")
    assert status(log, "I", "log", "dated") == "met" and status(log, "I", "log", "change") == "met"
    assert status("I practised.", "I", "log", "change") == "missing"


def test_cues_match_whole_words_only():
    # "apple" is not "apply", "also i" is not "so i", "shadows" on a wall is not shadowing someone.
    doc = ts.analyse("I ate an apple. He also is here; also i think the shadows were long.")
    assert ts.causal(doc).count == 0
    assert not ts.lemmas("apple") & {"apply"}
    assert ts.contrast(ts.analyse("The button was there.")).count == 0  # "but" inside "button"


def test_excerpt_shows_the_words_that_met_a_criterion_and_one_hint_for_the_most_valuable_gap():
    text = "Last week I shadowed Ana, the night nurse, for three shifts on ward 4."
    score = suggest_quality(text, "S", "experience")
    who = next(c for c in score.criteria if c.id == "who")
    assert who.status == "met" and who.excerpt and who.excerpt in " ".join(text.split())
    missing = [c for c in score.criteria if c.status != "met"]
    best = max(missing, key=lambda c: c.weight * (1 - c.score))
    assert score.hint == best.hint  # exactly one hint, the most valuable missing criterion
    assert all(c.excerpt == "" for c in score.criteria if c.status == "missing")


# --- guards against gaming -----------------------------------------------------------------------

GOOD_JOURNAL = ("On my second morning at the bakery, Ramon pressed the dough with two fingers before "
                "shaping it and waited for it to spring back. When it sank slowly he nodded and moved on; "
                "when it bounced fast he left the tray by the oven. I watched his hands for an hour and I "
                "still cannot say what he feels that I miss.")


def test_a_good_answer_scores_well():
    assert q(GOOD_JOURNAL, "S", "journal") >= 0.6


def test_copying_the_prompt_earns_nothing():
    prompt = load_exercises("S").field("journal").prompt
    score = suggest_quality(prompt, "S", "journal")
    assert score.quality <= 0.05 and "copied" in score.flags
    reworded = suggest_quality(prompt.replace("you", "I") + " 1. 2. 3.", "S", "journal")
    # what is left after the copy is taken out does not count, and stays under the cap of an
    # answer that does not count (0.1, "not yet")
    assert reworded.quality < 0.1 and "copied" in reworded.flags and not reworded.counts


def test_copying_the_lesson_case_earns_nothing():
    from seci_lab.content import load_lesson

    paragraph = load_lesson("S").case.paragraphs[0]
    assert q(paragraph, "S", "experience") <= 0.05


def test_repetition_earns_nothing():
    once = "I watched the baker knead the dough and noticed the rhythm of his hands."
    score = suggest_quality(" ".join([once] * 8), "S", "journal")
    assert score.quality <= q(once, "S", "journal") and "repetition" in score.flags


def test_stuffing_with_cue_words_earns_nothing():
    stuffed = ("noticed watched felt heard smell sound touch gesture pause because therefore however but "
               "cannot explain tacit moment hands eyes voice tone rhythm")
    score = suggest_quality(stuffed, "S", "journal")
    assert score.quality <= 0.1 and {"word-list", "stuffed"} & set(score.flags)


def test_a_short_journal_rich_in_varied_sensory_words_is_not_taken_for_stuffing():
    text = ("She tapped the loaf twice and listened before she took it out; I heard a hollow sound only on "
            "the second tap. I still cannot explain what she hears.")
    score = suggest_quality(text, "S", "journal")
    assert "stuffed" not in score.flags and score.quality >= 0.4
    sensory = next(c for c in score.criteria if c.id == "sensory")
    assert sensory.excerpt == "tapped … listened … heard … sound"  # the words that met it


def test_long_nonsense_with_cues_earns_little():
    nonsense = ("I noticed the gesture and the sound and the smell and the feeling because the cue was the "
                "gesture and the sound, and I felt the tone and the pause and the glance and the touch, and "
                "the gesture and the sound and the smell were the moment and the feeling of the pause and "
                "the cue and the glance and the gesture that I noticed and felt and heard.")
    score = suggest_quality(nonsense, "S", "journal")
    assert score.quality < 0.3 * q(GOOD_JOURNAL, "S", "journal")
    assert {"stuffed", "repetition"} & set(score.flags)


@pytest.mark.parametrize("text, mode, field, most, flags", [
    pytest.param("When I tried it, because 5.", "I", "aar_why", 0.05, {"few-words"}, id="template-of-cues"),
    pytest.param("I will do X on Y days, Z times a day, and I will know it worked when W happens.", "I", "plan",
                 0.1, {"template"}, id="placeholders"),
    pytest.param("What do you mean by a model? Could you show me an example first?", "E", "model", 0.05,
                 {"question"}, id="question-back"),
    pytest.param("A metaphor is a figure of speech that compares two different things.", "E", "metaphor", 0.05,
                 {"theory"}, id="definition"),
    pytest.param("The developer Tanaka went to the Osaka hotel to learn from its head baker, working next to him "
                 "to see and feel how he kneaded the dough.", "S", "experience", 0.1, {"lesson-case", "copied"},
                 id="lesson-case-retold"),
    pytest.param("Our striker scored twice in the first half and the keeper saved a penalty late on. The fans "
                 "sang all the way home on the train and the coach bought pizza for everyone.", "E", "analogy",
                 0.1, {"off-topic"}, id="off-topic"),
    pytest.param("The part of my skill corresponds to the part of the image and the comparison breaks down "
                 "where the analogy stops working, pair by pair, because the likeness of the parts breaks down "
                 "and each part of the skill is like a part of the image.", "E", "analogy", 0.2,
                 {"echo", "repetition"}, id="echo-of-the-exercise"),
    pytest.param("asdkj qwe lkjh zxcv poiu mnbv asdf ghjk qwerty uiop", "C", "synthesis", 0.0, {"no-words"},
                 id="no-words"),
])
def test_gaming_earns_little_and_says_why(text, mode, field, most, flags):
    score = suggest_quality(text, mode, field)
    assert score.quality <= most and flags & set(score.flags), (score.quality, score.flags)
    assert all(score.message.count(MESSAGES[f].split(":")[0]) for f in score.flags if f in MESSAGES)


def test_off_topic_says_so_and_letters_as_labels_are_no_template():
    football = ("Our striker scored twice in the first half and the keeper saved a penalty late on. The "
                "fans sang all the way home on the train and the coach bought pizza for everyone.")
    assert "does not seem to be about the exercise" in suggest_quality(football, "E", "analogy").message
    named = "Cluster A holds the watching cards; cluster B the written steps, and B lacks any photos."
    assert "template" not in suggest_quality(named, "C", "synthesis").flags


def test_general_statements_instead_of_own_experience_earn_little():
    general = ("As a general matter, people notice body language, tone of voice, timing and the small "
               "gestures that experts use without thinking during shared work.")
    score = suggest_quality(general, "S", "journal")
    assert "generic" in score.flags and score.quality < 0.5 * q(GOOD_JOURNAL, "S", "journal")
    assert "generic" not in suggest_quality("Because I didn't practise enough.", "I", "aar_why").flags


# --- other languages ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Beim zweiten Besuch ist mir aufgefallen, dass der Meister den Hobel kurz vor dem Ende immer anhebt.",
    "Voy a mantener la pausa de dos segundos antes de responder, porque funcionó en cuatro llamadas.",
    "二回目の見学で、職人は板の端の手前で必ずかんなを少し持ち上げることに気づいた。",
    "בביקור השני שמתי לב שהאומן תמיד מרים מעט את המקצועה לפני סוף הקרש.",
])
def test_another_language_is_not_scored_and_says_so(text):
    score = suggest_quality(text, "S", "journal")
    assert score.quality is None and score.flags == ("other-language",)
    assert score.message == MESSAGES["other-language"]
    assert "can't assess this language" in score.message.lower()


@pytest.mark.parametrize("text", [
    "ok", "Did practice.", "I watched her.", "Tried it twice, failed.", "Mise en place first.",
    "Keep the pause.", "Day 2: 3 calls, easier.", "Nothing.", "Practice makes perfect!",
    "Kneading dough is like taming a cat.", "lol idk", "yolo swag", "smh lmao", "sous vide", "wabi sabi",
])
def test_short_english_is_never_taken_for_another_language(text):
    assert suggest_quality(text, "I", "log").quality is not None


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, flag", [
    ("", "empty"), ("   \n\t ", "empty"), ("word " * (TEXT_MAX_CHARS * 2), "too-long"), (None, "not-text"),
])
def test_unassessable_input_gets_a_message_not_an_exception(text, flag):
    score = suggest_quality(text, "S", "journal")
    assert score.quality is None and score.flags == (flag,) and score.message


def test_an_answer_over_the_limit_is_assessed_and_told_to_shorten():
    long = " ".join([GOOD_JOURNAL] + [GOOD_JOURNAL.replace("second", day).replace("Ramon", name)
                                      for day, name in (("third", "Ilse"), ("fourth", "Omar"), ("fifth", "Vera"))])
    assert TEXT_MAX_CHARS < len(long) < 2 * TEXT_MAX_CHARS
    score = suggest_quality(long, "S", "journal")
    assert score.quality is not None and "too-long" in score.flags and "shorten" in score.message


def test_html_script_rtl_marks_and_emoji_are_assessed_as_plain_words():
    plain = suggest_quality(GOOD_JOURNAL, "S", "journal").quality
    marked = "<b>" + GOOD_JOURNAL + "</b><script>alert(1)</script> 🙂\u202e"
    score = suggest_quality(marked, "S", "journal")
    assert score.quality == pytest.approx(plain, abs=0.05) and "markup" in score.flags
    assert all("<script" not in c.excerpt for c in score.criteria)
    for odd in ("🙂🙂🙂", "<script>alert(1)</script>", "\u202e\u202d", "!!! ??? ...", "12 34 56"):
        score = suggest_quality(odd, "E", "model")
        assert score.quality is None or 0.0 <= score.quality <= 0.05


# --- the Combination page -------------------------------------------------------------------------

CARDS = ["Knead the dough for ten minutes until smooth.", "Let the dough rise in a warm place.",
         "Shape the dough into a round loaf.", "Write each step on a numbered card.",
         "Keep the written steps in a shared folder.", "Review the written steps with a colleague."]


def test_page_score_follows_the_quality_of_the_clustering_and_names():
    good = page_quality(CARDS, [0, 0, 0, 1, 1, 1], ["Dough handling", "Written steps"], [True] * 6)
    mixed = page_quality(CARDS, [0, 1, 0, 1, 0, 1], ["Dough handling", "Written steps"], [True] * 6)
    unnamed = page_quality(CARDS, [0, 0, 0, 1, 1, 1], ["", ""], [True] * 6)
    lumped = page_quality(CARDS, [0] * 6, ["Everything"], [True] * 6)
    assert good.quality >= 0.8
    assert mixed.quality < good.quality - 0.2
    assert unnamed.quality < good.quality - 0.2
    assert lumped.quality < good.quality - 0.3
    assert {c.id: c.status for c in good.criteria}["cohesion"] == "met"
    assert {c.id: c.status for c in mixed.criteria}["cohesion"] != "met"


def test_scoring_many_texts_at_once_gives_each_its_own_score():
    """suggest_qualities (the class analysis's batch) gives exactly suggest_quality's result for
    every answer: graded answers of every field, copies of the course, another language, text
    that is no words, an empty and an over-long answer, a repeated one."""
    import json
    from pathlib import Path

    from seci_lab.model.rubric import suggest_qualities

    dev = json.loads((Path(__file__).parent / "data" / "rubric_dev.json").read_text(encoding="utf-8"))
    items = [(a["text"], a["mode"], a["field"]) for a in dev]
    items += [("", "S", "story"), ("x" * 20_000, "E", "metaphor"), ("!!! ??? ...", "S", None),
              ("Ich habe gestern mit meiner Kollegin die Maschine eingestellt und viel gelernt.", "I", "plan"),
              (items[0][0], "S", None)]  # the same text against the mode's own criteria
    batch = suggest_qualities(items + items[:3])
    assert len(batch) == len(items)
    for item in items:
        assert batch[item] == suggest_quality(*item), item[0][:60]
    # the edge cases stop early, as with one text
    assert [batch[i].flags for i in items[-5:-1]] == [("empty",), ("too-long",), ("no-words",), ("other-language",)]


# --- rubric v3 (issue 22) ---------------------------------------------------------------------------

def test_a_refusal_meets_nothing_negation_has_a_scope():
    refusal = suggest_quality("I didn't watch anyone and can't describe any gesture.", "S", "journal")
    assert all(c.status == "missing" for c in refusal.criteria) and not refusal.counts
    assert refusal.reason and "cheat" not in refusal.reason and "copied" not in refusal.reason
    # a negation ends with its clause: what follows "what" was heard
    said = ts.analyse("I cannot explain what she hears.")
    assert [t.negated for t in said.tokens] == [False, False, True, False, False, False]


def test_stock_phrases_that_fit_every_field_meet_no_criterion():
    stock = "Next time I will keep doing what worked and continue to improve. Keep going, keep learning."
    score = suggest_quality(stock, "I", "aar_sustain")
    assert all(c.status == "missing" for c in score.criteria) and not score.counts
    concrete = "Keep the 2-minute burr check after each side; change to a wedge guide on Saturday's session."
    assert suggest_quality(concrete, "I", "aar_sustain").quality >= STRONG


def test_filler_dilutes_and_a_good_sentence_does_not_make_a_padded_answer_strong():
    good = "On Tuesday I watched Ana knead dough; her palm pressed and she paused when it felt springy."
    padded = ("Reflecting on this experience, I think it is very important to recognise how much we can learn "
              "from the people around us in everyday working life. In many organisations knowledge is shared "
              "informally and this is often overlooked by managers and staff alike. " + good + " Overall I believe "
              "that such reflection helps everyone to grow both personally and professionally, because growth "
              "matters and every person has something to offer.")
    assert q(padded, "S", "journal") < STRONG and q(padded, "S", "journal") <= q(good, "S", "journal")
    all_filler = ("Overall I believe that such reflection helps everyone to grow, because growth matters. Learning "
                  "is a journey and every experience is valuable in its own way. It is important to stay positive "
                  "and keep an open mind at all times. ")
    assert "filler" in suggest_quality(all_filler + good, "S", "journal").flags


def test_quality_saturates_a_terse_excellent_answer_is_not_penalised_for_length():
    terse = ("1. Weigh 18 g of beans. 2. Grind at setting 7. 3. Pour 250 ml of water at 94 °C in three pours. "
             "4. Stop when the bed is flat, about 3:30.")
    assert q(terse, "E", "instructions") >= STRONG
    metaphor = ("Proofreading a contract is like sweeping a minefield: you move slowly and test every clause, "
                "because one missed word blows up months later.")
    assert q(metaphor, "E", "metaphor") >= STRONG


def test_a_reworded_worked_example_is_caught_and_a_genuine_answer_in_the_same_domain_is_not():
    reworded = ("My left side went slowly since my wrist rises while I push the knife away, so the angle gets "
                "bigger and just the tip of the edge meets the stone. Why does the wrist rise? Step 3 of mine fixes "
                "the angle a single time at the beginning and offers no way of checking it mid-stroke, which is a "
                "hole in my instructions. The additional minutes are something else: I pause to reread the burr "
                "test each time, which is practice not yet second nature, not a missing step.")
    copy = suggest_quality(reworded, "I", "aar_why")
    assert "copied" in copy.flags and copy.quality < ADEQUATE and not copy.counts
    assert "own words" in copy.reason and "cheat" not in copy.reason
    genuine = ("The bread came out flat because I shaped it too early: the dough had risen for only 40 minutes, "
               "so it had no strength left after shaping. Behind that, my recipe card says 'let rise until doubled' "
               "but our kitchen is cold in December, and I went by the clock instead of the dough.")
    assert "copied" not in suggest_quality(genuine, "I", "aar_why").flags


def test_an_unusual_takeaway_is_no_reason_to_call_an_excellent_story_off_topic():
    story = ("My first week at the bakery, Jo slapped my hand off the oven door at minute 12 without a word; the "
             "loaves collapsed for the new guy who opened it. I have checked through the glass ever since.")
    score = suggest_quality(story, "S", "story")
    assert "off-topic" not in score.flags and score.quality >= STRONG


def test_a_good_answer_to_another_field_does_not_count_here():
    metaphor = ("Giving feedback to a junior colleague is like pruning a young tree: you cut a little, at the right "
                "place, so it grows in the direction you want, and you never cut so much that it stops growing.")
    score = suggest_quality(metaphor, "E", "instructions")
    assert "off-field" in score.flags and not score.counts and "another exercise" in score.reason


@pytest.mark.parametrize("text, counts", [
    ("Drei Wochen lang stand ich jeden Dienstagvormittag neben meiner Kollegin an der Auskunft der "
     "Stadtbibliothek und lernte, wie sie merkt, was ein Besucher eigentlich sucht.", True),
    ("毎週火曜日の朝、図書館の案内係の先輩の隣に立ち、利用者が本当に探しているものを二言で見抜く方法を学びました。", True),
    ("não sei, desculpa", False),
])
def test_another_language_is_saved_unscored_and_counts_when_substantive(text, counts):
    score = suggest_quality(text, "S", "experience")
    assert score.quality is None and "language" in score.message and score.counts is counts


def test_the_calibration_is_monotone_and_meets_the_shared_scale():
    from seci_lab.model.rubric import _CALIBRATION, _calibrate

    assert [_calibrate(x / 100) for x in range(101)] == sorted(_calibrate(x / 100) for x in range(101))
    assert ADEQUATE in [y for _, y in _CALIBRATION] and STRONG in [y for _, y in _CALIBRATION]
    assert _calibrate(0.0) == 0.0 and _calibrate(1.0) == 1.0


# --- rubric v3, second round (issue 22): classes of weakness found after the first held-out run ----

def test_a_refusal_with_a_polarity_item_is_not_what_resists_words_but_a_real_difficulty_is():
    refusal = "There was nothing I noticed. I can't describe any gesture and could not say anything about it."
    assert status(refusal, "S", "journal", "unsaid") == "missing"
    real = "Marta tilts the pan before the oil smokes. I can't say why she waits that extra second."
    assert status(real, "S", "journal", "unsaid") == "met"
    # a negated thing is still something specific, outside a refusal: it tells a change in a log
    log = "Day 5: tuned by ear three times, off by 3 cents at most. Didn't need the fret chart for G to B."
    assert status(log, "I", "log", "change") != "missing"


def test_a_name_at_the_start_of_a_sentence_is_a_name():
    text = ("Odile loads the brush, then rolls it once on the palette edge. Her breath stops mid-stroke. "
            "Why that roll changes the line I can't say.")
    score = suggest_quality(text, "S", "journal")
    assert "generic" not in score.flags and score.quality >= ADEQUATE
    assert "odile" in {t.lower for t in ts.proper_names(ts.analyse(text))}
    assert "the" not in {t.lower for t in ts.proper_names(ts.analyse("The cat sat. Then it left."))}


def test_chatbot_boilerplate_does_not_count_and_says_why_without_accusing():
    text = ("As an AI language model, I have not personally watched a nurse at work. Here is a general description "
            "of what one might notice: experts move calmly and read subtle cues they cannot put into words.")
    score = suggest_quality(text, "S", "journal")
    assert "boilerplate" in score.flags and not score.counts and score.quality < ADEQUATE
    assert "your own case" in score.reason and "cheat" not in score.reason


def test_a_journal_about_nobody_is_about_something_else():
    sunset = ("The river turned copper at six, then grey, and the reeds hissed when the wind came up. Ducks "
              "paddled under the bridge and the air smelled of mud and cut grass. I can't describe how still it felt.")
    score = suggest_quality(sunset, "S", "journal")
    assert "no-subject" in score.flags and score.quality < ADEQUATE
    watched = sunset.replace("Ducks paddled under the bridge", "The ferryman, Piet, paddled under the bridge")
    assert "no-subject" not in suggest_quality(watched, "S", "journal").flags


@pytest.mark.parametrize("text", ["No sé cómo explicarlo, perdón.", "wszystko ok", "Je ne sais pas du tout, désolé.",
                                  "nie wiem"])
def test_short_answers_in_another_language_are_unscored(text):
    score = suggest_quality(text, "E", "instructions")
    assert score.quality is None and "language" in score.message and not score.counts


def test_placeholder_latin_from_any_of_its_sentences_is_no_words():
    text = ("Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo "
            "consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore.")
    score = suggest_quality(text, "S", "journal")
    assert score.quality is not None and score.quality < 0.1 and not score.counts


def test_the_numpy_tfidf_gives_scikit_learns_cosines():
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    from seci_lab.model.tfidf import TfidfIndex, char_wb_ngrams

    corpus = ["Weigh 18 g of coffee and grind it fine.", "Tuning a guitar by ear takes practice.",
              "I watched Ana knead the dough on Tuesday.", "a b ab"]
    queries = ["I watched the baker knead dough", "grind 18 g coffee", "zzz", ""]
    vectorizer = sklearn_text.TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    expected = (vectorizer.fit_transform(corpus) @ vectorizer.transform(queries).T).toarray().T
    index = TfidfIndex(corpus, char_wb_ngrams)
    for query, row in zip(queries, expected):
        assert index.similarities(query) == pytest.approx(row, abs=1e-12)


def test_the_flattened_lemma_table_answers_as_lemminflect_and_survives_a_broken_cache(tmp_path, monkeypatch):
    import lemminflect

    from seci_lab.model import lemma_table

    words = ["watched", "saw", "felt", "weighs", "apple", "apply", "trued", "knives", "leant", "Aachen", "dialled"]
    for word in words:
        assert lemma_table.all_lemmas(word) == lemminflect.getAllLemmas(word), word
        for lemma in lemminflect.getAllLemmas(word).get("VERB", ()):
            assert lemma_table.verb_forms(lemma) == lemminflect.getAllInflections(lemma, upos="VERB"), lemma
    broken = tmp_path / "lemminflect-test.marshal"
    broken.write_bytes(b"not a table")
    monkeypatch.setattr(lemma_table, "_cache_name", lambda: broken.name)
    monkeypatch.setattr("seci_lab.model.disk_cache.cache_folder", lambda: tmp_path)
    monkeypatch.setattr(lemma_table, "_build", lambda: ({"watched": "VERB\x1fwatch"}, {}))
    lemma_table._tables.cache_clear()
    try:
        assert lemma_table.all_lemmas("watched") == {"VERB": ("watch",)}  # rebuilt, not raised
        assert broken.read_bytes() != b"not a table"  # and written back whole
    finally:
        lemma_table._tables.cache_clear()


def test_another_language_counts_only_with_several_different_words():
    mash = suggest_quality("asdfö " * 20, "S", "journal")
    assert mash.quality is None and not mash.counts
    real = suggest_quality("Drei Wochen lang stand ich jeden Dienstagvormittag neben meiner Kollegin an der "
                           "Auskunft und lernte, wie sie Fragen liest.", "S", "journal")
    assert real.quality is None and real.counts


def test_every_guard_has_words_for_the_learner_and_every_blocking_one_a_reason():
    from seci_lab.model.rubric import _BLOCKING, _FLAG_ORDER, NOT_COUNTING

    assert set(_FLAG_ORDER) <= set(MESSAGES), set(_FLAG_ORDER) - set(MESSAGES)
    assert set(_BLOCKING) <= set(NOT_COUNTING) and set(_BLOCKING) <= set(_FLAG_ORDER)
    for reason in NOT_COUNTING.values():  # what to do, never an accusation
        assert not any(word in reason for word in ("cheat", "gaming", "fake", "lazy"))


def test_a_metaphor_explained_in_the_next_sentence_fits():
    explained = ("Calming a crowded waiting room is like landing a kite in a gust. You give line instead of pulling, "
                 "you stay under it (a quiet word to the loudest person first) so the rest settles by itself.")
    assert status(explained, "E", "metaphor", "why_fits") == "met"
    assert q(explained, "E", "metaphor") >= STRONG
    bare = "Calming a crowded waiting room is like landing a kite in a gust."
    assert status(bare, "E", "metaphor", "why_fits") == "missing"


def test_a_terse_answer_of_three_words_of_ones_own_is_assessed_not_too_short():
    terse = suggest_quality("I expected the students to be quieter.", "I", "aar_intended")
    assert "few-words" not in terse.flags and terse.counts
    assert "few-words" in suggest_quality("Went fine.", "I", "aar_intended").flags
