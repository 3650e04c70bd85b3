"""The trajectory as plain per-step lists (:class:`_Steps`) and the hover texts built from them."""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..escape import plotly_text, shorten
from ..model.contributions import rating_note
from ..model.modes import LEVELS, Mode
from ..model.spiral import ROOT_SPIRAL
from ..model.spiral_levels import level_progress
from .base import _ARC_POINTS, _CHILD_SCALE, _HOVER_TEXT_CHARS, _HOVER_TEXTS, _HOVER_WRAP, _INK, _MODE_NAMES, _r, _reach


def _spiral_label(steps: "_Steps", view: str) -> str:
    """The accessible name of a spiral chart: what it shows, in words (no markup)."""
    if not steps.n:
        return f"{view}: no contributions yet."
    last = steps.latest()[0]
    rounds = len(steps.rounds)
    spirals = f", {len(steps.spirals)} spirals" if len(steps.spirals) > 1 else ""
    return (f"{view}: {steps.n} step{'s' if steps.n != 1 else ''} in {rounds} round{'s' if rounds != 1 else ''}"
            f"{spirals}, now at the {steps.level_name[last]} level. Its data is in the table next to it.")



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

def _mode_name(mode: Mode) -> str:
    return f"{mode.value} {mode.label}"

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
