"""The course's diagrams drawn as editable PowerPoint shapes (python-pptx), for :mod:`.slides`.

Each figure is one group of ordinary shapes (rectangles, block arrows, chevrons, ovals and a
freeform line) named ``figure: <name>``, so a teacher can ungroup it in PowerPoint, Keynote or
Impress and change any box or word. No image export, so no kaleido and no browser is needed.

Colours are the spiral's mode colours (:data:`seci_lab.figures.MODE_COLORS`, Okabe-Ito); every
box also carries its name in words, and the part a slide is about gets a thick dark outline and
the words "this lesson", so colour is never the only signal.
"""

from __future__ import annotations

import math
from typing import Callable

from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from ..figures import MODE_COLORS
from ..model.modes import LEVELS, MODES

__all__ = ["FIGURES", "draw_figure"]

_INK = RGBColor(0x22, 0x22, 0x22)
_WHITE = RGBColor(0xFF, 0xFF, 0xFF)
_GREY = RGBColor(0x70, 0x70, 0x70)
_PALE = RGBColor(0xF2, 0xF2, 0xF2)
_HERE = "this lesson"

#: Where each mode and its ba sit in the classic 2 x 2 matrix: (row, column).
_CELLS = {"S": (0, 0), "E": (0, 1), "I": (1, 0), "C": (1, 1)}
#: Nonaka, Toyama & Konno (2000): the four ba by interaction (columns) and media (rows).
_BA = {
    "S": ("Originating ba", "individual, face-to-face: sharing feelings, experience and mental models"),
    "E": ("Dialoguing ba", "collective, face-to-face: mental models turned into common concepts"),
    "C": ("Systemizing ba", "collective, virtual: explicit knowledge combined through networks and documents"),
    "I": ("Exercising ba", "individual, virtual: explicit knowledge from manuals or simulations made one's own"),
}
#: Nonaka & Takeuchi (1995, ch. 3), the five phases in order.
PHASES = ("Sharing tacit knowledge", "Creating concepts", "Justifying concepts", "Building an archetype",
          "Cross-leveling knowledge")
#: Nonaka & Takeuchi (1995, ch. 6), the hypertext organization's layers, top to bottom.
LAYERS = (
    ("Project-team layer", "self-organizing teams drawn from across the business system"),
    ("Business-system layer", "routine work through the normal hierarchy"),
    ("Knowledge-base layer", "what the other two produce: documents, databases, culture and vision"),
)


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _box(shapes, kind, x, y, w, h, lines, *, fill: RGBColor | None = None, size: int = 16,
         bold_first: bool = True, highlight: bool = False, name: str = ""):
    """A shape with centred text; ``lines`` are paragraphs, the first bold."""
    shape = shapes.add_shape(kind, Emu(int(x)), Emu(int(y)), Emu(int(w)), Emu(int(h)))
    if fill is None:
        shape.fill.background()
    else:
        shape.fill.solid()
        shape.fill.fore_color.rgb = fill
    shape.line.color.rgb = _INK if highlight else _GREY
    shape.line.width = Pt(5 if highlight else 1)
    if name:
        shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.CENTER
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size if i == 0 else max(10, size - 4))
        run.font.bold = bold_first and i == 0
        run.font.color.rgb = _INK
    return shape


def _label(shapes, x, y, w, h, text, *, size=14, bold=False):
    box = shapes.add_textbox(Emu(int(x)), Emu(int(y)), Emu(int(w)), Emu(int(h)))
    frame = box.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _INK
    return box


def _grid(group, area, cells: dict[str, tuple[list[str], RGBColor]], highlight: str | None,
          rows: tuple[str, str], cols: tuple[str, str]):
    """A 2 x 2 grid with row and column headings and a clockwise arrow between neighbours."""
    x0, y0, w, h = area
    head = Inches(1.5)
    gap = Inches(0.55)
    cw, ch = (w - head - gap) / 2, (h - Inches(0.5) - gap) / 2
    top = y0 + Inches(0.5)
    for c, text in enumerate(cols):
        _label(group.shapes, x0 + head + c * (cw + gap), y0, cw, Inches(0.45), text, bold=True)
    for r, text in enumerate(rows):
        _label(group.shapes, x0, top + r * (ch + gap) + ch / 2 - Inches(0.3), head - Inches(0.1), Inches(0.6),
               text, bold=True)
    for key, (lines, fill) in cells.items():
        r, c = _CELLS[key]
        here = key == highlight
        _box(group.shapes, MSO_SHAPE.ROUNDED_RECTANGLE, x0 + head + c * (cw + gap), top + r * (ch + gap), cw, ch,
             lines + ([f"({_HERE})"] if here else []), fill=fill, highlight=here, name=f"cell {key}")
    # S -> E -> C -> I -> S, clockwise from the top left
    left, mid_x = x0 + head, x0 + head + cw
    arrows = (
        (MSO_SHAPE.RIGHT_ARROW, mid_x + Inches(0.05), top + ch / 2 - Inches(0.2), gap - Inches(0.1), Inches(0.4)),
        (MSO_SHAPE.DOWN_ARROW, mid_x + gap + cw / 2 - Inches(0.2), top + ch + Inches(0.05), Inches(0.4),
         gap - Inches(0.1)),
        (MSO_SHAPE.LEFT_ARROW, mid_x + Inches(0.05), top + ch + gap + ch / 2 - Inches(0.2), gap - Inches(0.1),
         Inches(0.4)),
        (MSO_SHAPE.UP_ARROW, left + cw / 2 - Inches(0.2), top + ch + Inches(0.05), Inches(0.4), gap - Inches(0.1)),
    )
    for kind, x, y, aw, ah in arrows:
        _box(group.shapes, kind, x, y, aw, ah, [], fill=_GREY, name="arrow")


def seci_matrix(group, area, highlight: str | None = None) -> None:
    """The SECI matrix: from tacit/explicit (rows) to tacit/explicit (columns)."""
    cells = {m.value: ([f"{m.value} · {m.label}", m.conversion, f"creates {m.creates}"], _rgb(MODE_COLORS[m.value]))
             for m in MODES}
    _grid(group, area, cells, highlight, rows=("from tacit", "from explicit"), cols=("to tacit", "to explicit"))


def ba_axes(group, area, highlight: str | None = None) -> None:
    """The four ba of 2000 on their two axes: interaction (columns) and media (rows)."""
    cells = {key: ([title, text, f"({next(m.label for m in MODES if m.value == key)})"],
                   _rgb(MODE_COLORS[key])) for key, (title, text) in _BA.items()}
    _grid(group, area, cells, highlight, rows=("face-to-face media", "virtual media"),
          cols=("individual interaction", "collective interaction"))


def spiral(group, area, highlight: str | None = None) -> None:
    """The spiral seen from above: turns through S, E, C, I that widen over the four levels."""
    x0, y0, w, h = area
    radius = min(w - Inches(4.2), h) / 2
    cx, cy = x0 + radius + Inches(0.2), y0 + h / 2
    for i, level in reversed(list(enumerate(LEVELS))):
        r = radius * (i + 1) / len(LEVELS)
        ring = _box(group.shapes, MSO_SHAPE.OVAL, cx - r, cy - r, 2 * r, 2 * r, [], fill=None,
                    name=f"level ring: {level.label}")
        ring.line.dash_style = 4  # dashed: the rings are guides, the spiral is the line
    points = []
    turns, steps = 3.5, 140
    for k in range(steps + 1):
        t = k / steps
        angle = math.radians(135) - t * turns * 2 * math.pi  # starts in S (top left), turns clockwise
        r = radius * (0.08 + 0.9 * t)
        points.append((cx + r * math.cos(angle), cy - r * math.sin(angle)))
    builder = group.shapes.build_freeform(int(points[0][0]), int(points[0][1]), scale=1.0)
    builder.add_line_segments([(int(px), int(py)) for px, py in points[1:]], close=False)
    line = builder.convert_to_shape()
    line.name = "spiral path"
    line.fill.background()
    line.line.color.rgb = _INK
    line.line.width = Pt(3)
    for m in MODES:
        angle = math.radians(m.facts.angle)
        lx, ly = cx + radius * 0.55 * math.cos(angle), cy - radius * 0.55 * math.sin(angle)
        here = m.value == highlight
        _box(group.shapes, MSO_SHAPE.OVAL, lx - Inches(0.45), ly - Inches(0.45), Inches(0.9), Inches(0.9),
             [m.value], fill=_rgb(MODE_COLORS[m.value]), size=22, highlight=here, name=f"mode {m.value}")
    legend_x = cx + radius + Inches(0.4)
    lines = [f"{m.value} = {m.label}" + (f" ({_HERE})" if m.value == highlight else "") for m in MODES]
    _label(group.shapes, legend_x, y0, Inches(3.6), Inches(1.6), "Each turn: " + ", ".join(lines), size=14)
    rings = "Rings, inside out: " + ", ".join(level.label for level in LEVELS)
    _label(group.shapes, legend_x, y0 + Inches(1.8), Inches(3.6), Inches(1.4), rings, size=14)
    _label(group.shapes, legend_x, y0 + Inches(3.3), Inches(3.6), Inches(1.6),
           "Each turn converts knowledge between tacit and explicit and reaches a wider level.", size=14)


def five_phases(group, area, highlight: str | None = None) -> None:
    """The five phases as chevrons in order, with cross-leveling starting a new cycle."""
    x0, y0, w, h = area
    step = w / len(PHASES)
    for i, phase in enumerate(PHASES):
        # the chevron holds the number; its name sits below, where a long word has room
        _box(group.shapes, MSO_SHAPE.CHEVRON if i else MSO_SHAPE.PENTAGON, x0 + i * step, y0 + Inches(0.3),
             step + Inches(0.1), Inches(1.3), [f"{i + 1}"], fill=_PALE, size=28, name=f"phase {i + 1}")
        _label(group.shapes, x0 + i * step, y0 + Inches(1.7), step, Inches(0.9), phase, size=18, bold=True)
    back = _box(group.shapes, MSO_SHAPE.LEFT_ARROW, x0 + step, y0 + Inches(3.0), w - 1.5 * step, Inches(0.8),
                ["cross-leveling sets off a new cycle elsewhere"], fill=_PALE, size=14, bold_first=False,
                name="new cycle")
    back.text_frame.paragraphs[0].runs[0].font.bold = False
    _label(group.shapes, x0, y0 + Inches(4.1), w, Inches(0.8),
           "The phases happen inside an organization; the spiral is the shape of the whole process.", size=14)


def hypertext(group, area, highlight: str | None = None) -> None:
    """The hypertext organization's three layers, stacked, with people moving between them."""
    x0, y0, w, h = area
    band = (h - Inches(0.6)) / len(LAYERS)
    for i, (title, text) in enumerate(LAYERS):
        _box(group.shapes, MSO_SHAPE.PARALLELOGRAM, x0 + Inches(0.4), y0 + i * band, w - Inches(3.2),
             band - Inches(0.25), [title, text], fill=_PALE, size=18, name=f"layer {i + 1}")
    _box(group.shapes, MSO_SHAPE.UP_DOWN_ARROW, x0 + w - Inches(2.4), y0 + Inches(0.2), Inches(0.7),
         h - Inches(1.2), [], fill=_GREY, name="people move between layers")
    _label(group.shapes, x0 + w - Inches(1.6), y0 + h / 2 - Inches(1.0), Inches(1.6), Inches(2.0),
           "people move between the layers", size=14)


#: The figures a slide can hold, by name.
FIGURES: dict[str, tuple[str, Callable]] = {
    "seci-matrix": ("The SECI matrix", seci_matrix),
    "ba": ("Ba on two axes", ba_axes),
    "spiral": ("The knowledge spiral", spiral),
    "five-phases": ("The five phases", five_phases),
    "hypertext": ("The hypertext organization", hypertext),
}


def draw_figure(slide, name: str, area: tuple[int, int, int, int], highlight: str | None = None):
    """Draw the figure ``name`` on ``slide`` inside ``area`` (left, top, width, height in EMU) as one
    group named ``figure: <title>``; ``highlight`` is a mode letter to mark, or None."""
    title, draw = FIGURES[name]
    group = slide.shapes.add_group_shape()
    group.name = f"figure: {title}"
    draw(group, area, highlight)
    return group
