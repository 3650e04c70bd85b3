"""The spiral in 3-D: level bands, traces per mode and round, the static figure and the animated replay."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..escape import plotly_text
from ..model.modes import LEVELS, MODES, Mode
from .base import (
    _FIXED_3D,
    _FRAME_MS,
    _INK,
    _LABEL_KEY,
    _LEVEL_COLORS,
    _META_KEY,
    _PATH_COLOR,
    _TEMPLATE,
    _X_TITLE,
    _Y_TITLE,
    MODE_COLORS,
    MODE_SYMBOLS,
    _check,
    _empty_annotation,
    _r,
    _title,
)
from .steps import _label_trace, _levelup_text, _mode_name, _new_spiral_text, _spiral_label, _step_text, _Steps





def _pale(color: str) -> str:
    """``color`` (#rrggbb) mixed with three parts white: a band's part not yet filled."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*((c + 3 * 255) // 4 for c in (r, g, b)))


def _band_traces(reach: float, fill: dict[int, float] | None = None) -> list[go.Surface]:
    """Translucent cylinders: level L occupies heights [L, L+1], its lower part ``fill[L]``
    in the level's colour and the rest pale, so a band fills as its conditions are met."""
    n = 49
    thetas = [2 * math.pi * i / (n - 1) for i in range(n)]
    xs = [_r(reach * math.cos(t)) for t in thetas]
    ys = [_r(reach * math.sin(t)) for t in thetas]
    fill = fill or {}
    bands = []
    for level, color in zip(LEVELS, _LEVEL_COLORS):
        top = level + _r(max(0.0, min(1.0, fill.get(int(level), 0.0))))
        bands.append(go.Surface(
            # Two rows at the fill line give it a sharp edge: strong below, pale above.
            x=[xs] * 4, y=[ys] * 4, z=[[level] * n, [top] * n, [top] * n, [level + 1] * n],
            surfacecolor=[[1] * n, [1] * n, [0] * n, [0] * n],
            colorscale=[[0, _pale(color)], [1, color]],
            cmin=0, cmax=1, showscale=False, opacity=0.18, hoverinfo="skip",
            name=f"{level.label} level", showlegend=False,
            lighting=dict(ambient=1.0, diffuse=0.0, specular=0.0, fresnel=0.0),
        ))
    return bands


def _ring_trace(reach: float) -> go.Scatter3d:
    """Circles at the band boundaries, so the faint bands have visible edges."""
    n = 49
    x: list[float | None] = []
    y: list[float | None] = []
    z: list[float | None] = []
    for height in range(len(LEVELS) + 1):
        for i in range(n):
            t = 2 * math.pi * i / (n - 1)
            x.append(_r(reach * math.cos(t)))
            y.append(_r(reach * math.sin(t)))
            z.append(height)
        x.append(None)
        y.append(None)
        z.append(None)
    return go.Scatter3d(x=x, y=y, z=z, mode="lines", line=dict(color="#bbbbbb", width=2),
                        hoverinfo="skip", showlegend=False, name="Level boundaries")


def _level_label_trace(reach: float) -> go.Scatter3d:
    n = len(LEVELS)
    return go.Scatter3d(
        x=[_r(reach)] * n, y=[0.0] * n, z=[level + 0.5 for level in LEVELS],
        mode="text", text=[f"<b>{level.label}</b>" for level in LEVELS],
        textposition="middle right", textfont=dict(color=_INK, size=12),
        hoverinfo="skip", showlegend=False, name="Levels",
    )


def _quadrant_label_trace(reach: float, z: float = -0.3) -> go.Scatter3d:
    x, y, text = [], [], []
    for mode in MODES:
        a = math.radians(mode.facts.angle)
        x.append(_r(1.25 * reach * math.cos(a)))
        y.append(_r(1.25 * reach * math.sin(a)))
        text.append(f"<b>{mode.value} {mode.label}</b><br>{mode.conversion}")
    return go.Scatter3d(x=x, y=y, z=[z] * len(MODES), mode="text", text=text,
                        textfont=dict(color=_INK, size=12), hoverinfo="skip",
                        showlegend=False, name="Modes")




def _mode_trace_3d(steps: _Steps, mode: Mode, idx: list[int] | None = None) -> go.Scatter3d:
    idx = steps.of_mode(mode, idx)
    x, y, z = steps.xyz(idx)
    return go.Scatter3d(
        x=x, y=y, z=z, mode="markers", name=_mode_name(mode), legendgroup=mode.value,
        marker=dict(symbol=MODE_SYMBOLS[mode.value], color=MODE_COLORS[mode.value], size=6,
                    line=dict(color=_INK, width=1)),
        hovertext=steps.pick(idx, "hover"), hoverinfo="text",
    )


def _path_trace_3d(steps: _Steps, idx: list[int] | None = None) -> go.Scatter3d:
    x, y, z = steps.path(idx)
    return go.Scatter3d(x=x, y=y, z=z, mode="lines", line=dict(color=_PATH_COLOR, width=4),
                        hoverinfo="skip", showlegend=False, name="Spiral path")










def _levelup_trace_3d(steps: _Steps, idx: list[int] | None = None) -> go.Scatter3d:
    return _label_trace(go.Scatter3d, steps, steps.level_ups(idx), "Level-up", _levelup_text,
                        "top center", dict(symbol="diamond-open", size=11))


def _new_spiral_trace_3d(steps: _Steps, idx: list[int] | None = None) -> go.Scatter3d:
    return _label_trace(go.Scatter3d, steps, steps.new_spirals(idx), "New spiral", _new_spiral_text,
                        "bottom center", dict(symbol="square-open", size=10))


def _latest_trace_3d(steps: _Steps, g: int | None = None) -> go.Scatter3d:
    x, y, z = steps.xyz(steps.latest(g))
    return go.Scatter3d(x=x, y=y, z=z, mode="markers", name="Latest step",
                        marker=dict(symbol="circle-open", color=_INK, size=14),
                        hoverinfo="skip")


def _layout_3d(steps: _Steps, title: str | None, kind: str) -> dict:
    lim = 1.35 * steps.reach  # room for the quadrant labels
    axis = dict(range=[-lim, lim], showticklabels=False, zeroline=True,
                showbackground=False, gridcolor="#eeeeee", showspikes=False)
    return dict(
        template=_TEMPLATE,
        title=dict(text=_title(title, steps.subtitle()), x=0.02, xanchor="left"),
        meta={_META_KEY: kind, _LABEL_KEY: _spiral_label(steps, "3-D knowledge spiral")},
        # The camera a learner chose survives updates of the data.
        uirevision="seci-lab-spiral",
        height=620,
        margin=dict(l=0, r=0, t=70, b=0),
        legend=dict(orientation="h", yanchor="top", y=1.0, x=1.0, xanchor="right"),
        scene=dict(
            xaxis=dict(axis, title=dict(text=_X_TITLE)),
            yaxis=dict(axis, title=dict(text=_Y_TITLE)),
            # A seeded spiral rising from a high step may reach above the top band.
            zaxis=dict(range=[-0.4, steps.top + 0.2], title=dict(text="Level"),
                       # The bands carry the level names; numbers would only mislead.
                       showticklabels=False, showbackground=False,
                       gridcolor="#eeeeee", showspikes=False),
            aspectmode="manual", aspectratio=dict(x=1, y=1, z=1.2),
            # From the front of the classic 2x2 matrix: S and E behind, I and C in front.
            camera=dict(eye=dict(x=0.45, y=-1.45, z=0.7)),
        ),
        annotations=[] if steps.n else [_empty_annotation()],
    )


def _fixed_3d(reach: float, fill: dict[int, float] | None = None) -> list:
    return [*_band_traces(reach, fill), _ring_trace(reach), _level_label_trace(reach),
            _quadrant_label_trace(reach)]




def _static_spiral(steps: _Steps, title: str | None) -> go.Figure:
    data = [
        *_fixed_3d(steps.reach, steps.fill),
        _path_trace_3d(steps),
        *(_mode_trace_3d(steps, mode) for mode in MODES),
        _levelup_trace_3d(steps),
        _new_spiral_trace_3d(steps),
        _latest_trace_3d(steps),
    ]
    return go.Figure(data=data, layout=_layout_3d(steps, title, "spiral3d"))


def _round_trace_3d(steps: _Steps, group: tuple[str, int, int, int, int], visible: bool) -> dict:
    """One round of one spiral in the animation: its path, joined to where it comes from
    (the spiral's previous round, or its parent's step), and its steps.

    One trace, not a path trace and a marker trace: the browser's redraw time grows with
    the number of traces. The arc's in-between vertices get no marker and an empty hover
    text, which plotly.js does not show.
    """
    sid, r, _g, first, last = group
    start = steps.prev[first]
    x: list[float] = []
    y: list[float] = []
    z: list[float] = []
    symbols, colors, sizes, text, hover = [], [], [], [], []

    def point(xyz: tuple, symbol: str, color: str, size: int, label: str, tip: str) -> None:
        x.append(xyz[0])
        y.append(xyz[1])
        z.append(xyz[2])
        symbols.append(symbol)
        colors.append(color)
        sizes.append(size)
        text.append(label)
        hover.append(tip)

    if start is not None:  # drawn by its own trace: here only where the path comes from
        point((steps.x[start], steps.y[start], steps.z[start]), MODE_SYMBOLS[steps.mode[start]],
              MODE_COLORS[steps.mode[start]], 0, "", "")
    for i in range(first, last + 1):
        p = steps.prev[i]
        if p is not None:
            for between in steps.between(p, i):
                point(between, "circle", _PATH_COLOR, 0, "", "")
        # plotly.js halves per-point sizes in 3-D (bubble sizing): 12 here draws as 6 does
        # as a single size in the static figure.
        point((steps.x[i], steps.y[i], steps.z[i]), MODE_SYMBOLS[steps.mode[i]],
              MODE_COLORS[steps.mode[i]], 12, _step_text(steps, i), steps.hover[i])
    # Text costs redraw time in the browser: only a round with a label gets a text mode.
    labelled = any(text)
    # A dict, not go.Scatter3d: go.Figure validates it anyway, and validating each of
    # thousands of traces twice doubled the build time.
    trace = dict(
        type="scatter3d", x=x, y=y, z=z,
        mode="lines+markers+text" if labelled else "lines+markers",
        visible=visible, showlegend=False,
        name=f"Round {r}" if sid == steps.root else f"Spiral {plotly_text(sid)}, round {r}",
        line=dict(color=_PATH_COLOR, width=4),
        marker=dict(symbol=symbols, color=colors, size=sizes, line=dict(color=_INK, width=1)),
        textposition="top center", textfont=dict(color=_INK, size=11), hovertext=hover,
        hoverinfo="text",
    )
    if labelled:
        trace["text"] = text
    return trace


def _legend_trace_3d(mode: Mode) -> go.Scatter3d:
    # The round traces mix all modes; these empty traces only give the legend its keys.
    return go.Scatter3d(
        x=[None], y=[None], z=[None], mode="markers", name=_mode_name(mode),
        marker=dict(symbol=MODE_SYMBOLS[mode.value], color=MODE_COLORS[mode.value], size=6,
                    line=dict(color=_INK, width=1)),
        hoverinfo="skip",
    )


def _play_controls(rounds: list[int]) -> dict:
    """Play/Pause/Restart buttons and a round slider; step r animates to frame ``str(r)``."""
    still = dict(frame=dict(duration=0, redraw=True), transition=dict(duration=0),
                 mode="immediate")
    play = dict(frame=dict(duration=_FRAME_MS, redraw=True), transition=dict(duration=0),
                fromcurrent=True, mode="immediate")
    restart = dict(play, fromcurrent=False)
    buttons = [
        # fromcurrent: Play resumes after Pause; at the last round plotly.js starts over.
        dict(label="▶ Play", method="animate", args=[None, play]),
        dict(label="❚❚ Pause", method="animate", args=[[None], still]),
        dict(label="↺ From round 1", method="animate", args=[None, restart]),
    ]
    steps = [dict(label=str(r), method="animate", args=[[str(r)], still]) for r in rounds]
    return dict(
        updatemenus=[dict(type="buttons", direction="left", buttons=buttons, showactive=False,
                          x=0.0, xanchor="left", y=0.0, yanchor="top", pad=dict(t=8, r=8))],
        sliders=[dict(active=0, steps=steps, x=0.0, len=1.0, y=-0.06, yanchor="top",
                      pad=dict(t=30), currentvalue=dict(prefix="Round ", visible=True))],
    )


def _animated_spiral(steps: _Steps, title: str | None) -> go.Figure:
    legend = [_legend_trace_3d(mode) for mode in MODES]
    latest_index = _FIXED_3D + len(legend)
    first_round = latest_index + 1
    layout = _layout_3d(steps, title, "spiral3d-animated")
    rounds = steps.rounds
    if not rounds:
        data = [*_fixed_3d(steps.reach, steps.fill), *legend, _latest_trace_3d(steps)]
        return go.Figure(data=data, layout=layout)

    # The figure opens at round 1 with the slider at its start, not at the finished spiral:
    # Play then grows the spiral from what the learner already sees, instead of first wiping
    # out a finished picture, and the picture always matches the slider. (The finished spiral
    # is the static figure and the top view.) Rounds are global: a seeded spiral's round k is
    # shown at its parent's round plus k.
    shown_at = [group[2] for group in steps.groups]
    round_traces = [_round_trace_3d(steps, group, visible=(g == rounds[0]))
                    for group, g in zip(steps.groups, shown_at)]
    data = [*_fixed_3d(steps.reach, steps.fill), *legend, _latest_trace_3d(steps, rounds[0]), *round_traces]
    layout["title"]["text"] = _title(title, steps.subtitle(rounds[0]))
    layout.update(_play_controls(rounds))
    layout["margin"] = dict(l=0, r=0, t=70, b=110)

    # Frames chained by `baseframe`: plotly.js computes frame r by merging frame 1, 2, ..., r
    # (Plots.computeFrame). Frame 1 hides every round but the first; frame r >= 2 only shows
    # the traces of round r (one per spiral playing then) and moves the "latest" marker. So
    # any frame, reached by Play or by a jump of the slider in either direction, leaves exactly
    # rounds 1..r visible, while each frame's JSON stays constant-sized (frame 1 holds one
    # {"visible": false} per trace): linear in rounds. Every entry names its type: without
    # one, plotly would take it for a 2-D "scatter".
    frames = []
    n_traces = len(round_traces)
    for i, r in enumerate(rounds):
        lx, ly, lz = steps.xyz(steps.latest(r))
        latest = dict(type="scatter3d", x=lx, y=ly, z=lz)
        frame_layout = dict(title=dict(text=_title(title, steps.subtitle(r))))
        if i == 0:
            traces = [latest_index, *range(first_round, first_round + n_traces)]
            fdata = [latest, *(dict(type="scatter3d", visible=g == r) for g in shown_at)]
            frames.append(dict(name=str(r), data=fdata, traces=traces, layout=frame_layout))
        else:
            own = [first_round + j for j, g in enumerate(shown_at) if g == r]
            frames.append(dict(
                name=str(r), baseframe=str(rounds[i - 1]), layout=frame_layout,
                data=[latest, *(dict(type="scatter3d", visible=True) for _ in own)],
                traces=[latest_index, *own],
            ))
    return go.Figure(data=data, layout=layout, frames=frames)


def spiral_figure(
    trajectory: pd.DataFrame, *, animated: bool = True, title: str | None = None
) -> go.Figure:
    """The knowledge spiral in 3-D, rising through the four ontological levels.

    Each step of the trajectory is a point at ``x = radius·cos(angle)``,
    ``y = radius·sin(angle)``, ``z = height``; level L is the translucent band between
    heights L and L+1. The quadrants carry their mode's name (S top-left, E top-right,
    C bottom-right, I bottom-left). Modes differ by marker symbol and by colour. Hovering a
    step shows its round, mode, level and up to five of its contributions (escaped).

    A trajectory of several spirals (:func:`seci_lab.model.join_spirals`) draws each seeded
    spiral rising from its parent's step, at half its parent's size, joined to that step by
    a straight link and labelled "New spiral <id>"; its hovers name where it started.

    Parameters
    ----------
    trajectory : pandas.DataFrame
        The output of :func:`seci_lab.model.simulate_spiral` or
        :func:`~seci_lab.model.join_spirals`; may have zero rows.
    animated : bool
        ``True``: a replay with Play/Pause and a round slider (one frame per round).
        ``False``: the finished spiral with a fixed set of traces, for a ``go.FigureWidget``
        kept up to date with :func:`update_figure_widget`.
    title : str, optional
        Figure title (escaped); "Your knowledge spiral" when omitted.

    Returns
    -------
    plotly.graph_objects.Figure

    Notes
    -----
    Animated: the figure opens at round 1 with the slider at its start. Its traces are 12
    fixed ones (bands, edges, labels, legend keys, "latest step") and then one per round of
    each spiral (its path and its steps), all holding their data from the start. Rounds are
    global: a seeded spiral's round k plays at its parent's round plus k. Frame ``str(r)``
    names the previous round's frame as its ``baseframe`` and carries only ``visible: true``
    for round r's traces, the "latest step" marker and the title; the first frame also hides
    every later round. plotly.js merges a frame
    with its chain of base frames before applying it, so after any frame, reached by Play
    or by the slider jumping any number of rounds forwards or backwards, exactly rounds
    1..r are shown. The JSON therefore grows linearly with the number of rounds. 3-D frames
    redraw rather than tween (plotly.js animates only 2-D scatter and bar).

    Static: traces are, in this order, four level bands, the band edges, the level labels,
    the quadrant labels, the path, one marker trace per mode (S, E, C, I), the level-ups, the
    starts of new spirals and the latest step: 15 traces whatever the number of rounds and
    spirals.
    """
    steps = _Steps(_check(trajectory))
    if animated:
        return _animated_spiral(steps, title)
    return _static_spiral(steps, title)


