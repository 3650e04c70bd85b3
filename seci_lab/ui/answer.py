"""One free-text answer of a lesson exercise: prompt, progressive hints, rubric feedback, saving,
and a worked example to compare with once the learner has tried (:mod:`seci_lab.ui.examples`).

Every answer is saved when the learner presses Save: the text and the rubric's feedback go to
the progress store (an upsert, so a double click stores once) and the text joins the learner's
spiral as a Contribution of the exercise's mode, in the learner's current round. A bad input
(empty, over the cap) gets a message beside the field and the text stays in the box.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from ..content.examples import example_for
from ..content.exercises import ExerciseField
from ..escape import html_text, shorten
from ..model import TEXT_MAX_CHARS, Mode
from ..model.quality_scale import ADEQUATE, STRONG, Band, band
from ..model.work import answer_key, contribution_key, score_answer
from ..store.progress import Progress
from .common import Message, full_width, safe_callback
from .examples import ExampleReveal

__all__ = ["TextAnswer", "feedback_html", "judgement", "section_html"]

_FULL = full_width()


def section_html(title: str, text: str = "", level: int = 3, *, anchor: str = "") -> widgets.HTML:
    """A heading and a paragraph (our own content, escaped all the same); ``anchor`` is the
    heading's id, for the course frame's contents list."""
    body = f"<p>{html_text(text)}</p>" if text else ""
    ident = f' id="{html_text(anchor)}"' if anchor else ""
    return widgets.HTML(f"<h{level}{ident}>{html_text(title)}</h{level}>{body}", layout=_FULL)


#: How each criterion's status is shown: a symbol and a word (never colour alone).
_STATUS = {"met": ("✓", "Met", "#1b5e20"), "partly": ("◐", "Partly", "#8a5a00"),
           "missing": ("✗", "Missing", "#b00020")}


#: The word a learner reads for each band of the quality scale.
_BAND_WORDS = {Band.NOT_YET: "Not yet", Band.ADEQUATE: "Good", Band.STRONG: "Strong"}
_SAVE = "Save answer"
_CHECKING = "Checking..."


def judgement(quality: float | None, met: int, total: int) -> tuple[Band, str] | None:
    """The one judgement an answer gets: its band on the quality scale, kept in agreement with
    the checklist, and the chip's words ("Not yet: 0 of 4", "Good: 3 of 4", "Strong").

    An answer that meets no criterion is "not yet" whatever its number; "strong" needs every
    criterion met. ``None`` when there is no quality (the rubric could not assess the answer).
    """
    level = band(quality)
    if level is None:
        return None
    if total and met == 0:
        level = Band.NOT_YET
    elif level is Band.STRONG and met < total:
        level = Band.ADEQUATE
    word = _BAND_WORDS[level]
    return level, (word if level is Band.STRONG or not total else f"{word}: {met} of {total}")


def _chip(quality: float, criteria: list[dict]) -> str:
    met = sum(1 for c in criteria if c.get("status") == "met")
    found = judgement(quality, met, len(criteria))
    if found is None:
        return ""
    level, words = found
    return (f'<p class="seci-judgement"><span class="seci-chip seci-chip-{level.value.replace(" ", "-")}">'
            f"{html_text(words)}</span> <span class=\"seci-sr\">criteria met</span></p>")


def _quality_note(quality: float) -> str:
    return (f'<details class="seci-quality-note"><summary>Suggested quality {quality:.2f} of 1: what is this?</summary>'
            f"<p>The checklist's estimate of how well the answer does the exercise's work. It feeds your "
            f"spiral: from {ADEQUATE:.2f} an answer counts as good and fully, from {STRONG:.2f} as strong. "
            "It is a teaching aid, not a grade.</p></details>")


def feedback_html(record: dict) -> str:
    """The rubric's feedback on an answer as a checklist (all escaped).

    Each criterion is met, partly met or missing, with the words of the answer that met it; then
    the one hint for the most valuable missing criterion; the suggested quality comes last. An
    answer the rubric could not assess shows why; a record saved before the checklist existed
    shows its reasons.
    """
    quality = record.get("quality")
    message = record.get("message") if isinstance(record.get("message"), str) else ""
    reason = record.get("reason") if record.get("counts") is False and isinstance(record.get("reason"), str) else ""
    counts = f"<p>This does not count as done yet: {html_text(reason)}.</p>" if reason else ""  # issue 22
    if quality is None and message:
        return (f'<div class="seci-rubric" role="status" aria-live="polite"><strong>Not assessed</strong>: '
                f'{html_text(message)}{counts}</div>')
    if not isinstance(quality, (int, float)) or isinstance(quality, bool):
        return ""
    criteria = [c for c in record.get("criteria", []) if isinstance(c, dict)] \
        if isinstance(record.get("criteria"), list) else []
    if criteria:
        items = []
        for c in criteria:
            symbol, word, colour = _STATUS.get(c.get("status"), _STATUS["missing"])
            excerpt = c.get("excerpt") if isinstance(c.get("excerpt"), str) else ""
            quote = f": “{html_text(excerpt)}”" if excerpt else ""
            items.append(f'<li class="seci-criterion seci-{word.lower()}"><span aria-hidden="true" '
                         f'style="color:{colour};font-weight:bold">{symbol}</span> <strong>{word}</strong> '
                         f'– {html_text(c.get("label", ""))}{quote}</li>')
        body = '<ul class="seci-checklist" style="list-style:none;padding-left:0.3em">' + "".join(items) + "</ul>"
    else:
        body = "<ul>" + "".join(f"<li>{html_text(r)}</li>" for r in record.get("reasons", [])
                                if isinstance(r, str)) + "</ul>"
    hint = html_text(record.get("hint", ""))
    return (
        '<div class="seci-rubric" role="status" aria-live="polite">' + _chip(quality, criteria)
        + "<strong>Checklist</strong>"
        + (f" <span>{html_text(message)}</span>" if message else "") + body
        + (f"<p><em>To improve:</em> {hint}</p>" if hint else "") + counts
        + _quality_note(quality) + "</div>"
    )


class TextAnswer(widgets.VBox):
    """A labelled text box with Save and progressive hints, bound to one key of the store.

    Parameters
    ----------
    progress : Progress
        Where the answer is saved.
    mode : Mode
        The mode its contribution belongs to.
    key : str
        The store key, e.g. ``"S.journal"``. May be changed later (see :meth:`set_key`).
    field : ExerciseField
        Label, prompt, placeholder and hints from ``exercises.toml``.
    extras : callable returning dict, optional
        More data to save with the answer (e.g. the chosen story prompt); may raise
        ``ValueError`` to refuse the save with a message.
    on_saved : callable, optional
        Called with the saved record after every save.
    """

    def __init__(self, progress: Progress, mode: Mode, key: str, field: ExerciseField,
                 extras: Callable[[], dict] | None = None,
                 on_saved: Callable[[dict], None] | None = None):
        self.progress = progress
        self.mode = Mode.parse(mode)
        self.key = key
        self.field = field
        self.extras = extras
        self.on_saved = on_saved
        self.hints_shown = 0
        self.record: dict | None = None

        # The id is what the course frame's contents list links to (one per exercise field).
        ident = html_text(f"seci-ex-{self.mode.value}-{field.key}")
        self.prompt = widgets.HTML(f'<strong id="{ident}">{html_text(field.label)}</strong><br>{html_text(field.prompt)}',
                                   layout=_FULL)
        self.text = widgets.Textarea(
            placeholder=field.placeholder, rows=4, layout=_FULL,
            description=field.label, style={"description_width": "initial"},
        )
        self.text.add_class(f"seci-answer-{key.replace('.', '-')}")
        self.counter = widgets.Label(f"0 / {TEXT_MAX_CHARS} characters")
        self.save_button = widgets.Button(layout=widgets.Layout(width="auto"),
            description=_SAVE, button_style="primary", icon="save",
            tooltip=f"Save your answer to “{field.label}” and add it to your spiral",
        )
        self.save_button.add_class(f"seci-save-{key.replace('.', '-')}")
        self.hint_button = widgets.Button(layout=widgets.Layout(width="auto"),
            description="Show a hint", icon="lightbulb-o",
            tooltip=f"A hint for “{field.label}”: a nudge first, more on each press",
        )
        self.hints = widgets.HTML(layout=_FULL)
        self.feedback = widgets.HTML(layout=_FULL)
        self.message = Message(layout=_FULL)
        # A strong and a weak example of this field, to reveal once the learner has tried.
        self.example = ExampleReveal([(field.label, example_for(answer_key(self.mode, field.key)))],
                                     what=f"“{field.label}”", on_reveal=self._on_reveal)
        super().__init__([
            self.prompt, self.text, self.counter,
            widgets.HBox([self.save_button, self.hint_button]),
            self.message, self.hints, self.feedback, self.example,
        ], layout=widgets.Layout(width="100%", margin="0 0 1em 0"))
        self.add_class("seci-text-answer")

        self.text.observe(self._on_text, names="value")
        self.save_button.on_click(self._on_save)
        self.hint_button.on_click(self._on_hint)
        self.restore()

    # --- restore -----------------------------------------------------------------------------

    def set_key(self, key: str) -> None:
        """Bind the box to another key (e.g. another day's log entry) and show what it holds."""
        self.key = key
        self.restore()

    def restore(self) -> None:
        """Show the answer saved under :attr:`key` (or an empty box)."""
        record = self.progress.answer(self.key)
        self.record = record
        self.message.clear()
        if record and isinstance(record.get("text"), str):
            self.text.value = record["text"]
            self.feedback.value = feedback_html(record)
            self.hints_shown = 0
            self._show_hints(int(record.get("hints_used", 0) or 0))
            self.message.show("info", "Your saved answer is back.")
        else:
            self.text.value = ""
            self.feedback.value = ""
            self._show_hints(0)

    # --- callbacks ---------------------------------------------------------------------------

    @safe_callback(lambda self: self.message)
    def _on_text(self, change) -> None:
        n = len(change["new"] or "")
        over = " (over the limit: shorten it before saving)" if n > TEXT_MAX_CHARS else ""
        self.counter.value = f"{n} / {TEXT_MAX_CHARS} characters{over}"
        if (change["new"] or "").strip():
            self.example.mark_tried()

    @safe_callback(lambda self: self.message)
    def _on_hint(self, _button=None) -> None:
        self._show_hints(self.hints_shown + 1)

    def _on_save(self, _button=None) -> None:
        if self.save_button.disabled:  # a forged or repeated click while the last one is scored
            return
        # While the rubric scores (a second or two), say so and show no old checklist; the page
        # receives these changes at once, before the callback ends.
        self.save_button.disabled = True
        self.save_button.description = _CHECKING
        self.feedback.value = '<p class="seci-checking" role="status" aria-live="polite">Checking your answer...</p>'
        try:
            self._save_pressed()
        finally:
            self.save_button.disabled = False
            self.save_button.description = _SAVE
            if self.feedback.value.startswith('<p class="seci-checking"'):  # refused: the saved one's again
                self.feedback.value = feedback_html(self.record) if self.record else ""

    @safe_callback(lambda self: self.message)
    def _save_pressed(self) -> None:
        self.example.mark_tried()  # pressing Save is trying, even when the box is refused
        self.save()

    def _on_reveal(self) -> None:
        # The saved answer notes that the example was seen (a later save notes it too).
        if self.record and not self.record.get("example_seen"):
            self.record = {**self.record, "example_seen": True}
            self.progress.save_answer(self.key, self.record)

    def save(self) -> dict:
        """Validate, score and save the current text; returns the saved record.

        Raises
        ------
        ValueError
            With a message for the learner (the text is kept in the box).
        """
        contribution, answer = score_answer(self.text.value, self.mode, participant=self.progress.name,
                                            round=self.progress.round, label=self.field.label,
                                            hints_used=self.hints_shown, field=self.field.key)
        if self.extras is not None:
            answer = answer.with_extras(self.extras())
        if self.example.revealed:
            answer = answer.with_extras({"example_seen": True})
        record = answer.to_dict()
        self.progress.save_answer(self.key, record)
        self.progress.add_contribution(contribution, source_key=contribution_key(answer.round, self.key))
        self.record = record
        self.feedback.value = feedback_html(record)
        note = (" It contains '<' or '>': it is kept exactly and shown as plain text, never run as code."
                if "<" in contribution.text or ">" in contribution.text else "")
        self.message.show(
            "saved",
            f"“{shorten(' '.join(contribution.text.split()), 80)}” "
            + ("" if answer.quality is not None else f"(not assessed: {answer.message}) ")
            + f"– it is in your spiral (round {answer.round}, {self.mode.label}).{note}",
        )
        if self.on_saved is not None:
            self.on_saved(record)
        return record

    def _show_hints(self, count: int) -> None:
        hints = self.field.hints
        self.hints_shown = max(0, min(count, len(hints)))  # a forged click cannot go past the last hint
        shown = hints[: self.hints_shown]
        self.hints.value = (
            '<div class="seci-hints"><strong>Hints</strong><ol>'
            + "".join(f"<li>{html_text(h)}</li>" for h in shown) + "</ol></div>"
        ) if shown else ""
        last = self.hints_shown >= len(hints)
        self.hint_button.disabled = last
        self.hint_button.description = "No more hints" if last else (
            "Show a hint" if self.hints_shown == 0 else "Another hint")
