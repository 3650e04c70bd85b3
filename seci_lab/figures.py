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

from __future__ import annotations

import math
import textwrap
from typing import Any, Iterator, Literal

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from .escape import plotly_text, shorten
from .model.contributions import rating_note
from .model.modes import LEVELS, MODES, Mode
from .model.spiral import ROOT_SPIRAL
from .model.spiral_levels import level_progress

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

#: Okabe-Ito colours (safe for the common colour-vision deficiencies). Colour is never the
#: only signal: every mode also has its own marker symbol (:data:`MODE_SYMBOLS`).
MODE_COLORS: dict[str, str] = {"S": "#E69F00", "E": "#56B4E9", "C": "#009E73", "I": "#CC79A7"}
#: Marker symbols that exist both in 2-D and in 3-D (scatter3d knows only eight, drawn as
#: font glyphs; its "x" showed as a missing-glyph box in Debian's Chromium, "cross" did not).
MODE_SYMBOLS: dict[str, str] = {"S": "circle", "E": "diamond", "C": "square", "I": "cross"}

#: The Plotly configuration of every chart seci-lab shows, in a widget or in a saved page.
PLOTLY_CONFIG: dict[str, bool] = {"displaylogo": False, "responsive": True}

_LEVEL_COLORS = ("#9e9e9e", "#4e79a7", "#59a14f", "#e15759")  # faint bands, one per level
_INK = "#222222"
_PATH_COLOR = "#555555"
_HOVER_TEXTS = 5  # contributions listed in a hover label before "+ n more"
_HOVER_TEXT_CHARS = 120  # each one cut to this length ...
_HOVER_WRAP = 60  # ... and wrapped at this width, so the label stays readable on a phone
_ARC_POINTS = 8  # path segments per quarter turn: smooth enough, and cheap in JSON
_FRAME_MS = 700  # one round per 0.7 s: slow enough to follow the four modes of a turn
_EMPTY_NOTE = "Add contributions to start your spiral"
_META_KEY = "seci_lab_figure"  # layout.meta tag that tells update_figure_widget the view
# layout.meta keys read in the browser (voila/templates/seci/seci-widgets.js): the chart's accessible
# name, and the id of the table whose rows follow the round an animation shows
_LABEL_KEY = "seci_lab_label"
_TABLE_KEY = "seci_lab_table"
_DEFAULT_TITLE = "Your knowledge spiral"
_TEMPLATE = "plotly_white"
_X_TITLE = "← to tacit · to explicit →"
_Y_TITLE = "← from explicit · from tacit →"

_CHILD_SCALE = 0.5  # a seeded spiral is drawn at half its parent's size, from the parent's step
_MODE_NAMES: dict[str, str] = {m.value: m.label for m in MODES}

# Both 3-D figures start with the same 7 traces: four level bands, their edges, the level
# labels and the quadrant labels (see _fixed_3d); the data traces follow.
_FIXED_3D = 7


# --------------------------------------------------------------------------- helpers


def _title(title: str | None, subtitle: str) -> str:
    # A title may come from a session name, i.e. from a person: escape it like any text.
    main = plotly_text(_DEFAULT_TITLE if title is None else title, limit=120)
    return f"{main}<br><sup>{subtitle}</sup>" if subtitle else main


def _reach(widest: float) -> float:
    # Radius of the bands and labels: a little beyond the widest point of the spiral.
    return max(1.0, widest) * 1.15


def _spiral_label(steps: "_Steps", view: str) -> str:
    """The accessible name of a spiral chart: what it shows, in words (no markup)."""
    if not steps.n:
        return f"{view}: no contributions yet."
    last = steps.latest()[0]
    rounds = len(steps.rounds)
    spirals = f", {len(steps.spirals)} spirals" if len(steps.spirals) > 1 else ""
    return (f"{view}: {steps.n} step{'s' if steps.n != 1 else ''} in {rounds} round{'s' if rounds != 1 else ''}"
            f"{spirals}, now at the {steps.level_name[last]} level. Its data is in the table next to it.")


def describe(figure: go.Figure, label: str, *, table: str | None = None) -> go.Figure:
    """Give ``figure`` an accessible name, and optionally the id of the table showing its data.

    The page's script (seci-widgets.js) gives the chart ``role="figure"`` and this name, followed by
    its title as drawn; ``table`` names an HTML table whose rows follow the round an animated
    figure shows. Returns ``figure`` (changed in place).
    """
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    meta = {**meta, _LABEL_KEY: str(label)}
    if table is not None:
        meta[_TABLE_KEY] = str(table)
    figure.layout.meta = meta
    return figure


def figure_label(figure: go.Figure) -> str:
    """The accessible name :func:`describe` (or a spiral view) gave ``figure``; "" if none."""
    meta = figure.layout.meta
    return str(meta.get(_LABEL_KEY, "")) if isinstance(meta, dict) else ""


def _r(value: float) -> float:
    # Four decimals are far below a pixel and keep the JSON small.
    return round(float(value), 4)


class _Steps:
    """The trajectory as plain per-step lists, computed once per figure.

    Slicing a DataFrame per round and per frame costs far more than the figure itself; with
    index lists every view is built in time linear in the number of steps.

    A trajectory may hold several spirals (:func:`seci_lab.model.join_spirals`): a root, then
    the spirals it seeded. A seeded spiral is drawn rising from its parent's step, at
    :data:`_CHILD_SCALE` of its parent's size, on the common clock of global rounds
    (``round_offset + round``).
    """

    def __init__(self, trajectory: pd.DataFrame) -> None:
        self.n = n = len(trajectory)
        column = trajectory.get
        self.angle = [float(a) for a in trajectory["angle"]]
        self.radius = [float(r) for r in trajectory["radius"]]
        self.height = [float(h) for h in trajectory["height"]]
        self.mode = [str(m) for m in trajectory["mode"]]
        self.level = [int(v) for v in trajectory["level"]]
        self.level_name = [str(v) for v in trajectory["level_name"]]
        self.up = [bool(v) for v in trajectory["leveled_up"]]
        self.round = [int(v) for v in trajectory["round"]]
        self.step = [int(v) for v in column("step", pd.Series(range(n), index=trajectory.index))]
        self.spiral = [str(v) for v in column("spiral", pd.Series(ROOT_SPIRAL, index=trajectory.index))]
        parents = [str(v) for v in column("parent", pd.Series("", index=trajectory.index))]
        parent_steps = [int(v) for v in column("parent_step", pd.Series(-1, index=trajectory.index))]
        offsets = [int(v) for v in column("round_offset", pd.Series(0, index=trajectory.index))]
        self.g = [o + r for o, r in zip(offsets, self.round)]  # the common clock
        self.root = self.spiral[0] if n else ROOT_SPIRAL

        # Where each spiral stands: the origin and scale of its drawing, and how each step
        # joins the path (its previous step, or the parent's step for a spiral's first one).
        index: dict[tuple[str, int], int] = {}
        frame: dict[str, tuple[float, float, float, float]] = {}
        self.prev: list[int | None] = []
        self.link = [False] * n  # the step's path comes from its parent spiral's step
        self.x, self.y, self.z = [0.0] * n, [0.0] * n, [0.0] * n
        self.first_of: dict[str, int] = {}
        self.lineage: dict[str, str] = {}  # spiral id -> "from spiral 1, round 5 (Internalization)"
        last_of: dict[str, int] = {}
        for i in range(n):
            sid = self.spiral[i]
            if sid not in frame:
                p = index.get((parents[i], parent_steps[i])) if parents[i] else None
                if p is None:
                    frame[sid] = (0.0, 0.0, 0.0, 1.0)
                else:
                    frame[sid] = (self.x[p], self.y[p], self.z[p], frame[self.spiral[p]][3] * _CHILD_SCALE)
                    self.lineage[sid] = (f"from spiral {self.spiral[p]}, round {self.round[p]} "
                                         f"({_MODE_NAMES.get(self.mode[p], self.mode[p])})")
                self.first_of[sid] = i
                self.prev.append(p)
                self.link[i] = p is not None
            else:
                self.prev.append(last_of[sid])
            last_of[sid] = i
            index[(sid, self.step[i])] = i
            ox, oy, oz, scale = frame[sid]
            a = math.radians(self.angle[i])
            self.x[i] = _r(ox + scale * self.radius[i] * math.cos(a))
            self.y[i] = _r(oy + scale * self.radius[i] * math.sin(a))
            self.z[i] = _r(oz + scale * self.height[i])
        self._frame = frame
        self.hover = [_hover(row, self.lineage.get(sid, ""))
                      for row, sid in zip(trajectory.itertuples(index=False), self.spiral)]
        self.reach = _reach(max((math.hypot(x, y) for x, y in zip(self.x, self.y)
                                 if math.isfinite(x) and math.isfinite(y)), default=0.0))
        self.top = max([float(len(LEVELS))] + [z + 0.2 for z in self.z if math.isfinite(z)])
        self.fill = _band_fill(trajectory, self.root)

        # Each (spiral, round) is one group of consecutive steps, shown at its global round.
        self.groups: list[tuple[str, int, int, int, int]] = []  # spiral, round, global, first, last
        for i in range(n):
            if self.groups and self.groups[-1][0] == self.spiral[i] and self.groups[-1][1] == self.round[i]:
                sid, r, g, first, _ = self.groups[-1]
                self.groups[-1] = (sid, r, g, first, i)
            else:
                self.groups.append((self.spiral[i], self.round[i], self.g[i], i, i))
        self.rounds = sorted(set(self.g))
        self.spirals = list(dict.fromkeys(self.spiral))

    def pick(self, idx: list[int], attr: str) -> list:
        values = getattr(self, attr)
        return [values[i] for i in idx]

    def xyz(self, idx: list[int]) -> tuple[list, list, list]:
        return self.pick(idx, "x"), self.pick(idx, "y"), self.pick(idx, "z")

    def until(self, g: int | None = None) -> list[int]:
        """The steps shown once global round ``g`` has been played (all when ``None``)."""
        return list(range(self.n)) if g is None else [i for i in range(self.n) if self.g[i] <= g]

    def between(self, p: int, i: int) -> list[tuple[float, float, float]]:
        """The ``_ARC_POINTS - 1`` points between step ``p`` and the next step ``i`` of the path.

        Within a spiral, angle, radius and height are interpolated, which draws the spiral of the
        SECI figure (a straight line between quadrants would draw a square, and a level-up shows
        as a rising arc); from a parent's step to a new spiral, a straight link.
        """
        points = []
        if self.link[i]:
            for k in range(1, _ARC_POINTS):
                f = k / _ARC_POINTS
                points.append((_r(self.x[p] + (self.x[i] - self.x[p]) * f),
                               _r(self.y[p] + (self.y[i] - self.y[p]) * f),
                               _r(self.z[p] + (self.z[i] - self.z[p]) * f)))
            return points
        ox, oy, oz, scale = self._frame[self.spiral[i]]
        a0, r0, h0 = self.angle[p], self.radius[p], self.height[p]
        a1, r1, h1 = self.angle[i], self.radius[i], self.height[i]
        for k in range(1, _ARC_POINTS):
            f = k / _ARC_POINTS
            a = math.radians(a0 + (a1 - a0) * f)
            r = r0 + (r1 - r0) * f
            points.append((_r(ox + scale * r * math.cos(a)), _r(oy + scale * r * math.sin(a)),
                           _r(oz + scale * (h0 + (h1 - h0) * f))))
        return points

    def path(self, idx: list[int] | None = None) -> tuple[list, list, list]:
        """The path through the steps ``idx`` (all by default), in frame order.

        Each step joins the previous one of its spiral, and a new spiral's first step joins its
        parent's step, when that step is among ``idx``; separate pieces are split by ``None``.
        """
        idx = list(range(self.n)) if idx is None else idx
        shown = set(idx)
        xs: list[float | None] = []
        ys: list[float | None] = []
        zs: list[float | None] = []

        def add(point: tuple) -> None:
            xs.append(point[0])
            ys.append(point[1])
            zs.append(point[2])

        last = None
        for i in idx:
            p = self.prev[i]
            joined = p is not None and p in shown
            if not joined or last != p:
                if xs:
                    add((None, None, None))  # a break: plotly draws no line across it
                add((self.x[p], self.y[p], self.z[p]) if joined else (self.x[i], self.y[i], self.z[i]))
            if joined:
                for point in self.between(p, i):
                    add(point)
                add((self.x[i], self.y[i], self.z[i]))
            last = i
        return xs, ys, zs

    def of_mode(self, mode: Mode, idx: list[int] | None = None) -> list[int]:
        return [i for i in (range(self.n) if idx is None else idx) if self.mode[i] == mode.value]

    def level_ups(self, idx: list[int] | None = None) -> list[int]:
        return [i for i in (range(self.n) if idx is None else idx) if self.up[i]]

    def new_spirals(self, idx: list[int] | None = None) -> list[int]:
        """The first step of every seeded spiral (among ``idx``)."""
        return [i for i in (range(self.n) if idx is None else idx) if self.link[i]]

    def latest(self, g: int | None = None) -> list[int]:
        """The root spiral's last step played by global round ``g`` (none for no steps)."""
        shown = [i for i in self.until(g) if self.spiral[i] == self.root]
        return shown[-1:]

    def subtitle(self, g: int | None = None) -> str:
        if not self.n:
            return "No contributions yet"
        last = self.latest(g)[0]
        started = len({self.spiral[i] for i in self.until(g)})
        more = f" · {started} spirals" if started > 1 else ""
        return (f"Round {self.g[last] if g is None else g} of {self.rounds[-1]} · level: "
                f"{plotly_text(self.level_name[last])}{more}")


def _notes(texts: Any, sources: Any) -> list[str]:
    """Each text's rating note ("self-rated", ...; "" for the rubric's), aligned with ``texts``.

    A trajectory made before qualities had sources has no ``sources``: no notes then.
    """
    sources = list(sources) if isinstance(sources, (list, tuple)) else []
    return [rating_note(str(s)) for s in sources] + [""] * max(0, len(texts) - len(sources))


def _marked(text: str, note: str) -> str:
    """A text with its rating note after it, in brackets (raw: escape when displaying)."""
    return f"{text} [{note}]" if note else text


def _participant_lines(texts: Any, sources: Any = ()) -> list[str]:
    texts = list(texts) if isinstance(texts, (list, tuple)) else []
    notes = _notes(texts, sources)
    lines = []
    for text, note in zip(texts[:_HOVER_TEXTS], notes):
        wrapped = "\n".join(textwrap.wrap(shorten(str(text), _HOVER_TEXT_CHARS), _HOVER_WRAP))
        lines.append("• " + plotly_text(wrapped) + (f" <i>({plotly_text(note)})</i>" if note else ""))
    if len(texts) > _HOVER_TEXTS:
        lines.append(f"+ {len(texts) - _HOVER_TEXTS} more")
    return lines


def _hover(row: Any, lineage: str = "") -> str:
    """Hover label of one step: round, mode, level, stocks and what people contributed.

    ``lineage`` (for a spiral seeded by another) names where it started.
    """
    n = int(row.contributions)
    level = plotly_text(row.level_name)
    spiral = f"Spiral {plotly_text(str(row.spiral))} · " if lineage else ""
    lines = [f"<b>{spiral}Round {int(row.round)} · {plotly_text(row.mode_name)} ({plotly_text(row.mode)})</b>"]
    if lineage:
        lines.append(f"New spiral {plotly_text(lineage)}")
    lines += [
        f"Level: {level}" + (" (just moved up)" if bool(row.leveled_up) else ""),
        f"Per person: tacit {row.T / row.participants:.2f}, "
        f"explicit {row.X / row.participants:.2f}",
    ]
    note = str(getattr(row, "note", "") or "")
    if note:
        lines.append(plotly_text("\n".join(textwrap.wrap(shorten(note, 240), _HOVER_WRAP))))
    if n:
        people = getattr(row, "people", None)
        by = f" by {int(people)} {'person' if int(people) == 1 else 'people'}" if people is not None else ""
        lines.append(f"{n} contribution{'s' if n != 1 else ''}{by}, mean quality {row.quality:.2f}:")
        lines.extend(_participant_lines(row.texts, getattr(row, "sources", ())))
    else:
        lines.append("No contributions in this mode")
    return "<br>".join(lines)


def _check(trajectory: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(trajectory, pd.DataFrame):
        raise TypeError(
            f"Expected the DataFrame returned by simulate_spiral, got {type(trajectory).__name__}."
        )
    needed = {"round", "mode", "mode_name", "level", "level_name", "leveled_up", "radius",
              "angle", "height", "texts", "contributions", "quality", "T", "X", "participants"}
    missing = sorted(needed - set(trajectory.columns))
    if missing:
        raise ValueError(
            "The trajectory lacks the columns " + ", ".join(missing)
            + ": pass the DataFrame returned by simulate_spiral."
        )
    return trajectory


def _empty_annotation() -> dict:
    return dict(text=_EMPTY_NOTE, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                font=dict(size=16, color=_INK), bgcolor="rgba(255,255,255,0.85)")


# --------------------------------------------------------------------------- 3-D traces


def _band_fill(trajectory: pd.DataFrame, root: str) -> dict[int, float]:
    """How full each level's band is drawn: levels below the root spiral's level are full, its
    own level fills with the share of the next level's conditions met (v2,
    :func:`seci_lab.model.level_progress`), the levels above are empty."""
    rows = trajectory[trajectory["spiral"] == root] if "spiral" in trajectory.columns else trajectory
    if rows.empty:
        return {int(level): 0.0 for level in LEVELS}
    level = int(rows["level"].iloc[-1])
    try:
        fill = level_progress(rows).fill
    except (ValueError, KeyError, TypeError):  # v1, or a trajectory without v2's parameters
        fill = max(0.0, min(1.0, float(rows["height"].iloc[-1]) - level))
    return {int(lv): 1.0 if lv < level else (fill if lv == level else 0.0) for lv in LEVELS}


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


def _mode_name(mode: Mode) -> str:
    return f"{mode.value} {mode.label}"


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


def _levelup_text(steps: _Steps, i: int) -> str:
    return f"↑ {plotly_text(steps.level_name[i])}" if steps.up[i] else ""


def _new_spiral_text(steps: _Steps, i: int) -> str:
    return f"New spiral {plotly_text(steps.spiral[i])}" if steps.link[i] else ""


def _step_text(steps: _Steps, i: int) -> str:
    """The label a step carries in the animation: a level-up, the start of a new spiral."""
    return "<br>".join(t for t in (_new_spiral_text(steps, i), _levelup_text(steps, i)) if t)


def _label_trace(kind: type, steps: _Steps, idx: list[int], name: str, label, position: str,
                 marker: dict) -> go.Scatter | go.Scatter3d:
    """Open markers with a label at some steps (level-ups, starts of new spirals), 2-D or 3-D."""
    where = dict(x=steps.pick(idx, "x"), y=steps.pick(idx, "y"))
    if kind is go.Scatter3d:
        where["z"] = steps.pick(idx, "z")
    return kind(**where, mode="markers+text", name=name, text=[label(steps, i) for i in idx],
                textposition=position, textfont=dict(color=_INK, size=11),
                marker=dict(color=_INK, **marker), hoverinfo="skip")


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


# --------------------------------------------------------------------------- 3-D figures


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


# --------------------------------------------------------------------------- top view


def spiral_top_view(trajectory: pd.DataFrame, *, title: str | None = None,
                    widest: float | None = None) -> go.Figure:
    """The spiral seen from above: a 2-D scatter of the same steps and hover labels.

    Marker symbol and colour show the mode, marker size the level (bigger is higher), and a
    labelled ring marks each level-up.

    Parameters
    ----------
    trajectory : pandas.DataFrame
        The output of :func:`seci_lab.model.simulate_spiral`; may have zero rows.
    title : str, optional
        Figure title (escaped).
    widest : float, optional
        Make room for a spiral this wide (its largest ``radius``) as well as this one. By
        default a view fits its own spiral; give two views the radius of the wider of the two
        and they are drawn to one scale, so their sizes can be compared.

    Returns
    -------
    plotly.graph_objects.Figure
        With a fixed set of traces: the path, one marker trace per mode (S, E, C, I), the
        level-ups, the starts of new spirals and the latest step (8 traces), so
        :func:`update_figure_widget` can update a ``go.FigureWidget`` of it in place.
    """
    steps = _Steps(_check(trajectory))
    px, py, _ = steps.path()
    data: list[go.Scatter] = [go.Scatter(
        x=px, y=py, mode="lines", line=dict(color=_PATH_COLOR, width=2),
        hoverinfo="skip", showlegend=False, name="Spiral path",
    )]
    for mode in MODES:
        idx = steps.of_mode(mode)
        data.append(go.Scatter(
            x=steps.pick(idx, "x"), y=steps.pick(idx, "y"), mode="markers",
            name=_mode_name(mode), legendgroup=mode.value,
            marker=dict(symbol=MODE_SYMBOLS[mode.value], color=MODE_COLORS[mode.value],
                        size=[8 + 3 * level for level in steps.pick(idx, "level")],
                        line=dict(color=_INK, width=1)),
            hovertext=steps.pick(idx, "hover"), hoverinfo="text",
        ))
    data.append(_label_trace(go.Scatter, steps, steps.level_ups(), "Level-up", _levelup_text, "top center",
                             dict(symbol="circle-open", size=22, line=dict(width=2))))
    data.append(_label_trace(go.Scatter, steps, steps.new_spirals(), "New spiral", _new_spiral_text,
                             "bottom center", dict(symbol="square-open", size=16, line=dict(width=2))))
    last = steps.latest()
    data.append(go.Scatter(x=steps.pick(last, "x"), y=steps.pick(last, "y"), mode="markers",
                           name="Latest step", hoverinfo="skip",
                           marker=dict(symbol="circle-open", color=_INK, size=26,
                                       line=dict(width=3))))

    reach = steps.reach if widest is None else max(steps.reach, _reach(float(widest)))
    lim = 1.3 * reach
    annotations = []
    for mode in MODES:
        a = math.radians(mode.facts.angle)
        annotations.append(dict(
            x=_r(1.05 * reach * math.cos(a)), y=_r(1.05 * reach * math.sin(a)), showarrow=False,
            text=f"<b>{mode.value} {mode.label}</b><br>{mode.conversion}",
            font=dict(color=_INK, size=12), xanchor="center", yanchor="middle",
        ))
    annotations.append(dict(
        text="Bigger marker = higher level (Individual → Inter-organization)",
        x=0.0, y=-0.08, xref="paper", yref="paper", xanchor="left", yanchor="top",
        showarrow=False, font=dict(color=_INK, size=11),
    ))
    if not steps.n:
        annotations.append(_empty_annotation())
    axis = dict(range=[-lim, lim], showticklabels=False, zeroline=False, showgrid=False)
    layout = dict(
        template=_TEMPLATE,
        title=dict(text=_title(title, steps.subtitle()), x=0.02, xanchor="left"),
        meta={_META_KEY: "top", _LABEL_KEY: _spiral_label(steps, "Knowledge spiral seen from above")},
        uirevision="seci-lab-top",
        margin=dict(l=40, r=10, t=70, b=70),
        xaxis=dict(axis, title=dict(text=_X_TITLE)),
        yaxis=dict(axis, title=dict(text=_Y_TITLE), scaleanchor="x", scaleratio=1),
        shapes=[
            dict(type="line", x0=-lim, x1=lim, y0=0, y1=0, line=dict(color="#bbbbbb", width=1)),
            dict(type="line", x0=0, x1=0, y0=-lim, y1=lim, line=dict(color="#bbbbbb", width=1)),
        ],
        annotations=annotations,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1.0, xanchor="right"),
    )
    return go.Figure(data=data, layout=layout)


# --------------------------------------------------------------------------- live widget


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


# --------------------------------------------------------------------------- table and page


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


def page_script() -> str:
    """The script that names charts, makes accordions keyboard-operable and honours reduced motion.

    The Voila template includes the same file; a saved page inlines it after its charts.
    """
    from importlib.resources import files

    return files("seci_lab").joinpath("voila/templates/seci/seci-widgets.js").read_text(encoding="utf-8")


def figure_html(figure: go.Figure, div_id: str, *, plotlyjs: bool, height: str) -> str:
    """``figure`` as a piece of an offline HTML page, with :data:`PLOTLY_CONFIG`.

    ``plotlyjs`` inlines plotly.js (about 5 MB): pass ``True`` for the first figure of a page
    only, the others use it; the page script (:func:`page_script`, which names every chart of the
    page) comes with it. An animated figure waits for Play: it never plays by itself.
    """
    html = pio.to_html(figure, include_plotlyjs=plotlyjs, full_html=False, div_id=div_id,
                       config=PLOTLY_CONFIG, default_height=height, auto_play=False)
    return html + f"<script>{page_script()}</script>" if plotlyjs else html
