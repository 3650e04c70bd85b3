"""The benchmark's naive baseline: frame r repeats the whole spiral up to round r (quadratic size).

Kept out of the package: nothing in seci-lab draws it; bench/bench_spiral.py measures the real figure against it.
"""

from __future__ import annotations

from typing import Iterator

import pandas as pd
import plotly.graph_objects as go

from seci_lab.figures.base import _FIXED_3D, _check, _title
from seci_lab.figures.spiral3d import (
    _latest_trace_3d,
    _levelup_trace_3d,
    _mode_trace_3d,
    _new_spiral_trace_3d,
    _path_trace_3d,
    _play_controls,
    _static_spiral,
)
from seci_lab.figures.steps import _Steps
from seci_lab.model.modes import MODES


def _naive_cumulative_frames(steps: _Steps, title: str | None = None) -> Iterator[go.Frame]:
    """The frames of the naive baseline, one at a time (the benchmark sizes them streamed)."""
    moving = list(range(_FIXED_3D, _FIXED_3D + 8))  # path, S, E, C, I, level-ups, new spirals, latest
    for r in steps.rounds:
        idx = steps.until(r)
        data = [_path_trace_3d(steps, idx), *(_mode_trace_3d(steps, m, idx) for m in MODES),
                _levelup_trace_3d(steps, idx), _new_spiral_trace_3d(steps, idx), _latest_trace_3d(steps, r)]
        yield go.Frame(name=str(r), data=data, traces=moving,
                       layout=dict(title=dict(text=_title(title, steps.subtitle(r)))))


def _naive_cumulative_figure(
    trajectory: pd.DataFrame, title: str | None = None, *, frames: bool = True
) -> go.Figure:
    """Benchmark baseline: frame r repeats the whole spiral up to round r (quadratic size).

    ``frames=False`` gives the figure without its frames, for sizing them one at a time
    with :func:`_naive_cumulative_frames`.
    """
    steps = _Steps(_check(trajectory))
    fig = _static_spiral(steps, title)
    if not steps.rounds:
        return fig
    if frames:
        fig.frames = list(_naive_cumulative_frames(steps, title))
    fig.update_layout(_play_controls(steps.rounds))
    return fig


