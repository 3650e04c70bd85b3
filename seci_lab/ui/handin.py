"""“Hand in”: a learner hands their saved work to the instructor, from any lesson.

On the JupyterHub recipe (``$SECI_LAB_HANDIN_SERVICE`` set by the hub) the work is sent to the
class's hand-in service (:mod:`seci_lab.classroom.handin_client`), signed with the server's hub
token, and the page says when; with a class store configured instead (``$SECI_LAB_CLASS_DB``, a
shared server) it is written there. A learner may hand in again any time and the latest counts.
Without either, the learner downloads a submission file and uploads it to the assignment in the
course's LMS (Canvas, Moodle, ...), from where the instructor downloads the class's files.

The learner's id, name and e-mail are remembered in their progress store (answer key
``handin:identity``, never handed in itself). Every field is checked again in Python when the
button is pressed, so a forged click or value is refused with a message, and nothing typed is lost.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime

import ipywidgets as widgets
from sqlalchemy.exc import SQLAlchemyError

from ..classroom.handin_client import HandInService, ServiceRefused, service_url
from ..classroom.submission import (
    SubmissionError,
    build_submission,
    check_learner_id,
    submission_bytes,
    submission_filename,
)
from ..env import COURSE_ENV, HUB_USER_VARIABLE
from ..escape import html_text, shorten
from ..model.progress_file import DEFAULT_NAME
from ..model.work import IDENTITY_KEY
from ..store.classroom import ClassStore, class_store_url
from ..store.progress import Progress
from .common import Message, count, full_width, safe_callback
from .download import DownloadButton

__all__ = ["HandIn", "IDENTITY_KEY", "hand_in_panel"]

log = logging.getLogger("seci_lab.ui")


_FULL = full_width()
_STYLE = {"description_width": "initial"}


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d} at {moment:%H:%M} UTC"


class HandIn(widgets.VBox):
    """The hand-in form: learner id, name, optional e-mail, and the hand-in action.

    Parameters
    ----------
    progress : Progress
        The learner's saved work (what is handed in).
    course : str
        The course name written into the hand-in (default ``$SECI_LAB_COURSE`` or empty).
    store_url : str, optional
        The class store's URL; default ``$SECI_LAB_CLASS_DB``. Without one (and without a hand-in
        service, ``$SECI_LAB_HANDIN_SERVICE``, which is used when no ``store_url`` is given), the
        hand-in is a file.

    Attributes for tests: ``learner_id``, ``name``, ``email``, ``hand_in_button`` (class store),
    ``download`` (the submission file; the fallback when the store cannot be reached),
    ``message``, ``last`` (HTML line saying when the learner last handed in), ``store``.
    """

    def __init__(self, progress: Progress, course: str = "", store_url: str | None = None):
        self.progress = progress
        self.course = course or os.environ.get(COURSE_ENV, "")
        # the hub's hand-in service first: a learner's server on the hub has no class store
        self.service_url = service_url() if store_url is None else None
        self.store_url = store_url if store_url is not None else (None if self.service_url else class_store_url())
        self.store: ClassStore | HandInService | None = None
        collected = bool(self.service_url or self.store_url)
        saved = progress.answer(IDENTITY_KEY) or {}
        name = saved.get("name") if isinstance(saved.get("name"), str) else progress.name
        # on a JupyterHub the login is a good first guess at the id the course knows
        # The signed-in user (JupyterHub sets it in the kernel's environment; the page cannot
        # change it): with a class store, the only id this learner may hand in under.
        self.user = os.environ.get(HUB_USER_VARIABLE, "").strip() if collected else ""
        known_id = self.user or (saved.get("learner_id") if isinstance(saved.get("learner_id"), str) else
                                 os.environ.get(HUB_USER_VARIABLE, ""))
        self.learner_id = widgets.Text(
            value=known_id,
            description="Your student id", placeholder="the id your course's LMS knows you by",
            disabled=bool(self.user), style=_STYLE, layout=widgets.Layout(width="100%", max_width="32em"))
        self.name = widgets.Text(
            value="" if name == DEFAULT_NAME else name, description="Your name",
            placeholder="as your instructor knows you", style=_STYLE,
            layout=widgets.Layout(width="100%", max_width="32em"))
        self.email = widgets.Text(
            value=saved.get("email", "") if isinstance(saved.get("email"), str) else "",
            description="E-mail (optional)", placeholder="name@university.edu", style=_STYLE,
            layout=widgets.Layout(width="100%", max_width="32em"))
        self.message = Message(layout=_FULL)
        self.last = widgets.HTML(layout=_FULL)
        self.hand_in_button = widgets.Button(
            description="Hand in", button_style="primary", icon="paper-plane", layout=widgets.Layout(width="auto"),
            tooltip="Hand in all your saved work to your instructor (you can hand in again later)")
        self.download = DownloadButton(
            "Download my hand-in file", "seci-lab-hand-in.json", "application/json", self._file_bytes, reports_errors=False,
            tooltip="Download your hand-in file, then upload it to the assignment in your course's LMS")
        self.hand_in_button.on_click(self._on_hand_in)
        if collected:
            intro = ("<p>Your instructor collects the class's work here. Enter your student id and name, then "
                     "press <strong>Hand in</strong>. You can hand in again any time: the latest counts.</p>")
            actions = [self.hand_in_button, self.download]
            self.download.layout.display = "none"  # shown only if the class store cannot be reached
        else:
            intro = ("<p>Enter your student id and name, download your hand-in file, and upload that file to "
                     "the assignment in your course's LMS (Canvas, Moodle or the like). It holds every answer, "
                     "score and spiral contribution you saved. Hand in a new file any time: the latest counts.</p>")
            actions = [self.download]
        super().__init__([
            widgets.HTML(intro, layout=_FULL),
            self.learner_id, self.name, self.email,
            widgets.HBox(actions, layout=widgets.Layout(flex_flow="row wrap")),
            self.message, self.last,
        ], layout=widgets.Layout(width="100%"))
        self.add_class("seci-handin")
        self._show_last(saved)

    # --- checks -------------------------------------------------------------------------------

    def identity(self) -> dict:
        """The id, name and e-mail as typed, checked; raises ``ValueError`` saying what to change."""
        learner_id = check_learner_id(self.learner_id.value)
        if self.user and learner_id != self.user:
            self.learner_id.value = self.user
            raise SubmissionError(f"You are signed in as {self.user}: you can hand in only under your own id, "
                                  f"{self.user}.")
        name = self.name.value
        if not isinstance(name, str) or not name.strip():
            raise SubmissionError("Enter your name as your instructor knows it.")
        # build_submission checks the name and e-mail as a hand-in file is checked
        return {"learner_id": learner_id, "name": name, "email": self.email.value or ""}

    def build(self) -> dict:
        """The hand-in of everything saved now (validated); the name becomes the learner's saved name."""
        who = self.identity()
        data = build_submission(self.progress, who["learner_id"], name=who["name"], email=who["email"],
                                course=self.course)
        learner = data["learner"]
        if learner["name"] != self.progress.name:
            self.progress.set_name(learner["name"])
        return data

    def _remember(self, data: dict, where: str) -> None:
        learner = data["learner"]
        record = {"learner_id": learner["id"], "name": learner["name"], "email": learner["email"],
                  "handed_in_at": data["handed_in_at"], "submission_id": data["submission_id"], "where": where}
        self.progress.save_answer(IDENTITY_KEY, record)
        self.learner_id.value, self.name.value, self.email.value = learner["id"], learner["name"], learner["email"]
        self._show_last(record)

    def _show_last(self, record: dict) -> None:
        when = record.get("handed_in_at")
        if not isinstance(when, str):
            self.last.value = ""
            return
        try:
            moment = datetime.fromisoformat(when)
        except ValueError:
            self.last.value = ""
            return
        how = "to the class store" if record.get("where") == "class store" else "as a file"
        self.last.value = f'<p class="seci-handin-last">You last handed in {how} on {html_text(_when(moment))}.</p>'

    # --- actions ------------------------------------------------------------------------------

    @safe_callback(lambda self: self.message)
    def _on_hand_in(self, _button=None) -> None:
        self.hand_in()

    def hand_in(self) -> datetime:
        """Write the hand-in to the class store; returns when it was handed in.

        Raises
        ------
        ValueError
            When a field is not valid, or there is no class store (the message says what to do).
        """
        if not self.store_url and not self.service_url:
            raise ValueError("This page has no class store: download your hand-in file and upload it to your LMS.")
        data = self.build()
        try:
            if self.service_url:
                if self.store is None:
                    self.store = HandInService(self.service_url)
                receipt = self.store.hand_in(data)  # the service records it under the hub's user
            else:
                if self.store is None:
                    self.store = ClassStore(self.store_url)
                receipt = self.store.hand_in(data, user=self.user or None)
        except ServiceRefused as error:
            raise SubmissionError(str(error)) from None
        except SubmissionError:
            raise
        except (ValueError, SQLAlchemyError, OSError) as error:  # unreachable or misconfigured store
            log.exception("class store unreachable")
            self.download.layout.display = None
            raise ValueError(
                f"The class store cannot be reached right now ({shorten(str(error), 120)}). Your work is saved "
                "on this computer: try again in a minute, or download your hand-in file below and upload it "
                "to your LMS.") from None
        self._remember(data, "class store")
        self.message.show("ok", f"Handed in on {_when(receipt.handed_in_at)} as {receipt.learner_id}: "
                          f"{count(len(data['answers']), 'answer')} and {count(len(data['contributions']), 'contribution')}. "
                          "Hand in again any time; the latest counts.")
        return receipt.handed_in_at

    def _file_bytes(self) -> bytes:
        """Build the submission file for the download button (a bad field: message, no file)."""
        try:
            data = self.build()
        except ValueError as error:
            self.message.show("error", f"No file yet: {error}")
            raise
        self.download.filename = submission_filename(data)
        raw = submission_bytes(data)
        self._remember(data, "file")
        self.message.show("ok", f"Your hand-in file {self.download.filename} is downloading "
                          f"({count(len(data['answers']), 'answer')}, {count(len(data['contributions']), 'contribution')}). "
                          "Upload it to the assignment in your LMS. A newer file replaces it there.")
        return raw


def hand_in_panel(progress: Progress, course: str = "") -> HandIn:
    """Build the “Hand in” area for ``progress`` (it does not display itself).

    Parameters
    ----------
    progress : Progress
        The learner's saved work.
    course : str
        Written into the hand-in; default ``$SECI_LAB_COURSE`` or empty.
    """
    return HandIn(progress, course=course)
