"""Keeping a live ``go.FigureWidget`` in step with a trajectory without rebuilding it."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from .base import _META_KEY
from .spiral3d import spiral_figure
from .top_view import spiral_top_view



def update_figure_widget(
    widget: go.FigureWidget,
    trajectory: pd.DataFrame,
    *,
    title: str | None = None,
    kind: Literal["spiral3d", "top"] | None = None,
) -> None:
    """Bring a ``go.FigureWidget`` of a static spiral or top view up to date, in place.

    The widget must have been made from ``spiral_figure(..., animated=False)`` or
    :func:`spiral_top_view` (its ``layout.meta`` says which, unless ``kind`` is given). Each
    trace of a freshly built figure is copied onto the widget's trace at the same position,
    and the layout (title, axis ranges, annotations) is updated, in one ``batch_update``.
    What the learner changed in the browser, such as the 3-D camera, is kept.

    Parameters
    ----------
    widget : plotly.graph_objects.FigureWidget
        The widget to update.
    trajectory : pandas.DataFrame
        The new trajectory.
    title : str, optional
        Figure title (escaped).
    kind : {"spiral3d", "top"}, optional
        Which view the widget shows, when its ``layout.meta`` does not say.

    Raises
    ------
    ValueError
        If the view cannot be told, or the widget is an animated figure.
    """
    if kind is None:
        meta = widget.layout.meta
        kind = meta.get(_META_KEY) if isinstance(meta, dict) else None
    if kind == "spiral3d":
        fresh = spiral_figure(trajectory, animated=False, title=title)
    elif kind == "top":
        fresh = spiral_top_view(trajectory, title=title)
    else:
        raise ValueError(
            "update_figure_widget needs a FigureWidget made from spiral_figure(animated=False) "
            f"or spiral_top_view; this one is {kind!r}. Pass kind='spiral3d' or kind='top'."
        )
    same_shape = len(widget.data) == len(fresh.data) and all(
        old.type == new.type for old, new in zip(widget.data, fresh.data)
    )
    layout = fresh.layout.to_plotly_json()
    replaced = {key: layout.pop(key, ()) for key in ("annotations", "shapes")}
    layout.pop("template", None)  # unchanged, and large to send again
    layout.get("scene", {}).pop("camera", None)  # keep the learner's viewpoint
    with widget.batch_update():
        if same_shape:
            for old, new in zip(widget.data, fresh.data):
                props = new.to_plotly_json()
                props.pop("type", None)
                props.pop("uid", None)
                old.update(props, overwrite=True)
        else:  # a widget built by an older version: replace the traces wholesale
            widget.data = ()
            widget.add_traces(list(fresh.data))
        # Merge (not overwrite) so the camera and size set on the widget survive ...
        widget.layout.update(layout)
        # ... but replace list-valued parts outright (an empty list clears them).
        for key, value in replaced.items():
            setattr(widget.layout, key, value)


