"""The "Hand in" form, headless: to the class store, as a file, again, and with bad or forged input."""

from __future__ import annotations

import pytest

from seci_lab.classroom import load_files, parse_submission
from seci_lab.env import CLASS_DB_ENV
from seci_lab.model import Contribution, Mode
from seci_lab.store.classroom import ClassStore
from seci_lab.store.progress import open_progress
from seci_lab.ui.handin import IDENTITY_KEY, HandIn, hand_in_panel
from seci_lab.ui.lessons import critiques_lesson
from seci_lab.ui.lessons import lesson_page, spiral_page


@pytest.fixture(autouse=True)
def _not_on_a_hub(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)


@pytest.fixture
def progress(tmp_path):
    p = open_progress(url=f"sqlite:///{tmp_path / 'learner.db'}")
    p.save_answer("E.metaphor", {"mode": "E", "label": "1. Metaphor", "text": "Debugging is like a detective story.",
                                 "quality": 0.5, "reasons": [], "hint": "", "round": 1, "hints_used": 0})
    p.add_contribution(Contribution(p.name, Mode.EXTERNALIZATION, "Debugging is like a detective story.", 1, 0.5),
                       source_key="r1:E.metaphor")
    return p


@pytest.fixture
def class_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'class.db'}"
    monkeypatch.setenv(CLASS_DB_ENV, url)
    return url


@pytest.fixture
def no_class_db(monkeypatch):
    monkeypatch.delenv(CLASS_DB_ENV, raising=False)


def _sent(download) -> list:
    """Record what a DownloadButton sends to the browser."""
    sent = []
    download.send = lambda content, buffers=None: sent.append((content, buffers))
    return sent


def test_lesson_and_spiral_pages_offer_the_hand_in(progress, no_class_db):
    page = lesson_page("E", progress)
    assert isinstance(page.handin, HandIn)
    titles = [page.children[-1].get_title(i) for i in range(len(page.children[-1].children))]
    assert "Hand in to your instructor" in titles
    assert isinstance(spiral_page(progress).handin, HandIn)
    assert isinstance(critiques_lesson(progress).handin, HandIn)


def test_with_a_class_store_a_hand_in_lands_there(progress, class_db):
    form = lesson_page("E", progress).handin
    assert form.hand_in_button in form.children[4].children
    assert form.download.layout.display == "none"  # the file is only the fallback here
    form.learner_id.value, form.name.value, form.email.value = " s1234567 ", "Ada Lovelace", "ada@example.edu"
    form.hand_in_button.click()
    assert form.message.kind == "ok" and "Handed in" in form.message.text and "latest counts" in form.message.text
    assert "You last handed in to the class store" in form.last.value
    result = ClassStore().load()
    assert [s.learner_id for s in result.submissions] == ["s1234567"]
    sub = result.submissions[0]
    assert (sub.name, sub.email) == ("Ada Lovelace", "ada@example.edu")
    assert dict(sub.answers) == {"E.metaphor": progress.answer("E.metaphor")}
    assert [c.text for c in sub.contributions] == ["Debugging is like a detective story."]
    assert {c.participant for c in sub.contributions} == {"Ada Lovelace"}
    # the identity is remembered in the learner's store (and never handed in itself)
    assert progress.answer(IDENTITY_KEY)["learner_id"] == "s1234567"
    again = hand_in_panel(progress)
    assert (again.learner_id.value, again.name.value, again.email.value) == ("s1234567", "Ada Lovelace", "ada@example.edu")
    assert IDENTITY_KEY not in sub.answers


def test_hand_in_twice_the_latest_counts(progress, class_db):
    form = hand_in_panel(progress)
    form.learner_id.value, form.name.value = "s1", "Ada"
    form.hand_in_button.click()
    progress.save_answer("E.metaphor", {"mode": "E", "text": "Onboarding is like learning a city with a local."})
    form.hand_in_button.click()
    assert form.message.kind == "ok"
    store = ClassStore()
    assert store.count() == 1
    result = store.load()
    assert len(result.submissions) == 1
    assert result.submissions[0].answers["E.metaphor"]["text"] == "Onboarding is like learning a city with a local."
    assert list(result.problems["action"]) == ["replaced by a newer hand-in"]


def test_without_a_class_store_the_download_is_the_hand_in(progress, no_class_db):
    form = hand_in_panel(progress, course="MGT 501")
    assert form.download in form.children[4].children and form.hand_in_button not in form.children[4].children
    form.learner_id.value, form.name.value = "s7654321", "Grace Hopper"
    sent = _sent(form.download)
    form.download._on_message(form.download, {"event": "request"}, [])  # what the browser's click sends
    (content, buffers), = sent
    assert content["event"] == "file" and content["filename"].startswith("seci-lab-hand-in_s7654321_")
    sub = parse_submission(bytes(buffers[0]), source=content["filename"])
    assert (sub.learner_id, sub.name, sub.course) == ("s7654321", "Grace Hopper", "MGT 501")
    assert dict(sub.answers) == {"E.metaphor": progress.answer("E.metaphor")}
    assert form.message.kind == "ok" and "Upload it" in form.message.text
    assert "as a file" in form.last.value
    # the instructor's side reads the file back
    assert [s.learner_id for s in load_files([(content["filename"], bytes(buffers[0]))]).submissions] == ["s7654321"]


@pytest.mark.parametrize("learner_id, reason", [
    ("x" * 80, "the limit is 64"),
    ("s1\ns2", "control characters"),
])
def test_a_bad_learner_id_gets_a_message_and_nothing_is_lost(progress, class_db, learner_id, reason):
    form = hand_in_panel(progress)
    form.learner_id.value, form.name.value = learner_id, "Ada"
    before = progress.answers()
    form.hand_in_button.click()
    assert form.message.kind == "error" and reason in form.message.text
    assert form.learner_id.value == learner_id and form.name.value == "Ada"  # what was typed stays
    assert progress.answers() == before
    assert ClassStore().count() == 0


def test_an_e_mail_without_a_host_is_refused_before_anything_is_sent(progress, class_db):
    form = HandIn(progress, store_url=class_db)
    form.learner_id.value, form.name.value = "s1", "Robin"
    for bad in ("robin@", "robin@uni", "robin smith@uni.edu", "@uni.edu"):
        form.email.value = bad
        form.hand_in_button.click()
        assert form.message.kind == "error" and "does not look like an e-mail address" in form.message.text, bad
    assert ClassStore(class_db).count() == 0
    form.email.value = "robin@uni.edu"
    form.hand_in_button.click()
    assert form.message.kind == "ok" and ClassStore(class_db).count() == 1


def test_a_forged_click_with_an_empty_id_is_refused(progress, class_db):
    form = HandIn(progress, store_url=class_db)
    form.name.value = "Ada"
    form.hand_in_button.click()  # nothing disables the button in Python: the check is the guard
    assert form.message.kind == "error" and "learner id is empty" in form.message.text
    assert ClassStore(class_db).count() == 0
    # the file route too: no file is sent, the reason is shown
    file_form = HandIn(progress, store_url="")
    file_form.name.value = "Ada"
    sent = _sent(file_form.download)
    assert file_form.download.request() is None
    assert file_form.message.kind == "error" and "learner id is empty" in file_form.message.text
    # said once, in the panel's message, not again beside the button
    assert sent == [] and file_form.download.status == ""
    # an empty name is refused the same way
    file_form.learner_id.value, file_form.name.value = "s1", "  "
    assert file_form.download.request() is None and "name" in file_form.message.text


def test_an_unreachable_class_store_offers_the_file_instead(progress, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    form = HandIn(progress, store_url=f"sqlite:///{blocker / 'class.db'}")  # its folder cannot be made
    form.learner_id.value, form.name.value = "s1", "Ada"
    form.hand_in_button.click()
    assert form.message.kind == "error" and "download your hand-in file" in form.message.text
    assert form.download.layout.display is None  # shown now
    sent = _sent(form.download)
    form.download.request()
    assert parse_submission(bytes(sent[0][1][0])).learner_id == "s1"


def test_names_and_ids_with_markup_are_kept_raw_and_shown_escaped(progress, class_db):
    form = hand_in_panel(progress)
    form.learner_id.value, form.name.value = "s<b>1</b>", "<img src=x onerror=alert(1)>"
    form.hand_in_button.click()
    assert form.message.kind == "ok"
    assert "s&lt;b&gt;1&lt;/b&gt;" in form.message.value and "<b>1" not in form.message.value
    sub = ClassStore().load().submissions[0]
    assert (sub.learner_id, sub.name) == ("s<b>1</b>", "<img src=x onerror=alert(1)>")


def test_on_a_jupyterhub_the_login_is_the_first_guess_at_the_id(progress, monkeypatch, no_class_db):
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    assert hand_in_panel(progress).learner_id.value == "ada"
    progress.save_answer(IDENTITY_KEY, {"learner_id": "s1234567", "name": "Ada"})
    assert hand_in_panel(progress).learner_id.value == "s1234567"  # what the learner entered wins


def test_a_name_given_at_hand_in_shows_in_my_work_unless_the_learner_is_typing_there(progress, class_db):
    page = lesson_page("E", progress)
    my_work = page.children[-1].children[0]
    form = page.handin
    form.learner_id.value, form.name.value = "s7", "Grace Hopper"
    form.hand_in_button.click()
    assert my_work.name.value == "Grace Hopper"  # the "Your name" box follows the saved name
    my_work.name.value = "Grace B. Hopper"  # typing, not saved yet
    form.name.value = "G. Hopper"
    form.hand_in_button.click()
    assert my_work.name.value == "Grace B. Hopper"  # what the learner is typing is never overwritten
