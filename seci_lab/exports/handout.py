"""A handout to print: each lesson's summary, the SECI matrix and the learner's own spiral.

One standalone HTML page (``seci-lab handout``, and "Handout to print" on the "My work" page) with
print CSS: ``@page`` sets the paper (A4 or Letter) and margins, each lesson starts on a new
sheet, tables and the figure are not split. The spiral is an inline SVG drawn from the learner's
trajectory (no script, so it prints as it shows), with its table beside it. Every text goes
through a Jinja2 template with autoescape (``templates/handout.html.j2``); tables through
:func:`seci_lab.exports.html_table`.
"""

from __future__ import annotations

import functools
import math
from datetime import datetime, timezone
from typing import Iterable, Sequence

import jinja2
from markupsafe import Markup

from ..content import load_critiques, load_lesson
from ..content.course import PAGES
from ..content.sources import references
from ..content.theory import load_theory_lesson
from ..model import MODES, Contribution, simulate_spiral
from . import html_table

__all__ = ["PAPERS", "handout_html", "handout_steps", "spiral_sketch", "write_handout"]

#: Paper sizes the handout is laid out for (CSS ``@page size``).
PAPERS = {"A4": "A4", "Letter": "letter"}
_SIZE = 400  # the SVG's view box: 400 x 400 units


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("seci_lab.exports", "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def handout_steps() -> tuple[int, ...]:
    """The course steps with a summary for the handout (every lesson; the sources page is a list)."""
    return tuple(p.step for p in PAGES if p.kind in ("lesson", "spiral", "critiques", "theory"))


def _lesson(page) -> dict:
    facts: list[tuple[str, str]] = []
    if page.kind == "lesson":
        lesson = load_lesson(page.key)
        mode = lesson.mode
        facts = [("Converts", mode.conversion), ("Creates", mode.creates), ("Set off by", mode.trigger),
                 ("Where", mode.ba)]
        goals, recap, sources = lesson.goals, lesson.recap, lesson.sources
    elif page.kind == "critiques":
        critiques = load_critiques()
        goals, recap, sources = critiques.goals, critiques.recap, critiques.sources
    else:  # the theory lesson, and the spiral lab (which builds on the theory's two dimensions)
        theory = load_theory_lesson(page.key if page.kind == "theory" else "KCC")
        if page.kind == "theory":
            goals, recap = theory.goals, theory.recap
        else:
            goals = ("Build a spiral from your own contributions, round by round.",
                     "See what each mode adds and what the next level still needs.")
            recap = theory.recap[:1] + tuple(load_lesson(m.value).recap[0] for m in MODES)
        sources = theory.sources
    return {"step": page.step, "label": page.label, "summary": page.summary, "facts": facts, "goals": goals,
            "recap": recap, "references": references(sources)}


def _steps(steps: Iterable[int] | None) -> list:
    known = handout_steps()
    chosen = list(known if steps is None else steps)
    for step in chosen:
        if step not in known:
            raise ValueError(f"There is no lesson {step} with a summary: the lessons are "
                             f"{', '.join(map(str, known))}.")
    return [PAGES[s - 1] for s in dict.fromkeys(chosen)]


def spiral_sketch(contributions: Sequence[Contribution]) -> dict | None:
    """The SVG's geometry (one point per step, outward turn by turn) and the table, or None without work."""
    from ..figures import spiral_table  # plotly: loaded only when a spiral is drawn

    if not contributions:
        return None
    trajectory = simulate_spiral(list(contributions), 1, rounds=max(c.round for c in contributions))
    centre, n = _SIZE / 2, len(trajectory)
    points, level = [], None
    for i, row in enumerate(trajectory.itertuples(index=False)):
        r = 18 + (centre - 40) * i / max(1, n - 1)  # outward step by step
        angle = math.radians(float(row.angle))
        rose = str(row.level_name) if row.level_name != level and i else ""
        level = row.level_name
        points.append({"x": round(centre + r * math.cos(angle), 1), "y": round(centre - r * math.sin(angle), 1),
                       "mode": str(row.mode), "up": bool(row.leveled_up), "level": rose})
    columns = ["Round", "Mode", "Contributions", "Mean quality", "Level", "Level-up", "What was contributed"]
    table = spiral_table(trajectory)
    table = table[[c for c in columns if c in table.columns]]
    return {"size": _SIZE, "steps": n, "points": points, "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            "level": str(level), "table": Markup(html_table(table, "The spiral, step by step"))}


def handout_html(steps: Iterable[int] | None = None, *, paper: str = "A4",
                 contributions: Sequence[Contribution] = (), learner: str = "") -> str:
    """The handout as one HTML page.

    Parameters
    ----------
    steps : iterable of int, optional
        Course steps of the lessons to summarise (default: every lesson).
    paper : {"A4", "Letter"}
        The paper the page is laid out for.
    contributions : sequence of Contribution
        The learner's contributions: their spiral is drawn from them (none: a note instead).
    learner : str
        The learner's name for the heading (escaped like every text).

    Raises
    ------
    ValueError
        An unknown lesson or paper.
    """
    if paper not in PAPERS:
        raise ValueError(f"Choose the paper: {' or '.join(PAPERS)}, not {paper!r}.")
    by = {m.value: m for m in MODES}
    return _environment().get_template("handout.html.j2").render(
        title="The SECI model: a handout", learner=str(learner or "").strip(), paper=paper,
        paper_size=PAPERS[paper], made=datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        lessons=[_lesson(p) for p in _steps(steps)],
        matrix=[("tacit", [by["S"], by["E"]]), ("explicit", [by["I"], by["C"]])],
        spiral=spiral_sketch(contributions))


def _learner_work(db: str | None) -> tuple[str, list[Contribution]]:
    """The name and contributions saved in the learner database ``db`` (a path or URL; default the
    learner's own). A given database that does not exist is an error; the default one may be missing."""
    from pathlib import Path

    from ..env import DB_ENV
    from ..store.engine import database_url, default_url
    from ..store.progress import open_progress

    url = database_url(db) if db else default_url()
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        if db:
            raise ValueError(f"There is no saved work at {db}: give the learner database (the file of {DB_ENV}).")
        return "", []
    progress = open_progress(url=url)
    try:
        return progress.name, list(progress.contributions())
    finally:
        progress.engine.dispose()


def write_handout(out, steps: Iterable[int] | None = None, *, paper: str = "A4", db: str | None = None):
    """Write the handout of the learner in ``db`` into ``out`` (a file, or a folder to put
    ``seci-lab-handout.html`` in); return the path. ValueError with a message on bad input."""
    from pathlib import Path

    name, contributions = _learner_work(db)
    page = handout_html(steps, paper=paper, contributions=contributions, learner=name)
    path = Path(out).expanduser()
    if path.is_dir():
        path = path / "seci-lab-handout.html"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    except OSError as error:
        raise ValueError(f"{path} cannot be written ({error.strerror or error}).") from None
    return path
