"""The mode exercises driven headlessly, as a learner would use them, plus the pure cluster
suggestions behind the Combination board."""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest

from seci_lab.content.course import page_of_kind
from seci_lab.content.exercises import ExerciseContentError, load_exercises, parse_exercises
from seci_lab.env import DB_ENV
from seci_lab.model import MODES, TEXT_MAX_CHARS, Mode
from seci_lab.model.rubric import MESSAGES
from seci_lab.model.combination import cluster_name, cosine_matrix, merge_page, suggest_clusters, tokens
from seci_lab.store.progress import open_progress
from seci_lab.ui.combination import combination_exercises
from seci_lab.ui.externalization import externalization_exercises
from seci_lab.ui.internalization import internalization_exercises
from seci_lab.ui.lessons import EXERCISES, spiral_page
from seci_lab.ui.mywork import my_work
from seci_lab.ui.socialization import socialization_exercises

PAYLOAD = '<img src=x onerror=alert(1)><script>alert("x")</script>'
RTL = "\u202eI shadowed the baker: مرحبا שלום"
EMOJI = "I watched 🍞 being kneaded 🧑‍🍳 for 3 days"
GOOD = "I shadowed the head baker for 3 days and watched how she kneads, because the recipe says nothing about it."
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def progress(tmp_path):
    return open_progress(url=f"sqlite:///{tmp_path / 'learner.sqlite'}")


def reopen(progress):
    """The same learner in a new page (a reload): a fresh Progress on the same database."""
    return open_progress(url=str(progress.engine.url))


def save(answer, text):
    answer.text.value = text
    answer.save_button.click()
    return answer


def test_every_mode_has_exercises_from_content():
    assert list(EXERCISES) == list(MODES)
    for mode in MODES:
        content = load_exercises(mode)
        assert content.mode is mode and content.fields
        assert all(len(f.hints) >= 2 for f in content.fields)


def test_content_errors_name_the_place():
    with pytest.raises(ExerciseContentError, match=r"\[socialization\] is missing"):
        parse_exercises({})


def test_socialization_saves_restores_and_adds_to_the_spiral(progress):
    ex = socialization_exercises(progress)
    ex.kind.value = "Job shadowing"
    ex.timing.value = ex.timing.options[1]
    answer = save(ex.answers["experience"], GOOD)
    assert answer.message.kind == "saved" and "Suggested quality" in answer.feedback.value
    assert "To improve" in answer.feedback.value
    record = progress.answer("S.experience")
    assert record["text"] == GOOD and record["kind"] == "Job shadowing" and 0 <= record["quality"] <= 1
    assert record["reasons"] and record["hint"]
    save(ex.answers["journal"], "I noticed she pauses before every fold, which I cannot explain yet.")
    ex.story_prompt.value = ex.story_prompt.options[2]
    save(ex.answers["story"], "A customer at the counter showed me what fresh bread means to them.")
    contributions = progress.contributions()
    assert [c.mode for c in contributions] == [Mode.SOCIALIZATION] * 3
    assert {c.round for c in contributions} == {1}
    assert contributions[0].quality == record["quality"]

    again = socialization_exercises(reopen(progress))  # reload: everything is back
    assert again.answers["experience"].text.value == GOOD
    assert again.kind.value == "Job shadowing" and again.timing.value == ex.timing.options[1]
    assert again.story_prompt.value == ex.story_prompt.options[2]
    assert "Suggested quality" in again.answers["journal"].feedback.value


def test_feedback_is_a_checklist_with_the_words_that_met_each_criterion_then_one_hint(progress):
    ex = socialization_exercises(progress)
    journal = ("She tapped the loaf twice and listened before she took it out; I heard a hollow sound "
               "only on the second tap. I still cannot explain what she hears. " + PAYLOAD)
    answer = save(ex.answers["journal"], journal)
    html = answer.feedback.value
    record = progress.answer("S.journal")
    assert [c["id"] for c in record["criteria"]] == ["moment", "sensory", "attention", "unsaid"]
    for c in record["criteria"]:  # each criterion with a symbol and a word, not colour alone
        word = {"met": "Met", "partly": "Partly", "missing": "Missing"}[c["status"]]
        assert f"<strong>{word}</strong> – {c['label']}" in html
    met = next(c for c in record["criteria"] if c["id"] == "unsaid")
    assert met["status"] == "met" and met["excerpt"] and f"“{met['excerpt']}”" in html
    assert html.count("To improve:") == 1 and record["hint"] in html
    assert html.index("seci-chip") < html.index("Checklist") < html.index("To improve:") < html.index("what is this?")
    assert "<script" not in html and "<img" not in html  # the answer's words are shown escaped


def test_an_answer_in_another_language_is_saved_unrated_with_a_message(progress):
    ex = socialization_exercises(progress)
    text = "Beim zweiten Besuch ist mir aufgefallen, dass die Bäckerin das Brot immer zweimal abklopft."
    answer = save(ex.answers["journal"], text)
    assert answer.message.kind == "saved" and "not assessed" in answer.message.text
    assert "Not assessed" in answer.feedback.value and html.escape(MESSAGES["other-language"]) in answer.feedback.value
    assert progress.answer("S.journal")["text"] == text and progress.answer("S.journal")["quality"] is None
    assert progress.contributions()[0].quality is None  # unrated: the spiral uses the default quality


def test_double_click_saves_once(progress):
    ex = socialization_exercises(progress)
    ex.answers["journal"].text.value = GOOD
    ex.answers["journal"].save_button.click()
    ex.answers["journal"].save_button.click()
    assert len(progress.answers()) == 1 and len(progress.contributions()) == 1


def test_hints_are_progressive_and_capped(progress):
    answer = socialization_exercises(progress).answers["journal"]
    hints = answer.field.hints
    assert answer.hints.value == ""
    answer.hint_button.click()
    assert hints[0] in answer.hints.value.replace("&#x27;", "'") and hints[1] not in answer.hints.value
    answer.hint_button.click()
    assert answer.hint_button.description == "Another hint" or answer.hint_button.disabled
    for _ in range(10):  # a forged click on the disabled button cannot go past the last hint
        answer._on_hint()
    assert answer.hints_shown == len(hints) and answer.hint_button.disabled


@pytest.mark.parametrize("text,expected", [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("x" * (TEXT_MAX_CHARS + 5), f"the limit is {TEXT_MAX_CHARS}"),
])
def test_bad_input_gets_a_message_and_the_text_is_kept(progress, text, expected):
    answer = socialization_exercises(progress).answers["journal"]
    save(answer, text)
    assert answer.message.kind == "error" and expected in answer.message.text
    assert answer.text.value == text  # nothing the learner typed is lost
    assert progress.answers() == {} and progress.contributions() == []


@pytest.mark.parametrize("text", [PAYLOAD, RTL, EMOJI])
def test_odd_and_hostile_text_is_kept_raw_and_shown_escaped(progress, text):
    answer = save(socialization_exercises(progress).answers["journal"], text)
    assert answer.message.kind == "saved"
    assert progress.answer("S.journal")["text"] == text
    assert progress.contributions()[0].text == text
    assert answer.text.value == text
    assert "<script" not in answer.message.value and "<img" not in answer.message.value
    if text == PAYLOAD:
        assert "&lt;script&gt;" in answer.message.value and "plain text" in answer.message.text
    assert socialization_exercises(reopen(progress)).answers["journal"].text.value == text


def test_externalization_ladder_and_skill(progress):
    ex = externalization_exercises(progress)
    ex.skill.value = "kneading dough"
    for key, text in [("metaphor", "Kneading is like stretching a rubber band."),
                      ("analogy", "The band is the gluten; stretching is folding, and it breaks if rushed."),
                      ("model", "Three steps: fold, turn, rest 2 minutes, because gluten needs time."),
                      ("instructions", "1. Fold the dough. 2. Turn it 90 degrees. 3. Repeat 10 times."),
                      ("uncaptured", "When the dough feels ready: only the hands know it after practice.")]:
        assert save(ex.answers[key], text).message.kind == "saved", key
    assert {r["skill"] for r in progress.answers(prefix="E.").values()} == {"kneading dough"}
    assert [c.mode for c in progress.contributions()] == [Mode.EXTERNALIZATION] * 5
    ex.skill.value = "s" * 500
    save(ex.answers["model"], "Another model")
    assert ex.answers["model"].message.kind == "error" and "skill" in ex.answers["model"].message.text
    assert externalization_exercises(reopen(progress)).skill.value == "kneading dough"


def test_cluster_suggestions_are_deterministic_and_sensible():
    cards = [
        "Knead the dough for ten minutes until the dough is smooth.",
        "Customers complain when the bread is stale in the afternoon.",
        "Fold the dough and let the dough rest before kneading again.",
        "Ask customers which bread they buy in the afternoon.",
        "Rest the kneaded dough in a warm place.",
        "A customer survey about stale bread.",
    ]
    groups = suggest_clusters(cards)
    assert groups == suggest_clusters(list(cards))  # same input, same suggestion
    as_sets = [set(g) for g in groups]
    assert {0, 2, 4} in as_sets and {1, 3, 5} in as_sets
    assert sorted(i for g in groups for i in g) == list(range(len(cards)))
    assert "dough" in cluster_name(cards, [0, 2, 4])
    assert len(suggest_clusters(cards, max_clusters=1)) == 1
    assert suggest_clusters([]) == []
    assert suggest_clusters(["only one"]) == [[0]]
    sim = cosine_matrix(cards)
    assert sim[0][2] > sim[0][1] and all(abs(sim[i][i] - 1.0) < 1e-9 for i in range(len(cards)))
    assert tokens("The kneaded DOUGHS!") == ["knead", "dough"]
    with pytest.raises(ValueError):
        suggest_clusters(cards, threshold=2.0)


def test_merge_page_orders_by_cluster_and_checks_the_assignment():
    cards = [("a", "Sample"), ("b", "Mine"), ("c", "Sample")]
    rows = merge_page(cards, [1, 0, 1], ["Named", ""])
    assert [(r.cluster, r.card) for r in rows] == [("Named", "b"), ("Cluster 2", "a"), ("Cluster 2", "c")]
    with pytest.raises(ValueError, match="does not exist"):
        merge_page(cards, [0, 5, 0], ["x"])


def test_combination_board_from_my_cards(progress):
    ex = externalization_exercises(progress)
    save(ex.answers["metaphor"], "Kneading dough is like stretching a rubber band " + PAYLOAD)
    board = combination_exercises(progress)
    mine = [c for c in board.cards if c[1].startswith("Mine")]
    assert len(mine) == 1 and PAYLOAD in mine[0][0]
    assert PAYLOAD not in "".join(child.children[0].value for child in board.cards_box.children)
    board.new_card.value = "Fold the dough three times before resting it"
    board.add_card_button.click()
    assert board.message.kind == "ok" and len(board.cards) == len(load_exercises("C").lists["sample_cards"]) + 2
    board.new_card.value = ""
    board.add_card_button.click()
    assert board.message.kind == "error" and "empty" in board.message.text

    groups = board.suggest()
    assert board.assignment() == [next(k for k, g in enumerate(groups) if i in g) for i in range(len(board.cards))]
    assert all(t.value for t in board.cluster_names[: len(groups)])
    board.cluster_names[0].value = "Dough handling"
    board.merge_button.click()
    assert board.message.kind == "ok", board.message.text
    assert len(board.merged) == len(board.cards) and "Dough handling" in board.page.value
    assert "&lt;script&gt;" in board.page.value and "<script" not in board.page.value
    csv = board.download.request().decode("utf-8-sig")
    assert csv.splitlines()[0] == "cluster,card,source" and "Dough handling" in csv
    page = [c for c in progress.contributions() if c.mode is Mode.COMBINATION]
    assert len(page) == 1 and "combined" in page[0].text

    # a forged dropdown value is refused in Python
    board.card_clusters[0].options = [("forged", 99)]
    board.merge_button.click()
    assert board.message.kind == "error" and "no valid cluster" in board.message.text

    again = combination_exercises(reopen(progress))  # the board and page come back
    assert [t.value for t in again.cluster_names][0] == "Dough handling"
    assert again.merged and "Dough handling" in again.page.value


def test_combination_page_quality_follows_its_clustering_and_names(progress):
    board = combination_exercises(progress)
    groups = board.suggest()
    assert len(groups) >= 2
    board.merge_button.click()
    suggested = progress.contributions()[-1].quality
    assert "Checklist" in board.page_feedback.value and "Cards in a cluster belong together" in board.page_feedback.value
    board.n_clusters.value = max(2, len(groups))
    for k, dropdown in enumerate(board.card_clusters):  # deal the cards round, ignoring what they say
        dropdown.value = k % 2
    for name in board.cluster_names:
        name.value = ""
    board.merge_button.click()
    dealt = progress.contributions()[-1].quality
    assert len(progress.contributions()) == 1  # the page's contribution is replaced, not added
    assert dealt < suggested - 0.2, (suggested, dealt)


def test_internalization_plan_log_aar_and_self_assessment(progress):
    board = combination_exercises(progress)
    board.suggest()
    board.merge_button.click()
    ex = internalization_exercises(progress, today=TODAY)
    assert len(ex.plan_from.options) > 1  # items of the merged page, plus "my own idea"
    ex.plan_from.value = ex.plan_from.options[0]
    save(ex.answers["plan"], "I will practise the fold 5 times this week because my page says so.")
    assert progress.answer("I.plan")["drawn_from"] == ex.plan_from.options[0]

    save(ex.answers["log"], "Day 1: tried 3 folds, the second felt easier.")
    ex.log_day.value = TODAY + dt.timedelta(days=1)
    assert ex.answers["log"].text.value == ""  # a new day, a new entry
    save(ex.answers["log"], "Day 2: did the folds without the notes.")
    assert set(progress.answers(prefix="I.log.")) == {"I.log.2026-03-02", "I.log.2026-03-03"}
    assert "2 days" in ex.log_list.value
    ex.log_day.value = TODAY
    assert ex.answers["log"].text.value.startswith("Day 1")

    for key in ("aar_intended", "aar_actual", "aar_why", "aar_sustain"):
        assert save(ex.answers[key], f"My answer to {key} after practising on 3 days.").message.kind == "saved"
    item = ex.items[0]
    ex.self_button.click()
    assert ex.message.kind == "error"  # nothing rated yet
    ex.before[item].value = 2
    ex.after[item].value = 4
    ex.self_button.click()
    assert ex.message.kind == "ok" and "up 2" in ex.self_result.value
    modes = [c.mode for c in progress.contributions()]
    assert modes.count(Mode.INTERNALIZATION) == 7  # plan, two days of log, four AAR answers

    again = internalization_exercises(reopen(progress), today=TODAY)
    assert again.before[item].value == 2 and again.after[item].value == 4
    assert again.answers["aar_why"].text.value.startswith("My answer to aar_why")
    assert again.plan_from.value == ex.plan_from.options[0]


def test_exercises_add_to_the_current_round(progress):
    progress.set_round(3)
    save(socialization_exercises(progress).answers["journal"], GOOD)
    assert progress.contributions()[0].round == 3
    assert progress.contribution_keys() == ["r3:S.journal"]


def test_spiral_page_starts_from_the_store_and_saves_changes(progress):
    save(socialization_exercises(progress).answers["journal"], GOOD)
    page = spiral_page(progress)
    lab = page.lab
    assert [c.text for c in lab.contributions] == [GOOD]
    lab.mode.value = Mode.EXTERNALIZATION
    lab.text.value = "Kneading is like stretching a rubber band: 3 steps."
    lab.add_button.click()
    assert [c.mode for c in progress.contributions()] == [Mode.SOCIALIZATION, Mode.EXTERNALIZATION]
    lab.entries.value = 0
    lab.remove_button.click()
    assert [c.mode for c in progress.contributions()] == [Mode.EXTERNALIZATION]
    lab.next_round_button.click()
    assert progress.round == 2
    assert spiral_page(reopen(progress)).lab.round == 2


def test_the_practice_group_is_kept_across_reloads(progress):
    page = spiral_page(progress)
    assert page.lab.practice.on and page.lab.practice.size == 5  # on by default
    page.lab.group_size.value = 8
    page.lab.peer_quality.value = 0.6
    again = spiral_page(reopen(progress)).lab
    assert (again.practice.on, again.practice.size, again.practice.quality) == (True, 8, 0.6)
    assert (again.group_size.value, again.peer_quality.value, again.simulate_group.value) == (8, 0.6, True)
    again.simulate_group.value = False
    assert not spiral_page(reopen(progress)).lab.simulate_group.value
    assert progress.contributions() == []  # settings, never contributions


def test_my_work_import_refuses_a_bad_file_and_accepts_a_good_one(tmp_path, progress):
    save(socialization_exercises(progress).answers["journal"], GOOD)
    exported = progress.export_bytes()
    other = open_progress(url=f"sqlite:///{tmp_path / 'other.sqlite'}")
    work = my_work(other)
    work.import_button.click()
    assert work.message.kind == "error" and "Choose" in work.message.text
    bad = json.dumps({"schema": "nope"}).encode()
    work.upload.value = ({"name": "<b>bad</b>.json", "type": "application/json", "size": len(bad),
                          "content": memoryview(bad), "last_modified": dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)},)
    work.import_button.click()
    assert work.message.kind == "error" and "nothing changed" in work.message.text
    assert "<b>" not in work.message.value
    assert other.answers() == {}
    work.upload.value = ({"name": "mine.json", "type": "application/json", "size": len(exported),
                          "content": memoryview(exported), "last_modified": dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)},)
    work.import_button.click()
    assert work.message.kind == "ok", work.message.text
    assert other.answers() == progress.answers()
    assert work.download_json.request() is not None
    assert b"<!DOCTYPE html>" in work.download_report.request()


def test_my_work_name(progress):
    work = my_work(progress)
    work.name.value = "  Ada  "
    work.name_button.click()
    assert progress.name == "Ada" and work.message.kind == "ok"
    work.name.value = ""
    work.name_button.click()
    assert work.message.kind == "error" and progress.name == "Ada"


@pytest.mark.parametrize("mode", MODES, ids=[m.label for m in MODES])
def test_lesson_page_saves_quiz_answers_and_recaps_the_spiral(progress, mode):
    from seci_lab.ui.lessons import lesson_page

    page = lesson_page(mode, progress)
    spiral = page_of_kind("spiral")
    assert mode.label in page.recap.summary.value and f'href="{spiral.href}"' in page.recap.summary.value
    assert spiral.label in page.recap.summary.value  # the link names the step the course map gives it
    first = next(iter(page.exercises.answers.values()))
    save(first, "I practised this 3 times with a colleague because it helps <b>me</b>.")
    assert first.message.kind == "saved", first.message.text
    assert "You added <strong>1</strong>" in page.recap.summary.value
    assert "&lt;b&gt;me&lt;/b&gt;" in page.recap.summary.value

    item = page.quiz.items[0]
    answer = item.question.answer
    item.submit(list(answer) if isinstance(answer, tuple) and item.question.kind == "order"
                else dict(item.question.answer_map) if item.question.kind == "match" else answer)
    saved = progress.answers(prefix="quiz:")
    assert f"quiz:{item.question.id}" in saved and saved[f"quiz:{item.question.id}"]["correct"] is True

    again = lesson_page(mode, reopen(progress))  # reload: answers and quiz come back
    assert next(iter(again.exercises.answers.values())).text.value == first.text.value
    assert again.quiz.items[0].question.id == item.question.id
    # the whole set comes back, its unanswered questions too (not a new random draw)
    assert [i.question.id for i in again.quiz.items] == [i.question.id for i in page.quiz.items]


def test_spiral_page_keeps_work_saved_from_another_tab(progress):
    page = spiral_page(progress)
    # another tab: a lesson saves an answer while the spiral page is open
    save(socialization_exercises(reopen(progress)).answers["journal"], GOOD)
    page.lab.mode.value = Mode.COMBINATION
    page.lab.text.value = "I combined my notes and the checklist into one table."
    page.lab.add_button.click()
    assert [c.mode for c in progress.contributions()] == [Mode.SOCIALIZATION, Mode.COMBINATION]


def test_lesson_page_without_a_usable_database_says_so(tmp_path, monkeypatch):
    from seci_lab.ui.lessons import lesson_page

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(DB_ENV, str(blocker / "sub" / "learner.sqlite"))
    page = lesson_page("S")
    message = page.children[0]
    assert message.kind == "error" and "cannot be saved" in message.text and "Traceback" not in message.value
    assert spiral_page().children[0].kind == "error"


def test_cluster_model_and_exercise_content_stay_pure():
    import subprocess
    import sys

    code = ("import sys, seci_lab.model.combination, seci_lab.content.exercises; "
            "print(sorted(m for m in ('ipywidgets', 'plotly', 'sqlalchemy', 'voila') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_recap_says_how_many_exercises_count_and_why_one_does_not_yet(progress):
    """Issue 22: "done" means attempted; the learner reads why a saved answer does not count yet."""
    from seci_lab.ui.lessons import lesson_page

    page = lesson_page(Mode.SOCIALIZATION, progress)
    total = len(load_exercises(Mode.SOCIALIZATION).fields)
    assert f"<strong>0 of {total}</strong>" in page.recap.summary.value
    save(page.exercises.answers["journal"], "asdf")
    assert f"<strong>0 of {total}</strong>" in page.recap.summary.value
    recap = page.recap.summary.value
    assert "does not count yet" in recap and "copied" not in recap and "cheat" not in recap.lower()
    assert "This does not count as done yet: " in page.exercises.answers["journal"].feedback.value
    save(page.exercises.answers["journal"],
         "On Tuesday Ana kneaded the dough at the bakery; she pressed it with her palm and paused when it "
         "felt springy. I cannot explain how she knew it was ready.")
    assert f"<strong>1 of {total}</strong> exercises count" in page.recap.summary.value
    assert "does not count yet" not in page.recap.summary.value
