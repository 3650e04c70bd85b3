"""Worked examples a learner can reveal after trying: a strong answer, and a weak one with what it lacks.

The "Show an example" button stays disabled until the learner has tried: written something in
the box, or pressed the field's Save or Check. A forged click before that is refused in Python
too (docs/architecture.md: every "disabled" rule is enforced again in the kernel). The examples are for
comparing, not for copying: the page says so, the answer record says the example was seen, and
the rubric gives a copy of an example no more credit than a copy of the prompt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from ..content.examples import WorkedExample
from ..escape import html_text
from .common import Message, safe_callback

__all__ = ["ExampleReveal", "example_html"]

_SEEN_NOTE = ("Compare it with your answer, then improve yours in your own words: a pasted example earns "
              "no credit, and your saved answer notes that you saw it.")


def _block(text: str) -> str:
    # pre-line keeps numbered steps on their own lines; the text is ours, escaped all the same
    return (f'<blockquote style="white-space:pre-line;margin:0.3em 0 0.6em 0;padding:0.4em 0.8em;'
            f'border-left:4px solid #888;background:#f6f6f6">{html_text(text)}</blockquote>')


def example_html(examples: Sequence[tuple[str, WorkedExample]]) -> str:
    """The examples as HTML: per field (named when there are several), the strong answer, the weak
    answer and what the weak one lacks."""
    several = len(examples) > 1
    body = []
    for label, example in examples:
        heading = f"<h4>{html_text(label)}</h4>" if several else ""
        context = f"<p><em>{html_text(example.context)}</em></p>" if example.context else ""
        lacks = "".join(f"<li>{html_text(item)}</li>" for item in example.lacks)
        body.append(
            f"{heading}{context}<p><strong>A strong answer</strong></p>{_block(example.strong)}"
            f"<p><strong>A weak answer</strong></p>{_block(example.weak)}"
            f"<p><strong>What the weak answer lacks</strong></p><ul>{lacks}</ul>"
        )
    return (f'<div class="seci-example" role="region" aria-label="Worked example" style="max-width:48em">'
            f'{"".join(body)}<p><em>{html_text(_SEEN_NOTE)}</em></p></div>')


class ExampleReveal(widgets.VBox):
    """A "Show an example" button and the worked examples it reveals once the learner has tried.

    Parameters
    ----------
    examples
        ``(label, example)`` of each field the button covers (one for a lesson field, four for
        the debate).
    what
        The field(s) in words, for the button's tooltip.
    check
        The name of the button that checks or saves the answer (pressing it counts as trying).
    on_reveal
        Called (no arguments) when the examples are revealed, e.g. to note it in the saved answer.
    seen
        Whether the learner saw the examples before (the answer record says so): they start shown.

    Attributes a test may use: ``button``, ``panel`` (the revealed HTML), ``note``, ``message``,
    ``tried`` and ``revealed``.
    """

    def __init__(self, examples: Sequence[tuple[str, WorkedExample]], *, what: str = "this answer",
                 check: str = "Save answer", on_reveal: Callable[[], None] | None = None, seen: bool = False):
        self.examples = tuple(examples)
        self.not_yet = f"Try it first: write something or press {check}, then compare with an example."
        self.on_reveal = on_reveal
        self.tried = bool(seen)
        self.revealed = False
        self.button = widgets.Button(description="Show an example", icon="eye", disabled=True,
                                     tooltip=f"A strong and a weak example for {what}, to compare with yours",
                                     layout=widgets.Layout(width="auto"))
        self.note = widgets.Label(self.not_yet)
        self.panel = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.message = Message(layout=widgets.Layout(width="100%"))
        super().__init__([widgets.HBox([self.button, self.note]), self.message, self.panel],
                         layout=widgets.Layout(width="100%"))
        self.add_class("seci-example-reveal")
        self.button.on_click(self._on_click)
        if seen:
            self._show()
        self._update()

    def mark_tried(self) -> None:
        """The learner has tried (written something, or pressed check): the button may be used."""
        self.tried = True
        self._update()

    def _update(self) -> None:
        self.button.disabled = self.revealed or not self.tried
        self.note.value = ("" if self.revealed else
                           "Compare your answer with a strong and a weak one." if self.tried else self.not_yet)

    def _on_click(self, _button=None) -> None:
        self.reveal()

    @safe_callback(lambda self: self.message)
    def reveal(self) -> None:
        """Show the examples (a ValueError with a message when the learner has not tried yet)."""
        if not self.tried:
            raise ValueError(self.not_yet)
        if self.revealed:
            return
        self._show()
        self._update()
        if self.on_reveal is not None:
            self.on_reveal()

    def _show(self) -> None:
        self.revealed = True
        self.message.clear()
        self.panel.value = example_html(self.examples)
