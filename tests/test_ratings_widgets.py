"""People's ratings in the dashboards, driven headlessly: the learner's self-rating in the spiral
lab and on the spiral page, the instructor's rating on the Learner tab (class spiral, gradebook,
and the learner's next visit with a class store), the facilitator's rating in a workshop."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from class_generator import write_class
from seci_lab.classroom.submission import build_submission
from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, DB_ENV, INSTRUCTOR_KEY_ENV
from seci_lab.model import Contribution, Mode
from seci_lab.model.contributions import INSTRUCTOR, RUBRIC, SELF
from seci_lab.model.work import IDENTITY_KEY
from seci_lab.store.classroom import ClassStore, InstructorRatings
from seci_lab.store.progress import open_progress
from seci_lab.store.workshop import WorkshopStore
from seci_lab.ui import spiral_lab
from seci_lab.ui.spiral import PracticeGroup
from seci_lab.ui.instructor import instructor_page
from seci_lab.ui.lessons import LessonPage, SpiralPage
from seci_lab.ui.workshop_facilitator import workshop_facilitator

TEXT = "I shadowed the head nurse for 3 days and watched how she calms patients, because the manual says nothing."


@pytest.fixture(autouse=True)
def _own_environment(monkeypatch, tmp_path):
    for name in (CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(DB_ENV, str(tmp_path / "own.sqlite"))


def _hover_texts(figure) -> str:
    return "\n".join(str(h) for trace in figure.data for h in (trace.hovertext or ()) if h)


# --- the learner ------------------------------------------------------------------------------

def test_self_rating_in_the_spiral_lab_marks_the_point_the_table_and_the_list():
    changes = []
    # Without the practice group, the first step's quality is the learner's own contribution's.
    lab = spiral_lab(on_change=changes.append, practice=PracticeGroup(on=False))
    lab.mode.value = Mode.SOCIALIZATION
    lab.text.value = TEXT
    lab.add_button.click()
    assert lab.contributions[0].quality_source == RUBRIC and "self-rated" not in _hover_texts(lab.figure)
    lab.entries.value = 0
    lab.my_rating.value = 0.95
    lab.rate_button.click()
    rated = lab.contributions[0]
    assert (rated.quality, rated.quality_source) == (0.95, SELF) and lab.message.kind == "ok"
    assert changes[-1] == [rated]  # saved through on_change like any other change
    assert "self-rated" in _hover_texts(lab.figure) and "self-rated" in _hover_texts(lab.top_view)
    assert "[self-rated]" in lab.table.value and "(self-rated)" in lab.entries.options[0][0]
    assert lab.trajectory.loc[0, "quality"] == 0.95  # the spiral uses the learner's quality
    lab.unrate_button.click()
    assert lab.contributions[0].quality_source == RUBRIC and "self-rated" not in lab.table.value
    lab.unrate_button.click()  # nothing of the learner's own to drop: said, not crashed
    assert lab.message.kind == "error" and "not rated this contribution yourself" in lab.message.text
    lab.entries.value = None
    lab.rate_button.click()
    assert lab.message.kind == "error" and "Select a contribution" in lab.message.text


def test_adding_with_the_learners_own_quality_is_self_rated_and_the_instructors_is_not_theirs():
    mine = Contribution("Me", "E", "A metaphor I rated", 1, 0.8, quality_source=SELF)
    theirs = Contribution("Me", "C", "A page the instructor rated", 1, 0.3, quality_source=INSTRUCTOR)
    lab = spiral_lab(contributions=[mine, theirs])
    lab.mode.value = Mode.INTERNALIZATION
    lab.use_rubric.value = False
    lab.quality.value = 0.7
    lab.text.value = "I practised it every night"
    lab.add_button.click()
    assert (lab.contributions[-1].quality, lab.contributions[-1].quality_source) == (0.7, SELF)
    assert "[rated by the instructor]" in lab.table.value
    lab.entries.value = 1
    lab.my_rating.value = 1.0
    lab.rate_button.click()
    assert lab.message.kind == "error" and "rated by the instructor" in lab.message.text
    assert lab.contributions[1] == theirs


def test_the_spiral_page_saves_a_self_rating_and_keeps_the_answers_contribution(tmp_path):
    progress = open_progress(url=f"sqlite:///{tmp_path / 'me.sqlite'}")
    progress.add_contribution(Contribution("Me", "S", TEXT, 1, 0.45), "r1:S.journal")
    page = SpiralPage(progress)
    page.lab.entries.value = 0
    page.lab.my_rating.value = 0.8
    page.lab.rate_button.click()
    assert progress.contribution_keys() == ["r1:S.journal"] and progress.ratings(SELF) == {"r1:S.journal": 0.8}
    assert SpiralPage(progress).lab.contributions[0].quality_source == SELF  # the next visit shows it
    data = build_submission(progress, "s1")
    assert data["contributions"][0]["quality_source"] == SELF  # and the hand-in carries it
    progress.engine.dispose()


def test_with_a_class_store_the_learner_sees_the_instructors_rating_on_the_next_visit(tmp_path, monkeypatch):
    class_url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    monkeypatch.setenv(CLASS_DB_ENV, class_url)
    progress = open_progress(url=f"sqlite:///{tmp_path / 'me.sqlite'}")
    progress.add_contribution(Contribution("Me", "S", TEXT, 1, 0.45), "r1:S.journal")
    before = LessonPage("S", progress)
    assert "rated by the instructor" not in before.recap.summary.value
    progress.save_answer(IDENTITY_KEY, {"learner_id": "S100", "name": "Me"})  # as the hand-in form does
    ClassStore(class_url).hand_in(build_submission(progress, "S100"))
    InstructorRatings(class_url).rate("s100", "S.journal", 0.9)
    lesson = LessonPage("S", progress)
    assert "quality 0.90 <strong>(rated by the instructor)</strong>" in lesson.recap.summary.value
    lab = SpiralPage(progress).lab
    assert (lab.contributions[0].quality, lab.contributions[0].quality_source) == (0.9, INSTRUCTOR)
    assert "rated by the instructor" in _hover_texts(lab.figure)
    progress.engine.dispose()


def test_an_unreachable_class_store_does_not_stop_the_page(tmp_path, monkeypatch):
    monkeypatch.setenv(CLASS_DB_ENV, "postgresql+psycopg://nobody@127.0.0.1:1/class")
    progress = open_progress(url=f"sqlite:///{tmp_path / 'me.sqlite'}")
    progress.save_answer(IDENTITY_KEY, {"learner_id": "S100"})
    progress.replace_ratings(INSTRUCTOR, {"S.journal": 0.9})  # brought in on an earlier visit
    progress.add_contribution(Contribution("Me", "S", TEXT, 1, 0.45), "r1:S.journal")
    page = SpiralPage(progress)
    assert page.lab.contributions[0].quality == 0.9  # what was brought in before still shows
    progress.engine.dispose()


# --- the instructor ---------------------------------------------------------------------------

@pytest.fixture
def loaded(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    write_class(folder, n=12, seed=3, bad_files=False)
    page = instructor_page(str(folder))
    page.load_button.click()
    assert page.message.kind == "ok", page.message.text
    page.render_all()
    return page


def _gradebook_row(page, learner_id: str) -> pd.Series:
    frame = pd.read_csv(io.BytesIO(page._gradebook("canvas")), dtype={"SIS User ID": str})
    return frame.set_index("SIS User ID").loc[learner_id]


def test_an_instructors_rating_changes_the_class_spiral_and_the_gradebook_row(loaded):
    page = loaded
    learner = page.learner.value
    keys = [key for _, key in page.rate_item.options]
    answer = next(k for k in keys if not k.startswith(("spiral:", "contribution:")) and "." in k)
    page.rate_item.value = answer
    current = page.data.rateable(learner).set_index("key").loc[answer, "quality"]
    target = 0.0 if current > 0.5 else 1.0
    table_before, grade_before = page.spiral_table.value, _gradebook_row(page, learner)["SECI lab"]
    assert page.clear_rating_button.disabled  # nothing of the instructor's to clear yet
    page.rate_value.value = target
    page.rate_button.click()
    assert page.message.kind == "ok", page.message.text
    assert page.spiral_table.value != table_before and "[rated by the instructor]" in page.spiral_table.value
    assert _gradebook_row(page, learner)["SECI lab"] != grade_before
    others = _gradebook_row(page, page.data.learners["learner_id"].iloc[-1])
    assert "rated by the instructor" in page.learner_answers.html.value
    assert "Your rating" in page.rating_note.value and not page.clear_rating_button.disabled
    # stored: a new dashboard loading the same class shows it
    again = instructor_page(page.folder.value)
    again.load_button.click()
    assert again.data.answers.set_index(["learner_id", "key"]).loc[(learner, answer), "quality_source"] == INSTRUCTOR
    assert InstructorRatings().of(learner) == {answer: target}
    page.clear_rating_button.click()
    assert _gradebook_row(page, learner)["SECI lab"] == grade_before and "[rated by the instructor]" not in \
        page.spiral_table.value
    assert _gradebook_row(page, others.name)["SECI lab"] == others["SECI lab"]


def test_forged_ratings_are_refused(loaded):
    page = loaded
    with pytest.raises(ValueError, match="Choose a learner"):
        page.rate("nobody", "S.journal", 0.5)
    with pytest.raises(ValueError, match="Choose one of this learner"):
        page.rate(page.learner.value, "S.not-theirs", 0.5)
    page.rate_value.value = 0.5
    page.rate_item.options = [("forged", "E.nothing")]  # a value the page never offered
    page.rate_button.click()
    assert page.message.kind == "error" and "Traceback" not in page.message.value


# --- the facilitator --------------------------------------------------------------------------

def test_the_facilitator_rates_a_contribution_and_the_spiral_table_says_so(tmp_path):
    url = f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    facilitator = workshop_facilitator(WorkshopStore.open(url), live=False, can_create=True, key="", join_code="",
                                       join_url="")
    facilitator.title.value = "Retro"
    facilitator.create_button.click()
    session = facilitator.session
    store = WorkshopStore.open(url)
    person = store.join(session.join_code, "Ana")
    store.open_phase(session.id, facilitator.key, "E")
    idea = store.submit(person.token, "Onboarding is like a relay race: the baton is the context", "k1")
    facilitator.refresh()
    facilitator.moderate.value = idea.id
    facilitator.rating.value = 0.9
    facilitator.rate_button.click()
    assert facilitator.message.kind == "ok", facilitator.message.text
    assert store.qualities(session.id)[idea.id] == (0.9, "facilitator")
    assert "[rated by the facilitator]" in facilitator.spiral_table.value
    assert "rated by the facilitator" in dict((v, k) for k, v in facilitator.moderate.options)[idea.id]
    facilitator.unrate_button.click()
    assert store.ratings(session.id) == {} and "[rated by the facilitator]" not in facilitator.spiral_table.value
    facilitator.key = "forged"  # a page whose key is wrong gets the store's refusal as a message
    facilitator.rate_button.click()
    assert facilitator.message.kind == "error" and store.ratings(session.id) == {}
    store.close()
