"""The knowledge spiral as a standalone, offline HTML page, for a learner or a workshop."""

from __future__ import annotations

import pandas as pd

from ..figures import describe, figure_html, figure_label, spiral_figure, spiral_table, spiral_top_view
from . import PAGE_STYLE, html_table, standalone_page


_TABLE_ID = "seci-spiral-table"


def spiral_html(trajectory: pd.DataFrame, *, title: str = "Our knowledge spiral") -> str:
    """A standalone, offline HTML page: the animated spiral, the top view and the table.

    plotly.js is inlined (about 5 MB), so the page works without internet access.

    Parameters
    ----------
    trajectory : pandas.DataFrame
        The output of :func:`seci_lab.model.simulate_spiral`.
    title : str
        Page heading and figure title (escaped).

    Returns
    -------
    str
        A complete HTML document.
    """
    offsets = trajectory["round_offset"] if "round_offset" in trajectory else 0
    rounds = int((trajectory["round"] + offsets).max()) if len(trajectory) else 0
    spirals = int(trajectory["spiral"].nunique()) if "spiral" in trajectory else 1
    family = (f" It holds {spirals} spirals: each new one rises from the step of the spiral it "
              "started from, at half its size, and plays on the same round slider.") if spirals > 1 else ""
    animated = spiral_figure(trajectory, animated=True, title=title)
    # The table under the animation holds the rounds it has drawn (the page script hides the
    # later ones). Only for one spiral: a seeded spiral's rounds in the table are its own, not
    # the slider's.
    describe(animated, figure_label(animated), table=_TABLE_ID if spirals == 1 else None)
    spiral = figure_html(animated, "seci-spiral-3d", plotlyjs=True, height="640px")
    table = html_table(spiral_table(trajectory), classes="seci-table")
    shown = (f'<div id="{_TABLE_ID}" role="region" tabindex="0" aria-label="The rounds shown, as a table">'
             f"{table}</div>")
    top = figure_html(spiral_top_view(trajectory, title=title), "seci-spiral-top", plotlyjs=False,
                      height="560px")
    return standalone_page(title, PAGE_STYLE, [
        '<p class="note">The SECI spiral of knowledge creation: each turn passes through '
        "Socialization, Externalization, Combination and Internalization, and the spiral rises "
        "through the levels (individual, group, organization, inter-organization) when "
        "different people share, articulate and justify enough. The distance from the centre "
        f"is the knowledge per person. {rounds} round{'s' if rounds != 1 else ''}.{family} "
        "Press Play or move the slider (when your system asks for reduced motion, Play jumps to "
        "the last round); hover a point to read its contributions. The table under each chart "
        "holds its data. This model is didactic: its parameters are not estimated from data.</p>",
        "<h2>The spiral, round by round</h2>",
        spiral,
        shown,
        "<h2>Seen from above</h2>",
        top,
        "<details><summary>The whole spiral as a table</summary>",
        table,
        "</details>",
    ])
