"""Small pieces every seci-lab dashboard shares: safe callbacks and accessible messages."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Callable

import ipywidgets as widgets

from sqlalchemy.exc import DatabaseError

from ..escape import html_text
from ..exports import html_table

__all__ = ["Message", "count", "frame_html", "full_width", "keep_choice", "labelled", "safe_callback", "uploaded_files"]

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("seci_lab.ui")


def full_width(**layout) -> widgets.Layout:
    """The one full-width layout: the column's whole width and no side margin (ipywidgets' own
    2 px margin would push a 100 % wide box past its column and get it clipped on a phone).
    ``layout`` adds to it (e.g. ``margin="0 0 1em 0"``)."""
    return widgets.Layout(**{"width": "100%", "margin": "0", **layout})


def labelled(widget: widgets.Widget, label: str) -> widgets.Widget:
    """``widget`` with ``label`` as its visible description, at full length (ipywidgets cuts a
    description at a fixed width; the stylesheet puts it above the field on a phone)."""
    widget.description = label
    widget.style = {"description_width": "initial"}
    return widget


class Message(widgets.HTML):
    """A status line announced to screen readers; the kind is said in words, not only colour."""

    _STYLES = {
        "error": ("Check this:", "#8a1c1c", "#fdecea"),
        "ok": ("Done:", "#1e5e2f", "#e8f5ea"),
        "info": ("Note:", "#1f3f6b", "#e8eef8"),
        # neutral: that an answer was stored says nothing about how good it is (the chip does)
        "saved": ("Saved:", "#3d4450", "#f4f6f8"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.clear()

    def show(self, kind: str, text: str) -> None:
        """Show ``text`` (escaped) as ``kind``: "error", "ok", "info" or "saved"."""
        prefix, fg, bg = self._STYLES[kind]
        role = "alert" if kind == "error" else "status"
        self.value = (
            f'<div role="{role}" aria-live="polite" class="seci-message seci-{kind}" '
            f'style="color:{fg};background:{bg};padding:0.4em 0.6em;border-radius:4px;'
            f'border-left:4px solid {fg}"><strong>{prefix}</strong> {html_text(text)}</div>'
        )
        self.kind = kind
        self.text = text

    def clear(self) -> None:
        self.value = '<div role="status" aria-live="polite" class="seci-message"></div>'
        self.kind = ""
        self.text = ""


def keep_choice(dropdown: widgets.Dropdown, options: list[tuple[str, object]]) -> None:
    """Offer ``options`` in ``dropdown``, keeping its value when it is still offered.

    ipywidgets moves a dropdown back to its first option whenever its options are assigned;
    a live page refreshing while someone chooses would then act on another item than the one
    they picked (hide the wrong contribution, assign the wrong harvester).
    """
    options = list(options)
    if list(dropdown.options) == options:
        return
    previous = dropdown.value
    dropdown.options = options
    if any(value == previous for _, value in options):
        dropdown.value = previous


def frame_html(frame: "pd.DataFrame", caption: str, *, empty: str = "Nothing to show.") -> str:
    """An escaped HTML table with a caption (:func:`seci_lab.exports.html_table`), scrollable
    and reachable by keyboard.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show (all of them: page first with :class:`PagedTable`).
    caption : str
        What the table shows (escaped).
    empty : str
        Shown instead of a table when ``frame`` has no rows.
    """
    if frame is None or frame.empty:
        return f"<p><strong>{html_text(caption)}:</strong> {html_text(empty)}</p>"
    table = html_table(frame, caption, classes="seci-table")
    return (f'<div class="seci-table-wrap" role="region" tabindex="0" '
            f'aria-label="{html_text(caption)}">{table}</div>')


def count(n: int, word: str) -> str:
    """``n`` and ``word``, plural unless ``n`` is 1: "1 file", "3 files"."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def uploaded_files(value) -> list[tuple[str, bytes]]:
    """The ``(name, bytes)`` of each file in a FileUpload ``value`` (ipywidgets 8).

    The value comes from the page, so it is checked: an item that is not an uploaded file
    raises ValueError with a message for the person, as a forged one would.
    """
    files = []
    for item in value or ():
        if not isinstance(item, dict) or "content" not in item:
            raise ValueError("The file could not be read: choose it again.")
        content = item["content"]
        data = content.tobytes() if isinstance(content, memoryview) else bytes(content)
        files.append((str(item.get("name", "the file")), data))
    return files


#: Shown when a save fails: the page keeps what was typed in its box (callbacks clear a box
#: only after a save succeeded), so say so, and never that the work was saved.
NOT_SAVED = ("This was NOT saved: the database could not be written (a read-only file or a full disk?). "
             "What you typed is still in its box: copy it somewhere safe, then try again, or tell whoever "
             "runs this server.")
FAILED = ("Something went wrong on our side, so this step may not have been saved. What you typed is still in "
          "its box; try again.")


def safe_callback(message: Callable[[], Message]) -> Callable:
    """Decorate a widget callback so an unexpected error becomes a short message, not a traceback.

    ``message`` returns the :class:`Message` to show it in (looked up at call time).
    Expected problems (``ValueError`` with a message for the learner) are shown as they are.
    """

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            try:
                return func(self, *args, **kwargs)
            except ValueError as error:
                message(self).show("error", str(error))
            except (DatabaseError, OSError):  # a read-only file, a full disk, a lost database
                log.exception("callback %s could not save", func.__name__)
                message(self).show("error", NOT_SAVED)
            except Exception:  # the boundary: log the traceback, keep the page usable
                log.exception("callback %s failed", func.__name__)
                message(self).show("error", FAILED)

        return wrapper

    return decorate
