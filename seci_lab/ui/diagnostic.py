"""The learner's pre/post diagnostic (issue 24, item 1), on the welcome page.

Before lesson 1 the learner takes one form; once every page of the course with work of its own
has been begun, the other. Which form comes first is decided by a hash of the learner id
(:func:`seci_lab.model.diagnostic.form_for`); the learner gives the id here (remembered for the
hand-in form). Every choice is saved at once (``diagnostic:pre`` / ``diagnostic:post``, with
``done`` false), so nothing is lost on a reload; "Finish" marks the sitting done. No score, key
or explanation is shown before the post-test is done; then both sittings are shown item by item.

Everything the page sends is checked again in Python: a forged click on a closed sitting, a
forged option, an id that is not valid. The record holds no score: the instructor's dashboard
scores it again (:mod:`seci_lab.classroom.learning`).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import ipywidgets as widgets

from ..content.course import PAGES
from ..content.diagnostic import load_diagnostic
from ..env import HUB_USER_VARIABLE
from ..model.diagnostic import FORMS, POST, PRE, normalized_gain, score_sitting, sitting_key, sitting_record
from ..model.submission import SubmissionError, check_learner_id
from ..model.work import IDENTITY_KEY
from ..store.progress import Progress
from .common import Message, full_width, labelled, safe_callback
from .frame import page_status
from .learner import open_learner_progress
from .templates import render

__all__ = ["DiagnosticPanel", "diagnostic_panel"]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class DiagnosticPanel(widgets.VBox):
    """The diagnostic on the welcome page. Attributes tests use: ``text`` (the panel's words),
    ``learner_id``, ``start_button``, ``questions`` (one RadioButtons per item, in order),
    ``finish_button``, ``message``, ``state`` ("pre", "wait", "post" or "done") and ``sitting``
    (the sitting being taken, or None)."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.forms = load_diagnostic()
        self.message = Message()
        self.text = widgets.HTML(layout=full_width())
        saved = progress.answer(IDENTITY_KEY) or {}
        known = saved.get("learner_id") if isinstance(saved.get("learner_id"), str) else ""
        self.learner_id = labelled(widgets.Text(value=known or os.environ.get(HUB_USER_VARIABLE, ""),
                                                placeholder="e.g. your student number",
                                                layout=widgets.Layout(width="100%", max_width="30em")),
                                   "Your learner id (the one your course knows you by; any name if you study alone)")
        self.start_button = widgets.Button(description="Start the check", button_style="primary",
                                           tooltip="Show the questions")
        self.questions: list[widgets.RadioButtons] = []
        self.items_box = widgets.VBox(layout=full_width())
        self.finish_button = widgets.Button(description="Finish the check", button_style="primary",
                                            tooltip="Hand in these answers: they cannot be changed afterwards")
        self.sitting: str | None = None
        self._form_shown = ""
        self._confirm_blank = False
        self.start_button.on_click(self._on_start)
        self.finish_button.on_click(self._on_finish)
        super().__init__(layout=full_width())
        self.add_class("seci-diagnostic")
        self.refresh()

    # -- state ---------------------------------------------------------------------------
    def _record(self, sitting: str) -> dict | None:
        record = self.progress.answer(sitting_key(sitting))
        return record if isinstance(record, dict) else None

    def _done(self, sitting: str) -> bool:
        record = self._record(sitting)
        return bool(record and record.get("done") is True)

    def _statuses(self) -> list[str | None]:
        """Each course page's mark as the course frame shows it ("" not begun, None: no work of its own)."""
        answers, contributions = self.progress.answers(), self.progress.contributions()
        return [page_status(p, answers, contributions) for p in PAGES]

    def _pages_left(self) -> int:
        return self._statuses().count("")

    @property
    def state(self) -> str:
        if self._done(POST):
            return "done"
        if self._pages_left() == 0:
            return "post"
        return "wait" if self._done(PRE) else "pre"

    def _form(self, sitting: str) -> str:
        """The form of ``sitting``: the one saved, else by the learner id (the post-test takes the
        form the pre-test did not, whatever id is typed now)."""
        from ..model.diagnostic import form_for

        record = self._record(sitting)
        if record and record.get("form") in FORMS:
            return record["form"]
        pre = self._record(PRE)
        if sitting == POST and pre and pre.get("form") in FORMS:
            return FORMS[1 - FORMS.index(pre["form"])]
        return form_for(sitting, self._checked_id())

    def _checked_id(self) -> str:
        try:
            return check_learner_id(self.learner_id.value)
        except SubmissionError as error:
            raise ValueError(error.reason) from None

    # -- drawing -------------------------------------------------------------------------
    def refresh(self) -> None:
        state = self.state
        n = len(self.forms.form("A"))
        statuses = self._statuses()
        values = {"state": state, "n": n, "begun": any(statuses), "left": statuses.count(""),
                  "pre_done": self._done(PRE)}
        if state == "done":
            values.update(self._results())
        self.text.value = render("diagnostic.html.j2", **values)
        open_sitting = {"pre": PRE, "post": POST}.get(state)
        record = self._record(open_sitting) if open_sitting else None
        if open_sitting and record and self.sitting is None:
            self._show_items(open_sitting, record)  # a sitting begun before a reload goes on
        children = [self.text, self.message]
        if open_sitting and self.sitting is None:
            self.start_button.description = ("Start the check before the course" if open_sitting == PRE
                                              else "Start the check after the course")
            children += [self.learner_id, self.start_button]
        elif self.sitting is not None:
            children += [self.items_box, self.finish_button]
        self.children = children

    def _show_items(self, sitting: str, record: dict | None) -> None:
        form = self._form(sitting) if record is None else record.get("form")
        saved = record.get("answers") if record and isinstance(record.get("answers"), dict) else {}
        self.sitting, self._form_shown = sitting, form
        self.questions, rows = [], []
        for number, item in enumerate(self.forms.form(form), start=1):
            q = item.question
            prompt = widgets.HTML(render("diagnostic_item.html.j2", number=number, prompt=q.prompt),
                                  layout=full_width())
            radio = widgets.RadioButtons(options=[(o.text, o.key) for o in q.options],
                                         value=saved.get(q.id) if saved.get(q.id) in {o.key for o in q.options}
                                         else None, layout=full_width())
            radio.description = f"Question {number}"
            radio.style = {"description_width": "0px"}  # the prompt above is its visible label
            radio.observe(self._on_choice, "value")
            self.questions.append(radio)
            rows += [prompt, radio]
        self.items_box.children = rows

    def _answers(self) -> dict[str, str]:
        out = {}
        for item, radio in zip(self.forms.form(self._form_shown), self.questions):
            if radio.value is not None and radio.value in {o.key for o in item.question.options}:
                out[item.id] = radio.value
        return out

    def _save(self, done: bool) -> None:
        previous = self._record(self.sitting) or {}
        learner_id = previous.get("learner_id") if isinstance(previous.get("learner_id"), str) else ""
        record = sitting_record(self.sitting, self._form_shown, self.forms.version, learner_id or self._checked_id(),
                                self._answers(), done=done, started_at=previous.get("started_at") or _now(),
                                done_at=_now() if done else "")
        self.progress.save_answer(sitting_key(self.sitting), record)

    def _results(self) -> dict:
        titles = {PRE: "The check before the course", POST: "The check after the course"}
        results, scores = [], {}
        for sitting in (PRE, POST):
            record = self._record(sitting)
            if not record or record.get("done") is not True:
                continue
            scored = score_sitting(sitting, record, self.forms.items, self.forms.version)
            if scored.status != "scored":
                continue
            scores[sitting] = scored
            answers = record.get("answers") if isinstance(record.get("answers"), dict) else {}
            rows = []
            for item in self.forms.form(scored.form):
                q, given = item.question, answers.get(item.id)
                chosen = next((o for o in q.options if o.key == given), None)
                right = q.option(q.answer)
                why = right.explanation.removeprefix("Right. ")  # the row already says right or not
                rows.append({"prompt": q.prompt, "given": chosen.text.rstrip(".") if chosen else "",
                             "right": given == q.answer, "answer": right.text.rstrip("."), "why": why})
            results.append({"title": titles[sitting], "rows": rows})
        pre, post = scores.get(PRE), scores.get(POST)
        return {"results": results, "pre_right": pre.right if pre else None, "pre_items": pre.items if pre else 0,
                "post_right": post.right if post else 0, "post_items": post.items if post else 0,
                "gain": (None if not (pre and post) or pre.score >= 1 else normalized_gain(pre.score, post.score))}

    # -- callbacks -----------------------------------------------------------------------
    @safe_callback(lambda self: self.message)
    def _on_start(self, _button=None) -> None:
        sitting = {"pre": PRE, "post": POST}.get(self.state)
        if sitting is None or self.sitting is not None:  # a forged click
            raise ValueError("There is no check to start now.")
        learner_id = self._checked_id()
        identity = self.progress.answer(IDENTITY_KEY) or {}
        if not identity.get("learner_id"):  # the hand-in form offers the same id
            self.progress.save_answer(IDENTITY_KEY, {**identity, "learner_id": learner_id})
        self._show_items(sitting, None)
        self._save(done=False)
        self.message.show("info", f"{len(self.questions)} questions. Your choices are saved as you go; press "
                                  "“Finish the check” at the end.")
        self.refresh()

    @safe_callback(lambda self: self.message)
    def _on_choice(self, _change=None) -> None:
        if self.sitting is not None:
            self._confirm_blank = False
            self._save(done=False)

    @safe_callback(lambda self: self.message)
    def _on_finish(self, _button=None) -> None:
        if self.sitting is None or self._done(self.sitting):
            raise ValueError("There is no check open to finish.")
        blank = len(self.questions) - len(self._answers())
        if blank and not self._confirm_blank:
            self._confirm_blank = True
            raise ValueError(f"{blank} question{'s are' if blank != 1 else ' is'} not answered yet. Answer "
                             f"{'them' if blank != 1 else 'it'}, or press “Finish the check” again to finish as it is "
                             "(an unanswered question counts as not right).")
        self._save(done=True)
        finished = self.sitting
        self.sitting, self.questions, self._confirm_blank = None, [], False
        self.items_box.children = ()
        self.message.show("ok", "Your answers are saved and will be handed in with your work."
                          + (" Your results are below." if finished == POST else ""))
        self.refresh()


def diagnostic_panel(progress: Progress | None = None) -> widgets.Widget:
    """The diagnostic for the welcome page (it does not display itself); a message instead when
    the learner's store cannot be opened."""
    progress, problem = open_learner_progress(progress)
    if progress is None:
        return problem
    return DiagnosticPanel(progress)
