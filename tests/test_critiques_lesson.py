"""Lesson 06 and the worked examples driven headlessly: an example is revealed only after trying
and the saved answer says so; the debate's feedback; the critique switches redraw the spiral and
say what changed."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from seci_lab.content import load_critiques
from seci_lab.content.examples import example_for
from seci_lab.content.exercises import load_exercises
from seci_lab.model import MODES
from seci_lab.model.work import REFLECTION_KEY, answer_key
from seci_lab.store.progress import open_progress
from seci_lab.ui.answer import TextAnswer
from seci_lab.ui.critiques import CritiqueSwitchesPanel, DebateExercise
from seci_lab.ui.lesson import critiques_page
from seci_lab.ui.lessons import critiques_lesson, exercises_for

JOURNAL = ("On day 2 she tapped the rind twice before cutting, and I could not hear what she heard, "
           "because the sound changed only a little.")


@pytest.fixture
def progress(tmp_path):
    return open_progress(url=f"sqlite:///{tmp_path / 'learner.sqlite'}")


def _answers(widget):
    """Every TextAnswer inside ``widget``."""
    found = [widget] if isinstance(widget, TextAnswer) else []
    for child in getattr(widget, "children", ()):
        found += _answers(child)
    return found


def _html(widget) -> str:
    out = [widget.value] if isinstance(widget, widgets.HTML) else []
    return " ".join(out + [_html(c) for c in getattr(widget, "children", ())])


# -- worked examples in the four lessons --------------------------------------------------
def test_every_lesson_field_offers_its_own_example(progress):
    seen = set()
    for mode in MODES:
        for answer in _answers(exercises_for(mode, progress)):
            example = example_for(f"{mode.value}.{answer.field.key}")
            assert answer.example.examples == ((answer.field.label, example),)
            assert answer.example.button.disabled and answer.example.panel.value == ""
            seen.add(f"{mode.value}.{answer.field.key}")
    assert seen == {f"{m.value}.{f.key}" for m in MODES for f in load_exercises(m).fields}


def test_the_example_is_revealed_only_after_trying_and_the_saved_answer_says_so(progress, tmp_path):
    journal = next(a for a in _answers(exercises_for("S", progress)) if a.field.key == "journal")
    reveal = journal.example
    reveal.button.click()  # a forged click on the disabled button
    assert not reveal.revealed and reveal.panel.value == "" and "Try it first" in reveal.message.text
    journal.text.value = "   "
    assert reveal.button.disabled  # blanks are not an answer
    journal.text.value = JOURNAL
    assert not reveal.button.disabled
    reveal.button.click()
    shown = reveal.panel.value
    example = example_for("S.journal")
    assert reveal.revealed and reveal.button.disabled
    assert "A strong answer" in shown and "A weak answer" in shown and "What the weak answer lacks" in shown
    assert example.lacks[0] in shown and "earns no credit" in shown
    journal.save_button.click()
    assert progress.answer(answer_key("S", "journal"))["example_seen"] is True


def test_pressing_save_counts_as_trying_and_a_later_reveal_marks_the_saved_answer(progress):
    experience, journal, story = _answers(exercises_for("S", progress))
    experience.save_button.click()  # empty: refused, but the learner tried
    assert experience.message.kind == "error" and not experience.example.button.disabled
    journal.text.value = JOURNAL
    journal.save_button.click()
    assert "example_seen" not in progress.answer(answer_key("S", "journal"))
    journal.example.button.click()
    record = progress.answer(answer_key("S", "journal"))
    assert record["example_seen"] is True and record["text"] == JOURNAL
    # a reload: the saved answer is back, so the learner may look again
    again = next(a for a in _answers(exercises_for("S", open_progress(url=str(progress.engine.url))))
                 if a.field.key == "journal")
    assert again.text.value == JOURNAL and not again.example.button.disabled
    assert story.example.button.disabled


# -- the debate ---------------------------------------------------------------------------
def test_the_debate_says_which_parts_are_there_and_substantive():
    saved = []
    debate = DebateExercise(on_save=saved.append)
    debate.critique.value = "bratianu"
    debate.boxes["claim"].value = ("Bratianu (2010) argues that socialization and combination are only transfers "
                                   "within one type of knowledge, not conversions.")
    debate.boxes["evidence"].value = "It is obvious."
    debate.check_button.click()
    feedback = debate.feedback.value
    assert "Substantive so far: 1 of 4 parts" in feedback
    assert "1. The claim: there and substantive." in feedback and "It names the critic" in feedback
    assert "2. The evidence: there, but needs more." in feedback and "Give the evidence itself" in feedback
    assert "3. Nonaka&#x27;s reply: missing." in feedback and "4. Your judgement: missing." in feedback
    assert "<em>Next:</em> 2. The evidence: Give the evidence itself" in feedback
    record = saved[-1]
    assert record["critique"] == "bratianu" and record["substantive"] == 1
    assert record["checked"]["claim"]["status"] == "substantive"
    assert record["checked"]["reply"]["status"] == "missing"
    assert record["text"].startswith("Critique: Which processes are really conversions?")
    assert record["example_seen"] is False
    # the same claim under another critique does not name its critic
    debate.critique.value = "culture"
    debate.check_button.click()
    assert "1. The claim: there, but needs more." in debate.feedback.value


def test_the_debate_example_is_revealed_after_trying_and_pasting_it_earns_nothing():
    saved = []
    debate = DebateExercise(on_save=saved.append)
    assert debate.example.button.disabled
    debate.example.reveal()
    assert not debate.example.revealed
    debate.check_button.click()  # pressing check with empty boxes is trying
    assert not debate.example.button.disabled and saved == []
    debate.example.button.click()
    assert all(example_for(f"debate.{k}").strong in debate.example.panel.value.replace("&#x27;", "'")
               for k in ("claim", "reply"))
    for key, box in debate.boxes.items():
        box.value = example_for(f"debate.{key}").strong
    debate.check_button.click()
    assert saved[-1]["example_seen"] is True and saved[-1]["substantive"] == 0
    assert "own words" in debate.feedback.value


def test_a_reveal_after_checking_marks_the_saved_debate():
    saved = []
    debate = DebateExercise(on_save=saved.append)
    debate.boxes["judgement"].value = "I think Tsoukas is right."
    debate.check_button.click()
    assert saved[-1]["example_seen"] is False
    debate.example.button.click()
    assert saved[-1]["example_seen"] is True and saved[-1]["parts"]["judgement"] == "I think Tsoukas is right."
    again = DebateExercise(on_save=saved.append, saved=saved[-1])
    assert again.example.revealed and again.boxes["judgement"].value == "I think Tsoukas is right."


def test_a_reflection_saved_before_the_debate_comes_back_as_the_judgement(progress):
    progress.save_answer(REFLECTION_KEY, {"text": "Bratianu convinces me more than Nonaka."})
    lesson = critiques_lesson(progress)
    debate = lesson.page.debate
    assert debate.boxes["judgement"].value == "Bratianu convinces me more than Nonaka."
    assert "earlier reflection" in debate.message.text
    debate.check_button.click()
    record = progress.answer(REFLECTION_KEY)
    assert record["parts"]["judgement"] == "Bratianu convinces me more than Nonaka." and "checked" in record
    assert "0 of 4 parts are there and substantive" in lesson.page.recap.value


def test_a_forged_critique_is_refused_and_nothing_is_lost():
    saved = []
    debate = DebateExercise(on_save=saved.append)
    debate.boxes["claim"].value = "Something"
    debate.critique.value = "tacit"
    debate.critique.options = [("Forged", "nonsense")]
    debate.check_button.click()
    assert debate.message.kind == "error" and "Choose one of the critiques" in debate.message.text
    assert saved == [] and debate.boxes["claim"].value == "Something"


# -- the critique switches ------------------------------------------------------------------
def _markers(figure):
    return [(t.name, tuple(t.x or ())) for t in figure.data]


def test_the_switches_redraw_the_spiral_and_say_what_changed():
    panel = CritiqueSwitchesPanel()
    assert "Organization level" in panel.summary.value and "Switch on a critique" in panel.summary.value
    before, defaults = _markers(panel.figure), _markers(panel.defaults_figure)
    assert before == defaults
    panel.phi.value = 0.3
    assert "φ = 0.30" in panel.summary.value and "4.87 explicit" in panel.summary.value
    assert _markers(panel.figure) != before and _markers(panel.defaults_figure) == defaults
    # one scale for both views, so the smaller spiral looks smaller
    assert panel.figure.layout.xaxis.range == panel.defaults_figure.layout.xaxis.range
    assert "4.87" in panel.table.value and "12.98" in panel.table.value and "1, 3" in panel.table.value
    panel.transfer_only.value = True
    assert "Bratianu" in panel.summary.value and "4.53 explicit" in panel.summary.value
    assert panel.switches.transfer_only and panel.trajectory.attrs["params"]["sigma"] == 0
    panel.reset_button.click()
    assert not panel.transfer_only.value and panel.phi.value == 0.6
    assert _markers(panel.figure) == before and "Switch on a critique" in panel.summary.value


def test_a_forged_phi_is_refused():
    panel = CritiqueSwitchesPanel()
    panel.phi.options = [("forged", 7.0)]
    assert panel.message.kind == "error" and "listed values of φ" in panel.message.text
    assert panel.switches.phi == 0.6


# -- the lesson's shape ---------------------------------------------------------------------
def test_lesson_06_has_the_shape_of_the_others():
    page = critiques_page()
    html = _html(page)
    order = [html.index(h) for h in ("What you will learn", "The critiques", "See two critiques in the spiral model",
                                     "Exercise", "Debate a critique", "Quiz", "Recap", "Sources")]
    assert order == sorted(order)
    content = load_critiques()
    assert content.goals[0] in html.replace("&amp;", "&") and content.recap[-1].split(":")[0] in html
    assert "Your debate is not checked yet" in page.recap.value
    assert isinstance(page.switches, CritiqueSwitchesPanel) and isinstance(page.debate, DebateExercise)
    assert "<script" not in html
