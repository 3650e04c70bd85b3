"""The spiral as a table: the equivalent of the charts in words."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..escape import shorten
from .base import _check
from .steps import _marked, _notes, _Steps



_EXAMPLE_CHARS = 160  # each example text of a summarised table cut to this length


def spiral_table(trajectory: pd.DataFrame, *, examples: int | None = None,
                 who: str = "person") -> pd.DataFrame:
    """The spiral as a table, one row per step: the equivalent of the charts in words.

    Parameters
    ----------
    trajectory : pandas.DataFrame
        The output of :func:`seci_lab.model.simulate_spiral`; may have zero rows.
    examples : int, optional
        ``None``: every text of a step. A number: at most that many texts per step, each on
        one line and cut to 160 characters (a whole class writes thousands per step), the
        texts a person rated first.
    who : str
        Whom the stocks are counted per, in the column titles ("person", "learner").

    Returns
    -------
    pandas.DataFrame
        Columns "Round", "Mode", "Contributions" (how many), "People" (how many different
        people made them), "Mean quality", "Tacit (per person)", "Explicit (per person)",
        "Shared" (share of the tacit stock that is shared, 0-1), "Level", "Level-up" (bool),
        "Still needed" (the unmet level-up conditions), "Note" (what became of a declared
        level-up) and "What was contributed" (the texts, one per line, each a person rated
        followed by its rating note such as "[self-rated]"; with ``examples``:
        "Examples of what was contributed"). A trajectory of several spirals starts with
        "Spiral" (its id) and "Started from" (the parent's spiral, round and mode; empty for
        the first). Numbers are rounded to two decimals. Texts are raw: escape them when
        displaying (:func:`seci_lab.exports.html_table` does).
    """
    trajectory = _check(trajectory)
    n = trajectory["participants"].astype(float)
    missing = pd.Series(float("nan"), index=trajectory.index)
    unmet = trajectory.get("unmet", pd.Series("", index=trajectory.index))
    note = trajectory.get("note", pd.Series("", index=trajectory.index))
    shared = trajectory.get("shared", missing)
    people = trajectory.get("people", missing)
    sources = trajectory["sources"] if "sources" in trajectory else [()] * len(trajectory)
    if examples is None:
        texts_title = "What was contributed"
        texts = ["\n".join(_marked(str(t), note) for t, note in zip(step, _notes(step, rated)))
                 for step, rated in zip(trajectory["texts"], sources)]
    else:
        texts_title = "Examples of what was contributed"
        texts = []
        for step, rated in zip(trajectory["texts"], sources):
            # texts someone rated come first: a reader looks for the ones a person judged
            pairs = sorted(zip(step, _notes(step, rated)), key=lambda pair: not pair[1])[:examples]
            texts.append("\n".join(_marked(shorten(" ".join(str(t).split()), _EXAMPLE_CHARS), note)
                                   for t, note in pairs))
    columns: dict[str, Any] = {}
    steps = _Steps(trajectory)
    if len(steps.spirals) > 1:
        columns["Spiral"] = steps.spiral
        columns["Started from"] = [steps.lineage.get(sid, "").removeprefix("from ") for sid in steps.spiral]
    columns.update({
        "Round": trajectory["round"].astype(int).to_numpy(),
        "Mode": [f"{m} {name}" for m, name in zip(trajectory["mode"], trajectory["mode_name"])],
        "Contributions": trajectory["contributions"].astype(int).to_numpy(),
        "People": people.astype(float).to_numpy(),
        "Mean quality": trajectory["quality"].astype(float).round(2).to_numpy(),
        f"Tacit (per {who})": (trajectory["T"] / n).round(2).to_numpy(),
        f"Explicit (per {who})": (trajectory["X"] / n).round(2).to_numpy(),
        "Shared": shared.astype(float).round(2).to_numpy(),
        "Level": trajectory["level_name"].astype(str).to_numpy(),
        "Level-up": trajectory["leveled_up"].astype(bool).to_numpy(),
        "Still needed": [s.replace("; ", "\n") for s in unmet.fillna("").astype(str)],
        "Note": note.fillna("").astype(str).to_numpy(),
        texts_title: texts,
    })
    table = pd.DataFrame(columns)
    if people.notna().all():
        table["People"] = table["People"].astype(int)
    return table


