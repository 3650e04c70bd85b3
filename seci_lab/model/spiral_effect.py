"""What one contribution did to the spiral, in plain words (the spiral lab's message after "Add").

Compares the trajectory before and after the contribution was added (both from
:func:`seci_lab.model.simulate_spiral`) and says what changed: the tacit and explicit stocks and the
share of the group that shares experience at the end of the round, the conditions of the next level
that are now met, a level-up. When none of these moved it says why, instead of "+0.00".
"""

from __future__ import annotations

import pandas as pd

from .contributions import Contribution
from .modes import Mode
from .quality_scale import ADEQUATE

__all__ = ["contribution_effect"]

#: Changes smaller than this are rounding, not an effect worth a word.
_NOTICEABLE = 0.005


def _unmet(row: pd.Series | None) -> list[str]:
    text = row.get("unmet", "") if row is not None else ""
    return [part.strip() for part in str(text or "").split(";") if part.strip()]


def _met_now(before: pd.Series | None, after: pd.Series) -> list[str]:
    """The conditions of the next level listed as unmet before and not after, as things done."""
    now = set(_unmet(after))
    done = []
    for condition in _unmet(before):
        if condition not in now:
            what = condition.split(":")[0].strip()
            done.append(what[len("One more "):] if what.startswith("One more ") else what)
    return done


def _changes(before: pd.Series | None, after: pd.Series) -> list[str]:
    start_t = before["T"] if before is not None else after["participants"]
    d_t = float(after["T"] - start_t)
    d_x = float(after["X"] - (before["X"] if before is not None else 0.0))
    d_s = float(after["shared"] - (before["shared"] if before is not None else 0.0))
    parts = []
    if abs(d_t) >= _NOTICEABLE:
        parts.append(f"tacit knowledge {d_t:+.2f}")
    if abs(d_x) >= _NOTICEABLE:
        parts.append(f"explicit knowledge {d_x:+.2f}")
    if abs(d_s) >= _NOTICEABLE:
        parts.append(f"{abs(d_s):.0%} {'more' if d_s > 0 else 'less'} of the group shares experience")
    return parts


def _why_nothing(contribution: Contribution, after: pd.DataFrame) -> str:
    quality = contribution.quality
    if quality is not None and quality < ADEQUATE:
        return (f"It is in your spiral, but its quality ({quality:.2f}) is below adequate ({ADEQUATE:.2f}), "
                "so it adds almost nothing yet: say what happened and why (the checklist shows what is missing).")
    if contribution.mode is Mode.COMBINATION and not (after["X"] > _NOTICEABLE).any():
        return ("It is in your spiral. Combination works on explicit knowledge and there is none yet: "
                "add an Externalization (put what you know into words) and combining starts to count.")
    return (f"It is in your spiral and counts for this round's {contribution.mode.label}, but it moves the "
            "spiral's numbers by less than 0.01: each contribution to a mode in a round adds less than the one "
            "before. A mode the round still lacks, or the next round, does more.")


def contribution_effect(before: pd.DataFrame, after: pd.DataFrame, contribution: Contribution) -> str:
    """One sentence or two on what ``contribution`` changed, from the trajectories around it.

    Parameters
    ----------
    before, after
        The trajectory without and with the contribution (the learner's own spiral, same rounds).
    contribution
        The contribution just added (its mode and quality explain a contribution that changed nothing).
    """
    if after.empty:
        return ""
    last_after = after.iloc[-1]
    last_before = before.iloc[-1] if not before.empty else None
    sentences = []
    changes = _changes(last_before, last_after)
    if changes:
        sentences.append("Effect on the spiral at the end of the round: " + ", ".join(changes) + ".")
    done = _met_now(last_before, last_after)
    if done:
        sentences.append("Now met for the next level: " + "; ".join(done) + ".")
    level_before = int(last_before["level"]) if last_before is not None else 0
    if int(last_after["level"]) > level_before:
        sentences.append(f"Your spiral rose to the {last_after['level_name']} level.")
    if not sentences:
        sentences.append(_why_nothing(contribution, after))
    return " ".join(sentences)
