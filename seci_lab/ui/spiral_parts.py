"""The spiral lab's parts that are not widgets: its notes, the practice group's settings, and the
status, practice and table panels as HTML (user text escaped)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import figures
from ..escape import html_text
from ..exports import html_table
from ..model import MODES, Contribution, Level, Mode

__all__ = ["ALONE_NOTE", "ORDER_NOTE", "PRACTICE_KEY", "PracticeGroup", "practice_html", "status_html", "table_html"]

#: Said on the page: the model reads each round as one turn, so entry order changes nothing.
ORDER_NOTE = ("Within a round, the order you add contributions in does not change the spiral: "
              "each round is read as one turn, Socialization → Externalization → Combination → "
              "Internalization.")
#: What would lift a spiral that stays at the individual level because one person made it.
ALONE_NOTE = ("Alone, your spiral widens but stays at the individual level: knowledge rises to a "
              "group only when different people share it. To see it rise, practise with the "
              "simulated group above, hand in your work to your class (your instructor's class "
              "spiral joins everyone's), or take part in a workshop.")
#: The key the practice group's settings are saved under with the learner's progress.
PRACTICE_KEY = "spiral:practice-group"



@dataclass(frozen=True)
class PracticeGroup:
    """The lab's practice group: ``size`` people in all, the learner and ``size - 1`` simulated
    people who add one contribution at ``quality`` to every mode the learner works in, per round.
    On by default (issue 19)."""

    on: bool = True
    size: int = 5
    quality: float = 0.5

    def record(self) -> dict:
        """What is saved with the learner's progress (listed with their other work as a setting)."""
        state = (f"on: {self.size - 1} simulated people at quality {self.quality:.2f}" if self.on else "off")
        return {"on": self.on, "size": self.size, "quality": self.quality,
                "label": "Spiral lab: practice group (simulated people)", "text": f"Practice group {state}."}

    @classmethod
    def from_record(cls, record: object) -> PracticeGroup:
        """The saved settings, or the defaults for anything missing or out of range."""
        default = cls()
        if not isinstance(record, dict):
            return default
        on, size, quality = record.get("on"), record.get("size"), record.get("quality")
        return cls(
            on=on if isinstance(on, bool) else default.on,
            size=size if isinstance(size, int) and not isinstance(size, bool) and 2 <= size <= 50 else default.size,
            quality=(float(quality) if isinstance(quality, (int, float)) and not isinstance(quality, bool)
                     and 0.0 <= quality <= 1.0 else default.quality),
        )


def status_html(trajectory: pd.DataFrame, *, alone: bool = False, notice: str = "") -> str:
    if trajectory.empty:
        return ("<p><strong>Level:</strong> Individual. Add a contribution to each of the four "
                "modes, then start the next round: your spiral grows with every turn.</p>"
                + (f"<p>{html_text(notice)}</p>" if notice else ""))
    last = trajectory.iloc[-1]
    level = Level(int(last["level"]))
    ups = trajectory[trajectory["leveled_up"]]
    history = (", ".join(f"{r['level_name']} in round {r['round']}" for _, r in ups.iterrows())
               if not ups.empty else "none yet")
    return (
        f'<div class="seci-status" role="status" aria-live="polite">'
        f"<p><strong>Level:</strong> {html_text(level.label)} · <strong>Round:</strong> {last['round']} · "
        f"<strong>Tacit per person:</strong> {last['T'] / last['participants']:.2f} · "
        f"<strong>Explicit per person:</strong> {last['X'] / last['participants']:.2f} · "
        f"<strong>Shared:</strong> {last['shared']:.0%}</p>"
        f"<p><strong>Level-ups:</strong> {html_text(history)}</p>"
        + (f'<p class="seci-alone"><strong>{html_text(ALONE_NOTE)}</strong></p>' if alone else "")
        + (f"<p>{html_text(notice)}</p>" if notice else "")
        + "</div>"
    )


def practice_html(practice: PracticeGroup, simulated: list[Contribution], started: bool) -> str:
    """What the practice group's simulated people added, in words (they are never the learner's)."""
    if not practice.on:
        return ("<p>The practice group is off: only your own contributions count. Tick the box to "
                "practise with simulated people.</p>")
    others = practice.size - 1
    who = f"{others} simulated {'person' if others == 1 else 'people'}"
    if not started:
        return (f"<p>{who.capitalize()} (not real people) will work beside you: in each round, one "
                f"contribution each, at quality {practice.quality:.2f}, to every mode you work in. "
                "Your own contributions stay yours.</p>")
    by_round: dict[int, list[Mode]] = {}
    for c in simulated:
        modes = by_round.setdefault(c.round, [])
        if c.mode not in modes:
            modes.append(c.mode)
    lines = "".join(
        f"<li>Round {r}: {len(modes) * others} contributions, to "
        f"{', '.join(m.label for m in sorted(modes, key=MODES.index))}</li>"
        for r, modes in sorted(by_round.items()))
    return (f"<p><strong>What the simulated people added</strong> ({who}, not real people, at quality "
            f"{practice.quality:.2f}; your own contributions stay yours and are the only ones saved):</p>"
            f"<ul>{lines}</ul>")


#: Texts per step in the lab's table: enough to recognise a step (its hover lists five, the CSV all).
TABLE_EXAMPLES = 3


def table_html(trajectory: pd.DataFrame, *, shown: bool = True) -> str:
    """The spiral's table; ``shown=False`` when it is only for screen readers (under a chart), so
    a keyboard never tabs into a box nobody sees."""
    table = figures.spiral_table(trajectory, examples=TABLE_EXAMPLES)
    if table.empty:
        return "<p>No steps yet: the table fills as you add contributions.</p>"
    # A scrolling region a keyboard can reach (Tab, then the arrow keys), named for screen readers.
    focus = ' tabindex="0"' if shown else ""
    return (f'<div class="seci-table" role="region"{focus} aria-label="Your spiral as a table" '
            'style="max-height:420px;overflow:auto">'
            + html_table(table, classes="seci-spiral-table seci-cards") + "</div>")
