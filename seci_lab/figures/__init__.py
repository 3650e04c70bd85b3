"""Plotly figures of the knowledge spiral, built from a ``simulate_spiral`` trajectory.

Three views of the same trajectory:

- :func:`spiral_figure`: the spiral in 3-D, rising through the four ontological levels
  (animated with Play/Pause and a round slider, or static for a live ``go.FigureWidget``);
- :func:`spiral_top_view`: the same path seen from above, as a 2-D scatter;
- :func:`spiral_table`: the table equivalent, for learners who cannot use the charts.

All three in one offline HTML document is :func:`seci_lab.exports.spiral.spiral_html`.

:func:`figure_html` puts any figure into an offline page with the one Plotly configuration
(:data:`PLOTLY_CONFIG`) every page of seci-lab uses.

Participant text reaches Plotly only through :func:`seci_lab.escape.plotly_text` (docs/architecture.md,
"Security"), and only through ``hovertext`` (never ``hovertemplate``, which would also substitute
``%{...}`` written by a participant).
"""


from .base import MODE_COLORS, MODE_SYMBOLS, PLOTLY_CONFIG, describe, figure_label
from .page import figure_html, page_script
from .spiral3d import spiral_figure
from .table import spiral_table
from .top_view import spiral_top_view
from .widget import update_figure_widget

__all__ = [
    "MODE_COLORS",
    "MODE_SYMBOLS",
    "PLOTLY_CONFIG",
    "describe",
    "figure_html",
    "figure_label",
    "page_script",
    "spiral_figure",
    "spiral_table",
    "spiral_top_view",
    "update_figure_widget",
]

