"""How close a spiral is to its next level, as HTML: one meter and a short list of actions.

Shared by the spiral lab, the facilitator's spiral and the class spiral, so every page says it
the same way (issue 19): "Group: 3 of 5 conditions met", then each condition met or what to do,
in plain words. The words come from :func:`seci_lab.model.level_progress`; everything is escaped.
"""

from __future__ import annotations

from ..escape import html_text
from ..model import LevelProgress

__all__ = ["progress_html"]


def progress_html(progress: LevelProgress, *, heading: str = "Next level") -> str:
    """The meter and the conditions of ``progress`` as an HTML block.

    Colour is never the only signal: each condition says "Done" or "To do" in words, and the
    meter is a native ``<progress>`` element with the same numbers in its label and beside it.
    """
    if progress.next_level is None:
        return (f'<div class="seci-progress"><p><strong>{html_text(heading)}:</strong> '
                f"{html_text(progress.meter)}. The spiral can keep growing wider.</p></div>")
    items = "".join(
        f'<li class="seci-done"><strong>Done:</strong> {html_text(c.label)}</li>' if c.met else
        f'<li class="seci-todo"><strong>To do:</strong> {html_text(c.action)}'
        + (f' <span class="seci-why">({html_text(c.why)})</span>' if c.why else "") + "</li>"
        for c in progress.conditions)
    label = html_text(progress.meter)
    return (
        '<div class="seci-progress">'
        f"<p><strong>{html_text(heading)} · {label}</strong> "
        f'<progress value="{progress.met}" max="{progress.total}" aria-label="{label}" '
        f'style="vertical-align:middle;width:8em">{progress.met} of {progress.total}</progress></p>'
        f"<p>{html_text(progress.summary)}</p>"
        f"<ul>{items}</ul></div>"
    )
